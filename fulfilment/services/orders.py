"""Orders: create from any source, process, pause and resume, cancel, change address, duplicate.

An order is *picked* once any of its picklists is closed; from then on its address cannot
change and it cannot be cancelled.
"""

from decimal import Decimal

from fulfilment.db import write_transaction
from fulfilment.models import (
    ORDER_SOURCES,
    Backorder,
    Order,
    OrderLine,
    Picklist,
    Product,
    Warehouse,
    utcnow,
)
from fulfilment.services import events, stock
from fulfilment.services.addresses import DELIVERY_FIELDS, clean_delivery_address, picklist_address
from fulfilment.services.errors import (
    OrderLinesLocked,
    OrderNotChangeable,
    UnknownProduct,
    ValidationFailed,
    WrongStatus,
)
from fulfilment.services.numbering import assign_number
from fulfilment.services.order_state import is_picked, lock_order, log_order_event
from fulfilment.services.picking import create_picklist, release_open_picklists
from fulfilment.services.backorders import serve_backorders

OPEN_STATUSES = ("concept", "expected", "processing", "paused")
HEADER_FIELDS = (
    "reference", "email", "telephone", "customer_remarks",
    "invoice_name", "invoice_contact_name", "invoice_address", "invoice_address2", "invoice_zipcode",
    "invoice_city", "invoice_region", "invoice_country",
)
MAX_LINE_AMOUNT = 1_000_000


def _clean_amount(amount, what="Amount"):
    if isinstance(amount, bool) or not isinstance(amount, int):
        raise ValidationFailed(f"{what} must be a whole number.")
    if not 0 < amount <= MAX_LINE_AMOUNT:
        raise ValidationFailed(f"{what} must be between 1 and {MAX_LINE_AMOUNT:,}.")
    return amount


def _own_product(client, product):
    """The product when it belongs to client and is active; otherwise UnknownProduct."""
    if product is None or product.client_id != client.id:
        raise UnknownProduct("Unknown product.")
    if not product.active:
        raise UnknownProduct(f"Product {product.product_code} is inactive.")
    return product


def _clean_header(fields):
    cleaned = {}
    for name in HEADER_FIELDS:
        if name in fields:
            value = fields[name]
            cleaned[name] = (value or "").strip() if isinstance(value, str) or value is None else value
    unknown = set(fields) - set(HEADER_FIELDS) - set(DELIVERY_FIELDS)
    if unknown:
        raise ValidationFailed(f"Unknown order field(s): {', '.join(sorted(unknown))}.")
    return cleaned


def create_order(client, lines, *, source, actor=None, fields=None, webshop=None, foreign_id=None,
                 foreign_number="", status="concept"):
    """Create an order (a concept unless status='expected') with lines [(product, amount[, price[, remarks]])].

    ``fields`` holds the delivery_* address (required) and header fields such as reference.
    """
    if source not in ORDER_SOURCES:
        raise ValidationFailed(f"Unknown order source {source!r}.")
    if status not in ("concept", "expected"):
        raise ValidationFailed("A new order is a concept or expected.")
    if not lines:
        raise ValidationFailed("An order needs at least one product.")
    fields = dict(fields or {})
    address = clean_delivery_address({k: v for k, v in fields.items() if k in DELIVERY_FIELDS})
    header = _clean_header(fields)
    cleaned_lines = []
    for line in lines:
        product, amount = line[0], line[1]
        price = line[2] if len(line) > 2 and line[2] is not None else None
        remarks = (line[3] if len(line) > 3 else "") or ""
        product = _own_product(client, product)
        cleaned_lines.append((product, _clean_amount(amount, f"Amount of {product.product_code}"),
                              product.price if price is None else Decimal(str(price)), remarks[:255]))
    with write_transaction():
        order = Order.create(client=client, source=source, status=status, webshop=webshop, foreign_id=foreign_id,
                             foreign_number=foreign_number or "", **address, **header)
        assign_number(order)
        for product, amount, price, remarks in cleaned_lines:
            OrderLine.create(client=client, order=order, product=product, amount=amount, price=price,
                             remarks=remarks)
        log_order_event(order, status, f"Created ({source})", actor)
        events.emit("orders.created", order)
        return order


def order_lines(order):
    """The order's lines with their products, in one query."""
    return list(OrderLine.select(OrderLine, Product).join(Product).where(OrderLine.order == order)
                .order_by(OrderLine.id))


def process_order(order, actor=None):
    """Allocate free stock to the order's lines on one picklist; backorder the rest."""
    with write_transaction():
        order = lock_order(order)
        if order.status not in ("concept", "expected"):
            raise WrongStatus(f"Order {order.number} is {order.status}; only concept or expected orders "
                              "can be processed.")
        lines = order_lines(order)
        if not lines:
            raise ValidationFailed("An order needs at least one product before it can be processed.")
        warehouse = order.warehouse or Warehouse.default()
        stock.lock_stock_rows([line.product for line in lines], warehouse)
        to_pick, backordered, waiting = [], 0, []
        for line in lines:
            wanted = line.amount - line.amount_cancelled
            taken = stock.allocate_up_to(line.product, warehouse, wanted)
            if taken:
                to_pick.append((line.product, taken, line))
            if wanted > taken:
                Backorder.create(client=order.client_id, order=order, order_line=line, product=line.product,
                                 warehouse=warehouse, amount=wanted - taken)
                backordered += wanted - taken
                waiting.append((line.product, wanted - taken))
        if to_pick:
            create_picklist(order.client_id, warehouse, to_pick, order=order)
        order.status = "processing"
        order.warehouse = warehouse
        order.processed_at = order.updated_at = utcnow()
        order.save()
        message = f"Processed; {backordered} unit(s) backordered" if backordered else "Processed"
        log_order_event(order, "processing", message, actor)
        events.emit(("orders.closed", "orders.allocated", "orders.status_changed"), order)
        if waiting:
            events.emit("orders.backordered", order, lines=waiting)
        return order


def place_order(client, lines, *, source, actor=None, fields=None):
    """Create an order and process it at once, in one transaction, so the client sees the result right away."""
    with write_transaction():
        order = create_order(client, lines, source=source, actor=actor, fields=fields)
        return process_order(order, actor=actor)


def pause_order(order, reason="", actor=None):
    """Pause a processing order: its picklists cannot be picked until it resumes."""
    with write_transaction():
        order = lock_order(order)
        if order.status != "processing":
            raise WrongStatus(f"Order {order.number} is {order.status}; only processing orders can be paused.")
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
        if order.status != "paused":
            raise WrongStatus(f"Order {order.number} is {order.status}; only paused orders can be resumed.")
        order.status = "processing"
        order.pause_reason = ""
        order.updated_at = utcnow()
        order.save()
        log_order_event(order, "processing", "Resumed", actor)
        events.emit(("orders.resumed", "orders.status_changed"), order)
        serve_backorders(orders=[order], actor=actor)
        return order


def _check_changeable(order):
    if order.status == "cancelled":
        raise WrongStatus(f"Order {order.number} is cancelled.")
    if order.status == "completed" or is_picked(order):
        raise OrderNotChangeable(f"Order {order.number} has been picked and can no longer be changed or cancelled.")


def can_change(order):
    """Whether the address can still change and the order can still be cancelled."""
    return order.status in OPEN_STATUSES and not is_picked(order)


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
        log_order_event(order, "cancelled", "Cancelled", actor)
        events.emit("orders.status_changed", order)
        return order


def update_order(order, fields, actor=None):
    """Change an order's address and header fields (reference, e-mail …) until it is picked."""
    address = clean_delivery_address({k: v for k, v in fields.items() if k in DELIVERY_FIELDS}, require=False)
    header = _clean_header(fields)
    with write_transaction():
        order = lock_order(order)
        _check_changeable(order)
        for name, value in {**address, **header}.items():
            setattr(order, name, value)
        clean_delivery_address({name: getattr(order, name) for name in DELIVERY_FIELDS})
        order.updated_at = utcnow()
        order.save()
        if address:
            Picklist.update(**picklist_address(order)).where(
                (Picklist.order == order) & (Picklist.status == "new")
            ).execute()
            log_order_event(order, order.status, "Delivery address changed", actor)
        return order


def change_delivery_address(order, address, actor=None):
    """Change the delivery address until the order is picked."""
    unknown = set(address) - set(DELIVERY_FIELDS)
    if unknown:
        raise ValidationFailed(f"Unknown address field(s): {', '.join(sorted(unknown))}.")
    return update_order(order, address, actor)


def duplicate_order(order, actor=None, source="portal"):
    """Copy an order's lines and addresses into a new concept order (any status may be copied)."""
    fields = {name: getattr(order, name) for name in (*DELIVERY_FIELDS, *HEADER_FIELDS)}
    lines = [(line.product, line.amount, line.price) for line in order_lines(order) if line.product.active]
    if not lines:
        raise ValidationFailed("None of this order's products is active any more; nothing to copy.")
    with write_transaction():
        copy = create_order(order.client, lines, source=source, actor=actor, fields=fields)
        log_order_event(copy, "concept", f"Copied from order {order.number}", actor)
        return copy


def _lock_concept(order):
    order = lock_order(order)
    if order.status not in ("concept", "expected"):
        raise OrderLinesLocked(f"Order {order.number} is {order.status}; its lines can only change while it is "
                               "a concept.")
    return order


def add_order_line(order, product, amount, price=None, remarks="", actor=None):
    with write_transaction():
        order = _lock_concept(order)
        product = _own_product(order.client, product)
        return OrderLine.create(client=order.client_id, order=order, product=product,
                                amount=_clean_amount(amount), price=product.price if price is None else price,
                                remarks=(remarks or "")[:255])


def update_order_line(line, amount=None, price=None, remarks=None, actor=None):
    with write_transaction():
        _lock_concept(line.order)
        if amount is not None:
            line.amount = _clean_amount(amount)
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
            raise ValidationFailed("An order needs at least one product; cancel the order instead.")
        line.delete_instance()
