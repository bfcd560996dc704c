from ddtrace import tracer
from flask import Flask, jsonify

from .search import index

app = Flask(__name__)


@app.route("/products/<sku>")
def product(sku):
    span = tracer.start_span("catalog.lookup")  # expect: span-orphan-root
    try:
        return jsonify(index.get(sku))
    finally:
        span.finish()


def reindex(products):
    with tracer.trace("catalog.reindex"):
        for chunk in index.chunks(products, 500):
            span = tracer.start_span("catalog.reindex.chunk", child_of=None)  # expect: span-orphan-root
            index.bulk(chunk)
            span.finish()
