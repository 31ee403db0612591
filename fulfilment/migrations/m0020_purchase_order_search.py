"""Trigram search over purchase orders (issue 14): their number, supplier and supplier's order id,
as the portal's purchase orders and the back office's list search them. Without it PostgreSQL's
ILIKE read all 50,000 purchase orders of a warehouse twice (count and page: 97 ms).

``create_search_indexes`` creates only what is missing (fulfilment/search.py).
"""

from fulfilment.search import create_search_indexes


def upgrade(database):
    create_search_indexes(database)
