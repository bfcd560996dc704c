//! Rule loading: built-in and custom `.rhai` rules, their metadata, overrides and errors.
//!
//! A rule is a script with a `meta()` function returning its metadata and one or more hooks:
//! `on_file(file, matches)` (query captures of one source file), `on_config(cfg)` (one parsed
//! config or manifest file), `on_service(svc)` and `on_repo(repo)`. Hooks return a finding, a
//! fact, an array of them, or `()`. Alert classification rules (category `rca`) define
//! `on_alert(alert)` instead, which scans never call (see `crate::rca::classify`); the
//! alert-to-deficiency mapping is `on_correlate(ctx)` and the constraints every RCA report
//! must satisfy are `on_remediation(ctx)` (see `crate::rca::correlate`).

mod invoke;
mod queries;
pub mod sandbox;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;
use std::sync::Arc;

use rhai::{Dynamic, Map, AST};

use crate::finding::{Diagnostic, RuleInfo, Severity};
use crate::packages::PackageData;

pub use invoke::{call_hook, call_hook_value, HookOutput, RawFact};
pub use queries::{grammar_queries, FileMatches, QueryIndex, MAX_MATCHES_PER_QUERY};
pub use sandbox::{Limits, SandboxSpec};

/// Which hooks a rule defines.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Hooks {
    /// `on_file(file, matches)`.
    pub on_file: bool,
    /// `on_config(cfg)`.
    pub on_config: bool,
    /// `on_service(svc)`.
    pub on_service: bool,
    /// `on_repo(repo)`.
    pub on_repo: bool,
    /// `on_alert(alert)`: alert classification (`rca` rules); never called by scans.
    pub on_alert: bool,
    /// `on_correlate(ctx)`: candidate deficiencies for a classified alert; never called by scans.
    pub on_correlate: bool,
    /// `on_remediation(ctx)`: a constraint on a proposed root cause and fix; never called by scans.
    pub on_remediation: bool,
}

impl Hooks {
    /// True when a scan calls any of these hooks (a rule with only `on_alert` is idle in scans).
    pub fn scans(&self) -> bool {
        self.on_file || self.on_config || self.on_service || self.on_repo
    }
}

/// A tree-sitter query a rule declares for one grammar key (`python`, `node`...).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleQuery {
    /// Grammar name or family the query is written for.
    pub key: String,
    /// Name the captures are filed under in `matches`.
    pub name: String,
    /// Query source.
    pub source: String,
}

/// A compiled, enabled rule.
#[derive(Debug, Clone)]
pub struct Rule {
    /// Metadata (with the effective severity).
    pub info: RuleInfo,
    /// Language families it applies to (empty: all).
    pub languages: Vec<String>,
    /// Impact for the instrumentation score: critical, important, normal or low.
    pub impact: Option<String>,
    /// Configuration the rule needs to do anything (`critical`: `[critical] operations`,
    /// `base`: a base revision, `scan --base`); without it the rule does not run.
    pub requires: Vec<String>,
    /// Literal keywords by grammar key; a file holding none of them is not given to the rule.
    pub keywords: BTreeMap<String, Vec<String>>,
    /// Declared queries.
    pub queries: Vec<RuleQuery>,
    /// Where the script came from (`rules/audit/x.rhai` or a path on disk).
    pub origin: String,
    /// True for rules of the built-in pack.
    pub builtin: bool,
    /// Hooks defined.
    pub hooks: Hooks,
    /// Compiled script.
    pub ast: AST,
    /// Set when a hook of this rule hit a sandbox limit (operations, time, sizes, call
    /// depth): later calls are skipped for as long as this rule set is used (one run).
    pub limit_hit: Arc<AtomicBool>,
}

/// The rules of one run plus the errors met while loading them.
#[derive(Debug, Clone, Default)]
pub struct RuleSet {
    /// Enabled rules, sorted by id.
    pub rules: Vec<Rule>,
    /// Package data from built-in and custom `data/*.toml` files.
    pub packages: PackageData,
    /// Rules that failed to compile or declared bad metadata.
    pub errors: Vec<Diagnostic>,
    /// Digest of everything the pack was loaded from: every script and data file (built-in
    /// and custom, with their origins) and the `[rules]` settings applied (`--cache` key).
    pub fingerprint: [u64; 2],
}

/// A rule script: where it came from and its text.
#[derive(Debug, Clone)]
pub struct RuleSource {
    /// `rules/<category>/<id>.rhai` for built-ins, the path on disk for custom rules.
    pub origin: String,
    /// Script text.
    pub text: String,
    /// True for the built-in pack.
    pub builtin: bool,
}

/// What to load.
#[derive(Debug, Clone, Default)]
pub struct LoadOptions {
    /// Custom rule folders (`--rules`, `[rules] paths`).
    pub dirs: Vec<PathBuf>,
    /// Skip the built-in pack (used by `rules test DIR`).
    pub no_builtin: bool,
    /// Rule ids not to run.
    pub disable: Vec<String>,
    /// Severity overrides.
    pub severity: BTreeMap<String, Severity>,
    /// Run only these ids (and every `facts` rule); empty: all.
    pub only: Vec<String>,
}

/// The built-in rule sources.
pub fn builtin_sources() -> Vec<RuleSource> {
    apm_doctor_rules::BUILTIN_RULES
        .iter()
        .map(|(path, text)| RuleSource {
            origin: format!("rules/{path}"),
            text: (*text).to_string(),
            builtin: true,
        })
        .collect()
}

/// Rule scripts and data files in a custom folder: `DIR/*.rhai`, `DIR/*/*.rhai`,
/// `DIR/data/*.toml`. Unreadable files become diagnostics.
pub fn read_rule_dir(dir: &Path) -> (Vec<RuleSource>, Vec<(String, String)>, Vec<Diagnostic>) {
    let mut sources = Vec::new();
    let mut data = Vec::new();
    let mut errors = Vec::new();
    let walker = walkdir::WalkDir::new(dir)
        .max_depth(2)
        .sort_by_file_name()
        .follow_links(false);
    let mut any = false;
    for entry in walker {
        let entry = match entry {
            Ok(e) => e,
            Err(e) => {
                errors.push(diag(
                    "rule-error",
                    &dir.display().to_string(),
                    0,
                    0,
                    e.to_string(),
                ));
                continue;
            }
        };
        any = true;
        if !entry.file_type().is_file() {
            continue;
        }
        let path = entry.path();
        let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("");
        let in_data = path
            .parent()
            .and_then(Path::file_name)
            .is_some_and(|n| n == "data");
        if ext != "rhai" && !(ext == "toml" && in_data) {
            continue;
        }
        match std::fs::read_to_string(path) {
            Ok(text) if ext == "rhai" => sources.push(RuleSource {
                origin: path.display().to_string(),
                text,
                builtin: false,
            }),
            Ok(text) => data.push((path.display().to_string(), text)),
            Err(e) => errors.push(diag(
                "rule-error",
                &path.display().to_string(),
                0,
                0,
                format!("cannot read rule file: {e}"),
            )),
        }
    }
    if !any {
        errors.push(diag(
            "config-error",
            &dir.display().to_string(),
            0,
            0,
            "rule folder does not exist or cannot be read".into(),
        ));
    }
    (sources, data, errors)
}

fn diag(kind: &str, file: &str, line: usize, column: usize, message: String) -> Diagnostic {
    Diagnostic {
        kind: kind.into(),
        file: file.into(),
        line,
        column,
        message,
    }
}

impl RuleSet {
    /// Load built-in and custom rules. Broken rules are reported in `errors`, never fatal.
    pub fn load(options: &LoadOptions, spec: &SandboxSpec) -> RuleSet {
        let engine = spec.engine();
        let mut set = RuleSet::default();
        let mut sources = Vec::new();
        // What the fingerprint covers, in load order.
        let mut inputs: Vec<(String, String)> = Vec::new();
        if !options.no_builtin {
            sources.extend(builtin_sources());
            for (path, text) in apm_doctor_rules::BUILTIN_DATA {
                inputs.push((format!("rules/{path}"), text.to_string()));
                match PackageData::parse(text, &format!("rules/{path}")) {
                    Ok(d) => set.packages.extend(d),
                    Err(e) => set.errors.push(diag("rule-error", path, 0, 0, e)),
                }
            }
        }
        for dir in &options.dirs {
            let (src, data, errors) = read_rule_dir(dir);
            sources.extend(src);
            set.errors.extend(errors);
            for (origin, text) in data {
                inputs.push((origin.clone(), text.clone()));
                match PackageData::parse(&text, &origin) {
                    Ok(d) => set.packages.extend(d),
                    Err(e) => set.errors.push(diag("rule-error", &origin, 0, 0, e)),
                }
            }
        }

        inputs.extend(sources.iter().map(|s| (s.origin.clone(), s.text.clone())));
        set.fingerprint = crate::cache::digest_of(&(
            inputs,
            &options.disable,
            &options.only,
            format!("{:?}", options.severity),
        ));
        let mut by_id: BTreeMap<String, Rule> = BTreeMap::new();
        for source in sources {
            match compile_rule(&engine, &source) {
                Ok(rule) => {
                    // A later (custom) rule with the same id overrides an earlier one.
                    by_id.insert(rule.info.id.clone(), rule);
                }
                Err(d) => set.errors.push(d),
            }
        }
        for (id, mut rule) in by_id {
            if options.disable.contains(&id) {
                continue;
            }
            if !options.only.is_empty()
                && !options.only.contains(&id)
                && rule.info.category != "facts"
            {
                continue;
            }
            if let Some(sev) = options.severity.get(&id) {
                rule.info.severity = *sev;
            }
            set.rules.push(rule);
        }
        set
    }

    /// Metadata of the rules a scan reports on: finding rules, without `facts` rules and
    /// without rules that only classify alerts (`on_alert`).
    pub fn scan_infos(&self) -> Vec<RuleInfo> {
        self.rules
            .iter()
            .filter(|r| r.info.category != "facts" && r.hooks.scans())
            .map(|r| r.info.clone())
            .collect()
    }

    /// Metadata of the rules that report findings or classify alerts (not `facts` rules).
    pub fn infos(&self) -> Vec<RuleInfo> {
        self.rules
            .iter()
            .filter(|r| r.info.category != "facts")
            .map(|r| r.info.clone())
            .collect()
    }
}

/// Folder of the built-in rule pack's sources (fixtures live there).
pub fn builtin_source_dir() -> &'static str {
    apm_doctor_rules::SOURCE_DIR
}

/// Compile one script and read its metadata.
pub fn compile_rule(engine: &rhai::Engine, source: &RuleSource) -> Result<Rule, Diagnostic> {
    let mut ast = engine.compile(&source.text).map_err(|e| {
        let pos = e.position();
        diag(
            "rule-error",
            &source.origin,
            pos.line().unwrap_or(0),
            pos.position().unwrap_or(0),
            format!("rule does not compile: {}", e.err_type()),
        )
    })?;
    ast.set_source(source.origin.as_str());
    let mut hooks = Hooks::default();
    let mut has_meta = false;
    for f in ast.iter_functions() {
        match (f.name, f.params.len()) {
            ("meta", 0) => has_meta = true,
            ("on_file", 2) => hooks.on_file = true,
            ("on_config", 1) => hooks.on_config = true,
            ("on_service", 1) => hooks.on_service = true,
            ("on_repo", 1) => hooks.on_repo = true,
            ("on_alert", 1) => hooks.on_alert = true,
            ("on_correlate", 1) => hooks.on_correlate = true,
            ("on_remediation", 1) => hooks.on_remediation = true,
            _ => {}
        }
    }
    let fail = |line: usize, msg: String| diag("rule-error", &source.origin, line, 0, msg);
    if !has_meta {
        return Err(fail(1, "rule defines no `fn meta()`".into()));
    }
    if hooks == Hooks::default() {
        return Err(fail(
            1,
            "rule defines no hook (on_file, on_config, on_service, on_repo, on_alert, on_correlate or on_remediation)".into(),
        ));
    }
    let meta: Dynamic =
        sandbox::guarded(|| engine.call_fn(&mut rhai::Scope::new(), &ast, "meta", ())).map_err(
            |e| {
                let (line, col) = invoke::error_position(&e);
                diag(
                    "rule-error",
                    &source.origin,
                    line,
                    col,
                    format!("meta() failed: {}", invoke::flatten_error(&e)),
                )
            },
        )?;
    let meta = meta
        .try_cast::<Map>()
        .ok_or_else(|| fail(1, "meta() must return a map".into()))?;
    parse_meta(&meta, source, hooks, ast).map_err(|m| fail(1, m))
}

fn meta_str(meta: &Map, key: &str) -> Option<String> {
    meta.get(key)
        .and_then(|v| v.clone().into_string().ok())
        .filter(|s| !s.is_empty())
}

fn meta_strings(value: &Dynamic) -> Result<Vec<String>, String> {
    if let Ok(s) = value.clone().into_string() {
        return Ok(vec![s]);
    }
    let arr = value
        .clone()
        .into_array()
        .map_err(|t| format!("expected a string or an array of strings, got {t}"))?;
    arr.into_iter()
        .map(|v| {
            v.into_string()
                .map_err(|t| format!("expected a string, got {t}"))
        })
        .collect()
}

fn parse_meta(meta: &Map, source: &RuleSource, hooks: Hooks, ast: AST) -> Result<Rule, String> {
    let id = meta_str(meta, "id").ok_or("meta() has no `id`")?;
    if !id
        .chars()
        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_')
    {
        return Err(format!(
            "rule id `{id}` must be lower-case letters, digits, `-` or `_`"
        ));
    }
    let category = meta_str(meta, "category").ok_or("meta() has no `category`")?;
    let severity: Severity = meta_str(meta, "severity")
        .unwrap_or_else(|| "warning".into())
        .parse()?;
    let summary = meta_str(meta, "summary").ok_or("meta() has no `summary`")?;
    let languages = match meta.get("languages") {
        Some(v) if !v.is_unit() => meta_strings(v).map_err(|e| format!("languages: {e}"))?,
        _ => Vec::new(),
    };
    for l in &languages {
        if !crate::language::FAMILIES.contains(&l.as_str()) {
            return Err(format!(
                "languages: unknown language `{l}` (expected one of {})",
                crate::language::FAMILIES.join(", ")
            ));
        }
    }
    let requires = match meta.get("requires") {
        Some(v) if !v.is_unit() => meta_strings(v).map_err(|e| format!("requires: {e}"))?,
        _ => Vec::new(),
    };
    for r in &requires {
        if r != "critical" && r != "base" {
            return Err(format!(
                "requires: unknown setting `{r}` (expected `critical` or `base`)"
            ));
        }
    }
    let impact = meta_str(meta, "impact");
    if let Some(i) = &impact {
        if !["critical", "important", "normal", "low"].contains(&i.as_str()) {
            return Err(format!(
                "impact `{i}` must be critical, important, normal or low"
            ));
        }
    }
    let mut keywords = BTreeMap::new();
    if let Some(v) = meta.get("keywords").filter(|v| !v.is_unit()) {
        let map = v
            .clone()
            .try_cast::<Map>()
            .ok_or("keywords must be a map of grammar to strings")?;
        for (k, v) in map {
            let words = meta_strings(&v).map_err(|e| format!("keywords.{k}: {e}"))?;
            keywords.insert(k.to_string(), words);
        }
    }
    let mut queries = Vec::new();
    if let Some(v) = meta.get("queries").filter(|v| !v.is_unit()) {
        let map = v
            .clone()
            .try_cast::<Map>()
            .ok_or("queries must be a map of grammar to #{name: query}")?;
        for (key, per) in map {
            let per = per
                .try_cast::<Map>()
                .ok_or_else(|| format!("queries.{key} must be a map of name to query"))?;
            for (name, q) in per {
                let source = q
                    .into_string()
                    .map_err(|t| format!("queries.{key}.{name}: expected a string, got {t}"))?;
                queries.push(RuleQuery {
                    key: key.to_string(),
                    name: name.to_string(),
                    source,
                });
            }
        }
    }
    if hooks.on_file && queries.is_empty() {
        return Err("on_file needs `queries` in meta()".into());
    }
    Ok(Rule {
        info: RuleInfo {
            id,
            category,
            severity,
            summary,
            rationale: meta_str(meta, "rationale").unwrap_or_default(),
            docs: meta_str(meta, "docs").unwrap_or_default(),
        },
        languages,
        impact,
        requires,
        keywords,
        queries,
        origin: source.origin.clone(),
        builtin: source.builtin,
        hooks,
        ast,
        limit_hit: Arc::new(AtomicBool::new(false)),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec() -> SandboxSpec {
        SandboxSpec::new(Limits::default(), Vec::new()).unwrap()
    }

    fn src(text: &str) -> RuleSource {
        RuleSource {
            origin: "custom/x.rhai".into(),
            text: text.into(),
            builtin: false,
        }
    }

    #[test]
    fn compile_error_names_file_and_line() {
        let engine = spec().engine();
        let err = compile_rule(
            &engine,
            &src("fn meta() {\n  #{ id: \"x\" \n}\nfn on_service(s) { let = ; }"),
        )
        .unwrap_err();
        assert_eq!(err.file, "custom/x.rhai");
        assert!(err.line >= 2, "{err:?}");
        assert!(err.message.contains("does not compile"), "{err:?}");
    }

    #[test]
    fn metadata_is_validated() {
        let engine = spec().engine();
        let err = compile_rule(
            &engine,
            &src(r#"fn meta() { #{ id: "x", category: "audit", summary: "s", languages: ["cobol"] } } fn on_service(s) { () }"#),
        )
        .unwrap_err();
        assert!(err.message.contains("cobol"), "{err:?}");
        let err =
            compile_rule(&engine, &src("fn meta() { #{} } fn on_service(s) { () }")).unwrap_err();
        assert!(err.message.contains("id"), "{err:?}");
        let err = compile_rule(
            &engine,
            &src(r#"fn meta() { #{ id: "x", category: "a", summary: "s" } }"#),
        )
        .unwrap_err();
        assert!(err.message.contains("no hook"), "{err:?}");
    }

    #[test]
    fn builtin_pack_loads_without_errors() {
        let set = RuleSet::load(&LoadOptions::default(), &spec());
        assert!(set.errors.is_empty(), "{:?}", set.errors);
        assert!(set.rules.len() >= 8);
        for rule in &set.rules {
            assert!(rule.origin.starts_with("rules/"));
        }
    }

    #[test]
    fn overrides_disable_and_severity() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("tracer-missing.rhai"),
            r#"fn meta() { #{ id: "tracer-missing", category: "audit", severity: "info", summary: "org version" } }
               fn on_service(svc) { () }"#,
        )
        .unwrap();
        let options = LoadOptions {
            dirs: vec![dir.path().to_path_buf()],
            disable: vec!["debug-enabled".into()],
            severity: [("ust-missing".to_string(), Severity::Error)].into(),
            ..Default::default()
        };
        let set = RuleSet::load(&options, &spec());
        let tm = set
            .rules
            .iter()
            .find(|r| r.info.id == "tracer-missing")
            .unwrap();
        assert_eq!(tm.info.summary, "org version");
        assert!(!tm.builtin);
        assert!(set.rules.iter().all(|r| r.info.id != "debug-enabled"));
        let ust = set
            .rules
            .iter()
            .find(|r| r.info.id == "ust-missing")
            .unwrap();
        assert_eq!(ust.info.severity, Severity::Error);
    }
}
