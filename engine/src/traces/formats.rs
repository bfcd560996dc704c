//! Agent intake formats: v0.4 JSON, v0.4 MessagePack and v0.5 MessagePack.

use std::collections::BTreeMap;

use serde::de::Error as _;
use serde::{Deserialize, Deserializer};

use super::msgpack::{DecodeError, Kind, Reader, Value};
use super::{parse_id_str, ui, Span, TraceError, TraceFormat};

fn empty_span() -> Span {
    Span {
        trace_id: 0,
        span_id: 0,
        parent_id: 0,
        service: String::new(),
        name: String::new(),
        resource: String::new(),
        span_type: String::new(),
        start_ns: 0,
        duration_ns: 0,
        error: false,
        meta: BTreeMap::new(),
        metrics: BTreeMap::new(),
    }
}

// ---------------------------------------------------------------------------------------------
// JSON

/// JSON: an array is the agent's v0.4 payload, an object one of the app/API shapes.
pub(super) fn parse_json(
    bytes: &[u8],
    origin: &str,
) -> Result<(TraceFormat, Vec<Span>), TraceError> {
    let start = bytes
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(0);
    if bytes.get(start) == Some(&b'{') {
        return ui::parse(bytes, origin).map(|spans| (TraceFormat::UiJson, spans));
    }
    // `[[span, ...], ...]`, or a single trace `[span, ...]` as some tools save it.
    let second = bytes[start + 1..]
        .iter()
        .find(|b| !b.is_ascii_whitespace())
        .copied();
    let json_err = |e: serde_json::Error| TraceError::Json {
        origin: origin.to_string(),
        line: e.line(),
        column: e.column(),
        message: e.to_string(),
    };
    let spans: Vec<Span> = if second == Some(b'{') {
        let trace: Vec<V04Span> = serde_json::from_slice(bytes).map_err(json_err)?;
        trace.into_iter().map(V04Span::into_span).collect()
    } else {
        let traces: Vec<Vec<V04Span>> = serde_json::from_slice(bytes).map_err(json_err)?;
        traces
            .into_iter()
            .flatten()
            .map(V04Span::into_span)
            .collect()
    };
    Ok((TraceFormat::V04Json, spans))
}

/// A v0.4 span as JSON; unknown fields are ignored, `null` is the default.
#[derive(Deserialize)]
struct V04Span {
    #[serde(default, deserialize_with = "de_id")]
    trace_id: u64,
    #[serde(default, deserialize_with = "de_id")]
    span_id: u64,
    #[serde(default, deserialize_with = "de_id")]
    parent_id: u64,
    #[serde(default, deserialize_with = "de_string")]
    name: String,
    #[serde(default, deserialize_with = "de_string")]
    service: String,
    #[serde(default, deserialize_with = "de_string")]
    resource: String,
    #[serde(default, rename = "type", deserialize_with = "de_string")]
    span_type: String,
    #[serde(default, deserialize_with = "de_i64")]
    start: i64,
    #[serde(default, deserialize_with = "de_i64")]
    duration: i64,
    #[serde(default, deserialize_with = "de_error")]
    error: bool,
    #[serde(default, deserialize_with = "de_meta")]
    meta: BTreeMap<String, String>,
    #[serde(default, deserialize_with = "de_metrics")]
    metrics: BTreeMap<String, f64>,
}

impl V04Span {
    fn into_span(self) -> Span {
        Span {
            trace_id: self.trace_id,
            span_id: self.span_id,
            parent_id: self.parent_id,
            service: self.service,
            name: self.name,
            resource: self.resource,
            span_type: self.span_type,
            start_ns: self.start,
            duration_ns: self.duration,
            error: self.error,
            meta: self.meta,
            metrics: self.metrics,
        }
    }
}

fn de_id<'de, D: Deserializer<'de>>(d: D) -> Result<u64, D::Error> {
    json_id(&serde_json::Value::deserialize(d)?).map_err(D::Error::custom)
}

fn de_string<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    match serde_json::Value::deserialize(d)? {
        serde_json::Value::Null => Ok(String::new()),
        serde_json::Value::String(s) => Ok(s),
        other => Err(D::Error::custom(format!(
            "expected a string, found {}",
            json_type(&other)
        ))),
    }
}

fn de_i64<'de, D: Deserializer<'de>>(d: D) -> Result<i64, D::Error> {
    json_i64(&serde_json::Value::deserialize(d)?).map_err(D::Error::custom)
}

fn de_error<'de, D: Deserializer<'de>>(d: D) -> Result<bool, D::Error> {
    json_flag(&serde_json::Value::deserialize(d)?).map_err(D::Error::custom)
}

fn de_meta<'de, D: Deserializer<'de>>(d: D) -> Result<BTreeMap<String, String>, D::Error> {
    json_meta(&serde_json::Value::deserialize(d)?).map_err(D::Error::custom)
}

fn de_metrics<'de, D: Deserializer<'de>>(d: D) -> Result<BTreeMap<String, f64>, D::Error> {
    json_metrics(&serde_json::Value::deserialize(d)?).map_err(D::Error::custom)
}

pub(super) fn json_type(v: &serde_json::Value) -> &'static str {
    match v {
        serde_json::Value::Null => "null",
        serde_json::Value::Bool(_) => "a bool",
        serde_json::Value::Number(_) => "a number",
        serde_json::Value::String(_) => "a string",
        serde_json::Value::Array(_) => "an array",
        serde_json::Value::Object(_) => "an object",
    }
}

/// An ID: a JSON integer read exactly as `u64` (negative ones as their two's complement), a
/// decimal or hex string, or null (0).
pub(super) fn json_id(v: &serde_json::Value) -> Result<u64, String> {
    match v {
        serde_json::Value::Null => Ok(0),
        serde_json::Value::Number(n) => n
            .as_u64()
            .or_else(|| n.as_i64().map(|i| i as u64))
            .ok_or_else(|| format!("ID {n} is not a 64-bit integer")),
        serde_json::Value::String(s) => {
            parse_id_str(s).ok_or_else(|| format!("ID {s:?} is neither decimal nor hex"))
        }
        other => Err(format!("expected an ID, found {}", json_type(other))),
    }
}

/// A nanosecond count: an integer (floats are truncated), a decimal string, or null (0).
pub(super) fn json_i64(v: &serde_json::Value) -> Result<i64, String> {
    match v {
        serde_json::Value::Null => Ok(0),
        serde_json::Value::Number(n) => n
            .as_i64()
            .or_else(|| n.as_f64().map(|f| f as i64))
            .ok_or_else(|| format!("{n} is out of range")),
        serde_json::Value::String(s) => s
            .trim()
            .parse::<i64>()
            .map_err(|_| format!("expected an integer, found {s:?}")),
        other => Err(format!("expected an integer, found {}", json_type(other))),
    }
}

/// The error flag: a number (non-zero is set), a bool, or null.
pub(super) fn json_flag(v: &serde_json::Value) -> Result<bool, String> {
    match v {
        serde_json::Value::Null => Ok(false),
        serde_json::Value::Bool(b) => Ok(*b),
        serde_json::Value::Number(n) => Ok(n.as_f64().is_some_and(|f| f != 0.0)),
        serde_json::Value::String(s) => Ok(!matches!(s.trim(), "" | "0" | "false")),
        other => Err(format!(
            "expected an error flag, found {}",
            json_type(other)
        )),
    }
}

/// `meta`: an object of strings (numbers and bools are written as text, nulls dropped).
pub(super) fn json_meta(v: &serde_json::Value) -> Result<BTreeMap<String, String>, String> {
    json_object("meta", "a string", v, |value| match value {
        serde_json::Value::String(s) => Some(s.clone()),
        serde_json::Value::Number(_) | serde_json::Value::Bool(_) => Some(value.to_string()),
        _ => None,
    })
}

/// `metrics`: an object of numbers (nulls dropped).
pub(super) fn json_metrics(v: &serde_json::Value) -> Result<BTreeMap<String, f64>, String> {
    json_object("metrics", "a number", v, |value| match value {
        serde_json::Value::Number(n) => Some(n.as_f64().unwrap_or(0.0)),
        _ => None,
    })
}

/// A JSON object (or null, read as empty) whose values `convert` accepts; null values are
/// dropped, and any other value is an error naming `field.key` and what was `expected`.
fn json_object<T>(
    field: &str,
    expected: &str,
    v: &serde_json::Value,
    convert: impl Fn(&serde_json::Value) -> Option<T>,
) -> Result<BTreeMap<String, T>, String> {
    let map = match v {
        serde_json::Value::Null => return Ok(BTreeMap::new()),
        serde_json::Value::Object(map) => map,
        other => {
            return Err(format!(
                "{field}: expected an object, found {}",
                json_type(other)
            ))
        }
    };
    let mut out = BTreeMap::new();
    for (k, value) in map {
        if value.is_null() {
            continue;
        }
        let converted = convert(value).ok_or_else(|| {
            format!(
                "{field}.{k}: expected {expected}, found {}",
                json_type(value)
            )
        })?;
        out.insert(k.clone(), converted);
    }
    Ok(out)
}

// ---------------------------------------------------------------------------------------------
// MessagePack

/// MessagePack: v0.5 when the payload is `[array of strings, traces]`, else v0.4.
pub(super) fn parse_msgpack(
    bytes: &[u8],
    origin: &str,
) -> Result<(TraceFormat, Vec<Span>), TraceError> {
    let err = |e: DecodeError| TraceError::Msgpack {
        origin: origin.to_string(),
        offset: e.offset,
        message: e.message,
    };
    let format = detect(bytes);
    let mut r = Reader::new(bytes);
    let spans = match format {
        TraceFormat::V05Msgpack => v05(&mut r),
        _ => v04(&mut r),
    }
    .map_err(err)?;
    if !r.is_empty() {
        return Err(err(r.error_here("trailing bytes after the payload")));
    }
    Ok((format, spans))
}

/// Looks ahead (on a copy of the reader) for the v0.5 shape.
fn detect(bytes: &[u8]) -> TraceFormat {
    let v05 = || -> Result<bool, DecodeError> {
        let mut r = Reader::new(bytes);
        if r.array_len()? != 2 || r.peek_kind()? != Kind::Array {
            return Ok(false);
        }
        let strings = r.array_len()?;
        if strings > 0 {
            return Ok(r.peek_kind()? == Kind::Str);
        }
        // Empty string table: v0.5's traces hold arrays (traces of span arrays); a v0.4 trace
        // in second place holds maps.
        if r.peek_kind()? != Kind::Array || r.array_len()? == 0 {
            return Ok(false);
        }
        Ok(r.peek_kind()? == Kind::Array)
    };
    if v05().unwrap_or(false) {
        TraceFormat::V05Msgpack
    } else {
        TraceFormat::V04Msgpack
    }
}

fn v04(r: &mut Reader<'_>) -> Result<Vec<Span>, DecodeError> {
    let mut spans = Vec::new();
    let traces = r.array_len()?;
    r.enter(0)?;
    for _ in 0..traces {
        let at = r.offset();
        let n = r.array_len()?;
        r.enter(at)?;
        for _ in 0..n {
            spans.push(v04_span(r)?);
        }
        r.leave();
    }
    r.leave();
    Ok(spans)
}

fn v04_span(r: &mut Reader<'_>) -> Result<Span, DecodeError> {
    let at = r.offset();
    let fields = r.map_len()?;
    r.enter(at)?;
    let mut span = empty_span();
    for _ in 0..fields {
        let key = r.str()?;
        match key.as_str() {
            "trace_id" => span.trace_id = read_id(r)?,
            "span_id" => span.span_id = read_id(r)?,
            "parent_id" => span.parent_id = read_id(r)?,
            "name" => span.name = read_string(r)?,
            "service" => span.service = read_string(r)?,
            "resource" => span.resource = read_string(r)?,
            "type" => span.span_type = read_string(r)?,
            "start" => span.start_ns = read_i64(r)?,
            "duration" => span.duration_ns = read_i64(r)?,
            "error" => span.error = read_flag(r)?,
            "meta" => {
                if r.peek_kind()? == Kind::Nil {
                    r.skip()?;
                    continue;
                }
                let at = r.offset();
                let n = r.map_len()?;
                r.enter(at)?;
                for _ in 0..n {
                    let k = r.str()?;
                    if let Some(v) = read_meta_value(r)? {
                        span.meta.insert(k, v);
                    }
                }
                r.leave();
            }
            "metrics" => {
                if r.peek_kind()? == Kind::Nil {
                    r.skip()?;
                    continue;
                }
                let at = r.offset();
                let n = r.map_len()?;
                r.enter(at)?;
                for _ in 0..n {
                    let k = r.str()?;
                    if let Some(v) = read_number(r)? {
                        span.metrics.insert(k, v);
                    }
                }
                r.leave();
            }
            _ => r.skip()?,
        }
    }
    r.leave();
    Ok(span)
}

fn v05(r: &mut Reader<'_>) -> Result<Vec<Span>, DecodeError> {
    let at = r.offset();
    let parts = r.array_len()?;
    if parts != 2 {
        return Err(DecodeError {
            offset: at,
            message: format!("a v0.5 payload has 2 elements, found {parts}"),
        });
    }
    r.enter(at)?;
    let at = r.offset();
    let n = r.array_len()?;
    r.enter(at)?;
    let mut strings = Vec::with_capacity(n);
    for _ in 0..n {
        strings.push(r.str()?);
    }
    r.leave();

    let mut spans = Vec::new();
    let at = r.offset();
    let traces = r.array_len()?;
    r.enter(at)?;
    for _ in 0..traces {
        let at = r.offset();
        let n = r.array_len()?;
        r.enter(at)?;
        for _ in 0..n {
            spans.push(v05_span(r, &strings)?);
        }
        r.leave();
    }
    r.leave();
    r.leave();
    Ok(spans)
}

fn v05_span(r: &mut Reader<'_>, strings: &[String]) -> Result<Span, DecodeError> {
    let at = r.offset();
    let n = r.array_len()?;
    if n != 12 {
        return Err(DecodeError {
            offset: at,
            message: format!("a v0.5 span has 12 elements, found {n}"),
        });
    }
    r.enter(at)?;
    let mut span = empty_span();
    span.service = read_index(r, strings)?;
    span.name = read_index(r, strings)?;
    span.resource = read_index(r, strings)?;
    span.trace_id = read_id(r)?;
    span.span_id = read_id(r)?;
    span.parent_id = read_id(r)?;
    span.start_ns = read_i64(r)?;
    span.duration_ns = read_i64(r)?;
    span.error = read_flag(r)?;
    let at = r.offset();
    let n = r.map_len()?;
    r.enter(at)?;
    for _ in 0..n {
        let k = read_index(r, strings)?;
        let v = read_index(r, strings)?;
        span.meta.insert(k, v);
    }
    r.leave();
    let at = r.offset();
    let n = r.map_len()?;
    r.enter(at)?;
    for _ in 0..n {
        let k = read_index(r, strings)?;
        if let Some(v) = read_number(r)? {
            span.metrics.insert(k, v);
        }
    }
    r.leave();
    span.span_type = read_index(r, strings)?;
    r.leave();
    Ok(span)
}

fn wrong(at: usize, what: &str, v: &Value) -> DecodeError {
    DecodeError {
        offset: at,
        message: format!("expected {what}, found {}", v.type_name()),
    }
}

fn read_index(r: &mut Reader<'_>, strings: &[String]) -> Result<String, DecodeError> {
    let at = r.offset();
    match r.value()? {
        Value::UInt(i) => strings
            .get(usize::try_from(i).unwrap_or(usize::MAX))
            .cloned()
            .ok_or_else(|| DecodeError {
                offset: at,
                message: format!(
                    "string index {i} is out of range (the table has {})",
                    strings.len()
                ),
            }),
        v => Err(wrong(at, "a string-table index", &v)),
    }
}

fn read_id(r: &mut Reader<'_>) -> Result<u64, DecodeError> {
    let at = r.offset();
    match r.value()? {
        Value::UInt(u) => Ok(u),
        Value::Int(i) => Ok(i as u64),
        Value::Nil => Ok(0),
        Value::Str(s) => parse_id_str(&s).ok_or_else(|| DecodeError {
            offset: at,
            message: format!("ID {s:?} is neither decimal nor hex"),
        }),
        v => Err(wrong(at, "an ID", &v)),
    }
}

fn read_i64(r: &mut Reader<'_>) -> Result<i64, DecodeError> {
    let at = r.offset();
    match r.value()? {
        Value::UInt(u) => i64::try_from(u).map_err(|_| DecodeError {
            offset: at,
            message: format!("{u} is out of range for a time"),
        }),
        Value::Int(i) => Ok(i),
        Value::F32(f) => Ok(f as i64),
        Value::F64(f) => Ok(f as i64),
        Value::Nil => Ok(0),
        v => Err(wrong(at, "an integer", &v)),
    }
}

fn read_flag(r: &mut Reader<'_>) -> Result<bool, DecodeError> {
    let at = r.offset();
    match r.value()? {
        Value::UInt(u) => Ok(u != 0),
        Value::Int(i) => Ok(i != 0),
        Value::Bool(b) => Ok(b),
        Value::Nil => Ok(false),
        v => Err(wrong(at, "an error flag", &v)),
    }
}

fn read_string(r: &mut Reader<'_>) -> Result<String, DecodeError> {
    let at = r.offset();
    match r.value()? {
        Value::Str(s) => Ok(s),
        Value::Nil => Ok(String::new()),
        v => Err(wrong(at, "a string", &v)),
    }
}

fn read_meta_value(r: &mut Reader<'_>) -> Result<Option<String>, DecodeError> {
    let at = r.offset();
    Ok(match r.value()? {
        Value::Str(s) => Some(s),
        Value::Nil => None,
        Value::UInt(u) => Some(u.to_string()),
        Value::Int(i) => Some(i.to_string()),
        Value::F32(f) => Some(f.to_string()),
        Value::F64(f) => Some(f.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        v => return Err(wrong(at, "a string", &v)),
    })
}

fn read_number(r: &mut Reader<'_>) -> Result<Option<f64>, DecodeError> {
    let at = r.offset();
    Ok(match r.value()? {
        Value::UInt(u) => Some(u as f64),
        Value::Int(i) => Some(i as f64),
        Value::F32(f) => Some(f as f64),
        Value::F64(f) => Some(f),
        Value::Nil => None,
        v => return Err(wrong(at, "a number", &v)),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn meta_takes_text_numbers_and_bools_and_drops_nulls() {
        let meta =
            json_meta(&json!({"http.url": "/a", "code": 500, "ok": true, "gone": null})).unwrap();
        assert_eq!(meta["http.url"], "/a");
        assert_eq!(meta["code"], "500");
        assert_eq!(meta["ok"], "true");
        assert!(!meta.contains_key("gone"));
        assert!(json_meta(&serde_json::Value::Null).unwrap().is_empty());
        let err = json_meta(&json!({"tags": ["a"]})).unwrap_err();
        assert_eq!(err, "meta.tags: expected a string, found an array");
        assert!(json_meta(&json!("x"))
            .unwrap_err()
            .starts_with("meta: expected an object"));
    }

    #[test]
    fn metrics_take_numbers_only() {
        let metrics =
            json_metrics(&json!({"_sampling_priority_v1": 1, "x": 0.5, "n": null})).unwrap();
        assert_eq!(metrics["_sampling_priority_v1"], 1.0);
        assert_eq!(metrics["x"], 0.5);
        assert!(!metrics.contains_key("n"));
        let err = json_metrics(&json!({"x": "1"})).unwrap_err();
        assert!(
            err.starts_with("metrics.x: expected a number, found"),
            "{err}"
        );
    }
}
