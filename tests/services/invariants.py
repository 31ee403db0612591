"""Rules the data must keep whatever the services did, and a snapshot to prove a refusal changed nothing.

Each check returns a list of readable problems, so a failing assertion says what broke:
``assert ledger_problems() == []``.
"""

import operator
import weakref
from functools import cache, reduce

from peewee import SQL, ForeignKeyField

from fulfilment import stock_totals
from fulfilment.db import database, is_sqlite
from fulfilment.models import MODELS, Backorder, OrderLine, Picklist, PicklistLine

_prepared = weakref.WeakKeyDictionary()


def fetch_prepared(name, sql):
    """The rows of sql (no parameters). PostgreSQL prepares it once per connection: planning these wide
    queries took ten times longer than running them, after every step of the stateful test."""
    if is_sqlite():
        return database.execute_sql(sql).fetchall()
    names = _prepared.setdefault(database.connection(), set())
    if name not in names:
        database.execute_sql(f"PREPARE {name} AS {sql}")
        names.add(name)
    return database.execute_sql(f"EXECUTE {name}").fetchall()


def table_contents():
    """Every row of every table, to compare before and after a refused action."""
    tables = [model._meta.table_name for model in MODELS]
    if is_sqlite():
        contents = [database.execute_sql(f'SELECT * FROM "{table}" ORDER BY id').fetchall() for table in tables]
    else:
        contents = fetch_prepared("table_contents", "SELECT " + ", ".join(
            f'(SELECT array_agg(t::text ORDER BY t.id) FROM "{table}" t)' for table in tables
        ))[0]
    return dict(zip((model.__name__ for model in MODELS), contents, strict=True))


STOCK_ROWS_SQL = """
SELECT s.product_id, s.warehouse_id, s.stock, s.allocated,
       COALESCE((SELECT SUM(m.change) FROM stock_mutation m
                 WHERE m.product_id = s.product_id AND m.warehouse_id = s.warehouse_id), 0),
       COALESCE((SELECT SUM(l.amount) FROM picklist_line l JOIN picklist p ON p.id = l.picklist_id
                 WHERE p.status = 'new' AND l.product_id = s.product_id AND p.warehouse_id = s.warehouse_id), 0)
FROM stock s
"""
LEDGER_SQL = "SELECT id, product_id, warehouse_id, old_stock, change, new_stock FROM stock_mutation ORDER BY id"
OPEN_PICKLIST_LINES_SQL = """
SELECT DISTINCT l.product_id, p.warehouse_id FROM picklist_line l JOIN picklist p ON p.id = l.picklist_id
WHERE p.status = 'new'
"""


def ledger_problems():
    """stock = Σ ledger changes; 0 ≤ allocated ≤ stock; allocated = open picklist lines; ledger lines chain;
    a product's stock totals = Σ its stock rows."""
    problems = []
    stock_rows = set()
    for product, warehouse, stock, allocated, ledger_sum, open_lines in fetch_prepared("stock_rows", STOCK_ROWS_SQL):
        key = (product, warehouse)
        stock_rows.add(key)
        if stock != ledger_sum:
            problems.append(f"product/warehouse {key}: stock {stock} != ledger sum {ledger_sum}")
        if not 0 <= allocated <= stock:
            problems.append(f"product/warehouse {key}: allocated {allocated} outside 0..{stock}")
        if allocated != open_lines:
            problems.append(f"product/warehouse {key}: allocated {allocated} != open picklist lines {open_lines}")
    previous = {}
    for mutation_id, product, warehouse, old_stock, change, new_stock in fetch_prepared("ledger", LEDGER_SQL):
        key = (product, warehouse)
        if new_stock != old_stock + change or new_stock < 0:
            problems.append(f"ledger line {mutation_id}: {old_stock} + {change} != {new_stock}")
        if old_stock != previous.get(key, 0):
            problems.append(f"ledger line {mutation_id} starts at {old_stock}, "
                            f"the line before ended at {previous.get(key, 0)}")
        previous[key] = new_stock
    for key in (set(previous) | set(fetch_prepared("open_picklist_lines", OPEN_PICKLIST_LINES_SQL))) - stock_rows:
        problems.append(f"product/warehouse {key} has ledger lines or picklist lines but no stock row")
    for product in stock_totals.miscounted_products():
        problems.append(f"product {product}: stock_total or free_total differs from its stock rows")
    return problems


def client_owned_references():
    """(model, foreign key) pairs where both ends carry a client column."""
    pairs = []
    for model in MODELS:
        if "client" not in model._meta.fields:
            continue
        for field in model._meta.sorted_fields:
            if not isinstance(field, ForeignKeyField) or field.name == "client":
                continue
            if "client" in field.rel_model._meta.fields:
                pairs.append((model, field))
    return pairs


@cache
def foreign_references_sql():
    """One UNION ALL query of (problem, row id): each reference to another client's row, and each line
    whose order line belongs to another order than the line's own parent."""
    queries = []
    for model, field in client_owned_references():
        target = field.rel_model.alias()
        problem = SQL(f"'{model.__name__}.{field.name} belongs to another client'")
        queries.append(
            model.select(problem, model.id).join(target, on=(field == target.id)).where(target.client != model.client)
        )
    line = OrderLine.alias()
    queries.append(
        Backorder.select(SQL("'Backorder.order_line is of another order'"), Backorder.id)
        .join(line, on=(Backorder.order_line == line.id)).where(line.order != Backorder.order)
    )
    queries.append(
        PicklistLine.select(SQL("'PicklistLine.order_line is not of the picklist''s order'"), PicklistLine.id)
        .join(Picklist).switch(PicklistLine).join(line, on=(PicklistLine.order_line == line.id))
        .where(Picklist.order.is_null() | (line.order != Picklist.order))
    )
    sql, params = reduce(operator.add, queries).sql()
    assert not params
    return sql


def tenant_problems():
    """Rows that refer to another client's rows, or whose parents disagree."""
    return [f"{problem}: row {row_id}" for problem, row_id in fetch_prepared("tenant_check", foreign_references_sql())]


ORDER_LINES_SQL = """
SELECT o.number, o.status, l.id, l.amount - l.amount_cancelled,
       COALESCE((SELECT SUM(b.amount) FROM backorder b WHERE b.order_line_id = l.id), 0),
       COALESCE((SELECT SUM(CASE p.status WHEN 'new' THEN pl.amount WHEN 'closed' THEN pl.amount_picked ELSE 0 END)
                 FROM picklist_line pl JOIN picklist p ON p.id = pl.picklist_id WHERE pl.order_line_id = l.id), 0)
FROM order_line l JOIN "order" o ON o.id = l.order_id
"""
OPEN_PICKLISTS_OF_SETTLED_ORDERS_SQL = """
SELECT p.number, o.number, o.status FROM picklist p JOIN "order" o ON o.id = p.order_id
WHERE p.status = 'new' AND o.status IN ('concept', 'expected', 'completed', 'cancelled')
"""

# A picklist's units (what the dashboard sums) against its lines.
PICKLIST_UNITS_SQL = """
SELECT p.number, p.units, COALESCE(SUM(l.amount), 0) FROM picklist p LEFT JOIN picklist_line l ON l.picklist_id = p.id
GROUP BY p.id, p.number, p.units HAVING p.units <> COALESCE(SUM(l.amount), 0)
"""


def order_problems():
    """Every unit an order still wants is picked, on an open picklist or backordered; settled orders hold nothing."""
    problems = []
    for number, status, line, wanted, backordered, on_picklists in fetch_prepared("order_lines", ORDER_LINES_SQL):
        if status in ("processing", "paused", "completed") and backordered + on_picklists != wanted:
            problems.append(f"order {number} ({status}) line {line}: wants {wanted}, holds {on_picklists} "
                            f"(picked or on open picklists) + {backordered} backordered")
        if status in ("concept", "expected", "cancelled") and on_picklists:
            problems.append(f"order {number} ({status}) line {line} is on a picklist")
        if status in ("concept", "expected", "cancelled", "completed") and backordered:
            problems.append(f"order {number} ({status}) line {line} still has a backorder")
    for picklist, order, status in fetch_prepared("open_picklists", OPEN_PICKLISTS_OF_SETTLED_ORDERS_SQL):
        problems.append(f"picklist {picklist} is open while order {order} is {status}")
    for picklist, units, on_lines in fetch_prepared("picklist_units", PICKLIST_UNITS_SQL):
        problems.append(f"picklist {picklist} says {units} units, its lines hold {on_lines}")
    return problems


def all_problems():
    return ledger_problems() + tenant_problems() + order_problems()
