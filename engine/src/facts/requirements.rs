//! pip requirements files (`requirements*.txt`) and the PEP 508 requirement strings that
//! other Python manifests share.

use crate::model::{Dependency, Manifest};

use super::{new_manifest, normalize_python_name};

/// Parse a requirements file.
pub(crate) fn parse(file: &str, text: &str) -> Manifest {
    let mut manifest = new_manifest("requirements.txt", "python", file);
    for (line, logical) in logical_lines(text) {
        let content = strip_comment(&logical).trim();
        if content.is_empty() {
            continue;
        }
        let parsed = if let Some(target) = editable_target(content) {
            egg_name(target).map(|name| (name, None))
        } else if content.starts_with('-') {
            None
        } else if is_url_like(content) && !is_direct_reference(content) {
            egg_name(content).map(|name| (name, None))
        } else {
            pep508(strip_options(content))
        };
        if let Some((name, version)) = parsed {
            manifest.dependencies.push(Dependency {
                name,
                version,
                file: file.to_string(),
                line,
            });
        }
    }
    manifest
}

/// Physical lines joined on trailing `\`, each with the line it starts on.
fn logical_lines(text: &str) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    let mut current: Option<(usize, String)> = None;
    for (i, raw) in text.lines().enumerate() {
        let (start, mut acc) = current.take().unwrap_or((i + 1, String::new()));
        let trimmed = raw.trim_end();
        if let Some(body) = trimmed.strip_suffix('\\') {
            acc.push_str(body);
            acc.push(' ');
            current = Some((start, acc));
        } else {
            acc.push_str(trimmed);
            out.push((start, acc));
        }
    }
    if let Some(last) = current {
        out.push(last);
    }
    out
}

/// Remove a `#` comment: one at the start of the line or preceded by whitespace.
fn strip_comment(line: &str) -> &str {
    let bytes = line.as_bytes();
    for (i, &b) in bytes.iter().enumerate() {
        if b == b'#' && (i == 0 || bytes[i - 1].is_ascii_whitespace()) {
            return &line[..i];
        }
    }
    line
}

/// The target of `-e X`, `--editable X` or `--editable=X`.
fn editable_target(line: &str) -> Option<&str> {
    let rest = line
        .strip_prefix("--editable")
        .or_else(|| line.strip_prefix("-e"))?;
    if !(rest.starts_with([' ', '\t', '=']) || rest.is_empty()) {
        return None;
    }
    Some(rest.trim_start_matches(['=', ' ', '\t']))
}

/// Whether a requirement is a URL or a local path rather than a name.
fn is_url_like(s: &str) -> bool {
    s.contains("://")
        || s.starts_with("git+")
        || s.starts_with('.')
        || s.starts_with('/')
        || s.starts_with("file:")
}

/// Whether a line is a PEP 508 direct reference (`name[extras] @ url`).
fn is_direct_reference(s: &str) -> bool {
    s.split_once('@').is_some_and(|(name, _)| {
        let name = name.split('[').next().unwrap_or("").trim();
        !name.is_empty()
            && name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
    })
}

/// The `#egg=name` fragment of a URL, normalised.
fn egg_name(url: &str) -> Option<String> {
    let idx = url.find("#egg=")?;
    let rest = url.get(idx + 5..)?;
    let end = rest.find(['&', ' ', '\t', '[']).unwrap_or(rest.len());
    let name = rest.get(..end)?.trim();
    (!name.is_empty()).then(|| normalize_python_name(name))
}

/// Drop per-requirement options (`--hash=...`, `--config-settings ...`).
fn strip_options(line: &str) -> &str {
    match line.find(" --").or_else(|| line.find("\t--")) {
        Some(i) => &line[..i],
        None => line,
    }
}

/// Parse a PEP 508 requirement (`name[extras] (>=1,<2) ; markers` or `name @ url`) into a
/// normalised name and the version specifier as written.
pub(crate) fn pep508(req: &str) -> Option<(String, Option<String>)> {
    let req = req.split(';').next().unwrap_or("").trim();
    let end = req
        .find(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.')))
        .unwrap_or(req.len());
    let name = &req[..end];
    if name.is_empty() || !name.starts_with(|c: char| c.is_ascii_alphanumeric()) {
        return None;
    }
    let mut rest = req[end..].trim_start();
    if rest.starts_with('[') {
        rest = rest.find(']').map_or("", |i| &rest[i + 1..]).trim_start();
    }
    if rest.starts_with('@') {
        return Some((normalize_python_name(name), None));
    }
    let rest = rest.trim();
    let rest = rest
        .strip_prefix('(')
        .and_then(|r| r.strip_suffix(')'))
        .unwrap_or(rest)
        .trim();
    let version = (!rest.is_empty()).then(|| rest.to_string());
    Some((normalize_python_name(name), version))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requirements() {
        let text = "\
# web deps
-r base.txt
--index-url https://pypi.org/simple
Django>=4.2,<5  # pinned
ddtrace[opentracing]==2.8.0 ; python_version >= \"3.8\"
Flask_Cors
requests \\
    ==2.31.0
-e git+https://github.com/org/lib.git@main#egg=My_Lib
https://example.com/pkg.tar.gz
gunicorn==21.2.0 --hash=sha256:abcd
pkg @ https://example.com/pkg.whl
";
        let m = parse("svc/requirements.txt", text);
        assert_eq!(m.kind, "requirements.txt");
        assert_eq!(m.language, "python");
        let got: Vec<(&str, Option<&str>, usize)> = m
            .dependencies
            .iter()
            .map(|d| (d.name.as_str(), d.version.as_deref(), d.line))
            .collect();
        assert_eq!(
            got,
            vec![
                ("django", Some(">=4.2,<5"), 4),
                ("ddtrace", Some("==2.8.0"), 5),
                ("flask-cors", None, 6),
                ("requests", Some("==2.31.0"), 7),
                ("my-lib", None, 9),
                ("gunicorn", Some("==21.2.0"), 11),
                ("pkg", None, 12),
            ]
        );
        assert!(m
            .dependencies
            .iter()
            .all(|d| d.file == "svc/requirements.txt"));
    }

    #[test]
    fn pep508_forms() {
        assert_eq!(
            pep508("ddtrace (>=2.0) ; extra == 'x'"),
            Some(("ddtrace".into(), Some(">=2.0".into())))
        );
        assert_eq!(pep508(">=1"), None);
        assert_eq!(pep508(""), None);
    }
}
