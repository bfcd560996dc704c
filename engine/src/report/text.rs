//! Human-readable output, grouped by service.
//!
//! ```text
//! services/api (python, flask) — tracer ddtrace 2.8.0, init ddtrace-run
//!   services/api/Dockerfile:12:5  error    env-missing  DD_ENV is not set
//!     help: Set DD_ENV in the container environment
//!         | ENV DD_ENV=prod
//!
//! warning[parse-error]: services/api/broken.py:3:8: unexpected token
//!
//! 1 finding (1 error, 0 warnings, 0 info) in 2 services; 120 files, 80 parsed, 40 skipped in 35 ms
//! ```
//!
//! Colours are ANSI escapes and only written when asked for; control characters in user data
//! are always escaped so that scanned files cannot drive the terminal.

use std::fmt::Write as _;
use std::io::{self, Write};

use crate::finding::{Finding, ScanReport, ServiceSummary, Severity};
use crate::report::{diagnostic_is_error, diagnostic_location, plural, sorted, Counts};

/// Header of the group of findings that belong to no service.
pub const REPOSITORY_GROUP: &str = "(repository)";

const RESET: &str = "\x1b[0m";
const BOLD: &str = "\x1b[1m";
const DIM: &str = "\x1b[2m";
const RED: &str = "\x1b[31m";
const YELLOW: &str = "\x1b[33m";
const BLUE: &str = "\x1b[34m";

/// Width of the severity column (`warning`).
const SEVERITY_WIDTH: usize = 7;

#[derive(Clone, Copy)]
struct Style {
    color: bool,
}

impl Style {
    fn paint(self, code: &str, text: &str) -> String {
        if self.color {
            format!("{code}{text}{RESET}")
        } else {
            text.to_string()
        }
    }

    fn severity(self, severity: Severity, text: &str) -> String {
        let code = match severity {
            Severity::Error => RED,
            Severity::Warning => YELLOW,
            Severity::Info => BLUE,
        };
        self.paint(code, text)
    }
}

/// One block of output: a header and the findings under it.
struct Group<'a> {
    header: String,
    findings: Vec<&'a Finding>,
}

/// Writes the text report; `color` turns on ANSI colours.
pub(crate) fn write(report: &ScanReport, color: bool, out: &mut dyn Write) -> io::Result<()> {
    let style = Style { color };
    let mut text = String::new();
    let findings: Vec<&Finding> = report.findings.iter().filter(|f| !f.suppressed).collect();

    for group in groups(report, &findings) {
        if !text.is_empty() {
            text.push('\n');
        }
        let _ = writeln!(text, "{}", style.paint(BOLD, &clean(&group.header)));
        for finding in group.findings {
            push_finding(&mut text, style, finding);
        }
    }

    if !report.diagnostics.is_empty() {
        if !text.is_empty() {
            text.push('\n');
        }
        for diagnostic in &report.diagnostics {
            let (severity, label) = if diagnostic_is_error(diagnostic) {
                (Severity::Error, "error")
            } else {
                (Severity::Warning, "warning")
            };
            let location = diagnostic_location(diagnostic);
            let location = if location.is_empty() {
                String::new()
            } else {
                format!("{}: ", style.paint(BOLD, &clean(&location)))
            };
            let _ = writeln!(
                text,
                "{}[{}]: {location}{}",
                style.severity(severity, label),
                clean(&diagnostic.kind),
                clean(&diagnostic.message)
            );
        }
    }

    if !text.is_empty() {
        text.push('\n');
    }
    text.push_str(&summary(report, &findings));
    text.push('\n');
    out.write_all(text.as_bytes())
}

/// The closing summary line (without a newline).
fn summary(report: &ScanReport, findings: &[&Finding]) -> String {
    let counts = Counts::of(findings.iter().copied());
    let services = plural(report.services.len(), "service", "services");
    let stats = &report.stats;
    let mut line = if counts.total() == 0 {
        format!("No findings in {services}")
    } else {
        format!(
            "{} ({}, {}, {} info) in {services}",
            plural(counts.total(), "finding", "findings"),
            plural(counts.error, "error", "errors"),
            plural(counts.warning, "warning", "warnings"),
            counts.info,
        )
    };
    let _ = write!(
        line,
        "; {}, {} parsed, {} skipped in {} ms",
        plural(stats.files, "file", "files"),
        stats.parsed,
        stats.skipped,
        stats.duration_ms
    );
    let suppressed = report.suppressed.len()
        + report
            .findings
            .iter()
            .filter(|finding| finding.suppressed)
            .count();
    if suppressed > 0 {
        let _ = write!(line, "; {suppressed} suppressed");
    }
    if let Some(score) = report.score {
        let _ = write!(line, "; instrumentation score {score}/100");
    }
    if !report.diagnostics.is_empty() {
        let _ = write!(
            line,
            "; {}",
            plural(report.diagnostics.len(), "diagnostic", "diagnostics")
        );
        if report.incomplete() {
            line.push_str(" (run incomplete)");
        }
    }
    line
}

fn push_finding(text: &mut String, style: Style, finding: &Finding) {
    let mut location = finding.file.clone();
    if finding.line > 0 {
        let _ = write!(location, ":{}", finding.line);
        if finding.column > 0 {
            let _ = write!(location, ":{}", finding.column);
        }
    }
    let severity = format!("{:<SEVERITY_WIDTH$}", finding.severity.as_str());
    let _ = writeln!(
        text,
        "  {}  {}  {}  {}",
        style.paint(BOLD, &clean(&location)),
        style.severity(finding.severity, &severity),
        style.paint(DIM, &clean(&finding.rule)),
        clean(&finding.message)
    );
    if let Some(fix) = &finding.fix {
        let _ = writeln!(text, "    help: {}", clean(&fix.description));
        if let Some(snippet) = &fix.snippet {
            for line in snippet.lines() {
                let _ = writeln!(text, "        | {}", clean(line));
            }
        }
    }
}

/// Groups findings: repository-level first, then services in report order, then service names
/// that have no summary (in name order). Only groups with findings are returned.
fn groups<'a>(report: &'a ScanReport, findings: &[&'a Finding]) -> Vec<Group<'a>> {
    let mut groups = Vec::new();
    let repository: Vec<&Finding> = findings
        .iter()
        .copied()
        .filter(|f| f.service.is_none())
        .collect();
    if !repository.is_empty() {
        groups.push(Group {
            header: REPOSITORY_GROUP.to_string(),
            findings: sorted(repository),
        });
    }
    let mut known: Vec<&str> = Vec::new();
    for service in &report.services {
        if known.contains(&service.name.as_str()) {
            continue;
        }
        known.push(&service.name);
        let own: Vec<&Finding> = findings
            .iter()
            .copied()
            .filter(|f| f.service.as_deref() == Some(service.name.as_str()))
            .collect();
        if !own.is_empty() {
            groups.push(Group {
                header: service_header(service),
                findings: sorted(own),
            });
        }
    }
    let mut unknown: Vec<&str> = findings
        .iter()
        .filter_map(|f| f.service.as_deref())
        .filter(|name| !known.contains(name))
        .collect();
    unknown.sort_unstable();
    unknown.dedup();
    for name in unknown {
        groups.push(Group {
            header: name.to_string(),
            findings: sorted(
                findings
                    .iter()
                    .copied()
                    .filter(|f| f.service.as_deref() == Some(name)),
            ),
        });
    }
    groups
}

/// `services/api [checkout] (python, flask) — tracer ddtrace 2.8.0, init ddtrace-run`; the
/// name in brackets only when it differs from the directory name.
#[must_use]
pub fn service_header(service: &ServiceSummary) -> String {
    let root = service.root.trim_end_matches('/');
    let mut header = if root.is_empty() || root == "." {
        service.name.clone()
    } else {
        let dir = root.rsplit('/').next().unwrap_or(root);
        if dir == service.name {
            root.to_string()
        } else {
            format!("{root} [{}]", service.name)
        }
    };
    let details: Vec<&str> = service
        .language
        .iter()
        .chain(&service.frameworks)
        .map(String::as_str)
        .collect();
    if !details.is_empty() {
        let _ = write!(header, " ({})", details.join(", "));
    }
    let tracer = match &service.tracer {
        Some(tracer) => match &tracer.version {
            Some(version) => format!("tracer {} {version}", tracer.library),
            None => format!("tracer {}", tracer.library),
        },
        None => "no tracer".to_string(),
    };
    let init = match &service.init {
        Some(init) => format!("init {}", init.method),
        None => "no init".to_string(),
    };
    let _ = write!(header, " — {tracer}, {init}");
    if !service.entry_points.is_empty() {
        let covered = service
            .entry_points
            .iter()
            .filter(|e| e.covered_by.is_some())
            .count();
        let _ = write!(
            header,
            ", {covered}/{} entry points covered",
            service.entry_points.len()
        );
    }
    if let Some(score) = service.score {
        let _ = write!(header, ", score {score}");
    }
    header
}

/// Escapes control characters so that user data cannot move the cursor or recolour the
/// terminal.
fn clean(text: &str) -> String {
    if !text.chars().any(char::is_control) {
        return text.to_string();
    }
    text.chars()
        .map(|c| {
            if c.is_control() {
                c.escape_default().collect()
            } else {
                c.to_string()
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::fixture;

    fn render(report: &ScanReport, color: bool) -> String {
        let mut out = Vec::new();
        write(report, color, &mut out).expect("write");
        String::from_utf8(out).expect("utf-8")
    }

    #[test]
    fn groups_by_service_with_summary() {
        let text = render(&fixture::report(), false);
        let expected = "\
(repository)
  deploy/values.yaml:3:1  info     agent-host-hardcoded  DD_AGENT_HOST is hard-coded to <localhost>

services/api (python, flask, celery) — tracer ddtrace 2.8.0, init ddtrace-run
  services/api/Dockerfile:12:5  error    env-missing  DD_ENV is not set for service `api`
    help: Set DD_ENV in the container environment
        | ENV DD_ENV=prod

services/worker (go) — tracer dd-trace-go.v1, no init
  services/worker/go.mod:7:1  warning  version-unpinned  dd-trace-go is not pinned | use an exact version

warning[parse-error]: services/api/broken.py:3:8: unexpected token

3 findings (1 error, 1 warning, 1 info) in 2 services; 120 files, 80 parsed, 40 skipped in 35 ms; 1 suppressed; 1 diagnostic
";
        assert_eq!(text, expected);
    }

    #[test]
    fn no_ansi_without_color_and_ansi_with_color() {
        let report = fixture::report();
        assert!(!render(&report, false).contains('\u{1b}'));
        let colored = render(&report, true);
        assert!(colored.contains(&format!("{RED}error  {RESET}")));
        assert!(colored.contains(&format!("{YELLOW}warning{RESET}")));
        assert!(colored.contains(&format!("{BLUE}info   {RESET}")));
        assert!(colored.contains(&format!("{BOLD}services/api/Dockerfile:12:5{RESET}")));
        assert!(colored.contains(&format!("{DIM}env-missing{RESET}")));
        assert!(colored.contains(&format!("{YELLOW}warning{RESET}[parse-error]")));
    }

    #[test]
    fn empty_report_says_no_findings() {
        let mut report = fixture::report();
        report.findings.clear();
        report.suppressed.clear();
        report.diagnostics.clear();
        assert_eq!(
            render(&report, false),
            "No findings in 2 services; 120 files, 80 parsed, 40 skipped in 35 ms\n"
        );
    }

    #[test]
    fn rule_errors_are_errors_and_mark_the_run_incomplete() {
        let mut report = fixture::report();
        report.diagnostics[0].kind = "rule-error".to_string();
        report.diagnostics[0].line = 0;
        let text = render(&report, false);
        assert!(text.contains("\nerror[rule-error]: services/api/broken.py: unexpected token\n"));
        assert!(
            text.ends_with("; 1 diagnostic (run incomplete)\n"),
            "{text}"
        );
    }

    #[test]
    fn unknown_services_get_their_own_group_and_names_show_when_different() {
        let mut report = fixture::report();
        report.findings[1].service = Some("ghost".to_string());
        report.services[0].name = "checkout".to_string();
        report.findings[0].service = Some("checkout".to_string());
        let text = render(&report, false);
        assert!(text.contains(
            "\nservices/api [checkout] (python, flask, celery) — tracer ddtrace 2.8.0, init ddtrace-run\n"
        ));
        assert!(
            text.contains("\nghost\n  services/worker/go.mod:7:1"),
            "{text}"
        );
        assert!(!text.contains("services/worker (go)"));
    }

    #[test]
    fn control_characters_are_escaped() {
        let mut report = fixture::report();
        report.findings[0].message = "bad\u{1b}[2Jvalue\nnext".to_string();
        let text = render(&report, false);
        assert!(!text.contains('\u{1b}'));
        assert!(text.contains("bad\\u{1b}[2Jvalue\\nnext"), "{text}");
    }
}
