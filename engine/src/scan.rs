//! The scan pipeline: walk, parse configs, discover services, run rules in three phases
//! (files, services, repository), then suppress, filter and summarise.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Instant;

use rayon::prelude::*;
use rhai::{Array, Dynamic, Engine, Map};

use crate::cache::{digest, digest_of, digest_serde, Digest, Fresh, HookEntry, ScanCache, Stamp};
use crate::config::{Config, ConfigError};
use crate::facts::{self, ConfigKind};
use crate::finding::{Diagnostic, FactSite, Finding, InitInfo, ScanReport, ServiceSummary, Stats};
use crate::language::Grammar;
use crate::model::{ConfigFacts, Manifest, Workload};
use crate::partition::{Scope, Work};
use crate::rules::{call_hook, LoadOptions, QueryIndex, RawFact, RuleSet, SandboxSpec};
use crate::service::{self, ServiceModel};
use crate::walk::{self, WalkEntry, WalkOptions};

/// Bytes looked at to decide that a file is binary.
const BINARY_SNIFF: usize = 8 * 1024;

/// Progress callback: (files done, files total).
pub type Progress = Arc<dyn Fn(usize, usize) + Send + Sync>;

/// What to scan and how.
#[derive(Clone, Default)]
pub struct ScanOptions {
    /// File or folder to scan.
    pub root: PathBuf,
    /// Extra exclude globs (`--exclude`).
    pub exclude: Vec<String>,
    /// Extra rule folders (`--rules`).
    pub rule_dirs: Vec<PathBuf>,
    /// Use this config file instead of discovering `apm-doctor.toml`.
    pub config_path: Option<PathBuf>,
    /// Do not look for `apm-doctor.toml` at all (fixtures, tests).
    pub no_config: bool,
    /// Override the file size limit.
    pub max_file_size: Option<u64>,
    /// Keep only services (and findings) of these language families.
    pub languages: Vec<String>,
    /// Keep only these services (by name).
    pub services: Vec<String>,
    /// Follow symbolic links.
    pub follow_links: bool,
    /// Ignore `.gitignore` files.
    pub no_ignore: bool,
    /// Run only these rule ids (plus fact rules).
    pub only_rules: Vec<String>,
    /// Do not load the built-in pack.
    pub no_builtin: bool,
    /// Findings of a previous JSON report to hide.
    pub baseline: Vec<Finding>,
    /// Rhai limits.
    pub limits: crate::rules::Limits,
    /// Progress reporting.
    pub progress: Option<Progress>,
    /// Diff mode (`--base REV`): compare span metadata with this base tree (`repo.base`).
    pub base: Option<crate::base::BaseRef>,
    /// `--shard K/N`: evaluate and report one of N deterministic parts of the services.
    pub shard: Option<crate::partition::Shard>,
    /// `--changed-since REV`: evaluate and report only the services touched since REV.
    pub changed_since: Option<String>,
    /// `--cache DIR`: reuse per-file results of earlier runs kept in DIR (see [`crate::cache`]).
    pub cache_dir: Option<PathBuf>,
}

/// A scan that could not start (bad config, bad exclude pattern, missing root).
#[derive(Debug, thiserror::Error)]
pub enum ScanError {
    /// The root does not exist.
    #[error("{0}: no such file or directory")]
    MissingRoot(String),
    /// `apm-doctor.toml` is invalid.
    #[error(transparent)]
    Config(#[from] ConfigError),
    /// An exclude glob is invalid.
    #[error(transparent)]
    Pattern(#[from] walk::PatternError),
    /// The rule engine could not start.
    #[error("rule engine: {0}")]
    Engine(String),
    /// The base revision of `--base` could not be read.
    #[error("--base {0}: {1}")]
    Base(String, String),
    /// The changes of `--changed-since` could not be listed.
    #[error("--changed-since {0}: {1}")]
    ChangedSince(String, String),
}

/// A config file read and parsed.
struct ParsedConfig {
    rel: String,
    kind: ConfigKind,
    facts: ConfigFacts,
}

/// What reading one config file gave.
enum ConfigOutcome {
    Parsed(ParsedConfig),
    Skipped(&'static str),
    Failed(Box<Diagnostic>),
}

/// Per-worker state: a Rhai engine and one parser per grammar.
struct Worker {
    engine: Engine,
    parsers: BTreeMap<Grammar, tree_sitter::Parser>,
}

impl Worker {
    fn parser(&mut self, grammar: Grammar) -> Option<&mut tree_sitter::Parser> {
        if let std::collections::btree_map::Entry::Vacant(e) = self.parsers.entry(grammar) {
            let mut p = tree_sitter::Parser::new();
            p.set_language(&grammar.language()).ok()?;
            e.insert(p);
        }
        self.parsers.get_mut(&grammar)
    }
}

/// What every source file of a run is looked at with.
struct FileContext<'a> {
    rules: &'a RuleSet,
    queries: &'a QueryIndex,
    model: &'a ServiceModel,
    max: u64,
    /// `[critical] operations` globs, handed to rules as `file.critical`.
    critical: Dynamic,
    /// Rules that do not run in this scan (their `requires` is not configured).
    idle: Vec<usize>,
    /// The part of the tree this scan evaluates.
    scope: &'a Scope,
    /// Per-file results of earlier runs (`--cache`).
    cache: Option<&'a ScanCache>,
    /// When this run started reading files (nanoseconds since the Unix epoch), for stamps.
    cache_now: u64,
}

/// Result of looking at one file in phase 1.
#[derive(Default)]
struct FileResult {
    findings: Vec<Finding>,
    facts: Vec<RawFact>,
    diagnostics: Vec<Diagnostic>,
    parsed: bool,
    skip: Option<&'static str>,
    /// (rule index, microseconds in its hook).
    timings: Vec<(usize, u64)>,
    /// Microseconds parsing and querying.
    parse_micros: u64,
    /// Another shard counts this file in its stats.
    uncounted: bool,
    /// The results came from the cache.
    cache_hit: bool,
    /// What to keep in the cache for this file (a miss that can be kept).
    cache_entry: Option<(String, crate::cache::Entry)>,
}

impl FileResult {
    /// Take a file's results from the cache.
    fn fill_from_cache(&mut self, path: &str, hit: &crate::cache::Entry) {
        self.cache_hit = true;
        self.findings = hit.findings();
        self.facts = hit.facts(path);
        self.diagnostics = hit.diagnostics.clone();
    }

    /// Add what one hook call produced.
    fn absorb(&mut self, rule_index: usize, out: crate::rules::HookOutput) {
        self.timings.push((rule_index, out.micros));
        self.findings.extend(out.findings);
        self.facts.extend(out.facts);
        self.diagnostics.extend(out.error);
    }

    /// Keep these results in the cache under `path` (when they can be kept: see
    /// [`crate::cache::Entry::new`]).
    fn keep_in_cache(
        &mut self,
        path: &str,
        content: Digest,
        stamp: Option<Stamp>,
        context: Digest,
    ) {
        self.cache_entry = crate::cache::Entry::new(
            path,
            content,
            stamp,
            context,
            &self.findings,
            &self.facts,
            &self.diagnostics,
        )
        .map(|e| (path.to_string(), e));
    }
}

/// Free a large value on another thread: the caller (about to write a report and exit) does
/// not wait for thousands of small deallocations.
pub(crate) fn drop_later<T: Send + 'static>(value: T) {
    // Without a thread to be had, the closure (and the value) is dropped right here.
    let _ = std::thread::Builder::new()
        .name("apm-doctor-drop".into())
        .spawn(move || drop(value));
}

/// Load the configuration the options point at.
pub fn load_config(options: &ScanOptions) -> Result<Config, ConfigError> {
    match &options.config_path {
        Some(p) => Config::load(p),
        None if options.no_config => Ok(Config::default()),
        None => Config::discover(&options.root),
    }
}

/// Load rules as a scan would (for `rules list`).
pub fn load_rules(
    options: &ScanOptions,
    config: &Config,
) -> Result<(RuleSet, SandboxSpec), ScanError> {
    let mut dirs = config.rule_dirs();
    dirs.extend(options.rule_dirs.iter().cloned());
    let spec = SandboxSpec::new(options.limits.clone(), dirs.clone()).map_err(ScanError::Engine)?;
    let set = RuleSet::load(
        &LoadOptions {
            dirs,
            no_builtin: options.no_builtin,
            disable: config.rules.disable.clone(),
            severity: config.rules.severity.clone(),
            only: options.only_rules.clone(),
        },
        &spec,
    );
    Ok((set, spec))
}

fn read_text(entry: &WalkEntry, max: u64) -> Result<String, &'static str> {
    if entry.size > max {
        return Err("too-large");
    }
    let bytes = std::fs::read(&entry.abs).map_err(|_| "unreadable")?;
    if bytes.len() as u64 > max {
        return Err("too-large");
    }
    if bytes[..bytes.len().min(BINARY_SNIFF)].contains(&0) {
        return Err("binary");
    }
    let text = String::from_utf8_lossy(&bytes);
    Ok(text.strip_prefix('\u{feff}').unwrap_or(&text).to_string())
}

/// Scan a tree.
pub fn scan(options: &ScanOptions) -> Result<ScanReport, ScanError> {
    let started = Instant::now();
    if !options.root.exists() {
        return Err(ScanError::MissingRoot(options.root.display().to_string()));
    }
    let config = load_config(options)?;
    let (rules, spec) = load_rules(options, &config)?;
    run(options, &config, &rules, &spec, None, started).map(|(report, model)| {
        drop_later(model);
        report
    })
}

/// Rules loaded and their queries compiled for every grammar, once, for many scans (the
/// fixture suite, tests). `only_rules`, `[rules]` settings and rule folders are fixed here;
/// each scan still reads its own `apm-doctor.toml` for `[paths]` and `[critical]`.
pub struct PreparedRules {
    /// The loaded rules.
    pub rules: RuleSet,
    /// The sandbox to build engines from.
    pub spec: SandboxSpec,
    queries: QueryIndex,
    query_errors: Vec<Diagnostic>,
}

impl PreparedRules {
    /// Load rules as `options` and `config` say and compile all their queries.
    pub fn load(options: &ScanOptions, config: &Config) -> Result<PreparedRules, ScanError> {
        let (rules, spec) = load_rules(options, config)?;
        let (queries, query_errors) = QueryIndex::build_all(&rules.rules);
        Ok(PreparedRules {
            rules,
            spec,
            queries,
            query_errors,
        })
    }
}

/// Scan with rules prepared beforehand.
pub fn scan_prepared(
    options: &ScanOptions,
    prepared: &PreparedRules,
) -> Result<ScanReport, ScanError> {
    let started = Instant::now();
    if !options.root.exists() {
        return Err(ScanError::MissingRoot(options.root.display().to_string()));
    }
    let config = load_config(options)?;
    run(
        options,
        &config,
        &prepared.rules,
        &prepared.spec,
        Some((&prepared.queries, &prepared.query_errors)),
        started,
    )
    .map(|(report, model)| {
        drop_later(model);
        report
    })
}

/// The pipeline proper; also returns the service model with its facts. Runs in a pool whose
/// threads have the large stacks rule hooks need (see `rules::sandbox`).
pub(crate) fn run(
    options: &ScanOptions,
    config: &Config,
    rules: &RuleSet,
    spec: &SandboxSpec,
    prebuilt: Option<(&QueryIndex, &Vec<Diagnostic>)>,
    started: Instant,
) -> Result<(ScanReport, ServiceModel), ScanError> {
    crate::rules::sandbox::in_rule_pool(|| {
        run_pipeline(options, config, rules, spec, prebuilt, started)
    })
}

fn run_pipeline(
    options: &ScanOptions,
    config: &Config,
    rules: &RuleSet,
    spec: &SandboxSpec,
    prebuilt: Option<(&QueryIndex, &Vec<Diagnostic>)>,
    started: Instant,
) -> Result<(ScanReport, ServiceModel), ScanError> {
    let root = options.root.clone();
    // Diff mode: export the base tree first, so that a bad revision fails fast.
    let base_tree = match &options.base {
        Some(b) => Some(crate::base::export(&root, b).map_err(|e| ScanError::Base(b.label(), e))?),
        None => None,
    };
    let changed = match &options.changed_since {
        Some(rev) => Some(
            crate::partition::changed_files(&root, rev)
                .map_err(|e| ScanError::ChangedSince(rev.clone(), e))?,
        ),
        None => None,
    };

    let mut exclude = config.paths.exclude.clone();
    exclude.extend(options.exclude.iter().cloned());
    let walked = walk::walk(
        &root,
        &WalkOptions {
            exclude,
            follow_links: options.follow_links,
            no_ignore: options.no_ignore,
        },
    )?;
    let max = options
        .max_file_size
        .unwrap_or_else(|| config.max_file_size());

    let grammars: BTreeSet<Grammar> = walked
        .files
        .iter()
        .filter_map(|e| Grammar::from_path(&e.rel))
        .collect();
    // Rules that do not run in this scan: their `requires` is not configured.
    let idle: Vec<usize> = rules
        .rules
        .iter()
        .enumerate()
        .filter(|(_, r)| {
            r.requires.iter().any(|req| {
                (req == "critical" && config.critical.operations.is_empty())
                    || (req == "base" && options.base.is_none())
            })
        })
        .map(|(i, _)| i)
        .collect();
    // Idle rules' queries are left out. With `--cache`, queries are compiled only for grammars
    // with a file to evaluate.
    let lazy = prebuilt.is_none() && options.cache_dir.is_some();
    let built;
    let (queries, query_errors) = match prebuilt {
        Some((q, e)) => (q, e.clone()),
        None if lazy => {
            built = (QueryIndex::lazy(&rules.rules, &grammars, &idle), Vec::new());
            (&built.0, Vec::new())
        }
        None => {
            built = QueryIndex::build_without(&rules.rules, &grammars, &idle);
            (&built.0, built.1.clone())
        }
    };
    let mut diagnostics = rules.errors.clone();
    diagnostics.extend(query_errors);
    diagnostics.extend(walked.diagnostics);
    let mut stats = Stats {
        rules: rules
            .rules
            .iter()
            .filter(|r| r.info.category != "facts" && r.hooks.scans())
            .filter(|r| !(options.base.is_none() && r.requires.iter().any(|q| q == "base")))
            .count(),
        ..Default::default()
    };
    let cache = options.cache_dir.as_ref().map(|dir| {
        let key = digest_of(&(
            env!("CARGO_PKG_VERSION"),
            rules.fingerprint,
            // The settings, not where the file lies (rule folders count through the pack).
            format!("{:?}", (&config.paths, &config.rules, &config.critical)),
            &options.only_rules,
            options.no_builtin,
            max,
            options.base.is_some(),
            format!("{:?}", options.limits),
            &idle,
        ));
        ScanCache::open(dir, &root, key)
    });
    if let Some(w) = cache.as_ref().and_then(|c| c.warning.clone()) {
        diagnostics.push(w);
    }
    let skip = |reason: &str, stats: &mut Stats| {
        stats.skipped += 1;
        *stats.skipped_by.entry(reason.to_string()).or_default() += 1;
    };

    // Split the walk into config files and source files.
    let mut config_entries = Vec::new();
    let mut source_entries = Vec::new();
    for e in &walked.files {
        if let Some(kind) = facts::classify(&e.rel) {
            config_entries.push((e, kind));
        } else if let Some(g) = Grammar::from_path(&e.rel) {
            source_entries.push((e, g));
        }
    }

    // Config files, in parallel.
    let parsed: Vec<ConfigOutcome> = config_entries
        .par_iter()
        .map(|(e, kind)| match read_text(e, max) {
            Err(reason) => ConfigOutcome::Skipped(reason),
            Ok(text) => match facts::parse(*kind, &e.rel, &text) {
                Ok(facts) => ConfigOutcome::Parsed(ParsedConfig {
                    rel: e.rel.clone(),
                    kind: *kind,
                    facts,
                }),
                Err(err) => ConfigOutcome::Failed(Box::new(Diagnostic {
                    kind: "parse-error".into(),
                    file: err.file.clone(),
                    line: err.line,
                    column: err.column,
                    message: err.message.clone(),
                })),
            },
        })
        .collect();
    let mut configs = Vec::new();
    // Config files not parsed, counted once the services (and so the shards) are known.
    let mut config_skips: Vec<(&str, &'static str)> = Vec::new();
    for (p, (e, _)) in parsed.into_iter().zip(&config_entries) {
        match p {
            ConfigOutcome::Parsed(c) => configs.push(c),
            ConfigOutcome::Skipped(reason) => config_skips.push((&e.rel, reason)),
            ConfigOutcome::Failed(diag) => {
                config_skips.push((&e.rel, "parse-error"));
                diagnostics.push(*diag);
            }
        }
    }

    let mut manifests: Vec<Manifest> = Vec::new();
    let mut workloads: Vec<Workload> = Vec::new();
    for c in &configs {
        manifests.extend(c.facts.manifest.clone());
        workloads.extend(c.facts.workloads.iter().cloned());
    }
    let source_families: BTreeMap<String, String> = source_entries
        .iter()
        .map(|(e, g)| (e.rel.clone(), g.family().to_string()))
        .collect();
    let root_name = root_display_name(&root);
    let mut model = service::discover(
        manifests,
        workloads,
        &rules.packages,
        &root_name,
        &source_families,
    );
    let scope = Scope::new(&model, options.shard, changed.as_ref());
    stats.files = walked
        .files
        .iter()
        .filter(|e| scope.counts(&model, &e.rel))
        .count();
    if scope.counts_repo_level() {
        for (reason, n) in &walked.skipped_by {
            stats.skipped += n;
            *stats.skipped_by.entry(reason.clone()).or_default() += n;
        }
    }
    for (rel, reason) in config_skips {
        if scope.counts(&model, rel) {
            skip(reason, &mut stats);
        }
    }

    // Phase 1: source files and config files, in parallel, one engine per worker.
    let file_ctx = FileContext {
        rules,
        queries,
        model: &model,
        max,
        critical: Dynamic::from_array(
            config
                .critical
                .operations
                .iter()
                .map(|o| Dynamic::from(o.clone()))
                .collect(),
        ),
        idle: idle.clone(),
        scope: &scope,
        cache: cache.as_ref(),
        cache_now: crate::cache::now_nanos(),
    };
    let total = source_entries.len();
    let done = AtomicUsize::new(0);
    let file_results: Vec<FileResult> = source_entries
        .par_iter()
        .map_init(
            || Worker {
                engine: spec.engine(),
                parsers: BTreeMap::new(),
            },
            |worker, (entry, grammar)| {
                let r = scan_source(worker, &file_ctx, entry, *grammar);
                let n = done.fetch_add(1, Ordering::Relaxed) + 1;
                if let Some(p) = &options.progress {
                    if n.is_multiple_of(64) || n == total {
                        p(n, total);
                    }
                }
                r
            },
        )
        .collect();
    let config_results: Vec<FileResult> = configs
        .par_iter()
        .map_init(
            || spec.engine(),
            |engine, c| {
                let work = scope.work(&model, &c.rel);
                let mut r = run_on_config(engine, rules, &model, c, work, cache.as_ref());
                r.uncounted = !scope.counts(&model, &c.rel);
                r
            },
        )
        .collect();

    let mut findings = Vec::new();
    let mut raw_facts = Vec::new();
    let mut rule_micros: BTreeMap<usize, u64> = BTreeMap::new();
    let mut parse_micros = 0u64;
    let mut fresh_queries = Vec::new();
    if lazy {
        // What compiling reported: this run's, else what the cache kept for a grammar whose
        // files all came from it, else compile now (the report is that of a cold run).
        for (grammar, compiled) in queries.grammars() {
            let kept = cache
                .as_ref()
                .and_then(|c| c.query_diagnostics(grammar.name()))
                .filter(|_| !compiled);
            match kept {
                Some(d) => diagnostics.extend(d.iter().cloned()),
                None => {
                    let d = queries.diagnostics(grammar);
                    diagnostics.extend(d.iter().cloned());
                    fresh_queries.push((grammar.name().to_string(), d));
                }
            }
        }
    }
    let mut fresh_entries = Vec::new();
    for r in file_results.into_iter().chain(config_results) {
        if r.cache_hit && !r.uncounted {
            stats.cached += 1;
        }
        fresh_entries.extend(r.cache_entry);
        findings.extend(r.findings);
        raw_facts.extend(r.facts);
        diagnostics.extend(r.diagnostics);
        if r.parsed && !r.uncounted {
            stats.parsed += 1;
        }
        if let Some(reason) = r.skip.filter(|_| !r.uncounted) {
            skip(reason, &mut stats);
        }
        for (ri, micros) in r.timings {
            *rule_micros.entry(ri).or_default() += micros;
        }
        parse_micros += r.parse_micros;
    }
    let mut fact_sites: Vec<FactSite> = raw_facts
        .iter()
        .map(|f| FactSite {
            rule: f.rule.clone(),
            kind: f.kind.clone(),
            file: f.file.clone(),
            line: f.line,
        })
        .collect();
    fact_sites.sort();
    fact_sites.dedup();
    file_facts(&mut model, raw_facts);
    for svc in &mut model.services {
        svc.entry_points = crate::coverage::entry_points(svc, &rules.packages);
    }
    let edges = crate::coverage::edges(&model);
    for (svc, edges) in model.services.iter_mut().zip(edges) {
        svc.edges = edges;
    }

    // Phase 2: services. With `--cache`, a service whose serialised form is unchanged reuses
    // its hooks' findings, and an unchanged set of services reuses the repository phase's.
    let service_digests: Vec<Option<Digest>> = match &cache {
        Some(_) => model.services.par_iter().map(digest_serde).collect(),
        None => vec![None; model.services.len()],
    };
    let repo_rules: Vec<_> = rules
        .rules
        .iter()
        .enumerate()
        .filter(|(i, r)| r.hooks.on_repo && !idle.contains(i))
        .collect();
    let repo_input: Option<Digest> = match (&cache, &base_tree) {
        (Some(_), None) if service_digests.iter().all(Option::is_some) => {
            digest_serde(&model.unattached).map(|u| digest_of(&(&service_digests, u)))
        }
        _ => None,
    };
    let repo_hit = cache
        .as_ref()
        .zip(repo_input.as_ref())
        .and_then(|(c, d)| c.lookup_repo(d));
    let service_hits: Vec<Option<&HookEntry>> = model
        .services
        .iter()
        .zip(&service_digests)
        .map(|(s, d)| {
            cache
                .as_ref()
                .zip(d.as_ref())
                .and_then(|(c, d)| c.lookup_service(&s.name, d))
        })
        .collect();
    let repo_needed = !repo_rules.is_empty() && repo_hit.is_none();
    let service_maps: Vec<Dynamic> = model
        .services
        .par_iter()
        .zip(service_hits.par_iter())
        .map(|(s, hit)| {
            if hit.is_some() && !repo_needed {
                return Dynamic::UNIT;
            }
            rhai::serde::to_dynamic(s)
                .unwrap_or(Dynamic::UNIT)
                .into_shared()
        })
        .collect();
    let service_results: Vec<(FileResult, Option<(String, HookEntry)>)> = model
        .services
        .par_iter()
        .zip(service_maps.par_iter())
        .zip(service_hits.par_iter().zip(service_digests.par_iter()))
        .enumerate()
        .map_init(
            || spec.engine(),
            |engine, (index, ((svc, map), (hit, input)))| {
                let mut out = FileResult::default();
                if !scope.selects(index) {
                    return (out, None);
                }
                if let Some(hit) = hit {
                    out.findings = hit.findings();
                    out.diagnostics = hit.diagnostics.clone();
                    return (out, None);
                }
                let anchor = svc
                    .manifests
                    .first()
                    .map(|m| m.file.clone())
                    .unwrap_or_else(|| svc.root.clone());
                for (ri, rule) in rules
                    .rules
                    .iter()
                    .enumerate()
                    .filter(|(i, r)| r.hooks.on_service && !idle.contains(i))
                {
                    if !rule.languages.is_empty()
                        && !svc
                            .language
                            .as_ref()
                            .is_some_and(|l| rule.languages.contains(l))
                    {
                        continue;
                    }
                    let r = call_hook(
                        engine,
                        rule,
                        "on_service",
                        (map.clone(),),
                        &anchor,
                        Some(&svc.name),
                        &format!("service `{}`", svc.name),
                    );
                    out.timings.push((ri, r.micros));
                    out.findings.extend(r.findings);
                    out.diagnostics.extend(r.error);
                }
                let entry = input.and_then(|d| {
                    HookEntry::new(d, &out.findings, &out.diagnostics)
                        .map(|e| (svc.name.clone(), e))
                });
                (out, entry)
            },
        )
        .collect();
    let mut fresh_services = Vec::new();
    for (r, entry) in service_results {
        findings.extend(r.findings);
        diagnostics.extend(r.diagnostics);
        for (ri, micros) in r.timings {
            *rule_micros.entry(ri).or_default() += micros;
        }
        fresh_services.extend(entry);
    }

    // Phase 3: the whole repository.
    let mut repo_findings = Vec::new();
    let mut fresh_repo = None;
    if let Some(hit) = repo_hit {
        repo_findings = hit.findings();
        diagnostics.extend(hit.diagnostics.iter().cloned());
    } else if !repo_rules.is_empty() {
        let engine = spec.engine();
        let mut repo = Map::new();
        repo.insert("services".into(), Dynamic::from_array(service_maps));
        let unattached: Array = model
            .unattached
            .iter()
            .map(|w| rhai::serde::to_dynamic(w).unwrap_or(Dynamic::UNIT))
            .collect();
        repo.insert("unattached".into(), Dynamic::from_array(unattached));
        let base = match &base_tree {
            Some(tree) => {
                let head_files: BTreeSet<String> =
                    walked.files.iter().map(|e| e.rel.clone()).collect();
                let (diff, base_diagnostics) = crate::base::diff_with(
                    tree,
                    options,
                    config,
                    rules,
                    spec,
                    &model,
                    &head_files,
                )?;
                diagnostics.extend(base_diagnostics);
                diff.to_dynamic()
            }
            None => Dynamic::UNIT,
        };
        repo.insert("base".into(), base);
        let repo = Dynamic::from_map(repo);
        let mut repo_diagnostics = Vec::new();
        for (ri, rule) in repo_rules {
            let r = call_hook(
                &engine,
                rule,
                "on_repo",
                (repo.clone(),),
                ".",
                None,
                "the repository",
            );
            *rule_micros.entry(ri).or_default() += r.micros;
            repo_findings.extend(r.findings);
            repo_diagnostics.extend(r.error);
        }
        fresh_repo = repo_input.and_then(|d| HookEntry::new(d, &repo_findings, &repo_diagnostics));
        diagnostics.extend(repo_diagnostics);
    }

    // Filters.
    let keep_service = |name: &str, language: Option<&str>| -> bool {
        (options.services.is_empty() || options.services.iter().any(|s| s == name))
            && (options.languages.is_empty()
                || language.is_some_and(|l| options.languages.iter().any(|x| x == l)))
    };
    let kept: BTreeSet<String> = model
        .services
        .iter()
        .enumerate()
        .filter(|(i, s)| scope.selects(*i) && keep_service(&s.name, s.language.as_deref()))
        .map(|(_, s)| s.name.clone())
        .collect();
    let filtering = !options.services.is_empty() || !options.languages.is_empty();
    findings.retain(|f| match &f.service {
        Some(s) => kept.contains(s),
        None => !filtering && scope.keeps_repo_finding(&f.file),
    });
    // Cross-service findings: also those on an untouched service that name a touched one.
    let named: BTreeSet<String> = model
        .services
        .iter()
        .filter(|s| keep_service(&s.name, s.language.as_deref()))
        .map(|s| s.name.clone())
        .collect();
    repo_findings.retain(|f| match &f.service {
        Some(s) => kept.contains(s) || (named.contains(s) && scope.keeps_cross_service(&f.message)),
        None => !filtering && scope.keeps_repo_finding(&f.file),
    });
    findings.extend(repo_findings);
    findings.sort_by(|a, b| {
        (&a.file, a.line, a.column, &a.rule, &a.message)
            .cmp(&(&b.file, b.line, b.column, &b.rule, &b.message))
    });
    findings.dedup();

    crate::suppress::apply_inline(&root, &mut findings);
    let (suppressed, findings): (Vec<Finding>, Vec<Finding>) =
        findings.into_iter().partition(|f| f.suppressed);
    let scored: Vec<crate::coverage::ScoredRule> = rules
        .rules
        .iter()
        .filter(|r| r.info.category != "facts" && r.hooks.scans())
        .filter(|r| !(options.base.is_none() && r.requires.iter().any(|q| q == "base")))
        .map(|r| crate::coverage::ScoredRule::new(&r.info, &r.languages, r.impact.as_deref()))
        .collect();
    let service_langs: Vec<(String, Option<String>)> = model
        .services
        .iter()
        .filter(|s| kept.contains(&s.name))
        .map(|s| (s.name.clone(), s.language.clone()))
        .collect();
    let weights = crate::coverage::score_weights(&service_langs, &scored, &findings);
    let repo_score = crate::coverage::repo_score(weights.values());
    let service_scores: BTreeMap<String, u32> = weights
        .iter()
        .filter_map(|(name, w)| w.score().map(|s| (name.clone(), s)))
        .collect();
    stats.score_weights = weights;
    let (mut findings, _hidden) = crate::suppress::apply_baseline(findings, &options.baseline);
    // Fixes: turn the rules' edits into whole lines and diffs, reading each file concerned once.
    diagnostics.extend(crate::fix::resolve_findings(
        &crate::fix::base_dir(&root),
        &mut findings,
    ));

    if let Some(cache) = cache {
        // A rule stopped by a sandbox limit skipped later files: this run is not kept.
        if !rules
            .rules
            .iter()
            .any(|r| r.limit_hit.load(Ordering::Relaxed))
        {
            let present: BTreeSet<&str> = walked.files.iter().map(|e| e.rel.as_str()).collect();
            let names: BTreeSet<&str> = model.services.iter().map(|s| s.name.as_str()).collect();
            let fresh = Fresh {
                files: fresh_entries,
                services: fresh_services,
                repo: fresh_repo,
                queries: fresh_queries,
            };
            let saved = cache.save(
                &|rel| present.contains(rel),
                &|name| names.contains(name),
                fresh,
            );
            if let Err(e) = saved {
                diagnostics.push(Diagnostic {
                    kind: "cache-error".into(),
                    file: e.path.clone(),
                    line: 0,
                    column: 0,
                    message: format!("cannot write the cache: {}", e.message),
                });
            }
        }
    }
    diagnostics.sort_by(|a, b| (&a.file, a.line, &a.message).cmp(&(&b.file, b.line, &b.message)));
    diagnostics.dedup();
    stats.duration_ms = started.elapsed().as_millis() as u64;
    stats.parse_ms = parse_micros / 1000;
    stats.rule_ms = rule_micros
        .into_iter()
        .map(|(ri, micros)| (rules.rules[ri].info.id.clone(), micros / 1000))
        .collect();

    let services = model
        .services
        .iter()
        .filter(|s| kept.contains(&s.name))
        .map(|s| ServiceSummary {
            name: s.name.clone(),
            root: s.root.clone(),
            language: s.language.clone(),
            frameworks: s.frameworks.iter().map(|f| f.name.clone()).collect(),
            tracer: s.tracer.clone(),
            init: s.init.clone(),
            config: s.config.clone(),
            entry_points: s.entry_points.clone(),
            edges: s.edges.clone(),
            score: service_scores.get(&s.name).copied(),
        })
        .collect();
    let report = ScanReport {
        version: 1,
        root: root.display().to_string(),
        services,
        findings,
        suppressed,
        diagnostics,
        stats,
        score: repo_score,
        fact_sites,
        rules: rules.scan_infos(),
    };
    Ok((report, model))
}

/// The scanned folder's name (the name of a service at the root without a manifest name).
pub(crate) fn root_display_name(root: &Path) -> String {
    root.canonicalize()
        .ok()
        .and_then(|p| p.file_name().map(|n| n.to_string_lossy().to_string()))
        .unwrap_or_else(|| "root".to_string())
}

/// Phase 1 for one source file: prefilter, parse once, run the combined query, call rules.
fn scan_source(
    worker: &mut Worker,
    ctx: &FileContext,
    entry: &WalkEntry,
    grammar: Grammar,
) -> FileResult {
    let FileContext {
        rules,
        queries,
        model,
        max,
        critical,
        idle,
        scope,
        cache,
        cache_now,
    } = ctx;
    let max = *max;
    let mut result = FileResult {
        uncounted: !scope.counts(model, &entry.rel),
        ..Default::default()
    };
    let work = scope.work(model, &entry.rel);
    if work == Work::Unchanged {
        result.skip = Some("unchanged");
        return result;
    }
    if !queries.has_grammar(grammar) {
        result.skip = Some("no-rule");
        return result;
    }
    let owner = model.owner_of_file(&entry.rel).map(|i| &model.services[i]);
    let service_name = owner.map(|s| s.name.as_str());
    // `--cache`: the same bytes seen in the same context give the same results.
    let context = cache.map(|_| {
        digest_of(&(
            &entry.rel,
            grammar.name(),
            service_name,
            owner.and_then(|s| s.tracer.as_ref()).map(|t| &t.library),
            owner.and_then(|s| s.language.as_ref()),
            work == Work::All,
        ))
    });
    // Fast path: a file whose size and modification time the cache vouches for is not read.
    if let (Some(c), Some(context)) = (cache, &context) {
        if let Some(hit) = c.lookup_stamp(&entry.rel, entry.size, entry.modified, context) {
            if hit.no_keyword {
                result.skip = Some("no-keyword");
            } else {
                result.fill_from_cache(&entry.rel, hit);
            }
            return result;
        }
    }
    let stamp = cache.and_then(|_| Stamp::of(entry.size, entry.modified, *cache_now));
    let text = match read_text(entry, max) {
        Ok(t) => t,
        Err(reason) => {
            result.skip = Some(reason);
            if reason == "unreadable" {
                result.diagnostics.push(Diagnostic {
                    kind: "io-error".into(),
                    file: entry.rel.clone(),
                    line: 0,
                    column: 0,
                    message: "cannot read file".into(),
                });
            }
            return result;
        }
    };
    let mut active = queries.active_rules(grammar, text.as_bytes());
    active.retain(|ri| !idle.contains(ri));
    if work == Work::FactsOnly {
        // Another shard's file: only what the service map needs (entry points, calls, init).
        active.retain(|&ri| rules.rules[ri].info.category == "facts");
    }
    if active.is_empty() {
        result.skip = Some("no-keyword");
        // Remembered with its stamp, so that the next run need not read it to know.
        if let (Some(context), Some(_)) = (context, stamp) {
            let content = digest(text.as_bytes());
            result.cache_entry = Some((
                entry.rel.clone(),
                crate::cache::Entry::no_keyword(content, stamp, context),
            ));
        }
        return result;
    }
    let cache_key = cache
        .zip(context)
        .map(|(c, context)| (c, digest(text.as_bytes()), context));
    if let Some((c, content, context)) = &cache_key {
        if let Some(hit) = c.lookup(&entry.rel, content, context) {
            // Same bytes under a new stamp (a touched file): keep the new stamp.
            result.cache_entry = hit.restamped(stamp).map(|e| (entry.rel.clone(), e));
            result.fill_from_cache(&entry.rel, hit);
            return result;
        }
    }
    let parse_started = Instant::now();
    let Some(parser) = worker.parser(grammar) else {
        result.skip = Some("no-grammar");
        return result;
    };
    let Some(tree) = parser.parse(&text, None) else {
        result.skip = Some("parse-error");
        return result;
    };
    result.parsed = true;
    if tree.root_node().has_error() {
        if let Some((line, column)) = first_error(tree.root_node()) {
            result.diagnostics.push(Diagnostic {
                kind: "parse-error".into(),
                file: entry.rel.clone(),
                line,
                column,
                message: format!("{grammar} syntax error; rules ran on the parts that parse"),
            });
        }
    }
    let matches = queries.run(grammar, &tree, &text, &entry.rel, &active);
    drop(tree);
    result.parse_micros = u64::try_from(parse_started.elapsed().as_micros()).unwrap_or(u64::MAX);
    let is_test = apm_doctor_stdlib::is_test_path(&entry.rel);
    for (ri, query) in &matches.truncated {
        result.diagnostics.push(Diagnostic {
            kind: "limit".into(),
            file: entry.rel.clone(),
            line: 0,
            column: 0,
            message: format!(
                "rule `{}`: query `{query}` matched more than {} times in this file; later matches were not given to the rule",
                rules.rules[*ri].info.id,
                crate::rules::MAX_MATCHES_PER_QUERY
            ),
        });
    }
    // The file map is the same for every rule: build it once (shared, so each call is cheap).
    let mut file = Map::new();
    file.insert("path".into(), Dynamic::from(entry.rel.clone()));
    file.insert("language".into(), Dynamic::from(grammar.name().to_string()));
    file.insert("family".into(), Dynamic::from(grammar.family().to_string()));
    file.insert(
        "service".into(),
        service_name.map_or(Dynamic::UNIT, |s| Dynamic::from(s.to_string())),
    );
    file.insert("critical".into(), critical.clone());
    file.insert("is_test".into(), Dynamic::from_bool(is_test));
    file.insert(
        "tracer".into(),
        owner
            .and_then(|s| s.tracer.as_ref())
            .map_or(Dynamic::UNIT, |t| Dynamic::from(t.library.clone())),
    );
    file.insert(
        "service_language".into(),
        owner
            .and_then(|s| s.language.clone())
            .map_or(Dynamic::UNIT, Dynamic::from),
    );
    let file = Dynamic::from_map(file).into_shared();
    for (ri, captures) in matches.per_rule {
        let rule = &rules.rules[ri];
        let out = call_hook(
            &worker.engine,
            rule,
            "on_file",
            (file.clone(), Dynamic::from_map(captures)),
            &entry.rel,
            service_name,
            &entry.rel,
        );
        result.absorb(ri, out);
    }
    if let Some((_, content, context)) = cache_key {
        result.keep_in_cache(&entry.rel, content, stamp, context);
    }
    result
}

fn first_error(node: tree_sitter::Node) -> Option<(usize, usize)> {
    if node.is_error() || node.is_missing() {
        let p = node.start_position();
        return Some((p.row + 1, p.column + 1));
    }
    let mut cursor = node.walk();
    for child in node.children(&mut cursor) {
        if child.has_error() {
            if let Some(found) = first_error(child) {
                return Some(found);
            }
        }
    }
    None
}

/// Phase 1 for one config file: call every `on_config` hook.
fn run_on_config(
    engine: &Engine,
    rules: &RuleSet,
    model: &ServiceModel,
    c: &ParsedConfig,
    work: Work,
    cache: Option<&ScanCache>,
) -> FileResult {
    let mut result = FileResult::default();
    let owner = model
        .owner_of_file(&c.rel)
        .map(|i| model.services[i].name.clone());
    let workload_owner = |w: &Workload| -> Option<String> {
        model
            .services
            .iter()
            .find(|s| {
                s.workloads
                    .iter()
                    .any(|x| x.file == w.file && x.line == w.line && x.name == w.name)
            })
            .map(|s| s.name.clone())
    };
    let hooks: Vec<_> = rules
        .rules
        .iter()
        .enumerate()
        .filter(|(_, r)| r.hooks.on_config)
        .filter(|(_, r)| work == Work::All || r.info.category == "facts")
        .collect();
    if hooks.is_empty() {
        return result;
    }
    let mut cfg = Map::new();
    cfg.insert("path".into(), Dynamic::from(c.rel.clone()));
    cfg.insert("kind".into(), Dynamic::from(format!("{:?}", c.kind)));
    cfg.insert(
        "manifest".into(),
        c.facts.manifest.as_ref().map_or(Dynamic::UNIT, |m| {
            rhai::serde::to_dynamic(m).unwrap_or(Dynamic::UNIT)
        }),
    );
    let workloads: Array = c
        .facts
        .workloads
        .iter()
        .map(|w| {
            let mut d = rhai::serde::to_dynamic(w).unwrap_or(Dynamic::UNIT);
            if let Some(mut m) = d.write_lock::<Map>() {
                m.insert(
                    "service".into(),
                    workload_owner(w).map_or(Dynamic::UNIT, Dynamic::from),
                );
            }
            d
        })
        .collect();
    cfg.insert("workloads".into(), Dynamic::from_array(workloads));
    cfg.insert(
        "service".into(),
        owner.clone().map_or(Dynamic::UNIT, Dynamic::from),
    );
    let cfg = Dynamic::from_map(cfg);
    // `--cache`: the hooks see nothing but this map (and the rule pack, part of the run key).
    let cache_key =
        cache.and_then(|store| Some((store, digest_serde(&cfg)?, digest_of(&(work == Work::All)))));
    if let Some((store, input, context)) = &cache_key {
        if let Some(hit) = store.lookup(&c.rel, input, context) {
            result.fill_from_cache(&c.rel, hit);
            return result;
        }
    }
    for (ri, rule) in hooks {
        let out = call_hook(
            engine,
            rule,
            "on_config",
            (cfg.clone(),),
            &c.rel,
            owner.as_deref(),
            &c.rel,
        );
        result.absorb(ri, out);
    }
    if let Some((_, input, context)) = cache_key {
        result.keep_in_cache(&c.rel, input, None, context);
    }
    result
}

/// File facts under their services and derive each service's `init`.
fn file_facts(model: &mut ServiceModel, mut facts: Vec<RawFact>) {
    facts.sort_by(|a, b| (&a.file, a.line).cmp(&(&b.file, b.line)));
    for fact in facts {
        let index = fact
            .service
            .as_deref()
            .and_then(|n| model.services.iter().position(|s| s.name == n))
            .or_else(|| model.owner_of_file(&fact.file));
        let Some(i) = index else {
            continue;
        };
        let svc = &mut model.services[i];
        if fact.kind == "init" && svc.init.is_none() {
            let method = fact
                .data
                .get("method")
                .map(|m| m.to_string())
                .unwrap_or_else(|| "unknown".into());
            svc.init = Some(InitInfo {
                method,
                file: fact.file.clone(),
                line: fact.line,
            });
        }
        svc.facts
            .entry(fact.kind.clone())
            .or_default()
            .push(Dynamic::from_map(fact.data));
    }
}
