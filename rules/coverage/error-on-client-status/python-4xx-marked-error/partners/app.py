import logging

import requests
from ddtrace import config, tracer
from flask import Flask

config.http_server.error_statuses = "400-599"  # expect: error-on-client-status

app = Flask(__name__)
log = logging.getLogger(__name__)


@app.after_request
def flag_failures(response):
    span = tracer.current_root_span()
    if span is not None and response.status_code >= 400:
        span.error = 1  # expect: error-on-client-status
    return response


class StatusMiddleware:
    """WSGI middleware that records the status this service answers with."""

    def __init__(self, wsgi_app):
        self.wsgi_app = wsgi_app

    def on_response(self, span, response):
        span.error = int(response.status_code >= 400)  # expect: error-on-client-status
        return response
