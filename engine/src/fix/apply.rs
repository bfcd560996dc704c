//! Applying the edits of findings' fixes to the files under a root, safely.
//!
//! Per file: edits are grouped (identical edits from several findings count once), edits that
//! overlap an edit already accepted are refused as conflicts, and edits whose `old` text no
//! longer matches the file are refused as stale. The patched text keeps the file's BOM, line
//! endings and final newline; source files must not parse worse than before (tree-sitter
//! ERROR/MISSING nodes) and configuration files must still parse. The file is then written
//! atomically (a temporary file in the same folder renamed over it, with the original mode).
//! Nothing is ever written outside the root, also not through symbolic links. A refusal never
//! stops the other files.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

use serde::Serialize;

use super::{ops_for, overlaps, splice, unified_diff, FileText};
use crate::finding::{Edit, Finding};
use crate::language::Grammar;

/// How to apply.
#[derive(Debug, Clone, Default)]
pub struct ApplyOptions {
    /// Compute the outcome and diffs, write nothing.
    pub dry_run: bool,
}

/// Which edit an outcome line is about.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EditRef {
    /// Rule of the finding the edit fixes.
    pub rule: String,
    /// Line of the finding.
    pub finding_line: usize,
    /// File of the finding (may differ from the edited file).
    pub finding_file: String,
    /// First line the edit touches.
    pub line: usize,
    /// Last line it replaces (inclusive; `line` for an insertion).
    pub end_line: usize,
    /// Index of the finding in the list given to [`apply_fixes`].
    #[serde(skip)]
    pub finding: usize,
}

/// A refused edit and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Refusal {
    /// The edit.
    pub edit: EditRef,
    /// Why it was not applied.
    pub reason: String,
}

/// What happened to one file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FileOutcome {
    /// File relative to the root.
    pub file: String,
    /// Edits applied (or, with `dry_run`, that would be).
    pub applied: Vec<EditRef>,
    /// Edits refused, with the reason.
    pub refused: Vec<Refusal>,
    /// Unified diff of the applied edits.
    pub diff: Option<String>,
    /// True when the file was written (never with `dry_run`).
    pub written: bool,
    /// True when the file did not exist before.
    pub created: bool,
}

/// What applying the fixes of a scan did, file by file.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct FixOutcome {
    /// Files in path order.
    pub files: Vec<FileOutcome>,
}

impl FixOutcome {
    /// Number of edits applied.
    pub fn applied(&self) -> usize {
        self.files.iter().map(|f| f.applied.len()).sum()
    }

    /// Number of edits refused.
    pub fn refused(&self) -> usize {
        self.files.iter().map(|f| f.refused.len()).sum()
    }

    /// The unified diff of everything applied, file by file.
    pub fn diff(&self) -> String {
        self.files
            .iter()
            .filter_map(|f| f.diff.as_deref())
            .collect()
    }
}

struct Pending<'a> {
    edit: &'a Edit,
    at: EditRef,
}

/// Apply the edits of every finding's fix under `root` (see the module docs). A fix is all or
/// nothing: when one of its edits is refused, its other edits (in any file) are refused too.
pub fn apply_fixes(root: &Path, findings: &[Finding], options: &ApplyOptions) -> FixOutcome {
    let root_canon = root.canonicalize().ok();
    let mut excluded: BTreeMap<usize, String> = BTreeMap::new();
    // Plan without writing until no fix is refused in part.
    for _ in 0..=findings.len() {
        let plan = apply_once(root_canon.as_deref(), findings, &excluded, true);
        let mut changed = false;
        for file in &plan.files {
            for r in &file.refused {
                if let std::collections::btree_map::Entry::Vacant(e) =
                    excluded.entry(r.edit.finding)
                {
                    e.insert(format!(
                        "another edit of the same fix was refused ({}:{}: {})",
                        file.file, r.edit.line, r.reason
                    ));
                    changed = true;
                }
            }
        }
        if !changed {
            break;
        }
    }
    apply_once(root_canon.as_deref(), findings, &excluded, options.dry_run)
}

fn apply_once(
    root: Option<&Path>,
    findings: &[Finding],
    excluded: &BTreeMap<usize, String>,
    dry_run: bool,
) -> FixOutcome {
    let mut per_file: BTreeMap<&str, Vec<Pending>> = BTreeMap::new();
    let mut refused_early: BTreeMap<&str, Vec<Refusal>> = BTreeMap::new();
    for (i, f) in findings.iter().enumerate() {
        let Some(fix) = &f.fix else { continue };
        for e in &fix.edits {
            let at = EditRef {
                rule: f.rule.clone(),
                finding_line: f.line,
                finding_file: f.file.clone(),
                line: e.line,
                end_line: e.end_line,
                finding: i,
            };
            match excluded.get(&i) {
                Some(reason) => refused_early.entry(&e.file).or_default().push(Refusal {
                    edit: at,
                    reason: reason.clone(),
                }),
                None => per_file
                    .entry(&e.file)
                    .or_default()
                    .push(Pending { edit: e, at }),
            }
        }
    }
    let options = ApplyOptions { dry_run };
    let mut files: BTreeMap<&str, FileOutcome> = per_file
        .into_iter()
        .map(|(file, edits)| (file, apply_file(root, file, edits, &options)))
        .collect();
    for (file, refusals) in refused_early {
        let entry = files.entry(file).or_insert_with(|| FileOutcome {
            file: file.to_string(),
            applied: Vec::new(),
            refused: Vec::new(),
            diff: None,
            written: false,
            created: false,
        });
        entry.refused.extend(refusals);
    }
    FixOutcome {
        files: files.into_values().collect(),
    }
}

fn refuse_all(outcome: &mut FileOutcome, edits: Vec<EditRef>, reason: &str) {
    for edit in edits {
        outcome.refused.push(Refusal {
            edit,
            reason: reason.to_string(),
        });
    }
}

/// Where `rel` lives under the canonical root, refusing anything that leaves it.
fn target_path(root: &Path, rel: &str) -> Result<PathBuf, String> {
    if !super::is_safe_relative(rel) {
        return Err("the path is not inside the scanned root".into());
    }
    let joined = root.join(rel);
    if std::fs::symlink_metadata(&joined).is_ok() {
        let canon = joined
            .canonicalize()
            .map_err(|e| format!("cannot resolve the path: {e}"))?;
        if !canon.starts_with(root) {
            return Err("a symbolic link leads outside the scanned root".into());
        }
        return Ok(canon);
    }
    // A new file: its nearest existing folder must be inside the root.
    let mut ancestor = joined.parent();
    while let Some(a) = ancestor {
        if a.exists() {
            let canon = a
                .canonicalize()
                .map_err(|e| format!("cannot resolve the path: {e}"))?;
            if !canon.starts_with(root) {
                return Err("a symbolic link leads outside the scanned root".into());
            }
            let rest = joined.strip_prefix(a).unwrap_or(Path::new(rel));
            return Ok(canon.join(rest));
        }
        ancestor = a.parent();
    }
    Err("the path is not inside the scanned root".into())
}

fn apply_file(
    root: Option<&Path>,
    file: &str,
    edits: Vec<Pending>,
    options: &ApplyOptions,
) -> FileOutcome {
    let mut outcome = FileOutcome {
        file: file.to_string(),
        applied: Vec::new(),
        refused: Vec::new(),
        diff: None,
        written: false,
        created: false,
    };
    let refs = |edits: &[Pending]| edits.iter().map(|p| p.at.clone()).collect::<Vec<_>>();
    let Some(root) = root else {
        refuse_all(
            &mut outcome,
            refs(&edits),
            "the scanned root cannot be resolved",
        );
        return outcome;
    };
    let path = match target_path(root, file) {
        Ok(p) => p,
        Err(reason) => {
            refuse_all(&mut outcome, refs(&edits), &reason);
            return outcome;
        }
    };
    let exists = path.exists();
    let original = if exists {
        match std::fs::read(&path) {
            Err(e) => {
                refuse_all(
                    &mut outcome,
                    refs(&edits),
                    &format!("cannot read the file: {e}"),
                );
                return outcome;
            }
            Ok(bytes) => match FileText::parse(&bytes) {
                Ok(t) => Some(t),
                Err(e) => {
                    refuse_all(&mut outcome, refs(&edits), &e);
                    return outcome;
                }
            },
        }
    } else {
        None
    };
    outcome.created = !exists;

    // Accept edits in order: duplicates merge, overlaps and stale text are refused.
    let mut accepted: Vec<(&Edit, Vec<EditRef>)> = Vec::new();
    for p in edits {
        if let Some((_, refs)) = accepted.iter_mut().find(|(e, _)| {
            e.line == p.edit.line
                && e.end_line == p.edit.end_line
                && e.old == p.edit.old
                && e.new == p.edit.new
        }) {
            refs.push(p.at);
            continue;
        }
        if let Some((other, refs)) = accepted.iter().find(|(e, _)| overlaps(e, p.edit)) {
            let by = &refs[0];
            let reason = format!(
                "conflicts with the fix of `{}` ({}:{}) on lines {}-{}",
                by.rule, by.finding_file, by.finding_line, other.line, other.end_line
            );
            outcome.refused.push(Refusal { edit: p.at, reason });
            continue;
        }
        if let Some(reason) = check_current(p.edit, original.as_ref()) {
            outcome.refused.push(Refusal { edit: p.at, reason });
            continue;
        }
        accepted.push((p.edit, vec![p.at]));
    }
    if accepted.is_empty() {
        return outcome;
    }
    let edits: Vec<&Edit> = accepted.iter().map(|(e, _)| *e).collect();
    let accepted_refs: Vec<EditRef> = accepted.into_iter().flat_map(|(_, r)| r).collect();
    let empty = FileText::empty();
    let before = original.as_ref().unwrap_or(&empty);
    let ops = match ops_for(&edits, original.as_ref()) {
        Ok(ops) => ops,
        Err(reason) => {
            refuse_all(&mut outcome, accepted_refs, &reason);
            return outcome;
        }
    };
    let after = FileText::from_lines(before.bom(), &splice(before, &ops));
    if let Some(reason) = validate(file, original.as_ref(), &after) {
        refuse_all(&mut outcome, accepted_refs, &reason);
        return outcome;
    }
    let diff = unified_diff(file, before, original.is_none(), &ops);
    if !options.dry_run {
        if let Err(e) = write_atomically(&path, &after.to_bytes()) {
            refuse_all(
                &mut outcome,
                accepted_refs,
                &format!("cannot write the file: {e}"),
            );
            return outcome;
        }
        outcome.written = true;
    }
    outcome.applied = accepted_refs;
    outcome.diff = Some(diff);
    outcome
}

/// Why `edit` no longer fits the file as it is now, if it does not.
fn check_current(edit: &Edit, text: Option<&FileText>) -> Option<String> {
    let Some(text) = text else {
        return (!(edit.is_insertion() && edit.line == 1))
            .then(|| "the file does not exist (any more)".to_string());
    };
    let count = text.line_count();
    if edit.line == 0 {
        return Some("line 0 is not a line".into());
    }
    if edit.is_insertion() {
        return (edit.line > count + 1).then(|| {
            format!(
                "file changed since the scan: it has {count} lines, the fix inserts before line {}",
                edit.line
            )
        });
    }
    if edit.end_line < edit.line || edit.end_line > count {
        return Some(format!(
            "file changed since the scan: it has {count} lines, the fix replaces lines {}-{}",
            edit.line, edit.end_line
        ));
    }
    let actual = text.content(edit.line - 1, edit.end_line - 1);
    let expected = super::normalise_lines(&edit.old);
    (actual != expected).then(|| {
        format!(
            "file changed since the scan: line {} reads `{}`, the fix expects `{}`",
            edit.line,
            first_line(&actual),
            first_line(&expected)
        )
    })
}

fn first_line(text: &str) -> String {
    let line = text.lines().next().unwrap_or("").trim();
    if line.chars().count() > 60 {
        format!("{}...", line.chars().take(60).collect::<String>())
    } else {
        line.to_string()
    }
}

/// Count ERROR and MISSING nodes of a parse.
pub fn syntax_errors(grammar: Grammar, text: &str) -> Option<usize> {
    let mut parser = tree_sitter::Parser::new();
    parser.set_language(&grammar.language()).ok()?;
    let tree = parser.parse(text, None)?;
    let mut count = 0;
    let mut cursor = tree.walk();
    'walk: loop {
        let node = cursor.node();
        if node.is_error() || node.is_missing() {
            count += 1;
        }
        if node.has_error() && cursor.goto_first_child() {
            continue;
        }
        loop {
            if cursor.goto_next_sibling() {
                continue 'walk;
            }
            if !cursor.goto_parent() {
                break 'walk;
            }
        }
    }
    Some(count)
}

/// Why the patched file must not be written, if it must not.
fn validate(file: &str, before: Option<&FileText>, after: &FileText) -> Option<String> {
    if let Some(grammar) = Grammar::from_path(file) {
        let old = before.map_or(Some(0), |b| syntax_errors(grammar, b.body()))?;
        let new = syntax_errors(grammar, after.body())?;
        return (new > old).then(|| {
            format!(
                "the patched file does not parse as {grammar}: {new} syntax error(s) where the original has {old}"
            )
        });
    }
    let parses = |text: &str| -> Result<(), String> {
        if let Some(kind) = crate::facts::classify(file) {
            return crate::facts::parse(kind, file, text)
                .map(|_| ())
                .map_err(|e| e.to_string());
        }
        let lower = file.to_ascii_lowercase();
        if lower.ends_with(".json") {
            serde_json::from_str::<serde_json::Value>(text)
                .map(|_| ())
                .map_err(|e| e.to_string())
        } else if lower.ends_with(".toml") {
            toml::from_str::<toml::Table>(text)
                .map(|_| ())
                .map_err(|e| e.to_string())
        } else if lower.ends_with(".yaml") || lower.ends_with(".yml") {
            yaml_rust2::YamlLoader::load_from_str(text)
                .map(|_| ())
                .map_err(|e| e.to_string())
        } else {
            Ok(())
        }
    };
    let was_ok = before.is_none_or(|b| parses(b.body()).is_ok());
    match parses(after.body()) {
        Err(e) if was_ok => Some(format!("the patched file does not parse: {e}")),
        _ => None,
    }
}

/// Write `bytes` to `path` through a temporary file in the same folder, keeping the mode of
/// the file it replaces.
pub(crate) fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir)?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_default();
    let permissions = std::fs::metadata(path).ok().map(|m| m.permissions());
    let mut attempt = 0u32;
    let (tmp, mut handle) = loop {
        let tmp = dir.join(format!(
            ".{name}.apm-doctor-{}-{attempt}.tmp",
            std::process::id()
        ));
        match std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&tmp)
        {
            Ok(h) => break (tmp, h),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists && attempt < 100 => {
                attempt += 1;
            }
            Err(e) => return Err(e),
        }
    };
    let result = (|| {
        handle.write_all(bytes)?;
        handle.sync_all()?;
        drop(handle);
        if let Some(p) = permissions {
            std::fs::set_permissions(&tmp, p)?;
        }
        std::fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::finding::{Fix, Severity};

    fn finding(rule: &str, edits: Vec<Edit>) -> Finding {
        Finding {
            rule: rule.into(),
            severity: Severity::Warning,
            category: "audit".into(),
            message: "m".into(),
            service: None,
            file: edits[0].file.clone(),
            line: 1,
            column: 1,
            fix: Some(Fix {
                description: "d".into(),
                edits,
                ..Default::default()
            }),
            suppressed: false,
        }
    }

    fn edit(file: &str, line: usize, end_line: usize, old: &str, new: &str) -> Edit {
        Edit {
            file: file.into(),
            line,
            end_line,
            old: old.into(),
            new: new.into(),
            anchor: None,
        }
    }

    #[test]
    fn applies_keeps_crlf_bom_and_mode() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("app.py");
        std::fs::write(&p, "\u{feff}import flask\r\nimport os\r\n").unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o754)).unwrap();
        }
        let f = finding(
            "init-order",
            vec![edit("app.py", 1, 1, "", "import ddtrace.auto\n")],
        );
        let out = apply_fixes(dir.path(), &[f], &ApplyOptions::default());
        assert_eq!(out.refused(), 0, "{out:?}");
        assert_eq!(
            std::fs::read_to_string(&p).unwrap(),
            "\u{feff}import ddtrace.auto\r\nimport flask\r\nimport os\r\n"
        );
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&p).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o754);
        }
    }

    #[test]
    fn refuses_conflicts_stale_text_and_broken_syntax() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("a.go"), "package a\n\nfunc f() {\n}\n").unwrap();
        std::fs::write(dir.path().join("b.json"), "{\"a\": 1}\n").unwrap();
        let findings = vec![
            finding(
                "r1",
                vec![edit("a.go", 3, 3, "func f() {\n", "func g() {\n")],
            ),
            finding("r2", vec![edit("a.go", 3, 4, "func f() {\n}\n", "")]),
            finding("r3", vec![edit("b.json", 1, 1, "{\"a\": 2}\n", "{}\n")]),
        ];
        let out = apply_fixes(dir.path(), &findings, &ApplyOptions { dry_run: true });
        assert_eq!(out.applied(), 1);
        assert_eq!(out.refused(), 2);
        let reasons: Vec<&str> = out
            .files
            .iter()
            .flat_map(|f| f.refused.iter().map(|r| r.reason.as_str()))
            .collect();
        assert!(
            reasons[0].contains("conflicts with the fix of `r1`"),
            "{reasons:?}"
        );
        assert!(
            reasons[1].contains("file changed since the scan"),
            "{reasons:?}"
        );
        // Dry run: nothing written.
        assert!(std::fs::read_to_string(dir.path().join("a.go"))
            .unwrap()
            .contains("func f()"));

        let broken = vec![finding(
            "r4",
            vec![edit("a.go", 3, 3, "func f() {\n", "func f( {\n")],
        )];
        let out = apply_fixes(dir.path(), &broken, &ApplyOptions::default());
        assert!(out.files[0].refused[0]
            .reason
            .contains("does not parse as go"));
        let bad_json = vec![finding(
            "r5",
            vec![edit("b.json", 1, 1, "{\"a\": 1}\n", "{\"a\": \n")],
        )];
        let out = apply_fixes(dir.path(), &bad_json, &ApplyOptions::default());
        assert!(out.files[0].refused[0].reason.contains("does not parse"));
        assert_eq!(
            std::fs::read_to_string(dir.path().join("b.json")).unwrap(),
            "{\"a\": 1}\n"
        );
    }

    #[test]
    fn a_fix_is_all_or_nothing_across_files() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("requirements.txt"), "flask\n").unwrap();
        std::fs::write(dir.path().join("Dockerfile"), "FROM python\nCMD gunicorn\n").unwrap();
        let f = finding(
            "tracer-missing",
            vec![
                edit("requirements.txt", 2, 2, "", "ddtrace\n"),
                edit(
                    "Dockerfile",
                    2,
                    2,
                    "CMD flask run\n",
                    "CMD ddtrace-run flask run\n",
                ),
            ],
        );
        let out = apply_fixes(dir.path(), &[f], &ApplyOptions::default());
        assert_eq!((out.applied(), out.refused()), (0, 2), "{out:#?}");
        let req = out
            .files
            .iter()
            .find(|f| f.file == "requirements.txt")
            .unwrap();
        assert!(req.refused[0]
            .reason
            .contains("another edit of the same fix was refused"));
        assert_eq!(
            std::fs::read_to_string(dir.path().join("requirements.txt")).unwrap(),
            "flask\n"
        );
    }

    #[cfg(unix)]
    #[test]
    fn never_writes_through_links_leaving_the_root() {
        let outside = tempfile::tempdir().unwrap();
        std::fs::write(outside.path().join("secret.txt"), "keep\n").unwrap();
        let dir = tempfile::tempdir().unwrap();
        std::os::unix::fs::symlink(outside.path(), dir.path().join("link")).unwrap();
        std::os::unix::fs::symlink(
            outside.path().join("secret.txt"),
            dir.path().join("file.txt"),
        )
        .unwrap();
        let findings = vec![
            finding("r", vec![edit("link/secret.txt", 1, 1, "keep\n", "gone\n")]),
            finding("r", vec![edit("file.txt", 1, 1, "keep\n", "gone\n")]),
            finding("r", vec![edit("link/new.txt", 1, 1, "", "x\n")]),
            finding("r", vec![edit("../x.txt", 1, 1, "", "x\n")]),
            finding("r", vec![edit("ok/new.txt", 1, 1, "", "created\n")]),
        ];
        let out = apply_fixes(dir.path(), &findings, &ApplyOptions::default());
        assert_eq!(out.refused(), 4, "{out:#?}");
        assert_eq!(out.applied(), 1);
        assert_eq!(
            std::fs::read_to_string(outside.path().join("secret.txt")).unwrap(),
            "keep\n"
        );
        assert!(!outside.path().join("new.txt").exists());
        assert_eq!(
            std::fs::read_to_string(dir.path().join("ok/new.txt")).unwrap(),
            "created\n"
        );
    }
}
