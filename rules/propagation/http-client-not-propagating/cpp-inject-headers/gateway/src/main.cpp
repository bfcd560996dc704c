#include <datadog/dict_writer.h>
#include <datadog/span_config.h>
#include <datadog/tracer.h>
#include <datadog/tracer_config.h>
#include <httplib.h>

#include <iostream>
#include <string>

namespace dd = datadog::tracing;

class HeaderWriter : public dd::DictWriter {
 public:
  explicit HeaderWriter(httplib::Headers& headers) : headers_(headers) {}
  void set(dd::StringView key, dd::StringView value) override {
    headers_.emplace(std::string(key), std::string(value));
  }

 private:
  httplib::Headers& headers_;
};

int main() {
  dd::TracerConfig config;
  config.service = "gateway";
  auto validated = dd::finalize_config(config);
  if (auto* error = validated.if_error()) {
    std::cerr << "bad tracer config: " << *error << '\n';
    return 1;
  }
  dd::Tracer tracer{*validated};

  httplib::Server server;
  httplib::Client orders("http://orders:8080");
  server.Get("/orders/:id", [&](const httplib::Request& req, httplib::Response& res) {
    dd::SpanConfig options;
    options.name = "gateway.request";
    auto span = tracer.create_span(options);
    httplib::Headers headers;
    HeaderWriter writer(headers);
    span.inject(writer);
    auto upstream = orders.Get("/orders/" + req.path_params.at("id"), headers);
    res.status = upstream ? upstream->status : 502;
  });
  server.listen("0.0.0.0", 8080);
}
