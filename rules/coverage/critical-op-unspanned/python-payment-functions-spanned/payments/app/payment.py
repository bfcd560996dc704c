import stripe
from ddtrace import tracer

from .models import Charge


@tracer.wrap("payment.charge")
def charge(order, card_token):
    intent = stripe.PaymentIntent.create(amount=order.total_cents, currency=order.currency, payment_method=card_token, confirm=True)
    return Charge.from_intent(intent)


def refund(charge_id, cents=None):
    with tracer.trace("payment.refund", resource="refund") as span:
        span.set_tag("payment.charge_id", charge_id)
        return stripe.Refund.create(payment_intent=charge_id, amount=cents)


class PaymentGateway:
    def __init__(self, client):
        self.client = client

    @tracer.wrap()
    def capture(self, charge_id):
        return self.client.PaymentIntent.capture(charge_id)
