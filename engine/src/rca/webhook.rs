//! Datadog monitor webhooks: read a payload and turn it into an [`Alert`].
//!
//! The Webhooks integration posts, by default,
//! `{"body": "$EVENT_MSG", "last_updated": "$LAST_UPDATED", "event_type": "$EVENT_TYPE",
//! "title": "$EVENT_TITLE", "date": "$DATE", "org": {"id": "$ORG_ID", "name": "$ORG_NAME"},
//! "id": "$ID"}`; a custom payload uses the same variables under keys of its choosing. Keys are
//! matched by the variable's name in any case style (`alert_type`, `ALERT_TYPE`, `alertType`,
//! `$ALERT_TYPE`, or `{"alert": {"type": ...}}`), at any depth. Unknown keys are kept in
//! `raw` and never fatal.

use std::io::Read as _;

use serde::Serialize;
use serde_json::Value;

use super::query::{self, MonitorQuery};

/// Why a payload could not be read.
#[derive(Debug, thiserror::Error)]
pub enum AlertError {
    /// The file or stdin could not be read.
    #[error("{origin}: cannot read the webhook payload: {message}")]
    Io {
        /// File path, `<stdin>` or `<inline>`.
        origin: String,
        /// The I/O error.
        message: String,
    },
    /// The payload is not JSON.
    #[error("{origin}:{line}:{column}: the webhook payload is not valid JSON: {message}")]
    Json {
        /// File path, `<stdin>` or `<inline>`.
        origin: String,
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// What serde_json said.
        message: String,
    },
    /// The payload is JSON but not an object.
    #[error("{origin}: the webhook payload must be a JSON object, got {found}")]
    NotAnObject {
        /// File path, `<stdin>` or `<inline>`.
        origin: String,
        /// The JSON type found.
        found: String,
    },
}

/// A monitor notification, as posted by the Webhooks integration, with what apm-doctor reads
/// out of it. Every field is optional (`None` is `()` in Rhai) except the lists and flags.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Alert {
    /// Where the payload came from: a path, `<stdin>` or `<inline>`.
    pub origin: String,
    /// Event id (`$ID`).
    pub id: Option<String>,
    /// Monitor id (`$ALERT_ID`).
    pub monitor_id: Option<String>,
    /// Title (`$EVENT_TITLE` / `$ALERT_TITLE`): `[Triggered on {service:x}] High p99`.
    pub title: Option<String>,
    /// Message (`$EVENT_MSG`, the default template's `body`, or `$TEXT_ONLY_MSG`).
    pub message: Option<String>,
    /// `$ALERT_TYPE`: error, warning, success or info (inferred from the transition when
    /// absent).
    pub alert_type: Option<String>,
    /// `$ALERT_TRANSITION`: Triggered, Re-Triggered, Recovered, No Data, Re-No Data, Warn,
    /// Re-Warn, Renotify (read from the title's `[...]` prefix when absent).
    pub transition: Option<String>,
    /// `$ALERT_STATUS`: `trace.x over service:y was > 2 on average during the last 10m`.
    pub status: Option<String>,
    /// `$ALERT_METRIC` (else the first metric of the query).
    pub metric: Option<String>,
    /// `$ALERT_QUERY`.
    pub query: Option<String>,
    /// `$ALERT_SCOPE`: `service:x,env:y`.
    pub scope: Option<String>,
    /// `$TAGS` (a comma-separated string or an array).
    pub tags: Vec<String>,
    /// `$DATE` (epoch milliseconds) or `$LAST_UPDATED`, as sent.
    pub date: Option<String>,
    /// `$LINK`: the event in Datadog.
    pub link: Option<String>,
    /// `$ALERT_PRIORITY`: P1..P5.
    pub priority: Option<String>,
    /// `$EVENT_TYPE`: `query_alert_monitor`, `metric_alert_monitor`...
    pub event_type: Option<String>,
    /// `$ORG_NAME`.
    pub org: Option<String>,
    /// `$HOSTNAME`.
    pub hostname: Option<String>,
    /// `service:` of the scope, the query or the tags.
    pub service: Option<String>,
    /// `env:` of the scope, the query or the tags.
    pub env: Option<String>,
    /// `resource_name:` as Datadog normalised it (`get_/users/_id`).
    pub resource: Option<String>,
    /// The resource with the normalisation undone where it can be guessed (`GET /users/:id`).
    pub resource_display: Option<String>,
    /// Integration of an APM metric: `flask` for `trace.flask.request.errors`.
    pub integration: Option<String>,
    /// Span operation of an APM metric: `flask.request`.
    pub operation: Option<String>,
    /// What an APM metric measures: `hits`, `errors`, `duration`, `apdex`... For an error
    /// ratio, `errors`.
    pub measure: Option<String>,
    /// Every APM measure the query reads (`["errors", "hits"]` for an error ratio).
    pub measures: Vec<String>,
    /// `p50`, `p75`, `p90`, `p95`, `p99` or `max`.
    pub percentile: Option<String>,
    /// Time aggregation (`avg` of `avg(last_5m)`), or the rollup of an event query.
    pub aggregation: Option<String>,
    /// Evaluation window: `last_5m`.
    pub window: Option<String>,
    /// `>`, `>=`, `<`, `<=`, `==`, `!=`: from the query, else the message or status text.
    pub comparator: Option<String>,
    /// Threshold: from the query, else the payload or text such as "threshold of 2".
    pub threshold: Option<f64>,
    /// Observed value, when the payload carries one (`value`, `metric_value`...) or the text
    /// says "value: 2.4".
    pub value: Option<f64>,
    /// The observed error rate, when the query divides errors by hits and a value is known.
    pub error_rate: Option<f64>,
    /// True when the query divides an `errors` metric by a `hits` metric.
    pub error_rate_query: bool,
    /// True for a No Data transition, `[No Data]` in the title or "no data" in the message.
    pub no_data: bool,
    /// Title, message and status, lower-cased, for keyword checks in rules.
    pub text: String,
    /// The parsed query (`kind`, `metrics`, `search_terms`...), when there is one.
    pub monitor: Option<MonitorQuery>,
    /// The payload as received.
    pub raw: Value,
}

/// Read a payload: `-` is stdin, text starting with `{` (after whitespace) is inline JSON,
/// anything else a file path. Returns (origin, text).
pub fn read_payload(arg: &str) -> Result<(String, String), AlertError> {
    if arg == "-" {
        let mut text = String::new();
        std::io::stdin()
            .read_to_string(&mut text)
            .map_err(|e| AlertError::Io {
                origin: "<stdin>".into(),
                message: e.to_string(),
            })?;
        return Ok(("<stdin>".into(), text));
    }
    if arg.trim_start().starts_with('{') {
        return Ok(("<inline>".into(), arg.to_string()));
    }
    let text = std::fs::read_to_string(arg).map_err(|e| AlertError::Io {
        origin: arg.into(),
        message: e.to_string(),
    })?;
    Ok((arg.into(), text))
}

/// Every scalar and array of the payload with its key path and key, normalised (lower-case,
/// letters and digits only), for lookups by variable name.
struct Fields<'a> {
    entries: Vec<Entry<'a>>,
}

struct Entry<'a> {
    path: String,
    leaf: String,
    depth: usize,
    value: &'a Value,
}

fn normalise_key(key: &str) -> String {
    key.chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

impl<'a> Fields<'a> {
    fn new(root: &'a Value) -> Fields<'a> {
        let mut entries = Vec::new();
        collect(root, "", 0, &mut entries);
        Fields { entries }
    }

    /// The first of `aliases` found: as a whole key path first (`alerttype`, `orgname`), then
    /// as a nested key (shallowest first). Generic keys (`id`, `name`) match only as paths.
    fn get(&self, aliases: &[&str]) -> Option<&'a Value> {
        for alias in aliases {
            if let Some(e) = self
                .entries
                .iter()
                .filter(|e| e.path == *alias)
                .min_by_key(|e| e.depth)
            {
                return Some(e.value);
            }
        }
        for alias in aliases.iter().filter(|a| !["id", "name"].contains(*a)) {
            if let Some(e) = self
                .entries
                .iter()
                .filter(|e| e.leaf == *alias)
                .min_by_key(|e| e.depth)
            {
                return Some(e.value);
            }
        }
        None
    }

    fn string(&self, aliases: &[&str]) -> Option<String> {
        self.get(aliases).and_then(scalar_string)
    }

    fn number(&self, aliases: &[&str]) -> Option<f64> {
        match self.get(aliases)? {
            Value::Number(n) => n.as_f64(),
            Value::String(s) => s.trim().parse().ok(),
            _ => None,
        }
    }
}

fn collect<'a>(value: &'a Value, path: &str, depth: usize, out: &mut Vec<Entry<'a>>) {
    if let Value::Object(map) = value {
        for (k, v) in map {
            let leaf = normalise_key(k);
            let full = format!("{path}{leaf}");
            match v {
                Value::Object(_) => collect(v, &full, depth + 1, out),
                _ => out.push(Entry {
                    path: full,
                    leaf,
                    depth,
                    value: v,
                }),
            }
        }
    }
}

/// A string, number or boolean as text; empty strings and unreplaced `$VARIABLES` are `None`.
fn scalar_string(v: &Value) -> Option<String> {
    let s = match v {
        Value::String(s) => s.trim().to_string(),
        Value::Number(n) => n.to_string(),
        Value::Bool(b) => b.to_string(),
        _ => return None,
    };
    let unreplaced = s.starts_with('$')
        && s.len() > 1
        && s[1..]
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_');
    (!s.is_empty() && !unreplaced).then_some(s)
}

const TRANSITIONS: &[&str] = &[
    "Re-Triggered",
    "Triggered",
    "Recovered",
    "Re-No Data",
    "No Data",
    "Re-Warn",
    "Warn",
    "Renotify",
];

/// The transition named at the start of a `[...]` group of a title: `[Triggered on {x}]`,
/// `[P1] [Recovered]`.
fn transition_from_title(title: &str) -> Option<String> {
    let mut rest = title;
    while let Some(open) = rest.find('[') {
        let after = &rest[open + 1..];
        let close = after.find(']').unwrap_or(after.len());
        let group = after[..close].trim();
        for t in TRANSITIONS {
            // `get`: the group may hold multi-byte characters where the name would end.
            if group
                .get(..t.len())
                .is_some_and(|g| g.eq_ignore_ascii_case(t))
            {
                return Some((*t).to_string());
            }
        }
        rest = &after[close.min(after.len())..];
    }
    None
}

/// The number after the first occurrence of one of `markers` (case-insensitive), skipping
/// spaces, `*` (Markdown bold), `:` and `=`.
fn number_after(text: &str, markers: &[&str]) -> Option<f64> {
    let lower = text.to_ascii_lowercase();
    for marker in markers {
        let mut from = 0;
        while let Some(at) = lower[from..].find(marker) {
            let start = from + at + marker.len();
            let tail = lower[start..].trim_start_matches([' ', '*', ':', '=', '`']);
            let num: String = tail
                .chars()
                .take_while(|c| c.is_ascii_digit() || *c == '.' || *c == '-')
                .collect();
            let num = num.trim_end_matches('.');
            if let Ok(n) = num.parse() {
                return Some(n);
            }
            if marker.is_empty() {
                break;
            }
            from = start;
        }
    }
    None
}

/// `was > 2.0` / `was **> 2.0**` in Datadog's status and message text.
fn comparison_in_text(text: &str) -> Option<(String, f64)> {
    let mut from = 0;
    while let Some(at) = text[from..].find("was ") {
        let start = from + at + 4;
        let tail = text[start..].trim_start_matches([' ', '*']);
        for cmp in [">=", "<=", "==", "!=", ">", "<"] {
            if let Some(rest) = tail.strip_prefix(cmp) {
                if let Some(n) = number_after(rest, &[""]) {
                    return Some((cmp.to_string(), n));
                }
            }
        }
        from = start;
    }
    None
}

/// The scope of a title: `[Triggered on {env:prod,service:x}] ...` → `env:prod,service:x`.
fn scope_from_title(title: &str) -> Option<String> {
    let at = title.find(" on {")?;
    let rest = &title[at + 5..];
    let end = rest.find('}')?;
    Some(rest[..end].to_string()).filter(|s| !s.is_empty())
}

/// The first APM metric name (`trace.<...>`) in a text.
fn trace_metric_in_text(text: &str) -> Option<String> {
    let mut from = 0;
    while let Some(at) = text[from..].find("trace.") {
        let start = from + at;
        let boundary = text[..start]
            .chars()
            .next_back()
            .is_none_or(|c| !(c.is_ascii_alphanumeric() || c == '_' || c == '.'));
        let name: String = text[start..]
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == '.')
            .collect();
        let name = name.trim_end_matches('.');
        if boundary && name.len() > "trace.".len() && name[6..].contains('.') {
            return Some(name.to_string());
        }
        from = start + "trace.".len();
    }
    None
}

fn tags_of(v: Option<&Value>) -> Vec<String> {
    match v {
        Some(Value::Array(items)) => items
            .iter()
            .filter_map(scalar_string)
            .flat_map(|s| query::scope_tags(&s))
            .collect(),
        Some(v) => scalar_string(v)
            .map(|s| query::scope_tags(&s))
            .unwrap_or_default(),
        None => Vec::new(),
    }
}

/// Parse a webhook payload. Invalid JSON is an error naming `origin`, line and column.
pub fn parse_alert(text: &str, origin: &str) -> Result<Alert, AlertError> {
    let raw: Value = serde_json::from_str(text).map_err(|e| AlertError::Json {
        origin: origin.into(),
        line: e.line(),
        column: e.column(),
        message: e.to_string(),
    })?;
    if !raw.is_object() {
        let found = match &raw {
            Value::Array(_) => "an array",
            Value::String(_) => "a string",
            Value::Number(_) => "a number",
            Value::Bool(_) => "a boolean",
            _ => "null",
        };
        return Err(AlertError::NotAnObject {
            origin: origin.into(),
            found: found.into(),
        });
    }
    let f = Fields::new(&raw);
    let mut a = Alert {
        origin: origin.into(),
        id: f.string(&["id", "eventid"]),
        monitor_id: f.string(&["alertid", "monitorid"]),
        title: f.string(&["title", "eventtitle", "alerttitle", "alertname"]),
        message: f.string(&[
            "eventmsg",
            "body",
            "message",
            "eventmessage",
            "textonlymsg",
            "msg",
            "text",
        ]),
        alert_type: f.string(&["alerttype"]).map(|s| s.to_ascii_lowercase()),
        transition: f.string(&["alerttransition", "transition"]),
        status: f.string(&["alertstatus", "status"]),
        metric: f.string(&["alertmetric", "metric", "metricname"]),
        query: f.string(&["alertquery", "query", "monitorquery"]),
        scope: f.string(&["alertscope", "scope"]),
        tags: tags_of(f.get(&["tags", "eventtags", "alerttags"])),
        date: f.string(&["date", "lastupdated", "timestamp"]),
        link: f.string(&["link", "eventlink", "url", "monitorurl"]),
        priority: f.string(&["alertpriority", "priority"]),
        event_type: f.string(&["eventtype"]),
        org: f.string(&["orgname"]),
        hostname: f.string(&["hostname", "host"]),
        value: f.number(&[
            "value",
            "alertvalue",
            "metricvalue",
            "alertmetricvalue",
            "observedvalue",
            "currentvalue",
        ]),
        threshold: f.number(&["threshold", "alertthreshold", "criticalthreshold"]),
        ..Default::default()
    };

    let all_titles: Vec<String> = [
        a.title.clone(),
        f.string(&["eventtitle"]),
        f.string(&["alerttitle"]),
    ]
    .into_iter()
    .flatten()
    .collect();
    if a.transition.is_none() {
        a.transition = all_titles.iter().find_map(|t| transition_from_title(t));
    }
    if a.alert_type.is_none() {
        a.alert_type = match a.transition.as_deref() {
            Some("Triggered" | "Re-Triggered") => Some("error".into()),
            Some("Warn" | "Re-Warn") => Some("warning".into()),
            Some("Recovered") => Some("success".into()),
            _ => None,
        };
    }

    if a.scope.is_none() {
        a.scope = all_titles.iter().find_map(|t| scope_from_title(t));
    }

    // The query.
    let monitor = a.query.as_deref().map(query::parse_query);
    let mut query_tags: Vec<String> = Vec::new();
    if let Some(m) = &monitor {
        a.aggregation = m.aggregation.clone();
        a.window = m.window.clone();
        if m.comparator.is_some() {
            a.comparator = m.comparator.clone();
        }
        if m.threshold.is_some() {
            a.threshold = m.threshold;
        }
        for metric in &m.metrics {
            query_tags.extend(metric.scope.iter().cloned());
        }
        query_tags.extend(m.search_terms.iter().cloned());
        if a.metric.is_none() {
            a.metric = m.metrics.first().map(|x| x.name.clone());
        }
        let families: Vec<_> = m
            .metrics
            .iter()
            .filter_map(|x| query::metric_family(&x.name, x.space_aggregation.as_deref()))
            .collect();
        for fam in &families {
            if !a.measures.contains(&fam.measure) {
                a.measures.push(fam.measure.clone());
            }
        }
        if let Some(first) = families.first() {
            a.integration = Some(first.integration.clone());
            a.operation = Some(first.operation.clone());
            a.measure = Some(first.measure.clone());
        }
        a.percentile = families.iter().find_map(|x| x.percentile.clone());
        a.error_rate_query = m.ratio
            && families.first().is_some_and(|x| x.measure == "errors")
            && families.get(1).is_some_and(|x| x.measure == "hits");
        if a.percentile.is_none() && m.kind != "metric" {
            a.percentile = a.aggregation.as_deref().and_then(query::percentile);
        }
    }
    // The default template has neither query nor metric: Datadog's message names the metric
    // (`**trace.slim.request.hits** over **service:catalog** was ...`).
    if a.metric.is_none() {
        a.metric = [a.status.as_deref(), a.message.as_deref()]
            .into_iter()
            .flatten()
            .find_map(trace_metric_in_text);
    }
    // `$ALERT_METRIC` without a query (or a query on a different metric).
    if a.operation.is_none() {
        if let Some(fam) = a
            .metric
            .as_deref()
            .and_then(|name| query::metric_family(name, None))
        {
            a.integration = Some(fam.integration);
            a.operation = Some(fam.operation);
            a.measures.push(fam.measure.clone());
            a.measure = Some(fam.measure);
            a.percentile = a.percentile.take().or(fam.percentile);
        }
    }
    a.monitor = monitor;

    // Texts: comparison, threshold and value where the payload has no field for them.
    let texts: Vec<&str> = [a.status.as_deref(), a.message.as_deref()]
        .into_iter()
        .flatten()
        .collect();
    for text in &texts {
        if let Some((cmp, n)) = comparison_in_text(text) {
            a.comparator.get_or_insert(cmp);
            a.threshold.get_or_insert(n);
        }
        if a.threshold.is_none() {
            a.threshold = number_after(text, &["threshold of", "threshold:", "threshold ="]);
            if a.threshold.is_some() && a.comparator.is_none() {
                let lower = text.to_ascii_lowercase();
                if lower.contains("above") || lower.contains("exceed") {
                    a.comparator = Some(">".into());
                } else if lower.contains("below") {
                    a.comparator = Some("<".into());
                }
            }
        }
        if a.value.is_none() {
            a.value = number_after(
                text,
                &[
                    "value:",
                    "value of",
                    "value is",
                    "value was",
                    "current value",
                    "observed value",
                ],
            );
        }
    }
    if a.error_rate_query {
        a.error_rate = a.value;
    }

    // Service, env and resource: the scope first, then the query, then the tags.
    let scope_tags = a
        .scope
        .as_deref()
        .map(query::scope_tags)
        .unwrap_or_default();
    let find = |key: &str| {
        query::tag_value(&scope_tags, key)
            .or_else(|| query::tag_value(&query_tags, key))
            .or_else(|| query::tag_value(&a.tags, key))
    };
    a.service = find("service");
    a.env = find("env");
    a.resource = find("resource_name").or_else(|| find("resource"));
    a.resource_display = a.resource.as_deref().map(query::display_resource);

    a.text = [
        a.title.as_deref(),
        a.message.as_deref(),
        a.status.as_deref(),
    ]
    .into_iter()
    .flatten()
    .collect::<Vec<_>>()
    .join("\n")
    .to_lowercase();
    let lower = |s: &Option<String>| s.as_deref().unwrap_or_default().to_ascii_lowercase();
    a.no_data = lower(&a.transition).contains("no data")
        || all_titles
            .iter()
            .any(|t| t.to_ascii_lowercase().contains("[no data"))
        || lower(&a.message).contains("no data");
    a.raw = raw;
    Ok(a)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_template() {
        let text = r#"{
            "body": "%%%\n@webhook-rca\n\n**trace.slim.request.hits** over **env:prod,service:catalog** was **< 1.0** during the **last 15m**.\n%%%",
            "last_updated": "1718011500000",
            "event_type": "query_alert_monitor",
            "title": "[No Data on {env:prod,service:catalog}] catalog stopped sending traces",
            "date": "1718011500000",
            "org": {"id": "123456", "name": "Acme Shop"},
            "id": "7591843052617489152"
        }"#;
        let a = parse_alert(text, "catalog.json").unwrap();
        assert_eq!(a.id.as_deref(), Some("7591843052617489152"));
        assert_eq!(a.org.as_deref(), Some("Acme Shop"));
        assert_eq!(a.transition.as_deref(), Some("No Data"));
        assert_eq!(a.event_type.as_deref(), Some("query_alert_monitor"));
        assert!(a.no_data);
        assert_eq!(a.comparator.as_deref(), Some("<"));
        assert_eq!(a.threshold, Some(1.0));
        assert_eq!(a.date.as_deref(), Some("1718011500000"));
        assert_eq!(a.raw["org"]["id"], "123456");
        // Neither query nor metric in the default template: the title's scope and the
        // message's metric stand in.
        assert_eq!(a.scope.as_deref(), Some("env:prod,service:catalog"));
        assert_eq!(
            (a.service.as_deref(), a.env.as_deref()),
            (Some("catalog"), Some("prod"))
        );
        assert_eq!(a.metric.as_deref(), Some("trace.slim.request.hits"));
        assert_eq!(a.integration.as_deref(), Some("slim"));
        assert_eq!(a.measure.as_deref(), Some("hits"));
        assert!(a.text.contains("stopped sending traces"));
    }

    #[test]
    fn custom_template_any_case_and_nesting() {
        let text = r#"{
            "ALERT_TYPE": "error",
            "alertTransition": "Triggered",
            "monitor": {"query": "percentile(last_10m):p99:trace.servlet.request{service:fraud,env:prod,resource_name:post_/v1/assessments} > 2", "priority": "P2"},
            "alert-scope": "env:prod,service:fraud,resource_name:post_/v1/assessments",
            "tags": ["team:risk", "service:fraud"],
            "value": "2.4",
            "custom": {"runbook": "https://wiki.example.com/fraud"}
        }"#;
        let a = parse_alert(text, "<inline>").unwrap();
        assert_eq!(a.alert_type.as_deref(), Some("error"));
        assert_eq!(a.transition.as_deref(), Some("Triggered"));
        assert_eq!(a.priority.as_deref(), Some("P2"));
        assert_eq!(a.service.as_deref(), Some("fraud"));
        assert_eq!(a.env.as_deref(), Some("prod"));
        assert_eq!(a.resource.as_deref(), Some("post_/v1/assessments"));
        assert_eq!(a.resource_display.as_deref(), Some("POST /v1/assessments"));
        assert_eq!(a.integration.as_deref(), Some("servlet"));
        assert_eq!(a.operation.as_deref(), Some("servlet.request"));
        assert_eq!(a.measure.as_deref(), Some("duration"));
        assert_eq!(a.percentile.as_deref(), Some("p99"));
        assert_eq!(a.aggregation.as_deref(), Some("percentile"));
        assert_eq!(a.window.as_deref(), Some("last_10m"));
        assert_eq!(
            (a.comparator.as_deref(), a.threshold),
            (Some(">"), Some(2.0))
        );
        assert_eq!(a.value, Some(2.4));
        assert_eq!(a.metric.as_deref(), Some("trace.servlet.request"));
        assert_eq!(a.raw["custom"]["runbook"], "https://wiki.example.com/fraud");
        assert!(!a.no_data);
    }

    #[test]
    fn error_rate_and_tags_string() {
        let text = r#"{
            "alert_query": "sum(last_5m):sum:trace.echo.request.errors{service:shipping,env:prod}.as_count() / sum:trace.echo.request.hits{service:shipping,env:prod}.as_count() > 0.05",
            "tags": "env:prod, service:shipping ,team:logistics",
            "alert_metric_value": 0.12
        }"#;
        let a = parse_alert(text, "x").unwrap();
        assert!(a.error_rate_query);
        assert_eq!(a.error_rate, Some(0.12));
        assert_eq!(a.measures, vec!["errors", "hits"]);
        assert_eq!(
            a.tags,
            vec!["env:prod", "service:shipping", "team:logistics"]
        );
        assert_eq!(a.service.as_deref(), Some("shipping"));
        assert_eq!(a.metric.as_deref(), Some("trace.echo.request.errors"));
    }

    #[test]
    fn trace_analytics_and_text_values() {
        let text = r#"{
            "title": "[Triggered on {service:x}] errors",
            "query": "trace-analytics(\"service:x env:prod status:error\").rollup(\"count\").last(\"5m\") > 10",
            "message": "Error count above threshold. Value: 37"
        }"#;
        let a = parse_alert(text, "x").unwrap();
        assert_eq!(a.service.as_deref(), Some("x"));
        assert_eq!(a.env.as_deref(), Some("prod"));
        assert_eq!(a.monitor.as_ref().unwrap().kind, "trace-analytics");
        assert_eq!(a.aggregation.as_deref(), Some("count"));
        assert_eq!(a.threshold, Some(10.0));
        assert_eq!(a.value, Some(37.0));
        assert_eq!(a.transition.as_deref(), Some("Triggered"));
        assert_eq!(a.alert_type.as_deref(), Some("error"));
    }

    #[test]
    fn threshold_from_message_text() {
        let a = parse_alert(
            r#"{"body": "p99 latency is above the threshold of 2 seconds (value of 2.5)", "alert_metric": "trace.flask.request.duration.by.resource_service.95p"}"#,
            "x",
        )
        .unwrap();
        assert_eq!(a.threshold, Some(2.0));
        assert_eq!(a.comparator.as_deref(), Some(">"));
        assert_eq!(a.value, Some(2.5));
        assert_eq!(a.operation.as_deref(), Some("flask.request"));
        assert_eq!(a.percentile.as_deref(), Some("p95"));
    }

    #[test]
    fn unreplaced_variables_and_unknown_fields() {
        let a = parse_alert(
            r#"{"alert_query": "$ALERT_QUERY", "whatever": [1, {"a": null}], "id": 42}"#,
            "x",
        )
        .unwrap();
        assert_eq!(a.query, None);
        assert_eq!(a.id.as_deref(), Some("42"));
    }

    #[test]
    fn invalid_json_names_origin_line_and_column() {
        let err = parse_alert("{\n  \"title\": \"x\",\n  oops\n}", "alerts/a.json").unwrap_err();
        let text = err.to_string();
        assert!(text.starts_with("alerts/a.json:3:3:"), "{text}");
        assert!(matches!(err, AlertError::Json { line: 3, .. }));
        let err = parse_alert("[1]", "<stdin>").unwrap_err();
        assert!(err.to_string().contains("must be a JSON object"), "{err}");
    }

    #[test]
    fn read_payload_inline_and_file() {
        let (origin, text) = read_payload("  {\"a\": 1}").unwrap();
        assert_eq!(origin, "<inline>");
        assert_eq!(text.trim(), "{\"a\": 1}");
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.json");
        std::fs::write(&path, "{}").unwrap();
        let (origin, text) = read_payload(path.to_str().unwrap()).unwrap();
        assert_eq!(
            (origin.as_str(), text.as_str()),
            (path.to_str().unwrap(), "{}")
        );
        let err = read_payload("/nonexistent/alert.json").unwrap_err();
        assert!(
            err.to_string().starts_with("/nonexistent/alert.json:"),
            "{err}"
        );
    }
}
