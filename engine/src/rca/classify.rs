//! Classify an alert with the `on_alert(alert)` hooks of the loaded rules (the built-in
//! `rules/rca/` pack plus an organisation's own, which add kinds of evidence or replace a
//! built-in rule by id).
//!
//! Each rule returns `#{ kind, score, reason }` or `()`. The classification is the candidate
//! with the highest score; ties go to the kind listed first in [`KINDS`]. A rule that throws,
//! hits a sandbox limit or returns something malformed becomes a diagnostic and the others
//! still count. When no rule claims the alert, the result is [`DEFAULT_KIND`] with score 0.

use std::path::Path;

use rhai::{Dynamic, Engine, Map};
use serde::Serialize;

use super::webhook::Alert;
use crate::finding::Diagnostic;
use crate::rules::{call_hook_value, Limits, Rule, RuleSet, SandboxSpec};

/// The kinds an alert can be classified as, in tie-break order: broken and missing traces
/// first (the instrumentation itself is at fault, and the other symptoms are read from
/// those traces), then errors, then latency.
pub const KINDS: &[&str] = &[
    "broken_trace",
    "missing_traces",
    "high_error_rate",
    "high_latency",
];

/// The kind given when no rule claims the alert: whether the service sends traces at all
/// is the first thing to check for an alert nothing else explains.
pub const DEFAULT_KIND: &str = "missing_traces";

/// One rule's claim on an alert.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Candidate {
    /// One of [`KINDS`].
    pub kind: String,
    /// 0..=100 (clamped).
    pub score: u32,
    /// Why, in the rule's words.
    pub reason: String,
    /// Id of the rule.
    pub rule: String,
}

/// The kind picked for an alert, and every claim that was made.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Classification {
    /// One of [`KINDS`].
    pub kind: String,
    /// Score of the winning candidate (0 for the default).
    pub score: u32,
    /// Reason of the winning candidate, or why the default was used.
    pub reason: String,
    /// Id of the rule that won; `None` for the default.
    pub rule: Option<String>,
    /// Every candidate, best first (score descending, then [`KINDS`] order, then rule id).
    pub candidates: Vec<Candidate>,
    /// Rules that failed or returned something malformed.
    pub diagnostics: Vec<Diagnostic>,
}

/// The alert as the Rhai map `on_alert` receives (`None` fields are `()`).
pub fn alert_map(alert: &Alert) -> Dynamic {
    rhai::serde::to_dynamic(alert).unwrap_or(Dynamic::UNIT)
}

/// The rules that classify alerts: those defining `on_alert`.
pub fn alert_rules(rules: &RuleSet) -> impl Iterator<Item = &Rule> {
    rules.rules.iter().filter(|r| r.hooks.on_alert)
}

/// An engine for `on_alert` hooks: the standard sandbox, with `import` allowed from the
/// folders of the custom rules in `rules`.
pub fn engine_for(rules: &RuleSet) -> Engine {
    let roots = rules
        .rules
        .iter()
        .filter(|r| !r.builtin)
        .filter_map(|r| Path::new(&r.origin).parent().map(Path::to_path_buf))
        .collect();
    match SandboxSpec::new(Limits::default(), roots) {
        Ok(spec) => spec.engine(),
        // The stdlib helpers are built in; they compile, but fall back to no roots at all.
        Err(_) => SandboxSpec::new(Limits::default(), Vec::new())
            .map(|s| s.engine())
            .unwrap_or_default(),
    }
}

/// Run one rule's `on_alert` on `alert` (as built by [`alert_map`]). `Ok(None)`: the rule
/// does not claim it.
pub fn run_rule(
    engine: &Engine,
    rule: &Rule,
    alert: &Dynamic,
    subject: &str,
) -> Result<Option<Candidate>, Diagnostic> {
    let (result, _micros) = call_hook_value(engine, rule, "on_alert", (alert.clone(),), subject);
    let value = result?;
    if value.is_unit() {
        return Ok(None);
    }
    let bad = |what: String| Diagnostic {
        kind: "rule-error".into(),
        file: rule.origin.clone(),
        line: 0,
        column: 0,
        message: format!(
            "rule `{}`: on_alert returned {what}; return #{{ kind, score, reason }} or ()",
            rule.info.id
        ),
    };
    let type_name = value.type_name().to_string();
    let Some(map) = value.try_cast::<Map>() else {
        return Err(bad(format!("a {type_name}")));
    };
    let kind = map
        .get("kind")
        .and_then(|k| k.clone().into_string().ok())
        .ok_or_else(|| bad("a map without a string `kind`".into()))?;
    if !KINDS.contains(&kind.as_str()) {
        return Err(bad(format!(
            "unknown kind `{kind}` (expected one of {})",
            KINDS.join(", ")
        )));
    }
    let score = match map.get("score") {
        Some(s) if s.is_int() => s.as_int().unwrap_or(0) as f64,
        Some(s) if s.is_float() => s.as_float().unwrap_or(0.0),
        Some(s) => return Err(bad(format!("a `score` of type {}", s.type_name()))),
        None => return Err(bad("a map without `score`".into())),
    };
    let reason = map
        .get("reason")
        .filter(|r| !r.is_unit())
        .map(|r| r.to_string())
        .unwrap_or_default();
    Ok(Some(Candidate {
        kind,
        score: score.round().clamp(0.0, 100.0) as u32,
        reason,
        rule: rule.info.id.clone(),
    }))
}

fn kind_rank(kind: &str) -> usize {
    KINDS.iter().position(|k| *k == kind).unwrap_or(KINDS.len())
}

/// Classify `alert` with every `on_alert` rule of `rules`, in a fresh sandboxed engine.
pub fn classify(rules: &RuleSet, alert: &Alert) -> Classification {
    classify_with(&engine_for(rules), rules, alert)
}

/// [`classify`] with an engine built beforehand (for many alerts).
pub fn classify_with(engine: &Engine, rules: &RuleSet, alert: &Alert) -> Classification {
    let map = alert_map(alert);
    let subject = format!("alert {}", alert.origin);
    let mut candidates = Vec::new();
    let mut diagnostics = Vec::new();
    for rule in alert_rules(rules) {
        match run_rule(engine, rule, &map, &subject) {
            Ok(Some(c)) => candidates.push(c),
            Ok(None) => {}
            Err(d) => diagnostics.push(d),
        }
    }
    candidates.sort_by(|a, b| {
        b.score
            .cmp(&a.score)
            .then(kind_rank(&a.kind).cmp(&kind_rank(&b.kind)))
            .then(a.rule.cmp(&b.rule))
    });
    match candidates.first() {
        Some(best) => Classification {
            kind: best.kind.clone(),
            score: best.score,
            reason: best.reason.clone(),
            rule: Some(best.rule.clone()),
            candidates,
            diagnostics,
        },
        None => Classification {
            kind: DEFAULT_KIND.into(),
            score: 0,
            reason: format!(
                "no rca rule matched the alert; defaulting to {DEFAULT_KIND} (check that the service sends traces)"
            ),
            rule: None,
            candidates,
            diagnostics,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rca::webhook::parse_alert;
    use crate::rules::{LoadOptions, RuleSet};

    fn builtin() -> RuleSet {
        let spec = SandboxSpec::new(Limits::default(), Vec::new()).unwrap();
        let set = RuleSet::load(&LoadOptions::default(), &spec);
        assert!(set.errors.is_empty(), "{:?}", set.errors);
        set
    }

    fn example(name: &str) -> Alert {
        let path = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../examples/rca/webhooks")
            .join(name);
        let text = std::fs::read_to_string(&path).unwrap();
        parse_alert(&text, name).unwrap()
    }

    #[test]
    fn rca_builtin_rules_are_loaded_with_their_category() {
        let set = builtin();
        let ids: Vec<_> = alert_rules(&set)
            .map(|r| (r.info.id.as_str(), r.info.category.as_str()))
            .collect();
        for id in KINDS {
            let id = id.replace('_', "-");
            assert!(ids.contains(&(id.as_str(), "rca")), "{id} in {ids:?}");
        }
        // Idle in scans: not counted, not scored, not in the report's rule list.
        assert!(set.scan_infos().iter().all(|i| i.category != "rca"));
        assert!(set.infos().iter().any(|i| i.category == "rca"));
    }

    #[test]
    fn rca_examples_classify_to_exactly_one_kind() {
        let set = builtin();
        let engine = engine_for(&set);
        for (file, kind) in [
            ("catalog-no-data.json", "missing_traces"),
            ("fraud-latency.json", "high_latency"),
            ("shipping-errors.json", "high_error_rate"),
            ("shipping-inventory-broken.json", "broken_trace"),
        ] {
            let c = classify_with(&engine, &set, &example(file));
            assert!(c.diagnostics.is_empty(), "{file}: {:?}", c.diagnostics);
            assert_eq!(c.kind, kind, "{file}: {c:#?}");
            assert!(c.score > 0, "{file}: {c:#?}");
            assert!(c.rule.is_some());
            // The winner is strictly ahead of every other kind's best claim.
            let runner_up = c.candidates.iter().find(|x| x.kind != kind);
            assert!(
                runner_up.is_none_or(|r| r.score < c.score),
                "{file}: {c:#?}"
            );
        }
    }

    fn custom(dir: &Path, file: &str, text: &str) -> RuleSet {
        std::fs::write(dir.join(file), text).unwrap();
        let spec = SandboxSpec::new(Limits::default(), vec![dir.to_path_buf()]).unwrap();
        RuleSet::load(
            &LoadOptions {
                dirs: vec![dir.to_path_buf()],
                ..Default::default()
            },
            &spec,
        )
    }

    #[test]
    fn rca_broken_rule_is_a_diagnostic_and_org_rules_override() {
        let dir = tempfile::tempdir().unwrap();
        let set = custom(
            dir.path(),
            "org-broken.rhai",
            r#"fn meta() { #{ id: "org-broken", category: "rca", summary: "throws" } }
               fn on_alert(alert) { throw "boom"; }"#,
        );
        assert!(set.errors.is_empty(), "{:?}", set.errors);
        let c = classify(&set, &example("fraud-latency.json"));
        assert_eq!(c.kind, "high_latency");
        assert_eq!(c.diagnostics.len(), 1, "{:?}", c.diagnostics);
        assert!(c.diagnostics[0].message.contains("boom"));
        assert!(c.diagnostics[0].file.ends_with("org-broken.rhai"));

        // A rule with a built-in id replaces it.
        let set = custom(
            dir.path(),
            "high-latency.rhai",
            r#"fn meta() { #{ id: "high-latency", category: "rca", summary: "org" } }
               fn on_alert(alert) { #{ kind: "broken_trace", score: 100, reason: "org says so" } }"#,
        );
        std::fs::remove_file(dir.path().join("org-broken.rhai")).unwrap();
        let c = classify(&set, &example("fraud-latency.json"));
        assert_eq!(
            (c.kind.as_str(), c.rule.as_deref()),
            ("broken_trace", Some("high-latency"))
        );
    }

    #[test]
    fn rca_malformed_results_and_the_default() {
        let dir = tempfile::tempdir().unwrap();
        let set = custom(
            dir.path(),
            "x.rhai",
            r#"fn meta() { #{ id: "x", category: "rca", summary: "bad kind" } }
               fn on_alert(alert) { #{ kind: "cosmic_rays", score: 1 } }"#,
        );
        let alert = parse_alert(r#"{"title": "disk full"}"#, "<inline>").unwrap();
        let c = classify_with(&engine_for(&set), &set, &alert);
        assert!(c
            .diagnostics
            .iter()
            .any(|d| d.message.contains("cosmic_rays")));
        assert_eq!(c.kind, DEFAULT_KIND);
        assert_eq!(c.score, 0);
        assert_eq!(c.rule, None);
        assert!(c.reason.contains("no rca rule matched"));

        let empty = RuleSet::default();
        let c = classify(&empty, &alert);
        assert_eq!((c.kind.as_str(), c.score), (DEFAULT_KIND, 0));
    }

    #[test]
    fn rca_ties_follow_the_kind_order() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("a.rhai"),
            r#"fn meta() { #{ id: "a", category: "rca", summary: "a" } }
               fn on_alert(alert) { #{ kind: "high_latency", score: 50, reason: "a" } }"#,
        )
        .unwrap();
        let mut set = custom(
            dir.path(),
            "b.rhai",
            r#"fn meta() { #{ id: "b", category: "rca", summary: "b" } }
               fn on_alert(alert) { #{ kind: "high_error_rate", score: 50.2, reason: "b" } }"#,
        );
        set.rules.retain(|r| !r.builtin);
        let alert = parse_alert("{}", "<inline>").unwrap();
        let c = classify(&set, &alert);
        assert_eq!(c.kind, "high_error_rate");
        assert_eq!(c.candidates.len(), 2);
    }

    #[test]
    fn rca_alert_map_has_unit_for_missing_fields() {
        let alert = parse_alert(r#"{"title": "x"}"#, "<inline>").unwrap();
        let map = alert_map(&alert).try_cast::<Map>().unwrap();
        assert!(map["service"].is_unit());
        assert_eq!(map["title"].to_string(), "x");
        assert!(map["tags"].is_array());
        assert_eq!(map["no_data"].as_bool(), Ok(false));
    }
}
