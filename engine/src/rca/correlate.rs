//! From a classified alert, the scan of the code and (optionally) trace evidence to exactly
//! one instrumentation deficiency at file:line.
//!
//! Rust gathers the context natively (the alerted service and its partners, the entry point
//! the alert's resource names, the code behind the spans with uninstrumented gaps, the
//! function around each finding); the `on_correlate(ctx)` hooks of `rca` rules propose
//! candidates with scores; the best one wins. `on_remediation(ctx)` hooks then check the
//! proposed fix against the report's constraints (see [`super::remediation`]).

use std::collections::BTreeSet;
use std::path::Path;

use rhai::{Dynamic, Engine, Map};
use serde::Serialize;
use serde_json::{json, Value};

use super::classify::Classification;
use super::code::{self, FunctionSite};
use super::webhook::Alert;
use crate::finding::{Diagnostic, EntryPoint, Finding, ScanReport, ServiceSummary};
use crate::rules::{call_hook_value, Rule, RuleSet};
use crate::traces::analysis::TraceEvidence;

/// Most gap sites resolved to code.
const MAX_GAP_SITES: usize = 5;

/// One proposed deficiency.
#[derive(Debug, Clone, Serialize)]
pub struct Deficiency {
    /// Rule of the finding it rests on (`critical-op-unspanned`), or `missing-span` when the
    /// code has no finding and the deficiency comes from the trace evidence alone.
    pub rule: String,
    /// The finding, when there is one.
    pub finding: Option<Finding>,
    /// Service of the code at fault.
    pub service: Option<String>,
    /// File, relative to the scan root.
    pub file: String,
    /// 1-based line.
    pub line: usize,
    /// Function around the line, when found.
    pub function: Option<String>,
    /// The span that is missing (or broken), named as it should appear in Datadog.
    pub missing_span: Option<String>,
    /// Score the correlation rule gave (0..=100).
    pub score: u32,
    /// Why this explains the alert.
    pub reason: String,
    /// The `on_correlate` rule that proposed it.
    pub proposed_by: String,
}

/// What correlation produced: the candidates (best first) and what it looked at.
#[derive(Debug, Clone, Serialize, Default)]
pub struct Correlation {
    /// Candidates, best first.
    pub candidates: Vec<Deficiency>,
    /// What was checked (for the report when nothing explains the alert).
    pub checked: Vec<String>,
    /// Services the correlation looked at.
    pub services: Vec<String>,
    /// The entry point the alert's resource names, when found.
    pub endpoint: Option<EntryPoint>,
    /// Rules that failed.
    pub diagnostics: Vec<Diagnostic>,
}

/// Normalised form of a route or resource for matching: lower-case method and path with
/// every parameter segment (`:id`, `{id}`, `<int:id>`, `?`, numbers) as `*`.
pub fn route_key(route: &str) -> String {
    let route = route.trim();
    let (method, path) = match route.split_once(' ') {
        Some((m, p)) if m.chars().all(|c| c.is_ascii_alphabetic()) => {
            (m.to_ascii_lowercase(), p.trim())
        }
        _ => (String::new(), route),
    };
    let path = path.trim_end_matches('/');
    let segments: Vec<String> = path
        .split('/')
        .map(|s| {
            // `?` alone is a templated segment; elsewhere it starts a query string.
            let s = if s == "?" {
                s
            } else {
                s.split('?').next().unwrap_or(s)
            };
            let param = s.starts_with(':')
                || s.starts_with('{')
                || s.starts_with('<')
                || s == "?"
                || s == "*"
                || (!s.is_empty() && s.chars().all(|c| c.is_ascii_digit()));
            if param {
                "*".to_string()
            } else {
                s.to_ascii_lowercase()
            }
        })
        .collect();
    format!("{method} {}", segments.join("/"))
        .trim()
        .to_string()
}

/// The service the alert is about: `--service`, the alert's `service` tag, or a service
/// named in the title; `None` when the scan has no such service.
pub fn alert_service<'a>(
    alert: &Alert,
    scan: &'a ScanReport,
    explicit: Option<&str>,
) -> Option<&'a ServiceSummary> {
    let wanted: Vec<String> = explicit
        .map(str::to_string)
        .into_iter()
        .chain(alert.service.clone())
        .collect();
    for w in &wanted {
        if let Some(s) = scan.services.iter().find(|s| &s.name == w) {
            return Some(s);
        }
    }
    let title = alert.title.clone().unwrap_or_default().to_ascii_lowercase();
    scan.services
        .iter()
        .filter(|s| title.contains(&s.name.to_ascii_lowercase()))
        .max_by_key(|s| s.name.len())
}

/// The entry point of `service` the resource names (`POST /v1/assessments`).
pub fn match_endpoint<'a>(service: &'a ServiceSummary, resource: &str) -> Option<&'a EntryPoint> {
    let key = route_key(resource);
    let path_only = |k: &str| k.split_once(' ').map(|(_, p)| p.to_string());
    service
        .entry_points
        .iter()
        .find(|e| route_key(&e.route) == key)
        .or_else(|| {
            // Without a method on one side, compare paths.
            let p = path_only(&key).unwrap_or(key.clone());
            service
                .entry_points
                .iter()
                .find(|e| path_only(&route_key(&e.route)).is_some_and(|ep| ep == p))
        })
}

fn function_json(site: &Option<FunctionSite>) -> Value {
    match site {
        Some(f) => json!({
            "function": f.name,
            "function_start": f.start_line,
            "function_end": f.end_line,
            "calls": f.calls,
        }),
        None => {
            json!({"function": null, "function_start": null, "function_end": null, "calls": []})
        }
    }
}

fn merge(mut base: Value, extra: Value) -> Value {
    if let (Some(b), Value::Object(e)) = (base.as_object_mut(), extra) {
        for (k, v) in e {
            b.insert(k, v);
        }
    }
    base
}

/// Inputs to [`correlate`].
pub struct CorrelationInput<'a> {
    /// The alert.
    pub alert: &'a Alert,
    /// Its classification.
    pub classification: &'a Classification,
    /// The scan of the code.
    pub scan: &'a ScanReport,
    /// Scan root (to read the code behind findings and spans).
    pub root: &'a Path,
    /// `--service`.
    pub service: Option<&'a str>,
    /// Trace evidence, when traces were given.
    pub evidence: Option<&'a TraceEvidence>,
}

/// The context `on_correlate(ctx)` receives, as JSON (documented in the README).
pub fn context(input: &CorrelationInput, checked: &mut Vec<String>) -> (Value, Vec<Finding>) {
    let alert = input.alert;
    let scan = input.scan;
    let service = alert_service(alert, scan, input.service);
    let resource = alert
        .resource_display
        .clone()
        .or_else(|| alert.resource.clone());
    let mut services: BTreeSet<String> = service.iter().map(|s| s.name.clone()).collect();
    // Partners: peer.service tags and both ends of split traces.
    for t in &alert.tags {
        if let Some(v) = t
            .strip_prefix("peer.service:")
            .or_else(|| t.strip_prefix("peer_service:"))
        {
            services.insert(v.to_string());
        }
    }
    if let Some(ev) = input.evidence {
        for s in &ev.split_traces {
            if services.contains(&s.callee_service) || services.contains(&s.caller_service) {
                services.insert(s.callee_service.clone());
                services.insert(s.caller_service.clone());
            }
        }
        if services.is_empty() {
            for s in &ev.services {
                services.insert(s.service.clone());
            }
        }
    }
    services.retain(|s| scan.services.iter().any(|x| &x.name == s));
    checked.push(match service {
        Some(s) => format!(
            "service `{}` ({}), {} entry points, {} findings",
            s.name,
            s.language
                .clone()
                .unwrap_or_else(|| "unknown language".into()),
            s.entry_points.len(),
            scan.findings
                .iter()
                .filter(|f| f.service.as_deref() == Some(&s.name))
                .count()
        ),
        None => format!(
            "no service of the scan matches the alert (service tag `{}`); {} services scanned",
            alert.service.clone().unwrap_or_default(),
            scan.services.len()
        ),
    });

    // Findings of the services involved plus repo-wide ones, each with its function.
    let findings: Vec<Finding> = scan
        .findings
        .iter()
        .filter(|f| match &f.service {
            Some(s) => services.contains(s),
            None => true,
        })
        .cloned()
        .collect();
    // Each file behind a finding is read and parsed once, however many findings it holds.
    let mut parsed: std::collections::BTreeMap<&str, Option<code::ParsedSource>> =
        std::collections::BTreeMap::new();
    let findings_json: Vec<Value> = findings
        .iter()
        .enumerate()
        .map(|(i, f)| {
            let site = parsed
                .entry(f.file.as_str())
                .or_insert_with(|| code::ParsedSource::read(input.root, &f.file))
                .as_ref()
                .and_then(|p| p.function_at(&f.file, f.line));
            merge(
                json!({
                    "index": i,
                    "rule": f.rule,
                    "category": f.category,
                    "severity": f.severity,
                    "message": f.message,
                    "service": f.service,
                    "file": f.file,
                    "line": f.line,
                    "has_fix": f.fix.as_ref().is_some_and(|x| !x.edits.is_empty()),
                }),
                function_json(&site),
            )
        })
        .collect();
    checked.push(format!(
        "{} findings of {} and the repository-wide rules",
        findings.len(),
        if services.is_empty() {
            "no service".to_string()
        } else {
            services.iter().cloned().collect::<Vec<_>>().join(", ")
        }
    ));

    let endpoint = match (service, &resource) {
        (Some(s), Some(r)) => match_endpoint(s, r),
        _ => None,
    };
    let endpoint_json = endpoint.map(|e| {
        let site = e
            .handler
            .as_ref()
            .and_then(|_| code::function_at(input.root, &e.file, e.line));
        merge(
            serde_json::to_value(e).unwrap_or(Value::Null),
            function_json(&site),
        )
    });
    if let Some(r) = &resource {
        checked.push(match endpoint {
            Some(e) => format!(
                "resource `{r}` is the {} entry point `{}` at {}:{} (covered by {})",
                e.framework,
                e.route,
                e.file,
                e.line,
                e.covered_by.clone().unwrap_or_else(|| "nothing".into())
            ),
            None => format!("resource `{r}` matches no entry point found in the code"),
        });
    }

    // The code behind the spans with the largest uninstrumented gaps.
    let mut gap_sites = Vec::new();
    if let Some(ev) = input.evidence {
        let mut seen = BTreeSet::new();
        for g in &ev.gaps {
            if gap_sites.len() >= MAX_GAP_SITES {
                break;
            }
            let key = (
                g.span.service.clone(),
                g.span.name.clone(),
                g.span.resource.clone(),
            );
            if !seen.insert(key) {
                continue;
            }
            let svc = scan.services.iter().find(|s| s.name == g.span.service);
            // A manual span: its operation name written in the code; an auto span: the
            // entry point its resource names.
            let mut site: Option<(String, usize)> = None;
            if let Some(s) = svc {
                if let Some((f, l)) = code::find_string_literal(input.root, &s.root, &g.span.name)
                    .into_iter()
                    .next()
                {
                    site = Some((f, l));
                } else if let Some(e) = match_endpoint(s, &g.span.resource) {
                    site = Some((e.file.clone(), e.line));
                }
            }
            let function = site
                .as_ref()
                .and_then(|(f, l)| code::function_at(input.root, f, *l));
            checked.push(match &site {
                Some((f, l)) => format!(
                    "span `{}` ({}) with {} ms uninstrumented maps to {f}:{l}",
                    g.span.name,
                    g.span.resource,
                    g.uncovered_ns / 1_000_000
                ),
                None => format!(
                    "span `{}` ({}) with {} ms uninstrumented: no code found for it",
                    g.span.name,
                    g.span.resource,
                    g.uncovered_ns / 1_000_000
                ),
            });
            gap_sites.push(merge(
                json!({
                    "service": g.span.service,
                    "span": g.span.name,
                    "resource": g.span.resource,
                    "uncovered_ms": g.uncovered_ns as f64 / 1e6,
                    "largest_ms": g.largest_ns() as f64 / 1e6,
                    "duration_ms": g.duration_ns as f64 / 1e6,
                    "file": site.as_ref().map(|s| s.0.clone()),
                    "line": site.as_ref().map(|s| s.1),
                }),
                function_json(&function),
            ));
        }
        checked.push(format!(
            "trace evidence: {} traces, {} spans, {} gaps, {} orphans, {} split traces, {} 5xx without error, {} 4xx flagged as errors",
            ev.trace_count,
            ev.span_count,
            ev.gaps.len(),
            ev.orphans.len(),
            ev.split_traces.len(),
            ev.status_errors.len(),
            ev.client_errors_flagged.len()
        ));
    } else {
        checked.push("no trace evidence given (--traces)".into());
    }

    let ctx = json!({
        "kind": input.classification.kind,
        "alert": input.alert,
        "service": service.map(|s| s.name.clone()),
        "services": services.iter().collect::<Vec<_>>(),
        "resource": resource,
        "svc": service,
        "repo_services": scan.services,
        "findings": findings_json,
        "endpoint": endpoint_json,
        "evidence": input.evidence,
        "gap_sites": gap_sites,
    });
    (ctx, findings)
}

fn text(map: &Map, key: &str) -> Option<String> {
    map.get(key)
        .filter(|v| !v.is_unit())
        .map(|v| v.to_string())
        .filter(|s| !s.is_empty())
}

fn int(map: &Map, key: &str) -> Option<i64> {
    let v = map.get(key)?;
    v.as_int()
        .ok()
        .or_else(|| v.as_float().ok().map(|f| f as i64))
}

/// Turn what a rule returned into deficiencies.
fn candidates_from(
    rule: &Rule,
    value: Dynamic,
    findings: &[Finding],
    root: &Path,
) -> Result<Vec<Deficiency>, Diagnostic> {
    let bad = |what: String| {
        Diagnostic {
        kind: "rule-error".into(),
        file: rule.origin.clone(),
        line: 0,
        column: 0,
        message: format!(
            "rule `{}`: on_correlate returned {what}; return #{{ finding, score, reason }} (or file/line instead of finding), an array of them, or ()",
            rule.info.id
        ),
    }
    };
    let items: Vec<Dynamic> = if value.is_unit() {
        Vec::new()
    } else if value.is_array() {
        value.into_array().unwrap_or_default()
    } else {
        vec![value]
    };
    let mut out = Vec::new();
    for item in items {
        if item.is_unit() {
            continue;
        }
        let type_name = item.type_name().to_string();
        let Some(map) = item.try_cast::<Map>() else {
            return Err(bad(format!("a {type_name}")));
        };
        let score = int(&map, "score").ok_or_else(|| bad("a candidate without `score`".into()))?;
        let reason = text(&map, "reason").unwrap_or_default();
        let finding = match int(&map, "finding") {
            Some(i) => Some(
                usize::try_from(i)
                    .ok()
                    .and_then(|i| findings.get(i))
                    .cloned()
                    .ok_or_else(|| bad(format!("finding index {i} out of range")))?,
            ),
            None => None,
        };
        let (file, line) = match (&finding, text(&map, "file"), int(&map, "line")) {
            (_, Some(f), Some(l)) => (f, usize::try_from(l).unwrap_or(1)),
            (Some(f), _, _) => (f.file.clone(), f.line),
            _ => {
                return Err(bad(
                    "a candidate with neither `finding` nor `file` and `line`".into(),
                ))
            }
        };
        let function =
            text(&map, "function").or_else(|| code::function_at(root, &file, line).map(|f| f.name));
        out.push(Deficiency {
            rule: finding
                .as_ref()
                .map(|f| f.rule.clone())
                .or_else(|| text(&map, "rule"))
                .unwrap_or_else(|| "missing-span".into()),
            service: finding
                .as_ref()
                .and_then(|f| f.service.clone())
                .or_else(|| text(&map, "service")),
            finding,
            file,
            line,
            function,
            missing_span: text(&map, "missing_span"),
            score: score.clamp(0, 100) as u32,
            reason,
            proposed_by: rule.info.id.clone(),
        });
    }
    Ok(out)
}

/// Run every `on_correlate` rule on the context and rank what they propose.
pub fn correlate(engine: &Engine, rules: &RuleSet, input: &CorrelationInput) -> Correlation {
    let mut checked = Vec::new();
    let (ctx, findings) = context(input, &mut checked);
    let services = ctx
        .get("services")
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(|v| v.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default();
    let endpoint = input
        .scan
        .services
        .iter()
        .find(|s| ctx.get("service").and_then(Value::as_str) == Some(s.name.as_str()))
        .and_then(|s| {
            let r = ctx.get("resource").and_then(Value::as_str)?;
            match_endpoint(s, r).cloned()
        });
    let dynamic_ctx = rhai::serde::to_dynamic(&ctx).unwrap_or(Dynamic::UNIT);
    let mut out = Correlation {
        checked,
        services,
        endpoint,
        ..Correlation::default()
    };
    for rule in rules.rules.iter().filter(|r| r.hooks.on_correlate) {
        let (result, _) = call_hook_value(
            engine,
            rule,
            "on_correlate",
            (dynamic_ctx.clone(),),
            "the alert",
        );
        match result.and_then(|v| candidates_from(rule, v, &findings, input.root)) {
            Ok(c) => out.candidates.extend(c),
            Err(d) => out.diagnostics.push(d),
        }
    }
    // Best first; ties: a finding over none, then file and line for a stable order.
    out.candidates.sort_by(|a, b| {
        b.score
            .cmp(&a.score)
            .then(b.finding.is_some().cmp(&a.finding.is_some()))
            .then(a.file.cmp(&b.file))
            .then(a.line.cmp(&b.line))
    });
    out.candidates
        .dedup_by(|a, b| a.file == b.file && a.line == b.line && a.rule == b.rule);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn route_keys_ignore_parameter_syntax() {
        assert_eq!(route_key("GET /users/:id"), route_key("GET /users/{id}"));
        assert_eq!(route_key("get /users/<int:id>/"), route_key("GET /users/?"));
        assert_eq!(route_key("POST /v1/assessments"), "post /v1/assessments");
        assert_ne!(route_key("GET /users/:id"), route_key("POST /users/:id"));
        assert_eq!(route_key("GET /carts/42"), route_key("GET /carts/:cartId"));
    }
}
