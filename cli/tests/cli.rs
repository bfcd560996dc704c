//! End-to-end tests of the `apm-doctor` binary: exit codes, formats, suppression, baseline,
//! configuration and custom rules.

use std::fs;
use std::path::Path;
use std::process::Output;

mod common;
use common::{bin, workspace, write};

fn scan(root: &Path, extra: &[&str]) -> Output {
    bin()
        .arg("scan")
        .arg(root)
        .args(extra)
        .output()
        .expect("runs")
}

fn json(out: &Output) -> serde_json::Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}): {}\nstderr: {}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    })
}

/// A traced Python service with everything set, and an untraced Go service.
fn repo(root: &Path) {
    write(root, ".git/HEAD", "ref: refs/heads/main\n");
    write(
        root,
        "services/api/requirements.txt",
        "ddtrace==4.1.0\nflask==3.0.0\n",
    );
    write(
        root,
        "services/api/app.py",
        "from flask import Flask\n\napp = Flask(__name__)\n",
    );
    write(
        root,
        "services/api/Dockerfile",
        "FROM python:3.12-slim\nENV DD_SERVICE=api DD_ENV=prod DD_VERSION=1.2.3 DD_AGENT_HOST=datadog-agent\nCMD [\"ddtrace-run\", \"gunicorn\", \"app:app\"]\n",
    );
    write(
        root,
        "services/billing/go.mod",
        "module example.com/billing\n\ngo 1.22\n\nrequire github.com/gin-gonic/gin v1.10.0\n",
    );
    write(
        root,
        "services/billing/main.go",
        "package main\n\nimport \"github.com/gin-gonic/gin\"\n\nfunc main() {\n\tr := gin.Default()\n\tr.Run()\n}\n",
    );
}

#[test]
fn json_report_follows_the_documented_contract() {
    let dir = tempfile::tempdir().unwrap();
    repo(dir.path());
    let out = scan(dir.path(), &["--format", "json"]);
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v = json(&out);
    assert_eq!(v["version"], 1);
    let services = v["services"].as_array().unwrap();
    let api = services
        .iter()
        .find(|s| s["name"] == "api")
        .expect("api service");
    assert_eq!(api["root"], "services/api");
    assert_eq!(api["language"], "python");
    assert_eq!(api["frameworks"][0], "flask");
    assert_eq!(api["tracer"]["library"], "ddtrace");
    assert_eq!(api["tracer"]["version"], "==4.1.0");
    assert_eq!(
        api["tracer"]["declared_in"],
        "services/api/requirements.txt"
    );
    assert_eq!(api["tracer"]["line"], 1);
    assert_eq!(api["init"]["method"], "ddtrace-run");
    assert_eq!(api["init"]["file"], "services/api/Dockerfile");
    assert_eq!(api["init"]["line"], 3);
    assert_eq!(api["config"]["DD_ENV"]["value"], "prod");
    assert_eq!(api["config"]["DD_ENV"]["line"], 2);
    let billing = services
        .iter()
        .find(|s| s["name"] == "billing")
        .expect("billing named from go.mod");
    assert!(billing["tracer"].is_null());
    let findings = v["findings"].as_array().unwrap();
    assert_eq!(findings.len(), 1, "{findings:?}");
    let f = &findings[0];
    assert_eq!(f["rule"], "tracer-missing");
    assert_eq!(f["severity"], "error");
    assert_eq!(f["category"], "audit");
    assert_eq!(f["service"], "billing");
    assert_eq!(f["file"], "services/billing/go.mod");
    assert_eq!(f["line"], 5);
    assert_eq!(f["column"], 1);
    assert!(f["fix"]["description"]
        .as_str()
        .unwrap()
        .contains("dd-trace-go"));
    for key in ["files", "parsed", "skipped", "rules", "duration_ms"] {
        assert!(v["stats"][key].is_number(), "stats.{key}");
    }
}

#[test]
fn exit_codes_follow_fail_on() {
    let dir = tempfile::tempdir().unwrap();
    repo(dir.path());
    assert_eq!(
        scan(dir.path(), &["--fail-on", "error"]).status.code(),
        Some(1)
    );
    assert_eq!(
        scan(dir.path(), &["--fail-on", "never"]).status.code(),
        Some(0)
    );
    assert_eq!(
        scan(dir.path(), &["--service", "api"]).status.code(),
        Some(0),
        "api alone is clean"
    );
    let bad = bin().args(["scan", "--format", "yaml"]).output().unwrap();
    assert_eq!(bad.status.code(), Some(2));
    let missing = bin().args(["scan", "/no/such/dir"]).output().unwrap();
    assert_eq!(missing.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&missing.stderr).contains("/no/such/dir"));
}

#[test]
fn text_output_is_grouped_and_uncoloured_when_piped() {
    let dir = tempfile::tempdir().unwrap();
    repo(dir.path());
    let out = scan(dir.path(), &[]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("services/billing/go.mod:5:1"), "{text}");
    assert!(text.contains("tracer-missing"), "{text}");
    assert!(!text.contains('\u{1b}'), "no ANSI codes when not a TTY");
    let out = scan(dir.path(), &["--color", "always"]);
    assert!(String::from_utf8_lossy(&out.stdout).contains('\u{1b}'));
}

#[test]
fn sarif_and_markdown_outputs() {
    let dir = tempfile::tempdir().unwrap();
    repo(dir.path());
    let out = scan(dir.path(), &["--format", "sarif"]);
    let v = json(&out);
    assert_eq!(v["version"], "2.1.0");
    let result = &v["runs"][0]["results"][0];
    assert_eq!(result["ruleId"], "tracer-missing");
    assert_eq!(result["level"], "error");
    let out = scan(dir.path(), &["--format", "markdown"]);
    let md = String::from_utf8_lossy(&out.stdout);
    assert!(
        md.contains("| api |") || md.contains("| `api` |") || md.contains("api"),
        "{md}"
    );
    assert!(md.contains("tracer-missing"), "{md}");
}

#[test]
fn inline_suppression_and_baseline() {
    let dir = tempfile::tempdir().unwrap();
    repo(dir.path());
    // Baseline: the current findings are known; a rescan reports nothing new.
    let baseline = dir.path().join("baseline.json");
    let out = scan(
        dir.path(),
        &["--format", "json", "--output", baseline.to_str().unwrap()],
    );
    assert_eq!(out.status.code(), Some(1));
    let out = scan(dir.path(), &["--baseline", baseline.to_str().unwrap()]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );

    // A new untraced service is still reported with the baseline.
    write(
        dir.path(),
        "services/web/package.json",
        "{\"name\":\"web\",\"dependencies\":{\"express\":\"^4.19.0\"}}\n",
    );
    let out = scan(
        dir.path(),
        &["--baseline", baseline.to_str().unwrap(), "--format", "json"],
    );
    let v = json(&out);
    let rules: Vec<&str> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["file"].as_str().unwrap())
        .collect();
    assert_eq!(rules, vec!["services/web/package.json"]);

    // Inline suppression on the line above.
    write(
        dir.path(),
        "services/billing/go.mod",
        "module example.com/billing\n\ngo 1.22\n\n// apm-doctor: ignore[tracer-missing]\nrequire github.com/gin-gonic/gin v1.10.0\n",
    );
    let out = scan(dir.path(), &["--format", "json", "--service", "billing"]);
    assert_eq!(out.status.code(), Some(0));
    assert!(json(&out)["findings"].as_array().unwrap().is_empty());
    let out = scan(dir.path(), &["--format", "sarif", "--service", "billing"]);
    let v = json(&out);
    assert_eq!(
        v["runs"][0]["results"][0]["suppressions"][0]["kind"],
        "inSource"
    );
}

#[test]
fn config_file_disables_overrides_and_adds_rules() {
    let dir = tempfile::tempdir().unwrap();
    repo(dir.path());
    write(
        dir.path(),
        "apm-doctor.toml",
        "[paths]\nexclude = [\"services/legacy/**\"]\n\n[rules]\npaths = [\"ci/rules\"]\n\n[rules.severity]\ntracer-missing = \"info\"\n",
    );
    write(
        dir.path(),
        "services/legacy/requirements.txt",
        "django==2.2\n",
    );
    write(
        dir.path(),
        "ci/rules/org/require-team.rhai",
        r#"fn meta() {
    #{ id: "org-require-team", category: "org", severity: "warning",
       summary: "Every Dockerfile names its owning team" }
}
fn on_config(cfg) {
    let out = [];
    for w in cfg.workloads {
        if w.kind != "dockerfile" { continue; }
        let labelled = false;
        for l in w.labels { if l.text.starts_with("team=") { labelled = true; } }
        if !labelled { out.push(finding("Dockerfile has no team label", w)); }
    }
    out
}
"#,
    );
    let out = scan(dir.path(), &["--format", "json"]);
    let v = json(&out);
    let findings = v["findings"].as_array().unwrap();
    let tm = findings
        .iter()
        .find(|f| f["rule"] == "tracer-missing")
        .unwrap();
    assert_eq!(tm["severity"], "info");
    assert!(findings
        .iter()
        .all(|f| !f["file"].as_str().unwrap().contains("legacy")));
    let org = findings
        .iter()
        .find(|f| f["rule"] == "org-require-team")
        .expect("custom rule ran");
    assert_eq!(org["file"], "services/api/Dockerfile");
    assert_eq!(
        out.status.code(),
        Some(1),
        "the org rule's warning fails the run"
    );

    // Disabling the custom rule leaves only the info finding: exit 0 at --fail-on warning.
    write(
        dir.path(),
        "apm-doctor.toml",
        "[rules]\npaths = [\"ci/rules\"]\ndisable = [\"org-require-team\"]\n\n[rules.severity]\ntracer-missing = \"info\"\n",
    );
    assert_eq!(scan(dir.path(), &[]).status.code(), Some(0));
}

#[test]
fn rules_list_and_rules_test() {
    let out = bin().args(["rules", "list"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8_lossy(&out.stdout);
    for id in [
        "tracer-missing",
        "tracer-outdated",
        "tracer-not-initialized",
        "init-order",
        "ust-missing",
        "agent-endpoint-missing",
        "agent-version",
        "debug-enabled",
    ] {
        assert!(text.contains(id), "{id} listed");
    }
    assert!(
        !text.contains("tracer-init "),
        "fact rules are not listed as findings"
    );

    // A custom rule folder with one passing and one failing fixture.
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "no-latest.rhai",
        r#"fn meta() { #{ id: "no-latest", category: "org", summary: "Images are pinned" } }
fn on_config(cfg) {
    let out = [];
    for w in cfg.workloads { for b in w.base_images { if image_tag(b.text) == "latest" { out.push(finding("unpinned base image", b)); } } }
    out
}
"#,
    );
    write(
        dir.path(),
        "no-latest/pinned/Dockerfile",
        "FROM python:3.12\n",
    );
    write(
        dir.path(),
        "no-latest/unpinned/Dockerfile",
        "# expect: no-latest (next line)\nFROM python\n",
    );
    let out = bin()
        .args(["rules", "test"])
        .arg(dir.path())
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(text.contains("missing finding at Dockerfile:1"), "{text}");
    assert!(
        text.contains("unexpected finding at Dockerfile:2"),
        "{text}"
    );
    write(dir.path(), "no-latest/unpinned/Dockerfile", "FROM python\n");
    write(
        dir.path(),
        "no-latest/unpinned/expect.txt",
        "Dockerfile:1 no-latest\n",
    );
    let out = bin()
        .args(["rules", "test"])
        .arg(dir.path())
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{text}");
    assert!(text.contains("2 passed, 0 failed"), "{text}");
}

#[test]
fn agent_command_reports_refused_connections() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    drop(listener);
    let out = bin()
        .args([
            "agent",
            "--url",
            &format!("http://{addr}"),
            "--timeout",
            "2",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("refused"));
}

/// A Python service whose `import ddtrace.auto` comes after flask (an init-order fix).
fn late_import_repo(root: &Path) {
    write(
        root,
        "svc/requirements.txt",
        "ddtrace==4.1.0\nflask==3.0.0\n",
    );
    write(
        root,
        "svc/app.py",
        "import flask\n\nimport ddtrace.auto\n\napp = flask.Flask(__name__)\n",
    );
}

#[test]
fn fix_dry_run_prints_diffs_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    late_import_repo(dir.path());
    let out = bin()
        .args(["fix", "--dry-run", "--rule", "init-order", "--no-progress"])
        .arg(dir.path())
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(
        stdout.starts_with(
            "--- a/svc/app.py\n+++ b/svc/app.py\n@@ -1,5 +1,5 @@\n+import ddtrace.auto\n"
        ),
        "{stdout}"
    );
    assert!(
        stderr.contains("would fix svc/app.py (2 edits: init-order)"),
        "{stderr}"
    );
    assert!(fs::read_to_string(dir.path().join("svc/app.py"))
        .unwrap()
        .starts_with("import flask"));
}

#[test]
fn fix_applies_and_a_changed_file_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    late_import_repo(dir.path());
    let out = bin()
        .args(["fix", "--no-progress"])
        .arg(dir.path())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(fs::read_to_string(dir.path().join("svc/app.py"))
        .unwrap()
        .starts_with("import ddtrace.auto\nimport flask\n"));
    // Nothing left to do.
    let out = bin()
        .args(["scan", "--fix", "--rule", "init-order", "--no-progress"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&out.stderr).contains("0 edits applied in 0 files, 0 refused"));

    // A report whose fix no longer matches the file: JSON carries the edits; applying a stale
    // edit is refused with a reason and exit 1.
    late_import_repo(dir.path());
    let report = json(&scan(
        dir.path(),
        &["--format", "json", "--rule", "init-order"],
    ));
    let fix = &report["findings"][0]["fix"];
    assert_eq!(fix["edits"][0]["file"], "svc/app.py");
    assert!(fix["diff"]
        .as_str()
        .unwrap()
        .contains("+import ddtrace.auto\n"));
    let findings = apm_doctor_engine::report::read_baseline(&report.to_string()).unwrap();
    write(
        dir.path(),
        "svc/app.py",
        "import os\nimport flask\n\nimport ddtrace.auto\n",
    );
    let outcome = apm_doctor_engine::fix::apply_fixes(
        dir.path(),
        &findings,
        &apm_doctor_engine::fix::ApplyOptions::default(),
    );
    assert!(outcome.refused() > 0, "{outcome:#?}");
    assert!(outcome.files[0].refused[0]
        .reason
        .contains("file changed since the scan"));
}

#[test]
fn rules_list_shows_alert_classification_rules() {
    let out = bin().args(["rules", "list"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8_lossy(&out.stdout);
    for id in [
        "missing-traces",
        "high-latency",
        "high-error-rate",
        "broken-trace",
    ] {
        let line = text
            .lines()
            .find(|l| l.split_whitespace().next() == Some(id))
            .unwrap_or_else(|| panic!("{id} listed in:\n{text}"));
        assert!(
            line.split_whitespace().any(|w| w == "rca"),
            "{id} has category rca: {line}"
        );
    }
}

#[test]
fn rca_explains_an_example_alert_with_traces() {
    let out = bin()
        .args(["rca", "java", "spring", "examples/monorepo"])
        .args(["--webhook", "examples/rca/webhooks/fraud-latency.json"])
        .args(["--traces", "examples/rca/traces/fraud-latency.v04.json"])
        .current_dir(workspace())
        .output()
        .expect("run");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let md = String::from_utf8_lossy(&out.stdout);
    assert!(md.contains("## 3. Root Cause"));
    assert!(md.contains("FraudScorer.java:30"), "{md}");
    assert!(md.contains("## 9. Prevention"));
}

#[test]
fn rca_reads_inline_json_and_reports_invalid_json_with_its_position() {
    let out = bin()
        .args(["rca", "auto", "auto", "examples/monorepo", "--format", "json"])
        .args(["--webhook", r#"{"title": "[No Data] catalog", "alert_scope": "service:catalog", "alert_transition": "No Data"}"#])
        .current_dir(workspace())
        .output()
        .expect("run");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(json["classification"]["kind"], "missing_traces");
    assert_eq!(json["root_cause"]["deficiency"]["rule"], "tracer-missing");

    let bad = bin()
        .args(["rca", "auto", "auto", "examples/monorepo"])
        .args(["--webhook", "{\"title\": \"x\",\n  \"alert_type\": }"])
        .current_dir(workspace())
        .output()
        .expect("run");
    assert_eq!(bad.status.code(), Some(2));
    let err = String::from_utf8_lossy(&bad.stderr);
    assert!(err.contains("<inline>:2:"), "{err}");

    let missing = bin()
        .args(["rca", "auto", "auto", "examples/monorepo"])
        .args([
            "--webhook",
            "examples/rca/webhooks/catalog-no-data.json",
            "--traces",
            "no-such-file.msgpack",
        ])
        .current_dir(workspace())
        .output()
        .expect("run");
    assert_eq!(missing.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&missing.stderr).contains("no-such-file.msgpack"));
}

#[test]
fn cache_flag_reuses_results_and_reports_an_unwritable_cache() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("repo");
    repo(&root);
    let cache = dir.path().join("cache");
    let cache_arg = cache.to_str().unwrap();
    let args = ["--format", "json", "--cache", cache_arg];
    let cold = json(&scan(&root, &args));
    assert!(cold["stats"].get("cached").is_none(), "{}", cold["stats"]);
    let warm = json(&scan(&root, &args));
    assert!(
        warm["stats"]["cached"].as_u64().unwrap() > 0,
        "{}",
        warm["stats"]
    );
    assert_eq!(warm["stats"]["parsed"], 0);
    assert_eq!(warm["findings"], cold["findings"]);
    assert_eq!(warm["services"], cold["services"]);

    // A cache path that is a file: reported, and the scan is complete all the same.
    let blocker = dir.path().join("not-a-folder");
    fs::write(&blocker, "x").unwrap();
    let out = scan(
        &root,
        &["--format", "json", "--cache", blocker.to_str().unwrap()],
    );
    assert_eq!(out.status.code(), Some(1), "findings, not an error");
    let report = json(&out);
    let problems: Vec<&serde_json::Value> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["kind"] == "cache-error")
        .collect();
    assert!(!problems.is_empty(), "{}", report["diagnostics"]);
    assert_eq!(report["findings"], cold["findings"]);
}
