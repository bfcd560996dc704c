"""Product recommendations: "customers also bought" and personalised picks."""

import os

from flask import Flask, jsonify, request

import ddtrace.auto  # noqa: F401  (enables tracing)

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
    if not recent:
        return jsonify({"customer_id": customer_id, "picks": model.popular(10)})
    return jsonify({"customer_id": customer_id, "picks": model.blend(recent, 10)})


@app.post("/customers/<customer_id>/views")
def record_view(customer_id):
    views.record(customer_id, request.get_json(force=True)["sku"])
    return "", 204
