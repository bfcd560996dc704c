//! The JSON report: a documented, versioned contract (version 1), and baseline loading.
//!
//! ```text
//! {
//!   "version": 1,
//!   "root": "...",
//!   "services": [{"name", "root", "language", "frameworks": [...],
//!                 "tracer": {"library", "version", "declared_in", "line"} | null,
//!                 "init": {"method", "file", "line"} | null,
//!                 "config": {"DD_SERVICE": {"value", "file", "line"}, ...},
//!                 "entry_points": [{"kind", "framework", "route", "handler", "file", "line",
//!                                   "covered_by"}],
//!                 "edges": [{"to", "via", "target", "file", "line"}], "score"}],
//!   "findings": [{"rule", "severity", "category", "message", "service", "file", "line",
//!                 "column", "fix"?: {"description", "snippet"?, "edits"?: [{"file", "line",
//!                 "end_line", "old", "new"}], "diff"?}}],
//!   "diagnostics": [{"kind", "file", "line", "column", "message"}],
//!   "stats": {"files", "parsed", "skipped", "skipped_by": {...}, "rules", "duration_ms",
//!             "parse_ms", "cached" (files taken from --cache; absent when none), "rule_ms": {...}, "score_weights": {"<service>": {"passed", "total"}}},
//!   "score"
//! }
//! ```
//!
//! Suppressed findings are not part of the JSON report; `fix` is omitted when there is none.
//! The document is built from dedicated view types so that changes to the engine's internal
//! types cannot silently change the contract.

use std::collections::BTreeMap;
use std::io::{self, Write};

use serde::{Deserialize, Serialize};
use serde_json::error::Category;

use crate::finding::{
    ConfigValue, Diagnostic, Edge, Edit, EntryPoint, Finding, Fix, ScanReport, ServiceSummary,
    Severity, Stats,
};

/// The JSON contract version written by this module and accepted by [`read_baseline`].
pub const JSON_VERSION: u32 = 1;

#[derive(Serialize)]
struct ReportView<'a> {
    version: u32,
    root: &'a str,
    services: Vec<ServiceView<'a>>,
    findings: Vec<FindingView<'a>>,
    diagnostics: Vec<DiagnosticView<'a>>,
    stats: StatsView<'a>,
    score: Option<u32>,
}

#[derive(Serialize)]
struct ServiceView<'a> {
    name: &'a str,
    root: &'a str,
    language: Option<&'a str>,
    frameworks: &'a [String],
    tracer: Option<TracerView<'a>>,
    init: Option<InitView<'a>>,
    config: BTreeMap<&'a str, ConfigView<'a>>,
    entry_points: &'a [EntryPoint],
    edges: &'a [Edge],
    score: Option<u32>,
}

#[derive(Serialize)]
struct TracerView<'a> {
    library: &'a str,
    version: Option<&'a str>,
    declared_in: &'a str,
    line: usize,
}

#[derive(Serialize)]
struct InitView<'a> {
    method: &'a str,
    file: &'a str,
    line: usize,
}

#[derive(Serialize)]
struct ConfigView<'a> {
    value: &'a str,
    file: &'a str,
    line: usize,
}

#[derive(Serialize)]
struct FindingView<'a> {
    rule: &'a str,
    severity: Severity,
    category: &'a str,
    message: &'a str,
    service: Option<&'a str>,
    file: &'a str,
    line: usize,
    column: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    fix: Option<FixView<'a>>,
}

#[derive(Serialize)]
struct FixView<'a> {
    description: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    snippet: Option<&'a str>,
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    edits: &'a [Edit],
    #[serde(skip_serializing_if = "Option::is_none")]
    diff: Option<&'a str>,
}

#[derive(Serialize)]
struct DiagnosticView<'a> {
    kind: &'a str,
    file: &'a str,
    line: usize,
    column: usize,
    message: &'a str,
}

#[derive(Serialize)]
struct StatsView<'a> {
    files: usize,
    parsed: usize,
    skipped: usize,
    skipped_by: &'a BTreeMap<String, usize>,
    rules: usize,
    duration_ms: u64,
    parse_ms: u64,
    /// Files taken from `--cache` (left out when none).
    #[serde(skip_serializing_if = "crate::finding::is_zero")]
    cached: usize,
    rule_ms: &'a BTreeMap<String, u64>,
    score_weights: &'a BTreeMap<String, crate::coverage::ScoreWeights>,
}

impl<'a> ReportView<'a> {
    fn new(report: &'a ScanReport) -> Self {
        ReportView {
            version: JSON_VERSION,
            root: &report.root,
            services: report.services.iter().map(ServiceView::new).collect(),
            findings: report
                .findings
                .iter()
                .filter(|finding| !finding.suppressed)
                .map(FindingView::new)
                .collect(),
            diagnostics: report.diagnostics.iter().map(DiagnosticView::new).collect(),
            stats: StatsView::new(&report.stats),
            score: report.score,
        }
    }
}

impl<'a> ServiceView<'a> {
    fn new(service: &'a ServiceSummary) -> Self {
        ServiceView {
            name: &service.name,
            root: &service.root,
            language: service.language.as_deref(),
            frameworks: &service.frameworks,
            tracer: service.tracer.as_ref().map(|tracer| TracerView {
                library: &tracer.library,
                version: tracer.version.as_deref(),
                declared_in: &tracer.declared_in,
                line: tracer.line,
            }),
            init: service.init.as_ref().map(|init| InitView {
                method: &init.method,
                file: &init.file,
                line: init.line,
            }),
            config: service
                .config
                .iter()
                .map(|(key, value)| (key.as_str(), ConfigView::new(value)))
                .collect(),
            entry_points: &service.entry_points,
            edges: &service.edges,
            score: service.score,
        }
    }
}

impl<'a> ConfigView<'a> {
    fn new(value: &'a ConfigValue) -> Self {
        ConfigView {
            value: &value.value,
            file: &value.file,
            line: value.line,
        }
    }
}

impl<'a> FindingView<'a> {
    fn new(finding: &'a Finding) -> Self {
        FindingView {
            rule: &finding.rule,
            severity: finding.severity,
            category: &finding.category,
            message: &finding.message,
            service: finding.service.as_deref(),
            file: &finding.file,
            line: finding.line,
            column: finding.column,
            fix: finding.fix.as_ref().map(|fix| FixView {
                description: &fix.description,
                snippet: fix.snippet.as_deref(),
                edits: &fix.edits,
                diff: fix.diff.as_deref(),
            }),
        }
    }
}

impl<'a> DiagnosticView<'a> {
    fn new(diagnostic: &'a Diagnostic) -> Self {
        DiagnosticView {
            kind: &diagnostic.kind,
            file: &diagnostic.file,
            line: diagnostic.line,
            column: diagnostic.column,
            message: &diagnostic.message,
        }
    }
}

impl<'a> StatsView<'a> {
    fn new(stats: &'a Stats) -> Self {
        StatsView {
            files: stats.files,
            parsed: stats.parsed,
            skipped: stats.skipped,
            skipped_by: &stats.skipped_by,
            rules: stats.rules,
            duration_ms: stats.duration_ms,
            parse_ms: stats.parse_ms,
            cached: stats.cached,
            rule_ms: &stats.rule_ms,
            score_weights: &stats.score_weights,
        }
    }
}

/// The JSON report (contract version 1) as a value.
///
/// The writer serialises the same document; it streams it directly so that keys keep the
/// documented order (a `serde_json::Value` object sorts its keys).
#[must_use]
pub fn to_json_value(report: &ScanReport) -> serde_json::Value {
    // Serialising plain strings, numbers and string-keyed maps cannot fail.
    serde_json::to_value(ReportView::new(report)).unwrap_or(serde_json::Value::Null)
}

/// Writes the JSON report, pretty-printed, with a trailing newline.
pub(crate) fn write(report: &ScanReport, out: &mut dyn Write) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, &ReportView::new(report))?;
    out.write_all(b"\n")
}

#[derive(Deserialize)]
struct BaselineDoc {
    #[serde(default)]
    version: Option<u64>,
    findings: Vec<BaselineFinding>,
}

#[derive(Deserialize)]
struct BaselineFinding {
    rule: String,
    #[serde(default = "default_severity")]
    severity: Severity,
    #[serde(default)]
    category: String,
    message: String,
    #[serde(default)]
    service: Option<String>,
    file: String,
    #[serde(default)]
    line: usize,
    #[serde(default)]
    column: usize,
    #[serde(default)]
    fix: Option<Fix>,
}

fn default_severity() -> Severity {
    Severity::Warning
}

/// Parses the findings of a previous JSON report (for `--baseline`).
///
/// Unknown fields are ignored, and only `rule`, `message` and `file` are required per finding
/// (the fields [`Finding::fingerprint`] uses, together with `service`).
///
/// # Errors
///
/// Invalid JSON, a document without a `findings` array, a finding without `rule`, `message`
/// or `file`, or an unsupported `version`; messages name the line and column of the problem.
pub fn read_baseline(text: &str) -> Result<Vec<Finding>, String> {
    let doc: BaselineDoc = serde_json::from_str(text).map_err(|err| {
        let what = match err.classify() {
            Category::Syntax | Category::Eof | Category::Io => "invalid JSON",
            Category::Data => "not an apm-doctor JSON report",
        };
        let full = err.to_string();
        let suffix = format!(" at line {} column {}", err.line(), err.column());
        let detail = full.strip_suffix(&suffix).unwrap_or(&full);
        format!(
            "{what} at line {}, column {}: {detail}",
            err.line(),
            err.column()
        )
    })?;
    if let Some(version) = doc.version {
        if version != u64::from(JSON_VERSION) {
            return Err(format!(
                "unsupported report version {version} (expected {JSON_VERSION})"
            ));
        }
    }
    Ok(doc
        .findings
        .into_iter()
        .map(|finding| Finding {
            rule: finding.rule,
            severity: finding.severity,
            category: finding.category,
            message: finding.message,
            service: finding.service,
            file: finding.file,
            line: finding.line,
            column: finding.column,
            fix: finding.fix,
            suppressed: false,
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::report::fixture;

    fn written(report: &ScanReport) -> String {
        let mut out = Vec::new();
        write(report, &mut out).expect("write");
        String::from_utf8(out).expect("utf-8")
    }

    #[test]
    fn top_level_keys_in_documented_order() {
        let text = written(&fixture::report());
        assert!(text.ends_with("}\n"));
        let positions: Vec<usize> = [
            "\"version\"",
            "\"root\"",
            "\"services\"",
            "\"findings\"",
            "\"diagnostics\"",
            "\"stats\"",
        ]
        .iter()
        .map(|key| text.find(key).expect("key present"))
        .collect();
        assert!(positions.windows(2).all(|pair| pair[0] < pair[1]));
        let parsed: serde_json::Value = serde_json::from_str(&text).expect("valid JSON");
        assert_eq!(parsed, to_json_value(&fixture::report()));
        let keys: Vec<&str> = parsed
            .as_object()
            .expect("object")
            .keys()
            .map(String::as_str)
            .collect();
        assert_eq!(
            keys,
            [
                "diagnostics",
                "findings",
                "root",
                "score",
                "services",
                "stats",
                "version"
            ]
        );
    }

    #[test]
    fn services_match_the_contract() {
        let value = to_json_value(&fixture::report());
        assert_eq!(value["version"], 1);
        assert_eq!(value["root"], "/srv/monorepo");
        assert_eq!(
            value["services"][0],
            json!({
                "name": "api",
                "root": "services/api",
                "language": "python",
                "frameworks": ["flask", "celery"],
                "tracer": {
                    "library": "ddtrace",
                    "version": "2.8.0",
                    "declared_in": "services/api/requirements.txt",
                    "line": 4
                },
                "init": {"method": "ddtrace-run", "file": "services/api/Dockerfile", "line": 20},
                "config": {
                    "DD_SERVICE": {"value": "api", "file": "services/api/Dockerfile", "line": 10},
                    "DD_VERSION": {"value": "1.4.2", "file": "services/api/Dockerfile", "line": 11}
                },
                "entry_points": [],
                "edges": [],
                "score": null
            })
        );
        assert_eq!(value["services"][1]["init"], serde_json::Value::Null);
        assert_eq!(
            value["services"][1]["tracer"]["version"],
            serde_json::Value::Null
        );
        assert_eq!(value["services"][1]["config"], json!({}));
    }

    #[test]
    fn findings_diagnostics_and_stats_match_the_contract() {
        let value = to_json_value(&fixture::report());
        let findings = value["findings"].as_array().expect("array");
        assert_eq!(findings.len(), 3, "suppressed findings are not in JSON");
        assert_eq!(
            findings[0],
            json!({
                "rule": "env-missing",
                "severity": "error",
                "category": "audit",
                "message": "DD_ENV is not set for service `api`",
                "service": "api",
                "file": "services/api/Dockerfile",
                "line": 12,
                "column": 5,
                "fix": {
                    "description": "Set DD_ENV in the container environment",
                    "snippet": "ENV DD_ENV=prod",
                    "edits": [{
                        "file": "services/api/Dockerfile", "line": 12, "end_line": 12,
                        "old": "", "new": "ENV DD_ENV=prod\n"
                    }],
                    "diff": "--- a/services/api/Dockerfile\n+++ b/services/api/Dockerfile\n@@ -11,2 +11,3 @@\n ENV DD_SERVICE=api\n+ENV DD_ENV=prod\n CMD [\"python\", \"app.py\"]\n"
                }
            })
        );
        assert!(findings[1].get("fix").is_none(), "fix omitted when None");
        assert_eq!(findings[1]["severity"], "warning");
        assert_eq!(findings[2]["severity"], "info");
        assert_eq!(findings[2]["service"], serde_json::Value::Null);
        assert!(findings.iter().all(|f| f.get("suppressed").is_none()));
        assert_eq!(
            value["diagnostics"],
            json!([{
                "kind": "parse-error",
                "file": "services/api/broken.py",
                "line": 3,
                "column": 8,
                "message": "unexpected token"
            }])
        );
        assert_eq!(
            value["stats"],
            json!({
                "files": 120,
                "parsed": 80,
                "skipped": 40,
                "skipped_by": {"binary": 3, "no-keyword": 37},
                "rules": 12,
                "duration_ms": 35,
                "parse_ms": 0,
                "rule_ms": {},
                "score_weights": {}
            })
        );
    }

    #[test]
    fn suppressed_flag_in_findings_is_filtered_out() {
        let mut report = fixture::report();
        report.findings[1].suppressed = true;
        let value = to_json_value(&report);
        assert_eq!(value["findings"].as_array().map(Vec::len), Some(2));
    }

    #[test]
    fn baseline_round_trips_fingerprints() {
        let report = fixture::report();
        let findings = read_baseline(&written(&report)).expect("baseline");
        assert_eq!(findings, report.findings);
        let expected: Vec<String> = report.findings.iter().map(Finding::fingerprint).collect();
        let actual: Vec<String> = findings.iter().map(Finding::fingerprint).collect();
        assert_eq!(actual, expected);
    }

    #[test]
    fn baseline_tolerates_unknown_and_missing_optional_fields() {
        let text = r#"{"version": 1, "generator": "future", "findings": [
            {"rule": "r", "message": "m", "file": "a.py", "extra": [1, 2]}
        ]}"#;
        let findings = read_baseline(text).expect("baseline");
        assert_eq!(findings.len(), 1);
        assert_eq!(findings[0].fingerprint(), "r||a.py|m");
        assert_eq!(findings[0].severity, Severity::Warning);
    }

    #[test]
    fn baseline_errors_name_line_and_column() {
        let err = read_baseline("{\n  \"findings\": [\n    {,\n  ]\n}").unwrap_err();
        assert!(
            err.starts_with("invalid JSON at line 3, column 6: "),
            "{err}"
        );
        assert!(!err.contains(" at line 3 column"), "{err}");

        let err = read_baseline("{\"findings\": [{\"rule\": 3}]}").unwrap_err();
        assert!(
            err.starts_with("not an apm-doctor JSON report at line 1"),
            "{err}"
        );

        let err = read_baseline("{\"version\": 1}").unwrap_err();
        assert!(err.contains("missing field `findings`"), "{err}");

        let err = read_baseline("{\"version\": 2, \"findings\": []}").unwrap_err();
        assert_eq!(err, "unsupported report version 2 (expected 1)");

        let err = read_baseline("").unwrap_err();
        assert!(err.starts_with("invalid JSON at line 1, column 0"), "{err}");
    }
}
