//! C++ services: cpp-httplib with nlohmann/json and libpq, traced by dd-trace-cpp (the
//! deprecated dd-opentracing-cpp when outdated).

use std::fmt::Write as _;
use std::io;

use crate::{fill, Output, Param, ResourceSpec, ServiceSpec, Tracing};

const CMAKE: &str = r#"cmake_minimum_required(VERSION 3.24)
project(@@pkg@@ LANGUAGES CXX)

set(CMAKE_CXX_STANDARD 17)
set(CMAKE_CXX_STANDARD_REQUIRED ON)

@@tracer@@find_package(httplib 0.11 REQUIRED)
find_package(nlohmann_json 3.11 REQUIRED)
find_package(PostgreSQL REQUIRED)

add_executable(@@pkg@@
  src/main.cpp
  src/store.cpp
@@sources@@)
target_link_libraries(@@pkg@@ PRIVATE @@tracer_lib@@httplib::httplib nlohmann_json::nlohmann_json PostgreSQL::PostgreSQL)
"#;

const FETCH_DD_TRACE_CPP: &str = r#"include(FetchContent)
FetchContent_Declare(
  dd-trace-cpp
  GIT_REPOSITORY https://github.com/DataDog/dd-trace-cpp
  GIT_TAG        v0.2.2
  GIT_SHALLOW    ON
)
FetchContent_MakeAvailable(dd-trace-cpp)

"#;

const MAIN: &str = r#"// @@svc@@: HTTP service.

@@includes@@#include <httplib.h>

#include <cstdlib>
#include <iostream>
#include <string>

@@handler_includes@@#include "store.hpp"

int main() {
@@init@@  const char* url = std::getenv("DATABASE_URL");
  Store store{url ? url : "postgresql://localhost/@@db@@"};

  httplib::Server server;
  server.Get("/healthz", [](const httplib::Request&, httplib::Response& res) {
    res.set_content(R"({"status":"ok","service":"@@svc@@"})", "application/json");
  });
@@registers@@
  const char* port = std::getenv("PORT");
  std::cout << "@@svc@@ listening on " << (port ? port : "8080") << std::endl;
  server.listen("0.0.0.0", port ? std::atoi(port) : 8080);
  return 0;
}
"#;

const INIT_DD_TRACE_CPP: &str = r#"  datadog::tracing::TracerConfig config;
  config.service = "@@svc@@";
  const auto validated = datadog::tracing::finalize_config(config);
  if (!validated) {
    std::cerr << "datadog tracer config: " << validated.error() << '\n';
    return 1;
  }
  datadog::tracing::Tracer tracer{*validated};

"#;

const INIT_OPENTRACING: &str = r#"  datadog::opentracing::TracerOptions options;
  options.service = "@@svc@@";
  auto tracer = datadog::opentracing::makeTracer(options);
  opentracing::Tracer::InitGlobal(tracer);

"#;

const HANDLERS_HPP: &str = r#"#pragma once

#include <httplib.h>

#include "store.hpp"

// Registers the /@@res@@ routes.
void register_@@res@@(httplib::Server& server, Store& store);
"#;

const HANDLERS_HEAD: &str = r#"#include "@@res@@_handlers.hpp"

#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>

using json = nlohmann::json;

namespace {

int parse_limit(const httplib::Request& req) {
  const int limit = req.has_param("limit") ? std::stoi(req.get_param_value("limit")) : 50;
  if (limit < 1 || limit > 500) {
    throw std::invalid_argument("limit must be between 1 and 500");
  }
  return limit;
}

void reply(httplib::Response& res, const json& body, int status) {
  res.status = status;
  res.set_content(body.dump(), "application/json");
}

}  // namespace

void register_@@res@@(httplib::Server& server, Store& store) {"#;

const HANDLER: &str = r#"
  // @@method@@ /@@res@@@@suffix@@
  server.@@Method@@(R"(/@@res@@@@pattern@@)", [&store](const httplib::Request& req, httplib::Response& res) {
    try {
      const std::string id = req.matches.size() > 1 ? req.matches[1].str() : std::string();
      const json payload = req.body.empty() ? json::object() : json::parse(req.body);
      const json rows = store.@@fn@@(id, payload, parse_limit(req));
      if (rows.empty() && !id.empty()) {
        reply(res, json{{"error", "not found"}}, 404);
        return;
      }
      reply(res, rows, @@status@@);
    } catch (const std::exception& err) {
      reply(res, json{{"error", err.what()}}, 400);
    }
  });
"#;

const STORE_HPP_HEAD: &str = r#"#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

// Postgres access for @@svc@@ (one connection per call, like the original service).
class Store {
 public:
  explicit Store(std::string url);
"#;

const STORE_HPP_TAIL: &str = r#"
 private:
  nlohmann::json query(const std::string& sql, const std::vector<std::string>& params);

  std::string url_;
};
"#;

const STORE_CPP_HEAD: &str = r#"#include "store.hpp"

#include <libpq-fe.h>

#include <stdexcept>
#include <utility>

Store::Store(std::string url) : url_(std::move(url)) {}

nlohmann::json Store::query(const std::string& sql, const std::vector<std::string>& params) {
  PGconn* conn = PQconnectdb(url_.c_str());
  if (PQstatus(conn) != CONNECTION_OK) {
    std::string message = PQerrorMessage(conn);
    PQfinish(conn);
    throw std::runtime_error(message);
  }
  std::vector<const char*> values;
  values.reserve(params.size());
  for (const auto& p : params) {
    values.push_back(p.c_str());
  }
  PGresult* result = PQexecParams(conn, sql.c_str(), static_cast<int>(values.size()), nullptr,
                                  values.data(), nullptr, nullptr, 0);
  if (PQresultStatus(result) != PGRES_TUPLES_OK) {
    std::string message = PQresultErrorMessage(result);
    PQclear(result);
    PQfinish(conn);
    throw std::runtime_error(message);
  }
  nlohmann::json rows = nlohmann::json::array();
  for (int r = 0; r < PQntuples(result); ++r) {
    nlohmann::json row = nlohmann::json::object();
    for (int c = 0; c < PQnfields(result); ++c) {
      row[PQfname(result, c)] = PQgetisnull(result, r, c) ? nullptr : PQgetvalue(result, r, c);
    }
    rows.push_back(std::move(row));
  }
  PQclear(result);
  PQfinish(conn);
  return rows;
}
"#;

const STORE_FN: &str = r#"
nlohmann::json Store::@@fn@@(const std::string& id, const nlohmann::json& payload, int limit) {
  return query(R"(@@sql@@)", {@@binds@@});
}
"#;

const DOCKERFILE: &str = r#"FROM debian:bookworm AS build
RUN apt-get update && apt-get install -y --no-install-recommends \
      build-essential cmake git ca-certificates libcpp-httplib-dev nlohmann-json3-dev libpq-dev \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
RUN cmake -S . -B build -DCMAKE_BUILD_TYPE=Release && cmake --build build -j"$(nproc)"

FROM debian:bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends libcpp-httplib0.11 libpq5 ca-certificates \
    && rm -rf /var/lib/apt/lists/*
COPY --from=build /src/build/@@pkg@@ /usr/local/bin/@@pkg@@
EXPOSE 8080
ENTRYPOINT ["@@pkg@@"]
"#;

fn cmake(spec: &ServiceSpec) -> String {
    let (tracer, lib) = match spec.tracing {
        Tracing::Missing => (String::new(), ""),
        Tracing::Outdated => (
            "find_package(dd_opentracing 1.3 REQUIRED)\n".to_string(),
            "dd_opentracing ",
        ),
        _ => (FETCH_DD_TRACE_CPP.to_string(), "dd_trace_cpp-static "),
    };
    let mut sources = String::new();
    for r in &spec.resources {
        let _ = writeln!(sources, "  src/{}_handlers.cpp", r.res.many);
    }
    fill(
        CMAKE,
        &[
            ("pkg", &spec.snake()),
            ("tracer", &tracer),
            ("sources", &sources),
            ("tracer_lib", lib),
        ],
    )
}

fn main_cpp(spec: &ServiceSpec) -> String {
    let (includes, init) = match spec.tracing {
        Tracing::Correct | Tracing::LateInit => (
            "#include <datadog/tracer.h>\n#include <datadog/tracer_config.h>\n",
            INIT_DD_TRACE_CPP,
        ),
        Tracing::Outdated => (
            "#include <datadog/opentracing.h>\n#include <opentracing/tracer.h>\n",
            INIT_OPENTRACING,
        ),
        _ => ("", ""),
    };
    let init = fill(init, &[("svc", &spec.name)]);
    let mut handler_includes = String::new();
    let mut registers = String::new();
    for r in &spec.resources {
        let _ = writeln!(handler_includes, "#include \"{}_handlers.hpp\"", r.res.many);
        let _ = writeln!(registers, "  register_{}(server, store);", r.res.many);
    }
    fill(
        MAIN,
        &[
            ("svc", &spec.name),
            ("includes", includes),
            ("handler_includes", &handler_includes),
            ("init", &init),
            ("db", &spec.db()),
            ("registers", &registers),
        ],
    )
}

fn handlers_cpp(r: &ResourceSpec) -> String {
    let mut text = fill(HANDLERS_HEAD, &[("res", r.res.many)]);
    for a in &r.actions {
        text.push_str(&fill(
            HANDLER,
            &[
                ("method", a.method),
                ("res", r.res.many),
                ("suffix", a.suffix),
                ("Method", &a.method_title()),
                ("pattern", &a.path_with("([^/]+)")),
                ("fn", &a.func(&r.res)),
                ("status", &a.status.to_string()),
            ],
        ));
    }
    text.push_str("}\n");
    text
}

fn store_files(spec: &ServiceSpec) -> (String, String) {
    let mut hpp = fill(STORE_HPP_HEAD, &[("svc", &spec.name)]);
    let mut cpp = STORE_CPP_HEAD.to_string();
    for r in &spec.resources {
        let _ = writeln!(hpp, "\n  // /{}", r.res.many);
        for a in &r.actions {
            let func = a.func(&r.res);
            let _ = writeln!(
                hpp,
                "  nlohmann::json {func}(const std::string& id, const nlohmann::json& payload, int limit);"
            );
            let sql = a.sql(r.res.many, |p, pos| {
                if p == Param::Data {
                    format!("${pos}::jsonb")
                } else {
                    format!("${pos}")
                }
            });
            let binds: Vec<&str> = a
                .binds()
                .iter()
                .map(|p| match p {
                    Param::Id => "id",
                    Param::Data => "payload.dump()",
                    Param::Limit => "std::to_string(limit)",
                })
                .collect();
            cpp.push_str(&fill(
                STORE_FN,
                &[("fn", &func), ("sql", &sql), ("binds", &binds.join(", "))],
            ));
        }
    }
    hpp.push_str(STORE_HPP_TAIL);
    (hpp, cpp)
}

/// Write a C++ service.
pub(crate) fn write(spec: &ServiceSpec, out: &mut Output) -> io::Result<()> {
    let dir = &spec.dir;
    out.file(&format!("{dir}/CMakeLists.txt"), &cmake(spec))?;
    out.file(
        &format!("{dir}/Dockerfile"),
        &fill(DOCKERFILE, &[("pkg", &spec.snake())]),
    )?;
    out.file(&format!("{dir}/src/main.cpp"), &main_cpp(spec))?;
    for r in &spec.resources {
        out.file(
            &format!("{dir}/src/{}_handlers.hpp", r.res.many),
            &fill(HANDLERS_HPP, &[("res", r.res.many)]),
        )?;
        out.file(
            &format!("{dir}/src/{}_handlers.cpp", r.res.many),
            &handlers_cpp(r),
        )?;
    }
    let (hpp, cpp) = store_files(spec);
    out.file(&format!("{dir}/src/store.hpp"), &hpp)?;
    out.file(&format!("{dir}/src/store.cpp"), &cpp)
}
