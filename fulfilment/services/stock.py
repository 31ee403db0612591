"""The stock ledger: the only writer of Stock.stock and Stock.allocated.

Every change of physical stock writes one StockMutation and the new balance in the same
transaction, so stock equals the sum of the ledger's changes. Allocation uses conditional
UPDATEs (checked by row count), so two requests can never both take the last unit.
"""

from peewee import Value

from fulfilment.db import database, insert_in_batches, is_sqlite, locked, values_list, write_transaction
from fulfilment.i18n import _, ngettext
from fulfilment.models import CHANGE_TYPES, Location, Product, ProductLocation, Stock, StockMutation, Warehouse, utcnow
from fulfilment.services import events
from fulfilment.services.actors import describe_actor, staff_user_of
from fulfilment.services.errors import InsufficientStock, ValidationFailed

# How often allocate_up_to re-reads free stock when another transaction took it meanwhile.
_ALLOCATION_ATTEMPTS = 5
# Products per statement in the bulk paths: well inside every database's parameter limit.
_BATCH = 5000


def stock_row(product, warehouse):
    """Return the Stock row of product in warehouse, creating an empty one when missing."""
    Stock.insert(client=product.client_id, product=product, warehouse=warehouse).on_conflict_ignore().execute()
    return Stock.get((Stock.product == product) & (Stock.warehouse == warehouse))


def lock_stock_rows(products, warehouse):
    """Lock the stock rows of products in warehouse, creating missing ones, in product order.

    A transaction that changes several products' stock calls this first. On PostgreSQL two such
    transactions then take their rows in the same order and one waits for the other; taken in line
    order they could each hold a row the other needs (a deadlock). SQLite's write transactions run
    one at a time and need no row locks. A few statements for any number of products.
    """
    product_ids = sorted({getattr(product, "id", product) for product in products})
    if is_sqlite() or not product_ids:
        return
    ensure_stock_rows(product_ids, warehouse)
    for batch in _batches(product_ids):
        list(locked(Stock.select(Stock.id).where(Stock.product.in_(values_list(batch)) & (Stock.warehouse == warehouse))
                    .order_by(Stock.product)))


def ensure_stock_rows(product_ids, warehouse):
    """Create the missing (empty) stock rows of these products in warehouse: one INSERT per batch."""
    warehouse_id = getattr(warehouse, "id", warehouse)
    for batch in _batches(sorted(set(product_ids))):
        source = Product.select(Product.client, Product.id, Value(warehouse_id), Value(0), Value(0),
                                Value(utcnow())).where(Product.id.in_(values_list(batch)))
        Stock.insert_from(source, fields=[Stock.client, Stock.product, Stock.warehouse, Stock.stock,
                                          Stock.allocated, Stock.updated_at]).on_conflict_ignore().execute()


def _batches(values, size=_BATCH):
    for start in range(0, len(values), size):
        yield values[start:start + size]


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
        raise ValidationFailed(_("Unknown change type %(type)s.", type=repr(change_type)))
    if not isinstance(change, int) or isinstance(change, bool):
        raise ValidationFailed(_("A stock change must be a whole number."))
    if change == 0 and release == 0:
        raise ValidationFailed(_("A stock change of 0 changes nothing."))
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
                _("Stock of %(code)s cannot change by %(change)s: %(stock)s in stock, %(allocated)s allocated.",
                  code=product.product_code, change=change, stock=current.stock, allocated=current.allocated)
            )
        new_stock = Stock.select(Stock.stock).where(where).scalar()
        if new_stock == 0 and change < 0:
            _unlink_emptied([product.id], getattr(warehouse, "id", warehouse))
        events.emit(_stock_events(change, change + release), product)
        return StockMutation.create(
            client=product.client_id, product=product, warehouse=warehouse,
            old_stock=new_stock - change, change=change, new_stock=new_stock,
            change_type=change_type, reason=reason[:255], actor=describe_actor(actor),
            staff_user=staff_user_of(actor), picklist=picklist, receipt=receipt, return_=return_,
        )


def record_mutations(changes, warehouse, change_type, *, reason="", actor=None):
    """Change the stock of many products at once and write their ledger lines: the bulk record_mutation.

    ``changes`` is [(product, change)] with one entry per product. The rows are created where
    missing, locked (PostgreSQL) and read, the balances updated by one conditional UPDATE and
    the mutations inserted by one INSERT per batch, so stock still equals the sum of its ledger.
    Refused with InsufficientStock, and nothing changes, when a product would go below zero or
    below what is allocated. Returns the number of mutations written.
    """
    if change_type not in CHANGE_TYPES:
        raise ValidationFailed(_("Unknown change type %(type)s.", type=repr(change_type)))
    changes = [(product, change) for product, change in changes]
    if len({product.id for product, _change in changes}) != len(changes):
        raise ValidationFailed(_("Each product may appear once in a bulk stock change."))
    for _product, change in changes:
        if not isinstance(change, int) or isinstance(change, bool) or change == 0:
            raise ValidationFailed(_("A stock change must be a whole number other than 0."))
    warehouse_id = getattr(warehouse, "id", warehouse)
    if not changes:
        return 0
    with write_transaction():
        product_ids = sorted(product.id for product, _change in changes)
        ensure_stock_rows(product_ids, warehouse_id)
        lock_stock_rows(product_ids, warehouse_id)
        current = {}
        for batch in _batches(product_ids):
            for row in Stock.select(Stock.id, Stock.product, Stock.stock, Stock.allocated).where(
                    Stock.product.in_(values_list(batch)) & (Stock.warehouse == warehouse_id)):
                current[row.product_id] = row
        refused = [product.product_code for product, change in changes
                   if current[product.id].stock + change < current[product.id].allocated]
        if refused:
            codes = ", ".join(refused[:10]) + (" …" if len(refused) > 10 else "")
            raise InsufficientStock(_("Stock cannot go below zero or below what is allocated for: %(codes)s.",
                                      codes=codes))
        now = utcnow()
        rows = sorted((current[product.id].id, change) for product, change in changes)
        for batch in _batches(rows, _BATCH // 2):
            if _add_to_stock(batch, now) != len(batch):
                raise InsufficientStock(_("Stock changed while it was being booked; try again."))
        _unlink_emptied([product.id for product, change in changes
                         if change < 0 and current[product.id].stock + change == 0], warehouse_id)
        described, staff_user = describe_actor(actor), staff_user_of(actor)
        insert_in_batches(StockMutation, [
            {"client": product.client_id, "product": product.id, "warehouse": warehouse_id,
             "old_stock": current[product.id].stock, "change": change,
             "new_stock": current[product.id].stock + change, "change_type": change_type, "reason": reason[:255],
             "actor": described, "staff_user": staff_user, "picklist": None, "receipt": None, "return_": None,
             "created_at": now}
            for product, change in changes
        ])
        return len(changes)


def _unlink_emptied(product_ids, warehouse_id):
    """Picqer's "unlink when empty": products whose stock in a warehouse just ran out leave the
    locations there that ask for it (Location.unlink_on_empty), so the shelf is free for others."""
    if not product_ids:
        return
    emptying = Location.select(Location.id).where((Location.warehouse == warehouse_id)
                                                  & (Location.unlink_on_empty == True))  # noqa: E712
    for batch in _batches(sorted(product_ids)):
        ProductLocation.delete().where(ProductLocation.product.in_(batch)
                                       & ProductLocation.location.in_(emptying)).execute()


def allocate_up_to(product, warehouse, wanted):
    """Allocate as much of ``wanted`` as free stock allows; return how many units were allocated."""
    if wanted <= 0:
        return 0
    where = (Stock.product == product) & (Stock.warehouse == warehouse)
    with write_transaction():
        stock_row(product, warehouse)
        for _attempt in range(_ALLOCATION_ATTEMPTS):
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


def allocate_many(wanted, warehouse):
    """Allocate free stock to many wants at once: [(product id, units)] -> [units allocated], in order.

    The bulk path of allocate_up_to for a whole order: the stock rows are created where missing,
    locked (PostgreSQL) and read in one statement per 5,000 products; each want then takes what is
    still free of its product, in the given order; one conditional UPDATE per batch books the
    allocations. Should a row have changed meanwhile (it cannot while locked), the row count
    differs and InsufficientStock rolls everything back.
    """
    warehouse_id = getattr(warehouse, "id", warehouse)
    product_ids = sorted({product_id for product_id, amount in wanted if amount > 0})
    if not product_ids:
        return [0] * len(wanted)
    with write_transaction():
        ensure_stock_rows(product_ids, warehouse_id)
        free, row_of = {}, {}
        for batch in _batches(product_ids):
            query = (Stock.select(Stock.id, Stock.product, Stock.stock, Stock.allocated)
                     .where(Stock.product.in_(values_list(batch)) & (Stock.warehouse == warehouse_id))
                     .order_by(Stock.product).tuples())
            for stock_id, product_id, in_stock, allocated in locked(query):
                free[product_id] = max(in_stock - allocated, 0)
                row_of[product_id] = stock_id
        taken, booked = [], {}
        for product_id, amount in wanted:
            take = min(max(amount, 0), free.get(product_id, 0))
            taken.append(take)
            if take:
                free[product_id] -= take
                booked[row_of[product_id]] = booked.get(row_of[product_id], 0) + take
        rows = sorted(booked.items())
        now = utcnow()
        for batch in _batches(rows, _BATCH // 2):
            if _add_allocations(batch, now) != len(batch):
                raise InsufficientStock(_("Free stock changed while the order was being allocated; try again."))
        return taken


def _add_allocations(takes, now):
    """Add [(stock id, units)] to the rows' allocation where free stock allows; return the rows changed."""
    return _update_by_values("allocated", takes, now, '"{t}"."stock" - "{t}"."allocated" >= v.amount')


def _add_to_stock(changes, now):
    """Add [(stock id, change)] to the rows' stock where it stays at or above the allocation."""
    return _update_by_values("stock", changes, now, '"{t}"."stock" + v.amount >= "{t}"."allocated"')


def _update_by_values(column, pairs, now, condition):
    """UPDATE stock rows' column by [(stock id, amount)] in one statement; return the row count.

    An UPDATE … FROM (VALUES …) join, which SQLite (3.33+) and PostgreSQL both run by primary key.
    """
    param, table = database.param, Stock._meta.table_name
    values = ", ".join([f"({param}, {param})"] * len(pairs))
    sql = (f'UPDATE "{table}" SET "{column}" = "{table}"."{column}" + v.amount, "updated_at" = {param} '
           f"FROM (SELECT x.column1 AS stock_id, x.column2 AS amount FROM (VALUES {values}) AS x) AS v "
           f'WHERE "{table}"."id" = v.stock_id AND ' + condition.format(t=table))
    params = [Stock.updated_at.db_value(now)] + [value for pair in pairs for value in pair]
    return database.execute_sql(sql, params).rowcount


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
            raise InsufficientStock(ngettext("Not enough free stock of %(code)s for %(num)s unit.",
                                             "Not enough free stock of %(code)s for %(num)s units.",
                                             amount, code=product.product_code))
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
            raise InsufficientStock(ngettext("Cannot release %(num)s allocated unit of %(code)s.",
                                             "Cannot release %(num)s allocated units of %(code)s.",
                                             amount, code=product.product_code))
        events.emit("products.free_stock_changed", product)


def _stock_events(stock_change, free_change):
    """The product events a ledger line causes: stock changed, and free stock when it changed too."""
    return (("products.stock_changed",) if stock_change else ()) + (
        ("products.free_stock_changed",) if free_change else ())


def free_by_product(product_ids, warehouse):
    """{product id: free units (stock - allocated)} in warehouse, in one query."""
    ids = list(product_ids)
    if not ids:
        return {}
    return dict(Stock.select(Stock.product, Stock.stock - Stock.allocated)
                .where(Stock.product.in_(ids) & (Stock.warehouse == warehouse)).tuples())
