//! Rule queries compiled once per grammar into one combined tree-sitter query, plus the
//! keyword prefilter that decides whether a file needs parsing at all.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::OnceLock;

use rayon::prelude::*;

use aho_corasick::AhoCorasick;
use rhai::{Array, Dynamic, ImmutableString, Map};
use streaming_iterator::StreamingIterator;
use tree_sitter::{Node, Query, QueryCursor, Tree};

use super::Rule;
use crate::finding::Diagnostic;
use crate::language::{Grammar, ALL_GRAMMARS};

/// Longest capture text handed to a rule; longer texts are cut (on a char boundary).
const MAX_CAPTURE_TEXT: usize = 8 * 1024;
/// Most matches one query of a rule receives for one file.
pub const MAX_MATCHES_PER_QUERY: usize = 5_000;

/// Queries of all rules for one grammar.
struct GrammarQueries {
    grammar: Grammar,
    /// (rule index, query name, source) of every rule query, in order.
    segments: Vec<(usize, String, String)>,
    /// Rule index to (rule id, rule file), for diagnostics.
    owners: BTreeMap<usize, (String, String)>,
    /// The combined query, compiled at most once: when the index is built, or (a lazy
    /// index) when the first file needs it.
    compiled: OnceLock<Compiled>,
    /// Rules with queries for this grammar.
    rules: Vec<usize>,
    /// Keyword automaton and, per pattern id, the rule it belongs to.
    keywords: Option<(AhoCorasick, Vec<usize>)>,
    /// Rules with queries for this grammar but no keywords: always active.
    always: Vec<usize>,
}

/// A grammar's combined query and what compiling it reported.
struct Compiled {
    /// All rules' patterns, concatenated (`None` when nothing compiles).
    query: Option<Query>,
    /// For each pattern index: (rule index, query name).
    pattern_owner: Vec<(usize, String)>,
    /// Queries that do not compile, naming their rules.
    diagnostics: Vec<Diagnostic>,
}

/// Compiled queries for every grammar of a rule set.
#[derive(Default)]
pub struct QueryIndex {
    grammars: BTreeMap<Grammar, GrammarQueries>,
}

/// What a file's queries matched.
#[derive(Default)]
pub struct FileMatches {
    /// Per rule: (rule index, `matches` map for `on_file`).
    pub per_rule: Vec<(usize, Map)>,
    /// (rule index, query name) whose matches were cut at [`MAX_MATCHES_PER_QUERY`].
    pub truncated: Vec<(usize, String)>,
}

fn applies(rule: &Rule, grammar: Grammar) -> bool {
    rule.languages.is_empty() || rule.languages.iter().any(|l| l == grammar.family())
}

/// One rule query for one grammar: (rule index, query name, source).
type Segment<'a> = (usize, &'a str, &'a str);

/// The queries a grammar's combined query is built from, in order: for every rule with an
/// `on_file` hook that applies to the grammar, (rule index in `rules`, query name, source) of
/// its queries under the most specific key it declares (a `typescript` query replaces a `node`
/// one). For tools that look at one rule query at a time (`query-profile` in the benches).
pub fn grammar_queries(rules: &[Rule], grammar: Grammar) -> Vec<(usize, &str, &str)> {
    let mut segments = Vec::new();
    for (ri, rule) in rules.iter().enumerate() {
        if !rule.hooks.on_file || !applies(rule, grammar) {
            continue;
        }
        let Some(key) = grammar
            .query_keys()
            .into_iter()
            .find(|k| rule.queries.iter().any(|q| q.key == *k))
        else {
            continue;
        };
        for q in rule.queries.iter().filter(|q| q.key == key) {
            segments.push((ri, q.name.as_str(), q.source.as_str()));
        }
    }
    segments
}

fn query_error(
    (id, origin): &(String, String),
    name: &str,
    grammar: Grammar,
    e: &tree_sitter::QueryError,
) -> Diagnostic {
    Diagnostic {
        kind: "rule-error".into(),
        file: origin.clone(),
        line: 0,
        column: 0,
        message: format!(
            "rule `{}`: query `{name}` for {grammar} does not compile at its line {}, column {}: {:?} {}",
            id,
            e.row + 1,
            e.column + 1,
            e.kind,
            e.message
        ),
    }
}

/// Concatenate segments into one query and map each pattern back to its segment.
fn combine(
    language: &tree_sitter::Language,
    segments: &[Segment],
) -> Result<(Query, Vec<(usize, String)>), tree_sitter::QueryError> {
    let mut text = String::new();
    let mut starts = Vec::with_capacity(segments.len());
    for (_, _, source) in segments {
        starts.push(text.len());
        text.push_str(source);
        text.push('\n');
    }
    let query = Query::new(language, &text)?;
    let owners = (0..query.pattern_count())
        .map(|p| {
            let at = query.start_byte_for_pattern(p);
            let seg = starts.partition_point(|&s| s <= at).saturating_sub(1);
            let (ri, name, _) = segments[seg];
            (ri, name.to_string())
        })
        .collect();
    Ok((query, owners))
}

/// Compile a grammar's segments into one query; a query that does not compile is left out
/// (with a diagnostic naming its rule).
fn compile(g: &GrammarQueries) -> Compiled {
    let grammar = g.grammar;
    let language = grammar.language();
    let mut diagnostics = Vec::new();
    let mut segments: Vec<Segment> = g
        .segments
        .iter()
        .map(|(ri, name, source)| (*ri, name.as_str(), source.as_str()))
        .collect();
    let failed = |diagnostics| Compiled {
        query: None,
        pattern_owner: Vec::new(),
        diagnostics,
    };
    // Compile everything at once; only when that fails, find the broken rules one by one.
    let (query, pattern_owner) = match combine(&language, &segments) {
        Ok(c) => c,
        Err(_) => {
            let mut broken = Vec::new();
            for (ri, name, source) in &segments {
                if let Err(e) = Query::new(&language, source) {
                    if let Some(owner) = g.owners.get(ri) {
                        diagnostics.push(query_error(owner, name, grammar, &e));
                    }
                    broken.push(*ri);
                }
            }
            segments.retain(|(ri, _, _)| !broken.contains(ri));
            if segments.is_empty() {
                return failed(diagnostics);
            }
            match combine(&language, &segments) {
                Ok(c) => c,
                Err(e) => {
                    diagnostics.push(Diagnostic {
                        kind: "rule-error".into(),
                        file: String::new(),
                        line: 0,
                        column: 0,
                        message: format!("combined {grammar} queries do not compile: {e}"),
                    });
                    return failed(diagnostics);
                }
            }
        }
    };
    Compiled {
        query: Some(query),
        pattern_owner,
        diagnostics,
    }
}

/// A grammar's segments and keywords, not compiled yet.
fn prepare_grammar(rules: &[Rule], grammar: Grammar, idle: &[usize]) -> Option<GrammarQueries> {
    let segments: Vec<(usize, String, String)> = grammar_queries(rules, grammar)
        .into_iter()
        .filter(|(ri, _, _)| !idle.contains(ri))
        .map(|(ri, name, source)| (ri, name.to_string(), source.to_string()))
        .collect();
    if segments.is_empty() {
        return None;
    }
    let mut rule_ids: Vec<usize> = segments.iter().map(|(ri, _, _)| *ri).collect();
    rule_ids.dedup();
    let mut words = Vec::new();
    let mut owners = Vec::new();
    let mut always = Vec::new();
    for &ri in &rule_ids {
        let rule = &rules[ri];
        let kws: Vec<&String> = grammar
            .query_keys()
            .iter()
            .filter_map(|k| rule.keywords.get(*k))
            .flatten()
            .collect();
        if kws.is_empty() {
            always.push(ri);
        }
        for w in kws {
            words.push(w.clone());
            owners.push(ri);
        }
    }
    let keywords = if words.is_empty() {
        None
    } else {
        AhoCorasick::new(&words).ok().map(|ac| (ac, owners))
    };
    Some(GrammarQueries {
        grammar,
        owners: rule_ids
            .iter()
            .map(|&ri| (ri, (rules[ri].info.id.clone(), rules[ri].origin.clone())))
            .collect(),
        segments,
        compiled: OnceLock::new(),
        rules: rule_ids,
        keywords,
        always,
    })
}

impl QueryIndex {
    /// Compile the rules' queries for the given grammars (in parallel, each grammar's queries
    /// as one combined query). A query that does not compile disables that rule for the
    /// grammar and becomes a diagnostic naming the rule file.
    pub fn build(rules: &[Rule], grammars: &BTreeSet<Grammar>) -> (QueryIndex, Vec<Diagnostic>) {
        QueryIndex::build_without(rules, grammars, &[])
    }

    /// As [`QueryIndex::build`], leaving out the queries of the `idle` rules (rules that do
    /// not run in this scan: compiling and matching their patterns would be wasted).
    pub fn build_without(
        rules: &[Rule],
        grammars: &BTreeSet<Grammar>,
        idle: &[usize],
    ) -> (QueryIndex, Vec<Diagnostic>) {
        let index = QueryIndex::lazy(rules, grammars, idle);
        index.grammars.par_iter().for_each(|(g, _)| {
            index.compiled(*g);
        });
        // A grammar whose queries all fail is of no use: its files are not parsed.
        let mut diagnostics = Vec::new();
        let mut index = index;
        index.grammars.retain(|_, q| {
            let compiled = q.compiled.get();
            diagnostics.extend(compiled.iter().flat_map(|c| c.diagnostics.iter().cloned()));
            compiled.is_some_and(|c| c.query.is_some())
        });
        (index, diagnostics)
    }

    /// Prepare the grammars' keyword prefilters (leaving out the `idle` rules, as
    /// [`QueryIndex::build_without`]) without compiling any query: each grammar's
    /// combined query is compiled by the first [`QueryIndex::run`] that needs it (`--cache`
    /// runs, where most files need none). [`QueryIndex::diagnostics`] tells what compiling
    /// reported.
    pub fn lazy(rules: &[Rule], grammars: &BTreeSet<Grammar>, idle: &[usize]) -> QueryIndex {
        QueryIndex {
            grammars: grammars
                .iter()
                .filter_map(|g| prepare_grammar(rules, *g, idle).map(|q| (*g, q)))
                .collect(),
        }
    }

    fn compiled(&self, grammar: Grammar) -> Option<&Compiled> {
        let g = self.grammars.get(&grammar)?;
        Some(g.compiled.get_or_init(|| compile(g)))
    }

    /// Grammars with rule queries, and whether their combined query has been compiled.
    pub fn grammars(&self) -> impl Iterator<Item = (Grammar, bool)> + '_ {
        self.grammars
            .iter()
            .map(|(g, q)| (*g, q.compiled.get().is_some()))
    }

    /// What compiling `grammar`'s queries reported (compiling them now if need be).
    pub fn diagnostics(&self, grammar: Grammar) -> Vec<Diagnostic> {
        self.compiled(grammar)
            .map(|c| c.diagnostics.clone())
            .unwrap_or_default()
    }

    /// Compile queries for every grammar (used to validate a rule pack).
    pub fn build_all(rules: &[Rule]) -> (QueryIndex, Vec<Diagnostic>) {
        QueryIndex::build(rules, &ALL_GRAMMARS.into_iter().collect())
    }

    /// Rules that want this file: those without keywords, plus those whose keyword occurs.
    /// Empty means the file need not be parsed.
    pub fn active_rules(&self, grammar: Grammar, bytes: &[u8]) -> Vec<usize> {
        let Some(g) = self.grammars.get(&grammar) else {
            return Vec::new();
        };
        let mut active = g.always.clone();
        if let Some((ac, owners)) = &g.keywords {
            let mut seen = vec![false; owners.len()];
            for m in ac.find_overlapping_iter(bytes) {
                seen[m.pattern().as_usize()] = true;
            }
            for (i, hit) in seen.iter().enumerate() {
                if *hit && !active.contains(&owners[i]) {
                    active.push(owners[i]);
                }
            }
        }
        active.sort_unstable();
        active
    }

    /// True when some rule has queries for the grammar.
    pub fn has_grammar(&self, grammar: Grammar) -> bool {
        self.grammars
            .get(&grammar)
            .is_some_and(|g| !g.rules.is_empty())
    }

    /// Run the grammar's combined query once over `tree` and group captures per active rule.
    /// Every capture map carries `file` (the path given), so `finding(msg, capture)` works.
    pub fn run(
        &self,
        grammar: Grammar,
        tree: &Tree,
        text: &str,
        path: &str,
        active: &[usize],
    ) -> FileMatches {
        let path = Dynamic::from(ImmutableString::from(path));
        let Some(Compiled {
            query: Some(query),
            pattern_owner,
            ..
        }) = self.compiled(grammar)
        else {
            return FileMatches::default();
        };
        let mut per_rule: BTreeMap<usize, Map> = BTreeMap::new();
        let mut counts: BTreeMap<(usize, &str), usize> = BTreeMap::new();
        let mut truncated = Vec::new();
        let mut cursor = QueryCursor::new();
        let names = query.capture_names();
        let mut matches = cursor.matches(query, tree.root_node(), text.as_bytes());
        while let Some(m) = matches.next() {
            let Some((rule, qname)) = pattern_owner.get(m.pattern_index) else {
                continue;
            };
            if !active.contains(rule) {
                continue;
            }
            let count = counts.entry((*rule, qname.as_str())).or_default();
            if *count >= MAX_MATCHES_PER_QUERY {
                if *count == MAX_MATCHES_PER_QUERY {
                    truncated.push((*rule, qname.clone()));
                    *count += 1;
                }
                continue;
            }
            *count += 1;
            let entry = per_rule.entry(*rule).or_default();
            let mut captures = Map::new();
            let mut first_line = None;
            for c in m.captures() {
                let Some(name) = names.get(c.index as usize) else {
                    continue;
                };
                if captures.contains_key(*name) {
                    continue;
                }
                let mut node_map = node_to_map(c.node, text);
                node_map.insert("file".into(), path.clone());
                if first_line.is_none() {
                    first_line = Some(c.node.start_position().row + 1);
                }
                captures.insert((*name).into(), Dynamic::from_map(node_map));
            }
            captures.insert(
                "_line".into(),
                Dynamic::from_int(first_line.unwrap_or(1) as i64),
            );
            let list = entry
                .entry(qname.as_str().into())
                .or_insert_with(|| Dynamic::from_array(Array::new()));
            if let Some(mut arr) = list.write_lock::<Array>() {
                arr.push(Dynamic::from_map(captures));
            }
        }
        // Rules whose queries matched nothing are not called.
        FileMatches {
            per_rule: per_rule.into_iter().collect(),
            truncated,
        }
    }
}

/// A capture as rules see it: text, 1-based line/column, end position, node kind and the
/// kinds of its parent (for context checks without walking the tree in Rhai).
fn node_to_map(node: Node, text: &str) -> Map {
    let mut map = Map::new();
    let raw = text.get(node.byte_range()).unwrap_or("");
    let cut = if raw.len() > MAX_CAPTURE_TEXT {
        let mut end = MAX_CAPTURE_TEXT;
        while !raw.is_char_boundary(end) {
            end -= 1;
        }
        &raw[..end]
    } else {
        raw
    };
    let start = node.start_position();
    let end = node.end_position();
    map.insert("text".into(), Dynamic::from(ImmutableString::from(cut)));
    map.insert("line".into(), Dynamic::from_int(start.row as i64 + 1));
    map.insert("column".into(), Dynamic::from_int(start.column as i64 + 1));
    map.insert("end_line".into(), Dynamic::from_int(end.row as i64 + 1));
    map.insert(
        "start_byte".into(),
        Dynamic::from_int(node.start_byte() as i64),
    );
    map.insert("end_byte".into(), Dynamic::from_int(node.end_byte() as i64));
    map.insert(
        "kind".into(),
        Dynamic::from(ImmutableString::from(node.kind())),
    );
    map
}
