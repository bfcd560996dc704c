//! Finding/fact constructors and small string helpers.

use rhai::{Dynamic, Engine, EvalAltResult, ImmutableString, Map, Position};

use crate::{dynamic_str, string_of, KIND_KEY};

type RhaiResult<T> = Result<T, Box<EvalAltResult>>;

fn runtime_error(message: String) -> Box<EvalAltResult> {
    Box::new(EvalAltResult::ErrorRuntime(
        Dynamic::from(message),
        Position::NONE,
    ))
}

fn finding_from(message: &str, at: &Map) -> RhaiResult<Map> {
    let file = string_of(at, "file").ok_or_else(|| {
        runtime_error(format!(
            "finding(\"{message}\", ..): the location has no `file`"
        ))
    })?;
    let line = at.get("line").and_then(|v| v.as_int().ok()).unwrap_or(1);
    let column = at.get("column").and_then(|v| v.as_int().ok()).unwrap_or(1);
    let mut out = Map::new();
    out.insert(KIND_KEY.into(), dynamic_str("finding"));
    out.insert("message".into(), dynamic_str(message));
    out.insert("file".into(), Dynamic::from(file));
    out.insert("line".into(), Dynamic::from_int(line.max(1)));
    out.insert("column".into(), Dynamic::from_int(column.max(1)));
    // A location that knows its service (a workload in on_config) files the finding there.
    for key in ["service", "severity", "fix"] {
        if let Some(v) = at.get(key) {
            if !v.is_unit() {
                out.insert(key.into(), v.clone());
            }
        }
    }
    Ok(out)
}

fn fix_map(description: &str, snippet: Option<&str>) -> Map {
    let mut fix = Map::new();
    fix.insert("description".into(), dynamic_str(description));
    if let Some(s) = snippet {
        fix.insert("snippet".into(), dynamic_str(s));
    }
    fix
}

/// Shell-style glob match: `*` (no `/`), `**` (anything), `?`, `[...]`.
pub fn glob_match(pattern: &str, text: &str) -> bool {
    globset::GlobBuilder::new(pattern)
        .literal_separator(true)
        .build()
        .map(|g| g.compile_matcher().is_match(text))
        .unwrap_or(false)
}

/// Split a container image reference into (name, tag); the tag is `latest` when absent and
/// digests are dropped.
pub fn split_image(image: &str) -> (String, String) {
    let without_digest = image.split('@').next().unwrap_or(image);
    let last_slash = without_digest.rfind('/').map_or(0, |p| p + 1);
    match without_digest[last_slash..].rfind(':') {
        Some(colon) => {
            let at = last_slash + colon;
            (
                without_digest[..at].to_string(),
                without_digest[at + 1..].to_string(),
            )
        }
        None => (without_digest.to_string(), "latest".to_string()),
    }
}

/// True for test code: files under test/tests/__tests__/__mocks__/testdata/e2e/spec folders
/// (or `Foo.Tests/` projects, `src/test/`), and `*_test.go`, `*_test.py`, `test_*.py`,
/// `conftest.py`, `*.test.*`, `*.spec.*`, `*_spec.rb`, `*Test.java`, `*Tests.java` files.
pub fn is_test_path(path: &str) -> bool {
    let lower = path.to_ascii_lowercase().replace('\\', "/");
    let mut parts: Vec<&str> = lower.split('/').collect();
    let base = parts.pop().unwrap_or("");
    let test_dir = parts.iter().any(|d| {
        matches!(
            *d,
            "test" | "tests" | "__tests__" | "__mocks__" | "testdata" | "e2e" | "spec"
        ) || d.ends_with(".tests")
            || d.ends_with(".test")
    });
    test_dir
        || base.starts_with("test_")
        || base == "conftest.py"
        || base.ends_with("_test.go")
        || base.ends_with("_test.py")
        || base.ends_with("_spec.rb")
        || base.contains(".test.")
        || base.contains(".spec.")
        || {
            let original = path.rsplit(['/', '\\']).next().unwrap_or(path);
            original.ends_with("Test.java") || original.ends_with("Tests.java")
        }
}

/// True when the node (a capture map with `start_byte`/`end_byte`) `inner` lies within `outer`.
fn inside(outer: &Map, inner: &Map) -> bool {
    let byte = |m: &Map, k: &str| m.get(k).and_then(|v| v.as_int().ok());
    match (
        byte(outer, "start_byte"),
        byte(outer, "end_byte"),
        byte(inner, "start_byte"),
        byte(inner, "end_byte"),
    ) {
        (Some(os), Some(oe), Some(is), Some(ie)) => os <= is && ie <= oe,
        _ => false,
    }
}

/// The item of `items` (maps) whose capture `key` contains `node` ([`inside`]) and starts last
/// (the later item on equal starts), as a script loop over `inside(item[key], node)` would
/// pick it; `()` when none does. An item or a `key` value that is not a map is an error, as
/// `inside` with it would be. Reads `items` in place (no copy of the array).
fn innermost_of(items: &[Dynamic], key: &str, node: &Map) -> RhaiResult<Dynamic> {
    let start = |m: &Map| m.get("start_byte").and_then(|v| v.as_int().ok());
    let mut best: Option<(&Dynamic, Option<i64>)> = None;
    let missing = || {
        runtime_error(format!(
            "innermost_of(items, \"{key}\", node): an item has no map `{key}`"
        ))
    };
    for item in items {
        let map = item.read_lock::<Map>().ok_or_else(missing)?;
        let capture = map
            .get(key)
            .and_then(|c| c.read_lock::<Map>())
            .ok_or_else(missing)?;
        if !inside(&capture, node) {
            continue;
        }
        let s = start(&capture);
        if best.is_none_or(|(_, b)| s >= b) {
            best = Some((item, s));
        }
    }
    Ok(best.map_or(Dynamic::UNIT, |(item, _)| item.clone()))
}

/// Set the finding's fix description and snippet, keeping edits already attached.
fn set_fix(mut finding: Map, description: &str, snippet: Option<&str>) -> Map {
    let mut fix = fix_map(description, snippet);
    if let Some(edits) = finding
        .get("fix")
        .and_then(|f| f.clone().try_cast::<Map>())
        .and_then(|f| f.get("edits").cloned())
    {
        fix.insert("edits".into(), edits);
    }
    finding.insert("fix".into(), Dynamic::from_map(fix));
    finding
}

/// Append `edit` to the finding's fix, creating the fix (with `description`) when it has none.
fn with_edit(mut finding: Map, description: Option<&str>, edit: Map) -> Map {
    let mut fix = finding
        .get("fix")
        .and_then(|f| f.clone().try_cast::<Map>())
        .unwrap_or_else(|| fix_map(description.unwrap_or("apply the suggested edit"), None));
    let mut edits = fix
        .get("edits")
        .and_then(|e| e.clone().try_cast::<rhai::Array>())
        .unwrap_or_default();
    edits.push(Dynamic::from_map(edit));
    fix.insert("edits".into(), Dynamic::from_array(edits));
    finding.insert("fix".into(), Dynamic::from_map(fix));
    finding
}

fn int_of(map: &Map, key: &str) -> Option<i64> {
    map.get(key).and_then(|v| v.as_int().ok())
}

/// An edit map at `node`'s file.
fn edit_at(node: &Map, new: &str) -> Map {
    let mut edit = Map::new();
    edit.insert(
        "file".into(),
        node.get("file").cloned().unwrap_or(Dynamic::UNIT),
    );
    edit.insert("new".into(), dynamic_str(new));
    edit
}

/// Replace the text of a capture (its byte range) with `new`.
fn edit_replace(node: &Map, new: &str) -> RhaiResult<Map> {
    let (Some(start), Some(end)) = (int_of(node, "start_byte"), int_of(node, "end_byte")) else {
        return Err(runtime_error(
            "edit_replace(node, text): the node has no start_byte/end_byte (use a query capture)"
                .into(),
        ));
    };
    let mut edit = edit_at(node, new);
    edit.insert("start_byte".into(), Dynamic::from_int(start));
    edit.insert("end_byte".into(), Dynamic::from_int(end));
    edit.insert("replace_bytes".into(), Dynamic::from_bool(true));
    Ok(edit)
}

/// Insert lines before (`after` false) or after the lines of `node`, indented like its first
/// line when `indent` is true.
fn edit_insert(node: &Map, text: &str, after: bool, indent: bool) -> RhaiResult<Map> {
    let line = int_of(node, "line")
        .ok_or_else(|| runtime_error("edit_insert_*(node, text): the node has no `line`".into()))?;
    let at = if after {
        int_of(node, "end_line").unwrap_or(line) + 1
    } else {
        line
    };
    let mut edit = edit_at(node, text);
    edit.insert("line".into(), Dynamic::from_int(at.max(1)));
    edit.insert("end_line".into(), Dynamic::from_int(at.max(1)));
    edit.insert("old".into(), dynamic_str(""));
    if indent {
        edit.insert("indent_like".into(), Dynamic::from_int(line.max(1)));
    }
    Ok(edit)
}

fn path_edit(path: &str, text: &str, flag: &str) -> Map {
    let mut edit = Map::new();
    edit.insert("file".into(), dynamic_str(path));
    edit.insert("new".into(), dynamic_str(text));
    edit.insert(flag.into(), Dynamic::from_bool(true));
    edit
}

fn register_edits(engine: &mut Engine) {
    engine.register_fn("with_edit", |finding: Map, edit: Map| {
        with_edit(finding, None, edit)
    });
    engine.register_fn(
        "with_edit",
        |finding: Map, description: ImmutableString, edit: Map| {
            with_edit(finding, Some(&description), edit)
        },
    );
    engine.register_fn("edit_replace", |node: Map, new: ImmutableString| {
        edit_replace(&node, &new)
    });
    engine.register_fn("edit_delete", |node: Map| edit_replace(&node, ""));
    engine.register_fn("edit_insert_before", |node: Map, text: ImmutableString| {
        edit_insert(&node, &text, false, true)
    });
    engine.register_fn("edit_insert_after", |node: Map, text: ImmutableString| {
        edit_insert(&node, &text, true, true)
    });
    engine.register_fn("edit_insert_line", |at: Map, text: ImmutableString| {
        edit_insert(&at, &text, false, false)
    });
    engine.register_fn(
        "edit_insert_line",
        |path: ImmutableString, line: i64, text: ImmutableString| {
            let mut at = Map::new();
            at.insert("file".into(), Dynamic::from(path));
            at.insert("line".into(), Dynamic::from_int(line));
            edit_insert(&at, &text, false, false)
        },
    );
    engine.register_fn("edit_delete_lines", |node: Map| -> RhaiResult<Map> {
        let mut edit = edit_insert(&node, "", false, false)?;
        let end = int_of(&node, "end_line").or_else(|| int_of(&node, "line"));
        edit.insert("end_line".into(), Dynamic::from_int(end.unwrap_or(1)));
        edit.remove("old");
        edit.insert("whole_lines".into(), Dynamic::from_bool(true));
        Ok(edit)
    });
    engine.register_fn(
        "edit_move_lines_before",
        |node: Map, before: Map| -> RhaiResult<rhai::Array> {
            let mut delete = edit_insert(&node, "", false, false)?;
            let line = int_of(&node, "line").unwrap_or(1);
            let end = int_of(&node, "end_line").unwrap_or(line);
            delete.insert("end_line".into(), Dynamic::from_int(end));
            delete.remove("old");
            delete.insert("whole_lines".into(), Dynamic::from_bool(true));
            let mut copy = edit_insert(&before, "", false, false)?;
            copy.insert("copy_from".into(), Dynamic::from_int(line));
            copy.insert("copy_to".into(), Dynamic::from_int(end));
            Ok(vec![Dynamic::from_map(copy), Dynamic::from_map(delete)])
        },
    );
    engine.register_fn(
        "with_edits",
        |mut finding: Map, description: ImmutableString, edits: rhai::Array| {
            for e in edits {
                if let Some(e) = e.try_cast::<Map>() {
                    finding = with_edit(finding, Some(&description), e);
                }
            }
            finding
        },
    );
    engine.register_fn(
        "edit_substitute",
        |at: Map, pairs: rhai::Array| -> RhaiResult<Map> {
            let mut edit = edit_insert(&at, "", false, false)?;
            edit.remove("old");
            edit.insert("substitute".into(), Dynamic::from_array(pairs));
            Ok(edit)
        },
    );
    engine.register_fn(
        "edit_insert_after_match",
        |at: Map, texts: rhai::Array, text: ImmutableString| -> RhaiResult<Map> {
            let mut edit = edit_insert(&at, &text, false, false)?;
            edit.insert("search_up".into(), Dynamic::from_array(texts));
            Ok(edit)
        },
    );
    engine.register_fn(
        "edit_substitute_match",
        |at: Map, texts: rhai::Array, pairs: rhai::Array| -> RhaiResult<Map> {
            let mut edit = edit_insert(&at, "", false, false)?;
            edit.remove("old");
            edit.insert("search_up".into(), Dynamic::from_array(texts));
            edit.insert("substitute".into(), Dynamic::from_array(pairs));
            Ok(edit)
        },
    );
    engine.register_fn(
        "edit_go_import",
        |path: ImmutableString, spec: ImmutableString| {
            let mut edit = path_edit(&path, "", "append");
            edit.remove("append");
            edit.insert("go_import".into(), Dynamic::from(spec));
            edit
        },
    );
    engine.register_fn(
        "edit_append",
        |path: ImmutableString, text: ImmutableString| path_edit(&path, &text, "append"),
    );
    engine.register_fn(
        "new_file",
        |path: ImmutableString, text: ImmutableString| path_edit(&path, &text, "create"),
    );
}

pub(crate) fn register(engine: &mut Engine) {
    register_edits(engine);
    engine.register_fn("is_test_path", |p: ImmutableString| is_test_path(&p));
    engine.register_fn("inside", |outer: Map, inner: Map| inside(&outer, &inner));
    engine.register_fn(
        "innermost_of",
        |items: &mut rhai::Array, key: ImmutableString, node: Map| innermost_of(items, &key, &node),
    );
    engine.register_fn("at", |file: Map, node: Map| -> Map {
        let mut out = Map::new();
        out.insert(
            "file".into(),
            file.get("path").cloned().unwrap_or(Dynamic::UNIT),
        );
        for key in ["line", "column"] {
            out.insert(
                key.into(),
                node.get(key).cloned().unwrap_or(Dynamic::from_int(1)),
            );
        }
        out
    });
    engine.register_fn(
        "finding",
        |message: ImmutableString, at: Map| -> RhaiResult<Map> { finding_from(&message, &at) },
    );
    engine.register_fn("finding", |spec: Map| -> RhaiResult<Map> {
        let message = string_of(&spec, "message")
            .ok_or_else(|| runtime_error("finding(#{..}): missing `message`".into()))?;
        finding_from(&message, &spec)
    });
    engine.register_fn(
        "with_fix",
        |finding: Map, description: ImmutableString| -> Map {
            set_fix(finding, &description, None)
        },
    );
    engine.register_fn(
        "with_fix",
        |finding: Map, description: ImmutableString, snippet: ImmutableString| -> Map {
            set_fix(finding, &description, Some(&snippet))
        },
    );
    engine.register_fn("fact", |kind: ImmutableString, data: Map| -> Map {
        let mut out = data;
        out.insert(KIND_KEY.into(), dynamic_str("fact"));
        out.insert("fact".into(), Dynamic::from(kind));
        out
    });
    engine.register_fn(
        "glob_match",
        |pattern: ImmutableString, text: ImmutableString| glob_match(&pattern, &text),
    );
    engine.register_fn("image_name", |image: ImmutableString| {
        ImmutableString::from(split_image(&image).0)
    });
    engine.register_fn("image_tag", |image: ImmutableString| {
        ImmutableString::from(split_image(&image).1)
    });
    engine.register_fn("is_truthy", |v: ImmutableString| {
        matches!(
            v.trim().to_ascii_lowercase().as_str(),
            "true" | "1" | "yes" | "on"
        )
    });
    engine.register_fn("is_truthy", |_: ()| false);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn test_paths() {
        for p in [
            "svc/tests/test_api.py",
            "pkg/handler_test.go",
            "web/src/app.spec.ts",
            "Orders.Api.Tests/OrdersTests.cs",
            "src/test/java/com/acme/OrderTest.java",
            "app/__mocks__/db.js",
            "spec/models/order_spec.rb",
        ] {
            assert!(is_test_path(p), "{p}");
        }
        for p in [
            "svc/app.py",
            "pkg/handler.go",
            "src/main/java/com/acme/Latest.java",
            "contest/x.py",
        ] {
            assert!(!is_test_path(p), "{p}");
        }
    }

    fn capture(start: i64, end: i64) -> Dynamic {
        let mut c = Map::new();
        c.insert("start_byte".into(), Dynamic::from_int(start));
        c.insert("end_byte".into(), Dynamic::from_int(end));
        Dynamic::from_map(c)
    }

    fn func(name: &str, start: i64, end: i64) -> Dynamic {
        let mut f = Map::new();
        f.insert("name".into(), dynamic_str(name));
        f.insert("body".into(), capture(start, end));
        Dynamic::from_map(f)
    }

    fn name_of(d: Dynamic) -> String {
        d.cast::<Map>()["name"].to_string()
    }

    #[test]
    fn innermost_of_picks_the_latest_start() {
        let funcs: rhai::Array = vec![
            func("outer", 0, 100),
            func("inner", 10, 50),
            func("other", 60, 90),
            func("twin", 10, 40),
        ];
        let node = |s, e| capture(s, e).cast::<Map>();
        assert_eq!(
            name_of(innermost_of(&funcs, "body", &node(20, 30)).unwrap()),
            "twin"
        );
        assert_eq!(
            name_of(innermost_of(&funcs, "body", &node(45, 50)).unwrap()),
            "inner"
        );
        assert_eq!(
            name_of(innermost_of(&funcs, "body", &node(95, 99)).unwrap()),
            "outer"
        );
        assert!(innermost_of(&funcs, "body", &node(95, 101))
            .unwrap()
            .is_unit());
        assert!(innermost_of(&[], "body", &node(1, 2)).unwrap().is_unit());
        // A node without byte range is inside nothing.
        assert!(innermost_of(&funcs, "body", &Map::new()).unwrap().is_unit());
        // An item without the capture is an error, as `inside(f.body, node)` would be.
        assert!(innermost_of(&funcs, "block", &node(1, 2)).is_err());
    }

    #[test]
    fn globs() {
        assert!(glob_match("payment.*", "payment.charge"));
        assert!(!glob_match("payment.*", "refund.charge"));
        assert!(glob_match("**/prod/**", "deploy/prod/api.yaml"));
    }

    #[test]
    fn images() {
        assert_eq!(
            split_image("gcr.io/datadoghq/agent:7.27.0"),
            ("gcr.io/datadoghq/agent".into(), "7.27.0".into())
        );
        assert_eq!(
            split_image("localhost:5000/datadog/agent"),
            ("localhost:5000/datadog/agent".into(), "latest".into())
        );
        assert_eq!(
            split_image("datadog/agent:7@sha256:abc"),
            ("datadog/agent".into(), "7".into())
        );
    }
}
