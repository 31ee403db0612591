"""Picklists and shipments: creating a picklist for allocated stock, closing it, shipping it."""

from fulfilment.db import insert_in_batches, locked, write_transaction
from fulfilment.models import Backorder, Order, Picklist, PicklistLine, Product, Shipment, utcnow
from fulfilment.services import stock
from fulfilment.services.actors import describe_actor
from fulfilment.services.addresses import picklist_address
from fulfilment.services.errors import ValidationFailed, WrongStatus
from fulfilment.services.numbering import assign_number
from fulfilment.services.order_state import lock_order, log_order_event, settle_order


def create_picklist(client, warehouse, lines, order=None, return_=None):
    """Create a picklist for lines that are already allocated: [(product, amount, order_line or None)].

    The lines go in with one INSERT per 2,500.
    """
    with write_transaction():
        picklist = Picklist.create(
            client=client, warehouse=warehouse, order=order, return_=return_,
            **picklist_address(order if order is not None else return_),
        )
        assign_number(picklist)
        insert_in_batches(PicklistLine, [
            {"client": picklist.client_id, "picklist": picklist.id, "product": getattr(product, "id", product),
             "amount": amount, "amount_picked": 0, "order_line": getattr(order_line, "id", order_line)}
            for product, amount, order_line in lines
        ])
        return picklist


def picklist_lines(picklist):
    """The picklist's lines with their products, in one query."""
    return list(
        PicklistLine.select(PicklistLine, Product).join(Product)
        .where(PicklistLine.picklist == picklist).order_by(PicklistLine.id)
    )


def _lock_for_picking(picklist):
    """Lock the order (if any) and then the picklist, and check both allow picking."""
    if picklist.order_id:
        order = lock_order(picklist.order_id)
        if order.status == "paused":
            raise WrongStatus(f"Order {order.number} is paused; resume it before picking.")
        if order.status in ("cancelled", "completed"):
            raise WrongStatus(f"Order {order.number} is {order.status}; its picklists cannot be picked.")
    else:
        order = None
    picklist = locked(Picklist.select().where(Picklist.id == picklist.id)).get()
    if picklist.status != "new":
        raise WrongStatus(f"Picklist {picklist.number} is {picklist.status}; only new picklists can be closed.")
    return order, picklist


def close_picklist(picklist, actor=None, picked=None, shipments=()):
    """Close a picklist with the picked amounts and record its shipments.

    ``picked`` maps picklist line id -> amount picked (default: everything). Picked units leave
    stock (ledger: picklist) and stop being allocated. Units that were not found are written off
    (ledger: correction) and go back to the order as a backorder. The order completes when
    nothing of it is left to pick.
    """
    with write_transaction():
        order, picklist = _lock_for_picking(picklist)
        lines = picklist_lines(picklist)
        stock.lock_stock_rows([line.product for line in lines], picklist.warehouse_id)
        picked = _clean_picked_amounts(picked, lines)
        for line in lines:
            amount_picked = picked.get(line.id, line.amount)
            if amount_picked:
                stock.record_mutation(
                    line.product, picklist.warehouse_id, -amount_picked, "picklist",
                    reason=f"Picklist {picklist.number}", actor=actor, release=amount_picked, picklist=picklist,
                )
            missing = line.amount - amount_picked
            if missing:
                stock.record_mutation(
                    line.product, picklist.warehouse_id, -missing, "correction",
                    reason=f"Not found while picking {picklist.number}", actor=actor, release=missing,
                    picklist=picklist,
                )
                if line.order_line_id:
                    Backorder.create(client=line.client_id, order=picklist.order_id, order_line=line.order_line_id,
                                     product=line.product, warehouse=picklist.warehouse_id, amount=missing)
            PicklistLine.update(amount_picked=amount_picked).where(PicklistLine.id == line.id).execute()
        picklist.status = "closed"
        picklist.closed_at = utcnow()
        picklist.closed_by = describe_actor(actor)
        picklist.save()
        for shipment in shipments:
            add_shipment(picklist, actor=actor, **shipment)
        if order is not None:
            log_order_event(order, "picked", f"Picklist {picklist.number} picked", actor)
            settle_order(order, actor)
        return picklist


def _clean_picked_amounts(picked, lines):
    if picked is None:
        return {}
    by_id = {line.id: line for line in lines}
    cleaned = {}
    for line_id, amount in picked.items():
        line = by_id.get(int(line_id))
        if line is None:
            raise ValidationFailed(f"Line {line_id} is not on this picklist.")
        if not isinstance(amount, int) or isinstance(amount, bool) or not 0 <= amount <= line.amount:
            raise ValidationFailed(
                f"Picked amount for {line.product.product_code} must be between 0 and {line.amount}."
            )
        cleaned[line.id] = amount
    return cleaned


def can_close(picklist):
    return picklist.status == "new"


can_cancel = can_close


def why_not_cancel(picklist):
    """Why the picklist cannot be cancelled now ("" when it can)."""
    return "" if can_cancel(picklist) else f"Picklist {picklist.number} is {picklist.status}; only new picklists " \
        "can be cancelled."


def cancel_picklist(picklist, actor=None):
    """Cancel a new picklist: its allocation is released and its order lines wait as backorders again."""
    with write_transaction():
        order, picklist = _lock_for_cancel(picklist)
        lines = picklist_lines(picklist)
        stock.lock_stock_rows([line.product for line in lines], picklist.warehouse_id)
        for line in lines:
            stock.release(line.product, picklist.warehouse_id, line.amount)
            if line.order_line_id:
                Backorder.create(client=line.client_id, order=picklist.order_id, order_line=line.order_line_id,
                                 product=line.product, warehouse=picklist.warehouse_id, amount=line.amount)
        picklist.status = "cancelled"
        picklist.save()
        if order is not None:
            log_order_event(order, order.status, f"Picklist {picklist.number} cancelled; its products wait as "
                                                 "backorders", actor)
        return picklist


def _lock_for_cancel(picklist):
    order = lock_order(picklist.order_id) if picklist.order_id else None
    picklist = locked(Picklist.select().where(Picklist.id == picklist.id)).get()
    if picklist.status != "new":
        raise WrongStatus(f"Picklist {picklist.number} is {picklist.status}; only new picklists can be cancelled.")
    return order, picklist


def release_open_picklists(order):
    """Cancel every new picklist of order and release its allocation (the order is being cancelled)."""
    for picklist in Picklist.select().where((Picklist.order == order) & (Picklist.status == "new")):
        for line in picklist_lines(picklist):
            stock.release(line.product, picklist.warehouse_id, line.amount)
        picklist.status = "cancelled"
        picklist.save()


def add_shipment(picklist, carrier="", tracking_code="", tracking_url="", actor=None):
    """Record a shipment of a closed picklist; a webshop order's shop is told about it later."""
    if picklist.status != "closed":
        raise WrongStatus("Only a closed (picked) picklist can be shipped.")
    carrier = (carrier or "").strip()
    if not carrier:
        raise ValidationFailed("A shipment needs a carrier.")
    tracking_url = (tracking_url or "").strip()
    if tracking_url and not tracking_url.startswith(("https://", "http://")):
        raise ValidationFailed("The tracking URL must start with https:// or http://.")
    with write_transaction():
        order = Order.get_by_id(picklist.order_id) if picklist.order_id else None
        return Shipment.create(
            client=picklist.client_id, picklist=picklist, order=order, carrier=carrier[:255],
            tracking_code=(tracking_code or "").strip()[:255], tracking_url=tracking_url[:255],
            webshop_push_status="pending" if order is not None and order.webshop_id else "",
        )
