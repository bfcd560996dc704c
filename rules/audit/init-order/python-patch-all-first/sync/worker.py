import os

from ddtrace import patch_all

patch_all(celery=True, requests=True)

import requests  # noqa: E402
from celery import Celery  # noqa: E402

app = Celery("sync", broker=os.environ.get("BROKER_URL", "amqp://rabbitmq//"))


@app.task
def pull(url):
    return requests.get(url, timeout=5).status_code
