//! The built-in rule pack against its fixtures: every `rules/<category>/<id>/<case>/` must give
//! exactly the findings its `expect:` markers (or `expect.txt`) name, and every built-in rule
//! that reports findings must have at least one positive and one negative case.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use apm_doctor_engine::fixtures::{expectations, find_cases, CaseResult, FixtureRunner};
use apm_doctor_engine::rules::sandbox::in_rule_pool;
use apm_doctor_engine::rules::{builtin_source_dir, Limits, LoadOptions, RuleSet, SandboxSpec};
use rayon::prelude::*;

/// The built-in rules, loaded as `apm-doctor rules test` loads them.
fn builtin_rules() -> RuleSet {
    let spec = SandboxSpec::new(Limits::default(), Vec::new()).expect("sandbox");
    let set = RuleSet::load(&LoadOptions::default(), &spec);
    assert!(
        set.errors.is_empty(),
        "built-in rules do not load: {:#?}",
        set.errors
    );
    set
}

/// Every fixture case of the built-in pack, as (rule id, case folder).
fn builtin_cases(set: &RuleSet) -> Vec<(String, PathBuf)> {
    let ids: Vec<String> = set.rules.iter().map(|r| r.info.id.clone()).collect();
    find_cases(Path::new(builtin_source_dir()), &ids)
}

fn case_name(case: &Path) -> String {
    case.strip_prefix(builtin_source_dir())
        .unwrap_or(case)
        .display()
        .to_string()
}

/// What went wrong in a failed case, for the assertion message.
fn describe(r: &CaseResult) -> String {
    let mut out = format!("FAILED  {}  {}\n", r.rule, case_name(&r.case));
    for (file, line) in r.expected.difference(&r.actual) {
        let _ = writeln!(out, "    missing finding at {file}:{line}");
    }
    for (file, line) in r.actual.difference(&r.expected) {
        let _ = writeln!(out, "    unexpected finding at {file}:{line}");
    }
    for d in &r.diagnostics {
        let _ = writeln!(
            out,
            "    {}: {}:{}:{}: {}",
            d.kind, d.file, d.line, d.column, d.message
        );
    }
    if let Some(e) = &r.error {
        let _ = writeln!(out, "    error: {e}");
    }
    out
}

#[test]
fn every_builtin_fixture_case_passes() {
    let set = builtin_rules();
    let cases = builtin_cases(&set);
    assert!(
        !cases.is_empty(),
        "no fixture cases under {}",
        builtin_source_dir()
    );
    let runner = FixtureRunner::new(&[]).expect("rules load");
    // In the rule pool (large stacks) from the start: each case's scan then runs inline. On
    // the global pool, a worker waiting for a case's scan in the rule pool steals other cases
    // meanwhile, nesting them on its small stack until it overflows.
    let failures: Vec<String> = in_rule_pool(|| {
        cases
            .par_iter()
            .map(|(rule, case)| runner.run(rule, case))
            .filter(|r| !r.passed())
            .map(|r| describe(&r))
            .collect()
    });
    assert!(
        failures.is_empty(),
        "{} of {} fixture cases failed:\n{}",
        failures.len(),
        cases.len(),
        failures.concat()
    );
}

#[test]
fn every_builtin_rule_has_positive_and_negative_cases() {
    let set = builtin_rules();
    // rule id -> (positive cases, negative cases)
    let mut counts: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    for (rule, case) in builtin_cases(&set) {
        let entry = counts.entry(rule.clone()).or_default();
        if expectations(&case, &rule).is_empty() {
            entry.1 += 1;
        } else {
            entry.0 += 1;
        }
    }
    let mut missing = Vec::new();
    for rule in set
        .rules
        .iter()
        .filter(|r| r.builtin && r.info.category != "facts")
    {
        let (positive, negative) = counts.get(&rule.info.id).copied().unwrap_or_default();
        if positive == 0 || negative == 0 {
            missing.push(format!(
                "{} ({}): {positive} positive, {negative} negative case(s)",
                rule.info.id, rule.origin
            ));
        }
    }
    assert!(
        missing.is_empty(),
        "built-in rules need at least one positive and one negative fixture case \
         (rules/<category>/<id>/<case>/):\n  {}",
        missing.join("\n  ")
    );
}
