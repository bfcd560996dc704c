//! The fix for the chosen deficiency: before/after code, a unified diff when the fix can be
//! placed in the code, agent and environment settings, verification steps and prevention.
//!
//! Fixes come from the finding's own edits when its rule carries them; otherwise a
//! language-idiomatic span is proposed around the function at fault (`@Trace` in Java,
//! `@tracer.wrap` in Python, `StartSpanFromContext` in Go, `StartActive` in .NET...).

use std::path::Path;

use serde::Serialize;

use super::code;
use super::correlate::Deficiency;
use crate::finding::{Edit, ServiceSummary};
use crate::fix::{diff_for_edits, FileText};

/// Code change for the root cause.
#[derive(Debug, Clone, Serialize, Default)]
pub struct Remediation {
    /// Language of the code changed.
    pub language: Option<String>,
    /// What to do, in one sentence.
    pub summary: String,
    /// The code as it is (with its location).
    pub before: String,
    /// The code as it should be, with short comments.
    pub after: String,
    /// Unified diff that applies with `git apply` / `patch -p1` from the scan root.
    pub diff: Option<String>,
    /// Why no diff could be made, when there is none.
    pub diff_note: Option<String>,
    /// `apm-doctor fix` applies it (the finding carries the edits).
    pub applies_with_fix: bool,
}

/// One agent or environment setting to check or change.
#[derive(Debug, Clone, Serialize)]
pub struct AgentSetting {
    /// Variable or setting (`DD_AGENT_HOST`).
    pub key: String,
    /// Current value and where it is set, if found.
    pub current: Option<String>,
    /// What it should be.
    pub recommended: String,
    /// Why.
    pub why: String,
}

fn file_text(root: &Path, file: &str) -> Option<FileText> {
    let bytes = std::fs::read(root.join(file)).ok()?;
    FileText::parse(&bytes).ok()
}

/// Lines `from..=to` numbered like an editor shows them.
fn numbered(root: &Path, file: &str, from: usize, to: usize) -> String {
    code::source_lines(root, file, from.max(1), to)
        .map(|lines| {
            lines
                .iter()
                .enumerate()
                .map(|(i, l)| format!("{:>4} | {l}", from.max(1) + i))
                .collect::<Vec<_>>()
                .join("\n")
        })
        .unwrap_or_default()
}

fn indent_of(line: &str) -> String {
    line.chars().take_while(|c| c.is_whitespace()).collect()
}

/// The operation name a new span should get: the missing span the rule named, else
/// `<service>.<function>` in snake case.
fn operation_name(d: &Deficiency) -> String {
    if let Some(m) = &d.missing_span {
        return m.clone();
    }
    let func = d
        .function
        .as_deref()
        .unwrap_or("operation")
        .rsplit(['.', ':'])
        .next()
        .unwrap_or("operation");
    let mut snake = String::new();
    for (i, c) in func.chars().enumerate() {
        if c.is_ascii_uppercase() && i > 0 {
            snake.push('_');
        }
        snake.push(c.to_ascii_lowercase());
    }
    match &d.service {
        Some(s) => format!("{s}.{snake}"),
        None => snake,
    }
}

/// A span opened around the function at the deficiency's line: the edits and the
/// before/after text, per language.
fn span_edits(root: &Path, d: &Deficiency, language: &str) -> Option<(Vec<Edit>, String, String)> {
    let site = code::function_at(root, &d.file, d.line)?;
    let lines = code::source_lines(root, &d.file, site.start_line, site.start_line + 1)?;
    let first = lines.first()?.clone();
    let indent = indent_of(&first);
    let op = operation_name(d);
    let text = std::fs::read_to_string(root.join(&d.file)).ok()?;
    let insert = |line: usize, new: String| Edit {
        file: d.file.clone(),
        line,
        end_line: line,
        old: String::new(),
        new,
        anchor: None,
    };
    let last_import = |prefix: &str| {
        text.lines()
            .enumerate()
            .filter(|(_, l)| l.starts_with(prefix))
            .map(|(i, _)| i + 1)
            .last()
    };
    let mut edits = Vec::new();
    let (before, after);
    match language {
        "java" => {
            // Annotations sit above the signature (and above other annotations of it).
            let mut at = site.start_line;
            let all: Vec<&str> = text.lines().collect();
            while at > 1
                && all
                    .get(at - 2)
                    .is_some_and(|l| l.trim_start().starts_with('@'))
            {
                at -= 1;
            }
            if !text.contains("import datadog.trace.api.Trace;") {
                if let Some(l) = last_import("import ") {
                    edits.push(insert(l + 1, "import datadog.trace.api.Trace;\n".into()));
                }
            }
            let annotation = format!("{indent}@Trace(operationName = \"{op}\")\n");
            edits.push(insert(at, annotation.clone()));
            before = first.clone();
            after = format!(
                "{indent}// dd-java-agent (or dd-trace-api) opens a span named {op} around every call\n{}{first}",
                annotation
            );
        }
        "python" => {
            if !text.contains("from ddtrace import tracer") {
                let at = last_import("import ")
                    .into_iter()
                    .chain(last_import("from "))
                    .max()
                    .map_or(1, |l| l + 1);
                edits.push(insert(at, "from ddtrace import tracer\n".into()));
            }
            let decorator = format!("{indent}@tracer.wrap(\"{op}\")\n");
            edits.push(insert(site.start_line, decorator.clone()));
            before = first.clone();
            after = format!(
                "{indent}# one span per call, child of the request span\n{decorator}{first}"
            );
        }
        "go" if first.trim_end().ends_with('{') && first.contains("ctx context.Context") => {
            let body = format!("{indent}\t");
            let new = format!(
                "{body}span, ctx := tracer.StartSpanFromContext(ctx, \"{op}\")\n{body}defer span.Finish()\n"
            );
            edits.push(insert(site.start_line + 1, new.clone()));
            before = first.clone();
            after = format!(
                "{first}\n{body}// a child of the caller's span, finished on every return\n{new}"
            );
        }
        "dotnet"
            if first.trim_end().ends_with('{') || lines.get(1).is_some_and(|l| l.trim() == "{") =>
        {
            let open = if first.trim_end().ends_with('{') {
                site.start_line
            } else {
                site.start_line + 1
            };
            let body = format!("{indent}    ");
            let new = format!("{body}using var scope = Tracer.Instance.StartActive(\"{op}\");\n");
            edits.push(insert(open + 1, new.clone()));
            if !text.contains("using Datadog.Trace;") {
                edits.push(insert(1, "using Datadog.Trace;\n".into()));
            }
            before = first.clone();
            after = format!("{first}\n{body}// the scope closes (and the span finishes) when the method returns\n{new}");
        }
        _ => return None,
    }
    Some((edits, before, after))
}

/// A snippet for languages where the span goes around a block the tool does not rewrite.
fn span_snippet(d: &Deficiency, language: &str) -> String {
    let op = operation_name(d);
    match language {
        "node" => format!(
            "const tracer = require('dd-trace')\n// the callback runs inside a child span of the active one\nconst result = await tracer.trace('{op}', () => doWork())"
        ),
        "ruby" => format!(
            "Datadog::Tracing.trace('{op}') do |span|\n  # the block runs inside a child span\n  do_work\nend"
        ),
        "php" => format!(
            "// in a file loaded at boot (the ddtrace extension hooks the method)\n\\DDTrace\\trace_method('Class', 'method', function (\\DDTrace\\SpanData $span) {{\n    $span->name = '{op}';\n}});"
        ),
        "cpp" => format!(
            "// child of the request span; finishes when it goes out of scope\nauto span = request_span.create_child();\nspan.set_name(\"{op}\");"
        ),
        "go" => format!(
            "span, ctx := tracer.StartSpanFromContext(ctx, \"{op}\")\ndefer span.Finish()"
        ),
        "dotnet" => format!("using var scope = Tracer.Instance.StartActive(\"{op}\");"),
        "java" => format!("@Trace(operationName = \"{op}\")"),
        _ => format!("with tracer.trace(\"{op}\"):\n    do_work()"),
    }
}

/// Build the remediation for `d` in the service's language.
pub fn remediation(root: &Path, d: &Deficiency, service: Option<&ServiceSummary>) -> Remediation {
    let language = service.and_then(|s| s.language.clone());
    let lang = language.clone().unwrap_or_default();
    let mut out = Remediation {
        language: language.clone(),
        ..Remediation::default()
    };
    let location = format!("{}:{}", d.file, d.line);
    let before_code = format!(
        "// {location}\n{}",
        numbered(root, &d.file, d.line.saturating_sub(2), d.line + 2)
    );
    if let Some(fix) = d.finding.as_ref().and_then(|f| f.fix.as_ref()) {
        out.summary = fix.description.clone();
        if !fix.edits.is_empty() {
            out.applies_with_fix = true;
            out.diff = fix.diff.clone();
            let e = &fix.edits[0];
            let from = e.line.saturating_sub(1).max(1);
            out.before = format!(
                "// {}:{}\n{}",
                e.file,
                e.line,
                if e.old.is_empty() {
                    numbered(root, &e.file, from, e.line)
                } else {
                    e.old.trim_end().to_string()
                }
            );
            out.after = fix
                .edits
                .iter()
                .map(|e| format!("// {}:{}\n{}", e.file, e.line, e.new.trim_end()))
                .collect::<Vec<_>>()
                .join("\n");
            return out;
        }
        out.before = before_code.clone();
        out.after = fix.snippet.clone().unwrap_or_default();
    }
    // Rules whose cure is a span of its own: propose it in the code, as a patch where the
    // language allows one.
    let wants_span = matches!(d.rule.as_str(), "critical-op-unspanned" | "missing-span")
        || (d.rule == "entrypoint-uninstrumented" && out.after.is_empty());
    if wants_span {
        if out.summary.is_empty() {
            out.summary = format!(
                "open a span named `{}` around {}",
                operation_name(d),
                d.function.clone().unwrap_or_else(|| location.clone())
            );
        }
        if let Some((edits, before, after)) = span_edits(root, d, &lang) {
            let text = file_text(root, &d.file);
            match diff_for_edits(&edits, |_| text.as_ref()) {
                Ok(diff) => out.diff = Some(diff),
                Err(e) => out.diff_note = Some(e),
            }
            out.before = format!("// {location}\n{before}");
            out.after = format!("// {location}\n{after}");
            return out;
        }
        out.before = before_code;
        if out.after.is_empty() {
            out.after = span_snippet(d, &lang);
        }
        out.diff_note = Some(format!(
            "no patch for {lang}: the span goes around a block; apply the snippet by hand"
        ));
        return out;
    }
    if out.before.is_empty() {
        out.before = before_code;
    }
    if out.summary.is_empty() {
        out.summary = d.reason.clone();
    }
    if out.diff.is_none() {
        out.diff_note = Some(format!(
            "rule `{}` carries no machine-applicable edit here; the snippet shows the change",
            d.rule
        ));
    }
    out
}

fn setting(service: Option<&ServiceSummary>, key: &str) -> Option<String> {
    let s = service?;
    s.config
        .get(key)
        .map(|v| format!("{} ({}:{})", v.value, v.file, v.line))
}

/// Agent and environment settings that matter for the alert kind and service.
pub fn agent_settings(kind: &str, service: Option<&ServiceSummary>) -> Vec<AgentSetting> {
    let name = service
        .map(|s| s.name.clone())
        .unwrap_or_else(|| "<service>".into());
    let mut out = vec![
        AgentSetting {
            key: "DD_SERVICE".into(),
            current: setting(service, "DD_SERVICE"),
            recommended: name.clone(),
            why: "the monitor's `service:` scope must match the name the tracer reports".into(),
        },
        AgentSetting {
            key: "DD_ENV".into(),
            current: setting(service, "DD_ENV"),
            recommended: "the monitor's `env:` (e.g. prod)".into(),
            why: "unified service tagging: monitors and dashboards filter on env".into(),
        },
        AgentSetting {
            key: "DD_VERSION".into(),
            current: setting(service, "DD_VERSION"),
            recommended: "the image tag or git SHA".into(),
            why: "compare the alert window across deployments".into(),
        },
    ];
    let host = setting(service, "DD_AGENT_HOST").or_else(|| setting(service, "DD_TRACE_AGENT_URL"));
    out.push(AgentSetting {
        key: "DD_AGENT_HOST / DD_TRACE_AGENT_URL".into(),
        current: host,
        recommended: "status.hostIP (Kubernetes downward API) or the agent container's name".into(),
        why: "spans are sent to the agent's port 8126; a wrong host drops every trace".into(),
    });
    out.push(AgentSetting {
        key: "Datadog agent version".into(),
        current: None,
        recommended: ">= 7.28.0 with `apm_config.enabled: true` (DD_APM_ENABLED=true)".into(),
        why: "`apm-doctor agent` checks GET /info on the agent".into(),
    });
    if kind == "broken_trace" {
        out.push(AgentSetting {
            key: "DD_TRACE_PROPAGATION_STYLE".into(),
            current: setting(service, "DD_TRACE_PROPAGATION_STYLE"),
            recommended:
                "the same styles on both sides of the edge (default: datadog,tracecontext)".into(),
            why: "a caller injecting a style the callee does not extract starts a new trace".into(),
        });
    }
    if kind == "missing_traces" {
        out.push(AgentSetting {
            key: "DD_TRACE_ENABLED".into(),
            current: setting(service, "DD_TRACE_ENABLED"),
            recommended: "unset or true".into(),
            why: "a disabled tracer sends nothing (sampling settings are not the cause of missing traces and are left alone)".into(),
        });
    }
    out
}

/// Steps that show the fix worked.
pub fn verification(kind: &str, d: Option<&Deficiency>, service: Option<&str>) -> Vec<String> {
    let svc = service.unwrap_or("<service>");
    let mut out = Vec::new();
    if let Some(d) = d {
        out.push(format!(
            "`apm-doctor scan` no longer reports `{}` at {}:{}",
            d.rule, d.file, d.line
        ));
    }
    out.push(format!(
        "deploy, then check the service page https://app.datadoghq.com/apm/services/{svc} for new spans"
    ));
    match kind {
        "missing_traces" => {
            out.push(
                "`apm-doctor agent` reports a reachable agent >= 7.28.0 with APM enabled".into(),
            );
            out.push(
                "the tracer's startup log (DD_TRACE_STARTUP_LOGS=true) shows `agent_error` empty"
                    .into(),
            );
            out.push("the monitor leaves No Data within one evaluation window".into());
        }
        "high_latency" => {
            if let Some(op) = d.and_then(|d| d.missing_span.clone()) {
                out.push(format!(
                    "the flame graph of the slow resource shows a `{op}` span filling the former gap"
                ));
            } else {
                out.push(
                    "the flame graph of the slow resource has no uninstrumented gap left".into(),
                );
            }
            out.push(
                "the new span's p99 explains the request's p99 (trace.<operation>.duration)".into(),
            );
        }
        "high_error_rate" => {
            out.push(
                "failed requests carry error.type / error.message on the span that failed".into(),
            );
            out.push("the error rate in APM matches the HTTP 5xx rate in the access logs".into());
        }
        "broken_trace" => {
            out.push("one trace id spans both services: the callee's root span has the caller's span as parent".into());
            out.push("the service map shows the edge between the two services".into());
        }
        _ => {}
    }
    out
}

/// Guard rails so the gap does not come back.
pub fn prevention(kind: &str, rule: Option<&str>) -> Vec<String> {
    let mut out =
        vec!["run `apm-doctor scan --fail-on warning --format sarif` on every pull request".into()];
    if let Some(r) = rule {
        out.push(format!(
            "keep `{r}` at severity error in apm-doctor.toml (`[rules.severity]`) so a regression fails CI"
        ));
    }
    match kind {
        "high_latency" => out.push(
            "list business operations in `[critical] operations` so `critical-op-unspanned` catches unspanned ones".into(),
        ),
        "broken_trace" => out.push(
            "set DD_TRACE_PROPAGATION_STYLE once for the whole platform (base image or Helm values)".into(),
        ),
        "missing_traces" => out.push(
            "alert on `trace.<operation>.hits` No Data per service, separate from latency and error monitors".into(),
        ),
        "high_error_rate" => out.push(
            "review error handling in code review: a caught error inside a span must be recorded on it".into(),
        ),
        _ => {}
    }
    out.push("`apm-doctor scan --base origin/main` flags removed span tags and renamed resources before they break monitors".into());
    out
}
