//! setuptools' `setup.cfg`: `[metadata] name` and `[options] install_requires` (plus
//! `[options.extras_require]`).

use crate::model::{Dependency, Manifest};

use super::new_manifest;
use super::requirements::pep508;

/// Parse a `setup.cfg`.
pub(crate) fn parse(file: &str, text: &str) -> Manifest {
    let mut m = new_manifest("setup.cfg", "python", file);
    let mut section = String::new();
    // Whether continuation lines currently belong to a requirements list.
    let mut in_reqs = false;
    for (i, raw) in text.lines().enumerate() {
        let line = i + 1;
        let trimmed = raw.trim();
        if trimmed.starts_with('#') || trimmed.starts_with(';') {
            continue;
        }
        let indented = raw.starts_with([' ', '\t']);
        if indented && !trimmed.is_empty() {
            if in_reqs {
                push_req(&mut m, file, trimmed, line);
            }
            continue;
        }
        if trimmed.is_empty() {
            continue;
        }
        in_reqs = false;
        if let Some(name) = trimmed.strip_prefix('[').and_then(|t| t.strip_suffix(']')) {
            section = name.trim().to_ascii_lowercase();
            continue;
        }
        let Some((key, value)) = trimmed.split_once(['=', ':']) else {
            continue;
        };
        let key = key.trim().to_ascii_lowercase();
        let value = value.trim();
        match section.as_str() {
            "metadata" if key == "name" && !value.is_empty() => {
                m.name = Some(value.to_string());
            }
            "options" if key == "install_requires" => {
                in_reqs = true;
                push_req(&mut m, file, value, line);
            }
            "options.extras_require" => {
                in_reqs = true;
                push_req(&mut m, file, value, line);
            }
            _ => {}
        }
    }
    m
}

/// Add one requirement line (ignoring `file:` directives and empty values).
fn push_req(m: &mut Manifest, file: &str, value: &str, line: usize) {
    let value = value.split(" #").next().unwrap_or("").trim();
    if value.is_empty() || value.starts_with("file:") {
        return;
    }
    if let Some((name, version)) = pep508(value) {
        m.dependencies.push(Dependency {
            name,
            version,
            file: file.to_string(),
            line,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn setup_cfg() {
        let text = "[metadata]\nname = billing\nversion = 1.0\n\n[options]\npackages = find:\ninstall_requires =\n    requests>=2\n    ddtrace==2.1.0 ; python_version>'3.7'\n\n[options.extras_require]\ntest =\n    pytest\n";
        let m = parse("billing/setup.cfg", text);
        assert_eq!(m.name.as_deref(), Some("billing"));
        let got: Vec<(&str, Option<&str>, usize)> = m
            .dependencies
            .iter()
            .map(|d| (d.name.as_str(), d.version.as_deref(), d.line))
            .collect();
        assert_eq!(
            got,
            vec![
                ("requests", Some(">=2"), 8),
                ("ddtrace", Some("==2.1.0"), 9),
                ("pytest", None, 13),
            ]
        );
    }
}
