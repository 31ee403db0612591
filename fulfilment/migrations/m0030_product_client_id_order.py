"""A client's products in id order: (client_id, id) replaces the index on client_id alone (issue 14).

The back office filtered on a client, and the API for a client's key, list its products newest
first by id. PostgreSQL's index on client_id alone keeps equal keys in table order, so it walked
the primary key backwards and skipped every other client's newer products instead: for a client
whose 20,000 products are the oldest, 80,000 rows for 50 (11 ms). SQLite's index on client_id was
in id order already (its entries end with the rowid); the new one serves both the same way.
"""

from fulfilment.models import Product


def upgrade(database):
    Product._schema.create_indexes(safe=True)  # (client_id, id) among them
    database.execute_sql('DROP INDEX IF EXISTS "product_client_id"')
