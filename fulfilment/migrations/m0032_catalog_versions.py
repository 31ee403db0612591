"""Each client's catalogue version, moved by triggers on products and product images (issue 14).

Creates ``catalog_version`` and its triggers (fulfilment/catalog_versions.py). The portal keeps a
rendered product list under it; no rows are needed to start: a client without one is at 0.
"""

from fulfilment import catalog_versions


def upgrade(database):
    catalog_versions.create_table_and_triggers(database)
