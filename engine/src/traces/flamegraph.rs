//! A text flamegraph excerpt of one trace: the path from the root to a focus span, then the
//! focus span's children, with its uninstrumented gaps as lines of their own.
//!
//! ```text
//! trace 1001 · 4 spans · 2.13s · focus: fraud fraud.assess fraud.assess
//! ████████████████████████████████  +0ms      2.13s     fraud  servlet.request  POST /v1/assessments
//! ████████████████████████████████    +12ms     2.11s     fraud  spring.handler  AssessmentController.assess
//! ████████████████████████████████      +13ms     2.10s     fraud  fraud.assess  fraud.assess
//! ▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒        +13ms     2.05s     [gap: 2.05s uninstrumented]
//! ░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░█        +2.07s    47ms      postgresql  postgresql.query  INSERT ...
//! ```
//!
//! Each line: the bar, then (indented by depth) the offset from the trace start, the duration,
//! and `service  name  resource` (with `[error]` when flagged), or the gap's length.
//! Bars span the whole trace ([`BAR_WIDTH`] cells); `█` marks a span's time, `▒` a gap's.

use std::fmt::Write as _;

use super::analysis::SpanGap;
use super::Trace;

/// Width of the bars, in cells.
pub const BAR_WIDTH: usize = 32;
/// Children of the focus span listed before the rest are summarised.
pub const MAX_CHILDREN: usize = 40;

/// Renders the root-to-`focus_span` path of `trace` and the focus span's children, with the
/// focus span's gaps from `gaps` (entries for other spans are ignored). Deterministic.
pub fn render_path(trace: &Trace, focus_span: u64, gaps: &[SpanGap]) -> String {
    let mut out = String::new();
    let Some(focus) = trace.span(focus_span) else {
        let _ = writeln!(out, "span {focus_span} is not in trace {}", trace.trace_id);
        return out;
    };
    let t0 = trace.start_ns();
    let t1 = trace
        .spans
        .iter()
        .map(|s| s.end_ns())
        .max()
        .unwrap_or(t0)
        .max(t0 + 1);
    let _ = writeln!(
        out,
        "trace {} · {} spans · {} · focus: {} {} {}",
        trace.trace_id,
        trace.spans.len(),
        fmt_ns(t1 - t0),
        focus.service,
        focus.name,
        focus.resource
    );

    // Root-to-focus path (walking parent links, loop-safe).
    let mut path = vec![focus];
    while let Some(parent) = path
        .last()
        .filter(|s| s.parent_id != 0 && s.parent_id != s.span_id)
        .and_then(|s| trace.span(s.parent_id))
    {
        if path.len() > trace.spans.len() || path.iter().any(|p| p.span_id == parent.span_id) {
            break;
        }
        path.push(parent);
    }
    path.reverse();

    let line = |out: &mut String, depth: usize, start: i64, dur: i64, fill: char, text: &str| {
        let _ = writeln!(
            out,
            "{}  {}+{:<8} {:<9} {}",
            bar(start - t0, dur, t1 - t0, fill),
            "  ".repeat(depth),
            fmt_ns(start - t0),
            fmt_ns(dur),
            text
        );
    };
    let describe = |s: &super::Span| {
        let mut text = format!("{}  {}  {}", s.service, s.name, s.resource);
        if s.error {
            text.push_str("  [error]");
        }
        text
    };
    for (depth, span) in path.iter().enumerate() {
        line(
            &mut out,
            depth,
            span.start_ns,
            span.duration_ns,
            '█',
            &describe(span),
        );
    }

    // Children and gaps of the focus span, in time order.
    enum Row<'a> {
        Child(&'a super::Span),
        Gap(i64, i64),
    }
    let mut rows: Vec<(i64, u64, Row)> = trace
        .spans
        .iter()
        .filter(|s| s.parent_id == focus.span_id && s.span_id != focus.span_id)
        .map(|s| (s.start_ns, s.span_id, Row::Child(s)))
        .collect();
    for gap in gaps
        .iter()
        .filter(|g| g.span.trace_id == trace.trace_id && g.span.span_id == focus.span_id)
    {
        for interval in &gap.intervals {
            rows.push((
                t0 + interval.offset_ns,
                0,
                Row::Gap(t0 + interval.offset_ns, interval.duration_ns),
            ));
        }
    }
    rows.sort_by_key(|(start, id, _)| (*start, *id));
    let depth = path.len();
    let total = rows.len();
    for (i, (_, _, row)) in rows.into_iter().enumerate() {
        if i == MAX_CHILDREN {
            let _ = writeln!(
                out,
                "{}  {}… {} more",
                " ".repeat(BAR_WIDTH),
                "  ".repeat(depth),
                total - MAX_CHILDREN
            );
            break;
        }
        match row {
            Row::Child(s) => line(
                &mut out,
                depth,
                s.start_ns,
                s.duration_ns,
                '█',
                &describe(s),
            ),
            Row::Gap(start, dur) => line(
                &mut out,
                depth,
                start,
                dur,
                '▒',
                &format!("[gap: {} uninstrumented]", fmt_ns(dur)),
            ),
        }
    }
    out
}

/// A bar of [`BAR_WIDTH`] cells for `[offset, offset + dur)` of a `total`-long timeline.
fn bar(offset: i64, dur: i64, total: i64, fill: char) -> String {
    let w = BAR_WIDTH as i128;
    let total = i128::from(total.max(1));
    let a = i128::from(offset.max(0));
    let b = i128::from(offset.max(0).saturating_add(dur.max(0)));
    let first = (a * w / total).clamp(0, w - 1);
    let last = ((b * w + total - 1) / total).clamp(first + 1, w);
    (0..w)
        .map(|i| if i >= first && i < last { fill } else { '░' })
        .collect()
}

/// A duration for people: `850ns`, `420µs`, `3.5ms`, `312ms`, `2.05s`.
pub fn fmt_ns(ns: i64) -> String {
    let a = ns.unsigned_abs();
    let sign = if ns < 0 { "-" } else { "" };
    if a == 0 {
        "0ms".to_string()
    } else if a < 1_000 {
        format!("{sign}{a}ns")
    } else if a < 1_000_000 {
        format!("{sign}{}µs", a / 1_000)
    } else if a < 10_000_000 {
        format!("{sign}{:.1}ms", a as f64 / 1e6)
    } else if a < 1_000_000_000 {
        format!("{sign}{}ms", (a + 500_000) / 1_000_000)
    } else {
        format!("{sign}{:.2}s", a as f64 / 1e9)
    }
}
