//! Trace evidence for root-cause analysis: read real Datadog trace data and analyse it.
//!
//! [`load_traces`] / [`parse_traces`] read a file of traces in any of the formats below,
//! detected from the content (never from the file name), into [`Trace`]s of [`Span`]s;
//! [`analysis::analyse`] finds uninstrumented gaps, orphans, traces split at a service
//! boundary, status/error mismatches and high-cardinality resources; and
//! [`flamegraph::render_path`] draws a text excerpt of one trace.
//!
//! # Accepted formats
//!
//! * **Agent intake v0.4, JSON** ([`TraceFormat::V04Json`]): an array of traces, each an array
//!   of span objects `{trace_id, span_id, parent_id, name, service, resource, type, start,
//!   duration, error, meta, metrics}` with `start`/`duration` in nanoseconds. IDs are JSON
//!   integers (read exactly as `u64`, also above 2^53) or decimal strings.
//! * **Agent intake v0.4, MessagePack** ([`TraceFormat::V04Msgpack`]): the same structure as
//!   MessagePack maps with string keys; integers of any width, metrics as integers or floats.
//! * **Agent intake v0.5, MessagePack** ([`TraceFormat::V05Msgpack`]): `[strings, traces]`,
//!   where `strings` is the payload's string table and every span is the 12-element array
//!   `[service, name, resource, trace_id, span_id, parent_id, start, duration, error, meta,
//!   metrics, type]`; `service`, `name`, `resource`, `type` and the keys and values of `meta`
//!   and the keys of `metrics` are indices into the string table.
//! * **Datadog app / API JSON** ([`TraceFormat::UiJson`]), one of:
//!   * the trace view's JSON (as the web app loads and exports a trace): an object holding
//!     `trace: {root_id, spans}` (or `root_id` and `spans` at the top level), where `spans` is
//!     a map from span id to span or a list of spans, each with `trace_id`, `span_id`,
//!     `parent_id` (decimal strings or integers), `service`, `name`, `resource`, `type`,
//!     `start` and `end` / `duration` in **seconds** (floats), `error` (0/1 or bool), `meta`
//!     and `metrics`; an `orphaned` list of spans next to `trace` is read too;
//!   * the *Get a trace by ID* API (`GET /api/v2/trace/{id}`): `{"data": {"attributes":
//!     {"spans": [...]}}}` with spans `{traceID, spanID, parentID, service, name, resource,
//!     type, startTime, duration (ns), error, meta, metrics}`;
//!   * the span search API (`GET /api/v2/spans/events`): `{"data": [{"attributes": {...}}]}`
//!     with `trace_id`, `span_id`, `parent_id`, `service`, `resource_name`, `type`,
//!     `start_timestamp`, `end_timestamp` (RFC 3339), and the span's tags in `attributes` and
//!     `custom` (nested objects, flattened to dotted keys: strings and bools into `meta`,
//!     numbers into `metrics`); the operation name is `operation_name` (or `name`) from the
//!     attributes when present, the duration `custom.duration` (ns) when present, and the
//!     error flag `error` (number/bool) or the presence of `error.message` / `error.type`.
//!
//!   IDs given as strings are decimal, or hexadecimal when they hold hex letters or a `0x`
//!   prefix (a 128-bit hex trace ID keeps its lower 64 bits, as the agent intake does).

pub mod analysis;
pub mod flamegraph;
mod formats;
pub mod msgpack;
mod ui;

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::io::Read;
use std::path::Path;

use serde::Serialize;

pub use analysis::{analyse, TraceEvidence};

/// Largest trace file read (256 MiB).
pub const MAX_INPUT_BYTES: u64 = 256 * 1024 * 1024;

/// One span, normalised from any input format.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Span {
    /// Lower 64 bits of the trace ID.
    pub trace_id: u64,
    /// Span ID.
    pub span_id: u64,
    /// Parent span ID; 0 for a root.
    pub parent_id: u64,
    /// Service name.
    pub service: String,
    /// Operation name (`servlet.request`, `postgresql.query`, ...).
    pub name: String,
    /// Resource name (`POST /v1/assessments`, a query, ...).
    pub resource: String,
    /// Span type (`web`, `db`, `http`, `grpc`, ...); empty when unset.
    pub span_type: String,
    /// Start, in nanoseconds since the Unix epoch (the readers clamp it to
    /// `0..=`[`MAX_START_NS`]).
    pub start_ns: i64,
    /// Duration in nanoseconds (the readers clamp it to `0..=`[`MAX_DURATION_NS`]).
    pub duration_ns: i64,
    /// The span's error flag.
    pub error: bool,
    /// String tags.
    pub meta: BTreeMap<String, String>,
    /// Numeric tags.
    pub metrics: BTreeMap<String, f64>,
}

impl Span {
    /// End, in nanoseconds since the Unix epoch (saturating).
    pub fn end_ns(&self) -> i64 {
        self.start_ns.saturating_add(self.duration_ns.max(0))
    }
}

/// The spans of one trace ID, sorted by start time (then span ID).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Trace {
    /// Lower 64 bits of the trace ID.
    pub trace_id: u64,
    /// The trace's spans.
    pub spans: Vec<Span>,
}

impl Trace {
    /// Start of the earliest span (0 for an empty trace).
    pub fn start_ns(&self) -> i64 {
        self.spans.iter().map(|s| s.start_ns).min().unwrap_or(0)
    }

    /// The span with this ID, if the trace holds it.
    pub fn span(&self, span_id: u64) -> Option<&Span> {
        self.spans.iter().find(|s| s.span_id == span_id)
    }
}

/// The format a trace file was read as.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TraceFormat {
    /// Agent intake v0.4 as JSON.
    V04Json,
    /// Agent intake v0.4 as MessagePack.
    V04Msgpack,
    /// Agent intake v0.5 as MessagePack (string table).
    V05Msgpack,
    /// Trace JSON from the Datadog web app or API (see the module docs for the shapes).
    UiJson,
}

impl fmt::Display for TraceFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            TraceFormat::V04Json => "Datadog agent v0.4 JSON",
            TraceFormat::V04Msgpack => "Datadog agent v0.4 MessagePack",
            TraceFormat::V05Msgpack => "Datadog agent v0.5 MessagePack",
            TraceFormat::UiJson => "Datadog trace JSON (app/API)",
        })
    }
}

/// Why a trace file could not be read. Every variant names the file (`origin`).
#[derive(Debug, thiserror::Error)]
pub enum TraceError {
    /// The file could not be read.
    #[error("{origin}: cannot read: {source}")]
    Io {
        /// File path.
        origin: String,
        /// The I/O error.
        source: std::io::Error,
    },
    /// The file is larger than [`MAX_INPUT_BYTES`].
    #[error("{origin}: {size} bytes is over the {limit}-byte limit for trace files")]
    TooLarge {
        /// File path.
        origin: String,
        /// Its size (or a lower bound).
        size: u64,
        /// The limit.
        limit: u64,
    },
    /// Invalid JSON, or JSON of the wrong shape.
    #[error("{origin}:{line}:{column}: {message}")]
    Json {
        /// File path.
        origin: String,
        /// 1-based line (0 when the position is unknown).
        line: usize,
        /// 1-based column (0 when the position is unknown).
        column: usize,
        /// What went wrong (shape errors name the JSON path, e.g. `$[0][2].span_id`).
        message: String,
    },
    /// Invalid MessagePack, or MessagePack of the wrong shape.
    #[error("{origin}: byte {offset}: {message}")]
    Msgpack {
        /// File path.
        origin: String,
        /// Byte offset of the offending value.
        offset: usize,
        /// What went wrong.
        message: String,
    },
    /// The content is none of the accepted formats.
    #[error("{origin}: not a trace file: {message}")]
    Unrecognised {
        /// File path.
        origin: String,
        /// What was found.
        message: String,
    },
}

/// Reads and parses a trace file (at most [`MAX_INPUT_BYTES`]).
pub fn load_traces(path: &Path) -> Result<(TraceFormat, Vec<Trace>), TraceError> {
    let origin = path.display().to_string();
    let io = |source| TraceError::Io {
        origin: origin.clone(),
        source,
    };
    let file = std::fs::File::open(path).map_err(io)?;
    if let Ok(meta) = file.metadata() {
        if meta.len() > MAX_INPUT_BYTES {
            return Err(TraceError::TooLarge {
                origin,
                size: meta.len(),
                limit: MAX_INPUT_BYTES,
            });
        }
    }
    let mut bytes = Vec::new();
    file.take(MAX_INPUT_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(io)?;
    parse_traces(&bytes, &origin)
}

/// Parses trace data already in memory; `origin` names it in errors.
pub fn parse_traces(bytes: &[u8], origin: &str) -> Result<(TraceFormat, Vec<Trace>), TraceError> {
    if bytes.len() as u64 > MAX_INPUT_BYTES {
        return Err(TraceError::TooLarge {
            origin: origin.to_string(),
            size: bytes.len() as u64,
            limit: MAX_INPUT_BYTES,
        });
    }
    let body = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
    let first = body.iter().find(|b| !b.is_ascii_whitespace()).copied();
    let (format, spans) = match first {
        Some(b'[') | Some(b'{') => formats::parse_json(body, origin)?,
        Some(0x90..=0x9f) | Some(0xdc) | Some(0xdd) if first == bytes.first().copied() => {
            formats::parse_msgpack(bytes, origin)?
        }
        None => {
            return Err(TraceError::Unrecognised {
                origin: origin.to_string(),
                message: "the input is empty".into(),
            })
        }
        Some(b) => {
            return Err(TraceError::Unrecognised {
                origin: origin.to_string(),
                message: format!(
                    "starts with byte 0x{b:02x}: neither JSON (`[` or `{{`) nor a MessagePack array"
                ),
            })
        }
    };
    Ok((format, group(spans)))
}

/// Latest start kept (2^62 ns, in the year 2116); later or negative starts are clamped.
pub const MAX_START_NS: i64 = 1 << 62;
/// Longest duration kept (2^61 ns, 73 years); negative durations become 0.
pub const MAX_DURATION_NS: i64 = 1 << 61;

/// Groups spans by trace ID (traces in order of first appearance), spans sorted by start;
/// times are clamped so that every sum and difference of them fits in an `i64`.
fn group(spans: Vec<Span>) -> Vec<Trace> {
    let mut index: HashMap<u64, usize> = HashMap::new();
    let mut traces: Vec<Trace> = Vec::new();
    for mut span in spans {
        span.start_ns = span.start_ns.clamp(0, MAX_START_NS);
        span.duration_ns = span.duration_ns.clamp(0, MAX_DURATION_NS);
        let i = *index.entry(span.trace_id).or_insert_with(|| {
            traces.push(Trace {
                trace_id: span.trace_id,
                spans: Vec::new(),
            });
            traces.len() - 1
        });
        traces[i].spans.push(span);
    }
    for trace in &mut traces {
        trace.spans.sort_by_key(|s| (s.start_ns, s.span_id));
    }
    traces
}

/// Parses an ID given as a string: decimal, or hex (`0x` prefix or hex letters); 128-bit hex
/// keeps the lower 64 bits.
pub(crate) fn parse_id_str(s: &str) -> Option<u64> {
    let s = s.trim();
    if s.is_empty() {
        return Some(0);
    }
    let (hex, digits) = match s.strip_prefix("0x").or_else(|| s.strip_prefix("0X")) {
        Some(rest) => (true, rest),
        None => (!s.bytes().all(|b| b.is_ascii_digit()), s),
    };
    if hex {
        if digits.is_empty() || digits.len() > 32 || !digits.bytes().all(|b| b.is_ascii_hexdigit())
        {
            return None;
        }
        let low = &digits[digits.len().saturating_sub(16)..];
        u64::from_str_radix(low, 16).ok()
    } else {
        // A decimal 128-bit ID keeps its lower 64 bits too.
        s.parse::<u128>().ok().map(|v| v as u64)
    }
}

#[cfg(test)]
mod tests;
