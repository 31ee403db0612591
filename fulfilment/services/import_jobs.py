"""Long Excel order imports as jobs: the worker creates the order, the page shows how far it is.

A confirmed import preview of up to IMPORT_IMMEDIATE_MAX_LINES lines becomes its order during
the request (views/order_upload.py). A longer one becomes an ``ImportJob``: the request writes
the preview (product ids and amounts, the address, the reference) into a file in the import
folder and queues the job; the worker (``jobs.py``) calls ``run_import_job``, which checks the
products again and places the order exactly as the immediate confirm does, in one transaction
(``orders.place_order``), so an import that is refused or breaks creates nothing. The file is
removed as soon as the job ends; ``remove_expired_imports`` removes old jobs and any file left
behind by a worker that died.

One job per preview: the job carries the preview's import key (unique per client), so the same
preview confirmed again opens the first job, and the order service claims that key when it
creates the order, so the order is made once whatever happens.

Progress is the step the job is in. The order is created set-based in one transaction (a few
dozen statements whatever its length), inside which nothing can be reported: on SQLite no other
connection may write until it ends. So the steps are written before that transaction opens.
"""

import json
import logging
import secrets
import time
from datetime import timedelta
from pathlib import Path

from peewee import JOIN, IntegrityError

from fulfilment.db import database
from fulfilment.i18n import _, _l, force_locale
from fulfilment.models import ImportJob, Order, utcnow
from fulfilment.services import orders
from fulfilment.services.errors import DomainError, ValidationFailed
from fulfilment.services.order_import import previewed_lines

logger = logging.getLogger(__name__)

UNFINISHED = ("queued", "running")
# What the job does, in order, as its page says it.
STEPS = {
    "checking": _l("Checking the products"),
    "creating": _l("Creating the order and reserving stock"),
}
# Why a job failed: a refusal the page shows as it was written (``message``), or an error it
# explains in the reader's language.
REFUSED = "refused"
FAILED = "error"

PREVIEW_SUFFIX = ".json"


# --- In the request ----------------------------------------------------------------------------

def start_import(client, requested_by, preview, *, folder, language="en"):
    """The import job of this confirmed preview: the one made before for the same preview, else a new one.

    preview is what the signed preview token holds (lines as [product id, amount], the order's
    fields, save_address, import_key). Returns (job, created); a new job still has to be queued
    (jobs.enqueue_order_import).
    """
    key = preview["import_key"]
    existing = _job_of_preview(client, key)
    if existing is not None:
        return existing, False
    file_name = _store_preview(Path(folder), preview)
    try:
        with database.atomic():  # a concurrent confirm of the same preview loses here, on the unique key
            job = ImportJob.create(client=client, requested_by=requested_by, import_key=key,
                                   reference=(preview["fields"].get("reference") or "")[:255], language=language,
                                   lines_total=len(preview["lines"]), file_name=file_name)
    except IntegrityError:
        _remove_preview(Path(folder), file_name)
        existing = _job_of_preview(client, key)
        if existing is None:
            raise
        return existing, False
    except BaseException:
        _remove_preview(Path(folder), file_name)
        raise
    return job, True


def _job_of_preview(client, key):
    return ImportJob.for_client(client).where(ImportJob.import_key == key).first()


def _store_preview(folder, preview):
    """Write what the worker needs of the preview into a new file in folder; return its name."""
    folder.mkdir(parents=True, exist_ok=True)
    file_name = f"{secrets.token_hex(16)}{PREVIEW_SUFFIX}"
    stored = {"lines": preview["lines"], "fields": preview["fields"], "save_address": bool(preview["save_address"])}
    partial = folder / f"{file_name}.part"
    partial.write_text(json.dumps(stored), encoding="utf-8")
    partial.replace(folder / file_name)
    return file_name


def _remove_preview(folder, file_name):
    if file_name:
        (folder / file_name).unlink(missing_ok=True)


def recent_jobs(client, limit=5):
    """The client's newest import jobs with their orders' numbers, newest first, in one query (the import page)."""
    query = (ImportJob.select(ImportJob, Order.id, Order.number).join(Order, JOIN.LEFT_OUTER)
             .order_by(ImportJob.created_at.desc(), ImportJob.id.desc()).limit(limit))
    return list(ImportJob.within(query, client))


def progress_percent(job):
    """How far the job is, 0–100: the steps begun, of the steps and the end (None while it waits its turn)."""
    if job.status in ("done", "failed"):
        return 100
    if job.step not in STEPS:
        return None
    return (list(STEPS).index(job.step) + 1) * 100 // (len(STEPS) + 1)


def step_text(job):
    """What the job is doing, in words ("Step 1 of 2: Checking the products"); "" unless it is running."""
    if job.status != "running" or job.step not in STEPS:
        return ""
    return _("Step %(number)s of %(steps)s: %(step)s", number=list(STEPS).index(job.step) + 1, steps=len(STEPS),
             step=STEPS[job.step])


def describe(job):
    """What the job's page and its progress poll show (the texts in the reader's language)."""
    return {"id": job.id, "status": job.status, "step": job.step, "percent": progress_percent(job),
            "lines_total": job.lines_total, "text": step_text(job)}


# --- In the worker -----------------------------------------------------------------------------

def run_import_job(job_id, *, folder):
    """Create the order of a queued job, reporting each step; mark the job done or failed.

    A job that is not queued (taken by another worker, or removed) is left alone. Returns the
    job as it ends.
    """
    taken = (ImportJob.update(status="running", step="checking", started_at=utcnow())
             .where(ImportJob.id == job_id, ImportJob.status == "queued").execute())
    if not taken:
        return ImportJob.get_or_none(ImportJob.id == job_id)
    job = ImportJob.get_by_id(job_id)
    folder = Path(folder)
    try:
        with force_locale(job.language):
            order = _place_order(job, folder)
    except DomainError as refusal:
        _finish(job, status="failed", failure=REFUSED, message=refusal.message)
    except Exception as error:
        logger.exception("Import job #%s of client #%s failed.", job.id, job.client_id)
        _finish(job, status="failed", failure=FAILED, error=f"{type(error).__name__}: {error}")
    else:
        _finish(job, status="done", order=order.id)
    finally:
        _remove_preview(folder, job.file_name)
    return ImportJob.get_by_id(job.id)


def _place_order(job, folder):
    """The preview's order, placed as the immediate confirm places it (one transaction)."""
    preview = _read_preview(folder, job.file_name)
    lines = previewed_lines(job.client, preview["lines"])
    ImportJob.update(step="creating").where(ImportJob.id == job.id).execute()
    return orders.place_order(job.client, lines, source="import", actor=job.requested_by, fields=preview["fields"],
                              save_to_address_book={} if preview["save_address"] else None,
                              once_key=job.import_key)


def _read_preview(folder, file_name):
    path = folder / file_name if file_name else None
    if path is None or not path.is_file():
        raise ValidationFailed(_("The confirmed file is no longer available, so nothing was created. "
                                 "Upload the file again."))
    return json.loads(path.read_text(encoding="utf-8"))


def _finish(job, **values):
    ImportJob.update(step="", file_name="", finished_at=utcnow(), **values).where(ImportJob.id == job.id).execute()


def remove_expired_imports(folder, *, keep_hours):
    """Delete jobs older than keep_hours with their files, and files no job knows; return the jobs removed."""
    folder = Path(folder)
    cutoff = utcnow() - timedelta(hours=keep_hours)
    expired = list(ImportJob.select(ImportJob.id, ImportJob.file_name).where(ImportJob.created_at < cutoff))
    for job in expired:
        _remove_preview(folder, job.file_name)
    if expired:
        ImportJob.delete().where(ImportJob.id.in_([job.id for job in expired])).execute()
    if folder.is_dir():
        file_cutoff = time.time() - keep_hours * 3600
        known = {name for (name,) in ImportJob.select(ImportJob.file_name).where(ImportJob.file_name != "").tuples()}
        for path in folder.glob(f"*{PREVIEW_SUFFIX}*"):
            # A file of a job removed since, or written by a request that failed; a file being written is younger.
            if path.name not in known and path.stat().st_mtime < file_cutoff:
                path.unlink(missing_ok=True)
    return len(expired)
