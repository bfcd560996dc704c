#include "promotions.hpp"

#include <nlohmann/json.hpp>

namespace pricing {

PromotionsClient::PromotionsClient(const std::string& catalog_url) : catalog_(catalog_url) {
  catalog_.set_connection_timeout(1);
  catalog_.set_read_timeout(2);
  catalog_.set_keep_alive(true);
}

std::optional<Promotion> PromotionsClient::find(const std::string& code) {
  if (code.empty()) return std::nullopt;
  auto res = catalog_.Get("/promotions/" + httplib::detail::encode_url(code));
  if (!res || res->status != 200) return std::nullopt;
  const auto body = nlohmann::json::parse(res->body, nullptr, false);
  if (body.is_discarded()) return std::nullopt;
  return Promotion{body.value("code", code), body.value("min_subtotal_cents", std::int64_t{0}),
                   body.value("percent_off", 0)};
}

}  // namespace pricing
