//! Typed facts that parsers produce and rules see.
//!
//! Every fact carries the file (relative to the scanned root, `/`-separated) and the 1-based
//! line it came from, so that any finding built from it points at real code.

use serde::{Deserialize, Serialize};

/// A value together with where it was read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Located {
    /// The text (a command line, an image name, ...).
    pub text: String,
    /// File relative to the scanned root.
    pub file: String,
    /// 1-based line.
    pub line: usize,
}

/// One declared dependency of a manifest.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Dependency {
    /// Package name as the ecosystem spells it (`ddtrace`, `github.com/gin-gonic/gin`,
    /// `com.datadoghq:dd-java-agent`, `Datadog.Trace`, `datadog/dd-trace`, `dd-trace-cpp`).
    pub name: String,
    /// Version or constraint as written (`==2.8.0`, `v1.62.0`, `^5.2.0`), if any.
    pub version: Option<String>,
    /// File relative to the scanned root.
    pub file: String,
    /// 1-based line.
    pub line: usize,
}

/// A package manifest: the file that makes a directory a service.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    /// Manifest format, e.g. `requirements.txt`, `pyproject.toml`, `go.mod`, `pom.xml`,
    /// `build.gradle`, `package.json`, `Gemfile`, `Gemfile.lock`, `csproj`, `packages.config`,
    /// `Directory.Packages.props`, `composer.json`, `CMakeLists.txt`, `conanfile.txt`,
    /// `vcpkg.json`, `Pipfile`, `setup.cfg`.
    pub kind: String,
    /// Language family: python, go, java, node, ruby, dotnet, php, cpp.
    pub language: String,
    /// File relative to the scanned root.
    pub file: String,
    /// Project name declared by the manifest, if any.
    pub name: Option<String>,
    /// Declared dependencies in file order.
    pub dependencies: Vec<Dependency>,
    /// Commands the manifest declares (package.json `scripts`), as `name: command`.
    pub commands: Vec<Located>,
}

/// One environment variable set somewhere (Dockerfile ENV/ARG, compose, k8s, .env, Procfile).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EnvSetting {
    /// Variable name (`DD_SERVICE`).
    pub key: String,
    /// Literal value, when one is given.
    pub value: Option<String>,
    /// Where the value comes from when it is not literal (`fieldRef:status.hostIP`,
    /// `secretKeyRef:name/key`, `configMapRef:name`, `arg` for a Dockerfile ARG default).
    pub value_from: Option<String>,
    /// File relative to the scanned root.
    pub file: String,
    /// 1-based line.
    pub line: usize,
}

/// Something that builds or runs a service: a Dockerfile, a compose service, a Kubernetes
/// workload's container, a `.env` file or a Procfile process.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Workload {
    /// `dockerfile`, `compose`, `kubernetes`, `dotenv` or `procfile`.
    pub kind: String,
    /// Compose service name, Kubernetes workload name (`metadata.name`), Procfile process type.
    pub name: Option<String>,
    /// For Kubernetes: the workload kind (`Deployment`, `CronJob`...); else `None`.
    pub resource_kind: Option<String>,
    /// File relative to the scanned root.
    pub file: String,
    /// 1-based line where the workload starts.
    pub line: usize,
    /// Compose `build` context, resolved relative to the scanned root (`services/api`).
    pub build_context: Option<String>,
    /// Dockerfile named by a compose `build.dockerfile`, relative to the scanned root.
    pub dockerfile: Option<String>,
    /// Image the workload runs (compose `image`, k8s container `image`).
    pub image: Option<String>,
    /// Base images (Dockerfile `FROM`), in order.
    pub base_images: Vec<Located>,
    /// Environment settings in file order.
    pub env: Vec<EnvSetting>,
    /// `envFrom` / `env_file` references (names of ConfigMaps, Secrets or env files).
    pub env_from: Vec<Located>,
    /// Commands: Dockerfile CMD/ENTRYPOINT/RUN, compose command/entrypoint, k8s command/args,
    /// Procfile command lines. Each `text` is the command as one line.
    pub commands: Vec<Located>,
    /// Labels and annotations (`tags.datadoghq.com/service`), as `key=value`.
    pub labels: Vec<Located>,
    /// Kubernetes namespace, if any.
    pub namespace: Option<String>,
    /// CronJob schedule (`*/5 * * * *`), if any.
    #[serde(default)]
    pub schedule: Option<String>,
    /// How a compose service writes `environment`: `map` (`KEY: value`) or `list`
    /// (`- KEY=value`); `None` elsewhere. Fixes that add variables follow it.
    #[serde(default)]
    pub env_style: Option<String>,
}

impl Workload {
    /// An empty workload of the given kind located at `file:line`.
    pub fn new(kind: &str, file: &str, line: usize) -> Self {
        Self {
            kind: kind.to_string(),
            name: None,
            resource_kind: None,
            file: file.to_string(),
            line,
            build_context: None,
            dockerfile: None,
            image: None,
            base_images: Vec::new(),
            env: Vec::new(),
            env_from: Vec::new(),
            commands: Vec::new(),
            labels: Vec::new(),
            namespace: None,
            schedule: None,
            env_style: None,
        }
    }
}

/// What one configuration or manifest file yielded.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConfigFacts {
    /// The manifest, when the file is one.
    pub manifest: Option<Manifest>,
    /// Workloads the file defines (several for compose and multi-document k8s YAML).
    pub workloads: Vec<Workload>,
}

/// A parse failure with a position, so the user can find it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[error("{file}:{line}:{column}: {message}")]
pub struct ParseError {
    /// File relative to the scanned root.
    pub file: String,
    /// 1-based line (1 when unknown).
    pub line: usize,
    /// 1-based column (1 when unknown).
    pub column: usize,
    /// What went wrong.
    pub message: String,
}

impl ParseError {
    /// Build an error at `file:line:column`.
    pub fn new(file: &str, line: usize, column: usize, message: impl Into<String>) -> Self {
        Self {
            file: file.to_string(),
            line: line.max(1),
            column: column.max(1),
            message: message.into(),
        }
    }
}
