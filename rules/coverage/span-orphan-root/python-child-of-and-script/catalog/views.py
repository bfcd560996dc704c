from ddtrace import tracer
from flask import Flask, jsonify

from .search import index

app = Flask(__name__)


@app.route("/products/<sku>")
def product(sku):
    parent = tracer.current_span()
    span = tracer.start_span("catalog.lookup", child_of=parent, activate=True)
    try:
        return jsonify(index.get(sku))
    finally:
        span.finish()


def main():
    # A nightly batch run by cron: nothing is active, it is meant to start its own trace.
    span = tracer.start_span("catalog.nightly_export")
    try:
        index.export("/var/exports/catalog.json")
    finally:
        span.finish()


if __name__ == "__main__":
    main()
