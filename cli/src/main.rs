//! `apm-doctor`: find and fix gaps in Datadog APM tracing instrumentation across monorepos.

mod progress;

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context, Result};
use clap::{Args, Parser, Subcommand, ValueEnum};

use apm_doctor_engine::finding::Severity;
use apm_doctor_engine::fixtures;
use apm_doctor_engine::report::{self, Format};
use apm_doctor_engine::scan::{load_config, load_rules, ScanOptions};

/// Exit code: nothing at or above --fail-on.
const EXIT_CLEAN: u8 = 0;
/// Exit code: findings at or above --fail-on.
const EXIT_FINDINGS: u8 = 1;
/// Exit code: usage or runtime error, or an incomplete run.
const EXIT_ERROR: u8 = 2;

#[derive(Parser)]
#[command(name = "apm-doctor", version, about = "Find and fix gaps in Datadog APM tracing instrumentation", long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Audit every service under PATH.
    Scan(ScanArgs),
    /// List or test rules.
    #[command(subcommand)]
    Rules(RulesCommand),
    /// Check a live Datadog agent (GET /info).
    Agent(AgentArgs),
}

#[derive(Clone, Copy, ValueEnum)]
enum FormatArg {
    Text,
    Json,
    Sarif,
    Markdown,
}

impl From<FormatArg> for Format {
    fn from(f: FormatArg) -> Format {
        match f {
            FormatArg::Text => Format::Text,
            FormatArg::Json => Format::Json,
            FormatArg::Sarif => Format::Sarif,
            FormatArg::Markdown => Format::Markdown,
        }
    }
}

#[derive(Clone, Copy, ValueEnum)]
enum SeverityArg {
    Info,
    Warning,
    Error,
    /// Never fail on findings.
    Never,
}

#[derive(Clone, Copy, ValueEnum, PartialEq, Eq)]
enum ColorArg {
    Auto,
    Always,
    Never,
}

#[derive(Args)]
struct ScanArgs {
    /// File or folder to scan.
    #[arg(default_value = ".")]
    path: PathBuf,
    /// Output format.
    #[arg(long, value_enum, default_value = "text")]
    format: FormatArg,
    /// Write the report to FILE instead of stdout.
    #[arg(long, short)]
    output: Option<PathBuf>,
    /// Exit 1 when a finding has this severity or higher.
    #[arg(long, value_enum, default_value = "warning")]
    fail_on: SeverityArg,
    /// Only services of this language (python, go, java, node, ruby, dotnet, php, cpp).
    #[arg(long = "language", value_name = "L")]
    languages: Vec<String>,
    /// Only this service (by name).
    #[arg(long = "service", value_name = "NAME")]
    services: Vec<String>,
    /// Skip paths matching GLOB (gitignore syntax, relative to PATH).
    #[arg(long, value_name = "GLOB")]
    exclude: Vec<String>,
    /// Extra folder of .rhai rules.
    #[arg(long = "rules", value_name = "DIR")]
    rule_dirs: Vec<PathBuf>,
    /// Run only this rule id (repeatable).
    #[arg(long = "rule", value_name = "ID")]
    only_rules: Vec<String>,
    /// Configuration file (default: apm-doctor.toml in PATH or a parent).
    #[arg(long)]
    config: Option<PathBuf>,
    /// Skip files larger than BYTES (default 1 MiB).
    #[arg(long, value_name = "BYTES")]
    max_file_size: Option<u64>,
    /// A previous JSON report: its findings are not reported again.
    #[arg(long, value_name = "FILE")]
    baseline: Option<PathBuf>,
    /// Follow symbolic links (loops are detected).
    #[arg(long)]
    follow: bool,
    /// Do not honour .gitignore files.
    #[arg(long)]
    no_ignore: bool,
    /// When to use colours.
    #[arg(long, value_enum, default_value = "auto")]
    color: ColorArg,
    /// Never show a progress bar.
    #[arg(long)]
    no_progress: bool,
}

#[derive(Subcommand)]
enum RulesCommand {
    /// List rules (id, severity, summary).
    List {
        /// Extra folder of .rhai rules.
        #[arg(long = "rules", value_name = "DIR")]
        rule_dirs: Vec<PathBuf>,
        /// Output as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Run rules against their fixtures (`<rule-id>/<case>/` folders with `expect:` markers).
    Test {
        /// Folder of custom rules and fixtures (default: the built-in pack's source folder).
        dir: Option<PathBuf>,
    },
}

#[derive(Args)]
struct AgentArgs {
    /// Agent URL (default: DD_TRACE_AGENT_URL, else DD_AGENT_HOST:DD_TRACE_AGENT_PORT, else http://localhost:8126).
    #[arg(long)]
    url: Option<String>,
    /// Connect and read timeout in seconds.
    #[arg(long, default_value_t = 5)]
    timeout: u64,
    /// Output as JSON.
    #[arg(long)]
    json: bool,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Scan(args) => run_scan(args),
        Command::Rules(RulesCommand::List { rule_dirs, json }) => run_rules_list(rule_dirs, json),
        Command::Rules(RulesCommand::Test { dir }) => run_rules_test(dir),
        Command::Agent(args) => run_agent(args),
    };
    match result {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            eprintln!("apm-doctor: error: {e:#}");
            ExitCode::from(EXIT_ERROR)
        }
    }
}

fn use_color(arg: ColorArg, to_file: bool) -> bool {
    match arg {
        ColorArg::Always => true,
        ColorArg::Never => false,
        ColorArg::Auto => {
            !to_file && std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none()
        }
    }
}

fn run_scan(args: ScanArgs) -> Result<u8> {
    let baseline = match &args.baseline {
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .with_context(|| format!("cannot read baseline {}", path.display()))?;
            report::read_baseline(&text).map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?
        }
        None => Vec::new(),
    };
    let mut languages = Vec::new();
    for l in &args.languages {
        let family = apm_doctor_engine::language::family_of(l)
            .with_context(|| format!("unknown language `{l}`"))?;
        languages.push(family.to_string());
    }
    let show_progress =
        !args.no_progress && std::io::stderr().is_terminal() && std::env::var_os("CI").is_none();
    let bar = show_progress.then(progress::Bar::new);
    let options = ScanOptions {
        root: args.path.clone(),
        exclude: args.exclude.clone(),
        rule_dirs: args.rule_dirs.clone(),
        config_path: args.config.clone(),
        max_file_size: args.max_file_size,
        languages,
        services: args.services.clone(),
        follow_links: args.follow,
        no_ignore: args.no_ignore,
        only_rules: args.only_rules.clone(),
        baseline,
        progress: bar.clone().map(|b| {
            Arc::new(move |done, total| b.update(done, total)) as apm_doctor_engine::scan::Progress
        }),
        ..Default::default()
    };
    let report = apm_doctor_engine::scan(&options)?;
    if let Some(b) = &bar {
        b.finish();
    }
    let color = use_color(args.color, args.output.is_some());
    let format: Format = args.format.into();
    match &args.output {
        Some(path) => {
            let mut buf = Vec::new();
            report::write_report(&report, format, false, &mut buf)?;
            std::fs::write(path, buf)
                .with_context(|| format!("cannot write {}", path.display()))?;
        }
        None => {
            let stdout = std::io::stdout();
            let mut lock = stdout.lock();
            report::write_report(&report, format, color, &mut lock)?;
            lock.flush()?;
        }
    }
    if report.incomplete() {
        for d in report
            .diagnostics
            .iter()
            .filter(|d| d.kind == "rule-error" || d.kind == "config-error")
        {
            eprintln!(
                "apm-doctor: {}: {}:{}:{}: {}",
                d.kind, d.file, d.line, d.column, d.message
            );
        }
        eprintln!("apm-doctor: the run is incomplete (see the errors above)");
        return Ok(EXIT_ERROR);
    }
    let threshold = match args.fail_on {
        SeverityArg::Info => Some(Severity::Info),
        SeverityArg::Warning => Some(Severity::Warning),
        SeverityArg::Error => Some(Severity::Error),
        SeverityArg::Never => None,
    };
    let failing = threshold.is_some_and(|t| report.findings.iter().any(|f| f.severity >= t));
    Ok(if failing { EXIT_FINDINGS } else { EXIT_CLEAN })
}

fn run_rules_list(rule_dirs: Vec<PathBuf>, json: bool) -> Result<u8> {
    let options = ScanOptions {
        root: PathBuf::from("."),
        rule_dirs,
        ..Default::default()
    };
    let config = load_config(&options)?;
    let (set, _) = load_rules(&options, &config)?;
    for e in &set.errors {
        eprintln!(
            "apm-doctor: {}:{}:{}: {}",
            e.file, e.line, e.column, e.message
        );
    }
    let infos = set.infos();
    if json {
        println!("{}", serde_json::to_string_pretty(&infos)?);
    } else {
        let width = infos.iter().map(|i| i.id.len()).max().unwrap_or(0);
        for i in &infos {
            println!(
                "{:width$}  {:7}  {:9}  {}",
                i.id,
                i.severity.as_str(),
                i.category,
                i.summary
            );
        }
    }
    Ok(if set.errors.is_empty() {
        EXIT_CLEAN
    } else {
        EXIT_ERROR
    })
}

fn run_rules_test(dir: Option<PathBuf>) -> Result<u8> {
    let (search_dir, rule_dirs) = match dir {
        Some(d) => (d.clone(), vec![d]),
        None => (PathBuf::from(apm_doctor_rules_source_dir()), Vec::new()),
    };
    let options = ScanOptions {
        root: search_dir.clone(),
        rule_dirs: rule_dirs.clone(),
        no_config: true,
        ..Default::default()
    };
    let (set, _) = load_rules(&options, &Default::default())?;
    for e in &set.errors {
        eprintln!(
            "apm-doctor: {}:{}:{}: {}",
            e.file, e.line, e.column, e.message
        );
    }
    let ids: Vec<String> = set.rules.iter().map(|r| r.info.id.clone()).collect();
    let cases = fixtures::find_cases(&search_dir, &ids);
    let runner = fixtures::FixtureRunner::new(&rule_dirs)?;
    let (mut passed, mut failed) = (0usize, 0usize);
    for (rule, case) in &cases {
        let r = runner.run(rule, case);
        if r.passed() {
            passed += 1;
            println!("ok      {rule}  {}", case.display());
        } else {
            failed += 1;
            println!("FAILED  {rule}  {}", case.display());
            for missing in r.expected.difference(&r.actual) {
                println!("          missing finding at {}:{}", missing.0, missing.1);
            }
            for extra in r.actual.difference(&r.expected) {
                println!("          unexpected finding at {}:{}", extra.0, extra.1);
            }
            for d in &r.diagnostics {
                println!("          {}: {}:{}: {}", d.kind, d.file, d.line, d.message);
            }
            if let Some(e) = &r.error {
                println!("          error: {e}");
            }
        }
    }
    println!("{passed} passed, {failed} failed");
    Ok(if failed == 0 && set.errors.is_empty() {
        EXIT_CLEAN
    } else {
        EXIT_FINDINGS
    })
}

fn apm_doctor_rules_source_dir() -> &'static str {
    apm_doctor_engine::rules::builtin_source_dir()
}

fn run_agent(args: AgentArgs) -> Result<u8> {
    let url = args
        .url
        .unwrap_or_else(|| apm_doctor_engine::agent::default_url(|k| std::env::var(k).ok()));
    let report = apm_doctor_engine::agent::check(&url, Duration::from_secs(args.timeout.max(1)))?;
    if args.json {
        println!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        println!("agent:     {}", report.url);
        println!(
            "version:   {} ({})",
            report.version.as_deref().unwrap_or("unknown"),
            if report.version_ok {
                "ok, >= 7.28.0"
            } else {
                "too old or unknown"
            }
        );
        println!(
            "traces:    {}",
            if report.trace_endpoints.is_empty() {
                "none".to_string()
            } else {
                report.trace_endpoints.join(", ")
            }
        );
        for p in &report.problems {
            println!("problem:   {p}");
        }
    }
    Ok(if report.problems.is_empty() {
        EXIT_CLEAN
    } else {
        EXIT_FINDINGS
    })
}
