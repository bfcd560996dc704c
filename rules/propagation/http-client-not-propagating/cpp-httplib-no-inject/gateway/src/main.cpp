#include <curl/curl.h>
#include <datadog/span_config.h>
#include <datadog/tracer.h>
#include <datadog/tracer_config.h>
#include <httplib.h>

#include <iostream>
#include <string>

namespace dd = datadog::tracing;

static std::string fetch_profile(const std::string& user_id) {
  CURL* curl = curl_easy_init();
  std::string url = "http://profiles:8080/users/" + user_id;
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  CURLcode rc = curl_easy_perform(curl);  // expect: http-client-not-propagating
  curl_easy_cleanup(curl);
  return rc == CURLE_OK ? "ok" : "error";
}

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
  httplib::Client orders("http://orders:8080");  // expect: http-client-not-propagating
  server.Get("/orders/:id", [&](const httplib::Request& req, httplib::Response& res) {
    dd::SpanConfig options;
    options.name = "gateway.request";
    auto span = tracer.create_span(options);
    auto upstream = orders.Get("/orders/" + req.path_params.at("id"));
    fetch_profile(req.get_header_value("X-User"));
    res.status = upstream ? upstream->status : 502;
  });
  server.listen("0.0.0.0", 8080);
}
