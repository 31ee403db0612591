"""Backorders: the parts of order lines waiting for stock, served oldest first."""

from collections import defaultdict

from fulfilment.db import write_transaction
from fulfilment.i18n import _, _l, lazy_ngettext
from fulfilment.models import Backorder, Order, OrderLine, Product
from fulfilment.services import events, stock
from fulfilment.services.errors import WrongStatus
from fulfilment.services.order_state import lock_order, log_order_event, settle_order
from fulfilment.services.picking import create_picklist
from fulfilment.vocabulary import status_label


def serve_backorders(products=None, orders=None, actor=None):
    """Allocate free stock to waiting backorders, oldest first; each served order gets a picklist.

    Only backorders of processing orders are served (a paused order waits until it resumes).
    Returns the number of units allocated.
    """
    with write_transaction():
        query = (
            Backorder.select(Backorder, Product, Order)
            .join_from(Backorder, Product)
            .join_from(Backorder, Order)
            .where(Order.status == "processing")
            .order_by(Backorder.created_at, Backorder.id)
        )
        if products is not None:
            query = query.where(Backorder.product.in_([p.id for p in products]))
        if orders is not None:
            query = query.where(Backorder.order.in_([o.id for o in orders]))
        waiting = list(query)
        for warehouse in sorted({backorder.warehouse_id for backorder in waiting}):
            stock.lock_stock_rows([b.product for b in waiting if b.warehouse_id == warehouse], warehouse)
        served = defaultdict(list)
        total = 0
        for backorder in waiting:
            taken = stock.allocate_up_to(backorder.product, backorder.warehouse_id, backorder.amount)
            if not taken:
                continue
            if not _take_from_backorder(backorder, taken):
                # Served or cancelled by a concurrent transaction meanwhile: give the stock back.
                stock.release(backorder.product, backorder.warehouse_id, taken)
                continue
            served[backorder.order].append((backorder.product, taken, backorder.order_line_id, backorder.warehouse_id))
            total += taken
        for order, lines in served.items():
            warehouse = lines[0][3]
            picklist = create_picklist(order.client_id, warehouse, [line[:3] for line in lines], order=order)
            log_order_event(order, order.status, _l("Backorder served: picklist %(number)s", number=picklist.number),
                            actor)
            events.emit("orders.backorders_served", order, picklist=picklist)
        return total


def _take_from_backorder(backorder, taken):
    """Reduce the backorder by taken (deleting it when nothing is left); False if it changed meanwhile."""
    if taken == backorder.amount:
        query = Backorder.delete().where((Backorder.id == backorder.id) & (Backorder.amount == taken))
    else:
        query = Backorder.update(amount=Backorder.amount - taken).where(
            (Backorder.id == backorder.id) & (Backorder.amount >= taken)
        )
    return query.execute() == 1


def cancel_backorder(backorder, actor=None):
    """Cancel the backordered part of an order line; the order settles if nothing else is left."""
    with write_transaction():
        order = lock_order(backorder.order)
        if order.status not in ("processing", "paused"):
            raise WrongStatus(_("Order %(number)s is %(status)s; its backorders cannot be cancelled.",
                                number=order.number, status=status_label(order.status)))
        backorder = Backorder.get_or_none(Backorder.id == backorder.id)
        if backorder is None:
            raise WrongStatus(_("This backorder was served or cancelled meanwhile."))
        OrderLine.update(amount_cancelled=OrderLine.amount_cancelled + backorder.amount).where(
            OrderLine.id == backorder.order_line_id
        ).execute()
        backorder.delete_instance()
        cancelled = lazy_ngettext("Backorder of %(num)s unit cancelled", "Backorder of %(num)s units cancelled",
                                  backorder.amount)
        log_order_event(order, order.status, cancelled, actor)
        settle_order(order, actor)
