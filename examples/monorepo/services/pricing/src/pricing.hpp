#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace pricing {

struct LineItem {
  std::string sku;
  int quantity = 0;
  std::int64_t unit_price_cents = 0;
};

struct Promotion {
  std::string code;
  std::int64_t min_subtotal_cents = 0;
  int percent_off = 0;
};

struct Quote {
  std::int64_t subtotal_cents = 0;
  std::int64_t discount_cents = 0;
  std::int64_t total_cents = 0;
  std::vector<std::string> applied_promotions;
};

// Prices a basket: volume discounts per line, then the basket-level promotion if it applies.
Quote price_basket(const std::vector<LineItem>& items, const std::optional<Promotion>& promo);

}  // namespace pricing
