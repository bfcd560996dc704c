//! What a set of traces says about the instrumentation: uninstrumented gaps, slow spans,
//! orphans, traces split at a service boundary, status/error-flag mismatches, high-cardinality
//! resources and per-service latency.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use serde::Serialize;

use super::{Span, Trace};

/// Gaps shorter than this are ignored (1 ms).
pub const MIN_GAP_NS: i64 = 1_000_000;
/// Gaps smaller than this share of their span are ignored (10%).
pub const MIN_GAP_SHARE: f64 = 0.10;
/// How many spans [`TraceEvidence::slowest`] lists.
pub const SLOWEST: usize = 10;
/// Clock skew allowed between services when matching a split trace (5 ms).
pub const SPLIT_SKEW_NS: i64 = 5_000_000;
/// Uncovered intervals reported per span, largest first.
const INTERVALS_PER_GAP: usize = 3;

/// Everything [`analyse`] found.
#[derive(Debug, Clone, Default, Serialize)]
pub struct TraceEvidence {
    /// Number of traces analysed.
    pub trace_count: usize,
    /// Number of spans analysed.
    pub span_count: usize,
    /// Spans whose children leave part of their time uncovered, largest gap first.
    pub gaps: Vec<SpanGap>,
    /// The [`SLOWEST`] longest spans.
    pub slowest: Vec<SlowSpan>,
    /// Spans whose parent is not in their trace.
    pub orphans: Vec<Orphan>,
    /// Traces that look like one request split at a service boundary.
    pub split_traces: Vec<SplitTrace>,
    /// Spans with an HTTP status >= 500 and no error flag.
    pub status_errors: Vec<StatusMismatch>,
    /// Spans with an HTTP status 400-499 flagged as errors.
    pub client_errors_flagged: Vec<StatusMismatch>,
    /// Resource names holding IDs, with the templated form.
    pub dynamic_resources: Vec<DynamicResource>,
    /// Per-service counts and latency, by service name.
    pub services: Vec<ServiceSummary>,
}

/// Identifies a span and what it does.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SpanRef {
    /// Trace ID.
    pub trace_id: u64,
    /// Span ID.
    pub span_id: u64,
    /// Service.
    pub service: String,
    /// Operation name.
    pub name: String,
    /// Resource.
    pub resource: String,
}

impl SpanRef {
    fn of(s: &Span) -> Self {
        SpanRef {
            trace_id: s.trace_id,
            span_id: s.span_id,
            service: s.service.clone(),
            name: s.name.clone(),
            resource: s.resource.clone(),
        }
    }
}

/// A span whose children leave part of its time uncovered: work with no span of its own.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SpanGap {
    /// The span (the parent of the gap).
    pub span: SpanRef,
    /// The span's tags, to map it to code (`component`, `http.route`, `resource.name`, ...).
    pub meta: BTreeMap<String, String>,
    /// The span's start, from the start of its trace.
    pub offset_ns: i64,
    /// The span's duration.
    pub duration_ns: i64,
    /// Number of direct children.
    pub children: usize,
    /// All of the span's time that no child covers (its self time).
    pub uncovered_ns: i64,
    /// The largest uncovered intervals that pass the thresholds, largest first.
    pub intervals: Vec<GapInterval>,
}

impl SpanGap {
    /// The largest uncovered interval.
    pub fn largest_ns(&self) -> i64 {
        self.intervals.first().map_or(0, |i| i.duration_ns)
    }
}

/// One contiguous stretch of a span that no child covers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct GapInterval {
    /// Start, from the start of the trace.
    pub offset_ns: i64,
    /// Length.
    pub duration_ns: i64,
    /// The child that ended where the gap starts (`None`: the gap opens the span).
    pub after: Option<String>,
    /// The child that starts where the gap ends (`None`: the gap closes the span).
    pub before: Option<String>,
}

/// One of the longest spans.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SlowSpan {
    /// The span.
    pub span: SpanRef,
    /// Its duration.
    pub duration_ns: i64,
    /// Its time not covered by children.
    pub self_ns: i64,
    /// Its start, from the start of its trace.
    pub offset_ns: i64,
}

/// A span whose parent is not in its trace.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Orphan {
    /// The span.
    pub span: SpanRef,
    /// The missing parent's ID.
    pub parent_id: u64,
}

/// Why a caller span was matched to a callee root in another trace.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SplitEvidence {
    /// No client span: the innermost span of another service that encloses the callee's root
    /// (an uninstrumented call).
    EnclosingSpan,
    /// A client-side span (span.kind client/producer, type http/grpc) running at the time.
    ClientSpan,
    /// A client-side span that names the callee (peer.service, out.host, URL, RPC service).
    ClientSpanNamesCallee,
    /// The callee root's parent ID is a span of the other trace (the trace ID was lost).
    ParentInOtherTrace,
}

/// A request that left one service in one trace and arrived in another trace.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SplitTrace {
    /// The calling service (A).
    pub caller_service: String,
    /// The called service (B).
    pub callee_service: String,
    /// A's trace.
    pub caller_trace_id: u64,
    /// B's trace.
    pub callee_trace_id: u64,
    /// The span of A matched as the caller.
    pub caller_span: SpanRef,
    /// B's root span.
    pub callee_root: SpanRef,
    /// How the match was made (strongest first in the enum's order, reversed).
    pub evidence: SplitEvidence,
    /// When B's root started, from the start of the caller span.
    pub callee_start_offset_ns: i64,
}

/// A span whose HTTP status and error flag disagree.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StatusMismatch {
    /// The span.
    pub span: SpanRef,
    /// Its `http.status_code`.
    pub status_code: u16,
    /// Its error flag.
    pub error: bool,
}

/// Resource names of a service that differ only in IDs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DynamicResource {
    /// Service.
    pub service: String,
    /// Operation name of the spans.
    pub name: String,
    /// The suggested resource, IDs replaced by `?` (`GET /users/?`).
    pub template: String,
    /// Up to three resource names seen.
    pub examples: Vec<String>,
    /// Distinct resource names seen for the template.
    pub distinct: usize,
    /// Spans with such a resource.
    pub spans: usize,
}

/// Counts and latency of one service.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ServiceSummary {
    /// Service.
    pub service: String,
    /// Spans of the service.
    pub spans: usize,
    /// Of those, flagged as errors.
    pub errors: usize,
    /// Entry spans: trace roots, orphans and spans whose parent belongs to another service.
    pub entry_spans: usize,
    /// Median duration of the entry spans.
    pub p50_ns: i64,
    /// 95th percentile (nearest rank).
    pub p95_ns: i64,
    /// 99th percentile (nearest rank).
    pub p99_ns: i64,
}

/// Analyses traces (typically from one [`super::load_traces`] call).
pub fn analyse(traces: &[Trace]) -> TraceEvidence {
    let mut ev = TraceEvidence {
        trace_count: traces.len(),
        span_count: traces.iter().map(|t| t.spans.len()).sum(),
        ..TraceEvidence::default()
    };
    let mut slow: Vec<SlowSpan> = Vec::new();
    for trace in traces {
        let t0 = trace.start_ns();
        let ids: HashMap<u64, usize> = trace
            .spans
            .iter()
            .enumerate()
            .map(|(i, s)| (s.span_id, i))
            .collect();
        let children = children_of(trace);
        for span in &trace.spans {
            let kids = children
                .get(&span.span_id)
                .map(Vec::as_slice)
                .unwrap_or(&[]);
            let uncovered = uncovered(span, kids.iter().map(|&k| &trace.spans[k]));
            let self_ns: i64 = uncovered.iter().map(|g| g.1 - g.0).sum();
            slow.push(SlowSpan {
                span: SpanRef::of(span),
                duration_ns: span.duration_ns,
                self_ns,
                offset_ns: span.start_ns - t0,
            });
            if !kids.is_empty() {
                if let Some(gap) = gap_of(span, kids, trace, &uncovered, t0) {
                    ev.gaps.push(gap);
                }
            }
            if span.parent_id != 0 && !ids.contains_key(&span.parent_id) {
                ev.orphans.push(Orphan {
                    span: SpanRef::of(span),
                    parent_id: span.parent_id,
                });
            }
            if let Some(code) = status_code(span) {
                if code >= 500 && !span.error {
                    ev.status_errors.push(StatusMismatch {
                        span: SpanRef::of(span),
                        status_code: code,
                        error: false,
                    });
                } else if (400..500).contains(&code) && span.error {
                    ev.client_errors_flagged.push(StatusMismatch {
                        span: SpanRef::of(span),
                        status_code: code,
                        error: true,
                    });
                }
            }
        }
    }
    ev.gaps.sort_by(|a, b| {
        b.largest_ns()
            .cmp(&a.largest_ns())
            .then(a.span.trace_id.cmp(&b.span.trace_id))
            .then(a.span.span_id.cmp(&b.span.span_id))
    });
    slow.sort_by(|a, b| {
        b.duration_ns
            .cmp(&a.duration_ns)
            .then(a.span.trace_id.cmp(&b.span.trace_id))
            .then(a.span.span_id.cmp(&b.span.span_id))
    });
    slow.truncate(SLOWEST);
    ev.slowest = slow;
    ev.split_traces = split_traces(traces);
    ev.dynamic_resources = dynamic_resources(traces);
    ev.services = services(traces);
    ev
}

/// Direct children of each span ID (indices into `trace.spans`), self-parenting excluded.
fn children_of(trace: &Trace) -> HashMap<u64, Vec<usize>> {
    let mut out: HashMap<u64, Vec<usize>> = HashMap::new();
    for (i, s) in trace.spans.iter().enumerate() {
        if s.parent_id != 0 && s.parent_id != s.span_id {
            out.entry(s.parent_id).or_default().push(i);
        }
    }
    out
}

/// The parts of `parent` that no child covers (children clipped to the parent), in order.
pub fn uncovered<'a>(parent: &Span, children: impl Iterator<Item = &'a Span>) -> Vec<(i64, i64)> {
    let (p0, p1) = (parent.start_ns, parent.end_ns());
    let mut spans: Vec<(i64, i64)> = children
        .map(|c| (c.start_ns.max(p0), c.end_ns().min(p1)))
        .filter(|(a, b)| a < b)
        .collect();
    spans.sort_unstable();
    let mut out = Vec::new();
    let mut cursor = p0;
    for (a, b) in spans {
        if a > cursor {
            out.push((cursor, a));
        }
        cursor = cursor.max(b);
    }
    if cursor < p1 {
        out.push((cursor, p1));
    }
    out
}

fn gap_of(
    span: &Span,
    kids: &[usize],
    trace: &Trace,
    uncovered: &[(i64, i64)],
    t0: i64,
) -> Option<SpanGap> {
    let min = MIN_GAP_NS.max((span.duration_ns as f64 * MIN_GAP_SHARE).ceil() as i64);
    let mut intervals: Vec<GapInterval> = uncovered
        .iter()
        .filter(|(a, b)| b - a >= min)
        .map(|&(a, b)| {
            // The child ending last at or before the gap, and the one starting first after it.
            let after = kids
                .iter()
                .map(|&k| &trace.spans[k])
                .filter(|c| c.end_ns() <= a && c.end_ns() > span.start_ns)
                .max_by_key(|c| (c.end_ns(), c.span_id))
                .map(|c| c.name.clone());
            let before = kids
                .iter()
                .map(|&k| &trace.spans[k])
                .filter(|c| c.start_ns >= b && c.start_ns < span.end_ns())
                .min_by_key(|c| (c.start_ns, c.span_id))
                .map(|c| c.name.clone());
            GapInterval {
                offset_ns: a - t0,
                duration_ns: b - a,
                after,
                before,
            }
        })
        .collect();
    if intervals.is_empty() {
        return None;
    }
    intervals.sort_by(|x, y| {
        y.duration_ns
            .cmp(&x.duration_ns)
            .then(x.offset_ns.cmp(&y.offset_ns))
    });
    intervals.truncate(INTERVALS_PER_GAP);
    Some(SpanGap {
        span: SpanRef::of(span),
        meta: span.meta.clone(),
        offset_ns: span.start_ns - t0,
        duration_ns: span.duration_ns,
        children: kids.len(),
        uncovered_ns: uncovered.iter().map(|g| g.1 - g.0).sum(),
        intervals,
    })
}

/// `http.status_code` from meta (or metrics).
fn status_code(span: &Span) -> Option<u16> {
    if let Some(code) = span.meta.get("http.status_code") {
        return code.trim().parse().ok();
    }
    span.metrics
        .get("http.status_code")
        .filter(|c| (100.0..1000.0).contains(*c))
        .map(|c| *c as u16)
}

fn kind(span: &Span) -> &str {
    span.meta.get("span.kind").map(String::as_str).unwrap_or("")
}

/// A span that makes an outbound call.
fn is_client(span: &Span) -> bool {
    match kind(span) {
        "client" | "producer" => true,
        "server" | "consumer" | "internal" => false,
        _ => {
            matches!(span.span_type.as_str(), "http" | "grpc")
                || span.name.ends_with(".client")
                || span.name.contains("client.request")
                || span.name.ends_with(".produce")
                || span.name.ends_with(".publish")
                || span.name.ends_with(".send")
        }
    }
}

/// A span that receives a request or message.
fn is_entry(span: &Span) -> bool {
    match kind(span) {
        "server" | "consumer" => true,
        "client" | "producer" | "internal" => false,
        _ => {
            matches!(
                span.span_type.as_str(),
                "web" | "rpc" | "grpc" | "serverless"
            ) || span.name.contains("server")
                || span.name.ends_with(".request")
                || span.name.ends_with(".consume")
        }
    }
}

/// Whether a client span's target tags name `service`.
fn names(span: &Span, service: &str) -> bool {
    if service.is_empty() {
        return false;
    }
    let service = service.to_ascii_lowercase();
    [
        "peer.service",
        "out.host",
        "peer.hostname",
        "network.destination.name",
        "http.url",
        "rpc.service",
        "grpc.method.path",
        "grpc.method.name",
        "messaging.destination",
        "messaging.destination.name",
    ]
    .iter()
    .filter_map(|k| span.meta.get(*k))
    .any(|v| v.to_ascii_lowercase().contains(&service))
}

fn split_traces(traces: &[Trace]) -> Vec<SplitTrace> {
    // Every span, with its trace, sorted by start.
    let mut all: Vec<(usize, &Span)> = traces
        .iter()
        .enumerate()
        .flat_map(|(t, tr)| tr.spans.iter().map(move |s| (t, s)))
        .collect();
    all.sort_by_key(|(_, s)| (s.start_ns, s.trace_id, s.span_id));
    let max_duration = all.iter().map(|(_, s)| s.duration_ns).max().unwrap_or(0);
    let by_id: HashMap<u64, Vec<(usize, &Span)>> =
        all.iter().fold(HashMap::new(), |mut m, &(t, s)| {
            m.entry(s.span_id).or_default().push((t, s));
            m
        });

    let mut out = Vec::new();
    for (t, trace) in traces.iter().enumerate() {
        let ids: BTreeSet<u64> = trace.spans.iter().map(|s| s.span_id).collect();
        for root in trace
            .spans
            .iter()
            .filter(|s| s.parent_id == 0 || !ids.contains(&s.parent_id))
        {
            let mut best: Option<(SplitEvidence, &Span)> = None;
            if root.parent_id != 0 {
                for &(ct, caller) in by_id.get(&root.parent_id).into_iter().flatten() {
                    if ct != t && caller.service != root.service {
                        consider(&mut best, SplitEvidence::ParentInOtherTrace, caller);
                    }
                }
            }
            let lo = root.start_ns - max_duration - SPLIT_SKEW_NS;
            let first = all.partition_point(|(_, s)| s.start_ns < lo);
            for &(ct, caller) in &all[first..] {
                if caller.start_ns - SPLIT_SKEW_NS > root.start_ns {
                    break;
                }
                if ct == t
                    || caller.service == root.service
                    || caller.end_ns() + SPLIT_SKEW_NS < root.start_ns
                {
                    continue;
                }
                if is_client(caller) {
                    if names(caller, &root.service) {
                        consider(&mut best, SplitEvidence::ClientSpanNamesCallee, caller);
                    } else {
                        consider(&mut best, SplitEvidence::ClientSpan, caller);
                    }
                } else if is_entry(root) && caller.end_ns() + SPLIT_SKEW_NS >= root.end_ns() {
                    consider(&mut best, SplitEvidence::EnclosingSpan, caller);
                }
            }
            if let Some((evidence, caller)) = best {
                out.push(SplitTrace {
                    caller_service: caller.service.clone(),
                    callee_service: root.service.clone(),
                    caller_trace_id: caller.trace_id,
                    callee_trace_id: root.trace_id,
                    caller_span: SpanRef::of(caller),
                    callee_root: SpanRef::of(root),
                    evidence,
                    callee_start_offset_ns: root.start_ns - caller.start_ns,
                });
            }
        }
    }
    out.sort_by(|a, b| {
        b.evidence
            .cmp(&a.evidence)
            .then(a.callee_trace_id.cmp(&b.callee_trace_id))
            .then(a.callee_root.span_id.cmp(&b.callee_root.span_id))
    });
    out
}

/// Keeps the strongest evidence, then the shortest (most specific) caller.
fn consider<'a>(best: &mut Option<(SplitEvidence, &'a Span)>, ev: SplitEvidence, caller: &'a Span) {
    let better = match best {
        None => true,
        Some((e, c)) => {
            ev > *e
                || (ev == *e
                    && (caller.duration_ns, caller.trace_id, caller.span_id)
                        < (c.duration_ns, c.trace_id, c.span_id))
        }
    };
    if better {
        *best = Some((ev, caller));
    }
}

/// Whether a path segment is an ID: all digits, a UUID, long hex, or an e-mail address.
fn is_dynamic(segment: &str) -> bool {
    let s = segment;
    if s.is_empty() || s == "?" {
        return false;
    }
    if s.bytes().all(|b| b.is_ascii_digit()) {
        return true;
    }
    let b = s.as_bytes();
    let uuid = b.len() == 36
        && b.iter().enumerate().all(|(i, c)| match i {
            8 | 13 | 18 | 23 => *c == b'-',
            _ => c.is_ascii_hexdigit(),
        });
    if uuid {
        return true;
    }
    if b.len() >= 16 && b.iter().all(u8::is_ascii_hexdigit) && b.iter().any(u8::is_ascii_digit) {
        return true;
    }
    if let Some((local, domain)) = s.split_once('@') {
        return !local.is_empty() && domain.contains('.') && !domain.starts_with('.');
    }
    false
}

/// The resource with every ID-like path segment replaced by `?` (query strings dropped), or
/// `None` when it holds no ID.
pub fn template_resource(resource: &str) -> Option<String> {
    let mut changed = false;
    let words: Vec<String> = resource
        .split(' ')
        .map(|word| {
            if !word.starts_with('/') {
                return word.to_string();
            }
            let path = match word.split_once('?') {
                Some((p, _)) => {
                    changed = true;
                    p
                }
                None => word,
            };
            path.split('/')
                .map(|seg| {
                    if is_dynamic(seg) {
                        changed = true;
                        "?"
                    } else {
                        seg
                    }
                })
                .collect::<Vec<_>>()
                .join("/")
        })
        .collect();
    changed.then(|| words.join(" "))
}

fn dynamic_resources(traces: &[Trace]) -> Vec<DynamicResource> {
    // (service, name, template) -> (distinct resources, span count)
    let mut found: BTreeMap<(String, String, String), (BTreeSet<String>, usize)> = BTreeMap::new();
    for span in traces.iter().flat_map(|t| &t.spans) {
        if let Some(template) = template_resource(&span.resource) {
            let entry = found
                .entry((span.service.clone(), span.name.clone(), template))
                .or_default();
            entry.0.insert(span.resource.clone());
            entry.1 += 1;
        }
    }
    found
        .into_iter()
        .map(
            |((service, name, template), (resources, spans))| DynamicResource {
                service,
                name,
                template,
                examples: resources.iter().take(3).cloned().collect(),
                distinct: resources.len(),
                spans,
            },
        )
        .collect()
}

/// Nearest-rank percentile of sorted values.
fn percentile(sorted: &[i64], p: f64) -> i64 {
    if sorted.is_empty() {
        return 0;
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

fn services(traces: &[Trace]) -> Vec<ServiceSummary> {
    #[derive(Default)]
    struct Acc {
        spans: usize,
        errors: usize,
        entries: Vec<i64>,
    }
    let mut acc: BTreeMap<&str, Acc> = BTreeMap::new();
    for trace in traces {
        let by_id: HashMap<u64, &Span> = trace.spans.iter().map(|s| (s.span_id, s)).collect();
        for span in &trace.spans {
            let a = acc.entry(span.service.as_str()).or_default();
            a.spans += 1;
            a.errors += usize::from(span.error);
            let entry = match by_id.get(&span.parent_id) {
                Some(parent) => parent.service != span.service,
                None => true,
            };
            if entry {
                a.entries.push(span.duration_ns);
            }
        }
    }
    acc.into_iter()
        .map(|(service, mut a)| {
            a.entries.sort_unstable();
            ServiceSummary {
                service: service.to_string(),
                spans: a.spans,
                errors: a.errors,
                entry_spans: a.entries.len(),
                p50_ns: percentile(&a.entries, 50.0),
                p95_ns: percentile(&a.entries, 95.0),
                p99_ns: percentile(&a.entries, 99.0),
            }
        })
        .collect()
}
