//! `apm-doctor instrument`: the whole Datadog APM setup for a service that has none.
//!
//! The service is found as a scan finds it (manifests, Dockerfiles, compose services,
//! Kubernetes containers); a plan is made of whole-line edits (dependency in the manifest,
//! tracer start in the entry file or the container command, `DD_*` settings where the service
//! is deployed) and applied through [`crate::fix::apply_fixes`], so the same guarantees hold:
//! stale text and conflicts are refused, patched files must still parse, the whole plan is
//! applied or nothing is. Every piece is skipped when it is there already, so a second run
//! changes nothing.

mod deploy;
mod edits;
mod lang;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::finding::{Edit, Finding, Fix, ServiceSummary, Severity};
use crate::fix::{self, ApplyOptions, FixOutcome};
use crate::model::{Manifest, Workload};
use crate::scan::{ScanError, ScanOptions};
use crate::service::{Service, ServiceModel};

pub use edits::Change;
use edits::Files;

/// Languages `instrument` knows, with the frameworks it knows for each (`auto` and `none` are
/// accepted too: `none` sets up the tracer without a framework-specific step).
pub const LANGUAGES: &[(&str, &[&str])] = &[
    ("python", &["flask", "django", "fastapi"]),
    ("go", &["gin", "echo", "net-http", "chi"]),
    ("java", &["spring"]),
    ("node", &["express", "fastify", "nestjs"]),
    ("ruby", &["rails", "sinatra"]),
    ("dotnet", &["aspnetcore"]),
    ("php", &["laravel", "slim", "symfony"]),
    ("cpp", &["cpp-httplib"]),
];

/// What to instrument.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Folder holding the service (or several).
    pub root: PathBuf,
    /// Language family, or `auto`.
    pub language: String,
    /// Framework, or `auto` / `none`.
    pub framework: String,
    /// Service name (required when `root` holds several services).
    pub service: Option<String>,
    /// `DD_ENV` value for settings that are added (default `production`).
    pub env: Option<String>,
    /// `DD_VERSION` value for settings that are added (default `1.0.0`).
    pub version: Option<String>,
}

/// Why no plan could be made.
#[derive(Debug, thiserror::Error)]
pub enum InstrumentError {
    /// Unknown language.
    #[error("unknown language `{0}` (expected one of: auto, python, go, java, node, ruby, dotnet, php, cpp)")]
    Language(String),
    /// Unknown framework for the language.
    #[error(
        "unknown framework `{framework}` for {language} (expected one of: auto, none, {known})"
    )]
    Framework {
        /// The language.
        language: String,
        /// The framework given.
        framework: String,
        /// Frameworks known for the language.
        known: String,
    },
    /// No service, or not the one asked for, or several and none chosen.
    #[error("{0}")]
    Service(String),
    /// The scan could not run.
    #[error(transparent)]
    Scan(#[from] ScanError),
}

/// One `DD_*` (or tracer) setting of the plan.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Setting {
    /// Variable name.
    pub key: String,
    /// Value (or where it comes from, e.g. `status.hostIP`).
    pub value: String,
    /// Where it is set: the file the plan writes it to, or where it was found.
    pub file: String,
    /// True when the setting existed before.
    pub existing: bool,
}

/// The plan for one service.
#[derive(Debug, Clone, Serialize)]
pub struct Plan {
    /// Service name.
    pub service: String,
    /// Service folder relative to the root.
    pub root: String,
    /// Language family.
    pub language: String,
    /// Framework (`none` when there is no framework step).
    pub framework: String,
    /// What changes, file by file, in order.
    pub changes: Vec<Change>,
    /// Settings the service ends up with.
    pub settings: Vec<Setting>,
    /// Parts of the setup that were already there.
    pub existing: Vec<String>,
    /// Steps left to do by hand (lock files, things the tool cannot place).
    pub manual: Vec<String>,
    /// How the Datadog agent must be set up for the service's traces.
    pub agent: Vec<String>,
    /// How to check that traces arrive.
    pub verify: Vec<String>,
    /// Unified diff of every change (`--- a/path` / `+++ b/path`, relative to the root).
    pub diff: String,
    /// The edits (whole lines, resolved against the files as read).
    #[serde(skip)]
    pub edits: Vec<Edit>,
}

impl Plan {
    /// True when there is nothing to change.
    pub fn is_noop(&self) -> bool {
        self.edits.is_empty()
    }
}

/// What the generators see.
pub(crate) struct Ctx<'a> {
    pub svc: &'a Service,
    pub summary: Option<&'a ServiceSummary>,
    pub model: &'a ServiceModel,
    pub language: String,
    pub framework: String,
    pub name: String,
    pub env: String,
    pub version: String,
    pub files: Files,
    pub changes: Vec<Change>,
    pub edits: Vec<Edit>,
    pub existing: Vec<String>,
    pub manual: Vec<String>,
    pub settings: Vec<Setting>,
    pub agent: Vec<String>,
    pub verify: Vec<String>,
}

impl Ctx<'_> {
    /// Record an edit and what it does.
    pub fn push(&mut self, edit: Edit, created: bool, what: impl Into<String>) {
        let file = edit.file.clone();
        self.edits.push(edit);
        let what = what.into();
        if let Some(c) = self.changes.iter_mut().find(|c| c.file == file) {
            c.what.push(what);
        } else {
            self.changes.push(Change {
                file,
                created,
                what: vec![what],
            });
        }
    }

    /// The service's tracer is declared.
    pub fn has_tracer(&self) -> bool {
        self.summary.is_some_and(|s| s.tracer.is_some()) || self.svc.tracer.is_some()
    }

    /// The service's tracer is started (an `init` fact).
    pub fn has_init(&self) -> bool {
        self.summary.is_some_and(|s| s.init.is_some())
    }

    /// The service's manifests of a kind.
    pub fn manifest(&self, kind: &str) -> Option<&Manifest> {
        self.svc.manifests.iter().find(|m| m.kind == kind)
    }

    /// Workloads of a kind (Kubernetes ConfigMaps left out).
    pub fn workloads(&self, kind: &str) -> Vec<&Workload> {
        self.svc
            .workloads
            .iter()
            .filter(|w| w.kind == kind && w.resource_kind.as_deref() != Some("ConfigMap"))
            .collect()
    }

    /// A path under the service folder.
    pub fn path(&self, rel: &str) -> String {
        if self.svc.root == "." {
            rel.to_string()
        } else {
            format!("{}/{rel}", self.svc.root)
        }
    }

    /// Where the tracer was found (declared or started), for the "already there" list.
    pub fn note_existing(&mut self, what: impl Into<String>) {
        self.existing.push(what.into());
    }
}

/// Check the language and framework names.
pub fn check_names(language: &str, framework: &str) -> Result<(), InstrumentError> {
    if language == "auto" {
        return Ok(());
    }
    let family = crate::language::family_of(language)
        .ok_or_else(|| InstrumentError::Language(language.to_string()))?;
    let known = LANGUAGES
        .iter()
        .find(|(l, _)| *l == family)
        .map(|(_, f)| *f)
        .ok_or_else(|| InstrumentError::Language(language.to_string()))?;
    let f = normalise_framework(framework);
    if f == "auto" || f == "none" || known.contains(&f.as_str()) {
        return Ok(());
    }
    Err(InstrumentError::Framework {
        language: family.to_string(),
        framework: framework.to_string(),
        known: known.join(", "),
    })
}

fn normalise_framework(f: &str) -> String {
    let f = f.to_ascii_lowercase();
    match f.as_str() {
        "nethttp" | "net/http" | "http" => "net-http".into(),
        "spring-boot" | "spring-web" | "springboot" => "spring".into(),
        "asp.net" | "aspnet" | "asp.net-core" | "aspnetcore" => "aspnetcore".into(),
        "httplib" => "cpp-httplib".into(),
        "nest" => "nestjs".into(),
        _ => f,
    }
}

/// The framework of a service as the scan names it, mapped onto `instrument`'s names.
fn detected_framework(language: &str, svc: &Service) -> Option<String> {
    let known = LANGUAGES.iter().find(|(l, _)| *l == language)?.1;
    svc.frameworks.iter().find_map(|f| {
        let name = normalise_framework(match f.name.as_str() {
            "spring-web" | "spring-webflux" => "spring",
            other => other,
        });
        known.contains(&name.as_str()).then_some(name)
    })
}

/// Discover the services under `root` as a scan does (manifests and workloads only).
fn discover(root: &Path) -> Result<ServiceModel, ScanError> {
    let options = ScanOptions {
        root: root.to_path_buf(),
        ..Default::default()
    };
    let config = crate::scan::load_config(&options)?;
    let (rules, _) = crate::scan::load_rules(&options, &config)?;
    let walked = crate::walk::walk(
        root,
        &crate::walk::WalkOptions {
            exclude: config.paths.exclude.clone(),
            ..Default::default()
        },
    )?;
    let max = config.max_file_size();
    let mut manifests = Vec::new();
    let mut workloads = Vec::new();
    let mut sources = BTreeMap::new();
    for e in &walked.files {
        if let Some(kind) = crate::facts::classify(&e.rel) {
            if e.size > max {
                continue;
            }
            let Ok(bytes) = std::fs::read(&e.abs) else {
                continue;
            };
            let text = String::from_utf8_lossy(&bytes);
            let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
            if let Ok(facts) = crate::facts::parse(kind, &e.rel, text) {
                manifests.extend(facts.manifest);
                workloads.extend(facts.workloads);
            }
        } else if let Some(g) = crate::language::Grammar::from_path(&e.rel) {
            sources.insert(e.rel.clone(), g.family().to_string());
        }
    }
    let root_name = root
        .canonicalize()
        .ok()
        .and_then(|p| p.file_name().map(|n| n.to_string_lossy().to_string()))
        .unwrap_or_else(|| "root".to_string());
    Ok(crate::service::discover(
        manifests,
        workloads,
        &rules.packages,
        &root_name,
        &sources,
    ))
}

fn service_list(model: &ServiceModel) -> String {
    model
        .services
        .iter()
        .map(|s| {
            format!(
                "{} ({}, {})",
                s.name,
                s.language.as_deref().unwrap_or("unknown language"),
                s.root
            )
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// Make the plan for the service `options` designate (nothing is written).
pub fn plan(options: &Options) -> Result<Plan, InstrumentError> {
    check_names(&options.language, &options.framework)?;
    if !options.root.exists() {
        return Err(ScanError::MissingRoot(options.root.display().to_string()).into());
    }
    let base = fix::base_dir(&options.root);
    let model = discover(&base)?;
    let svc = match &options.service {
        Some(name) => model.by_name(name).ok_or_else(|| {
            InstrumentError::Service(if model.services.is_empty() {
                format!("no service `{name}`: {} holds no service (no manifest found)", base.display())
            } else {
                format!("no service `{name}` under {}; services: {}", base.display(), service_list(&model))
            })
        })?,
        None => match model.services.as_slice() {
            [one] => one,
            [] => {
                return Err(InstrumentError::Service(format!(
                    "{} holds no service (no manifest: requirements.txt, go.mod, pom.xml, package.json, Gemfile, *.csproj, composer.json, CMakeLists.txt...)",
                    base.display()
                )))
            }
            _ => {
                return Err(InstrumentError::Service(format!(
                    "{} holds {} services; choose one with --service NAME: {}",
                    base.display(),
                    model.services.len(),
                    service_list(&model)
                )))
            }
        },
    };

    // Language: as asked, checked against what the manifests say.
    let detected = svc.language.clone();
    let language = if options.language == "auto" {
        detected.clone().ok_or_else(|| {
            InstrumentError::Service(format!(
                "cannot tell the language of service `{}`; give it instead of `auto`",
                svc.name
            ))
        })?
    } else {
        let family = crate::language::family_of(&options.language)
            .unwrap_or_default()
            .to_string();
        if let Some(d) = &detected {
            if *d != family && !svc.manifests.iter().any(|m| m.language == family) {
                return Err(InstrumentError::Service(format!(
                    "service `{}` is a {d} service (its manifests say so), not {family}",
                    svc.name
                )));
            }
        }
        family
    };
    let framework = match normalise_framework(&options.framework).as_str() {
        "auto" => detected_framework(&language, svc).unwrap_or_else(|| "none".into()),
        other => other.to_string(),
    };

    // What a scan says about the tracer (declared, started) decides what is already there.
    let report = crate::scan(&ScanOptions {
        root: base.clone(),
        only_rules: vec!["tracer-missing".into()],
        ..Default::default()
    })?;
    let summary = report.services.iter().find(|s| s.root == svc.root);

    let mut ctx = Ctx {
        svc,
        summary,
        model: &model,
        language: language.clone(),
        framework: framework.clone(),
        name: svc.name.clone(),
        env: options.env.clone().unwrap_or_else(|| "production".into()),
        version: options.version.clone().unwrap_or_else(|| "1.0.0".into()),
        files: Files::new(&base),
        changes: Vec::new(),
        edits: Vec::new(),
        existing: Vec::new(),
        manual: Vec::new(),
        settings: Vec::new(),
        agent: Vec::new(),
        verify: Vec::new(),
    };
    if let Some(t) = summary.and_then(|s| s.tracer.as_ref()) {
        ctx.note_existing(format!(
            "tracer {} declared in {}:{}",
            t.library, t.declared_in, t.line
        ));
    }
    if let Some(i) = summary.and_then(|s| s.init.as_ref()) {
        ctx.note_existing(format!(
            "tracer started by {} ({}:{})",
            i.method, i.file, i.line
        ));
    }
    lang::generate(&mut ctx);
    deploy::generate(&mut ctx);
    deploy::agent_and_verify(&mut ctx);

    let diff = fix::diff_for_edits(&ctx.edits, |f| ctx.files.text(f)).unwrap_or_default();
    Ok(Plan {
        service: ctx.name,
        root: svc.root.clone(),
        language,
        framework,
        changes: ctx.changes,
        settings: ctx.settings,
        existing: ctx.existing,
        manual: ctx.manual,
        agent: ctx.agent,
        verify: ctx.verify,
        diff,
        edits: ctx.edits,
    })
}

/// Apply a plan under `root` (the same root the plan was made for) through the fix machinery:
/// all of it or nothing, each file re-checked and re-parsed, written atomically.
pub fn apply(root: &Path, plan: &Plan, dry_run: bool) -> FixOutcome {
    if plan.edits.is_empty() {
        return FixOutcome::default();
    }
    let finding = Finding {
        rule: "instrument".into(),
        severity: Severity::Info,
        category: "instrument".into(),
        message: format!("set up Datadog APM for `{}`", plan.service),
        service: Some(plan.service.clone()),
        file: plan.edits[0].file.clone(),
        line: 1,
        column: 1,
        fix: Some(Fix {
            description: format!("instrument `{}`", plan.service),
            snippet: None,
            edits: plan.edits.clone(),
            diff: None,
        }),
        suppressed: false,
    };
    fix::apply_fixes(
        &fix::base_dir(root),
        std::slice::from_ref(&finding),
        &ApplyOptions { dry_run },
    )
}

/// The plan as Markdown.
pub fn to_markdown(plan: &Plan) -> String {
    let mut out = format!(
        "# Datadog APM setup for `{}`\n\n{} service ({}) in `{}`.\n\n",
        plan.service,
        plan.language,
        if plan.framework == "none" {
            "no framework step".to_string()
        } else {
            plan.framework.clone()
        },
        plan.root
    );
    if plan.is_noop() {
        out.push_str("Nothing to change: the service is set up already.\n\n");
    } else {
        out.push_str("## Files\n\n");
        for c in &plan.changes {
            out.push_str(&format!(
                "- `{}` ({}): {}\n",
                c.file,
                if c.created { "new" } else { "changed" },
                c.what.join("; ")
            ));
        }
        out.push('\n');
    }
    let section = |out: &mut String, title: &str, items: &[String], numbered: bool| {
        if items.is_empty() {
            return;
        }
        out.push_str(&format!("## {title}\n\n"));
        for (i, s) in items.iter().enumerate() {
            if numbered {
                out.push_str(&format!("{}. {s}\n", i + 1));
            } else {
                out.push_str(&format!("- {s}\n"));
            }
        }
        out.push('\n');
    };
    if !plan.settings.is_empty() {
        out.push_str("## Settings\n\n| variable | value | where |\n|---|---|---|\n");
        for s in &plan.settings {
            out.push_str(&format!(
                "| `{}` | `{}` | {}{} |\n",
                s.key,
                s.value,
                s.file,
                if s.existing { " (already set)" } else { "" }
            ));
        }
        out.push('\n');
    }
    section(&mut out, "Already there", &plan.existing, false);
    section(&mut out, "Left to do by hand", &plan.manual, false);
    section(&mut out, "Agent", &plan.agent, false);
    section(&mut out, "Verify", &plan.verify, true);
    if !plan.diff.is_empty() {
        out.push_str("## Diff\n\n```diff\n");
        out.push_str(&plan.diff);
        out.push_str("```\n");
    }
    out
}

/// The plan as plain text (for a terminal).
pub fn to_text(plan: &Plan) -> String {
    let mut out = format!(
        "instrument: service `{}` ({}, {}) in {}\n",
        plan.service, plan.language, plan.framework, plan.root
    );
    if plan.is_noop() {
        out.push_str("nothing to change: the service is set up already\n");
    } else {
        out.push_str("files:\n");
        for c in &plan.changes {
            out.push_str(&format!(
                "  {} {}\n",
                if c.created { "create" } else { "modify" },
                c.file
            ));
            for w in &c.what {
                out.push_str(&format!("      {w}\n"));
            }
        }
    }
    if !plan.settings.is_empty() {
        out.push_str("settings:\n");
        for s in &plan.settings {
            out.push_str(&format!(
                "  {}={}  ({}{})\n",
                s.key,
                s.value,
                s.file,
                if s.existing { ", already set" } else { "" }
            ));
        }
    }
    let list = |out: &mut String, title: &str, items: &[String], numbered: bool| {
        if items.is_empty() {
            return;
        }
        out.push_str(&format!("{title}:\n"));
        for (i, s) in items.iter().enumerate() {
            if numbered {
                out.push_str(&format!("  {}. {s}\n", i + 1));
            } else {
                out.push_str(&format!("  - {s}\n"));
            }
        }
    };
    list(&mut out, "already there", &plan.existing, false);
    list(&mut out, "left to do by hand", &plan.manual, false);
    list(&mut out, "agent", &plan.agent, false);
    list(&mut out, "verify", &plan.verify, true);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_checked() {
        assert!(check_names("python", "flask").is_ok());
        assert!(check_names("golang", "net/http").is_ok());
        assert!(check_names("c#", "asp.net").is_ok());
        assert!(check_names("auto", "whatever").is_ok());
        assert!(check_names("node", "none").is_ok());
        let e = check_names("cobol", "auto").unwrap_err().to_string();
        assert!(e.contains("unknown language `cobol`"), "{e}");
        let e = check_names("ruby", "flask").unwrap_err().to_string();
        assert!(
            e.contains("expected one of: auto, none, rails, sinatra"),
            "{e}"
        );
    }

    #[test]
    fn agent_versions() {
        assert!(deploy::agent_too_old("datadog/agent:7.21.0"));
        assert!(deploy::agent_too_old("gcr.io/datadoghq/agent:6.40.0"));
        assert!(!deploy::agent_too_old("gcr.io/datadoghq/agent:7.59.0"));
        assert!(!deploy::agent_too_old("gcr.io/datadoghq/agent:7"));
        assert!(!deploy::agent_too_old("gcr.io/datadoghq/agent:latest"));
    }
}
