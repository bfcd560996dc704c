//! Profile the built-in rule pack's tree-sitter queries one at a time over a tree.
//!
//! ```text
//! query-profile PATH [--top N] [--grammar NAME] [--rule ID]
//! query-profile PATH --try GRAMMAR FILE     the query in FILE alone, for rewriting one
//! query-profile PATH --rule ID --show        with each query's source (as interpolated)
//! query-profile PATH --repeat N              each query N times per file, the fastest kept
//! ```
//!
//! The scan runs, per grammar, one combined query of every rule's patterns; this tool compiles
//! each (grammar, rule, query name) alone and runs it with a `QueryCursor` (matches, text
//! predicates applied, as the scan iterates them) over the files a scan of PATH would parse:
//! source files of the grammar holding a keyword of a rule that runs without configuration.
//! Each file is parsed once; queries run one after the other on its tree, single-threaded.
//! Every query pays for walking the whole tree (measured with a query matching only the root:
//! `walk ms`), which the combined query pays once per file; a query's `own ms` is its time
//! alone minus that walk, about what it adds to the combined query.
//!
//! It prints the queries sorted by own time (grammar, rule, query name, own and alone ms,
//! matches, captures; `idle` marks rules whose `requires` leaves them idle in a plain scan
//! while their patterns still run in the combined query), then per grammar the files, parse
//! time, walk time, the combined query's time and the sum of its queries' own times.
//!
//! `cargo run --release -p apm-doctor-benches --bin query-profile -- /tmp/gen400 --top 30`

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use apm_doctor_engine::language::Grammar;
use apm_doctor_engine::rules::{
    grammar_queries, Limits, LoadOptions, QueryIndex, RuleSet, SandboxSpec,
};
use apm_doctor_engine::walk::{walk, WalkOptions};
use streaming_iterator::StreamingIterator;
use tree_sitter::{Parser, Query, QueryCursor, Tree};

const USAGE: &str = "usage: query-profile PATH [--top N] [--grammar NAME] [--rule ID] [--try GRAMMAR FILE] [--show] [--repeat N]";

struct Args {
    root: PathBuf,
    top: usize,
    grammar: Option<String>,
    rule: Option<String>,
    /// `--try`: a query text and its grammar, profiled instead of the pack's queries.
    tried: Option<(Grammar, String)>,
    /// Print each query's source under its row.
    show: bool,
    /// Runs per (file, query); the fastest counts (default 3: the machine may be busy).
    repeat: usize,
}

fn grammar_named(name: &str) -> Result<Grammar, String> {
    apm_doctor_engine::language::ALL_GRAMMARS
        .into_iter()
        .find(|g| g.name() == name)
        .ok_or_else(|| format!("unknown grammar `{name}`"))
}

fn parse_args(args: &[String]) -> Result<Args, String> {
    let mut root = None;
    let mut top = usize::MAX;
    let mut grammar = None;
    let mut rule = None;
    let mut tried = None;
    let mut show = false;
    let mut repeat = 3;
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        match arg.as_str() {
            "--top" => {
                let v = it.next().ok_or("--top needs a number")?;
                top = v
                    .parse()
                    .map_err(|_| format!("--top: not a number: `{v}`"))?;
            }
            "--grammar" => grammar = Some(it.next().ok_or("--grammar needs a name")?.clone()),
            "--rule" => rule = Some(it.next().ok_or("--rule needs an id")?.clone()),
            "--try" => {
                let g = grammar_named(it.next().ok_or("--try needs a grammar and a file")?)?;
                let file = it.next().ok_or("--try needs a grammar and a file")?;
                let text = std::fs::read_to_string(file)
                    .map_err(|e| format!("--try: cannot read `{file}`: {e}"))?;
                grammar = Some(g.name().to_string());
                tried = Some((g, text));
            }
            "--show" => show = true,
            "--repeat" => {
                let v = it.next().ok_or("--repeat needs a number")?;
                repeat = v
                    .parse::<usize>()
                    .map_err(|_| format!("--repeat: not a number: `{v}`"))?
                    .max(1);
            }
            "-h" | "--help" => return Err(String::new()),
            other if other.starts_with('-') => return Err(format!("unknown option `{other}`")),
            other if root.is_none() => root = Some(PathBuf::from(other)),
            other => return Err(format!("unexpected argument `{other}`")),
        }
    }
    Ok(Args {
        root: root.ok_or("give PATH")?,
        top,
        grammar,
        rule,
        tried,
        show,
        repeat,
    })
}

/// Totals of one rule query over all files.
#[derive(Default)]
struct Row {
    time: Duration,
    matches: usize,
    captures: usize,
}

/// One rule query of a grammar, compiled alone.
struct Single {
    /// Rule id (with ` (idle)`), or `(tried)`.
    rule: String,
    name: String,
    source: String,
    query: Query,
    row: Row,
}

/// Per grammar: what the scan would run, and totals.
struct GrammarRun {
    singles: Vec<Single>,
    combined: Option<Query>,
    /// A query matching only the root: the cost of walking the trees at all.
    base: Option<Query>,
    files: usize,
    parse: Duration,
    combined_time: Duration,
    base_time: Duration,
}

/// Run `query` over `tree` as the scan does; (matches, captures).
fn run_query(cursor: &mut QueryCursor, query: &Query, tree: &Tree, text: &str) -> (usize, usize) {
    let mut matches = 0;
    let mut captures = 0;
    let mut it = cursor.matches(query, tree.root_node(), text.as_bytes());
    while let Some(m) = it.next() {
        matches += 1;
        captures += m.captures().len();
    }
    (matches, captures)
}

/// The fastest of `repeat` runs of `query` over `tree`, with its (matches, captures).
fn time_query(
    cursor: &mut QueryCursor,
    query: &Query,
    tree: &Tree,
    text: &str,
    repeat: usize,
) -> (Duration, usize, usize) {
    let mut best = Duration::MAX;
    let mut counts = (0, 0);
    for _ in 0..repeat {
        let started = Instant::now();
        counts = run_query(cursor, query, tree, text);
        best = best.min(started.elapsed());
    }
    (best, counts.0, counts.1)
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn main() -> ExitCode {
    let raw: Vec<String> = std::env::args().skip(1).collect();
    let args = match parse_args(&raw) {
        Ok(a) => a,
        Err(e) => {
            if !e.is_empty() {
                eprintln!("query-profile: {e}");
            }
            eprintln!("{USAGE}");
            return ExitCode::from(2);
        }
    };
    let spec = match SandboxSpec::new(Limits::default(), Vec::new()) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("query-profile: {e}");
            return ExitCode::FAILURE;
        }
    };
    let set = RuleSet::load(&LoadOptions::default(), &spec);
    for e in &set.errors {
        eprintln!("query-profile: {}: {}", e.file, e.message);
    }
    let rules = &set.rules;
    let (index, errors) = QueryIndex::build_all(rules);
    for e in &errors {
        eprintln!("query-profile: {}", e.message);
    }
    // Rules a plain scan leaves idle (no `[critical]` operations, no `--base`).
    let idle: Vec<usize> = (0..rules.len())
        .filter(|&i| !rules[i].requires.is_empty())
        .collect();

    let walked = match walk(&args.root, &WalkOptions::default()) {
        Ok(w) => w,
        Err(e) => {
            eprintln!("query-profile: {e}");
            return ExitCode::FAILURE;
        }
    };
    let mut runs: BTreeMap<Grammar, GrammarRun> = BTreeMap::new();
    let mut parsers: BTreeMap<Grammar, Parser> = BTreeMap::new();
    let mut cursor = QueryCursor::new();
    for entry in &walked.files {
        if apm_doctor_engine::facts::classify(&entry.rel).is_some() {
            continue;
        }
        let Some(grammar) = Grammar::from_path(&entry.rel) else {
            continue;
        };
        if args.grammar.as_deref().is_some_and(|g| g != grammar.name()) {
            continue;
        }
        let Ok(bytes) = std::fs::read(&entry.abs) else {
            continue;
        };
        let text = String::from_utf8_lossy(&bytes);
        let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
        let mut active = index.active_rules(grammar, text.as_bytes());
        active.retain(|ri| !idle.contains(ri));
        if active.is_empty() {
            continue;
        }
        let run = runs.entry(grammar).or_insert_with(|| {
            let language = grammar.language();
            let segments = grammar_queries(rules, grammar);
            let mut combined_text = String::new();
            let mut singles = Vec::new();
            for (ri, name, source) in segments {
                combined_text.push_str(source);
                combined_text.push('\n');
                if args.tried.is_some()
                    || args.rule.as_deref().is_some_and(|r| r != rules[ri].info.id)
                {
                    continue;
                }
                let id = &rules[ri].info.id;
                match Query::new(&language, source) {
                    Ok(query) => singles.push(Single {
                        rule: if idle.contains(&ri) {
                            format!("{id} (idle)")
                        } else {
                            id.clone()
                        },
                        name: name.to_string(),
                        source: source.to_string(),
                        query,
                        row: Row::default(),
                    }),
                    Err(e) => eprintln!("query-profile: {id} `{name}` for {grammar}: {e}"),
                }
            }
            if let Some((_, text)) = &args.tried {
                match Query::new(&language, text) {
                    Ok(query) => singles.push(Single {
                        rule: "(tried)".into(),
                        name: "-".into(),
                        source: text.clone(),
                        query,
                        row: Row::default(),
                    }),
                    Err(e) => eprintln!("query-profile: the tried query: {e}"),
                }
            }
            GrammarRun {
                singles,
                combined: Query::new(&language, &combined_text).ok(),
                base: None,
                files: 0,
                parse: Duration::ZERO,
                combined_time: Duration::ZERO,
                base_time: Duration::ZERO,
            }
        });
        let parser = parsers.entry(grammar).or_insert_with(|| {
            let mut p = Parser::new();
            p.set_language(&grammar.language())
                .expect("the engine's grammars load");
            p
        });
        let started = Instant::now();
        let Some(tree) = parser.parse(text, None) else {
            continue;
        };
        run.parse += started.elapsed();
        run.files += 1;
        if run.base.is_none() {
            let root = format!("({}) @root", tree.root_node().kind());
            run.base = Query::new(&grammar.language(), &root).ok();
        }
        if let Some(q) = &run.base {
            run.base_time += time_query(&mut cursor, q, &tree, text, args.repeat).0;
        }
        if let Some(q) = &run.combined {
            run.combined_time += time_query(&mut cursor, q, &tree, text, args.repeat).0;
        }
        for single in &mut run.singles {
            let (t, m, c) = time_query(&mut cursor, &single.query, &tree, text, args.repeat);
            single.row.time += t;
            single.row.matches += m;
            single.row.captures += c;
        }
    }

    // A query's own cost: its time alone minus the walk every query pays (and the scan pays
    // once per file for the combined query).
    let own = |g: &Grammar, s: &Single| s.row.time.saturating_sub(runs[g].base_time);
    let mut rows: Vec<(Grammar, &Single)> = runs
        .iter()
        .flat_map(|(g, r)| r.singles.iter().map(move |s| (*g, s)))
        .collect();
    rows.sort_by_key(|(g, s)| std::cmp::Reverse(own(g, s)));
    println!(
        "{:<11} {:<30} {:<22} {:>9} {:>9} {:>9} {:>10}",
        "grammar", "rule", "query", "own ms", "alone ms", "matches", "captures"
    );
    for (g, s) in rows.iter().take(args.top) {
        println!(
            "{:<11} {:<30} {:<22} {:>9.1} {:>9.1} {:>9} {:>10}",
            g.name(),
            s.rule,
            s.name,
            ms(own(g, s)),
            ms(s.row.time),
            s.row.matches,
            s.row.captures
        );
        if args.show {
            println!("{}\n", s.source.trim());
        }
    }
    let total: Duration = rows.iter().map(|(g, s)| own(g, s)).sum();
    println!(
        "{} queries, {:.1} ms own time in all",
        rows.len(),
        ms(total)
    );
    println!();
    println!(
        "{:<11} {:>6} {:>9} {:>8} {:>12} {:>10}",
        "grammar", "files", "parse ms", "walk ms", "combined ms", "sum own ms"
    );
    let mut sums = [Duration::ZERO; 4];
    for (g, r) in &runs {
        let sum: Duration = r.singles.iter().map(|s| own(g, s)).sum();
        println!(
            "{:<11} {:>6} {:>9.1} {:>8.1} {:>12.1} {:>10.1}",
            g.name(),
            r.files,
            ms(r.parse),
            ms(r.base_time),
            ms(r.combined_time),
            ms(sum)
        );
        for (t, d) in sums
            .iter_mut()
            .zip([r.parse, r.base_time, r.combined_time, sum])
        {
            *t += d;
        }
    }
    println!(
        "{:<11} {:>6} {:>9.1} {:>8.1} {:>12.1} {:>10.1}",
        "all",
        runs.values().map(|r| r.files).sum::<usize>(),
        ms(sums[0]),
        ms(sums[1]),
        ms(sums[2]),
        ms(sums[3])
    );
    ExitCode::SUCCESS
}
