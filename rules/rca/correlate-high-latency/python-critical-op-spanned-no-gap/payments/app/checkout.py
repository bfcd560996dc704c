from ddtrace import tracer

from .payment import charge


@tracer.wrap("checkout.place_order")
def place_order(cart, card_token):
    order = cart.to_order()
    order.charge = charge(order, card_token)
    return order
