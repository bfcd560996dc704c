//! Native text scanning for rules: splitting argument lists at top-level separators, string
//! literals, identifiers and call chains.
//!
//! Rules used to do this char by char in Rhai, which dominated their running time. Each
//! function here reproduces, for every input, what the Rhai helper it replaces returned: the
//! variants of those helpers (which quotes, escapes, comments, where the list starts and ends)
//! are explicit options, never unified. Lengths and positions are in chars, as in Rhai. All
//! functions run in one pass (or a bounded number of passes) over the text, without recursion.

use rhai::{Array, Dynamic, Engine, EvalAltResult, ImmutableString, Map, Position};

type RhaiResult<T> = Result<T, Box<EvalAltResult>>;

/// Where an argument list starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Open {
    /// At the first char.
    None,
    /// After the first `(` (everything before it is skipped).
    After,
    /// At the first char, which is skipped when it is `(`.
    Skip,
}

/// What a closing bracket at depth 0 does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Close {
    /// Nothing: the depth goes negative and scanning goes on.
    None,
    /// Any of `)`, `]`, `}` ends the list.
    Any,
    /// `)` ends the list; `]` and `}` make the depth negative.
    Paren,
}

/// Comments skipped outside quotes (their text is not part of any item).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Comments {
    /// None.
    None,
    /// `// ...` to the end of the line and `/* ... */`. A comment is recognised from the
    /// previous char, so the `/` that opened it is removed from the current item; after `*/`
    /// the closing `/` counts as a previous `/`.
    C,
    /// `# ...` to the end of the line.
    Hash,
}

/// How [`scan_args`] reads a list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArgScanOptions {
    /// Where the list starts.
    pub open: Open,
    /// What a closing bracket at depth 0 does.
    pub close: Close,
    /// The separator between items (at depth 0, outside quotes and comments).
    pub sep: char,
    /// Chars that open (and close) a quoted run; quoted text is kept in the item as is.
    pub quotes: Vec<char>,
    /// Quote chars in which a backslash escapes nothing (the others skip the char after `\`).
    pub raw: Vec<char>,
    /// Comments.
    pub comments: Comments,
    /// Items are trimmed.
    pub trim: bool,
    /// Items ended by a separator are kept even when blank (the last item never is).
    pub keep_empty: bool,
    /// Stop once this many items are read and a separator follows them.
    pub max: Option<i64>,
    /// Pushed after the items when `max` stopped the scan.
    pub more: Option<String>,
}

impl Default for ArgScanOptions {
    fn default() -> Self {
        ArgScanOptions {
            open: Open::None,
            close: Close::None,
            sep: ',',
            quotes: vec!['"'],
            raw: Vec::new(),
            comments: Comments::None,
            trim: true,
            keep_empty: true,
            max: None,
            more: None,
        }
    }
}

fn bad_option(key: &str, why: &str) -> Box<EvalAltResult> {
    Box::new(EvalAltResult::ErrorRuntime(
        Dynamic::from(format!("scan_args: option `{key}` {why}")),
        Position::NONE,
    ))
}

impl ArgScanOptions {
    /// Options from a Rhai map: `open` ("none", "after", "skip"), `close` ("none", "any",
    /// "paren"), `sep` (a char), `quotes` and `raw` (strings of chars), `comments` ("", "c",
    /// "#"), `trim` and `keep_empty` (bools), `max` (an int) and `more` (a string). Missing keys
    /// keep the [`Default`]; unknown keys and values are errors.
    pub fn from_map(map: &Map) -> RhaiResult<ArgScanOptions> {
        let mut o = ArgScanOptions::default();
        for (key, value) in map {
            let text = || {
                value
                    .clone()
                    .into_immutable_string()
                    .map_err(|_| bad_option(key, "must be a string"))
            };
            let flag = || {
                value
                    .as_bool()
                    .map_err(|_| bad_option(key, "must be true or false"))
            };
            match key.as_str() {
                "open" => {
                    o.open = match text()?.as_str() {
                        "none" => Open::None,
                        "after" => Open::After,
                        "skip" => Open::Skip,
                        _ => {
                            return Err(bad_option(key, "must be \"none\", \"after\" or \"skip\""))
                        }
                    }
                }
                "close" => {
                    o.close = match text()?.as_str() {
                        "none" => Close::None,
                        "any" => Close::Any,
                        "paren" => Close::Paren,
                        _ => return Err(bad_option(key, "must be \"none\", \"any\" or \"paren\"")),
                    }
                }
                "sep" => {
                    o.sep = value
                        .as_char()
                        .map_err(|_| bad_option(key, "must be a char"))?
                }
                "quotes" => o.quotes = text()?.chars().collect(),
                "raw" => o.raw = text()?.chars().collect(),
                "comments" => {
                    o.comments = match text()?.as_str() {
                        "" => Comments::None,
                        "c" => Comments::C,
                        "#" => Comments::Hash,
                        _ => return Err(bad_option(key, "must be \"\", \"c\" or \"#\"")),
                    }
                }
                "trim" => o.trim = flag()?,
                "keep_empty" => o.keep_empty = flag()?,
                "max" => {
                    o.max = Some(
                        value
                            .as_int()
                            .map_err(|_| bad_option(key, "must be an integer"))?,
                    )
                }
                "more" => o.more = Some(text()?.to_string()),
                _ => return Err(bad_option(key, "is unknown")),
            }
        }
        Ok(o)
    }
}

/// Split an argument list (or any list) at top-level separators: brackets nest, quoted text
/// and comments hide separators and brackets. See [`ArgScanOptions`] for the variants.
pub fn scan_args(text: &str, o: &ArgScanOptions) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut cur = String::new();
    let mut depth: i64 = 0;
    let mut quote: Option<char> = None;
    let mut escaped = false;
    let mut started = o.open != Open::After;
    let mut first = o.open == Open::Skip;
    let mut comment = 0u8; // 1: to the end of the line, 2: block
    let mut prev = ' ';
    let finish = |out: &mut Vec<String>, cur: &str| {
        let t = cur.trim();
        if !t.is_empty() {
            out.push(if o.trim { t } else { cur }.to_string());
        }
    };
    for ch in text.chars() {
        if first {
            first = false;
            if ch == '(' {
                continue;
            }
        }
        if comment == 1 {
            if ch == '\n' {
                comment = 0;
            }
            continue;
        }
        if comment == 2 {
            if ch == '/' && prev == '*' {
                comment = 0;
            }
            prev = ch;
            continue;
        }
        if quote.is_none() {
            match o.comments {
                Comments::C if prev == '/' && (ch == '/' || ch == '*') => {
                    comment = if ch == '/' { 1 } else { 2 };
                    if cur.ends_with('/') {
                        cur.pop();
                    }
                    prev = ' ';
                    continue;
                }
                Comments::Hash if ch == '#' => {
                    comment = 1;
                    continue;
                }
                _ => {}
            }
        }
        prev = ch;
        if !started {
            if ch == '(' {
                started = true;
            }
            continue;
        }
        if let Some(q) = quote {
            cur.push(ch);
            if escaped {
                escaped = false;
            } else if ch == '\\' && !o.raw.contains(&q) {
                escaped = true;
            } else if ch == q {
                quote = None;
            }
            continue;
        }
        if o.quotes.contains(&ch) {
            quote = Some(ch);
            cur.push(ch);
            continue;
        }
        if matches!(ch, '(' | '[' | '{') {
            depth += 1;
        }
        if matches!(ch, ')' | ']' | '}') {
            let ends = match o.close {
                Close::None => false,
                Close::Any => depth == 0,
                Close::Paren => depth == 0 && ch == ')',
            };
            if ends {
                finish(&mut out, &cur);
                return out;
            }
            depth -= 1;
        }
        if ch == o.sep && depth == 0 {
            let item = if o.trim { cur.trim() } else { cur.as_str() };
            if o.keep_empty || !item.trim().is_empty() {
                out.push(item.to_string());
            }
            cur.clear();
            if let Some(max) = o.max {
                if out.len() as i64 >= max {
                    if let Some(more) = &o.more {
                        out.push(more.clone());
                    }
                    return out;
                }
            }
            continue;
        }
        cur.push(ch);
    }
    finish(&mut out, &cur);
    out
}

/// Split `text` at top-level `sep`: first by counting (pieces are joined while their brackets
/// do not balance or a `'` or `"` is unpaired), which is taken when the text holds no `#` or
/// `\` and ends balanced; otherwise by [`scan_args`] with `o` (and `sep`). Counting and
/// scanning disagree on some texts (a bracket inside quotes): this is the exact behaviour of
/// the rules' `split_top`, kept as it was.
pub fn split_top(text: &str, sep: char, o: &ArgScanOptions) -> Vec<String> {
    if !text.contains('#') && !text.contains('\\') {
        let mut out = Vec::new();
        let mut cur = String::new();
        let mut open = false;
        // Counts over `cur`: bracket balance, `'` and `"`.
        let (mut depth, mut singles, mut doubles) = (0i64, 0usize, 0usize);
        let count = |s: &str, depth: &mut i64, singles: &mut usize, doubles: &mut usize| {
            for c in s.chars() {
                match c {
                    '(' | '[' | '{' => *depth += 1,
                    ')' | ']' | '}' => *depth -= 1,
                    '\'' => *singles += 1,
                    '"' => *doubles += 1,
                    _ => {}
                }
            }
        };
        let mut sep_buf = [0u8; 4];
        let sep_str: &str = sep.encode_utf8(&mut sep_buf);
        for piece in text.split(sep) {
            if open {
                cur.push(sep);
                count(sep_str, &mut depth, &mut singles, &mut doubles);
            } else {
                cur.clear();
                (depth, singles, doubles) = (0, 0, 0);
            }
            cur.push_str(piece);
            count(piece, &mut depth, &mut singles, &mut doubles);
            open = depth != 0 || singles % 2 == 1 || doubles % 2 == 1;
            if !open {
                let t = cur.trim();
                if !t.is_empty() {
                    out.push(t.to_string());
                }
            }
        }
        if !open {
            return out;
        }
    }
    let o = ArgScanOptions { sep, ..o.clone() };
    scan_args(text, &o)
}

/// The string literals in `text`, unescaped: a char of `quotes` opens a literal that the same
/// char closes; inside a literal whose quote is in `escapes`, `\` is dropped and the char
/// after it kept. An unclosed literal at the end is dropped.
pub fn string_literals(text: &str, quotes: &[char], escapes: &[char]) -> Vec<String> {
    let mut out = Vec::new();
    let mut quote: Option<char> = None;
    let mut cur = String::new();
    let mut escaped = false;
    for ch in text.chars() {
        let Some(q) = quote else {
            if quotes.contains(&ch) {
                quote = Some(ch);
                cur.clear();
            }
            continue;
        };
        if escaped {
            escaped = false;
            cur.push(ch);
        } else if ch == '\\' && escapes.contains(&q) {
            escaped = true;
        } else if ch == q {
            out.push(std::mem::take(&mut cur));
            quote = None;
        } else {
            cur.push(ch);
        }
    }
    out
}

/// An ASCII identifier char: `a-z`, `A-Z`, `0-9`, `_`.
pub fn is_ident_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

/// The identifier chars ([`is_ident_char`]) at the start of `text` (`r` in `r.Group("/v1")`).
pub fn leading_ident(text: &str) -> &str {
    let end = text
        .char_indices()
        .find(|(_, c)| !is_ident_char(*c))
        .map_or(text.len(), |(i, _)| i);
    &text[..end]
}

/// The segments of a call chain after its leading identifier, as (name, args):
/// `r.PathPrefix("/api").Subrouter()` gives `[("PathPrefix", "(\"/api\")"), ("Subrouter", "()")]`.
/// Args run from `(` to its matching `)` (or to the end), `"` and `` ` `` quoting without
/// escapes; a segment without `(` has empty args.
pub fn call_chain(text: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut rest = &text[leading_ident(text).len()..];
    while let Some(after_dot) = rest.strip_prefix('.') {
        let name = leading_ident(after_dot);
        if name.is_empty() {
            break;
        }
        rest = &after_dot[name.len()..];
        let mut args = "";
        if rest.starts_with('(') {
            let mut depth = 0i64;
            let mut quote: Option<char> = None;
            let mut end = rest.len();
            for (i, ch) in rest.char_indices() {
                if let Some(q) = quote {
                    if ch == q {
                        quote = None;
                    }
                    continue;
                }
                if ch == '"' || ch == '`' {
                    quote = Some(ch);
                    continue;
                }
                if ch == '(' {
                    depth += 1;
                }
                if ch == ')' {
                    depth -= 1;
                    if depth == 0 {
                        end = i + 1;
                        break;
                    }
                }
            }
            args = &rest[..end];
            rest = &rest[end..];
        }
        out.push((name.to_string(), args.to_string()));
    }
    out
}

/// The first segment of `text` that looks like an ID, or `None`. Segments end at `/`, ` `, `?`,
/// `=`, `:`, `&`, `,` and at the end of the text; an ID is 3 or more ASCII digits, a UUID
/// (8-4-4-4-12 hex digits) or 16 or more hex digits.
pub fn id_segment(text: &str) -> Option<&str> {
    let is_id = |seg: &str| {
        let n = seg.chars().count();
        let digits = n >= 3 && seg.chars().all(|c| c.is_ascii_digit());
        let uuid = n == 36
            && seg.chars().enumerate().all(|(i, c)| {
                if matches!(i, 8 | 13 | 18 | 23) {
                    c == '-'
                } else {
                    c.is_ascii_hexdigit()
                }
            });
        let hex = n >= 16 && seg.chars().all(|c| c.is_ascii_hexdigit());
        digits || uuid || hex
    };
    text.split(['/', ' ', '?', '=', ':', '&', ','])
        .find(|seg| is_id(seg))
}

fn strings(items: Vec<String>) -> Array {
    items
        .into_iter()
        .map(|s| Dynamic::from(ImmutableString::from(s)))
        .collect()
}

fn chars_of(s: &str) -> Vec<char> {
    s.chars().collect()
}

pub(crate) fn register(engine: &mut Engine) {
    engine.register_fn(
        "scan_args",
        |text: ImmutableString, opts: Map| -> RhaiResult<Array> {
            Ok(strings(scan_args(&text, &ArgScanOptions::from_map(&opts)?)))
        },
    );
    engine.register_fn(
        "split_top",
        |text: ImmutableString, sep: char, opts: Map| -> RhaiResult<Array> {
            Ok(strings(split_top(
                &text,
                sep,
                &ArgScanOptions::from_map(&opts)?,
            )))
        },
    );
    engine.register_fn(
        "string_literals",
        |text: ImmutableString, quotes: ImmutableString, escapes: ImmutableString| {
            strings(string_literals(
                &text,
                &chars_of(&quotes),
                &chars_of(&escapes),
            ))
        },
    );
    engine.register_fn("leading_ident", |text: ImmutableString| {
        ImmutableString::from(leading_ident(&text))
    });
    engine.register_fn("call_chain", |text: ImmutableString| -> Array {
        call_chain(&text)
            .into_iter()
            .map(|(name, args)| {
                let mut m = Map::new();
                m.insert("name".into(), Dynamic::from(ImmutableString::from(name)));
                m.insert("args".into(), Dynamic::from(ImmutableString::from(args)));
                Dynamic::from_map(m)
            })
            .collect()
    });
    engine.register_fn("id_segment", |text: ImmutableString| -> Dynamic {
        id_segment(&text).map_or(Dynamic::UNIT, |s| Dynamic::from(ImmutableString::from(s)))
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    fn go() -> ArgScanOptions {
        ArgScanOptions {
            open: Open::After,
            close: Close::Any,
            quotes: vec!['"', '`', '\''],
            raw: vec!['`'],
            comments: Comments::C,
            max: Some(2),
            more: Some("...".into()),
            ..ArgScanOptions::default()
        }
    }

    #[test]
    fn scan_args_splits_at_top_level() {
        let o = ArgScanOptions { max: None, ..go() };
        assert_eq!(
            scan_args(r#"r.GET("/a, b", f(x, y), []int{1, 2})"#, &o),
            [r#""/a, b""#, "f(x, y)", "[]int{1, 2}"]
        );
        // Text before the first `(` is skipped, the list ends at its closing bracket.
        assert_eq!(scan_args("x(a) , (b)", &o), ["a"]);
        // No `(`: no arguments.
        assert!(scan_args("a, b", &o).is_empty());
        // Blank arguments before a separator are kept, a blank last one is not.
        assert_eq!(scan_args("(, a, )", &o), ["", "a"]);
        // Unbalanced text runs to the end.
        assert_eq!(scan_args("(a, f(b", &o), ["a", "f(b"]);
    }

    #[test]
    fn scan_args_quotes_escapes_and_comments() {
        let o = ArgScanOptions { max: None, ..go() };
        assert_eq!(
            scan_args(r#"("a\",)", `b\`, ',')"#, &o),
            [r#""a\",)""#, r"`b\`", "','"]
        );
        assert_eq!(
            scan_args("(a, // x, y\n b /* c, d */, e)", &o),
            ["a", "b", "e"]
        );
        // After `*/` the closing `/` counts as a previous `/`: `*/*` opens a new comment.
        assert_eq!(scan_args("(a /* x */*y, z)", &o), ["a"]);
        let plain = ArgScanOptions {
            comments: Comments::None,
            ..o
        };
        assert_eq!(scan_args("(a // b, c)", &plain), ["a // b", "c"]);
    }

    #[test]
    fn scan_args_max_and_more() {
        assert_eq!(scan_args("(a, b, c, d)", &go()), ["a", "b", "..."]);
        // Exactly `max` arguments: nothing follows them, no marker.
        assert_eq!(scan_args("(a, b)", &go()), ["a", "b"]);
        let cpp = ArgScanOptions {
            close: Close::Paren,
            quotes: vec!['"'],
            raw: vec![],
            more: None,
            ..go()
        };
        assert_eq!(scan_args("(a, b, c)", &cpp), ["a", "b"]);
        // Only `)` ends a C++ list; a stray `]` sends the depth negative, where commas and
        // the closing `)` are text.
        assert_eq!(scan_args("(a], b, c)", &cpp), ["a], b, c)"]);
    }

    #[test]
    fn scan_args_other_variants() {
        let dotnet = ArgScanOptions {
            open: Open::Skip,
            close: Close::Any,
            raw: vec!['"'],
            ..ArgScanOptions::default()
        };
        assert_eq!(
            scan_args(r#"("a\", b", c)"#, &dotnet),
            [r#""a\""#, "b\", c)"]
        );
        assert_eq!(scan_args("a, (b, c)", &dotnet), ["a", "(b, c)"]);
        let java = ArgScanOptions {
            comments: Comments::C,
            trim: false,
            ..ArgScanOptions::default()
        };
        assert_eq!(scan_args(" a ,, b , c", &java), [" a ", "", " b ", " c"]);
        // Without an end, a stray closer makes the depth negative for the rest of the text.
        assert_eq!(scan_args("a ) , c", &java), ["a ) , c"]);
        let python = ArgScanOptions {
            sep: ':',
            quotes: vec!['\'', '"'],
            comments: Comments::Hash,
            keep_empty: false,
            ..ArgScanOptions::default()
        };
        assert_eq!(
            scan_args("'a:b' :: c # d: e\n: f", &python),
            ["'a:b'", "c", "f"]
        );
    }

    #[test]
    fn scan_options_from_map() {
        let mut m = Map::new();
        m.insert("open".into(), Dynamic::from(ImmutableString::from("after")));
        m.insert("sep".into(), Dynamic::from_char(';'));
        m.insert("max".into(), Dynamic::from_int(3));
        let o = ArgScanOptions::from_map(&m).unwrap();
        assert_eq!(o.open, Open::After);
        assert_eq!(o.sep, ';');
        assert_eq!(o.max, Some(3));
        m.insert("sep".into(), Dynamic::from(ImmutableString::from(";")));
        assert!(ArgScanOptions::from_map(&m).is_err());
        let mut bad = Map::new();
        bad.insert("qoutes".into(), Dynamic::from(ImmutableString::from("'")));
        assert!(ArgScanOptions::from_map(&bad).is_err());
    }

    #[test]
    fn split_top_counts_then_scans() {
        let o = ArgScanOptions {
            quotes: vec!['\'', '"'],
            keep_empty: false,
            ..ArgScanOptions::default()
        };
        assert_eq!(
            split_top("'a', f(b, c), [d, e], ", ',', &o),
            ["'a'", "f(b, c)", "[d, e]"]
        );
        // Counting ignores quotes around brackets: both pieces stay together.
        assert_eq!(split_top("'(', ')'", ',', &o), ["'(', ')'"]);
        // A `\` sends the text to the scan, which reads the quotes.
        assert_eq!(split_top(r"'(\\', ')'", ',', &o), [r"'(\\'", "')'"]);
        // Unbalanced by counting: scanned.
        assert_eq!(split_top("a(, b", ',', &o), ["a(, b"]);
        assert!(split_top("", ',', &o).is_empty());
    }

    #[test]
    fn string_literals_unescape() {
        assert_eq!(
            string_literals(r#"[]string{"a\"b", `c\`, "d"}"#, &['"', '`'], &['"']),
            [r#"a"b"#, r"c\", "d"]
        );
        assert_eq!(
            string_literals(r#"['a', "b\", `c"#, &['\'', '"', '`'], &[]),
            ["a", r"b\"]
        );
        assert!(string_literals("no literals", &['"'], &['"']).is_empty());
        // An unclosed literal is dropped.
        assert!(string_literals(r#""open"#, &['"'], &['"']).is_empty());
    }

    #[test]
    fn identifiers_and_chains() {
        assert_eq!(leading_ident("r.Group(\"/v1\")"), "r");
        assert_eq!(leading_ident("&srv{}"), "");
        assert_eq!(leading_ident("é_x"), "");
        assert!(is_ident_char('_') && is_ident_char('9') && !is_ident_char('$'));
        assert_eq!(
            call_chain(r#"r.PathPrefix("/a)").Subrouter().Name"#),
            [
                ("PathPrefix".to_string(), r#"("/a)")"#.to_string()),
                ("Subrouter".to_string(), "()".to_string()),
                ("Name".to_string(), String::new()),
            ]
        );
        // Unbalanced args run to the end; a `.` without a name ends the chain.
        assert_eq!(
            call_chain("x.F(a, (b)"),
            [("F".to_string(), "(a, (b)".to_string())]
        );
        assert!(call_chain("x.(y)").is_empty());
        assert!(call_chain("plain").is_empty());
    }

    #[test]
    fn id_segments() {
        assert_eq!(id_segment("/users/12345/orders"), Some("12345"));
        assert_eq!(
            id_segment("GET /o/123e4567-e89b-12d3-a456-426614174000"),
            Some("123e4567-e89b-12d3-a456-426614174000")
        );
        assert_eq!(id_segment("key=deadbeefdeadbeef"), Some("deadbeefdeadbeef"));
        assert_eq!(id_segment("/v1/users/:id"), None);
        assert_eq!(id_segment("/a/12/b"), None);
        assert_eq!(id_segment("123e4567+e89b-12d3-a456-426614174000"), None);
        assert_eq!(id_segment(""), None);
    }
}
