//! vcpkg's `vcpkg.json` manifest: `name` and `dependencies` (strings or objects with `name`
//! and `version>=`).

use crate::model::{Dependency, Manifest, ParseError};

use super::{json, new_manifest};

/// Parse a `vcpkg.json`.
pub(crate) fn parse(file: &str, text: &str) -> Result<Manifest, ParseError> {
    let root = json::parse(file, text)?;
    let mut m = new_manifest("vcpkg.json", "cpp", file);
    m.name = root.str_at("name").map(str::to_string);
    if let Some(deps) = root.get("dependencies") {
        for item in deps.items() {
            let (name, version) = match item.as_str() {
                Some(name) => (name, None),
                None => match item.str_at("name") {
                    Some(name) => (name, item.str_at("version>=")),
                    None => continue,
                },
            };
            m.dependencies.push(Dependency {
                name: name.to_string(),
                version: version.map(str::to_string),
                file: file.to_string(),
                line: item.entry("name").map_or(item.line, |e| e.key_line),
            });
        }
    }
    Ok(m)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vcpkg() {
        let text = "{\n  \"name\": \"tracer-demo\",\n  \"dependencies\": [\n    \"fmt\",\n    {\n      \"name\": \"dd-trace-cpp\",\n      \"version>=\": \"0.2.1\"\n    }\n  ]\n}\n";
        let m = parse("cpp/vcpkg.json", text).unwrap();
        assert_eq!(m.name.as_deref(), Some("tracer-demo"));
        let got: Vec<(&str, Option<&str>, usize)> = m
            .dependencies
            .iter()
            .map(|d| (d.name.as_str(), d.version.as_deref(), d.line))
            .collect();
        assert_eq!(
            got,
            vec![("fmt", None, 4), ("dd-trace-cpp", Some("0.2.1"), 6)]
        );
    }
}
