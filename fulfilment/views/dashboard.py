"""The dashboard: what needs the client's attention, each figure a link into its section."""

from flask import current_app, render_template
from peewee import JOIN, fn

from fulfilment.db import is_sqlite
from fulfilment.models import Backorder, Order, Picklist, PurchaseOrder
from fulfilment.services.orders import OPEN_STATUSES
from fulfilment.views.blueprint import bp
from fulfilment.views.products import product_listing
from fulfilment.views.scope import current_client

SHOWN = 5
# Newest first, written as an expression on SQLite on purpose: ordered by the bare column, SQLite
# walks the (client, created_at) index through every order of a client with few open ones (40 ms
# at 84,000 orders); by the expression it finds the open ones in (client, status, created_at) and
# sorts those. PostgreSQL merges the statuses' ranges of that index by the bare column (0.4 ms at
# a million orders), and the expression would make it sort every open order (10 ms).
_NEWEST_FIRST = fn.COALESCE(Order.created_at, Order.created_at).desc()


def _newest_first():
    return _NEWEST_FIRST if is_sqlite() else Order.created_at.desc()


@bp.route("/")
def dashboard():
    client = current_client()
    open_orders = Order.for_client(client).where(Order.status.in_(OPEN_STATUSES))
    backorder_count, backorder_units = (
        Backorder.for_client(client)
        .select(fn.COUNT(Backorder.id), fn.COALESCE(fn.SUM(Backorder.amount), 0))
        .tuples().first()
    )
    low_stock = product_listing(client, stock_filter="low", sort="free").rows()
    shipments = (
        Picklist.for_client(client).select(Picklist, Order)
        .join(Order, JOIN.LEFT_OUTER)
        .where(Picklist.status == "closed")
        .order_by(Picklist.closed_at.desc(), Picklist.id.desc())
    )
    expected = PurchaseOrder.for_client(client).where(PurchaseOrder.status == "purchased")
    return render_template(
        "portal/dashboard.html",
        open_orders=list(open_orders.order_by(_newest_first(), Order.id.desc()).limit(SHOWN)),
        open_order_count=open_orders.count(),
        backorder_count=backorder_count,
        backorder_units=backorder_units,
        low_stock=list(low_stock.limit(SHOWN)),
        low_stock_count=low_stock.count(),
        threshold=current_app.config["LOW_STOCK_THRESHOLD"],
        shipments=list(shipments.limit(SHOWN)),
        expected=list(expected.order_by(PurchaseOrder.delivery_date.is_null(), PurchaseOrder.delivery_date,
                                        PurchaseOrder.id).limit(SHOWN)),
        expected_count=expected.count(),
    )
