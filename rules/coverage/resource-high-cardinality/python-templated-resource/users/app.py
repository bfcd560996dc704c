from ddtrace import tracer
from flask import Flask, jsonify, request

from .store import cache, orders, users

app = Flask(__name__)

JOB_RESOURCE = "nightly-export"


@app.route("/users/<int:user_id>")
def get_user(user_id):
    with tracer.trace("users.fetch", resource="GET /users/<int:user_id>") as span:
        span.set_tag("user.id", user_id)
        return jsonify(users.get(user_id))


def load_order(order_id):
    span = tracer.current_span()
    span.resource = f"{request.method} {request.url_rule}"
    span.set_tag("order.id", order_id)
    return orders.get(order_id)


class ExportJob:
    def run(self):
        with tracer.trace(f"{type(self).__name__}.run", resource=JOB_RESOURCE):
            return cache.export()


def health():
    with tracer.trace("health.check", resource="GET /v2/health"):
        return {"ok": True}
