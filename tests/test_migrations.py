"""Upgrading a database of the first release gives the same schema as building a new one.

Migration 1 builds the tables from the current models, so a fresh database says nothing about
upgrades. tests/fixtures/schema_m0001.*.sql hold a database exactly as migration 1 of the first
release created it (schema and seeded rows); the test loads it, runs every later migration and
compares tables, columns, indexes and foreign keys with a database built from scratch. A model
change shipped without its migration fails here.
"""

import uuid
from pathlib import Path
from urllib.parse import urlparse, urlunparse

import pytest
from peewee import ForeignKeyField, Model

from fulfilment import migrations
from fulfilment.db import bind_database, close_all_connections, database, is_sqlite
from fulfilment.migrations import SchemaVersion
from fulfilment.models import Client, ExportJob, PortalUser, ReturnStatus, Warehouse
from tests.conftest import SERVER_URL, _postgres_admin_connection

FIXTURES = Path(__file__).resolve().parent / "fixtures"


def describe_schema():
    """Every table of the bound database: its columns, indexes and foreign keys, comparable as plain data."""
    schema = {}
    for table in sorted(database.get_tables()):
        columns = {column.name: (column.data_type.lower(), column.null, column.primary_key)
                   for column in database.get_columns(table)}
        indexes = {(tuple(index.columns), index.unique) for index in database.get_indexes(table)}
        foreign_keys = {(key.column, key.dest_table, key.dest_column) for key in database.get_foreign_keys(table)}
        schema[table] = {"columns": columns, "indexes": indexes, "foreign_keys": foreign_keys}
    return schema


class Databases:
    """Throwaway databases of the kind the tests run on (SQLite files, or PostgreSQL databases)."""

    def __init__(self, tmp_path):
        self.tmp_path = tmp_path
        self.created = []

    def new(self, name):
        if not SERVER_URL:
            return f"sqlite:///{self.tmp_path / f'{name}.sqlite3'}"
        database_name = f"fulfilment_migration_{name}_{uuid.uuid4().hex[:8]}"
        admin = _postgres_admin_connection(SERVER_URL)
        with admin.cursor() as cursor:
            cursor.execute(f'CREATE DATABASE "{database_name}"')
        admin.close()
        self.created.append(database_name)
        return urlunparse(urlparse(SERVER_URL)._replace(path=f"/{database_name}"))

    def drop_all(self):
        close_all_connections()
        if self.created:
            admin = _postgres_admin_connection(SERVER_URL)
            with admin.cursor() as cursor:
                for name in self.created:
                    cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
            admin.close()


@pytest.fixture
def databases(tmp_path, database_url):
    made = Databases(tmp_path)
    yield made
    made.drop_all()
    bind_database(database_url)  # the test database again


def load_first_release(url):
    """Bind url and fill it with the first release's database."""
    bind_database(url)
    database.connect(reuse_if_open=True)
    if is_sqlite():
        database.connection().executescript((FIXTURES / "schema_m0001.sqlite.sql").read_text())
    else:
        with database.connection().cursor() as cursor:
            cursor.execute((FIXTURES / "schema_m0001.postgresql.sql").read_text())
        database.connection().commit()


def test_a_first_release_database_upgrades_to_the_schema_of_a_new_one(databases):
    load_first_release(databases.new("old"))
    assert migrations.current_version() == 1
    warehouses = [warehouse.name for warehouse in Warehouse.select()]
    applied = migrations.upgrade()
    assert applied == [name for version, name in migrations.MIGRATIONS if version > 1]
    assert migrations.current_version() == migrations.MIGRATIONS[-1][0]
    upgraded = describe_schema()
    # The rows the first release seeded are still there.
    assert [warehouse.name for warehouse in Warehouse.select()] == warehouses == ["Main warehouse"]
    assert ReturnStatus.select().count() == 4
    database.close()

    bind_database(databases.new("fresh"))
    migrations.upgrade()
    fresh = describe_schema()
    database.close()

    assert set(upgraded) == set(fresh), "tables differ"
    for table in fresh:
        assert upgraded[table] == fresh[table], table


def test_the_schema_comparison_notices_a_missing_column(databases):
    bind_database(databases.new("fresh"))
    migrations.upgrade()
    before = describe_schema()
    database.execute_sql('ALTER TABLE "client" ADD COLUMN "nickname" VARCHAR(20)')
    assert describe_schema()["client"] != before["client"]


def test_export_jobs_of_migration_10_gain_staff_jobs_and_keep_their_rows(databases):
    """Migration 13 on an export_job table as migration 10 made it (a client required, no staff)."""
    bind_database(databases.new("fresh"))
    migrations.upgrade()
    fresh = describe_schema()
    client = Client.create(name="Acme", email="acme@example.com")

    class ExportJobOfMigration10(Model):
        client = ForeignKeyField(Client, on_delete="CASCADE")
        requested_by = ForeignKeyField(PortalUser, null=True, on_delete="SET NULL")

        class Meta:
            database = database
            table_name = ExportJob._meta.table_name
            indexes = ExportJob._meta.indexes

    old_fields = [name for name in ExportJob._meta.fields if name not in ("client", "requested_by",
                                                                           "requested_by_staff")]
    for name in old_fields:
        ExportJobOfMigration10._meta.add_field(name, ExportJob._meta.fields[name].clone())
    database.drop_tables([ExportJob])
    database.create_tables([ExportJobOfMigration10])
    job = ExportJobOfMigration10.create(client=client, kind="orders")
    SchemaVersion.delete().where(SchemaVersion.version == 13).execute()
    assert describe_schema()["export_job"] != fresh["export_job"]

    assert migrations.upgrade() == ["m0013_staff_export_jobs"]

    assert describe_schema() == fresh
    upgraded = ExportJob.get_by_id(job.id)
    assert (upgraded.client_id, upgraded.kind, upgraded.requested_by_staff_id) == (client.id, "orders", None)
    database.close()


def test_migration_23_gives_existing_picklists_the_units_on_their_lines(databases):
    """A database from before migration 23: its picklists gain ``units``, the sum of their lines
    (an open and a shipped one), and the index of the open picklists' units."""
    from fulfilment.models import OPEN_PICKLIST_UNITS_INDEX, Picklist
    from tests import factories

    bind_database(databases.new("fresh"))
    migrations.upgrade()
    fresh = describe_schema()
    client = factories.make_client()
    first, second = factories.make_product(client, stock_amount=10), factories.make_product(client, stock_amount=10)
    open_order = factories.make_order(client, lines=[(first, 3), (second, 2)], process=True)
    factories.make_shipped_order(client, lines=[(first, 4)])
    expected = {picklist.id: picklist.units for picklist in Picklist.select()}
    assert sorted(expected.values()) == [4, 5]
    assert factories.open_picklist(open_order).units == 5

    database.execute_sql(f'DROP INDEX "{OPEN_PICKLIST_UNITS_INDEX}"')
    database.execute_sql('ALTER TABLE "picklist" DROP COLUMN "units"')
    SchemaVersion.delete().where(SchemaVersion.version == 23).execute()
    assert "units" not in describe_schema()["picklist"]["columns"]

    assert migrations.upgrade() == ["m0023_picklist_units"]

    assert describe_schema() == fresh
    assert {picklist.id: picklist.units for picklist in Picklist.select()} == expected
    database.close()


def test_migration_24_counts_the_existing_rows_per_block_of_ids_and_keeps_them_counted(databases, monkeypatch):
    """A database from before migration 24: its rows are counted per block (the first seal), and
    the triggers count what is deleted from a sealed block afterwards."""
    from fulfilment import id_blocks
    from fulfilment.models import IdBlock, IdBlockSeal
    from tests import factories

    monkeypatch.setattr(id_blocks, "BLOCK", 4)
    bind_database(databases.new("fresh"))
    migrations.upgrade()
    fresh = describe_schema()
    client = factories.make_client()
    products = factories.make_bare_products(client, 10)

    if is_sqlite():
        for table in (model._meta.table_name for model in id_blocks.COUNTED):
            for event in ("insert", "delete"):
                database.execute_sql(f'DROP TRIGGER "id_block_{table}_{event}"')
    else:
        database.execute_sql('DROP FUNCTION "id_block_count"() CASCADE')
    database.drop_tables([IdBlock, IdBlockSeal])
    SchemaVersion.delete().where(SchemaVersion.version == 24).execute()

    assert migrations.upgrade() == ["m0024_id_blocks"]

    assert describe_schema() == fresh
    assert IdBlockSeal.get(IdBlockSeal.counted_table == "product").below_id == 8  # ids 1–7 sealed
    products[4].delete_instance()
    assert IdBlock.get(counted_table="product", client_id=client.id, block=1).row_count == 3
    assert id_blocks.miscounted_tables() == []
    database.close()


def test_migration_28_totals_the_existing_products_stock_and_keeps_it_totalled(databases):
    """A database from before migration 28: its products gain their stock totals from the stock rows,
    the (client, total, code) indexes, and the triggers that keep them."""
    from fulfilment import stock_totals
    from fulfilment.models import Product, Warehouse
    from fulfilment.services import stock_corrections
    from tests import factories

    bind_database(databases.new("fresh"))
    migrations.upgrade()
    fresh = describe_schema()
    client = factories.make_client()
    mug, tea = factories.make_product(client, stock_amount=10), factories.make_product(client)
    stock_corrections.change_stock(mug, Warehouse.create(name="Second"), 4, "Counted")
    factories.make_order(client, lines=[(mug, 3)], process=True)

    if is_sqlite():
        for event in ("insert", "update", "delete"):
            database.execute_sql(f'DROP TRIGGER "product_stock_totals_{event}"')
    else:
        database.execute_sql('DROP FUNCTION "product_stock_totals"() CASCADE')
    for index in stock_totals.INDEXES:
        database.execute_sql(f'DROP INDEX "{index}"')
    for column in ("stock_total", "free_total"):
        database.execute_sql(f'ALTER TABLE "product" DROP COLUMN "{column}"')
    SchemaVersion.delete().where(SchemaVersion.version == 28).execute()

    assert migrations.upgrade() == ["m0028_product_stock_totals"]

    assert describe_schema() == fresh
    totals = {product.id: (product.stock_total, product.free_total) for product in Product.select()}
    assert totals == {mug.id: (14, 11), tea.id: (0, 0)}
    stock_corrections.change_stock(tea, Warehouse.default(), 2, "Found")
    assert Product.get_by_id(tea.id).free_total == 2
    database.close()


def test_migration_32_makes_the_catalogue_versions_and_their_triggers(databases):
    """A database from before migration 32 gains the version table and the triggers that move it."""
    from fulfilment import catalog_versions
    from fulfilment.services import catalog
    from tests import factories

    bind_database(databases.new("fresh"))
    migrations.upgrade()
    fresh = describe_schema()
    mug = factories.make_product(factories.make_client())
    if is_sqlite():
        for table in ("product", "product_image"):
            for event in ("insert", "update", "delete"):
                database.execute_sql(f'DROP TRIGGER "catalog_version_{table}_{event}"')
    else:
        database.execute_sql('DROP FUNCTION "catalog_version_raise"() CASCADE')
    database.execute_sql('DROP TABLE "catalog_version"')
    SchemaVersion.delete().where(SchemaVersion.version == 32).execute()

    assert migrations.upgrade() == ["m0032_catalog_versions"]

    assert describe_schema() == fresh
    assert catalog_versions.current(mug.client_id) == 0
    catalog.update_product(mug, name="Renamed")
    assert catalog_versions.current(mug.client_id) == 1
    database.close()
