//! Partial scans: `--shard K/N` (one of N deterministic parts of the services) and
//! `--changed-since REV` (only the services a git change touched).
//!
//! Discovery always covers the whole tree (every manifest and deploy file is read), so the
//! service set, their configuration and the cross-service (`on_repo`) rules are the same as in
//! a full scan; only the per-file and per-service rule work is narrowed:
//!
//! - **Shards.** Services sorted by (root, name) are dealt round-robin: the i-th (0-based) goes
//!   to shard `i mod N + 1`. A shard runs every rule on the files of its services, and only the
//!   fact rules (entry points, outbound calls, tracer start) on the other files, so the service
//!   map (entry points, edges) is identical in every shard. Files outside every service's root
//!   (deploy manifests, compose files, scripts) are evaluated by every shard. A shard reports the
//!   findings of its services, and the findings without a service only in shard 1, so the
//!   findings of the N shards together are those of one full scan. Stats count each file once,
//!   in the shard that owns it (files outside every service: shard 1).
//! - **Changed since.** A service is touched when a changed path (committed since the merge
//!   base with REV, uncommitted, or untracked) lies under its root or is one of its manifests or
//!   workloads (a Dockerfile, compose or Kubernetes file that deploys it). Files of untouched
//!   services are not read at all (`stats.skipped_by.unchanged`); files outside every service
//!   are evaluated when they changed or deploy a touched service.

use std::collections::BTreeSet;
use std::fmt;
use std::path::Path;
use std::process::{Command, Stdio};
use std::str::FromStr;

use crate::service::ServiceModel;

/// One of N parts of a scan: `K/N`, 1 <= K <= N.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    /// 1-based index of this shard.
    pub index: usize,
    /// Number of shards.
    pub count: usize,
}

impl FromStr for Shard {
    type Err = String;

    fn from_str(s: &str) -> Result<Shard, String> {
        let bad = || format!("`{s}` is not K/N with 1 <= K <= N (e.g. 2/4)");
        let (k, n) = s.trim().split_once('/').ok_or_else(bad)?;
        let index: usize = k.trim().parse().map_err(|_| bad())?;
        let count: usize = n.trim().parse().map_err(|_| bad())?;
        if index == 0 || count == 0 || index > count {
            return Err(bad());
        }
        Ok(Shard { index, count })
    }
}

impl fmt::Display for Shard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}

/// For each service of the model, the 1-based shard it belongs to out of `count`.
#[must_use]
pub fn shard_assignment(model: &ServiceModel, count: usize) -> Vec<usize> {
    let mut order: Vec<usize> = (0..model.services.len()).collect();
    order.sort_by(|&a, &b| {
        let (x, y) = (&model.services[a], &model.services[b]);
        (&x.root, &x.name).cmp(&(&y.root, &y.name))
    });
    let mut shard = vec![1; model.services.len()];
    for (position, &i) in order.iter().enumerate() {
        shard[i] = position % count.max(1) + 1;
    }
    shard
}

/// Run git in `dir`; stdout on success, a readable error otherwise.
fn git(dir: &Path, args: &[&str]) -> Result<Vec<u8>, String> {
    let out = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .stdin(Stdio::null())
        .output()
        .map_err(|e| format!("cannot run git: {e}"))?;
    if out.status.success() {
        Ok(out.stdout)
    } else {
        let err = String::from_utf8_lossy(&out.stderr);
        Err(err
            .lines()
            .next()
            .unwrap_or("git failed")
            .trim()
            .to_string())
    }
}

fn nul_separated(bytes: &[u8], into: &mut BTreeSet<String>) {
    for part in bytes.split(|&b| b == 0).filter(|p| !p.is_empty()) {
        into.insert(String::from_utf8_lossy(part).replace('\\', "/"));
    }
}

/// Paths (relative to `root`, `/`-separated) changed since git revision `rev`: committed since
/// the merge base of `rev` and HEAD (`git diff REV...HEAD`), changed in the working tree or
/// the index (`git diff HEAD`), and untracked but not ignored. Renames count as both paths.
pub fn changed_files(root: &Path, rev: &str) -> Result<BTreeSet<String>, String> {
    if rev.is_empty() || rev.starts_with('-') || rev.contains('\0') {
        return Err(format!("`{rev}` is not a revision"));
    }
    if !root.is_dir() {
        return Err(format!(
            "{}: --changed-since needs a folder to scan, not a file",
            root.display()
        ));
    }
    git(root, &["rev-parse", "--show-toplevel"])
        .map_err(|e| format!("{} is not inside a git repository ({e})", root.display()))?;
    git(
        root,
        &[
            "rev-parse",
            "--verify",
            "--quiet",
            &format!("{rev}^{{commit}}"),
        ],
    )
    .map_err(|_| format!("unknown revision `{rev}` (not a commit of this repository)"))?;
    let mut files = BTreeSet::new();
    let diff = ["diff", "--name-only", "--no-renames", "-z", "--relative"];
    let mut committed = diff.to_vec();
    let range = format!("{rev}...HEAD");
    committed.push(&range);
    nul_separated(&git(root, &committed)?, &mut files);
    let mut uncommitted = diff.to_vec();
    uncommitted.push("HEAD");
    nul_separated(&git(root, &uncommitted)?, &mut files);
    nul_separated(
        &git(root, &["ls-files", "--others", "--exclude-standard", "-z"])?,
        &mut files,
    );
    Ok(files)
}

/// What a scan does with one file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Work {
    /// Every rule.
    All,
    /// Only the fact rules (the file belongs to another shard).
    FactsOnly,
    /// Nothing: the file belongs to a service the change did not touch.
    Unchanged,
}

/// The part of the tree a scan evaluates (everything without `--shard` / `--changed-since`).
#[derive(Debug, Clone, Default)]
pub struct Scope {
    shard: Option<Shard>,
    /// Per service: evaluated by this scan.
    selected: Vec<bool>,
    /// Per service: the shard it belongs to.
    shard_of: Vec<usize>,
    /// `--changed-since`: changed paths plus the workload and manifest files of touched
    /// services.
    touched_files: Option<BTreeSet<String>>,
    /// Names of the services the change touched.
    touched_names: BTreeSet<String>,
}

impl Scope {
    /// The scope of a scan of `model`; `changed` holds the changed paths of `--changed-since`.
    #[must_use]
    pub fn new(
        model: &ServiceModel,
        shard: Option<Shard>,
        changed: Option<&BTreeSet<String>>,
    ) -> Scope {
        let n = model.services.len();
        let shard_of = match shard {
            Some(s) => shard_assignment(model, s.count),
            None => vec![1; n],
        };
        let mut selected: Vec<bool> = (0..n)
            .map(|i| shard.is_none_or(|s| shard_of[i] == s.index))
            .collect();
        let mut touched_files = None;
        let mut touched_names = BTreeSet::new();
        if let Some(changed) = changed {
            let mut touched = vec![false; n];
            for path in changed {
                if let Some(i) = model.owner_of_file(path) {
                    touched[i] = true;
                }
            }
            for (i, svc) in model.services.iter().enumerate() {
                let deploys = svc.workloads.iter().any(|w| changed.contains(&w.file))
                    || svc.manifests.iter().any(|m| changed.contains(&m.file))
                    || svc.config.values().any(|c| changed.contains(&c.file));
                touched[i] |= deploys;
            }
            let mut files = changed.clone();
            for (i, svc) in model.services.iter().enumerate() {
                if touched[i] {
                    touched_names.insert(svc.name.clone());
                    files.extend(svc.workloads.iter().map(|w| w.file.clone()));
                    files.extend(svc.manifests.iter().map(|m| m.file.clone()));
                }
                selected[i] &= touched[i];
            }
            touched_files = Some(files);
        }
        Scope {
            shard,
            selected,
            shard_of,
            touched_files,
            touched_names,
        }
    }

    /// True when the scan is partial (`--shard` or `--changed-since`).
    #[must_use]
    pub fn is_partial(&self) -> bool {
        self.shard.is_some() || self.touched_files.is_some()
    }

    /// True when service `i` is evaluated (its `on_service` hooks run, it is reported).
    #[must_use]
    pub fn selects(&self, i: usize) -> bool {
        self.selected.get(i).copied().unwrap_or(true)
    }

    /// True when this scan counts file `rel` in its stats: the shard owning the file's service
    /// (files outside every service: shard 1).
    #[must_use]
    pub fn counts(&self, model: &ServiceModel, rel: &str) -> bool {
        match self.shard {
            None => true,
            Some(s) => match model.owner_of_file(rel) {
                Some(i) => self.shard_of[i] == s.index,
                None => s.index == 1,
            },
        }
    }

    /// True when this scan counts what belongs to no file or service (walker skips, repo-level
    /// findings without a file of their own).
    #[must_use]
    pub fn counts_repo_level(&self) -> bool {
        self.shard.is_none_or(|s| s.index == 1)
    }

    /// What to do with file `rel`.
    #[must_use]
    pub fn work(&self, model: &ServiceModel, rel: &str) -> Work {
        let owner = model.owner_of_file(rel);
        if let Some(i) = owner {
            if let Some(s) = self.shard {
                if self.shard_of[i] != s.index {
                    return Work::FactsOnly;
                }
            }
        }
        if let Some(files) = &self.touched_files {
            let touched = match owner {
                Some(i) => self.selected[i],
                None => files.contains(rel),
            };
            if !touched {
                return Work::Unchanged;
            }
        }
        Work::All
    }

    /// Whether a finding without a service (at `file`) is reported.
    #[must_use]
    pub fn keeps_repo_finding(&self, file: &str) -> bool {
        self.counts_repo_level()
            && self
                .touched_files
                .as_ref()
                .is_none_or(|files| files.contains(file))
    }

    /// Whether a cross-service (`on_repo`) finding on an unselected service is still reported:
    /// with `--changed-since`, when its message names a touched service (`` `name` ``), as a
    /// propagation mismatch on a caller names the callee whose change broke the edge.
    #[must_use]
    pub fn keeps_cross_service(&self, message: &str) -> bool {
        self.shard.is_none()
            && self.touched_files.is_some()
            && self
                .touched_names
                .iter()
                .any(|n| message.contains(&format!("`{n}`")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shard_parses_and_validates() {
        assert_eq!("2/4".parse::<Shard>(), Ok(Shard { index: 2, count: 4 }));
        assert_eq!("1/1".parse::<Shard>(), Ok(Shard { index: 1, count: 1 }));
        for bad in ["0/4", "5/4", "4", "a/b", "1/0", "-1/2", ""] {
            let err = bad.parse::<Shard>().unwrap_err();
            assert!(err.contains("1 <= K <= N"), "{bad}: {err}");
        }
    }
}
