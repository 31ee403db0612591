"""Numbered schema migrations, applied in order and recorded in the ``schema_version`` table.

Rules for adding one: append ``NNNN_what.py`` with ``upgrade(database)`` to MIGRATIONS, never
edit a released one, never drop data. Migration 1 creates the tables from the current models,
so a later migration that adds a column must check that the column is missing first (a fresh
database already has it).
"""

import importlib

from peewee import CharField, DateTimeField, IntegerField, Model

from fulfilment.db import database, is_sqlite, write_transaction
from fulfilment.models import utcnow

MIGRATIONS = [
    (1, "m0001_initial"),
    (2, "m0002_api_request_counts"),
    (3, "m0003_shipment_push_schedule"),
    (4, "m0004_creation_keys"),
    (5, "m0005_sessions_and_two_factor"),
    (6, "m0006_indexes_and_search"),
    (7, "m0007_notifications"),
    (8, "m0008_billing"),
    (9, "m0009_personal_language"),
    (10, "m0010_export_jobs"),
    (11, "m0011_list_indexes"),
    (12, "m0012_locations_carriers_customs"),
    (13, "m0013_staff_export_jobs"),
    (14, "m0014_webshop_order_counts"),
    (15, "m0015_webshop_order_search"),
    (16, "m0016_order_status_index"),
    (17, "m0017_import_jobs"),
    (18, "m0018_free_stock_index"),
    (19, "m0019_dashboard_indexes"),
    (20, "m0020_purchase_order_search"),
    (21, "m0021_status_list_indexes"),
    (22, "m0022_expected_purchase_order_lines"),
    (23, "m0023_picklist_units"),
    (24, "m0024_id_blocks"),
    (25, "m0025_newest_first_indexes"),
    (26, "m0026_drop_picklist_status_order"),
    (27, "m0027_id_block_triggers_by_argument"),
    (28, "m0028_product_stock_totals"),
    (29, "m0029_processing_orders_by_id"),
    (30, "m0030_product_client_id_order"),
    (31, "m0031_drop_free_stock_index"),
    (32, "m0032_catalog_versions"),
]


class SchemaVersion(Model):
    version = IntegerField(primary_key=True)
    name = CharField()
    applied_at = DateTimeField(default=utcnow)

    class Meta:
        database = database
        table_name = "schema_version"


def current_version():
    """The highest migration applied to the bound database (0 for an empty one)."""
    if not database.table_exists(SchemaVersion._meta.table_name):
        return 0
    return SchemaVersion.select(SchemaVersion.version).order_by(SchemaVersion.version.desc()).scalar() or 0


def applied_versions():
    """The numbers of the migrations recorded in the bound database."""
    if not database.table_exists(SchemaVersion._meta.table_name):
        return set()
    return {version for (version,) in SchemaVersion.select(SchemaVersion.version).tuples()}


def upgrade():
    """Apply every migration the database lacks, in number order, each in its own transaction.

    A migration is skipped only when it is recorded, not when a higher one is: numbers are
    reserved ahead by parallel work, so a database may have met 8 before 5. Migrations are
    written to be safe on a database that already has what they add. Returns those applied.
    """
    database.create_tables([SchemaVersion], safe=True)
    done = applied_versions()
    applied = []
    for version, module_name in sorted(MIGRATIONS):
        if version in done:
            continue
        module = importlib.import_module(f"fulfilment.migrations.{module_name}")
        with write_transaction():
            if not is_sqlite():
                # Deferred triggers (migration 32's catalogue versions) fire as each statement
                # ends: PostgreSQL refuses to change a table's schema with their events pending.
                database.execute_sql("SET CONSTRAINTS ALL IMMEDIATE")
            module.upgrade(database)
            SchemaVersion.create(version=version, name=module_name)
        applied.append(module_name)
    return applied
