"""RabbitMQ worker: records product views published by the storefront and drops products
removed from the catalog. Run with `python -m recommendations.worker`."""

import ddtrace.auto  # noqa: F401  (first: patches redis before it is imported)

import json
import os

import pika
from ddtrace import tracer

from recommendations.store import RecentViews

views = RecentViews(os.environ.get("REDIS_URL", "redis://localhost:6379/0"))


def on_product_view(channel, method, properties, body):
    event = json.loads(body)
    views.record(event["customer_id"], event["sku"])
    channel.basic_ack(delivery_tag=method.delivery_tag)


def on_catalog_change(channel, method, properties, body):
    removed = json.loads(body)["removed_skus"]
    with tracer.trace("recommendations.catalog_change", resource="catalog-changes", span_type="worker") as span:
        span.set_tag("removed.count", len(removed))
        for sku in removed:
            with tracer.trace("recommendations.forget_sku"):
                views.forget(sku)
    channel.basic_ack(delivery_tag=method.delivery_tag)


def main():
    params = pika.URLParameters(os.environ.get("AMQP_URL", "amqp://guest:guest@rabbitmq:5672/%2F"))
    channel = pika.BlockingConnection(params).channel()
    channel.queue_declare(queue="product-views", durable=True)
    channel.queue_declare(queue="catalog-changes", durable=True)
    channel.basic_qos(prefetch_count=50)
    channel.basic_consume(queue="product-views", on_message_callback=on_product_view)
    channel.basic_consume(queue="catalog-changes", on_message_callback=on_catalog_change)
    channel.start_consuming()


if __name__ == "__main__":
    main()
