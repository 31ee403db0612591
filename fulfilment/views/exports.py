"""Excel downloads of the portal's lists: the client's own rows, with the filters on screen.

Each route reads the same URL arguments as its list page and hands them to
services.client_exports, which scopes every query to current_client(). A refused export (too
many rows, a wrong date range) goes back to the page it came from with the reason.
"""

from datetime import date

from flask import current_app, flash, redirect, request, url_for

from fulfilment.downloads import spreadsheet_response
from fulfilment.models import ORDER_SOURCES, ORDER_STATUSES, PURCHASE_ORDER_STATUSES, Product, ReturnStatus
from fulfilment.services import client_exports
from fulfilment.services.errors import DomainError
from fulfilment.services.listings import STOCK_FILTERS
from fulfilment.views.blueprint import bp
from fulfilment.views.listing import choice, search_text
from fulfilment.views.scope import current_client, get_owned_or_404


def _download(export, back_to, **filters):
    """The current client's export as a download; a refusal flashes its reason on back_to."""
    try:
        spreadsheet = export(current_client(), max_rows=current_app.config["EXPORT_MAX_ROWS"], **filters)
    except DomainError as error:
        flash(error.message, "error")
        return redirect(back_to)
    return spreadsheet_response(spreadsheet)


def _list_url(endpoint, **values):
    """The list page the export came from, with its filters."""
    args = {key: value for key, value in request.args.items() if key not in ("from", "to")}
    return url_for(endpoint, **values, **args)


@bp.route("/products/export.xlsx")
def products_export():
    return _download(
        client_exports.export_products, _list_url("portal.products"), search=search_text(),
        stock_filter=choice("stock", STOCK_FILTERS), low_stock_threshold=current_app.config["LOW_STOCK_THRESHOLD"],
        sort=request.args.get("sort", "code"),
    )


@bp.route("/stock-history/export.xlsx")
def stock_history_export():
    """Stock history of all the client's products, or of one (?product=id), between ?from= and ?to=."""
    client = current_client()
    product = None
    back_to = url_for("portal.products")
    if request.args.get("product"):
        product_id = request.args.get("product", type=int) or 0
        product = get_owned_or_404(Product.for_client(client), product_id)
        back_to = url_for("portal.product", product_id=product.id, _anchor="history")
    try:
        date_from, date_to = _requested_date("from"), _requested_date("to")
    except ValueError:
        flash("Enter the dates of the stock history as YYYY-MM-DD.", "error")
        return redirect(back_to)
    return _download(client_exports.export_stock_history, back_to, date_from=date_from, date_to=date_to,
                     product=product)


def _requested_date(arg):
    value = (request.args.get(arg) or "").strip()
    return date.fromisoformat(value) if value else None


@bp.route("/orders/export.xlsx")
def orders_export():
    return _download(client_exports.export_orders, _list_url("portal.orders"), search=search_text(),
                     status=choice("status", ORDER_STATUSES), source=choice("source", ORDER_SOURCES))


@bp.route("/shipments/export.xlsx")
def shipments_export():
    return _download(client_exports.export_shipments, _list_url("portal.shipments"), search=search_text())


@bp.route("/backorders/export.xlsx")
def backorders_export():
    return _download(client_exports.export_backorders, _list_url("portal.backorders"), search=search_text())


@bp.route("/purchase-orders/export.xlsx")
def purchase_orders_export():
    return _download(client_exports.export_purchase_orders, _list_url("portal.purchase_orders"),
                     search=search_text(), status=choice("status", PURCHASE_ORDER_STATUSES))


@bp.route("/returns/export.xlsx")
def returns_export():
    statuses = {name for (name,) in ReturnStatus.select(ReturnStatus.name).tuples()}
    return _download(client_exports.export_returns, _list_url("portal.returns"), search=search_text(),
                     status=choice("status", statuses))
