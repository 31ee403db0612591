"""Rules the data must keep whatever the services did, and a snapshot to prove a refusal changed nothing.

Each check returns a list of readable problems, so a failing assertion says what broke:
``assert ledger_problems() == []``.
"""

from collections import defaultdict

from peewee import ForeignKeyField, fn

from fulfilment.models import (
    MODELS,
    Backorder,
    Order,
    OrderLine,
    Picklist,
    PicklistLine,
    Stock,
    StockMutation,
)


def table_contents():
    """Every row of every table, to compare before and after a refused action."""
    return {model.__name__: list(model.select().order_by(model.id).tuples()) for model in MODELS}


def ledger_problems():
    """stock = Σ ledger changes; 0 ≤ allocated ≤ stock; allocated = open picklist lines; ledger lines chain."""
    problems = []
    ledger_sum = {
        (product, warehouse): total
        for product, warehouse, total in StockMutation.select(
            StockMutation.product, StockMutation.warehouse, fn.SUM(StockMutation.change)
        ).group_by(StockMutation.product, StockMutation.warehouse).tuples()
    }
    open_lines = {
        (product, warehouse): total
        for product, warehouse, total in PicklistLine.select(
            PicklistLine.product, Picklist.warehouse, fn.SUM(PicklistLine.amount)
        ).join(Picklist).where(Picklist.status == "new").group_by(PicklistLine.product, Picklist.warehouse).tuples()
    }
    rows = {(row.product_id, row.warehouse_id): row for row in Stock.select()}
    for key in (set(ledger_sum) | set(open_lines)) - set(rows):
        problems.append(f"product/warehouse {key} has ledger lines or picklist lines but no stock row")
    for key, row in rows.items():
        if row.stock != ledger_sum.get(key, 0):
            problems.append(f"product/warehouse {key}: stock {row.stock} != ledger sum {ledger_sum.get(key, 0)}")
        if not 0 <= row.allocated <= row.stock:
            problems.append(f"product/warehouse {key}: allocated {row.allocated} outside 0..{row.stock}")
        if row.allocated != open_lines.get(key, 0):
            problems.append(
                f"product/warehouse {key}: allocated {row.allocated} != open picklist lines {open_lines.get(key, 0)}"
            )
    previous = {}
    for mutation in StockMutation.select().order_by(StockMutation.id):
        key = (mutation.product_id, mutation.warehouse_id)
        if mutation.new_stock != mutation.old_stock + mutation.change or mutation.new_stock < 0:
            problems.append(f"ledger line {mutation.id}: {mutation.old_stock} + {mutation.change} "
                            f"!= {mutation.new_stock}")
        if mutation.old_stock != previous.get(key, 0):
            problems.append(f"ledger line {mutation.id} starts at {mutation.old_stock}, "
                            f"the line before ended at {previous.get(key, 0)}")
        previous[key] = mutation.new_stock
    return problems


def client_owned_references():
    """(model, foreign key) pairs where both ends carry a client column."""
    pairs = []
    for model in MODELS:
        if "client" not in model._meta.fields:
            continue
        for field in model._meta.sorted_fields:
            if isinstance(field, ForeignKeyField) and field.name != "client" and "client" in field.rel_model._meta.fields:
                pairs.append((model, field))
    return pairs


def tenant_problems():
    """Rows whose client differs from the client of a row they refer to, or whose parents disagree."""
    problems = []
    for model, field in client_owned_references():
        target = field.rel_model.alias()
        foreign = (
            model.select(model.id).join(target, on=(field == target.id))
            .where(target.client != model.client).tuples()
        )
        for (row_id,) in foreign:
            problems.append(f"{model.__name__} {row_id}: {field.name} belongs to another client")
    line_order = OrderLine.alias()
    for backorder_id, in (
        Backorder.select(Backorder.id).join(line_order, on=(Backorder.order_line == line_order.id))
        .where(line_order.order != Backorder.order).tuples()
    ):
        problems.append(f"Backorder {backorder_id}: its order line is of another order")
    for line_id, in (
        PicklistLine.select(PicklistLine.id).join(Picklist).switch(PicklistLine)
        .join(line_order, on=(PicklistLine.order_line == line_order.id))
        .where((Picklist.order.is_null()) | (line_order.order != Picklist.order)).tuples()
    ):
        problems.append(f"Picklist line {line_id}: its order line is not of the picklist's order")
    return problems


def order_problems():
    """Every unit an order still wants is on a picklist (open or picked) or backordered; closed orders hold nothing."""
    problems = []
    backordered = defaultdict(int)
    for line_id, amount in Backorder.select(Backorder.order_line, Backorder.amount).tuples():
        backordered[line_id] += amount
    on_picklists = defaultdict(int)
    for line_id, status, amount, picked in (
        PicklistLine.select(PicklistLine.order_line, Picklist.status, PicklistLine.amount, PicklistLine.amount_picked)
        .join(Picklist).where(PicklistLine.order_line.is_null(False)).tuples()
    ):
        on_picklists[line_id] += {"new": amount, "closed": picked}.get(status, 0)
    for line in OrderLine.select(OrderLine, Order).join(Order):
        status = line.order.status
        held = backordered[line.id] + on_picklists[line.id]
        wanted = line.amount - line.amount_cancelled
        if status in ("processing", "paused", "completed") and held != wanted:
            problems.append(f"order {line.order.number} ({status}) line {line.id}: wants {wanted}, "
                            f"holds {held} (picked, on picklists or backordered)")
        if status in ("concept", "expected", "cancelled") and on_picklists[line.id]:
            problems.append(f"order {line.order.number} ({status}) line {line.id} is on a picklist")
        if status in ("concept", "expected", "cancelled", "completed") and backordered[line.id]:
            problems.append(f"order {line.order.number} ({status}) line {line.id} still has a backorder")
    open_picklists = (
        Picklist.select(Picklist.number, Order.number, Order.status).join(Order)
        .where((Picklist.status == "new") & Order.status.in_(("concept", "expected", "completed", "cancelled")))
        .tuples()
    )
    for picklist_number, order_number, status in open_picklists:
        problems.append(f"picklist {picklist_number} is open while order {order_number} is {status}")
    return problems


def all_problems():
    return ledger_problems() + tenant_problems() + order_problems()
