import logging
import os
import sys

from confluent_kafka import KafkaException
from ddtrace import tracer

log = logging.getLogger(__name__)


def publish(producer, event):
    with tracer.trace("events.publish", resource=event.kind) as span:
        try:
            producer.produce("events", event.encode())
            producer.flush(5)
        except KafkaException as exc:
            span.set_exc_info(*sys.exc_info())
            log.warning("publish failed: %s", exc)
            return False
    return True


def publish_strict(producer, event):
    with tracer.trace("events.publish_strict"):
        try:
            producer.produce("events", event.encode())
        except KafkaException:
            log.error("strict publish failed")
            raise  # the with block records it on the span


def drop_spool(path):
    with tracer.trace("events.drop_spool"):
        try:
            os.remove(path)
        except FileNotFoundError:
            pass


def load_schema(path):
    span = tracer.trace("events.load_schema")
    try:
        with open(path) as f:
            return f.read()
    except OSError as exc:
        span.set_exc_info(type(exc), exc, exc.__traceback__)
        raise
    finally:
        span.finish()
