import json
import logging

import pika
from ddtrace import tracer
from ddtrace.propagation.http import HTTPPropagator

log = logging.getLogger(__name__)


def on_message(channel, method, properties, body):
    context = HTTPPropagator.extract(properties.headers or {})
    tracer.context_provider.activate(context)
    with tracer.trace("mailer.send", service="mailer", span_type="worker"):
        email = json.loads(body)
        log.info("sending to %s", email["to"])
    channel.basic_ack(delivery_tag=method.delivery_tag)


def main():
    connection = pika.BlockingConnection(pika.ConnectionParameters(host="rabbitmq"))
    channel = connection.channel()
    channel.queue_declare(queue="emails", durable=True)
    channel.basic_consume(queue="emails", on_message_callback=on_message)
    channel.start_consuming()


if __name__ == "__main__":
    main()
