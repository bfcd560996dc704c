import logging

from confluent_kafka import KafkaException
from ddtrace import tracer

log = logging.getLogger(__name__)


def publish(producer, event):
    with tracer.trace("events.publish", resource=event.kind):
        try:
            producer.produce("events", event.encode())
            producer.flush(5)
        except KafkaException as exc:  # expect: correlate-high-error-rate
            log.warning("publish failed: %s", exc)
            return False
    return True


def load_schema(path):
    span = tracer.trace("events.load_schema")
    try:
        with open(path) as f:
            return f.read()
    except OSError:
        log.exception("cannot read schema %s", path)
        raise
    finally:
        span.finish()
