from ddtrace import tracer
from flask import Flask, jsonify, request

from .store import cache, orders, users

app = Flask(__name__)


@app.route("/users/<int:user_id>")
def get_user(user_id):
    with tracer.trace("users.fetch", resource=f"GET /users/{user_id}"):  # expect: resource-high-cardinality
        return jsonify(users.get(user_id))


def load_order(order_id):
    span = tracer.current_span()
    span.resource = "orders.load %s" % order_id  # expect: resource-high-cardinality
    return orders.get(order_id)


def warm_profile():
    with tracer.trace("cache.get", resource="GET /cache/4f1b2c3d-9a8e-4d7c-b6a5-1234567890ab"):  # expect: resource-high-cardinality
        return cache.get("profile")


def search(q):
    with tracer.trace("search.query " + q):  # expect: resource-high-cardinality
        return users.search(q)


@app.route("/proxy/<path:rest>")
def proxy(rest):
    with tracer.trace("proxy.forward", resource=request.path):  # expect: resource-high-cardinality
        return users.forward(rest)


@app.route("/legacy/<slug>")
def legacy(slug):
    span = tracer.current_span()
    span.resource = "GET /legacy/{}".format(slug)  # expect: resource-high-cardinality
    return users.legacy(slug)
