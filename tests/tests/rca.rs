//! `rca` end to end on the example monorepo: each example alert is classified, correlated to
//! exactly one deficiency at file:line, and its report has the nine sections; an alert the
//! code does not explain says so; constraint rules reject a sampling fix for missing traces.

use std::path::{Path, PathBuf};

use apm_doctor_engine::rca::{self, classify, RcaInput, RcaReport, TraceFile};
use apm_doctor_engine::scan::{load_config, load_rules, ScanOptions};
use apm_doctor_engine::traces;

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("workspace root")
        .to_path_buf()
}

/// Run the analysis of `alert` (JSON text) over the tree at `root`.
fn analyse(root: &Path, alert: &str, trace_files: &[&str], rule_dirs: Vec<PathBuf>) -> RcaReport {
    let alert = rca::parse_alert(alert, "test").expect("alert parses");
    let mut all = Vec::new();
    let mut files = Vec::new();
    for f in trace_files {
        let (format, t) = traces::load_traces(&repo().join(f)).expect("traces load");
        files.push(TraceFile {
            path: f.to_string(),
            format,
            traces: t.len(),
            spans: t.iter().map(|t| t.spans.len()).sum(),
        });
        all.extend(t);
    }
    let options = ScanOptions {
        root: root.to_path_buf(),
        rule_dirs,
        ..Default::default()
    };
    let scan = apm_doctor_engine::scan(&options).expect("scan");
    let config = load_config(&options).expect("config");
    let (rules, _) = load_rules(&options, &config).expect("rules");
    let engine = classify::engine_for(&rules);
    rca::analyse_alert(RcaInput {
        alert,
        scan: &scan,
        root: root.to_path_buf(),
        service: None,
        traces: all,
        trace_files: files,
        rules: &rules,
        engine: &engine,
    })
}

fn example_alert(name: &str) -> String {
    std::fs::read_to_string(repo().join("examples/rca/webhooks").join(name)).expect("payload")
}

fn root_cause(r: &RcaReport) -> (&str, &str, usize) {
    assert!(r.diagnostics.is_empty(), "rule errors: {:?}", r.diagnostics);
    let d = &r
        .root_cause
        .as_ref()
        .unwrap_or_else(|| panic!("no root cause; checked: {:?}", r.checked))
        .deficiency;
    (d.rule.as_str(), d.file.as_str(), d.line)
}

const SECTIONS: [&str; 9] = [
    "## 1. Alert Summary",
    "## 2. Trace Evidence",
    "## 3. Root Cause",
    "## 4. Instrumentation Gap Analysis",
    "## 5. Remediation Code",
    "## 6. Agent Configuration",
    "## 7. Verification Checklist",
    "## 8. Service Map Impact",
    "## 9. Prevention",
];

fn assert_nine_sections(markdown: &str) {
    let mut at = 0;
    for s in SECTIONS {
        let pos = markdown[at..]
            .find(s)
            .unwrap_or_else(|| panic!("section `{s}` missing or out of order"));
        at += pos + s.len();
    }
}

#[test]
fn missing_traces_points_at_the_missing_tracer() {
    let root = repo().join("examples/monorepo");
    let r = analyse(&root, &example_alert("catalog-no-data.json"), &[], vec![]);
    assert_eq!(r.classification.kind, "missing_traces");
    assert_eq!(
        root_cause(&r),
        ("tracer-missing", "services/catalog/composer.json", 7)
    );
    assert_eq!(r.priority.level, "P1");
    let md = rca::to_markdown(&r);
    assert_nine_sections(&md);
    // Never a sampling change for missing traces.
    let rem = r.remediation.as_ref().expect("remediation");
    assert!(!rem.after.to_lowercase().contains("sample_rate"));
}

#[test]
fn high_latency_names_the_unspanned_critical_operation_under_the_gap() {
    let root = repo().join("examples/monorepo");
    let r = analyse(
        &root,
        &example_alert("fraud-latency.json"),
        &["examples/rca/traces/fraud-latency.v04.json"],
        vec![],
    );
    assert_eq!(r.classification.kind, "high_latency");
    let (rule, file, line) = root_cause(&r);
    assert_eq!(rule, "critical-op-unspanned");
    assert!(file.ends_with("FraudScorer.java"), "{file}");
    assert_eq!(line, 30);
    let rc = r.root_cause.as_ref().expect("root cause");
    assert_eq!(rc.deficiency.function.as_deref(), Some("FraudScorer.score"));
    assert_eq!(rc.deficiency.missing_span.as_deref(), Some("fraud.score"));
    // The report carries the flame graph with the gap and a Java @Trace patch.
    let ev = r.trace_evidence.as_ref().expect("evidence");
    assert!(ev
        .flamegraph
        .as_deref()
        .unwrap_or("")
        .contains("uninstrumented"));
    let diff = r
        .remediation
        .as_ref()
        .and_then(|x| x.diff.clone())
        .expect("diff");
    assert!(
        diff.contains("+    @Trace(operationName = \"fraud.score\")"),
        "{diff}"
    );
    assert!(diff.contains("+import datadog.trace.api.Trace;"), "{diff}");
    assert_nine_sections(&rca::to_markdown(&r));
}

#[test]
fn high_error_rate_points_at_the_error_the_span_never_records() {
    let root = repo().join("examples/monorepo");
    let r = analyse(
        &root,
        &example_alert("shipping-errors.json"),
        &["examples/rca/traces/shipping-errors.v05.msgpack"],
        vec![],
    );
    assert_eq!(r.classification.kind, "high_error_rate");
    assert_eq!(
        root_cause(&r),
        ("error-not-tagged", "services/shipping/rates.go", 47)
    );
    let rem = r.remediation.as_ref().expect("remediation");
    assert!(rem.applies_with_fix);
    assert!(rem
        .diff
        .as_deref()
        .unwrap_or("")
        .contains("+\tdefer func() { span.Finish(tracer.WithError(err)) }()"));
}

#[test]
fn broken_trace_points_at_the_uninstrumented_client_on_the_split_edge() {
    let root = repo().join("examples/monorepo");
    let with_traces = analyse(
        &root,
        &example_alert("shipping-inventory-broken.json"),
        &["examples/rca/traces/shipping-inventory-split.v04.msgpack"],
        vec![],
    );
    assert_eq!(with_traces.classification.kind, "broken_trace");
    assert_eq!(
        root_cause(&with_traces),
        (
            "grpc-interceptor-missing",
            "services/shipping/warehouse.go",
            18
        )
    );
    assert!(with_traces
        .service_map
        .before
        .iter()
        .any(|e| e.starts_with("shipping -> inventory") && e.contains("BROKEN")));
    assert_eq!(with_traces.service_map.peer_services, vec!["inventory"]);
    // Without traces the edge still names shipping's side of it.
    let code_only = analyse(
        &root,
        &example_alert("shipping-inventory-broken.json"),
        &[],
        vec![],
    );
    let (_, file, _) = root_cause(&code_only);
    assert!(
        file == "services/shipping/warehouse.go" || file == "deploy/k8s/shipping.yaml",
        "{file}"
    );
}

#[test]
fn an_alert_the_code_does_not_explain_says_so() {
    // inventory is instrumented correctly: nothing in its code explains missing traces.
    let root = repo().join("examples/monorepo");
    let alert = r#"{"title": "[No Data on {service:inventory,env:prod}] inventory stopped reporting",
        "alert_transition": "No Data", "alert_query": "sum(last_15m):sum:trace.grpc.server.hits{service:inventory,env:prod}.as_count() < 1",
        "alert_scope": "service:inventory,env:prod"}"#;
    let r = analyse(&root, alert, &[], vec![]);
    assert_eq!(r.classification.kind, "missing_traces");
    // Only repo-wide findings (the outdated agent image) may explain it.
    if let Some(rc) = &r.root_cause {
        assert_eq!(rc.deficiency.rule, "agent-version", "{rc:?}");
    }
    assert!(!r.checked.is_empty());
    assert!(r.checked.iter().any(|c| c.contains("service `inventory`")));
}

#[test]
fn nothing_found_lists_what_was_checked() {
    let dir = tempfile::tempdir().expect("tmp");
    std::fs::create_dir_all(dir.path().join("svc")).expect("mkdir");
    std::fs::write(
        dir.path().join("svc/requirements.txt"),
        "flask==3.0.0\nddtrace==4.16.0\n",
    )
    .expect("write");
    std::fs::write(
        dir.path().join("svc/app.py"),
        "import ddtrace.auto\nfrom flask import Flask\napp = Flask(__name__)\n\n@app.route('/ok')\ndef ok():\n    return 'ok'\n",
    )
    .expect("write");
    let alert = r#"{"title": "p99 latency on svc", "alert_query": "percentile(last_5m):p99:trace.flask.request{service:svc} > 1", "alert_metric_value": "1.5"}"#;
    let r = analyse(dir.path(), alert, &[], vec![]);
    assert_eq!(r.classification.kind, "high_latency");
    assert!(r.root_cause.is_none(), "{:?}", r.root_cause);
    let md = rca::to_markdown(&r);
    assert!(md.contains("Nothing in the code explains this alert"));
    assert_nine_sections(&md);
}

#[test]
fn constraint_rules_reject_a_sampling_fix_for_missing_traces() {
    // An organisation rule proposes raising the sample rate for a missing-traces alert; the
    // built-in constraint rejects it and the next candidate wins.
    let dir = tempfile::tempdir().expect("tmp");
    let rules = dir.path().join("org-rules");
    std::fs::create_dir_all(&rules).expect("mkdir");
    std::fs::write(
        rules.join("sample-more.rhai"),
        r#"fn meta() { #{ id: "sample-more", category: "audit", severity: "warning", summary: "s" } }
fn on_service(svc) {
    if svc.name != "catalog" { return (); }
    with_fix(finding("traces are sampled out", #{ file: "services/catalog/composer.json", line: 2 }),
             "raise the sampling", "DD_TRACE_SAMPLE_RATE=1.0")
}"#,
    )
    .expect("rule");
    std::fs::write(
        rules.join("blame-sampling.rhai"),
        r#"fn meta() { #{ id: "blame-sampling", category: "rca", severity: "info", summary: "s" } }
fn on_correlate(ctx) {
    let out = [];
    for f in ctx.findings { if f.rule == "sample-more" { out.push(#{ finding: f.index, score: 100, reason: "sampling" }); } }
    out
}"#,
    )
    .expect("rule");
    let root = repo().join("examples/monorepo");
    let r = analyse(
        &root,
        &example_alert("catalog-no-data.json"),
        &[],
        vec![rules],
    );
    assert!(r.diagnostics.is_empty(), "{:?}", r.diagnostics);
    assert_eq!(root_cause(&r).0, "tracer-missing");
    assert!(
        r.constraints
            .iter()
            .any(|c| c.contains("sample-more") && c.contains("sampling change")),
        "{:?}",
        r.constraints
    );
}
