"""Order events for the notifications service (Kafka; ddtrace's confluent-kafka integration
adds the trace headers to every message)."""

import json
import os

from confluent_kafka import Producer

_producer = Producer({
    "bootstrap.servers": os.environ.get("KAFKA_BROKERS", "kafka:9092"),
    "client.id": "checkout",
    "enable.idempotence": True,
})


def order_placed(order_id, customer_email, total_cents, currency):
    event = {
        "orderId": order_id,
        "customerEmail": customer_email,
        "totalCents": total_cents,
        "currency": currency,
    }
    _producer.produce("orders.placed", key=order_id, value=json.dumps(event))
    _producer.poll(0)
