import stripe

from .models import Charge


def charge(order, card_token):  # expect: critical-op-unspanned
    intent = stripe.PaymentIntent.create(amount=order.total_cents, currency=order.currency, payment_method=card_token, confirm=True)
    return Charge.from_intent(intent)


def refund(charge_id, cents=None):  # expect: critical-op-unspanned
    def _amount():
        return cents if cents is not None else Charge.get(charge_id).cents

    return stripe.Refund.create(payment_intent=charge_id, amount=_amount())


class PaymentGateway:
    def __init__(self, client):
        self.client = client

    def capture(self, charge_id):  # expect: critical-op-unspanned
        return self.client.PaymentIntent.capture(charge_id)
