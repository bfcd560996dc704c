//! docker-compose files: one workload per service, with its image, build context and
//! Dockerfile (resolved relative to the scanned root), environment, `env_file`s, command,
//! entrypoint and labels.

use crate::model::{EnvSetting, Located, ParseError, Workload};

use super::yaml::{self, YamlNode, YamlValue};
use super::{join_normalize, located, parent_dir};

/// Parse a compose file (all documents of the stream).
pub(crate) fn parse(file: &str, text: &str) -> Result<Vec<Workload>, ParseError> {
    let docs = yaml::parse_documents(file, text)?;
    let dir = parent_dir(file);
    let mut out = Vec::new();
    for doc in &docs {
        let Some(services) = doc.get("services") else {
            continue;
        };
        for service in services.entries() {
            out.push(service_workload(
                file,
                dir,
                &service.key,
                service.key_line,
                &service.value,
            ));
        }
    }
    Ok(out)
}

/// The workload of one service.
fn service_workload(file: &str, dir: &str, name: &str, line: usize, svc: &YamlNode) -> Workload {
    let mut w = Workload::new("compose", file, line);
    w.name = Some(name.to_string());
    w.image = svc.str_at("image").map(str::to_string);
    if let Some(build) = svc.get("build") {
        let (context, dockerfile) = match &build.value {
            YamlValue::Scalar(s) => (Some(s.as_str()), None),
            YamlValue::Map(_) => (
                Some(build.str_at("context").unwrap_or(".")),
                build.str_at("dockerfile"),
            ),
            _ => (None, None),
        };
        if let Some(context) = context {
            let remote = context.contains("://") || context.starts_with("git@");
            let context = if remote {
                context.to_string()
            } else {
                join_normalize(dir, context)
            };
            w.dockerfile = dockerfile.map(|d| {
                if remote {
                    d.to_string()
                } else {
                    join_normalize(&context, d)
                }
            });
            w.build_context = Some(context);
        }
    }
    if let Some(env) = svc.get("environment") {
        match &env.value {
            YamlValue::Map(entries) => {
                w.env_style = Some("map".into());
                for e in entries {
                    let value = e.value.as_str().map(str::to_string);
                    w.env.push(setting(file, e.key_line, &e.key, value));
                }
            }
            YamlValue::Seq(items) => {
                w.env_style = Some("list".into());
                for item in items {
                    if let Some(s) = item.as_str() {
                        let (key, value) = match s.split_once('=') {
                            Some((k, v)) => (k, Some(v.to_string())),
                            None => (s, None),
                        };
                        w.env.push(setting(file, item.line, key, value));
                    }
                }
            }
            _ => {}
        }
    }
    if let Some(env_file) = svc.get("env_file") {
        let nodes: Vec<&YamlNode> = match &env_file.value {
            YamlValue::Seq(items) => items.iter().collect(),
            _ => vec![env_file],
        };
        for n in nodes {
            if let Some(path) = n.as_str().or_else(|| n.str_at("path")) {
                w.env_from
                    .push(located(join_normalize(dir, path), file, n.line));
            }
        }
    }
    for key in ["entrypoint", "command"] {
        if let Some(entry) = svc.entry(key) {
            if let Some(cmd) = join_command(&entry.value) {
                w.commands.push(located(cmd, file, entry.key_line));
            }
        }
    }
    if let Some(labels) = svc.get("labels") {
        w.labels = labels_of(file, labels);
    }
    w
}

/// A literal environment setting.
fn setting(file: &str, line: usize, key: &str, value: Option<String>) -> EnvSetting {
    EnvSetting {
        key: key.trim().to_string(),
        value,
        value_from: None,
        file: file.to_string(),
        line,
    }
}

/// A command given as a string or a list of words, as one line.
pub(crate) fn join_command(node: &YamlNode) -> Option<String> {
    match &node.value {
        YamlValue::Scalar(s) => Some(s.trim().to_string()),
        YamlValue::Seq(items) => Some(
            items
                .iter()
                .filter_map(YamlNode::as_str)
                .collect::<Vec<_>>()
                .join(" "),
        ),
        _ => None,
    }
}

/// Labels given as a map or a `key=value` list.
fn labels_of(file: &str, labels: &YamlNode) -> Vec<Located> {
    match &labels.value {
        YamlValue::Map(entries) => entries
            .iter()
            .map(|e| {
                let value = e.value.as_str().unwrap_or("");
                located(format!("{}={value}", e.key), file, e.key_line)
            })
            .collect(),
        YamlValue::Seq(items) => items
            .iter()
            .filter_map(|i| i.as_str().map(|s| located(s, file, i.line)))
            .collect(),
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const COMPOSE: &str = r#"x-dd: &dd
  DD_AGENT_HOST: datadog-agent
  DD_ENV: staging

services:
  api:
    build:
      context: ./api
      dockerfile: docker/Dockerfile.prod
    environment:
      <<: *dd
      DD_SERVICE: api
      EMPTY:
    env_file: .env
    command: ["ddtrace-run", "gunicorn", "app:app"]
    labels:
      com.datadoghq.tags.service: api
  worker:
    build: ../worker
    image: acme/worker:1.2
    entrypoint: ddtrace-run
    command: celery -A tasks worker
    environment:
      - DD_SERVICE=worker
      - DD_TRACE_ENABLED
    env_file:
      - ../common.env
      - path: ./worker.env
    labels:
      - "team=payments"
  datadog-agent:
    image: gcr.io/datadoghq/agent:7
"#;

    #[test]
    fn compose() {
        let ws = parse("deploy/compose.yml", COMPOSE).unwrap();
        assert_eq!(ws.len(), 3);
        let api = &ws[0];
        assert_eq!(api.kind, "compose");
        assert_eq!(api.name.as_deref(), Some("api"));
        assert_eq!(api.line, 6);
        assert_eq!(api.build_context.as_deref(), Some("deploy/api"));
        assert_eq!(
            api.dockerfile.as_deref(),
            Some("deploy/api/docker/Dockerfile.prod")
        );
        let env: Vec<(&str, Option<&str>, usize)> = api
            .env
            .iter()
            .map(|e| (e.key.as_str(), e.value.as_deref(), e.line))
            .collect();
        assert_eq!(
            env,
            vec![
                ("DD_SERVICE", Some("api"), 12),
                ("EMPTY", None, 13),
                ("DD_AGENT_HOST", Some("datadog-agent"), 2),
                ("DD_ENV", Some("staging"), 3),
            ]
        );
        assert_eq!(api.env_from[0].text, "deploy/.env");
        assert_eq!(api.commands[0].text, "ddtrace-run gunicorn app:app");
        assert_eq!(api.commands[0].line, 15);
        assert_eq!(api.labels[0].text, "com.datadoghq.tags.service=api");
        assert_eq!(api.labels[0].line, 17);

        let worker = &ws[1];
        assert_eq!(worker.line, 18);
        assert_eq!(worker.build_context.as_deref(), Some("worker"));
        assert_eq!(worker.dockerfile, None);
        assert_eq!(worker.image.as_deref(), Some("acme/worker:1.2"));
        let cmds: Vec<(&str, usize)> = worker
            .commands
            .iter()
            .map(|c| (c.text.as_str(), c.line))
            .collect();
        assert_eq!(
            cmds,
            vec![("ddtrace-run", 21), ("celery -A tasks worker", 22)]
        );
        let env: Vec<(&str, Option<&str>, usize)> = worker
            .env
            .iter()
            .map(|e| (e.key.as_str(), e.value.as_deref(), e.line))
            .collect();
        assert_eq!(
            env,
            vec![
                ("DD_SERVICE", Some("worker"), 24),
                ("DD_TRACE_ENABLED", None, 25)
            ]
        );
        let files: Vec<&str> = worker.env_from.iter().map(|l| l.text.as_str()).collect();
        assert_eq!(files, vec!["common.env", "deploy/worker.env"]);
        assert_eq!(worker.labels[0].text, "team=payments");
        assert_eq!(ws[2].build_context, None);
    }

    #[test]
    fn root_compose_and_errors() {
        let ws = parse("docker-compose.yml", "services:\n  web:\n    build: .\n").unwrap();
        assert_eq!(ws[0].build_context.as_deref(), Some("."));
        let err = parse("docker-compose.yml", "services:\n  web: [\n").unwrap_err();
        assert_eq!(err.file, "docker-compose.yml");
        assert!(parse("docker-compose.yml", "just a string")
            .unwrap()
            .is_empty());
        assert!(parse("docker-compose.yml", "").unwrap().is_empty());
    }
}
