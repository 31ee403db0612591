"""Long exports as jobs: the worker writes the file, the page shows how far it is.

A short list is exported during the request (``services.client_exports`` in the portal, the
list view's ``export`` in the back office). A list longer than EXPORT_IMMEDIATE_MAX_ROWS becomes
an ``ExportJob``: the request stores the list's filters and queues the job; the worker
(``jobs.py``) calls ``run_export_job``, which writes the same rows with the same columns into a
file in the export folder, reporting its progress as it goes; whoever asked downloads the file
from the job's page until ``remove_expired_exports`` deletes it.

A portal job belongs to its client and its kind names a portal list (KINDS). A back-office job
has no client, so the portal's tenant gate (``ExportJob.for_client``) never reaches it; its kind
is "admin:<view endpoint>" and its filters are the list's URL arguments (search, ``flt…``
filters, sort, desc), which the worker hands to that Flask-Admin view again.

Progress is written over a connection of its own: the rows are read in one transaction (so the
count and the rows agree, and PostgreSQL streams them), and what that transaction writes would
only be seen once the whole file is written.
"""

import json
import logging
import secrets
import time
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import urlencode

from flask import current_app

from fulfilment.db import database, open_database, streamed
from fulfilment.i18n import _l, force_locale
from fulfilment.models import ExportJob, Product, utcnow
from fulfilment.services import client_exports, listings, sheet_writer, tenancy
from fulfilment.services.spreadsheets import FETCH_BATCH_SIZE, export_filename

logger = logging.getLogger(__name__)

# The most data rows one Excel sheet holds (1,048,576 rows, one of them the header).
EXCEL_MAX_ROWS = 1_048_575

# Lists up to EXPORT_IMMEDIATE_MAX_ROWS long are downloaded during the request; longer ones become
# jobs, whose files are kept EXPORT_KEEP_HOURS hours (fulfilment/config.py).

UNFINISHED = ("queued", "running")

# Why a job failed, as the page explains it (the message is chosen when the page is read, so
# it is in the reader's language).
TOO_LARGE = "too_large"
FAILED = "error"

# The kind of a back-office list's job: this, then the list view's endpoint ("admin:product").
STAFF_KIND_PREFIX = "admin:"
# The URL arguments that make a back-office list what the staff member sees (not its page).
STAFF_LIST_ARGUMENTS = ("search", "sort", "desc")


@dataclass(frozen=True)
class ExportKind:
    """One portal list that can be exported: its name, columns, listing and immediate export."""

    name: object  # a lazy text: the sheet's title and the file's name, in the reader's language
    columns: list
    listing: type
    export: object  # client_exports.export_…: the same list written during the request


KINDS = {
    "products": ExportKind(_l("Products"), client_exports.PRODUCT_COLUMNS, listings.ProductList,
                           client_exports.export_products),
    "stock-history": ExportKind(_l("Stock history"), client_exports.STOCK_HISTORY_COLUMNS, listings.StockHistory,
                                client_exports.export_stock_history),
    "orders": ExportKind(_l("Orders"), client_exports.ORDER_COLUMNS, listings.OrderList,
                         client_exports.export_orders),
    "shipments": ExportKind(_l("Shipments"), client_exports.SHIPMENT_COLUMNS, listings.ShipmentList,
                            client_exports.export_shipments),
    "backorders": ExportKind(_l("Backorders"), client_exports.BACKORDER_COLUMNS, listings.BackorderList,
                             client_exports.export_backorders),
    "purchase-orders": ExportKind(_l("Purchase orders"), client_exports.PURCHASE_ORDER_COLUMNS,
                                  listings.PurchaseOrderList, client_exports.export_purchase_orders),
    "returns": ExportKind(_l("Returns"), client_exports.RETURN_COLUMNS, listings.ReturnList,
                          client_exports.export_returns),
}


def most_rows(export_max_rows):
    """The most rows an export job writes: the EXPORT_MAX_ROWS setting, within what one sheet holds."""
    return min(export_max_rows, EXCEL_MAX_ROWS)


# --- Filters as JSON ---------------------------------------------------------------------------

def filters_to_json(filters):
    """The list's filters as stored on the job: a product by its id, dates as YYYY-MM-DD."""
    stored = {}
    for name, value in filters.items():
        if isinstance(value, Product):
            value = value.id
        elif isinstance(value, date):
            value = value.isoformat()
        stored[name] = value
    return json.dumps(stored, sort_keys=True)


def filters_from_json(client, text):
    """The filters a job was asked with, read back (a product through the tenant gate)."""
    filters = json.loads(text)
    for name in ("date_from", "date_to"):
        if filters.get(name):
            filters[name] = date.fromisoformat(filters[name])
    if filters.get("product") is not None:
        filters["product"] = tenancy.owned(Product, client, filters["product"])
    return filters


# --- In the request ----------------------------------------------------------------------------

def count_rows(kind, client, filters, *, up_to):
    """How many rows the export of this list has, counting no further than up_to (a cheap check).

    Refuses unknown filter values as the list does (ValidationFailed).
    """
    query = KINDS[kind].listing(client, **filters).export_rows()
    return query.limit(up_to).count()


def start_export(client, requested_by, kind, filters, *, language="en"):
    """The export job for this list: the person's unfinished one for the same list and filters, else a new one.

    Returns (job, created); a new job still has to be queued (jobs.enqueue_export).
    """
    own_jobs = ExportJob.for_client(client).where(ExportJob.requested_by == requested_by)
    return _unfinished_or_new(own_jobs, client=client, requested_by=requested_by, kind=kind,
                              filters=filters_to_json(filters), language=language)


def start_staff_export(staff, endpoint, list_arguments, *, language="en"):
    """The export job for a back-office list: the staff member's unfinished one for the same list, else a new one.

    endpoint is the list view's; list_arguments the list's URL arguments as (name, value) pairs,
    of which only the search, filters and sort are kept (staff_list_arguments). Returns (job,
    created); a new job still has to be queued (jobs.enqueue_export).
    """
    stored = json.dumps(staff_list_arguments(list_arguments))
    own_jobs = staff_jobs(staff, every_staff_member=False)
    return _unfinished_or_new(own_jobs, client=None, requested_by_staff=staff, kind=f"{STAFF_KIND_PREFIX}{endpoint}",
                              filters=stored, language=language)


def staff_list_arguments(list_arguments):
    """The (name, value) pairs that make a back-office list what it shows: search, filters, sort; sorted."""
    return sorted([name, value] for name, value in list_arguments
                  if name in STAFF_LIST_ARGUMENTS or name.startswith("flt"))


def _unfinished_or_new(jobs, **values):
    """Among jobs, the newest unfinished one of the same kind and filters; else a new job of values."""
    unfinished = (
        jobs.where(ExportJob.kind == values["kind"], ExportJob.filters == values["filters"],
                   ExportJob.status.in_(UNFINISHED))
        .order_by(ExportJob.id.desc())
        .first()
    )
    if unfinished is not None:
        return unfinished, False
    return ExportJob.create(**values), True


def is_staff_job(job):
    """Whether the job is a back-office list's (no client; asked for by staff)."""
    return job.client_id is None and job.kind.startswith(STAFF_KIND_PREFIX)


def staff_may_open(job, staff, *, every_staff_member):
    """Whether a staff member may open the job's page: a back-office job of theirs, or any (admins)."""
    return is_staff_job(job) and (every_staff_member or job.requested_by_staff_id == staff.id)


def staff_jobs(staff, *, every_staff_member):
    """The back-office export jobs a staff member may open: their own, or every staff member's (admins)."""
    jobs = ExportJob.select().where(ExportJob.client.is_null(), ExportJob.kind.startswith(STAFF_KIND_PREFIX))
    return jobs if every_staff_member else jobs.where(ExportJob.requested_by_staff == staff)


def progress_percent(job):
    """How far the job is, 0–100 (None while the number of rows is not known yet)."""
    if job.status == "done":
        return 100
    if not job.rows_total:
        return None
    return min(99, job.rows_written * 100 // job.rows_total)


def describe(job):
    """What the job's page and its progress poll show."""
    return {"id": job.id, "status": job.status, "rows_written": job.rows_written, "rows_total": job.rows_total,
            "percent": progress_percent(job)}


def job_file(job, folder):
    """The finished file of a done job, or None (not done, or removed since)."""
    if job.status != "done" or not job.file_name:
        return None
    path = Path(folder) / job.file_name
    return path if path.is_file() else None


# --- In the worker -----------------------------------------------------------------------------

class _Progress:
    """Writes a job's progress over its own database connection, so the page sees it at once."""

    def __init__(self, job_id, database_url):
        self.job_id = job_id
        self.connection = open_database(database_url)

    def update(self, **values):
        self.connection.execute(ExportJob.update(**values).where(ExportJob.id == self.job_id))

    def close(self):
        if not self.connection.is_closed():
            self.connection.close()


def run_export_job(job_id, *, folder, max_rows, database_url):
    """Write a queued job's file into folder, reporting progress; mark it done or failed.

    A job that is not queued (already taken by another worker, or removed) is left alone.
    Returns the job as it ends.
    """
    taken = (ExportJob.update(status="running", started_at=utcnow())
             .where(ExportJob.id == job_id, ExportJob.status == "queued").execute())
    if not taken:
        return ExportJob.get_or_none(ExportJob.id == job_id)
    job = ExportJob.get_by_id(job_id)
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    file_name = f"{job.id}-{secrets.token_hex(16)}.xlsx"
    partial = folder / f"{file_name}.part"
    progress = _Progress(job.id, database_url)
    try:
        with force_locale(job.language):
            outcome = _write(job, partial, max_rows, progress)
        if outcome is not None:
            partial.replace(folder / file_name)
            ExportJob.update(status="done", rows_written=outcome["rows"], rows_total=outcome["rows"],
                             file_name=file_name, download_name=outcome["download_name"],
                             finished_at=utcnow()).where(ExportJob.id == job.id).execute()
    except Exception as error:
        logger.exception("Export job #%s (%s) failed.", job.id, job.kind)
        partial.unlink(missing_ok=True)
        ExportJob.update(status="failed", failure=FAILED, error=f"{type(error).__name__}: {error}",
                         finished_at=utcnow()).where(ExportJob.id == job.id).execute()
    finally:
        progress.close()
    return ExportJob.get_by_id(job.id)


def _write(job, path, max_rows, progress):
    """The rows of the job's list into path; None (and the job failed) when the list is too long."""
    with _list_of(job) as (title, columns, query), database.atomic():
        total = query.count()
        progress.update(rows_total=total)
        if total <= max_rows:
            with path.open("wb") as target:
                written = sheet_writer.write_workbook(
                    target, title, columns, streamed(query, FETCH_BATCH_SIZE),
                    progress=lambda rows: progress.update(rows_written=rows))
    if total > max_rows:
        # Written after the read: the read's snapshot is older than the progress just written.
        ExportJob.update(status="failed", failure=TOO_LARGE, finished_at=utcnow(),
                         error=f"{total} rows; at most {max_rows}").where(ExportJob.id == job.id).execute()
        return None
    return {"rows": written, "download_name": export_filename(title, job.created_at.date())}


@contextmanager
def _list_of(job):
    """The job's list as (sheet title, columns, query): a portal list (KINDS), or a back-office list
    view asked again with the URL arguments it was exported with."""
    if not job.kind.startswith(STAFF_KIND_PREFIX):
        kind = KINDS[job.kind]
        listing = kind.listing(job.client, **filters_from_json(job.client, job.filters))
        yield str(kind.name), kind.columns, listing.export_rows()
        return
    view = staff_list_view(job.kind.removeprefix(STAFF_KIND_PREFIX))
    with current_app.test_request_context(query_string=urlencode([tuple(pair) for pair in json.loads(job.filters)])):
        yield str(view.name), view.spreadsheet_columns(), view.export_query()


def staff_list_view(endpoint):
    """The back office's list view with this endpoint (a view of the app's Flask-Admin), or LookupError."""
    for admin in current_app.extensions.get("admin", ()):
        for view in admin._views:
            if getattr(view, "endpoint", None) == endpoint and hasattr(view, "export_query"):
                return view
    raise LookupError(f"No back-office list {endpoint!r} to export")


def remove_expired_exports(folder, *, keep_hours):
    """Delete jobs older than keep_hours with their files, and files no job knows; return the jobs removed."""
    folder = Path(folder)
    cutoff = utcnow() - timedelta(hours=keep_hours)
    expired = list(ExportJob.select(ExportJob.id, ExportJob.file_name).where(ExportJob.created_at < cutoff))
    for job in expired:
        if job.file_name:
            (folder / job.file_name).unlink(missing_ok=True)
    if expired:
        ExportJob.delete().where(ExportJob.id.in_([job.id for job in expired])).execute()
    if folder.is_dir():
        file_cutoff = time.time() - keep_hours * 3600
        known = {name for (name,) in ExportJob.select(ExportJob.file_name).where(ExportJob.file_name != "").tuples()}
        for path in folder.glob("*.xlsx*"):
            # A file of a crashed worker or of a removed job; a file being written is younger than the cutoff.
            if path.name not in known and path.stat().st_mtime < file_cutoff:
                path.unlink(missing_ok=True)
    return len(expired)

