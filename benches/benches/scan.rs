//! Scan benchmarks over a generated monorepo.
//!
//! `scan`: a full `apm_doctor_engine::scan` (walk, config parsing, service discovery, the whole
//! built-in rule pack) of a 400-service tree from `apm_doctor_benches::generate`, regenerated
//! into a temporary folder once per run. `parse`: tree-sitter parsing of one generated source
//! file per grammar (the largest one), as the scan's phase 1 does for files that need it.
//!
//! Sized to finish in a couple of minutes on two cores: `cargo bench -p apm-doctor-benches`.

use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::time::Duration;

use apm_doctor_engine::language::Grammar;
use apm_doctor_engine::{scan, ScanOptions};
use criterion::{criterion_group, criterion_main, Criterion, SamplingMode, Throughput};

/// Services in the generated tree (about ten files and 930 lines each).
const SERVICES: usize = 400;

fn files_under(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("read generated folder")
        .map(|e| e.expect("directory entry").path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            files_under(&path, out);
        } else {
            out.push(path);
        }
    }
}

/// The largest generated file of each grammar, with its text.
fn sample_per_grammar(root: &Path) -> Vec<(Grammar, PathBuf, String)> {
    let mut files = Vec::new();
    files_under(root, &mut files);
    let mut best: Vec<(Grammar, PathBuf, String)> = Vec::new();
    for path in files {
        let rel = path
            .strip_prefix(root)
            .expect("under root")
            .to_string_lossy();
        let Some(grammar) = Grammar::from_path(&rel.replace('\\', "/")) else {
            continue;
        };
        let text = std::fs::read_to_string(&path).expect("read source");
        match best.iter_mut().find(|(g, _, _)| *g == grammar) {
            Some(slot) if slot.2.len() >= text.len() => {}
            Some(slot) => *slot = (grammar, path, text),
            None => best.push((grammar, path, text)),
        }
    }
    best.sort_by_key(|(g, _, _)| *g);
    best
}

fn benches(c: &mut Criterion) {
    let dir = tempfile::tempdir().expect("temporary folder");
    let stats = apm_doctor_benches::generate(dir.path(), SERVICES).expect("generate monorepo");
    eprintln!(
        "generated monorepo: {} services, {} files, {} lines, {:.1} MiB",
        stats.services,
        stats.files,
        stats.lines,
        stats.bytes as f64 / (1024.0 * 1024.0)
    );
    let options = ScanOptions {
        root: dir.path().to_path_buf(),
        no_config: true,
        ..Default::default()
    };
    let report = scan(&options).expect("scan");
    eprintln!(
        "one scan: {} services, {} findings, {} files walked, {} parsed, {} diagnostics",
        report.services.len(),
        report.findings.len(),
        report.stats.files,
        report.stats.parsed,
        report.diagnostics.len()
    );
    assert_eq!(report.services.len(), SERVICES);

    let mut group = c.benchmark_group("scan");
    // A scan takes one to two seconds here: one scan per sample, ten samples.
    group.sampling_mode(SamplingMode::Flat);
    group.sample_size(10);
    group.warm_up_time(Duration::from_secs(2));
    group.measurement_time(Duration::from_secs(25));
    group.throughput(Throughput::Elements(stats.files as u64));
    group.bench_function(format!("full/{SERVICES}-services"), |b| {
        b.iter(|| scan(black_box(&options)).expect("scan"))
    });
    group.finish();

    let mut group = c.benchmark_group("parse");
    group.sample_size(10);
    group.warm_up_time(Duration::from_millis(500));
    group.measurement_time(Duration::from_secs(1));
    for (grammar, path, text) in sample_per_grammar(dir.path()) {
        let mut parser = tree_sitter::Parser::new();
        parser
            .set_language(&grammar.language())
            .expect("grammar loads");
        eprintln!(
            "parse/{grammar}: {} ({} lines)",
            path.strip_prefix(dir.path()).unwrap_or(&path).display(),
            text.lines().count()
        );
        group.throughput(Throughput::Bytes(text.len() as u64));
        group.bench_function(grammar.name(), |b| {
            b.iter(|| parser.parse(black_box(&text), None).expect("parse"))
        });
    }
    group.finish();
}

criterion_group!(scan_benches, benches);
criterion_main!(scan_benches);
