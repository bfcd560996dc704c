//! JSON with line numbers: validated by `serde_json` (whose error carries the line and
//! column), then walked by a small scanner that records where each value and key starts,
//! into the same tree type as YAML.

use crate::model::ParseError;

use super::yaml::{MapEntry, YamlNode, YamlValue, MAX_DEPTH};

/// Parse a JSON document into a positioned tree.
///
/// # Errors
/// A [`ParseError`] with `serde_json`'s line and column when the text is not valid JSON.
pub(crate) fn parse(file: &str, text: &str) -> Result<YamlNode, ParseError> {
    if let Err(e) = serde_json::from_str::<serde::de::IgnoredAny>(text) {
        return Err(ParseError::new(
            file,
            e.line(),
            e.column(),
            format!("JSON: {e}"),
        ));
    }
    let mut walker = Walker {
        bytes: text.as_bytes(),
        text,
        pos: 0,
        line: 1,
        too_deep: false,
    };
    walker.value(0).ok_or_else(|| {
        let message = if walker.too_deep {
            format!("JSON: nesting deeper than {MAX_DEPTH} levels")
        } else {
            "JSON: unexpected structure".to_string()
        };
        ParseError::new(file, walker.line, 1, message)
    })
}

/// Cursor over already-validated JSON.
struct Walker<'a> {
    bytes: &'a [u8],
    text: &'a str,
    pos: usize,
    line: usize,
    too_deep: bool,
}

impl Walker<'_> {
    /// Skip whitespace, counting lines.
    fn ws(&mut self) {
        while let Some(&c) = self.bytes.get(self.pos) {
            match c {
                b'\n' => self.line += 1,
                b' ' | b'\t' | b'\r' => {}
                _ => break,
            }
            self.pos += 1;
        }
    }

    /// Read one value starting at the cursor (after whitespace).
    fn value(&mut self, depth: usize) -> Option<YamlNode> {
        if depth > MAX_DEPTH {
            self.too_deep = true;
            return None;
        }
        self.ws();
        let line = self.line;
        let value = match self.bytes.get(self.pos)? {
            b'{' => {
                self.pos += 1;
                let mut entries = Vec::new();
                loop {
                    self.ws();
                    match self.bytes.get(self.pos)? {
                        b'}' => {
                            self.pos += 1;
                            break;
                        }
                        b',' => self.pos += 1,
                        b'"' => {
                            let key_line = self.line;
                            let key = self.string()?;
                            self.ws();
                            if self.bytes.get(self.pos) != Some(&b':') {
                                return None;
                            }
                            self.pos += 1;
                            let value = self.value(depth + 1)?;
                            entries.push(MapEntry {
                                key,
                                key_line,
                                value,
                            });
                        }
                        _ => return None,
                    }
                }
                YamlValue::Map(entries)
            }
            b'[' => {
                self.pos += 1;
                let mut items = Vec::new();
                loop {
                    self.ws();
                    match self.bytes.get(self.pos)? {
                        b']' => {
                            self.pos += 1;
                            break;
                        }
                        b',' => self.pos += 1,
                        _ => items.push(self.value(depth + 1)?),
                    }
                }
                YamlValue::Seq(items)
            }
            b'"' => YamlValue::Scalar(self.string()?),
            _ => {
                let start = self.pos;
                while let Some(c) = self.bytes.get(self.pos) {
                    if matches!(c, b',' | b']' | b'}' | b' ' | b'\t' | b'\r' | b'\n') {
                        break;
                    }
                    self.pos += 1;
                }
                let raw = self.text.get(start..self.pos)?;
                if raw.is_empty() {
                    return None;
                }
                if raw == "null" {
                    YamlValue::Null
                } else {
                    YamlValue::Scalar(raw.to_string())
                }
            }
        };
        Some(YamlNode { value, line })
    }

    /// Read a string literal at the cursor and decode its escapes.
    fn string(&mut self) -> Option<String> {
        let start = self.pos;
        self.pos += 1;
        loop {
            match self.bytes.get(self.pos)? {
                b'\\' => self.pos += 2,
                b'"' => {
                    self.pos += 1;
                    break;
                }
                _ => self.pos += 1,
            }
        }
        let raw = self.text.get(start..self.pos)?;
        serde_json::from_str::<String>(raw).ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions() {
        let text = "{\n  \"a\": \"x\\\"y\",\n  \"b\": [1, true, null],\n  \"c\": {\n    \"d\": \"e\"\n  }\n}";
        let root = parse("f.json", text).unwrap();
        assert_eq!(root.str_at("a"), Some("x\"y"));
        assert_eq!(root.entry("b").unwrap().key_line, 3);
        assert!(root.get("b").unwrap().items()[2].is_null());
        assert_eq!(root.path(&["c", "d"]).unwrap().line, 5);
    }

    #[test]
    fn invalid_json_has_line_and_column() {
        let err = parse("p/package.json", "{\n  \"a\": 1,\n  \"b\" 2\n}").unwrap_err();
        assert_eq!((err.line, err.column), (3, 7));
        assert_eq!(err.file, "p/package.json");
        let deep = "[".repeat(10_000);
        assert!(parse("f", &deep).is_err());
        let balanced = "[".repeat(10_000) + "]".repeat(10_000).as_str();
        let err = parse("f", &balanced).unwrap_err();
        assert!(err.message.contains("nesting"), "{err}");
    }
}
