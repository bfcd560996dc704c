//! The built-in apm-doctor rule pack, embedded at build time.
//!
//! Rules live in `rules/<category>/<id>.rhai`, their fixtures in `rules/<category>/<id>/`, and
//! data files the rules and the engine read (tracer and framework packages) in `rules/data/`.

include!(concat!(env!("OUT_DIR"), "/builtin.rs"));

/// Folder of the rule pack in the source tree (used by `cargo test` to find fixtures).
pub const SOURCE_DIR: &str = env!("CARGO_MANIFEST_DIR");
