//! `--cache DIR`: a warm scan reports exactly what a cold scan of the same tree reports, and
//! reuses only what is still valid: an edited file, a service whose context changed, another
//! configuration or rule pack are evaluated again; a corrupt cache is reported and ignored.

use std::path::{Path, PathBuf};

use apm_doctor_engine::finding::ScanReport;
use apm_doctor_engine::scan::ScanOptions;
use apm_doctor_tests::copy_tree;

fn example() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("workspace")
        .join("examples/monorepo")
}

fn scan(root: &Path, cache: Option<&Path>) -> ScanReport {
    apm_doctor_engine::scan(&ScanOptions {
        root: root.to_path_buf(),
        cache_dir: cache.map(Path::to_path_buf),
        ..Default::default()
    })
    .expect("scan")
}

/// The report without its run statistics (timings, cache counts), as JSON for comparison.
fn outcome(report: &ScanReport) -> serde_json::Value {
    let mut value = apm_doctor_engine::report::json::to_json_value(report);
    value.as_object_mut().expect("an object").remove("stats");
    value
}

/// A copy of the example monorepo and an empty cache folder.
fn setup() -> (tempfile::TempDir, PathBuf, PathBuf) {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path().join("monorepo");
    copy_tree(&example(), &root);
    let cache = dir.path().join("cache");
    (dir, root, cache)
}

fn append(path: &Path, text: &str) {
    let mut body = std::fs::read_to_string(path).expect("read");
    body.push_str(text);
    std::fs::write(path, body).expect("write");
}

#[test]
fn a_warm_scan_reports_what_a_cold_scan_reports_and_parses_nothing() {
    let (_dir, root, cache) = setup();
    let cold = scan(&root, None);
    assert!(!cold.findings.is_empty());
    let first = scan(&root, Some(&cache));
    assert_eq!(first.stats.cached, 0);
    assert!(first.stats.parsed > 0);
    let warm = scan(&root, Some(&cache));
    assert_eq!(outcome(&warm), outcome(&cold));
    assert_eq!(
        warm.stats.parsed, 0,
        "nothing to parse on an unchanged tree"
    );
    assert!(warm.stats.cached >= first.stats.parsed);
    // Fixes keep their diffs (the edit anchors survive the cache).
    let with_diffs = |r: &ScanReport| {
        r.findings
            .iter()
            .filter(|f| f.fix.as_ref().is_some_and(|x| x.diff.is_some()))
            .count()
    };
    assert!(with_diffs(&cold) > 0);
    assert_eq!(with_diffs(&warm), with_diffs(&cold));
}

#[test]
fn an_edited_file_is_evaluated_again_and_the_rest_is_reused() {
    let (_dir, root, cache) = setup();
    scan(&root, Some(&cache));
    // A new Flask route without instrumentation-relevant changes elsewhere.
    let app = root.join("services/recommendations/recommendations/app.py");
    assert!(
        app.exists(),
        "the example has services/recommendations/recommendations/app.py"
    );
    append(
        &app,
        "\n\n@app.route(\"/recommendations/export\")\ndef export_recommendations():\n    return \"ok\"\n",
    );
    let warm = scan(&root, Some(&cache));
    let cold = scan(&root, None);
    assert_eq!(outcome(&warm), outcome(&cold));
    assert_eq!(warm.stats.parsed, 1, "only the edited file is parsed");
    let routes = |r: &ScanReport| {
        r.services
            .iter()
            .flat_map(|s| s.entry_points.iter())
            .filter(|e| e.route.contains("/recommendations/export"))
            .count()
    };
    assert_eq!(routes(&warm), 1, "the new route is an entry point");
}

#[test]
fn a_changed_service_context_re_evaluates_that_services_files() {
    let (_dir, root, cache) = setup();
    let first = scan(&root, Some(&cache));
    // Removing the tracer from a manifest changes what every file of that service is told.
    let manifest = root.join("services/recommendations/requirements.txt");
    let text = std::fs::read_to_string(&manifest).expect("read requirements");
    assert!(text.contains("ddtrace"), "{text}");
    let without: String = text
        .lines()
        .filter(|l| !l.starts_with("ddtrace"))
        .map(|l| format!("{l}\n"))
        .collect();
    std::fs::write(&manifest, without).expect("write");
    let warm = scan(&root, Some(&cache));
    let cold = scan(&root, None);
    assert_eq!(outcome(&warm), outcome(&cold));
    assert_ne!(outcome(&warm), outcome(&first));
    assert!(
        warm.stats.parsed > 0,
        "the recommendations files are parsed again"
    );
    assert!(
        warm.stats.cached > 0,
        "the other services' files are reused"
    );
}

#[test]
fn another_config_or_rule_pack_does_not_reuse_the_cache() {
    let (_dir, root, cache) = setup();
    scan(&root, Some(&cache));
    append(
        &root.join("apm-doctor.toml"),
        "\n# a comment changes nothing, but a new critical operation does\n",
    );
    let comment_only = scan(&root, Some(&cache));
    assert_eq!(
        comment_only.stats.parsed, 0,
        "comments are not configuration"
    );

    let config = std::fs::read_to_string(root.join("apm-doctor.toml")).expect("read");
    std::fs::write(
        root.join("apm-doctor.toml"),
        config.replace("operations = [", "operations = [\"inventory.reserve\", "),
    )
    .expect("write");
    let new_config = scan(&root, Some(&cache));
    assert_eq!(new_config.stats.cached, 0, "another configuration");
    assert_eq!(outcome(&new_config), outcome(&scan(&root, None)));

    // Editing an organisation rule changes the pack.
    let rule = std::fs::read_dir(root.join("custom-rules"))
        .expect("custom rules")
        .map(|e| e.expect("entry").path())
        .find(|p| p.extension().is_some_and(|x| x == "rhai"))
        .expect("a custom rule");
    append(&rule, "\n// reviewed\n");
    let new_pack = scan(&root, Some(&cache));
    assert_eq!(new_pack.stats.cached, 0, "another rule pack");
}

#[test]
fn a_corrupt_cache_is_reported_and_the_scan_runs_cold() {
    let (_dir, root, cache) = setup();
    let cold = scan(&root, Some(&cache));
    let file = std::fs::read_dir(&cache)
        .expect("cache folder")
        .map(|e| e.expect("entry").path())
        .next()
        .expect("a cache file");
    std::fs::write(&file, b"{\"format\": 1, \"key\": [garbage").expect("write");
    let report = scan(&root, Some(&cache));
    let warning = report
        .diagnostics
        .iter()
        .find(|d| d.kind == "cache-error")
        .expect("a cache-error diagnostic");
    assert!(warning.file.ends_with(".json"), "{warning:?}");
    assert!(warning.message.contains("line 1"), "{warning:?}");
    assert!(
        !report.incomplete(),
        "a bad cache does not make the run incomplete"
    );
    assert_eq!(report.stats.cached, 0);
    let mut a = outcome(&report);
    let b = outcome(&cold);
    a["diagnostics"]
        .as_array_mut()
        .expect("diagnostics")
        .retain(|d| d["kind"] != "cache-error");
    assert_eq!(a, b);
    // The run rewrote it: the next one is warm.
    assert_eq!(scan(&root, Some(&cache)).stats.parsed, 0);
}

/// Set a file's modification time.
fn set_mtime(path: &Path, when: std::time::SystemTime) {
    std::fs::File::options()
        .write(true)
        .open(path)
        .expect("open")
        .set_modified(when)
        .expect("set mtime");
}

/// Same size, other bytes: `/healthz` becomes `/healthy` in the route decorator.
fn same_size_edit(path: &Path) {
    let text = std::fs::read_to_string(path).expect("read");
    assert!(
        text.contains("\"/healthz\""),
        "the example app has /healthz"
    );
    std::fs::write(path, text.replace("\"/healthz\"", "\"/healthy\"")).expect("write");
}

fn has_route(report: &ScanReport, route: &str) -> bool {
    report
        .services
        .iter()
        .flat_map(|s| s.entry_points.iter())
        .any(|e| e.route.ends_with(route))
}

#[test]
fn an_old_unchanged_stamp_spares_reading_but_a_racy_one_is_checked() {
    let (_dir, root, cache) = setup();
    let app = root.join("services/recommendations/recommendations/app.py");
    let an_hour_ago = std::time::SystemTime::now() - std::time::Duration::from_secs(3600);

    // Written just now: the stamp is too close to the scan to be trusted, so an edit that
    // keeps the size and the modification time is still seen.
    let fresh_mtime = std::fs::metadata(&app).unwrap().modified().unwrap();
    scan(&root, Some(&cache));
    same_size_edit(&app);
    set_mtime(&app, fresh_mtime);
    let racy = scan(&root, Some(&cache));
    assert!(has_route(&racy, "/healthy"), "the racy file was read again");
    assert_eq!(outcome(&racy), outcome(&scan(&root, None)));

    // An hour old: the stamp vouches for the content and the file is not read again (the
    // same trade-off as git's index: an edit that restores size and time is not seen).
    set_mtime(&app, an_hour_ago);
    scan(&root, Some(&cache)); // hashes the file again and keeps its old stamp
    let text = std::fs::read_to_string(&app).unwrap();
    std::fs::write(&app, text.replace("\"/healthy\"", "\"/healthz\"")).unwrap();
    set_mtime(&app, an_hour_ago);
    let trusted = scan(&root, Some(&cache));
    assert!(has_route(&trusted, "/healthy"), "the stamp was trusted");
    assert_eq!(trusted.stats.parsed, 0);

    // Any other modification time (or size) sends it back to its content.
    set_mtime(&app, an_hour_ago + std::time::Duration::from_secs(1));
    let touched = scan(&root, Some(&cache));
    assert!(has_route(&touched, "/healthz"));
    assert_eq!(outcome(&touched), outcome(&scan(&root, None)));
}
