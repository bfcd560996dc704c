//! Machine-applicable fixes: resolving the edits rules return into whole-line replacements,
//! unified diffs of them, and applying them to the tree (`apply`).
//!
//! Rules place edits with byte ranges of query captures, line numbers and an indentation
//! reference ([`EditAnchor`]); once the scan is over the engine reads each file concerned once,
//! turns every edit into whole lines (`line..=end_line` reading `old` become `new`) and writes
//! the fix's unified diff.

pub mod apply;
mod text;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

pub(crate) use apply::write_atomically;
pub use apply::{apply_fixes, ApplyOptions, EditRef, FileOutcome, FixOutcome, Refusal};
pub use text::FileText;

use crate::finding::{Diagnostic, Edit, Finding};

/// The folder report paths are relative to: the root, or its folder when the root is a file.
pub fn base_dir(root: &Path) -> PathBuf {
    if root.is_file() {
        match root.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        }
    } else {
        root.to_path_buf()
    }
}

/// Prefix of a resolution error that only means "the rule's guess found nothing to anchor
/// to": the fix keeps its prose and loses its edits, without a diagnostic.
const UNPLACED: &str = "unplaced: ";

/// Lines of context around each change in a diff.
pub const CONTEXT: usize = 3;

/// Text as `old`/`new` hold it: `\n` line ends, and a final `\n` when not empty.
pub fn normalise_lines(text: &str) -> String {
    let mut s = text.replace("\r\n", "\n");
    if !s.is_empty() && !s.ends_with('\n') {
        s.push('\n');
    }
    s
}

/// Leading spaces and tabs of a line.
fn indentation(line: &str) -> &str {
    let trimmed = line.trim_start_matches([' ', '\t']);
    &line[..line.len() - trimmed.len()]
}

fn reindent(text: &str, indent: &str) -> String {
    let mut out = String::with_capacity(text.len() + indent.len() * 4);
    for line in text.split_inclusive('\n') {
        if !line.trim().is_empty() {
            out.push_str(indent);
        }
        out.push_str(line);
    }
    out
}

/// Turn one rule edit into whole lines of `file` (`None` for a file that does not exist).
pub fn resolve_edit(edit: &Edit, file: Option<&FileText>) -> Result<Edit, String> {
    let anchor = edit.anchor.clone().unwrap_or_default();
    let mut out = Edit {
        file: edit.file.clone(),
        anchor: None,
        ..Edit::default()
    };
    if anchor.create {
        if file.is_some() {
            return Err(format!("{} already exists", edit.file));
        }
        out.line = 1;
        out.end_line = 1;
        out.new = normalise_lines(&edit.new);
        return Ok(out);
    }
    let Some(text) = file else {
        return Err(format!("{}: cannot read the file", edit.file));
    };
    let count = text.line_count();
    let mut edit = edit.clone();
    let mut anchor = anchor;
    if !anchor.search_up.is_empty() {
        let from = edit.line.clamp(1, count.max(1));
        let found = (0..from)
            .rev()
            .find(|&i| {
                anchor
                    .search_up
                    .iter()
                    .any(|t| text.line(i).contains(t.as_str()))
            })
            .ok_or_else(|| {
                format!(
                    "{UNPLACED}{}: no line at or above {} contains {}",
                    edit.file,
                    edit.line,
                    anchor.search_up.join(" or ")
                )
            })?;
        if anchor.substitute.is_empty() {
            edit.line = found + 2;
            edit.end_line = found + 2;
            anchor.indent_like = Some(found + 1);
        } else {
            edit.line = found + 1;
        }
    }
    if let Some((from, to)) = anchor.copy_lines {
        if from < 1 || to < from || to > count {
            return Err(format!(
                "{}: lines {from}-{to} to copy are outside the file",
                edit.file
            ));
        }
        edit.new = text.content(from - 1, to - 1);
    }
    if anchor.whole_lines {
        if edit.line < 1 || edit.end_line < edit.line || edit.end_line > count {
            return Err(format!(
                "{}: lines {}-{} are outside the file",
                edit.file, edit.line, edit.end_line
            ));
        }
        edit.old = text.content(edit.line - 1, edit.end_line - 1);
    }
    if !anchor.substitute.is_empty() {
        if edit.line < 1 || edit.line > count {
            return Err(format!(
                "{}: line {} is outside the file",
                edit.file, edit.line
            ));
        }
        let current = text.line(edit.line - 1);
        let Some((find, replace)) = anchor
            .substitute
            .iter()
            .find(|(find, _)| current.contains(find.as_str()))
        else {
            return Err(format!(
                "{}:{}: `{}` holds none of the texts the fix rewrites",
                edit.file,
                edit.line,
                current.trim()
            ));
        };
        edit.end_line = edit.line;
        edit.old = normalise_lines(current);
        edit.new = normalise_lines(&current.replacen(find.as_str(), replace, 1));
    }
    // Inserted text takes the indentation of the reference line.
    if let Some(like) = anchor.indent_like {
        if like >= 1 && like <= count && anchor.bytes.is_none() {
            edit.new = reindent(
                &normalise_lines(&edit.new),
                indentation(text.line(like - 1)),
            );
        }
    }
    let edit = &edit;
    if let Some((start, end)) = anchor.bytes {
        let (first, last) = text
            .lines_of_bytes(start, end)
            .ok_or_else(|| format!("{}: bytes {start}..{end} are outside the file", edit.file))?;
        let (line_start, line_end) = (text.line_start(first), text.line_content_end(last));
        let raw = text.body();
        let (Some(prefix), Some(suffix)) = (raw.get(line_start..start), raw.get(end..line_end))
        else {
            return Err(format!(
                "{}: bytes {start}..{end} split a character",
                edit.file
            ));
        };
        let replaced = format!("{prefix}{}{suffix}", edit.new);
        out.line = first + 1;
        out.end_line = last + 1;
        out.old = text.content(first, last);
        // Removing everything a line held removes the line.
        out.new = if replaced.trim().is_empty() {
            String::new()
        } else {
            normalise_lines(&replaced)
        };
    } else if anchor.append || (edit.old.is_empty() && edit.line == count + 1 && count > 0) {
        let new = normalise_lines(&edit.new);
        if count > 0 && !text.final_newline() {
            out.line = count;
            out.end_line = count;
            out.old = text.content(count - 1, count - 1);
            out.new = format!("{}{new}", out.old);
        } else {
            out.line = count + 1;
            out.end_line = count + 1;
            out.new = new;
        }
    } else {
        let old = normalise_lines(&edit.old);
        out.line = edit.line.max(1);
        if old.is_empty() {
            if out.line > count + 1 {
                return Err(format!(
                    "{}: line {} is past the end of the file ({count} lines)",
                    edit.file, out.line
                ));
            }
            out.end_line = out.line;
        } else {
            out.end_line = edit.end_line.max(out.line);
            if out.end_line > count {
                return Err(format!(
                    "{}: lines {}-{} are past the end of the file ({count} lines)",
                    edit.file, out.line, out.end_line
                ));
            }
            let actual = text.content(out.line - 1, out.end_line - 1);
            if actual != old {
                return Err(format!(
                    "{}:{}: the file reads `{}` where the fix expects `{}`",
                    edit.file,
                    out.line,
                    actual.trim_end(),
                    old.trim_end()
                ));
            }
        }
        out.old = old;
        out.new = normalise_lines(&edit.new);
    }
    Ok(out)
}

/// Resolve the edits of every finding against the files under `root` and fill in each fix's
/// diff. A fix whose edits cannot be placed loses its edits (its description and snippet stay)
/// and yields a `fix-error` diagnostic.
pub fn resolve_findings(root: &Path, findings: &mut [Finding]) -> Vec<Diagnostic> {
    let mut files: BTreeMap<String, Option<FileText>> = BTreeMap::new();
    let mut diagnostics = Vec::new();
    for finding in findings.iter_mut() {
        let Some(fix) = finding.fix.as_mut() else {
            continue;
        };
        if fix.edits.is_empty() {
            continue;
        }
        let mut resolved = Vec::with_capacity(fix.edits.len());
        let mut error = None;
        for edit in &fix.edits {
            let text = files.entry(edit.file.clone()).or_insert_with(|| {
                if !is_safe_relative(&edit.file) {
                    return None;
                }
                std::fs::read(root.join(&edit.file))
                    .ok()
                    .and_then(|b| FileText::parse(&b).ok())
            });
            if !is_safe_relative(&edit.file) {
                error = Some(format!("{}: not a path inside the scanned root", edit.file));
                break;
            }
            let placed;
            let edit = match edit.anchor.as_ref().and_then(|a| a.go_import.as_deref()) {
                None => edit,
                Some(spec) => match go_import_edit(&edit.file, spec, text.as_ref()) {
                    None => continue,
                    Some(e) => {
                        placed = e;
                        &placed
                    }
                },
            };
            match resolve_edit(edit, text.as_ref()) {
                Ok(e) => resolved.push(e),
                Err(e) => {
                    error = Some(e);
                    break;
                }
            }
        }
        if error.is_none() {
            match diff_for_edits(&resolved, |f| files.get(f).and_then(|t| t.as_ref())) {
                Ok(diff) => {
                    fix.edits = resolved;
                    fix.diff = Some(diff);
                    continue;
                }
                Err(e) => error = Some(e),
            }
        }
        fix.edits.clear();
        fix.diff = None;
        if error.as_deref().is_some_and(|e| e.starts_with(UNPLACED)) {
            continue;
        }
        diagnostics.push(Diagnostic {
            kind: "fix-error".into(),
            file: finding.file.clone(),
            line: finding.line,
            column: finding.column,
            message: format!(
                "rule `{}`: the fix cannot be applied: {}",
                finding.rule,
                error.unwrap_or_default()
            ),
        });
    }
    diagnostics
}

/// The insertion that adds a Go import spec (`alias "path"`) to a file: inside its
/// `import (...)` block, else after its last single import, else after the `package` clause.
/// `None` when the path is imported already or the file has no package clause.
pub fn go_import_edit(file: &str, spec: &str, text: Option<&FileText>) -> Option<Edit> {
    let text = text?;
    let path = spec.rsplit(' ').next().unwrap_or(spec);
    let lines: Vec<&str> = (0..text.line_count()).map(|i| text.line(i)).collect();
    if lines.iter().any(|l| l.contains(path)) {
        return None;
    }
    let insert = |line: usize, new: String| Edit {
        file: file.to_string(),
        line,
        end_line: line,
        old: String::new(),
        new,
        anchor: None,
    };
    if let Some(open) = lines
        .iter()
        .position(|l| l.trim_start().starts_with("import ("))
    {
        let close = lines[open..].iter().position(|l| l.trim() == ")")? + open;
        return Some(insert(close + 1, format!("\t{spec}\n")));
    }
    if let Some(last) = lines.iter().rposition(|l| l.starts_with("import ")) {
        return Some(insert(last + 2, format!("import {spec}\n")));
    }
    let package = lines.iter().position(|l| l.starts_with("package "))?;
    Some(insert(package + 2, format!("\nimport {spec}\n")))
}

/// A relative, `/`-separated path without `..`, `.` only components or a drive/root.
pub fn is_safe_relative(path: &str) -> bool {
    !path.is_empty()
        && !path.starts_with('/')
        && !path.contains('\\')
        && !path.contains(':')
        && path.split('/').all(|c| !c.is_empty() && c != "..")
}

/// The unified diff of `edits` (resolved, possibly in several files), files in the order they
/// first appear. `file_text` gives each file's current text (`None`: the file is created).
pub fn diff_for_edits<'a>(
    edits: &[Edit],
    file_text: impl Fn(&str) -> Option<&'a FileText>,
) -> Result<String, String> {
    let mut order: Vec<&str> = Vec::new();
    for e in edits {
        if !order.contains(&e.file.as_str()) {
            order.push(&e.file);
        }
    }
    let mut out = String::new();
    for file in order {
        let mine: Vec<&Edit> = edits.iter().filter(|e| e.file == file).collect();
        let original = file_text(file);
        let ops = ops_for(&mine, original)?;
        let empty = FileText::empty();
        out.push_str(&unified_diff(
            file,
            original.unwrap_or(&empty),
            original.is_none(),
            &ops,
        ));
    }
    Ok(out)
}

/// One change to a file's lines: `old_len` lines from `old_start` (0-based) become `new`
/// (each line with its terminator).
#[derive(Debug, Clone)]
pub struct Op {
    /// 0-based first line replaced.
    pub old_start: usize,
    /// Lines replaced (0 for an insertion).
    pub old_len: usize,
    /// Replacement lines, each ending with the file's line terminator.
    pub new: Vec<String>,
}

/// Overlap between two resolved edits of one file: replaced ranges that share a line, or an
/// insertion strictly inside a replaced range.
pub fn overlaps(a: &Edit, b: &Edit) -> bool {
    match (a.is_insertion(), b.is_insertion()) {
        (true, true) => false,
        (true, false) => b.line < a.line && a.line <= b.end_line,
        (false, true) => a.line < b.line && b.line <= a.end_line,
        (false, false) => a.line <= b.end_line && b.line <= a.end_line,
    }
}

/// Line operations for resolved, non-overlapping edits of one file, sorted.
pub fn ops_for(edits: &[&Edit], original: Option<&FileText>) -> Result<Vec<Op>, String> {
    let empty = FileText::empty();
    let text = original.unwrap_or(&empty);
    let eol = text.eol();
    let mut sorted: Vec<&Edit> = edits.to_vec();
    sorted.sort_by_key(|e| (e.line, !e.is_insertion()));
    for (i, a) in sorted.iter().enumerate() {
        for b in &sorted[i + 1..] {
            if overlaps(a, b) {
                return Err(format!(
                    "{}: edits at lines {} and {} overlap",
                    a.file, a.line, b.line
                ));
            }
        }
    }
    let count = text.line_count();
    let mut ops: Vec<Op> = sorted
        .iter()
        .map(|e| {
            let old_len = if e.is_insertion() {
                0
            } else {
                e.end_line + 1 - e.line
            };
            Op {
                old_start: e.line - 1,
                old_len,
                new: e
                    .new
                    .split_inclusive('\n')
                    .map(|l| format!("{}{eol}", l.strip_suffix('\n').unwrap_or(l)))
                    .collect(),
            }
        })
        .collect();
    // The BOM stays at the start of the file: an insertion before the first line takes the
    // first line with it (that line loses the BOM it carried).
    if text.bom() && count > 0 && ops.iter().all(|o| o.old_start > 0 || o.old_len == 0) {
        if let Some(op) = ops.iter_mut().rev().find(|o| o.old_start == 0) {
            op.old_len = 1;
            op.new.push(text.raw_line(0).to_string());
        }
    }
    // A file without a final newline keeps it that way.
    if original.is_some() && count > 0 && !text.final_newline() {
        if let Some(last) = ops.last_mut() {
            if last.old_start + last.old_len == count {
                if let Some(l) = last.new.last_mut() {
                    let trimmed = l.trim_end_matches(['\r', '\n']).len();
                    l.truncate(trimmed);
                }
            }
        }
    }
    Ok(ops)
}

/// Apply line operations to a file's lines.
pub fn splice(text: &FileText, ops: &[Op]) -> Vec<String> {
    let mut out = Vec::with_capacity(text.line_count() + 8);
    let mut at = 0;
    for op in ops {
        while at < op.old_start {
            out.push(text.raw_line(at).to_string());
            at += 1;
        }
        out.extend(op.new.iter().cloned());
        at = op.old_start + op.old_len;
    }
    while at < text.line_count() {
        out.push(text.raw_line(at).to_string());
        at += 1;
    }
    out
}

fn push_line(out: &mut String, prefix: char, bom: bool, line: &str) {
    out.push(prefix);
    if bom {
        out.push('\u{feff}');
    }
    out.push_str(line);
    if !line.ends_with('\n') {
        out.push_str("\n\\ No newline at end of file\n");
    }
}

fn range(start: usize, len: usize) -> String {
    match len {
        0 => format!("{start},0"),
        1 => format!("{}", start + 1),
        n => format!("{},{n}", start + 1),
    }
}

/// A unified diff (`--- a/path`, `+++ b/path`, hunks with [`CONTEXT`] lines of context) of
/// `ops` on `text`. `created`: the file does not exist yet (`--- /dev/null`).
pub fn unified_diff(path: &str, text: &FileText, created: bool, ops: &[Op]) -> String {
    let mut out = String::new();
    if ops.is_empty() {
        return out;
    }
    if created {
        out.push_str("--- /dev/null\n");
    } else {
        out.push_str(&format!("--- a/{path}\n"));
    }
    out.push_str(&format!("+++ b/{path}\n"));
    let count = text.line_count();
    let bom = text.bom();
    // Group operations whose contexts touch into hunks.
    let mut groups: Vec<Vec<&Op>> = Vec::new();
    for op in ops {
        let joins = groups
            .last()
            .and_then(|g| g.last())
            .is_some_and(|prev| op.old_start <= prev.old_start + prev.old_len + 2 * CONTEXT);
        if joins {
            if let Some(g) = groups.last_mut() {
                g.push(op);
            }
        } else {
            groups.push(vec![op]);
        }
    }
    let mut delta: isize = 0;
    for group in groups {
        let first = group[0];
        let last = group[group.len() - 1];
        let start = first.old_start.saturating_sub(CONTEXT);
        let end = (last.old_start + last.old_len + CONTEXT).min(count);
        let mut body = String::new();
        let (mut old_len, mut new_len) = (0usize, 0usize);
        let new_start = (start as isize + delta) as usize;
        let mut at = start;
        for op in &group {
            while at < op.old_start {
                push_line(&mut body, ' ', bom && at == 0, text.raw_line(at));
                at += 1;
                old_len += 1;
                new_len += 1;
            }
            for i in op.old_start..op.old_start + op.old_len {
                push_line(&mut body, '-', bom && i == 0, text.raw_line(i));
                old_len += 1;
            }
            for l in &op.new {
                let new_index = new_start + new_len;
                push_line(&mut body, '+', bom && new_index == 0, l);
                new_len += 1;
            }
            at = op.old_start + op.old_len;
            delta += op.new.len() as isize - op.old_len as isize;
        }
        while at < end {
            let new_index = new_start + new_len;
            push_line(
                &mut body,
                ' ',
                bom && at == 0 && new_index == 0,
                text.raw_line(at),
            );
            at += 1;
            old_len += 1;
            new_len += 1;
        }
        out.push_str(&format!(
            "@@ -{} +{} @@\n",
            range(start, old_len),
            range(new_start, new_len)
        ));
        out.push_str(&body);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::finding::EditAnchor;

    fn edit(line: usize, end_line: usize, old: &str, new: &str) -> Edit {
        Edit {
            file: "a.py".into(),
            line,
            end_line,
            old: old.into(),
            new: new.into(),
            anchor: None,
        }
    }

    fn diff(text: &str, edits: &[Edit]) -> String {
        let t = FileText::parse(text.as_bytes()).unwrap();
        let resolved: Vec<Edit> = edits
            .iter()
            .map(|e| resolve_edit(e, Some(&t)).unwrap())
            .collect();
        diff_for_edits(&resolved, |_| Some(&t)).unwrap()
    }

    #[test]
    fn insertion_at_the_top() {
        let d = diff(
            "import flask\nimport os\n",
            &[edit(1, 1, "", "import ddtrace.auto")],
        );
        assert_eq!(
            d,
            "--- a/a.py\n+++ b/a.py\n@@ -1,2 +1,3 @@\n+import ddtrace.auto\n import flask\n import os\n"
        );
    }

    #[test]
    fn replacement_with_context_and_crlf() {
        let text = "a\r\nb\r\nc\r\nd\r\ne\r\nf\r\ng\r\nh\r\n";
        let d = diff(text, &[edit(5, 5, "e\n", "E\nE2\n")]);
        assert_eq!(
            d,
            "--- a/a.py\n+++ b/a.py\n@@ -2,7 +2,8 @@\n b\r\n c\r\n d\r\n-e\r\n+E\r\n+E2\r\n f\r\n g\r\n h\r\n"
        );
    }

    #[test]
    fn byte_ranges_become_whole_lines() {
        let text = "func f(ctx context.Context) {\n\tgo work(context.Background())\n}\n";
        let t = FileText::parse(text.as_bytes()).unwrap();
        let start = text.find("context.Background()").unwrap();
        let e = Edit {
            file: "a.go".into(),
            new: "ctx".into(),
            anchor: Some(EditAnchor {
                bytes: Some((start, start + "context.Background()".len())),
                ..Default::default()
            }),
            ..Default::default()
        };
        let r = resolve_edit(&e, Some(&t)).unwrap();
        assert_eq!((r.line, r.end_line), (2, 2));
        assert_eq!(r.old, "\tgo work(context.Background())\n");
        assert_eq!(r.new, "\tgo work(ctx)\n");
    }

    #[test]
    fn indentation_and_append_without_final_newline() {
        let text = "env:\n  - A=1\n  - B=2";
        let t = FileText::parse(text.as_bytes()).unwrap();
        let e = Edit {
            file: "c.yml".into(),
            new: "- C=3".into(),
            anchor: Some(EditAnchor {
                append: true,
                indent_like: Some(3),
                ..Default::default()
            }),
            ..Default::default()
        };
        let r = resolve_edit(&e, Some(&t)).unwrap();
        let d = diff_for_edits(std::slice::from_ref(&r), |_| Some(&t)).unwrap();
        assert_eq!(
            d,
            "--- a/c.yml\n+++ b/c.yml\n@@ -1,3 +1,4 @@\n env:\n   - A=1\n-  - B=2\n\\ No newline at end of file\n+  - B=2\n+  - C=3\n\\ No newline at end of file\n"
        );
    }

    #[test]
    fn new_files_diff_from_dev_null() {
        let e = Edit {
            file: "x/new.txt".into(),
            new: "hello".into(),
            anchor: Some(EditAnchor {
                create: true,
                ..Default::default()
            }),
            ..Default::default()
        };
        let r = resolve_edit(&e, None).unwrap();
        let d = diff_for_edits(std::slice::from_ref(&r), |_| None).unwrap();
        assert_eq!(d, "--- /dev/null\n+++ b/x/new.txt\n@@ -0,0 +1 @@\n+hello\n");
    }

    #[test]
    fn stale_old_text_is_refused() {
        let t = FileText::parse(b"a\nb\n").unwrap();
        assert!(resolve_edit(&edit(2, 2, "x", "y"), Some(&t)).is_err());
        assert!(resolve_edit(&edit(3, 3, "b", "y"), Some(&t)).is_err());
    }

    #[test]
    fn unsafe_paths() {
        assert!(is_safe_relative("a/b.go"));
        for p in ["../x", "/etc/passwd", "a/../../b", "", "C:/x", "a\\b"] {
            assert!(!is_safe_relative(p), "{p}");
        }
    }
}
