//! Report writers: human text, JSON (versioned contract), SARIF 2.1.0 and Markdown.
//!
//! Every writer takes a finished [`ScanReport`] and is deterministic: the same report
//! always produces the same bytes (no timestamps, no hash-map iteration order).

use std::fmt::{self, Write as _};
use std::io::{self, Write};
use std::str::FromStr;

use crate::finding::{Diagnostic, Finding, ScanReport, Severity};

pub mod json;
pub mod markdown;
pub mod merge;
pub mod sarif;
pub mod text;

pub use json::{read_baseline, to_json_value};
pub use sarif::to_sarif_value;

/// An output format for [`write_report`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Human-readable, grouped by service, optionally coloured.
    Text,
    /// The documented JSON contract (version 1).
    Json,
    /// SARIF 2.1.0, as accepted by GitHub code scanning.
    Sarif,
    /// A Markdown audit report.
    Markdown,
}

impl Format {
    /// Every format, in the order they are documented.
    pub const ALL: [Format; 4] = [Format::Text, Format::Json, Format::Sarif, Format::Markdown];

    /// The canonical lower-case name (`text`, `json`, `sarif`, `markdown`).
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Format::Text => "text",
            Format::Json => "json",
            Format::Sarif => "sarif",
            Format::Markdown => "markdown",
        }
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Format {
    type Err = String;

    /// Parses `text`, `json`, `sarif`, `markdown` or `md` (case-insensitive).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "text" => Ok(Format::Text),
            "json" => Ok(Format::Json),
            "sarif" => Ok(Format::Sarif),
            "markdown" | "md" => Ok(Format::Markdown),
            other => Err(format!(
                "unknown output format `{other}` (expected text, json, sarif or markdown)"
            )),
        }
    }
}

/// Write `report` in `format`; `color` only affects Text (ANSI colours, caller decides TTY).
///
/// # Errors
///
/// Returns the first error of `out`.
pub fn write_report(
    report: &ScanReport,
    format: Format,
    color: bool,
    out: &mut dyn Write,
) -> io::Result<()> {
    match format {
        Format::Text => text::write(report, color, out),
        Format::Json => json::write(report, out),
        Format::Sarif => sarif::write(report, out),
        Format::Markdown => markdown::write(report, out),
    }
}

/// Finding counts by severity.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Counts {
    pub(crate) error: usize,
    pub(crate) warning: usize,
    pub(crate) info: usize,
}

impl Counts {
    /// Counts the severities of `findings`.
    pub(crate) fn of<'a>(findings: impl IntoIterator<Item = &'a Finding>) -> Counts {
        let mut counts = Counts::default();
        for finding in findings {
            match finding.severity {
                Severity::Error => counts.error += 1,
                Severity::Warning => counts.warning += 1,
                Severity::Info => counts.info += 1,
            }
        }
        counts
    }

    /// Total number of findings.
    pub(crate) fn total(self) -> usize {
        self.error + self.warning + self.info
    }
}

/// `1 file`, `2 files`: a count with a naively pluralised noun.
pub(crate) fn plural(n: usize, singular: &str, plural: &str) -> String {
    if n == 1 {
        format!("{n} {singular}")
    } else {
        format!("{n} {plural}")
    }
}

/// True for diagnostic kinds that make the run incomplete (reported as errors).
pub(crate) fn diagnostic_is_error(diagnostic: &Diagnostic) -> bool {
    matches!(diagnostic.kind.as_str(), "rule-error" | "config-error")
}

/// `file:line:col`, dropping the parts that are unknown (empty file, zero line or column).
pub(crate) fn diagnostic_location(diagnostic: &Diagnostic) -> String {
    let mut location = diagnostic.file.clone();
    if !location.is_empty() && diagnostic.line > 0 {
        let _ = write!(location, ":{}", diagnostic.line);
        if diagnostic.column > 0 {
            let _ = write!(location, ":{}", diagnostic.column);
        }
    }
    location
}

/// 64-bit FNV-1a hash of `data`.
pub(crate) fn fnv1a_64(data: &[u8]) -> u64 {
    const OFFSET_BASIS: u64 = 0xcbf2_9ce4_8422_2325;
    const PRIME: u64 = 0x0000_0100_0000_01b3;
    data.iter().fold(OFFSET_BASIS, |hash, &byte| {
        (hash ^ u64::from(byte)).wrapping_mul(PRIME)
    })
}

/// Findings sorted the way every writer lists them: file, line, column, rule, message.
pub(crate) fn sorted<'a>(findings: impl IntoIterator<Item = &'a Finding>) -> Vec<&'a Finding> {
    let mut list: Vec<&Finding> = findings.into_iter().collect();
    list.sort_by(|a, b| {
        (
            a.file.as_str(),
            a.line,
            a.column,
            a.rule.as_str(),
            a.message.as_str(),
        )
            .cmp(&(
                b.file.as_str(),
                b.line,
                b.column,
                b.rule.as_str(),
                b.message.as_str(),
            ))
    });
    list
}

#[cfg(test)]
pub(crate) mod fixture {
    //! A small, realistic report shared by the writers' unit tests.

    use std::collections::BTreeMap;

    use crate::finding::{
        ConfigValue, Diagnostic, Finding, Fix, InitInfo, RuleInfo, ScanReport, ServiceSummary,
        Severity, Stats, TracerInfo,
    };

    fn config(pairs: &[(&str, &str, &str, usize)]) -> BTreeMap<String, ConfigValue> {
        pairs
            .iter()
            .map(|(key, value, file, line)| {
                (
                    (*key).to_string(),
                    ConfigValue {
                        value: (*value).to_string(),
                        file: (*file).to_string(),
                        line: *line,
                    },
                )
            })
            .collect()
    }

    fn finding(
        rule: &str,
        severity: Severity,
        service: Option<&str>,
        file: &str,
        line: usize,
        message: &str,
    ) -> Finding {
        Finding {
            rule: rule.to_string(),
            severity,
            category: "audit".to_string(),
            message: message.to_string(),
            service: service.map(str::to_string),
            file: file.to_string(),
            line,
            column: 1,
            fix: None,
            suppressed: false,
        }
    }

    /// Two services, three findings (error with a fix, warning, info), one suppressed finding,
    /// one diagnostic and two rule descriptions (one finding's rule is deliberately missing).
    pub(crate) fn report() -> ScanReport {
        let mut missing_env = finding(
            "env-missing",
            Severity::Error,
            Some("api"),
            "services/api/Dockerfile",
            12,
            "DD_ENV is not set for service `api`",
        );
        missing_env.column = 5;
        missing_env.fix = Some(Fix {
            description: "Set DD_ENV in the container environment".to_string(),
            snippet: Some("ENV DD_ENV=prod".to_string()),
            edits: vec![crate::finding::Edit {
                file: "services/api/Dockerfile".to_string(),
                line: 12,
                end_line: 12,
                old: String::new(),
                new: "ENV DD_ENV=prod\n".to_string(),
                anchor: None,
            }],
            diff: Some(
                "--- a/services/api/Dockerfile\n+++ b/services/api/Dockerfile\n@@ -11,2 +11,3 @@\n ENV DD_SERVICE=api\n+ENV DD_ENV=prod\n CMD [\"python\", \"app.py\"]\n"
                    .to_string(),
            ),
        });
        let no_version = finding(
            "version-unpinned",
            Severity::Warning,
            Some("worker"),
            "services/worker/go.mod",
            7,
            "dd-trace-go is not pinned | use an exact version",
        );
        let repo_info = finding(
            "agent-host-hardcoded",
            Severity::Info,
            None,
            "deploy/values.yaml",
            3,
            "DD_AGENT_HOST is hard-coded to <localhost>",
        );
        let mut suppressed = finding(
            "log-injection-off",
            Severity::Warning,
            Some("api"),
            "services/api/app.py",
            2,
            "DD_LOGS_INJECTION is not enabled",
        );
        suppressed.suppressed = true;

        ScanReport {
            version: 1,
            score: None,
            fact_sites: Vec::new(),
            root: "/srv/monorepo".to_string(),
            services: vec![
                ServiceSummary {
                    entry_points: Vec::new(),
                    edges: Vec::new(),
                    score: None,
                    name: "api".to_string(),
                    root: "services/api".to_string(),
                    language: Some("python".to_string()),
                    frameworks: vec!["flask".to_string(), "celery".to_string()],
                    tracer: Some(TracerInfo {
                        library: "ddtrace".to_string(),
                        version: Some("2.8.0".to_string()),
                        declared_in: "services/api/requirements.txt".to_string(),
                        line: 4,
                    }),
                    init: Some(InitInfo {
                        method: "ddtrace-run".to_string(),
                        file: "services/api/Dockerfile".to_string(),
                        line: 20,
                    }),
                    config: config(&[
                        ("DD_SERVICE", "api", "services/api/Dockerfile", 10),
                        ("DD_VERSION", "1.4.2", "services/api/Dockerfile", 11),
                    ]),
                },
                ServiceSummary {
                    entry_points: Vec::new(),
                    edges: Vec::new(),
                    score: None,
                    name: "worker".to_string(),
                    root: "services/worker".to_string(),
                    language: Some("go".to_string()),
                    frameworks: Vec::new(),
                    tracer: Some(TracerInfo {
                        library: "dd-trace-go.v1".to_string(),
                        version: None,
                        declared_in: "services/worker/go.mod".to_string(),
                        line: 7,
                    }),
                    init: None,
                    config: BTreeMap::new(),
                },
            ],
            findings: vec![missing_env, no_version, repo_info],
            suppressed: vec![suppressed],
            diagnostics: vec![Diagnostic {
                kind: "parse-error".to_string(),
                file: "services/api/broken.py".to_string(),
                line: 3,
                column: 8,
                message: "unexpected token".to_string(),
            }],
            stats: Stats {
                files: 120,
                parsed: 80,
                skipped: 40,
                skipped_by: [("binary".to_string(), 3), ("no-keyword".to_string(), 37)]
                    .into_iter()
                    .collect(),
                rules: 12,
                duration_ms: 35,
                ..Default::default()
            },
            rules: vec![
                RuleInfo {
                    id: "env-missing".to_string(),
                    category: "audit".to_string(),
                    severity: Severity::Error,
                    summary: "DD_ENV must be set".to_string(),
                    rationale: "Without DD_ENV traces land in the wrong environment.".to_string(),
                    docs: "https://docs.datadoghq.com/tracing/".to_string(),
                },
                RuleInfo {
                    id: "version-unpinned".to_string(),
                    category: "audit".to_string(),
                    severity: Severity::Warning,
                    summary: "Tracer version should be pinned".to_string(),
                    rationale: "Unpinned tracers change behaviour between deploys.".to_string(),
                    docs: String::new(),
                },
            ],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn format_parses_names_and_alias() {
        assert_eq!("text".parse::<Format>(), Ok(Format::Text));
        assert_eq!("JSON".parse::<Format>(), Ok(Format::Json));
        assert_eq!("sarif".parse::<Format>(), Ok(Format::Sarif));
        assert_eq!("markdown".parse::<Format>(), Ok(Format::Markdown));
        assert_eq!("md".parse::<Format>(), Ok(Format::Markdown));
        let err = "xml".parse::<Format>().unwrap_err();
        assert!(err.contains("`xml`"), "{err}");
        for format in Format::ALL {
            assert_eq!(format.to_string().parse::<Format>(), Ok(format));
        }
    }

    #[test]
    fn fnv1a_matches_reference_vectors() {
        assert_eq!(fnv1a_64(b""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv1a_64(b"a"), 0xaf63_dc4c_8601_ec8c);
        assert_eq!(fnv1a_64(b"foobar"), 0x8594_4171_f739_67e8);
    }

    #[test]
    fn every_format_writes_the_fixture() {
        let report = fixture::report();
        for format in Format::ALL {
            let mut out = Vec::new();
            write_report(&report, format, false, &mut out).expect("write");
            let text = String::from_utf8(out).expect("utf-8");
            assert!(text.ends_with('\n'), "{format} output ends with a newline");
            assert!(
                !text.contains('\u{1b}'),
                "{format} output has no ANSI codes"
            );
        }
    }

    #[test]
    fn diagnostic_location_drops_unknown_parts() {
        let mut diagnostic = Diagnostic {
            kind: "io-error".to_string(),
            file: "a.py".to_string(),
            line: 0,
            column: 0,
            message: String::new(),
        };
        assert_eq!(diagnostic_location(&diagnostic), "a.py");
        diagnostic.line = 4;
        assert_eq!(diagnostic_location(&diagnostic), "a.py:4");
        diagnostic.column = 2;
        assert_eq!(diagnostic_location(&diagnostic), "a.py:4:2");
    }
}
