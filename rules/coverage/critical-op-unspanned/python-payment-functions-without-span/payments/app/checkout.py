from .payment import charge


def place_order(cart, card_token):  # expect: critical-op-unspanned
    order = cart.to_order()
    order.charge = charge(order, card_token)
    return order


def estimate_shipping(cart):
    return 499 if cart.weight_grams < 2000 else 999
