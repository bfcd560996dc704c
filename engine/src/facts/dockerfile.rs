//! Dockerfiles: a hand-written line reader for `FROM`, `ENV`, `ARG`, `LABEL`, `RUN`, `CMD`
//! and `ENTRYPOINT`.
//!
//! Continuation lines (ending in the escape character, `\` or the one set by an
//! `# escape=` parser directive) are joined and reported at their first line; comment
//! lines inside them are dropped. Heredoc bodies (`RUN <<EOF ... EOF`) are skipped.

use crate::model::{EnvSetting, Located, Workload};

use super::located;

/// Parse a Dockerfile into one workload of kind `dockerfile`.
pub(crate) fn parse(file: &str, text: &str) -> Workload {
    let mut w = Workload::new("dockerfile", file, 1);
    for (line, instruction) in instructions(text) {
        let (keyword, rest) = split_word(&instruction);
        let keyword = keyword.to_ascii_uppercase();
        match keyword.as_str() {
            "FROM" => {
                if let Some(image) = rest.split_whitespace().find(|t| !t.starts_with("--")) {
                    w.base_images.push(located(image, file, line));
                }
            }
            "ENV" => {
                if is_key_value_form(rest) {
                    for (key, value) in key_values(rest) {
                        w.env.push(env(file, line, key, value, None));
                    }
                } else {
                    let (key, value) = split_word(rest);
                    if !key.is_empty() {
                        let value = Some(value.trim().to_string());
                        w.env.push(env(file, line, key.to_string(), value, None));
                    }
                }
            }
            "ARG" => {
                for (key, value) in key_values(rest) {
                    w.env.push(env(file, line, key, value, Some("arg")));
                }
            }
            "LABEL" => {
                for (key, value) in key_values(rest) {
                    let text = format!("{key}={}", value.unwrap_or_default());
                    w.labels.push(located(text, file, line));
                }
            }
            "RUN" | "CMD" | "ENTRYPOINT" => {
                let body = if keyword == "RUN" {
                    strip_flags(rest)
                } else {
                    rest
                };
                let command = exec_form(body).unwrap_or_else(|| body.trim().to_string());
                w.commands.push(command_at(file, line, &keyword, &command));
            }
            _ => {}
        }
    }
    w
}

/// An [`EnvSetting`].
fn env(
    file: &str,
    line: usize,
    key: String,
    value: Option<String>,
    from: Option<&str>,
) -> EnvSetting {
    EnvSetting {
        key,
        value,
        value_from: from.map(str::to_string),
        file: file.to_string(),
        line,
    }
}

/// A command prefixed by its instruction (`CMD ddtrace-run gunicorn app:app`).
fn command_at(file: &str, line: usize, keyword: &str, command: &str) -> Located {
    let text = if command.is_empty() {
        keyword.to_string()
    } else {
        format!("{keyword} {command}")
    };
    located(text, file, line)
}

/// Logical instructions with their first line: continuations joined, comments, blank lines
/// and heredoc bodies dropped.
fn instructions(text: &str) -> Vec<(usize, String)> {
    let mut escape = '\\';
    let mut out: Vec<(usize, String)> = Vec::new();
    let mut current: Option<(usize, String)> = None;
    let mut heredocs: Vec<(String, bool)> = Vec::new();
    let mut directives_open = true;
    for (i, raw) in text.lines().enumerate() {
        let line = i + 1;
        if let Some((word, _)) = heredocs.first() {
            let candidate = raw.trim_end_matches('\r');
            let stripped = candidate.trim_start_matches('\t');
            if candidate == word || stripped == word || candidate.trim() == word {
                heredocs.remove(0);
            }
            continue;
        }
        let trimmed = raw.trim();
        if directives_open {
            if let Some(value) = directive(trimmed, "escape") {
                if let Some(c) = value.chars().next() {
                    escape = c;
                }
                continue;
            }
            if directive(trimmed, "syntax").is_some() || directive(trimmed, "check").is_some() {
                continue;
            }
            directives_open = false;
        }
        if trimmed.starts_with('#') || trimmed.is_empty() {
            continue;
        }
        let (continues, body) = match trimmed.strip_suffix(escape) {
            Some(body) => (true, body.trim_end()),
            None => (false, trimmed),
        };
        let (start, mut acc) = current.take().unwrap_or((line, String::new()));
        if !acc.is_empty() && !body.is_empty() {
            acc.push(' ');
        }
        acc.push_str(body);
        if continues {
            current = Some((start, acc));
        } else {
            let keyword = split_word(&acc).0.to_ascii_uppercase();
            if matches!(keyword.as_str(), "RUN" | "COPY" | "ADD") {
                heredocs = heredoc_words(&acc);
            }
            out.push((start, acc));
        }
    }
    if let Some(last) = current {
        out.push(last);
    }
    out
}

/// The value of a `# key=value` parser directive line.
fn directive<'a>(line: &'a str, key: &str) -> Option<&'a str> {
    let rest = line.strip_prefix('#')?.trim_start();
    let (k, v) = rest.split_once('=')?;
    k.trim().eq_ignore_ascii_case(key).then(|| v.trim())
}

/// Terminator words of the heredocs an instruction opens (`<<EOF`, `<<-EOF`, `<<"EOF"`).
fn heredoc_words(instruction: &str) -> Vec<(String, bool)> {
    let mut out = Vec::new();
    let mut rest = instruction;
    while let Some(i) = rest.find("<<") {
        let after = &rest[i + 2..];
        let (dash, after) = match after.strip_prefix('-') {
            Some(a) => (true, a),
            None => (false, after),
        };
        let after = after.trim_start_matches(['"', '\'']);
        let end = after
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .unwrap_or(after.len());
        let word = &after[..end];
        if !word.is_empty() && word.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_') {
            out.push((word.to_string(), dash));
        }
        rest = &after[end..];
    }
    out
}

/// Split off the first whitespace-separated word.
fn split_word(s: &str) -> (&str, &str) {
    let s = s.trim_start();
    match s.find(char::is_whitespace) {
        Some(i) => (&s[..i], s[i..].trim_start()),
        None => (s, ""),
    }
}

/// Whether an `ENV` body uses the `K=V` form (rather than legacy `K V`).
fn is_key_value_form(rest: &str) -> bool {
    let (first, _) = split_word(rest);
    first.contains('=')
}

/// Parse `K=V K2="v 2" K3` words (shell-style quotes and escapes).
fn key_values(rest: &str) -> Vec<(String, Option<String>)> {
    shell_words(rest)
        .into_iter()
        .filter_map(|(word, _)| {
            let (k, v) = match word.split_once('=') {
                Some((k, v)) => (k.to_string(), Some(v.to_string())),
                None => (word, None),
            };
            (!k.is_empty()).then_some((k, v))
        })
        .collect()
}

/// Split into words honouring quotes and backslash escapes; quotes are removed.
fn shell_words(s: &str) -> Vec<(String, bool)> {
    let mut words = Vec::new();
    let mut current = String::new();
    let mut in_word = false;
    let mut quote: Option<char> = None;
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some('"'), '\\') => {
                if let Some(n) = chars.next() {
                    current.push(n);
                }
            }
            (Some(_), c) => current.push(c),
            (None, '"' | '\'') => {
                quote = Some(c);
                in_word = true;
            }
            (None, '\\') => {
                if let Some(n) = chars.next() {
                    current.push(n);
                }
                in_word = true;
            }
            (None, c) if c.is_whitespace() => {
                if in_word {
                    words.push((std::mem::take(&mut current), true));
                    in_word = false;
                }
            }
            (None, c) => {
                current.push(c);
                in_word = true;
            }
        }
    }
    if in_word {
        words.push((current, true));
    }
    words
}

/// Drop leading `--mount=...`, `--network=...` flags of a `RUN`.
fn strip_flags(rest: &str) -> &str {
    let mut rest = rest.trim_start();
    while rest.starts_with("--") {
        rest = split_word(rest).1;
    }
    rest
}

/// Join a JSON exec form (`["ddtrace-run", "gunicorn"]`) into one line.
fn exec_form(body: &str) -> Option<String> {
    let body = body.trim();
    if !body.starts_with('[') {
        return None;
    }
    let words: Vec<String> = serde_json::from_str(body).ok()?;
    Some(words.join(" "))
}

#[cfg(test)]
mod tests {
    use super::*;

    const DOCKERFILE: &str = r#"# syntax=docker/dockerfile:1.6
# A python service
ARG PYTHON_VERSION=3.12
FROM --platform=linux/amd64 python:${PYTHON_VERSION}-slim AS base
ARG DD_VERSION
ENV DD_SERVICE=orders DD_ENV="prod env" \
    DD_LOGS_INJECTION=true
ENV LEGACY_KEY legacy value
LABEL com.datadoghq.tags.service="orders"
RUN --mount=type=cache,target=/root/.cache pip install \
    # comment inside continuation
    ddtrace==2.8.0 gunicorn
RUN <<EOF
echo not an instruction
CMD ignored
EOF
FROM base
ENTRYPOINT ["ddtrace-run","gunicorn","app:app"]
CMD gunicorn --bind 0.0.0.0:8000 app:app
"#;

    #[test]
    fn dockerfile() {
        let w = parse("orders/Dockerfile", DOCKERFILE);
        assert_eq!(w.kind, "dockerfile");
        assert_eq!(w.name, None);
        assert_eq!(w.line, 1);
        let images: Vec<(&str, usize)> = w
            .base_images
            .iter()
            .map(|l| (l.text.as_str(), l.line))
            .collect();
        assert_eq!(
            images,
            vec![("python:${PYTHON_VERSION}-slim", 4), ("base", 17)]
        );
        let env: Vec<(&str, Option<&str>, Option<&str>, usize)> = w
            .env
            .iter()
            .map(|e| {
                (
                    e.key.as_str(),
                    e.value.as_deref(),
                    e.value_from.as_deref(),
                    e.line,
                )
            })
            .collect();
        assert_eq!(
            env,
            vec![
                ("PYTHON_VERSION", Some("3.12"), Some("arg"), 3),
                ("DD_VERSION", None, Some("arg"), 5),
                ("DD_SERVICE", Some("orders"), None, 6),
                ("DD_ENV", Some("prod env"), None, 6),
                ("DD_LOGS_INJECTION", Some("true"), None, 6),
                ("LEGACY_KEY", Some("legacy value"), None, 8),
            ]
        );
        assert_eq!(w.labels[0].text, "com.datadoghq.tags.service=orders");
        let cmds: Vec<(&str, usize)> = w
            .commands
            .iter()
            .map(|l| (l.text.as_str(), l.line))
            .collect();
        assert_eq!(
            cmds,
            vec![
                ("RUN pip install ddtrace==2.8.0 gunicorn", 10),
                ("RUN <<EOF", 13),
                ("ENTRYPOINT ddtrace-run gunicorn app:app", 18),
                ("CMD gunicorn --bind 0.0.0.0:8000 app:app", 19),
            ]
        );
    }

    #[test]
    fn escape_directive_and_odd_input() {
        let text = "# escape=`\nFROM mcr.microsoft.com/windows/servercore\nRUN dir `\n  c:\\\nCMD [\"broken\"\n";
        let w = parse("win/Dockerfile", text);
        assert_eq!(w.commands[0].text, "RUN dir c:\\");
        assert_eq!(w.commands[1].text, "CMD [\"broken\"");
        let w = parse("Dockerfile", "RUN echo \\");
        assert_eq!(w.commands[0].text, "RUN echo");
        let _ = parse("Dockerfile", "ENV \"\nRUN <<\nARG =\n\u{0}\u{ffff}");
    }
}
