#include "pricing.hpp"

#include <algorithm>
#include <map>

namespace pricing {
namespace {

// Volume discount in basis points by minimum quantity.
const std::map<int, int> kVolumeTiers = {{10, 500}, {50, 1000}, {100, 1500}};

int volume_discount_bps(int quantity) {
  int bps = 0;
  for (const auto& [min_qty, tier_bps] : kVolumeTiers) {
    if (quantity >= min_qty) bps = tier_bps;
  }
  return bps;
}

}  // namespace

Quote price_basket(const std::vector<LineItem>& items, const std::optional<Promotion>& promo) {
  Quote quote;
  for (const auto& item : items) {
    const std::int64_t gross = item.unit_price_cents * item.quantity;
    const std::int64_t off = gross * volume_discount_bps(item.quantity) / 10000;
    quote.subtotal_cents += gross;
    quote.discount_cents += off;
    if (off > 0) quote.applied_promotions.push_back("volume:" + item.sku);
  }
  if (promo && quote.subtotal_cents >= promo->min_subtotal_cents) {
    const std::int64_t remaining = quote.subtotal_cents - quote.discount_cents;
    quote.discount_cents += remaining * promo->percent_off / 100;
    quote.applied_promotions.push_back(promo->code);
  }
  quote.total_cents = std::max<std::int64_t>(0, quote.subtotal_cents - quote.discount_cents);
  return quote;
}

}  // namespace pricing
