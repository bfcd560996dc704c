import json

import pika
from ddtrace import tracer
from ddtrace.propagation.http import HTTPPropagator
from flask import Flask, request

app = Flask(__name__)
connection = pika.BlockingConnection(pika.ConnectionParameters(host="rabbitmq"))
channel = connection.channel()
channel.queue_declare(queue="emails", durable=True)


@app.post("/notify")
def notify():
    payload = request.get_json()
    with tracer.trace("rabbitmq.publish", resource="emails", span_type="worker") as span:
        headers = {}
        HTTPPropagator.inject(span.context, headers)
        channel.basic_publish(
            exchange="",
            routing_key="emails",
            body=json.dumps(payload),
            properties=pika.BasicProperties(headers=headers, delivery_mode=pika.DeliveryMode.Persistent),
        )
    return {"queued": True}, 202
