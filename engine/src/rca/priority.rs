//! Priority of an RCA from its impact on the four Golden Signals.
//!
//! Each signal gets an impact between 0 and 1:
//! - **latency**: for a latency alert `0.5 + 0.5 * min(1, (observed - threshold) / threshold)`
//!   (0.7 when either is unknown); otherwise the share of the slowest traced request left
//!   uninstrumented (largest gap / its span's duration), or 0;
//! - **errors**: for an error-rate alert the same formula on the error rate (0.7 when
//!   unknown); otherwise the share of 5xx spans without the error flag among error evidence,
//!   0.2 for a broken trace (errors are attributed to the wrong trace), or 0;
//! - **traffic**: 1.0 for missing traces (every request of the service is invisible), 0.6
//!   for a broken trace, else the share of the service's entry points the deficiency leaves
//!   uncovered (at least 0.1 when the alerted endpoint is one of them);
//! - **saturation**: 0.4 when the deficiency hides work on other threads or in loops
//!   (`thread-context-lost`, `goroutine-context-lost`, `span-in-hot-loop`), 0.2 for a latency
//!   gap (queued or blocked work shows as latency first), else 0.
//!
//! `score = round(100 * (0.7 * max + 0.3 * mean))` over the four impacts, and the level is
//! P1 (score >= 70), P2 (>= 50), P3 (>= 30), else P4.

use serde::Serialize;

/// Impacts per Golden Signal, the score and the level.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Priority {
    /// `P1`..`P4`.
    pub level: String,
    /// 0..=100.
    pub score: u32,
    /// Latency impact 0..=1.
    pub latency: f64,
    /// Traffic impact 0..=1.
    pub traffic: f64,
    /// Errors impact 0..=1.
    pub errors: f64,
    /// Saturation impact 0..=1.
    pub saturation: f64,
    /// The signal driving the score.
    pub dominant: String,
}

/// What the priority is computed from.
#[derive(Debug, Clone, Default)]
pub struct PriorityInput<'a> {
    /// Alert kind.
    pub kind: &'a str,
    /// Observed value of the monitor.
    pub value: Option<f64>,
    /// Its threshold.
    pub threshold: Option<f64>,
    /// Largest gap over its span's duration, from traces.
    pub gap_share: Option<f64>,
    /// 5xx spans without the error flag / spans with a server status, from traces.
    pub unflagged_error_share: Option<f64>,
    /// Uncovered entry points / entry points of the service.
    pub uncovered_share: Option<f64>,
    /// Rule of the deficiency.
    pub rule: Option<&'a str>,
}

fn over(value: Option<f64>, threshold: Option<f64>) -> f64 {
    match (value, threshold) {
        (Some(v), Some(t)) if t.abs() > f64::EPSILON => {
            0.5 + 0.5 * ((v - t) / t.abs()).clamp(0.0, 1.0)
        }
        _ => 0.7,
    }
}

/// Compute the priority (formula in the module docs).
pub fn priority(input: &PriorityInput) -> Priority {
    let latency = match input.kind {
        "high_latency" => over(input.value, input.threshold),
        _ => input.gap_share.unwrap_or(0.0),
    };
    let errors = match input.kind {
        "high_error_rate" => over(input.value, input.threshold),
        "broken_trace" => 0.2,
        _ => input.unflagged_error_share.unwrap_or(0.0),
    };
    let traffic = match input.kind {
        "missing_traces" => 1.0,
        "broken_trace" => 0.6,
        _ => input.uncovered_share.map(|s| s.max(0.1)).unwrap_or(0.0),
    };
    let saturation = match input.rule {
        Some("thread-context-lost" | "goroutine-context-lost" | "span-in-hot-loop") => 0.4,
        _ if input.kind == "high_latency" => 0.2,
        _ => 0.0,
    };
    let signals = [
        ("latency", latency.clamp(0.0, 1.0)),
        ("traffic", traffic.clamp(0.0, 1.0)),
        ("errors", errors.clamp(0.0, 1.0)),
        ("saturation", saturation),
    ];
    let (dominant, max) =
        signals.iter().fold(
            ("latency", 0.0_f64),
            |acc, (n, v)| if *v > acc.1 { (n, *v) } else { acc },
        );
    let mean = signals.iter().map(|(_, v)| v).sum::<f64>() / 4.0;
    let score = (100.0 * (0.7 * max + 0.3 * mean)).round() as u32;
    let level = match score {
        70.. => "P1",
        50..=69 => "P2",
        30..=49 => "P3",
        _ => "P4",
    };
    let round = |v: f64| (v * 100.0).round() / 100.0;
    Priority {
        level: level.into(),
        score,
        latency: round(signals[0].1),
        traffic: round(signals[1].1),
        errors: round(signals[2].1),
        saturation: round(signals[3].1),
        dominant: dominant.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn missing_traces_is_p1_and_traffic_driven() {
        let p = priority(&PriorityInput {
            kind: "missing_traces",
            ..Default::default()
        });
        assert_eq!(p.level, "P1");
        assert_eq!(p.dominant, "traffic");
    }

    #[test]
    fn latency_scales_with_how_far_over_the_threshold() {
        let mild = priority(&PriorityInput {
            kind: "high_latency",
            value: Some(2.1),
            threshold: Some(2.0),
            ..Default::default()
        });
        let severe = priority(&PriorityInput {
            kind: "high_latency",
            value: Some(4.5),
            threshold: Some(2.0),
            ..Default::default()
        });
        assert!(severe.score > mild.score, "{severe:?} vs {mild:?}");
        assert_eq!(severe.dominant, "latency");
        assert_eq!(severe.level, "P1");
    }

    #[test]
    fn saturation_counts_for_thread_rules() {
        let p = priority(&PriorityInput {
            kind: "high_error_rate",
            value: Some(0.12),
            threshold: Some(0.05),
            rule: Some("thread-context-lost"),
            ..Default::default()
        });
        assert_eq!(p.saturation, 0.4);
        assert_eq!(p.dominant, "errors");
    }
}
