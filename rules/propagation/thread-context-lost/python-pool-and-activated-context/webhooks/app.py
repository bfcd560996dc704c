import threading
from concurrent.futures import ThreadPoolExecutor

import requests
from ddtrace import tracer
from flask import Flask, request

app = Flask(__name__)
pool = ThreadPoolExecutor(max_workers=8)


def deliver(url, payload):
    with tracer.trace("webhooks.deliver", resource=url):
        requests.post(url, json=payload, timeout=10)


def archive(ctx, event):
    tracer.context_provider.activate(ctx)
    with tracer.trace("webhooks.archive"):
        requests.put("http://archive:8080/events", json=event, timeout=10)


@app.post("/events")
def publish_event():
    event = request.get_json()
    for url in event.get("subscribers", []):
        # ddtrace's futures integration hands the active context to pool threads.
        pool.submit(deliver, url, event)
    threading.Thread(target=archive, args=(tracer.current_trace_context(), event)).start()
    return {"accepted": True}, 202
