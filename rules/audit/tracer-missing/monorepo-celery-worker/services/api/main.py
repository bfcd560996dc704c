import ddtrace.auto  # noqa: F401  (must stay first)

from celery import Celery
from fastapi import FastAPI

app = FastAPI()
queue = Celery("billing", broker="redis://redis:6379/0")


@app.post("/invoices/{invoice_id}/send")
def send_invoice(invoice_id: int):
    queue.send_task("worker.tasks.send_invoice", args=[invoice_id])
    return {"queued": invoice_id}
