"""Trigram search over the orders seen in webshops (issue 14): their shop's order id and number and
why an order was not imported, as the back office's list of seen orders and the portal's webshop
page search them. Without it a search read every seen order (426 ms on PostgreSQL with 500,000).

``create_search_indexes`` creates only what is missing (fulfilment/search.py), so a database that
got this index from migration 6 (created after it was added there) is left as it is.
"""

from fulfilment.search import create_search_indexes


def upgrade(database):
    create_search_indexes(database)
