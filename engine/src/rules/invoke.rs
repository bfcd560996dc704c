//! Calling a rule hook and turning what it returns into findings and facts.

use std::sync::atomic::Ordering;

use rhai::{CallFnOptions, Dynamic, Engine, EvalAltResult, Map, Scope};

use super::Rule;
use crate::finding::{Diagnostic, Edit, EditAnchor, Finding, Fix, Severity};

/// A fact a rule reported (`fact(kind, #{...})`), before the engine files it under a service.
#[derive(Debug, Clone)]
pub struct RawFact {
    /// Id of the rule that reported it.
    pub rule: String,
    /// Fact kind (`init`).
    pub kind: String,
    /// Service it belongs to, when the rule named one.
    pub service: Option<String>,
    /// File (defaults to the file the hook ran on).
    pub file: String,
    /// 1-based line.
    pub line: usize,
    /// The whole map the rule returned (without the marker keys).
    pub data: Map,
}

/// What one hook call produced.
#[derive(Debug, Default)]
pub struct HookOutput {
    /// Findings (service filled from the item or the default).
    pub findings: Vec<Finding>,
    /// Facts.
    pub facts: Vec<RawFact>,
    /// The error, if the hook failed or returned something malformed.
    pub error: Option<Diagnostic>,
    /// Time spent in the hook, in microseconds.
    pub micros: u64,
}

/// Innermost (line, column) of a Rhai error, 0 when unknown.
pub fn error_position(err: &EvalAltResult) -> (usize, usize) {
    let mut current = err;
    let mut best = err.position();
    while let EvalAltResult::ErrorInFunctionCall(_, _, inner, _)
    | EvalAltResult::ErrorInModule(_, inner, _) = current
    {
        if !inner.position().is_none() {
            best = inner.position();
        }
        current = inner;
    }
    (best.line().unwrap_or(0), best.position().unwrap_or(0))
}

/// Call `hook` of `rule` with `args` and return what it returned, untouched (for hooks whose
/// result is not findings or facts, such as `on_alert`), with the time spent in microseconds.
/// A failure comes back as a `rule-error` diagnostic naming the rule file and line.
pub fn call_hook_value(
    engine: &Engine,
    rule: &Rule,
    hook: &str,
    args: impl rhai::FuncArgs + Send,
    subject: &str,
) -> (Result<Dynamic, Diagnostic>, u64) {
    if rule.limit_hit.load(Ordering::Relaxed) {
        // Stopped by a sandbox limit earlier in this run: not run again (the identical
        // diagnostics of the skipped calls collapse into one in the report).
        return (
            Err(Diagnostic {
                kind: "rule-error".into(),
                file: rule.origin.clone(),
                line: 0,
                column: 0,
                message: format!(
                    "rule `{}` was not run on the remaining items: a sandbox limit stopped it earlier in this run",
                    rule.info.id
                ),
            }),
            0,
        );
    }
    let started = std::time::Instant::now();
    let result = super::sandbox::guarded(|| {
        let mut scope = Scope::new();
        let options = CallFnOptions::new().eval_ast(false).rewind_scope(true);
        engine.call_fn_with_options::<Dynamic>(options, &mut scope, &rule.ast, hook, args)
    });
    let micros = u64::try_from(started.elapsed().as_micros()).unwrap_or(u64::MAX);
    let result = result.map_err(|e| {
        let (line, column) = error_position(&e);
        let limit = hit_limit(&e);
        if limit {
            rule.limit_hit.store(true, Ordering::Relaxed);
        }
        Diagnostic {
            kind: "rule-error".into(),
            file: rule.origin.clone(),
            line,
            column,
            message: format!(
                "rule `{}` failed in {hook} on {subject}: {}{}",
                rule.info.id,
                flatten_error(&e),
                if limit {
                    " (a sandbox limit: the rule is not run on the remaining items)"
                } else {
                    ""
                }
            ),
        }
    });
    (result, micros)
}

/// True when `err` is a sandbox limit (operations, call depth, value size, modules, time)
/// rather than an ordinary error of the script.
pub fn hit_limit(err: &EvalAltResult) -> bool {
    match err {
        EvalAltResult::ErrorInFunctionCall(_, _, inner, _)
        | EvalAltResult::ErrorInModule(_, inner, _) => hit_limit(inner),
        EvalAltResult::ErrorTooManyOperations(_)
        | EvalAltResult::ErrorStackOverflow(_)
        | EvalAltResult::ErrorDataTooLarge(..)
        | EvalAltResult::ErrorTooManyModules(_)
        | EvalAltResult::ErrorTerminated(..) => true,
        _ => false,
    }
}

/// Call `hook` of `rule` with `args`. `default_file`/`default_service` fill in what the rule
/// left out. Errors never escape: they come back in `HookOutput::error`.
pub fn call_hook(
    engine: &Engine,
    rule: &Rule,
    hook: &str,
    args: impl rhai::FuncArgs + Send,
    default_file: &str,
    default_service: Option<&str>,
    subject: &str,
) -> HookOutput {
    let (result, micros) = call_hook_value(engine, rule, hook, args, subject);
    let mut out = HookOutput {
        micros,
        ..HookOutput::default()
    };
    let value = match result {
        Ok(v) => v,
        Err(d) => {
            out.error = Some(d);
            return out;
        }
    };
    let items: Vec<Dynamic> = if value.is_unit() {
        Vec::new()
    } else if value.is_array() {
        value.into_array().unwrap_or_default()
    } else {
        vec![value]
    };
    for item in items {
        if item.is_unit() {
            continue;
        }
        let Some(map) = item.clone().try_cast::<Map>() else {
            out.error = Some(bad_item(rule, hook, &format!("a {}", item.type_name())));
            continue;
        };
        match map
            .get(apm_doctor_stdlib::KIND_KEY)
            .map(|v| v.to_string())
            .as_deref()
        {
            Some("finding") => {
                out.findings
                    .push(to_finding(rule, &map, default_file, default_service))
            }
            Some("fact") => out
                .facts
                .push(to_fact(rule, map, default_file, default_service)),
            _ => {
                out.error = Some(bad_item(
                    rule,
                    hook,
                    "a map not built by finding() or fact()",
                ))
            }
        }
    }
    out
}

pub(crate) fn flatten_error(err: &EvalAltResult) -> String {
    match err {
        EvalAltResult::ErrorInFunctionCall(name, _, inner, _) => {
            format!("in fn {name}: {}", flatten_error(inner))
        }
        EvalAltResult::ErrorInModule(name, inner, _) => {
            format!("in module `{name}`: {}", flatten_error(inner))
        }
        EvalAltResult::ErrorTerminated(token, _) => format!("stopped: {token}"),
        other => other.to_string(),
    }
}

fn bad_item(rule: &Rule, hook: &str, what: &str) -> Diagnostic {
    Diagnostic {
        kind: "rule-error".into(),
        file: rule.origin.clone(),
        line: 0,
        column: 0,
        message: format!(
            "rule `{}`: {hook} returned {what}; return finding(..), fact(..), an array of them, or ()",
            rule.info.id
        ),
    }
}

fn get_string(map: &Map, key: &str) -> Option<String> {
    map.get(key).filter(|v| !v.is_unit()).map(|v| v.to_string())
}

fn get_usize(map: &Map, key: &str) -> Option<usize> {
    map.get(key)
        .and_then(|v| v.as_int().ok())
        .and_then(|i| usize::try_from(i).ok())
}

fn to_finding(
    rule: &Rule,
    map: &Map,
    default_file: &str,
    default_service: Option<&str>,
) -> Finding {
    let severity = get_string(map, "severity")
        .and_then(|s| s.parse::<Severity>().ok())
        .unwrap_or(rule.info.severity);
    let fix = map
        .get("fix")
        .and_then(|f| f.clone().try_cast::<Map>())
        .and_then(|f| {
            Some(Fix {
                description: get_string(&f, "description")?,
                snippet: get_string(&f, "snippet"),
                edits: f
                    .get("edits")
                    .and_then(|e| e.clone().try_cast::<rhai::Array>())
                    .map(|edits| {
                        edits
                            .into_iter()
                            .filter_map(|e| e.try_cast::<Map>())
                            .filter_map(|e| to_edit(&e, default_file))
                            .collect()
                    })
                    .unwrap_or_default(),
                diff: None,
            })
        });
    Finding {
        rule: rule.info.id.clone(),
        severity,
        category: rule.info.category.clone(),
        message: get_string(map, "message").unwrap_or_default(),
        service: get_string(map, "service").or_else(|| default_service.map(str::to_string)),
        file: get_string(map, "file").unwrap_or_else(|| default_file.to_string()),
        line: get_usize(map, "line").unwrap_or(1).max(1),
        column: get_usize(map, "column").unwrap_or(1).max(1),
        fix,
        suppressed: false,
    }
}

/// An edit map built by `with_edit` / `edit_*` (see the stdlib): whole lines (`line`,
/// `end_line`, `old`, `new`) or an anchor the engine resolves after the scan.
fn to_edit(map: &Map, default_file: &str) -> Option<Edit> {
    let file = get_string(map, "file").unwrap_or_else(|| default_file.to_string());
    let line = get_usize(map, "line").unwrap_or(1);
    let bytes = match (get_usize(map, "start_byte"), get_usize(map, "end_byte")) {
        (Some(s), Some(e))
            if map
                .get("replace_bytes")
                .is_some_and(|v| v.as_bool() == Ok(true)) =>
        {
            Some((s, e))
        }
        _ => None,
    };
    let flag = |k: &str| map.get(k).is_some_and(|v| v.as_bool() == Ok(true));
    let anchor = EditAnchor {
        bytes,
        indent_like: get_usize(map, "indent_like"),
        append: flag("append"),
        create: flag("create"),
        whole_lines: flag("whole_lines"),
        go_import: get_string(map, "go_import"),
        search_up: map
            .get("search_up")
            .and_then(|v| v.clone().try_cast::<rhai::Array>())
            .map(|texts| texts.into_iter().map(|t| t.to_string()).collect())
            .unwrap_or_default(),
        substitute: map
            .get("substitute")
            .and_then(|v| v.clone().try_cast::<rhai::Array>())
            .map(|pairs| {
                pairs
                    .into_iter()
                    .filter_map(|p| p.try_cast::<rhai::Array>())
                    .filter(|p| p.len() == 2)
                    .map(|p| (p[0].to_string(), p[1].to_string()))
                    .collect()
            })
            .unwrap_or_default(),
        copy_lines: get_usize(map, "copy_from")
            .map(|from| (from, get_usize(map, "copy_to").unwrap_or(from))),
    };
    Some(Edit {
        file,
        line,
        end_line: get_usize(map, "end_line").unwrap_or(line),
        old: get_string(map, "old").unwrap_or_default(),
        new: get_string(map, "new")?,
        anchor: (anchor != EditAnchor::default()).then_some(anchor),
    })
}

fn to_fact(
    rule: &Rule,
    mut map: Map,
    default_file: &str,
    default_service: Option<&str>,
) -> RawFact {
    map.remove(apm_doctor_stdlib::KIND_KEY);
    let kind = map
        .remove("fact")
        .map(|v| v.to_string())
        .unwrap_or_default();
    let file = get_string(&map, "file").unwrap_or_else(|| default_file.to_string());
    let line = get_usize(&map, "line").unwrap_or(1).max(1);
    map.insert("file".into(), Dynamic::from(file.clone()));
    map.insert("line".into(), Dynamic::from_int(line as i64));
    RawFact {
        rule: rule.info.id.clone(),
        kind,
        service: get_string(&map, "service").or_else(|| default_service.map(str::to_string)),
        file,
        line,
        data: map,
    }
}
