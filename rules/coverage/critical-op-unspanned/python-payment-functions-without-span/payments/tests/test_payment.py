from app import payment


def test_charge(stripe_mock, order):
    assert payment.charge(order, "tok_visa").status == "succeeded"
