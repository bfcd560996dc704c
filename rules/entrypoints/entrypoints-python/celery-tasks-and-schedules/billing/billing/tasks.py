import logging

from celery import shared_task
from ddtrace import tracer

from billing.celery import app
from billing.gateway import charge

log = logging.getLogger(__name__)


@app.task(name="billing.charge_subscriptions")  # expect: entrypoints-python
def charge_subscriptions():
    for sub in due_subscriptions():
        charge_one.delay(sub.id)


@shared_task(bind=True, autoretry_for=(ConnectionError,), retry_backoff=True)  # expect: entrypoints-python
def charge_one(self, subscription_id):
    with tracer.trace("billing.charge", resource="charge_one"):
        charge(subscription_id)


@shared_task  # expect: entrypoints-python
def expire_trials():
    log.info("expiring trials")


def due_subscriptions():
    return []
