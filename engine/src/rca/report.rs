//! The RCA report: one alert, its trace evidence, exactly one deficiency at file:line (or an
//! explicit "nothing in the code explains it" with what was checked), the fix, and the
//! nine-section Markdown rendering.

use std::fmt::Write as _;
use std::path::PathBuf;

use rhai::{Dynamic, Engine, Map};
use serde::Serialize;
use serde_json::json;

use super::classify::{classify_with, Classification};
use super::correlate::{alert_service, correlate, CorrelationInput, Deficiency};
use super::priority::{priority, Priority, PriorityInput};
use super::remediation::{
    agent_settings, prevention, remediation, verification, AgentSetting, Remediation,
};
use super::webhook::Alert;
use crate::finding::{Diagnostic, Edge, ScanReport, ServiceSummary};
use crate::rules::{call_hook_value, RuleSet};
use crate::traces::analysis::TraceEvidence;
use crate::traces::{flamegraph, Trace, TraceFormat};

/// A trace file read with `--traces`.
#[derive(Debug, Clone, Serialize)]
pub struct TraceFile {
    /// Path as given.
    pub path: String,
    /// Detected format.
    pub format: TraceFormat,
    /// Traces in it.
    pub traces: usize,
    /// Spans in it.
    pub spans: usize,
}

/// Trace evidence section.
#[derive(Debug, Clone, Serialize)]
pub struct EvidenceSection {
    /// Files read.
    pub files: Vec<TraceFile>,
    /// The analysis.
    pub analysis: TraceEvidence,
    /// Text flame graph of the problematic path.
    pub flamegraph: Option<String>,
}

/// The root cause: one deficiency, in one or two sentences.
#[derive(Debug, Clone, Serialize)]
pub struct RootCause {
    /// One or two sentences with file:line and the span.
    pub summary: String,
    /// The deficiency.
    pub deficiency: Deficiency,
}

/// One row of the Instrumentation Gap Analysis table.
#[derive(Debug, Clone, Serialize)]
pub struct GapRow {
    /// Endpoint or operation.
    pub endpoint: String,
    /// What covers it now.
    pub current_coverage: String,
    /// Spans missing.
    pub missing_spans: String,
    /// Golden Signal affected.
    pub impact: String,
}

/// Service map before/after the fix.
#[derive(Debug, Clone, Serialize, Default)]
pub struct ServiceMapImpact {
    /// Edges as traces show them now (`a -> b (via)`, broken ones marked).
    pub before: Vec<String>,
    /// Edges once fixed.
    pub after: Vec<String>,
    /// `peer.service` nodes the fix makes visible.
    pub peer_services: Vec<String>,
}

/// The whole RCA (what `--format json` prints).
#[derive(Debug, Clone, Serialize)]
pub struct RcaReport {
    /// The alert as parsed.
    pub alert: Alert,
    /// Its classification.
    pub classification: Classification,
    /// Service the alert is about, if the scan found it.
    pub service: Option<String>,
    /// Trace evidence, when traces were given.
    pub trace_evidence: Option<EvidenceSection>,
    /// The root cause, or `None` when nothing in the code explains the alert.
    pub root_cause: Option<RootCause>,
    /// Other candidates considered, best first.
    pub alternatives: Vec<Deficiency>,
    /// What was checked.
    pub checked: Vec<String>,
    /// Gap analysis rows.
    pub gap_analysis: Vec<GapRow>,
    /// The fix.
    pub remediation: Option<Remediation>,
    /// Agent and environment settings.
    pub agent_configuration: Vec<AgentSetting>,
    /// Verification checklist.
    pub verification: Vec<String>,
    /// Service map impact.
    pub service_map: ServiceMapImpact,
    /// Prevention.
    pub prevention: Vec<String>,
    /// Golden Signals priority.
    pub priority: Priority,
    /// Constraint rules that rejected a candidate or withheld a patch.
    pub constraints: Vec<String>,
    /// Rule errors met.
    pub diagnostics: Vec<Diagnostic>,
}

/// Everything an RCA run needs.
pub struct RcaInput<'a> {
    /// The alert.
    pub alert: Alert,
    /// The scan of the code.
    pub scan: &'a ScanReport,
    /// Scan root.
    pub root: PathBuf,
    /// `--service`.
    pub service: Option<String>,
    /// Traces read, with their files.
    pub traces: Vec<Trace>,
    /// Trace files read.
    pub trace_files: Vec<TraceFile>,
    /// Loaded rules (rca rules among them).
    pub rules: &'a RuleSet,
    /// Engine to run the rca hooks in.
    pub engine: &'a Engine,
}

/// What a constraint rule decided about a candidate.
enum Verdict {
    Keep,
    DropPatch(String),
    DropCandidate(String),
}

fn check_constraints(
    engine: &Engine,
    rules: &RuleSet,
    kind: &str,
    d: &Deficiency,
    r: &Remediation,
    diagnostics: &mut Vec<Diagnostic>,
) -> Verdict {
    let ctx = json!({
        "kind": kind,
        "rule": d.rule,
        "file": d.file,
        "line": d.line,
        "summary": r.summary,
        "before": r.before,
        "after": r.after,
        "diff": r.diff,
    });
    let ctx = rhai::serde::to_dynamic(&ctx).unwrap_or(Dynamic::UNIT);
    for rule in rules.rules.iter().filter(|r| r.hooks.on_remediation) {
        let (result, _) =
            call_hook_value(engine, rule, "on_remediation", (ctx.clone(),), "the fix");
        let value = match result {
            Ok(v) => v,
            Err(e) => {
                diagnostics.push(e);
                continue;
            }
        };
        if value.is_unit() {
            continue;
        }
        let Some(map) = value.try_cast::<Map>() else {
            continue;
        };
        let reason = map
            .get("reason")
            .map(|r| format!("{} ({})", r, rule.info.id))
            .unwrap_or_else(|| rule.info.id.clone());
        let drop = map.get("drop").map(|d| d.to_string()).unwrap_or_default();
        return if drop == "patch" {
            Verdict::DropPatch(reason)
        } else {
            Verdict::DropCandidate(reason)
        };
    }
    Verdict::Keep
}

fn flame_for(kind: &str, traces: &[Trace], ev: &TraceEvidence) -> Option<String> {
    let pick = |trace_id: u64, span_id: u64| {
        traces
            .iter()
            .find(|t| t.trace_id == trace_id)
            .map(|t| flamegraph::render_path(t, span_id, &ev.gaps))
    };
    let by_kind = match kind {
        "broken_trace" => ev
            .split_traces
            .first()
            .and_then(|s| pick(s.caller_trace_id, s.caller_span.span_id)),
        "high_error_rate" => ev
            .status_errors
            .first()
            .and_then(|s| pick(s.span.trace_id, s.span.span_id)),
        _ => None,
    };
    by_kind
        .or_else(|| {
            ev.gaps
                .first()
                .and_then(|g| pick(g.span.trace_id, g.span.span_id))
        })
        .or_else(|| {
            ev.slowest
                .first()
                .and_then(|s| pick(s.span.trace_id, s.span.span_id))
        })
}

fn impact_of(kind: &str) -> &'static str {
    match kind {
        "high_latency" => "Latency",
        "high_error_rate" => "Errors",
        "missing_traces" => "Traffic",
        _ => "Traffic / Errors (broken attribution)",
    }
}

fn gap_rows(
    kind: &str,
    service: Option<&ServiceSummary>,
    root_cause: Option<&Deficiency>,
    ev: Option<&TraceEvidence>,
) -> Vec<GapRow> {
    let mut rows = Vec::new();
    if let Some(ev) = ev {
        for g in ev.gaps.iter().take(3) {
            rows.push(GapRow {
                endpoint: format!("{} ({})", g.span.resource, g.span.name),
                current_coverage: format!("span `{}` with {} children", g.span.name, g.children),
                missing_spans: format!(
                    "{} uninstrumented{}",
                    flamegraph::fmt_ns(g.uncovered_ns),
                    root_cause
                        .and_then(|d| d.missing_span.clone())
                        .map(|m| format!(": `{m}`"))
                        .unwrap_or_default()
                ),
                impact: "Latency".into(),
            });
        }
        for s in ev.split_traces.iter().take(2) {
            rows.push(GapRow {
                endpoint: format!(
                    "{} -> {} ({})",
                    s.caller_service, s.callee_service, s.callee_root.resource
                ),
                current_coverage: format!(
                    "two traces: {} and {}",
                    s.caller_trace_id, s.callee_trace_id
                ),
                missing_spans: format!("client span / injected context in `{}`", s.caller_service),
                impact: "Traffic / Errors (broken attribution)".into(),
            });
        }
        if let Some(s) = ev.status_errors.first() {
            rows.push(GapRow {
                endpoint: format!("{} ({})", s.span.resource, s.span.name),
                current_coverage: format!("span with HTTP {} but no error flag", s.status_code),
                missing_spans: "error.type / error.message on the failing span".into(),
                impact: "Errors".into(),
            });
        }
    }
    if let Some(s) = service {
        for e in s
            .entry_points
            .iter()
            .filter(|e| e.covered_by.is_none())
            .take(5)
        {
            rows.push(GapRow {
                endpoint: format!("{} ({})", e.route, e.framework),
                current_coverage: "none".into(),
                missing_spans: format!("{} span", e.kind),
                impact: impact_of(kind).into(),
            });
        }
    }
    if rows.is_empty() {
        if let Some(d) = root_cause {
            rows.push(GapRow {
                endpoint: d
                    .function
                    .clone()
                    .unwrap_or_else(|| format!("{}:{}", d.file, d.line)),
                current_coverage: "see root cause".into(),
                missing_spans: d.missing_span.clone().unwrap_or_else(|| d.rule.clone()),
                impact: impact_of(kind).into(),
            });
        }
    }
    rows
}

fn edge_line(from: &str, e: &Edge) -> String {
    format!(
        "{from} -> {} ({} {}, {}:{})",
        e.to, e.via, e.target, e.file, e.line
    )
}

fn service_map(
    kind: &str,
    scan: &ScanReport,
    services: &[String],
    ev: Option<&TraceEvidence>,
) -> ServiceMapImpact {
    let mut out = ServiceMapImpact::default();
    let broken: Vec<(String, String)> = ev
        .map(|e| {
            e.split_traces
                .iter()
                .map(|s| (s.caller_service.clone(), s.callee_service.clone()))
                .collect()
        })
        .unwrap_or_default();
    for s in scan.services.iter().filter(|s| services.contains(&s.name)) {
        for e in &s.edges {
            let is_broken = broken.contains(&(s.name.clone(), e.to.clone()))
                || (kind == "broken_trace" && services.contains(&e.to));
            let line = edge_line(&s.name, e);
            if is_broken {
                out.before
                    .push(format!("{line}: BROKEN, the callee starts a new trace"));
                out.after
                    .push(format!("{line}: one trace, `{}` as peer.service", e.to));
                if !out.peer_services.contains(&e.to) {
                    out.peer_services.push(e.to.clone());
                }
            } else if kind == "missing_traces" {
                out.before
                    .push(format!("{line}: not visible (no spans from {})", s.name));
                out.after.push(format!("{line}: visible"));
            } else {
                out.before.push(line.clone());
                out.after.push(line);
            }
        }
    }
    out
}

/// Run the whole analysis: classify, correlate, pick exactly one deficiency that passes the
/// constraint rules, and build the report.
pub fn analyse_alert(input: RcaInput) -> RcaReport {
    let classification = classify_with(input.engine, input.rules, &input.alert);
    let evidence = if input.traces.is_empty() {
        None
    } else {
        Some(crate::traces::analyse(&input.traces))
    };
    let correlation = correlate(
        input.engine,
        input.rules,
        &CorrelationInput {
            alert: &input.alert,
            classification: &classification,
            scan: input.scan,
            root: &input.root,
            service: input.service.as_deref(),
            evidence: evidence.as_ref(),
        },
    );
    let mut diagnostics = classification.diagnostics.clone();
    diagnostics.extend(correlation.diagnostics.clone());
    let service = alert_service(&input.alert, input.scan, input.service.as_deref());
    let kind = classification.kind.clone();

    // The best candidate the constraints accept.
    let mut constraints = Vec::new();
    let mut chosen: Option<(Deficiency, Remediation)> = None;
    let mut rest = Vec::new();
    for d in correlation.candidates {
        if chosen.is_some() {
            rest.push(d);
            continue;
        }
        let svc = d
            .service
            .as_deref()
            .and_then(|n| input.scan.services.iter().find(|s| s.name == n))
            .or(service);
        let mut r = remediation(&input.root, &d, svc);
        match check_constraints(input.engine, input.rules, &kind, &d, &r, &mut diagnostics) {
            Verdict::Keep => chosen = Some((d, r)),
            Verdict::DropPatch(why) => {
                constraints.push(format!("patch withheld for {}:{}: {why}", d.file, d.line));
                r.diff = None;
                r.applies_with_fix = false;
                r.diff_note = Some(format!("patch withheld: {why}"));
                chosen = Some((d, r));
            }
            Verdict::DropCandidate(why) => {
                constraints.push(format!(
                    "rejected `{}` at {}:{}: {why}",
                    d.rule, d.file, d.line
                ));
            }
        }
    }

    let svc_name = service.map(|s| s.name.clone());
    let root_cause = chosen.as_ref().map(|(d, _)| RootCause {
        summary: summary_sentence(&kind, d, &input.alert),
        deficiency: d.clone(),
    });
    let flame = evidence
        .as_ref()
        .and_then(|ev| flame_for(&kind, &input.traces, ev));
    let gap_share = evidence.as_ref().and_then(|ev| {
        ev.gaps
            .first()
            .filter(|g| g.duration_ns > 0)
            .map(|g| g.largest_ns() as f64 / g.duration_ns as f64)
    });
    let unflagged = evidence.as_ref().and_then(|ev| {
        let n = ev.status_errors.len() + ev.client_errors_flagged.len();
        (n > 0).then(|| ev.status_errors.len() as f64 / n as f64)
    });
    let uncovered = service.and_then(|s| {
        (!s.entry_points.is_empty()).then(|| {
            s.entry_points
                .iter()
                .filter(|e| e.covered_by.is_none())
                .count() as f64
                / s.entry_points.len() as f64
        })
    });
    let value = input.alert.value.or(input.alert.error_rate);
    let prio = priority(&PriorityInput {
        kind: &kind,
        value,
        threshold: input.alert.threshold,
        gap_share,
        unflagged_error_share: unflagged,
        uncovered_share: uncovered,
        rule: chosen.as_ref().map(|(d, _)| d.rule.as_str()),
    });
    let deficiency = chosen.as_ref().map(|(d, _)| d);
    RcaReport {
        gap_analysis: gap_rows(&kind, service, deficiency, evidence.as_ref()),
        service_map: service_map(&kind, input.scan, &correlation.services, evidence.as_ref()),
        agent_configuration: agent_settings(&kind, service),
        verification: verification(&kind, deficiency, svc_name.as_deref()),
        prevention: prevention(&kind, deficiency.map(|d| d.rule.as_str())),
        remediation: chosen.as_ref().map(|(_, r)| r.clone()),
        root_cause,
        alternatives: rest.into_iter().take(5).collect(),
        checked: correlation.checked,
        trace_evidence: evidence.map(|analysis| EvidenceSection {
            files: input.trace_files.clone(),
            analysis,
            flamegraph: flame,
        }),
        priority: prio,
        constraints,
        diagnostics,
        service: svc_name,
        classification,
        alert: input.alert,
    }
}

fn summary_sentence(kind: &str, d: &Deficiency, alert: &Alert) -> String {
    let at = format!(
        "{}:{}{}",
        d.file,
        d.line,
        d.function
            .as_ref()
            .map(|f| format!(" (`{f}`)"))
            .unwrap_or_default()
    );
    let span = d
        .missing_span
        .as_ref()
        .map(|m| format!(" The missing span is `{m}`."))
        .unwrap_or_default();
    let what = match kind {
        "missing_traces" => "No traces arrive",
        "high_latency" => "The latency is spent in code no span covers",
        "high_error_rate" => "The errors are not recorded on the failing span",
        _ => "The trace breaks at the service boundary",
    };
    let resource = alert
        .resource_display
        .as_ref()
        .map(|r| format!(" for `{r}`"))
        .unwrap_or_default();
    format!(
        "{what}{resource}: {}. Deficiency `{}` at {at}.{span}",
        first_sentence(&d.reason),
        d.rule
    )
}

fn first_sentence(text: &str) -> String {
    let t = text.trim().trim_end_matches('.');
    let mut chars = t.chars();
    match chars.next() {
        Some(c) => c.to_lowercase().collect::<String>() + chars.as_str(),
        None => String::new(),
    }
}

/// An epoch timestamp in seconds or milliseconds (as `$DATE` sends it) as UTC ISO 8601;
/// anything else unchanged.
fn display_date(raw: &str) -> String {
    let Ok(n) = raw.trim().parse::<i64>() else {
        return raw.to_string();
    };
    let secs = if raw.trim().len() >= 13 { n / 1000 } else { n };
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    // Civil date from days since 1970-01-01 (proleptic Gregorian calendar).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z ({raw})",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

fn opt(v: &Option<String>) -> String {
    v.clone().unwrap_or_else(|| "-".into())
}

fn fence(lang: &str, body: &str) -> String {
    format!("```{lang}\n{}\n```\n", body.trim_end())
}

fn md_lang(language: Option<&str>) -> &'static str {
    match language {
        Some("python") => "python",
        Some("go") => "go",
        Some("java") => "java",
        Some("node") => "javascript",
        Some("ruby") => "ruby",
        Some("dotnet") => "csharp",
        Some("php") => "php",
        Some("cpp") => "cpp",
        _ => "",
    }
}

/// Render the nine sections, in order: Alert Summary, Trace Evidence, Root Cause,
/// Instrumentation Gap Analysis, Remediation Code, Agent Configuration, Verification
/// Checklist, Service Map Impact, Prevention.
pub fn to_markdown(r: &RcaReport) -> String {
    let mut s = String::new();
    let a = &r.alert;
    let _ = writeln!(
        s,
        "# RCA: {}\n",
        a.title.clone().unwrap_or_else(|| "monitor alert".into())
    );
    let _ = writeln!(s, "## 1. Alert Summary\n");
    let _ = writeln!(s, "| field | value |\n|---|---|");
    let rows =
        [
            (
                "Type",
                format!(
                    "**{}** (rule `{}`, score {})",
                    r.classification.kind,
                    opt(&r.classification.rule),
                    r.classification.score
                ),
            ),
            ("Why", r.classification.reason.clone()),
            ("Service", opt(&r.service.clone().or(a.service.clone()))),
            ("Env", opt(&a.env)),
            (
                "Resource",
                opt(&a.resource_display.clone().or(a.resource.clone())),
            ),
            ("Metric", opt(&a.metric)),
            (
                "Query",
                a.query
                    .clone()
                    .map(|q| format!("`{q}`"))
                    .unwrap_or_else(|| "-".into()),
            ),
            (
                "Observed / threshold",
                format!(
                    "{} {} {}",
                    a.value
                        .or(a.error_rate)
                        .map(|v| v.to_string())
                        .unwrap_or_else(|| "-".into()),
                    opt(&a.comparator),
                    a.threshold
                        .map(|v| v.to_string())
                        .unwrap_or_else(|| "-".into())
                ),
            ),
            ("Transition", opt(&a.transition)),
            (
                "Date",
                a.date
                    .as_deref()
                    .map(display_date)
                    .unwrap_or_else(|| "-".into()),
            ),
            ("Link", opt(&a.link)),
            (
                "Priority",
                format!(
            "**{}** (score {}: latency {}, traffic {}, errors {}, saturation {}; driven by {})",
            r.priority.level, r.priority.score, r.priority.latency, r.priority.traffic,
            r.priority.errors, r.priority.saturation, r.priority.dominant
        ),
            ),
        ];
    for (k, v) in rows {
        let _ = writeln!(s, "| {k} | {} |", v.replace('|', "\\|").replace('\n', " "));
    }

    let _ = writeln!(s, "\n## 2. Trace Evidence\n");
    match &r.trace_evidence {
        None => {
            let _ = writeln!(
                s,
                "No traces given (`--traces`); the analysis rests on the code alone."
            );
        }
        Some(ev) => {
            for f in &ev.files {
                let _ = writeln!(
                    s,
                    "- `{}`: {:?}, {} traces, {} spans",
                    f.path, f.format, f.traces, f.spans
                );
            }
            let an = &ev.analysis;
            if !an.gaps.is_empty() {
                let _ = writeln!(s, "\nLargest uninstrumented gaps:\n\n| span | resource | uninstrumented | of |\n|---|---|---|---|");
                for g in an.gaps.iter().take(5) {
                    let _ = writeln!(
                        s,
                        "| `{}` ({}) | {} | {} | {} |",
                        g.span.name,
                        g.span.service,
                        g.span.resource,
                        flamegraph::fmt_ns(g.uncovered_ns),
                        flamegraph::fmt_ns(g.duration_ns)
                    );
                }
            }
            if !an.slowest.is_empty() {
                let _ = writeln!(
                    s,
                    "\nSlowest spans: {}",
                    an.slowest
                        .iter()
                        .take(3)
                        .map(|x| format!(
                            "`{}` {} ({})",
                            x.span.name,
                            flamegraph::fmt_ns(x.duration_ns),
                            x.span.resource
                        ))
                        .collect::<Vec<_>>()
                        .join(", ")
                );
            }
            for sp in an.split_traces.iter().take(3) {
                let _ = writeln!(
                    s,
                    "- split trace: `{}` -> `{}` (`{}`): caller trace {}, callee trace {} ({:?})",
                    sp.caller_service,
                    sp.callee_service,
                    sp.callee_root.resource,
                    sp.caller_trace_id,
                    sp.callee_trace_id,
                    sp.evidence
                );
            }
            if !an.orphans.is_empty() {
                let _ = writeln!(
                    s,
                    "- {} orphan spans (parent not in the trace)",
                    an.orphans.len()
                );
            }
            if !an.status_errors.is_empty() {
                let _ = writeln!(
                    s,
                    "- {} spans with HTTP 5xx but no error flag (first: `{}` {} -> {})",
                    an.status_errors.len(),
                    an.status_errors[0].span.name,
                    an.status_errors[0].span.resource,
                    an.status_errors[0].status_code
                );
            }
            if !an.client_errors_flagged.is_empty() {
                let _ = writeln!(
                    s,
                    "- {} spans flagged as errors on HTTP 4xx",
                    an.client_errors_flagged.len()
                );
            }
            for d in an.dynamic_resources.iter().take(3) {
                let _ = writeln!(
                    s,
                    "- dynamic resource on `{}`: {} distinct values, template `{}`",
                    d.name, d.distinct, d.template
                );
            }
            if let Some(f) = &ev.flamegraph {
                let _ = writeln!(s, "\n{}", fence("text", f));
            }
        }
    }

    let _ = writeln!(s, "\n## 3. Root Cause\n");
    match &r.root_cause {
        Some(rc) => {
            let _ = writeln!(s, "{}\n", rc.summary);
        }
        None => {
            let _ = writeln!(
                s,
                "Nothing in the code explains this alert. What was checked:\n"
            );
            for c in &r.checked {
                let _ = writeln!(s, "- {c}");
            }
        }
    }
    if r.root_cause.is_some() && !r.checked.is_empty() {
        let _ = writeln!(s, "<details><summary>What was checked</summary>\n");
        for c in &r.checked {
            let _ = writeln!(s, "- {c}");
        }
        if !r.alternatives.is_empty() {
            let _ = writeln!(
                s,
                "\nOther candidates: {}",
                r.alternatives
                    .iter()
                    .map(|d| format!("`{}` {}:{} ({})", d.rule, d.file, d.line, d.score))
                    .collect::<Vec<_>>()
                    .join(", ")
            );
        }
        let _ = writeln!(s, "\n</details>");
    }

    let _ = writeln!(s, "\n## 4. Instrumentation Gap Analysis\n");
    let _ = writeln!(s, "| Endpoint/Operation | Current Coverage | Missing Spans | Impact (Golden Signal) |\n|---|---|---|---|");
    for g in &r.gap_analysis {
        let _ = writeln!(
            s,
            "| {} | {} | {} | {} |",
            g.endpoint.replace('|', "\\|"),
            g.current_coverage,
            g.missing_spans,
            g.impact
        );
    }

    let _ = writeln!(s, "\n## 5. Remediation Code\n");
    match &r.remediation {
        Some(rem) => {
            let lang = md_lang(rem.language.as_deref());
            let _ = writeln!(
                s,
                "{}\n\nBefore:\n\n{}\nAfter:\n\n{}",
                rem.summary,
                fence(lang, &rem.before),
                fence(lang, &rem.after)
            );
            match &rem.diff {
                Some(d) => {
                    let _ = writeln!(
                        s,
                        "Patch (`git apply`{}):\n\n{}",
                        if rem.applies_with_fix {
                            ", or `apm-doctor fix`"
                        } else {
                            ""
                        },
                        fence("diff", d)
                    );
                }
                None => {
                    if let Some(n) = &rem.diff_note {
                        let _ = writeln!(s, "_{n}_\n");
                    }
                }
            }
        }
        None => {
            let _ = writeln!(s, "No code change is proposed: no deficiency was found.");
        }
    }
    for c in &r.constraints {
        let _ = writeln!(s, "- constraint: {c}");
    }

    let _ = writeln!(s, "\n## 6. Agent Configuration\n");
    let _ = writeln!(
        s,
        "| setting | current | recommended | why |\n|---|---|---|---|"
    );
    for a in &r.agent_configuration {
        let _ = writeln!(
            s,
            "| `{}` | {} | {} | {} |",
            a.key,
            opt(&a.current),
            a.recommended,
            a.why
        );
    }

    let _ = writeln!(s, "\n## 7. Verification Checklist\n");
    for v in &r.verification {
        let _ = writeln!(s, "- [ ] {v}");
    }

    let _ = writeln!(s, "\n## 8. Service Map Impact\n");
    if r.service_map.before.is_empty() {
        let _ = writeln!(s, "No edges of the service map are involved.");
    } else {
        let _ = writeln!(s, "Before:\n");
        for e in &r.service_map.before {
            let _ = writeln!(s, "- {e}");
        }
        let _ = writeln!(s, "\nAfter:\n");
        for e in &r.service_map.after {
            let _ = writeln!(s, "- {e}");
        }
        if !r.service_map.peer_services.is_empty() {
            let _ = writeln!(
                s,
                "\npeer.service nodes: {}",
                r.service_map.peer_services.join(", ")
            );
        }
    }

    let _ = writeln!(s, "\n## 9. Prevention\n");
    for p in &r.prevention {
        let _ = writeln!(s, "- {p}");
    }
    if !r.diagnostics.is_empty() {
        let _ = writeln!(
            s,
            "\n---\nRule errors: {}",
            r.diagnostics
                .iter()
                .map(|d| d.message.clone())
                .collect::<Vec<_>>()
                .join("; ")
        );
    }
    s
}

#[cfg(test)]
mod tests {
    use super::display_date;

    #[test]
    fn epoch_dates_read_as_utc() {
        assert_eq!(display_date("0"), "1970-01-01T00:00:00Z (0)");
        assert_eq!(
            display_date("1718015083000"),
            "2024-06-10T10:24:43Z (1718015083000)"
        );
        assert_eq!(display_date("2000-03-01"), "2000-03-01");
    }
}
