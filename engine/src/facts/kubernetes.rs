//! Kubernetes manifests: one workload per container of Deployments, StatefulSets,
//! DaemonSets, ReplicaSets, Jobs, CronJobs and Pods (also inside a `List`), and one per
//! ConfigMap (its data keys as environment settings, so `envFrom` can be resolved).
//!
//! YAML files that are not Kubernetes objects (CI workflows, Helm templates with `{{`) give
//! no workloads.

use crate::model::{EnvSetting, Located, ParseError, Workload};

use super::compose::join_command;
use super::located;
use super::yaml::{self, YamlNode};

/// Kinds whose pod template is at `spec.template`.
const TEMPLATED: &[&str] = &[
    "Deployment",
    "StatefulSet",
    "DaemonSet",
    "ReplicaSet",
    "Job",
    "ReplicationController",
    "Rollout",
    "DeploymentConfig",
];

/// Parse a YAML file as a stream of Kubernetes objects.
pub(crate) fn parse(file: &str, text: &str) -> Result<Vec<Workload>, ParseError> {
    if text.contains("{{") || !text.contains("kind") || !text.contains("apiVersion") {
        return Ok(Vec::new());
    }
    let docs = yaml::parse_documents(file, text)?;
    let mut out = Vec::new();
    for doc in &docs {
        object(file, doc, &mut out, true);
    }
    Ok(out)
}

/// Add the workloads of one object (recursing once into a `List`'s items).
fn object(file: &str, doc: &YamlNode, out: &mut Vec<Workload>, allow_list: bool) {
    let Some(kind) = doc.str_at("kind") else {
        return;
    };
    if doc.str_at("apiVersion").is_none() {
        return;
    }
    let meta = doc.get("metadata");
    match kind {
        "List" if allow_list => {
            if let Some(items) = doc.get("items") {
                for item in items.items() {
                    object(file, item, out, false);
                }
            }
        }
        "ConfigMap" => {
            let mut w = base(file, doc.line, kind, meta);
            w.labels = labels(file, &[meta]);
            if let Some(data) = doc.get("data") {
                for e in data.entries() {
                    w.env.push(EnvSetting {
                        key: e.key.clone(),
                        value: Some(e.value.as_str().unwrap_or("").to_string()),
                        value_from: None,
                        file: file.to_string(),
                        line: e.key_line,
                    });
                }
            }
            out.push(w);
        }
        _ => {
            let template = if kind == "Pod" {
                Some(doc)
            } else if kind == "CronJob" {
                doc.path(&["spec", "jobTemplate", "spec", "template"])
            } else if TEMPLATED.contains(&kind) {
                doc.path(&["spec", "template"])
            } else {
                None
            };
            let Some(template) = template else {
                return;
            };
            let pod_meta = if kind == "Pod" {
                None
            } else {
                template.get("metadata")
            };
            let containers = template
                .path(&["spec", "containers"])
                .map_or(&[][..], YamlNode::items);
            let labels = labels(file, &[meta, pod_meta]);
            let workload_name = meta.and_then(|m| m.str_at("name"));
            for c in containers {
                let mut w = base(file, c.line, kind, meta);
                w.name = match (workload_name, c.str_at("name")) {
                    (Some(n), Some(cn)) if containers.len() > 1 => Some(format!("{n}/{cn}")),
                    (Some(n), _) => Some(n.to_string()),
                    (None, cn) => cn.map(str::to_string),
                };
                container(file, c, &mut w);
                w.labels = labels.clone();
                if kind == "CronJob" {
                    w.schedule = doc
                        .path(&["spec", "schedule"])
                        .and_then(|n| n.as_str())
                        .map(str::to_string);
                }
                out.push(w);
            }
        }
    }
}

/// A workload with the object's kind, name and namespace.
fn base(file: &str, line: usize, kind: &str, meta: Option<&YamlNode>) -> Workload {
    let mut w = Workload::new("kubernetes", file, line);
    w.resource_kind = Some(kind.to_string());
    w.name = meta.and_then(|m| m.str_at("name")).map(str::to_string);
    w.namespace = meta.and_then(|m| m.str_at("namespace")).map(str::to_string);
    w
}

/// Fill image, env, envFrom and command from a container spec.
fn container(file: &str, c: &YamlNode, w: &mut Workload) {
    w.image = c.str_at("image").map(str::to_string);
    if let Some(env) = c.get("env") {
        for item in env.items() {
            let Some(key) = item.str_at("name") else {
                continue;
            };
            let (value, value_from) = match item.get("valueFrom") {
                Some(from) => (None, value_from(from)),
                None => (
                    item.get("value")
                        .map(|v| v.as_str().unwrap_or("").to_string()),
                    None,
                ),
            };
            w.env.push(EnvSetting {
                key: key.to_string(),
                value,
                value_from,
                file: file.to_string(),
                line: item.line,
            });
        }
    }
    if let Some(env_from) = c.get("envFrom") {
        for item in env_from.items() {
            for source in ["configMapRef", "secretRef"] {
                if let Some(name) = item.get(source).and_then(|s| s.str_at("name")) {
                    w.env_from
                        .push(located(format!("{source}:{name}"), file, item.line));
                }
            }
        }
    }
    let command = c.entry("command");
    let args = c.entry("args");
    if let Some(line) = command.or(args).map(|e| e.key_line) {
        let words: Vec<String> = [command, args]
            .into_iter()
            .flatten()
            .filter_map(|e| join_command(&e.value))
            .filter(|s| !s.is_empty())
            .collect();
        w.commands.push(located(words.join(" "), file, line));
    }
}

/// Describe a `valueFrom` source.
fn value_from(from: &YamlNode) -> Option<String> {
    if let Some(path) = from.get("fieldRef").and_then(|f| f.str_at("fieldPath")) {
        return Some(format!("fieldRef:{path}"));
    }
    if let Some(res) = from
        .get("resourceFieldRef")
        .and_then(|f| f.str_at("resource"))
    {
        return Some(format!("resourceFieldRef:{res}"));
    }
    for source in ["secretKeyRef", "configMapKeyRef"] {
        if let Some(r) = from.get(source) {
            let name = r.str_at("name").unwrap_or("");
            let key = r.str_at("key").unwrap_or("");
            return Some(format!("{source}:{name}/{key}"));
        }
    }
    None
}

/// Labels and annotations of the given metadata blocks, as `key=value`, without duplicates.
fn labels(file: &str, metas: &[Option<&YamlNode>]) -> Vec<Located> {
    let mut out: Vec<Located> = Vec::new();
    for meta in metas.iter().flatten() {
        for block in ["labels", "annotations"] {
            let Some(map) = meta.get(block) else {
                continue;
            };
            for e in map.entries() {
                let text = format!("{}={}", e.key, e.value.as_str().unwrap_or(""));
                if !out.iter().any(|l| l.text == text) {
                    out.push(located(text, file, e.key_line));
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const DEPLOY: &str = r#"apiVersion: apps/v1
kind: Deployment
metadata:
  name: checkout
  namespace: shop
  labels:
    tags.datadoghq.com/service: checkout
    tags.datadoghq.com/env: prod
spec:
  template:
    metadata:
      labels:
        tags.datadoghq.com/service: checkout
        admission.datadoghq.com/enabled: "true"
      annotations:
        admission.datadoghq.com/java-lib.version: v1.30.0
    spec:
      initContainers:
        - name: init
          image: busybox
      containers:
        - name: app
          image: acme/checkout:1.0
          command: ["java"]
          args:
            - -javaagent:/dd/dd-java-agent.jar
            - -jar
            - app.jar
          env:
            - name: DD_AGENT_HOST
              valueFrom:
                fieldRef:
                  fieldPath: status.hostIP
            - name: DD_API_KEY
              valueFrom:
                secretKeyRef:
                  name: datadog
                  key: api-key
            - name: DD_ENV
              value: prod
            - name: MODE
              valueFrom:
                configMapKeyRef: {name: cfg, key: mode}
          envFrom:
            - configMapRef:
                name: checkout-config
            - secretRef:
                name: checkout-secrets
        - name: sidecar
          image: envoy
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: checkout-config
data:
  DD_SERVICE: checkout
  DD_VERSION: "1.0"
"#;

    #[test]
    fn deployment_and_configmap() {
        let ws = parse("k8s/checkout.yaml", DEPLOY).unwrap();
        assert_eq!(ws.len(), 3);
        let app = &ws[0];
        assert_eq!(app.kind, "kubernetes");
        assert_eq!(app.name.as_deref(), Some("checkout/app"));
        assert_eq!(app.resource_kind.as_deref(), Some("Deployment"));
        assert_eq!(app.namespace.as_deref(), Some("shop"));
        assert_eq!(app.line, 22);
        assert_eq!(app.image.as_deref(), Some("acme/checkout:1.0"));
        let env: Vec<(&str, Option<&str>, Option<&str>, usize)> = app
            .env
            .iter()
            .map(|e| {
                (
                    e.key.as_str(),
                    e.value.as_deref(),
                    e.value_from.as_deref(),
                    e.line,
                )
            })
            .collect();
        assert_eq!(
            env,
            vec![
                ("DD_AGENT_HOST", None, Some("fieldRef:status.hostIP"), 30),
                ("DD_API_KEY", None, Some("secretKeyRef:datadog/api-key"), 34),
                ("DD_ENV", Some("prod"), None, 39),
                ("MODE", None, Some("configMapKeyRef:cfg/mode"), 41),
            ]
        );
        let from: Vec<(&str, usize)> = app
            .env_from
            .iter()
            .map(|l| (l.text.as_str(), l.line))
            .collect();
        assert_eq!(
            from,
            vec![
                ("configMapRef:checkout-config", 45),
                ("secretRef:checkout-secrets", 47)
            ]
        );
        assert_eq!(
            app.commands[0].text,
            "java -javaagent:/dd/dd-java-agent.jar -jar app.jar"
        );
        assert_eq!(app.commands[0].line, 24);
        let labels: Vec<(&str, usize)> = app
            .labels
            .iter()
            .map(|l| (l.text.as_str(), l.line))
            .collect();
        assert_eq!(
            labels,
            vec![
                ("tags.datadoghq.com/service=checkout", 7),
                ("tags.datadoghq.com/env=prod", 8),
                ("admission.datadoghq.com/enabled=true", 14),
                ("admission.datadoghq.com/java-lib.version=v1.30.0", 16),
            ]
        );
        assert_eq!(ws[1].name.as_deref(), Some("checkout/sidecar"));
        let cm = &ws[2];
        assert_eq!(cm.resource_kind.as_deref(), Some("ConfigMap"));
        assert_eq!(cm.name.as_deref(), Some("checkout-config"));
        assert_eq!(cm.line, 52);
        assert_eq!(cm.env[1].key, "DD_VERSION");
        assert_eq!(cm.env[1].value.as_deref(), Some("1.0"));
        assert_eq!(cm.env[1].line, 58);
    }

    #[test]
    fn cronjob_list_and_pod() {
        let text = "apiVersion: v1\nkind: List\nitems:\n- apiVersion: batch/v1\n  kind: CronJob\n  metadata:\n    name: nightly\n  spec:\n    jobTemplate:\n      spec:\n        template:\n          spec:\n            containers:\n            - name: job\n              image: acme/job\n- apiVersion: v1\n  kind: Pod\n  metadata:\n    name: debug\n  spec:\n    containers:\n    - name: sh\n      image: alpine\n      command: sleep infinity\n";
        let ws = parse("jobs.yaml", text).unwrap();
        assert_eq!(ws.len(), 2);
        assert_eq!(ws[0].name.as_deref(), Some("nightly"));
        assert_eq!(ws[0].resource_kind.as_deref(), Some("CronJob"));
        assert_eq!(ws[0].schedule, None);
        assert_eq!(ws[0].line, 14);
        assert_eq!(ws[1].name.as_deref(), Some("debug"));
        assert_eq!(ws[1].commands[0].text, "sleep infinity");
    }

    #[test]
    fn not_kubernetes() {
        let workflow = "name: CI\non: [push]\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo kind\n";
        assert!(parse(".github/workflows/ci.yml", workflow)
            .unwrap()
            .is_empty());
        let helm = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {{ .Values.name }}\n";
        assert!(parse("chart/templates/d.yaml", helm).unwrap().is_empty());
        let service = "apiVersion: v1\nkind: Service\nmetadata:\n  name: x\n";
        assert!(parse("svc.yaml", service).unwrap().is_empty());
        assert!(parse("bad.yaml", "apiVersion: v1\nkind: Pod\nspec: [\n").is_err());
        let deep = format!("apiVersion: v1\nkind: Pod\nspec: {}", "[".repeat(50_000));
        assert!(parse("deep.yaml", &deep).is_err());
    }

    #[test]
    fn cronjob_schedule() {
        let text = "apiVersion: batch/v1\nkind: CronJob\nmetadata:\n  name: nightly-report\nspec:\n  schedule: \"0 3 * * *\"\n  jobTemplate:\n    spec:\n      template:\n        spec:\n          containers:\n          - name: report\n            image: acme/report:1.2\n";
        let ws = parse("k8s/cron.yaml", text).unwrap();
        assert_eq!(ws.len(), 1);
        assert_eq!(ws[0].schedule.as_deref(), Some("0 3 * * *"));
        assert_eq!(ws[0].line, 12);
    }
}
