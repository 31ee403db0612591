"""An index on the orders' status alone (issue 14), for the back office's work across every client:
the dashboard's "orders to pick" (processing orders with an open picklist) and the order list's
status filters read the few processing orders through it instead of every order (PostgreSQL, a
million orders: 70 -> 7 ms; the (client, status, created_at) index serves one client only).
"""

from fulfilment.models import Order


def upgrade(database):
    Order._schema.create_indexes(safe=True)
