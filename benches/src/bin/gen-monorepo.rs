//! Write a deterministic polyglot monorepo for benchmarks and comparisons (see
//! `apm_doctor_benches::generate`).
//!
//! ```text
//! gen-monorepo OUT_DIR SERVICES            SERVICES services (about 930 lines each)
//! gen-monorepo OUT_DIR --services N        the same
//! gen-monorepo OUT_DIR --lines 10k|100k|1M the fewest services with at least that many lines
//! gen-monorepo --count --lines SIZE        print the service count and totals, write nothing
//! ```

use std::path::PathBuf;
use std::process::ExitCode;

use apm_doctor_benches::{generate, measure, parse_lines, services_for_lines, GeneratedStats};

const USAGE: &str = "usage: gen-monorepo OUT_DIR (SERVICES | --services N | --lines SIZE)\n       gen-monorepo --count (--services N | --lines SIZE)\nSIZE: a line count such as 10k, 100k, 1M or 250000";

enum Size {
    Services(usize),
    Lines(usize),
}

struct Args {
    dir: Option<PathBuf>,
    count_only: bool,
    size: Size,
}

fn parse_args(args: &[String]) -> Result<Args, String> {
    let mut dir = None;
    let mut count_only = false;
    let mut size = None;
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        match arg.as_str() {
            "--count" => count_only = true,
            "--services" => {
                let v = it.next().ok_or("--services needs a number")?;
                let n = v
                    .parse()
                    .map_err(|_| format!("--services: not a number: `{v}`"))?;
                size = Some(Size::Services(n));
            }
            "--lines" => {
                let v = it.next().ok_or("--lines needs a size")?;
                let n = parse_lines(v).ok_or(format!("--lines: not a line count: `{v}`"))?;
                size = Some(Size::Lines(n));
            }
            "-h" | "--help" => return Err(String::new()),
            other if other.starts_with('-') => return Err(format!("unknown option `{other}`")),
            other if dir.is_none() => dir = Some(PathBuf::from(other)),
            other if size.is_none() => {
                let n = other
                    .parse()
                    .map_err(|_| format!("SERVICES must be a number, got `{other}`"))?;
                size = Some(Size::Services(n));
            }
            other => return Err(format!("unexpected argument `{other}`")),
        }
    }
    let size = size.ok_or("give SERVICES, --services N or --lines SIZE")?;
    if dir.is_none() && !count_only {
        return Err("give OUT_DIR (or --count)".into());
    }
    Ok(Args {
        dir,
        count_only,
        size,
    })
}

fn print(what: &str, stats: &GeneratedStats) {
    println!(
        "{what}: {} services, {} files, {} lines, {} bytes",
        stats.services, stats.files, stats.lines, stats.bytes
    );
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let args = match parse_args(&args) {
        Ok(a) => a,
        Err(e) => {
            if !e.is_empty() {
                eprintln!("gen-monorepo: {e}");
            }
            eprintln!("{USAGE}");
            return ExitCode::from(2);
        }
    };
    let services = match args.size {
        Size::Services(n) => n,
        Size::Lines(lines) => services_for_lines(lines),
    };
    match (&args.dir, args.count_only) {
        (_, true) | (None, _) => {
            print("would write", &measure(services));
            ExitCode::SUCCESS
        }
        (Some(dir), false) => match generate(dir, services) {
            Ok(stats) => {
                print(&dir.display().to_string(), &stats);
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("gen-monorepo: {}: {e}", dir.display());
                ExitCode::FAILURE
            }
        },
    }
}
