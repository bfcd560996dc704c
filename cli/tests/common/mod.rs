//! Helpers shared by the CLI integration tests: the binary with a clean environment, files
//! in temporary trees, git in a temporary repository, and the workspace root.
#![allow(dead_code)] // each test crate uses a subset

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The `apm-doctor` binary, without agent settings from the environment and without colours.
pub fn bin() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_apm-doctor"));
    c.env_remove("DD_TRACE_AGENT_URL")
        .env_remove("DD_AGENT_HOST")
        .env("NO_COLOR", "1");
    c
}

/// Write `text` to `root/rel`, creating folders.
pub fn write(root: &Path, rel: &str, text: &str) {
    let path = root.join(rel);
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(path, text).unwrap();
}

/// Run git in `root` with a fixed identity and no signing; panics when it fails.
pub fn git(root: &Path, args: &[&str]) {
    let out = Command::new("git")
        .arg("-C")
        .arg(root)
        .args(["-c", "user.name=t", "-c", "user.email=t@example.com"])
        .args([
            "-c",
            "commit.gpgsign=false",
            "-c",
            "init.defaultBranch=main",
        ])
        .args(args)
        .output()
        .expect("git runs");
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// The workspace root (examples/ lives there).
pub fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("workspace")
        .to_path_buf()
}
