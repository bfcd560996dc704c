//! A small YAML tree with line numbers, built from `yaml_rust2`'s event parser.
//!
//! The events are pulled with [`Parser::next_token`] in a loop and assembled on an explicit
//! stack (the library's own `load` recurses per nesting level), so deep nesting cannot
//! overflow the stack: documents nested deeper than [`MAX_DEPTH`] are rejected with an error.
//! Aliases are resolved by copying the anchored node, within a total node budget so that
//! "billion laughs" documents are rejected too. Merge keys (`<<: *base`) are applied.
//! The same tree is used for JSON files (see `json.rs`).

use std::collections::HashMap;

use yaml_rust2::parser::{Event, Parser};
use yaml_rust2::scanner::{Marker, TScalarStyle};

use crate::model::ParseError;

/// Maximum nesting depth of sequences and mappings.
pub(crate) const MAX_DEPTH: usize = 200;
/// Maximum number of nodes in one stream, counting alias copies.
const MAX_NODES: usize = 2_000_000;

/// A YAML (or JSON) value.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum YamlValue {
    /// A null: plain `~`, `null` or nothing.
    Null,
    /// Any other scalar, as text (numbers and booleans as written).
    Scalar(String),
    /// A sequence.
    Seq(Vec<YamlNode>),
    /// A mapping, in document order.
    Map(Vec<MapEntry>),
}

/// One key/value pair of a mapping.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct MapEntry {
    /// The key (scalar text; complex keys become `""`).
    pub key: String,
    /// 1-based line of the key.
    pub key_line: usize,
    /// The value.
    pub value: YamlNode,
}

/// A value with the 1-based line it starts on.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct YamlNode {
    /// The value.
    pub value: YamlValue,
    /// 1-based line.
    pub line: usize,
}

impl YamlNode {
    /// The value under `key` when this is a mapping.
    pub fn get(&self, key: &str) -> Option<&YamlNode> {
        self.entry(key).map(|e| &e.value)
    }

    /// The entry for `key` when this is a mapping.
    pub fn entry(&self, key: &str) -> Option<&MapEntry> {
        match &self.value {
            YamlValue::Map(entries) => entries.iter().find(|e| e.key == key),
            _ => None,
        }
    }

    /// Follow a path of keys.
    pub fn path(&self, keys: &[&str]) -> Option<&YamlNode> {
        keys.iter().try_fold(self, |node, k| node.get(k))
    }

    /// The scalar text, if this is a non-null scalar.
    pub fn as_str(&self) -> Option<&str> {
        match &self.value {
            YamlValue::Scalar(s) => Some(s),
            _ => None,
        }
    }

    /// The string under `key`, if it is a non-null scalar.
    pub fn str_at(&self, key: &str) -> Option<&str> {
        self.get(key).and_then(YamlNode::as_str)
    }

    /// The items when this is a sequence (empty otherwise).
    pub fn items(&self) -> &[YamlNode] {
        match &self.value {
            YamlValue::Seq(items) => items,
            _ => &[],
        }
    }

    /// The entries when this is a mapping (empty otherwise).
    pub fn entries(&self) -> &[MapEntry] {
        match &self.value {
            YamlValue::Map(entries) => entries,
            _ => &[],
        }
    }

    /// Whether this is a null.
    #[cfg(test)]
    pub fn is_null(&self) -> bool {
        matches!(self.value, YamlValue::Null)
    }

    /// Number of nodes in this subtree.
    fn size(&self) -> usize {
        1 + match &self.value {
            YamlValue::Seq(items) => items.iter().map(YamlNode::size).sum(),
            YamlValue::Map(entries) => entries.iter().map(|e| e.value.size()).sum(),
            _ => 0,
        }
    }
}

/// A collection being assembled.
enum Frame {
    Seq {
        items: Vec<YamlNode>,
        line: usize,
        anchor: usize,
    },
    Map {
        entries: Vec<MapEntry>,
        pending_key: Option<(String, usize)>,
        line: usize,
        anchor: usize,
    },
}

/// Tree builder state.
struct Builder {
    stack: Vec<Frame>,
    anchors: HashMap<usize, (YamlNode, usize)>,
    nodes: usize,
    root: Option<YamlNode>,
}

impl Builder {
    /// Attach a finished node to its parent (or make it the document root).
    fn insert(&mut self, node: YamlNode) {
        match self.stack.last_mut() {
            None => self.root = Some(node),
            Some(Frame::Seq { items, .. }) => items.push(node),
            Some(Frame::Map {
                entries,
                pending_key,
                ..
            }) => match pending_key.take() {
                None => {
                    let key = match &node.value {
                        YamlValue::Scalar(s) => s.clone(),
                        YamlValue::Null => "null".to_string(),
                        _ => String::new(),
                    };
                    *pending_key = Some((key, node.line));
                }
                Some((key, key_line)) => entries.push(MapEntry {
                    key,
                    key_line,
                    value: node,
                }),
            },
        }
    }

    /// Remember an anchored node for later aliases.
    fn register(&mut self, anchor: usize, node: &YamlNode) {
        if anchor > 0 {
            let size = node.size();
            self.anchors.insert(anchor, (node.clone(), size));
        }
    }

    /// Count `n` more nodes against the budget.
    fn spend(&mut self, n: usize, mark: Marker) -> Result<(), (Marker, String)> {
        self.nodes = self.nodes.saturating_add(n);
        if self.nodes > MAX_NODES {
            return Err((
                mark,
                "document too large (too many nodes or aliases)".into(),
            ));
        }
        Ok(())
    }
}

/// Apply merge keys (`<<`) of a finished mapping: explicit keys win over merged ones.
fn apply_merges(entries: Vec<MapEntry>) -> Vec<MapEntry> {
    if !entries.iter().any(|e| e.key == "<<") {
        return entries;
    }
    let (merges, mut out): (Vec<MapEntry>, Vec<MapEntry>) =
        entries.into_iter().partition(|e| e.key == "<<");
    for merge in merges {
        let sources: Vec<&YamlNode> = match &merge.value.value {
            YamlValue::Map(_) => vec![&merge.value],
            YamlValue::Seq(items) => items.iter().collect(),
            _ => Vec::new(),
        };
        for source in sources {
            for entry in source.entries() {
                if !out.iter().any(|e| e.key == entry.key) {
                    out.push(entry.clone());
                }
            }
        }
    }
    out
}

/// Is a plain scalar a YAML null?
fn is_null_scalar(text: &str, style: TScalarStyle) -> bool {
    style == TScalarStyle::Plain && matches!(text, "" | "~" | "null" | "Null" | "NULL")
}

/// Parse a (multi-document) YAML stream into one node per document.
///
/// # Errors
/// A [`ParseError`] at the scanner's position for malformed YAML, and for documents nested
/// deeper than [`MAX_DEPTH`] or expanding to too many nodes.
pub(crate) fn parse_documents(file: &str, text: &str) -> Result<Vec<YamlNode>, ParseError> {
    parse_inner(text).map_err(|(mark, message)| {
        ParseError::new(
            file,
            mark.line(),
            mark.col() + 1,
            format!("YAML: {message}"),
        )
    })
}

/// [`parse_documents`] with the raw marker for errors.
fn parse_inner(text: &str) -> Result<Vec<YamlNode>, (Marker, String)> {
    let mut parser = Parser::new_from_str(text);
    let mut docs = Vec::new();
    let mut b = Builder {
        stack: Vec::new(),
        anchors: HashMap::new(),
        nodes: 0,
        root: None,
    };
    loop {
        let (event, mark) = parser
            .next_token()
            .map_err(|e| (*e.marker(), e.info().to_string()))?;
        let line = mark.line().max(1);
        match event {
            Event::StreamEnd => break,
            Event::Nothing | Event::StreamStart => {}
            Event::DocumentStart => {
                b.stack.clear();
                b.root = None;
            }
            Event::DocumentEnd => {
                b.stack.clear();
                if let Some(root) = b.root.take() {
                    docs.push(root);
                }
            }
            Event::Alias(id) => {
                let node = match b.anchors.get(&id) {
                    Some((node, size)) => {
                        let (node, size) = (node.clone(), *size);
                        b.spend(size, mark)?;
                        YamlNode { line, ..node }
                    }
                    None => YamlNode {
                        value: YamlValue::Null,
                        line,
                    },
                };
                b.insert(node);
            }
            Event::Scalar(text, style, anchor, _tag) => {
                b.spend(1, mark)?;
                let value = if is_null_scalar(&text, style) {
                    YamlValue::Null
                } else {
                    YamlValue::Scalar(text)
                };
                let node = YamlNode { value, line };
                b.register(anchor, &node);
                b.insert(node);
            }
            Event::SequenceStart(anchor, _) | Event::MappingStart(anchor, _) => {
                b.spend(1, mark)?;
                if b.stack.len() >= MAX_DEPTH {
                    return Err((mark, format!("nesting deeper than {MAX_DEPTH} levels")));
                }
                let frame = if matches!(event, Event::SequenceStart(..)) {
                    Frame::Seq {
                        items: Vec::new(),
                        line,
                        anchor,
                    }
                } else {
                    Frame::Map {
                        entries: Vec::new(),
                        pending_key: None,
                        line,
                        anchor,
                    }
                };
                b.stack.push(frame);
            }
            Event::SequenceEnd | Event::MappingEnd => {
                let (node, anchor) = match b.stack.pop() {
                    Some(Frame::Seq {
                        items,
                        line,
                        anchor,
                    }) => (
                        YamlNode {
                            value: YamlValue::Seq(items),
                            line,
                        },
                        anchor,
                    ),
                    Some(Frame::Map {
                        entries,
                        line,
                        anchor,
                        ..
                    }) => (
                        YamlNode {
                            value: YamlValue::Map(apply_merges(entries)),
                            line,
                        },
                        anchor,
                    ),
                    None => continue,
                };
                b.register(anchor, &node);
                b.insert(node);
            }
        }
    }
    Ok(docs)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_are_one_based() {
        let text = "a: 1\nb:\n  - x\n  - y: 2\n    z: 3\n---\nc: [1, 2]\n";
        let docs = parse_documents("f.yml", text).unwrap();
        assert_eq!(docs.len(), 2);
        let d = &docs[0];
        assert_eq!(d.entry("a").unwrap().key_line, 1);
        assert_eq!(d.str_at("a"), Some("1"));
        let b = d.get("b").unwrap();
        assert_eq!(b.items()[0].line, 3);
        assert_eq!(b.items()[1].line, 4);
        assert_eq!(b.items()[1].entry("z").unwrap().key_line, 5);
        assert_eq!(docs[1].entry("c").unwrap().key_line, 7);
        assert_eq!(docs[1].line, 7);
    }

    #[test]
    fn nulls_anchors_and_merges() {
        let text =
            "base: &b\n  x: 1\n  y: 2\nsvc:\n  <<: *b\n  y: 3\nn:\nq: ''\nal: *b\nmissing: *nope\n";
        // An undefined alias is a scanner error in yaml_rust2; test the defined ones first.
        assert!(parse_documents("f", text).is_err());
        let text = "base: &b\n  x: 1\n  y: 2\nsvc:\n  <<: *b\n  y: 3\nn:\nq: ''\nal: *b\n";
        let d = &parse_documents("f", text).unwrap()[0];
        let svc = d.get("svc").unwrap();
        assert_eq!(svc.str_at("x"), Some("1"));
        assert_eq!(svc.str_at("y"), Some("3"));
        assert!(d.get("n").unwrap().is_null());
        assert_eq!(d.str_at("q"), Some(""));
        assert_eq!(d.path(&["al", "y"]).and_then(YamlNode::as_str), Some("2"));
    }

    #[test]
    fn errors_have_positions() {
        let err = parse_documents("f.yml", "a: 1\nb: [1, 2\n").unwrap_err();
        assert_eq!(err.file, "f.yml");
        assert!(err.line >= 2, "{err}");
        let err = parse_documents("f.yml", "a: b: c\n").unwrap_err();
        assert_eq!(err.line, 1, "{err}");
    }

    #[test]
    fn deep_nesting_is_rejected() {
        let flow = "[".repeat(100_000);
        assert!(parse_documents("f", &flow).is_err());
        let mut block = String::new();
        for i in 0..1000 {
            block.push_str(&" ".repeat(i));
            block.push_str("k:\n");
        }
        assert!(parse_documents("f", &block).is_err());
        let mut seq = String::new();
        for i in 0..1000 {
            seq.push_str(&" ".repeat(i * 2));
            seq.push_str("-\n");
        }
        let _ = parse_documents("f", &seq);
    }

    #[test]
    fn billion_laughs_is_bounded() {
        let mut text = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 1..12 {
            let prev = i - 1;
            text.push_str(&format!(
                "a{i}: &a{i} [*a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}]\n"
            ));
        }
        assert!(parse_documents("f", &text).is_err());
    }
}
