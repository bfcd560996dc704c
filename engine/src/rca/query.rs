//! Datadog monitor queries: a small tokenizer and a parser for the shapes APM monitors use.
//!
//! - metric monitors: `avg(last_5m):sum:trace.flask.request.errors{service:x,env:y}.as_count()
//!   / sum:trace.flask.request.hits{service:x,env:y}.as_count() > 0.05`, distribution
//!   percentiles `percentile(last_10m):p99:trace.http.request{service:x} > 2`, functions
//!   around metrics (`anomalies(avg:...{...}, 'basic', 2) >= 1`);
//! - event-style monitors: `trace-analytics("service:x status:error").rollup("count").last("5m")
//!   > 10` (also `logs(...)`, `rum(...)`, `spans(...)`...);
//! - scopes: `service:x,env:y`.
//!
//! Parsing never fails: what is not understood is left out, and the raw query stays on the
//! alert.

use serde::Serialize;

/// One token of a monitor query.
#[derive(Debug, Clone, PartialEq)]
pub enum Token {
    /// A name: `avg`, `last_5m`, `trace.flask.request.errors`, `p99`, `trace-analytics`.
    Ident(String),
    /// A number: `0.05`, `2`, `1e-3`.
    Number(f64),
    /// A quoted string, without its quotes: `"service:x status:error"`.
    Str(String),
    /// The raw text between `{` and `}`: a tag scope or a group-by list.
    Scope(String),
    /// `(`.
    LParen,
    /// `)`.
    RParen,
    /// `:`.
    Colon,
    /// `,`.
    Comma,
    /// `.` starting a method call (`.as_count()`, `.rollup("count")`).
    Dot,
    /// Arithmetic: `+ - * /`.
    Op(char),
    /// Comparison: `> >= < <= == !=`.
    Cmp(String),
    /// Anything else (kept so the parser can skip it).
    Other(char),
}

fn is_name_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_' || c == '.' || c == '@'
}

/// Split a monitor query into tokens.
pub fn tokenize(query: &str) -> Vec<Token> {
    let chars: Vec<char> = query.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        match c {
            c if c.is_whitespace() => i += 1,
            '(' => {
                out.push(Token::LParen);
                i += 1;
            }
            ')' => {
                out.push(Token::RParen);
                i += 1;
            }
            ':' => {
                out.push(Token::Colon);
                i += 1;
            }
            ',' => {
                out.push(Token::Comma);
                i += 1;
            }
            '{' => {
                let start = i + 1;
                let mut j = start;
                while j < chars.len() && chars[j] != '}' {
                    j += 1;
                }
                out.push(Token::Scope(chars[start..j].iter().collect()));
                i = (j + 1).min(chars.len());
            }
            '"' | '\'' => {
                let mut j = i + 1;
                let mut text = String::new();
                while j < chars.len() && chars[j] != c {
                    if chars[j] == '\\' && j + 1 < chars.len() {
                        j += 1;
                    }
                    text.push(chars[j]);
                    j += 1;
                }
                out.push(Token::Str(text));
                i = (j + 1).min(chars.len());
            }
            '>' | '<' | '=' | '!' => {
                if chars.get(i + 1) == Some(&'=') {
                    out.push(Token::Cmp(format!("{c}=")));
                    i += 2;
                } else if c == '>' || c == '<' {
                    out.push(Token::Cmp(c.to_string()));
                    i += 1;
                } else {
                    out.push(Token::Other(c));
                    i += 1;
                }
            }
            '+' | '-' | '*' | '/' => {
                out.push(Token::Op(c));
                i += 1;
            }
            '.' if !chars.get(i + 1).is_some_and(char::is_ascii_digit) => {
                out.push(Token::Dot);
                i += 1;
            }
            c if c.is_ascii_digit() || c == '.' => {
                let start = i;
                let mut j = i;
                while j < chars.len()
                    && (chars[j].is_ascii_digit()
                        || chars[j] == '.'
                        || ((chars[j] == 'e' || chars[j] == 'E')
                            && chars
                                .get(j + 1)
                                .is_some_and(|n| n.is_ascii_digit() || *n == '-' || *n == '+'))
                        || ((chars[j] == '-' || chars[j] == '+')
                            && j > start
                            && (chars[j - 1] == 'e' || chars[j - 1] == 'E')))
                {
                    j += 1;
                }
                // `5m`, `99p` and the like are names, not numbers.
                if j < chars.len() && is_name_char(chars[j]) {
                    while j < chars.len() && is_name_char(chars[j]) {
                        j += 1;
                    }
                    out.push(Token::Ident(chars[start..j].iter().collect()));
                } else {
                    let text: String = chars[start..j].iter().collect();
                    match text.parse() {
                        Ok(n) => out.push(Token::Number(n)),
                        Err(_) => out.push(Token::Ident(text)),
                    }
                }
                i = j;
            }
            c if is_name_char(c) => {
                let start = i;
                let mut j = i;
                loop {
                    while j < chars.len() && is_name_char(chars[j]) {
                        j += 1;
                    }
                    // `trace-analytics`, `error-tracking`: a dash between letters stays in the name.
                    if j + 1 < chars.len()
                        && chars[j] == '-'
                        && chars[j - 1].is_ascii_alphabetic()
                        && chars[j + 1].is_ascii_alphabetic()
                    {
                        j += 1;
                        continue;
                    }
                    break;
                }
                // A trailing `.` is a method call, not part of the name.
                let mut end = j;
                while end > start + 1 && chars[end - 1] == '.' {
                    end -= 1;
                }
                out.push(Token::Ident(chars[start..end].iter().collect()));
                i = end;
            }
            other => {
                out.push(Token::Other(other));
                i += 1;
            }
        }
    }
    out
}

/// One metric of a metric monitor query.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct MetricRef {
    /// Metric name: `trace.flask.request.errors`.
    pub name: String,
    /// Space aggregation before the name: `sum`, `avg`, `p99`...
    pub space_aggregation: Option<String>,
    /// Tag filters of its scope (`service:x`, `env:y`; `*` left out).
    pub scope: Vec<String>,
    /// Tags it is grouped by (`by {resource_name}`).
    pub group_by: Vec<String>,
    /// Methods applied to it: `as_count`, `rollup`, `fill`...
    pub functions: Vec<String>,
}

/// What a monitor query says, as far as it was understood.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct MonitorQuery {
    /// `metric`, or the source of an event-style query (`trace-analytics`, `logs`, `rum`,
    /// `spans`...), or `unknown`.
    pub kind: String,
    /// Time aggregation of a metric monitor: `avg`, `sum`, `min`, `max`, `percentile`...; for
    /// event-style queries, the rollup (`count`, `avg`, `pc99`...).
    pub aggregation: Option<String>,
    /// Evaluation window: `last_5m`.
    pub window: Option<String>,
    /// Metrics in the order they appear.
    pub metrics: Vec<MetricRef>,
    /// Arithmetic operators between terms, outside functions, in order (`/` for a ratio).
    pub operators: Vec<String>,
    /// Functions wrapped around metrics: `anomalies`, `outliers`, `abs`...
    pub wrappers: Vec<String>,
    /// Search of an event-style query: `service:x status:error`.
    pub search: Option<String>,
    /// Its terms: `service:x`, `status:error`, `-env:staging`, `@_dd.orphan:true`.
    pub search_terms: Vec<String>,
    /// Measure of an event-style rollup: `@duration`.
    pub measure: Option<String>,
    /// Facets an event-style query is grouped by.
    pub group_by: Vec<String>,
    /// `>`, `>=`, `<`, `<=`, `==`, `!=`.
    pub comparator: Option<String>,
    /// The number compared with.
    pub threshold: Option<f64>,
    /// True when the query divides one metric by another at top level.
    pub ratio: bool,
}

struct Parser {
    tokens: Vec<Token>,
    pos: usize,
}

impl Parser {
    fn peek(&self) -> Option<&Token> {
        self.tokens.get(self.pos)
    }

    fn peek_at(&self, n: usize) -> Option<&Token> {
        self.tokens.get(self.pos + n)
    }

    fn next(&mut self) -> Option<Token> {
        let t = self.tokens.get(self.pos).cloned();
        self.pos += 1;
        t
    }

    /// Arguments of a call whose `(` was just consumed, up to the matching `)`.
    fn args(&mut self) -> Vec<Token> {
        let mut depth = 1;
        let mut out = Vec::new();
        while let Some(t) = self.next() {
            match t {
                Token::LParen => depth += 1,
                Token::RParen => {
                    depth -= 1;
                    if depth == 0 {
                        break;
                    }
                }
                _ => {}
            }
            out.push(t);
        }
        out
    }

    /// `> 0.05`, `>= -1`.
    fn comparison(&mut self, q: &mut MonitorQuery) {
        let Some(Token::Cmp(c)) = self.next() else {
            return;
        };
        q.comparator = Some(c);
        let negative = if self.peek() == Some(&Token::Op('-')) {
            self.pos += 1;
            true
        } else {
            false
        };
        if let Some(Token::Number(n)) = self.peek().cloned() {
            self.pos += 1;
            q.threshold = Some(if negative { -n } else { n });
        }
    }
}

/// Parse a monitor query. Never fails; `kind` is `unknown` when the shape is not recognised.
pub fn parse_query(query: &str) -> MonitorQuery {
    let mut p = Parser {
        tokens: tokenize(query),
        pos: 0,
    };
    let mut q = MonitorQuery {
        kind: "unknown".into(),
        ..Default::default()
    };
    match (p.peek().cloned(), p.peek_at(1), p.peek_at(2)) {
        // Event-style: `source("search")...`.
        (Some(Token::Ident(source)), Some(Token::LParen), Some(Token::Str(_))) => {
            p.pos += 2;
            let args = p.args();
            if let Some(Token::Str(search)) = args.first() {
                q.search_terms = search_terms(search);
                q.search = Some(search.clone());
            }
            q.kind = source;
            event_chain(&mut p, &mut q);
        }
        // Metric: `avg(last_5m):...`.
        (Some(Token::Ident(agg)), Some(Token::LParen), Some(Token::Ident(window)))
            if p.peek_at(3) == Some(&Token::RParen) && p.peek_at(4) == Some(&Token::Colon) =>
        {
            q.aggregation = Some(agg);
            q.window = Some(window.clone());
            q.kind = "metric".into();
            p.pos += 5;
            metric_expression(&mut p, &mut q);
        }
        // A bare metric expression (`sum:trace.x.hits{*}`).
        (Some(Token::Ident(_)), _, _) => {
            metric_expression(&mut p, &mut q);
            if !q.metrics.is_empty() {
                q.kind = "metric".into();
            }
        }
        _ => {}
    }
    q
}

/// `.rollup("count")`, `.rollup("avg", "@duration")`, `.by("resource_name")`, `.last("5m")`,
/// `.index("trace-search")`, then the comparison.
fn event_chain(p: &mut Parser, q: &mut MonitorQuery) {
    while let Some(t) = p.peek().cloned() {
        match t {
            Token::Dot => {
                p.pos += 1;
                let Some(Token::Ident(method)) = p.next() else {
                    continue;
                };
                if p.peek() != Some(&Token::LParen) {
                    continue;
                }
                p.pos += 1;
                let args: Vec<String> = p
                    .args()
                    .into_iter()
                    .filter_map(|t| match t {
                        Token::Str(s) | Token::Ident(s) => Some(s),
                        Token::Number(n) => Some(n.to_string()),
                        _ => None,
                    })
                    .collect();
                match method.as_str() {
                    "rollup" => {
                        q.aggregation = args.first().cloned();
                        q.measure = args.get(1).cloned();
                    }
                    "by" => q.group_by.extend(args),
                    "last" => {
                        q.window = args.first().map(|w| format!("last_{w}"));
                    }
                    _ => {}
                }
            }
            Token::Cmp(_) => {
                p.comparison(q);
                return;
            }
            _ => p.pos += 1,
        }
    }
}

/// Metric terms, operators and functions up to the comparison.
fn metric_expression(p: &mut Parser, q: &mut MonitorQuery) {
    let mut depth = 0usize;
    while let Some(t) = p.peek().cloned() {
        match t {
            Token::Cmp(_) if depth == 0 => {
                p.comparison(q);
                break;
            }
            Token::LParen => {
                depth += 1;
                p.pos += 1;
            }
            Token::RParen => {
                depth = depth.saturating_sub(1);
                p.pos += 1;
            }
            Token::Op(op) => {
                if depth == 0 {
                    q.operators.push(op.to_string());
                }
                p.pos += 1;
            }
            Token::Ident(name) => {
                match (p.peek_at(1).cloned(), p.peek_at(2).cloned()) {
                    // `sum:trace.x.hits`
                    (Some(Token::Colon), Some(Token::Ident(metric))) => {
                        p.pos += 3;
                        let m = metric_tail(p, metric, Some(name));
                        q.metrics.push(m);
                    }
                    // `anomalies(` and other functions around a metric.
                    (Some(Token::LParen), _) => {
                        q.wrappers.push(name);
                        p.pos += 1;
                    }
                    // `trace.x.hits{...}` without a space aggregation.
                    (Some(Token::Scope(_)), _) => {
                        p.pos += 1;
                        let m = metric_tail(p, name, None);
                        q.metrics.push(m);
                    }
                    _ => p.pos += 1,
                }
            }
            _ => p.pos += 1,
        }
    }
    if q.metrics.len() >= 2 && q.operators.iter().any(|o| o == "/") {
        q.ratio = true;
    }
}

/// After a metric name: its scope, `by {tags}` and `.method(...)` calls.
fn metric_tail(p: &mut Parser, name: String, space: Option<String>) -> MetricRef {
    let mut m = MetricRef {
        name,
        space_aggregation: space,
        ..Default::default()
    };
    if let Some(Token::Scope(s)) = p.peek().cloned() {
        m.scope = scope_tags(&s);
        p.pos += 1;
    }
    loop {
        match (p.peek().cloned(), p.peek_at(1).cloned()) {
            (Some(Token::Ident(by)), Some(Token::Scope(s))) if by == "by" => {
                m.group_by = scope_tags(&s);
                p.pos += 2;
            }
            (Some(Token::Dot), Some(Token::Ident(f))) => {
                p.pos += 2;
                if p.peek() == Some(&Token::LParen) {
                    p.pos += 1;
                    p.args();
                }
                m.functions.push(f);
            }
            _ => break,
        }
    }
    m
}

/// Tags of a scope: `service:x,env:y` (also `service:x AND env:y`); `*` is left out.
pub fn scope_tags(scope: &str) -> Vec<String> {
    scope
        .split(',')
        .flat_map(|part| part.split(" AND "))
        .map(str::trim)
        .filter(|t| !t.is_empty() && *t != "*")
        .map(str::to_string)
        .collect()
}

/// Terms of an event search: whitespace-separated, quotes kept together, `AND`/`OR`/`NOT` and
/// parentheses dropped.
pub fn search_terms(search: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = String::new();
    let mut quote = None;
    for c in search.chars() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), c) => current.push(c),
            (None, '"') => quote = Some('"'),
            (None, c) if c.is_whitespace() || c == '(' || c == ')' => {
                push_term(&mut out, &mut current);
            }
            (None, c) => current.push(c),
        }
    }
    push_term(&mut out, &mut current);
    out
}

fn push_term(out: &mut Vec<String>, current: &mut String) {
    let t = std::mem::take(current);
    if !t.is_empty() && !["AND", "OR", "NOT"].contains(&t.as_str()) {
        out.push(t);
    }
}

/// The value of `key:` among tags (`service:x` → `x`); `!`/`-` negated tags are skipped.
pub fn tag_value<'a>(tags: impl IntoIterator<Item = &'a String>, key: &str) -> Option<String> {
    tags.into_iter().find_map(|t| {
        let (k, v) = t.split_once(':')?;
        (k.trim() == key && !v.is_empty() && !v.contains('*')).then(|| v.trim().to_string())
    })
}

/// An APM trace metric, read from its name: `trace.<operation>.<measure>[.by...]`.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct MetricFamily {
    /// First part of the operation: `flask` for `flask.request`.
    pub integration: String,
    /// Span operation name: `flask.request`.
    pub operation: String,
    /// `hits`, `errors`, `duration`, `apdex`, `latency`... (`duration` for the latency
    /// distribution `trace.<operation>` read with a percentile or min/max/avg).
    pub measure: String,
    /// `p50`, `p75`, `p90`, `p95`, `p99`, `p999` or `max`, from the space aggregation or a
    /// `.99p` suffix.
    pub percentile: Option<String>,
}

/// Measures of APM trace metrics, the part after the operation name.
pub const TRACE_MEASURES: &[&str] = &[
    "hits",
    "errors",
    "duration",
    "apdex",
    "latency",
    "latency_distribution",
    "exec_time",
    "span_count",
];

/// Percentile of a space aggregation (`p99`) or a metric suffix (`99p`); `100p` and `max` are
/// `max`.
pub fn percentile(text: &str) -> Option<String> {
    let t = text.to_ascii_lowercase();
    if t == "max" || t == "100p" || t == "p100" {
        return Some("max".into());
    }
    let digits = t
        .strip_prefix("pc")
        .or_else(|| t.strip_prefix('p'))
        .or_else(|| t.strip_suffix('p'))?;
    (!digits.is_empty() && digits.chars().all(|c| c.is_ascii_digit())).then(|| format!("p{digits}"))
}

/// Read `trace.flask.request.errors` (with its space aggregation, for distributions) as
/// integration, operation, measure and percentile. `None` for metrics outside `trace.*`.
pub fn metric_family(name: &str, space_aggregation: Option<&str>) -> Option<MetricFamily> {
    let rest = name.strip_prefix("trace.")?;
    let parts: Vec<&str> = rest.split('.').collect();
    let at = parts
        .iter()
        .skip(1)
        .position(|p| TRACE_MEASURES.contains(p))
        .map(|i| i + 1);
    let space_pct = space_aggregation.and_then(percentile);
    let (operation, measure, suffix) = match at {
        Some(i) => (parts[..i].join("."), parts[i].to_string(), &parts[i + 1..]),
        None => {
            // The distribution metric `trace.<operation>`: latency unless counted.
            let measure = match space_aggregation {
                Some("count") => "hits",
                _ => "duration",
            };
            (rest.to_string(), measure.to_string(), &parts[parts.len()..])
        }
    };
    if operation.is_empty() {
        return None;
    }
    let suffix_pct = suffix.last().and_then(|s| percentile(s));
    let percentile = suffix_pct.or(if measure == "duration" {
        space_pct
    } else {
        None
    });
    Some(MetricFamily {
        integration: operation.split('.').next().unwrap_or_default().to_string(),
        operation,
        measure,
        percentile,
    })
}

const HTTP_METHODS: &[&str] = &["get", "post", "put", "patch", "delete", "head", "options"];

/// Undo Datadog's tag normalisation of a resource name where it can be guessed:
/// `get_/users/_id` → `GET /users/:id`, `post_/v1/assessments/_id_` → `POST /v1/assessments/{id}`.
/// Anything that does not look like an HTTP route is returned unchanged.
pub fn display_resource(raw: &str) -> String {
    let Some((method, path)) = raw.split_once('_') else {
        return raw.to_string();
    };
    if !HTTP_METHODS.contains(&method) || !path.starts_with('/') {
        return raw.to_string();
    }
    let segments: Vec<String> = path
        .split('/')
        .map(|seg| {
            let inner = seg.strip_prefix('_').unwrap_or(seg);
            if seg.len() > 2 && seg.starts_with('_') && seg.ends_with('_') {
                format!("{{{}}}", &inner[..inner.len() - 1])
            } else if seg.len() > 1 && seg.starts_with('_') {
                format!(":{inner}")
            } else {
                seg.to_string()
            }
        })
        .collect();
    format!("{} {}", method.to_ascii_uppercase(), segments.join("/"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokenizes_a_metric_query() {
        let t = tokenize(
            "avg(last_5m):sum:trace.flask.request.hits{service:x,env:y}.as_count() > 0.05",
        );
        assert_eq!(
            t,
            vec![
                Token::Ident("avg".into()),
                Token::LParen,
                Token::Ident("last_5m".into()),
                Token::RParen,
                Token::Colon,
                Token::Ident("sum".into()),
                Token::Colon,
                Token::Ident("trace.flask.request.hits".into()),
                Token::Scope("service:x,env:y".into()),
                Token::Dot,
                Token::Ident("as_count".into()),
                Token::LParen,
                Token::RParen,
                Token::Cmp(">".into()),
                Token::Number(0.05),
            ]
        );
    }

    #[test]
    fn tokenizes_event_queries_and_numbers() {
        let t = tokenize(r#"trace-analytics("service:x").last("5m") >= 1e-3"#);
        assert_eq!(t[0], Token::Ident("trace-analytics".into()));
        assert_eq!(t[2], Token::Str("service:x".into()));
        assert_eq!(t[4], Token::Dot);
        assert_eq!(t.last(), Some(&Token::Number(0.001)));
        assert!(t.contains(&Token::Cmp(">=".into())));
    }

    #[test]
    fn error_rate_ratio() {
        let q = parse_query(
            "avg(last_5m):sum:trace.flask.request.errors{service:x,env:y}.as_count() / sum:trace.flask.request.hits{service:x,env:y}.as_count() > 0.05",
        );
        assert_eq!(q.kind, "metric");
        assert_eq!(q.aggregation.as_deref(), Some("avg"));
        assert_eq!(q.window.as_deref(), Some("last_5m"));
        assert_eq!(q.metrics.len(), 2);
        assert_eq!(q.metrics[0].name, "trace.flask.request.errors");
        assert_eq!(q.metrics[0].space_aggregation.as_deref(), Some("sum"));
        assert_eq!(q.metrics[0].scope, vec!["service:x", "env:y"]);
        assert_eq!(q.metrics[0].functions, vec!["as_count"]);
        assert_eq!(q.metrics[1].name, "trace.flask.request.hits");
        assert!(q.ratio);
        assert_eq!(q.comparator.as_deref(), Some(">"));
        assert_eq!(q.threshold, Some(0.05));
    }

    #[test]
    fn percentile_distribution() {
        let q = parse_query("percentile(last_10m):p99:trace.http.request{service:x} > 2");
        assert_eq!(q.aggregation.as_deref(), Some("percentile"));
        assert_eq!(q.window.as_deref(), Some("last_10m"));
        assert_eq!(q.metrics[0].space_aggregation.as_deref(), Some("p99"));
        assert_eq!(q.metrics[0].scope, vec!["service:x"]);
        assert!(!q.ratio);
        assert_eq!(q.threshold, Some(2.0));
        let f = metric_family("trace.http.request", Some("p99")).unwrap();
        assert_eq!(f.operation, "http.request");
        assert_eq!(f.integration, "http");
        assert_eq!(f.measure, "duration");
        assert_eq!(f.percentile.as_deref(), Some("p99"));
    }

    #[test]
    fn trace_analytics() {
        let q = parse_query(
            r#"trace-analytics("service:x env:prod status:error").rollup("count").by("resource_name").last("5m") > 10"#,
        );
        assert_eq!(q.kind, "trace-analytics");
        assert_eq!(q.search.as_deref(), Some("service:x env:prod status:error"));
        assert_eq!(
            q.search_terms,
            vec!["service:x", "env:prod", "status:error"]
        );
        assert_eq!(q.aggregation.as_deref(), Some("count"));
        assert_eq!(q.group_by, vec!["resource_name"]);
        assert_eq!(q.window.as_deref(), Some("last_5m"));
        assert_eq!(q.comparator.as_deref(), Some(">"));
        assert_eq!(q.threshold, Some(10.0));
        let q = parse_query(
            r#"trace-analytics("service:x (env:prod OR env:staging)").rollup("avg", "@duration").last("15m") >= 1.5"#,
        );
        assert_eq!(q.search_terms, vec!["service:x", "env:prod", "env:staging"]);
        assert_eq!(q.measure.as_deref(), Some("@duration"));
        assert_eq!(q.comparator.as_deref(), Some(">="));
    }

    #[test]
    fn below_threshold_and_functions() {
        let q = parse_query("sum(last_15m):sum:trace.slim.request.hits{service:catalog,env:prod}.as_count().rollup(sum, 60) < 1");
        assert_eq!(q.aggregation.as_deref(), Some("sum"));
        assert_eq!(q.metrics[0].functions, vec!["as_count", "rollup"]);
        assert_eq!(q.comparator.as_deref(), Some("<"));
        assert_eq!(q.threshold, Some(1.0));
        let q = parse_query("avg(last_4h):anomalies(avg:trace.grpc.server.duration{service:inventory} by {resource_name}, 'basic', 2) >= 1");
        assert_eq!(q.wrappers, vec!["anomalies"]);
        assert_eq!(q.metrics[0].group_by, vec!["resource_name"]);
        assert_eq!(q.metrics.len(), 1);
        assert_eq!(q.threshold, Some(1.0));
        let q = parse_query("avg(last_5m):avg:system.load.1{*} > -1");
        assert_eq!(q.threshold, Some(-1.0));
        assert!(q.metrics[0].scope.is_empty());
    }

    #[test]
    fn unknown_shapes_do_not_fail() {
        for text in [
            "",
            "}{",
            "\"unterminated",
            "> >",
            "avg(",
            "logs(\"x\").index(\"*\"",
        ] {
            let _ = parse_query(text);
        }
        assert_eq!(parse_query("").kind, "unknown");
        assert_eq!(
            parse_query(r#"logs("service:x").last("5m") > 1"#).kind,
            "logs"
        );
    }

    #[test]
    fn scopes() {
        assert_eq!(
            scope_tags("service:x, env:y,*"),
            vec!["service:x".to_string(), "env:y".to_string()]
        );
        assert_eq!(scope_tags("service:x AND env:y").len(), 2);
        let tags = scope_tags("!env:staging,service:x");
        assert_eq!(tag_value(&tags, "service").as_deref(), Some("x"));
        assert_eq!(tag_value(&tags, "env"), None);
    }

    #[test]
    fn metric_families() {
        let f = metric_family("trace.flask.request.errors", Some("sum")).unwrap();
        assert_eq!(
            (
                f.integration.as_str(),
                f.operation.as_str(),
                f.measure.as_str()
            ),
            ("flask", "flask.request", "errors")
        );
        assert_eq!(f.percentile, None);
        let f = metric_family(
            "trace.servlet.request.duration.by.resource_service.99p",
            Some("avg"),
        )
        .unwrap();
        assert_eq!(f.operation, "servlet.request");
        assert_eq!(f.measure, "duration");
        assert_eq!(f.percentile.as_deref(), Some("p99"));
        let f = metric_family("trace.grpc.server.hits.by_http_status", None).unwrap();
        assert_eq!(
            (f.operation.as_str(), f.measure.as_str()),
            ("grpc.server", "hits")
        );
        let f = metric_family("trace.echo.request.duration.by.service.100p", None).unwrap();
        assert_eq!(f.percentile.as_deref(), Some("max"));
        assert_eq!(metric_family("system.load.1", None), None);
        assert_eq!(percentile("p75").as_deref(), Some("p75"));
        assert_eq!(percentile("pc95").as_deref(), Some("p95"));
        assert_eq!(percentile("avg"), None);
    }

    #[test]
    fn resource_display() {
        assert_eq!(display_resource("get_/users/_id"), "GET /users/:id");
        assert_eq!(
            display_resource("post_/v1/assessments/_id_"),
            "POST /v1/assessments/{id}"
        );
        assert_eq!(
            display_resource("post_/v1/assessments"),
            "POST /v1/assessments"
        );
        assert_eq!(
            display_resource("/inventory.v1.warehouses/reserve"),
            "/inventory.v1.warehouses/reserve"
        );
        assert_eq!(display_resource("select_from_users"), "select_from_users");
    }
}
