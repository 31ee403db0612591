"""Shipment.webshop_push_next_at: when the next attempt to tell the webshop is due."""

from playhouse.migrate import SchemaMigrator, migrate

from fulfilment.models import Shipment

COLUMN = "webshop_push_next_at"
INDEX = "shipment_webshop_push_status_webshop_push_next_at"


def upgrade(database):
    table = Shipment._meta.table_name
    migrator = SchemaMigrator.from_database(database.obj)
    operations = []
    if COLUMN not in {column.name for column in database.get_columns(table)}:
        operations.append(migrator.add_column(table, COLUMN, Shipment.webshop_push_next_at))
    if INDEX not in {index.name for index in database.get_indexes(table)}:
        operations.append(migrator.add_index(table, ("webshop_push_status", COLUMN), False))
    if operations:
        migrate(*operations)
