#include <datadog/span_config.h>
#include <datadog/tracer.h>
#include <datadog/tracer_config.h>

#include "httplib.h"

namespace dd = datadog::tracing;

static dd::Tracer* g_tracer = nullptr;

void handle_resize(const httplib::Request& req, httplib::Response& res) {
  dd::SpanConfig options;
  options.name = "thumbs.resize";
  auto span = g_tracer->create_span(options);
  res.set_content("resized", "text/plain");
}

void handle_health(const httplib::Request&, httplib::Response& res) {
  res.set_content("ok", "text/plain");
}

int main() {
  dd::TracerConfig config;
  config.service = "thumbs";
  auto validated = dd::finalize_config(config);
  dd::Tracer tracer{*validated};
  g_tracer = &tracer;

  httplib::Server svr;
  svr.Get("/healthz", handle_health);                  // expect: entrypoints-cpp
  svr.Post("/resize", handle_resize);                  // expect: entrypoints-cpp
  svr.Get(R"(/images/(\d+))", [&](const httplib::Request& req, httplib::Response& res) { // expect: entrypoints-cpp
    auto span = tracer.create_span();
    span.set_name("thumbs.get");
    res.set_content(req.matches[1], "text/plain");
  });
  svr.Delete("/images/:id", [](const httplib::Request& req, httplib::Response& res) { // expect: entrypoints-cpp
    res.status = 204;
  });

  // Outbound calls with the client API look the same and register nothing.
  httplib::Client cli("http://storage:9000");
  httplib::Headers headers = {{"X-Api-Key", "secret"}};
  auto r = cli.Get("/buckets/thumbs", headers);
  cli.Post("/buckets/thumbs", "data", "application/octet-stream");

  svr.listen("0.0.0.0", 8080);
}
