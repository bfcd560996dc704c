//! `apm-doctor`: find and fix gaps in Datadog APM tracing instrumentation across monorepos.

mod instrument;
mod progress;
mod rca;

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context, Result};
use clap::{Args, Parser, Subcommand, ValueEnum};

use apm_doctor_engine::finding::Severity;
use apm_doctor_engine::fixtures;
use apm_doctor_engine::partition::Shard;
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
    /// Scan PATH and apply the fixes of its findings (or print them with --dry-run).
    Fix(FixArgs),
    /// Explain a monitor alert (webhook payload, optional traces) by one instrumentation gap.
    Rca(rca::RcaArgs),
    /// Generate the Datadog APM setup of a service (dependency, start, DD_* env, verification).
    Instrument(instrument::InstrumentArgs),
    /// Merge JSON reports (e.g. the shards of a scan) or SARIF logs into one report.
    Merge(MergeArgs),
}

#[derive(Args)]
struct MergeArgs {
    /// JSON reports or SARIF logs of apm-doctor (told apart by their content).
    #[arg(required = true, value_name = "FILE")]
    files: Vec<PathBuf>,
    /// Output format (SARIF inputs merge only into SARIF).
    #[arg(long, value_enum, default_value = "json")]
    format: FormatArg,
    /// Write the report to FILE instead of stdout.
    #[arg(long, short)]
    output: Option<PathBuf>,
    /// Exit 1 when a merged finding has this severity or higher.
    #[arg(long, value_enum, default_value = "never")]
    fail_on: SeverityArg,
    /// Extra folder of .rhai rules (for the SARIF rule descriptors of custom rules).
    #[arg(long = "rules", value_name = "DIR")]
    rule_dirs: Vec<PathBuf>,
}

#[derive(Args)]
struct FixArgs {
    /// File or folder to scan and fix.
    #[arg(default_value = ".")]
    path: PathBuf,
    /// Fix only the findings of this rule id (repeatable).
    #[arg(long = "rule", value_name = "ID")]
    only_rules: Vec<String>,
    /// Print the unified diffs to stdout and write nothing.
    #[arg(long)]
    dry_run: bool,
    #[command(flatten)]
    selection: Selection,
}

/// What a scan covers and how it reads the tree: the flags `scan` and `fix` share.
#[derive(Args)]
struct Selection {
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
    /// Configuration file (default: apm-doctor.toml in PATH or a parent).
    #[arg(long)]
    config: Option<PathBuf>,
    /// Skip files larger than BYTES (default 1 MiB).
    #[arg(long, value_name = "BYTES")]
    max_file_size: Option<u64>,
    /// A previous JSON report: its findings are neither reported again nor fixed.
    #[arg(long, value_name = "FILE")]
    baseline: Option<PathBuf>,
    /// Follow symbolic links (loops are detected; fixes are never written outside PATH).
    #[arg(long)]
    follow: bool,
    /// Do not honour .gitignore files.
    #[arg(long)]
    no_ignore: bool,
    /// Never show a progress bar.
    #[arg(long)]
    no_progress: bool,
    /// Evaluate, report and fix only shard K of N: services sorted by root are dealt
    /// round-robin to the N shards; findings without a service go to shard 1.
    #[arg(long, value_name = "K/N", value_parser = parse_shard)]
    shard: Option<Shard>,
    /// Keep per-file results in DIR and reuse them for files whose content, context, rule
    /// pack and configuration are unchanged (services and cross-service rules always run).
    #[arg(long, value_name = "DIR")]
    cache: Option<PathBuf>,
}

fn parse_shard(s: &str) -> Result<Shard, String> {
    s.parse()
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
    /// Run only this rule id (repeatable).
    #[arg(long = "rule", value_name = "ID")]
    only_rules: Vec<String>,
    #[command(flatten)]
    selection: Selection,
    /// When to use colours.
    #[arg(long, value_enum, default_value = "auto")]
    color: ColorArg,
    /// After writing the report, apply the findings' fixes (as `apm-doctor fix`).
    #[arg(long)]
    fix: bool,
    /// Diff mode: report span tags and resource names set at git revision REV and gone from
    /// the working tree (rules `span-tag-removed`, `resource-renamed`).
    #[arg(long, value_name = "REV")]
    base: Option<String>,
    /// Evaluate and report only the services touched since git revision REV (committed since
    /// the merge base, uncommitted and untracked files); cross-service rules still see every
    /// service.
    #[arg(long, value_name = "REV")]
    changed_since: Option<String>,
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
        Command::Fix(args) => run_fix(args),
        Command::Rca(args) => rca::run(args),
        Command::Instrument(args) => instrument::run(args),
        Command::Merge(args) => run_merge(args),
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

/// The scan options `scan` and `fix` share.
struct CommonScan<'a> {
    path: &'a PathBuf,
    only_rules: &'a [String],
    selection: &'a Selection,
    /// `scan --base REV`.
    base: Option<&'a str>,
    /// `scan --changed-since REV`.
    changed_since: Option<&'a str>,
}

fn scan_with(common: CommonScan) -> Result<apm_doctor_engine::finding::ScanReport> {
    let selection = common.selection;
    let baseline = match &selection.baseline {
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .with_context(|| format!("cannot read baseline {}", path.display()))?;
            report::read_baseline(&text).map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?
        }
        None => Vec::new(),
    };
    let mut languages = Vec::new();
    for l in &selection.languages {
        let family = apm_doctor_engine::language::family_of(l)
            .with_context(|| format!("unknown language `{l}`"))?;
        languages.push(family.to_string());
    }
    let show_progress = !selection.no_progress
        && std::io::stderr().is_terminal()
        && std::env::var_os("CI").is_none();
    let bar = show_progress.then(progress::Bar::new);
    let options = ScanOptions {
        root: common.path.clone(),
        exclude: selection.exclude.to_vec(),
        rule_dirs: selection.rule_dirs.to_vec(),
        config_path: selection.config.clone(),
        max_file_size: selection.max_file_size,
        languages,
        services: selection.services.to_vec(),
        follow_links: selection.follow,
        no_ignore: selection.no_ignore,
        only_rules: common.only_rules.to_vec(),
        baseline,
        base: common
            .base
            .map(|rev| apm_doctor_engine::base::BaseRef::Git(rev.to_string())),
        shard: selection.shard,
        changed_since: common.changed_since.map(str::to_string),
        cache_dir: selection.cache.clone(),
        progress: bar.clone().map(|b| {
            Arc::new(move |done, total| b.update(done, total)) as apm_doctor_engine::scan::Progress
        }),
        ..Default::default()
    };
    let report = apm_doctor_engine::scan(&options)?;
    if let Some(b) = &bar {
        b.finish();
    }
    Ok(report)
}

/// Print the rule and config errors of an incomplete run; true when there were some.
fn report_incomplete(report: &apm_doctor_engine::finding::ScanReport) -> bool {
    if !report.incomplete() {
        return false;
    }
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
    true
}

fn run_fix(args: FixArgs) -> Result<u8> {
    let report = scan_with(CommonScan {
        path: &args.path,
        only_rules: &args.only_rules,
        selection: &args.selection,
        base: None,
        changed_since: None,
    })?;
    apply_report_fixes(&args.path, &report, args.dry_run)
}

/// Apply (or with `dry_run` print) the fixes of a report; summary on stderr.
fn apply_report_fixes(
    root: &std::path::Path,
    report: &apm_doctor_engine::finding::ScanReport,
    dry_run: bool,
) -> Result<u8> {
    use apm_doctor_engine::fix;
    for d in report.diagnostics.iter().filter(|d| d.kind == "fix-error") {
        eprintln!("apm-doctor: {}:{}: {}", d.file, d.line, d.message);
    }
    let outcome = fix::apply_fixes(
        &fix::base_dir(root),
        &report.findings,
        &fix::ApplyOptions { dry_run },
    );
    if dry_run {
        let stdout = std::io::stdout();
        let mut lock = stdout.lock();
        lock.write_all(outcome.diff().as_bytes())?;
        lock.flush()?;
    }
    for file in &outcome.files {
        if !file.applied.is_empty() {
            let mut rules: Vec<&str> = file.applied.iter().map(|e| e.rule.as_str()).collect();
            rules.dedup();
            eprintln!(
                "{} {} ({} edit{}: {})",
                match (dry_run, file.created) {
                    (true, _) => "would fix",
                    (false, true) => "created  ",
                    (false, false) => "fixed    ",
                },
                file.file,
                file.applied.len(),
                if file.applied.len() == 1 { "" } else { "s" },
                rules.join(", ")
            );
        }
        for r in &file.refused {
            eprintln!(
                "refused   {}:{} ({} at {}:{}): {}",
                file.file,
                r.edit.line,
                r.edit.rule,
                r.edit.finding_file,
                r.edit.finding_line,
                r.reason
            );
        }
    }
    let files = outcome
        .files
        .iter()
        .filter(|f| !f.applied.is_empty())
        .count();
    eprintln!(
        "apm-doctor: {} edit{} {} in {files} file{}, {} refused",
        outcome.applied(),
        if outcome.applied() == 1 { "" } else { "s" },
        if dry_run { "to apply" } else { "applied" },
        if files == 1 { "" } else { "s" },
        outcome.refused()
    );
    if report_incomplete(report) {
        return Ok(EXIT_ERROR);
    }
    Ok(if outcome.refused() > 0 {
        EXIT_FINDINGS
    } else {
        EXIT_CLEAN
    })
}

fn run_scan(args: ScanArgs) -> Result<u8> {
    let report = scan_with(CommonScan {
        path: &args.path,
        only_rules: &args.only_rules,
        selection: &args.selection,
        base: args.base.as_deref(),
        changed_since: args.changed_since.as_deref(),
    })?;
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
            // Buffered: stdout is line-buffered, and a JSON report has a line per field.
            let mut out = std::io::BufWriter::with_capacity(1 << 16, std::io::stdout().lock());
            report::write_report(&report, format, color, &mut out)?;
            out.flush()?;
        }
    }
    if args.fix {
        return apply_report_fixes(&args.path, &report, false);
    }
    if report_incomplete(&report) {
        return Ok(EXIT_ERROR);
    }
    let code = exit_for(args.fail_on, report.findings.iter().map(|f| f.severity));
    // The process exits next: the OS takes the report's memory back faster than a drop.
    std::mem::forget(report);
    Ok(code)
}

/// EXIT_FINDINGS when a severity is at or above `fail_on`, else EXIT_CLEAN.
fn exit_for(fail_on: SeverityArg, severities: impl IntoIterator<Item = Severity>) -> u8 {
    let threshold = match fail_on {
        SeverityArg::Info => Some(Severity::Info),
        SeverityArg::Warning => Some(Severity::Warning),
        SeverityArg::Error => Some(Severity::Error),
        SeverityArg::Never => None,
    };
    let failing = threshold.is_some_and(|t| severities.into_iter().any(|s| s >= t));
    if failing {
        EXIT_FINDINGS
    } else {
        EXIT_CLEAN
    }
}

fn write_output(output: Option<&PathBuf>, bytes: &[u8]) -> Result<()> {
    match output {
        Some(path) => std::fs::write(path, bytes)
            .with_context(|| format!("cannot write {}", path.display()))?,
        None => {
            let stdout = std::io::stdout();
            let mut lock = stdout.lock();
            lock.write_all(bytes)?;
            lock.flush()?;
        }
    }
    Ok(())
}

fn run_merge(args: MergeArgs) -> Result<u8> {
    use apm_doctor_engine::report::merge::{self, MergeInput};
    let mut reports = Vec::new();
    let mut sarif = Vec::new();
    for path in &args.files {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("cannot read {}", path.display()))?;
        match merge::read_input(&text).map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))? {
            MergeInput::Json(r) => reports.push(*r),
            MergeInput::Sarif(v) => sarif.push(v),
        }
    }
    let had_json = !reports.is_empty();
    let mut merged = merge::merge_reports(reports);
    if merged.rules.is_empty() {
        // JSON reports carry no rule descriptions: take them from the rule pack (for SARIF).
        let options = ScanOptions {
            root: PathBuf::from("."),
            rule_dirs: args.rule_dirs.clone(),
            no_config: true,
            ..Default::default()
        };
        if let Ok((set, _)) = load_rules(&options, &Default::default()) {
            merged.rules = set.scan_infos();
        }
    }
    let mut buf = Vec::new();
    if sarif.is_empty() {
        report::write_report(&merged, args.format.into(), false, &mut buf)?;
        write_output(args.output.as_ref(), &buf)?;
        if report_incomplete(&merged) {
            return Ok(EXIT_ERROR);
        }
        return Ok(exit_for(
            args.fail_on,
            merged.findings.iter().map(|f| f.severity),
        ));
    }
    if !matches!(args.format, FormatArg::Sarif) {
        anyhow::bail!("SARIF inputs merge only into SARIF: add --format sarif");
    }
    if had_json {
        sarif.insert(0, report::to_sarif_value(&merged));
    }
    let log = merge::merge_sarif(&sarif).map_err(|e| anyhow::anyhow!(e))?;
    serde_json::to_writer_pretty(&mut buf, &log)?;
    buf.push(b'\n');
    write_output(args.output.as_ref(), &buf)?;
    let levels: Vec<Severity> = log["runs"][0]["results"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|r| r.get("suppressions").is_none())
        .filter_map(|r| r["level"].as_str())
        .map(|l| match l {
            "error" => Severity::Error,
            "warning" => Severity::Warning,
            _ => Severity::Info,
        })
        .collect();
    Ok(exit_for(args.fail_on, levels))
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
