//! Procfiles: `type: command` lines, one workload per process type. Leading `VAR=value`
//! assignments of a command become environment settings.

use crate::model::{EnvSetting, Workload};

use super::dotenv::unquote_value;
use super::located;

/// Parse a Procfile.
pub(crate) fn parse(file: &str, text: &str) -> Vec<Workload> {
    let mut out = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let line = i + 1;
        let content = raw.trim();
        if content.is_empty() || content.starts_with('#') {
            continue;
        }
        let Some((name, command)) = content.split_once(':') else {
            continue;
        };
        let name = name.trim();
        if name.is_empty()
            || !name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-'))
        {
            continue;
        }
        let command = command.trim();
        let mut w = Workload::new("procfile", file, line);
        w.name = Some(name.to_string());
        for word in command.split_whitespace() {
            let Some((key, value)) = word.split_once('=') else {
                break;
            };
            if key.is_empty() || !key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
                break;
            }
            w.env.push(EnvSetting {
                key: key.to_string(),
                value: Some(unquote_value(value)),
                value_from: None,
                file: file.to_string(),
                line,
            });
        }
        w.commands.push(located(command, file, line));
        out.push(w);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn procfile() {
        let text = "web: ddtrace-run gunicorn app:app\n# comment\nworker: DD_SERVICE=worker DD_ENV=prod celery -A tasks worker\nrelease: ./migrate.sh\n";
        let ws = parse("Procfile", text);
        assert_eq!(ws.len(), 3);
        assert_eq!(ws[0].name.as_deref(), Some("web"));
        assert_eq!(ws[0].commands[0].text, "ddtrace-run gunicorn app:app");
        assert_eq!(ws[0].line, 1);
        assert_eq!(ws[1].line, 3);
        let env: Vec<(&str, Option<&str>)> = ws[1]
            .env
            .iter()
            .map(|e| (e.key.as_str(), e.value.as_deref()))
            .collect();
        assert_eq!(
            env,
            vec![("DD_SERVICE", Some("worker")), ("DD_ENV", Some("prod"))]
        );
        assert_eq!(ws[2].kind, "procfile");
    }
}
