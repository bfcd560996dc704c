//! Integration tests live in tests/tests/; this library holds what several of them share.

use std::path::{Path, PathBuf};

/// Copy every file below `from` to the same place below `to`, creating folders.
///
/// # Panics
/// When a file cannot be read or written (a test fixture problem).
pub fn copy_tree(from: &Path, to: &Path) {
    for entry in files_below(from) {
        let rel = entry.strip_prefix(from).expect("below the root");
        let dest = to.join(rel);
        std::fs::create_dir_all(dest.parent().expect("a parent")).expect("create folder");
        std::fs::copy(&entry, &dest).expect("copy file");
    }
}

/// Every file below `dir`, recursively (symbolic links are not followed into folders).
///
/// # Panics
/// When a folder cannot be listed.
pub fn files_below(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).expect("list folder") {
        let p = e.expect("folder entry").path();
        if p.is_dir() && !p.is_symlink() {
            out.extend(files_below(&p));
        } else {
            out.push(p);
        }
    }
    out
}
