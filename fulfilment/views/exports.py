"""Excel downloads of the portal's lists: the client's own rows, with the filters on screen.

Each route reads the same URL arguments as its list page and hands them to
services.client_exports, which scopes every query to current_client(). A refused export (too
many rows, a wrong date range) goes back to the page it came from with the reason.
"""

from flask import current_app, flash, redirect, request, url_for

from fulfilment.downloads import spreadsheet_response
from fulfilment.models import ORDER_SOURCES, PURCHASE_ORDER_STATUSES, ReturnStatus
from fulfilment.services import client_exports, listings
from fulfilment.services.errors import DomainError
from fulfilment.services.listings import STOCK_FILTERS
from fulfilment.views.blueprint import bp
from fulfilment.views.listing import choice, search_text
from fulfilment.views.scope import current_client
from fulfilment.views.stock_history import BadFilter, stock_history_filters


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
    return _download(client_exports.export_stock_history, back_to, **filters)


@bp.route("/orders/export.xlsx")
def orders_export():
    return _download(client_exports.export_orders, _list_url("portal.orders"), search=search_text(),
                     status=choice("status", listings.ORDER_STATUS_FILTERS), source=choice("source", ORDER_SOURCES))


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
