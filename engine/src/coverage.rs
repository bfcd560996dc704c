//! Coverage and the service map: entry points (from `entry_point` facts) marked covered by an
//! auto-instrumented integration or a manual span, outbound calls (`outbound` facts) matched to
//! the services that serve them, and the instrumentation score.

use std::collections::{BTreeMap, BTreeSet};

use rhai::{Dynamic, Map};

use crate::finding::{Edge, EntryPoint, Finding, RuleInfo, Severity};
use crate::packages::PackageData;
use crate::service::{Service, ServiceModel};

fn text(map: &Map, key: &str) -> Option<String> {
    map.get(key)
        .filter(|v| !v.is_unit())
        .map(|v| v.to_string())
        .filter(|s| !s.is_empty())
}

fn number(map: &Map, key: &str) -> usize {
    map.get(key)
        .and_then(|v| v.as_int().ok())
        .and_then(|i| usize::try_from(i).ok())
        .unwrap_or(1)
}

fn facts<'a>(svc: &'a Service, kind: &str) -> impl Iterator<Item = Map> + 'a {
    svc.facts
        .get(kind)
        .into_iter()
        .flatten()
        .filter_map(|d: &Dynamic| d.clone().try_cast::<Map>())
}

/// What covers an entry point of `svc`, if anything.
fn covered_by(svc: &Service, data: &PackageData, ep: &Map, framework: &str) -> Option<String> {
    // A span is only sent by a tracer that is declared and started.
    let tracer = svc.tracer.as_ref()?;
    svc.init.as_ref()?;
    if let Some(op) = text(ep, "manual") {
        return Some(format!("manual:{op}"));
    }
    let integration = data.integration_for(&tracer.library, framework)?;
    if let (Some(min), Some(version)) = (&integration.min_version, &tracer.version) {
        if apm_doctor_stdlib::compare_versions(version, min) == Some(std::cmp::Ordering::Less) {
            return None;
        }
    }
    match integration.mode.as_str() {
        "auto" => Some(format!("auto:{framework}")),
        _ => {
            let router = text(ep, "router");
            let applied = facts(svc, "integration").any(|i| {
                text(&i, "framework").is_some_and(|f| f.eq_ignore_ascii_case(framework))
                    && match (&router, text(&i, "router")) {
                        (Some(r), Some(w)) => *r == w,
                        _ => true,
                    }
            });
            applied.then(|| format!("auto:{framework}"))
        }
    }
}

/// Build every service's entry points from its facts, sorted by file and line.
pub fn entry_points(svc: &Service, data: &PackageData) -> Vec<EntryPoint> {
    let mut out: Vec<EntryPoint> = facts(svc, "entry_point")
        .filter_map(|ep| {
            let framework = text(&ep, "framework")?;
            Some(EntryPoint {
                kind: text(&ep, "kind").unwrap_or_else(|| "http".into()),
                route: text(&ep, "route").unwrap_or_default(),
                handler: text(&ep, "handler"),
                file: text(&ep, "file").unwrap_or_default(),
                line: number(&ep, "line"),
                covered_by: covered_by(svc, data, &ep, &framework),
                framework,
            })
        })
        .collect();
    out.sort_by(|a, b| (&a.file, a.line, &a.route).cmp(&(&b.file, b.line, &b.route)));
    out.dedup_by(|a, b| a.file == b.file && a.line == b.line && a.route == b.route);
    out
}

/// Host part of a URL or `host:port` target, lower-cased.
fn host_of(target: &str) -> String {
    let target = target
        .trim_start_matches("dns:///")
        .trim_start_matches("dns:");
    let rest = target.split("://").nth(1).unwrap_or(target);
    let host = rest
        .split(['/', '?', '#'])
        .next()
        .unwrap_or(rest)
        .rsplit('@')
        .next()
        .unwrap_or("");
    let host = host.split(':').next().unwrap_or(host);
    // `orders.default.svc.cluster.local` names the `orders` service.
    host.split('.').next().unwrap_or(host).to_ascii_lowercase()
}

/// Names other services may use to reach `svc`: its name, folder, and the names of its
/// compose services and Kubernetes workloads.
fn reachable_names(svc: &Service) -> BTreeSet<String> {
    let mut names = BTreeSet::new();
    names.insert(svc.name.to_ascii_lowercase());
    if let Some(folder) = svc.root.rsplit('/').next() {
        names.insert(folder.to_ascii_lowercase());
    }
    for w in &svc.workloads {
        if let Some(n) = &w.name {
            names.insert(n.split('/').next().unwrap_or(n).to_ascii_lowercase());
        }
    }
    names
}

/// Match every service's `outbound` facts to the services of the repo that serve them.
pub fn edges(model: &ServiceModel) -> Vec<Vec<Edge>> {
    let names: Vec<BTreeSet<String>> = model.services.iter().map(reachable_names).collect();
    let consumers: Vec<BTreeSet<String>> = model
        .services
        .iter()
        .map(|s| {
            s.entry_points
                .iter()
                .filter(|e| e.kind == "consumer" || e.kind == "grpc")
                .map(|e| e.route.to_ascii_lowercase())
                .collect()
        })
        .collect();
    model
        .services
        .iter()
        .enumerate()
        .map(|(i, svc)| {
            let mut out = Vec::new();
            for call in facts(svc, "outbound") {
                let Some(target) = text(&call, "target") else {
                    continue;
                };
                let via = text(&call, "via").unwrap_or_else(|| "http".into());
                let to = if matches!(via.as_str(), "http" | "grpc") {
                    let host = host_of(&target);
                    names.iter().position(|n| n.contains(&host))
                } else {
                    let topic = target.to_ascii_lowercase();
                    consumers.iter().position(|c| c.contains(&topic))
                };
                if let Some(j) = to.filter(|&j| j != i) {
                    out.push(Edge {
                        to: model.services[j].name.clone(),
                        via,
                        target,
                        file: text(&call, "file").unwrap_or_default(),
                        line: number(&call, "line"),
                    });
                }
            }
            out.sort_by(|a, b| (&a.to, &a.file, a.line).cmp(&(&b.to, &b.file, b.line)));
            out.dedup();
            out
        })
        .collect()
}

/// Weight of a rule in the instrumentation score, by its impact: critical 40, important 30,
/// normal 20, low 10. Without a declared impact: error → critical, warning → important,
/// info → normal.
pub fn weight(impact: Option<&str>, severity: Severity) -> u32 {
    match impact {
        Some("critical") => 40,
        Some("important") => 30,
        Some("normal") => 20,
        Some("low") => 10,
        _ => match severity {
            Severity::Error => 40,
            Severity::Warning => 30,
            Severity::Info => 20,
        },
    }
}

/// A rule as the score sees it: id, the language families it applies to (empty: all), weight.
pub struct ScoredRule {
    /// Rule id.
    pub id: String,
    /// Language families (empty: all).
    pub languages: Vec<String>,
    /// Weight.
    pub weight: u32,
}

impl ScoredRule {
    /// From rule metadata.
    pub fn new(info: &RuleInfo, languages: &[String], impact: Option<&str>) -> ScoredRule {
        ScoredRule {
            id: info.id.clone(),
            languages: languages.to_vec(),
            weight: weight(impact, info.severity),
        }
    }
}

/// Per-service scores (by service name) and the repository-wide score: passed weight / total
/// weight × 100, where a rule passes for a service when it reported nothing there.
pub fn scores(
    services: &[(String, Option<String>)],
    rules: &[ScoredRule],
    findings: &[Finding],
) -> (BTreeMap<String, u32>, Option<u32>) {
    let weights = score_weights(services, rules, findings);
    let per_service = weights
        .iter()
        .filter_map(|(name, w)| w.score().map(|s| (name.clone(), s)))
        .collect();
    (per_service, repo_score(weights.values()))
}

/// The weights behind a service's score: passed and total weight of the rules that apply.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ScoreWeights {
    /// Weight of the rules that reported nothing for the service.
    pub passed: u64,
    /// Weight of every rule that applies to the service.
    pub total: u64,
}

impl ScoreWeights {
    /// passed / total × 100, rounded; `None` when no rule applies.
    #[must_use]
    pub fn score(self) -> Option<u32> {
        (self.passed * 100 + self.total / 2)
            .checked_div(self.total)
            .map(|s| s as u32)
    }
}

/// The repository score from the services' weights: the same ratio over their sums.
pub fn repo_score<'a>(weights: impl IntoIterator<Item = &'a ScoreWeights>) -> Option<u32> {
    let sum = weights
        .into_iter()
        .fold(ScoreWeights::default(), |a, w| ScoreWeights {
            passed: a.passed + w.passed,
            total: a.total + w.total,
        });
    sum.score()
}

/// Per service (by name): the weights of its score.
pub fn score_weights(
    services: &[(String, Option<String>)],
    rules: &[ScoredRule],
    findings: &[Finding],
) -> BTreeMap<String, ScoreWeights> {
    let failed: BTreeSet<(&str, &str)> = findings
        .iter()
        .filter_map(|f| f.service.as_deref().map(|s| (s, f.rule.as_str())))
        .collect();
    let mut out = BTreeMap::new();
    for (name, language) in services {
        let mut w = ScoreWeights::default();
        for rule in rules {
            let applies = rule.languages.is_empty()
                || language
                    .as_ref()
                    .is_some_and(|l| rule.languages.iter().any(|x| x == l));
            if !applies {
                continue;
            }
            w.total += u64::from(rule.weight);
            if !failed.contains(&(name.as_str(), rule.id.as_str())) {
                w.passed += u64::from(rule.weight);
            }
        }
        out.insert(name.clone(), w);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hosts() {
        assert_eq!(host_of("http://orders:8080/api/v1"), "orders");
        assert_eq!(
            host_of("https://user:pw@Payments.default.svc.cluster.local/x"),
            "payments"
        );
        assert_eq!(host_of("dns:///inventory:50051"), "inventory");
        assert_eq!(host_of("billing:9000"), "billing");
    }

    #[test]
    fn score_counts_weights() {
        let rules = vec![
            ScoredRule {
                id: "a".into(),
                languages: vec![],
                weight: 40,
            },
            ScoredRule {
                id: "b".into(),
                languages: vec!["go".into()],
                weight: 30,
            },
            ScoredRule {
                id: "c".into(),
                languages: vec![],
                weight: 10,
            },
        ];
        let finding = |svc: &str, rule: &str| Finding {
            rule: rule.into(),
            severity: Severity::Error,
            category: "audit".into(),
            message: String::new(),
            service: Some(svc.into()),
            file: String::new(),
            line: 1,
            column: 1,
            fix: None,
            suppressed: false,
        };
        let services = vec![
            ("api".to_string(), Some("python".to_string())),
            ("worker".to_string(), Some("go".to_string())),
        ];
        let (per, repo) = scores(
            &services,
            &rules,
            &[finding("api", "a"), finding("worker", "b")],
        );
        assert_eq!(per["api"], 20); // 10 of 50
        assert_eq!(per["worker"], 63); // 50 of 80 = 62.5 → 63
        assert_eq!(repo, Some(46)); // 60 of 130
    }
}
