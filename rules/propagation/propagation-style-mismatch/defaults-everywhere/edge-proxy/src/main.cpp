#include <datadog/opentracing.h>

int main() {
  datadog::opentracing::TracerOptions options{"datadog-agent", 8126, "edge-proxy"};
  auto tracer = datadog::opentracing::makeTracer(options);
  auto span = tracer->StartSpan("proxy.request");
  span->Finish();
  return 0;
}
