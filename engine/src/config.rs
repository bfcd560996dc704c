//! `apm-doctor.toml`: the organisation's configuration, looked up from the scanned root.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::finding::Severity;

/// File name looked up in the scanned root and its ancestors.
pub const CONFIG_FILE_NAME: &str = "apm-doctor.toml";

/// Default size limit for files the scan reads (1 MiB).
pub const DEFAULT_MAX_FILE_SIZE: u64 = 1024 * 1024;

/// The parsed configuration file.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// `[paths]`.
    #[serde(default)]
    pub paths: PathsConfig,
    /// `[rules]`.
    #[serde(default)]
    pub rules: RulesConfig,
    /// `[critical]`: business operations that must be spanned.
    #[serde(default)]
    pub critical: CriticalConfig,
    /// Directory holding the file (rule paths are relative to it); not read from TOML.
    #[serde(skip)]
    pub base_dir: Option<PathBuf>,
    /// Path of the file itself, when one was found.
    #[serde(skip)]
    pub source: Option<PathBuf>,
}

/// `[paths]`: what the walker skips.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PathsConfig {
    /// Glob patterns (gitignore-like, relative to the root) to skip.
    #[serde(default)]
    pub exclude: Vec<String>,
    /// Files larger than this many bytes are skipped (default 1 MiB).
    pub max_file_size: Option<u64>,
}

/// `[rules]`: extra rule folders, disabled rules and severity overrides.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RulesConfig {
    /// Folders of custom `.rhai` rules, relative to the config file.
    #[serde(default)]
    pub paths: Vec<PathBuf>,
    /// Rule ids that do not run.
    #[serde(default)]
    pub disable: Vec<String>,
    /// Severity overrides by rule id.
    #[serde(default)]
    pub severity: BTreeMap<String, Severity>,
}

/// `[critical]`: glob patterns of function names that must be spanned.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CriticalConfig {
    /// Globs such as `payment.*`.
    #[serde(default)]
    pub operations: Vec<String>,
}

/// An unreadable or invalid configuration file.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The file exists but cannot be read.
    #[error("{path}: cannot read: {source}")]
    Io {
        /// The file.
        path: String,
        /// The cause.
        source: std::io::Error,
    },
    /// The file is not valid TOML or has unknown keys.
    #[error("{path}:{line}:{column}: {message}")]
    Invalid {
        /// The file.
        path: String,
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// What is wrong.
        message: String,
    },
}

impl Config {
    /// Parse configuration text; `path` is used in errors and to resolve rule folders.
    pub fn parse(text: &str, path: &Path) -> Result<Config, ConfigError> {
        let mut config: Config = toml::from_str(text).map_err(|e| {
            let (line, column) = e.span().map(|s| line_col(text, s.start)).unwrap_or((1, 1));
            ConfigError::Invalid {
                path: path.display().to_string(),
                line,
                column,
                message: e.message().to_string(),
            }
        })?;
        config.base_dir = path.parent().map(Path::to_path_buf);
        config.source = Some(path.to_path_buf());
        Ok(config)
    }

    /// Find `apm-doctor.toml` in `root` or its ancestors and parse it. No file is not an error.
    pub fn discover(root: &Path) -> Result<Config, ConfigError> {
        let start = if root.is_file() {
            root.parent().unwrap_or(root)
        } else {
            root
        };
        let start = start.canonicalize().unwrap_or_else(|_| start.to_path_buf());
        for dir in start.ancestors() {
            let candidate = dir.join(CONFIG_FILE_NAME);
            if candidate.is_file() {
                return Config::load(&candidate);
            }
            if dir.join(".git").exists() {
                break;
            }
        }
        Ok(Config::default())
    }

    /// Read and parse a given configuration file.
    pub fn load(path: &Path) -> Result<Config, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Io {
            path: path.display().to_string(),
            source,
        })?;
        Config::parse(&text, path)
    }

    /// Rule folders named by `[rules] paths`, resolved against the config file's folder.
    pub fn rule_dirs(&self) -> Vec<PathBuf> {
        let base = self.base_dir.clone().unwrap_or_default();
        self.rules.paths.iter().map(|p| base.join(p)).collect()
    }

    /// The effective file size limit.
    pub fn max_file_size(&self) -> u64 {
        self.paths.max_file_size.unwrap_or(DEFAULT_MAX_FILE_SIZE)
    }
}

/// 1-based line and column of a byte offset.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = &text.as_bytes()[..offset];
    let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
    let line_start = before
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |p| p + 1);
    (line, offset - line_start + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_full_config() {
        let text = r#"
[paths]
exclude = ["legacy/**"]
max_file_size = 2048

[rules]
paths = ["ci/apm-rules"]
disable = ["debug-enabled"]

[rules.severity]
ust-missing = "error"

[critical]
operations = ["payment.*"]
"#;
        let c = Config::parse(text, Path::new("/repo/apm-doctor.toml")).unwrap();
        assert_eq!(c.paths.exclude, vec!["legacy/**"]);
        assert_eq!(c.max_file_size(), 2048);
        assert_eq!(c.rules.disable, vec!["debug-enabled"]);
        assert_eq!(c.rules.severity["ust-missing"], Severity::Error);
        assert_eq!(c.rule_dirs(), vec![PathBuf::from("/repo/ci/apm-rules")]);
        assert_eq!(c.critical.operations, vec!["payment.*"]);
    }

    #[test]
    fn invalid_config_names_position() {
        let err = Config::parse("[rules]\ndisable = [\"x\"\n", Path::new("apm-doctor.toml"))
            .unwrap_err()
            .to_string();
        assert!(err.starts_with("apm-doctor.toml:"), "{err}");
        let err = Config::parse("[rulez]\n", Path::new("a.toml"))
            .unwrap_err()
            .to_string();
        assert!(err.contains("a.toml:1:"), "{err}");
        let err = Config::parse("[rules.severity]\nx = \"fatal\"\n", Path::new("a.toml"))
            .unwrap_err()
            .to_string();
        assert!(err.contains("a.toml:2:"), "{err}");
    }

    #[test]
    fn line_col_counts_from_one() {
        assert_eq!(line_col("ab\ncd", 0), (1, 1));
        assert_eq!(line_col("ab\ncd", 4), (2, 2));
    }
}
