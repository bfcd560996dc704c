//! `apm-doctor merge`: several reports of one tree (the shards of a scan, or scans of parts of
//! a monorepo) into one.
//!
//! - JSON reports merge into one report: services deduplicated by name (first wins, ordered by
//!   root), findings deduplicated by [`Finding::fingerprint`] and position (first wins; the
//!   fingerprint alone leaves out the line, so that baselines survive moved code, and two
//!   findings of a rule with the same message in one file stay two), diagnostics
//!   deduplicated, stats summed (`duration_ms`: the longest input, as shards run side by side),
//!   and the repository score recomputed from the services' score weights
//!   (`stats.score_weights`) as the scan computes it. Inputs without weights (older reports)
//!   give the mean of the service scores instead.
//! - SARIF logs (apm-doctor's, or JSON reports converted to SARIF) merge into one log with one
//!   run: rule descriptors united by id (`ruleIndex` renumbered), results deduplicated by their
//!   `partialFingerprints["apmDoctor/v1"]` and location, the invocations' notifications
//!   united.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{json, Map, Value};

use crate::coverage::{repo_score, ScoreWeights};
use crate::finding::{Finding, ScanReport, Stats};
use crate::report::sarif::FINGERPRINT_KEY;

/// One input of `merge`, as read from a file.
#[derive(Debug, Clone)]
pub enum MergeInput {
    /// An apm-doctor JSON report.
    Json(Box<ScanReport>),
    /// A SARIF 2.1.0 log.
    Sarif(Value),
}

/// Read one input: a JSON report or a SARIF log (told apart by their content).
///
/// # Errors
///
/// Invalid JSON, or a document that is neither an apm-doctor JSON report nor a SARIF log.
pub fn read_input(text: &str) -> Result<MergeInput, String> {
    let value: Value = serde_json::from_str(text).map_err(|e| {
        format!(
            "invalid JSON at line {}, column {}: {e}",
            e.line(),
            e.column()
        )
    })?;
    if value.get("runs").is_some_and(Value::is_array) {
        if value.get("version").and_then(Value::as_str) != Some(super::sarif::SARIF_VERSION) {
            return Err("not a SARIF 2.1.0 log".into());
        }
        return Ok(MergeInput::Sarif(value));
    }
    if value.get("findings").is_some_and(Value::is_array) {
        if let Some(v) = value.get("version").and_then(Value::as_u64) {
            if v != u64::from(super::json::JSON_VERSION) {
                return Err(format!("unsupported report version {v}"));
            }
        }
        let report: ScanReport = serde_json::from_value(value)
            .map_err(|e| format!("not an apm-doctor JSON report: {e}"))?;
        return Ok(MergeInput::Json(Box::new(report)));
    }
    Err("neither an apm-doctor JSON report nor a SARIF log".into())
}

fn sort_findings(findings: &mut [Finding]) {
    findings.sort_by(|a, b| {
        (&a.file, a.line, a.column, &a.rule, &a.message)
            .cmp(&(&b.file, b.line, b.column, &b.rule, &b.message))
    });
}

fn dedup_by_fingerprint(all: impl IntoIterator<Item = Finding>) -> Vec<Finding> {
    let mut seen = BTreeSet::new();
    let mut out: Vec<Finding> = all
        .into_iter()
        .filter(|f| seen.insert((f.fingerprint(), f.line, f.column)))
        .collect();
    sort_findings(&mut out);
    out
}

fn add_stats(into: &mut Stats, s: &Stats) {
    into.files += s.files;
    into.parsed += s.parsed;
    into.skipped += s.skipped;
    for (k, n) in &s.skipped_by {
        *into.skipped_by.entry(k.clone()).or_default() += n;
    }
    into.rules = into.rules.max(s.rules);
    into.duration_ms = into.duration_ms.max(s.duration_ms);
    into.parse_ms += s.parse_ms;
    into.cached += s.cached;
    for (k, n) in &s.rule_ms {
        *into.rule_ms.entry(k.clone()).or_default() += n;
    }
    for (k, w) in &s.score_weights {
        into.score_weights.entry(k.clone()).or_insert(*w);
    }
}

/// Merge JSON reports into one (see the module documentation).
#[must_use]
pub fn merge_reports(reports: Vec<ScanReport>) -> ScanReport {
    let roots: BTreeSet<&str> = reports.iter().map(|r| r.root.as_str()).collect();
    let root = roots.into_iter().collect::<Vec<_>>().join(", ");
    let mut services = BTreeMap::new();
    let mut stats = Stats::default();
    let mut rules = BTreeMap::new();
    let mut findings = Vec::new();
    let mut suppressed = Vec::new();
    let mut diagnostics = Vec::new();
    for report in reports {
        for s in report.services {
            services.entry(s.name.clone()).or_insert(s);
        }
        add_stats(&mut stats, &report.stats);
        for r in report.rules {
            rules.entry(r.id.clone()).or_insert(r);
        }
        findings.extend(report.findings);
        suppressed.extend(report.suppressed);
        diagnostics.extend(report.diagnostics);
    }
    let mut services: Vec<_> = services.into_values().collect();
    services.sort_by(|a, b| (&a.root, &a.name).cmp(&(&b.root, &b.name)));
    stats
        .score_weights
        .retain(|name, _| services.iter().any(|s| &s.name == name));
    let weighed: Vec<&ScoreWeights> = services
        .iter()
        .filter_map(|s| stats.score_weights.get(&s.name))
        .collect();
    let score = if weighed.len() == services.len() {
        repo_score(weighed)
    } else {
        let scores: Vec<u64> = services
            .iter()
            .filter_map(|s| s.score.map(u64::from))
            .collect();
        let n = scores.len() as u64;
        (scores.iter().sum::<u64>() + n / 2)
            .checked_div(n)
            .map(|s| s as u32)
    };
    diagnostics.sort_by(|a, b| (&a.file, a.line, &a.message).cmp(&(&b.file, b.line, &b.message)));
    diagnostics.dedup();
    ScanReport {
        version: 1,
        root,
        services,
        findings: dedup_by_fingerprint(findings),
        suppressed: dedup_by_fingerprint(suppressed),
        diagnostics,
        stats,
        score,
        fact_sites: Vec::new(),
        rules: rules.into_values().collect(),
    }
}

/// Merge SARIF logs into one log with a single run (see the module documentation).
///
/// # Errors
///
/// A log without runs, or a run of another tool than apm-doctor.
pub fn merge_sarif(logs: &[Value]) -> Result<Value, String> {
    let mut base: Option<Map<String, Value>> = None;
    let mut rules: Vec<Value> = Vec::new();
    let mut rule_index: BTreeMap<String, usize> = BTreeMap::new();
    let mut results = Vec::new();
    let mut seen = BTreeSet::new();
    let mut notifications = Vec::new();
    let mut successful = true;
    for (i, log) in logs.iter().enumerate() {
        let runs = log
            .get("runs")
            .and_then(Value::as_array)
            .ok_or_else(|| format!("input {}: a SARIF log without runs", i + 1))?;
        for run in runs {
            let driver = run.pointer("/tool/driver");
            let name = driver
                .and_then(|d| d.get("name"))
                .and_then(Value::as_str)
                .unwrap_or("");
            if name != "apm-doctor" {
                return Err(format!(
                    "input {}: a run of `{name}`: only apm-doctor's SARIF logs merge",
                    i + 1
                ));
            }
            let empty = Vec::new();
            let run_rules = driver
                .and_then(|d| d.get("rules"))
                .and_then(Value::as_array)
                .unwrap_or(&empty);
            for r in run_rules {
                let id = r
                    .get("id")
                    .and_then(Value::as_str)
                    .unwrap_or("")
                    .to_string();
                if let std::collections::btree_map::Entry::Vacant(e) = rule_index.entry(id) {
                    e.insert(rules.len());
                    rules.push(r.clone());
                }
            }
            for result in run
                .get("results")
                .and_then(Value::as_array)
                .unwrap_or(&empty)
            {
                let rule_id = result.get("ruleId").and_then(Value::as_str).unwrap_or("");
                let key = match result
                    .pointer(&format!(
                        "/partialFingerprints/{}",
                        FINGERPRINT_KEY.replace('/', "~1")
                    ))
                    .and_then(Value::as_str)
                {
                    Some(fp) => json!([rule_id, fp, result.get("locations")]).to_string(),
                    None => {
                        json!([rule_id, result.get("locations"), result.get("message")]).to_string()
                    }
                };
                if !seen.insert(key) {
                    continue;
                }
                let mut result = result.clone();
                if let (Some(&index), Some(obj)) = (rule_index.get(rule_id), result.as_object_mut())
                {
                    obj.insert("ruleIndex".into(), json!(index));
                }
                results.push(result);
            }
            for inv in run
                .get("invocations")
                .and_then(Value::as_array)
                .unwrap_or(&empty)
            {
                successful &= inv
                    .get("executionSuccessful")
                    .and_then(Value::as_bool)
                    .unwrap_or(true);
                for n in inv
                    .get("toolExecutionNotifications")
                    .and_then(Value::as_array)
                    .unwrap_or(&empty)
                {
                    if !notifications.contains(n) {
                        notifications.push(n.clone());
                    }
                }
            }
            if base.is_none() {
                base = run.as_object().cloned();
            }
        }
    }
    let mut run = base.ok_or("no SARIF run to merge")?;
    if let Some(driver) = run
        .get_mut("tool")
        .and_then(|t| t.get_mut("driver"))
        .and_then(Value::as_object_mut)
    {
        driver.insert("rules".into(), Value::Array(rules));
    }
    run.insert(
        "invocations".into(),
        json!([{
            "executionSuccessful": successful,
            "toolExecutionNotifications": notifications,
        }]),
    );
    run.insert("results".into(), Value::Array(results));
    Ok(json!({
        "$schema": super::sarif::SARIF_SCHEMA,
        "version": super::sarif::SARIF_VERSION,
        "runs": [Value::Object(run)],
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::fixture;

    #[test]
    fn merging_a_report_with_itself_changes_nothing_but_the_sums() {
        let mut a = fixture::report();
        a.stats.score_weights.insert(
            "api".into(),
            ScoreWeights {
                passed: 30,
                total: 40,
            },
        );
        a.stats.score_weights.insert(
            "worker".into(),
            ScoreWeights {
                passed: 10,
                total: 40,
            },
        );
        a.stats.cached = 7;
        let merged = merge_reports(vec![a.clone(), a.clone()]);
        assert_eq!(merged.stats.cached, 14);
        assert_eq!(merged.services.len(), 2);
        assert_eq!(merged.findings.len(), a.findings.len());
        assert_eq!(merged.suppressed.len(), 1);
        assert_eq!(merged.diagnostics.len(), 1);
        assert_eq!(merged.stats.files, 2 * a.stats.files);
        assert_eq!(merged.score, Some(50));
        assert_eq!(merged.root, a.root);
    }

    #[test]
    fn sarif_logs_merge_into_one_run() {
        let a = fixture::report();
        let mut b = fixture::report();
        b.findings.truncate(1);
        b.findings[0].rule = "new-rule".into();
        let merged = merge_sarif(&[
            crate::report::to_sarif_value(&a),
            crate::report::to_sarif_value(&b),
        ])
        .unwrap();
        let run = &merged["runs"][0];
        assert_eq!(merged["runs"].as_array().unwrap().len(), 1);
        // 3 findings + 1 suppressed of a, plus b's renamed finding.
        assert_eq!(run["results"].as_array().unwrap().len(), 5);
        let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
        for r in run["results"].as_array().unwrap() {
            let i = r["ruleIndex"].as_u64().unwrap() as usize;
            assert_eq!(rules[i]["id"], r["ruleId"]);
        }
        let other = json!({"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "x"}}}]});
        assert!(merge_sarif(&[other]).unwrap_err().contains("`x`"));
    }
}
