#include <datadog/opentracing.h>

#include <iostream>

int main() {
  datadog::opentracing::TracerOptions options;
  options.service = "edge-proxy";
  auto tracer = datadog::opentracing::makeTracer(options);

  auto span = tracer->StartSpan("proxy.request");
  span->SetTag("upstream", "orders");
  span->Finish();
  tracer->Close();
  std::cout << "done\n";
  return 0;
}
