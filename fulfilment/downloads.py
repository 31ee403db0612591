"""Sending an exported spreadsheet to the browser as a download, and an export job's progress and file."""

from flask import abort, jsonify, send_file

from fulfilment.services import export_jobs
from fulfilment.services.spreadsheets import XLSX_MIMETYPE


def spreadsheet_response(spreadsheet):
    """Answer with the spreadsheet as an attachment, streamed from its temporary file (closed once sent)."""
    response = send_file(
        spreadsheet.file, mimetype=spreadsheet.mimetype, as_attachment=True,
        download_name=spreadsheet.filename, conditional=False, etag=False, max_age=0,
    )
    return _private(response)


def export_job_progress_response(job):
    """The job's progress as JSON, for its page's progress bar (static/export-progress.js); never cached."""
    response = jsonify(export_jobs.describe(job))
    response.headers["Cache-Control"] = "no-store"
    return response


def export_job_file_response(job, folder):
    """The finished file of an export job (kept in folder) as an attachment; 404 when there is none (yet)."""
    path = export_jobs.job_file(job, folder)
    if path is None:
        abort(404)
    response = send_file(path, mimetype=XLSX_MIMETYPE, as_attachment=True, download_name=job.download_name,
                         conditional=False, etag=False, max_age=0)
    return _private(response)


def _private(response):
    # Exports hold a client's data: never keep a copy in a shared cache.
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
