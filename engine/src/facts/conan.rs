//! Conan's `conanfile.txt`: `[requires]` lines `name/version[@user/channel]`.

use crate::model::{Dependency, Manifest};

use super::new_manifest;

/// Parse a `conanfile.txt`.
pub(crate) fn parse(file: &str, text: &str) -> Manifest {
    let mut m = new_manifest("conanfile.txt", "cpp", file);
    let mut in_requires = false;
    for (i, raw) in text.lines().enumerate() {
        let content = raw.split('#').next().unwrap_or("").trim();
        if content.is_empty() {
            continue;
        }
        if content.starts_with('[') {
            in_requires = content == "[requires]";
            continue;
        }
        if !in_requires {
            continue;
        }
        let reference = content.split('@').next().unwrap_or(content);
        let (name, version) = match reference.split_once('/') {
            Some((n, v)) => (n, Some(v.trim().to_string()).filter(|v| !v.is_empty())),
            None => (reference, None),
        };
        m.dependencies.push(Dependency {
            name: name.trim().to_string(),
            version,
            file: file.to_string(),
            line: i + 1,
        });
    }
    m
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn conanfile() {
        let text = "[requires]\ndd-trace-cpp/0.2.1\nfmt/10.2.1@acme/stable # fmt\n\n[generators]\nCMakeDeps\n";
        let m = parse("cpp/conanfile.txt", text);
        let got: Vec<(&str, Option<&str>, usize)> = m
            .dependencies
            .iter()
            .map(|d| (d.name.as_str(), d.version.as_deref(), d.line))
            .collect();
        assert_eq!(
            got,
            vec![
                ("dd-trace-cpp", Some("0.2.1"), 2),
                ("fmt", Some("10.2.1"), 3)
            ]
        );
    }
}
