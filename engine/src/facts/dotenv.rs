//! `.env` files: `KEY=value` and `export KEY=value` lines, quotes stripped.

use crate::model::{EnvSetting, Workload};

/// Parse a `.env` file into one workload of kind `dotenv`.
pub(crate) fn parse(file: &str, text: &str) -> Workload {
    let mut w = Workload::new("dotenv", file, 1);
    for (i, raw) in text.lines().enumerate() {
        let content = raw.trim();
        if content.is_empty() || content.starts_with('#') {
            continue;
        }
        let content = content
            .strip_prefix("export ")
            .map_or(content, str::trim_start);
        let Some((key, value)) = content.split_once('=') else {
            continue;
        };
        let key = key.trim();
        if key.is_empty()
            || !key
                .chars()
                .all(|c| c.is_alphanumeric() || matches!(c, '_' | '.' | '-'))
        {
            continue;
        }
        w.env.push(EnvSetting {
            key: key.to_string(),
            value: Some(unquote_value(value.trim())),
            value_from: None,
            file: file.to_string(),
            line: i + 1,
        });
    }
    w
}

/// Strip matching quotes, or an unquoted value's trailing ` # comment`.
pub(crate) fn unquote_value(value: &str) -> String {
    for q in ['"', '\''] {
        if let Some(body) = value.strip_prefix(q) {
            return match body.find(q) {
                Some(end) => body[..end].to_string(),
                None => body.to_string(),
            };
        }
    }
    match value.find(" #") {
        Some(i) => value[..i].trim_end().to_string(),
        None => value.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dotenv() {
        let text = "# datadog\nDD_SERVICE=orders\nexport DD_ENV=\"prod\"\nDD_TAGS='team:core,tier:1' \nDD_VERSION=1.2 # release\nEMPTY=\nnot a setting\n";
        let w = parse("orders/.env", text);
        assert_eq!(w.kind, "dotenv");
        let env: Vec<(&str, Option<&str>, usize)> = w
            .env
            .iter()
            .map(|e| (e.key.as_str(), e.value.as_deref(), e.line))
            .collect();
        assert_eq!(
            env,
            vec![
                ("DD_SERVICE", Some("orders"), 2),
                ("DD_ENV", Some("prod"), 3),
                ("DD_TAGS", Some("team:core,tier:1"), 4),
                ("DD_VERSION", Some("1.2"), 5),
                ("EMPTY", Some(""), 6),
            ]
        );
    }
}
