"""Background jobs with huey: the periodic webshop import and sending tracking codes back.

The queue lives in a SQLite file in the instance folder, or in Redis when FULFILMENT_REDIS_URL
is set (needed once web servers and the worker run on different machines). The worker is
``flask --app fulfilment worker``; ``serve`` starts one next to the web server.

- every WEBSHOP_SYNC_MINUTES: an import job per active webshop (a failed one is retried
  after 1 and 2 minutes, then waits for the next round);
- every minute: the shipments whose shop should hear about them now (see webshop_tracking);
- every night at 23:55 UTC: each active client's storage snapshot for the day (see billing).
- every hour: fresh planner statistics for SQLite (db.refresh_statistics), and at :19 the rows
  per block of ids that the API's deep offsets start from (id_blocks.seal).
- every minute: the mail outbox (services/outbox.py) and due webhook deliveries (services/webhooks.py);
- daily at LOW_STOCK_DIGEST_HOUR (UTC): the low-stock e-mails (services/notifications.py).
- on request: a long portal export (services/export_jobs.py); every hour, at :23, the export
  files older than EXPORT_KEEP_HOURS are removed with their jobs.
- on request: a long Excel order import (services/import_jobs.py); every hour, at :41, import
  jobs older than IMPORT_KEEP_HOURS are removed with any file left.
"""

import logging
from functools import wraps
from pathlib import Path

from flask import current_app, has_app_context
from huey import RedisHuey, SqliteHuey, crontab
from huey.exceptions import TaskLockedException

from fulfilment.db import database
from fulfilment.models import Webshop

logger = logging.getLogger(__name__)

HUEY_FILE = "huey.sqlite3"


def import_schedule(minutes):
    """A crontab running every ``minutes``: a divisor of an hour, or whole hours dividing a day."""
    if 1 <= minutes <= 60 and 60 % minutes == 0:
        return crontab(minute=f"*/{minutes}")
    if minutes > 0 and minutes % 60 == 0 and 24 % (minutes // 60) == 0:
        return crontab(minute="0", hour=f"*/{minutes // 60}")
    raise ValueError(
        f"FULFILMENT_WEBSHOP_SYNC_MINUTES={minutes} does not divide an hour or a day evenly. Use 1, 2, 3, 4, 5, 6, "
        "10, 12, 15, 20, 30 or 60 minutes, or 120, 180, 240, 360, 480, 720 or 1440."
    )


def make_huey(config, instance_path):
    """The job queue: Redis when REDIS_URL is set, else SQLite in the instance folder."""
    options = {"results": False, "utc": True, "immediate": bool(config.get("HUEY_IMMEDIATE"))}
    if config.get("REDIS_URL"):
        return RedisHuey("fulfilment", url=config["REDIS_URL"], **options)
    return SqliteHuey("fulfilment", filename=str(Path(instance_path) / HUEY_FILE), **options)


class Jobs:
    """The app's huey instance and its tasks (app.extensions["jobs"])."""

    def __init__(self, app):
        self.app = app
        self.huey = make_huey(app.config, app.instance_path)
        task, periodic = self._task, self._periodic
        self.import_webshop = task("import_webshop", self._import_webshop, retries=2, retry_delay=60,
                                   retry_backoff=2)
        self.import_all_webshops = periodic("import_all_webshops", self._import_all_webshops,
                                            import_schedule(int(app.config["WEBSHOP_SYNC_MINUTES"])))
        self.push_tracking = periodic("push_tracking", self._push_tracking, crontab(minute="*"))
        # Billing: each client's storage at the end of the day (UTC), for storage charges.
        self.take_storage_snapshots = periodic("take_storage_snapshots", self._take_storage_snapshots,
                                               crontab(minute="55", hour="23"))
        self.refresh_statistics = periodic("refresh_statistics", self._refresh_statistics, crontab(minute="17"))
        self.seal_id_blocks = periodic("seal_id_blocks", self._seal_id_blocks, crontab(minute="19"))
        self.send_mail = periodic("send_mail", self._send_mail, crontab(minute="*"))
        self.deliver_webhooks = periodic("deliver_webhooks", self._deliver_webhooks, crontab(minute="*"))
        self.deliver_webhook = task("deliver_webhook", self._deliver_webhook)
        self.write_export = task("write_export", self._write_export)
        self.remove_old_exports = periodic("remove_old_exports", self._remove_old_exports, crontab(minute="23"))
        self.import_order_file = task("import_order_file", self._import_order_file)
        self.remove_old_imports = periodic("remove_old_imports", self._remove_old_imports, crontab(minute="41"))
        self.low_stock_digest = periodic("low_stock_digest", self._low_stock_digest,
                                         crontab(minute="0", hour=str(int(app.config["LOW_STOCK_DIGEST_HOUR"]))))

    def _task(self, task_name, function, **options):
        """function as a huey task called task_name (the queue knows tasks by name), run inside the app."""
        return self.huey.task(name=task_name, **options)(self._in_app(function))

    def _periodic(self, task_name, function, schedule):
        """function as a huey task run on schedule, called task_name, inside the app."""
        return self.huey.periodic_task(schedule, name=task_name)(self._in_app(function))

    def _in_app(self, function):
        """Run a job inside the app (configuration, database connection)."""
        app = self.app

        @wraps(function)
        def run(*args, **kwargs):
            if has_app_context() and current_app._get_current_object() is app:
                return function(*args, **kwargs)
            # Popping the context closes this thread's database connection (db.init_app).
            with app.app_context():
                database.connect(reuse_if_open=True)
                return function(*args, **kwargs)

        return run

    def _import_all_webshops(self):
        from fulfilment.services.webshops import importable_webshops

        for webshop in importable_webshops():
            self.import_webshop(webshop.id)

    def _import_webshop(self, webshop_id):
        from fulfilment.services.webshop_import import import_orders

        webshop = Webshop.get_or_none(Webshop.id == webshop_id)
        if webshop is None or not webshop.active:
            return None
        try:
            with self.huey.lock_task(f"webshop-import-{webshop_id}"):
                # A ConnectorError propagates: huey logs it and retries the job.
                return import_orders(webshop).describe()
        except TaskLockedException:
            logger.info("Webshop #%s: an import is still running; this one is not needed.", webshop_id)
            return None

    def _refresh_statistics(self):
        from fulfilment.db import refresh_statistics

        return refresh_statistics()

    def _seal_id_blocks(self):
        from fulfilment import id_blocks

        return id_blocks.seal()

    def _push_tracking(self):
        from fulfilment.services.webshop_tracking import push_due_tracking

        return push_due_tracking()


    def _take_storage_snapshots(self):
        from fulfilment.services.billing import take_storage_snapshots

        written = take_storage_snapshots()
        logger.info("Storage snapshots taken for %s client(s).", written)
        return written
    def _send_mail(self):
        from fulfilment.services.outbox import send_due_mail

        try:
            with self.huey.lock_task("send-mail"):
                return send_due_mail()
        except TaskLockedException:
            return None

    def _deliver_webhooks(self):
        from fulfilment.services.webhooks import deliver_due

        try:
            with self.huey.lock_task("deliver-webhooks"):
                return deliver_due()
        except TaskLockedException:
            return None

    def _deliver_webhook(self, delivery_id):
        from fulfilment.models import WebhookDelivery
        from fulfilment.services.webhooks import deliver

        delivery = WebhookDelivery.get_or_none(WebhookDelivery.id == delivery_id)
        return deliver(delivery) if delivery is not None else None

    def _write_export(self, job_id):
        from fulfilment.services.export_jobs import most_rows, run_export_job

        config = self.app.config
        job = run_export_job(job_id, folder=export_folder(self.app), max_rows=most_rows(config["EXPORT_JOB_MAX_ROWS"]),
                             database_url=config["DATABASE_URL"])
        return job.status if job is not None else None

    def _remove_old_exports(self):
        from fulfilment.services.export_jobs import remove_expired_exports

        return remove_expired_exports(export_folder(self.app),
                                      keep_hours=self.app.config["EXPORT_KEEP_HOURS"])

    def _import_order_file(self, job_id):
        from fulfilment.services.import_jobs import run_import_job

        job = run_import_job(job_id, folder=import_folder(self.app))
        return job.status if job is not None else None

    def _remove_old_imports(self):
        from fulfilment.services.import_jobs import remove_expired_imports

        return remove_expired_imports(import_folder(self.app), keep_hours=self.app.config["IMPORT_KEEP_HOURS"])

    def _low_stock_digest(self):
        from fulfilment.services.notifications import queue_low_stock_digests

        return queue_low_stock_digests()


def init_app(app):
    app.extensions["jobs"] = Jobs(app)


def jobs():
    """The current app's jobs."""
    return current_app.extensions["jobs"]


def enqueue_import(webshop):
    """Queue an import of the webshop's orders now (the worker runs it)."""
    jobs().import_webshop(webshop.id)


def export_folder(app=None):
    """Where export jobs write their files: EXPORT_FOLDER, else "exports" in the instance folder."""
    app = app or current_app
    return Path(app.config.get("EXPORT_FOLDER") or Path(app.instance_path) / "exports")


def enqueue_export(job):
    """Queue a long export (services.export_jobs) for the worker."""
    jobs().write_export(job.id)


def import_folder(app=None):
    """Where confirmed import previews wait for the worker: IMPORT_FOLDER, else "imports" in the instance folder."""
    app = app or current_app
    return Path(app.config.get("IMPORT_FOLDER") or Path(app.instance_path) / "imports")


def enqueue_order_import(job):
    """Queue a long Excel order import (services.import_jobs) for the worker."""
    jobs().import_order_file(job.id)


def enqueue_webhook_delivery(delivery):
    """Send one webhook delivery now (a test event from the portal), in the worker."""
    jobs().deliver_webhook(delivery.id)
