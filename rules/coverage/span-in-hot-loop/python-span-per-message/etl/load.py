import json

from ddtrace import tracer
from kafka import KafkaConsumer


def transform(rows, schema):
    with tracer.trace("etl.transform", resource="transform") as span:
        span.set_tag("rows.count", len(rows))
        return [schema.coerce(row) for row in rows]


def run(consumer: KafkaConsumer, sink):
    # One span per message: each message is a unit of work.
    for message in consumer:
        with tracer.trace("etl.ingest", resource=message.topic):
            sink.write(json.loads(message.value))


def upload(client, blob):
    for attempt in range(3):
        with tracer.trace("etl.upload"):
            if client.put(blob):
                return attempt
    raise RuntimeError("upload failed")
