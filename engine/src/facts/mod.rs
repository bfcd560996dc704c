//! Parsers for configuration files and package manifests.
//!
//! [`classify`] tells from a path what kind of file it is, and [`parse`] turns its text into
//! [`ConfigFacts`]: the manifest it declares (with every dependency at the line it is declared
//! on) and the workloads it defines (Dockerfiles, compose services, Kubernetes containers,
//! `.env` files, Procfile processes).
//!
//! No parser panics on any input: malformed JSON, TOML, XML or YAML yields a [`ParseError`]
//! with a position, and files that are not what their name suggests yield empty facts.

use crate::model::{ConfigFacts, Located, Manifest, ParseError};

mod cmake;
mod compose;
mod composer;
mod conan;
mod dockerfile;
mod dotenv;
mod dotnet;
mod gemfile;
mod gomod;
mod gradle;
mod json;
mod kubernetes;
mod package_json;
mod pom;
mod procfile;
mod pyproject;
mod requirements;
mod setup_cfg;
mod vcpkg;
mod xml;
pub(crate) mod yaml;

/// What kind of config/manifest a path is, from its file name (and for YAML, content sniffing
/// is done in parse).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ConfigKind {
    /// `requirements*.txt`, or a `.txt` file inside a `requirements/` directory.
    Requirements,
    /// `pyproject.toml` (PEP 621 and Poetry).
    Pyproject,
    /// Pipenv's `Pipfile`.
    Pipfile,
    /// setuptools' `setup.cfg`.
    SetupCfg,
    /// Go's `go.mod`.
    GoMod,
    /// Maven's `pom.xml`.
    PomXml,
    /// Gradle's `build.gradle` or `build.gradle.kts`.
    Gradle,
    /// npm's `package.json`.
    PackageJson,
    /// Bundler's `Gemfile`.
    Gemfile,
    /// Bundler's `Gemfile.lock`.
    GemfileLock,
    /// A .NET `*.csproj` project.
    Csproj,
    /// NuGet's legacy `packages.config`.
    PackagesConfig,
    /// NuGet central package management's `Directory.Packages.props`.
    DirectoryPackagesProps,
    /// Composer's `composer.json`.
    ComposerJson,
    /// CMake's `CMakeLists.txt`.
    CMakeLists,
    /// Conan's `conanfile.txt`.
    Conanfile,
    /// vcpkg's `vcpkg.json` manifest.
    Vcpkg,
    /// `Dockerfile`, `Dockerfile.*` or `*.Dockerfile`.
    Dockerfile,
    /// `docker-compose*.yml`, `compose.yml`, `compose.*.yml` (or `.yaml`).
    Compose,
    /// Any other YAML file; parsed as Kubernetes objects when it is some.
    Yaml,
    /// `.env`, `.env.*` or `*.env`.
    DotEnv,
    /// A `Procfile` (or `Procfile.*`).
    Procfile,
}

impl ConfigKind {
    /// Whether files of this kind are package manifests (as opposed to files that define
    /// workloads: Dockerfiles, compose, Kubernetes YAML, `.env`, Procfile).
    pub fn is_manifest(self) -> bool {
        !matches!(
            self,
            ConfigKind::Dockerfile
                | ConfigKind::Compose
                | ConfigKind::Yaml
                | ConfigKind::DotEnv
                | ConfigKind::Procfile
        )
    }
}

/// Classify a path (relative to the scanned root, `/`-separated) by its file name.
///
/// Returns `None` for files that are neither manifests nor configuration this module reads.
pub fn classify(rel_path: &str) -> Option<ConfigKind> {
    let mut parts = rel_path.rsplit(['/', '\\']);
    let name = parts.next().unwrap_or(rel_path);
    let parent = parts.next().unwrap_or("");
    let lower = name.to_ascii_lowercase();
    let kind = match name {
        "pyproject.toml" => ConfigKind::Pyproject,
        "Pipfile" => ConfigKind::Pipfile,
        "setup.cfg" => ConfigKind::SetupCfg,
        "go.mod" => ConfigKind::GoMod,
        "pom.xml" => ConfigKind::PomXml,
        "build.gradle" | "build.gradle.kts" => ConfigKind::Gradle,
        "package.json" => {
            if rel_path.split('/').any(|c| c == "node_modules") {
                return None;
            }
            ConfigKind::PackageJson
        }
        "Gemfile" => ConfigKind::Gemfile,
        "Gemfile.lock" => ConfigKind::GemfileLock,
        "packages.config" => ConfigKind::PackagesConfig,
        "Directory.Packages.props" => ConfigKind::DirectoryPackagesProps,
        "composer.json" => ConfigKind::ComposerJson,
        "CMakeLists.txt" => ConfigKind::CMakeLists,
        "conanfile.txt" => ConfigKind::Conanfile,
        "vcpkg.json" => ConfigKind::Vcpkg,
        "Procfile" => ConfigKind::Procfile,
        ".env" => ConfigKind::DotEnv,
        _ => return classify_by_pattern(name, &lower, parent),
    };
    Some(kind)
}

/// The pattern-based part of [`classify`] (prefixes and suffixes).
fn classify_by_pattern(name: &str, lower: &str, parent: &str) -> Option<ConfigKind> {
    let is_yaml = lower.ends_with(".yml") || lower.ends_with(".yaml");
    if lower.ends_with(".txt")
        && (lower.starts_with("requirements")
            || lower.ends_with("-requirements.txt")
            || lower.ends_with("_requirements.txt")
            || parent == "requirements")
    {
        return Some(ConfigKind::Requirements);
    }
    if lower.ends_with(".csproj") {
        return Some(ConfigKind::Csproj);
    }
    if lower == "dockerfile" || lower.ends_with(".dockerfile") {
        return Some(ConfigKind::Dockerfile);
    }
    if let Some(variant) = name.strip_prefix("Dockerfile.") {
        const NOT_DOCKERFILES: &[&str] = &[
            "dockerignore",
            "rs",
            "go",
            "py",
            "js",
            "ts",
            "rb",
            "java",
            "cs",
            "php",
            "md",
            "json",
            "yml",
            "yaml",
            "sh",
        ];
        if !NOT_DOCKERFILES.contains(&variant.to_ascii_lowercase().as_str()) {
            return Some(ConfigKind::Dockerfile);
        }
    }
    if is_yaml {
        if lower.starts_with("docker-compose")
            || lower == "compose.yml"
            || lower == "compose.yaml"
            || lower.starts_with("compose.")
        {
            return Some(ConfigKind::Compose);
        }
        return Some(ConfigKind::Yaml);
    }
    if name.starts_with(".env.") || (lower.ends_with(".env") && lower.len() > 4) {
        return Some(ConfigKind::DotEnv);
    }
    if name.starts_with("Procfile.") {
        return Some(ConfigKind::Procfile);
    }
    None
}

/// Parse the text of a file of the given kind found at `rel_path`.
///
/// # Errors
/// Returns a [`ParseError`] with the position the underlying parser reports when the file is
/// malformed JSON, TOML, XML or YAML. Files that parse but are not what their name suggests
/// (e.g. a YAML file that holds no Kubernetes object) give `Ok` with empty facts.
pub fn parse(kind: ConfigKind, rel_path: &str, text: &str) -> Result<ConfigFacts, ParseError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let manifest = |m: Manifest| ConfigFacts {
        manifest: Some(m),
        workloads: Vec::new(),
    };
    Ok(match kind {
        ConfigKind::Requirements => manifest(requirements::parse(rel_path, text)),
        ConfigKind::Pyproject => manifest(pyproject::parse_pyproject(rel_path, text)?),
        ConfigKind::Pipfile => manifest(pyproject::parse_pipfile(rel_path, text)?),
        ConfigKind::SetupCfg => manifest(setup_cfg::parse(rel_path, text)),
        ConfigKind::GoMod => manifest(gomod::parse(rel_path, text)),
        ConfigKind::PomXml => manifest(pom::parse(rel_path, text)?),
        ConfigKind::Gradle => manifest(gradle::parse(rel_path, text)),
        ConfigKind::PackageJson => manifest(package_json::parse(rel_path, text)?),
        ConfigKind::Gemfile => manifest(gemfile::parse_gemfile(rel_path, text)),
        ConfigKind::GemfileLock => manifest(gemfile::parse_lock(rel_path, text)),
        ConfigKind::Csproj => manifest(dotnet::parse_csproj(rel_path, text)?),
        ConfigKind::PackagesConfig => manifest(dotnet::parse_packages_config(rel_path, text)?),
        ConfigKind::DirectoryPackagesProps => {
            manifest(dotnet::parse_directory_packages(rel_path, text)?)
        }
        ConfigKind::ComposerJson => manifest(composer::parse(rel_path, text)?),
        ConfigKind::CMakeLists => manifest(cmake::parse(rel_path, text)),
        ConfigKind::Conanfile => manifest(conan::parse(rel_path, text)),
        ConfigKind::Vcpkg => manifest(vcpkg::parse(rel_path, text)?),
        ConfigKind::Dockerfile => ConfigFacts {
            manifest: None,
            workloads: vec![dockerfile::parse(rel_path, text)],
        },
        ConfigKind::Compose => ConfigFacts {
            manifest: None,
            workloads: compose::parse(rel_path, text)?,
        },
        ConfigKind::Yaml => ConfigFacts {
            manifest: None,
            workloads: kubernetes::parse(rel_path, text)?,
        },
        ConfigKind::DotEnv => ConfigFacts {
            manifest: None,
            workloads: vec![dotenv::parse(rel_path, text)],
        },
        ConfigKind::Procfile => ConfigFacts {
            manifest: None,
            workloads: procfile::parse(rel_path, text),
        },
    })
}

/// An empty manifest of the given format and language for `file`.
fn new_manifest(kind: &str, language: &str, file: &str) -> Manifest {
    Manifest {
        kind: kind.to_string(),
        language: language.to_string(),
        file: file.to_string(),
        name: None,
        dependencies: Vec::new(),
        commands: Vec::new(),
    }
}

/// A [`Located`] value.
fn located(text: impl Into<String>, file: &str, line: usize) -> Located {
    Located {
        text: text.into(),
        file: file.to_string(),
        line,
    }
}

/// Byte offset → line/column lookups over one text.
struct LineIndex<'a> {
    text: &'a str,
    starts: Vec<usize>,
}

impl<'a> LineIndex<'a> {
    /// Index the line starts of `text`.
    fn new(text: &'a str) -> Self {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        Self { text, starts }
    }

    /// 1-based line of a byte offset (clamped to the text).
    fn line(&self, offset: usize) -> usize {
        self.starts.partition_point(|&s| s <= offset).max(1)
    }

    /// 1-based line and column (in characters) of a byte offset.
    fn line_col(&self, offset: usize) -> (usize, usize) {
        let line = self.line(offset);
        let start = self.starts.get(line - 1).copied().unwrap_or(0);
        let end = offset.min(self.text.len());
        let column = self
            .text
            .get(start..end)
            .map_or(1, |s| s.chars().count() + 1);
        (line, column)
    }
}

/// Python package name normalisation: lower-case, `_` → `-`.
fn normalize_python_name(name: &str) -> String {
    name.trim().to_ascii_lowercase().replace('_', "-")
}

/// Parent directory of a `/`-separated relative path (`""` for a file at the root).
fn parent_dir(rel_path: &str) -> &str {
    rel_path.rfind('/').map_or("", |i| &rel_path[..i])
}

/// Join `path` onto directory `base` and normalise `.` and `..` (`/`-separated). The root is
/// `.`; `..` that climbs above the root is kept. Absolute paths are only normalised.
fn join_normalize(base: &str, path: &str) -> String {
    let path = path.trim();
    let absolute = path.starts_with('/');
    let mut parts: Vec<&str> = Vec::new();
    let joined: Vec<&str> = if absolute {
        path.split('/').collect()
    } else {
        base.split('/').chain(path.split('/')).collect()
    };
    for comp in joined {
        match comp {
            "" | "." => {}
            ".." => {
                if parts.last().is_some_and(|p| *p != "..") {
                    parts.pop();
                } else if !absolute {
                    parts.push("..");
                }
            }
            c => parts.push(c),
        }
    }
    let out = parts.join("/");
    match (absolute, out.is_empty()) {
        (true, _) => format!("/{out}"),
        (false, true) => ".".to_string(),
        (false, false) => out,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classify_names() {
        let cases = [
            ("requirements.txt", Some(ConfigKind::Requirements)),
            ("svc/requirements-dev.txt", Some(ConfigKind::Requirements)),
            ("svc/requirements/base.txt", Some(ConfigKind::Requirements)),
            ("notes.txt", None),
            ("pyproject.toml", Some(ConfigKind::Pyproject)),
            ("a/Pipfile", Some(ConfigKind::Pipfile)),
            ("setup.cfg", Some(ConfigKind::SetupCfg)),
            ("go.mod", Some(ConfigKind::GoMod)),
            ("pom.xml", Some(ConfigKind::PomXml)),
            ("build.gradle.kts", Some(ConfigKind::Gradle)),
            ("web/package.json", Some(ConfigKind::PackageJson)),
            ("web/node_modules/x/package.json", None),
            ("Gemfile", Some(ConfigKind::Gemfile)),
            ("Gemfile.lock", Some(ConfigKind::GemfileLock)),
            ("src/Api/Api.csproj", Some(ConfigKind::Csproj)),
            ("packages.config", Some(ConfigKind::PackagesConfig)),
            (
                "Directory.Packages.props",
                Some(ConfigKind::DirectoryPackagesProps),
            ),
            ("composer.json", Some(ConfigKind::ComposerJson)),
            ("CMakeLists.txt", Some(ConfigKind::CMakeLists)),
            ("conanfile.txt", Some(ConfigKind::Conanfile)),
            ("vcpkg.json", Some(ConfigKind::Vcpkg)),
            ("Dockerfile", Some(ConfigKind::Dockerfile)),
            ("api/Dockerfile.prod", Some(ConfigKind::Dockerfile)),
            ("api/worker.Dockerfile", Some(ConfigKind::Dockerfile)),
            ("engine/src/facts/dockerfile.rs", None),
            ("Dockerfile.dockerignore", None),
            ("docker-compose.yml", Some(ConfigKind::Compose)),
            ("docker-compose.override.yaml", Some(ConfigKind::Compose)),
            ("compose.yaml", Some(ConfigKind::Compose)),
            ("compose.prod.yml", Some(ConfigKind::Compose)),
            ("k8s/deploy.yaml", Some(ConfigKind::Yaml)),
            (".github/workflows/ci.yml", Some(ConfigKind::Yaml)),
            (".env", Some(ConfigKind::DotEnv)),
            (".env.production", Some(ConfigKind::DotEnv)),
            ("config/app.env", Some(ConfigKind::DotEnv)),
            ("Procfile", Some(ConfigKind::Procfile)),
            ("README.md", None),
        ];
        for (path, want) in cases {
            assert_eq!(classify(path), want, "{path}");
        }
        assert!(ConfigKind::GoMod.is_manifest());
        assert!(!ConfigKind::Dockerfile.is_manifest());
    }

    #[test]
    fn dispatch() {
        let facts = parse(
            ConfigKind::PackageJson,
            "web/package.json",
            "\u{feff}{\"name\": \"web\"}",
        )
        .unwrap();
        let m = facts.manifest.unwrap();
        assert_eq!(
            (m.kind.as_str(), m.name.as_deref()),
            ("package.json", Some("web"))
        );
        assert!(facts.workloads.is_empty());

        let facts = parse(ConfigKind::Dockerfile, "Dockerfile", "FROM alpine\n").unwrap();
        assert!(facts.manifest.is_none());
        assert_eq!(facts.workloads.len(), 1);

        let workflow = "on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n";
        let facts = parse(ConfigKind::Yaml, ".github/workflows/ci.yml", workflow).unwrap();
        assert_eq!(facts, ConfigFacts::default());

        let bad = "{\n  \"a\": 1,\n  \"b\": @\n}";
        let err = parse(ConfigKind::ComposerJson, "composer.json", bad).unwrap_err();
        assert_eq!(
            (err.file.as_str(), err.line, err.column),
            ("composer.json", 3, 8)
        );
    }

    #[test]
    fn paths_join() {
        assert_eq!(join_normalize("deploy", "./api"), "deploy/api");
        assert_eq!(join_normalize("deploy", "."), "deploy");
        assert_eq!(join_normalize("", "."), ".");
        assert_eq!(join_normalize("deploy/x", "../../svc"), "svc");
        assert_eq!(join_normalize("", "../up"), "../up");
        assert_eq!(parent_dir("deploy/compose.yml"), "deploy");
        assert_eq!(parent_dir("compose.yml"), "");
    }

    #[test]
    fn line_index() {
        let idx = LineIndex::new("ab\ncdé\nx");
        assert_eq!(idx.line(0), 1);
        assert_eq!(idx.line(3), 2);
        assert_eq!(idx.line_col(7), (2, 4));
        assert_eq!(idx.line_col(8), (3, 1));
        assert_eq!(idx.line(10_000), 3);
    }

    #[test]
    fn garbage_never_panics() {
        let garbage: String = (0u32..4000)
            .map(|i| char::from_u32((i * 7919) % 0x2FFF).unwrap_or('x'))
            .collect();
        let kinds = [
            ConfigKind::Requirements,
            ConfigKind::Pyproject,
            ConfigKind::Pipfile,
            ConfigKind::SetupCfg,
            ConfigKind::GoMod,
            ConfigKind::PomXml,
            ConfigKind::Gradle,
            ConfigKind::PackageJson,
            ConfigKind::Gemfile,
            ConfigKind::GemfileLock,
            ConfigKind::Csproj,
            ConfigKind::PackagesConfig,
            ConfigKind::DirectoryPackagesProps,
            ConfigKind::ComposerJson,
            ConfigKind::CMakeLists,
            ConfigKind::Conanfile,
            ConfigKind::Vcpkg,
            ConfigKind::Dockerfile,
            ConfigKind::Compose,
            ConfigKind::Yaml,
            ConfigKind::DotEnv,
            ConfigKind::Procfile,
        ];
        let long_line = "a".repeat(200_000);
        let nested_brackets = "[".repeat(5000) + "(" + "{".repeat(5000).as_str();
        for kind in kinds {
            for input in [
                garbage.as_str(),
                long_line.as_str(),
                nested_brackets.as_str(),
                "",
                "\\",
                "\"",
                "<<",
                "apiVersion: v1\nkind: [",
            ] {
                let _ = parse(kind, "x/f", input);
            }
        }
    }
}
