#include <datadog/tracer.h>

void render(datadog::tracing::Tracer& tracer, int id) {
  auto span = tracer.create_span();
  span.set_name("render.page");
  span.set_resource_name("render"); // expect: span-metadata
  span.set_tag("page.kind", "home"); // expect: span-metadata
}
