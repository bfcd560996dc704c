//! The API that apm-doctor rule scripts see.
//!
//! [`register`] installs native functions into a Rhai engine; [`HELPER_MODULES`] are shared
//! `.rhai` helpers made available to every rule as global functions. Rules see facts (maps and
//! arrays built by the engine), never the file system or the network.
//!
//! | function | returns |
//! |---|---|
//! | `finding(message, at)` | a finding at `at.file`/`at.line` (`at` is any fact with a location) |
//! | `finding(map)` | a finding from `#{message, file, line, column?, service?, severity?, fix?}` |
//! | `with_fix(finding, description)` / `with_fix(finding, description, snippet)` | the finding with a fix |
//! | `fact(kind, map)` | a fact the engine files under the service's `facts[kind]` |
//! | `version_cmp(a, b)` | -1, 0 or 1 comparing the lowest versions named by two constraints |
//! | `version_lt(a, b)` | `version_cmp(a, b) < 0` (false when either has no version) |
//! | `version_major(v)` | the major number of a version or constraint, or -1 |
//! | `version_of(constraint)` | the version a constraint names (`~> 2.3` gives `2.3`), or `""` |
//! | `glob_match(pattern, text)` | shell-style glob match (`*`, `?`, `[...]`, `**`) |
//! | `image_tag(image)` / `image_name(image)` | tag and name parts of a container image reference |
//! | `is_truthy(value)` | `true`/`1`/`yes`/`on`, case-insensitive |
//! | `is_test_path(path)` | test code by folder or file name (the engine also sets `file.is_test`) |
//! | `inside(outer, inner)` | capture `inner` lies within capture `outer` (byte ranges) |
//! | `innermost_of(items, key, node)` | the item whose capture `item[key]` holds `node` and starts last, or `()` |
//! | `at(file, node)` | a location `#{file, line, column}` for a capture of `file` |
//! | `with_edit(finding[, description], edit)` / `with_edits(finding, description, edits)` | the finding with machine-applicable edits appended to its fix |
//! | `edit_replace(node, text)` / `edit_delete(node)` / `edit_delete_lines(node)` | replace or remove a capture (its bytes or its lines) |
//! | `edit_insert_before(node, text)` / `edit_insert_after(node, text)` / `edit_insert_line(at, text)` | new lines around a capture (indented like it) or before a line |
//! | `edit_move_lines_before(node, before)` | two edits moving a capture's lines above another line |
//! | `edit_substitute(at, pairs)` / `edit_substitute_match(at, texts, pairs)` / `edit_insert_after_match(at, texts, text)` | rewrite a line, or act at the nearest line above holding a text |
//! | `edit_append(path, text)` / `new_file(path, text)` / `edit_go_import(path, spec)` | append, create a file, add a Go import |
//! | `scan_args(text, opts)` | the items of a list split at top-level separators; `opts`: `open`, `close`, `sep`, `quotes`, `raw`, `comments`, `trim`, `keep_empty`, `max`, `more` (see [`ArgScanOptions`]) |
//! | `split_top(text, sep, opts)` | items at top-level `sep`, by counting brackets and quotes, else `scan_args` with `opts` |
//! | `string_literals(text, quotes, escapes)` | the unescaped string literals of a text (`escapes`: quotes in which `\` escapes) |
//! | `leading_ident(text)` | the identifier (ASCII letters, digits, `_`) a text starts with |
//! | `call_chain(text)` | `[#{name, args}]` of the `.name(args)` segments after a leading identifier |
//! | `id_segment(text)` | the first `/`, `?`, `=`... separated segment that looks like an ID (digits, UUID, hex), or `()` |

mod helpers;
mod text;
mod version;

use rhai::{Dynamic, Engine, ImmutableString, Map, Module, AST};

pub use helpers::{glob_match, is_test_path, split_image};
pub use text::{
    call_chain, id_segment, is_ident_char, leading_ident, scan_args, split_top, string_literals,
    ArgScanOptions, Close, Comments, Open,
};
pub use version::{compare_versions, extract_version};

/// Shared `.rhai` helper modules: (name, source). Their functions are callable from every rule.
pub const HELPER_MODULES: &[(&str, &str)] = &[
    ("services", include_str!("../rhai/services.rhai")),
    ("env", include_str!("../rhai/env.rhai")),
    ("text", include_str!("../rhai/text.rhai")),
];

/// Register the native stdlib functions into `engine`.
pub fn register(engine: &mut Engine) {
    helpers::register(engine);
    text::register(engine);
    version::register(engine);
}

/// Compile the shared helper modules into one module whose functions every rule can call.
/// Fails only when a built-in helper does not compile, which the test suite rules out.
pub fn helper_module(engine: &Engine) -> Result<Module, String> {
    let mut merged = Module::new();
    for (name, source) in HELPER_MODULES {
        let ast: AST = engine
            .compile(source)
            .map_err(|e| format!("stdlib/rhai/{name}.rhai: {e}"))?;
        let module = Module::eval_ast_as_new(rhai::Scope::new(), &ast, engine)
            .map_err(|e| format!("stdlib/rhai/{name}.rhai: {e}"))?;
        merged.combine_flatten(module);
    }
    Ok(merged)
}

/// Marker key the engine reads to tell findings from facts in what a rule returns.
pub const KIND_KEY: &str = "_kind";

fn string_of(map: &Map, key: &str) -> Option<ImmutableString> {
    map.get(key)
        .and_then(|v| v.clone().into_immutable_string().ok())
}

fn dynamic_str(s: &str) -> Dynamic {
    Dynamic::from(ImmutableString::from(s))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn engine() -> Engine {
        let mut e = Engine::new();
        register(&mut e);
        let m = helper_module(&e).unwrap();
        e.register_global_module(m.into());
        e
    }

    #[test]
    fn finding_takes_location_from_a_fact() {
        let e = engine();
        let f: Map = e
            .eval(
                r#"finding("no tracer", #{file: "svc/requirements.txt", line: 3, name: "flask"})"#,
            )
            .unwrap();
        assert_eq!(f["message"].to_string(), "no tracer");
        assert_eq!(f["file"].to_string(), "svc/requirements.txt");
        assert_eq!(f["line"].as_int().unwrap(), 3);
        assert_eq!(f[KIND_KEY].to_string(), "finding");
    }

    #[test]
    fn facts_and_fixes() {
        let e = engine();
        let f: Map = e
            .eval(r#"fact("init", #{method: "ddtrace-run", line: 1})"#)
            .unwrap();
        assert_eq!(f[KIND_KEY].to_string(), "fact");
        assert_eq!(f["fact"].to_string(), "init");
        let f: Map = e
            .eval(
                r#"with_fix(finding("m", #{file: "a", line: 1}), "add it", "import ddtrace.auto")"#,
            )
            .unwrap();
        let fix = f["fix"].clone().cast::<Map>();
        assert_eq!(fix["snippet"].to_string(), "import ddtrace.auto");
    }

    #[test]
    fn edits_accumulate_on_the_fix() {
        let e = engine();
        let f: Map = e
            .eval(
                r#"
                let cap = #{file: "a.go", line: 3, end_line: 3, start_byte: 10, end_byte: 14};
                let f = with_edit(finding("m", cap), "wrap it", edit_replace(cap, "ctx"));
                f = with_edit(f, edit_insert_after(cap, "defer x()"));
                with_fix(f, "wrap it better")
            "#,
            )
            .unwrap();
        let fix = f["fix"].clone().cast::<Map>();
        assert_eq!(fix["description"].to_string(), "wrap it better");
        let edits = fix["edits"].clone().cast::<rhai::Array>();
        assert_eq!(edits.len(), 2);
        let first = edits[0].clone().cast::<Map>();
        assert_eq!(first["start_byte"].as_int().unwrap(), 10);
        assert!(first["replace_bytes"].as_bool().unwrap());
        let second = edits[1].clone().cast::<Map>();
        assert_eq!(second["line"].as_int().unwrap(), 4);
        assert_eq!(second["indent_like"].as_int().unwrap(), 3);
        assert!(e.eval::<Map>(r#"edit_replace(#{file: "a"}, "x")"#).is_err());
    }

    #[test]
    fn finding_requires_a_location() {
        let e = engine();
        let err = e
            .eval::<Map>(r#"finding("m", #{name: "x"})"#)
            .unwrap_err()
            .to_string();
        assert!(err.contains("file"), "{err}");
    }

    #[test]
    fn join_strings_has_no_leading_separator() {
        let e = engine();
        let v: String = e
            .eval(r#"join_strings(["DD_SERVICE", "DD_ENV", "DD_VERSION"], ", ")"#)
            .unwrap();
        assert_eq!(v, "DD_SERVICE, DD_ENV, DD_VERSION");
        let v: String = e.eval(r#"join_strings([], ", ")"#).unwrap();
        assert_eq!(v, "");
    }

    #[test]
    fn helper_modules_are_global() {
        let e = engine();
        let v: bool = e
            .eval(r#"is_production(#{env: [#{key: "DD_ENV", value: "production"}], namespace: (), file: "k8s/x.yaml"})"#)
            .unwrap();
        assert!(v);
        let v: bool = e
            .eval(r#"is_production(#{env: [#{key: "DD_ENV", value: "staging"}], namespace: (), file: "k8s/x.yaml"})"#)
            .unwrap();
        assert!(!v);
        for (w, want) in [
            (
                r#"#{env: [], namespace: "shop-preprod", file: "k8s/x.yaml"}"#,
                false,
            ),
            (
                r#"#{env: [], namespace: "nonprod", file: "k8s/x.yaml"}"#,
                false,
            ),
            (
                r#"#{env: [], namespace: "prod-eu", file: "k8s/x.yaml"}"#,
                true,
            ),
            (
                r#"#{env: [], namespace: (), file: "deploy/prod/api.yaml"}"#,
                true,
            ),
            (
                r#"#{env: [], namespace: (), file: "docker-compose.prod.yml"}"#,
                true,
            ),
            (
                r#"#{env: [], namespace: (), file: "products/k8s.yaml"}"#,
                false,
            ),
            (
                r#"#{env: [#{key: "DD_ENV", value: ()}], labels: [#{text: "tags.datadoghq.com/env=prod"}], namespace: "shop", file: "k8s/x.yaml"}"#,
                true,
            ),
        ] {
            let v: bool = e.eval(&format!("is_production({w})")).unwrap();
            assert_eq!(v, want, "{w}");
        }
    }
}
