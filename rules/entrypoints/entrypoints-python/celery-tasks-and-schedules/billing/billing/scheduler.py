from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.cron import CronTrigger

from billing.reports import export_ledger, rotate_keys

scheduler = BlockingScheduler(timezone="UTC")


@scheduler.scheduled_job("cron", day_of_week="mon-fri", hour=18, id="close-books")  # expect: entrypoints-python
def close_books():
    export_ledger()


scheduler.add_job(rotate_keys, "interval", hours=12, id="rotate-keys")  # expect: entrypoints-python
scheduler.add_job(export_ledger, trigger=CronTrigger.from_crontab("0 3 * * *"))  # expect: entrypoints-python

if __name__ == "__main__":
    scheduler.start()
