//! Full-scan benchmarks over generated monorepos of 10k and 100k lines.
//!
//! `scan/full/<size>`: `apm_doctor_engine::scan` with the whole built-in rule pack (walk,
//! config parsing, service discovery, rule loading and query compilation, the three rule
//! phases), on trees from `apm_doctor_benches::generate_lines`, generated once per run into a
//! temporary folder. `scan/prepared-{all,audit}/100k`: the same tree scanned with rules loaded
//! and queries compiled beforehand (`scan::PreparedRules`, `scan::scan_prepared`), with the
//! whole pack and with the audit pack only (`[rules] disable` for the rest, keeping the
//! `tracer-init` facts it reads): the cost of rule evaluation beyond the audit rules. The 1M
//! tree is too slow for criterion's repetitions: `benches/compare.sh` times it.
//!
//! `cargo bench -p apm-doctor-benches --bench scan` (about two minutes on two cores).

use std::hint::black_box;
use std::path::Path;
use std::time::Duration;

use apm_doctor_benches::{audit_only_disable, generate_lines, GeneratedStats};
use apm_doctor_engine::config::Config;
use apm_doctor_engine::scan::{scan_prepared, PreparedRules};
use apm_doctor_engine::{scan, ScanOptions};
use criterion::{criterion_group, criterion_main, Criterion, SamplingMode, Throughput};

/// Sizes scanned, in lines (label, lines).
const SIZES: [(&str, usize); 2] = [("10k", 10_000), ("100k", 100_000)];

fn options(root: &Path) -> ScanOptions {
    ScanOptions {
        root: root.to_path_buf(),
        no_config: true,
        ..Default::default()
    }
}

fn describe(label: &str, stats: &GeneratedStats) {
    eprintln!(
        "tree {label}: {} services, {} files, {} lines, {:.1} MiB",
        stats.services,
        stats.files,
        stats.lines,
        stats.bytes as f64 / (1024.0 * 1024.0)
    );
}

fn benches(c: &mut Criterion) {
    let mut trees = Vec::new();
    for (label, lines) in SIZES {
        let dir = tempfile::tempdir().expect("temporary folder");
        let stats = generate_lines(dir.path(), lines).expect("generate monorepo");
        describe(label, &stats);
        let report = scan(&options(dir.path())).expect("scan");
        eprintln!(
            "  one scan: {} services, {} findings, {} files walked, {} parsed, {} diagnostics",
            report.services.len(),
            report.findings.len(),
            report.stats.files,
            report.stats.parsed,
            report.diagnostics.len()
        );
        assert_eq!(report.services.len(), stats.services);
        trees.push((label, dir, stats));
    }

    let mut group = c.benchmark_group("scan");
    // A scan takes a tenth of a second to a second here: one scan per sample, ten samples.
    group.sampling_mode(SamplingMode::Flat);
    group.sample_size(10);
    group.warm_up_time(Duration::from_secs(2));
    group.measurement_time(Duration::from_secs(15));
    for (label, dir, stats) in &trees {
        let opts = options(dir.path());
        group.throughput(Throughput::Elements(stats.lines as u64));
        group.bench_function(format!("full/{label}"), |b| {
            b.iter(|| scan(black_box(&opts)).expect("scan"))
        });
    }

    // Rule evaluation: the whole pack against the audit pack, query compilation excluded.
    let (label, dir, stats) = trees.last().expect("a tree");
    let opts = options(dir.path());
    let all = PreparedRules::load(&opts, &Config::default()).expect("rules load");
    let mut audit_config = Config::default();
    audit_config.rules.disable = audit_only_disable(&all.rules.rules);
    let audit = PreparedRules::load(&opts, &audit_config).expect("rules load");
    eprintln!(
        "rule packs: all {} rules, audit-only {} rules ({})",
        all.rules.rules.len(),
        audit.rules.rules.len(),
        audit
            .rules
            .rules
            .iter()
            .map(|r| r.info.id.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    );
    group.throughput(Throughput::Elements(stats.lines as u64));
    for (pack, prepared) in [("all", &all), ("audit", &audit)] {
        group.bench_function(format!("prepared-{pack}/{label}"), |b| {
            b.iter(|| scan_prepared(black_box(&opts), prepared).expect("scan"))
        });
    }
    group.finish();
}

criterion_group!(scan_benches, benches);
criterion_main!(scan_benches);
