"""Each product's stock and free stock over its warehouses, on the product row (issue 14).

Adds ``product.stock_total`` and ``product.free_total``, the triggers on the stock table that keep
them (fulfilment/stock_totals.py), their values from the stock rows, and the (client, total, code)
indexes the portal's product list sorts and filters by. The indexes are made here, not declared on
the model: earlier migrations create the model's declared indexes, on databases that do not have
the columns yet.
"""

from fulfilment import stock_totals
from fulfilment.models import STOCK_TOTALS, Product


def upgrade(database):
    table = Product._meta.table_name
    columns = {column.name for column in database.get_columns(table)}
    for name in STOCK_TOTALS:
        if name not in columns:
            # A plain ADD COLUMN with its default, as migration 23: Peewee's add_column rebuilds a
            # SQLite table for a NOT NULL column, which the foreign keys to products refuse.
            database.execute_sql(f'ALTER TABLE "{table}" ADD COLUMN "{name}" INTEGER NOT NULL DEFAULT 0')
    stock_totals.create_triggers(database)
    stock_totals.recount(database)
    stock_totals.create_indexes(database)
