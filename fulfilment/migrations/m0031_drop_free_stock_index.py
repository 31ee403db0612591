"""Drop migration 18's index of each client's stock rows by free stock (stock − allocated).

The low-stock lists it served read the product's free_total since migration 28, through the
(client, free_total, code) index; nothing else reads stock rows in that order, and every
allocation and stock change updated it.
"""


def upgrade(database):
    database.execute_sql('DROP INDEX IF EXISTS "stock_client_free"')
