"""An order's state that picking and backorders change too: its history log and settling.

The history's own texts ("Processed", "Picklist P000012 picked") are written in the client's
language (services.actors.written_for): callers pass them marked with ``_l``, with their values;
a person's own words (a pause reason) are kept as typed.
"""

from fulfilment.db import is_sqlite
from fulfilment.i18n import _l
from fulfilment.models import Backorder, Order, OrderEvent, Picklist, utcnow
from fulfilment.services import events
from fulfilment.services.actors import describe_actor, written_for


def lock_order(order):
    """Re-read the order (or the order with this id) in the current transaction, locked against changes.

    On PostgreSQL the lock is FOR NO KEY UPDATE: changes of one order still wait for each other,
    but a receipt may meanwhile add rows that refer to the order (serving its backorder). With FOR
    UPDATE such a receipt, holding a stock row, would wait for this transaction while this one
    waits for that stock row: a deadlock.
    """
    query = Order.select().where(Order.id == getattr(order, "id", order))
    return (query if is_sqlite() else query.for_update("FOR NO KEY UPDATE")).get()


def is_picked(order):
    """An order is picked once any of its picklists is closed."""
    return Picklist.select().where((Picklist.order == order) & (Picklist.status == "closed")).exists()


def log_order_event(order, status, message="", actor=None):
    """Add a line to the order's history; a marked message is written in the client's language."""
    message = written_for(order.client_id, message)
    OrderEvent.create(client=order.client_id, order=order, status=status, message=message[:255],
                      actor=describe_actor(actor))


def settle_order(order, actor=None):
    """Complete (or, when nothing was shipped, cancel) an order that has nothing left to pick."""
    if order.status != "processing":
        return order
    open_picklists = Picklist.select().where((Picklist.order == order) & (Picklist.status == "new")).exists()
    if open_picklists or Backorder.select().where(Backorder.order == order).exists():
        return order
    if is_picked(order):
        order.status, order.completed_at = "completed", utcnow()
        message = _l("Completed: everything shipped")
    else:
        order.status, order.cancelled_at = "cancelled", utcnow()
        message = _l("Cancelled: every product was cancelled")
    order.updated_at = utcnow()
    order.save()
    log_order_event(order, order.status, message, actor)
    events.emit(("orders.completed", "orders.status_changed") if order.status == "completed" else
                "orders.status_changed", order)
    return order
