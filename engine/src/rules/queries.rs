//! Rule queries compiled once per grammar into one combined tree-sitter query, plus the
//! keyword prefilter that decides whether a file needs parsing at all.

use std::collections::BTreeMap;

use aho_corasick::AhoCorasick;
use rhai::{Array, Dynamic, ImmutableString, Map};
use streaming_iterator::StreamingIterator;
use tree_sitter::{Node, Query, QueryCursor, Tree};

use super::Rule;
use crate::finding::Diagnostic;
use crate::language::{Grammar, ALL_GRAMMARS};

/// Longest capture text handed to a rule; longer texts are cut (on a char boundary).
const MAX_CAPTURE_TEXT: usize = 8 * 1024;
/// Most matches one rule receives for one file.
const MAX_MATCHES_PER_RULE: usize = 5_000;

/// Queries of all rules for one grammar.
struct GrammarQueries {
    /// All rules' patterns, concatenated.
    query: Query,
    /// For each pattern index: (rule index, query name).
    pattern_owner: Vec<(usize, String)>,
    /// Rules with queries for this grammar.
    rules: Vec<usize>,
    /// Keyword automaton and, per pattern id, the rule it belongs to.
    keywords: Option<(AhoCorasick, Vec<usize>)>,
    /// Rules with queries for this grammar but no keywords: always active.
    always: Vec<usize>,
}

/// Compiled queries for every grammar of a rule set.
#[derive(Default)]
pub struct QueryIndex {
    grammars: BTreeMap<Grammar, GrammarQueries>,
}

/// What a file's queries matched, per rule: (rule index, `matches` map for `on_file`).
pub type FileMatches = Vec<(usize, Map)>;

fn applies(rule: &Rule, grammar: Grammar) -> bool {
    rule.languages.is_empty() || rule.languages.iter().any(|l| l == grammar.family())
}

impl QueryIndex {
    /// Compile every rule's queries. A query that does not compile disables that rule for the
    /// grammar and becomes a diagnostic naming the rule file.
    pub fn build(rules: &[Rule]) -> (QueryIndex, Vec<Diagnostic>) {
        let mut index = QueryIndex::default();
        let mut diagnostics = Vec::new();
        for grammar in ALL_GRAMMARS {
            let language = grammar.language();
            let mut combined = String::new();
            let mut pattern_owner = Vec::new();
            let mut rule_ids = Vec::new();
            for (ri, rule) in rules.iter().enumerate() {
                if !rule.hooks.on_file || !applies(rule, grammar) {
                    continue;
                }
                let keys = grammar.query_keys();
                // The most specific key wins: a `typescript` query replaces a `node` one.
                let Some(key) = keys
                    .iter()
                    .find(|k| rule.queries.iter().any(|q| q.key == **k))
                else {
                    continue;
                };
                let mut ok = true;
                let mut owned = Vec::new();
                let mut text = String::new();
                for q in rule.queries.iter().filter(|q| q.key == *key) {
                    match Query::new(&language, &q.source) {
                        Ok(single) => {
                            for _ in 0..single.pattern_count() {
                                owned.push((ri, q.name.clone()));
                            }
                            text.push_str(&q.source);
                            text.push('\n');
                        }
                        Err(e) => {
                            ok = false;
                            diagnostics.push(Diagnostic {
                                kind: "rule-error".into(),
                                file: rule.origin.clone(),
                                line: 0,
                                column: 0,
                                message: format!(
                                    "rule `{}`: query `{}` for {} does not compile at its line {}, column {}: {:?} {}",
                                    rule.info.id,
                                    q.name,
                                    grammar,
                                    e.row + 1,
                                    e.column + 1,
                                    e.kind,
                                    e.message
                                ),
                            });
                        }
                    }
                }
                if ok && !owned.is_empty() {
                    combined.push_str(&text);
                    pattern_owner.extend(owned);
                    rule_ids.push(ri);
                }
            }
            if rule_ids.is_empty() {
                continue;
            }
            let query = match Query::new(&language, &combined) {
                Ok(q) => q,
                Err(e) => {
                    diagnostics.push(Diagnostic {
                        kind: "rule-error".into(),
                        file: String::new(),
                        line: 0,
                        column: 0,
                        message: format!("combined {grammar} queries do not compile: {e}"),
                    });
                    continue;
                }
            };
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
            index.grammars.insert(
                grammar,
                GrammarQueries {
                    query,
                    pattern_owner,
                    rules: rule_ids,
                    keywords,
                    always,
                },
            );
        }
        (index, diagnostics)
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
        let Some(g) = self.grammars.get(&grammar) else {
            return Vec::new();
        };
        let mut per_rule: BTreeMap<usize, (Map, usize)> = BTreeMap::new();
        let mut cursor = QueryCursor::new();
        let names = g.query.capture_names();
        let mut matches = cursor.matches(&g.query, tree.root_node(), text.as_bytes());
        while let Some(m) = matches.next() {
            let Some((rule, qname)) = g.pattern_owner.get(m.pattern_index) else {
                continue;
            };
            if !active.contains(rule) {
                continue;
            }
            let entry = per_rule.entry(*rule).or_insert_with(|| (Map::new(), 0));
            if entry.1 >= MAX_MATCHES_PER_RULE {
                continue;
            }
            entry.1 += 1;
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
                .0
                .entry(qname.as_str().into())
                .or_insert_with(|| Dynamic::from_array(Array::new()));
            if let Some(mut arr) = list.write_lock::<Array>() {
                arr.push(Dynamic::from_map(captures));
            }
        }
        // Rules whose queries matched nothing are not called.
        per_rule
            .into_iter()
            .map(|(rule, (map, _))| (rule, map))
            .collect()
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
