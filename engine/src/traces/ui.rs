//! Trace JSON from the Datadog web app and API (shapes in the module docs of `traces`).

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use super::formats::{json_flag, json_i64, json_id, json_meta, json_metrics, json_type};
use super::{Span, TraceError};

pub(super) fn parse(bytes: &[u8], origin: &str) -> Result<Vec<Span>, TraceError> {
    let doc: Value = serde_json::from_slice(bytes).map_err(|e| TraceError::Json {
        origin: origin.to_string(),
        line: e.line(),
        column: e.column(),
        message: e.to_string(),
    })?;
    let shape = |message: String| TraceError::Json {
        origin: origin.to_string(),
        line: 0,
        column: 0,
        message,
    };
    let Value::Object(top) = &doc else {
        return Err(shape("$: expected an object".into()));
    };
    if let Some(data) = top.get("data") {
        return match data {
            Value::Array(items) => spans_search(items).map_err(shape),
            Value::Object(obj) => {
                let spans = obj
                    .get("attributes")
                    .and_then(|a| a.get("spans"))
                    .ok_or_else(|| shape("$.data: no attributes.spans".into()))?;
                trace_api(spans).map_err(shape)
            }
            other => Err(shape(format!(
                "$.data: expected an array or object, found {}",
                json_type(other)
            ))),
        };
    }
    let (holder, path) = match top.get("trace") {
        Some(Value::Object(trace)) => (trace, "$.trace"),
        Some(other) => {
            return Err(shape(format!(
                "$.trace: expected an object, found {}",
                json_type(other)
            )))
        }
        None if top.contains_key("spans") => (top, "$"),
        None => {
            return Err(TraceError::Unrecognised {
                origin: origin.to_string(),
                message: "a JSON object without `trace`, `spans` or `data`".into(),
            })
        }
    };
    let mut spans = Vec::new();
    match holder.get("spans") {
        Some(Value::Object(map)) => {
            for (key, span) in map {
                spans.push(
                    view_span(span, Some(key))
                        .map_err(|m| shape(format!("{path}.spans.{key}: {m}")))?,
                );
            }
        }
        Some(Value::Array(list)) => {
            for (i, span) in list.iter().enumerate() {
                spans.push(
                    view_span(span, None).map_err(|m| shape(format!("{path}.spans[{i}]: {m}")))?,
                );
            }
        }
        Some(other) => {
            return Err(shape(format!(
                "{path}.spans: expected an object or array, found {}",
                json_type(other)
            )))
        }
        None => return Err(shape(format!("{path}: no spans"))),
    }
    if let Some(Value::Array(orphans)) = top.get("orphaned") {
        for (i, span) in orphans.iter().enumerate() {
            spans.push(view_span(span, None).map_err(|m| shape(format!("$.orphaned[{i}]: {m}")))?);
        }
    }
    // Spans without a trace ID take the root's.
    let root_trace = holder
        .get("root_id")
        .and_then(|r| json_id(r).ok())
        .and_then(|root| spans.iter().find(|s| s.span_id == root))
        .or_else(|| spans.iter().find(|s| s.trace_id != 0))
        .map(|s| s.trace_id)
        .unwrap_or(0);
    for span in &mut spans {
        if span.trace_id == 0 {
            span.trace_id = root_trace;
        }
    }
    Ok(spans)
}

fn object(v: &Value) -> Result<&Map<String, Value>, String> {
    match v {
        Value::Object(o) => Ok(o),
        other => Err(format!("expected an object, found {}", json_type(other))),
    }
}

fn text(o: &Map<String, Value>, keys: &[&str]) -> String {
    keys.iter()
        .find_map(|k| match o.get(*k) {
            Some(Value::String(s)) => Some(s.clone()),
            Some(Value::Number(n)) => Some(n.to_string()),
            _ => None,
        })
        .unwrap_or_default()
}

fn id(o: &Map<String, Value>, key: &str) -> Result<u64, String> {
    o.get(key)
        .map(json_id)
        .transpose()
        .map(|v| v.unwrap_or(0))
        .map_err(|m| format!("{key}: {m}"))
}

/// Nanoseconds per unit of a trace-view timestamp: seconds as the app writes them; larger
/// magnitudes are read as milliseconds, microseconds or nanoseconds.
fn unit_of(start: f64) -> f64 {
    let a = start.abs();
    if a >= 1e17 {
        1.0
    } else if a >= 1e14 {
        1e3
    } else if a >= 1e11 {
        1e6
    } else {
        1e9
    }
}

fn number(o: &Map<String, Value>, key: &str) -> Result<Option<f64>, String> {
    match o.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Number(n)) => Ok(n.as_f64()),
        Some(Value::String(s)) => s
            .trim()
            .parse::<f64>()
            .map(Some)
            .map_err(|_| format!("{key}: expected a number, found {s:?}")),
        Some(other) => Err(format!(
            "{key}: expected a number, found {}",
            json_type(other)
        )),
    }
}

/// A span of the trace view (times in seconds).
fn view_span(v: &Value, key: Option<&String>) -> Result<Span, String> {
    let o = object(v)?;
    let mut span_id = id(o, "span_id")?;
    if span_id == 0 {
        if let Some(k) = key {
            span_id = super::parse_id_str(k).unwrap_or(0);
        }
    }
    let start = number(o, "start")?.unwrap_or(0.0);
    let unit = unit_of(start);
    let duration = match number(o, "duration")? {
        Some(d) => d,
        None => number(o, "end")?.map(|e| e - start).unwrap_or(0.0),
    };
    let status_error = matches!(o.get("status"), Some(Value::String(s)) if s == "error");
    Ok(Span {
        trace_id: id(o, "trace_id")?,
        span_id,
        parent_id: id(o, "parent_id")?,
        service: text(o, &["service"]),
        name: text(o, &["name"]),
        resource: text(o, &["resource"]),
        span_type: text(o, &["type"]),
        start_ns: (start * unit).round() as i64,
        duration_ns: (duration * unit).round() as i64,
        error: o.get("error").map(json_flag).transpose()?.unwrap_or(false) || status_error,
        meta: o
            .get("meta")
            .map(json_meta)
            .transpose()?
            .unwrap_or_default(),
        metrics: o
            .get("metrics")
            .map(json_metrics)
            .transpose()?
            .unwrap_or_default(),
    })
}

/// `GET /api/v2/trace/{id}`: spans with camelCase IDs and nanosecond times.
fn trace_api(spans: &Value) -> Result<Vec<Span>, String> {
    let Value::Array(list) = spans else {
        return Err(format!(
            "$.data.attributes.spans: expected an array, found {}",
            json_type(spans)
        ));
    };
    let mut out = Vec::with_capacity(list.len());
    for (i, v) in list.iter().enumerate() {
        let at = |m: String| format!("$.data.attributes.spans[{i}]: {m}");
        let o = object(v).map_err(at)?;
        let field = |k: &str| o.get(k).cloned().unwrap_or(Value::Null);
        let start = json_i64(&field("startTime")).map_err(|m| at(format!("startTime: {m}")))?;
        let duration = match o.get("duration") {
            Some(d) => json_i64(d).map_err(|m| at(format!("duration: {m}")))?,
            None => json_i64(&field("endTime"))
                .map_err(at)?
                .saturating_sub(start),
        };
        let trace_id = match o.get("traceIDFull") {
            Some(Value::String(full)) if !full.is_empty() => json_id(&Value::String(full.clone())),
            _ => json_id(&field("traceID")),
        }
        .map_err(|m| at(format!("traceID: {m}")))?;
        out.push(Span {
            trace_id,
            span_id: id(o, "spanID").map_err(at)?,
            parent_id: id(o, "parentID").map_err(at)?,
            service: text(o, &["service"]),
            name: text(o, &["name"]),
            resource: text(o, &["resource"]),
            span_type: text(o, &["type"]),
            start_ns: start,
            duration_ns: duration,
            error: json_flag(&field("error")).map_err(at)?,
            meta: json_meta(&field("meta")).map_err(at)?,
            metrics: json_metrics(&field("metrics")).map_err(at)?,
        });
    }
    Ok(out)
}

/// `GET /api/v2/spans/events`: one span per `data[]` item.
fn spans_search(items: &[Value]) -> Result<Vec<Span>, String> {
    let mut out = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        let at = |m: String| format!("$.data[{i}]: {m}");
        let attrs = item
            .get("attributes")
            .ok_or_else(|| at("no attributes".into()))
            .and_then(|a| object(a).map_err(at))?;
        let mut meta = BTreeMap::new();
        let mut metrics = BTreeMap::new();
        for key in ["attributes", "custom"] {
            if let Some(Value::Object(tags)) = attrs.get(key) {
                flatten("", tags, &mut meta, &mut metrics);
            }
        }
        let start = match attrs.get("start_timestamp") {
            Some(Value::String(s)) => parse_rfc3339(s)
                .ok_or_else(|| at(format!("start_timestamp {s:?} is not RFC 3339")))?,
            _ => 0,
        };
        let end = match attrs.get("end_timestamp") {
            Some(Value::String(s)) => Some(
                parse_rfc3339(s)
                    .ok_or_else(|| at(format!("end_timestamp {s:?} is not RFC 3339")))?,
            ),
            _ => None,
        };
        let duration = metrics
            .get("duration")
            .map(|d| *d as i64)
            .or_else(|| end.map(|e| e.saturating_sub(start)))
            .unwrap_or(0);
        let error = match meta.get("error") {
            Some(flag) => !matches!(flag.as_str(), "" | "0" | "false"),
            None => {
                metrics.get("error").is_some_and(|e| *e != 0.0)
                    || meta.contains_key("error.message")
                    || meta.contains_key("error.type")
            }
        };
        let mut name = text(attrs, &["operation_name", "name"]);
        if name.is_empty() {
            name = meta.get("operation_name").cloned().unwrap_or_default();
        }
        out.push(Span {
            trace_id: id(attrs, "trace_id").map_err(at)?,
            span_id: id(attrs, "span_id").map_err(at)?,
            parent_id: id(attrs, "parent_id").map_err(at)?,
            service: text(attrs, &["service"]),
            name,
            resource: text(attrs, &["resource_name", "resource"]),
            span_type: text(attrs, &["type"]),
            start_ns: start,
            duration_ns: duration,
            error,
            meta,
            metrics,
        });
    }
    Ok(out)
}

/// Flattens nested tag objects to dotted keys: strings and bools into `meta`, numbers into
/// `metrics`, arrays as JSON text into `meta`.
fn flatten(
    prefix: &str,
    tags: &Map<String, Value>,
    meta: &mut BTreeMap<String, String>,
    metrics: &mut BTreeMap<String, f64>,
) {
    for (k, v) in tags {
        let key = if prefix.is_empty() {
            k.clone()
        } else {
            format!("{prefix}.{k}")
        };
        match v {
            Value::Null => {}
            Value::Bool(b) => {
                meta.insert(key, b.to_string());
            }
            Value::Number(n) => {
                metrics.insert(key, n.as_f64().unwrap_or(0.0));
            }
            Value::String(s) => {
                meta.insert(key, s.clone());
            }
            Value::Array(_) => {
                meta.insert(key, v.to_string());
            }
            Value::Object(inner) => flatten(&key, inner, meta, metrics),
        }
    }
}

/// Parses an RFC 3339 timestamp (`2024-05-13T11:15:57.799Z`, `...+02:00`) to Unix nanoseconds.
pub(crate) fn parse_rfc3339(s: &str) -> Option<i64> {
    let b = s.trim().as_bytes();
    let num = |range: std::ops::Range<usize>| -> Option<i64> {
        let part = b.get(range)?;
        if part.is_empty() || !part.iter().all(u8::is_ascii_digit) {
            return None;
        }
        std::str::from_utf8(part).ok()?.parse().ok()
    };
    let (year, month, day) = (num(0..4)?, num(5..7)?, num(8..10)?);
    if b.get(4) != Some(&b'-')
        || b.get(7) != Some(&b'-')
        || !matches!(b.get(10), Some(b'T' | b't' | b' '))
    {
        return None;
    }
    let (hour, minute, second) = (num(11..13)?, num(14..16)?, num(17..19)?);
    if b.get(13) != Some(&b':') || b.get(16) != Some(&b':') {
        return None;
    }
    if !(1..=12).contains(&month)
        || !(1..=31).contains(&day)
        || hour > 23
        || minute > 59
        || second > 60
    {
        return None;
    }
    let mut i = 19;
    let mut nanos: i64 = 0;
    if b.get(i) == Some(&b'.') {
        i += 1;
        let mut digits = 0;
        while let Some(d) = b.get(i).filter(|d| d.is_ascii_digit()) {
            if digits < 9 {
                nanos = nanos * 10 + i64::from(d - b'0');
                digits += 1;
            }
            i += 1;
        }
        if digits == 0 {
            return None;
        }
        for _ in digits..9 {
            nanos *= 10;
        }
    }
    let offset_s = match b.get(i) {
        Some(b'Z' | b'z') if i + 1 == b.len() => 0,
        Some(sign @ (b'+' | b'-')) if i + 6 == b.len() && b.get(i + 3) == Some(&b':') => {
            let secs = num(i + 1..i + 3)? * 3600 + num(i + 4..i + 6)? * 60;
            if *sign == b'+' {
                secs
            } else {
                -secs
            }
        }
        _ => return None,
    };
    // Days from the civil date (proleptic Gregorian), after Howard Hinnant's algorithm.
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    let secs = days * 86_400 + hour * 3600 + minute * 60 + second - offset_s;
    secs.checked_mul(1_000_000_000)?.checked_add(nanos)
}
