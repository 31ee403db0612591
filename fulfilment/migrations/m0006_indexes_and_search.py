"""Indexes that match each list's filter and sort, trigram search indexes, fresh planner statistics.

- the composite indexes the models declare and an older database lacks, e.g. (client, order) on
  picklists, shipments, order lines and events, so an order's page finds its rows through the
  index whatever the planner's statistics say; (client, source, created_at) for the orders
  filter; (client, status, closed_at, id) for the shipments list, replacing (client, status,
  closed_at);
- the trigram indexes of fulfilment/search.py (SQLite FTS5 tables with their triggers,
  PostgreSQL pg_trgm GIN indexes);
- statistics for SQLite's planner (see db.refresh_statistics).
"""

from fulfilment.db import is_sqlite
from fulfilment.models import MODELS, Picklist
from fulfilment.search import create_search_indexes

REPLACED = {Picklist: "picklist_client_id_status_closed_at"}


def upgrade(database):
    for index in REPLACED.values():
        database.execute_sql(f'DROP INDEX IF EXISTS "{index}"')
    for model in MODELS:
        # Tables of later migrations (built with their indexes there) do not exist yet here.
        if database.table_exists(model._meta.table_name):
            model._schema.create_indexes(safe=True)
    create_search_indexes(database)
    if is_sqlite():
        from fulfilment.db import refresh_statistics

        refresh_statistics()
