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

void handle_delete(const httplib::Request& req, httplib::Response& res) {
  dd::SpanConfig options;
  options.name = "thumbs.delete";
  auto span = g_tracer->create_span(options);
  res.status = 204;
}

int main() {
  dd::TracerConfig config;
  config.service = "thumbs";
  auto validated = dd::finalize_config(config);
  dd::Tracer tracer{*validated};
  g_tracer = &tracer;

  httplib::Server svr;
  svr.Post("/resize", handle_resize);
  svr.Delete("/images/:id", handle_delete);
  svr.listen("0.0.0.0", 8080);
}
