"""Client of the payments service."""

import os

import requests
from ddtrace import tracer

PAYMENTS_URL = os.environ.get("PAYMENTS_URL", "http://payments:8080")


class PaymentError(Exception):
    pass


# A critical operation (apm-doctor.toml [critical]): its own span carries the payment outcome.
@tracer.wrap("checkout.charge")
def charge(customer_id, amount_cents, currency):
    resp = requests.post(
        f"{PAYMENTS_URL}/v1/charges",
        json={"customer_id": customer_id, "amount": amount_cents, "currency": currency},
        timeout=5,
    )
    if resp.status_code == 402:
        raise PaymentError(resp.json().get("reason", "declined"))
    resp.raise_for_status()
    return resp.json()["id"]
