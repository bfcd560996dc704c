//! `pyproject.toml` (PEP 621 `[project]` and Poetry) and Pipenv's `Pipfile`.
//!
//! The `toml` crate gives the values; lines are found by locating the section headers, keys
//! and dependency strings in the text.

use toml::{Table, Value};

use crate::model::{Dependency, Manifest, ParseError};

use super::requirements::pep508;
use super::{new_manifest, normalize_python_name, LineIndex};

/// Parse a `pyproject.toml`.
pub(crate) fn parse_pyproject(file: &str, text: &str) -> Result<Manifest, ParseError> {
    let table = parse_toml(file, text)?;
    let loc = Locator::new(text);
    let mut m = new_manifest("pyproject.toml", "python", file);
    let project = table.get("project").and_then(Value::as_table);
    let poetry = table
        .get("tool")
        .and_then(|t| t.get("poetry"))
        .and_then(Value::as_table);
    m.name = project
        .and_then(|p| p.get("name"))
        .or_else(|| poetry.and_then(|p| p.get("name")))
        .and_then(Value::as_str)
        .map(str::to_string);

    if let Some(project) = project {
        if let Some(deps) = project.get("dependencies").and_then(Value::as_array) {
            let start = loc.key_in_section("project", "dependencies");
            pep508_list(&mut m, file, &loc, deps, start);
        }
        if let Some(groups) = project
            .get("optional-dependencies")
            .and_then(Value::as_table)
        {
            for (group, deps) in groups {
                let start = loc
                    .key_in_section("project.optional-dependencies", group)
                    .or_else(|| loc.key_in_section("project", "optional-dependencies"));
                if let Some(deps) = deps.as_array() {
                    pep508_list(&mut m, file, &loc, deps, start);
                }
            }
        }
    }

    if let Some(poetry) = poetry {
        for key in ["dependencies", "dev-dependencies"] {
            if let Some(deps) = poetry.get(key).and_then(Value::as_table) {
                keyed_deps(&mut m, file, &loc, deps, &format!("tool.poetry.{key}"));
            }
        }
        if let Some(groups) = poetry.get("group").and_then(Value::as_table) {
            for (group, body) in groups {
                if let Some(deps) = body.get("dependencies").and_then(Value::as_table) {
                    let section = format!("tool.poetry.group.{group}.dependencies");
                    keyed_deps(&mut m, file, &loc, deps, &section);
                }
            }
        }
    }
    m.dependencies.sort_by_key(|d| d.line);
    Ok(m)
}

/// Parse a `Pipfile`.
pub(crate) fn parse_pipfile(file: &str, text: &str) -> Result<Manifest, ParseError> {
    let table = parse_toml(file, text)?;
    let loc = Locator::new(text);
    let mut m = new_manifest("Pipfile", "python", file);
    for section in ["packages", "dev-packages"] {
        if let Some(deps) = table.get(section).and_then(Value::as_table) {
            keyed_deps(&mut m, file, &loc, deps, section);
        }
    }
    m.dependencies.sort_by_key(|d| d.line);
    Ok(m)
}

/// Deserialize TOML, mapping errors to a positioned [`ParseError`].
fn parse_toml(file: &str, text: &str) -> Result<Table, ParseError> {
    toml::from_str::<Table>(text).map_err(|e| {
        let (line, column) = e
            .span()
            .map_or((1, 1), |s| LineIndex::new(text).line_col(s.start));
        ParseError::new(file, line, column, format!("TOML: {}", e.message()))
    })
}

/// Add PEP 508 strings, locating each after `start` (a line) in the text.
fn pep508_list(m: &mut Manifest, file: &str, loc: &Locator, deps: &[Value], start: Option<usize>) {
    let fallback = start.unwrap_or(1);
    let mut cursor = start.map_or(0, |l| loc.line_start(l));
    for dep in deps.iter().filter_map(Value::as_str) {
        let Some((name, version)) = pep508(dep) else {
            continue;
        };
        let line = match loc.find_string(dep, cursor) {
            Some(at) => {
                cursor = at + dep.len();
                loc.idx.line(at)
            }
            None => fallback,
        };
        m.dependencies.push(Dependency {
            name,
            version,
            file: file.to_string(),
            line,
        });
    }
}

/// Add `name = "version"` / `name = { version = ... }` dependencies of a table (Poetry,
/// Pipfile), skipping `python`.
fn keyed_deps(m: &mut Manifest, file: &str, loc: &Locator, deps: &Table, section: &str) {
    let header = loc.section_line(section);
    for (name, spec) in deps {
        if name.eq_ignore_ascii_case("python") {
            continue;
        }
        let version = match spec {
            Value::String(s) => Some(s.as_str()),
            Value::Table(t) => t.get("version").and_then(Value::as_str),
            _ => None,
        }
        .map(str::trim)
        .filter(|v| !v.is_empty() && *v != "*")
        .map(str::to_string);
        let line = loc.key_in_section(section, name).or(header).unwrap_or(1);
        m.dependencies.push(Dependency {
            name: normalize_python_name(name),
            version,
            file: file.to_string(),
            line,
        });
    }
}

/// Finds section headers, keys and strings in TOML text.
struct Locator<'a> {
    text: &'a str,
    idx: LineIndex<'a>,
}

impl<'a> Locator<'a> {
    fn new(text: &'a str) -> Self {
        Self {
            text,
            idx: LineIndex::new(text),
        }
    }

    /// Byte offset of the start of a 1-based line.
    fn line_start(&self, line: usize) -> usize {
        self.idx
            .starts
            .get(line.saturating_sub(1))
            .copied()
            .unwrap_or(0)
    }

    /// 1-based line of the `[section]` header.
    fn section_line(&self, section: &str) -> Option<usize> {
        self.text
            .lines()
            .position(|l| {
                let t: String = l
                    .split('#')
                    .next()
                    .unwrap_or("")
                    .split_whitespace()
                    .collect();
                t.strip_prefix('[')
                    .and_then(|t| t.strip_suffix(']'))
                    .is_some_and(|name| name.replace(['"', '\''], "") == section)
            })
            .map(|i| i + 1)
    }

    /// 1-based line of `key = ...` inside `[section]` (up to the next header).
    fn key_in_section(&self, section: &str, key: &str) -> Option<usize> {
        let header = self.section_line(section)?;
        for (i, l) in self.text.lines().enumerate().skip(header) {
            let t = l.trim_start();
            if t.starts_with('[') && !t.starts_with("[[") && t.trim_end().ends_with(']') {
                return None;
            }
            let unquoted = t
                .strip_prefix('"')
                .or_else(|| t.strip_prefix('\''))
                .unwrap_or(t);
            if let Some(after) = unquoted.strip_prefix(key) {
                let after = after.trim_start_matches(['"', '\'']).trim_start();
                if after.starts_with('=') || after.starts_with('.') {
                    return Some(i + 1);
                }
            }
        }
        None
    }

    /// Byte offset of `s` (preferably quoted) at or after `from`.
    fn find_string(&self, s: &str, from: usize) -> Option<usize> {
        let hay = self.text.get(from..)?;
        for quote in ['"', '\''] {
            if let Some(i) = hay.find(&format!("{quote}{s}{quote}")) {
                return Some(from + i + 1);
            }
        }
        hay.find(s).map(|i| from + i)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PEP621: &str = r#"[build-system]
requires = ["setuptools"]

[project]
name = "orders-api"
version = "1.0"
dependencies = [
    "fastapi>=0.110",
    "ddtrace==2.8.0",
    'uvicorn[standard]',
]

[project.optional-dependencies]
test = ["pytest>=8"]
"#;

    #[test]
    fn pep621() {
        let m = parse_pyproject("api/pyproject.toml", PEP621).unwrap();
        assert_eq!(m.name.as_deref(), Some("orders-api"));
        let got: Vec<(&str, Option<&str>, usize)> = m
            .dependencies
            .iter()
            .map(|d| (d.name.as_str(), d.version.as_deref(), d.line))
            .collect();
        assert_eq!(
            got,
            vec![
                ("fastapi", Some(">=0.110"), 8),
                ("ddtrace", Some("==2.8.0"), 9),
                ("uvicorn", None, 10),
                ("pytest", Some(">=8"), 14),
            ]
        );
    }

    #[test]
    fn poetry() {
        let text = r#"[tool.poetry]
name = "worker"

[tool.poetry.dependencies]
python = "^3.11"
ddtrace = "^2.8"
Celery = { version = "5.3.6", extras = ["redis"] }

[tool.poetry.group.dev.dependencies]
pytest = "*"
"#;
        let m = parse_pyproject("pyproject.toml", text).unwrap();
        assert_eq!(m.name.as_deref(), Some("worker"));
        let got: Vec<(&str, Option<&str>, usize)> = m
            .dependencies
            .iter()
            .map(|d| (d.name.as_str(), d.version.as_deref(), d.line))
            .collect();
        assert_eq!(
            got,
            vec![
                ("ddtrace", Some("^2.8"), 6),
                ("celery", Some("5.3.6"), 7),
                ("pytest", None, 10),
            ]
        );
    }

    #[test]
    fn pipfile() {
        let text = "[[source]]\nurl = \"https://pypi.org/simple\"\n\n[packages]\nflask = \"==3.0.0\"\nddtrace = \"*\"\n\n[dev-packages]\nblack = {version = \">=24\"}\n";
        let m = parse_pipfile("Pipfile", text).unwrap();
        let got: Vec<(&str, Option<&str>, usize)> = m
            .dependencies
            .iter()
            .map(|d| (d.name.as_str(), d.version.as_deref(), d.line))
            .collect();
        assert_eq!(
            got,
            vec![
                ("flask", Some("==3.0.0"), 5),
                ("ddtrace", None, 6),
                ("black", Some(">=24"), 9),
            ]
        );
    }

    #[test]
    fn invalid_toml() {
        let err =
            parse_pyproject("pyproject.toml", "[project]\nname = \"x\"\ndeps = [\n").unwrap_err();
        assert!(err.line >= 3, "{err}");
        let deep = format!("a = {}", "[".repeat(100_000));
        assert!(parse_pyproject("pyproject.toml", &deep).is_err());
    }
}
