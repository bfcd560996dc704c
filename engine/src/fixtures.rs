//! Rule fixtures: `rules test` runs every rule against the cases in `<rule-id>/<case>/` beside
//! it. A case is a small tree; each line a finding must point at carries `expect: <rule-id>`
//! (in a comment), or the case lists `path:line rule-id` lines in `expect.txt` (for formats
//! without comments). A missing or an extra finding fails the case. Rules of category `facts`
//! report no findings: their markers name the lines where they must report a fact.
//!
//! Alert classification rules (`on_alert`, category `rca`) are tested differently: a case is
//! `<rule-id>/<case>/alert.json` (a Datadog webhook payload) plus `expect.txt` holding the kind
//! the rule must return (`high_latency`...) or `none` when it must not claim the alert. The
//! runner parses the alert, runs that single rule and compares the kinds; the expectation and
//! the result are reported as `(kind, 0)` pairs.
//!
//! Correlation rules (`on_correlate`) are tested on a small tree plus `webhook.json` (the alert)
//! and optional trace files in `__traces__/`: the case is scanned, the alert classified by the
//! loaded rules, and the rule's best candidate must sit on the line marked
//! `expect: <rule-id>` (no marker: the rule must propose nothing). Constraint rules
//! (`on_remediation`) get `remediation.json` (the hook's `ctx`) and `expect.txt` holding
//! `candidate` or `patch` (what the rule must drop) or `keep`.
//!
//! A case with a `__base__/` folder runs in diff mode (`scan --base`): that folder is the base
//! tree, the rest of the case is the working tree; markers in `__base__/` do not count.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use crate::finding::Diagnostic;
use crate::scan::{scan_prepared, PreparedRules, ScanError, ScanOptions};

/// Name of the expectation file for formats without comments.
pub const EXPECT_FILE: &str = "expect.txt";

/// The webhook payload of an alert classification case.
pub const ALERT_FILE: &str = "alert.json";

/// The webhook payload of a correlation case (beside the tree the alert is about).
pub const WEBHOOK_FILE: &str = "webhook.json";

/// Folder of trace files of a correlation case (not scanned).
pub const TRACES_DIR: &str = "__traces__";

/// The `ctx` of a constraint (`on_remediation`) case.
pub const REMEDIATION_FILE: &str = "remediation.json";

/// The kind an alert case expects: the first word of `expect.txt` (lines starting with `#`
/// are comments); `None` for `none`, a missing file or an empty one.
pub fn expected_kind(case: &Path) -> Option<String> {
    let text = std::fs::read_to_string(case.join(EXPECT_FILE)).ok()?;
    let word = text
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty() && !l.starts_with('#'))?
        .split_whitespace()
        .next()?
        .to_string();
    (word != "none").then_some(word)
}

/// The outcome of one fixture case.
#[derive(Debug, Clone)]
pub struct CaseResult {
    /// Rule id.
    pub rule: String,
    /// Case folder.
    pub case: PathBuf,
    /// (file, line) the rule must report.
    pub expected: BTreeSet<(String, usize)>,
    /// (file, line) it reported.
    pub actual: BTreeSet<(String, usize)>,
    /// Rule errors and parse errors met.
    pub diagnostics: Vec<Diagnostic>,
    /// A scan that could not run.
    pub error: Option<String>,
}

impl CaseResult {
    /// True when the rule reported exactly what the case expects and nothing failed.
    pub fn passed(&self) -> bool {
        self.error.is_none()
            && self.expected == self.actual
            && !self
                .diagnostics
                .iter()
                .any(|d| matches!(d.kind.as_str(), "rule-error" | "config-error" | "fix-error"))
    }

    /// True when the case expects at least one finding.
    pub fn is_positive(&self) -> bool {
        !self.expected.is_empty()
    }
}

/// Expectations of a case: markers in its files plus `expect.txt`.
pub fn expectations(case: &Path, rule: &str) -> BTreeSet<(String, usize)> {
    if case.join(ALERT_FILE).is_file() {
        return expected_kind(case).map(|k| (k, 0)).into_iter().collect();
    }
    if case.join(REMEDIATION_FILE).is_file() {
        return expected_kind(case)
            .filter(|k| k != "keep")
            .map(|k| (k, 0))
            .into_iter()
            .collect();
    }
    let marker = format!("expect: {rule}");
    let mut out = BTreeSet::new();
    for entry in walkdir::WalkDir::new(case)
        .sort_by_file_name()
        .into_iter()
        .flatten()
    {
        if !entry.file_type().is_file() {
            continue;
        }
        let Ok(text) = std::fs::read_to_string(entry.path()) else {
            continue;
        };
        let rel = crate::walk::relative(case, entry.path());
        if rel.starts_with(&format!("{}/", crate::base::FIXTURE_BASE_DIR))
            || rel.starts_with(&format!("{TRACES_DIR}/"))
        {
            continue;
        }
        if rel == EXPECT_FILE {
            for line in text.lines() {
                let mut parts = line.split_whitespace();
                if let (Some(loc), Some(id)) = (parts.next(), parts.next()) {
                    if id == rule {
                        if let Some((file, n)) = loc.rsplit_once(':') {
                            if let Ok(n) = n.parse() {
                                out.insert((file.to_string(), n));
                            }
                        }
                    }
                }
            }
            continue;
        }
        for (i, line) in text.lines().enumerate() {
            if let Some(at) = line.find(&marker) {
                let after = &line[at + marker.len()..];
                if after.is_empty() || !after.starts_with(|c: char| c.is_alphanumeric() || c == '-')
                {
                    out.insert((rel.clone(), i + 1));
                }
            }
        }
    }
    out
}

/// Fixture cases under `dir` for each rule id: `dir/**/<id>/<case>/` up to three levels deep.
pub fn find_cases(dir: &Path, rule_ids: &[String]) -> Vec<(String, PathBuf)> {
    let mut out = Vec::new();
    for entry in walkdir::WalkDir::new(dir)
        .max_depth(3)
        .sort_by_file_name()
        .into_iter()
        .flatten()
    {
        if !entry.file_type().is_dir() {
            continue;
        }
        let name = entry.file_name().to_string_lossy().to_string();
        if !rule_ids.contains(&name) {
            continue;
        }
        if let Ok(rd) = std::fs::read_dir(entry.path()) {
            let mut cases: Vec<PathBuf> = rd
                .flatten()
                .map(|e| e.path())
                .filter(|p| p.is_dir())
                .collect();
            cases.sort();
            out.extend(cases.into_iter().map(|c| (name.clone(), c)));
        }
    }
    out
}

/// Runs many fixture cases with the rules loaded and compiled once.
pub struct FixtureRunner {
    prepared: PreparedRules,
    rule_dirs: Vec<PathBuf>,
}

impl FixtureRunner {
    /// Load the built-in rules plus `rule_dirs` (custom rules override built-ins by id).
    pub fn new(rule_dirs: &[PathBuf]) -> Result<FixtureRunner, ScanError> {
        let options = ScanOptions {
            rule_dirs: rule_dirs.to_vec(),
            no_config: true,
            ..Default::default()
        };
        let prepared = PreparedRules::load(&options, &crate::config::Config::default())?;
        Ok(FixtureRunner {
            prepared,
            rule_dirs: rule_dirs.to_vec(),
        })
    }

    /// Rule load errors (compile errors, bad metadata).
    pub fn load_errors(&self) -> &[Diagnostic] {
        &self.prepared.rules.errors
    }

    /// Run one case: scan it and compare `rule`'s findings (or facts) with the markers. The
    /// case's own `apm-doctor.toml`, if any, supplies `[paths]` and `[critical]`.
    pub fn run(&self, rule: &str, case: &Path) -> CaseResult {
        if let Some(r) = self
            .prepared
            .rules
            .rules
            .iter()
            .find(|r| r.info.id == rule && r.hooks.on_alert)
        {
            return self.run_alert(r, case);
        }
        if let Some(r) = self
            .prepared
            .rules
            .rules
            .iter()
            .find(|r| r.info.id == rule && (r.hooks.on_correlate || r.hooks.on_remediation))
        {
            return if r.hooks.on_correlate {
                self.run_correlate(r, case)
            } else {
                self.run_remediation(r, case)
            };
        }
        let config = case.join(crate::config::CONFIG_FILE_NAME);
        let base = case.join(crate::base::FIXTURE_BASE_DIR);
        let needs_base = self
            .prepared
            .rules
            .rules
            .iter()
            .any(|r| r.info.id == rule && r.requires.iter().any(|q| q == "base"));
        let options = ScanOptions {
            root: case.to_path_buf(),
            rule_dirs: self.rule_dirs.clone(),
            config_path: config.is_file().then_some(config),
            no_config: true,
            exclude: if base.is_dir() {
                vec![format!("/{}/", crate::base::FIXTURE_BASE_DIR)]
            } else {
                Vec::new()
            },
            // A rule that only runs in diff mode gets the case itself as its base when the
            // case has no `__base__/` (nothing changed, but the rule runs).
            base: if base.is_dir() {
                Some(crate::base::BaseRef::Dir(base.clone()))
            } else if needs_base {
                Some(crate::base::BaseRef::Dir(case.to_path_buf()))
            } else {
                None
            },
            ..Default::default()
        };
        let expected = expectations(case, rule);
        let origin_of = |id: &str| {
            self.prepared
                .rules
                .rules
                .iter()
                .find(|r| r.info.id == id)
                .map(|r| r.origin.clone())
        };
        let own_origin = origin_of(rule);
        let fact_origins: Vec<String> = self
            .prepared
            .rules
            .rules
            .iter()
            .filter(|r| r.info.category == "facts")
            .map(|r| r.origin.clone())
            .collect();
        match scan_prepared(&options, &self.prepared) {
            Ok(report) => CaseResult {
                rule: rule.into(),
                case: case.into(),
                expected,
                // Finding rules are judged by their findings, fact rules by their facts.
                actual: if report.rules.iter().any(|r| r.id == rule) {
                    report
                        .findings
                        .iter()
                        .filter(|f| f.rule == rule)
                        .map(|f| (f.file.clone(), f.line))
                        .collect()
                } else {
                    report
                        .fact_sites
                        .iter()
                        .filter(|f| f.rule == rule)
                        .map(|f| (f.file.clone(), f.line))
                        .collect()
                },
                // Other finding rules' errors are not this case's business.
                diagnostics: report
                    .diagnostics
                    .into_iter()
                    .filter(|d| {
                        d.kind != "rule-error"
                            || Some(&d.file) == own_origin.as_ref()
                            || fact_origins.contains(&d.file)
                    })
                    .collect(),
                error: None,
            },
            Err(e) => CaseResult {
                rule: rule.into(),
                case: case.into(),
                expected,
                actual: BTreeSet::new(),
                diagnostics: Vec::new(),
                error: Some(e.to_string()),
            },
        }
    }
}

impl FixtureRunner {
    /// A correlation case: scan the tree, classify `webhook.json`, run this rule's
    /// `on_correlate` alone and compare its best candidate with the marked line.
    fn run_correlate(&self, rule: &crate::rules::Rule, case: &Path) -> CaseResult {
        let mut result = CaseResult {
            rule: rule.info.id.clone(),
            case: case.into(),
            expected: expectations(case, &rule.info.id),
            actual: BTreeSet::new(),
            diagnostics: Vec::new(),
            error: None,
        };
        let path = case.join(WEBHOOK_FILE);
        let origin = path.display().to_string();
        let alert = match std::fs::read_to_string(&path)
            .map_err(|e| format!("{origin}: {e}"))
            .and_then(|t| crate::rca::parse_alert(&t, &origin).map_err(|e| e.to_string()))
        {
            Ok(a) => a,
            Err(e) => {
                result.error = Some(e);
                return result;
            }
        };
        let mut traces = Vec::new();
        let dir = case.join(TRACES_DIR);
        if dir.is_dir() {
            for entry in walkdir::WalkDir::new(&dir)
                .sort_by_file_name()
                .into_iter()
                .flatten()
                .filter(|e| e.file_type().is_file())
            {
                match crate::traces::load_traces(entry.path()) {
                    Ok((_, t)) => traces.extend(t),
                    Err(e) => {
                        result.error = Some(e.to_string());
                        return result;
                    }
                }
            }
        }
        let config = case.join(crate::config::CONFIG_FILE_NAME);
        let options = ScanOptions {
            root: case.to_path_buf(),
            rule_dirs: self.rule_dirs.clone(),
            config_path: config.is_file().then_some(config),
            no_config: true,
            exclude: vec![format!("/{TRACES_DIR}/")],
            ..Default::default()
        };
        let report = match scan_prepared(&options, &self.prepared) {
            Ok(r) => r,
            Err(e) => {
                result.error = Some(e.to_string());
                return result;
            }
        };
        let engine = crate::rca::classify::engine_for(&self.prepared.rules);
        let classification =
            crate::rca::classify::classify_with(&engine, &self.prepared.rules, &alert);
        let only = crate::rules::RuleSet {
            rules: vec![rule.clone()],
            ..Default::default()
        };
        let evidence = (!traces.is_empty()).then(|| crate::traces::analyse(&traces));
        let correlation = crate::rca::correlate::correlate(
            &engine,
            &only,
            &crate::rca::correlate::CorrelationInput {
                alert: &alert,
                classification: &classification,
                scan: &report,
                root: case,
                service: None,
                evidence: evidence.as_ref(),
            },
        );
        result.diagnostics.extend(correlation.diagnostics);
        if let Some(best) = correlation.candidates.first() {
            result.actual.insert((best.file.clone(), best.line));
        }
        result
    }

    /// A constraint case: call `on_remediation` with `remediation.json` and compare what it
    /// drops (`candidate`, `patch`) with `expect.txt` (`keep` when it must accept).
    fn run_remediation(&self, rule: &crate::rules::Rule, case: &Path) -> CaseResult {
        let mut result = CaseResult {
            rule: rule.info.id.clone(),
            case: case.into(),
            expected: expectations(case, &rule.info.id),
            actual: BTreeSet::new(),
            diagnostics: Vec::new(),
            error: None,
        };
        let path = case.join(REMEDIATION_FILE);
        let origin = path.display().to_string();
        let ctx: serde_json::Value = match std::fs::read_to_string(&path)
            .map_err(|e| format!("{origin}: {e}"))
            .and_then(|t| {
                serde_json::from_str(&t)
                    .map_err(|e| format!("{origin}:{}:{}: {e}", e.line(), e.column()))
            }) {
            Ok(v) => v,
            Err(e) => {
                result.error = Some(e);
                return result;
            }
        };
        let engine = self.prepared.spec.engine();
        let ctx = rhai::serde::to_dynamic(&ctx).unwrap_or(rhai::Dynamic::UNIT);
        let (value, _) =
            crate::rules::call_hook_value(&engine, rule, "on_remediation", (ctx,), &origin);
        match value {
            Ok(v) if v.is_unit() => {}
            Ok(v) => {
                let drop = v
                    .try_cast::<rhai::Map>()
                    .and_then(|m| m.get("drop").map(|d| d.to_string()))
                    .unwrap_or_else(|| "candidate".into());
                result.actual.insert((drop, 0));
            }
            Err(d) => result.diagnostics.push(d),
        }
        result
    }

    /// An alert case: parse `alert.json`, run the rule's `on_alert` alone, compare the kind.
    fn run_alert(&self, rule: &crate::rules::Rule, case: &Path) -> CaseResult {
        let expected = expectations(case, &rule.info.id);
        let mut result = CaseResult {
            rule: rule.info.id.clone(),
            case: case.into(),
            expected,
            actual: BTreeSet::new(),
            diagnostics: Vec::new(),
            error: None,
        };
        let path = case.join(ALERT_FILE);
        let origin = path.display().to_string();
        let alert = match std::fs::read_to_string(&path)
            .map_err(|e| format!("{origin}: {e}"))
            .and_then(|t| crate::rca::parse_alert(&t, &origin).map_err(|e| e.to_string()))
        {
            Ok(a) => a,
            Err(e) => {
                result.error = Some(e);
                return result;
            }
        };
        let engine = self.prepared.spec.engine();
        let map = crate::rca::classify::alert_map(&alert);
        match crate::rca::classify::run_rule(&engine, rule, &map, &origin) {
            Ok(Some(c)) => {
                if !result.expected.contains(&(c.kind.clone(), 0)) {
                    result.diagnostics.push(Diagnostic {
                        kind: "expectation".into(),
                        file: origin,
                        line: 0,
                        column: 0,
                        message: format!(
                            "rule returned kind `{}` (score {}: {}), expected {}",
                            c.kind,
                            c.score,
                            c.reason,
                            expected_kind(case).unwrap_or_else(|| "none".into())
                        ),
                    });
                }
                result.actual.insert((c.kind, 0));
            }
            Ok(None) => {
                if !result.expected.is_empty() {
                    result.diagnostics.push(Diagnostic {
                        kind: "expectation".into(),
                        file: origin,
                        line: 0,
                        column: 0,
                        message: "rule returned () (did not claim the alert)".into(),
                    });
                }
            }
            Err(d) => result.diagnostics.push(d),
        }
        result
    }
}

/// Run one case with freshly loaded rules (prefer [`FixtureRunner`] for many cases).
pub fn run_case(rule: &str, case: &Path, rule_dirs: &[PathBuf]) -> CaseResult {
    match FixtureRunner::new(rule_dirs) {
        Ok(runner) => runner.run(rule, case),
        Err(e) => CaseResult {
            rule: rule.into(),
            case: case.into(),
            expected: expectations(case, rule),
            actual: BTreeSet::new(),
            diagnostics: Vec::new(),
            error: Some(e.to_string()),
        },
    }
}
