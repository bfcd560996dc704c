//! Package data (`rules/data/*.toml`): which dependencies are Datadog tracers and which are
//! frameworks that receive work.

use serde::{Deserialize, Serialize};

/// A `[[tracer]]` entry.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TracerEntry {
    /// Language family.
    pub language: String,
    /// Dependency name; a trailing `*` makes it a prefix.
    pub package: Option<String>,
    /// Substring of a command or `KEY=value` setting that declares the tracer.
    pub command_contains: Option<String>,
    /// Library name reported.
    pub library: String,
}

/// A `[[framework]]` entry.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FrameworkEntry {
    /// Language family.
    pub language: String,
    /// Dependency name; a trailing `*` makes it a prefix.
    pub package: String,
    /// Framework name reported.
    pub name: String,
    /// `web`, `queue`, `grpc` or `cron`.
    pub kind: String,
}

/// An `[[integration]]` entry: what makes a tracer cover a framework's entry points.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IntegrationEntry {
    /// Tracer library (as `[[tracer]] library` names it).
    pub library: String,
    /// Framework (as `[[framework]] name` and entry points name it).
    pub framework: String,
    /// `auto`: covered once the tracer is initialised; `wrapper`: covered only where an
    /// `integration` fact (a contrib wrapper, middleware or `instrument` call) names it.
    pub mode: String,
    /// Lowest tracer version that instruments it.
    pub min_version: Option<String>,
    /// What turns it on, shown in fixes (`gintrace.Middleware(...)`).
    pub enable: Option<String>,
}

/// A framework found in a service's dependencies.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FrameworkHit {
    /// Framework name (`flask`).
    pub name: String,
    /// `web`, `queue`, `grpc` or `cron`.
    pub kind: String,
    /// Dependency that declared it.
    pub package: String,
    /// Declared version.
    pub version: Option<String>,
    /// Manifest file.
    pub file: String,
    /// 1-based line.
    pub line: usize,
}

/// All package data, built-in first, then custom files.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PackageData {
    /// Tracer entries.
    #[serde(default)]
    pub tracer: Vec<TracerEntry>,
    /// Framework entries.
    #[serde(default)]
    pub framework: Vec<FrameworkEntry>,
    /// Integration entries.
    #[serde(default)]
    pub integration: Vec<IntegrationEntry>,
}

impl PackageData {
    /// Parse one data file; `origin` names it in errors.
    pub fn parse(text: &str, origin: &str) -> Result<PackageData, String> {
        toml::from_str(text).map_err(|e| {
            let (line, col) = e
                .span()
                .map(|s| crate::config::line_col(text, s.start))
                .unwrap_or((1, 1));
            format!("{origin}:{line}:{col}: {}", e.message())
        })
    }

    /// Append another file's entries.
    pub fn extend(&mut self, other: PackageData) {
        self.tracer.extend(other.tracer);
        self.framework.extend(other.framework);
        self.integration.extend(other.integration);
    }

    /// How `library` covers `framework`, if it does.
    pub fn integration_for(&self, library: &str, framework: &str) -> Option<&IntegrationEntry> {
        self.integration
            .iter()
            .find(|i| i.library == library && i.framework.eq_ignore_ascii_case(framework))
    }

    /// The tracer entry matching a dependency of a manifest in `language`.
    pub fn tracer_for(&self, language: &str, package: &str) -> Option<&TracerEntry> {
        self.tracer.iter().find(|t| {
            t.language == language && t.package.as_deref().is_some_and(|p| matches(p, package))
        })
    }

    /// The tracer entry a command or `KEY=value` setting declares.
    pub fn tracer_in_command(&self, language: &str, command: &str) -> Option<&TracerEntry> {
        self.tracer.iter().find(|t| {
            t.language == language
                && t.command_contains
                    .as_deref()
                    .is_some_and(|c| command.contains(c))
        })
    }

    /// The framework entry matching a dependency.
    pub fn framework_for(&self, language: &str, package: &str) -> Option<&FrameworkEntry> {
        self.framework
            .iter()
            .find(|f| f.language == language && matches(&f.package, package))
    }
}

fn matches(pattern: &str, name: &str) -> bool {
    match pattern.strip_suffix('*') {
        Some(prefix) => name
            .to_ascii_lowercase()
            .starts_with(&prefix.to_ascii_lowercase()),
        None => pattern.eq_ignore_ascii_case(name),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn builtin() -> PackageData {
        let mut data = PackageData::default();
        for (path, text) in apm_doctor_rules::BUILTIN_DATA {
            data.extend(PackageData::parse(text, path).unwrap());
        }
        data
    }

    #[test]
    fn builtin_data_matches_tracers_and_frameworks() {
        let d = builtin();
        assert_eq!(
            d.tracer_for("python", "ddtrace").unwrap().library,
            "ddtrace"
        );
        assert_eq!(
            d.tracer_for("go", "gopkg.in/DataDog/dd-trace-go.v1")
                .unwrap()
                .library,
            "dd-trace-go.v1"
        );
        assert!(d.tracer_for("python", "flask").is_none());
        assert_eq!(
            d.tracer_in_command(
                "java",
                "CMD java -javaagent:/dd-java-agent.jar -jar app.jar"
            )
            .unwrap()
            .library,
            "dd-java-agent"
        );
        assert_eq!(
            d.framework_for("go", "github.com/labstack/echo/v4")
                .unwrap()
                .name,
            "echo"
        );
        assert_eq!(
            d.framework_for("dotnet", "Microsoft.AspNetCore.App")
                .unwrap()
                .kind,
            "web"
        );
    }

    #[test]
    fn invalid_data_names_position() {
        let err = PackageData::parse("[[tracer]]\nlanguage = 1\n", "data/x.toml").unwrap_err();
        assert!(err.starts_with("data/x.toml:2:"), "{err}");
    }
}
