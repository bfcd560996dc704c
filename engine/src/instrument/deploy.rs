//! Where the service runs: `DD_*` settings in its Kubernetes containers (downward API and
//! unified service tagging labels), compose service or Dockerfile; Dockerfile stages for the
//! language steps; the agent and the verification steps.

use super::edits::{indent, indent_of};
use super::{Ctx, Setting};
use crate::facts::yaml::{self, YamlNode};
use crate::model::Workload;

/// The final stage of a Dockerfile, as far as the plan needs it.
#[derive(Debug, Clone)]
pub(crate) struct Stage {
    /// The Dockerfile.
    pub file: String,
    /// Base image of the final stage.
    pub image: String,
    /// Last WORKDIR of the final stage.
    pub workdir: Option<String>,
    /// The instruction that starts the process (ENTRYPOINT, else CMD): line and text.
    pub start: Option<(usize, String)>,
    /// The CMD of the final stage, if any: line and text.
    pub cmd: Option<(usize, String)>,
    /// Line to insert new instructions before (USER, CMD or ENTRYPOINT of the final stage);
    /// `None`: append.
    pub insert_at: Option<usize>,
    /// The final stage switches to another user.
    pub has_user: bool,
    /// Every line of the file.
    pub lines: Vec<String>,
}

/// Read a Dockerfile's final stage.
pub(crate) fn stage(ctx: &mut Ctx, file: &str) -> Option<Stage> {
    let lines = ctx.files.lines(file)?;
    let mut st = Stage {
        file: file.to_string(),
        image: String::new(),
        workdir: None,
        start: None,
        cmd: None,
        insert_at: None,
        has_user: false,
        lines: lines.clone(),
    };
    let mut continued = false;
    for (i, raw) in lines.iter().enumerate() {
        let line = raw.trim();
        let starts = !continued && !line.is_empty() && !line.starts_with('#');
        continued = line.ends_with('\\');
        if !starts {
            continue;
        }
        let (word, rest) = line.split_once(char::is_whitespace).unwrap_or((line, ""));
        match word.to_ascii_uppercase().as_str() {
            "FROM" => {
                st.image = rest
                    .split_whitespace()
                    .find(|t| !t.starts_with("--"))
                    .unwrap_or("")
                    .to_string();
                st.workdir = None;
                st.start = None;
                st.cmd = None;
                st.insert_at = None;
                st.has_user = false;
            }
            "WORKDIR" => st.workdir = Some(rest.trim().to_string()),
            "USER" => {
                st.has_user = true;
                st.insert_at.get_or_insert(i + 1);
            }
            "ENTRYPOINT" => {
                st.start = Some((i + 1, raw.clone()));
                st.insert_at.get_or_insert(i + 1);
            }
            "CMD" => {
                if st.start.as_ref().is_none_or(|(_, t)| {
                    !t.trim_start()
                        .to_ascii_uppercase()
                        .starts_with("ENTRYPOINT")
                }) {
                    st.start = Some((i + 1, raw.clone()));
                }
                st.cmd = Some((i + 1, raw.clone()));
                st.insert_at.get_or_insert(i + 1);
            }
            _ => {}
        }
    }
    Some(st)
}

/// The service's first Dockerfile.
pub(crate) fn dockerfile(ctx: &Ctx) -> Option<String> {
    ctx.workloads("dockerfile").first().map(|w| w.file.clone())
}

/// Insert Dockerfile instructions in the final stage (before USER/CMD/ENTRYPOINT, else at the end).
pub(crate) fn docker_insert(ctx: &mut Ctx, st: &Stage, text: &str, what: &str) {
    let edit = match st.insert_at {
        Some(line) => Some(ctx.files.insert(&st.file, line, text)),
        None => ctx.files.append(&st.file, text),
    };
    if let Some(e) = edit {
        ctx.push(e, false, what);
    }
}

/// The settings the service must end up with: (key, value) with `value` as a Dockerfile or
/// compose would hold it; Kubernetes values are given by [`k8s_item`].
fn wanted(ctx: &Ctx, agent_host: &str) -> Vec<(String, String)> {
    let mut out = vec![
        (
            "DD_SERVICE".to_string(),
            config_or(ctx, "DD_SERVICE", &ctx.name),
        ),
        ("DD_ENV".to_string(), config_or(ctx, "DD_ENV", &ctx.env)),
        (
            "DD_VERSION".to_string(),
            config_or(ctx, "DD_VERSION", &ctx.version),
        ),
    ];
    if !ctx.svc.config.contains_key("DD_TRACE_AGENT_URL") {
        out.push((
            "DD_AGENT_HOST".into(),
            config_or(ctx, "DD_AGENT_HOST", agent_host),
        ));
    }
    if !matches!(ctx.language.as_str(), "go" | "cpp") {
        out.push(("DD_LOGS_INJECTION".into(), "true".into()));
    }
    out
}

fn config_or(ctx: &Ctx, key: &str, default: &str) -> String {
    ctx.svc
        .config
        .get(key)
        .filter(|c| !c.value.contains("Ref:") && !c.value.contains("${"))
        .map_or_else(|| default.to_string(), |c| c.value.clone())
}

fn has_env(w: &Workload, key: &str) -> bool {
    w.env.iter().any(|e| e.key == key)
}

fn record(ctx: &mut Ctx, key: &str, value: &str, file: &str, existing: bool) {
    if ctx.settings.iter().any(|s| s.key == key) {
        return;
    }
    ctx.settings.push(Setting {
        key: key.to_string(),
        value: value.to_string(),
        file: file.to_string(),
        existing,
    });
}

/// The compose service name of a Datadog agent in the repository, if one runs there.
fn compose_agent(ctx: &Ctx) -> Option<String> {
    agents(ctx)
        .into_iter()
        .find(|w| w.kind == "compose")
        .and_then(|w| w.name.clone())
}

fn is_agent(w: &Workload) -> bool {
    w.image.as_deref().is_some_and(|i| {
        let i = i.to_ascii_lowercase();
        (i.contains("datadog/agent") || i.contains("datadoghq/agent"))
            && !i.contains("cluster-agent")
    })
}

fn agents<'a>(ctx: &'a Ctx) -> Vec<&'a Workload> {
    ctx.model
        .unattached
        .iter()
        .chain(ctx.model.services.iter().flat_map(|s| s.workloads.iter()))
        .filter(|w| is_agent(w))
        .collect()
}

/// Add the `DD_*` settings where the service is deployed: every Kubernetes container of it,
/// else its compose services, else its Dockerfile (else a `.env` file it has).
pub(crate) fn generate(ctx: &mut Ctx) {
    let k8s: Vec<Workload> = ctx.workloads("kubernetes").into_iter().cloned().collect();
    let compose: Vec<Workload> = ctx.workloads("compose").into_iter().cloned().collect();
    if !k8s.is_empty() {
        let mut labelled: Vec<(String, usize)> = Vec::new();
        for w in &k8s {
            kubernetes(ctx, w, &mut labelled);
        }
        return;
    }
    if !compose.is_empty() {
        let host = compose_agent(ctx).unwrap_or_else(|| "datadog-agent".into());
        for w in &compose {
            compose_env(ctx, w, &host);
        }
        return;
    }
    let Some(file) = dockerfile(ctx) else {
        let want = wanted(ctx, "localhost");
        let mut missing = Vec::new();
        for (k, v) in want {
            match ctx.svc.config.get(&k) {
                Some(c) => {
                    let at = format!("{}:{}", c.file, c.line);
                    record(ctx, &k, &c.value.clone(), &at, true);
                }
                None => {
                    missing.push(format!("{k}={v}"));
                    record(ctx, &k, &v, "(the service's environment)", false);
                }
            }
        }
        if !missing.is_empty() {
            ctx.manual.push(format!(
                "no Dockerfile, compose service or Kubernetes manifest was found for the service: set {} in the environment it runs in",
                missing.join(" ")
            ));
        }
        return;
    };
    let Some(st) = stage(ctx, &file) else { return };
    let w = ctx.workloads("dockerfile")[0].clone();
    let mut lines = Vec::new();
    for (k, v) in wanted(ctx, "datadog-agent") {
        if has_env(&w, &k) || (k != "DD_SERVICE" && ctx.svc.config.contains_key(&k)) {
            let at = ctx
                .svc
                .config
                .get(&k)
                .map_or(file.clone(), |c| format!("{}:{}", c.file, c.line));
            record(ctx, &k, &v, &at, true);
            continue;
        }
        if k == "DD_VERSION" {
            lines.push(format!("ARG DD_VERSION={v}"));
            lines.push("ENV DD_VERSION=${DD_VERSION}".to_string());
        } else {
            lines.push(format!("ENV {k}={v}"));
        }
        record(ctx, &k, &v, &file, false);
    }
    if !lines.is_empty() {
        docker_insert(
            ctx,
            &st,
            &lines.join("\n"),
            "DD_* settings (unified service tagging, agent address)",
        );
        ctx.manual.push(
            "DD_VERSION is a build argument: pass `--build-arg DD_VERSION=$(git rev-parse --short HEAD)` (or the release) when building; DD_AGENT_HOST can be overridden with `docker run -e DD_AGENT_HOST=...`".into(),
        );
    }
}

/// The compose service's block: (first child line, child indentation, `environment:` line).
fn compose_env(ctx: &mut Ctx, w: &Workload, host: &str) {
    let Some(lines) = ctx.files.lines(&w.file) else {
        return;
    };
    let start = w.line; // 1-based line of the service key
    let Some(key_line) = lines.get(start - 1) else {
        return;
    };
    let base = indent_of(key_line).len();
    let mut child_indent: Option<String> = None;
    let mut first_child = None;
    let mut env_line = None;
    for (i, l) in lines.iter().enumerate().skip(start) {
        if l.trim().is_empty() || l.trim_start().starts_with('#') {
            continue;
        }
        let ind = indent_of(l);
        if ind.len() <= base {
            break;
        }
        if child_indent.is_none() {
            child_indent = Some(ind.to_string());
            first_child = Some(i + 1);
        }
        if Some(ind) == child_indent.as_deref() && l.trim_start().starts_with("environment:") {
            env_line = Some(i + 1);
        }
    }
    let (Some(child), Some(first_child)) = (child_indent, first_child) else {
        ctx.manual.push(format!(
            "{}:{}: compose service `{}` has no body to add environment to",
            w.file,
            w.line,
            w.name.as_deref().unwrap_or("?")
        ));
        return;
    };
    let want = wanted(ctx, host);
    let mut add = Vec::new();
    for (k, v) in &want {
        if has_env(w, k) {
            let at = w
                .env
                .iter()
                .find(|e| &e.key == k)
                .map_or(w.file.clone(), |e| format!("{}:{}", e.file, e.line));
            record(ctx, k, v, &at, true);
        } else {
            add.push((k.clone(), v.clone()));
            record(ctx, k, v, &w.file, false);
        }
    }
    if add.is_empty() {
        return;
    }
    let list = w.env_style.as_deref() == Some("list");
    let entries: Vec<String> = add
        .iter()
        .map(|(k, v)| {
            if list {
                format!("- {k}={v}")
            } else {
                format!("{k}: \"{v}\"")
            }
        })
        .collect();
    let what = format!(
        "compose service `{}`: {}",
        w.name.as_deref().unwrap_or("?"),
        add.iter()
            .map(|(k, _)| k.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    );
    match env_line {
        Some(l) => {
            let env_text = &lines[l - 1];
            if !env_text.trim_end().ends_with("environment:") {
                ctx.manual.push(format!(
                    "{}:{l}: add {} to the inline `environment` of `{}`",
                    w.file,
                    entries.join(", "),
                    w.name.as_deref().unwrap_or("?")
                ));
                return;
            }
            let item_indent = lines
                .iter()
                .skip(l)
                .find(|x| !x.trim().is_empty() && !x.trim_start().starts_with('#'))
                .map(|x| indent_of(x).to_string())
                .filter(|x| x.len() > child.len())
                .unwrap_or_else(|| format!("{child}  "));
            let e = ctx
                .files
                .insert(&w.file, l + 1, &indent(&entries.join("\n"), &item_indent));
            ctx.push(e, false, what);
        }
        None => {
            let text = format!("environment:\n{}", indent(&entries.join("\n"), "  "));
            let e = ctx
                .files
                .insert(&w.file, first_child, &indent(&text, &child));
            ctx.push(e, false, what);
        }
    }
}

/// The object and pod template of the Kubernetes container at `line`.
type Found<'a> = (&'a YamlNode, Option<&'a YamlNode>, &'a YamlNode);

fn find_container(docs: &[YamlNode], line: usize) -> Option<Found<'_>> {
    for doc in docs {
        let candidates: Vec<&YamlNode> = if doc.str_at("kind") == Some("List") {
            doc.get("items")
                .map_or(Vec::new(), |i| i.items().iter().collect())
        } else {
            vec![doc]
        };
        for obj in candidates {
            let kind = obj.str_at("kind").unwrap_or("");
            let template = match kind {
                "Pod" => Some(obj),
                "CronJob" => obj.path(&["spec", "jobTemplate", "spec", "template"]),
                _ => obj.path(&["spec", "template"]),
            };
            let Some(template) = template else { continue };
            let containers = template
                .path(&["spec", "containers"])
                .map_or(&[][..], YamlNode::items);
            if let Some(c) = containers.iter().find(|c| c.line == line) {
                let pod = if kind == "Pod" { None } else { Some(template) };
                return Some((obj, pod, c));
            }
        }
    }
    None
}

/// The indentation of a mapping's keys, from its first entry's line.
fn key_indent(lines: &[String], node: &YamlNode) -> Option<(usize, String)> {
    let first = node.entries().first()?;
    let text = lines.get(first.key_line - 1)?;
    let trimmed = text.trim_start_matches([' ', '\t']);
    let ind = indent_of(text);
    if let Some(rest) = trimmed.strip_prefix("- ") {
        let extra = trimmed.len() - rest.trim_start().len();
        return Some((first.key_line, format!("{ind}{}", " ".repeat(extra))));
    }
    if trimmed.starts_with('{') {
        return None;
    }
    Some((first.key_line, ind.to_string()))
}

const UST: [(&str, &str); 3] = [
    ("DD_SERVICE", "tags.datadoghq.com/service"),
    ("DD_ENV", "tags.datadoghq.com/env"),
    ("DD_VERSION", "tags.datadoghq.com/version"),
];

/// Add missing UST labels to a metadata mapping (`labels:` created when absent).
fn labels(
    ctx: &mut Ctx,
    file: &str,
    lines: &[String],
    holder: &YamlNode,
    values: &[(String, String)],
    what: &str,
    done: &mut Vec<(String, usize)>,
) -> bool {
    if done.iter().any(|(f, l)| f == file && *l == holder.line) {
        return true;
    }
    let meta = holder.get("metadata");
    let labels = meta.and_then(|m| m.get("labels"));
    let present = |k: &str| labels.is_some_and(|l| l.entries().iter().any(|e| e.key == k));
    let missing: Vec<String> = UST
        .iter()
        .filter(|(_, label)| !present(label))
        .filter_map(|(key, label)| {
            values
                .iter()
                .find(|(k, _)| k == key)
                .map(|(_, v)| format!("{label}: \"{v}\""))
        })
        .collect();
    done.push((file.to_string(), holder.line));
    if missing.is_empty() {
        return true;
    }
    let text = missing.join("\n");
    let edit = match (meta, labels) {
        (Some(_), Some(l)) if !l.entries().is_empty() => {
            let Some((line, ind)) = key_indent(lines, l) else {
                return false;
            };
            ctx.files.insert(file, line, &indent(&text, &ind))
        }
        (Some(m), _) if labels.is_none() && !m.entries().is_empty() => {
            let Some((line, ind)) = key_indent(lines, m) else {
                return false;
            };
            ctx.files.insert(
                file,
                line,
                &indent(&format!("labels:\n{}", indent(&text, "  ")), &ind),
            )
        }
        (None, _) => {
            let Some((line, ind)) = key_indent(lines, holder) else {
                return false;
            };
            ctx.files.insert(
                file,
                line,
                &indent(
                    &format!("metadata:\n  labels:\n{}", indent(&text, "    ")),
                    &ind,
                ),
            )
        }
        _ => return false,
    };
    ctx.push(edit, false, what);
    true
}

fn k8s_item(key: &str, value: &str) -> String {
    let field = match key {
        "DD_AGENT_HOST" => Some("status.hostIP".to_string()),
        _ => UST
            .iter()
            .find(|(k, _)| *k == key)
            .map(|(_, l)| format!("metadata.labels['{l}']")),
    };
    match field {
        Some(f) => format!("- name: {key}\n  valueFrom:\n    fieldRef:\n      fieldPath: {f}"),
        None => format!("- name: {key}\n  value: \"{value}\""),
    }
}

/// Unified service tagging labels on the workload and its pods, and the `DD_*` env of the
/// container from them (downward API), with DD_AGENT_HOST from `status.hostIP`.
fn kubernetes(ctx: &mut Ctx, w: &Workload, labelled: &mut Vec<(String, usize)>) {
    let Some(lines) = ctx.files.lines(&w.file) else {
        return;
    };
    let text = lines.join("\n");
    let Ok(docs) = yaml::parse_documents(&w.file, &text) else {
        return;
    };
    let Some((obj, pod, container)) = find_container(&docs, w.line) else {
        ctx.manual.push(format!(
            "{}:{}: cannot place the DD_* env of this container",
            w.file, w.line
        ));
        return;
    };
    let want = wanted(ctx, "status.hostIP");
    let workload = w.name.clone().unwrap_or_default();
    let mut ok = labels(
        ctx,
        &w.file,
        &lines,
        obj,
        &want,
        &format!("`{workload}`: tags.datadoghq.com/* labels"),
        labelled,
    );
    if let Some(pod) = pod {
        ok &= labels(
            ctx,
            &w.file,
            &lines,
            pod,
            &want,
            &format!("`{workload}` pod template: tags.datadoghq.com/* labels"),
            labelled,
        );
    }
    if !ok {
        ctx.manual.push(format!("{}: add the tags.datadoghq.com/service, env and version labels to `{workload}` and its pod template (flow-style labels are not edited)", w.file));
    }
    let mut add = Vec::new();
    for (k, v) in &want {
        let shown = match k.as_str() {
            "DD_AGENT_HOST" => "status.hostIP (downward API)".to_string(),
            _ if UST.iter().any(|(u, _)| u == k) => {
                format!("{v} (from the tags.datadoghq.com label)")
            }
            _ => v.clone(),
        };
        if has_env(w, k) {
            let at = w
                .env
                .iter()
                .find(|e| &e.key == k)
                .map_or(w.file.clone(), |e| format!("{}:{}", e.file, e.line));
            record(ctx, k, &shown, &at, true);
        } else {
            add.push(k8s_item(k, v));
            record(ctx, k, &shown, &w.file, false);
        }
    }
    if add.is_empty() {
        return;
    }
    let what = format!(
        "`{workload}` container env: {}",
        want.iter()
            .filter(|(k, _)| !has_env(w, k))
            .map(|(k, _)| k.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    );
    let text = add.join("\n");
    let edit = match container.get("env") {
        Some(env) if !env.items().is_empty() => {
            let first = &env.items()[0];
            let Some(l) = lines.get(first.line - 1) else {
                return;
            };
            if !l.trim_start().starts_with("- ") {
                ctx.manual.push(format!(
                    "{}:{}: add the DD_* env items to the container (flow-style env is not edited)",
                    w.file, first.line
                ));
                return;
            }
            ctx.files
                .insert(&w.file, first.line, &indent(&text, indent_of(l)))
        }
        Some(_) => {
            ctx.manual.push(format!(
                "{}: add the DD_* env items to the empty `env` of the container",
                w.file
            ));
            return;
        }
        None => {
            // Before the container's first key on a line of its own, indented like it.
            let Some(entry) = container
                .entries()
                .iter()
                .find(|e| e.key_line != container.line)
            else {
                ctx.manual.push(format!(
                    "{}:{}: add an `env` list with the DD_* settings to the container",
                    w.file, container.line
                ));
                return;
            };
            let Some(l) = lines.get(entry.key_line - 1) else {
                return;
            };
            let block = format!("env:\n{}", indent(&text, "  "));
            ctx.files
                .insert(&w.file, entry.key_line, &indent(&block, indent_of(l)))
        }
    };
    ctx.push(edit, false, what);
}

/// True when the image tag is an agent release below 7.28.0.
pub(crate) fn agent_too_old(image: &str) -> bool {
    let tag = image.rsplit_once(':').map_or("", |(_, t)| t);
    let nums: Vec<u32> = tag
        .split(['.', '-'])
        .take(2)
        .map_while(|p| p.parse().ok())
        .collect();
    matches!(nums.as_slice(), [major, minor] if (*major, *minor) < (7, 28))
}

/// Agent requirements and verification steps.
pub(crate) fn agent_and_verify(ctx: &mut Ctx) {
    let agents: Vec<(String, bool, bool, Option<String>)> = agents(ctx)
        .iter()
        .map(|w| {
            let set = |k: &str| {
                w.env.iter().any(|e| {
                    e.key == k
                        && e.value
                            .as_deref()
                            .is_some_and(|v| v.eq_ignore_ascii_case("true"))
                })
            };
            (
                w.file.clone(),
                set("DD_APM_ENABLED"),
                set("DD_APM_NON_LOCAL_TRAFFIC"),
                w.image.clone(),
            )
        })
        .collect();
    if agents.is_empty() {
        ctx.agent.push("no Datadog agent is deployed in this repository: run one where the service runs (Kubernetes: the Datadog Helm chart or Operator with APM enabled, port 8126 on each node; compose/docker: a `gcr.io/datadoghq/agent:7` container named as DD_AGENT_HOST says, with DD_API_KEY, DD_APM_ENABLED=true and DD_APM_NON_LOCAL_TRAFFIC=true)".into());
    }
    for (file, apm, non_local, image) in agents {
        let image = image.unwrap_or_default();
        let mut s = format!("agent in {file} ({image})");
        if agent_too_old(&image) {
            s.push_str(": older than 7.28.0, upgrade it (`agent-version` reports it)");
        }
        if !apm {
            s.push_str(": set DD_APM_ENABLED=true");
        }
        if !non_local {
            s.push_str(if apm {
                ": set DD_APM_NON_LOCAL_TRAFFIC=true (traces come from other containers)"
            } else {
                " and DD_APM_NON_LOCAL_TRAFFIC=true"
            });
        }
        ctx.agent.push(s);
    }
    ctx.agent.push("the agent must be 7.28.0 or newer and listen for traces on port 8126 (`apm-doctor agent --url http://<agent-host>:8126` checks both)".into());

    let svc = ctx.name.clone();
    let root = if ctx.svc.root == "." {
        ".".to_string()
    } else {
        ctx.svc.root.clone()
    };
    let mut verify = Vec::new();
    verify.push(match ctx.language.as_str() {
        "python" => "install the dependencies (`pip install -r requirements.txt` or your lock tool) and rebuild the image".to_string(),
        "go" => format!("run `go mod tidy` in {root} (fills go.sum and the indirect requirements), then `go build ./...`"),
        "java" => "rebuild the image (the agent jar is downloaded at build time)".to_string(),
        "node" => format!("run `npm install` (or yarn/pnpm) in {root} to lock dd-trace, then rebuild the image"),
        "ruby" => format!("run `bundle install` in {root} to lock the datadog gem, then rebuild the image"),
        "dotnet" => "run `dotnet restore` and publish: the Datadog.Trace.Bundle files land in the publish folder's `datadog/`".to_string(),
        "php" => "rebuild the image: `php -m | grep ddtrace` in the container lists the extension".to_string(),
        _ => "reconfigure and rebuild (CMake fetches dd-trace-cpp)".to_string(),
    });
    verify.push("start the service once with DD_TRACE_DEBUG=true: the tracer logs its configuration at start-up (a `DATADOG TRACER CONFIGURATION` line with service, env, version and agent URL) and every flush; remove it again afterwards (`debug-enabled` flags it in production)".into());
    verify.push("`apm-doctor agent --url http://<DD_AGENT_HOST>:8126` from where the service runs: the agent answers and accepts traces".into());
    verify.push(format!(
        "send a few requests, then open https://app.datadoghq.com/apm/services/{svc} (env `{}`)",
        config_or(ctx, "DD_ENV", &ctx.env)
    ));
    verify.push(format!("`apm-doctor scan --service {svc}` reports no tracer-missing, tracer-not-initialized, ust-missing or init-order finding for it"));
    ctx.verify = verify;
}
