//! npm's `package.json`: `name`, the four dependency maps and `scripts`.

use crate::model::{Dependency, Manifest, ParseError};

use super::yaml::YamlNode;
use super::{json, located, new_manifest};

/// Parse a `package.json`.
pub(crate) fn parse(file: &str, text: &str) -> Result<Manifest, ParseError> {
    let root = json::parse(file, text)?;
    let mut m = new_manifest("package.json", "node", file);
    m.name = root.str_at("name").map(str::to_string);
    for section in [
        "dependencies",
        "devDependencies",
        "optionalDependencies",
        "peerDependencies",
    ] {
        if let Some(deps) = root.get(section) {
            push_deps(&mut m, file, deps);
        }
    }
    if let Some(scripts) = root.get("scripts") {
        for e in scripts.entries() {
            if let Some(cmd) = e.value.as_str() {
                m.commands
                    .push(located(format!("{}: {cmd}", e.key), file, e.key_line));
            }
        }
    }
    Ok(m)
}

/// Add the `name: version` entries of a JSON object (shared with composer.json).
pub(crate) fn push_deps(m: &mut Manifest, file: &str, deps: &YamlNode) {
    for e in deps.entries() {
        m.dependencies.push(Dependency {
            name: e.key.clone(),
            version: e.value.as_str().map(str::to_string),
            file: file.to_string(),
            line: e.key_line,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn package_json() {
        let text = r#"{
  "name": "@acme/frontend",
  "version": "1.0.0",
  "scripts": {
    "start": "node --require dd-trace/init index.js",
    "test": "jest"
  },
  "dependencies": {
    "dd-trace": "^5.2.0",
    "express": "4.18.2"
  },
  "devDependencies": {
    "jest": "^29.0.0"
  },
  "peerDependencies": { "react": ">=18" }
}"#;
        let m = parse("web/package.json", text).unwrap();
        assert_eq!(m.name.as_deref(), Some("@acme/frontend"));
        assert_eq!(m.language, "node");
        let got: Vec<(&str, Option<&str>, usize)> = m
            .dependencies
            .iter()
            .map(|d| (d.name.as_str(), d.version.as_deref(), d.line))
            .collect();
        assert_eq!(
            got,
            vec![
                ("dd-trace", Some("^5.2.0"), 9),
                ("express", Some("4.18.2"), 10),
                ("jest", Some("^29.0.0"), 13),
                ("react", Some(">=18"), 15),
            ]
        );
        assert_eq!(
            m.commands[0].text,
            "start: node --require dd-trace/init index.js"
        );
        assert_eq!(m.commands[0].line, 5);
        assert_eq!(m.commands[1].text, "test: jest");
    }

    #[test]
    fn invalid_json() {
        let err = parse(
            "web/package.json",
            "{\n  \"name\": \"x\",\n  \"dependencies\": {\n    \"a\": \"1\"\n  ,}\n}",
        )
        .unwrap_err();
        assert_eq!(err.file, "web/package.json");
        assert_eq!(err.line, 5, "{err}");
        assert!(err.column > 1);
        let not_object = parse("package.json", "[1, 2]").unwrap();
        assert!(not_object.dependencies.is_empty());
        assert!(parse("package.json", "\u{0}\u{7f}\u{1}").is_err());
    }
}
