//! Go's `go.mod`: the `module` path and `require` directives (single and blocks).

use crate::model::{Dependency, Manifest};

use super::new_manifest;

/// Parse a `go.mod`.
pub(crate) fn parse(file: &str, text: &str) -> Manifest {
    let mut m = new_manifest("go.mod", "go", file);
    // The directive of the `( ... )` block we are in, if any.
    let mut block: Option<String> = None;
    for (i, raw) in text.lines().enumerate() {
        let line = i + 1;
        let content = raw.split("//").next().unwrap_or("").trim();
        if content.is_empty() {
            continue;
        }
        if let Some(directive) = &block {
            if content == ")" {
                block = None;
            } else if directive == "require" {
                push_require(&mut m, file, content, line);
            }
            continue;
        }
        let (directive, rest) = content
            .split_once(char::is_whitespace)
            .map_or((content, ""), |(d, r)| (d, r.trim()));
        if rest == "(" {
            block = Some(directive.to_string());
            continue;
        }
        match directive {
            "module" => m.name = Some(unquote(rest).to_string()),
            "require" => push_require(&mut m, file, rest, line),
            _ => {}
        }
    }
    m
}

/// Add `path version` as a dependency.
fn push_require(m: &mut Manifest, file: &str, spec: &str, line: usize) {
    let mut parts = spec.split_whitespace();
    let Some(path) = parts.next() else {
        return;
    };
    m.dependencies.push(Dependency {
        name: unquote(path).to_string(),
        version: parts.next().map(|v| unquote(v).to_string()),
        file: file.to_string(),
        line,
    });
}

/// Strip Go string quotes.
fn unquote(s: &str) -> &str {
    s.trim_matches(['"', '`'])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gomod() {
        let text = "module github.com/acme/checkout\n\ngo 1.22\n\nrequire github.com/gin-gonic/gin v1.9.1\n\nrequire (\n\tgopkg.in/DataDog/dd-trace-go.v1 v1.62.0\n\tgithub.com/DataDog/dd-trace-go/v2 v2.0.0 // indirect\n)\n\nreplace github.com/foo/bar => ../bar\nreplace (\n\tgithub.com/x/y v1.0.0 => github.com/x/z v1.0.1\n)\n";
        let m = parse("checkout/go.mod", text);
        assert_eq!(m.name.as_deref(), Some("github.com/acme/checkout"));
        let got: Vec<(&str, Option<&str>, usize)> = m
            .dependencies
            .iter()
            .map(|d| (d.name.as_str(), d.version.as_deref(), d.line))
            .collect();
        assert_eq!(
            got,
            vec![
                ("github.com/gin-gonic/gin", Some("v1.9.1"), 5),
                ("gopkg.in/DataDog/dd-trace-go.v1", Some("v1.62.0"), 8),
                ("github.com/DataDog/dd-trace-go/v2", Some("v2.0.0"), 9),
            ]
        );
    }
}
