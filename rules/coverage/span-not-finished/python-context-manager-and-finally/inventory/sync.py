import logging

from ddtrace import tracer

log = logging.getLogger(__name__)


def sync_inventory(client, sku):
    with tracer.trace("inventory.sync", resource="sync_inventory") as span:
        stock = client.get_stock(sku)
        span.set_tag("inventory.sku", sku)
        return stock


def warm_cache(cache):
    span = tracer.trace("inventory.warm_cache")
    try:
        cache.load_all()
    finally:
        span.finish()
    log.info("cache warmed")


def start_batch_span(batch_id):
    # The caller owns the span and finishes it when the batch is acknowledged.
    span = tracer.start_span("inventory.batch", activate=True)
    span.set_tag("batch.id", batch_id)
    return span


class Reconciler:
    def __init__(self, store):
        self.store = store

    def reconcile(self, batch):
        span = tracer.trace("inventory.reconcile")
        with span:
            for item in batch:
                self.store.apply(item)
        return len(batch)
