import logging

import requests
from ddtrace import config, tracer
from flask import Flask

config.http_server.error_statuses = "400-599"  # expect: error-on-client-status

app = Flask(__name__)
log = logging.getLogger(__name__)


def call_partner(url, payload):
    with tracer.trace("partners.call", resource="POST /partner") as span:
        resp = requests.post(url, json=payload, timeout=5)
        span.set_tag("http.status_code", resp.status_code)
        if resp.status_code >= 400:
            span.error = 1  # expect: error-on-client-status
        return resp


@app.after_request
def flag_failures(response):
    span = tracer.current_root_span()
    if span is not None:
        span.error = int(response.status_code >= 400)  # expect: error-on-client-status
    return response
