//! The Rhai sandbox against hostile rules: runaway loops, deep recursion, huge values, imports
//! that try to leave the rule folders, and attempts to reach files or the environment. Each is
//! stopped with a `rule-error` naming the rule file, within a bounded time, while a normal
//! custom rule and the built-in rules still report.

use std::path::Path;
use std::time::{Duration, Instant};

use apm_doctor_engine::finding::{Diagnostic, ScanReport};
use apm_doctor_engine::{scan, ScanOptions};
use apm_doctor_tests::{untraced_flask, write};

/// Wall-clock budget for one whole scan with a hostile rule, debug build included. Not a
/// performance target: a guard against a rule that hangs the scan.
const BUDGET: Duration = Duration::from_secs(10);

/// A small tree: an untraced Flask service (the built-in `tracer-missing` always fires) with a
/// few Python modules, so that `on_file` hooks run several times.
fn tree(root: &Path) {
    untraced_flask(root);
    for i in 0..8 {
        write(
            root,
            &format!("web/views/v{i}.py"),
            &format!("import os\n\ndef view_{i}():\n    return os.getcwd()\n"),
        );
    }
}

/// A well-behaved custom rule: one finding per service.
const NORMAL: &str = r#"fn meta() { #{ id: "org-normal", category: "org", summary: "always reports" } }
fn on_service(svc) { finding("normal rule ran", service_anchor(svc)) }
"#;

/// Header of a hostile rule whose hooks run per Python file, per service and per repository.
fn hostile(id: &str, body: &str) -> String {
    format!(
        "fn meta() {{ #{{ id: \"{id}\", category: \"org\", summary: \"hostile\",\n  queries: #{{ python: #{{ m: \"(module) @m\" }} }} }} }}\n{body}\n"
    )
}

struct Outcome {
    report: ScanReport,
    elapsed: Duration,
}

impl Outcome {
    /// The rule errors reported for `file` (a file name in the rule folder).
    fn errors_of(&self, file: &str) -> Vec<&Diagnostic> {
        self.report
            .diagnostics
            .iter()
            .filter(|d| {
                d.kind == "rule-error"
                    && Path::new(&d.file).file_name() == Path::new(file).file_name()
            })
            .collect()
    }

    /// The one rule error of `file`, which must mention every word of `words` (any case).
    fn error_of(&self, file: &str, words: &[&str]) -> Diagnostic {
        let errors = self.errors_of(file);
        let d = errors
            .iter()
            .find(|d| {
                let m = d.message.to_lowercase();
                words.iter().all(|w| m.contains(&w.to_lowercase()))
            })
            .unwrap_or_else(|| {
                panic!(
                    "no rule error of {file} mentioning {words:?}: {:#?}",
                    self.report.diagnostics
                )
            });
        (*d).clone()
    }

    /// The scan stayed within the budget, is marked incomplete, and the normal custom rule
    /// and the built-in rules still reported.
    fn assert_rest_intact(&self) {
        assert!(
            self.elapsed < BUDGET,
            "the scan took {:?} (budget {BUDGET:?})",
            self.elapsed
        );
        assert!(
            self.report.incomplete(),
            "a failed rule makes the run incomplete"
        );
        assert!(
            self.report
                .findings
                .iter()
                .any(|f| f.rule == "org-normal" && f.message == "normal rule ran"),
            "the normal custom rule still reports: {:#?}",
            self.report.findings
        );
        assert!(
            self.report
                .findings
                .iter()
                .any(|f| f.rule == "tracer-missing" && f.file == "web/requirements.txt"),
            "built-in findings are intact: {:#?}",
            self.report.findings
        );
    }
}

/// Scan the small tree with the rule folder holding `normal.rhai` and `files` (name, text).
fn run(files: &[(&str, &str)]) -> Outcome {
    let dir = tempfile::tempdir().unwrap();
    tree(dir.path());
    let rules = tempfile::tempdir().unwrap();
    write(rules.path(), "normal.rhai", NORMAL);
    for (name, text) in files {
        write(rules.path(), name, text);
    }
    run_in(dir.path(), rules.path())
}

fn run_in(root: &Path, rules: &Path) -> Outcome {
    let started = Instant::now();
    let report = scan(&ScanOptions {
        root: root.to_path_buf(),
        no_config: true,
        rule_dirs: vec![rules.to_path_buf()],
        ..Default::default()
    })
    .expect("scan runs");
    Outcome {
        report,
        elapsed: started.elapsed(),
    }
}

#[test]
fn infinite_loop_in_every_hook_is_stopped() {
    let out = run(&[
        (
            "spin_file.rhai",
            &hostile("org-spin-file", "fn on_file(file, m) {\n  loop { }\n}"),
        ),
        (
            "spin_service.rhai",
            &hostile(
                "org-spin-service",
                "fn on_service(svc) {\n  let i = 0;\n  while true { i += 1; }\n}",
            ),
        ),
        (
            "spin_repo.rhai",
            &hostile(
                "org-spin-repo",
                "fn on_repo(repo) {\n  let x = 0;\n  for i in 0..9223372036854775807 { x += i; }\n}",
            ),
        ),
        (
            "spin_config.rhai",
            &hostile("org-spin-config", "fn on_config(cfg) {\n  loop { }\n}"),
        ),
    ]);
    out.assert_rest_intact();
    for (file, hook) in [
        ("spin_file.rhai", "on_file"),
        ("spin_service.rhai", "on_service"),
        ("spin_repo.rhai", "on_repo"),
        ("spin_config.rhai", "on_config"),
    ] {
        // Rhai reports limit errors without a position: the rule and the hook are named.
        let d = out.error_of(file, &["too many operations", hook, "sandbox limit"]);
        assert!(d.message.contains("org-spin-"), "names the rule: {d:?}");
    }
}

#[test]
fn top_level_loop_is_stopped_at_load() {
    let out = run(&[(
        "spin_top.rhai",
        &hostile("org-spin-top", "fn on_service(svc) { () }\nloop { }"),
    )]);
    out.assert_rest_intact();
    let d = out.error_of("spin_top.rhai", &["meta() failed", "operations"]);
    assert_eq!(d.line, 4, "{d:?}");
}

#[test]
fn expensive_operations_hit_the_time_limit() {
    // Each operation is cheap to count but expensive to run: searching a 4 MiB string. The
    // operation limit alone would allow hours of this.
    let out = run(&[(
        "slow.rhai",
        &hostile(
            "org-slow",
            "fn on_file(file, m) {\n  let s = \"\";\n  s.pad(4000000, 'x');\n  loop { s.index_of(\"y\"); }\n}",
        ),
    )]);
    out.assert_rest_intact();
    let d = out.error_of("slow.rhai", &["org-slow"]);
    assert!(
        d.message.to_lowercase().contains("time"),
        "says it ran out of time: {d:?}"
    );
}

#[test]
fn deep_recursion_is_stopped() {
    let out = run(&[
        (
            "recurse.rhai",
            &hostile(
                "org-recurse",
                "fn deep(n) { deep(n + 1) }\nfn on_service(svc) { deep(0) }",
            ),
        ),
        (
            "mutual.rhai",
            &hostile(
                "org-mutual",
                "fn ping(n) { pong(n + 1) }\nfn pong(n) { ping(n + 1) }\nfn on_file(file, m) { ping(0) }",
            ),
        ),
    ]);
    out.assert_rest_intact();
    out.error_of("recurse.rhai", &["org-recurse", "stack overflow"]);
    out.error_of("mutual.rhai", &["org-mutual", "stack"]);
}

#[test]
fn deeply_nested_expressions_do_not_compile() {
    let nested = format!("{}1{}", "(".repeat(5_000), ")".repeat(5_000));
    let arrays = format!("{}1{}", "[".repeat(5_000), "]".repeat(5_000));
    let out = run(&[
        (
            "parens.rhai",
            &hostile("org-parens", &format!("fn on_service(svc) {{ {nested} }}")),
        ),
        (
            "arrays.rhai",
            &hostile("org-arrays", &format!("fn on_service(svc) {{ {arrays} }}")),
        ),
        (
            "blocks.rhai",
            &hostile(
                "org-blocks",
                &format!(
                    "fn on_service(svc) {{ {}(){} }}",
                    "{ ".repeat(5_000),
                    " }".repeat(5_000)
                ),
            ),
        ),
    ]);
    out.assert_rest_intact();
    for file in ["parens.rhai", "arrays.rhai", "blocks.rhai"] {
        let d = out.error_of(file, &["does not compile"]);
        assert!(d.line >= 1, "{d:?}");
    }
}

/// Run each hostile rule in its own scan (several runaway rules in one scan each spend their
/// own budget) and check its error mentions one of `any` (what stopped it: the size limit,
/// the time limit when each step re-measures a growing value, or the operation budget,
/// whichever a given machine reaches first).
fn each_stopped(cases: &[(&str, &str, &str)], any: &[&str]) {
    for (file, id, body) in cases {
        let out = run(&[(file, &hostile(id, body))]);
        out.assert_rest_intact();
        let errors = out.errors_of(file);
        assert!(
            errors.iter().any(|d| d.message.contains(&format!("`{id}`"))
                && d.message.contains("sandbox limit")
                && any.iter().any(|w| d.message.to_lowercase().contains(w))),
            "{file}: expected one of {any:?}: {errors:#?}"
        );
    }
}

#[test]
fn huge_strings_are_stopped() {
    each_stopped(
        &[
            (
                "doubling.rhai",
                "org-doubling",
                "fn on_service(svc) {\n  let s = \"x\";\n  loop { s += s; }\n}",
            ),
            (
                "pad.rhai",
                "org-pad",
                "fn on_service(svc) {\n  let s = \"\";\n  s.pad(1000000000, 'x');\n  ()\n}",
            ),
            (
                "joined.rhai",
                "org-joined",
                "fn on_service(svc) {\n  let s = \"\";\n  s.pad(1000000, 'x');\n  let parts = [];\n  for i in 0..100 { parts.push(s); }\n  let all = join_strings(parts, \",\");\n  ()\n}",
            ),
            (
                "finding_text.rhai",
                "org-finding-text",
                "fn on_service(svc) {\n  let s = \"\";\n  s.pad(3000000, 'x');\n  finding(s + s, service_anchor(svc))\n}",
            ),
        ],
        &["length of string too large"],
    );
}

#[test]
fn huge_arrays_are_stopped() {
    each_stopped(
        &[
            (
                "push.rhai",
                "org-push",
                "fn on_file(file, m) {\n  let a = [];\n  loop { a.push(1); }\n}",
            ),
            (
                "pad.rhai",
                "org-pad-array",
                "fn on_service(svc) {\n  let a = [];\n  a.pad(1000000000, 0);\n  ()\n}",
            ),
            (
                "doubling.rhai",
                "org-doubling-array",
                "fn on_service(svc) {\n  let a = [1];\n  loop { a += a; }\n}",
            ),
            (
                "findings.rhai",
                "org-many-findings",
                "fn on_file(file, m) {\n  let out = [];\n  loop { out.push(finding(#{ message: \"x\", file: file.path, line: 1 })); }\n}",
            ),
        ],
        &["size of array", "time limit", "too many operations"],
    );
}

#[test]
fn huge_maps_are_stopped() {
    each_stopped(
        &[(
            "keys.rhai",
            "org-keys",
            "fn on_service(svc) {\n  let m = #{};\n  let i = 0;\n  loop { m[`k${i}`] = i; i += 1; }\n}",
        )],
        &["size of object map", "time limit", "too many operations"],
    );
}

#[test]
fn deeply_nested_values_do_not_overflow_the_stack() {
    // Rhai measures and drops nested values recursively: thousands of levels used to overflow
    // the worker's stack and abort the process. Hook calls run on large stacks and under the
    // time limit, which stops the nesting long before those stacks could run out.
    each_stopped(
        &[
            (
                "nested_array.rhai",
                "org-nested-array",
                "fn on_service(svc) {\n  let a = [];\n  loop { a = [a]; }\n}",
            ),
            (
                "nested_map.rhai",
                "org-nested-map",
                "fn on_file(file, m) {\n  let a = #{};\n  loop { a = #{ inner: a }; }\n}",
            ),
            (
                "nested_mixed.rhai",
                "org-nested-mixed",
                "fn on_repo(repo) {\n  let a = #{};\n  loop { a = [#{ inner: a }]; }\n}",
            ),
        ],
        &["time limit", "size of", "operations"],
    );
}

#[test]
fn imports_evaluated_in_a_loop_share_one_time_budget() {
    // Each import evaluates the module with a fresh operation count: without a wall-clock
    // limit for the whole hook call, a loop of imports multiplies the operation budget.
    let dir = tempfile::tempdir().unwrap();
    tree(dir.path());
    let rules = tempfile::tempdir().unwrap();
    write(rules.path(), "normal.rhai", NORMAL);
    write(
        rules.path(),
        "slow/busy.rhai",
        "let n = 0;\nwhile n < 19000000 { n += 1; }\nfn done() { true }\n",
    );
    write(
        rules.path(),
        "importer.rhai",
        &hostile(
            "org-importer",
            "fn on_service(svc) {\n  loop { import \"slow/busy\" as b; }\n}",
        ),
    );
    let out = run_in(dir.path(), rules.path());
    out.assert_rest_intact();
    out.error_of("importer.rhai", &["org-importer", "sandbox limit"]);
}

#[test]
fn imports_outside_the_rule_folders_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    tree(dir.path());
    let outside = tempfile::tempdir().unwrap();
    // A real module outside the rule folder: importing it must fail although it exists.
    write(outside.path(), "evil.rhai", "fn steal() { \"stolen\" }\n");
    let parent = tempfile::tempdir().unwrap();
    let rules = parent.path().join("rules");
    write(parent.path(), "sibling.rhai", "fn steal() { \"stolen\" }\n");
    write(&rules, "normal.rhai", NORMAL);
    write(&rules, "helpers.rhai", "fn greet() { \"hello\" }\n");
    let evil = outside.path().join("evil.rhai");
    let evil = evil.to_string_lossy();
    let evil_noext = outside.path().join("evil");
    let evil_noext = evil_noext.to_string_lossy();
    let cases = [
        (
            "absolute.rhai",
            "org-absolute",
            format!("import \"{evil}\" as e;"),
        ),
        (
            "absolute_noext.rhai",
            "org-absolute-noext",
            format!("import \"{evil_noext}\" as e;"),
        ),
        (
            "passwd.rhai",
            "org-passwd",
            "import \"/etc/passwd\" as e;".to_string(),
        ),
        (
            "dotdot.rhai",
            "org-dotdot",
            "import \"../sibling\" as e;".to_string(),
        ),
        (
            "dotdot_deep.rhai",
            "org-dotdot-deep",
            format!("import \"../../../../../../../../..{evil}\" as e;"),
        ),
        (
            "computed.rhai",
            "org-computed",
            "import \"..\" + \"/sibling\" as e;".to_string(),
        ),
        (
            "linked.rhai",
            "org-linked",
            "import \"link\" as e;".to_string(),
        ),
    ];
    for (file, id, import) in &cases {
        write(
            &rules,
            file,
            &hostile(
                id,
                &format!("fn on_service(svc) {{\n  {import}\n  e::steal()\n}}"),
            ),
        );
    }
    // A top-level import runs when the rule loads.
    write(
        &rules,
        "top.rhai",
        &format!(
            "import \"{evil}\" as e;\n{}",
            hostile("org-top-import", "fn on_service(svc) { () }")
        ),
    );
    // A link inside the rule folder to a module outside it.
    #[cfg(unix)]
    std::os::unix::fs::symlink(outside.path().join("evil.rhai"), rules.join("link.rhai")).unwrap();
    // A module inside the folder stays importable.
    write(
        &rules,
        "uses_helper.rhai",
        r#"fn meta() { #{ id: "org-uses-helper", category: "org", summary: "imports a helper" } }
fn on_service(svc) {
  import "helpers" as h;
  finding(h::greet(), service_anchor(svc))
}
"#,
    );
    let out = run_in(dir.path(), &rules);
    out.assert_rest_intact();
    assert!(
        out.report
            .findings
            .iter()
            .any(|f| f.rule == "org-uses-helper" && f.message == "hello"),
        "a helper inside the rule folder is importable: {:#?}",
        out.report.diagnostics
    );
    assert!(
        !out.report
            .findings
            .iter()
            .any(|f| f.message.contains("stolen")),
        "{:#?}",
        out.report.findings
    );
    for (file, id, _) in &cases {
        if *file == "linked.rhai" && cfg!(not(unix)) {
            continue;
        }
        let d = out.error_of(file, &[id]);
        assert!(
            d.message.contains("outside the rule folders") || d.message.contains("cannot open"),
            "{d:?}"
        );
        assert_eq!(d.line, 4, "the import line: {d:?}");
    }
    let d = out.error_of("top.rhai", &["outside the rule folders"]);
    assert_eq!(d.line, 1, "{d:?}");
}

#[test]
fn rules_cannot_reach_files_processes_or_the_environment() {
    let attempts = [
        ("open.rhai", "org-open", "open_file(\"/etc/passwd\")"),
        ("read.rhai", "org-read", "read_file(\"/etc/passwd\")"),
        ("fs.rhai", "org-fs", "fs::read(\"/etc/passwd\")"),
        ("env.rhai", "org-env", "env(\"HOME\")"),
        ("getenv.rhai", "org-getenv", "get_env(\"HOME\")"),
        (
            "system.rhai",
            "org-system",
            "system(\"touch /tmp/apm-doctor-pwned\")",
        ),
        ("exec.rhai", "org-exec", "exec(\"sh\")"),
        ("http.rhai", "org-http", "http_get(\"http://example.com\")"),
        (
            "call.rhai",
            "org-call",
            "call(Fn(\"open_file\"), \"/etc/passwd\")",
        ),
        (
            "fnptr.rhai",
            "org-fnptr",
            "Fn(\"read_file\").call(\"/etc/passwd\")",
        ),
    ];
    let mut files = Vec::new();
    for (file, id, expr) in &attempts {
        files.push((
            *file,
            hostile(
                id,
                &format!("fn on_service(svc) {{\n  let x = {expr};\n  ()\n}}"),
            ),
        ));
    }
    // `eval` is disabled: the rule does not even compile.
    files.push((
        "eval.rhai",
        hostile(
            "org-eval",
            "fn on_service(svc) {\n  eval(\"let x = 1;\");\n  ()\n}",
        ),
    ));
    // `print` and `debug` are harmless no-ops: the rule runs and reports.
    files.push((
        "print.rhai",
        r#"fn meta() { #{ id: "org-print", category: "org", summary: "prints" } }
fn on_service(svc) {
  print("APM_DOCTOR_SANDBOX_MARKER");
  debug("APM_DOCTOR_SANDBOX_MARKER");
  finding("printed", service_anchor(svc))
}
"#
        .to_string(),
    ));
    let borrowed: Vec<(&str, &str)> = files.iter().map(|(f, t)| (*f, t.as_str())).collect();
    let out = run(&borrowed);
    out.assert_rest_intact();
    for (file, id, _) in &attempts {
        let d = out.errors_of(file);
        assert_eq!(d.len(), 1, "{d:?}");
        let m = d[0].message.to_lowercase();
        assert!(
            (m.contains(id) && m.contains("function not found"))
                || m.contains("does not compile: undefined module"),
            "{d:?}"
        );
        assert_eq!(d[0].line, 4, "{d:?}");
    }
    let d = out.error_of("eval.rhai", &["does not compile", "eval"]);
    assert_eq!(d.line, 4, "{d:?}");
    assert!(
        out.report
            .findings
            .iter()
            .any(|f| f.rule == "org-print" && f.message == "printed"),
        "print/debug are no-ops: {:#?}",
        out.report.diagnostics
    );
    assert!(!Path::new("/tmp/apm-doctor-pwned").exists());
}

#[test]
fn a_rule_that_hits_a_limit_stops_running_for_the_rest_of_the_scan() {
    // Without a circuit breaker a runaway on_file hook would cost its full budget once per file.
    let dir = tempfile::tempdir().unwrap();
    tree(dir.path());
    for i in 0..200 {
        write(dir.path(), &format!("web/many/m{i}.py"), "import os\n");
    }
    let rules = tempfile::tempdir().unwrap();
    write(rules.path(), "normal.rhai", NORMAL);
    write(
        rules.path(),
        "spin.rhai",
        &hostile("org-spin-many", "fn on_file(file, m) {\n  loop { }\n}"),
    );
    let out = run_in(dir.path(), rules.path());
    out.assert_rest_intact();
    let errors = out.errors_of("spin.rhai");
    assert!(!errors.is_empty());
    assert!(
        errors.len() <= 4,
        "reported once (per worker racing), not once per file: {errors:#?}"
    );
    assert!(
        errors
            .iter()
            .any(|d| d.message.contains("not run on the remaining")),
        "{errors:#?}"
    );
}
