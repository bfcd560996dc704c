//! Reading the files a plan touches (each once) and building whole-line edits on them.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::finding::Edit;
use crate::fix::FileText;

/// One file the plan changes and why.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Change {
    /// File relative to the root.
    pub file: String,
    /// True when the plan creates it.
    pub created: bool,
    /// What changes in it.
    pub what: Vec<String>,
}

/// The files under the root, read once each.
pub(crate) struct Files {
    root: PathBuf,
    cache: BTreeMap<String, Option<FileText>>,
}

impl Files {
    pub fn new(root: &Path) -> Self {
        Files {
            root: root.to_path_buf(),
            cache: BTreeMap::new(),
        }
    }

    fn load(&mut self, rel: &str) {
        if !self.cache.contains_key(rel) {
            let text = if crate::fix::is_safe_relative(rel) {
                std::fs::read(self.root.join(rel))
                    .ok()
                    .and_then(|b| FileText::parse(&b).ok())
            } else {
                None
            };
            self.cache.insert(rel.to_string(), text);
        }
    }

    /// The file as read (already loaded), for diffs.
    pub fn text(&self, rel: &str) -> Option<&FileText> {
        self.cache.get(rel).and_then(Option::as_ref)
    }

    /// The file's lines (without terminators), `None` when it cannot be read.
    pub fn lines(&mut self, rel: &str) -> Option<Vec<String>> {
        self.load(rel);
        let t = self.text(rel)?;
        Some((0..t.line_count()).map(|i| t.line(i).to_string()).collect())
    }

    /// Whether the file exists (as a file).
    pub fn exists(&mut self, rel: &str) -> bool {
        self.load(rel);
        self.text(rel).is_some() || self.root.join(rel).exists()
    }

    /// Files under a folder (relative to the root) with one of the extensions, sorted, at most
    /// `depth` folders deep, skipping dependency and build folders.
    pub fn find(&self, dir: &str, exts: &[&str], depth: usize) -> Vec<String> {
        let mut out = Vec::new();
        let base = if dir == "." {
            self.root.clone()
        } else {
            self.root.join(dir)
        };
        walk(&base, dir, exts, depth, &mut out);
        out.sort();
        out
    }

    /// An insertion of `text` (lines) before 1-based `line`.
    pub fn insert(&mut self, rel: &str, line: usize, text: &str) -> Edit {
        self.load(rel);
        Edit {
            file: rel.to_string(),
            line,
            end_line: line,
            old: String::new(),
            new: crate::fix::normalise_lines(text),
            anchor: None,
        }
    }

    /// Line `line` (1-based) replaced by `text`.
    pub fn replace(&mut self, rel: &str, line: usize, old: &str, text: &str) -> Edit {
        self.load(rel);
        Edit {
            file: rel.to_string(),
            line,
            end_line: line,
            old: crate::fix::normalise_lines(old),
            new: crate::fix::normalise_lines(text),
            anchor: None,
        }
    }

    /// `text` appended at the end of the file (a file without a final newline gets one first).
    pub fn append(&mut self, rel: &str, text: &str) -> Option<Edit> {
        self.load(rel);
        let t = self.text(rel)?;
        let count = t.line_count();
        let new = crate::fix::normalise_lines(text);
        if count > 0 && !t.final_newline() {
            let last = crate::fix::normalise_lines(t.line(count - 1));
            return Some(Edit {
                file: rel.to_string(),
                line: count,
                end_line: count,
                old: last.clone(),
                new: format!("{last}{new}"),
                anchor: None,
            });
        }
        Some(Edit {
            file: rel.to_string(),
            line: count + 1,
            end_line: count + 1,
            old: String::new(),
            new,
            anchor: None,
        })
    }

    /// A new file (`None` when it exists).
    pub fn create(&mut self, rel: &str, text: &str) -> Option<Edit> {
        if self.exists(rel) {
            return None;
        }
        Some(Edit {
            file: rel.to_string(),
            line: 1,
            end_line: 1,
            old: String::new(),
            new: crate::fix::normalise_lines(text),
            anchor: None,
        })
    }
}

fn walk(dir: &Path, rel: &str, exts: &[&str], depth: usize, out: &mut Vec<String>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let name = e.file_name().to_string_lossy().to_string();
        let Ok(kind) = e.file_type() else { continue };
        let child = if rel == "." {
            name.clone()
        } else {
            format!("{rel}/{name}")
        };
        if kind.is_dir() {
            if depth > 0
                && !name.starts_with('.')
                && !matches!(
                    name.as_str(),
                    "node_modules"
                        | "vendor"
                        | "target"
                        | "build"
                        | "dist"
                        | "bin"
                        | "obj"
                        | "venv"
                        | "__pycache__"
                )
            {
                walk(&e.path(), &child, exts, depth - 1, out);
            }
        } else if kind.is_file() && exts.iter().any(|x| name.ends_with(x)) {
            out.push(child);
        }
    }
}

/// Leading spaces and tabs of a line.
pub(crate) fn indent_of(line: &str) -> &str {
    let trimmed = line.trim_start_matches([' ', '\t']);
    &line[..line.len() - trimmed.len()]
}

/// Every non-empty line of `text` prefixed with `indent`.
pub(crate) fn indent(text: &str, indent: &str) -> String {
    text.lines()
        .map(|l| {
            if l.trim().is_empty() {
                String::new()
            } else {
                format!("{indent}{l}")
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}
