//! apm-doctor's engine: walk a tree, parse each file once, evaluate Rhai rules over typed facts
//! and query captures, and write reports.

pub mod config;
pub mod finding;
pub mod language;
pub mod model;
pub mod packages;
pub mod rules;
pub mod service;
pub mod walk;

/// Name part of a container image reference (registry and path kept, tag and digest dropped).
pub fn model_image_name(image: &str) -> String {
    apm_doctor_stdlib::split_image(image).0
}
pub mod facts;
pub mod report;
pub mod scan;
pub mod suppress;

pub use scan::{scan, ScanError, ScanOptions};
pub mod agent;
pub mod coverage;
pub mod fixtures;
