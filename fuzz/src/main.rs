//! `apm-doctor-fuzz <target|all> [--seconds N] [--iterations N] [--seed S]`
//! `apm-doctor-fuzz <target> --replay FILE...`
//! `apm-doctor-fuzz --list`
//!
//! Fuzzes the named target (or every target, one after the other) for a bounded time or number
//! of mutated inputs. Exit 0 when nothing panicked; on a panic the input is written to
//! `fuzz/crashes/<target>-<hash>` and the exit code is 1. Exit 2 on a usage error.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use apm_doctor_fuzz::{find, fuzz, fuzz_dir, minimize, run_one, Budget, Target, TARGETS};

const USAGE: &str = "usage: apm-doctor-fuzz <target|all> [--seconds N (per target, default 10)] \
[--iterations N] [--seed S]\n       apm-doctor-fuzz <target> --replay FILE...\n       apm-doctor-fuzz --list";

struct Args {
    target: String,
    budget: Budget,
    seed: u64,
    replay: Vec<PathBuf>,
}

fn parse_args() -> Result<Option<Args>, String> {
    let mut args = std::env::args().skip(1);
    let mut target = None;
    let mut budget = Budget::Time(Duration::from_secs(10));
    let mut seed = None;
    let mut replay = Vec::new();
    let mut replaying = false;
    while let Some(arg) = args.next() {
        let mut value = |name: &str| {
            args.next()
                .ok_or_else(|| format!("{name} needs a value"))
                .and_then(|v| {
                    v.parse::<u64>()
                        .map_err(|_| format!("{name}: not a number: {v}"))
                })
        };
        match arg.as_str() {
            "--list" => {
                for t in TARGETS {
                    println!("{:<20} {}", t.name, t.about);
                }
                return Ok(None);
            }
            "-h" | "--help" => {
                println!("{USAGE}");
                return Ok(None);
            }
            "--seconds" => budget = Budget::Time(Duration::from_secs(value("--seconds")?)),
            "--iterations" => budget = Budget::Iterations(value("--iterations")?),
            "--seed" => seed = Some(value("--seed")?),
            "--replay" => replaying = true,
            a if a.starts_with('-') => return Err(format!("unknown option {a}")),
            _ if replaying => replay.push(PathBuf::from(arg)),
            _ if target.is_none() => target = Some(arg),
            _ => return Err(format!("unexpected argument {arg}")),
        }
    }
    let target = target.ok_or("no target given")?;
    if replaying && replay.is_empty() {
        return Err("--replay needs at least one file".into());
    }
    let seed = seed.unwrap_or_else(|| {
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(1, |d| d.as_nanos() as u64)
    });
    Ok(Some(Args {
        target,
        budget,
        seed,
        replay,
    }))
}

fn main() -> ExitCode {
    let args = match parse_args() {
        Ok(Some(a)) => a,
        Ok(None) => return ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("apm-doctor-fuzz: {e}\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let targets: Vec<&'static Target> = if args.target == "all" {
        TARGETS.iter().collect()
    } else {
        match find(&args.target) {
            Some(t) => vec![t],
            None => {
                eprintln!(
                    "apm-doctor-fuzz: unknown target {} (see --list)",
                    args.target
                );
                return ExitCode::from(2);
            }
        }
    };

    if !args.replay.is_empty() {
        let mut failed = false;
        for path in &args.replay {
            let input = match std::fs::read(path) {
                Ok(b) => b,
                Err(e) => {
                    eprintln!("{}: {e}", path.display());
                    return ExitCode::from(2);
                }
            };
            for t in &targets {
                match run_one(t, &input) {
                    Ok(accepted) => println!(
                        "{} {}: ok ({})",
                        t.name,
                        path.display(),
                        if accepted { "accepted" } else { "rejected" }
                    ),
                    Err(m) => {
                        println!("{} {}: PANIC: {m}", t.name, path.display());
                        failed = true;
                    }
                }
            }
        }
        return if failed {
            ExitCode::FAILURE
        } else {
            ExitCode::SUCCESS
        };
    }

    // Panics are expected to be caught and reported below; keep the default hook quiet.
    std::panic::set_hook(Box::new(|_| {}));
    println!("seed {}", args.seed);
    let mut crashed = 0;
    for t in targets {
        match fuzz(t, args.seed, args.budget) {
            Ok(stats) => println!(
                "{:<20} ok: {} inputs ({} accepted), pool {}, slowest {:.1} ms",
                t.name,
                stats.execs,
                stats.accepted,
                stats.pool,
                stats.slowest.as_secs_f64() * 1000.0
            ),
            Err(mut crash) => {
                let original = crash.input.len();
                crash.input = minimize(t, &crash.input, 20_000);
                let saved = crash.save(&fuzz_dir().join("crashes"));
                println!(
                    "{:<20} PANIC: {} ({} bytes, minimized from {original})",
                    t.name,
                    crash.message,
                    crash.input.len()
                );
                match saved {
                    Ok(p) => println!(
                        "input saved to {} (replay: cargo run -p apm-doctor-fuzz -- {} --replay {})",
                        p.display(),
                        t.name,
                        p.display()
                    ),
                    Err(e) => println!("could not save the input: {e}"),
                }
                crashed += 1;
            }
        }
    }
    if crashed > 0 {
        println!("{crashed} target(s) panicked");
        return ExitCode::FAILURE;
    }
    ExitCode::SUCCESS
}
