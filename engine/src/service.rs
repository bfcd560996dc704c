//! Service discovery: a service is a directory holding a manifest; workloads (Dockerfiles,
//! compose services, Kubernetes containers, .env files, Procfiles) are attached to the service
//! they build or run, and their DD_* settings become that service's configuration.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::finding::{ConfigValue, Edge, EntryPoint, InitInfo, TracerInfo};
use crate::model::{Dependency, EnvSetting, Located, Manifest, Workload};
use crate::packages::{FrameworkHit, PackageData};

/// Manifests that describe versions for others and do not make a folder a service.
const NON_DEFINING: [&str; 2] = ["Directory.Packages.props", "Gemfile.lock"];

/// Unified service tagging labels and the variable each stands for.
const UST_LABELS: [(&str, &str); 3] = [
    ("tags.datadoghq.com/service", "DD_SERVICE"),
    ("tags.datadoghq.com/env", "DD_ENV"),
    ("tags.datadoghq.com/version", "DD_VERSION"),
];

/// One service and everything known about it; rules see it as `svc`.
#[derive(Debug, Clone, Serialize)]
pub struct Service {
    /// DD_SERVICE, else the manifest's name, else the folder name.
    pub name: String,
    /// Folder relative to the scanned root (`.` for the root itself).
    pub root: String,
    /// Language family.
    pub language: Option<String>,
    /// Manifests in the folder.
    pub manifests: Vec<Manifest>,
    /// All dependencies of the manifests.
    pub dependencies: Vec<Dependency>,
    /// Frameworks detected from dependencies.
    pub frameworks: Vec<FrameworkHit>,
    /// Declared tracer.
    pub tracer: Option<TracerInfo>,
    /// Initialisation, from `init` facts.
    pub init: Option<InitInfo>,
    /// Attached workloads.
    pub workloads: Vec<Workload>,
    /// All environment settings of attached workloads, in workload order.
    pub env: Vec<EnvSetting>,
    /// All commands: manifest scripts and workload commands.
    pub commands: Vec<Located>,
    /// Effective DD_* configuration (first setting wins; UST labels fill gaps).
    pub config: BTreeMap<String, ConfigValue>,
    /// Facts rules reported, by kind.
    pub facts: BTreeMap<String, Vec<rhai::Dynamic>>,
    /// Source files by language family.
    pub source_files: BTreeMap<String, usize>,
    /// Entry points with their coverage (filled after the file phase).
    pub entry_points: Vec<EntryPoint>,
    /// Outbound calls to other services of the repo (filled after the file phase).
    pub edges: Vec<Edge>,
}

/// Services of a tree plus the workloads no service claimed (agents, shared infra).
#[derive(Debug, Clone, Default)]
pub struct ServiceModel {
    /// Services ordered by root.
    pub services: Vec<Service>,
    /// Workloads attached to no service.
    pub unattached: Vec<Workload>,
    /// Service index by root folder, built on the first ownership question (the services'
    /// roots and order are final by then: only [`discover`] changes them, and it resets this).
    owners: std::sync::OnceLock<std::collections::HashMap<String, usize>>,
}

fn parent_dir(file: &str) -> &str {
    file.rsplit_once('/').map_or(".", |(d, _)| d)
}

fn folder_name<'a>(root: &'a str, root_name: &'a str) -> &'a str {
    if root == "." {
        root_name
    } else {
        root.rsplit('/').next().unwrap_or(root)
    }
}

impl ServiceModel {
    /// Index of the service whose folder is the deepest ancestor of `dir`.
    pub fn owner_of_dir(&self, dir: &str) -> Option<usize> {
        let owners = self.owners.get_or_init(|| {
            self.services
                .iter()
                .enumerate()
                .map(|(i, s)| (s.root.clone(), i))
                .collect()
        });
        // The deepest ancestor folder (or `dir` itself) that is a service root; the root
        // folder's service owns what no other does.
        let mut folder = dir;
        loop {
            if folder != "." {
                if let Some(&i) = owners.get(folder) {
                    return Some(i);
                }
            }
            match folder.rfind('/') {
                Some(at) => folder = &folder[..at],
                None => break,
            }
        }
        owners.get(".").copied()
    }

    /// Index of the service owning a file.
    pub fn owner_of_file(&self, file: &str) -> Option<usize> {
        self.owner_of_dir(parent_dir(file))
    }

    /// Find a service by name (as reported).
    pub fn by_name(&self, name: &str) -> Option<&Service> {
        self.services.iter().find(|s| s.name == name)
    }
}

/// Build the service model from every manifest and workload of the tree.
///
/// `root_name` names a service at the tree's root folder; `source_counts` maps a folder to
/// source-file counts by family (used to pick a service's language).
pub fn discover(
    manifests: Vec<Manifest>,
    workloads: Vec<Workload>,
    packages: &PackageData,
    root_name: &str,
    source_files: &BTreeMap<String, String>,
) -> ServiceModel {
    let mut by_root: BTreeMap<String, Vec<Manifest>> = BTreeMap::new();
    let mut extra: Vec<Manifest> = Vec::new();
    for m in manifests {
        if NON_DEFINING.contains(&m.kind.as_str()) {
            extra.push(m);
        } else {
            by_root
                .entry(parent_dir(&m.file).to_string())
                .or_default()
                .push(m);
        }
    }
    let mut model = ServiceModel::default();
    for (root, manifests) in by_root {
        model.services.push(Service {
            name: String::new(),
            root,
            language: None,
            manifests,
            dependencies: Vec::new(),
            frameworks: Vec::new(),
            tracer: None,
            init: None,
            workloads: Vec::new(),
            env: Vec::new(),
            commands: Vec::new(),
            config: BTreeMap::new(),
            facts: BTreeMap::new(),
            source_files: BTreeMap::new(),
            entry_points: Vec::new(),
            edges: Vec::new(),
        });
    }
    for m in extra {
        // A lock file joins the service of its folder; central package files join every
        // service below them only for version lookups, so they are kept with the nearest one.
        if let Some(i) = model.owner_of_file(&m.file) {
            model.services[i].manifests.push(m);
        }
    }
    for (file, family) in source_files {
        if let Some(i) = model.owner_of_file(file) {
            *model.services[i]
                .source_files
                .entry(family.clone())
                .or_default() += 1;
        }
    }
    for s in &mut model.services {
        s.language = pick_language(s);
        s.dependencies = s
            .manifests
            .iter()
            .flat_map(|m| m.dependencies.iter().cloned())
            .collect();
        s.commands = s
            .manifests
            .iter()
            .flat_map(|m| m.commands.iter().cloned())
            .collect();
    }

    // Config maps are resolved into the workloads that reference them.
    let config_maps: Vec<Workload> = workloads
        .iter()
        .filter(|w| w.resource_kind.as_deref() == Some("ConfigMap"))
        .cloned()
        .collect();
    let names = NameIndex::new(&model, root_name);
    for mut w in workloads {
        if w.resource_kind.as_deref() == Some("ConfigMap") {
            continue;
        }
        for reference in w.env_from.clone() {
            let name = reference.text.split(':').nth(1).unwrap_or(&reference.text);
            if let Some(cm) = config_maps.iter().find(|c| c.name.as_deref() == Some(name)) {
                w.env.extend(cm.env.iter().cloned());
            }
        }
        match attach_target(&model, &names, &w, root_name) {
            Some(i) => model.services[i].workloads.push(w),
            None => model.unattached.push(w),
        }
    }
    for s in &mut model.services {
        s.workloads.sort_by_key(|w| workload_rank(&w.kind));
        finish_service(s, packages, root_name);
    }
    model.services.sort_by(|a, b| a.root.cmp(&b.root));
    // Indices may have moved: the ownership index is built again when next needed.
    model.owners = std::sync::OnceLock::new();
    model
}

fn pick_language(s: &Service) -> Option<String> {
    let mut best: Option<(&str, usize, usize)> = None;
    for (order, m) in s.manifests.iter().enumerate() {
        let count = s.source_files.get(&m.language).copied().unwrap_or(0);
        let better = match best {
            None => true,
            Some((_, c, _)) => count > c,
        };
        if better {
            best = Some((m.language.as_str(), count, order));
        }
    }
    best.map(|(l, _, _)| l.to_string())
}

/// Deployment manifests describe what runs, so they rank before build files.
fn workload_rank(kind: &str) -> u8 {
    match kind {
        "kubernetes" => 0,
        "compose" => 1,
        "dockerfile" => 2,
        "procfile" => 3,
        _ => 4,
    }
}

fn normalise(name: &str) -> String {
    name.to_ascii_lowercase().replace(['_', ' '], "-")
}

/// Names a workload may call its service by.
fn candidate_names(s: &Service, root_name: &str) -> Vec<String> {
    let mut names = vec![normalise(folder_name(&s.root, root_name))];
    for m in &s.manifests {
        if let Some(n) = &m.name {
            names.push(normalise(n.rsplit('/').next().unwrap_or(n)));
        }
    }
    names
}

fn image_base(image: &str) -> String {
    let (no_tag, _) = apm_doctor_stdlib::split_image(image);
    normalise(no_tag.rsplit('/').next().unwrap_or(&no_tag))
}

fn attach_target(
    model: &ServiceModel,
    names: &NameIndex,
    w: &Workload,
    root_name: &str,
) -> Option<usize> {
    match w.kind.as_str() {
        "dockerfile" | "dotenv" | "procfile" => {
            if let Some(i) = model.owner_of_file(&w.file) {
                if model.services[i].root != "." || parent_dir(&w.file) == "." {
                    return Some(i);
                }
            }
            // A Dockerfile outside every service (docker/api.Dockerfile): match by name.
            let stem = w
                .file
                .rsplit('/')
                .next()
                .unwrap_or("")
                .replace("Dockerfile", "")
                .trim_matches('.')
                .to_string();
            let stem = if stem.is_empty() {
                folder_name(parent_dir(&w.file), root_name).to_string()
            } else {
                stem
            };
            names
                .find(&normalise(&stem))
                .or_else(|| model.owner_of_file(&w.file))
        }
        "compose" => {
            if let Some(ctx) = &w.build_context {
                if let Some(i) = model.owner_of_dir(ctx) {
                    return Some(i);
                }
            }
            if let Some(df) = &w.dockerfile {
                if let Some(i) = model.owner_of_file(df) {
                    return Some(i);
                }
            }
            named_target(names, w)
        }
        _ => named_target(names, w).or_else(|| {
            model
                .owner_of_file(&w.file)
                .filter(|&i| model.services[i].root != ".")
        }),
    }
}

fn named_target(names: &NameIndex, w: &Workload) -> Option<usize> {
    if let Some(image) = &w.image {
        if let Some(i) = names.find(&image_base(image)) {
            return Some(i);
        }
    }
    for label in &w.labels {
        if let Some((k, v)) = label.text.split_once('=') {
            if matches!(
                k,
                "tags.datadoghq.com/service" | "app" | "app.kubernetes.io/name"
            ) {
                if let Some(i) = names.find(&normalise(v)) {
                    return Some(i);
                }
            }
        }
    }
    if let Some(name) = &w.name {
        let base = name.split('/').next().unwrap_or(name);
        if let Some(i) = names.find(&normalise(base)) {
            return Some(i);
        }
    }
    None
}

/// Every name a workload may call a service by, to the first service (in model order) that
/// goes by it.
struct NameIndex(std::collections::HashMap<String, usize>);

impl NameIndex {
    fn new(model: &ServiceModel, root_name: &str) -> NameIndex {
        let mut index = std::collections::HashMap::new();
        for (i, s) in model.services.iter().enumerate() {
            for name in candidate_names(s, root_name) {
                index.entry(name).or_insert(i);
            }
        }
        NameIndex(index)
    }

    fn find(&self, wanted: &str) -> Option<usize> {
        if wanted.is_empty() {
            return None;
        }
        self.0.get(wanted).copied()
    }
}

fn finish_service(s: &mut Service, packages: &PackageData, root_name: &str) {
    for w in &s.workloads {
        s.env.extend(w.env.iter().cloned());
        s.commands.extend(w.commands.iter().cloned());
    }
    for w in &s.workloads {
        for e in &w.env {
            if !e.key.starts_with("DD_") && !e.key.starts_with("OTEL_") && !is_tracer_env(&e.key) {
                continue;
            }
            let value = match (&e.value, &e.value_from) {
                (_, Some(src)) if src == "arg" => continue, // build-time only
                (Some(v), _) => v.clone(),
                (None, Some(src)) => label_value(w, src).unwrap_or_else(|| src.clone()),
                (None, None) => continue,
            };
            s.config.entry(e.key.clone()).or_insert(ConfigValue {
                value,
                file: e.file.clone(),
                line: e.line,
            });
        }
    }
    for w in &s.workloads {
        for label in &w.labels {
            let Some((k, v)) = label.text.split_once('=') else {
                continue;
            };
            if let Some((_, key)) = UST_LABELS.iter().find(|(l, _)| *l == k) {
                s.config.entry((*key).to_string()).or_insert(ConfigValue {
                    value: v.to_string(),
                    file: label.file.clone(),
                    line: label.line,
                });
            }
        }
    }
    let language = s.language.clone().unwrap_or_default();
    let mut tracer = None;
    for d in &s.dependencies {
        if let Some(t) = packages.tracer_for(&language, &d.name) {
            if tracer.is_none() {
                tracer = Some(TracerInfo {
                    library: t.library.clone(),
                    version: d.version.clone(),
                    declared_in: d.file.clone(),
                    line: d.line,
                });
            }
        } else if let Some(f) = packages.framework_for(&language, &d.name) {
            if !s.frameworks.iter().any(|h| h.name == f.name) {
                s.frameworks.push(FrameworkHit {
                    name: f.name.clone(),
                    kind: f.kind.clone(),
                    package: d.name.clone(),
                    version: d.version.clone(),
                    file: d.file.clone(),
                    line: d.line,
                });
            }
        }
    }
    // What the process actually loads (a -javaagent, the .NET or PHP installer) wins over a
    // manual-API dependency of another name: it decides what is instrumented.
    let settings = s
        .env
        .iter()
        .map(|e| Located {
            text: format!("{}={}", e.key, e.value.as_deref().unwrap_or("")),
            file: e.file.clone(),
            line: e.line,
        })
        .collect::<Vec<_>>();
    let loaded = s.commands.iter().chain(settings.iter()).find_map(|c| {
        packages
            .tracer_in_command(&language, &c.text)
            .map(|t| TracerInfo {
                library: t.library.clone(),
                version: None,
                declared_in: c.file.clone(),
                line: c.line,
            })
    });
    match (&tracer, loaded) {
        (None, Some(l)) => tracer = Some(l),
        (Some(t), Some(l)) if t.library != l.library => tracer = Some(l),
        _ => {}
    }
    s.tracer = tracer;
    s.name = s
        .config
        .get("DD_SERVICE")
        .filter(|c| !c.value.contains("Ref:") && !c.value.is_empty())
        .map(|c| c.value.clone())
        .or_else(|| s.manifests.iter().find_map(manifest_service_name))
        .unwrap_or_else(|| folder_name(&s.root, root_name).to_string());
}

/// The service name a manifest suggests: its name, except that a Go module path gives its last
/// segment (`github.com/acme/inventory/v2` → `inventory`), as the binary would be called.
fn manifest_service_name(m: &Manifest) -> Option<String> {
    let name = m.name.clone()?;
    if m.kind != "go.mod" {
        return Some(name);
    }
    let mut parts = name.rsplit('/');
    let last = parts.next().unwrap_or(&name);
    let is_major =
        last.len() > 1 && last.starts_with('v') && last[1..].chars().all(|c| c.is_ascii_digit());
    let pick = if is_major {
        parts.next().unwrap_or(last)
    } else {
        last
    };
    Some(pick.to_string())
}

/// The value of a downward-API reference to a pod label (`fieldRef:metadata.labels['k']`).
fn label_value(w: &Workload, source: &str) -> Option<String> {
    let key = source
        .strip_prefix("fieldRef:metadata.labels['")?
        .strip_suffix("']")?;
    w.labels.iter().find_map(|l| {
        l.text
            .split_once('=')
            .filter(|(k, _)| *k == key)
            .map(|(_, v)| v.to_string())
    })
}

fn is_tracer_env(key: &str) -> bool {
    matches!(
        key,
        "JAVA_TOOL_OPTIONS"
            | "JDK_JAVA_OPTIONS"
            | "NODE_OPTIONS"
            | "CORECLR_ENABLE_PROFILING"
            | "CORECLR_PROFILER"
            | "CORECLR_PROFILER_PATH"
            | "COR_ENABLE_PROFILING"
            | "LD_PRELOAD"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn manifest(file: &str) -> Manifest {
        Manifest {
            kind: "requirements.txt".into(),
            language: "python".into(),
            file: file.into(),
            name: None,
            dependencies: Vec::new(),
            commands: Vec::new(),
        }
    }

    #[test]
    fn the_deepest_service_folder_owns_a_file_and_the_root_service_the_rest() {
        let model = discover(
            vec![
                manifest("requirements.txt"),
                manifest("svc/a/requirements.txt"),
                manifest("svc/a/b/requirements.txt"),
                manifest("svc/ab/requirements.txt"),
            ],
            Vec::new(),
            &PackageData::default(),
            "repo",
            &BTreeMap::new(),
        );
        let owner = |file: &str| {
            model
                .owner_of_file(file)
                .map(|i| model.services[i].root.as_str())
        };
        assert_eq!(owner("app.py"), Some("."));
        assert_eq!(owner("svc/a/app.py"), Some("svc/a"));
        assert_eq!(owner("svc/a/lib/deep/x.py"), Some("svc/a"));
        assert_eq!(owner("svc/a/b/app.py"), Some("svc/a/b"));
        assert_eq!(owner("svc/ab/app.py"), Some("svc/ab"));
        // `svc/abc` starts like `svc/ab` but is not below it.
        assert_eq!(owner("svc/abc/app.py"), Some("."));
        assert_eq!(
            model.owner_of_dir("svc/a/b"),
            model.owner_of_dir("svc/a/b/c")
        );

        let without_root = discover(
            vec![manifest("svc/a/requirements.txt")],
            Vec::new(),
            &PackageData::default(),
            "repo",
            &BTreeMap::new(),
        );
        assert_eq!(without_root.owner_of_file("svc/b/app.py"), None);
        assert_eq!(without_root.owner_of_file("svc/a/app.py"), Some(0));
    }
}
