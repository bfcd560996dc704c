//! Alert intake: Datadog monitor webhooks parsed into an [`Alert`] (`webhook`), their monitor
//! queries read by a small tokenizer (`query`), and the alert classified as missing traces,
//! high latency, high error rate or a broken trace by the `on_alert` hooks of `rca` rules
//! (`classify`).

pub mod classify;
pub mod code;
pub mod correlate;
pub mod priority;
pub mod query;
pub mod remediation;
pub mod report;
pub mod webhook;

pub use classify::{classify, classify_with, Candidate, Classification, DEFAULT_KIND, KINDS};
pub use query::{parse_query, MetricRef, MonitorQuery};
pub use report::{analyse_alert, to_markdown, RcaInput, RcaReport, TraceFile};
pub use webhook::{parse_alert, read_payload, Alert, AlertError};
