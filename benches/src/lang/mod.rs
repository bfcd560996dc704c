//! One module per language: each writes a service's manifest, sources and Dockerfile.

use std::io;

use crate::{Lang, Output, ServiceSpec};

mod cpp;
mod csharp;
mod go;
mod java;
mod node;
mod php;
mod python;
mod ruby;

/// Write every file of one service under `spec.dir`.
pub(crate) fn write_service(spec: &ServiceSpec, out: &mut Output) -> io::Result<()> {
    match spec.lang {
        Lang::Python => python::write(spec, out),
        Lang::Go => go::write(spec, out),
        Lang::Java => java::write(spec, out),
        Lang::JavaScript => node::write_javascript(spec, out),
        Lang::TypeScript => node::write_typescript(spec, out),
        Lang::Ruby => ruby::write(spec, out),
        Lang::CSharp => csharp::write(spec, out),
        Lang::Php => php::write(spec, out),
        Lang::Cpp => cpp::write(spec, out),
    }
}
