"""An index of the processing orders of every client (issue 14), for the back office's dashboard:
its "orders to pick" (processing orders with an open picklist) reads the few processing orders
through it instead of every order (PostgreSQL, a million orders: 70 -> 7 ms; the (client,
status, created_at) index serves one client at a time). It is partial (WHERE status =
'processing'): an index on every status let SQLite, with a small table's statistics, scan all
orders for the portal's open orders instead of using (client, status, created_at).
"""

from fulfilment.models import Order


def upgrade(database):
    Order._schema.create_indexes(safe=True)
