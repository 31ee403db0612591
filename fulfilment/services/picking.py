"""Picklists and shipments: creating a picklist for allocated stock, closing it, shipping it."""

from fulfilment.db import insert_in_batches, locked, write_transaction
from fulfilment.i18n import _, _l, force_locale, ngettext
from fulfilment.models import Backorder, Carrier, Order, Picklist, PicklistLine, Product, Shipment, utcnow
from fulfilment.services import carriers, events, stock
from fulfilment.services.actors import client_language, describe_actor
from fulfilment.services.addresses import picklist_address
from fulfilment.services.errors import ValidationFailed, WrongStatus
from fulfilment.services.numbering import assign_number
from fulfilment.services.order_state import lock_order, log_order_event, settle_order
from fulfilment.vocabulary import status_label


def create_picklist(client, warehouse, lines, order=None, return_=None):
    """Create a picklist for lines that are already allocated: [(product, amount, order_line or None)].

    The lines go in with one INSERT per 2,500; the picklist keeps their units (``units``).
    """
    with write_transaction():
        picklist = Picklist.create(
            client=client, warehouse=warehouse, order=order, return_=return_,
            units=sum(amount for _product, amount, _order_line in lines),
            **picklist_address(order if order is not None else return_),
        )
        assign_number(picklist)
        insert_in_batches(PicklistLine, [
            {"client": picklist.client_id, "picklist": picklist.id, "product": getattr(product, "id", product),
             "amount": amount, "amount_picked": 0, "order_line": getattr(order_line, "id", order_line)}
            for product, amount, order_line in lines
        ])
        events.emit("picklists.created", picklist)
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
            raise WrongStatus(_("Order %(number)s is paused; resume it before picking.", number=order.number))
        if order.status in ("cancelled", "completed"):
            raise WrongStatus(_("Order %(number)s is %(status)s; its picklists cannot be picked.",
                                number=order.number, status=status_label(order.status)))
    else:
        order = None
    picklist = locked(Picklist.select().where(Picklist.id == picklist.id)).get()
    if picklist.status != "new":
        raise WrongStatus(_("Picklist %(number)s is %(status)s; only new picklists can be closed.",
                            number=picklist.number, status=status_label(picklist.status)))
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
        with force_locale(client_language(picklist.client_id)):  # the ledger's words are the client's
            picked_reason = _("Picklist %(number)s", number=picklist.number)
            missing_reason = _("Not found while picking %(number)s", number=picklist.number)
        backordered = []
        for line in lines:
            amount_picked = picked.get(line.id, line.amount)
            if amount_picked:
                stock.record_mutation(
                    line.product, picklist.warehouse_id, -amount_picked, "picklist",
                    reason=picked_reason, actor=actor, release=amount_picked, picklist=picklist,
                )
            missing = line.amount - amount_picked
            if missing:
                stock.record_mutation(
                    line.product, picklist.warehouse_id, -missing, "correction",
                    reason=missing_reason, actor=actor, release=missing,
                    picklist=picklist,
                )
                if line.order_line_id:
                    Backorder.create(client=line.client_id, order=picklist.order_id, order_line=line.order_line_id,
                                     product=line.product, warehouse=picklist.warehouse_id, amount=missing)
                    backordered.append((line.product, missing))
            PicklistLine.update(amount_picked=amount_picked).where(PicklistLine.id == line.id).execute()
        picklist.status = "closed"
        picklist.closed_at = utcnow()
        picklist.closed_by = describe_actor(actor)
        picklist.save()
        events.emit("picklists.closed", picklist)
        for shipment in shipments:
            add_shipment(picklist, actor=actor, **shipment)
        if order is not None:
            log_order_event(order, "picked", _l("Picklist %(number)s picked", number=picklist.number), actor)
            if backordered:
                events.emit("orders.backordered", order, lines=backordered)
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
            raise ValidationFailed(_("Line %(line)s is not on this picklist.", line=line_id))
        if not isinstance(amount, int) or isinstance(amount, bool) or not 0 <= amount <= line.amount:
            raise ValidationFailed(_("Picked amount for %(code)s must be between 0 and %(amount)s.",
                                     code=line.product.product_code, amount=line.amount))
        cleaned[line.id] = amount
    return cleaned


def can_close(picklist):
    return picklist.status == "new"


can_cancel = can_close


def why_not_cancel(picklist):
    """Why the picklist cannot be cancelled now ("" when it can)."""
    if can_cancel(picklist):
        return ""
    return _("Picklist %(number)s is %(status)s; only new picklists can be cancelled.", number=picklist.number,
             status=status_label(picklist.status))


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
        events.emit("picklists.cancelled", picklist)
        if order is not None:
            log_order_event(order, order.status, _l("Picklist %(number)s cancelled; its products wait as backorders",
                                                    number=picklist.number), actor)
        return picklist


def _lock_for_cancel(picklist):
    order = lock_order(picklist.order_id) if picklist.order_id else None
    picklist = locked(Picklist.select().where(Picklist.id == picklist.id)).get()
    if picklist.status != "new":
        raise WrongStatus(why_not_cancel(picklist))
    return order, picklist


def release_open_picklists(order):
    """Cancel every new picklist of order and release its allocation (the order is being cancelled)."""
    for picklist in Picklist.select().where((Picklist.order == order) & (Picklist.status == "new")):
        for line in picklist_lines(picklist):
            stock.release(line.product, picklist.warehouse_id, line.amount)
        picklist.status = "cancelled"
        picklist.save()
        events.emit("picklists.cancelled", picklist)


def add_shipment(picklist, carrier="", tracking_code="", tracking_url="", actor=None):
    """Record a shipment of a closed picklist; a webshop order's shop is told about it later.

    ``carrier`` is a Carrier from the table (the back office and the API pass one): the tracking
    link is then built from its template and the code, and a typed link is refused. A plain name
    (webshop imports, older callers) keeps the link it is given.
    """
    if picklist.status != "closed":
        raise WrongStatus(_("Only a closed (picked) picklist can be shipped."))
    if isinstance(carrier, Carrier):
        if (tracking_url or "").strip():
            raise ValidationFailed(_("The tracking link is built from the carrier and the tracking code; "
                                     "do not type one."))
        tracking_url = carriers.tracking_url(carrier, tracking_code, picklist.delivery_country,
                                             picklist.delivery_zipcode)
        carrier = carrier.name
    carrier = (carrier or "").strip()
    if not carrier:
        raise ValidationFailed(_("A shipment needs a carrier."))
    tracking_url = (tracking_url or "").strip()
    if tracking_url and not tracking_url.startswith(("https://", "http://")):
        raise ValidationFailed(_("The tracking URL must start with https:// or http://."))
    with write_transaction():
        order = Order.get_by_id(picklist.order_id) if picklist.order_id else None
        shipment = Shipment.create(
            client=picklist.client_id, picklist=picklist, order=order, carrier=carrier[:255],
            tracking_code=(tracking_code or "").strip()[:255], tracking_url=tracking_url[:255],
            webshop_push_status="pending" if order is not None and order.webshop_id else "",
        )
        events.emit("picklists.shipments.created", shipment)
        return shipment


# --- Pick and ship: counting scanned units, then closing with a carrier ----------------------


class BarcodeRefused(ValidationFailed):
    """A scanned barcode that counts nothing: not on the picklist, or all its units already counted."""


def count_scan(picklist, barcode, actor=None):
    """Count one unit of the product with this barcode (or product code) on a new picklist.

    One transaction; refuses a barcode that is not on the picklist and a unit more than the line
    holds, and then changes nothing. Returns the line counted.
    """
    code = (barcode or "").strip()
    if not code:
        raise BarcodeRefused(_("Scan or type a barcode first."))
    with write_transaction():
        _order, picklist = _lock_for_picking(picklist)
        lines = picklist_lines(picklist)
        matching = [line for line in lines if code in (line.product.barcode, line.product.product_code)]
        if not matching:
            raise BarcodeRefused(_("Barcode %(barcode)s is not on picklist %(number)s. Put the product back.",
                                   barcode=code, number=picklist.number))
        line = next((line for line in matching if line.amount_picked < line.amount), None)
        if line is None:
            product = matching[0].product
            raise BarcodeRefused(ngettext("%(num)s unit of %(code)s is already counted; this one is one too many.",
                                          "All %(num)s of %(code)s are already counted; this one is one too many.",
                                          sum(m.amount for m in matching), code=product.product_code))
        updated = (PicklistLine.update(amount_picked=PicklistLine.amount_picked + 1)
                   .where((PicklistLine.id == line.id) & (PicklistLine.amount_picked < PicklistLine.amount))
                   .execute())
        if updated != 1:
            raise BarcodeRefused(_("All units of %(code)s are already counted.", code=line.product.product_code))
        line.amount_picked += 1
        return line


def reset_counts(picklist, actor=None):
    """Start counting a new picklist again from zero."""
    with write_transaction():
        _order, picklist = _lock_for_picking(picklist)
        PicklistLine.update(amount_picked=0).where(PicklistLine.picklist == picklist).execute()


def units_to_count(lines):
    return sum(line.amount - line.amount_picked for line in lines)


def ship_counted_picklist(picklist, carrier, tracking_code, actor=None):
    """Close a picklist whose every unit has been counted and ship it with carrier (a Carrier) and code."""
    if not isinstance(carrier, Carrier):
        raise ValidationFailed(_("Choose a carrier."))
    with write_transaction():
        _order, locked_picklist = _lock_for_picking(picklist)
        lines = picklist_lines(locked_picklist)
        left = units_to_count(lines)
        if left:
            raise ValidationFailed(ngettext("%(num)s unit still to scan; count every unit before shipping.",
                                            "%(num)s units still to scan; count every unit before shipping.", left))
        return close_picklist(locked_picklist, actor, {line.id: line.amount_picked for line in lines},
                              [{"carrier": carrier, "tracking_code": tracking_code}])
