#include <datadog/tracer.h>

#include "crow.h"

int main() {
  crow::SimpleApp app;
  datadog::tracing::Tracer* tracer = make_tracer();

  CROW_ROUTE(app, "/")([]() { return "quotes"; }); // expect: entrypoints-cpp

  CROW_ROUTE(app, "/quotes/<int>") // expect: entrypoints-cpp
  ([&](int id) {
    auto span = tracer->create_span();
    span.set_name("quotes.get");
    return crow::response(200);
  });

  CROW_ROUTE(app, "/quotes").methods("POST"_method, crow::HTTPMethod::Put)([](const crow::request& req) { // expect: entrypoints-cpp
    return crow::response(201);
  });

  app.port(18080).multithreaded().run();
}
