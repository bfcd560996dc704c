from ddtrace import tracer


def checkout(order):
    with tracer.trace("checkout.process", resource="POST /checkout") as span:  # expect: span-metadata
        span.set_tag("order.id", order.id)  # expect: span-metadata
        span.set_metric("order.total", order.total)  # expect: span-metadata
        span.set_tags({"customer.tier": order.tier})  # expect: span-metadata


def refund(order):
    span = tracer.trace("checkout.refund")
    span.resource = "refund"  # expect: span-metadata
    span.set_tag_str("refund.reason", order.reason)  # expect: span-metadata
    span.finish()
