//! Integration tests live in tests/tests/; this library holds what several of them share.

use std::path::{Path, PathBuf};

use apm_doctor_engine::finding::{Diagnostic, ScanReport};
use apm_doctor_engine::{scan, ScanOptions};

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

/// Write `text` to `root/rel`, creating folders.
///
/// # Panics
/// When the file cannot be written.
pub fn write(root: &Path, rel: &str, text: &str) {
    let path = root.join(rel);
    std::fs::create_dir_all(path.parent().expect("a parent")).expect("create folder");
    std::fs::write(path, text).expect("write file");
}

/// An untraced Flask service: `tracer-missing` at web/requirements.txt:1, always, which
/// proves that a scan kept its findings beside whatever hostile input a test adds.
pub fn untraced_flask(root: &Path) {
    write(
        root,
        "web/requirements.txt",
        "flask==3.0.0\ngunicorn==22.0.0\n",
    );
    write(
        root,
        "web/app.py",
        "from flask import Flask\napp = Flask(__name__)\n",
    );
}

/// Scan `root` with `options` (without looking for `apm-doctor.toml` unless a config file
/// is given).
///
/// # Panics
/// When the scan cannot start.
pub fn scan_with(root: &Path, options: ScanOptions) -> ScanReport {
    scan(&ScanOptions {
        root: root.to_path_buf(),
        no_config: options.config_path.is_none(),
        ..options
    })
    .expect("scan runs")
}

/// Scan `root` following symbolic links (`--follow`).
///
/// # Panics
/// When the scan cannot start.
pub fn scan_following_links(root: &Path) -> ScanReport {
    scan_with(
        root,
        ScanOptions {
            follow_links: true,
            ..Default::default()
        },
    )
}

/// True when some diagnostic of the report satisfies `wanted`.
pub fn has_diagnostic(report: &ScanReport, wanted: impl Fn(&Diagnostic) -> bool) -> bool {
    report.diagnostics.iter().any(wanted)
}
