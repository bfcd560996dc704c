//! Diff mode (`scan --base REV`): the span tags and resource names the code set at a base
//! revision and no longer sets in the working tree.
//!
//! Rust does the I/O and the bookkeeping: the base revision's files are exported from git into
//! a temporary folder ([`export`]), scanned with the facts rules that record span metadata
//! (`span_tag` and `span_resource` facts, see `rules/facts/span-metadata.rhai`), and the facts
//! of both trees are compared per service ([`compare`]). The outcome is handed to `on_repo`
//! rules as `repo.base` ([`BaseDiff`]); the `compat` rules decide what to report.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use rhai::{Dynamic, Map};
use serde::Serialize;

use crate::config::Config;
use crate::finding::Diagnostic;
use crate::rules::{RuleSet, SandboxSpec};
use crate::scan::{ScanError, ScanOptions};
use crate::service::ServiceModel;

/// Where the base tree comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BaseRef {
    /// A git revision of the repository that holds the scan root.
    Git(String),
    /// A folder laid out like the scan root (fixture cases, tests).
    Dir(PathBuf),
}

impl BaseRef {
    /// How the base is named in messages: the revision as given, or the folder.
    pub fn label(&self) -> String {
        match self {
            BaseRef::Git(rev) => rev.clone(),
            BaseRef::Dir(dir) => dir.display().to_string(),
        }
    }
}

/// Built-in facts rules the base tree is scanned with; custom facts rules always run too.
pub const BASE_FACT_RULES: &[&str] = &["span-metadata"];

/// Name of the folder that holds the base tree in a fixture case.
pub const FIXTURE_BASE_DIR: &str = "__base__";

/// The base tree on disk, ready to scan (a temporary export is removed when this is dropped).
#[derive(Debug)]
pub struct BaseTree {
    /// The folder that corresponds to the scan root.
    pub root: PathBuf,
    /// The revision as given (or the folder).
    pub label: String,
    /// The commit the revision resolved to (git only).
    pub commit: Option<String>,
    _temp: Option<tempfile::TempDir>,
}

/// Run git in `dir`; stdout on success, a readable error otherwise.
fn git(dir: &Path, args: &[&str]) -> Result<String, String> {
    let out = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .stdin(Stdio::null())
        .output()
        .map_err(|e| format!("cannot run git: {e}"))?;
    if out.status.success() {
        Ok(String::from_utf8_lossy(&out.stdout).trim_end().to_string())
    } else {
        Err(String::from_utf8_lossy(&out.stderr).trim().to_string())
    }
}

/// Make the base tree available: export `rev` of the repository holding `root` (only the part
/// under `root`) into a temporary folder, or use a given folder.
pub fn export(root: &Path, base: &BaseRef) -> Result<BaseTree, String> {
    let rev = match base {
        BaseRef::Dir(dir) => {
            if !dir.is_dir() {
                return Err(format!("{}: no such folder", dir.display()));
            }
            return Ok(BaseTree {
                root: dir.clone(),
                label: base.label(),
                commit: None,
                _temp: None,
            });
        }
        BaseRef::Git(rev) => rev,
    };
    if rev.is_empty() || rev.starts_with('-') || rev.contains('\0') {
        return Err(format!("`{rev}` is not a revision"));
    }
    if !root.is_dir() {
        return Err(format!(
            "{}: --base needs a folder to scan, not a file",
            root.display()
        ));
    }
    let toplevel = git(root, &["rev-parse", "--show-toplevel"]).map_err(|e| {
        format!(
            "{} is not inside a git repository ({})",
            root.display(),
            first_line(&e)
        )
    })?;
    let commit = git(
        root,
        &[
            "rev-parse",
            "--verify",
            "--quiet",
            &format!("{rev}^{{commit}}"),
        ],
    )
    .map_err(|_| format!("unknown revision `{rev}` (not a commit of this repository)"))?;
    let prefix = git(root, &["rev-parse", "--show-prefix"])?;
    let prefix = prefix.trim_end_matches('/').to_string();

    let temp = tempfile::Builder::new()
        .prefix("apm-doctor-base-")
        .tempdir()
        .map_err(|e| format!("cannot create a temporary folder: {e}"))?;
    // The exported root keeps the scanned folder's name, so that a service named after its
    // folder keeps its name.
    let top = temp.path().join(crate::scan::root_display_name(root));
    std::fs::create_dir_all(&top).map_err(|e| format!("cannot create {}: {e}", top.display()))?;
    let base_root = if prefix.is_empty() {
        top.clone()
    } else {
        top.join(&prefix)
    };
    // The folder may not exist at the base revision: then the base tree is empty.
    let exists =
        prefix.is_empty() || git(root, &["cat-file", "-e", &format!("{commit}:{prefix}")]).is_ok();
    if exists {
        archive(Path::new(&toplevel), &commit, &prefix, &top)?;
    }
    std::fs::create_dir_all(&base_root)
        .map_err(|e| format!("cannot create {}: {e}", base_root.display()))?;
    Ok(BaseTree {
        root: base_root,
        label: rev.clone(),
        commit: Some(commit),
        _temp: Some(temp),
    })
}

fn first_line(s: &str) -> &str {
    s.lines().next().unwrap_or("")
}

/// `git -C <toplevel> archive <commit> -- <prefix> | tar -x -C <into>`.
fn archive(root: &Path, commit: &str, prefix: &str, into: &Path) -> Result<(), String> {
    let mut args = vec!["archive", "--format=tar", commit];
    if !prefix.is_empty() {
        args.push("--");
        args.push(prefix);
    }
    let mut git_child = Command::new("git")
        .arg("-C")
        .arg(root)
        .args(&args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot run git: {e}"))?;
    let stdout = git_child.stdout.take().ok_or("git archive: no output")?;
    let tar = Command::new("tar")
        .arg("-x")
        .arg("-f")
        .arg("-")
        .arg("-C")
        .arg(into)
        .stdin(Stdio::from(stdout))
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .output();
    let git_out = git_child
        .wait_with_output()
        .map_err(|e| format!("git archive: {e}"))?;
    let tar = tar.map_err(|e| format!("cannot run tar: {e}"))?;
    if !git_out.status.success() {
        return Err(format!(
            "git archive failed: {}",
            first_line(String::from_utf8_lossy(&git_out.stderr).trim())
        ));
    }
    if !tar.status.success() {
        return Err(format!(
            "tar failed: {}",
            first_line(String::from_utf8_lossy(&tar.stderr).trim())
        ));
    }
    Ok(())
}

/// Scan the base tree with the same settings and only the facts rules that record span
/// metadata, and compare its facts with the working tree's (`head`, with its files). Rule
/// errors met in the base tree come back as diagnostics.
pub(crate) fn diff_with(
    tree: &BaseTree,
    options: &ScanOptions,
    config: &Config,
    rules: &RuleSet,
    spec: &SandboxSpec,
    head: &ServiceModel,
    head_files: &BTreeSet<String>,
) -> Result<(BaseDiff, Vec<Diagnostic>), ScanError> {
    let mut base_rules = rules.clone();
    base_rules.errors.clear();
    base_rules.rules.retain(|r| {
        r.info.category == "facts" && (!r.builtin || BASE_FACT_RULES.contains(&r.info.id.as_str()))
    });
    // The base tree is scanned without a base of its own: its facts rules run regardless.
    for r in &mut base_rules.rules {
        r.requires.retain(|q| q != "base");
    }
    let base_options = ScanOptions {
        root: tree.root.clone(),
        exclude: options.exclude.clone(),
        max_file_size: options.max_file_size,
        follow_links: options.follow_links,
        no_ignore: options.no_ignore,
        no_config: true,
        limits: options.limits.clone(),
        ..Default::default()
    };
    let (report, model) = crate::scan::run(
        &base_options,
        config,
        &base_rules,
        spec,
        None,
        std::time::Instant::now(),
    )?;
    let diagnostics = report
        .diagnostics
        .into_iter()
        .filter(|d| d.kind == "rule-error")
        .map(|mut d| {
            d.message = format!("in the base tree ({}): {}", tree.label, d.message);
            d
        })
        .collect();
    let diff = compare(
        &tree.label,
        tree.commit.clone(),
        &SpanFacts::from_model(&model),
        &SpanFacts::from_model(head),
        head_files,
    );
    Ok((diff, diagnostics))
}

/// A place in a tree.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Site {
    /// File, relative to the scanned root.
    pub file: String,
    /// 1-based line.
    pub line: usize,
    /// Enclosing function or method, when known.
    pub function: Option<String>,
}

/// A `span_tag` fact.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SpanTag {
    /// Service it belongs to.
    pub service: String,
    /// Tag key.
    pub key: String,
    /// Operation name of the span it is set on, when known.
    pub operation: Option<String>,
    /// Where it is set.
    pub site: Site,
}

/// A `span_resource` fact.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SpanResource {
    /// Service it belongs to.
    pub service: String,
    /// The resource name the span gets: the explicit resource, else the operation name.
    pub name: String,
    /// The explicit resource, when set.
    pub resource: Option<String>,
    /// The operation name, when known.
    pub operation: Option<String>,
    /// Where it is set.
    pub site: Site,
}

/// Span metadata of one tree, per service.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct SpanFacts {
    /// Service roots by name.
    pub roots: BTreeMap<String, String>,
    /// Tags set.
    pub tags: Vec<SpanTag>,
    /// Resource names set.
    pub resources: Vec<SpanResource>,
    /// Per service: the first manifest (an anchor for findings without a better place).
    pub anchors: BTreeMap<String, String>,
}

fn get_str(map: &Map, key: &str) -> Option<String> {
    map.get(key)
        .filter(|v| !v.is_unit())
        .and_then(|v| v.clone().into_string().ok())
        .filter(|s| !s.is_empty())
}

fn get_line(map: &Map) -> usize {
    map.get("line")
        .and_then(|v| v.as_int().ok())
        .and_then(|i| usize::try_from(i).ok())
        .unwrap_or(1)
        .max(1)
}

impl SpanFacts {
    /// The `span_tag` and `span_resource` facts filed under the model's services.
    pub fn from_model(model: &ServiceModel) -> SpanFacts {
        let mut out = SpanFacts::default();
        for svc in &model.services {
            out.roots.insert(svc.name.clone(), svc.root.clone());
            out.anchors.insert(
                svc.name.clone(),
                svc.manifests
                    .first()
                    .map(|m| m.file.clone())
                    .unwrap_or_else(|| svc.root.clone()),
            );
            let maps = |kind: &str| -> Vec<Map> {
                svc.facts
                    .get(kind)
                    .map(|v| {
                        v.iter()
                            .filter_map(|d| d.clone().try_cast::<Map>())
                            .collect()
                    })
                    .unwrap_or_default()
            };
            for m in maps("span_tag") {
                let (Some(key), Some(file)) = (get_str(&m, "key"), get_str(&m, "file")) else {
                    continue;
                };
                out.tags.push(SpanTag {
                    service: svc.name.clone(),
                    key,
                    operation: get_str(&m, "operation"),
                    site: Site {
                        file,
                        line: get_line(&m),
                        function: get_str(&m, "function"),
                    },
                });
            }
            for m in maps("span_resource") {
                let resource = get_str(&m, "resource");
                let operation = get_str(&m, "operation");
                let (Some(name), Some(file)) = (
                    resource.clone().or_else(|| operation.clone()),
                    get_str(&m, "file"),
                ) else {
                    continue;
                };
                out.resources.push(SpanResource {
                    service: svc.name.clone(),
                    name,
                    resource,
                    operation,
                    site: Site {
                        file,
                        line: get_line(&m),
                        function: get_str(&m, "function"),
                    },
                });
            }
        }
        out
    }

    /// The working-tree service a base service is: same name, else same root folder.
    fn counterpart(&self, base: &SpanFacts, service: &str) -> Option<String> {
        if self.roots.contains_key(service) {
            return Some(service.to_string());
        }
        let root = base.roots.get(service)?;
        self.roots
            .iter()
            .find(|(_, r)| *r == root)
            .map(|(n, _)| n.clone())
    }
}

/// A tag the base set that the working tree no longer sets.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RemovedTag {
    /// Working-tree service.
    pub service: String,
    /// Tag key.
    pub key: String,
    /// Operation of the span it was set on, when known.
    pub operation: Option<String>,
    /// A key the working tree sets instead, on the same operation or in the same function, that
    /// the base did not set anywhere in the service (a likely rename), or ().
    pub successor: Option<String>,
    /// Where the base set it.
    pub base: Site,
    /// Where to report it in the working tree.
    pub file: String,
    /// Line in `file`.
    pub line: usize,
    /// What `file`/`line` is: `span` (the span the tag was set on), `function` (the function
    /// it was set in), `file` (the file it was set in), `service` (the service's manifest).
    pub anchor: String,
}

/// A resource name the base set that the working tree no longer sets.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ChangedResource {
    /// Working-tree service.
    pub service: String,
    /// Resource name at the base.
    pub old: String,
    /// Its likely successor in the working tree, or () when none was found (removed).
    pub successor: Option<String>,
    /// Operation of the span at the base, when known.
    pub operation: Option<String>,
    /// Operation of the successor span, when known.
    pub successor_operation: Option<String>,
    /// Where the base set it.
    pub base: Site,
    /// Where to report it in the working tree (the successor when there is one).
    pub file: String,
    /// Line in `file`.
    pub line: usize,
    /// `successor`, or as for [`RemovedTag::anchor`].
    pub anchor: String,
}

/// What `repo.base` holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BaseDiff {
    /// The revision as given.
    pub rev: String,
    /// The commit it resolved to (git), else ().
    pub commit: Option<String>,
    /// The base tree's span metadata: `services` (name → root), `tags`, `resources`.
    pub facts: BaseFacts,
    /// Tags gone from the working tree.
    pub removed_tags: Vec<RemovedTag>,
    /// Resource names gone from the working tree (renamed or removed).
    pub changed_resources: Vec<ChangedResource>,
}

/// The base tree's span metadata as rules see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BaseFacts {
    /// Service name → root folder.
    pub services: BTreeMap<String, String>,
    /// `span_tag` facts.
    pub tags: Vec<SpanTag>,
    /// `span_resource` facts.
    pub resources: Vec<SpanResource>,
}

impl BaseDiff {
    /// The `repo.base` map.
    pub fn to_dynamic(&self) -> Dynamic {
        rhai::serde::to_dynamic(self).unwrap_or(Dynamic::UNIT)
    }
}

/// Where to report something that was at `base` (in `service`, on `operation`) in the working
/// tree: the span with that operation, else a fact of the same function, else the file, else
/// the service's manifest.
fn locate(
    head: &SpanFacts,
    head_files: &BTreeSet<String>,
    service: &str,
    operation: Option<&str>,
    base: &Site,
) -> (String, usize, &'static str) {
    if let Some(op) = operation {
        let spans: Vec<&Site> = head
            .resources
            .iter()
            .filter(|r| r.service == service && r.operation.as_deref() == Some(op))
            .map(|r| &r.site)
            .collect();
        if let Some(s) = spans
            .iter()
            .find(|s| s.file == base.file)
            .or_else(|| spans.first())
        {
            return (s.file.clone(), s.line, "span");
        }
    }
    if base.function.is_some() {
        let near = head
            .tags
            .iter()
            .filter(|t| t.service == service)
            .map(|t| &t.site)
            .chain(
                head.resources
                    .iter()
                    .filter(|r| r.service == service)
                    .map(|r| &r.site),
            )
            .filter(|s| s.file == base.file && s.function == base.function)
            .min_by_key(|s| (s.line.abs_diff(base.line), s.line));
        if let Some(s) = near {
            return (s.file.clone(), s.line, "function");
        }
    }
    if head_files.contains(&base.file) {
        return (base.file.clone(), 1, "file");
    }
    let anchor = head
        .anchors
        .get(service)
        .cloned()
        .unwrap_or_else(|| ".".to_string());
    (anchor, 1, "service")
}

/// Compare the base tree's span metadata with the working tree's. `head_files` are the files
/// of the working tree (relative paths). Services of the base that the working tree no longer
/// has (by name or root folder) are left out.
pub fn compare(
    label: &str,
    commit: Option<String>,
    base: &SpanFacts,
    head: &SpanFacts,
    head_files: &BTreeSet<String>,
) -> BaseDiff {
    let mut removed_tags = Vec::new();
    let mut seen: BTreeSet<(String, String, Option<String>)> = BTreeSet::new();
    for t in &base.tags {
        let Some(service) = head.counterpart(base, &t.service) else {
            continue;
        };
        if !seen.insert((service.clone(), t.key.clone(), t.operation.clone())) {
            continue;
        }
        let head_tags = || head.tags.iter().filter(|h| h.service == service);
        let op_alive = t.operation.as_ref().is_some_and(|op| {
            head.resources
                .iter()
                .any(|r| r.service == service && r.operation.as_ref() == Some(op))
                || head_tags().any(|h| h.operation.as_ref() == Some(op))
        });
        let present = if op_alive {
            head_tags()
                .any(|h| h.key == t.key && (h.operation.is_none() || h.operation == t.operation))
        } else {
            head_tags().any(|h| h.key == t.key)
        };
        if present {
            continue;
        }
        let (file, line, anchor) = locate(
            head,
            head_files,
            &service,
            t.operation.as_deref().filter(|_| op_alive),
            &t.site,
        );
        let base_keys: BTreeSet<&str> = base
            .tags
            .iter()
            .filter(|b| head.counterpart(base, &b.service).as_deref() == Some(&service))
            .map(|b| b.key.as_str())
            .collect();
        let successor = head_tags()
            .filter(|h| !base_keys.contains(h.key.as_str()))
            .filter(|h| {
                (t.operation.is_some() && h.operation == t.operation)
                    || (t.site.function.is_some()
                        && h.site.file == t.site.file
                        && h.site.function == t.site.function)
            })
            .min_by_key(|h| {
                (
                    h.site.file != t.site.file,
                    h.site.line.abs_diff(t.site.line),
                )
            })
            .map(|h| h.key.clone());
        removed_tags.push(RemovedTag {
            service,
            key: t.key.clone(),
            operation: t.operation.clone(),
            successor,
            base: t.site.clone(),
            file,
            line,
            anchor: anchor.into(),
        });
    }

    let mut changed_resources = Vec::new();
    let mut used: BTreeSet<usize> = BTreeSet::new();
    let mut seen: BTreeSet<(String, String)> = BTreeSet::new();
    for r in &base.resources {
        let Some(service) = head.counterpart(base, &r.service) else {
            continue;
        };
        if head
            .resources
            .iter()
            .any(|h| h.service == service && h.name == r.name)
            || !seen.insert((service.clone(), r.name.clone()))
        {
            continue;
        }
        // Candidate successors: names the working tree sets that the base did not.
        let base_names: BTreeSet<&str> = base
            .resources
            .iter()
            .filter(|b| head.counterpart(base, &b.service).as_deref() == Some(&service))
            .map(|b| b.name.as_str())
            .collect();
        let best = head
            .resources
            .iter()
            .enumerate()
            .filter(|(i, h)| {
                h.service == service && !used.contains(i) && !base_names.contains(h.name.as_str())
            })
            .filter_map(|(i, h)| {
                let same_file = h.site.file == r.site.file;
                let same_function =
                    same_file && r.site.function.is_some() && h.site.function == r.site.function;
                let same_operation = r.resource.is_some()
                    && h.resource.is_some()
                    && r.operation.is_some()
                    && h.operation == r.operation;
                let score = if same_function {
                    3
                } else if same_operation {
                    2
                } else if same_file {
                    1
                } else {
                    0
                };
                let distance = if same_file {
                    h.site.line.abs_diff(r.site.line)
                } else {
                    usize::MAX
                };
                (score > 0).then_some((score, distance, i))
            })
            .min_by_key(|(score, distance, i)| (std::cmp::Reverse(*score), *distance, *i));
        let change = match best {
            Some((_, _, i)) => {
                used.insert(i);
                let h = &head.resources[i];
                ChangedResource {
                    service,
                    old: r.name.clone(),
                    successor: Some(h.name.clone()),
                    operation: r.operation.clone(),
                    successor_operation: h.operation.clone(),
                    base: r.site.clone(),
                    file: h.site.file.clone(),
                    line: h.site.line,
                    anchor: "successor".into(),
                }
            }
            None => {
                let op = r.resource.as_ref().and(r.operation.as_deref());
                let (file, line, anchor) = locate(head, head_files, &service, op, &r.site);
                ChangedResource {
                    service,
                    old: r.name.clone(),
                    successor: None,
                    operation: r.operation.clone(),
                    successor_operation: None,
                    base: r.site.clone(),
                    file,
                    line,
                    anchor: anchor.into(),
                }
            }
        };
        changed_resources.push(change);
    }

    BaseDiff {
        rev: label.to_string(),
        commit,
        facts: BaseFacts {
            services: base.roots.clone(),
            tags: base.tags.clone(),
            resources: base.resources.clone(),
        },
        removed_tags,
        changed_resources,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn site(file: &str, line: usize, function: Option<&str>) -> Site {
        Site {
            file: file.into(),
            line,
            function: function.map(str::to_string),
        }
    }

    fn tag(key: &str, op: Option<&str>, file: &str, line: usize, f: Option<&str>) -> SpanTag {
        SpanTag {
            service: "checkout".into(),
            key: key.into(),
            operation: op.map(str::to_string),
            site: site(file, line, f),
        }
    }

    fn res(
        resource: Option<&str>,
        op: Option<&str>,
        file: &str,
        line: usize,
        f: Option<&str>,
    ) -> SpanResource {
        SpanResource {
            service: "checkout".into(),
            name: resource.or(op).unwrap().into(),
            resource: resource.map(str::to_string),
            operation: op.map(str::to_string),
            site: site(file, line, f),
        }
    }

    fn facts(tags: Vec<SpanTag>, resources: Vec<SpanResource>) -> SpanFacts {
        SpanFacts {
            roots: [("checkout".to_string(), "svc/checkout".to_string())].into(),
            tags,
            resources,
            anchors: [(
                "checkout".to_string(),
                "svc/checkout/requirements.txt".to_string(),
            )]
            .into(),
        }
    }

    fn files(list: &[&str]) -> BTreeSet<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn unchanged_trees_differ_in_nothing() {
        let f = facts(
            vec![tag(
                "order.id",
                Some("checkout.process"),
                "a.py",
                3,
                Some("run"),
            )],
            vec![res(
                Some("POST /checkout"),
                Some("checkout.process"),
                "a.py",
                2,
                Some("run"),
            )],
        );
        let d = compare("HEAD", None, &f, &f, &files(&["a.py"]));
        assert!(
            d.removed_tags.is_empty() && d.changed_resources.is_empty(),
            "{d:?}"
        );
    }

    #[test]
    fn a_removed_tag_points_at_its_span() {
        let base = facts(
            vec![
                tag("order.id", Some("checkout.process"), "a.py", 3, Some("run")),
                tag(
                    "order.total",
                    Some("checkout.process"),
                    "a.py",
                    4,
                    Some("run"),
                ),
            ],
            vec![res(None, Some("checkout.process"), "a.py", 2, Some("run"))],
        );
        let head = facts(
            vec![tag(
                "order.total",
                Some("checkout.process"),
                "a.py",
                5,
                Some("run"),
            )],
            vec![res(None, Some("checkout.process"), "a.py", 4, Some("run"))],
        );
        let d = compare("HEAD", None, &base, &head, &files(&["a.py"]));
        assert_eq!(d.removed_tags.len(), 1, "{d:?}");
        let t = &d.removed_tags[0];
        assert_eq!(
            (t.key.as_str(), t.file.as_str(), t.line),
            ("order.id", "a.py", 4)
        );
        assert_eq!((t.anchor.as_str(), t.base.line), ("span", 3));
        assert_eq!(t.successor, None);
        assert!(d.changed_resources.is_empty());
    }

    #[test]
    fn a_renamed_tag_names_its_successor() {
        let base = facts(
            vec![tag("customer.tier", Some("op"), "a.py", 3, Some("run"))],
            vec![],
        );
        let head = facts(
            vec![
                tag("customer.segment", Some("op"), "a.py", 3, Some("run")),
                tag("unrelated", Some("other"), "b.py", 3, Some("other")),
            ],
            vec![],
        );
        let d = compare("HEAD", None, &base, &head, &files(&["a.py"]));
        assert_eq!(
            d.removed_tags[0].successor.as_deref(),
            Some("customer.segment")
        );
        assert_eq!(d.removed_tags[0].anchor, "function");
    }

    #[test]
    fn a_tag_moved_to_another_file_is_not_removed() {
        let base = facts(vec![tag("k", None, "a.py", 3, Some("run"))], vec![]);
        let head = facts(vec![tag("k", None, "b.py", 9, Some("other"))], vec![]);
        let d = compare("HEAD", None, &base, &head, &files(&["b.py"]));
        assert!(d.removed_tags.is_empty(), "{d:?}");
    }

    #[test]
    fn a_tag_of_a_deleted_file_falls_back_to_the_service() {
        let base = facts(vec![tag("k", None, "gone.py", 3, Some("run"))], vec![]);
        let head = facts(vec![], vec![]);
        let d = compare("HEAD", None, &base, &head, &files(&[]));
        let t = &d.removed_tags[0];
        assert_eq!(
            (t.file.as_str(), t.line, t.anchor.as_str()),
            ("svc/checkout/requirements.txt", 1, "service")
        );
    }

    #[test]
    fn a_renamed_resource_names_its_successor() {
        let base = facts(
            vec![],
            vec![
                res(
                    Some("charge"),
                    Some("payment.charge"),
                    "pay.go",
                    10,
                    Some("Charge"),
                ),
                res(
                    Some("refund"),
                    Some("payment.refund"),
                    "pay.go",
                    20,
                    Some("Refund"),
                ),
            ],
        );
        let head = facts(
            vec![],
            vec![
                res(
                    Some("charge-card"),
                    Some("payment.charge"),
                    "pay.go",
                    11,
                    Some("Charge"),
                ),
                res(
                    Some("refund"),
                    Some("payment.refund"),
                    "pay.go",
                    21,
                    Some("Refund"),
                ),
            ],
        );
        let d = compare(
            "main",
            Some("abc".into()),
            &base,
            &head,
            &files(&["pay.go"]),
        );
        assert_eq!(d.changed_resources.len(), 1, "{d:?}");
        let c = &d.changed_resources[0];
        assert_eq!(
            (c.old.as_str(), c.successor.as_deref()),
            ("charge", Some("charge-card"))
        );
        assert_eq!(
            (c.file.as_str(), c.line, c.anchor.as_str()),
            ("pay.go", 11, "successor")
        );
        assert_eq!(c.base.line, 10);
    }

    #[test]
    fn a_resource_without_successor_is_removed() {
        let base = facts(
            vec![],
            vec![res(
                Some("charge"),
                Some("payment.charge"),
                "pay.go",
                10,
                Some("Charge"),
            )],
        );
        let head = facts(vec![], vec![]);
        let d = compare("main", None, &base, &head, &files(&["pay.go"]));
        let c = &d.changed_resources[0];
        assert_eq!(c.successor, None);
        assert_eq!(
            (c.file.as_str(), c.line, c.anchor.as_str()),
            ("pay.go", 1, "file")
        );
    }

    #[test]
    fn services_are_matched_by_root_when_renamed() {
        let base = facts(vec![tag("k", None, "a.py", 3, None)], vec![]);
        let mut head = facts(vec![], vec![]);
        head.roots = [("checkout-v2".to_string(), "svc/checkout".to_string())].into();
        let d = compare("HEAD", None, &base, &head, &files(&["a.py"]));
        assert_eq!(d.removed_tags[0].service, "checkout-v2");
        let gone = facts(vec![tag("k", None, "a.py", 3, None)], vec![]);
        let mut other = facts(vec![], vec![]);
        other.roots = [("billing".to_string(), "svc/billing".to_string())].into();
        assert!(compare("HEAD", None, &gone, &other, &files(&[]))
            .removed_tags
            .is_empty());
    }
}
