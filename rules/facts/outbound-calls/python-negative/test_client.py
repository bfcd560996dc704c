import requests


def test_orders_up():
    assert requests.get("http://orders:8080/health").status_code == 200
