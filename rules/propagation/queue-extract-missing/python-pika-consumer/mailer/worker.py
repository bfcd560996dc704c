import json
import logging

import pika
from ddtrace import tracer

log = logging.getLogger(__name__)


def on_message(channel, method, properties, body):
    with tracer.trace("mailer.send", service="mailer", span_type="worker"):
        email = json.loads(body)
        log.info("sending to %s", email["to"])
    channel.basic_ack(delivery_tag=method.delivery_tag)


def main():
    connection = pika.BlockingConnection(pika.ConnectionParameters(host="rabbitmq"))
    channel = connection.channel()
    channel.queue_declare(queue="emails", durable=True)
    channel.basic_qos(prefetch_count=10)
    channel.basic_consume(queue="emails", on_message_callback=on_message)  # expect: queue-extract-missing
    channel.start_consuming()


if __name__ == "__main__":
    main()
