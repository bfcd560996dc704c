import logging

from ddtrace import tracer

log = logging.getLogger(__name__)


def sync_inventory(client, sku):
    span = tracer.trace("inventory.sync", resource="sync_inventory")  # expect: span-not-finished
    stock = client.get_stock(sku)
    span.set_tag("inventory.sku", sku)
    return stock


def warm_cache(cache):
    tracer.trace("inventory.warm_cache")  # expect: span-not-finished
    cache.load_all()
    log.info("cache warmed")


class Reconciler:
    def __init__(self, store):
        self.store = store

    def reconcile(self, batch):
        span = tracer.start_span("inventory.reconcile", activate=True)  # expect: span-not-finished
        for item in batch:
            self.store.apply(item)
        return len(batch)
