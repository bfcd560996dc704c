import logging

import requests
from ddtrace import config, tracer
from flask import Flask

config.http_server.error_statuses = "500-599"

app = Flask(__name__)
log = logging.getLogger(__name__)


@app.after_request
def flag_failures(response):
    span = tracer.current_root_span()
    if span is not None and response.status_code >= 500:
        span.error = 1
    elif span is not None and response.status_code == 404:
        span.set_tag("partners.missing", True)
    return response


def call_partner(url, payload):
    # An outbound call: a 4xx from the partner is a failure of this call (the client-span default).
    with tracer.trace("partners.call", resource="POST /partner") as span:
        resp = requests.post(url, json=payload, timeout=5)
        span.set_tag("http.status_code", resp.status_code)
        if resp.status_code >= 400:
            span.error = 1
        return resp
