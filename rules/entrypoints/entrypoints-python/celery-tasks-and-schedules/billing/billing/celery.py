import os

from celery import Celery
from celery.schedules import crontab

app = Celery("billing", broker=os.environ.get("BROKER_URL", "redis://redis:6379/0"))
app.conf.task_default_queue = "billing"

app.conf.beat_schedule = {
    "charge-subscriptions-nightly": {  # expect: entrypoints-python
        "task": "billing.tasks.charge_subscriptions",
        "schedule": crontab(hour=2, minute=30),
    },
    "expire-trials": {  # expect: entrypoints-python
        "task": "billing.tasks.expire_trials",
        "schedule": 3600.0,
        "options": {"queue": "low"},
    },
}


@app.on_after_configure.connect
def setup_periodic_tasks(sender, **kwargs):
    sender.add_periodic_task(crontab(minute=0), send_invoice_reminders.s(), name="invoice-reminders")  # expect: entrypoints-python


@app.task(bind=True, max_retries=3)  # expect: entrypoints-python
def send_invoice_reminders(self):
    return 0
