"""Purchase orders and receipts.

A purchase order can change or be cancelled only while no receipt exists for it. A receipt
books the received amounts into stock (ledger: receipt) and then serves waiting backorders.
"""

from datetime import date
from decimal import Decimal

from fulfilment.db import locked, write_transaction
from fulfilment.i18n import _, _l, ngettext
from fulfilment.models import (
    OPEN_PURCHASE_ORDER_STATUSES,
    Product,
    PurchaseOrder,
    PurchaseOrderLine,
    Receipt,
    ReceiptLine,
    Warehouse,
    utcnow,
)
from fulfilment.services import events, idempotency, stock
from fulfilment.services.actors import describe_actor, written_for
from fulfilment.services.backorders import serve_backorders
from fulfilment.services.catalog import usable_product
from fulfilment.services.errors import PurchaseOrderLocked, UnknownProduct, ValidationFailed, WrongStatus
from fulfilment.services.numbering import assign_number
from fulfilment.services.quantities import clean_amount
from fulfilment.vocabulary import status_label

HEADER_FIELDS = ("supplier_name", "supplier_orderid", "delivery_date", "remarks")
TOO_LONG = {
    "supplier_name": _l("Supplier name is too long."),
    "supplier_orderid": _l("Supplier order number is too long."),
}


def _clean_header(fields):
    unknown = set(fields) - set(HEADER_FIELDS)
    if unknown:
        raise ValidationFailed(_("Unknown purchase order field(s): %(fields)s.", fields=", ".join(sorted(unknown))))
    cleaned = {}
    for name, value in fields.items():
        if name == "delivery_date":
            if value in (None, ""):
                value = None
            elif isinstance(value, str):
                try:
                    value = date.fromisoformat(value)
                except ValueError:
                    raise ValidationFailed(_("The expected delivery date must look like 2026-12-31.")) from None
            elif not isinstance(value, date):
                raise ValidationFailed(_("The expected delivery date must be a date."))
        else:
            value = (value or "").strip()
            if len(value) > 255 and name != "remarks":
                raise ValidationFailed(TOO_LONG[name])
        cleaned[name] = value
    return cleaned


def _clean_line(client, product, amount, price=None):
    product = usable_product(client, product)
    clean_amount(amount, product.product_code)
    price = product.fixed_stock_price if price in (None, "") else Decimal(str(price))
    if price < 0:
        raise ValidationFailed(_("A price cannot be negative."))
    return product, amount, price


def create_purchase_order(client, lines, actor=None, purchased=False, once_key=None, **fields):
    """Create a purchase order with lines [(product, amount[, price])]: a concept, or ``purchased`` at once.

    ``once_key`` (a form's key) makes a second submit of the same form create nothing.
    """
    if not lines:
        raise ValidationFailed(_("A purchase order needs at least one product."))
    header = _clean_header(fields)
    cleaned = [_clean_line(client, *line) for line in lines]
    with write_transaction():
        claimed = idempotency.claim(client, once_key, "purchase order")
        purchase_order = PurchaseOrder.create(client=client, warehouse=Warehouse.default(), **header)
        assign_number(purchase_order)
        idempotency.record(claimed, purchase_order, purchase_order.number)
        for product, amount, price in cleaned:
            PurchaseOrderLine.create(client=client, purchase_order=purchase_order, product=product, amount=amount,
                                     price=price)
        events.emit("purchase_orders.created", purchase_order)
        return mark_purchased(purchase_order, actor) if purchased else purchase_order


def has_receipt(purchase_order):
    return Receipt.select().where(Receipt.purchase_order == purchase_order).exists()


def can_change(purchase_order):
    """Whether lines can change and the purchase order can be cancelled: open and no receipt registered."""
    return purchase_order.status in OPEN_PURCHASE_ORDER_STATUSES and not has_receipt(purchase_order)


can_cancel = can_change


def why_not_cancel(purchase_order):
    """Why the purchase order cannot be cancelled now ("" when it can)."""
    if purchase_order.status not in OPEN_PURCHASE_ORDER_STATUSES:
        return _("Purchase order %(number)s is %(status)s.", number=purchase_order.number,
                 status=status_label(purchase_order.status))
    if has_receipt(purchase_order):
        return _("A receipt has been registered on this purchase order; it can no longer be cancelled.")
    return ""


def why_not_receive(purchase_order):
    if can_receive(purchase_order):
        return ""
    return _("Purchase order %(number)s is %(status)s; nothing more is expected.", number=purchase_order.number,
             status=status_label(purchase_order.status))


def why_not_mark_purchased(purchase_order):
    if can_mark_purchased(purchase_order):
        return ""
    return _("Only concept purchase orders can be marked as purchased.")


def can_mark_purchased(purchase_order):
    return purchase_order.status == "concept"


def can_receive(purchase_order):
    """Goods may be received on an open purchase order."""
    return purchase_order.status in OPEN_PURCHASE_ORDER_STATUSES


def lock_purchase_order(purchase_order):
    return locked(PurchaseOrder.select().where(PurchaseOrder.id == purchase_order.id)).get()


def _lock_changeable(purchase_order):
    purchase_order = lock_purchase_order(purchase_order)
    if has_receipt(purchase_order):
        raise PurchaseOrderLocked(
            _("A receipt has been registered for %(number)s; it can no longer be changed or cancelled.",
              number=purchase_order.number)
        )
    if purchase_order.status not in OPEN_PURCHASE_ORDER_STATUSES:
        raise WrongStatus(_("Purchase order %(number)s is %(status)s.", number=purchase_order.number,
                            status=status_label(purchase_order.status)))
    return purchase_order


def mark_purchased(purchase_order, actor=None):
    with write_transaction():
        purchase_order = lock_purchase_order(purchase_order)
        if not can_mark_purchased(purchase_order):
            raise WrongStatus(_("Purchase order %(number)s is %(status)s; only a concept can be marked as purchased.",
                                number=purchase_order.number, status=status_label(purchase_order.status)))
        purchase_order.status = "purchased"
        purchase_order.purchased_at = purchase_order.updated_at = utcnow()
        purchase_order.save()
        events.emit("purchase_orders.purchased", purchase_order)
        return purchase_order


def update_purchase_order(purchase_order, lines=None, actor=None, **fields):
    """Change header fields and, when ``lines`` is given, replace the lines. Only while no receipt exists.

    ``lines`` is [(product, amount[, price])]; it replaces all lines.
    """
    header = _clean_header(fields)
    with write_transaction():
        purchase_order = _lock_changeable(purchase_order)
        for name, value in header.items():
            setattr(purchase_order, name, value)
        purchase_order.updated_at = utcnow()
        purchase_order.save()
        if lines is not None:
            if not lines:
                raise ValidationFailed(_("A purchase order needs at least one product; cancel it instead."))
            cleaned = [_clean_line(purchase_order.client, *line) for line in lines]
            old_ids = [line.id for line in purchase_order.lines]
            # Insert before deleting: SQLite gives a deleted highest id to the next row, and a receipt that
            # still names a replaced line must be refused, not booked onto the line that took its id.
            for product, amount, price in cleaned:
                PurchaseOrderLine.create(client=purchase_order.client_id, purchase_order=purchase_order,
                                         product=product, amount=amount, price=price)
            PurchaseOrderLine.delete().where(PurchaseOrderLine.id.in_(old_ids)).execute()
        events.emit("purchase_orders.changed", purchase_order)
        return purchase_order


def add_purchase_order_line(purchase_order, product, amount, price=None, actor=None):
    with write_transaction():
        purchase_order = _lock_changeable(purchase_order)
        product, amount, price = _clean_line(purchase_order.client, product, amount, price)
        return PurchaseOrderLine.create(client=purchase_order.client_id, purchase_order=purchase_order,
                                        product=product, amount=amount, price=price)


def update_purchase_order_line(line, amount=None, price=None, actor=None):
    with write_transaction():
        purchase_order = _lock_changeable(line.purchase_order)
        _product, amount, price = _clean_line(purchase_order.client, line.product,
                                              line.amount if amount is None else amount,
                                              line.price if price is None else price)
        line.amount, line.price = amount, price
        line.save()
        return line


def remove_purchase_order_line(line, actor=None):
    with write_transaction():
        purchase_order = _lock_changeable(line.purchase_order)
        if purchase_order.lines.count() == 1:
            raise ValidationFailed(_("A purchase order needs at least one product; cancel it instead."))
        line.delete_instance()


def cancel_purchase_order(purchase_order, actor=None):
    with write_transaction():
        purchase_order = _lock_changeable(purchase_order)
        purchase_order.status = "cancelled"
        purchase_order.cancelled_at = purchase_order.updated_at = utcnow()
        purchase_order.save()
        events.emit("purchase_orders.changed", purchase_order)
        return purchase_order


def purchase_order_lines(purchase_order):
    return list(
        PurchaseOrderLine.select(PurchaseOrderLine, Product).join(Product)
        .where(PurchaseOrderLine.purchase_order == purchase_order).order_by(PurchaseOrderLine.id)
    )


def register_receipt(purchase_order, received, actor=None, remarks=""):
    """Book received amounts {purchase order line id: amount} into stock as one receipt.

    Each amount is at most what is still outstanding on its line. When every line is in, the
    purchase order becomes ``received``. Waiting backorders of the products are served.
    """
    with write_transaction():
        purchase_order = _lock_receivable(purchase_order)
        lines = {line.id: line for line in purchase_order_lines(purchase_order)}
        amounts = _clean_received(received, lines)
        receipt = _new_receipt(purchase_order, actor, remarks)
        _book_received(receipt, purchase_order, lines, amounts, actor)
        receipt.status, receipt.completed_at = "completed", utcnow()
        receipt.save()
        events.emit("receipts.completed", receipt)
        return receipt


def open_receipt(purchase_order, actor=None, remarks=""):
    """Start a receipt (status ``processing``) to receive a purchase order's products onto one by one.

    From now on the purchase order has a receipt: its lines can no longer change and it can no
    longer be cancelled. A concept purchase order becomes ``purchased``.
    """
    with write_transaction():
        purchase_order = _lock_receivable(purchase_order)
        receipt = _new_receipt(purchase_order, actor, remarks)
        if purchase_order.status == "concept":
            purchase_order.status = "purchased"
            purchase_order.updated_at = utcnow()
            purchase_order.save()
        return receipt


def receive_product(receipt, product, amount, actor=None):
    """Receive ``amount`` units of product on a processing receipt: stock is booked at once.

    The units go against the purchase order's outstanding lines of that product, oldest line
    first, and never more than is outstanding. Waiting backorders of the product are served.
    """
    clean_amount(amount, received=True)
    with write_transaction():
        purchase_order, receipt = _lock_processing_receipt(receipt)
        if product is None or product.client_id != purchase_order.client_id:
            raise UnknownProduct(_("Unknown product."))
        lines = {line.id: line for line in purchase_order_lines(purchase_order)}
        of_product = [line for line in lines.values() if line.product_id == product.id]
        if not of_product:
            raise ValidationFailed(_("%(code)s is not on purchase order %(number)s.", code=product.product_code,
                                     number=purchase_order.number))
        outstanding = sum(line.amount - line.amount_received for line in of_product)
        if amount > outstanding:
            raise ValidationFailed(_too_many(product, outstanding, amount))
        amounts, left = {}, amount
        for line in of_product:
            take = min(left, line.amount - line.amount_received)
            if take > 0:
                amounts[line.id] = take
                left -= take
        _book_received(receipt, purchase_order, lines, amounts, actor)
        return receipt


def receive_all_outstanding(receipt, actor=None):
    """Receive everything still outstanding on the purchase order onto a processing receipt."""
    with write_transaction():
        purchase_order, receipt = _lock_processing_receipt(receipt)
        lines = {line.id: line for line in purchase_order_lines(purchase_order)}
        amounts = {line.id: line.amount - line.amount_received for line in lines.values()
                   if line.amount > line.amount_received}
        if not amounts:
            raise ValidationFailed(_("Nothing is outstanding on purchase order %(number)s.",
                                     number=purchase_order.number))
        _book_received(receipt, purchase_order, lines, amounts, actor)
        return receipt


def complete_receipt(receipt, actor=None):
    """Close a processing receipt; nothing more can be received on it."""
    with write_transaction():
        receipt = _lock_open_receipt(receipt)
        receipt.status, receipt.completed_at = "completed", utcnow()
        receipt.save()
        events.emit("receipts.completed", receipt)
        return receipt


def _lock_receivable(purchase_order):
    purchase_order = lock_purchase_order(purchase_order)
    if not can_receive(purchase_order):
        raise WrongStatus(_("Purchase order %(number)s is %(status)s; nothing can be received on it.",
                            number=purchase_order.number, status=status_label(purchase_order.status)))
    return purchase_order


def _lock_processing_receipt(receipt):
    """Lock the receipt's purchase order, then the receipt; both must still take products."""
    purchase_order = _lock_receivable(PurchaseOrder(id=receipt.purchase_order_id))
    return purchase_order, _lock_open_receipt(receipt)


def _lock_open_receipt(receipt):
    receipt = locked(Receipt.select().where(Receipt.id == receipt.id)).get()
    if receipt.status != "processing":
        raise WrongStatus(_("Receipt %(number)s is %(status)s; start a new receipt to receive more.",
                            number=receipt.number, status=status_label(receipt.status)))
    return receipt


def _new_receipt(purchase_order, actor, remarks):
    receipt = Receipt.create(client=purchase_order.client_id, purchase_order=purchase_order,
                             actor=describe_actor(actor), remarks=(remarks or "").strip())
    assign_number(receipt)
    events.emit(("receipts.created", "purchase_orders.receipts.created"), receipt)
    return receipt


def _book_received(receipt, purchase_order, lines, amounts, actor):
    """Write the receipt lines and ledger mutations for amounts {line id: amount}, settle the purchase order
    and serve waiting backorders. ``lines`` holds every line of the purchase order as read before booking."""
    warehouse = purchase_order.warehouse_id or Warehouse.default()
    reason = written_for(purchase_order.client_id, _l("Receipt %(receipt)s for %(purchase_order)s",
                                                      receipt=receipt.number, purchase_order=purchase_order.number))
    stock.lock_stock_rows([lines[line_id].product for line_id in amounts], warehouse)
    for line_id, amount in amounts.items():
        line = lines[line_id]
        ReceiptLine.create(client=purchase_order.client_id, receipt=receipt, purchase_order_line=line,
                           product=line.product, amount=amount)
        PurchaseOrderLine.update(amount_received=PurchaseOrderLine.amount_received + amount).where(
            PurchaseOrderLine.id == line_id
        ).execute()
        stock.record_mutation(line.product, warehouse, amount, "receipt",
                              reason=reason, actor=actor,
                              receipt=receipt)
    if all(line.amount_received + amounts.get(line.id, 0) >= line.amount for line in lines.values()):
        purchase_order.status = "received"
    elif purchase_order.status == "concept":
        purchase_order.status = "purchased"
    purchase_order.updated_at = utcnow()
    purchase_order.save()
    serve_backorders(products=[lines[line_id].product for line_id in amounts], actor=actor)


def _clean_received(received, lines):
    amounts = {}
    for line_id, amount in (received or {}).items():
        line = lines.get(int(line_id))
        if line is None:
            raise ValidationFailed(_("Line %(line)s is not on this purchase order.", line=line_id))
        if isinstance(amount, bool) or not isinstance(amount, int) or amount < 0:
            raise ValidationFailed(_("Received amount of %(code)s must be a whole number.",
                                     code=line.product.product_code))
        outstanding = line.amount - line.amount_received
        if amount > outstanding:
            raise ValidationFailed(_too_many(line.product, outstanding, amount))
        if amount:
            amounts[line.id] = amount
    if not amounts:
        raise ValidationFailed(_("Enter the received amount of at least one product."))
    return amounts


def _too_many(product, outstanding, amount):
    return ngettext("Only %(num)s unit of %(code)s is still expected; %(amount)s is too many.",
                    "Only %(num)s units of %(code)s are still expected; %(amount)s is too many.",
                    outstanding, code=product.product_code, amount=amount)
