import pika
from ddtrace import tracer


@tracer.wrap("rabbit.refund")
def on_refund(channel, method, properties, body):
    channel.basic_ack(delivery_tag=method.delivery_tag)


def on_label(channel, method, properties, body):
    channel.basic_ack(delivery_tag=method.delivery_tag)


def main():
    connection = pika.BlockingConnection(pika.ConnectionParameters("rabbitmq"))
    channel = connection.channel()
    channel.queue_declare(queue="refunds", durable=True)
    channel.basic_consume(queue="refunds", on_message_callback=on_refund)  # expect: entrypoints-python
    channel.basic_consume("labels", on_label)  # expect: entrypoints-python
    channel.start_consuming()
