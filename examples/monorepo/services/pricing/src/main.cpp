// pricing: HTTP service that prices baskets for checkout and the storefront.

#include <datadog/dict_reader.h>
#include <datadog/span_config.h>
#include <datadog/tracer.h>
#include <datadog/tracer_config.h>
#include <httplib.h>

#include <cstdlib>
#include <iostream>
#include <nlohmann/json.hpp>

#include "pricing.hpp"
#include "promotions.hpp"

namespace dd = datadog::tracing;
using json = nlohmann::json;

namespace {

// Exposes the request headers to the tracer so that it continues the caller's trace.
class HeaderReader : public dd::DictReader {
 public:
  explicit HeaderReader(const httplib::Headers& headers) : headers_(headers) {}

  dd::Optional<dd::StringView> lookup(dd::StringView key) const override {
    auto found = headers_.find(std::string(key));
    if (found == headers_.end()) return dd::nullopt;
    return dd::StringView(found->second);
  }

  void visit(const std::function<void(dd::StringView, dd::StringView)>& visitor) const override {
    for (const auto& [key, value] : headers_) visitor(key, value);
  }

 private:
  const httplib::Headers& headers_;
};

}  // namespace

int main() {
  dd::TracerConfig config;
  config.service = "pricing";
  const auto validated = dd::finalize_config(config);
  if (!validated) {
    std::cerr << "datadog tracer config: " << validated.error() << '\n';
    return 1;
  }
  dd::Tracer tracer{*validated};

  const char* catalog_url = std::getenv("CATALOG_URL");
  pricing::PromotionsClient promotions{catalog_url ? catalog_url : "http://catalog"};

  httplib::Server server;

  server.Get("/healthz", [](const httplib::Request&, httplib::Response& res) {
    res.set_content(R"({"status":"ok"})", "application/json");
  });

  server.Post("/quotes", [&tracer, &promotions](const httplib::Request& req, httplib::Response& res) {
    dd::SpanConfig options;
    options.name = "http.request";
    options.resource = "POST /quotes";
    HeaderReader reader{req.headers};
    auto span = tracer.extract_or_create_span(reader, options);
    span.set_tag("http.method", "POST");
    span.set_tag("http.route", "/quotes");

    try {
      const auto body = json::parse(req.body);
      std::vector<pricing::LineItem> items;
      for (const auto& line : body.at("items")) {
        items.push_back({line.at("sku"), line.at("quantity"), line.at("unit_price_cents")});
      }
      const auto promo = promotions.find(body.value("promo_code", ""));
      const auto quote = pricing::price_basket(items, promo);
      res.set_content(json{{"subtotal_cents", quote.subtotal_cents},
                           {"discount_cents", quote.discount_cents},
                           {"total_cents", quote.total_cents},
                           {"applied_promotions", quote.applied_promotions}}
                          .dump(),
                      "application/json");
      span.set_tag("http.status_code", "200");
    } catch (const json::exception& err) {
      res.status = 400;
      res.set_content(json{{"error", err.what()}}.dump(), "application/json");
      span.set_error_message(err.what());
      span.set_tag("http.status_code", "400");
    }
  });

  const char* port = std::getenv("PORT");
  std::cout << "pricing listening on " << (port ? port : "8080") << std::endl;
  server.listen("0.0.0.0", port ? std::atoi(port) : 8080);
  return 0;
}
