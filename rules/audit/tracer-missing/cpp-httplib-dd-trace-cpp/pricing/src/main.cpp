#include <datadog/tracer.h>
#include <datadog/tracer_config.h>
#include <httplib.h>

#include <iostream>

namespace dd = datadog::tracing;

int main() {
  dd::TracerConfig config;
  config.service = "pricing";
  const auto validated = dd::finalize_config(config);
  if (!validated) {
    std::cerr << validated.error() << '\n';
    return 1;
  }
  dd::Tracer tracer{*validated};

  httplib::Server server;
  server.Get("/healthz", [&](const httplib::Request&, httplib::Response& res) {
    auto span = tracer.create_span();
    span.set_name("healthz");
    res.set_content("ok", "text/plain");
  });
  server.listen("0.0.0.0", 8080);
}
