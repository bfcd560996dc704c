//! `--cache DIR`: what the per-file phase of a scan produced, kept between runs.
//!
//! One file per scanned root (`DIR/scan-<hash of the root path>.json`) holds, for every source
//! file that was parsed, the findings, facts and diagnostics its `on_file` hooks produced. An
//! entry is reused only when all three agree with the run at hand:
//! - the **run key**: apm-doctor's version, the rule pack (every rule script and data file, and
//!   the `[rules]` settings), the configuration file, and the options that change what rules
//!   see (`--rule`, the file size limit, `--base`, the sandbox limits);
//! - the file's **content hash** (two salted 64-bit SipHash digests of its bytes);
//! - the file's **context**: its path, grammar, owning service, that service's tracer library
//!   and language, and whether the run evaluates every rule or only fact rules on it.
//!
//! Services and the repository-wide rules are always evaluated afresh (they are cheap and
//! depend on every file), so a cached run reports exactly what a cold run reports. A cache that
//! cannot be read is ignored (with a diagnostic) and rewritten; a run in which a rule hit a
//! sandbox limit does not write the cache, since some hooks did not run.

use std::collections::HashMap;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::path::{Path, PathBuf};

use rhai::{Dynamic, Map};
use serde::{Deserialize, Serialize};

use crate::finding::{Diagnostic, EditAnchor, Finding};
use crate::rules::RawFact;

/// Version of the cache file layout; a file of another version is ignored.
const FORMAT: u32 = 2;

/// A 128-bit digest, as two salted 64-bit SipHash values.
pub(crate) type Digest = [u64; 2];

/// Hash bytes (file contents) into a [`Digest`].
pub(crate) fn digest(bytes: &[u8]) -> Digest {
    let mut out = [0u64; 2];
    for (salt, slot) in out.iter_mut().enumerate() {
        let mut h = DefaultHasher::new();
        (salt as u64 ^ 0x61706d2d646f6374).hash(&mut h);
        h.write(bytes);
        *slot = h.finish();
    }
    out
}

/// Hash anything hashable into a [`Digest`].
pub(crate) fn digest_of<T: Hash + ?Sized>(value: &T) -> Digest {
    let mut out = [0u64; 2];
    for (salt, slot) in out.iter_mut().enumerate() {
        let mut h = DefaultHasher::new();
        (salt as u64 ^ 0x72756c652d6b6579).hash(&mut h);
        value.hash(&mut h);
        *slot = h.finish();
    }
    out
}

/// Hash a value's serde form (its JSON bytes, streamed, never built) into a [`Digest`]; `None`
/// when the value cannot be serialised.
pub(crate) fn digest_serde<T: Serialize + ?Sized>(value: &T) -> Option<Digest> {
    struct Feed([DefaultHasher; 2]);
    impl std::io::Write for Feed {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0[0].write(buf);
            self.0[1].write(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let mut feed = Feed([DefaultHasher::new(), DefaultHasher::new()]);
    0x7365_7264_6531_u64.hash(&mut feed.0[0]);
    0x7365_7264_6532_u64.hash(&mut feed.0[1]);
    serde_json::to_writer(&mut feed, value).ok()?;
    Some([feed.0[0].finish(), feed.0[1].finish()])
}

/// What the hooks of one service (`on_service`) or of the repository (`on_repo`) produced
/// for an input with this digest.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct HookEntry {
    /// [`digest_serde`] of what the hooks were given.
    pub input: Digest,
    findings: Vec<CachedFinding>,
    /// Diagnostics of the hooks (never a rule error: such results are not kept).
    pub diagnostics: Vec<Diagnostic>,
}

impl HookEntry {
    /// An entry for hook results, or `None` when a hook failed.
    pub fn new(input: Digest, findings: &[Finding], diagnostics: &[Diagnostic]) -> Option<Self> {
        if diagnostics.iter().any(|d| d.kind == "rule-error") {
            return None;
        }
        Some(HookEntry {
            input,
            findings: findings.iter().map(CachedFinding::new).collect(),
            diagnostics: diagnostics.to_vec(),
        })
    }

    /// The findings, with their edit anchors restored.
    pub fn findings(&self) -> Vec<Finding> {
        self.findings.iter().map(CachedFinding::restore).collect()
    }
}

/// What this run adds to the cache.
#[derive(Default)]
pub(crate) struct Fresh {
    /// Source files evaluated (not taken from the cache), by path.
    pub files: Vec<(String, Entry)>,
    /// Services evaluated, by name.
    pub services: Vec<(String, HookEntry)>,
    /// The repository phase, when evaluated.
    pub repo: Option<HookEntry>,
    /// Query compilation diagnostics of the grammars compiled in this run, by grammar.
    pub queries: Vec<(String, Vec<Diagnostic>)>,
}

/// A file's size and modification time when its content was last hashed, and when that was:
/// the fast path that spares reading an unchanged file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Stamp {
    /// Size in bytes.
    pub size: u64,
    /// Modification time, nanoseconds since the Unix epoch.
    pub modified: u64,
    /// When the content was read, nanoseconds since the Unix epoch.
    pub checked: u64,
}

/// A file modified this close to the moment its content was read may have changed again
/// within the file system's timestamp resolution: its stamp is not trusted (as git's "racily
/// clean" entries).
const RACY_NANOS: u64 = 2_000_000_000;

impl Stamp {
    /// The stamp of a file seen by the walk, read at `now`.
    pub fn of(size: u64, modified: Option<u64>, now: u64) -> Option<Stamp> {
        modified.map(|modified| Stamp {
            size,
            modified,
            checked: now,
        })
    }

    /// True when a file of this size and modification time is the file this stamp describes.
    fn vouches_for(&self, size: u64, modified: Option<u64>) -> bool {
        modified == Some(self.modified)
            && size == self.size
            && self.modified.saturating_add(RACY_NANOS) < self.checked
    }
}

/// Nanoseconds since the Unix epoch (0 if the clock is before it).
pub(crate) fn now_nanos() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| u64::try_from(d.as_nanos()).unwrap_or(u64::MAX))
}

/// What the per-file phase produced for one source file.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct Entry {
    /// [`digest`] of the file's bytes.
    pub content: Digest,
    /// Size and modification time of the file whose bytes had that digest.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stamp: Option<Stamp>,
    /// [`digest_of`] the file's context (see the module docs).
    pub context: Digest,
    /// Findings of the file's hooks, before suppression and fix resolution.
    pub findings: Vec<CachedFinding>,
    /// Facts of the file's hooks.
    pub facts: Vec<CachedFact>,
    /// Diagnostics about the file (a syntax error, a truncated query).
    pub diagnostics: Vec<Diagnostic>,
    /// No rule's keyword occurs in the file: it was not parsed, and has no results.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub no_keyword: bool,
}

/// A finding with the edit anchors that reports leave out.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct CachedFinding {
    finding: Finding,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    anchors: Vec<Option<EditAnchor>>,
}

/// A fact as a rule reported it; the file's own path, which most facts repeat (in `file` and
/// in `data.file`), is left out and put back on reading.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct CachedFact {
    rule: String,
    kind: String,
    service: Option<String>,
    /// `None`: the entry's path.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    file: Option<String>,
    line: usize,
    /// `data.file` was the entry's path (and is left out of `data`).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    data_file: bool,
    /// The fact's map (as a `Dynamic`, which serde can carry).
    data: Dynamic,
}

impl CachedFinding {
    fn new(f: &Finding) -> Self {
        CachedFinding {
            anchors: f
                .fix
                .as_ref()
                .map(|fix| fix.edits.iter().map(|e| e.anchor.clone()).collect())
                .filter(|a: &Vec<Option<EditAnchor>>| a.iter().any(Option::is_some))
                .unwrap_or_default(),
            finding: f.clone(),
        }
    }

    fn restore(&self) -> Finding {
        let mut f = self.finding.clone();
        if let Some(fix) = f.fix.as_mut() {
            for (edit, anchor) in fix.edits.iter_mut().zip(&self.anchors) {
                edit.anchor = anchor.clone();
            }
        }
        f
    }
}

impl Entry {
    /// An entry for what a file's hooks produced, or `None` when it cannot be kept: a hook
    /// failed (its output may differ next time) or a fact holds a value JSON cannot carry.
    pub fn new(
        path: &str,
        content: Digest,
        stamp: Option<Stamp>,
        context: Digest,
        findings: &[Finding],
        facts: &[RawFact],
        diagnostics: &[Diagnostic],
    ) -> Option<Entry> {
        if diagnostics.iter().any(|d| d.kind == "rule-error") {
            return None;
        }
        if !facts.iter().all(|f| f.data.values().all(survives_json)) {
            return None;
        }
        Some(Entry {
            content,
            stamp,
            context,
            findings: findings.iter().map(CachedFinding::new).collect(),
            facts: facts.iter().map(|f| CachedFact::new(path, f)).collect(),
            diagnostics: diagnostics.to_vec(),
            no_keyword: false,
        })
    }

    /// An entry for a file no rule wants (none of their keywords occurs in it), so that a run
    /// that can trust its stamp does not read it at all.
    pub fn no_keyword(content: Digest, stamp: Option<Stamp>, context: Digest) -> Entry {
        Entry {
            content,
            stamp,
            context,
            findings: Vec::new(),
            facts: Vec::new(),
            diagnostics: Vec::new(),
            no_keyword: true,
        }
    }

    /// The findings, with their edit anchors restored.
    pub fn findings(&self) -> Vec<Finding> {
        self.findings.iter().map(CachedFinding::restore).collect()
    }

    /// The same results for the same bytes, seen with another stamp (a file touched but not
    /// changed): kept so that the next run can trust the new stamp.
    pub fn restamped(&self, stamp: Option<Stamp>) -> Option<Entry> {
        (stamp.is_some() && stamp != self.stamp).then(|| Entry {
            stamp,
            ..self.clone()
        })
    }

    /// The facts (`path`: the file's path, the key of this entry).
    pub fn facts(&self, path: &str) -> Vec<RawFact> {
        self.facts.iter().map(|f| f.restore(path)).collect()
    }
}

impl CachedFact {
    fn new(path: &str, f: &RawFact) -> CachedFact {
        let mut data = f.data.clone();
        let data_file = data
            .get("file")
            .is_some_and(|v| v.clone().into_immutable_string().is_ok_and(|s| s == path));
        if data_file {
            data.remove("file");
        }
        CachedFact {
            rule: f.rule.clone(),
            kind: f.kind.clone(),
            service: f.service.clone(),
            file: (f.file != path).then(|| f.file.clone()),
            line: f.line,
            data_file,
            data: Dynamic::from_map(data),
        }
    }

    fn restore(&self, path: &str) -> RawFact {
        let mut data = self.data.clone().try_cast::<Map>().unwrap_or_default();
        if self.data_file {
            data.insert("file".into(), Dynamic::from(path.to_string()));
        }
        RawFact {
            rule: self.rule.clone(),
            kind: self.kind.clone(),
            service: self.service.clone(),
            file: self.file.clone().unwrap_or_else(|| path.to_string()),
            line: self.line,
            data,
        }
    }
}

/// True when a value reads back from JSON as the same value (no chars, blobs, closures or
/// custom types, which JSON would turn into something else).
fn survives_json(value: &Dynamic) -> bool {
    if value.is_unit() || value.is_bool() || value.is_int() || value.is_float() {
        return true;
    }
    if value.is_string() {
        return true;
    }
    if value.is_array() {
        return value
            .read_lock::<rhai::Array>()
            .is_some_and(|a| a.iter().all(survives_json));
    }
    if value.is_map() {
        return value
            .read_lock::<Map>()
            .is_some_and(|m| m.values().all(survives_json));
    }
    false
}

/// The file on disk.
#[derive(Serialize)]
struct CacheFile {
    format: u32,
    /// Hex of the run key.
    key: String,
    /// The scanned root, for people looking into the folder.
    root: String,
    files: HashMap<String, Entry>,
    services: HashMap<String, HookEntry>,
    repo: Option<HookEntry>,
    /// Query compilation diagnostics by grammar (a grammar whose files all came from the
    /// cache is not compiled; its diagnostics are these).
    queries: HashMap<String, Vec<Diagnostic>>,
}

/// The file on disk as read: file entries are parsed afterwards, in parallel.
#[derive(Deserialize)]
struct RawCacheFile<'a> {
    format: u32,
    key: String,
    #[serde(borrow)]
    files: HashMap<String, &'a serde_json::value::RawValue>,
    #[serde(default)]
    services: HashMap<String, HookEntry>,
    #[serde(default)]
    repo: Option<HookEntry>,
    #[serde(default)]
    queries: HashMap<String, Vec<Diagnostic>>,
}

/// The cache of one scan: entries read at the start, entries to write at the end.
pub struct ScanCache {
    path: PathBuf,
    key: String,
    root: String,
    entries: HashMap<String, Entry>,
    services: HashMap<String, HookEntry>,
    repo: Option<HookEntry>,
    queries: HashMap<String, Vec<Diagnostic>>,
    /// A problem met reading the cache (the scan then runs cold).
    pub warning: Option<Diagnostic>,
}

/// Why the cache could not be written.
#[derive(Debug, thiserror::Error)]
#[error("cache {path}: {message}")]
pub struct CacheError {
    /// The cache file.
    pub path: String,
    /// What went wrong.
    pub message: String,
}

impl ScanCache {
    /// Open the cache of `root` in `dir` for a run with this key; entries of another key, of
    /// another format or of an unreadable file are not used.
    pub fn open(dir: &Path, root: &Path, key: Digest) -> ScanCache {
        let root_text = root
            .canonicalize()
            .unwrap_or_else(|_| root.to_path_buf())
            .display()
            .to_string();
        let [a, _] = digest_of(&root_text);
        let path = dir.join(format!("scan-{a:016x}.json"));
        let key = format!("{:016x}{:016x}", key[0], key[1]);
        let mut cache = ScanCache {
            path,
            key,
            root: root_text,
            entries: HashMap::new(),
            services: HashMap::new(),
            repo: None,
            queries: HashMap::new(),
            warning: None,
        };
        let bytes = match std::fs::read(&cache.path) {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return cache,
            Err(e) => {
                cache.warning = Some(cache.problem(format!("cannot read it ({e}); scanning cold")));
                return cache;
            }
        };
        cache.load(&bytes);
        cache
    }

    /// A cache read from `bytes` (as the file `cache.json` of some root) for a run with this
    /// key: what [`ScanCache::open`] does after reading the file (the fuzz target's entry).
    pub fn from_bytes(bytes: &[u8], key: [u64; 2]) -> ScanCache {
        let mut cache = ScanCache {
            path: PathBuf::from("cache.json"),
            key: format!("{:016x}{:016x}", key[0], key[1]),
            root: String::new(),
            entries: HashMap::new(),
            services: HashMap::new(),
            repo: None,
            queries: HashMap::new(),
            warning: None,
        };
        cache.load(bytes);
        cache
    }

    /// How many files, services and repository entries it holds; their results are restored
    /// (findings with anchors, facts as maps) to check that they can be.
    pub fn restore_all(&self) -> usize {
        let files: usize = self
            .entries
            .iter()
            .map(|(path, e)| e.findings().len() + e.facts(path).len())
            .sum();
        let hooks: usize = self
            .services
            .values()
            .chain(self.repo.as_ref())
            .map(|e| e.findings().len())
            .sum();
        files + hooks
    }

    /// Read the file: its layout first, with each file entry left as raw JSON, then (for a
    /// file of this run's key) the entries, in parallel.
    fn load(&mut self, bytes: &[u8]) {
        use rayon::prelude::*;
        let file = match serde_json::from_slice::<RawCacheFile>(bytes) {
            Ok(f) => f,
            Err(e) => {
                self.warning = Some(self.problem(format!(
                    "not a valid cache file (line {}, column {}: {e}); scanning cold",
                    e.line(),
                    e.column()
                )));
                return;
            }
        };
        if file.format != FORMAT || file.key != self.key {
            return; // Another rule pack, config or version: a cold run rewrites it.
        }
        let entries: Result<HashMap<String, Entry>, String> = file
            .files
            .into_par_iter()
            .map(|(rel, raw)| {
                serde_json::from_str::<Entry>(raw.get())
                    .map(|e| (rel.clone(), e))
                    .map_err(|e| format!("entry of `{rel}`: {e}"))
            })
            .collect();
        match entries {
            Ok(entries) => {
                self.entries = entries;
                self.services = file.services;
                self.repo = file.repo;
                self.queries = file.queries;
            }
            Err(message) => {
                self.warning = Some(
                    self.problem(format!("not a valid cache file ({message}); scanning cold")),
                );
            }
        }
    }

    fn problem(&self, message: String) -> Diagnostic {
        Diagnostic {
            kind: "cache-error".into(),
            file: self.path.display().to_string(),
            line: 0,
            column: 0,
            message,
        }
    }

    /// The cache file's path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The entry of `rel` when its content and context are those given.
    pub(crate) fn lookup(&self, rel: &str, content: &Digest, context: &Digest) -> Option<&Entry> {
        self.entries
            .get(rel)
            .filter(|e| !e.no_keyword && &e.content == content && &e.context == context)
    }

    /// The entry of `rel` when the file's size and modification time are those its content
    /// was hashed with (not racily close to that moment) and its context is the one given:
    /// the file need not be read.
    pub(crate) fn lookup_stamp(
        &self,
        rel: &str,
        size: u64,
        modified: Option<u64>,
        context: &Digest,
    ) -> Option<&Entry> {
        self.entries.get(rel).filter(|e| {
            &e.context == context && e.stamp.is_some_and(|s| s.vouches_for(size, modified))
        })
    }

    /// The results of service `name`'s hooks for this input.
    pub(crate) fn lookup_service(&self, name: &str, input: &Digest) -> Option<&HookEntry> {
        self.services.get(name).filter(|e| &e.input == input)
    }

    /// The results of the repository hooks for this input.
    pub(crate) fn lookup_repo(&self, input: &Digest) -> Option<&HookEntry> {
        self.repo.as_ref().filter(|e| &e.input == input)
    }

    /// Query diagnostics kept for `grammar`, when it was compiled by an earlier run.
    pub(crate) fn query_diagnostics(&self, grammar: &str) -> Option<&Vec<Diagnostic>> {
        self.queries.get(grammar)
    }

    /// Write the cache: what was read at the start for files and services still in the tree,
    /// replaced by this run's. Nothing is written when the run changed nothing. The file is
    /// written to a temporary file then renamed, so a reader never sees half of it.
    pub(crate) fn save(
        self,
        present: &dyn Fn(&str) -> bool,
        services: &dyn Fn(&str) -> bool,
        fresh: Fresh,
    ) -> Result<(), CacheError> {
        let ScanCache {
            path,
            key,
            root,
            mut entries,
            services: mut service_entries,
            repo,
            mut queries,
            ..
        } = self;
        let (files_before, services_before) = (entries.len(), service_entries.len());
        entries.retain(|rel, _| present(rel));
        service_entries.retain(|name, _| services(name));
        let unchanged = fresh.files.is_empty()
            && fresh.services.is_empty()
            && fresh.repo.is_none()
            && fresh.queries.is_empty()
            && entries.len() == files_before
            && service_entries.len() == services_before
            && path.exists();
        if unchanged {
            crate::scan::drop_later((entries, service_entries, queries));
            return Ok(());
        }
        entries.extend(fresh.files);
        service_entries.extend(fresh.services);
        queries.extend(fresh.queries);
        let file = CacheFile {
            format: FORMAT,
            key,
            root,
            files: entries,
            services: service_entries,
            repo: fresh.repo.or(repo),
            queries,
        };
        let fail = |message: String| CacheError {
            path: path.display().to_string(),
            message,
        };
        let bytes = serde_json::to_vec(&file).map_err(|e| fail(e.to_string()))?;
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(|e| fail(format!("cannot create folder: {e}")))?;
        }
        crate::fix::write_atomically(&path, &bytes).map_err(|e| fail(e.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::finding::{Edit, Fix, Severity};

    fn finding_with_anchor() -> Finding {
        Finding {
            rule: "r".into(),
            severity: Severity::Warning,
            category: "coverage".into(),
            message: "m".into(),
            service: Some("svc".into()),
            file: "a.py".into(),
            line: 3,
            column: 1,
            fix: Some(Fix {
                description: "d".into(),
                snippet: None,
                edits: vec![Edit {
                    file: "a.py".into(),
                    line: 3,
                    end_line: 3,
                    old: String::new(),
                    new: "x\n".into(),
                    anchor: Some(EditAnchor {
                        indent_like: Some(3),
                        ..Default::default()
                    }),
                }],
                diff: None,
            }),
            suppressed: false,
        }
    }

    #[test]
    fn digests_differ_by_content_and_are_stable() {
        assert_eq!(digest(b"abc"), digest(b"abc"));
        assert_ne!(digest(b"abc"), digest(b"abd"));
        assert_ne!(digest(b"abc")[0], digest(b"abc")[1]);
    }

    #[test]
    fn entries_round_trip_with_anchors_and_facts() {
        let mut data = Map::new();
        data.insert("route".into(), Dynamic::from("GET /users/:id".to_string()));
        data.insert("line".into(), Dynamic::from_int(4));
        data.insert(
            "tags".into(),
            Dynamic::from_array(vec![Dynamic::from(1.5_f64), Dynamic::UNIT]),
        );
        let fact = RawFact {
            rule: "entrypoints-python".into(),
            kind: "entry_point".into(),
            service: None,
            file: "a.py".into(),
            line: 4,
            data,
        };
        let entry = Entry::new(
            "a.py",
            [1, 2],
            None,
            [3, 4],
            &[finding_with_anchor()],
            &[fact],
            &[],
        )
        .unwrap();
        let json = serde_json::to_string(&entry).unwrap();
        let back: Entry = serde_json::from_str(&json).unwrap();
        assert_eq!(back.findings(), vec![finding_with_anchor()]);
        let facts = back.facts("a.py");
        assert_eq!(facts[0].data["route"].to_string(), "GET /users/:id");
        assert_eq!(facts[0].data["line"].as_int(), Ok(4));
        assert!(facts[0].data["tags"].is_array());
    }

    #[test]
    fn results_with_rule_errors_or_odd_values_are_not_kept() {
        let error = Diagnostic {
            kind: "rule-error".into(),
            file: "a.py".into(),
            line: 0,
            column: 0,
            message: "timeout".into(),
        };
        assert!(Entry::new("a.py", [0, 0], None, [0, 0], &[], &[], &[error]).is_none());
        let mut data = Map::new();
        data.insert("c".into(), Dynamic::from('x'));
        let fact = RawFact {
            rule: "r".into(),
            kind: "k".into(),
            service: None,
            file: "a.py".into(),
            line: 1,
            data,
        };
        assert!(Entry::new("a.py", [0, 0], None, [0, 0], &[], &[fact], &[]).is_none());
    }

    #[test]
    fn a_cache_of_another_key_or_a_corrupt_file_is_not_used() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("repo");
        std::fs::create_dir(&root).unwrap();
        let cache = ScanCache::open(dir.path(), &root, [1, 1]);
        let entry = Entry::new("a.py", [5, 5], None, [6, 6], &[], &[], &[]).unwrap();
        let fresh = Fresh {
            files: vec![("a.py".into(), entry)],
            ..Default::default()
        };
        cache.save(&|_| true, &|_| true, fresh).unwrap();
        let same = ScanCache::open(dir.path(), &root, [1, 1]);
        assert!(same.lookup("a.py", &[5, 5], &[6, 6]).is_some());
        assert!(same.lookup("a.py", &[5, 6], &[6, 6]).is_none());
        assert!(same.lookup("a.py", &[5, 5], &[6, 7]).is_none());
        let other = ScanCache::open(dir.path(), &root, [1, 2]);
        assert!(other.lookup("a.py", &[5, 5], &[6, 6]).is_none());
        assert!(other.warning.is_none());
        std::fs::write(same.path(), b"{\"format\": 1, \"key\":").unwrap();
        let corrupt = ScanCache::open(dir.path(), &root, [1, 1]);
        assert!(corrupt.lookup("a.py", &[5, 5], &[6, 6]).is_none());
        let warning = corrupt.warning.expect("a warning");
        assert!(warning.message.contains("line 1"), "{}", warning.message);
    }
}
