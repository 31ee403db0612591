"""The stock ledger: the only writer of Stock.stock and Stock.allocated.

Every change of physical stock writes one StockMutation and the new balance in the same
transaction, so stock equals the sum of the ledger's changes. Allocation uses conditional
UPDATEs (checked by row count), so two requests can never both take the last unit.
"""

from fulfilment.db import is_sqlite, locked, write_transaction
from fulfilment.models import CHANGE_TYPES, Stock, StockMutation, Warehouse, utcnow
from fulfilment.services import events
from fulfilment.services.actors import describe_actor, staff_user_of
from fulfilment.services.errors import InsufficientStock, ValidationFailed

# How often allocate_up_to re-reads free stock when another transaction took it meanwhile.
_ALLOCATION_ATTEMPTS = 5


def stock_row(product, warehouse):
    """Return the Stock row of product in warehouse, creating an empty one when missing."""
    Stock.insert(client=product.client_id, product=product, warehouse=warehouse).on_conflict_ignore().execute()
    return Stock.get((Stock.product == product) & (Stock.warehouse == warehouse))


def lock_stock_rows(products, warehouse):
    """Lock the stock rows of products in warehouse, creating missing ones, in product order.

    A transaction that changes several products' stock calls this first. On PostgreSQL two such
    transactions then take their rows in the same order and one waits for the other; taken in line
    order they could each hold a row the other needs (a deadlock). SQLite's write transactions run
    one at a time and need no row locks.
    """
    products = sorted({product.id: product for product in products}.values(), key=lambda product: product.id)
    if is_sqlite() or not products:
        return
    for product in products:
        stock_row(product, warehouse)
    list(locked(Stock.select(Stock.id).where(
        Stock.product.in_([product.id for product in products]) & (Stock.warehouse == warehouse)
    ).order_by(Stock.product)))


def stock_levels(product):
    """Stock rows of product, one per warehouse it has been in."""
    return list(Stock.select(Stock, Warehouse).join(Warehouse).where(Stock.product == product).order_by(Warehouse.id))


def record_mutation(product, warehouse, change, change_type, *, reason="", actor=None, release=0,
                    picklist=None, receipt=None, return_=None):
    """Change physical stock by ``change`` and write the ledger line; return the mutation.

    ``release`` units of allocation are given up in the same statement (a picked picklist line
    leaves the shelf and stops being allocated at once). Refused with InsufficientStock, and
    nothing changes, when stock would go below zero or below what stays allocated.
    """
    if change_type not in CHANGE_TYPES:
        raise ValidationFailed(f"Unknown change type {change_type!r}.")
    if not isinstance(change, int) or isinstance(change, bool):
        raise ValidationFailed("A stock change must be a whole number.")
    if change == 0 and release == 0:
        raise ValidationFailed("A stock change of 0 changes nothing.")
    with write_transaction():
        stock_row(product, warehouse)
        where = (Stock.product == product) & (Stock.warehouse == warehouse)
        updated = (
            Stock.update(stock=Stock.stock + change, allocated=Stock.allocated - release, updated_at=utcnow())
            .where(where & (Stock.stock + change >= Stock.allocated - release) & (Stock.allocated >= release))
            .execute()
        )
        if updated != 1:
            current = Stock.get(where)
            raise InsufficientStock(
                f"Stock of {product.product_code} cannot change by {change}: "
                f"{current.stock} in stock, {current.allocated} allocated."
            )
        new_stock = Stock.select(Stock.stock).where(where).scalar()
        events.emit(_stock_events(change, change + release), product)
        return StockMutation.create(
            client=product.client_id, product=product, warehouse=warehouse,
            old_stock=new_stock - change, change=change, new_stock=new_stock,
            change_type=change_type, reason=reason[:255], actor=describe_actor(actor),
            staff_user=staff_user_of(actor), picklist=picklist, receipt=receipt, return_=return_,
        )


def change_stock(product, warehouse, change, reason, actor=None, change_type="correction"):
    """Correct stock by a relative amount with a required reason, then serve waiting backorders."""
    from fulfilment.services.backorders import serve_backorders

    if not (reason or "").strip():
        raise ValidationFailed("Give a reason for the stock change.")
    with write_transaction():
        mutation = record_mutation(product, warehouse, change, change_type, reason=reason.strip(), actor=actor)
        if change > 0:
            serve_backorders(products=[product], actor=actor)
        return mutation


def set_stock(product, warehouse, amount, reason, actor=None, change_type="correction"):
    """Set stock to an absolute amount (a count), recorded as the difference in the ledger."""
    if not isinstance(amount, int) or isinstance(amount, bool) or amount < 0:
        raise ValidationFailed("Stock must be a whole number of 0 or more.")
    with write_transaction():
        current = stock_row(product, warehouse).stock
        if amount == current:
            raise ValidationFailed(f"Stock of {product.product_code} is already {amount}.")
        return change_stock(product, warehouse, amount - current, reason, actor, change_type)


def allocate_up_to(product, warehouse, wanted):
    """Allocate as much of ``wanted`` as free stock allows; return how many units were allocated."""
    if wanted <= 0:
        return 0
    where = (Stock.product == product) & (Stock.warehouse == warehouse)
    with write_transaction():
        stock_row(product, warehouse)
        for _ in range(_ALLOCATION_ATTEMPTS):
            free = Stock.select(Stock.stock - Stock.allocated).where(where).scalar() or 0
            take = min(free, wanted)
            if take <= 0:
                return 0
            taken = (
                Stock.update(allocated=Stock.allocated + take, updated_at=utcnow())
                .where(where & (Stock.stock - Stock.allocated >= take))
                .execute()
            )
            if taken == 1:
                events.emit("products.free_stock_changed", product)
                return take
        return 0


def allocate(product, warehouse, amount):
    """Allocate exactly ``amount`` units or raise InsufficientStock and allocate nothing."""
    if amount <= 0:
        return
    where = (Stock.product == product) & (Stock.warehouse == warehouse)
    with write_transaction():
        stock_row(product, warehouse)
        # All or nothing in one conditional UPDATE: a partial allocate_up_to would stay taken
        # when the caller has no transaction of its own to roll back.
        taken = (
            Stock.update(allocated=Stock.allocated + amount, updated_at=utcnow())
            .where(where & (Stock.stock - Stock.allocated >= amount))
            .execute()
        )
        if taken != 1:
            raise InsufficientStock(f"Not enough free stock of {product.product_code} for {amount} unit(s).")
        events.emit("products.free_stock_changed", product)


def release(product, warehouse, amount):
    """Give back ``amount`` allocated units (a cancelled picklist line)."""
    if amount <= 0:
        return
    with write_transaction():
        released = (
            Stock.update(allocated=Stock.allocated - amount, updated_at=utcnow())
            .where((Stock.product == product) & (Stock.warehouse == warehouse) & (Stock.allocated >= amount))
            .execute()
        )
        if released != 1:
            raise InsufficientStock(f"Cannot release {amount} allocated unit(s) of {product.product_code}.")
        events.emit("products.free_stock_changed", product)


def _stock_events(stock_change, free_change):
    """The product events a ledger line causes: stock changed, and free stock when it changed too."""
    return (("products.stock_changed",) if stock_change else ()) + (
        ("products.free_stock_changed",) if free_change else ())
