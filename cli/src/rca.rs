//! `apm-doctor rca`: explain a Datadog monitor alert by the instrumentation gap behind it.

use std::path::PathBuf;

use anyhow::{bail, Context, Result};
use clap::{Args, ValueEnum};

use apm_doctor_engine::finding::ScanReport;
use apm_doctor_engine::rca::{self, RcaInput, TraceFile};
use apm_doctor_engine::scan::{load_config, load_rules, ScanOptions};
use apm_doctor_engine::traces;

/// Exit code when a root cause was found.
pub const EXIT_EXPLAINED: u8 = 0;
/// Exit code when nothing in the code explains the alert.
pub const EXIT_UNEXPLAINED: u8 = 1;

/// Output formats of an RCA.
#[derive(Clone, Copy, ValueEnum)]
pub enum RcaFormat {
    /// The nine-section Markdown report.
    Markdown,
    /// The same content as JSON.
    Json,
}

/// Arguments of `apm-doctor rca`.
#[derive(Args)]
pub struct RcaArgs {
    /// Language of the alerted service (python, go, java, node, ruby, dotnet, php, cpp) or `auto`.
    pub language: String,
    /// Framework of the alerted service (flask, gin, spring, express...) or `auto`.
    pub framework: String,
    /// Repository to analyse.
    #[arg(default_value = ".")]
    pub path: PathBuf,
    /// The alerted service (default: the alert's `service` tag).
    #[arg(long)]
    pub service: Option<String>,
    /// Monitor webhook payload: a file, `-` for stdin, or inline JSON.
    #[arg(long, value_name = "PAYLOAD")]
    pub webhook: String,
    /// Trace data: agent v0.4 (JSON or msgpack), v0.5 msgpack, or trace JSON exported from Datadog (repeatable).
    #[arg(long = "traces", value_name = "FILE")]
    pub traces: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value = "markdown")]
    pub format: RcaFormat,
    /// Write the report to FILE instead of stdout.
    #[arg(long, short)]
    pub output: Option<PathBuf>,
    /// Extra folder of .rhai rules (scan and rca rules).
    #[arg(long = "rules", value_name = "DIR")]
    pub rule_dirs: Vec<PathBuf>,
    /// Configuration file (default: apm-doctor.toml in PATH or a parent).
    #[arg(long)]
    pub config: Option<PathBuf>,
}

/// Pick the service when neither `--service` nor the alert names one the scan knows: the
/// only service of the given language and framework.
fn service_by_stack(scan: &ScanReport, language: &str, framework: &str) -> Option<String> {
    let family = apm_doctor_engine::language::family_of(language);
    let matching: Vec<&str> = scan
        .services
        .iter()
        .filter(|s| language == "auto" || s.language.as_deref() == family)
        .filter(|s| {
            framework == "auto"
                || s.frameworks
                    .iter()
                    .any(|f| f.eq_ignore_ascii_case(framework))
        })
        .map(|s| s.name.as_str())
        .collect();
    match matching.as_slice() {
        [one] => Some(one.to_string()),
        _ => None,
    }
}

/// Run `apm-doctor rca`.
pub fn run(args: RcaArgs) -> Result<u8> {
    if args.language != "auto" && apm_doctor_engine::language::family_of(&args.language).is_none() {
        bail!(
            "unknown language `{}` (python, go, java, node, ruby, dotnet, php, cpp or auto)",
            args.language
        );
    }
    let (origin, text) = rca::read_payload(&args.webhook)?;
    let alert = rca::parse_alert(&text, &origin)?;

    let mut all_traces = Vec::new();
    let mut files = Vec::new();
    for path in &args.traces {
        let (format, traces) = traces::load_traces(path)?;
        files.push(TraceFile {
            path: path.display().to_string(),
            format,
            traces: traces.len(),
            spans: traces.iter().map(|t| t.spans.len()).sum(),
        });
        all_traces.extend(traces);
    }

    let options = ScanOptions {
        root: args.path.clone(),
        rule_dirs: args.rule_dirs.clone(),
        config_path: args.config.clone(),
        ..Default::default()
    };
    let scan = apm_doctor_engine::scan(&options)
        .with_context(|| format!("cannot scan {}", args.path.display()))?;
    let config = load_config(&options)?;
    let (rules, _) = load_rules(&options, &config)?;
    let engine = rca::classify::engine_for(&rules);

    let known = |name: &str| scan.services.iter().any(|s| s.name == name);
    let service = match &args.service {
        Some(s) if !known(s) => bail!(
            "no service `{s}` in {} (services: {})",
            args.path.display(),
            scan.services
                .iter()
                .map(|s| s.name.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ),
        Some(s) => Some(s.clone()),
        None if alert.service.as_deref().is_some_and(known) => None,
        None => service_by_stack(&scan, &args.language, &args.framework),
    };
    if let Some(name) = service.as_deref().or(alert.service.as_deref()) {
        if let Some(s) = scan.services.iter().find(|s| s.name == name) {
            let family = apm_doctor_engine::language::family_of(&args.language);
            if args.language != "auto" && s.language.as_deref() != family {
                eprintln!(
                    "apm-doctor: warning: service `{name}` is {} in the code, not {}",
                    s.language.as_deref().unwrap_or("of unknown language"),
                    args.language
                );
            }
        }
    }

    let report = rca::analyse_alert(RcaInput {
        alert,
        scan: &scan,
        root: args.path.clone(),
        service,
        traces: all_traces,
        trace_files: files,
        rules: &rules,
        engine: &engine,
    });
    let rendered = match args.format {
        RcaFormat::Markdown => rca::to_markdown(&report),
        RcaFormat::Json => serde_json::to_string_pretty(&report)? + "\n",
    };
    match &args.output {
        Some(path) => std::fs::write(path, rendered)
            .with_context(|| format!("cannot write {}", path.display()))?,
        None => print!("{rendered}"),
    }
    for d in &report.diagnostics {
        eprintln!("apm-doctor: {}:{}: {}", d.file, d.line, d.message);
    }
    Ok(if report.root_cause.is_some() {
        EXIT_EXPLAINED
    } else {
        EXIT_UNEXPLAINED
    })
}
