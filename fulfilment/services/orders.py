"""Orders: create from any source, process, pause and resume, cancel, change address, duplicate.

An order is *picked* once any of its picklists is closed; from then on its address cannot
change and it cannot be cancelled.
"""

from collections import defaultdict
from decimal import Decimal

from peewee import fn

from fulfilment.db import insert_in_batches, write_transaction
from fulfilment.i18n import _, _l, lazy_ngettext
from fulfilment.models import (
    ORDER_SOURCES,
    Backorder,
    Order,
    OrderLine,
    Picklist,
    PicklistLine,
    Product,
    Shipment,
    Warehouse,
    utcnow,
)
from fulfilment.services import addressbook, events, idempotency, stock
from fulfilment.services.addresses import DELIVERY_FIELDS, clean_delivery_address, picklist_address
from fulfilment.services.addresses import REQUIRED as REQUIRED_ADDRESS
from fulfilment.services.backorders import serve_backorders
from fulfilment.services.catalog import usable_product
from fulfilment.services.errors import (
    IncompleteAddress,
    OrderLinesLocked,
    OrderNotChangeable,
    ValidationFailed,
    WrongStatus,
)
from fulfilment.services.numbering import assign_number
from fulfilment.services.order_state import is_picked, lock_order, log_order_event
from fulfilment.services.picking import create_picklist, release_open_picklists
from fulfilment.services.quantities import clean_amount
from fulfilment.vocabulary import status_label

OPEN_STATUSES = ("concept", "expected", "processing", "paused")
HEADER_FIELDS = (
    "reference", "email", "telephone", "customer_remarks",
    "invoice_name", "invoice_contact_name", "invoice_address", "invoice_address2", "invoice_zipcode",
    "invoice_city", "invoice_region", "invoice_country",
)
CONCEPT_STATUSES = ("concept", "expected")
# The first line of an order's history, per source (ORDER_SOURCES).
CREATED = {
    "portal": _l("Created (portal)"),
    "import": _l("Created (import)"),
    "webshop": _l("Created (webshop)"),
    "api": _l("Created (api)"),
    "staff": _l("Created (staff)"),
}


def _clean_header(fields):
    cleaned = {}
    for name in HEADER_FIELDS:
        if name in fields:
            value = fields[name]
            cleaned[name] = (value or "").strip() if isinstance(value, str) or value is None else value
    unknown = set(fields) - set(HEADER_FIELDS) - set(DELIVERY_FIELDS)
    if unknown:
        raise ValidationFailed(_("Unknown order field(s): %(fields)s.", fields=", ".join(sorted(unknown))))
    return cleaned


def create_order(client, lines, *, source, actor=None, fields=None, webshop=None, foreign_id=None,
                 foreign_number="", status="concept", once_key=None):
    """Create an order (a concept unless status='expected') with lines [(product, amount[, price[, remarks]])].

    ``fields`` holds the delivery_* address and header fields such as reference. As in Picqer,
    a concept needs only the recipient's name; processing needs a shippable address.
    ``once_key`` (an import preview's or a form's key) makes a repeated create refuse with
    AlreadyCreated. The lines are inserted in bulk: a few statements for any number of lines.
    """
    if source not in ORDER_SOURCES:
        raise ValidationFailed(_("Unknown order source %(source)s.", source=repr(source)))
    if status not in CONCEPT_STATUSES:
        raise ValidationFailed(_("A new order is a concept or expected."))
    if not lines:
        raise ValidationFailed(_("An order needs at least one product."))
    fields = dict(fields or {})
    address = clean_delivery_address({k: v for k, v in fields.items() if k in DELIVERY_FIELDS}, require=False)
    if not address.get("delivery_name"):
        raise IncompleteAddress(["delivery_name"])
    header = _clean_header(fields)
    cleaned_lines = []
    for line in lines:
        product, amount = line[0], line[1]
        price = line[2] if len(line) > 2 and line[2] is not None else None
        remarks = (line[3] if len(line) > 3 else "") or ""
        product = usable_product(client, product)
        cleaned_lines.append((product, clean_amount(amount, product.product_code),
                              product.price if price is None else Decimal(str(price)), remarks[:255]))
    with write_transaction():
        claimed = idempotency.claim(client, once_key, "import" if source == "import" else "order")
        order = Order.create(client=client, source=source, status=status, webshop=webshop, foreign_id=foreign_id,
                             foreign_number=foreign_number or "", **address, **header)
        assign_number(order)
        insert_in_batches(OrderLine, [
            {"client": order.client_id, "order": order.id, "product": product.id, "amount": amount,
             "amount_cancelled": 0, "price": price, "remarks": remarks}
            for product, amount, price, remarks in cleaned_lines
        ])
        log_order_event(order, status, CREATED[source], actor)
        idempotency.record(claimed, order, order.number)
        events.emit("orders.created", order)
        return order


def missing_address_fields(order):
    """The delivery fields a processed order still lacks (order field names), in the form's order."""
    return [name for name in REQUIRED_ADDRESS if not (getattr(order, name) or "").strip()]


def check_shippable(order):
    """Refuse with IncompleteAddress, naming the missing fields, unless the order can be shipped."""
    missing = missing_address_fields(order)
    if missing:
        raise IncompleteAddress(missing, order)


def order_lines(order):
    """The order's lines with their products, in one query."""
    return list(OrderLine.select(OrderLine, Product).join(Product).where(OrderLine.order == order)
                .order_by(OrderLine.id))


def line_progress(order):
    """Per order line, in line order: the line (with its product) and its units ``allocated`` on open
    picklists, ``backordered``, ``picked`` and ``shipped``, in at most four queries whatever the number of lines."""
    lines = order_lines(order)
    allocated, picked, shipped = defaultdict(int), defaultdict(int), defaultdict(int)
    if order.status in CONCEPT_STATUSES:  # nothing allocated, backordered or picked yet
        return [{"line": line, "allocated": 0, "backordered": 0, "picked": 0, "shipped": 0} for line in lines]
    shipped_picklists = {row.picklist_id for row in Shipment.select(Shipment.picklist).where(Shipment.order == order)}
    for line in (PicklistLine.select(PicklistLine.order_line, PicklistLine.amount, PicklistLine.amount_picked,
                                     Picklist.id, Picklist.status)
                 .join(Picklist).where(Picklist.order == order)):
        if line.picklist.status == "new":
            allocated[line.order_line_id] += line.amount
        elif line.picklist.status == "closed":
            picked[line.order_line_id] += line.amount_picked
            if line.picklist.id in shipped_picklists:
                shipped[line.order_line_id] += line.amount_picked
    backordered = dict(Backorder.select(Backorder.order_line, fn.SUM(Backorder.amount))
                       .where(Backorder.order == order).group_by(Backorder.order_line).tuples())
    return [
        {"line": line, "allocated": allocated[line.id], "backordered": int(backordered.get(line.id, 0)),
         "picked": picked[line.id], "shipped": shipped[line.id]}
        for line in lines
    ]


def process_order(order, actor=None):
    """Allocate free stock to the order's lines on one picklist; backorder the rest.

    Set-based: the stock rows are locked and allocated in bulk and the picklist and backorder
    lines inserted in bulk, so an order of 10,000 lines takes a few dozen statements.
    """
    with write_transaction():
        order = lock_order(order)
        if not can_process(order):
            raise WrongStatus(why_not_process(order))
        check_shippable(order)
        # Plain tuples: building 10,000 model instances would cost more than the whole allocation.
        lines = list(OrderLine.select(OrderLine.id, OrderLine.product, OrderLine.amount, OrderLine.amount_cancelled)
                     .where(OrderLine.order == order).order_by(OrderLine.id).tuples())
        if not lines:
            raise ValidationFailed(_("An order needs at least one product before it can be processed."))
        warehouse_id = order.warehouse_id or Warehouse.default().id
        wanted = [amount - cancelled for _line_id, _product_id, amount, cancelled in lines]
        product_ids = [product_id for _line_id, product_id, _amount, _cancelled in lines]
        taken = stock.allocate_many(list(zip(product_ids, wanted, strict=True)), warehouse_id)
        to_pick = [(product_id, took, line_id)
                   for (line_id, product_id, _amount, _cancelled), took in zip(lines, taken, strict=True) if took]
        allocated_ids = sorted({product_id for product_id, _took, _line_id in to_pick})
        events.emit_for_each("products.free_stock_changed", order.client_id,
                             lambda: Product.select().where(Product.id.in_(allocated_ids)).order_by(Product.id))
        now = utcnow()
        waiting = [
            {"client": order.client_id, "order": order.id, "order_line": line_id, "product": product_id,
             "warehouse": warehouse_id, "amount": amount - took, "created_at": now}
            for (line_id, product_id, _amount, _cancelled), amount, took in zip(lines, wanted, taken, strict=True)
            if amount > took
        ]
        insert_in_batches(Backorder, waiting)
        if to_pick:
            create_picklist(order.client_id, warehouse_id, to_pick, order=order)
        backordered = sum(row["amount"] for row in waiting)
        order.status = "processing"
        order.warehouse = warehouse_id
        order.processed_at = order.updated_at = now
        order.save()
        message = (lazy_ngettext("Processed; %(num)s unit backordered", "Processed; %(num)s units backordered",
                                  backordered) if backordered
                   else _l("Processed"))
        log_order_event(order, "processing", message, actor)
        events.emit(("orders.closed", "orders.allocated", "orders.status_changed"), order)
        if waiting:
            products = {product.id: product for product in
                        Product.select().where(Product.id.in_({row["product"] for row in waiting}))}
            events.emit("orders.backordered", order,
                        lines=[(products[row["product"]], row["amount"]) for row in waiting])
        return order


def place_order(client, lines, *, source, actor=None, fields=None, save_to_address_book=None, once_key=None):
    """Create an order and process it at once, in one transaction, so the client sees the result right away.

    ``save_to_address_book`` (a dict, possibly empty, of the entry's email and telephone) also
    adds the delivery address to the client's address book, in the same transaction.
    ``once_key``: see create_order; a repeat creates nothing and names the order made first.
    """
    with write_transaction():
        order = create_order(client, lines, source=source, actor=actor, fields=fields, once_key=once_key)
        order = process_order(order, actor=actor)
        if save_to_address_book is not None:
            addressbook.add_address(client, **addressbook.entry_fields(fields or {}, **save_to_address_book))
        return order


def pause_order(order, reason="", actor=None):
    """Pause a processing order: its picklists cannot be picked until it resumes."""
    with write_transaction():
        order = lock_order(order)
        if not can_pause(order):
            raise WrongStatus(_("Order %(number)s is %(status)s; only processing orders can be paused.",
                                number=order.number, status=status_label(order.status)))
        order.status = "paused"
        order.pause_reason = (reason or "").strip()[:255]
        order.updated_at = utcnow()
        order.save()
        log_order_event(order, "paused", order.pause_reason, actor)
        events.emit(("orders.paused", "orders.status_changed"), order)
        return order


def resume_order(order, actor=None):
    """Resume a paused order; its backorders are served when stock is free."""
    with write_transaction():
        order = lock_order(order)
        if not can_resume(order):
            raise WrongStatus(_("Order %(number)s is %(status)s; only paused orders can be resumed.",
                                number=order.number, status=status_label(order.status)))
        order.status = "processing"
        order.pause_reason = ""
        order.updated_at = utcnow()
        order.save()
        log_order_event(order, "processing", _l("Resumed"), actor)
        events.emit(("orders.resumed", "orders.status_changed"), order)
        serve_backorders(orders=[order], actor=actor)
        return order


def _check_changeable(order):
    if order.status == "cancelled":
        raise WrongStatus(_("Order %(number)s is cancelled.", number=order.number))
    if order.status == "completed" or is_picked(order):
        raise OrderNotChangeable(_("Order %(number)s has been picked and can no longer be changed or cancelled.",
                                   number=order.number))


# What may still happen to an order: the back office's buttons, the portal's pages and the API
# ask these, and the services below refuse what they deny.


def can_process(order):
    """A concept or expected order may be processed (sent to the warehouse)."""
    return order.status in CONCEPT_STATUSES


def can_change_lines(order):
    """Lines may be added, changed and removed while the order is a concept or expected."""
    return order.status in CONCEPT_STATUSES


def can_pause(order):
    return order.status == "processing"


def can_resume(order):
    return order.status == "paused"


def can_change(order):
    """Whether the address can still change and the order can still be cancelled: open and not picked."""
    return order.status in OPEN_STATUSES and not is_picked(order)


can_cancel = can_change
can_change_address = can_change


# Why an action is not possible right now ("" when it is), in words staff can act on; the back
# office shows a refused action disabled with this reason.


def why_not_process(order):
    if can_process(order):
        return ""
    return _("Order %(number)s is %(status)s; only concept or expected orders can be processed.",
             number=order.number, status=status_label(order.status))


def why_not_pause(order):
    """Said only while pausing may still come (a concept or expected order); a finished or paused
    order does not mention it."""
    return _("An order can be paused once it is processing.") if order.status in CONCEPT_STATUSES else ""


def why_not_resume(order):
    return "" if can_resume(order) else _("Only paused orders can be resumed.")


def why_not_cancel(order):
    if order.status not in OPEN_STATUSES:
        return _("Order %(number)s is %(status)s.", number=order.number, status=status_label(order.status))
    if is_picked(order):
        return _("Order %(number)s has been picked and can no longer be changed or cancelled.", number=order.number)
    return ""


def cancel_order(order, actor=None):
    """Cancel an order that has not been picked: allocations are released, backorders removed."""
    with write_transaction():
        order = lock_order(order)
        _check_changeable(order)
        if order.warehouse_id:
            # Before reading the open picklists: a receipt holding these rows may be adding one.
            stock.lock_stock_rows([line.product for line in order_lines(order)], order.warehouse_id)
        release_open_picklists(order)
        Backorder.delete().where(Backorder.order == order).execute()
        order.status = "cancelled"
        order.cancelled_at = order.updated_at = utcnow()
        order.save()
        log_order_event(order, "cancelled", _l("Cancelled"), actor)
        events.emit("orders.status_changed", order)
        return order


def update_order(order, fields, actor=None):
    """Change an order's address and header fields (reference, e-mail …) until it is picked.

    A concept may lack parts of its address (it is completed before processing); a processed
    order keeps a shippable one.
    """
    address = clean_delivery_address({k: v for k, v in fields.items() if k in DELIVERY_FIELDS}, require=False)
    header = _clean_header(fields)
    with write_transaction():
        order = lock_order(order)
        _check_changeable(order)
        for name, value in {**address, **header}.items():
            setattr(order, name, value)
        if not (order.delivery_name or "").strip():
            raise IncompleteAddress(["delivery_name"], order)
        if order.status not in ("concept", "expected"):
            check_shippable(order)
        order.updated_at = utcnow()
        order.save()
        if address:
            Picklist.update(**picklist_address(order)).where(
                (Picklist.order == order) & (Picklist.status == "new")
            ).execute()
            log_order_event(order, order.status, _l("Delivery address changed"), actor)
        return order


def change_delivery_address(order, address, actor=None, save_to_address_book=None):
    """Change the delivery address until the order is picked.

    ``save_to_address_book`` (a dict, possibly empty, of the entry's email and telephone) also
    adds the new address to the client's address book, in the same transaction.
    """
    unknown = set(address) - set(DELIVERY_FIELDS)
    if unknown:
        raise ValidationFailed(_("Unknown address field(s): %(fields)s.", fields=", ".join(sorted(unknown))))
    with write_transaction():
        order = update_order(order, address, actor)
        if save_to_address_book is not None:
            addressbook.add_address(order.client, **addressbook.entry_fields(address, **save_to_address_book))
        return order


def duplicate_order(order, actor=None, source="portal"):
    """Copy an order's lines and addresses into a new concept order (any status may be copied)."""
    fields = {name: getattr(order, name) for name in (*DELIVERY_FIELDS, *HEADER_FIELDS)}
    lines = [(line.product, line.amount, line.price) for line in order_lines(order) if line.product.active]
    if not lines:
        raise ValidationFailed(_("None of this order's products is active any more; nothing to copy."))
    with write_transaction():
        copy = create_order(order.client, lines, source=source, actor=actor, fields=fields)
        log_order_event(copy, "concept", _l("Copied from order %(number)s", number=order.number), actor)
        return copy


def _lock_concept(order):
    order = lock_order(order)
    if not can_change_lines(order):
        raise OrderLinesLocked(_("Order %(number)s is %(status)s; its lines can only change while it is a concept.",
                                 number=order.number, status=status_label(order.status)))
    return order


def add_order_line(order, product, amount, price=None, remarks="", actor=None):
    with write_transaction():
        order = _lock_concept(order)
        product = usable_product(order.client, product)
        return OrderLine.create(client=order.client_id, order=order, product=product,
                                amount=clean_amount(amount), price=product.price if price is None else price,
                                remarks=(remarks or "")[:255])


def update_order_line(line, amount=None, price=None, remarks=None, actor=None):
    with write_transaction():
        _lock_concept(line.order)
        if amount is not None:
            line.amount = clean_amount(amount)
        if price is not None:
            line.price = price
        if remarks is not None:
            line.remarks = remarks[:255]
        line.save()
        return line


def remove_order_line(line, actor=None):
    with write_transaction():
        order = _lock_concept(line.order)
        if OrderLine.select().where(OrderLine.order == order).count() == 1:
            raise ValidationFailed(_("An order needs at least one product; cancel the order instead."))
        line.delete_instance()
