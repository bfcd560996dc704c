import json

import pika
from flask import Flask, request

app = Flask(__name__)
connection = pika.BlockingConnection(pika.ConnectionParameters(host="rabbitmq"))
channel = connection.channel()
channel.queue_declare(queue="emails", durable=True)


@app.post("/notify")
def notify():
    payload = request.get_json()
    channel.basic_publish(  # expect: queue-inject-missing
        exchange="",
        routing_key="emails",
        body=json.dumps(payload),
        properties=pika.BasicProperties(delivery_mode=pika.DeliveryMode.Persistent),
    )
    return {"queued": True}, 202
