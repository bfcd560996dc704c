//! SARIF 2.1.0 output, shaped for GitHub code scanning.
//!
//! One run; `tool.driver.rules` holds a reporting descriptor for every rule that ran (plus any
//! rule id that appears only in findings); every finding becomes a result with a stable
//! `partialFingerprints["apmDoctor/v1"]`. Inline-suppressed findings are included with an
//! `inSource` suppression so that code scanning shows them as dismissed. Diagnostics become
//! tool execution notifications of the run's single invocation.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::{self, Write};

use serde_json::{json, Map, Value};

use crate::finding::{Diagnostic, Finding, Fix, RuleInfo, ScanReport, Severity};
use crate::report::{diagnostic_is_error, fnv1a_64, sorted};

/// `$schema` of the written log.
pub const SARIF_SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";
/// SARIF version of the written log.
pub const SARIF_VERSION: &str = "2.1.0";
/// `uriBaseId` that every result location is relative to: the scanned root.
pub const SRCROOT: &str = "%SRCROOT%";
/// Key of the stable fingerprint in `partialFingerprints`.
pub const FINGERPRINT_KEY: &str = "apmDoctor/v1";

const TOOL_NAME: &str = "apm-doctor";
const FALLBACK_INFORMATION_URI: &str = "https://docs.datadoghq.com/tracing/";

/// The SARIF `level` for a severity: `error`, `warning` or `note`.
#[must_use]
pub fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

/// The stable fingerprint written to `partialFingerprints`: FNV-1a 64 of
/// [`Finding::fingerprint`], as 16 lower-case hex digits.
#[must_use]
pub fn fingerprint(finding: &Finding) -> String {
    format!("{:016x}", fnv1a_64(finding.fingerprint().as_bytes()))
}

/// `tracer-missing` → `TracerMissing`: the reporting descriptor `name` of a rule id.
#[must_use]
pub fn rule_name(id: &str) -> String {
    id.split(|c: char| !c.is_alphanumeric())
        .filter(|part| !part.is_empty())
        .map(|part| {
            let mut chars = part.chars();
            match chars.next() {
                Some(first) => first.to_uppercase().chain(chars).collect::<String>(),
                None => String::new(),
            }
        })
        .collect()
}

/// The SARIF log for `report` as a value.
#[must_use]
pub fn to_sarif_value(report: &ScanReport) -> Value {
    let all_findings = sorted(report.findings.iter().chain(&report.suppressed));
    let (rules, index) = descriptors(report, &all_findings);
    let results: Vec<Value> = all_findings
        .iter()
        .map(|finding| {
            let rule_index = index.get(finding.rule.as_str()).copied().unwrap_or(0);
            result(finding, rule_index)
        })
        .collect();

    let mut run = Map::new();
    run.insert(
        "tool".into(),
        json!({
            "driver": {
                "name": TOOL_NAME,
                "informationUri": information_uri(),
                "version": env!("CARGO_PKG_VERSION"),
                "semanticVersion": env!("CARGO_PKG_VERSION"),
                "rules": rules,
            }
        }),
    );
    run.insert(
        "invocations".into(),
        json!([{
            "executionSuccessful": !report.incomplete(),
            "toolExecutionNotifications": report
                .diagnostics
                .iter()
                .map(notification)
                .collect::<Vec<_>>(),
        }]),
    );
    if let Some(uri) = root_uri(&report.root) {
        run.insert(
            "originalUriBaseIds".into(),
            json!({ SRCROOT: { "uri": uri } }),
        );
    }
    run.insert("results".into(), Value::Array(results));

    json!({
        "$schema": SARIF_SCHEMA,
        "version": SARIF_VERSION,
        "runs": [Value::Object(run)],
    })
}

/// Writes the SARIF log, pretty-printed, with a trailing newline.
pub(crate) fn write(report: &ScanReport, out: &mut dyn Write) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, &to_sarif_value(report))?;
    out.write_all(b"\n")
}

fn information_uri() -> &'static str {
    let repository = env!("CARGO_PKG_REPOSITORY");
    let homepage = env!("CARGO_PKG_HOMEPAGE");
    [homepage, repository]
        .into_iter()
        .find(|uri| is_absolute_uri(uri))
        .unwrap_or(FALLBACK_INFORMATION_URI)
}

/// Rule descriptors in `report.rules` order (first of duplicate ids wins), then descriptors
/// for rule ids seen only in findings, in order of first appearance; plus id → index.
fn descriptors<'a>(
    report: &'a ScanReport,
    findings: &[&'a Finding],
) -> (Vec<Value>, BTreeMap<&'a str, usize>) {
    let mut list = Vec::new();
    let mut index = BTreeMap::new();
    for rule in &report.rules {
        if !index.contains_key(rule.id.as_str()) {
            index.insert(rule.id.as_str(), list.len());
            list.push(descriptor(rule));
        }
    }
    for finding in findings {
        if !index.contains_key(finding.rule.as_str()) {
            index.insert(finding.rule.as_str(), list.len());
            list.push(descriptor(&RuleInfo {
                id: finding.rule.clone(),
                category: finding.category.clone(),
                severity: finding.severity,
                summary: format!("apm-doctor rule `{}`", finding.rule),
                rationale: String::new(),
                docs: String::new(),
            }));
        }
    }
    (list, index)
}

fn descriptor(rule: &RuleInfo) -> Value {
    let summary = non_empty(&rule.summary).unwrap_or(&rule.id);
    let rationale = non_empty(&rule.rationale).unwrap_or(summary);
    let docs = Some(rule.docs.trim()).filter(|docs| is_absolute_uri(docs));

    let (help_text, help_markdown) = match docs {
        Some(docs) => (
            format!("{rationale}\n\nDocumentation: {docs}"),
            format!("{rationale}\n\n[Documentation]({docs})"),
        ),
        None => (rationale.to_string(), rationale.to_string()),
    };
    let mut value = json!({
        "id": rule.id,
        "name": rule_name(&rule.id),
        "shortDescription": { "text": summary },
        "fullDescription": { "text": rationale },
        "help": { "text": help_text, "markdown": help_markdown },
        "defaultConfiguration": { "level": level(rule.severity) },
        "properties": {
            "tags": non_empty(&rule.category).into_iter().collect::<Vec<_>>(),
        },
    });
    if let (Some(docs), Some(object)) = (docs, value.as_object_mut()) {
        object.insert("helpUri".into(), json!(docs));
    }
    value
}

fn result(finding: &Finding, rule_index: usize) -> Value {
    let mut value = Map::new();
    value.insert("ruleId".into(), json!(finding.rule));
    value.insert("ruleIndex".into(), json!(rule_index));
    value.insert("level".into(), json!(level(finding.severity)));
    let message = non_empty(&finding.message).unwrap_or(&finding.rule);
    value.insert("message".into(), json!({ "text": message }));
    if let Some(location) = location(&finding.file, finding.line, finding.column) {
        value.insert("locations".into(), json!([location]));
    }
    value.insert(
        "partialFingerprints".into(),
        json!({ FINGERPRINT_KEY: fingerprint(finding) }),
    );
    if finding.suppressed {
        value.insert("suppressions".into(), json!([{ "kind": "inSource" }]));
    }
    if let Some(fix) = finding.fix.as_ref().filter(|f| !f.edits.is_empty()) {
        value.insert("fixes".into(), json!([sarif_fix(fix)]));
    }

    let mut properties = Map::new();
    properties.insert("category".into(), json!(finding.category));
    if let Some(service) = &finding.service {
        properties.insert("service".into(), json!(service));
    }
    if let Some(fix) = &finding.fix {
        let mut fix_value = Map::new();
        fix_value.insert("description".into(), json!(fix.description));
        if let Some(snippet) = &fix.snippet {
            fix_value.insert("snippet".into(), json!(snippet));
        }
        properties.insert("fix".into(), Value::Object(fix_value));
    }
    value.insert("properties".into(), Value::Object(properties));
    Value::Object(value)
}

/// A SARIF `fix`: per file, replacements of whole lines (a deleted region from column 1 of the
/// first line to column 1 of the line after the last; empty for an insertion).
fn sarif_fix(fix: &Fix) -> Value {
    let mut files: Vec<&str> = Vec::new();
    for e in &fix.edits {
        if !files.contains(&e.file.as_str()) {
            files.push(&e.file);
        }
    }
    let changes: Vec<Value> = files
        .into_iter()
        .map(|file| {
            let replacements: Vec<Value> = fix
                .edits
                .iter()
                .filter(|e| e.file == file)
                .map(|e| {
                    let end = if e.is_insertion() {
                        e.line
                    } else {
                        e.end_line + 1
                    };
                    json!({
                        "deletedRegion": {
                            "startLine": e.line, "startColumn": 1,
                            "endLine": end, "endColumn": 1
                        },
                        "insertedContent": { "text": e.new }
                    })
                })
                .collect();
            json!({
                "artifactLocation": { "uri": relative_uri(file), "uriBaseId": SRCROOT },
                "replacements": replacements
            })
        })
        .collect();
    json!({ "description": { "text": fix.description }, "artifactChanges": changes })
}

fn notification(diagnostic: &Diagnostic) -> Value {
    let level = if diagnostic_is_error(diagnostic) {
        "error"
    } else {
        "warning"
    };
    let message = non_empty(&diagnostic.message).unwrap_or(&diagnostic.kind);
    let mut value = Map::new();
    value.insert("level".into(), json!(level));
    value.insert("message".into(), json!({ "text": message }));
    if let Some(location) = location(&diagnostic.file, diagnostic.line, diagnostic.column) {
        value.insert("locations".into(), json!([location]));
    }
    value.insert("properties".into(), json!({ "kind": diagnostic.kind }));
    Value::Object(value)
}

/// A SARIF `location` for a file and an optional (non-zero) line and column.
///
/// Relative paths are relative to `%SRCROOT%`; absolute paths (rule files given as is)
/// become `file://` URIs. `None` when there is no file.
fn location(file: &str, line: usize, column: usize) -> Option<Value> {
    if file.trim().is_empty() {
        return None;
    }
    let artifact = if is_absolute_path(file) {
        json!({ "uri": file_uri(file) })
    } else {
        json!({ "uri": relative_uri(file), "uriBaseId": SRCROOT })
    };
    let mut physical = Map::new();
    physical.insert("artifactLocation".into(), artifact);
    if line > 0 {
        let mut region = Map::new();
        region.insert("startLine".into(), json!(line));
        if column > 0 {
            region.insert("startColumn".into(), json!(column));
        }
        physical.insert("region".into(), Value::Object(region));
    }
    Some(json!({ "physicalLocation": Value::Object(physical) }))
}

/// `%SRCROOT%` as a `file://` URI ending in `/`, only when the scanned root is absolute.
fn root_uri(root: &str) -> Option<String> {
    if !is_absolute_path(root) {
        return None;
    }
    let mut uri = file_uri(root);
    if !uri.ends_with('/') {
        uri.push('/');
    }
    Some(uri)
}

fn is_absolute_path(path: &str) -> bool {
    let bytes = path.as_bytes();
    let windows_drive = bytes.len() >= 3
        && bytes[0].is_ascii_alphabetic()
        && bytes[1] == b':'
        && (bytes[2] == b'/' || bytes[2] == b'\\');
    path.starts_with('/') || windows_drive
}

fn is_absolute_uri(text: &str) -> bool {
    (text.starts_with("https://") || text.starts_with("http://"))
        && !text.contains(char::is_whitespace)
}

/// `C:\a b\c` → `file:///C:/a%20b/c`; `/srv/x` → `file:///srv/x`.
fn file_uri(path: &str) -> String {
    let path = path.replace('\\', "/");
    let encoded = encode_path(&path);
    if encoded.starts_with('/') {
        format!("file://{encoded}")
    } else {
        format!("file:///{encoded}")
    }
}

/// A relative path as a relative URI reference: `/` separators, no leading `./`,
/// percent-encoded (so the first segment can never be mistaken for a scheme).
fn relative_uri(path: &str) -> String {
    let mut path = path.replace('\\', "/");
    while let Some(rest) = path.strip_prefix("./") {
        path = rest.to_string();
    }
    let encoded = encode_path(&path);
    // A `:` in the first segment would read as a scheme; encode it there.
    match encoded.split_once('/') {
        Some((first, rest)) if first.contains(':') => {
            format!("{}/{rest}", first.replace(':', "%3A"))
        }
        None if encoded.contains(':') => encoded.replace(':', "%3A"),
        _ => encoded,
    }
}

/// Percent-encodes everything but RFC 3986 unreserved characters, `/` and `:`.
fn encode_path(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for byte in path.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'/' | b':' => {
                out.push(char::from(byte));
            }
            _ => {
                let _ = write!(out, "%{byte:02X}");
            }
        }
    }
    out
}

fn non_empty(text: &str) -> Option<&str> {
    Some(text).filter(|text| !text.trim().is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::finding::Diagnostic;
    use crate::report::fixture;

    fn run(report: &ScanReport) -> Value {
        let log = to_sarif_value(report);
        assert_eq!(log["$schema"], SARIF_SCHEMA);
        assert_eq!(log["version"], "2.1.0");
        assert_eq!(log["runs"].as_array().map(Vec::len), Some(1));
        log["runs"][0].clone()
    }

    fn result_for<'a>(run: &'a Value, rule: &str) -> &'a Value {
        run["results"]
            .as_array()
            .and_then(|results| results.iter().find(|r| r["ruleId"] == rule))
            .expect("result present")
    }

    #[test]
    fn driver_lists_rules_and_findings_only_rules() {
        let run = run(&fixture::report());
        let driver = &run["tool"]["driver"];
        assert_eq!(driver["name"], "apm-doctor");
        assert_eq!(driver["version"], env!("CARGO_PKG_VERSION"));
        assert!(driver["informationUri"]
            .as_str()
            .is_some_and(|uri| uri.starts_with("https://")));
        let rules = driver["rules"].as_array().expect("rules");
        let ids: Vec<&str> = rules.iter().filter_map(|r| r["id"].as_str()).collect();
        // report.rules first, then ids only seen in findings (in location order).
        assert_eq!(
            ids,
            [
                "env-missing",
                "version-unpinned",
                "agent-host-hardcoded",
                "log-injection-off"
            ]
        );
        let env = &rules[0];
        assert_eq!(env["name"], "EnvMissing");
        assert_eq!(env["shortDescription"]["text"], "DD_ENV must be set");
        assert_eq!(
            env["fullDescription"]["text"],
            "Without DD_ENV traces land in the wrong environment."
        );
        assert_eq!(env["helpUri"], "https://docs.datadoghq.com/tracing/");
        assert!(
            env["help"]["markdown"].as_str().is_some_and(
                |md| md.ends_with("[Documentation](https://docs.datadoghq.com/tracing/)")
            )
        );
        assert!(env["help"]["text"]
            .as_str()
            .is_some_and(|text| text.starts_with("Without DD_ENV")));
        assert_eq!(env["defaultConfiguration"]["level"], "error");
        assert_eq!(env["properties"]["tags"], json!(["audit"]));
        assert!(rules[1].get("helpUri").is_none(), "no helpUri without docs");
        assert_eq!(rules[1]["defaultConfiguration"]["level"], "warning");
        assert_eq!(rules[2]["name"], "AgentHostHardcoded");
        assert_eq!(rules[2]["defaultConfiguration"]["level"], "note");
    }

    #[test]
    fn results_carry_levels_indexes_locations_and_fingerprints() {
        let report = fixture::report();
        let run = run(&report);
        assert_eq!(run["results"].as_array().map(Vec::len), Some(4));

        let env = result_for(&run, "env-missing");
        assert_eq!(env["level"], "error");
        assert_eq!(env["ruleIndex"], 0);
        assert_eq!(
            env["message"]["text"],
            "DD_ENV is not set for service `api`"
        );
        assert_eq!(
            env["locations"][0]["physicalLocation"],
            json!({
                "artifactLocation": {"uri": "services/api/Dockerfile", "uriBaseId": "%SRCROOT%"},
                "region": {"startLine": 12, "startColumn": 5}
            })
        );
        assert_eq!(
            env["partialFingerprints"][FINGERPRINT_KEY],
            fingerprint(&report.findings[0])
        );
        assert_eq!(
            env["partialFingerprints"][FINGERPRINT_KEY]
                .as_str()
                .map(str::len),
            Some(16)
        );
        assert_eq!(
            env["properties"]["fix"],
            json!({
                "description": "Set DD_ENV in the container environment",
                "snippet": "ENV DD_ENV=prod"
            })
        );
        assert_eq!(env["properties"]["service"], "api");
        assert!(env.get("fixes").is_some(), "edits become SARIF fixes");
        assert!(env.get("suppressions").is_none());

        let unpinned = result_for(&run, "version-unpinned");
        assert_eq!(unpinned["level"], "warning");
        assert_eq!(unpinned["ruleIndex"], 1);
        assert!(unpinned["properties"].get("fix").is_none());

        let info = result_for(&run, "agent-host-hardcoded");
        assert_eq!(info["level"], "note");
        assert_eq!(info["ruleIndex"], 2);
        assert!(info["properties"].get("service").is_none());

        let suppressed = result_for(&run, "log-injection-off");
        assert_eq!(suppressed["ruleIndex"], 3);
        assert_eq!(suppressed["suppressions"], json!([{"kind": "inSource"}]));
    }

    #[test]
    fn fixes_with_edits_become_artifact_changes() {
        let log = run(&fixture::report());
        let env = result_for(&log, "env-missing");
        assert_eq!(
            env["fixes"],
            json!([{
                "description": {"text": "Set DD_ENV in the container environment"},
                "artifactChanges": [{
                    "artifactLocation": {"uri": "services/api/Dockerfile", "uriBaseId": SRCROOT},
                    "replacements": [{
                        "deletedRegion": {"startLine": 12, "startColumn": 1, "endLine": 12, "endColumn": 1},
                        "insertedContent": {"text": "ENV DD_ENV=prod\n"}
                    }]
                }]
            }])
        );
        assert!(result_for(&log, "version-unpinned").get("fixes").is_none());
    }

    #[test]
    fn fingerprint_is_stable_across_line_moves() {
        let report = fixture::report();
        let mut moved = report.findings[0].clone();
        moved.line += 40;
        assert_eq!(fingerprint(&moved), fingerprint(&report.findings[0]));
        assert_ne!(
            fingerprint(&report.findings[1]),
            fingerprint(&report.findings[0])
        );
        assert_eq!(
            fingerprint(&report.findings[0]),
            format!(
                "{:016x}",
                fnv1a_64(
                    b"env-missing|api|services/api/Dockerfile|DD_ENV is not set for service `api`"
                )
            )
        );
    }

    #[test]
    fn invocation_and_notifications() {
        let mut report = fixture::report();
        let run = run(&report);
        let invocation = &run["invocations"][0];
        assert_eq!(invocation["executionSuccessful"], true);
        assert_eq!(
            invocation["toolExecutionNotifications"],
            json!([{
                "level": "warning",
                "message": {"text": "unexpected token"},
                "locations": [{"physicalLocation": {
                    "artifactLocation": {"uri": "services/api/broken.py", "uriBaseId": "%SRCROOT%"},
                    "region": {"startLine": 3, "startColumn": 8}
                }}],
                "properties": {"kind": "parse-error"}
            }])
        );

        report.diagnostics.push(Diagnostic {
            kind: "rule-error".to_string(),
            file: String::new(),
            line: 0,
            column: 0,
            message: "rule `x` panicked".to_string(),
        });
        let run = super::tests::run(&report);
        let invocation = &run["invocations"][0];
        assert_eq!(invocation["executionSuccessful"], false);
        let second = &invocation["toolExecutionNotifications"][1];
        assert_eq!(second["level"], "error");
        assert!(second.get("locations").is_none());
    }

    #[test]
    fn original_uri_base_ids_only_for_absolute_roots() {
        let mut report = fixture::report();
        let run = run(&report);
        assert_eq!(
            run["originalUriBaseIds"],
            json!({"%SRCROOT%": {"uri": "file:///srv/monorepo/"}})
        );
        report.root = ".".to_string();
        assert!(super::tests::run(&report)
            .get("originalUriBaseIds")
            .is_none());
        report.root = "C:\\work\\my repo".to_string();
        assert_eq!(
            super::tests::run(&report)["originalUriBaseIds"]["%SRCROOT%"]["uri"],
            "file:///C:/work/my%20repo/"
        );
    }

    #[test]
    fn uris_are_relative_encoded_and_slash_separated() {
        assert_eq!(relative_uri("./services/api/app.py"), "services/api/app.py");
        assert_eq!(
            relative_uri("services\\web\\my app.ts"),
            "services/web/my%20app.ts"
        );
        assert_eq!(relative_uri("c:odd/x#1.py"), "c%3Aodd/x%231.py");
        assert_eq!(relative_uri("naïve.py"), "na%C3%AFve.py");
        assert_eq!(
            file_uri("/etc/apm doctor/rules.rhai"),
            "file:///etc/apm%20doctor/rules.rhai"
        );
    }

    #[test]
    fn lines_and_columns_of_zero_are_omitted() {
        let mut report = fixture::report();
        report.findings[0].line = 0;
        report.findings[2].column = 0;
        report.findings[1].file = String::new();
        let run = run(&report);
        let env = result_for(&run, "env-missing");
        assert!(env["locations"][0]["physicalLocation"]
            .get("region")
            .is_none());
        let info = result_for(&run, "agent-host-hardcoded");
        assert_eq!(
            info["locations"][0]["physicalLocation"]["region"],
            json!({"startLine": 3})
        );
        assert!(result_for(&run, "version-unpinned")
            .get("locations")
            .is_none());
    }

    #[test]
    fn rule_names_are_camel_case() {
        assert_eq!(rule_name("tracer-missing"), "TracerMissing");
        assert_eq!(rule_name("dd_env.missing"), "DdEnvMissing");
        assert_eq!(rule_name("x"), "X");
    }
}
