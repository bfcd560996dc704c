//! Benchmark support (generator lives in the engine crate).
