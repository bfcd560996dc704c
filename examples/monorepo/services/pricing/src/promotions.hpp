#pragma once

#include <httplib.h>

#include <optional>
#include <string>

#include "pricing.hpp"

namespace pricing {

// Looks up promotion codes in the catalog service.
class PromotionsClient {
 public:
  explicit PromotionsClient(const std::string& catalog_url);

  // The active promotion with this code, or nothing (unknown, expired or catalog unavailable).
  std::optional<Promotion> find(const std::string& code);

 private:
  httplib::Client catalog_;
};

}  // namespace pricing
