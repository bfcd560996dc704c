// Validates apm-doctor's SARIF output against the official OASIS SARIF 2.1.0 JSON schema
// (tests/data/sarif-schema-2.1.0.json, errata 01), plus the extra constraints GitHub code
// scanning relies on that the schema cannot express.

use std::collections::BTreeMap;

use apm_doctor_engine::finding::{
    ConfigValue, Diagnostic, Finding, Fix, InitInfo, RuleInfo, ScanReport, ServiceSummary,
    Severity, Stats, TracerInfo,
};
use apm_doctor_engine::report::{write_report, Format};
use serde_json::Value;

const SCHEMA: &str = include_str!("../data/sarif-schema-2.1.0.json");

fn validator() -> jsonschema::Validator {
    let schema: Value = serde_json::from_str(SCHEMA).expect("schema is JSON");
    jsonschema::options()
        .with_draft(jsonschema::Draft::Draft4)
        .should_validate_formats(true)
        .build(&schema)
        .expect("schema compiles")
}

/// Schema violations of `log`, one line each.
fn violations(validator: &jsonschema::Validator, log: &Value) -> Vec<String> {
    validator
        .iter_errors(log)
        .map(|error| format!("{}: {error}", error.instance_path()))
        .collect()
}

fn finding(
    rule: &str,
    severity: Severity,
    service: Option<&str>,
    file: &str,
    line: usize,
    column: usize,
    message: &str,
) -> Finding {
    Finding {
        rule: rule.to_string(),
        severity,
        category: "audit".to_string(),
        message: message.to_string(),
        service: service.map(str::to_string),
        file: file.to_string(),
        line,
        column,
        fix: None,
        suppressed: false,
    }
}

fn rule(id: &str, severity: Severity, docs: &str) -> RuleInfo {
    RuleInfo {
        id: id.to_string(),
        category: "audit".to_string(),
        severity,
        summary: format!("Summary of {id}"),
        rationale: format!("Why {id} matters."),
        docs: docs.to_string(),
    }
}

/// A report that exercises every part of the SARIF writer: absolute root, rules with and
/// without docs, a finding whose rule is not in `rules`, a fix, a suppressed finding, odd
/// file names, unknown lines, and diagnostics with and without locations.
fn report() -> ScanReport {
    let mut with_fix = finding(
        "env-missing",
        Severity::Error,
        Some("api"),
        "services/api/Dockerfile",
        12,
        5,
        "DD_ENV is not set for service `api`",
    );
    with_fix.fix = Some(Fix {
        description: "Set DD_ENV in the container environment".to_string(),
        snippet: Some("ENV DD_ENV=prod".to_string()),
        edits: vec![
            apm_doctor_engine::finding::Edit {
                file: "services/api/Dockerfile".to_string(),
                line: 12,
                end_line: 12,
                old: String::new(),
                new: "ENV DD_ENV=prod\n".to_string(),
                anchor: None,
            },
            apm_doctor_engine::finding::Edit {
                file: "services/api/odd name #1.yaml".to_string(),
                line: 3,
                end_line: 4,
                old: "a: 1\nb: 2\n".to_string(),
                new: "a: 1\n".to_string(),
                anchor: None,
            },
        ],
        diff: None,
    });
    let mut suppressed = finding(
        "log-injection-off",
        Severity::Warning,
        Some("api"),
        "services/api/app.py",
        2,
        1,
        "DD_LOGS_INJECTION is not enabled",
    );
    suppressed.suppressed = true;

    ScanReport {
        version: 1,
        score: None,
        fact_sites: Vec::new(),
        root: "/srv/mono repo".to_string(),
        services: vec![ServiceSummary {
            entry_points: Vec::new(),
            edges: Vec::new(),
            score: None,
            name: "api".to_string(),
            root: "services/api".to_string(),
            language: Some("python".to_string()),
            frameworks: vec!["flask".to_string()],
            tracer: Some(TracerInfo {
                library: "ddtrace".to_string(),
                version: Some("2.8.0".to_string()),
                declared_in: "services/api/requirements.txt".to_string(),
                line: 4,
            }),
            init: Some(InitInfo {
                method: "ddtrace-run".to_string(),
                file: "services/api/Dockerfile".to_string(),
                line: 20,
            }),
            config: BTreeMap::from([(
                "DD_SERVICE".to_string(),
                ConfigValue {
                    value: "api".to_string(),
                    file: "services/api/Dockerfile".to_string(),
                    line: 10,
                },
            )]),
        }],
        findings: vec![
            with_fix,
            finding(
                "version-unpinned",
                Severity::Warning,
                Some("worker"),
                "services/worker/go.mod",
                7,
                0,
                "dd-trace-go is not pinned",
            ),
            finding(
                "agent-host-hardcoded",
                Severity::Info,
                None,
                "deploy/my values#1.yaml",
                0,
                0,
                "DD_AGENT_HOST is hard-coded",
            ),
        ],
        suppressed: vec![suppressed],
        diagnostics: vec![
            Diagnostic {
                kind: "parse-error".to_string(),
                file: "services/api/broken.py".to_string(),
                line: 3,
                column: 8,
                message: "unexpected token".to_string(),
            },
            Diagnostic {
                kind: "rule-error".to_string(),
                file: "/etc/apm-doctor/rules/custom.rhai".to_string(),
                line: 0,
                column: 0,
                message: "function `check` not found".to_string(),
            },
            Diagnostic {
                kind: "config-error".to_string(),
                file: String::new(),
                line: 0,
                column: 0,
                message: "unknown key `severty`".to_string(),
            },
        ],
        stats: Stats {
            files: 10,
            parsed: 8,
            skipped: 2,
            skipped_by: BTreeMap::from([("binary".to_string(), 2)]),
            rules: 3,
            duration_ms: 5,
            ..Default::default()
        },
        rules: vec![
            rule(
                "env-missing",
                Severity::Error,
                "https://docs.datadoghq.com/tracing/",
            ),
            rule("version-unpinned", Severity::Warning, ""),
            rule("log-injection-off", Severity::Warning, "not a url"),
        ],
    }
}

fn sarif(report: &ScanReport) -> Value {
    let mut out = Vec::new();
    write_report(report, Format::Sarif, false, &mut out).expect("write SARIF");
    serde_json::from_slice(&out).expect("SARIF output is JSON")
}

#[test]
fn schema_file_is_the_official_sarif_2_1_0_schema() {
    let schema: Value = serde_json::from_str(SCHEMA).expect("schema is JSON");
    assert_eq!(schema["$schema"], "http://json-schema.org/draft-04/schema#");
    assert_eq!(
        schema["id"],
        "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
    );
    let definitions = schema["definitions"].as_object().expect("definitions");
    for name in [
        "run",
        "result",
        "reportingDescriptor",
        "suppression",
        "notification",
        "physicalLocation",
    ] {
        assert!(definitions.contains_key(name), "missing definition {name}");
    }
}

#[test]
fn sarif_output_is_valid_against_the_schema() {
    let validator = validator();
    let log = sarif(&report());
    let errors = violations(&validator, &log);
    assert!(
        errors.is_empty(),
        "schema violations:\n{}",
        errors.join("\n")
    );
}

#[test]
fn minimal_reports_are_valid_too() {
    let validator = validator();
    let mut empty = report();
    empty.root = ".".to_string();
    empty.services.clear();
    empty.findings.clear();
    empty.suppressed.clear();
    empty.diagnostics.clear();
    empty.rules.clear();
    let log = sarif(&empty);
    let errors = violations(&validator, &log);
    assert!(
        errors.is_empty(),
        "schema violations:\n{}",
        errors.join("\n")
    );
    assert!(log["runs"][0].get("originalUriBaseIds").is_none());
}

#[test]
fn the_schema_check_catches_broken_output() {
    let validator = validator();
    let log = sarif(&report());
    assert!(validator.is_valid(&log));

    let mut bad_level = log.clone();
    bad_level["runs"][0]["results"][0]["level"] = Value::from("warn");
    assert!(
        !validator.is_valid(&bad_level),
        "level `warn` must be rejected"
    );

    let mut bad_rule_level = log.clone();
    bad_rule_level["runs"][0]["tool"]["driver"]["rules"][0]["defaultConfiguration"]["level"] =
        Value::from("info");
    assert!(!validator.is_valid(&bad_rule_level));

    let mut bad_suppression = log.clone();
    bad_suppression["runs"][0]["results"][1]["suppressions"] =
        serde_json::json!([{"kind": "inline"}]);
    assert!(!validator.is_valid(&bad_suppression));

    let mut bad_line = log.clone();
    bad_line["runs"][0]["results"][1]["locations"][0]["physicalLocation"]["region"]["startLine"] =
        Value::from(0);
    assert!(!validator.is_valid(&bad_line));

    let mut bad_uri = log.clone();
    bad_uri["runs"][0]["tool"]["driver"]["informationUri"] = Value::from("not a uri");
    assert!(!validator.is_valid(&bad_uri), "formats are validated");

    let mut bad_version = log;
    bad_version["version"] = Value::from("2.1");
    assert!(!validator.is_valid(&bad_version));
}

#[test]
fn results_meet_github_code_scanning_expectations() {
    let report = report();
    let log = sarif(&report);
    let run = &log["runs"][0];
    let rules = run["tool"]["driver"]["rules"].as_array().expect("rules");
    let results = run["results"].as_array().expect("results");
    assert_eq!(
        results.len(),
        report.findings.len() + report.suppressed.len()
    );
    for result in results {
        let rule_id = result["ruleId"].as_str().expect("ruleId");
        let index = result["ruleIndex"].as_u64().expect("ruleIndex") as usize;
        assert_eq!(rules[index]["id"], rule_id, "ruleIndex points at its rule");
        let fingerprint = result["partialFingerprints"]["apmDoctor/v1"]
            .as_str()
            .expect("fingerprint");
        assert_eq!(fingerprint.len(), 16);
        assert!(fingerprint.bytes().all(|b| b.is_ascii_hexdigit()));
        let artifact = &result["locations"][0]["physicalLocation"]["artifactLocation"];
        let uri = artifact["uri"].as_str().expect("uri");
        assert!(!uri.starts_with('/') && !uri.contains('\\') && !uri.contains(' '));
        assert_eq!(artifact["uriBaseId"], "%SRCROOT%");
    }
    let suppressed: Vec<&Value> = results
        .iter()
        .filter(|r| r.get("suppressions").is_some())
        .collect();
    assert_eq!(suppressed.len(), 1);
    assert_eq!(suppressed[0]["ruleId"], "log-injection-off");
    // The finding whose rule is not in report.rules still gets a descriptor.
    assert!(rules.iter().any(|r| r["id"] == "agent-host-hardcoded"));
    assert_eq!(
        run["originalUriBaseIds"]["%SRCROOT%"]["uri"],
        "file:///srv/mono%20repo/"
    );
    assert_eq!(run["invocations"][0]["executionSuccessful"], false);
}
