//! Embed the built-in rule pack: every `<category>/<id>.rhai` and `data/*.toml` under this
//! crate's folder becomes a `(relative path, source)` pair in `BUILTIN_RULES` / `BUILTIN_DATA`.

use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};

fn files_with_ext(dir: &Path, ext: &str) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = fs::read_dir(dir)
        .map(|rd| {
            rd.filter_map(Result::ok)
                .map(|e| e.path())
                .filter(|p| p.is_file() && p.extension().is_some_and(|e| e == ext))
                .collect()
        })
        .unwrap_or_default();
    out.sort();
    out
}

fn main() {
    let root = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets this"));
    println!("cargo:rerun-if-changed={}", root.display());
    let mut categories: Vec<PathBuf> = fs::read_dir(&root)
        .expect("rules dir")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.is_dir() && !p.ends_with("src") && !p.ends_with("data"))
        .collect();
    categories.sort();

    let mut rules = String::from("/// Built-in rules: (path under rules/, source).\npub const BUILTIN_RULES: &[(&str, &str)] = &[\n");
    for dir in &categories {
        println!("cargo:rerun-if-changed={}", dir.display());
        for file in files_with_ext(dir, "rhai") {
            println!("cargo:rerun-if-changed={}", file.display());
            let rel = file
                .strip_prefix(&root)
                .expect("under root")
                .to_string_lossy()
                .replace('\\', "/");
            let _ = writeln!(
                rules,
                "    ({rel:?}, include_str!({:?})),",
                file.display().to_string()
            );
        }
    }
    rules.push_str("];\n");

    rules.push_str("/// Built-in data files: (path under rules/, TOML source).\npub const BUILTIN_DATA: &[(&str, &str)] = &[\n");
    let data = root.join("data");
    println!("cargo:rerun-if-changed={}", data.display());
    for file in files_with_ext(&data, "toml") {
        println!("cargo:rerun-if-changed={}", file.display());
        let rel = file
            .strip_prefix(&root)
            .expect("under root")
            .to_string_lossy()
            .replace('\\', "/");
        let _ = writeln!(
            rules,
            "    ({rel:?}, include_str!({:?})),",
            file.display().to_string()
        );
    }
    rules.push_str("];\n");

    let out = PathBuf::from(std::env::var("OUT_DIR").expect("cargo sets this")).join("builtin.rs");
    fs::write(out, rules).expect("write builtin.rs");
}
