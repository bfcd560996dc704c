//! Maven's `pom.xml`: project `artifactId`, `<dependency>` entries (also under
//! `dependencyManagement` and profiles, not plugin dependencies) with `${property}` versions
//! resolved from `<properties>`, and `-javaagent:` flags in plugin configuration.

use std::collections::HashMap;

use crate::model::{Dependency, Manifest, ParseError};

use super::xml::{self, XmlElement};
use super::{located, new_manifest};

/// Parse a `pom.xml`.
pub(crate) fn parse(file: &str, text: &str) -> Result<Manifest, ParseError> {
    let root = xml::parse(file, text)?;
    let mut m = new_manifest("pom.xml", "java", file);
    if root.name != "project" {
        return Ok(m);
    }
    m.name = root.child_text("artifactId").map(str::to_string);

    let mut props: HashMap<String, String> = HashMap::new();
    if let Some(properties) = root.child("properties") {
        for p in &properties.children {
            props.insert(p.name.clone(), p.text.trim().to_string());
        }
    }
    let parent = root.child("parent");
    let builtins = [
        ("project.artifactId", root.child_text("artifactId")),
        (
            "project.groupId",
            root.child_text("groupId")
                .or_else(|| parent.and_then(|p| p.child_text("groupId"))),
        ),
        (
            "project.version",
            root.child_text("version")
                .or_else(|| parent.and_then(|p| p.child_text("version"))),
        ),
        (
            "project.parent.version",
            parent.and_then(|p| p.child_text("version")),
        ),
    ];
    for (k, v) in builtins {
        if let Some(v) = v {
            props.entry(k.to_string()).or_insert_with(|| v.to_string());
        }
    }

    collect_deps(&root, false, &props, file, &mut m, 0);

    for el in root.descendants() {
        if el.text.contains("-javaagent") {
            let flat = el.text.split_whitespace().collect::<Vec<_>>().join(" ");
            m.commands
                .push(located(flat, file, el.text_line.max(el.line)));
        }
    }
    Ok(m)
}

/// Walk the tree collecting `<dependencies><dependency>` outside `<plugin>` elements.
fn collect_deps(
    el: &XmlElement,
    in_plugin: bool,
    props: &HashMap<String, String>,
    file: &str,
    m: &mut Manifest,
    depth: usize,
) {
    if depth > 64 {
        return;
    }
    if el.name == "dependencies" && !in_plugin {
        for dep in el.children_named("dependency") {
            let Some(artifact) = dep.child_text("artifactId") else {
                continue;
            };
            let name = match dep.child_text("groupId") {
                Some(group) => format!("{}:{}", resolve(group, props), resolve(artifact, props)),
                None => resolve(artifact, props),
            };
            m.dependencies.push(Dependency {
                name,
                version: dep.child_text("version").map(|v| resolve(v, props)),
                file: file.to_string(),
                line: dep.line,
            });
        }
        return;
    }
    let in_plugin = in_plugin || el.name == "plugin";
    for child in &el.children {
        collect_deps(child, in_plugin, props, file, m, depth + 1);
    }
}

/// Replace `${name}` with defined properties (a few rounds for chained ones); unknown
/// references stay as written.
fn resolve(value: &str, props: &HashMap<String, String>) -> String {
    let mut out = value.trim().to_string();
    for _ in 0..5 {
        if !out.contains("${") {
            break;
        }
        let mut next = String::with_capacity(out.len());
        let mut rest = out.as_str();
        while let Some(start) = rest.find("${") {
            next.push_str(&rest[..start]);
            let after = &rest[start + 2..];
            match after.find('}') {
                Some(end) => {
                    let key = &after[..end];
                    match props.get(key) {
                        Some(v) => next.push_str(v),
                        None => {
                            next.push_str("${");
                            next.push_str(key);
                            next.push('}');
                        }
                    }
                    rest = &after[end + 1..];
                }
                None => {
                    next.push_str(&rest[start..]);
                    rest = "";
                }
            }
        }
        next.push_str(rest);
        if next == out {
            break;
        }
        out = next;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const POM: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <parent>
    <groupId>org.springframework.boot</groupId>
    <artifactId>spring-boot-starter-parent</artifactId>
    <version>3.2.0</version>
  </parent>
  <artifactId>payments</artifactId>
  <properties>
    <dd.version>1.30.0</dd.version>
  </properties>
  <dependencies>
    <dependency>
      <groupId>com.datadoghq</groupId>
      <artifactId>dd-trace-api</artifactId>
      <version>${dd.version}</version>
    </dependency>
    <dependency>
      <groupId>org.springframework.boot</groupId>
      <artifactId>spring-boot-starter-web</artifactId>
    </dependency>
    <dependency>
      <groupId>x</groupId>
      <artifactId>y</artifactId>
      <version>${undefined.prop}</version>
    </dependency>
  </dependencies>
  <dependencyManagement>
    <dependencies>
      <dependency>
        <groupId>io.opentelemetry</groupId>
        <artifactId>opentelemetry-bom</artifactId>
        <version>1.34.0</version>
      </dependency>
    </dependencies>
  </dependencyManagement>
  <build>
    <plugins>
      <plugin>
        <artifactId>maven-surefire-plugin</artifactId>
        <configuration>
          <argLine>
            -javaagent:${project.build.directory}/dd-java-agent.jar -Ddd.service=payments
          </argLine>
        </configuration>
        <dependencies>
          <dependency><groupId>p</groupId><artifactId>q</artifactId></dependency>
        </dependencies>
      </plugin>
    </plugins>
  </build>
</project>
"#;

    #[test]
    fn pom() {
        let m = parse("payments/pom.xml", POM).unwrap();
        assert_eq!(m.name.as_deref(), Some("payments"));
        assert_eq!(m.language, "java");
        let got: Vec<(&str, Option<&str>, usize)> = m
            .dependencies
            .iter()
            .map(|d| (d.name.as_str(), d.version.as_deref(), d.line))
            .collect();
        assert_eq!(
            got,
            vec![
                ("com.datadoghq:dd-trace-api", Some("1.30.0"), 14),
                ("org.springframework.boot:spring-boot-starter-web", None, 19),
                ("x:y", Some("${undefined.prop}"), 23),
                ("io.opentelemetry:opentelemetry-bom", Some("1.34.0"), 31),
            ]
        );
        assert_eq!(m.commands.len(), 1);
        assert_eq!(
            m.commands[0].text,
            "-javaagent:${project.build.directory}/dd-java-agent.jar -Ddd.service=payments"
        );
        assert_eq!(m.commands[0].line, 44);
    }

    #[test]
    fn bad_xml() {
        let err = parse(
            "pom.xml",
            "<project>\n  <artifactId>x</groupId>\n</project>",
        )
        .unwrap_err();
        assert_eq!(err.line, 2, "{err}");
        let _ = parse("pom.xml", "\u{0}\u{1}garbage<<<>>>");
        let deep = "<a>".repeat(10_000);
        assert!(parse("pom.xml", &deep).is_err());
    }
}
