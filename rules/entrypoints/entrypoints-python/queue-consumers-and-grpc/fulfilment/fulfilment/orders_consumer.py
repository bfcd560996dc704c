import json
import os

from confluent_kafka import Consumer
from ddtrace import tracer

from fulfilment.handlers import reserve_stock

ORDERS_TOPIC = "orders.created"
RETURNS_TOPIC = os.getenv("RETURNS_TOPIC", "orders.returned")


def run():
    consumer = Consumer({"bootstrap.servers": "kafka:9092", "group.id": "fulfilment"})
    consumer.subscribe([ORDERS_TOPIC, RETURNS_TOPIC])  # expect: entrypoints-python
    while True:
        msg = consumer.poll(1.0)
        if msg is None or msg.error():
            continue
        with tracer.trace("kafka.process", resource=msg.topic()):
            reserve_stock(json.loads(msg.value()))
