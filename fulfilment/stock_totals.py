"""Each product's stock and free stock over all its warehouses, kept on the product row.

``product.stock_total`` and ``product.free_total`` are the sums of the product's stock rows
(``stock`` and ``stock - allocated``). The portal's product list sorts and filters by them: before,
sorting a client's 20,000 products by free stock summed every product's stock rows on each view
(31 ms at a million orders on SQLite). With the totals on the product and indexed with the
product code, a page sorted by stock, free stock or stock value, or filtered to low stock, reads
an index (issue 14).

- Triggers on the stock table keep them: every write to a stock row, through any service or
  plain SQL, adds its change to its product's totals in the same transaction. They add
  differences, never recompute a sum, so two transactions changing one product's stock in two
  warehouses both count (a recomputed sum could miss the other's uncommitted change).
- On SQLite they run per row. On PostgreSQL once per statement over the rows it changed (a
  transition table), locking the products in id order first, so two statements that change
  several products cannot wait on each other in a circle.
- Nothing else writes them: ``Product.save`` leaves them out, so a product read before a stock
  change and saved after does not put back the totals it was read with.
- ``recount()`` sets them from the stock rows (migration 28, and bench/generate.py after its bulk
  load, which runs with PostgreSQL's triggers off); ``miscounted_products()`` lists any that differ.
"""

from fulfilment.db import database, is_sqlite
from fulfilment.models import Product, Stock

# (client, total, product code): a client's products in the order of their stock, free stock or
# stock value, ties by code as the portal's list sorts them (migration 28).
INDEXES = {
    "product_client_stock_total": '"client_id", "stock_total", "product_code"',
    "product_client_free_total": '"client_id", "free_total", "product_code"',
    "product_client_stock_value": '"client_id", ("stock_total" * "fixed_stock_price"), "product_code"',
}

_TRIGGER = "product_stock_totals"


def create_triggers(db=database):
    """The triggers that add each stock row's change to its product's totals (made anew when run again)."""
    products, stock = Product._meta.table_name, Stock._meta.table_name
    if is_sqlite():
        # One UPDATE per stock row; an updated row takes its old values off the product it had and
        # adds its new ones to the product it has (the same product, in practice).
        changes = {
            "INSERT": ("NEW", ""),
            "DELETE": ("OLD", "-"),
        }
        for event, (row, sign) in changes.items():
            trigger = f"{_TRIGGER}_{event.lower()}"
            db.execute_sql(f'DROP TRIGGER IF EXISTS "{trigger}"')
            db.execute_sql(
                f'CREATE TRIGGER "{trigger}" AFTER {event} ON "{stock}" '
                f'WHEN {row}."stock" != 0 OR {row}."allocated" != 0 BEGIN '
                f'UPDATE "{products}" SET "stock_total" = "stock_total" + {sign}{row}."stock", '
                f'"free_total" = "free_total" + {sign}({row}."stock" - {row}."allocated") '
                f'WHERE "id" = {row}."product_id"; END')
        trigger = f"{_TRIGGER}_update"
        db.execute_sql(f'DROP TRIGGER IF EXISTS "{trigger}"')
        db.execute_sql(
            f'CREATE TRIGGER "{trigger}" AFTER UPDATE OF "stock", "allocated", "product_id" ON "{stock}" '
            'WHEN OLD."stock" != NEW."stock" OR OLD."allocated" != NEW."allocated" '
            'OR OLD."product_id" != NEW."product_id" BEGIN '
            f'UPDATE "{products}" SET '
            '"stock_total" = "stock_total" + (CASE WHEN "id" = NEW."product_id" THEN NEW."stock" ELSE 0 END) '
            '- (CASE WHEN "id" = OLD."product_id" THEN OLD."stock" ELSE 0 END), '
            '"free_total" = "free_total" '
            '+ (CASE WHEN "id" = NEW."product_id" THEN NEW."stock" - NEW."allocated" ELSE 0 END) '
            '- (CASE WHEN "id" = OLD."product_id" THEN OLD."stock" - OLD."allocated" ELSE 0 END) '
            'WHERE "id" IN (OLD."product_id", NEW."product_id"); END')
        return
    # PostgreSQL: once per statement. Each event's rows are a transition table; an UPDATE has both.
    rows = {
        "INSERT": 'SELECT "product_id", "stock", "allocated" FROM new_rows',
        "DELETE": 'SELECT "product_id", -"stock", -"allocated" FROM old_rows',
        "UPDATE": 'SELECT "product_id", "stock", "allocated" FROM new_rows '
                  'UNION ALL SELECT "product_id", -"stock", -"allocated" FROM old_rows',
    }
    branches = []
    for event, changed in rows.items():
        change = (f'SELECT "product_id", SUM("stock") AS "stock", SUM("stock" - "allocated") AS "free" '
                  f'FROM ({changed}) AS changed ("product_id", "stock", "allocated") GROUP BY "product_id" '
                  'HAVING SUM("stock") <> 0 OR SUM("stock" - "allocated") <> 0')
        branches.append(f"""
            IF TG_OP = '{event}' THEN
                PERFORM 1 FROM "{products}" WHERE "id" IN (SELECT "product_id" FROM ({change}) AS c)
                    ORDER BY "id" FOR UPDATE;
                UPDATE "{products}" AS p SET "stock_total" = p."stock_total" + c."stock",
                                            "free_total" = p."free_total" + c."free"
                FROM ({change}) AS c WHERE p."id" = c."product_id";
            END IF;""")
    db.execute_sql(f"""
        CREATE OR REPLACE FUNCTION "{_TRIGGER}"() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN {''.join(branches)}
            RETURN NULL;
        END $$""")
    references = {"INSERT": "NEW TABLE AS new_rows", "DELETE": "OLD TABLE AS old_rows",
                  "UPDATE": "OLD TABLE AS old_rows NEW TABLE AS new_rows"}
    for event, referencing in references.items():
        trigger = f"{_TRIGGER}_{event.lower()}"
        db.execute_sql(f'DROP TRIGGER IF EXISTS "{trigger}" ON "{stock}"')
        db.execute_sql(f'CREATE TRIGGER "{trigger}" AFTER {event} ON "{stock}" REFERENCING {referencing} '
                       f'FOR EACH STATEMENT EXECUTE FUNCTION "{_TRIGGER}"()')


def create_indexes(db=database):
    table = Product._meta.table_name
    for name, columns in INDEXES.items():
        db.execute_sql(f'CREATE INDEX IF NOT EXISTS "{name}" ON "{table}" ({columns})')


def _sums(products):
    stock = Stock._meta.table_name
    return (f'COALESCE((SELECT SUM(s."stock") FROM "{stock}" AS s WHERE s."product_id" = "{products}"."id"), 0)',
            f'COALESCE((SELECT SUM(s."stock" - s."allocated") FROM "{stock}" AS s '
            f'WHERE s."product_id" = "{products}"."id"), 0)')


def recount(db=database):
    """Set every product's totals from its stock rows; returns the products corrected."""
    products = Product._meta.table_name
    stock_sum, free_sum = _sums(products)
    return db.execute_sql(
        f'UPDATE "{products}" SET "stock_total" = {stock_sum}, "free_total" = {free_sum} '
        f'WHERE "stock_total" <> {stock_sum} OR "free_total" <> {free_sum}').rowcount


def miscounted_products(db=database):
    """Ids of the products whose totals differ from the sums of their stock rows (none, normally)."""
    products = Product._meta.table_name
    stock_sum, free_sum = _sums(products)
    cursor = db.execute_sql(f'SELECT "id" FROM "{products}" WHERE "stock_total" <> {stock_sum} '
                            f'OR "free_total" <> {free_sum} ORDER BY "id"')
    return [product_id for (product_id,) in cursor.fetchall()]
