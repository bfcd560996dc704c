//! Applied-fix tests: each rule's fix is applied to a copy of one of its fixtures; the diff the
//! scan reports must pass `git apply --check` and `patch -p1 --dry-run`, the patched files must
//! parse, and a re-scan must no longer report the finding.

use std::path::{Path, PathBuf};
use std::process::Command;

use apm_doctor_engine::finding::{Finding, ScanReport};
use apm_doctor_engine::fix::{apply_fixes, ApplyOptions};
use apm_doctor_engine::language::Grammar;
use apm_doctor_engine::scan::ScanOptions;
use apm_doctor_tests::copy_tree;

fn rules_dir() -> PathBuf {
    PathBuf::from(apm_doctor_engine::rules::builtin_source_dir())
}

fn scan(root: &Path, rule: &str) -> ScanReport {
    apm_doctor_engine::scan(&ScanOptions {
        root: root.to_path_buf(),
        no_config: true,
        only_rules: vec![rule.to_string()],
        ..Default::default()
    })
    .expect("scan")
}

fn of_rule<'a>(report: &'a ScanReport, rule: &str) -> Vec<&'a Finding> {
    report.findings.iter().filter(|f| f.rule == rule).collect()
}

fn run(dir: &Path, program: &str, args: &[&str], stdin: Option<&str>) -> (bool, String) {
    use std::io::Write;
    let mut child = Command::new(program)
        .args(args)
        .current_dir(dir)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("{program}: {e}"));
    if let Some(text) = stdin {
        child
            .stdin
            .take()
            .unwrap()
            .write_all(text.as_bytes())
            .unwrap();
    }
    let out = child.wait_with_output().unwrap();
    (
        out.status.success(),
        format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ),
    )
}

/// Copy `rules/<fixture>` to a temporary repository, check and apply the fixes of `rule`,
/// and return the patched tree (with the text of every file the fixes touched).
fn fix_fixture(fixture: &str, rule: &str) -> (tempfile::TempDir, Vec<(String, String)>) {
    let dir = tempfile::tempdir().unwrap();
    copy_tree(&rules_dir().join(fixture), dir.path());
    fix_dir(dir, fixture, rule)
}

/// A temporary tree holding `files` (path, text).
fn tree(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (path, text) in files {
        let p = dir.path().join(path);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }
    dir
}

fn fix_dir(
    dir: tempfile::TempDir,
    fixture: &str,
    rule: &str,
) -> (tempfile::TempDir, Vec<(String, String)>) {
    let before = scan(dir.path(), rule);
    let findings = of_rule(&before, rule);
    assert!(!findings.is_empty(), "{fixture}: no `{rule}` finding");
    let fixable: Vec<&Finding> = findings
        .iter()
        .copied()
        .filter(|f| f.fix.as_ref().is_some_and(|x| !x.edits.is_empty()))
        .collect();
    assert!(
        !fixable.is_empty(),
        "{fixture}: no `{rule}` finding carries edits: {findings:#?}\n{:#?}",
        before.diagnostics
    );
    assert!(
        !before.diagnostics.iter().any(|d| d.kind == "fix-error"),
        "{:#?}",
        before.diagnostics
    );
    // Every fix's diff applies with git and patch, from the scan root.
    let (ok, out) = run(dir.path(), "git", &["init", "-q"], None);
    assert!(ok, "{out}");
    for f in &fixable {
        let diff = f.fix.as_ref().unwrap().diff.as_deref().expect("diff");
        let (ok, out) = run(dir.path(), "git", &["apply", "--check", "-"], Some(diff));
        assert!(ok, "{fixture}: git apply --check refused:\n{diff}\n{out}");
        let (ok, out) = run(
            dir.path(),
            "patch",
            &["-p1", "--dry-run", "--force", "--silent"],
            Some(diff),
        );
        assert!(ok, "{fixture}: patch --dry-run refused:\n{diff}\n{out}");
    }
    let owned: Vec<Finding> = fixable.iter().map(|f| (*f).clone()).collect();
    let outcome = apply_fixes(dir.path(), &owned, &ApplyOptions::default());
    assert_eq!(outcome.refused(), 0, "{fixture}: {outcome:#?}");
    assert!(outcome.applied() > 0);
    let mut touched = Vec::new();
    for file in &outcome.files {
        let text = std::fs::read_to_string(dir.path().join(&file.file)).unwrap();
        if let Some(g) = Grammar::from_path(&file.file) {
            assert_eq!(
                apm_doctor_engine::fix::apply::syntax_errors(g, &text),
                Some(0),
                "{}: does not parse after the fix:\n{text}",
                file.file
            );
        }
        touched.push((file.file.clone(), text));
    }
    // The fixed findings are gone.
    let after = scan(dir.path(), rule);
    let remaining = of_rule(&after, rule);
    assert!(
        remaining.len() + fixable.len() <= findings.len(),
        "{fixture}: still reported after the fix: {remaining:#?}\n{touched:#?}"
    );
    (dir, touched)
}

fn text_of<'a>(touched: &'a [(String, String)], file: &str) -> &'a str {
    &touched
        .iter()
        .find(|(f, _)| f == file)
        .unwrap_or_else(|| panic!("{file} not touched: {touched:#?}"))
        .1
}

#[test]
fn init_order_python_moves_ddtrace_auto_to_the_top() {
    let (_d, t) = fix_fixture(
        "audit/init-order/python-flask-before-ddtrace-auto",
        "init-order",
    );
    assert!(text_of(&t, "catalog/app.py").starts_with("import ddtrace.auto"));
}

#[test]
fn init_order_node_moves_the_tracer_first() {
    let (_d, t) = fix_fixture(
        "audit/init-order/node-express-before-dd-trace",
        "init-order",
    );
    assert!(text_of(&t, "web/src/app.js")
        .starts_with("'use strict';\n\nconst tracer = require('dd-trace').init("));
    let (_d, t) = fix_fixture(
        "audit/init-order/node-esm-import-before-dd-trace",
        "init-order",
    );
    assert!(text_of(&t, "api/src/server.mjs").starts_with("import 'dd-trace/init.js';"));
}

#[test]
fn init_order_go_defers_tracer_stop() {
    let (_d, t) = fix_fixture(
        "audit/init-order/go-tracer-start-without-stop",
        "init-order",
    );
    assert!(
        text_of(&t, "ratings/main.go").contains("// expect: init-order\n\tdefer tracer.Stop()\n")
    );
}

#[test]
fn ust_missing_dockerfile_exports_the_build_arg() {
    let (_d, t) = fix_fixture(
        "audit/ust-missing/dockerfile-arg-version-not-exported",
        "ust-missing",
    );
    assert!(text_of(&t, "invoices/Dockerfile")
        .contains("ENV DD_VERSION=${DD_VERSION}\nCMD [\"bundle\""));
}

#[test]
fn ust_missing_kubernetes_env_item_matches_indentation() {
    let (_d, t) = fix_fixture(
        "audit/ust-missing/k8s-deployment-without-version",
        "ust-missing",
    );
    assert!(text_of(&t, "deploy/k8s/recommendations.yaml").contains(
        "          env:\n            - name: DD_VERSION\n              value: \"1.0.0\"\n            - name: DD_AGENT_HOST\n"
    ));
}

const ACCOUNTS_PACKAGE: &str = r#"{
  "name": "accounts",
  "version": "1.6.0",
  "scripts": { "start": "node --require dd-trace/init server.js" },
  "dependencies": { "dd-trace": "^5.12.0", "express": "^4.19.2" }
}
"#;

#[test]
fn ust_missing_compose_map_and_crlf_list() {
    let dir = tree(&[
        ("accounts/package.json", ACCOUNTS_PACKAGE),
        ("accounts/server.js", "const express = require('express');\n"),
        (
            "docker-compose.yml",
            "services:\n  accounts:\n    build: ./accounts\n    environment:\n      DD_SERVICE: accounts\n      DD_AGENT_HOST: datadog-agent\n",
        ),
    ]);
    let (_d, t) = fix_dir(dir, "compose map", "ust-missing");
    assert!(text_of(&t, "docker-compose.yml").contains(
        "    environment:\n      DD_ENV: production\n      DD_VERSION: 1.0.0\n      DD_SERVICE: accounts\n"
    ));

    let dir = tree(&[
        ("accounts/package.json", ACCOUNTS_PACKAGE),
        ("accounts/server.js", "const express = require('express');\n"),
        (
            "docker-compose.yml",
            "services:\r\n  accounts:\r\n    build: ./accounts\r\n    environment:\r\n      - DD_SERVICE=accounts\r\n      - DD_ENV=dev\r\n",
        ),
    ]);
    let (_d, t) = fix_dir(dir, "compose list, CRLF", "ust-missing");
    assert_eq!(
        text_of(&t, "docker-compose.yml"),
        "services:\r\n  accounts:\r\n    build: ./accounts\r\n    environment:\r\n      - DD_VERSION=1.0.0\r\n      - DD_SERVICE=accounts\r\n      - DD_ENV=dev\r\n"
    );
}

#[test]
fn tracer_missing_python_requirements_and_ddtrace_run() {
    let (_d, t) = fix_fixture(
        "audit/tracer-missing/python-flask-no-tracer",
        "tracer-missing",
    );
    assert!(text_of(&t, "orders/requirements.txt").ends_with("requests==2.31.0\nddtrace>=4.0\n"));
    assert!(text_of(&t, "orders/Dockerfile").contains("CMD [\"ddtrace-run\", \"gunicorn\""));
}

#[test]
fn tracer_missing_node_dependency_and_preload() {
    let (_d, t) = fix_fixture(
        "audit/tracer-missing/node-express-no-tracer",
        "tracer-missing",
    );
    let pkg = text_of(&t, "checkout/package.json");
    assert!(pkg.contains("\"start\": \"node --require dd-trace/init src/server.js\""));
    assert!(pkg.contains("\"dependencies\": {\n    \"dd-trace\": \"^5.0.0\",\n    \"express\""));
    serde_json::from_str::<serde_json::Value>(pkg).expect("valid JSON");
}

#[test]
fn tracer_missing_java_agent_in_the_dockerfile() {
    let (_d, t) = fix_fixture(
        "audit/tracer-missing/java-spring-no-agent",
        "tracer-missing",
    );
    assert!(text_of(&t, "payments/Dockerfile").contains(
        "ENV JAVA_TOOL_OPTIONS=\"-javaagent:/opt/datadog/dd-java-agent.jar\"\nENTRYPOINT"
    ));
}

#[test]
fn span_not_finished_go_defers_finish() {
    let (_d, t) = fix_fixture(
        "coverage/span-not-finished/go-early-return-and-discarded",
        "span-not-finished",
    );
    let store = text_of(&t, "ledger/store.go");
    assert!(store.contains(
        "tracer.StartSpanFromContext(ctx, \"ledger.audit\") // expect: span-not-finished\n\tdefer span.Finish()\n"
    ));
}

#[test]
fn goroutine_context_lost_passes_the_request_context() {
    let (_d, t) = fix_fixture(
        "propagation/goroutine-context-lost/handler-spawns-background",
        "goroutine-context-lost",
    );
    let main = text_of(&t, "orders/main.go");
    assert!(main.contains("context.WithTimeout(r.Context(), 5*time.Second)"));
    assert!(main.contains("go s.publish(r.Context(), o)"));
}

#[test]
fn http_client_not_propagating_wraps_the_client_and_imports_httptrace() {
    let (_d, t) = fix_fixture(
        "propagation/http-client-not-propagating/go-unwrapped-clients",
        "http-client-not-propagating",
    );
    let pricing = text_of(&t, "inventory/pricing.go");
    assert!(pricing.contains("http: httptrace.WrapClient(&http.Client{Timeout: 3 * time.Second}),"));
    assert!(
        pricing.contains("\thttptrace \"github.com/DataDog/dd-trace-go/contrib/net/http/v2\"\n)")
    );
}

#[test]
fn entrypoint_uninstrumented_go_gin_gets_the_middleware() {
    let (_d, t) = fix_fixture(
        "coverage/entrypoint-uninstrumented/go-gin-without-middleware",
        "entrypoint-uninstrumented",
    );
    let main = text_of(&t, "orders/main.go");
    assert!(main.contains("\tr := gin.New()\n\tr.Use(gintrace.Middleware(\"orders\"))\n"));
    assert!(main.contains("gintrace \"github.com/DataDog/dd-trace-go/contrib/gin-gonic/gin/v2\""));
}

#[test]
fn resource_high_cardinality_templates_the_resource_and_tags_the_value() {
    let (_d, t) = fix_fixture(
        "coverage/resource-high-cardinality/go-sprintf-resource",
        "resource-high-cardinality",
    );
    let handlers = text_of(&t, "users/handlers.go");
    assert!(handlers.contains("tracer.ResourceName(\"GET /users/:id\"), tracer.Tag(\"id\", id))"));
    let (_d, t) = fix_fixture(
        "coverage/resource-high-cardinality/java-concatenated-resource",
        "resource-high-cardinality",
    );
    assert!(
        text_of(&t, "users/src/main/java/com/shop/users/UserController.java")
            .contains(".withTag(DDTags.RESOURCE_NAME, \"GET /users/:id\").withTag(\"id\", id)")
    );
}

#[test]
fn error_not_tagged_go_defers_a_closure_reading_the_final_error() {
    let (_d, t) = fix_fixture(
        "coverage/error-not-tagged/go-error-returns-untagged",
        "error-not-tagged",
    );
    let publisher = text_of(&t, "events/publisher.go");
    assert!(
        publisher.contains("\tdefer func() { span.Finish(tracer.WithError(err)) }() // expect"),
        "{publisher}"
    );
    assert!(!publisher.contains("\tdefer span.Finish(tracer.WithError(err))"));
}

#[test]
fn grpc_interceptor_missing_go_adds_the_interceptors_and_import() {
    let (_d, t) = fix_fixture(
        "propagation/grpc-interceptor-missing/go-server-client-bare",
        "grpc-interceptor-missing",
    );
    let main = text_of(&t, "shipping/main.go");
    assert!(main.contains("grpc.NewClient(\"rates:50051\", grpc.WithUnaryInterceptor(grpctrace.UnaryClientInterceptor()), grpc.WithStreamInterceptor(grpctrace.StreamClientInterceptor()), grpc.WithTransportCredentials("), "{main}");
    assert!(main.contains("grpc.NewServer(grpc.UnaryInterceptor(grpctrace.UnaryServerInterceptor()), grpc.StreamInterceptor(grpctrace.StreamServerInterceptor()), )"), "{main}");
    assert!(main.contains("grpctrace \""), "{main}");
}

/// The span patch `rca` proposes for a missing span applies with git and parses.
#[test]
fn rca_span_patch_applies_and_parses() {
    use apm_doctor_engine::rca::correlate::Deficiency;
    use apm_doctor_engine::rca::remediation::remediation;
    let cases = [
        (
            "java",
            "src/Scorer.java",
            "package acme;\n\nimport java.util.List;\n\npublic class Scorer {\n    @Deprecated\n    public double score(List<Double> xs) {\n        return xs.size();\n    }\n}\n",
            7,
            "@Trace(operationName = \"svc.score\")",
        ),
        (
            "python",
            "app/scoring.py",
            "import os\n\n\ndef score(order):\n    return len(order)\n",
            4,
            "@tracer.wrap(\"svc.score\")",
        ),
        (
            "go",
            "svc/score.go",
            "package svc\n\nimport \"context\"\n\nfunc Score(ctx context.Context, n int) int {\n\treturn n\n}\n",
            5,
            "span, ctx := tracer.StartSpanFromContext(ctx, \"svc.score\")",
        ),
        (
            "dotnet",
            "Svc/Scorer.cs",
            "namespace Svc;\n\npublic class Scorer\n{\n    public int Score(int n)\n    {\n        return n;\n    }\n}\n",
            5,
            "using var scope = Tracer.Instance.StartActive(\"svc.score\");",
        ),
    ];
    for (language, file, text, line, expected) in cases {
        let dir = tree(&[(file, text)]);
        let d = Deficiency {
            rule: "missing-span".into(),
            finding: None,
            service: Some("svc".into()),
            file: file.into(),
            line,
            function: None,
            missing_span: Some("svc.score".into()),
            score: 50,
            reason: "test".into(),
            proposed_by: "test".into(),
        };
        let summary = apm_doctor_engine::finding::ServiceSummary {
            name: "svc".into(),
            language: Some(language.into()),
            ..Default::default()
        };
        let rem = remediation(dir.path(), &d, Some(&summary));
        let diff = rem
            .diff
            .unwrap_or_else(|| panic!("{language}: no diff: {:?}", rem.diff_note));
        let (ok, out) = run(dir.path(), "git", &["init", "-q"], None);
        assert!(ok, "{out}");
        let (ok, out) = run(dir.path(), "git", &["apply", "-"], Some(&diff));
        assert!(ok, "{language}: git apply refused:\n{diff}\n{out}");
        let patched = std::fs::read_to_string(dir.path().join(file)).unwrap();
        assert!(patched.contains(expected), "{language}:\n{patched}");
        let g = Grammar::from_path(file).unwrap();
        assert_eq!(
            apm_doctor_engine::fix::apply::syntax_errors(g, &patched),
            Some(0),
            "{language}: does not parse:\n{patched}"
        );
    }
}
