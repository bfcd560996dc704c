//! The fuzz targets: one function per kind of untrusted input the engine reads.
//!
//! A target takes raw bytes and feeds them to a public entry point of the engine the way the
//! tool does (text inputs are decoded lossily, as the walker does for files that are not valid
//! UTF-8). A target returns normally for any outcome, `Ok` or `Err`; only a panic is a failure.

use std::path::Path;
use std::sync::OnceLock;
use std::time::Duration;

use apm_doctor_engine::config::Config;
use apm_doctor_engine::facts::{self, ConfigKind};
use apm_doctor_engine::packages::PackageData;
use apm_doctor_engine::rca;
use apm_doctor_engine::rules::{self, Limits, RuleSource, SandboxSpec};
use apm_doctor_engine::traces::{self, flamegraph, msgpack};

use crate::Structure;

/// One fuzz target.
#[derive(Clone, Copy)]
pub struct Target {
    /// Name, also the folder of its seeds under `corpus/` and `regressions/`.
    pub name: &'static str,
    /// What it feeds, for `--list`.
    pub about: &'static str,
    /// Runs one input; true when the input was accepted (parsed without error). Accepted
    /// mutants are kept as parents for later mutations: the only feedback the harness has.
    pub run: fn(&[u8]) -> bool,
    /// Structure of the inputs, for structure-aware mutations.
    pub structure: Structure,
}

fn text(bytes: &[u8]) -> std::borrow::Cow<'_, str> {
    String::from_utf8_lossy(bytes)
}

/// Webhook payload: `rca::parse_alert`, then the monitor query it carries.
fn webhook(bytes: &[u8]) -> bool {
    let Ok(alert) = rca::parse_alert(&text(bytes), "fuzz.json") else {
        return false;
    };
    if let Some(q) = &alert.query {
        let _ = rca::parse_query(q);
    }
    true
}

/// A monitor query string on its own (`avg(last_5m):avg:trace...{scope} by {..} > 1`).
fn monitor_query(bytes: &[u8]) -> bool {
    let q = rca::parse_query(&text(bytes));
    !q.metrics.is_empty()
}

/// Trace payloads: `traces::parse_traces` (format detected from the content, as `--traces`
/// does), then the analysis and the flame graph the RCA report draws from them.
fn trace_payload(bytes: &[u8]) -> bool {
    let Ok((_, traces)) = traces::parse_traces(bytes, "fuzz.traces") else {
        return false;
    };
    let evidence = traces::analyse(&traces);
    for trace in traces.iter().take(4) {
        let focus = evidence
            .gaps
            .iter()
            .find(|g| g.span.trace_id == trace.trace_id)
            .map(|g| g.span.span_id)
            .or_else(|| trace.spans.first().map(|s| s.span_id))
            .unwrap_or(0);
        let _ = flamegraph::render_path(trace, focus, &evidence.gaps);
    }
    true
}

/// A `--cache` file: `ScanCache::from_bytes` under the all-zero run key (the seeds carry it),
/// then every entry's findings and facts restored.
fn scan_cache(bytes: &[u8]) -> bool {
    let cache = apm_doctor_engine::cache::ScanCache::from_bytes(bytes, [0, 0]);
    cache.restore_all();
    cache.warning.is_none()
}

/// The MessagePack decoder on its own.
fn msgpack_value(bytes: &[u8]) -> bool {
    msgpack::decode(bytes).is_ok()
}

/// One config/manifest parser through `facts::parse`, under a path of that kind.
fn config_file(kind: ConfigKind, rel_path: &str, bytes: &[u8]) -> bool {
    debug_assert_eq!(facts::classify(rel_path), Some(kind), "{rel_path}");
    facts::parse(kind, rel_path, &text(bytes)).is_ok_and(|f| {
        f.manifest.is_some_and(|m| !m.dependencies.is_empty()) || !f.workloads.is_empty()
    })
}

/// `facts::classify` on an arbitrary path, then `facts::parse` of a tiny text by that kind.
fn classify(bytes: &[u8]) -> bool {
    let path = text(bytes);
    let Some(kind) = facts::classify(&path) else {
        return false;
    };
    let _ = kind.is_manifest();
    let _ = facts::parse(kind, &path, "a=b\n");
    true
}

/// `apm-doctor.toml` through `config::Config::parse` (and the derived settings).
fn config_toml(bytes: &[u8]) -> bool {
    let Ok(config) = Config::parse(&text(bytes), Path::new("/fuzz/apm-doctor.toml")) else {
        return false;
    };
    let _ = config.rule_dirs();
    let _ = config.max_file_size();
    true
}

/// Package data files of a rule pack (`data/*.toml`).
fn package_data(bytes: &[u8]) -> bool {
    PackageData::parse(&text(bytes), "fuzz/data/packages.toml").is_ok()
}

/// The rule sandbox used to compile fuzzed rules: the real engine with smaller limits so a
/// `meta()` that loops stops within milliseconds instead of the 5 s a scan allows.
fn rule_spec() -> &'static SandboxSpec {
    static SPEC: OnceLock<SandboxSpec> = OnceLock::new();
    SPEC.get_or_init(|| {
        let limits = Limits {
            max_operations: 200_000,
            max_duration: Duration::from_millis(200),
            ..Limits::default()
        };
        SandboxSpec::new(limits, Vec::new()).expect("the stdlib helpers compile")
    })
}

/// Rule loading: `rules::compile_rule` (compile, hooks, `meta()` call and metadata checks).
fn rule(bytes: &[u8]) -> bool {
    let engine = rule_spec().engine();
    let source = RuleSource {
        origin: "fuzz/custom/rule.rhai".into(),
        text: text(bytes).into_owned(),
        builtin: false,
    };
    rules::compile_rule(&engine, &source).is_ok()
}

macro_rules! config_target {
    ($name:literal, $kind:ident, $path:literal) => {
        config_target!($name, $kind, $path, Structure::None)
    };
    ($name:literal, $kind:ident, $path:literal, $structure:expr) => {
        Target {
            name: $name,
            about: concat!("facts::parse(", stringify!($kind), ", \"", $path, "\")"),
            run: |b| config_file(ConfigKind::$kind, $path, b),
            structure: $structure,
        }
    };
}

/// Every target, in a fixed order.
pub const TARGETS: &[Target] = &[
    Target {
        name: "webhook",
        about: "rca::parse_alert (then rca::parse_query on its query)",
        run: webhook,
        structure: Structure::Json,
    },
    Target {
        name: "scan_cache",
        about: "cache::ScanCache::from_bytes + restore_all (a --cache file)",
        run: scan_cache,
        structure: Structure::Json,
    },
    Target {
        name: "monitor_query",
        about: "rca::parse_query",
        run: monitor_query,
        structure: Structure::None,
    },
    Target {
        name: "traces_v04_json",
        about: "traces::parse_traces + analyse + render_path, v0.4 JSON seeds",
        run: trace_payload,
        structure: Structure::Json,
    },
    Target {
        name: "traces_v04_msgpack",
        about: "traces::parse_traces + analyse + render_path, v0.4 MessagePack seeds",
        run: trace_payload,
        structure: Structure::Msgpack,
    },
    Target {
        name: "traces_v05",
        about: "traces::parse_traces + analyse + render_path, v0.5 MessagePack seeds",
        run: trace_payload,
        structure: Structure::Msgpack,
    },
    Target {
        name: "traces_ui",
        about: "traces::parse_traces + analyse + render_path, Datadog UI/API JSON seeds",
        run: trace_payload,
        structure: Structure::Json,
    },
    Target {
        name: "msgpack",
        about: "traces::msgpack::decode",
        run: msgpack_value,
        structure: Structure::Msgpack,
    },
    config_target!("requirements", Requirements, "svc/requirements.txt"),
    config_target!("pyproject", Pyproject, "svc/pyproject.toml"),
    config_target!("pipfile", Pipfile, "svc/Pipfile"),
    config_target!("setup_cfg", SetupCfg, "svc/setup.cfg"),
    config_target!("gomod", GoMod, "svc/go.mod"),
    config_target!("pom", PomXml, "svc/pom.xml"),
    config_target!("gradle", Gradle, "svc/build.gradle"),
    config_target!(
        "package_json",
        PackageJson,
        "svc/package.json",
        Structure::Json
    ),
    config_target!("gemfile", Gemfile, "svc/Gemfile"),
    config_target!("gemfile_lock", GemfileLock, "svc/Gemfile.lock"),
    config_target!("csproj", Csproj, "svc/Svc.Api.csproj"),
    config_target!("packages_config", PackagesConfig, "svc/packages.config"),
    config_target!(
        "directory_packages",
        DirectoryPackagesProps,
        "Directory.Packages.props"
    ),
    config_target!(
        "composer",
        ComposerJson,
        "svc/composer.json",
        Structure::Json
    ),
    config_target!("cmake", CMakeLists, "svc/CMakeLists.txt"),
    config_target!("conan", Conanfile, "svc/conanfile.txt"),
    config_target!("vcpkg", Vcpkg, "svc/vcpkg.json", Structure::Json),
    config_target!("dockerfile", Dockerfile, "svc/Dockerfile"),
    config_target!("compose", Compose, "docker-compose.yml"),
    config_target!("kubernetes", Yaml, "deploy/k8s/svc.yaml"),
    config_target!("dotenv", DotEnv, "svc/.env"),
    config_target!("procfile", Procfile, "svc/Procfile"),
    Target {
        name: "classify",
        about: "facts::classify on a path, then facts::parse by that kind",
        run: classify,
        structure: Structure::None,
    },
    Target {
        name: "config",
        about: "config::Config::parse (apm-doctor.toml)",
        run: config_toml,
        structure: Structure::None,
    },
    Target {
        name: "package_data",
        about: "packages::PackageData::parse (rule pack data/*.toml)",
        run: package_data,
        structure: Structure::None,
    },
    Target {
        name: "rule",
        about: "rules::compile_rule in the sandbox engine (small limits)",
        run: rule,
        structure: Structure::None,
    },
];

/// The target of this name.
pub fn find(name: &str) -> Option<&'static Target> {
    TARGETS.iter().find(|t| t.name == name)
}
