//! Bundler's `Gemfile` (`gem 'name', '~> 1.0'` lines) and `Gemfile.lock` (top-level `specs:`
//! entries with exact versions).

use crate::model::{Dependency, Manifest};

use super::new_manifest;

/// Parse a `Gemfile`.
pub(crate) fn parse_gemfile(file: &str, text: &str) -> Manifest {
    let mut m = new_manifest("Gemfile", "ruby", file);
    for (i, raw) in text.lines().enumerate() {
        let content = raw.trim();
        let Some(rest) = content.strip_prefix("gem") else {
            continue;
        };
        if !rest.starts_with([' ', '\t', '(']) {
            continue;
        }
        let args = leading_strings(rest.trim_start_matches(['(', ' ', '\t']));
        let Some((name, versions)) = args.split_first() else {
            continue;
        };
        let versions: Vec<&str> = versions
            .iter()
            .map(String::as_str)
            .filter(|v| looks_like_version(v))
            .collect();
        if rest.contains("/auto_instrument") {
            m.commands.push(super::located(content, file, i + 1)); // `require:` loads the tracer
        }
        m.dependencies.push(Dependency {
            name: name.clone(),
            version: (!versions.is_empty()).then(|| versions.join(", ")),
            file: file.to_string(),
            line: i + 1,
        });
    }
    m
}

/// The quoted string arguments at the start of an argument list (stopping at the first
/// argument that is not a plain string, e.g. `require: false`).
fn leading_strings(args: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = args.trim_start();
    while let Some(quote) = rest.chars().next().filter(|c| *c == '\'' || *c == '"') {
        let body = &rest[1..];
        let Some(end) = body.find(quote) else {
            break;
        };
        out.push(body[..end].to_string());
        rest = body[end + 1..].trim_start();
        match rest.strip_prefix(',') {
            Some(r) => rest = r.trim_start(),
            None => break,
        }
    }
    out
}

/// Whether a gem argument is a version requirement.
fn looks_like_version(v: &str) -> bool {
    let v = v.trim_start_matches(['~', '>', '<', '=', '!', ' ']);
    v.starts_with(|c: char| c.is_ascii_digit())
}

/// Parse a `Gemfile.lock`.
pub(crate) fn parse_lock(file: &str, text: &str) -> Manifest {
    let mut m = new_manifest("Gemfile.lock", "ruby", file);
    let mut in_specs = false;
    for (i, raw) in text.lines().enumerate() {
        let raw = raw.trim_end();
        if !raw.starts_with(' ') {
            in_specs = false;
            continue;
        }
        if raw == "  specs:" {
            in_specs = true;
            continue;
        }
        let Some(entry) = raw.strip_prefix("    ") else {
            in_specs = false;
            continue;
        };
        if !in_specs || entry.starts_with(' ') {
            continue;
        }
        let (name, version) = match entry.split_once(" (") {
            Some((name, rest)) => (name, rest.strip_suffix(')').map(str::to_string)),
            None => (entry, None),
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
    fn gemfile() {
        let text = "source 'https://rubygems.org'\n\ngemspec\ngem 'rails', '~> 7.1', '>= 7.1.2'\ngem \"datadog\", \"~> 2.0\", require: \"datadog/auto_instrument\"\ngroup :test do\n  gem 'rspec'\nend\ngem('puma', '6.4.0')\n";
        let m = parse_gemfile("api/Gemfile", text);
        assert_eq!(m.language, "ruby");
        let got: Vec<(&str, Option<&str>, usize)> = m
            .dependencies
            .iter()
            .map(|d| (d.name.as_str(), d.version.as_deref(), d.line))
            .collect();
        assert_eq!(
            got,
            vec![
                ("rails", Some("~> 7.1, >= 7.1.2"), 4),
                ("datadog", Some("~> 2.0"), 5),
                ("rspec", None, 7),
                ("puma", Some("6.4.0"), 9),
            ]
        );
    }

    #[test]
    fn lockfile() {
        let text = "GEM\n  remote: https://rubygems.org/\n  specs:\n    datadog (2.1.0)\n      debase-ruby_core_source (= 3.3.1)\n      libdatadog (~> 7.0.0.1.0)\n    nokogiri (1.16.0-x86_64-linux)\n\nPLATFORMS\n  x86_64-linux\n\nDEPENDENCIES\n  datadog (~> 2.0)\n";
        let m = parse_lock("Gemfile.lock", text);
        let got: Vec<(&str, Option<&str>, usize)> = m
            .dependencies
            .iter()
            .map(|d| (d.name.as_str(), d.version.as_deref(), d.line))
            .collect();
        assert_eq!(
            got,
            vec![
                ("datadog", Some("2.1.0"), 4),
                ("nokogiri", Some("1.16.0-x86_64-linux"), 7),
            ]
        );
    }
}
