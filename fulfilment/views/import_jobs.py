"""A long Excel order import that the worker creates: its page shows the progress, then the order
or why nothing was created (services.import_jobs; the confirmation in views/order_upload.py)."""

from flask import jsonify, render_template

from fulfilment.models import ImportJob, Order
from fulfilment.services import import_jobs
from fulfilment.views.blueprint import bp
from fulfilment.views.order_entry import processing_summary
from fulfilment.views.scope import current_client, get_owned_or_404


@bp.route("/orders/import/jobs/<int:job_id>")
def import_job(job_id):
    """An import job's page: its progress while the worker creates the order, then the order (or why it failed)."""
    client = current_client()
    job = get_owned_or_404(ImportJob, job_id)
    order = None
    if job.status == "done" and job.order_id is not None:
        order = Order.for_client(client).where(Order.id == job.order_id).first()
    return render_template(
        "portal/import_job.html", job=job, progress=import_jobs.describe(job), order=order,
        summary=processing_summary(client, order) if order is not None else None,
    )


@bp.route("/orders/import/jobs/<int:job_id>/progress")
def import_job_progress(job_id):
    """The job's progress as JSON, for the page's progress bar (static/export-progress.js); never cached."""
    response = jsonify(import_jobs.describe(get_owned_or_404(ImportJob, job_id)))
    response.headers["Cache-Control"] = "no-store"
    return response
