def tag_order(span, order):
    span.set_tag("order.id", order.id)
    span.set_tag("customer.tier", order.tier)
