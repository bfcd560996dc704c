//! `gen-monorepo OUT_DIR SERVICES`: write a deterministic polyglot monorepo for benchmarks and
//! comparisons (see `apm_doctor_benches::generate`).

use std::path::PathBuf;
use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (dir, services) = match args.as_slice() {
        [dir, services] => match services.parse::<usize>() {
            Ok(n) => (PathBuf::from(dir), n),
            Err(_) => {
                eprintln!("gen-monorepo: SERVICES must be a number, got `{services}`");
                return ExitCode::from(2);
            }
        },
        _ => {
            eprintln!("usage: gen-monorepo OUT_DIR SERVICES");
            return ExitCode::from(2);
        }
    };
    match apm_doctor_benches::generate(&dir, services) {
        Ok(stats) => {
            println!(
                "{}: {} services, {} files, {} lines, {} bytes",
                dir.display(),
                stats.services,
                stats.files,
                stats.lines,
                stats.bytes
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("gen-monorepo: {}: {e}", dir.display());
            ExitCode::FAILURE
        }
    }
}
