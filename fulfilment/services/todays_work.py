"""Today's work in the warehouse: which rows each of the back office's dashboard tiles counts.

Each function returns a condition on one model; the dashboard counts the rows it matches and the
list the tile links to filters with the very same condition, so a tile's number is the list's rows.
"""

from peewee import SQL, fn

from fulfilment.models import (
    OPEN_PURCHASE_ORDER_STATUSES,
    Backorder,
    Order,
    Picklist,
    PurchaseOrder,
    PurchaseOrderLine,
    Return,
    ReturnStatus,
    Shipment,
    Stock,
    WebshopOrder,
    utcnow,
)


def _picklist_open():
    return Picklist.status == "new"


def _order_to_pick():
    return Order.status == "processing"


def orders_to_pick():
    """Processing orders with a picklist not yet closed (a paused order's picklists wait)."""
    return _order_to_pick() & Order.id.in_(
        Picklist.select(Picklist.order).where(_picklist_open() & Picklist.order.is_null(False)))


def to_pick_totals():
    """(orders to pick, units on their open picklists), counted in one query.

    The orders are those of orders_to_pick(), from the same two conditions. Both figures come
    from the open picklists' (status, order, units) index and the processing orders' index, not
    from the picklists' lines (migration 23)."""
    return to_pick_totals_query().tuples().get()


def to_pick_totals_query():
    """The query of to_pick_totals: one row, (distinct orders, units)."""
    return (Picklist.select(fn.COUNT(Picklist.order.distinct()), fn.COALESCE(fn.SUM(Picklist.units), 0))
            .join(Order).where(_picklist_open() & _order_to_pick()))


def open_picklists():
    """Picklists made but not closed or cancelled (for orders and for return replacements)."""
    return _picklist_open()


def servable_backorders():
    """Backorders whose product has free stock in their warehouse now, or units still expected on
    an open purchase order (incoming stock that will serve them when it is received).

    Both are asked per backorder, one index lookup each: the backorders are few next to the stock
    rows and purchase-order lines. They are scalar subqueries, not EXISTS or IN, because PostgreSQL
    would hash every stock row and expected line for those first (at a million orders 44 ms
    against 10; SQLite 29 ms against 6.5 for IN lists)."""
    free_now = (Stock.select(Stock.stock - Stock.allocated)  # one row at most: (product, warehouse) is unique
                .where((Stock.product == Backorder.product) & (Stock.warehouse == Backorder.warehouse)))
    incoming = (PurchaseOrderLine.select(SQL("1")).join(PurchaseOrder)
                .where((PurchaseOrderLine.product == Backorder.product)
                       & PurchaseOrder.status.in_(OPEN_PURCHASE_ORDER_STATUSES)
                       & (PurchaseOrderLine.amount > PurchaseOrderLine.amount_received))
                .limit(1))
    return (free_now > 0) | (fn.COALESCE(incoming, 0) == 1)


def purchase_orders_due(today=None):
    """Purchased purchase orders expected today or earlier (overdue) whose goods have not all arrived."""
    today = today or utcnow().date()
    return (PurchaseOrder.status == "purchased") & (PurchaseOrder.delivery_date <= today)


def announced_returns():
    """Returns still in the status a new return gets (announced: the goods are on their way)."""
    return Return.status.in_(ReturnStatus.select(ReturnStatus.id).where(ReturnStatus.is_default == True))  # noqa: E712


def failed_imports():
    """Webshop orders the import could not turn into orders."""
    return WebshopOrder.status == "error"


def failed_tracking_pushes():
    """Shipments whose tracking code the webshop has not accepted after its retries."""
    return Shipment.webshop_push_status == "failed"
