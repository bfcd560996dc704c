#include <datadog/span_config.h>
#include <datadog/tracer.h>
#include <datadog/tracer_config.h>

#include <iostream>

namespace dd = datadog::tracing;

int main() {
  dd::TracerConfig config;
  config.service = "edge-proxy";
  auto validated = dd::finalize_config(config);
  if (auto* error = validated.if_error()) {
    std::cerr << "bad tracer config: " << *error << '\n';
    return 1;
  }
  dd::Tracer tracer{*validated};
  dd::SpanConfig options;
  options.name = "proxy.request";
  auto span = tracer.create_span(options);
  span.set_tag("upstream", "orders");
  return 0;
}
