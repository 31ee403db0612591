"""Indexes of the lists shown newest first end with the id they are sorted on (issue 14).

The orders, the stock history, purchase orders and returns are listed by (created_at, id),
newest first. SQLite's index on (client, created_at) holds the rowid after the date, so it gives
that order; PostgreSQL's does not: it read each row from the table to sort ties on the id, and a
small client's last page of orders sorted all 16,000 of them (42 ms; from (client, created_at,
id), the ids alone: about 2 ms). Each such index is made anew with the id at its end, and the old
one is dropped.
"""

from fulfilment.models import Order, PurchaseOrder, Return, StockMutation

REPLACED = {
    Order: ("order_client_id_created_at", "order_client_id_status_created_at", "order_client_id_source_created_at"),
    StockMutation: ("stock_mutation_client_id_product_id_created_at", "stock_mutation_client_id_created_at",
                    "stock_mutation_created_at"),
    PurchaseOrder: ("purchase_order_client_id_created_at",),
    Return: ("return_client_id_created_at",),
}


def upgrade(database):
    for model, old_indexes in REPLACED.items():
        model._schema.create_indexes(safe=True)
        for index in old_indexes:
            database.execute_sql(f'DROP INDEX IF EXISTS "{index}"')
