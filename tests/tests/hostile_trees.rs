//! Hostile trees: many files, very deep folders, odd encodings, binary and huge files,
//! symbolic link loops and links out of the root, unreadable files. The scan finishes, says
//! what it skipped and why (`stats.skipped_by`, diagnostics), and the findings of the healthy
//! files are still there.

use std::fs;
use std::path::Path;
use std::time::Instant;

use apm_doctor_engine::finding::ScanReport;
use apm_doctor_engine::ScanOptions;
use apm_doctor_tests::{has_diagnostic, scan_following_links, scan_with, untraced_flask, write};

fn run(root: &Path) -> ScanReport {
    scan_with(root, ScanOptions::default())
}

fn has_finding(report: &ScanReport, rule: &str, file: &str) -> bool {
    report
        .findings
        .iter()
        .any(|f| f.rule == rule && f.file == file)
}

fn assert_healthy(report: &ScanReport) {
    assert!(
        has_finding(report, "tracer-missing", "web/requirements.txt"),
        "the healthy service's finding is kept: {:#?}",
        report.findings
    );
    assert!(!report.incomplete(), "{:#?}", report.diagnostics);
}

fn skipped(report: &ScanReport, reason: &str) -> usize {
    report.stats.skipped_by.get(reason).copied().unwrap_or(0)
}

/// `n` tiny source files spread over a few folders.
fn many_files(n: usize) {
    let dir = tempfile::tempdir().unwrap();
    untraced_flask(dir.path());
    let per_dir = 5_000;
    for d in 0..n.div_ceil(per_dir) {
        let folder = dir.path().join(format!("gen/d{d}"));
        fs::create_dir_all(&folder).unwrap();
        for i in 0..per_dir.min(n - d * per_dir) {
            fs::write(folder.join(format!("m{i}.py")), "x = 1\n").unwrap();
        }
    }
    let started = Instant::now();
    let report = run(dir.path());
    let took = started.elapsed();
    assert!(report.stats.files >= n, "{:?}", report.stats);
    assert_healthy(&report);
    eprintln!("{n} files scanned in {took:?}");
    // A guard against pathological slowness, not a performance target.
    assert!(took.as_secs() < 120, "took {took:?}");
}

#[test]
fn a_hundred_thousand_files() {
    many_files(100_000);
}

#[cfg(unix)]
#[test]
fn five_thousand_nested_folders() {
    let dir = tempfile::tempdir().unwrap();
    untraced_flask(dir.path());
    // 5,000 levels of `d/` are 10,000 bytes of path, past PATH_MAX (4,096 on Linux): built
    // in 1,000-level steps with relative paths in a child shell (the test process never
    // changes its own working directory).
    let step = vec!["d"; 1_000].join("/");
    let status = std::process::Command::new("sh")
        .current_dir(dir.path())
        .arg("-c")
        .arg(format!(
            "for i in 1 2 3 4 5; do mkdir -p {step} && cd -P {step} || exit 1; done; echo 'import os' > leaf.py"
        ))
        .status()
        .expect("sh runs");
    if !status.success() {
        eprintln!("skipped: this system refuses a 5,000-level folder chain");
        return;
    }
    let started = Instant::now();
    let report = run(dir.path());
    assert!(started.elapsed().as_secs() < 60);
    assert_healthy(&report);
    // What could not be opened (the path is longer than the OS accepts) is reported, not
    // silently dropped; the files the OS lets us reach are scanned.
    let deep_reported = report
        .diagnostics
        .iter()
        .any(|d| d.kind == "io-error" && d.file.starts_with("d/d/d"));
    let deep_scanned = report.stats.files > 2;
    eprintln!(
        "deep chain: {} files kept, first diagnostic {:?}",
        report.stats.files,
        report
            .diagnostics
            .first()
            .map(|d| (&d.kind, d.file.len(), &d.message))
    );
    assert!(
        deep_reported || deep_scanned,
        "{:?} {:#?}",
        report.stats,
        report.diagnostics
    );
    if let Some(d) = report.diagnostics.iter().find(|d| d.kind == "io-error") {
        assert!(d.message.contains("cannot read"), "{d:?}");
    }
}

#[test]
fn invalid_utf8_bom_and_crlf_in_sources_and_manifests() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    // Python: BOM + CRLF + a Latin-1 byte in the manifest, the same in the source.
    fs::create_dir_all(root.join("py")).unwrap();
    fs::write(
        root.join("py/requirements.txt"),
        b"\xEF\xBB\xBFflask==3.0.0\r\n# caf\xE9\r\n",
    )
    .unwrap();
    fs::write(
        root.join("py/app.py"),
        b"\xEF\xBB\xBF# -*- coding: latin-1 -*-\r\nfrom flask import Flask\r\nname = '\xE9t\xE9'\r\napp = Flask(__name__)\r\n",
    )
    .unwrap();
    // Node: BOM + CRLF package.json with an invalid byte inside a string.
    fs::create_dir_all(root.join("node")).unwrap();
    fs::write(
        root.join("node/package.json"),
        b"\xEF\xBB\xBF{\r\n  \"name\": \"shop\",\r\n  \"description\": \"caf\xE9\",\r\n  \"dependencies\": { \"express\": \"^4.18.0\" }\r\n}\r\n",
    )
    .unwrap();
    fs::write(
        root.join("node/index.js"),
        b"const express = require('express');\r\nconst app = express(); // \xFF\xFE\r\napp.listen(3000);\r\n",
    )
    .unwrap();
    // Go: CRLF go.mod and source with a stray invalid byte in a comment.
    fs::create_dir_all(root.join("go")).unwrap();
    fs::write(
        root.join("go/go.mod"),
        b"module example.com/billing\r\n\r\ngo 1.22\r\n\r\nrequire github.com/gin-gonic/gin v1.9.1\r\n",
    )
    .unwrap();
    fs::write(
        root.join("go/main.go"),
        b"package main\r\n\r\nimport \"github.com/gin-gonic/gin\"\r\n\r\n// \xC3\x28 invalid\r\nfunc main() {\r\n\tr := gin.Default()\r\n\tr.Run()\r\n}\r\n",
    )
    .unwrap();
    let report = run(root);
    for manifest in ["py/requirements.txt", "node/package.json", "go/go.mod"] {
        assert!(
            has_finding(&report, "tracer-missing", manifest),
            "{manifest}: {:#?} {:#?}",
            report.findings,
            report.diagnostics
        );
    }
    assert!(!report.incomplete(), "{:#?}", report.diagnostics);
}

#[test]
fn nul_bytes_mean_binary_and_are_skipped() {
    let dir = tempfile::tempdir().unwrap();
    untraced_flask(dir.path());
    fs::write(
        dir.path().join("web/compiled.py"),
        b"import ddtrace\n\0\0\x01\x02binary",
    )
    .unwrap();
    fs::create_dir_all(dir.path().join("blob")).unwrap();
    fs::write(
        dir.path().join("blob/package.json"),
        b"{\"name\": \"x\", \"dependencies\": {\"express\": \"4\"}}\0\0",
    )
    .unwrap();
    let report = run(dir.path());
    assert_eq!(skipped(&report, "binary"), 2, "{:?}", report.stats);
    assert_healthy(&report);
    // The binary manifest declared no service.
    assert!(!report.findings.iter().any(|f| f.file.starts_with("blob/")));
}

#[test]
fn a_fifty_megabyte_minified_file_is_skipped_as_too_large() {
    let dir = tempfile::tempdir().unwrap();
    untraced_flask(dir.path());
    write(
        dir.path(),
        "shop/package.json",
        "{\"name\": \"shop\", \"dependencies\": {\"express\": \"^4.18.0\"}}\n",
    );
    let mut minified = String::with_capacity(50 * 1024 * 1024 + 64);
    minified.push_str("const express=require('express');");
    let chunk = "var a=function(b){return b+1};";
    while minified.len() < 50 * 1024 * 1024 {
        minified.push_str(chunk);
    }
    write(dir.path(), "shop/dist/bundle.min.js", &minified);
    drop(minified);
    let started = Instant::now();
    let report = run(dir.path());
    assert!(started.elapsed().as_secs() < 60);
    assert_eq!(skipped(&report, "too-large"), 1, "{:?}", report.stats);
    assert_healthy(&report);
    assert!(has_finding(&report, "tracer-missing", "shop/package.json"));
}

#[cfg(unix)]
#[test]
fn symlink_loops_are_not_followed_by_default_and_reported_when_following() {
    let dir = tempfile::tempdir().unwrap();
    untraced_flask(dir.path());
    let web = dir.path().join("web");
    std::os::unix::fs::symlink(&web, web.join("self")).unwrap();
    std::os::unix::fs::symlink(dir.path(), web.join("root")).unwrap();
    std::os::unix::fs::symlink(web.join("b"), web.join("a")).unwrap();
    std::os::unix::fs::symlink(web.join("a"), web.join("b")).unwrap();

    let report = run(dir.path());
    assert_eq!(skipped(&report, "symlink"), 4, "{:?}", report.stats);
    assert_healthy(&report);

    let report = scan_following_links(dir.path());
    assert!(
        has_diagnostic(&report, |d| d.kind == "io-error"
            && d.message.contains("loop")),
        "{:#?}",
        report.diagnostics
    );
    // a -> b -> a never resolves: reported, not followed forever.
    assert!(
        has_diagnostic(&report, |d| d.file.ends_with("web/a")
            || d.file.ends_with("web/b")),
        "{:#?}",
        report.diagnostics
    );
    assert_healthy(&report);
}

#[cfg(unix)]
#[test]
fn a_link_out_of_the_root_is_followed_only_when_asked_and_then_reported() {
    let outside = tempfile::tempdir().unwrap();
    // An untraced service outside the root: its finding proves whether the link was followed.
    write(outside.path(), "requirements.txt", "flask==3.0.0\n");
    write(outside.path(), "app.py", "from flask import Flask\n");
    write(outside.path(), "secret.py", "TOKEN = 'x'\n");
    let dir = tempfile::tempdir().unwrap();
    untraced_flask(dir.path());
    std::os::unix::fs::symlink(outside.path(), dir.path().join("vendor")).unwrap();
    std::os::unix::fs::symlink(
        outside.path().join("secret.py"),
        dir.path().join("web/secret.py"),
    )
    .unwrap();

    let report = run(dir.path());
    assert!(
        !report
            .findings
            .iter()
            .any(|f| f.file.starts_with("vendor/")),
        "not followed without --follow: {:#?}",
        report.findings
    );
    assert_eq!(skipped(&report, "symlink"), 2, "{:?}", report.stats);
    assert!(!report.diagnostics.iter().any(|d| d.kind == "link"));
    assert_healthy(&report);

    let report = scan_following_links(dir.path());
    assert!(
        has_finding(&report, "tracer-missing", "vendor/requirements.txt"),
        "followed with --follow, under the link's path: {:#?}",
        report.findings
    );
    for link in ["vendor", "web/secret.py"] {
        let d = report
            .diagnostics
            .iter()
            .find(|d| d.kind == "link" && d.file == link)
            .unwrap_or_else(|| panic!("{link} not reported: {:#?}", report.diagnostics));
        assert!(d.message.contains("outside the scanned folder"), "{d:?}");
    }
    assert_healthy(&report);
}

#[cfg(unix)]
#[test]
fn unreadable_files_are_reported() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    untraced_flask(dir.path());
    write(dir.path(), "web/locked.py", "import ddtrace\n");
    write(dir.path(), "locked/requirements.txt", "flask==3.0.0\n");
    let files = [
        dir.path().join("web/locked.py"),
        dir.path().join("locked/requirements.txt"),
    ];
    for f in &files {
        fs::set_permissions(f, fs::Permissions::from_mode(0o000)).unwrap();
    }
    if fs::read(&files[0]).is_ok() {
        // Running as root: permissions do not apply, so there is nothing unreadable to test.
        eprintln!("skipped: permissions are not enforced for this user (root)");
        return;
    }
    let report = run(dir.path());
    for f in &files {
        fs::set_permissions(f, fs::Permissions::from_mode(0o644)).unwrap();
    }
    assert_eq!(skipped(&report, "unreadable"), 2, "{:?}", report.stats);
    assert!(
        has_diagnostic(&report, |d| d.kind == "io-error"
            && d.file == "web/locked.py"),
        "{:#?}",
        report.diagnostics
    );
    assert_healthy(&report);
}
