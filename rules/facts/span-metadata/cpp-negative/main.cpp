#include <datadog/tracer.h>

void render(datadog::tracing::Tracer& tracer, const std::string& key) {
  auto span = tracer.create_span();
  span.set_tag(key, "home");
  span.set_name(R"(raw.name)");
}
