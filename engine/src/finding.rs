//! Findings, severities and the scan report that every output format writes.

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// How serious a finding is. Ordered: `Info < Warning < Error`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Worth knowing; never fails a build unless `--fail-on info`.
    Info,
    /// A gap that degrades traces.
    Warning,
    /// A gap that loses traces.
    Error,
}

impl Severity {
    /// Lower-case name as used in config, CLI and JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Severity {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.to_ascii_lowercase().as_str() {
            "info" | "note" => Ok(Severity::Info),
            "warning" | "warn" => Ok(Severity::Warning),
            "error" => Ok(Severity::Error),
            other => Err(format!(
                "unknown severity `{other}` (expected info, warning or error)"
            )),
        }
    }
}

/// A suggested fix carried by a finding.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Fix {
    /// What the fix does, in one sentence.
    pub description: String,
    /// Replacement or insertion text, language-idiomatic.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub snippet: Option<String>,
    /// Machine-applicable text replacements (`apm-doctor fix`), possibly in several files.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub edits: Vec<Edit>,
    /// Unified diff of `edits` against the scanned files (`--- a/path` / `+++ b/path`, three
    /// lines of context), filled in by the engine after the scan.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub diff: Option<String>,
}

/// One text replacement in one file: lines `line..=end_line` that read `old` become `new`.
///
/// `old` and `new` hold whole lines, each ended by `\n` (whatever the file's line endings;
/// CRLF files get CRLF when the edit is applied). An insertion has an empty `old` and inserts
/// before `line` (`end_line` = `line`; one past the last line appends); a deletion has an empty
/// `new`; a new file has an empty `old` at line 1 and does not exist yet.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Edit {
    /// File relative to the scanned root, `/`-separated.
    pub file: String,
    /// 1-based first line replaced (or the line an insertion goes before).
    pub line: usize,
    /// 1-based last line replaced, inclusive (`line` for an insertion).
    pub end_line: usize,
    /// The text expected at those lines (conflict detection); empty for an insertion.
    #[serde(default)]
    pub old: String,
    /// The replacement text.
    #[serde(default)]
    pub new: String,
    /// How a rule placed the edit, resolved into `line`/`old`/`new` by the engine after the
    /// scan (never serialised).
    #[serde(skip)]
    pub anchor: Option<EditAnchor>,
}

/// A rule-side edit position the engine turns into whole lines once it reads the file.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct EditAnchor {
    /// Replace the bytes `start..end` (of the BOM-stripped text) with `new` (the edit then
    /// covers the lines those bytes touch).
    pub bytes: Option<(usize, usize)>,
    /// Prefix every non-empty line of `new` with the indentation of this 1-based line.
    pub indent_like: Option<usize>,
    /// Insert at the end of the file.
    pub append: bool,
    /// The file is created (it must not exist).
    pub create: bool,
    /// Replace lines `line..=end_line` whatever they read (`old` is taken from the file).
    pub whole_lines: bool,
    /// Insert a copy of these 1-based lines (inclusive), as the file reads them.
    pub copy_lines: Option<(usize, usize)>,
    /// Rewrite line `line`: the first (find, replace) pair whose `find` occurs in it replaces
    /// its first occurrence.
    pub substitute: Vec<(String, String)>,
    /// Add this Go import spec (`alias "path"`) to the file's imports, unless the path is
    /// imported already (then the edit is dropped).
    pub go_import: Option<String>,
    /// Place the edit at the nearest line at or above `line` that contains one of these texts
    /// (an insertion goes after that line, indented like it; a substitution rewrites it).
    pub search_up: Vec<String>,
}

impl Edit {
    /// True when the edit inserts lines without replacing any.
    pub fn is_insertion(&self) -> bool {
        self.old.is_empty()
    }
}

/// One problem a rule found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Finding {
    /// Rule id (`tracer-missing`).
    pub rule: String,
    /// Effective severity (after `[rules.severity]` overrides).
    pub severity: Severity,
    /// Rule category (`audit`).
    pub category: String,
    /// Human-readable message.
    pub message: String,
    /// Service the finding belongs to, if any.
    #[serde(default)]
    pub service: Option<String>,
    /// File relative to the scanned root.
    pub file: String,
    /// 1-based line.
    pub line: usize,
    /// 1-based column.
    pub column: usize,
    /// Suggested fix.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fix: Option<Fix>,
    /// True when an inline `apm-doctor: ignore[...]` comment suppresses it. Suppressed findings
    /// are kept only in SARIF output (marked suppressed).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub suppressed: bool,
}

impl Finding {
    /// A stable identity that ignores line moves, used by `--baseline`.
    pub fn fingerprint(&self) -> String {
        format!(
            "{}|{}|{}|{}",
            self.rule,
            self.service.as_deref().unwrap_or(""),
            self.file,
            self.message
        )
    }
}

/// Where a service's tracer library is declared.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TracerInfo {
    /// Library name (`ddtrace`, `dd-trace-go.v1`, `dd-java-agent`...).
    pub library: String,
    /// Declared version or constraint.
    pub version: Option<String>,
    /// File declaring it.
    pub declared_in: String,
    /// 1-based line.
    pub line: usize,
}

/// How and where the tracer is initialised.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InitInfo {
    /// `ddtrace-run`, `import ddtrace.auto`, `tracer.Start`, `-javaagent`...
    pub method: String,
    /// File relative to the scanned root.
    pub file: String,
    /// 1-based line.
    pub line: usize,
}

/// An effective configuration value (`DD_SERVICE`...) and where it is set.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConfigValue {
    /// The literal value, or a description of its source (`fieldRef:status.hostIP`).
    pub value: String,
    /// File relative to the scanned root.
    pub file: String,
    /// 1-based line.
    pub line: usize,
}

/// One service as reported.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServiceSummary {
    /// Service name (DD_SERVICE, else manifest name, else folder).
    pub name: String,
    /// Service directory relative to the scanned root (`.` for the root).
    pub root: String,
    /// Language family.
    pub language: Option<String>,
    /// Frameworks and queue clients detected from dependencies.
    pub frameworks: Vec<String>,
    /// Declared tracer, if any.
    pub tracer: Option<TracerInfo>,
    /// Tracer initialisation, if found.
    pub init: Option<InitInfo>,
    /// DD_* settings that apply to the service.
    pub config: BTreeMap<String, ConfigValue>,
    /// Entry points (routes, consumers, scheduled jobs, gRPC services) and what covers them.
    #[serde(default)]
    pub entry_points: Vec<EntryPoint>,
    /// Outbound calls matched to the services of the repo that serve them.
    #[serde(default)]
    pub edges: Vec<Edge>,
    /// Instrumentation score 0-100 (see the README for the weights), when any rule applied.
    #[serde(default)]
    pub score: Option<u32>,
}

/// Something that starts work in a service: an HTTP route, a queue consumer, a scheduled job or
/// a gRPC service.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EntryPoint {
    /// `http`, `consumer`, `cron` or `grpc`.
    pub kind: String,
    /// Framework or client (`flask`, `gin`, `kafkajs`...).
    pub framework: String,
    /// Templated route (`GET /users/:id`), topic/queue, schedule or gRPC service name.
    pub route: String,
    /// Handler function or class, when known.
    pub handler: Option<String>,
    /// File relative to the scanned root.
    pub file: String,
    /// 1-based line.
    pub line: usize,
    /// `auto:<integration>`, `manual:<operation>`, or `None` when nothing traces it.
    pub covered_by: Option<String>,
}

/// An outbound call from a service to another service of the repo.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Edge {
    /// Service called.
    pub to: String,
    /// `http`, `grpc`, `kafka`, `rabbitmq`, `sqs`...
    pub via: String,
    /// Host, URL, topic or queue as written in the code.
    pub target: String,
    /// File of the call.
    pub file: String,
    /// 1-based line.
    pub line: usize,
}

/// Counters for one run.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stats {
    /// Files the walker kept.
    pub files: usize,
    /// Source files parsed with tree-sitter.
    pub parsed: usize,
    /// Files not read or not parsed, for any reason (see `skipped_by`).
    pub skipped: usize,
    /// Skips by reason (`no-keyword`, `binary`, `too-large`, `unreadable`, `excluded`...).
    pub skipped_by: BTreeMap<String, usize>,
    /// Rules loaded and enabled.
    pub rules: usize,
    /// Wall time in milliseconds.
    pub duration_ms: u64,
    /// Time spent in each rule's hooks, in milliseconds summed over worker threads.
    #[serde(default)]
    pub rule_ms: BTreeMap<String, u64>,
    /// Time spent parsing and running queries, in milliseconds summed over worker threads.
    #[serde(default)]
    pub parse_ms: u64,
    /// Files (source and config) whose hooks' results came from `--cache` instead of being
    /// evaluated.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub cached: usize,
    /// Per service: the weights behind its score (so that `merge` recomputes the repository
    /// score exactly).
    #[serde(default)]
    pub score_weights: BTreeMap<String, crate::coverage::ScoreWeights>,
}

/// For `skip_serializing_if` on counts that are left out when 0.
pub(crate) fn is_zero(n: &usize) -> bool {
    *n == 0
}

/// A problem that made the run incomplete (a broken rule, an unparsable file...).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Diagnostic {
    /// `rule-error`, `parse-error`, `io-error`, `config-error`.
    pub kind: String,
    /// File (relative to the root for scanned files; as given for rule files).
    pub file: String,
    /// 1-based line, 0 when unknown.
    pub line: usize,
    /// 1-based column, 0 when unknown.
    pub column: usize,
    /// What went wrong.
    pub message: String,
}

/// Where a rule reported a fact (used by fixture tests of `facts` rules; not in reports).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct FactSite {
    /// Rule id.
    pub rule: String,
    /// Fact kind.
    pub kind: String,
    /// File relative to the scanned root.
    pub file: String,
    /// 1-based line.
    pub line: usize,
}

/// Metadata of a rule, as listed by `rules list` and written into SARIF.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RuleInfo {
    /// Stable id.
    pub id: String,
    /// Category (`audit`, `coverage`...).
    pub category: String,
    /// Default or overridden severity.
    pub severity: Severity,
    /// One line.
    pub summary: String,
    /// Why it matters.
    pub rationale: String,
    /// Link to documentation.
    pub docs: String,
}

/// Everything a scan produced; the input of every report writer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScanReport {
    /// JSON format version (1).
    pub version: u32,
    /// The scanned root as given.
    pub root: String,
    /// Services in name order.
    pub services: Vec<ServiceSummary>,
    /// Unsuppressed findings, sorted by file, line, rule.
    pub findings: Vec<Finding>,
    /// Findings suppressed inline (SARIF only).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub suppressed: Vec<Finding>,
    /// Rule errors, parse errors and other things that made the run incomplete.
    #[serde(default)]
    pub diagnostics: Vec<Diagnostic>,
    /// Counters.
    pub stats: Stats,
    /// Repository-wide instrumentation score 0-100.
    #[serde(default)]
    pub score: Option<u32>,
    /// Where fact rules reported facts (for fixture tests; never written by reports).
    #[serde(default, skip)]
    pub fact_sites: Vec<FactSite>,
    /// Rules that ran (for SARIF's rule table).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub rules: Vec<RuleInfo>,
}

impl ScanReport {
    /// True when a rule failed or an input could not be processed.
    pub fn incomplete(&self) -> bool {
        self.diagnostics
            .iter()
            .any(|d| d.kind == "rule-error" || d.kind == "config-error")
    }
}
