from celery import Celery

app = Celery("billing", broker="redis://redis:6379/0")


@app.task(name="worker.tasks.send_invoice", bind=True, max_retries=3)
def send_invoice(self, invoice_id):
    print(f"sending invoice {invoice_id}")
