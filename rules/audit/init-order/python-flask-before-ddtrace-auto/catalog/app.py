import logging
import os

import redis
from flask import Flask, jsonify

import ddtrace.auto  # noqa: F401  # expect: init-order

log = logging.getLogger(__name__)
cache = redis.Redis.from_url(os.environ.get("REDIS_URL", "redis://localhost:6379/0"))
app = Flask(__name__)


@app.get("/products/<sku>")
def product(sku):
    name = cache.get(f"product:{sku}")
    return jsonify(sku=sku, name=name.decode() if name else None)
