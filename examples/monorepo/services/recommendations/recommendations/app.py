"""Product recommendations: "customers also bought" and personalised picks."""

import os
import threading

from flask import Flask, jsonify, request

import ddtrace.auto  # noqa: F401  (enables tracing)
from ddtrace import tracer

from recommendations import catalog
from recommendations.model import SimilarityModel
from recommendations.store import RecentViews

app = Flask(__name__)
model = SimilarityModel.load(os.environ.get("MODEL_PATH", "/models/similarity.npz"))
views = RecentViews(os.environ.get("REDIS_URL", "redis://localhost:6379/0"))


@app.get("/healthz")
def healthz():
    return {"status": "ok", "model_version": model.version}


@app.get("/products/<sku>/similar")
def similar(sku):
    limit = min(int(request.args.get("limit", 10)), 50)
    return jsonify({"sku": sku, "similar": model.similar(sku, limit)})


@app.get("/customers/<customer_id>/picks")
def picks(customer_id):
    recent = views.recent(customer_id, 20)
    span = tracer.start_span("recommendations.blend", service="recommendations", resource="picks")
    try:
        span.set_tag("recent.count", len(recent))
        if not recent:
            category = request.args.get("category", "bestsellers")
            return jsonify({"customer_id": customer_id, "picks": catalog.bestsellers(category, 10)})
        return jsonify({"customer_id": customer_id, "picks": model.blend(recent, 10)})
    finally:
        span.finish()


@app.post("/customers/<customer_id>/views")
def record_view(customer_id):
    # Still used by the mobile app (the web storefront publishes views to RabbitMQ): answer
    # right away and write to Redis in the background.
    sku = request.get_json(force=True)["sku"]
    threading.Thread(target=views.record, args=(customer_id, sku), daemon=True).start()
    return "", 204
