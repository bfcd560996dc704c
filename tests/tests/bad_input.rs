//! Bad input of every kind: the scan finishes, names the file and position, and keeps the
//! findings of everything else.

use std::fs;
use std::path::Path;

use apm_doctor_engine::finding::ScanReport;
use apm_doctor_engine::{scan, ScanOptions};
use apm_doctor_tests::{has_diagnostic, scan_following_links, scan_with, untraced_flask, write};

fn run(root: &Path) -> ScanReport {
    scan_with(root, ScanOptions::default())
}

fn has_tracer_missing(report: &ScanReport) -> bool {
    report
        .findings
        .iter()
        .any(|f| f.rule == "tracer-missing" && f.file == "web/requirements.txt" && f.line == 1)
}

#[test]
fn unparsable_source_is_reported_with_position() {
    let dir = tempfile::tempdir().unwrap();
    untraced_flask(dir.path());
    write(
        dir.path(),
        "api/requirements.txt",
        "ddtrace==4.0.0\nflask==3.0.0\n",
    );
    write(
        dir.path(),
        "api/main.py",
        "import ddtrace.auto\nimport flask\n\ndef broken(:\n    pass\n",
    );
    let report = run(dir.path());
    let d = report
        .diagnostics
        .iter()
        .find(|d| d.kind == "parse-error" && d.file == "api/main.py")
        .expect("parse error reported");
    assert_eq!(d.line, 4, "{d:?}");
    assert!(has_tracer_missing(&report));
    // The partial tree still yields the init fact: no tracer-not-initialized for api.
    assert!(!report
        .findings
        .iter()
        .any(|f| f.rule == "tracer-not-initialized" && f.file.starts_with("api/")));
}

#[test]
fn invalid_manifest_names_line_and_column() {
    let dir = tempfile::tempdir().unwrap();
    untraced_flask(dir.path());
    write(
        dir.path(),
        "shop/package.json",
        "{\n  \"name\": \"shop\",\n  \"dependencies\": { \"express\": \"^4.18.0\", }\n}\n",
    );
    let report = run(dir.path());
    let d = report
        .diagnostics
        .iter()
        .find(|d| d.file == "shop/package.json")
        .expect("json error reported");
    assert_eq!(d.kind, "parse-error");
    assert_eq!(d.line, 3, "{d:?}");
    assert!(d.column > 1, "{d:?}");
    assert!(has_tracer_missing(&report));
    assert!(
        report
            .stats
            .skipped_by
            .get("parse-error")
            .copied()
            .unwrap_or(0)
            >= 1
    );
}

#[test]
fn broken_rules_are_reported_and_the_scan_goes_on() {
    let dir = tempfile::tempdir().unwrap();
    untraced_flask(dir.path());
    let rules = tempfile::tempdir().unwrap();
    write(
        rules.path(),
        "syntax.rhai",
        "fn meta() {\n  #{ id: \"broken-syntax\", category: \"org\", summary: \"x\" }\n}\nfn on_service(svc) {\n  let x = ;\n}\n",
    );
    write(
        rules.path(),
        "throws.rhai",
        "fn meta() { #{ id: \"org-throws\", category: \"org\", summary: \"x\" } }\nfn on_service(svc) {\n  let n = svc.no_such_field.len();\n  ()\n}\n",
    );
    write(
        rules.path(),
        "spins.rhai",
        "fn meta() { #{ id: \"org-spins\", category: \"org\", summary: \"x\" } }\nfn on_service(svc) {\n  loop { }\n}\n",
    );
    write(
        rules.path(),
        "recurses.rhai",
        "fn meta() { #{ id: \"org-recurses\", category: \"org\", summary: \"x\" } }\nfn deep(n) { deep(n + 1) }\nfn on_service(svc) { deep(0) }\n",
    );
    write(
        rules.path(),
        "escapes.rhai",
        "fn meta() { #{ id: \"org-escapes\", category: \"org\", summary: \"x\" } }\nfn on_service(svc) {\n  import \"../../../etc/passwd\" as p;\n  ()\n}\n",
    );
    let started = std::time::Instant::now();
    let report = scan_with(
        dir.path(),
        ScanOptions {
            rule_dirs: vec![rules.path().to_path_buf()],
            ..Default::default()
        },
    );
    assert!(
        started.elapsed().as_secs() < 60,
        "limits stop runaway rules"
    );
    assert!(report.incomplete());
    let by_file = |name: &str| {
        report
            .diagnostics
            .iter()
            .find(|d| d.kind == "rule-error" && d.file.ends_with(name))
            .unwrap_or_else(|| panic!("no rule error for {name}: {:?}", report.diagnostics))
            .clone()
    };
    let syntax = by_file("syntax.rhai");
    assert_eq!(syntax.line, 5, "{syntax:?}");
    let throws = by_file("throws.rhai");
    assert!(throws.message.contains("org-throws"), "{throws:?}");
    assert_eq!(throws.line, 3, "{throws:?}");
    let spins = by_file("spins.rhai");
    assert!(
        spins.message.to_lowercase().contains("operation"),
        "{spins:?}"
    );
    let recurses = by_file("recurses.rhai");
    assert!(
        recurses.message.to_lowercase().contains("stack") || recurses.message.contains("call"),
        "{recurses:?}"
    );
    let escapes = by_file("escapes.rhai");
    assert!(
        escapes.message.contains("outside the rule folders")
            || escapes.message.contains("cannot open"),
        "{escapes:?}"
    );
    assert!(has_tracer_missing(&report), "built-in findings are kept");
}

#[test]
fn binary_and_huge_files_are_skipped_and_counted() {
    let dir = tempfile::tempdir().unwrap();
    untraced_flask(dir.path());
    let mut binary = b"import ddtrace\n".to_vec();
    binary.extend_from_slice(&[0, 1, 2, 3, 0, 255]);
    fs::write(dir.path().join("web/blob.py"), binary).unwrap();
    write(
        dir.path(),
        "web/huge.py",
        &"import ddtrace  # padding\n".repeat(2_000),
    );
    let report = scan_with(
        dir.path(),
        ScanOptions {
            max_file_size: Some(16 * 1024),
            ..Default::default()
        },
    );
    assert_eq!(
        report.stats.skipped_by.get("binary"),
        Some(&1),
        "{:?}",
        report.stats
    );
    assert_eq!(
        report.stats.skipped_by.get("too-large"),
        Some(&1),
        "{:?}",
        report.stats
    );
    assert!(has_tracer_missing(&report));
}

#[cfg(unix)]
#[test]
fn symlink_loops_and_broken_links_do_not_stop_the_scan() {
    let dir = tempfile::tempdir().unwrap();
    untraced_flask(dir.path());
    std::os::unix::fs::symlink(dir.path().join("web"), dir.path().join("web/again")).unwrap();
    std::os::unix::fs::symlink(dir.path().join("nowhere"), dir.path().join("web/dangling"))
        .unwrap();
    let report = scan_following_links(dir.path());
    assert!(
        has_diagnostic(&report, |d| d.kind == "io-error"
            && d.message.contains("loop")),
        "{:?}",
        report.diagnostics
    );
    assert!(
        has_diagnostic(&report, |d| d.file.contains("dangling")),
        "{:?}",
        report.diagnostics
    );
    assert!(has_tracer_missing(&report));
}

#[test]
fn invalid_utf8_bom_and_crlf_are_read() {
    let dir = tempfile::tempdir().unwrap();
    let mut req = b"\xEF\xBB\xBFflask==3.0.0\r\n".to_vec();
    req.extend_from_slice(b"# caf\xE9\r\n");
    write(dir.path(), "web/app.py", "from flask import Flask\r\n");
    fs::write(dir.path().join("web/requirements.txt"), req).unwrap();
    let report = run(dir.path());
    assert!(has_tracer_missing(&report), "{:?}", report.findings);
}

#[test]
fn missing_root_and_bad_config_are_errors() {
    let err = scan(&ScanOptions {
        root: "/definitely/not/here".into(),
        ..Default::default()
    })
    .unwrap_err();
    assert!(err.to_string().contains("/definitely/not/here"));

    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "apm-doctor.toml",
        "[rules]\ndisable = \"not-a-list\"\n",
    );
    let err = scan(&ScanOptions {
        root: dir.path().to_path_buf(),
        ..Default::default()
    })
    .unwrap_err()
    .to_string();
    assert!(err.contains("apm-doctor.toml:2:"), "{err}");
}

#[cfg(unix)]
#[test]
fn unreadable_directories_are_reported() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    untraced_flask(dir.path());
    write(dir.path(), "secret/requirements.txt", "flask==3.0.0\n");
    let locked = dir.path().join("secret");
    fs::set_permissions(&locked, fs::Permissions::from_mode(0o000)).unwrap();
    if fs::read_dir(&locked).is_ok() {
        // Running as root: permissions do not apply, so there is nothing unreadable to test.
        fs::set_permissions(&locked, fs::Permissions::from_mode(0o755)).unwrap();
        eprintln!("skipped: permissions are not enforced for this user");
        return;
    }
    let report = run(dir.path());
    fs::set_permissions(&locked, fs::Permissions::from_mode(0o755)).unwrap();
    assert!(
        has_diagnostic(&report, |d| d.kind == "io-error"
            && d.file.contains("secret")),
        "{:?}",
        report.diagnostics
    );
    assert!(has_tracer_missing(&report));
}

#[test]
fn match_limits_are_reported_not_silent() {
    let dir = tempfile::tempdir().unwrap();
    untraced_flask(dir.path());
    let mut generated = String::from("import ddtrace\n\n");
    for i in 0..5_200 {
        generated.push_str(&format!("handler_{i}()\n"));
    }
    write(dir.path(), "web/generated.py", &generated);
    let report = run(dir.path());
    let d = report
        .diagnostics
        .iter()
        .find(|d| d.kind == "limit" && d.file == "web/generated.py")
        .unwrap_or_else(|| panic!("no limit diagnostic: {:?}", report.diagnostics));
    assert!(d.message.contains("more than 5000"), "{d:?}");
    assert!(
        !report.incomplete(),
        "a cut query is a warning, not a failed run"
    );
    assert!(has_tracer_missing(&report));
}
