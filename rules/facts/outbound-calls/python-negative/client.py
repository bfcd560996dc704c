import os

import requests

BASE_URL = os.environ.get("ORDERS_URL", "http://orders:8080")
settings = {"url": "http://example.invalid"}


def fetch(path):
    return requests.get(BASE_URL + path, timeout=2)


def fetch_dynamic(host, path):
    return requests.get(f"http://{host}/{path}")


def lookup(key):
    cache = {}
    return cache.get("http://orders:8080/x") or settings.get("url")


def send_mail(smtp, msg):
    smtp.send("ops@example.com", msg)
