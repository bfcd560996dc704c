//! apm-doctor's engine: walk a tree, parse each file once, evaluate Rhai rules over typed facts
//! and query captures, and write reports.

pub mod agent;
pub mod base;
pub mod cache;
pub mod config;
pub mod coverage;
pub mod facts;
pub mod finding;
pub mod fix;
pub mod fixtures;
pub mod instrument;
pub mod language;
pub mod model;
pub mod packages;
pub mod partition;
pub mod rca;
pub mod report;
pub mod rules;
pub mod scan;
pub mod service;
pub mod suppress;
pub mod traces;
pub mod walk;

pub use scan::{scan, ScanError, ScanOptions};
