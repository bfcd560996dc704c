import logging

from ddtrace import tracer

TAG = "order.id"


def checkout(order, name):
    with tracer.trace(f"checkout.{name}") as span:
        span.set_tag(TAG, order.id)
        span.set_tag(f"order.{name}", 1)
    logging.trace("not a span")
    user.resource = "not a span either"
