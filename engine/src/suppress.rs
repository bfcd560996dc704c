//! Inline suppression (`apm-doctor: ignore[rule-a,rule-b]`) and `--baseline` filtering.

use std::collections::{BTreeMap, HashSet};
use std::path::Path;

use crate::finding::Finding;

const MARKER: &str = "apm-doctor: ignore";

/// Rule ids a line suppresses: `Some(empty)` means every rule (`apm-doctor: ignore` alone).
fn suppressed_ids(line: &str) -> Option<Vec<String>> {
    let at = line.find(MARKER)?;
    let rest = &line[at + MARKER.len()..];
    let Some(list) = rest.strip_prefix('[') else {
        return Some(Vec::new());
    };
    let list = list.split(']').next().unwrap_or("");
    Some(
        list.split(',')
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
            .collect(),
    )
}

fn covers(ids: &Option<Vec<String>>, rule: &str) -> bool {
    match ids {
        Some(ids) => ids.is_empty() || ids.iter().any(|i| i == rule),
        None => false,
    }
}

/// True when `text` suppresses `rule` at 1-based `line`: a marker on that line, on the line
/// above, or on the first line of the file (whole-file suppression).
pub fn is_suppressed(text: &str, line: usize, rule: &str) -> bool {
    let lines: Vec<&str> = text.lines().collect();
    let at = |n: usize| -> Option<Vec<String>> {
        n.checked_sub(1)
            .and_then(|i| lines.get(i))
            .and_then(|l| suppressed_ids(l))
    };
    covers(&at(line), rule) || (line > 1 && covers(&at(line - 1), rule)) || covers(&at(1), rule)
}

/// Mark findings suppressed by comments in their files (read from under `root`).
pub fn apply_inline(root: &Path, findings: &mut [Finding]) {
    let mut by_file: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for (i, f) in findings.iter().enumerate() {
        by_file.entry(f.file.clone()).or_default().push(i);
    }
    for (file, indexes) in by_file {
        let path = if root.is_file() {
            root.to_path_buf()
        } else {
            root.join(&file)
        };
        let Ok(bytes) = std::fs::read(&path) else {
            continue;
        };
        let text = String::from_utf8_lossy(&bytes);
        if !text.contains(MARKER) {
            continue;
        }
        for i in indexes {
            let f = &mut findings[i];
            f.suppressed = is_suppressed(&text, f.line, &f.rule);
        }
    }
}

/// Drop findings already present in a baseline (matched by fingerprint, so moved lines match).
pub fn apply_baseline(findings: Vec<Finding>, baseline: &[Finding]) -> (Vec<Finding>, usize) {
    let known: HashSet<String> = baseline.iter().map(Finding::fingerprint).collect();
    let before = findings.len();
    let kept: Vec<Finding> = findings
        .into_iter()
        .filter(|f| !known.contains(&f.fingerprint()))
        .collect();
    let hidden = before - kept.len();
    (kept, hidden)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_above_and_same_line() {
        let text = "import flask\n# apm-doctor: ignore[init-order]\nimport ddtrace\nx = 1  # apm-doctor: ignore[a, b]\n";
        assert!(is_suppressed(text, 3, "init-order"));
        assert!(!is_suppressed(text, 3, "tracer-missing"));
        assert!(is_suppressed(text, 4, "b"));
        assert!(!is_suppressed(text, 1, "init-order"));
    }

    #[test]
    fn first_line_covers_the_file() {
        let text = "# apm-doctor: ignore[ust-missing]\nFROM python:3.12\n\n\nENV A=b\n";
        assert!(is_suppressed(text, 5, "ust-missing"));
        assert!(!is_suppressed(text, 5, "debug-enabled"));
        let text = "// apm-doctor: ignore\npackage main\n";
        assert!(is_suppressed(text, 2, "anything"));
    }
}
