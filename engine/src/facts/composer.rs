//! Composer's `composer.json`: `name`, `require` and `require-dev`.

use crate::model::{Manifest, ParseError};

use super::package_json::push_deps;
use super::{json, new_manifest};

/// Parse a `composer.json`.
pub(crate) fn parse(file: &str, text: &str) -> Result<Manifest, ParseError> {
    let root = json::parse(file, text)?;
    let mut m = new_manifest("composer.json", "php", file);
    m.name = root.str_at("name").map(str::to_string);
    for section in ["require", "require-dev"] {
        if let Some(deps) = root.get(section) {
            push_deps(&mut m, file, deps);
        }
    }
    Ok(m)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn composer() {
        let text = "{\n    \"name\": \"acme/shop\",\n    \"require\": {\n        \"php\": \">=8.1\",\n        \"datadog/dd-trace\": \"^0.97\"\n    },\n    \"require-dev\": {\n        \"phpunit/phpunit\": \"^10\"\n    }\n}\n";
        let m = parse("shop/composer.json", text).unwrap();
        assert_eq!(m.name.as_deref(), Some("acme/shop"));
        assert_eq!(m.language, "php");
        let got: Vec<(&str, Option<&str>, usize)> = m
            .dependencies
            .iter()
            .map(|d| (d.name.as_str(), d.version.as_deref(), d.line))
            .collect();
        assert_eq!(
            got,
            vec![
                ("php", Some(">=8.1"), 4),
                ("datadog/dd-trace", Some("^0.97"), 5),
                ("phpunit/phpunit", Some("^10"), 8),
            ]
        );
        let err = parse("composer.json", "{\"name\": }").unwrap_err();
        assert_eq!((err.line, err.column), (1, 10));
    }
}
