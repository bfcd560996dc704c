import requests
from celery import Celery
from ddtrace import patch_all

patch_all()  # expect: init-order

app = Celery("sync", broker="amqp://rabbitmq//")


@app.task
def pull(url):
    return requests.get(url, timeout=5).status_code
