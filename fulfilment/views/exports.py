"""Excel downloads of the portal's lists: the client's own rows, with the filters on screen.

Each route reads the same URL arguments as its list page and hands them to
services.client_exports, which scopes every query to current_client(). A refused export (too
many rows, a wrong date range) goes back to the page it came from with the reason.

A list longer than EXPORT_IMMEDIATE_MAX_ROWS is not written while the browser waits: it becomes
an export job (services.export_jobs) that the worker writes, and the person lands on the job's
page, which shows the progress and then the download.
"""

from flask import current_app, flash, redirect, render_template, request, url_for

from fulfilment.downloads import export_job_file_response, export_job_progress_response, spreadsheet_response
from fulfilment.i18n import current_language
from fulfilment.jobs import enqueue_export, export_folder
from fulfilment.models import ORDER_SOURCES, PURCHASE_ORDER_STATUSES, ExportJob, ReturnStatus
from fulfilment.services import export_jobs, listings
from fulfilment.services.errors import DomainError
from fulfilment.services.listings import STOCK_FILTERS
from fulfilment.views.blueprint import bp
from fulfilment.views.listing import choice, search_text
from fulfilment.views.scope import current_client, get_owned_or_404, portal_actor
from fulfilment.views.stock_history import BadFilter, stock_history_filters


def _download(kind, back_to, **filters):
    """The current client's export: at once when the list is short, else as a job; a refusal goes back_to."""
    client = current_client()
    config = current_app.config
    immediate_max = config["EXPORT_IMMEDIATE_MAX_ROWS"]
    try:
        if export_jobs.count_rows(kind, client, filters, up_to=immediate_max + 1) <= immediate_max:
            spreadsheet = export_jobs.KINDS[kind].export(client, max_rows=config["EXPORT_MAX_ROWS"], **filters)
            return spreadsheet_response(spreadsheet)
    except DomainError as error:
        flash(error.message, "error")
        return redirect(back_to)
    job, created = export_jobs.start_export(client, portal_actor(), kind, filters, language=current_language())
    if created:
        enqueue_export(job)
    return redirect(url_for("portal.export_job", job_id=job.id))


def _list_url(endpoint, **values):
    """The list page the export came from, with its filters."""
    args = {key: value for key, value in request.args.items() if key not in ("from", "to")}
    return url_for(endpoint, **values, **args)


@bp.route("/products/export.xlsx")
def products_export():
    return _download(
        "products", _list_url("portal.products"), search=search_text(),
        stock_filter=choice("stock", STOCK_FILTERS), low_stock_threshold=current_app.config["LOW_STOCK_THRESHOLD"],
        sort=request.args.get("sort", "code"),
    )


@bp.route("/stock-history/export.xlsx")
def stock_history_export():
    """The stock history as the stock history page filters it (?product=, ?type=, ?from=, ?to=)."""
    back_to = url_for("portal.stock_history", **{k: v for k, v in request.args.items() if k != "back"})
    if request.args.get("back") == "product" and request.args.get("product", type=int):
        # The export form on a product's page: a refusal is shown there, under its history.
        back_to = url_for("portal.product", product_id=request.args.get("product", type=int), _anchor="history")
    try:
        filters = stock_history_filters(current_client())
    except BadFilter as error:
        flash(str(error), "error")
        return redirect(back_to)
    return _download("stock-history", back_to, **filters)


@bp.route("/orders/export.xlsx")
def orders_export():
    return _download("orders", _list_url("portal.orders"), search=search_text(),
                     status=choice("status", listings.ORDER_STATUS_FILTERS), source=choice("source", ORDER_SOURCES))


@bp.route("/shipments/export.xlsx")
def shipments_export():
    return _download("shipments", _list_url("portal.shipments"), search=search_text())


@bp.route("/backorders/export.xlsx")
def backorders_export():
    return _download("backorders", _list_url("portal.backorders"), search=search_text())


@bp.route("/purchase-orders/export.xlsx")
def purchase_orders_export():
    return _download("purchase-orders", _list_url("portal.purchase_orders"),
                     search=search_text(), status=choice("status", PURCHASE_ORDER_STATUSES))


@bp.route("/returns/export.xlsx")
def returns_export():
    statuses = {name for (name,) in ReturnStatus.select(ReturnStatus.name).tuples()}
    return _download("returns", _list_url("portal.returns"), search=search_text(),
                     status=choice("status", statuses))


# --- Export jobs ------------------------------------------------------------------------------


@bp.route("/exports/<int:job_id>")
def export_job(job_id):
    """An export job's page: its progress while the worker writes it, then the download (or why it failed)."""
    job = get_owned_or_404(ExportJob, job_id)
    return render_template(
        "portal/export_job.html", job=job, kind=export_jobs.KINDS[job.kind], progress=export_jobs.describe(job),
        downloadable=export_jobs.job_file(job, export_folder()) is not None,
        most_rows=export_jobs.most_rows(current_app.config["EXPORT_JOB_MAX_ROWS"]),
        keep_hours=current_app.config["EXPORT_KEEP_HOURS"],
    )


@bp.route("/exports/<int:job_id>/progress")
def export_job_progress(job_id):
    """The job's progress as JSON, for the page's progress bar (static/export-progress.js)."""
    return export_job_progress_response(get_owned_or_404(ExportJob, job_id))


@bp.route("/exports/<int:job_id>/download")
def export_job_download(job_id):
    """The job's finished file, while it is kept."""
    return export_job_file_response(get_owned_or_404(ExportJob, job_id), export_folder())
