//! A Markdown audit report (GitHub-flavoured tables), meant to be read by a person or posted
//! as a pull-request comment. Deterministic: no dates, no timings beyond the report's own.

use std::fmt::Write as _;
use std::io::{self, Write};

use crate::finding::{Finding, ScanReport, ServiceSummary, Severity};
use crate::report::{diagnostic_location, plural, sorted, Counts};

/// Shown in a table cell for a missing value.
const NONE: &str = "—";

/// Writes the Markdown report.
pub(crate) fn write(report: &ScanReport, out: &mut dyn Write) -> io::Result<()> {
    out.write_all(render(report).as_bytes())
}

fn render(report: &ScanReport) -> String {
    let findings: Vec<&Finding> = report.findings.iter().filter(|f| !f.suppressed).collect();
    let mut md = String::new();
    md.push_str("# apm-doctor audit\n\n");
    push_summary(&mut md, report, &findings);
    push_services(&mut md, &report.services);
    push_scores(&mut md, report);
    push_coverage(&mut md, &report.services);
    push_service_map(&mut md, &report.services);
    push_findings(&mut md, &findings);
    push_diagnostics(&mut md, report);
    push_stats(&mut md, report);
    md
}

fn push_summary(md: &mut String, report: &ScanReport, findings: &[&Finding]) {
    let counts = Counts::of(findings.iter().copied());
    let _ = writeln!(md, "Scanned root: {}\n", code_span(&report.root));
    let services = plural(report.services.len(), "service", "services");
    if counts.total() == 0 {
        let _ = write!(md, "**No findings** across **{services}**.");
    } else {
        let _ = write!(
            md,
            "**{}** ({}, {}, {} info) across **{services}**.",
            plural(counts.total(), "finding", "findings"),
            plural(counts.error, "error", "errors"),
            plural(counts.warning, "warning", "warnings"),
            counts.info
        );
    }
    if !report.services.is_empty() {
        let traced = report
            .services
            .iter()
            .filter(|s| s.tracer.is_some())
            .count();
        let initialised = report.services.iter().filter(|s| s.init.is_some()).count();
        let _ = write!(
            md,
            " Tracer declared in {traced} of {} services, initialised in {initialised}.",
            report.services.len()
        );
    }
    let suppressed = report.suppressed.len() + report.findings.len() - findings.len();
    if suppressed > 0 {
        let _ = write!(
            md,
            " {} suppressed inline.",
            plural(suppressed, "finding", "findings")
        );
    }
    if !report.diagnostics.is_empty() {
        let _ = write!(
            md,
            " {}",
            plural(report.diagnostics.len(), "diagnostic", "diagnostics")
        );
        md.push_str(if report.incomplete() {
            " (the run is incomplete)."
        } else {
            "."
        });
    }
    md.push_str("\n\n");
}

fn push_services(md: &mut String, services: &[ServiceSummary]) {
    md.push_str("## Services\n\n");
    if services.is_empty() {
        md.push_str("No services detected.\n\n");
        return;
    }
    md.push_str(
        "| Service | Path | Language | Frameworks | Tracer | Version | Init | DD_SERVICE | DD_ENV | DD_VERSION |\n\
         | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |\n",
    );
    for service in services {
        let config = |key: &str| {
            service
                .config
                .get(key)
                .map_or_else(|| NONE.to_string(), |value| cell(&value.value))
        };
        let row = [
            cell(&service.name),
            cell_code(&service.root),
            cell(service.language.as_deref().unwrap_or("")),
            cell(&service.frameworks.join(", ")),
            cell(service.tracer.as_ref().map_or("", |t| t.library.as_str())),
            cell(
                service
                    .tracer
                    .as_ref()
                    .and_then(|t| t.version.as_deref())
                    .unwrap_or(""),
            ),
            cell(service.init.as_ref().map_or("", |i| i.method.as_str())),
            config("DD_SERVICE"),
            config("DD_ENV"),
            config("DD_VERSION"),
        ];
        push_row(md, &row);
    }
    md.push('\n');
}

/// Instrumentation scores, per service and for the repository (omitted when none).
fn push_scores(md: &mut String, report: &ScanReport) {
    let Some(repo) = report.score else {
        return;
    };
    let _ = writeln!(
        md,
        "## Instrumentation score\n\nRepository: **{repo}/100**\n"
    );
    md.push_str("| Service | Score |\n| --- | --- |\n");
    for service in &report.services {
        if let Some(score) = service.score {
            push_row(md, &[cell(&service.name), score.to_string()]);
        }
    }
    md.push('\n');
}

/// Entry points per service with what covers them, and a covered/total figure.
fn push_coverage(md: &mut String, services: &[ServiceSummary]) {
    if services.iter().all(|s| s.entry_points.is_empty()) {
        return;
    }
    md.push_str("## Coverage\n\n");
    for service in services.iter().filter(|s| !s.entry_points.is_empty()) {
        let covered = service
            .entry_points
            .iter()
            .filter(|e| e.covered_by.is_some())
            .count();
        let _ = writeln!(
            md,
            "### {} ({covered}/{} entry points covered)\n",
            inline(&service.name),
            service.entry_points.len()
        );
        md.push_str("| Kind | Framework | Route | Handler | Location | Covered by |\n| --- | --- | --- | --- | --- | --- |\n");
        for e in &service.entry_points {
            push_row(
                md,
                &[
                    cell(&e.kind),
                    cell(&e.framework),
                    cell_code(&e.route),
                    cell(e.handler.as_deref().unwrap_or("")),
                    cell_code(&format!("{}:{}", e.file, e.line)),
                    e.covered_by
                        .as_deref()
                        .map_or_else(|| "**uncovered**".to_string(), cell),
                ],
            );
        }
        md.push('\n');
    }
}

/// Outbound calls between services of the repo.
fn push_service_map(md: &mut String, services: &[ServiceSummary]) {
    if services.iter().all(|s| s.edges.is_empty()) {
        return;
    }
    md.push_str("## Service map\n\n| From | To | Via | Target | Location |\n| --- | --- | --- | --- | --- |\n");
    for service in services {
        for e in &service.edges {
            push_row(
                md,
                &[
                    cell(&service.name),
                    cell(&e.to),
                    cell(&e.via),
                    cell_code(&e.target),
                    cell_code(&format!("{}:{}", e.file, e.line)),
                ],
            );
        }
    }
    md.push('\n');
}

fn push_findings(md: &mut String, findings: &[&Finding]) {
    md.push_str("## Findings\n\n");
    if findings.is_empty() {
        md.push_str("No findings.\n\n");
        return;
    }
    for (severity, title) in [
        (Severity::Error, "Errors"),
        (Severity::Warning, "Warnings"),
        (Severity::Info, "Info"),
    ] {
        let group = sorted(findings.iter().copied().filter(|f| f.severity == severity));
        if group.is_empty() {
            continue;
        }
        let _ = writeln!(md, "### {title} ({})\n", group.len());
        md.push_str(
            "| Rule | Location | Service | Message | Fix |\n| --- | --- | --- | --- | --- |\n",
        );
        for finding in group {
            let location = if finding.line > 0 {
                format!("{}:{}", finding.file, finding.line)
            } else {
                finding.file.clone()
            };
            let fix = match &finding.fix {
                None => NONE.to_string(),
                Some(fix) => {
                    let mut text = cell(&fix.description);
                    if let Some(snippet) = &fix.snippet {
                        for line in snippet.lines().filter(|l| !l.trim().is_empty()) {
                            text.push_str("<br>");
                            text.push_str(&cell_code(line));
                        }
                    }
                    text
                }
            };
            let row = [
                cell_code(&finding.rule),
                cell_code(&location),
                cell(finding.service.as_deref().unwrap_or("")),
                cell(&finding.message),
                fix,
            ];
            push_row(md, &row);
        }
        md.push('\n');
    }
    let with_diff: Vec<&Finding> = sorted(
        findings
            .iter()
            .copied()
            .filter(|f| f.fix.as_ref().is_some_and(|x| x.diff.is_some())),
    );
    if with_diff.is_empty() {
        return;
    }
    md.push_str("### Suggested changes\n\n`apm-doctor fix` applies them.\n\n");
    for finding in with_diff {
        let Some(diff) = finding.fix.as_ref().and_then(|f| f.diff.as_deref()) else {
            continue;
        };
        let _ = writeln!(
            md,
            "{} at {}:\n",
            code_span(&finding.rule),
            code_span(&format!("{}:{}", finding.file, finding.line))
        );
        // A fence longer than any backtick run in the diff.
        let longest = diff.split(|c| c != '`').map(str::len).max().unwrap_or(0);
        let fence = "`".repeat(longest.max(2) + 1);
        let _ = writeln!(md, "{fence}diff\n{}{fence}\n", diff.replace('\r', ""));
    }
}

fn push_diagnostics(md: &mut String, report: &ScanReport) {
    if report.diagnostics.is_empty() {
        return;
    }
    md.push_str("## Diagnostics\n\n| Kind | Location | Message |\n| --- | --- | --- |\n");
    for diagnostic in &report.diagnostics {
        let row = [
            cell(&diagnostic.kind),
            cell_code(&diagnostic_location(diagnostic)),
            cell(&diagnostic.message),
        ];
        push_row(md, &row);
    }
    md.push('\n');
}

fn push_stats(md: &mut String, report: &ScanReport) {
    let stats = &report.stats;
    md.push_str("## Stats\n\n");
    let _ = writeln!(md, "- Files: {}", stats.files);
    let _ = writeln!(md, "- Parsed: {}", stats.parsed);
    let _ = write!(md, "- Skipped: {}", stats.skipped);
    if !stats.skipped_by.is_empty() {
        let reasons: Vec<String> = stats
            .skipped_by
            .iter()
            .map(|(reason, count)| format!("{}: {count}", inline(reason)))
            .collect();
        let _ = write!(md, " ({})", reasons.join(", "));
    }
    md.push('\n');
    let _ = writeln!(md, "- Rules: {}", stats.rules);
    let _ = writeln!(md, "- Duration: {} ms", stats.duration_ms);
}

fn push_row(md: &mut String, cells: &[String]) {
    md.push('|');
    for cell in cells {
        md.push(' ');
        md.push_str(cell);
        md.push_str(" |");
    }
    md.push('\n');
}

/// Text outside tables: line breaks become spaces, HTML is neutralised.
fn inline(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\r' => {}
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// A table cell: pipes escaped, line breaks as `<br>`, HTML neutralised outside code spans
/// (inside them `<` is literal already); `—` when empty.
fn cell(text: &str) -> String {
    if text.trim().is_empty() {
        return NONE.to_string();
    }
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    // Length of the backtick run that opened the current code span, if inside one.
    let mut code: Option<usize> = None;
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c == '`' {
            let run = chars[i..].iter().take_while(|&&c| c == '`').count();
            code = match code {
                Some(open) if open == run => None,
                Some(open) => Some(open),
                None if closes(&chars[i + run..], run) => Some(run),
                None => None,
            };
            out.push_str(&"`".repeat(run));
            i += run;
            continue;
        }
        match c {
            '|' => out.push_str("\\|"),
            '<' if code.is_none() => out.push_str("&lt;"),
            '>' if code.is_none() => out.push_str("&gt;"),
            '\n' if code.is_none() => out.push_str("<br>"),
            '\r' => {}
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
        i += 1;
    }
    out
}

/// True when `rest` holds a backtick run of exactly `run` characters (closing a code span).
fn closes(rest: &[char], run: usize) -> bool {
    let mut i = 0;
    while i < rest.len() {
        if rest[i] == '`' {
            let len = rest[i..].iter().take_while(|&&c| c == '`').count();
            if len == run {
                return true;
            }
            i += len;
        } else {
            i += 1;
        }
    }
    false
}

/// A code span inside a table cell (pipes escaped as GFM requires); `—` when empty.
fn cell_code(text: &str) -> String {
    if text.trim().is_empty() {
        return NONE.to_string();
    }
    code_span(text).replace('|', "\\|")
}

/// A code span that survives backticks and line breaks in `text`.
fn code_span(text: &str) -> String {
    let text: String = text
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    let mut longest = 0;
    let mut run = 0;
    for c in text.chars() {
        if c == '`' {
            run += 1;
            longest = longest.max(run);
        } else {
            run = 0;
        }
    }
    let fence = "`".repeat(longest + 1);
    if longest > 0 || text.starts_with(' ') || text.ends_with(' ') {
        format!("{fence} {text} {fence}")
    } else {
        format!("{fence}{text}{fence}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::fixture;

    #[test]
    fn heading_and_summary() {
        let md = render(&fixture::report());
        assert!(md.starts_with(
            "# apm-doctor audit\n\nScanned root: `/srv/monorepo`\n\n\
             **3 findings** (1 error, 1 warning, 1 info) across **2 services**. \
             Tracer declared in 2 of 2 services, initialised in 1. 1 finding suppressed inline. \
             1 diagnostic.\n\n## Services\n\n"
        ));
    }

    #[test]
    fn fixes_with_edits_show_their_diff() {
        let md = render(&fixture::report());
        assert!(md.contains(
            "### Suggested changes\n\n`apm-doctor fix` applies them.\n\n\
             `env-missing` at `services/api/Dockerfile:12`:\n\n\
             ```diff\n--- a/services/api/Dockerfile\n+++ b/services/api/Dockerfile\n"
        ));
        assert!(md.contains("+ENV DD_ENV=prod\n CMD [\"python\", \"app.py\"]\n```\n"));
    }

    #[test]
    fn services_table_rows() {
        let md = render(&fixture::report());
        assert!(md.contains(
            "| Service | Path | Language | Frameworks | Tracer | Version | Init | DD_SERVICE | DD_ENV | DD_VERSION |\n\
             | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |\n\
             | api | `services/api` | python | flask, celery | ddtrace | 2.8.0 | ddtrace-run | api | — | 1.4.2 |\n\
             | worker | `services/worker` | go | — | dd-trace-go.v1 | — | — | — | — | — |\n\n"
        ));
    }

    #[test]
    fn findings_grouped_by_severity() {
        let md = render(&fixture::report());
        let errors = md.find("### Errors (1)").expect("errors");
        let warnings = md.find("### Warnings (1)").expect("warnings");
        let info = md.find("### Info (1)").expect("info");
        assert!(errors < warnings && warnings < info);
        assert!(md.contains(
            "| `env-missing` | `services/api/Dockerfile:12` | api | DD_ENV is not set for service `api` | \
             Set DD_ENV in the container environment<br>`ENV DD_ENV=prod` |\n"
        ));
        assert!(md.contains(
            "| `version-unpinned` | `services/worker/go.mod:7` | worker | \
             dd-trace-go is not pinned \\| use an exact version | — |\n"
        ));
        assert!(md.contains(
            "| `agent-host-hardcoded` | `deploy/values.yaml:3` | — | \
             DD_AGENT_HOST is hard-coded to &lt;localhost&gt; | — |\n"
        ));
        assert!(
            !md.contains("log-injection-off"),
            "suppressed findings are not listed"
        );
    }

    #[test]
    fn diagnostics_and_stats() {
        let md = render(&fixture::report());
        assert!(md.contains(
            "## Diagnostics\n\n| Kind | Location | Message |\n| --- | --- | --- |\n\
             | parse-error | `services/api/broken.py:3:8` | unexpected token |\n\n"
        ));
        assert!(md.ends_with(
            "## Stats\n\n- Files: 120\n- Parsed: 80\n- Skipped: 40 (binary: 3, no-keyword: 37)\n\
             - Rules: 12\n- Duration: 35 ms\n"
        ));
    }

    #[test]
    fn empty_report() {
        let mut report = fixture::report();
        report.services.clear();
        report.findings.clear();
        report.suppressed.clear();
        report.diagnostics.clear();
        let md = render(&report);
        assert!(md.contains("**No findings** across **0 services**.\n\n"));
        assert!(md.contains("## Services\n\nNo services detected.\n\n"));
        assert!(md.contains("## Findings\n\nNo findings.\n\n"));
        assert!(!md.contains("## Diagnostics"));
    }

    #[test]
    fn deterministic() {
        let report = fixture::report();
        assert_eq!(render(&report), render(&report));
    }

    #[test]
    fn escaping() {
        assert_eq!(cell("a|b\nc"), "a\\|b<br>c");
        assert_eq!(cell("set `<x>` to <y>"), "set `<x>` to &lt;y&gt;");
        assert_eq!(cell("a ` b <c>"), "a ` b &lt;c&gt;");
        assert_eq!(cell("``a`b`` <c>"), "``a`b`` &lt;c&gt;");
        assert_eq!(cell("`a|b`"), "`a\\|b`");
        assert_eq!(cell(""), "—");
        assert_eq!(cell_code("x|y"), "`x\\|y`");
        assert_eq!(code_span("a`b"), "`` a`b ``");
        assert_eq!(inline("<b>"), "&lt;b&gt;");
    }
}
