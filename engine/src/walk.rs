//! The file walker: honours `.gitignore`, `--exclude` and `[paths] exclude`, never follows
//! links unless asked, and reports what it could not read instead of stopping.

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use ignore::overrides::OverrideBuilder;
use ignore::{WalkBuilder, WalkState};

use crate::finding::Diagnostic;

/// Directories that never hold first-party code.
const ALWAYS_SKIPPED_DIRS: [&str; 8] = [
    ".git",
    "node_modules",
    ".venv",
    "venv",
    "__pycache__",
    ".tox",
    ".mypy_cache",
    ".hg",
];

/// What to walk and what to leave out.
#[derive(Debug, Clone, Default)]
pub struct WalkOptions {
    /// Gitignore-style globs to skip, relative to the root.
    pub exclude: Vec<String>,
    /// Follow symbolic links (loops are detected and reported).
    pub follow_links: bool,
    /// Do not honour `.gitignore` / `.ignore` files.
    pub no_ignore: bool,
}

/// A file the walker kept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WalkEntry {
    /// Path relative to the root, `/`-separated.
    pub rel: String,
    /// Path to open.
    pub abs: PathBuf,
    /// Size in bytes from the directory entry.
    pub size: u64,
    /// Last modification, in nanoseconds since the Unix epoch, when the OS tells it.
    pub modified: Option<u64>,
}

/// The walk's result: kept files (sorted by path) and problems met on the way.
#[derive(Debug, Default)]
pub struct WalkOutput {
    /// Files to look at.
    pub files: Vec<WalkEntry>,
    /// Unreadable directories, symlink loops, broken links, links followed out of the root.
    pub diagnostics: Vec<Diagnostic>,
    /// Entries left out by reason (`symlink`: links not followed without `--follow`).
    pub skipped_by: std::collections::BTreeMap<String, usize>,
}

/// An invalid exclude pattern.
#[derive(Debug, thiserror::Error)]
#[error("invalid exclude pattern `{pattern}`: {message}")]
pub struct PatternError {
    /// The pattern as given.
    pub pattern: String,
    /// Why it is invalid.
    pub message: String,
}

/// Walk `root` in parallel. A file given as `root` is returned alone.
pub fn walk(root: &Path, options: &WalkOptions) -> Result<WalkOutput, PatternError> {
    let mut overrides = OverrideBuilder::new(root);
    for pattern in &options.exclude {
        overrides
            .add(&format!("!{pattern}"))
            .map_err(|e| PatternError {
                pattern: pattern.clone(),
                message: e.to_string(),
            })?;
    }
    let overrides = overrides.build().map_err(|e| PatternError {
        pattern: options.exclude.join(", "),
        message: e.to_string(),
    })?;

    let mut builder = WalkBuilder::new(root);
    builder
        .hidden(false)
        .follow_links(options.follow_links)
        .git_ignore(!options.no_ignore)
        .git_exclude(!options.no_ignore)
        .ignore(!options.no_ignore)
        .git_global(false)
        .require_git(false)
        .parents(!options.no_ignore)
        .overrides(overrides)
        .filter_entry(|entry| {
            let is_dir = entry.file_type().is_some_and(|t| t.is_dir());
            !(is_dir
                && entry.depth() > 0
                && ALWAYS_SKIPPED_DIRS.contains(&entry.file_name().to_string_lossy().as_ref()))
        });

    let files = Mutex::new(Vec::new());
    let diagnostics = Mutex::new(Vec::new());
    let links_skipped = std::sync::atomic::AtomicUsize::new(0);
    // Links are judged against the canonical root: a followed link whose target lies outside
    // it is reported (it was followed because `--follow` asked for it).
    let canonical_root = root.canonicalize().ok();
    builder.build_parallel().run(|| {
        Box::new(|result| {
            match result {
                Ok(entry) => {
                    if entry.path_is_symlink() && entry.depth() > 0 {
                        if !options.follow_links {
                            links_skipped.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                            return WalkState::Continue;
                        }
                        if let (Some(croot), Ok(target)) =
                            (&canonical_root, entry.path().canonicalize())
                        {
                            if !target.starts_with(croot) {
                                if let Ok(mut diags) = diagnostics.lock() {
                                    diags.push(Diagnostic {
                                        kind: "link".into(),
                                        file: relative(root, entry.path()),
                                        line: 0,
                                        column: 0,
                                        message: format!(
                                            "symbolic link to {}, outside the scanned folder: followed (--follow); fix never writes through it",
                                            target.display()
                                        ),
                                    });
                                }
                            }
                        }
                    }
                    let is_file = entry.file_type().is_some_and(|t| t.is_file());
                    if is_file {
                        let metadata = entry.metadata().ok();
                        let size = metadata.as_ref().map_or(0, |m| m.len());
                        let modified = metadata
                            .and_then(|m| m.modified().ok())
                            .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
                            .map(|d| u64::try_from(d.as_nanos()).unwrap_or(u64::MAX));
                        let rel = relative(root, entry.path());
                        if let Ok(mut files) = files.lock() {
                            files.push(WalkEntry {
                                rel,
                                abs: entry.path().to_path_buf(),
                                size,
                                modified,
                            });
                        }
                    }
                }
                Err(err) => {
                    if let Ok(mut diags) = diagnostics.lock() {
                        diags.push(walk_error(root, &err));
                    }
                }
            }
            WalkState::Continue
        })
    });
    let mut files = files.into_inner().unwrap_or_default();
    files.sort_by(|a, b| a.rel.cmp(&b.rel));
    let mut diagnostics = diagnostics.into_inner().unwrap_or_default();
    diagnostics.sort_by(|a, b| a.file.cmp(&b.file).then(a.message.cmp(&b.message)));
    let mut skipped_by = std::collections::BTreeMap::new();
    let links = links_skipped.into_inner();
    if links > 0 {
        skipped_by.insert("symlink".to_string(), links);
    }
    Ok(WalkOutput {
        files,
        diagnostics,
        skipped_by,
    })
}

/// `path` relative to `root`, `/`-separated (`.`-free); the file name when `root` is the file.
pub fn relative(root: &Path, path: &Path) -> String {
    let rel = match path.strip_prefix(root) {
        Ok(r) if r.as_os_str().is_empty() => path
            .file_name()
            .map(PathBuf::from)
            .unwrap_or_else(|| path.to_path_buf()),
        Ok(r) => r.to_path_buf(),
        Err(_) => path.to_path_buf(),
    };
    let text = rel.to_string_lossy().replace('\\', "/");
    text.trim_start_matches("./").to_string()
}

fn walk_error(root: &Path, err: &ignore::Error) -> Diagnostic {
    let path = error_path(err)
        .map(|p| relative(root, p))
        .unwrap_or_default();
    let message = if is_loop(err) {
        "symbolic link loop; not followed".to_string()
    } else {
        format!("cannot read: {}", innermost(err))
    };
    Diagnostic {
        kind: "io-error".into(),
        file: path,
        line: 0,
        column: 0,
        message,
    }
}

fn error_path(err: &ignore::Error) -> Option<&Path> {
    match err {
        ignore::Error::WithPath { path, .. } => Some(path),
        ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => {
            error_path(err)
        }
        ignore::Error::Loop { child, .. } => Some(child),
        _ => None,
    }
}

fn is_loop(err: &ignore::Error) -> bool {
    match err {
        ignore::Error::Loop { .. } => true,
        ignore::Error::WithPath { err, .. }
        | ignore::Error::WithDepth { err, .. }
        | ignore::Error::WithLineNumber { err, .. } => is_loop(err),
        _ => false,
    }
}

fn innermost(err: &ignore::Error) -> String {
    match err {
        ignore::Error::WithPath { err, .. }
        | ignore::Error::WithDepth { err, .. }
        | ignore::Error::WithLineNumber { err, .. } => innermost(err),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;

    fn names(out: &WalkOutput) -> Vec<&str> {
        out.files.iter().map(|f| f.rel.as_str()).collect()
    }

    #[test]
    fn honours_gitignore_excludes_and_hidden_env_files() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        fs::write(root.join(".gitignore"), "build/\n").unwrap();
        fs::create_dir_all(root.join("build")).unwrap();
        fs::write(root.join("build/gen.py"), "x").unwrap();
        fs::create_dir_all(root.join("legacy")).unwrap();
        fs::write(root.join("legacy/old.py"), "x").unwrap();
        fs::create_dir_all(root.join("node_modules/dd-trace")).unwrap();
        fs::write(root.join("node_modules/dd-trace/package.json"), "{}").unwrap();
        fs::write(root.join(".env"), "DD_ENV=prod").unwrap();
        fs::write(root.join("app.py"), "x").unwrap();
        let out = walk(
            root,
            &WalkOptions {
                exclude: vec!["legacy/**".into()],
                ..Default::default()
            },
        )
        .unwrap();
        assert_eq!(names(&out), vec![".env", ".gitignore", "app.py"]);
    }

    #[cfg(unix)]
    #[test]
    fn survives_symlink_loops_when_following() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        fs::create_dir_all(root.join("a")).unwrap();
        fs::write(root.join("a/main.go"), "package main").unwrap();
        std::os::unix::fs::symlink(root.join("a"), root.join("a/loop")).unwrap();
        let out = walk(
            root,
            &WalkOptions {
                follow_links: true,
                ..Default::default()
            },
        )
        .unwrap();
        assert!(names(&out).contains(&"a/main.go"));
        assert!(
            out.diagnostics.iter().any(|d| d.message.contains("loop")),
            "{:?}",
            out.diagnostics
        );
        let out = walk(root, &WalkOptions::default()).unwrap();
        assert_eq!(names(&out), vec!["a/main.go"]);
        assert!(out.diagnostics.is_empty());
    }

    #[test]
    fn bad_exclude_pattern_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let err = walk(
            dir.path(),
            &WalkOptions {
                exclude: vec!["a/{b".into()],
                ..Default::default()
            },
        )
        .unwrap_err();
        assert!(err.to_string().contains("a/{b"));
    }
}
