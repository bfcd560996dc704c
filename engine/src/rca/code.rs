//! Source lookups the root-cause analysis needs, done natively on the few files involved:
//! the function around a line (name, extent, the calls it makes) and where a span operation
//! name is written in a service's code.

use std::path::Path;

use serde::Serialize;
use tree_sitter::{Node, Parser};

use crate::language::Grammar;

/// Largest source file the analysis reads (larger files are skipped).
const MAX_SOURCE_BYTES: u64 = 4 * 1024 * 1024;
/// Most calls listed for one function.
const MAX_CALLS: usize = 64;

/// A call made inside a function.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CallSite {
    /// The callee as written, on one line (`scorer.score`, `db.QueryContext`).
    pub callee: String,
    /// 1-based line of the call.
    pub line: usize,
}

/// The function (method, handler closure) enclosing a line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FunctionSite {
    /// Name (`AssessmentController.assess`, `handleRates`, or `anonymous function`).
    pub name: String,
    /// File, relative to the scan root.
    pub file: String,
    /// 1-based first line.
    pub start_line: usize,
    /// 1-based last line.
    pub end_line: usize,
    /// Calls made in its body, in source order.
    pub calls: Vec<CallSite>,
}

/// Node kinds that are functions, per grammar.
fn function_kinds(grammar: Grammar) -> &'static [&'static str] {
    match grammar {
        Grammar::Python => &["function_definition"],
        Grammar::Go => &["function_declaration", "method_declaration", "func_literal"],
        Grammar::Java => &[
            "method_declaration",
            "constructor_declaration",
            "lambda_expression",
        ],
        Grammar::JavaScript | Grammar::TypeScript | Grammar::Tsx => &[
            "function_declaration",
            "method_definition",
            "arrow_function",
            "function_expression",
            "function",
            "generator_function_declaration",
        ],
        Grammar::Ruby => &["method", "singleton_method", "do_block", "block"],
        Grammar::CSharp => &[
            "method_declaration",
            "local_function_statement",
            "lambda_expression",
            "constructor_declaration",
        ],
        Grammar::Php => &[
            "function_definition",
            "method_declaration",
            "anonymous_function",
            "anonymous_function_creation_expression",
            "arrow_function",
        ],
        Grammar::Cpp => &["function_definition", "lambda_expression"],
    }
}

/// Node kinds that are calls, per grammar.
fn call_kinds(grammar: Grammar) -> &'static [&'static str] {
    match grammar {
        Grammar::Python => &["call"],
        Grammar::Go | Grammar::Cpp => &["call_expression"],
        Grammar::Java => &["method_invocation", "object_creation_expression"],
        Grammar::JavaScript | Grammar::TypeScript | Grammar::Tsx => {
            &["call_expression", "new_expression"]
        }
        Grammar::Ruby => &["call"],
        Grammar::CSharp => &["invocation_expression", "object_creation_expression"],
        Grammar::Php => &[
            "function_call_expression",
            "member_call_expression",
            "scoped_call_expression",
        ],
    }
}

/// Node kinds that name a type around a method, per grammar.
fn type_kinds(grammar: Grammar) -> &'static [&'static str] {
    match grammar {
        Grammar::Python => &["class_definition"],
        Grammar::Java => &[
            "class_declaration",
            "interface_declaration",
            "enum_declaration",
        ],
        Grammar::JavaScript | Grammar::TypeScript | Grammar::Tsx => &["class_declaration"],
        Grammar::Ruby => &["class", "module"],
        Grammar::CSharp => &[
            "class_declaration",
            "struct_declaration",
            "record_declaration",
        ],
        Grammar::Php => &["class_declaration"],
        Grammar::Cpp => &["class_specifier", "struct_specifier"],
        Grammar::Go => &[],
    }
}

fn text_of<'a>(node: Node, source: &'a str) -> &'a str {
    source.get(node.byte_range()).unwrap_or("")
}

/// First line of a node's text, trimmed to `max` characters.
fn one_line(text: &str, max: usize) -> String {
    let line = text.lines().next().unwrap_or("").trim();
    if line.chars().count() > max {
        let cut: String = line.chars().take(max).collect();
        format!("{cut}…")
    } else {
        line.to_string()
    }
}

/// The innermost declarator name of a C++ function definition.
fn cpp_declarator_name(node: Node, source: &str) -> Option<String> {
    let mut current = node.child_by_field_name("declarator")?;
    for _ in 0..8 {
        match current.kind() {
            "identifier"
            | "field_identifier"
            | "qualified_identifier"
            | "destructor_name"
            | "operator_name" => return Some(text_of(current, source).to_string()),
            _ => current = current.child_by_field_name("declarator")?,
        }
    }
    None
}

/// Name of a function node: its own name, the variable or key it is assigned to, or the
/// route registration it is passed to (`GET /x handler`).
fn function_name(node: Node, grammar: Grammar, source: &str) -> String {
    if grammar == Grammar::Cpp && node.kind() == "function_definition" {
        if let Some(n) = cpp_declarator_name(node, source) {
            return n;
        }
    }
    if let Some(name) = node.child_by_field_name("name") {
        return text_of(name, source).to_string();
    }
    // Anonymous: look at what it is bound to.
    if let Some(parent) = node.parent() {
        match parent.kind() {
            "variable_declarator"
            | "pair"
            | "assignment_expression"
            | "short_var_declaration"
            | "assignment" => {
                let key = parent
                    .child_by_field_name("name")
                    .or_else(|| parent.child_by_field_name("key"))
                    .or_else(|| parent.child_by_field_name("left"));
                if let Some(k) = key {
                    return one_line(text_of(k, source), 60);
                }
            }
            _ => {}
        }
        // A closure passed to a call (`app.get('/x', (req, res) => ...)`, `get '/x' do`).
        let mut call = Some(parent);
        for _ in 0..3 {
            let Some(c) = call else { break };
            if call_kinds(grammar).contains(&c.kind()) {
                let callee = c
                    .child_by_field_name("function")
                    .or_else(|| c.child_by_field_name("method"))
                    .or_else(|| c.child_by_field_name("name"));
                if let Some(f) = callee {
                    return format!("closure passed to {}", one_line(text_of(f, source), 60));
                }
            }
            call = c.parent();
        }
    }
    "anonymous function".to_string()
}

/// Qualify a method name with its enclosing type (`AssessmentController.assess`); Go methods
/// with their receiver type.
fn qualified_name(node: Node, grammar: Grammar, source: &str) -> String {
    let name = function_name(node, grammar, source);
    if grammar == Grammar::Go && node.kind() == "method_declaration" {
        if let Some(recv) = node.child_by_field_name("receiver") {
            let t = text_of(recv, source);
            let ty = t
                .trim_matches(|c| c == '(' || c == ')')
                .split_whitespace()
                .last()
                .unwrap_or("")
                .trim_start_matches('*');
            if !ty.is_empty() {
                return format!("{ty}.{name}");
            }
        }
        return name;
    }
    let mut up = node.parent();
    while let Some(p) = up {
        if type_kinds(grammar).contains(&p.kind()) {
            if let Some(n) = p.child_by_field_name("name") {
                return format!("{}.{name}", text_of(n, source));
            }
        }
        up = p.parent();
    }
    name
}

fn collect_calls(node: Node, grammar: Grammar, source: &str, out: &mut Vec<CallSite>) {
    let mut cursor = node.walk();
    let mut stack = vec![node];
    while let Some(n) = stack.pop() {
        if out.len() >= MAX_CALLS {
            return;
        }
        if call_kinds(grammar).contains(&n.kind()) {
            let callee = match grammar {
                Grammar::Java => {
                    let object = n
                        .child_by_field_name("object")
                        .map(|o| format!("{}.", text_of(o, source)))
                        .unwrap_or_default();
                    n.child_by_field_name("name")
                        .or_else(|| n.child_by_field_name("type"))
                        .map(|m| format!("{object}{}", text_of(m, source)))
                }
                Grammar::Ruby => {
                    let recv = n
                        .child_by_field_name("receiver")
                        .map(|o| format!("{}.", text_of(o, source)))
                        .unwrap_or_default();
                    n.child_by_field_name("method")
                        .map(|m| format!("{recv}{}", text_of(m, source)))
                }
                Grammar::Php => {
                    let object = n
                        .child_by_field_name("object")
                        .or_else(|| n.child_by_field_name("scope"))
                        .map(|o| format!("{}->", text_of(o, source)))
                        .unwrap_or_default();
                    n.child_by_field_name("name")
                        .or_else(|| n.child_by_field_name("function"))
                        .map(|m| format!("{object}{}", text_of(m, source)))
                }
                _ => n
                    .child_by_field_name("function")
                    .or_else(|| n.child_by_field_name("constructor"))
                    .or_else(|| n.child_by_field_name("type"))
                    .map(|f| text_of(f, source).to_string()),
            };
            if let Some(c) = callee {
                out.push(CallSite {
                    callee: one_line(&c, 80),
                    line: n.start_position().row + 1,
                });
            }
        }
        // Children in reverse so the stack pops them in source order.
        let children: Vec<Node> = n.children(&mut cursor).collect();
        stack.extend(children.into_iter().rev());
    }
}

/// Read a source file under `root` if it is a reasonable size.
fn read_source(root: &Path, file: &str) -> Option<String> {
    let path = root.join(file);
    let meta = std::fs::metadata(&path).ok()?;
    if meta.len() > MAX_SOURCE_BYTES {
        return None;
    }
    std::fs::read_to_string(path).ok()
}

/// The innermost function around 1-based `line` of `file` (relative to `root`), with the
/// calls it makes. `None` when the file cannot be read or parsed, or the line is outside
/// every function.
pub fn function_at(root: &Path, file: &str, line: usize) -> Option<FunctionSite> {
    ParsedSource::read(root, file)?.function_at(file, line)
}

/// [`function_at`] on source text already read.
pub fn function_in_source(
    source: &str,
    grammar: Grammar,
    file: &str,
    line: usize,
) -> Option<FunctionSite> {
    ParsedSource::parse(source.to_string(), grammar)?.function_at(file, line)
}

/// A source file parsed once, for looking up the functions around several lines.
pub struct ParsedSource {
    source: String,
    grammar: Grammar,
    tree: tree_sitter::Tree,
}

impl ParsedSource {
    /// Parse `source` with `grammar`.
    pub fn parse(source: String, grammar: Grammar) -> Option<ParsedSource> {
        let mut parser = Parser::new();
        parser.set_language(&grammar.language()).ok()?;
        let tree = parser.parse(&source, None)?;
        Some(ParsedSource {
            source,
            grammar,
            tree,
        })
    }

    /// Read and parse `file` under `root` (`None` when it cannot be read or has no grammar).
    pub fn read(root: &Path, file: &str) -> Option<ParsedSource> {
        let grammar = Grammar::from_path(file)?;
        ParsedSource::parse(read_source(root, file)?, grammar)
    }

    /// The innermost function around 1-based `line` (see [`function_at`]).
    pub fn function_at(&self, file: &str, line: usize) -> Option<FunctionSite> {
        let (source, grammar, tree) = (self.source.as_str(), self.grammar, &self.tree);
        innermost_function(source, grammar, tree, file, line)
    }
}

fn innermost_function(
    source: &str,
    grammar: Grammar,
    tree: &tree_sitter::Tree,
    file: &str,
    line: usize,
) -> Option<FunctionSite> {
    let row = line.checked_sub(1)?;
    // The first non-blank column of the line, so the node found is on that line.
    let text_line = source.lines().nth(row)?;
    let column = text_line.len() - text_line.trim_start().len();
    let point = tree_sitter::Point { row, column };
    let mut node = tree.root_node().descendant_for_point_range(point, point)?;
    loop {
        // A decorated Python function: the decorators' line belongs to it.
        if node.kind() == "decorated_definition" {
            if let Some(def) = node.child_by_field_name("definition") {
                node = def;
            }
        }
        if function_kinds(grammar).contains(&node.kind()) {
            // Ruby blocks only count when passed to a route-like call; keep them as handlers.
            let mut calls = Vec::new();
            let body = node.child_by_field_name("body").unwrap_or(node);
            collect_calls(body, grammar, source, &mut calls);
            return Some(FunctionSite {
                name: qualified_name(node, grammar, source),
                file: file.to_string(),
                start_line: node.start_position().row + 1,
                end_line: node.end_position().row + 1,
                calls,
            });
        }
        node = node.parent()?;
    }
}

/// Where `literal` is written as a quoted string in the source files under `dir` (relative
/// to `root`): `(file, line)` pairs, relative to `root`, sorted. Used to find the code that
/// opens a span of a given operation name.
pub fn find_string_literal(root: &Path, dir: &str, literal: &str) -> Vec<(String, usize)> {
    let mut out = Vec::new();
    if literal.is_empty() {
        return out;
    }
    let quoted: Vec<String> = ['"', '\'', '`']
        .iter()
        .map(|q| format!("{q}{literal}{q}"))
        .collect();
    let base = if dir.is_empty() || dir == "." {
        root.to_path_buf()
    } else {
        root.join(dir)
    };
    for entry in walkdir::WalkDir::new(&base)
        .follow_links(false)
        .sort_by_file_name()
        .into_iter()
        .filter_map(Result::ok)
    {
        if !entry.file_type().is_file() {
            continue;
        }
        let Ok(rel) = entry.path().strip_prefix(root) else {
            continue;
        };
        let rel = rel.to_string_lossy().replace('\\', "/");
        if Grammar::from_path(&rel).is_none() {
            continue;
        }
        let Some(text) = read_source(root, &rel) else {
            continue;
        };
        if !quoted.iter().any(|q| text.contains(q.as_str())) {
            continue;
        }
        for (i, l) in text.lines().enumerate() {
            if quoted.iter().any(|q| l.contains(q.as_str())) {
                out.push((rel.clone(), i + 1));
            }
        }
    }
    out
}

/// Lines `from..=to` (1-based) of a file, for before/after snippets.
pub fn source_lines(root: &Path, file: &str, from: usize, to: usize) -> Option<Vec<String>> {
    let text = read_source(root, file)?;
    let lines: Vec<String> = text
        .lines()
        .skip(from.saturating_sub(1))
        .take(to.saturating_sub(from) + 1)
        .map(str::to_string)
        .collect();
    if lines.is_empty() {
        None
    } else {
        Some(lines)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn java_method_and_its_calls() {
        let src = r#"package x;
public class AssessmentController {
    public Assessment assess(Order order) {
        Span span = tracer.buildSpan("fraud.assess").start();
        try {
            double s = scorer.score(order);
            return new Assessment(s);
        } finally {
            span.finish();
        }
    }
}
"#;
        let f = function_in_source(src, Grammar::Java, "A.java", 6).expect("function");
        assert_eq!(f.name, "AssessmentController.assess");
        assert_eq!((f.start_line, f.end_line), (3, 11));
        let callees: Vec<&str> = f.calls.iter().map(|c| c.callee.as_str()).collect();
        assert!(callees.contains(&"scorer.score"), "{callees:?}");
        assert!(callees.contains(&"span.finish"), "{callees:?}");
        // Outside any method.
        assert!(function_in_source(src, Grammar::Java, "A.java", 1).is_none());
    }

    #[test]
    fn go_method_receiver_and_closure_names() {
        let src = "package main\n\nfunc (s *Server) Rates(c echo.Context) error {\n\treturn s.db.Query(c.Request().Context())\n}\n\nfunc main() {\n\te.GET(\"/x\", func(c echo.Context) error {\n\t\treturn nil\n\t})\n}\n";
        let f = function_in_source(src, Grammar::Go, "a.go", 4).expect("method");
        assert_eq!(f.name, "Server.Rates");
        assert_eq!(f.calls[0].callee, "s.db.Query");
        let c = function_in_source(src, Grammar::Go, "a.go", 9).expect("closure");
        assert_eq!(c.name, "closure passed to e.GET");
    }

    #[test]
    fn python_and_node_functions() {
        let py = "class Svc:\n    def charge(self, order):\n        return gateway.post(order)\n";
        let f = function_in_source(py, Grammar::Python, "a.py", 3).expect("py");
        assert_eq!(f.name, "Svc.charge");
        assert_eq!(f.calls[0].callee, "gateway.post");
        let decorated = "@app.post(\"/orders\")\ndef create_order():\n    return place_order()\n";
        let f = function_in_source(decorated, Grammar::Python, "a.py", 1).expect("decorated");
        assert_eq!(f.name, "create_order");
        assert_eq!(f.calls[0].callee, "place_order");
        let js = "const handler = async (req, res) => {\n  await db.query('x');\n};\n";
        let f = function_in_source(js, Grammar::JavaScript, "a.js", 2).expect("js");
        assert_eq!(f.name, "handler");
    }

    #[test]
    fn literal_search_finds_quoted_operation_names() {
        let dir = tempfile::tempdir().expect("tmp");
        std::fs::create_dir_all(dir.path().join("svc")).expect("mkdir");
        std::fs::write(
            dir.path().join("svc/a.py"),
            "x = 1\nwith tracer.trace(\"fraud.assess\"):\n    pass\n# fraud.assess unquoted\n",
        )
        .expect("write");
        let hits = find_string_literal(dir.path(), "svc", "fraud.assess");
        assert_eq!(hits, vec![("svc/a.py".to_string(), 2)]);
        assert!(find_string_literal(dir.path(), "svc", "nope").is_empty());
    }
}
