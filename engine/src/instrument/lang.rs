//! The language steps: the tracer dependency in the manifest and its start (container command,
//! entry file, initializer, CLR profiler, PHP extension).

use super::deploy::{docker_insert, dockerfile, stage, Stage};
use super::edits::{indent, indent_of};
use super::Ctx;

/// Versions the plan pins (majors Datadog supports; the lock step picks the latest of them).
const DDTRACE_PY: &str = "ddtrace>=4.0";
const DD_TRACE_JS: &str = "^5.0.0";
const DD_TRACE_GO: &str = "v2.0.0";
const DATADOG_RB: &str = "~> 2.0";
const DOTNET_BUNDLE: &str = "3.*";
const DD_TRACE_CPP: &str = "v1.0.0";

pub(crate) fn generate(ctx: &mut Ctx) {
    match ctx.language.as_str() {
        "python" => python(ctx),
        "go" => go(ctx),
        "java" => java(ctx),
        "node" => node(ctx),
        "ruby" => ruby(ctx),
        "dotnet" => dotnet(ctx),
        "php" => php(ctx),
        "cpp" => cpp(ctx),
        _ => {}
    }
}

fn final_stage(ctx: &mut Ctx) -> Option<Stage> {
    let file = dockerfile(ctx)?;
    stage(ctx, &file)
}

/// First line (0-based) whose trimmed text starts with one of `prefixes`.
fn find_line(lines: &[String], prefixes: &[&str]) -> Option<usize> {
    lines
        .iter()
        .position(|l| prefixes.iter().any(|p| l.trim_start().starts_with(p)))
}

// ---------------------------------------------------------------- Python

fn python(ctx: &mut Ctx) {
    if !ctx.has_tracer() {
        python_dependency(ctx);
    }
    if ctx.has_init() {
        return;
    }
    // ddtrace-run in front of the container's command, else `import ddtrace.auto` in the entry
    // module.
    if let Some(st) = final_stage(ctx) {
        if let Some((line, text)) = st.start.clone() {
            let pairs = [
                ("ENTRYPOINT [", "ENTRYPOINT [\"ddtrace-run\", "),
                ("CMD [", "CMD [\"ddtrace-run\", "),
                ("ENTRYPOINT ", "ENTRYPOINT ddtrace-run "),
                ("CMD ", "CMD ddtrace-run "),
            ];
            if let Some((find, rep)) = pairs.iter().find(|(f, _)| text.trim_start().starts_with(f))
            {
                let new = text.replacen(find, rep, 1);
                let e = ctx.files.replace(&st.file, line, &text, &new);
                ctx.push(e, false, "start the process with ddtrace-run");
                return;
            }
        }
    }
    let Some(entry) = python_entry(ctx) else {
        ctx.manual.push("no container command and no entry module found: start the service with `ddtrace-run <command>` or put `import ddtrace.auto` first in its entry module".into());
        return;
    };
    let Some(lines) = ctx.files.lines(&entry) else {
        return;
    };
    // Before the first import (after the shebang, encoding line and module docstring).
    let at = find_line(&lines, &["import ", "from "]).unwrap_or(0);
    let e = ctx.files.insert(
        &entry,
        at + 1,
        "import ddtrace.auto  # Datadog APM: must stay the first import",
    );
    ctx.push(
        e,
        false,
        "import ddtrace.auto first (no container command to prefix with ddtrace-run)",
    );
}

fn python_entry(ctx: &mut Ctx) -> Option<String> {
    let files = ctx.files.find(&ctx.svc.root, &[".py"], 3);
    let markers: &[&str] = match ctx.framework.as_str() {
        "flask" => &["Flask(__name__"],
        "fastapi" => &["FastAPI("],
        "django" => &[
            "get_wsgi_application",
            "get_asgi_application",
            "execute_from_command_line",
        ],
        _ => &["if __name__ == \"__main__\"", "if __name__ == '__main__'"],
    };
    for f in &files {
        if let Some(lines) = ctx.files.lines(f) {
            if lines.iter().any(|l| markers.iter().any(|m| l.contains(m))) {
                return Some(f.clone());
            }
        }
    }
    [
        "main.py",
        "app.py",
        "wsgi.py",
        "asgi.py",
        "manage.py",
        "server.py",
    ]
    .iter()
    .map(|n| ctx.path(n))
    .find(|p| files.contains(p))
}

fn python_dependency(ctx: &mut Ctx) {
    if let Some(m) = ctx.manifest("requirements.txt").map(|m| m.file.clone()) {
        if let Some(e) = ctx.files.append(&m, DDTRACE_PY) {
            ctx.push(e, false, format!("dependency {DDTRACE_PY}"));
        }
        return;
    }
    if let Some(m) = ctx.manifest("pyproject.toml").map(|m| m.file.clone()) {
        let Some(lines) = ctx.files.lines(&m) else {
            return;
        };
        if let Some(i) = find_line(&lines, &["[tool.poetry.dependencies]"]) {
            let e = ctx.files.insert(&m, i + 2, "ddtrace = \">=4.0\"");
            ctx.push(e, false, "dependency ddtrace (Poetry)");
            return;
        }
        if let Some(i) = find_line(&lines, &["dependencies = ["]) {
            let line = &lines[i];
            if line.trim_end().ends_with('[') {
                let ind = lines
                    .get(i + 1)
                    .map_or("    ".to_string(), |l| indent_of(l).to_string());
                let e = ctx
                    .files
                    .insert(&m, i + 2, &format!("{ind}\"{DDTRACE_PY}\","));
                ctx.push(e, false, format!("dependency {DDTRACE_PY}"));
            } else {
                let new = line
                    .replacen(
                        "dependencies = [",
                        &format!("dependencies = [\"{DDTRACE_PY}\", "),
                        1,
                    )
                    .replace(", ]", "]");
                let e = ctx.files.replace(&m, i + 1, line, &new);
                ctx.push(e, false, format!("dependency {DDTRACE_PY}"));
            }
            return;
        }
    }
    if let Some(m) = ctx.manifest("Pipfile").map(|m| m.file.clone()) {
        let Some(lines) = ctx.files.lines(&m) else {
            return;
        };
        if let Some(i) = find_line(&lines, &["[packages]"]) {
            let e = ctx.files.insert(&m, i + 2, "ddtrace = \">=4.0\"");
            ctx.push(e, false, "dependency ddtrace (Pipfile)");
            return;
        }
    }
    ctx.manual
        .push(format!("add `{DDTRACE_PY}` to the service's dependencies"));
}

// ---------------------------------------------------------------- Go

fn go(ctx: &mut Ctx) {
    let contrib: Option<(&str, &str, &str)> = match ctx.framework.as_str() {
        "gin" => Some(("gintrace", "gin-gonic/gin", "gin")),
        "echo" => Some(("echotrace", "labstack/echo.v4", "echo")),
        "chi" => Some(("chitrace", "go-chi/chi.v5", "chi")),
        "net-http" => Some(("httptrace", "net/http", "net/http")),
        _ => None,
    };
    // go.mod requirements.
    if let Some(gomod) = ctx.manifest("go.mod").map(|m| m.file.clone()) {
        let lines = ctx.files.lines(&gomod).unwrap_or_default();
        let mut reqs = Vec::new();
        if !lines
            .iter()
            .any(|l| l.contains("github.com/DataDog/dd-trace-go/v2 "))
        {
            reqs.push(format!("github.com/DataDog/dd-trace-go/v2 {DD_TRACE_GO}"));
        }
        if let Some((_, path, _)) = contrib {
            let module = format!("github.com/DataDog/dd-trace-go/contrib/{path}/v2");
            if !lines.iter().any(|l| l.contains(&format!("{module} "))) {
                reqs.push(format!("{module} {DD_TRACE_GO}"));
            }
        }
        if !reqs.is_empty() {
            let what = format!(
                "require {}",
                reqs.iter()
                    .map(|r| r.split(' ').next().unwrap_or(""))
                    .collect::<Vec<_>>()
                    .join(", ")
            );
            let block = lines
                .iter()
                .position(|l| l.trim_start().starts_with("require ("));
            let close = block.and_then(|b| {
                lines[b..]
                    .iter()
                    .position(|l| l.trim() == ")")
                    .map(|c| c + b)
            });
            let edit = match close {
                Some(c) => Some(
                    ctx.files
                        .insert(&gomod, c + 1, &indent(&reqs.join("\n"), "\t")),
                ),
                None => ctx.files.append(
                    &gomod,
                    &format!("\nrequire (\n{}\n)", indent(&reqs.join("\n"), "\t")),
                ),
            };
            if let Some(e) = edit {
                ctx.push(e, false, what);
            }
        }
    } else {
        ctx.manual.push("add github.com/DataDog/dd-trace-go/v2 to the module (`go get github.com/DataDog/dd-trace-go/v2`)".into());
    }
    // tracer.Start / defer tracer.Stop first in main().
    let files = ctx.files.find(&ctx.svc.root, &[".go"], 3);
    let mut main_file = None;
    for f in files.iter().filter(|f| !f.ends_with("_test.go")) {
        let Some(lines) = ctx.files.lines(f) else {
            continue;
        };
        if lines.iter().any(|l| l.trim() == "package main") {
            if let Some(i) = lines.iter().position(|l| l.starts_with("func main()")) {
                main_file = Some((f.clone(), i, lines));
                break;
            }
        }
    }
    let Some((main, main_line, lines)) = main_file else {
        ctx.manual.push("no `func main()` found: call tracer.Start(...) and defer tracer.Stop() at the top of main".into());
        return;
    };
    let tracer_import = "\"github.com/DataDog/dd-trace-go/v2/ddtrace/tracer\"";
    if !ctx.has_init() {
        let start = format!(
            "tracer.Start(tracer.WithService(\"{}\"))\ndefer tracer.Stop()",
            ctx.name
        );
        let ind = lines
            .iter()
            .skip(main_line + 1)
            .find(|l| !l.trim().is_empty())
            .map(|l| indent_of(l).to_string())
            .filter(|i| !i.is_empty())
            .unwrap_or_else(|| "\t".into());
        go_import(ctx, &main, tracer_import);
        let e = ctx
            .files
            .insert(&main, main_line + 2, &indent(&start, &ind));
        ctx.push(
            e,
            false,
            "tracer.Start(...) and defer tracer.Stop() first in main()",
        );
    }
    // The framework's middleware where the router is created.
    let Some((alias, path, fw)) = contrib else {
        return;
    };
    let import = format!("{alias} \"github.com/DataDog/dd-trace-go/contrib/{path}/v2\"");
    let dir = main
        .rsplit_once('/')
        .map_or(".".to_string(), |(d, _)| d.to_string());
    let candidates: Vec<String> = std::iter::once(main.clone())
        .chain(
            files
                .iter()
                .filter(|f| {
                    f.rsplit_once('/').map_or(".", |(d, _)| d) == dir
                        && **f != main
                        && !f.ends_with("_test.go")
                })
                .cloned(),
        )
        .collect();
    let creators: &[&str] = match fw {
        "gin" => &["gin.Default()", "gin.New()"],
        "echo" => &["echo.New()"],
        "chi" => &["chi.NewRouter()", "chi.NewMux()"],
        _ => &["http.NewServeMux()"],
    };
    for f in candidates {
        let Some(lines) = ctx.files.lines(&f) else {
            continue;
        };
        if lines.iter().any(|l| l.contains(&format!("{alias}."))) {
            ctx.note_existing(format!("{fw} middleware already in {f}"));
            return;
        }
        let Some(i) = lines.iter().position(|l| {
            creators.iter().any(|c| l.contains(c)) && l.contains(":=")
                || creators.iter().any(|c| l.contains(c)) && l.contains(" = ")
        }) else {
            continue;
        };
        let line = &lines[i];
        let var = line
            .split(":=")
            .next()
            .unwrap_or("")
            .split(" = ")
            .next()
            .unwrap_or("")
            .trim()
            .trim_start_matches("var ")
            .to_string();
        let ind = indent_of(line).to_string();
        let name = ctx.name.clone();
        go_import(ctx, &f, &import);
        if fw == "net/http" {
            let new = line.replacen(
                "http.NewServeMux()",
                &format!("httptrace.NewServeMux(httptrace.WithService(\"{name}\"))"),
                1,
            );
            let e = ctx.files.replace(&f, i + 1, line, &new);
            ctx.push(e, false, "traced ServeMux (httptrace.NewServeMux)");
        } else {
            let call = match fw {
                "gin" => format!("{var}.Use(gintrace.Middleware(\"{name}\"))"),
                "echo" => {
                    format!("{var}.Use(echotrace.Middleware(echotrace.WithService(\"{name}\")))")
                }
                _ => format!("{var}.Use(chitrace.Middleware(chitrace.WithService(\"{name}\")))"),
            };
            let e = ctx.files.insert(&f, i + 2, &format!("{ind}{call}"));
            ctx.push(e, false, format!("{fw} tracing middleware on `{var}`"));
        }
        return;
    }
    ctx.manual.push(format!("no {fw} router creation ({}) found: add the {alias} middleware where the router is created", creators.join(" / ")));
}

fn go_import(ctx: &mut Ctx, file: &str, spec: &str) {
    let _ = ctx.files.lines(file);
    if let Some(e) = crate::fix::go_import_edit(file, spec, ctx.files.text(file)) {
        ctx.push(e, false, format!("import {spec}"));
    }
}

// ---------------------------------------------------------------- Java

fn java(ctx: &mut Ctx) {
    if ctx.has_init() {
        return;
    }
    let Some(st) = final_stage(ctx) else {
        ctx.manual.push("no Dockerfile found: download dd-java-agent.jar (https://dtdg.co/latest-java-tracer) and add `-javaagent:/path/to/dd-java-agent.jar` to the java command".into());
        return;
    };
    if st.lines.iter().any(|l| l.contains("JAVA_TOOL_OPTIONS")) {
        ctx.manual.push(format!(
            "{}: JAVA_TOOL_OPTIONS is set already: add `-javaagent:/dd-java-agent.jar` to it",
            st.file
        ));
        return;
    }
    let add = if st.has_user {
        "ADD --chmod=644 https://dtdg.co/latest-java-tracer /dd-java-agent.jar"
    } else {
        "ADD https://dtdg.co/latest-java-tracer /dd-java-agent.jar"
    };
    let text = format!("{add}\nENV JAVA_TOOL_OPTIONS=\"-javaagent:/dd-java-agent.jar\"");
    docker_insert(
        ctx,
        &st,
        &text,
        "download dd-java-agent.jar and load it with JAVA_TOOL_OPTIONS",
    );
}

// ---------------------------------------------------------------- Node

fn node(ctx: &mut Ctx) {
    let Some(pkg) = ctx.manifest("package.json").map(|m| m.file.clone()) else {
        ctx.manual
            .push("no package.json: add dd-trace to the dependencies".into());
        return;
    };
    let Some(lines) = ctx.files.lines(&pkg) else {
        return;
    };
    if !ctx.has_tracer() {
        match find_line(&lines, &["\"dependencies\""]) {
            Some(i) if lines[i].trim_end().ends_with('{') => {
                let next = lines.get(i + 1).map(String::as_str).unwrap_or("}");
                let (ind, comma) = if next.trim_start().starts_with('}') {
                    (format!("{}  ", indent_of(&lines[i])), "")
                } else {
                    (indent_of(next).to_string(), ",")
                };
                let e = ctx.files.insert(
                    &pkg,
                    i + 2,
                    &format!("{ind}\"dd-trace\": \"{DD_TRACE_JS}\"{comma}"),
                );
                ctx.push(e, false, format!("dependency dd-trace {DD_TRACE_JS}"));
            }
            _ => ctx.manual.push(format!(
                "{pkg}: add \"dd-trace\": \"{DD_TRACE_JS}\" to the dependencies"
            )),
        }
    }
    if ctx.has_init() {
        return;
    }
    let json: serde_json::Value = serde_json::from_str(&lines.join("\n")).unwrap_or_default();
    let esm = json.get("type").and_then(|t| t.as_str()) == Some("module");
    let mut entry = json
        .get("main")
        .and_then(|m| m.as_str())
        .map(str::to_string);
    let start = json
        .pointer("/scripts/start")
        .and_then(|s| s.as_str())
        .map(str::to_string);
    if let Some(s) = &start {
        if let Some(file) = s
            .split_whitespace()
            .skip_while(|w| *w != "node" && *w != "ts-node" && *w != "nodemon")
            .nth(1)
        {
            if !file.starts_with('-') {
                entry = Some(file.to_string());
            }
        }
    }
    let mut candidates: Vec<String> = Vec::new();
    if let Some(e) = &entry {
        let e = e.trim_start_matches("./");
        candidates.push(ctx.path(e));
        // A compiled entry (dist/main.js): its TypeScript source.
        if let Some(stem) = e.strip_suffix(".js") {
            for dir in ["dist/", "build/", "lib/"] {
                if let Some(rest) = stem.strip_prefix(dir) {
                    candidates.push(ctx.path(&format!("src/{rest}.ts")));
                }
            }
        }
    }
    for n in [
        "index.js",
        "server.js",
        "app.js",
        "src/index.js",
        "src/server.js",
        "src/main.ts",
        "src/index.ts",
    ] {
        candidates.push(ctx.path(n));
    }
    let found = candidates
        .into_iter()
        .find(|c| ctx.files.exists(c) && ctx.files.lines(c).is_some());
    let Some(file) = found else {
        if let Some(i) = lines
            .iter()
            .position(|l| l.contains("\"start\"") && l.contains("node "))
        {
            let new = lines[i].replacen("node ", "node --require dd-trace/init ", 1);
            let e = ctx.files.replace(&pkg, i + 1, &lines[i].clone(), &new);
            ctx.push(
                e,
                false,
                "preload dd-trace in the start script (no entry file found)",
            );
        } else {
            ctx.manual.push("no entry file found: load `require('dd-trace').init()` before anything else, or run `node --require dd-trace/init`".into());
        }
        return;
    };
    let src = ctx.files.lines(&file).unwrap_or_default();
    let module = esm
        || file.ends_with(".mjs")
        || file.ends_with(".ts")
        || src
            .iter()
            .any(|l| l.starts_with("import ") || l.starts_with("export "));
    let stmt = if module {
        "import 'dd-trace/init'; // Datadog APM: must stay the first import"
    } else {
        "require('dd-trace').init(); // Datadog APM: must stay the first statement"
    };
    // After a shebang or a 'use strict' directive.
    let mut at = 0;
    while at < src.len() {
        let t = src[at].trim();
        if t.starts_with("#!")
            || t == "'use strict';"
            || t == "\"use strict\";"
            || t == "'use strict'"
            || t == "\"use strict\""
        {
            at += 1;
        } else {
            break;
        }
    }
    let e = ctx.files.insert(&file, at + 1, stmt);
    ctx.push(e, false, "load dd-trace first");
}

// ---------------------------------------------------------------- Ruby

fn ruby(ctx: &mut Ctx) {
    if !ctx.has_tracer() {
        match ctx.manifest("Gemfile").map(|m| m.file.clone()) {
            Some(g) => {
                if let Some(e) = ctx
                    .files
                    .append(&g, &format!("gem 'datadog', '{DATADOG_RB}'"))
                {
                    ctx.push(e, false, "gem 'datadog'");
                }
                if ctx.svc.manifests.iter().any(|m| m.kind == "Gemfile.lock") {
                    ctx.manual
                        .push("run `bundle install` to add the datadog gem to Gemfile.lock".into());
                }
            }
            None => ctx.manual.push("add `gem 'datadog'` to the Gemfile".into()),
        }
    }
    if ctx.has_init() {
        return;
    }
    let rails = ctx.framework == "rails" || ctx.files.exists(&ctx.path("config/application.rb"));
    if rails {
        let path = ctx.path("config/initializers/datadog.rb");
        let text = "# Datadog APM: service, env and version come from DD_SERVICE, DD_ENV and DD_VERSION.\nrequire 'datadog'\n\nDatadog.configure do |c|\n  c.tracing.instrument :rails\nend\n";
        match ctx.files.create(&path, text) {
            Some(e) => ctx.push(e, true, "Datadog.configure with the Rails integration"),
            None => ctx.manual.push(format!("{path} exists: configure Datadog there (`Datadog.configure {{ |c| c.tracing.instrument :rails }}`)")),
        }
        return;
    }
    let integration = if ctx.framework == "sinatra" {
        "sinatra"
    } else {
        ""
    };
    let files = ctx.files.find(&ctx.svc.root, &[".rb", ".ru"], 2);
    let mut preferred: Vec<String> = ["config.ru", "app.rb", "server.rb", "main.rb"]
        .iter()
        .map(|n| ctx.path(n))
        .collect();
    preferred.retain(|p| files.contains(p));
    let mut target = None;
    for f in preferred.iter().chain(files.iter()) {
        let Some(lines) = ctx.files.lines(f) else {
            continue;
        };
        if let Some(i) = lines.iter().rposition(|l| {
            l.trim_start().starts_with("require 'sinatra")
                || l.trim_start().starts_with("require \"sinatra")
        }) {
            target = Some((f.clone(), i));
            break;
        }
    }
    let Some((file, i)) = target else {
        ctx.manual.push("no entry file requiring sinatra found: `require 'datadog'` and call `Datadog.configure { |c| c.tracing.instrument :<framework> }` at start-up".into());
        return;
    };
    let block = if integration.is_empty() {
        "require 'datadog'\n\nDatadog.configure do |c|\n  c.tracing.enabled = true\nend".to_string()
    } else {
        format!("require 'datadog'\n\nDatadog.configure do |c|\n  c.tracing.instrument :{integration}\nend")
    };
    let e = ctx.files.insert(&file, i + 2, &block);
    ctx.push(e, false, "Datadog.configure with the Sinatra integration");
}

// ---------------------------------------------------------------- .NET

fn dotnet(ctx: &mut Ctx) {
    if !ctx.has_tracer() {
        match ctx.manifest("csproj").map(|m| m.file.clone()) {
            Some(p) => {
                let lines = ctx.files.lines(&p).unwrap_or_default();
                let reference = format!("<PackageReference Include=\"Datadog.Trace.Bundle\" Version=\"{DOTNET_BUNDLE}\" />");
                let edit =
                    if let Some(i) = lines.iter().position(|l| l.contains("<PackageReference")) {
                        Some(ctx.files.insert(
                            &p,
                            i + 1,
                            &format!("{}{reference}", indent_of(&lines[i])),
                        ))
                    } else if let Some(i) = lines.iter().rposition(|l| l.trim() == "</Project>") {
                        Some(ctx.files.insert(
                            &p,
                            i + 1,
                            &format!("  <ItemGroup>\n    {reference}\n  </ItemGroup>"),
                        ))
                    } else {
                        None
                    };
                match edit {
                    Some(e) => ctx.push(e, false, "PackageReference Datadog.Trace.Bundle"),
                    None => ctx.manual.push(format!("{p}: add {reference}")),
                }
            }
            None => ctx
                .manual
                .push("add the Datadog.Trace.Bundle package to the project".into()),
        }
    }
    if ctx.has_init() {
        return;
    }
    let Some(st) = final_stage(ctx) else {
        ctx.manual.push("no Dockerfile found: set CORECLR_ENABLE_PROFILING=1, CORECLR_PROFILER={846F5F1C-F9AE-4B07-969E-05C26BC060D8}, CORECLR_PROFILER_PATH=<app>/datadog/linux-x64/Datadog.Trace.ClrProfiler.Native.so and DD_DOTNET_TRACER_HOME=<app>/datadog where the service runs".into());
        return;
    };
    let home = format!(
        "{}/datadog",
        st.workdir
            .clone()
            .unwrap_or_else(|| "/app".into())
            .trim_end_matches('/')
    );
    let rid = if st.image.contains("alpine") {
        "linux-musl-x64"
    } else {
        "linux-x64"
    };
    let text = format!(
        "ENV CORECLR_ENABLE_PROFILING=1\nENV CORECLR_PROFILER={{846F5F1C-F9AE-4B07-969E-05C26BC060D8}}\nENV CORECLR_PROFILER_PATH={home}/{rid}/Datadog.Trace.ClrProfiler.Native.so\nENV DD_DOTNET_TRACER_HOME={home}"
    );
    docker_insert(
        ctx,
        &st,
        &text,
        "CLR profiler settings for Datadog.Trace.Bundle",
    );
    ctx.manual.push(format!(
        "the profiler path assumes the app is published to {} ({rid}); on arm64 use linux-arm64",
        st.workdir.clone().unwrap_or_else(|| "/app".into())
    ));
}

// ---------------------------------------------------------------- PHP

fn php(ctx: &mut Ctx) {
    if ctx.has_init()
        || ctx.has_tracer()
            && ctx
                .summary
                .and_then(|s| s.tracer.as_ref())
                .is_some_and(|t| t.declared_in.contains("Dockerfile"))
    {
        return;
    }
    let Some(st) = final_stage(ctx) else {
        ctx.manual.push("no Dockerfile found: install the extension with `curl -LO https://github.com/DataDog/dd-trace-php/releases/latest/download/datadog-setup.php && php datadog-setup.php --php-bin=all`".into());
        return;
    };
    let alpine = if st.image.contains("alpine") {
        "apk add --no-cache libgcc \\\n    && "
    } else {
        ""
    };
    let text = format!(
        "RUN {alpine}curl -LO https://github.com/DataDog/dd-trace-php/releases/latest/download/datadog-setup.php \\\n    && php datadog-setup.php --php-bin=all \\\n    && rm datadog-setup.php"
    );
    docker_insert(
        ctx,
        &st,
        &text,
        "install the ddtrace extension with datadog-setup.php",
    );
}

// ---------------------------------------------------------------- C++

fn cpp(ctx: &mut Ctx) {
    if !ctx.has_tracer() {
        match ctx.manifest("CMakeLists.txt").map(|m| m.file.clone()) {
            Some(cm) => {
                let lines = ctx.files.lines(&cm).unwrap_or_default();
                let target = lines
                    .iter()
                    .find_map(|l| l.trim_start().strip_prefix("add_executable("))
                    .and_then(|r| r.split([' ', ')']).next())
                    .map(str::to_string);
                let mut text = format!(
                    "\n# Datadog APM tracer\ninclude(FetchContent)\nFetchContent_Declare(\n  dd-trace-cpp\n  GIT_REPOSITORY https://github.com/DataDog/dd-trace-cpp\n  GIT_TAG        {DD_TRACE_CPP}\n  GIT_SHALLOW    ON\n)\nFetchContent_MakeAvailable(dd-trace-cpp)"
                );
                match &target {
                    Some(t) => text.push_str(&format!(
                        "\ntarget_link_libraries({t} PRIVATE dd_trace::static)"
                    )),
                    None => ctx
                        .manual
                        .push("link your executable with dd_trace::static".into()),
                }
                if let Some(e) = ctx.files.append(&cm, &text) {
                    ctx.push(
                        e,
                        false,
                        "dd-trace-cpp with FetchContent, linked statically",
                    );
                }
                if ctx
                    .svc
                    .manifests
                    .iter()
                    .any(|m| m.kind == "vcpkg.json" || m.kind == "conanfile.txt")
                {
                    ctx.manual.push("the project uses vcpkg/conan: dd-trace-cpp is fetched by CMake instead (move it to your package manager if it provides it)".into());
                }
            }
            None => ctx.manual.push(
                "add dd-trace-cpp (https://github.com/DataDog/dd-trace-cpp) to the build".into(),
            ),
        }
    }
    if ctx.has_init() {
        return;
    }
    let files = ctx.files.find(&ctx.svc.root, &[".cpp", ".cc", ".cxx"], 3);
    for f in files {
        let Some(lines) = ctx.files.lines(&f) else {
            continue;
        };
        let Some(m) = lines.iter().position(|l| l.starts_with("int main(")) else {
            continue;
        };
        let Some(open) = (m..lines.len().min(m + 4)).find(|&i| lines[i].trim_end().ends_with('{'))
        else {
            continue;
        };
        let ind = lines
            .iter()
            .skip(open + 1)
            .find(|l| !l.trim().is_empty())
            .map(|l| indent_of(l).to_string())
            .filter(|i| !i.is_empty())
            .unwrap_or_else(|| "  ".into());
        let mut includes = Vec::new();
        for h in [
            "<datadog/tracer.h>",
            "<datadog/tracer_config.h>",
            "<iostream>",
        ] {
            if !lines.iter().any(|l| l.contains(h)) {
                includes.push(format!("#include {h}"));
            }
        }
        if !includes.is_empty() {
            let at = lines
                .iter()
                .rposition(|l| l.starts_with("#include"))
                .map_or(1, |i| i + 2);
            let e = ctx.files.insert(&f, at, &includes.join("\n"));
            ctx.push(e, false, "dd-trace-cpp headers");
        }
        let init = format!(
            "// Datadog APM: service, env and version also come from DD_SERVICE, DD_ENV and DD_VERSION.\ndatadog::tracing::TracerConfig dd_config;\ndd_config.service = \"{}\";\nconst auto dd_validated = datadog::tracing::finalize_config(dd_config);\nif (!dd_validated) {{\n  std::cerr << dd_validated.error() << '\\n';\n  return 1;\n}}\ndatadog::tracing::Tracer dd_tracer{{*dd_validated}};",
            ctx.name
        );
        let e = ctx.files.insert(&f, open + 2, &indent(&init, &ind));
        ctx.push(e, false, "create the tracer first in main()");
        if ctx.framework == "cpp-httplib" {
            ctx.manual.push("cpp-httplib has no automatic integration: open a span per request in the handlers (dd_tracer.create_span / extract_or_create_span with the request headers)".into());
        }
        return;
    }
    ctx.manual.push("no `int main(` found: create the tracer at start-up (finalize_config + datadog::tracing::Tracer)".into());
}
