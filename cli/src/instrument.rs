//! `apm-doctor instrument <language> <framework> [PATH]`: generate the whole Datadog APM setup
//! of a service.

use std::io::Write;
use std::path::PathBuf;

use anyhow::Result;
use clap::{Args, ValueEnum};

use apm_doctor_engine::instrument::{self, Options};

#[derive(Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum PlanFormat {
    Text,
    Markdown,
    Json,
}

#[derive(Args)]
pub struct InstrumentArgs {
    /// python, go, java, node, ruby, dotnet, php, cpp, or auto (from the service's manifests).
    language: String,
    /// flask/django/fastapi, gin/echo/net-http/chi, spring, express/fastify/nestjs,
    /// rails/sinatra, aspnetcore, laravel/slim/symfony, cpp-httplib; auto (detected) or none.
    framework: String,
    /// Folder holding the service (or several: choose one with --service).
    #[arg(default_value = ".")]
    path: PathBuf,
    /// The service to instrument (by name, as `scan` reports it).
    #[arg(long, value_name = "NAME")]
    service: Option<String>,
    /// Print the unified diff to stdout and write nothing.
    #[arg(long)]
    dry_run: bool,
    /// Format of the plan (written to stderr).
    #[arg(long, value_enum, default_value = "text")]
    format: PlanFormat,
    /// DD_ENV for the settings that are added (default: production).
    #[arg(long, value_name = "ENV")]
    env: Option<String>,
    /// DD_VERSION for the settings that are added (default: 1.0.0).
    #[arg(long = "service-version", value_name = "VERSION")]
    version: Option<String>,
}

/// Run `instrument`: exit 0 when the plan was applied (or printed, or nothing was left to do),
/// 1 when an edit was refused (nothing is written then).
pub fn run(args: InstrumentArgs) -> Result<u8> {
    let plan = instrument::plan(&Options {
        root: args.path.clone(),
        language: args.language,
        framework: args.framework,
        service: args.service,
        env: args.env,
        version: args.version,
    })?;
    let rendered = match args.format {
        PlanFormat::Text => instrument::to_text(&plan),
        PlanFormat::Markdown => instrument::to_markdown(&plan),
        PlanFormat::Json => serde_json::to_string_pretty(&plan)? + "\n",
    };
    eprint!("{rendered}");
    if plan.is_noop() {
        eprintln!(
            "apm-doctor: `{}` is instrumented already; nothing to change",
            plan.service
        );
        return Ok(0);
    }
    let outcome = instrument::apply(&args.path, &plan, args.dry_run);
    if args.dry_run {
        let stdout = std::io::stdout();
        let mut lock = stdout.lock();
        lock.write_all(outcome.diff().as_bytes())?;
        lock.flush()?;
    }
    for file in &outcome.files {
        for r in &file.refused {
            eprintln!("refused   {}:{}: {}", file.file, r.edit.line, r.reason);
        }
    }
    if outcome.refused() > 0 {
        eprintln!(
            "apm-doctor: the setup was not applied ({} edit(s) refused); nothing was written",
            outcome.refused()
        );
        return Ok(1);
    }
    let files = outcome.files.len();
    eprintln!(
        "apm-doctor: {} edit(s) {} in {files} file(s)",
        outcome.applied(),
        if args.dry_run {
            "to apply (dry run: nothing written)"
        } else {
            "applied"
        }
    );
    Ok(0)
}
