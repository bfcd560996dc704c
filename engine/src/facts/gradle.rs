//! Gradle build scripts (`build.gradle`, `build.gradle.kts`): dependency declarations in
//! string (`'g:n:v'`) or map (`group: 'g', name: 'n', version: 'v'`) notation, and
//! `-javaagent:` flags. A line-based reader: declarations spread over several lines are not
//! seen.

use crate::model::{Dependency, Manifest};

use super::{located, new_manifest};

/// Dependency configurations recognised at the start of a line.
const CONFIGURATIONS: &[&str] = &[
    "implementation",
    "api",
    "compileOnly",
    "runtimeOnly",
    "testImplementation",
    "testRuntimeOnly",
    "testCompileOnly",
    "annotationProcessor",
    "kapt",
    "compile",
    "runtime",
    "testCompile",
    "developmentOnly",
    "agent",
    "javaagent",
    "ddAgent",
    "datadogAgent",
    "classpath",
];

/// Parse a Gradle build script.
pub(crate) fn parse(file: &str, text: &str) -> Manifest {
    let mut m = new_manifest("build.gradle", "java", file);
    let mut in_block_comment = false;
    for (i, raw) in text.lines().enumerate() {
        let line = i + 1;
        let mut content = raw.trim();
        if in_block_comment {
            match content.find("*/") {
                Some(end) => {
                    in_block_comment = false;
                    content = content[end + 2..].trim();
                }
                None => continue,
            }
        }
        if content.starts_with("/*") && !content.contains("*/") {
            in_block_comment = true;
            continue;
        }
        if content.starts_with("//") || content.is_empty() {
            continue;
        }
        if content.contains("-javaagent") {
            let text = quoted_strings(content)
                .into_iter()
                .find(|s| s.contains("-javaagent"))
                .unwrap_or_else(|| content.to_string());
            m.commands.push(located(text, file, line));
        }
        if let Some(rest) = content.strip_prefix("rootProject.name") {
            if let Some(name) = quoted_strings(rest).into_iter().next() {
                m.name = Some(name);
            }
            continue;
        }
        let ident_end = content
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .unwrap_or(content.len());
        let ident = &content[..ident_end];
        let is_config = CONFIGURATIONS.contains(&ident)
            || ident.ends_with("Implementation")
            || ident.ends_with("RuntimeOnly")
            || ident.ends_with("CompileOnly");
        if !is_config {
            continue;
        }
        let rest = content[ident_end..].trim_start();
        if !(rest.starts_with(['(', '\'', '"']) || rest.starts_with("group")) {
            continue;
        }
        if let Some((name, version)) = declaration(rest) {
            m.dependencies.push(Dependency {
                name,
                version,
                file: file.to_string(),
                line,
            });
        }
    }
    m
}

/// The dependency a declaration's arguments name, from map or string notation.
fn declaration(args: &str) -> Option<(String, Option<String>)> {
    if args.contains("project(") || args.starts_with("(project") {
        return None;
    }
    if let Some(group) = named_arg(args, "group") {
        let name = named_arg(args, "name")?;
        return Some((format!("{group}:{name}"), named_arg(args, "version")));
    }
    let coord = quoted_strings(args).into_iter().next()?;
    let coord = coord.split('@').next().unwrap_or("");
    let mut parts = coord.split(':');
    let group = parts.next().filter(|g| !g.is_empty())?;
    let name = parts.next().filter(|n| !n.is_empty())?;
    let version = parts.next().filter(|v| !v.is_empty()).map(str::to_string);
    Some((format!("{group}:{name}"), version))
}

/// The string value of `key: 'v'` (Groovy) or `key = "v"` (Kotlin) in an argument list.
fn named_arg(args: &str, key: &str) -> Option<String> {
    let mut search = args;
    while let Some(i) = search.find(key) {
        let before_ok = search[..i]
            .chars()
            .next_back()
            .is_none_or(|c| !(c.is_ascii_alphanumeric() || c == '_'));
        let after = search[i + key.len()..].trim_start();
        if before_ok {
            if let Some(value) = after.strip_prefix([':', '=']) {
                return quoted_strings(value).into_iter().next();
            }
        }
        search = &search[i + key.len()..];
    }
    None
}

/// The single- or double-quoted strings of a line, in order.
fn quoted_strings(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c == '\'' || c == '"' {
            let mut value = String::new();
            let mut closed = false;
            for d in chars.by_ref() {
                if d == c {
                    closed = true;
                    break;
                }
                value.push(d);
            }
            if closed {
                out.push(value);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn groovy() {
        let text = "plugins {\n    id 'java'\n}\nrootProject.name = 'inventory'\n\ndependencies {\n    implementation 'com.datadoghq:dd-trace-api:1.30.0'\n    runtimeOnly group: 'com.datadoghq', name: 'dd-java-agent', version: '1.30.0'\n    implementation project(':common')\n    // implementation 'commented:out:1'\n    testImplementation \"org.junit.jupiter:junit-jupiter:$junitVersion\"\n    compileOnly 'org.projectlombok:lombok'\n}\n\napplicationDefaultJvmArgs = [\"-javaagent:/opt/dd-java-agent.jar\"]\n";
        let m = parse("inventory/build.gradle", text);
        assert_eq!(m.name.as_deref(), Some("inventory"));
        let got: Vec<(&str, Option<&str>, usize)> = m
            .dependencies
            .iter()
            .map(|d| (d.name.as_str(), d.version.as_deref(), d.line))
            .collect();
        assert_eq!(
            got,
            vec![
                ("com.datadoghq:dd-trace-api", Some("1.30.0"), 7),
                ("com.datadoghq:dd-java-agent", Some("1.30.0"), 8),
                ("org.junit.jupiter:junit-jupiter", Some("$junitVersion"), 11),
                ("org.projectlombok:lombok", None, 12),
            ]
        );
        assert_eq!(m.commands.len(), 1);
        assert_eq!(m.commands[0].text, "-javaagent:/opt/dd-java-agent.jar");
        assert_eq!(m.commands[0].line, 15);
    }

    #[test]
    fn kotlin() {
        let text = "dependencies {\n    implementation(\"io.opentelemetry:opentelemetry-api:1.34.0\")\n    implementation(platform(\"org.springframework.boot:spring-boot-dependencies:3.2.0\"))\n    runtimeOnly(group = \"com.datadoghq\", name = \"dd-java-agent\", version = \"1.31.0\")\n}\ntasks.withType<JavaExec> {\n    jvmArgs(\"-javaagent:${agentJar}\")\n}\n";
        let m = parse("build.gradle.kts", text);
        assert_eq!(m.name, None);
        let got: Vec<(&str, Option<&str>, usize)> = m
            .dependencies
            .iter()
            .map(|d| (d.name.as_str(), d.version.as_deref(), d.line))
            .collect();
        assert_eq!(
            got,
            vec![
                ("io.opentelemetry:opentelemetry-api", Some("1.34.0"), 2),
                (
                    "org.springframework.boot:spring-boot-dependencies",
                    Some("3.2.0"),
                    3
                ),
                ("com.datadoghq:dd-java-agent", Some("1.31.0"), 4),
            ]
        );
        assert_eq!(m.commands[0].line, 7);
    }
}
