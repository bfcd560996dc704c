//! Diff mode end to end: `apm-doctor scan --base REV` in a real git repository with a Python and
//! a Go service, scanned from the repository top and from a subfolder.

use std::path::Path;
use std::process::Output;

mod common;
use common::{bin, git, write};

const CHECKOUT_PY: &str = r#"from ddtrace import tracer


def checkout(order):
    with tracer.trace("checkout.process", resource="POST /checkout") as span:
        span.set_tag("order.id", order.id)
        span.set_tag("customer.tier", order.tier)
        return order.total
"#;

const PAY_GO: &str = r#"package main

import (
	"context"

	"github.com/DataDog/dd-trace-go/v2/ddtrace/tracer"
)

func Charge(ctx context.Context) {
	span, ctx := tracer.StartSpanFromContext(ctx, "payment.charge", tracer.ResourceName("charge"))
	defer span.Finish()
	span.SetTag("payment.provider", "stripe")
}

func main() {
	tracer.Start()
	defer tracer.Stop()
}
"#;

/// A committed repository: `services/checkout` (Python) and `services/payments` (Go) under
/// `apps/` (so that a subfolder scan can be tested too).
fn repo(root: &Path) {
    write(
        root,
        "apps/services/checkout/requirements.txt",
        "flask==3.0.3\nddtrace==2.9.2\n",
    );
    write(root, "apps/services/checkout/app.py", CHECKOUT_PY);
    write(
        root,
        "apps/services/payments/go.mod",
        "module example.com/payments\n\ngo 1.22\n\nrequire github.com/DataDog/dd-trace-go/v2 v2.0.0\n",
    );
    write(root, "apps/services/payments/main.go", PAY_GO);
    git(root, &["init", "-q"]);
    git(root, &["add", "."]);
    git(root, &["commit", "-q", "-m", "base"]);
}

/// Remove the `customer.tier` tag and rename the `charge` resource in the working tree.
fn edit(root: &Path) {
    write(
        root,
        "apps/services/checkout/app.py",
        &CHECKOUT_PY.replace("        span.set_tag(\"customer.tier\", order.tier)\n", ""),
    );
    write(
        root,
        "apps/services/payments/main.go",
        &PAY_GO.replace("ResourceName(\"charge\")", "ResourceName(\"charge-card\")"),
    );
}

fn scan(path: &Path, extra: &[&str]) -> Output {
    bin()
        .arg("scan")
        .arg(path)
        .args(["--format", "json", "--fail-on", "never"])
        .args(extra)
        .output()
        .expect("runs")
}

fn compat_findings(out: &Output) -> Vec<serde_json::Value> {
    assert_eq!(
        out.status.code(),
        Some(0),
        "stderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["category"] == "compat")
        .cloned()
        .collect()
}

#[test]
fn removed_tag_and_renamed_resource_are_reported_where_the_code_changed() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    repo(root);
    edit(root);
    for (path, prefix) in [(root.to_path_buf(), "apps/"), (root.join("apps"), "")] {
        let found = compat_findings(&scan(&path, &["--base", "HEAD"]));
        assert_eq!(found.len(), 2, "{found:#?}");
        let tag = found
            .iter()
            .find(|f| f["rule"] == "span-tag-removed")
            .expect("span-tag-removed");
        assert_eq!(
            tag["file"],
            format!("{prefix}services/checkout/app.py").as_str()
        );
        assert_eq!(tag["line"], 5, "the span the tag was set on: {tag:#?}");
        assert_eq!(tag["service"], "checkout");
        let message = tag["message"].as_str().unwrap();
        assert!(
            message.contains("`customer.tier`")
                && message.contains("`checkout.process`")
                && message.contains("HEAD")
                && message.contains(&format!("{prefix}services/checkout/app.py:7")),
            "{message}"
        );
        let res = found
            .iter()
            .find(|f| f["rule"] == "resource-renamed")
            .expect("resource-renamed");
        assert_eq!(
            res["file"],
            format!("{prefix}services/payments/main.go").as_str()
        );
        assert_eq!(res["line"], 10, "the replacing code: {res:#?}");
        assert_eq!(res["service"], "payments");
        let message = res["message"].as_str().unwrap();
        assert!(
            message.contains("`charge`")
                && message.contains("`charge-card`")
                && message.contains(&format!("{prefix}services/payments/main.go:10"))
                && message.contains("`Charge`"),
            "{message}"
        );
    }
}

#[test]
fn an_unchanged_tree_and_a_scan_without_base_report_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    repo(root);
    assert!(compat_findings(&scan(root, &["--base", "HEAD"])).is_empty());
    edit(root);
    // Without --base the compat rules are idle.
    assert!(compat_findings(&scan(root, &[])).is_empty());
}

#[test]
fn a_bad_revision_or_no_repository_is_a_usage_error() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    repo(root);
    let out = scan(root, &["--base", "no-such-branch"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("--base no-such-branch") && err.contains("unknown revision"),
        "{err}"
    );
    assert!(out.stdout.is_empty());

    let out = scan(root, &["--base=-x"]);
    assert_eq!(out.status.code(), Some(2), "{out:?}");

    let plain = tempfile::tempdir().unwrap();
    write(plain.path(), "requirements.txt", "ddtrace==2.9.2\n");
    let out = scan(plain.path(), &["--base", "HEAD"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("not inside a git repository"), "{err}");
}
