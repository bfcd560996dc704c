//! Benchmarks of the scan's phases on one generated source file per grammar.
//!
//! The inputs come from the 100k-line tree of `apm_doctor_benches::generate_lines`. Each group
//! isolates one step that `apm_doctor_engine::scan` runs for a file that holds a rule keyword:
//!
//! - `parse/<grammar>`: tree-sitter parsing of the largest file of the grammar.
//! - `query/<grammar>`: on the grammar's busiest file (the one whose matches call the most
//!   rule hooks), the keyword prefilter (`QueryIndex::active_rules`) and the grammar's combined
//!   query of the whole rule pack over the parsed tree, captures grouped per rule
//!   (`QueryIndex::run`).
//! - `rules/<grammar>`: on the same file, every `on_file` hook its matches call
//!   (`rules::call_hook`, one Rhai engine from the pack's sandbox), matches prepared beforehand.
//! - `compile/all-grammars`: loading the rule pack and compiling its queries for every grammar
//!   (`scan::PreparedRules::load`), the fixed cost of a scan.
//!
//! `cargo bench -p apm-doctor-benches --bench phases` (about a minute on two cores).

use std::hint::black_box;
use std::time::Duration;

use apm_doctor_benches::{files_under, generate_lines, largest_source_per_grammar, Sample};
use apm_doctor_engine::config::Config;
use apm_doctor_engine::language::Grammar;
use apm_doctor_engine::rules::call_hook;
use apm_doctor_engine::scan::PreparedRules;
use apm_doctor_engine::{scan, ScanOptions};
use criterion::measurement::WallTime;
use criterion::{
    criterion_group, criterion_main, BatchSize, BenchmarkGroup, Criterion, Throughput,
};
use rhai::{Array, Dynamic, Map};

/// A group of quick benchmarks (a file's step takes micro- to milliseconds).
fn quick<'a>(c: &'a mut Criterion, name: &str) -> BenchmarkGroup<'a, WallTime> {
    let mut group = c.benchmark_group(name);
    group.sample_size(20);
    group.warm_up_time(Duration::from_millis(500));
    group.measurement_time(Duration::from_secs(2));
    group
}

fn benches(c: &mut Criterion) {
    let dir = tempfile::tempdir().expect("temporary folder");
    let stats = generate_lines(dir.path(), 100_000).expect("generate monorepo");
    eprintln!(
        "tree: {} services, {} files, {} lines",
        stats.services, stats.files, stats.lines
    );
    let options = ScanOptions {
        root: dir.path().to_path_buf(),
        no_config: true,
        ..Default::default()
    };
    // Services as the scan sees them, for the `file` map the hooks receive.
    let report = scan(&options).expect("scan");
    let prepared = PreparedRules::load(&options, &Config::default()).expect("rules load");
    let (queries, query_errors) =
        apm_doctor_engine::rules::QueryIndex::build_all(&prepared.rules.rules);
    assert!(query_errors.is_empty(), "{query_errors:#?}");
    let engine = prepared.spec.engine();
    let samples = largest_source_per_grammar(dir.path()).expect("read tree");

    let mut parse = quick(c, "parse");
    for s in &samples {
        let mut parser = tree_sitter::Parser::new();
        parser
            .set_language(&s.grammar.language())
            .expect("grammar loads");
        eprintln!(
            "{}: {} ({} lines, {} bytes)",
            s.grammar,
            s.rel,
            s.text.lines().count(),
            s.text.len()
        );
        parse.throughput(Throughput::Bytes(s.text.len() as u64));
        parse.bench_function(s.grammar.name(), |b| {
            b.iter(|| parser.parse(black_box(&s.text), None).expect("parse"))
        });
    }
    parse.finish();

    // Query and rule benches: per grammar, the file whose matches call the most hooks (rules
    // whose `requires` is not configured stay idle, as in a scan), the larger on a tie.
    let idle: Vec<usize> = prepared
        .rules
        .rules
        .iter()
        .enumerate()
        .filter(|(_, r)| !r.requires.is_empty())
        .map(|(i, _)| i)
        .collect();
    let mut busiest: Vec<(Sample, tree_sitter::Tree, usize)> = Vec::new();
    let mut parsers = std::collections::BTreeMap::new();
    for path in files_under(dir.path()).expect("read tree") {
        let rel = path
            .strip_prefix(dir.path())
            .unwrap_or(&path)
            .to_string_lossy()
            .replace('\\', "/");
        let Some(grammar) = Grammar::from_path(&rel) else {
            continue;
        };
        let text = std::fs::read_to_string(&path).expect("read source");
        let mut active = queries.active_rules(grammar, text.as_bytes());
        active.retain(|ri| !idle.contains(ri));
        if active.is_empty() {
            continue;
        }
        let parser = parsers.entry(grammar).or_insert_with(|| {
            let mut p = tree_sitter::Parser::new();
            p.set_language(&grammar.language()).expect("grammar loads");
            p
        });
        let tree = parser.parse(&text, None).expect("parse");
        let hooks = queries
            .run(grammar, &tree, &text, &rel, &active)
            .per_rule
            .len();
        let better =
            |b: &(Sample, tree_sitter::Tree, usize)| (hooks, text.len()) > (b.2, b.0.text.len());
        match busiest.iter_mut().find(|b| b.0.grammar == grammar) {
            Some(slot) if !better(slot) => {}
            Some(slot) => *slot = (Sample { grammar, rel, text }, tree, hooks),
            None => busiest.push((Sample { grammar, rel, text }, tree, hooks)),
        }
    }
    busiest.sort_by_key(|b| b.0.grammar);

    let mut query = quick(c, "query");
    for (s, tree, _) in &busiest {
        eprintln!(
            "query/{}: {} ({} lines, {} bytes)",
            s.grammar,
            s.rel,
            s.text.lines().count(),
            s.text.len()
        );
        query.throughput(Throughput::Bytes(s.text.len() as u64));
        query.bench_function(s.grammar.name(), |b| {
            b.iter(|| {
                let mut active = queries.active_rules(s.grammar, black_box(s.text.as_bytes()));
                active.retain(|ri| !idle.contains(ri));
                queries.run(s.grammar, tree, &s.text, &s.rel, &active)
            })
        });
    }
    query.finish();

    let mut rules = quick(c, "rules");
    for (s, tree, _) in &busiest {
        let mut active = queries.active_rules(s.grammar, s.text.as_bytes());
        active.retain(|ri| !idle.contains(ri));
        let matches = queries.run(s.grammar, tree, &s.text, &s.rel, &active);
        if matches.per_rule.is_empty() {
            continue;
        }
        let owner = report
            .services
            .iter()
            .filter(|svc| s.rel.starts_with(&format!("{}/", svc.root)))
            .max_by_key(|svc| svc.root.len());
        let mut file = Map::new();
        file.insert("path".into(), Dynamic::from(s.rel.clone()));
        file.insert(
            "language".into(),
            Dynamic::from(s.grammar.name().to_string()),
        );
        file.insert(
            "family".into(),
            Dynamic::from(s.grammar.family().to_string()),
        );
        file.insert(
            "service".into(),
            owner.map_or(Dynamic::UNIT, |o| Dynamic::from(o.name.clone())),
        );
        file.insert("critical".into(), Dynamic::from_array(Array::new()));
        file.insert("is_test".into(), Dynamic::from_bool(false));
        file.insert(
            "tracer".into(),
            owner
                .and_then(|o| o.tracer.as_ref())
                .map_or(Dynamic::UNIT, |t| Dynamic::from(t.library.clone())),
        );
        file.insert(
            "service_language".into(),
            owner
                .and_then(|o| o.language.clone())
                .map_or(Dynamic::UNIT, Dynamic::from),
        );
        let file = Dynamic::from_map(file).into_shared();
        let service = owner.map(|o| o.name.as_str());
        let ids: Vec<&str> = matches
            .per_rule
            .iter()
            .map(|(ri, _)| prepared.rules.rules[*ri].info.id.as_str())
            .collect();
        eprintln!(
            "rules/{}: {} hooks ({})",
            s.grammar,
            ids.len(),
            ids.join(", ")
        );
        rules.throughput(Throughput::Elements(ids.len() as u64));
        rules.bench_function(s.grammar.name(), |b| {
            b.iter_batched(
                || matches.per_rule.clone(),
                |per_rule| {
                    let mut findings = 0;
                    for (ri, captures) in per_rule {
                        let out = call_hook(
                            &engine,
                            &prepared.rules.rules[ri],
                            "on_file",
                            (file.clone(), Dynamic::from_map(captures)),
                            &s.rel,
                            service,
                            &s.rel,
                        );
                        assert!(out.error.is_none(), "{:?}", out.error);
                        findings += out.findings.len() + out.facts.len();
                    }
                    findings
                },
                BatchSize::SmallInput,
            )
        });
    }
    rules.finish();

    let mut compile = c.benchmark_group("compile");
    compile.sample_size(10);
    compile.warm_up_time(Duration::from_secs(1));
    compile.measurement_time(Duration::from_secs(10));
    compile.bench_function("all-grammars", |b| {
        b.iter(|| PreparedRules::load(black_box(&options), &Config::default()).expect("rules"))
    });
    compile.finish();
}

criterion_group!(phase_benches, benches);
criterion_main!(phase_benches);
