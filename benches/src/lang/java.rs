//! Java services: Spring Boot with JdbcTemplate, built by Maven (variant 0) or Gradle (variant
//! 1), traced by dd-java-agent through JAVA_TOOL_OPTIONS.

use std::fmt::Write as _;
use std::io;

use crate::{camel, fill, pascal, Output, Param, ResourceSpec, ServiceSpec, Tracing};

const POM: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<project xmlns="http://maven.apache.org/POM/4.0.0"
         xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
         xsi:schemaLocation="http://maven.apache.org/POM/4.0.0 https://maven.apache.org/xsd/maven-4.0.0.xsd">
  <modelVersion>4.0.0</modelVersion>

  <parent>
    <groupId>org.springframework.boot</groupId>
    <artifactId>spring-boot-starter-parent</artifactId>
    <version>3.3.4</version>
    <relativePath/>
  </parent>

  <groupId>com.acme</groupId>
  <artifactId>@@svc@@</artifactId>
  <version>@@version@@</version>

  <properties>
    <java.version>21</java.version>
  </properties>

  <dependencies>
    <dependency>
      <groupId>org.springframework.boot</groupId>
      <artifactId>spring-boot-starter-web</artifactId>
    </dependency>
    <dependency>
      <groupId>org.springframework.boot</groupId>
      <artifactId>spring-boot-starter-jdbc</artifactId>
    </dependency>
    <dependency>
      <groupId>org.springframework.boot</groupId>
      <artifactId>spring-boot-starter-actuator</artifactId>
    </dependency>
    <dependency>
      <groupId>org.postgresql</groupId>
      <artifactId>postgresql</artifactId>
      <scope>runtime</scope>
    </dependency>
@@tracer@@    <dependency>
      <groupId>org.springframework.boot</groupId>
      <artifactId>spring-boot-starter-test</artifactId>
      <scope>test</scope>
    </dependency>
  </dependencies>

  <build>
    <plugins>
      <plugin>
        <groupId>org.springframework.boot</groupId>
        <artifactId>spring-boot-maven-plugin</artifactId>
      </plugin>
    </plugins>
  </build>
</project>
"#;

const GRADLE: &str = r#"plugins {
    id 'java'
    id 'org.springframework.boot' version '3.3.4'
    id 'io.spring.dependency-management' version '1.1.6'
}

group = 'com.acme'
version = '@@version@@'

java {
    toolchain {
        languageVersion = JavaLanguageVersion.of(21)
    }
}

repositories {
    mavenCentral()
}

dependencies {
    implementation 'org.springframework.boot:spring-boot-starter-web'
    implementation 'org.springframework.boot:spring-boot-starter-jdbc'
    implementation 'org.springframework.boot:spring-boot-starter-actuator'
@@tracer@@    runtimeOnly 'org.postgresql:postgresql'
    testImplementation 'org.springframework.boot:spring-boot-starter-test'
}

tasks.named('test') {
    useJUnitPlatform()
}
"#;

const APPLICATION: &str = r#"package com.acme.@@pkg@@;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

@SpringBootApplication
public class Application {

    public static void main(String[] args) {
        SpringApplication.run(Application.class, args);
    }
}
"#;

const CONTROLLER_HEAD: &str = r#"package com.acme.@@pkg@@.web;

import com.acme.@@pkg@@.data.@@One@@Repository;
@@trace_import@@import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

@RestController
@RequestMapping("/@@res@@")
public class @@One@@Controller {

    private static final Logger log = LoggerFactory.getLogger(@@One@@Controller.class);

    private final @@One@@Repository repository;

    public @@One@@Controller(@@One@@Repository repository) {
        this.repository = repository;
    }
"#;

const CONTROLLER_METHOD: &str = r#"
    @@mapping@@("@@path@@")
@@trace@@    public ResponseEntity<Object> @@fn@@(@@id_param@@@RequestParam(defaultValue = "50") int limit,
            @RequestBody(required = false) Map<String, Object> payload) {
        if (limit < 1 || limit > 500) {
            return ResponseEntity.badRequest().body(Map.of("error", "limit must be between 1 and 500"));
        }
        List<Map<String, Object>> rows = repository.@@fn@@(@@id@@, payload == null ? Map.of() : payload, limit);
@@not_found@@        log.debug("@@res@@.@@action@@ returned {} rows", rows.size());
        return ResponseEntity.status(HttpStatus.@@status@@).body(rows);
    }
"#;

const REPOSITORY_HEAD: &str = r#"package com.acme.@@pkg@@.data;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.Map;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;

@Repository
public class @@One@@Repository {

    private final JdbcTemplate jdbc;
    private final ObjectMapper json;

    public @@One@@Repository(JdbcTemplate jdbc, ObjectMapper json) {
        this.jdbc = jdbc;
        this.json = json;
    }

    private String toJson(Map<String, Object> payload) {
        try {
            return json.writeValueAsString(payload);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("payload is not serialisable", e);
        }
    }
"#;

const REPOSITORY_METHOD: &str = r#"
    public List<Map<String, Object>> @@fn@@(String id, Map<String, Object> payload, int limit) {
        return jdbc.queryForList("@@sql@@", @@binds@@);
    }
"#;

const DOCKERFILE: &str = r#"FROM eclipse-temurin:21-jdk AS build
WORKDIR /src
COPY . .
RUN @@build@@

FROM eclipse-temurin:21-jre
WORKDIR /app
@@agent@@COPY --from=build /src/@@jar@@ /app/app.jar
EXPOSE 8080
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=75", "-jar", "/app/app.jar"]
"#;

/// The dd-trace-api dependency: used for custom spans, and the outdated tracer declaration.
fn api_version(spec: &ServiceSpec) -> Option<&'static str> {
    match spec.tracing {
        Tracing::Outdated => Some("0.115.0"),
        Tracing::NotInitialized => Some("1.42.1"),
        _ if spec.custom_spans => Some("1.42.1"),
        _ => None,
    }
}

fn pkg(spec: &ServiceSpec) -> String {
    spec.name.replace('-', "")
}

fn build_file(spec: &ServiceSpec) -> (String, String) {
    let version = api_version(spec);
    if spec.variant == 0 {
        let tracer = version.map_or(String::new(), |v| {
            format!(
                "    <dependency>\n      <groupId>com.datadoghq</groupId>\n      <artifactId>dd-trace-api</artifactId>\n      <version>{v}</version>\n    </dependency>\n"
            )
        });
        (
            "pom.xml".into(),
            fill(
                POM,
                &[
                    ("svc", &spec.name),
                    ("version", &spec.version),
                    ("tracer", &tracer),
                ],
            ),
        )
    } else {
        let tracer = version.map_or(String::new(), |v| {
            format!("    implementation 'com.datadoghq:dd-trace-api:{v}'\n")
        });
        (
            "build.gradle".into(),
            fill(GRADLE, &[("version", &spec.version), ("tracer", &tracer)]),
        )
    }
}

fn controller(spec: &ServiceSpec, r: &ResourceSpec) -> String {
    let one = pascal(r.res.one);
    let trace_import = if spec.custom_spans {
        "import datadog.trace.api.Trace;\n"
    } else {
        ""
    };
    let mut text = fill(
        CONTROLLER_HEAD,
        &[
            ("pkg", &pkg(spec)),
            ("One", &one),
            ("trace_import", trace_import),
            ("res", r.res.many),
        ],
    );
    for a in &r.actions {
        let mapping = format!("@{}Mapping", a.method_title());
        let trace = if spec.custom_spans {
            format!(
                "    @Trace(operationName = \"{}.{}\")\n",
                r.res.many, a.name
            )
        } else {
            String::new()
        };
        let (id_param, id, not_found) = if a.has_id() {
            (
                "@PathVariable String id, ",
                "id",
                "        if (rows.isEmpty()) {\n            return ResponseEntity.status(HttpStatus.NOT_FOUND).body(Map.of(\"error\", \"not found\"));\n        }\n",
            )
        } else {
            ("", "null", "")
        };
        let status = match a.status {
            201 => "CREATED",
            204 => "NO_CONTENT",
            _ => "OK",
        };
        text.push_str(&fill(
            CONTROLLER_METHOD,
            &[
                ("mapping", &mapping),
                ("path", &a.path_with("{id}")),
                ("trace", &trace),
                ("fn", &camel(&a.func(&r.res))),
                ("id_param", id_param),
                ("id", id),
                ("not_found", not_found),
                ("res", r.res.many),
                ("action", a.name),
                ("status", status),
            ],
        ));
    }
    text.push_str("}\n");
    text
}

fn repository(spec: &ServiceSpec, r: &ResourceSpec) -> String {
    let mut text = fill(
        REPOSITORY_HEAD,
        &[("pkg", &pkg(spec)), ("One", &pascal(r.res.one))],
    );
    for a in &r.actions {
        let sql = a.sql(r.res.many, |p, _| {
            if p == Param::Data {
                "?::jsonb".to_string()
            } else {
                "?".to_string()
            }
        });
        let binds: Vec<&str> = a
            .binds()
            .iter()
            .map(|p| match p {
                Param::Id => "id",
                Param::Data => "toJson(payload)",
                Param::Limit => "limit",
            })
            .collect();
        text.push_str(&fill(
            REPOSITORY_METHOD,
            &[
                ("fn", &camel(&a.func(&r.res))),
                ("sql", &sql),
                ("binds", &binds.join(", ")),
            ],
        ));
    }
    text.push_str("}\n");
    text
}

fn dockerfile(spec: &ServiceSpec) -> String {
    let agent = if spec.tracing.initialised() {
        "ADD https://dtdg.co/latest-java-tracer /opt/datadog/dd-java-agent.jar\nENV JAVA_TOOL_OPTIONS=\"-javaagent:/opt/datadog/dd-java-agent.jar\" \\\n    DD_LOGS_INJECTION=true\n"
    } else {
        ""
    };
    let (build, jar) = if spec.variant == 0 {
        ("mvn -q package -DskipTests", "target/*.jar".to_string())
    } else {
        ("gradle bootJar --no-daemon", "build/libs/*.jar".to_string())
    };
    fill(
        DOCKERFILE,
        &[("build", build), ("agent", agent), ("jar", &jar)],
    )
}

/// Write a Java service.
pub(crate) fn write(spec: &ServiceSpec, out: &mut Output) -> io::Result<()> {
    let dir = &spec.dir;
    let (name, text) = build_file(spec);
    out.file(&format!("{dir}/{name}"), &text)?;
    out.file(&format!("{dir}/Dockerfile"), &dockerfile(spec))?;
    let pkg = pkg(spec);
    let src = format!("{dir}/src/main/java/com/acme/{pkg}");
    out.file(
        &format!("{src}/Application.java"),
        &fill(APPLICATION, &[("pkg", &pkg)]),
    )?;
    let mut props = String::new();
    let _ = write!(
        props,
        "spring:\n  application:\n    name: {}\n  datasource:\n    url: ${{DATABASE_URL:jdbc:postgresql://localhost/{}}}\nserver:\n  port: 8080\n",
        spec.name,
        spec.db()
    );
    out.file(&format!("{dir}/src/main/resources/application.yml"), &props)?;
    for r in &spec.resources {
        let one = pascal(r.res.one);
        out.file(
            &format!("{src}/web/{one}Controller.java"),
            &controller(spec, r),
        )?;
        out.file(
            &format!("{src}/data/{one}Repository.java"),
            &repository(spec, r),
        )?;
    }
    Ok(())
}
