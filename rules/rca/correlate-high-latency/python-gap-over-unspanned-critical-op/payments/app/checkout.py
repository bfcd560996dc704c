from .payment import charge


def place_order(cart, card_token):  # expect: correlate-high-latency
    order = cart.to_order()
    order.charge = charge(order, card_token)
    return order
