//! End-to-end tests of `apm-doctor instrument`: for a service of each language without any
//! tracer, the dry-run diff applies with `git apply --check`, the applied setup re-parses, a
//! re-scan has no tracer-missing / tracer-not-initialized / ust-missing / init-order finding
//! for it, and a second run changes nothing.

use std::fs;
use std::path::Path;
use std::process::{Command, Output};

mod common;
use common::{bin, write};

fn read(root: &Path, rel: &str) -> String {
    fs::read_to_string(root.join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

fn instrument(root: &Path, args: &[&str]) -> Output {
    bin()
        .arg("instrument")
        .args(args)
        .arg(root)
        .output()
        .expect("runs")
}

fn text(out: &Output) -> String {
    format!(
        "exit {:?}\nstdout:\n{}\nstderr:\n{}",
        out.status.code(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

const AUDIT: [&str; 4] = [
    "tracer-missing",
    "tracer-not-initialized",
    "ust-missing",
    "init-order",
];

/// Findings of the audit rules above (and parse errors) for `service`.
fn audit(root: &Path, service: &str) -> Vec<String> {
    let out = bin()
        .arg("scan")
        .arg(root)
        .args(["--format", "json", "--fail-on", "never"])
        .output()
        .expect("runs");
    let report: serde_json::Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}", text(&out)));
    let mut found: Vec<String> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["service"] == service && AUDIT.contains(&f["rule"].as_str().unwrap()))
        .map(|f| format!("{}: {}", f["rule"], f["message"]))
        .collect();
    found.extend(
        report["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|d| d["kind"] == "parse-error")
            .map(|d| format!("parse error: {d}")),
    );
    found
}

fn git_apply_check(root: &Path, diff: &[u8]) {
    let patch = root.join("..").join(format!(
        "instrument-{}.diff",
        root.file_name().unwrap().to_string_lossy()
    ));
    fs::write(&patch, diff).unwrap();
    let out = Command::new("git")
        .args(["apply", "--check", "-v"])
        .arg(&patch)
        .current_dir(root)
        .output()
        .expect("git runs");
    assert!(
        out.status.success(),
        "git apply --check refused the diff:\n{}\n{}",
        String::from_utf8_lossy(diff),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Dry run (diff accepted by git, nothing written), apply, re-scan clean, second run no-op.
fn round_trip(root: &Path, language: &str, framework: &str, service: &str) {
    let before = audit(root, service);
    assert!(
        before.iter().any(|f| f.contains("tracer-missing")),
        "the fixture should start without a tracer: {before:?}"
    );
    let snapshot = snapshot(root);
    let dry = instrument(root, &[language, framework, "--dry-run"]);
    assert_eq!(dry.status.code(), Some(0), "{}", text(&dry));
    assert!(!dry.stdout.is_empty(), "{}", text(&dry));
    assert_eq!(snapshot, self::snapshot(root), "--dry-run wrote files");
    git_apply_check(root, &dry.stdout);

    let applied = instrument(root, &[language, framework]);
    assert_eq!(applied.status.code(), Some(0), "{}", text(&applied));
    let after = audit(root, service);
    assert!(
        after.is_empty(),
        "still reported after instrument: {after:?}\n{}",
        text(&applied)
    );

    let again = instrument(root, &[language, framework]);
    assert_eq!(again.status.code(), Some(0), "{}", text(&again));
    assert!(
        String::from_utf8_lossy(&again.stderr).contains("nothing to change"),
        "{}",
        text(&again)
    );
    let again_dry = instrument(root, &[language, framework, "--dry-run"]);
    assert!(again_dry.stdout.is_empty(), "{}", text(&again_dry));
}

fn snapshot(root: &Path) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for e in fs::read_dir(&dir).unwrap().flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.push((
                    p.strip_prefix(root).unwrap().display().to_string(),
                    fs::read_to_string(&p).unwrap_or_default(),
                ));
            }
        }
    }
    out.sort();
    out
}

const K8S_DEPLOYMENT: &str = r#"apiVersion: apps/v1
kind: Deployment
metadata:
  name: NAME
  labels:
    app: NAME
spec:
  replicas: 2
  selector:
    matchLabels:
      app: NAME
  template:
    metadata:
      labels:
        app: NAME
    spec:
      containers:
        - name: NAME
          image: registry.example.com/NAME:1.4.0
          ports:
            - containerPort: 8000
"#;

#[test]
fn python_flask_with_kubernetes() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(root, "requirements.txt", "flask==3.0.3\ngunicorn==22.0.0\n");
    write(
        root,
        "app.py",
        "from flask import Flask, jsonify\n\napp = Flask(__name__)\n\n\n@app.get(\"/orders/<int:order_id>\")\ndef order(order_id):\n    return jsonify(id=order_id)\n",
    );
    write(
        root,
        "Dockerfile",
        "FROM python:3.12-slim\nWORKDIR /app\nCOPY requirements.txt .\nRUN pip install --no-cache-dir -r requirements.txt\nCOPY . .\nEXPOSE 8000\nCMD [\"gunicorn\", \"-b\", \"0.0.0.0:8000\", \"app:app\"]\n",
    );
    // The service is named after its folder: the temp dir's name.
    let service = root.file_name().unwrap().to_string_lossy().to_string();
    write(
        root,
        "deploy/orders.yaml",
        &K8S_DEPLOYMENT.replace("NAME", &service),
    );
    round_trip(root, "python", "flask", &service);
    assert!(read(root, "requirements.txt").contains("ddtrace>=4.0"));
    assert!(read(root, "Dockerfile").contains("CMD [\"ddtrace-run\", \"gunicorn\""));
    let k8s = read(root, "deploy/orders.yaml");
    assert!(k8s.contains("fieldPath: status.hostIP"), "{k8s}");
    assert!(
        k8s.contains("fieldPath: metadata.labels['tags.datadoghq.com/env']"),
        "{k8s}"
    );
    assert_eq!(
        k8s.matches("tags.datadoghq.com/service:").count(),
        2,
        "{k8s}"
    );
}

#[test]
fn go_gin_with_compose() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(
        root,
        "inventory/go.mod",
        "module github.com/acme/inventory\n\ngo 1.23\n\nrequire (\n\tgithub.com/gin-gonic/gin v1.10.0\n)\n",
    );
    write(
        root,
        "inventory/main.go",
        "package main\n\nimport (\n\t\"net/http\"\n\n\t\"github.com/gin-gonic/gin\"\n)\n\nfunc main() {\n\tr := gin.Default()\n\tr.GET(\"/items/:sku\", func(c *gin.Context) {\n\t\tc.JSON(http.StatusOK, gin.H{\"sku\": c.Param(\"sku\")})\n\t})\n\tr.Run(\":8080\")\n}\n",
    );
    write(
        root,
        "inventory/Dockerfile",
        "FROM golang:1.23 AS build\nWORKDIR /src\nCOPY . .\nRUN go build -o /inventory .\n\nFROM gcr.io/distroless/base-debian12\nCOPY --from=build /inventory /inventory\nENTRYPOINT [\"/inventory\"]\n",
    );
    write(
        root,
        "docker-compose.yml",
        "services:\n  inventory:\n    build: ./inventory\n    ports:\n      - \"8080:8080\"\n    environment:\n      - GIN_MODE=release\n  datadog-agent:\n    image: gcr.io/datadoghq/agent:7\n    environment:\n      - DD_APM_ENABLED=true\n      - DD_APM_NON_LOCAL_TRAFFIC=true\n",
    );
    round_trip(root, "go", "gin", "inventory");
    let main = read(root, "inventory/main.go");
    assert!(
        main.contains("\ttracer.Start(tracer.WithService(\"inventory\"))\n\tdefer tracer.Stop()\n"),
        "{main}"
    );
    assert!(
        main.contains("r.Use(gintrace.Middleware(\"inventory\"))"),
        "{main}"
    );
    assert!(
        main.contains("gintrace \"github.com/DataDog/dd-trace-go/contrib/gin-gonic/gin/v2\""),
        "{main}"
    );
    assert!(read(root, "inventory/go.mod").contains("github.com/DataDog/dd-trace-go/v2 v2.0.0"));
    let compose = read(root, "docker-compose.yml");
    assert!(
        compose.contains("      - DD_AGENT_HOST=datadog-agent\n"),
        "{compose}"
    );
    assert!(!compose.contains("DD_LOGS_INJECTION"), "{compose}");
}

#[test]
fn node_express_with_compose_map() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(
        root,
        "web/package.json",
        "{\n  \"name\": \"storefront\",\n  \"version\": \"2.1.0\",\n  \"main\": \"server.js\",\n  \"scripts\": {\n    \"start\": \"node server.js\"\n  },\n  \"dependencies\": {\n    \"express\": \"^4.19.2\"\n  }\n}\n",
    );
    write(
        root,
        "web/server.js",
        "'use strict';\n\nconst express = require('express');\n\nconst app = express();\napp.get('/health', (req, res) => res.json({ ok: true }));\napp.listen(3000);\n",
    );
    write(
        root,
        "web/Dockerfile",
        "FROM node:20-alpine\nWORKDIR /app\nCOPY package*.json ./\nRUN npm ci --omit=dev\nCOPY . .\nUSER node\nCMD [\"node\", \"server.js\"]\n",
    );
    write(
        root,
        "compose.yml",
        "services:\n  storefront:\n    build:\n      context: ./web\n    environment:\n      PORT: \"3000\"\n",
    );
    round_trip(root, "node", "express", "storefront");
    let server = read(root, "web/server.js");
    assert!(
        server.starts_with("'use strict';\nrequire('dd-trace').init();"),
        "{server}"
    );
    let pkg: serde_json::Value = serde_json::from_str(&read(root, "web/package.json")).unwrap();
    assert_eq!(pkg["dependencies"]["dd-trace"], "^5.0.0");
    assert!(read(root, "compose.yml").contains("      DD_SERVICE: \"storefront\"\n"));
}

#[test]
fn java_spring_with_kubernetes() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(
        root,
        "payments/pom.xml",
        "<project>\n  <modelVersion>4.0.0</modelVersion>\n  <groupId>com.acme</groupId>\n  <artifactId>payments</artifactId>\n  <version>1.0.0</version>\n  <dependencies>\n    <dependency>\n      <groupId>org.springframework.boot</groupId>\n      <artifactId>spring-boot-starter-web</artifactId>\n    </dependency>\n  </dependencies>\n</project>\n",
    );
    write(
        root,
        "payments/src/main/java/com/acme/payments/PaymentsApplication.java",
        "package com.acme.payments;\n\nimport org.springframework.boot.SpringApplication;\nimport org.springframework.boot.autoconfigure.SpringBootApplication;\n\n@SpringBootApplication\npublic class PaymentsApplication {\n    public static void main(String[] args) {\n        SpringApplication.run(PaymentsApplication.class, args);\n    }\n}\n",
    );
    write(
        root,
        "payments/Dockerfile",
        "FROM eclipse-temurin:21-jre\nWORKDIR /app\nCOPY target/payments.jar app.jar\nEXPOSE 8080\nENTRYPOINT [\"java\", \"-jar\", \"app.jar\"]\n",
    );
    write(
        root,
        "k8s/payments.yaml",
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: payments\nspec:\n  selector:\n    matchLabels:\n      app: payments\n  template:\n    metadata:\n      labels:\n        app: payments\n    spec:\n      containers:\n      - name: payments\n        image: acme/payments:1.0.0\n        env:\n        - name: SPRING_PROFILES_ACTIVE\n          value: prod\n",
    );
    round_trip(root, "java", "spring", "payments");
    let docker = read(root, "payments/Dockerfile");
    assert!(docker.contains("ADD https://dtdg.co/latest-java-tracer /dd-java-agent.jar\nENV JAVA_TOOL_OPTIONS=\"-javaagent:/dd-java-agent.jar\"\nENTRYPOINT"), "{docker}");
    let k8s = read(root, "k8s/payments.yaml");
    assert!(
        k8s.contains("metadata:\n  labels:\n    tags.datadoghq.com/service: \"payments\""),
        "{k8s}"
    );
    assert!(
        k8s.contains("        env:\n        - name: DD_SERVICE\n"),
        "{k8s}"
    );
}

#[test]
fn ruby_sinatra_with_dockerfile_only() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(
        root,
        "notifier/Gemfile",
        "source 'https://rubygems.org'\n\ngem 'sinatra', '~> 4.0'\ngem 'puma', '~> 6.4'\n",
    );
    write(
        root,
        "notifier/app.rb",
        "require 'sinatra'\nrequire 'json'\n\nget '/health' do\n  content_type :json\n  { ok: true }.to_json\nend\n",
    );
    write(
        root,
        "notifier/config.ru",
        "require_relative 'app'\nrun Sinatra::Application\n",
    );
    write(
        root,
        "notifier/Dockerfile",
        "FROM ruby:3.3-slim\nWORKDIR /app\nCOPY Gemfile* ./\nRUN bundle install\nCOPY . .\nCMD [\"bundle\", \"exec\", \"puma\", \"-p\", \"4567\"]\n",
    );
    round_trip(root, "ruby", "sinatra", "notifier");
    let app = read(root, "notifier/app.rb");
    assert!(app.starts_with("require 'sinatra'\nrequire 'datadog'\n\nDatadog.configure do |c|\n  c.tracing.instrument :sinatra\nend\n"), "{app}");
    let docker = read(root, "notifier/Dockerfile");
    assert!(docker.contains("ENV DD_SERVICE=notifier\n"), "{docker}");
    assert!(
        docker.contains("ARG DD_VERSION=1.0.0\nENV DD_VERSION=${DD_VERSION}\n"),
        "{docker}"
    );
    assert!(read(root, "notifier/Gemfile").contains("gem 'datadog', '~> 2.0'"));
}

#[test]
fn dotnet_aspnetcore_with_dockerfile() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(
        root,
        "Ledger/Ledger.csproj",
        "<Project Sdk=\"Microsoft.NET.Sdk.Web\">\n  <PropertyGroup>\n    <TargetFramework>net8.0</TargetFramework>\n  </PropertyGroup>\n  <ItemGroup>\n    <PackageReference Include=\"Swashbuckle.AspNetCore\" Version=\"6.6.2\" />\n  </ItemGroup>\n</Project>\n",
    );
    write(
        root,
        "Ledger/Program.cs",
        "var builder = WebApplication.CreateBuilder(args);\nvar app = builder.Build();\n\napp.MapGet(\"/entries/{id}\", (int id) => Results.Ok(new { id }));\n\napp.Run();\n",
    );
    write(
        root,
        "Ledger/Dockerfile",
        "FROM mcr.microsoft.com/dotnet/sdk:8.0 AS build\nWORKDIR /src\nCOPY . .\nRUN dotnet publish -c Release -o /out\n\nFROM mcr.microsoft.com/dotnet/aspnet:8.0\nWORKDIR /app\nCOPY --from=build /out .\nENTRYPOINT [\"dotnet\", \"Ledger.dll\"]\n",
    );
    round_trip(root, "dotnet", "aspnetcore", "Ledger");
    let csproj = read(root, "Ledger/Ledger.csproj");
    assert!(
        csproj.contains(
            "    <PackageReference Include=\"Datadog.Trace.Bundle\" Version=\"3.*\" />\n"
        ),
        "{csproj}"
    );
    let docker = read(root, "Ledger/Dockerfile");
    for line in [
        "ENV CORECLR_ENABLE_PROFILING=1",
        "ENV CORECLR_PROFILER={846F5F1C-F9AE-4B07-969E-05C26BC060D8}",
        "ENV CORECLR_PROFILER_PATH=/app/datadog/linux-x64/Datadog.Trace.ClrProfiler.Native.so",
        "ENV DD_DOTNET_TRACER_HOME=/app/datadog",
    ] {
        assert!(docker.contains(line), "{line} missing:\n{docker}");
    }
    // The build stage is left alone.
    assert!(docker.starts_with("FROM mcr.microsoft.com/dotnet/sdk:8.0 AS build\nWORKDIR /src\nCOPY . .\nRUN dotnet publish"));
}

#[test]
fn auto_detects_language_and_framework() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(
        root,
        "svc/requirements.txt",
        "fastapi==0.111.0\nuvicorn==0.30.0\n",
    );
    write(
        root,
        "svc/main.py",
        "\"\"\"Quotes API.\"\"\"\nfrom fastapi import FastAPI\n\napp = FastAPI()\n",
    );
    let out = instrument(root, &["auto", "auto", "--dry-run", "--format", "json"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    // The plan comes first on stderr, the one-line summary after it.
    let plan: serde_json::Value = serde_json::Deserializer::from_slice(&out.stderr)
        .into_iter()
        .next()
        .expect("a JSON plan")
        .unwrap_or_else(|e| panic!("{e}: {}", text(&out)));
    assert_eq!(plan["language"], "python");
    assert_eq!(plan["framework"], "fastapi");
    // No container: `import ddtrace.auto` before the first import, after the docstring.
    let diff = String::from_utf8_lossy(&out.stdout);
    assert!(
        diff.contains(" \"\"\"Quotes API.\"\"\"\n+import ddtrace.auto"),
        "{diff}"
    );
    git_apply_check(root, &out.stdout);
}

#[test]
fn errors_unknown_language_framework_and_several_services() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(root, "a/requirements.txt", "flask\n");
    write(
        root,
        "b/package.json",
        "{\n  \"name\": \"b\",\n  \"dependencies\": {\n    \"express\": \"^4\"\n  }\n}\n",
    );

    let out = instrument(root, &["cobol", "auto"]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(String::from_utf8_lossy(&out.stderr).contains("unknown language `cobol`"));

    let out = instrument(root, &["python", "rocket"]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(String::from_utf8_lossy(&out.stderr).contains("unknown framework `rocket` for python"));

    let out = instrument(root, &["auto", "auto", "--dry-run"]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("holds 2 services") && err.contains("--service"),
        "{err}"
    );
    assert!(
        err.contains("a (python") && err.contains("b (node"),
        "{err}"
    );

    let out = instrument(root, &["auto", "auto", "--service", "zzz"]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no service `zzz`"));

    // The wrong language for the chosen service.
    let out = instrument(root, &["go", "gin", "--service", "a"]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(String::from_utf8_lossy(&out.stderr).contains("is a python service"));

    // --service picks one of several.
    let out = instrument(root, &["node", "express", "--service", "b", "--dry-run"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(String::from_utf8_lossy(&out.stdout).contains("+++ b/b/package.json"));
}

#[test]
fn readme_example_catalog_dry_run() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/monorepo");
    let out = bin()
        .args(["instrument", "php", "slim"])
        .arg(&root)
        .args(["--service", "catalog", "--dry-run"])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let diff = String::from_utf8_lossy(&out.stdout);
    assert!(
        diff.starts_with("--- a/services/catalog/Dockerfile\n"),
        "{diff}"
    );
    assert!(
        diff.contains("php datadog-setup.php --php-bin=all"),
        "{diff}"
    );
    let check = Command::new("git")
        .args(["apply", "--check", "-"])
        .current_dir(&root)
        .stdin(std::process::Stdio::piped())
        .spawn()
        .and_then(|mut c| {
            use std::io::Write;
            c.stdin.take().unwrap().write_all(&out.stdout)?;
            c.wait_with_output()
        })
        .expect("git runs");
    assert!(
        check.status.success(),
        "{}",
        String::from_utf8_lossy(&check.stderr)
    );
}
