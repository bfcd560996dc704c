//! CMake's `CMakeLists.txt`: `project()` name and the ways a C++ tracer is pulled in:
//! `find_package`, `FetchContent_Declare`, `ExternalProject_Add`, tracing libraries in
//! `target_link_libraries`, and `add_subdirectory` of a tracer checkout.

use crate::model::{Dependency, Manifest};

use super::new_manifest;

/// One command invocation: name, arguments (unquoted) and the line it starts on.
struct Command {
    name: String,
    args: Vec<String>,
    line: usize,
}

/// Parse a `CMakeLists.txt`.
pub(crate) fn parse(file: &str, text: &str) -> Manifest {
    let mut m = new_manifest("CMakeLists.txt", "cpp", file);
    let push = |m: &mut Manifest, name: &str, version: Option<&str>, line: usize| {
        m.dependencies.push(Dependency {
            name: name.to_string(),
            version: version.map(str::to_string),
            file: file.to_string(),
            line,
        });
    };
    for cmd in commands(text) {
        let first = cmd.args.first().map(String::as_str);
        match cmd.name.to_ascii_lowercase().as_str() {
            "project" if m.name.is_none() => {
                m.name = first.map(str::to_string);
            }
            "find_package" => {
                if let Some(name) = first {
                    let version = cmd
                        .args
                        .get(1)
                        .map(String::as_str)
                        .filter(|v| v.starts_with(|c: char| c.is_ascii_digit()));
                    push(&mut m, name, version, cmd.line);
                }
            }
            "fetchcontent_declare" | "externalproject_add" | "cpmaddpackage" => {
                if let Some(name) = first {
                    let version = keyword_value(&cmd.args, "GIT_TAG")
                        .or_else(|| keyword_value(&cmd.args, "VERSION"));
                    let name = if name == "NAME" {
                        keyword_value(&cmd.args, "NAME").unwrap_or(name)
                    } else {
                        name
                    };
                    push(&mut m, name, version, cmd.line);
                }
            }
            "target_link_libraries" => {
                for lib in cmd.args.iter().skip(1) {
                    if is_tracing_lib(lib) {
                        push(&mut m, lib, None, cmd.line);
                    }
                }
            }
            "add_subdirectory" => {
                if let Some(dir) = first {
                    let last = dir.trim_end_matches('/').rsplit('/').next().unwrap_or(dir);
                    if is_tracing_lib(last) {
                        push(&mut m, last, None, cmd.line);
                    }
                }
            }
            _ => {}
        }
    }
    m
}

/// The argument after a keyword (`GIT_TAG v0.2.1`).
fn keyword_value<'a>(args: &'a [String], keyword: &str) -> Option<&'a str> {
    let i = args.iter().position(|a| a == keyword)?;
    args.get(i + 1).map(String::as_str)
}

/// Whether a library or directory name is a Datadog / OpenTracing / OpenTelemetry tracer.
fn is_tracing_lib(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    [
        "dd-trace",
        "dd_trace",
        "ddtrace",
        "opentracing",
        "datadog",
        "opentelemetry",
    ]
    .iter()
    .any(|p| lower.contains(p))
}

/// Split a CMake script into command invocations.
fn commands(text: &str) -> Vec<Command> {
    let chars: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    let mut line = 1;
    while i < chars.len() {
        let c = chars[i];
        if c == '\n' {
            line += 1;
            i += 1;
        } else if c == '#' {
            i = skip_comment(&chars, i, &mut line);
        } else if c.is_alphabetic() || c == '_' {
            let start = i;
            while i < chars.len() && (chars[i].is_alphanumeric() || chars[i] == '_') {
                i += 1;
            }
            let name: String = chars[start..i].iter().collect();
            let cmd_line = line;
            while i < chars.len() && (chars[i] == ' ' || chars[i] == '\t') {
                i += 1;
            }
            if chars.get(i) == Some(&'(') {
                let (args, next) = arguments(&chars, i + 1, &mut line);
                i = next;
                out.push(Command {
                    name,
                    args,
                    line: cmd_line,
                });
            }
        } else {
            i += 1;
        }
    }
    out
}

/// Skip a `#` line comment or a `#[[ ]]` bracket comment; returns the next index.
fn skip_comment(chars: &[char], mut i: usize, line: &mut usize) -> usize {
    if chars.get(i + 1) == Some(&'[') {
        if let Some(next) = skip_bracket(chars, i + 1, line) {
            return next;
        }
    }
    while i < chars.len() && chars[i] != '\n' {
        i += 1;
    }
    i
}

/// Skip a bracket argument `[==[ ... ]==]` starting at `i`; `None` if it is not one.
fn skip_bracket(chars: &[char], i: usize, line: &mut usize) -> Option<usize> {
    let mut j = i + 1;
    let mut level = 0;
    while chars.get(j) == Some(&'=') {
        level += 1;
        j += 1;
    }
    if chars.get(j) != Some(&'[') {
        return None;
    }
    j += 1;
    while j < chars.len() {
        if chars[j] == '\n' {
            *line += 1;
        }
        if chars[j] == ']' {
            let mut k = j + 1;
            let mut eq = 0;
            while chars.get(k) == Some(&'=') {
                eq += 1;
                k += 1;
            }
            if eq == level && chars.get(k) == Some(&']') {
                return Some(k + 1);
            }
        }
        j += 1;
    }
    Some(j)
}

/// Read arguments up to the matching `)`; returns them and the index after it.
fn arguments(chars: &[char], mut i: usize, line: &mut usize) -> (Vec<String>, usize) {
    let mut args = Vec::new();
    let mut current = String::new();
    let mut depth = 0usize;
    let flush = |current: &mut String, args: &mut Vec<String>| {
        if !current.is_empty() {
            args.push(std::mem::take(current));
        }
    };
    while i < chars.len() {
        let c = chars[i];
        match c {
            '\n' => {
                *line += 1;
                flush(&mut current, &mut args);
            }
            ' ' | '\t' | '\r' => flush(&mut current, &mut args),
            '#' => {
                flush(&mut current, &mut args);
                i = skip_comment(chars, i, line);
                continue;
            }
            '"' => {
                i += 1;
                while i < chars.len() && chars[i] != '"' {
                    if chars[i] == '\\' && i + 1 < chars.len() {
                        i += 1;
                    }
                    if chars[i] == '\n' {
                        *line += 1;
                    }
                    current.push(chars[i]);
                    i += 1;
                }
                args.push(std::mem::take(&mut current));
            }
            '(' => {
                depth += 1;
                current.push(c);
            }
            ')' => {
                if depth == 0 {
                    flush(&mut current, &mut args);
                    return (args, i + 1);
                }
                depth -= 1;
                current.push(c);
            }
            _ => current.push(c),
        }
        i += 1;
    }
    flush(&mut current, &mut args);
    (args, i)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cmake() {
        let text = r#"cmake_minimum_required(VERSION 3.24)
project(order_service VERSION 1.0 LANGUAGES CXX)

# find_package(Ignored)
find_package(dd-trace-cpp 0.2 REQUIRED)
include(FetchContent)
FetchContent_Declare(
  dd-trace-cpp
  GIT_REPOSITORY https://github.com/DataDog/dd-trace-cpp
  GIT_TAG        v0.2.1
)
add_subdirectory(third_party/dd-opentracing-cpp)
add_executable(server "src/main.cpp")
target_link_libraries(server PRIVATE
    dd_trace_cpp-static # tracer
    fmt::fmt)
"#;
        let m = parse("svc/CMakeLists.txt", text);
        assert_eq!(m.name.as_deref(), Some("order_service"));
        assert_eq!(m.language, "cpp");
        let got: Vec<(&str, Option<&str>, usize)> = m
            .dependencies
            .iter()
            .map(|d| (d.name.as_str(), d.version.as_deref(), d.line))
            .collect();
        assert_eq!(
            got,
            vec![
                ("dd-trace-cpp", Some("0.2"), 5),
                ("dd-trace-cpp", Some("v0.2.1"), 7),
                ("dd-opentracing-cpp", None, 12),
                ("dd_trace_cpp-static", None, 14),
            ]
        );
    }

    #[test]
    fn unterminated() {
        let m = parse("CMakeLists.txt", "project(\"x\nfind_package(");
        assert!(m.dependencies.is_empty());
        let _ = parse("CMakeLists.txt", "#[==[ never closed\n(((");
    }
}
