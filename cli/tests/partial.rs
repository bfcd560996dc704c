//! Partial scans and merging: `scan --shard K/N`, `merge` (JSON and SARIF), and
//! `scan --changed-since REV` in a real git repository.

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Output;

use serde_json::Value;

mod common;
use common::{bin, git, write};

fn example() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .join("examples/monorepo")
}

fn run(args: &[&str]) -> Output {
    bin().args(args).output().expect("runs")
}

fn ok(out: &Output) -> &Output {
    assert!(
        matches!(out.status.code(), Some(0 | 1)),
        "exit {:?}: {}",
        out.status.code(),
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

fn read_json(path: &Path) -> Value {
    serde_json::from_slice(&fs::read(path).unwrap()).unwrap()
}

/// (rule, file, line) of every finding of a JSON report.
fn keys(report: &Value) -> BTreeSet<(String, String, u64)> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["rule"].as_str().unwrap().to_string(),
                f["file"].as_str().unwrap().to_string(),
                f["line"].as_u64().unwrap(),
            )
        })
        .collect()
}

fn names(report: &Value) -> Vec<String> {
    report["services"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn merged_shards_equal_one_full_scan() {
    let dir = tempfile::tempdir().unwrap();
    let root = example();
    let root = root.to_str().unwrap();
    let full = dir.path().join("full.json");
    ok(&run(&[
        "scan",
        root,
        "--no-progress",
        "--format",
        "json",
        "-o",
        full.to_str().unwrap(),
    ]));
    let full = read_json(&full);
    let n = 4;
    let mut shard_files = Vec::new();
    let mut seen_services = BTreeSet::new();
    for k in 1..=n {
        let path = dir.path().join(format!("shard-{k}.json"));
        ok(&run(&[
            "scan",
            root,
            "--no-progress",
            "--shard",
            &format!("{k}/{n}"),
            "--format",
            "json",
            "-o",
            path.to_str().unwrap(),
        ]));
        let shard = read_json(&path);
        let services = names(&shard);
        assert!(!services.is_empty(), "shard {k} has services");
        for s in &services {
            assert!(seen_services.insert(s.clone()), "{s} in two shards");
        }
        // Findings without a service only in shard 1.
        let repo_level = shard["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["service"].is_null())
            .count();
        if k > 1 {
            assert_eq!(repo_level, 0, "shard {k}");
        }
        shard_files.push(path);
    }
    let merged_path = dir.path().join("merged.json");
    let mut args = vec!["merge".to_string()];
    args.extend(shard_files.iter().map(|p| p.to_str().unwrap().to_string()));
    args.extend(["-o".into(), merged_path.to_str().unwrap().into()]);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let out = run(&args);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let merged = read_json(&merged_path);
    assert!(!keys(&full).is_empty());
    assert_eq!(keys(&merged), keys(&full));
    assert_eq!(
        merged["findings"].as_array().unwrap().len(),
        full["findings"].as_array().unwrap().len()
    );
    assert_eq!(names(&merged), names(&full));
    assert_eq!(merged["score"], full["score"]);
    for key in ["files", "parsed", "skipped", "skipped_by"] {
        assert_eq!(merged["stats"][key], full["stats"][key], "stats.{key}");
    }
    // The cross-service rule saw every service in the shard that reports it.
    assert!(keys(&merged)
        .iter()
        .any(|(rule, _, _)| rule == "propagation-style-mismatch"));

    // SARIF: shards as SARIF (and one as JSON) merge into one run with the same results.
    let mut sarif_args = vec!["merge".to_string()];
    for k in 1..=n {
        let path = if k == 2 {
            shard_files[1].clone()
        } else {
            let p = dir.path().join(format!("shard-{k}.sarif"));
            ok(&run(&[
                "scan",
                root,
                "--no-progress",
                "--shard",
                &format!("{k}/{n}"),
                "--format",
                "sarif",
                "-o",
                p.to_str().unwrap(),
            ]));
            p
        };
        sarif_args.push(path.to_str().unwrap().to_string());
    }
    let args: Vec<&str> = sarif_args.iter().map(String::as_str).collect();
    let refused = run(&args);
    assert_eq!(refused.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&refused.stderr).contains("--format sarif"));
    let mut args = args.clone();
    args.extend(["--format", "sarif"]);
    let out = run(&args);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let log: Value = serde_json::from_slice(&out.stdout).unwrap();
    let runs = log["runs"].as_array().unwrap();
    assert_eq!(runs.len(), 1);
    let results = runs[0]["results"].as_array().unwrap();
    let unsuppressed = results
        .iter()
        .filter(|r| r.get("suppressions").is_none())
        .count();
    assert_eq!(unsuppressed, full["findings"].as_array().unwrap().len());
    let rules = runs[0]["tool"]["driver"]["rules"].as_array().unwrap();
    for r in results {
        let i = r["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[i]["id"], r["ruleId"]);
    }
}

#[test]
fn bad_shards_are_usage_errors() {
    let root = example();
    for bad in ["0/4", "5/4", "3", "a/b", "1/0"] {
        let out = run(&["scan", root.to_str().unwrap(), "--shard", bad]);
        assert_eq!(out.status.code(), Some(2), "{bad}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains("1 <= K <= N"), "{bad}: {err}");
    }
    let dir = tempfile::tempdir().unwrap();
    let junk = dir.path().join("junk.json");
    fs::write(&junk, "{\"hello\": 1}").unwrap();
    let out = run(&["merge", junk.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("neither"));
}

fn python_service(root: &Path, name: &str, extra_env: &str) {
    write(
        root,
        &format!("services/{name}/requirements.txt"),
        "ddtrace==4.1.0\nflask==3.0.0\n",
    );
    write(
        root,
        &format!("services/{name}/app.py"),
        "from flask import Flask\n\napp = Flask(__name__)\n\n\n@app.route(\"/health\")\ndef health():\n    return \"ok\"\n",
    );
    write(
        root,
        &format!("services/{name}/Dockerfile"),
        &format!("FROM python:3.12-slim\nENV DD_SERVICE={name} DD_ENV=prod DD_VERSION=1.2.3 DD_AGENT_HOST=datadog-agent{extra_env}\nCMD [\"ddtrace-run\", \"gunicorn\", \"app:app\"]\n"),
    );
}

fn changed_scan(root: &Path, rev: &str) -> Value {
    let out = bin()
        .arg("scan")
        .arg(root)
        .args([
            "--format",
            "json",
            "--fail-on",
            "never",
            "--changed-since",
            rev,
        ])
        .output()
        .expect("runs");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn changed_since_scans_touched_services_and_keeps_cross_service_rules() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    // `api` injects only b3multi; `orders` keeps the ddtrace 4 defaults: no style in common.
    python_service(root, "api", " DD_TRACE_PROPAGATION_STYLE=b3multi");
    python_service(root, "orders", "");
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
    git(root, &["init", "-q"]);
    git(root, &["add", "."]);
    git(root, &["commit", "-q", "-m", "base"]);

    // The full scan: billing has no tracer, api and orders cannot exchange traces.
    let out = bin()
        .arg("scan")
        .arg(root)
        .args(["--format", "json", "--fail-on", "never"])
        .output()
        .unwrap();
    let full: Value = serde_json::from_slice(&out.stdout).unwrap();
    let rules = |r: &Value| -> BTreeSet<(String, String)> {
        r["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| {
                (
                    f["rule"].as_str().unwrap().to_string(),
                    f["service"].as_str().unwrap_or("").to_string(),
                )
            })
            .collect()
    };
    assert!(rules(&full).contains(&("tracer-missing".into(), "billing".into())));
    assert!(
        rules(&full).contains(&("propagation-style-mismatch".into(), "api".into())),
        "{:?}",
        rules(&full)
    );

    // Nothing changed: nothing is scanned, every source file is skipped as unchanged.
    let none = changed_scan(root, "HEAD");
    assert!(names(&none).is_empty(), "{:?}", names(&none));
    assert!(none["findings"].as_array().unwrap().is_empty());
    assert_eq!(none["stats"]["parsed"], 0);
    assert_eq!(none["stats"]["skipped_by"]["unchanged"], 3);

    // A commit touches `orders` only.
    write(
        root,
        "services/orders/app.py",
        "from flask import Flask\n\napp = Flask(__name__)\n\n\n@app.route(\"/orders\")\ndef orders():\n    return \"[]\"\n",
    );
    git(root, &["commit", "-q", "-am", "orders"]);
    let report = changed_scan(root, "HEAD~1");
    assert_eq!(names(&report), ["orders"]);
    assert_eq!(report["stats"]["skipped_by"]["unchanged"], 2);
    assert_eq!(report["stats"]["parsed"], 1);
    let found = rules(&report);
    assert!(
        !found.iter().any(|(_, s)| s == "billing"),
        "untouched billing reported: {found:?}"
    );
    // The cross-service rule still saw `api` and reports the edge `orders` is part of.
    assert!(
        found.contains(&("propagation-style-mismatch".into(), "api".into())),
        "{found:?}"
    );

    // An untracked file in billing touches billing too.
    write(root, "services/billing/extra.go", "package main\n");
    let report = changed_scan(root, "HEAD~1");
    assert_eq!(names(&report), ["billing", "orders"]);
    assert!(rules(&report).contains(&("tracer-missing".into(), "billing".into())));
    assert_eq!(report["stats"]["skipped_by"]["unchanged"], 1);

    // A bad revision or a folder outside git is a usage error.
    let out = bin()
        .arg("scan")
        .arg(root)
        .args(["--changed-since", "no-such-branch"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("unknown revision"));
    let plain = tempfile::tempdir().unwrap();
    let out = bin()
        .arg("scan")
        .arg(plain.path())
        .args(["--changed-since", "HEAD"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}
