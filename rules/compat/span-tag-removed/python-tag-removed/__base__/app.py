from ddtrace import tracer


def checkout(order):
    with tracer.trace("checkout.process", resource="POST /checkout") as span:
        span.set_tag("order.id", order.id)
        span.set_tag("customer.tier", order.tier)
        return order.total
