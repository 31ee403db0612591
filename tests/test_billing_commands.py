"""The billing commands and the nightly job: storage snapshots and billing runs without the back office."""

from fulfilment.models import Invoice, StorageSnapshot
from fulfilment.services import billing
from tests import factories


def test_storage_snapshot_command_records_today_once(app):
    client = factories.make_client(name="Stocked")
    factories.make_product(client, stock_amount=4)
    runner = app.test_cli_runner()
    first = runner.invoke(args=["storage-snapshot"])
    assert first.exit_code == 0 and "1 client(s)" in first.output
    again = runner.invoke(args=["storage-snapshot"])
    assert again.exit_code == 0 and "already had a snapshot" in again.output
    assert [(s.day, s.units) for s in StorageSnapshot.select()] == [(billing.today_utc(), 4)]


def test_storage_snapshot_command_refuses_a_bad_day_and_writes_nothing(app):
    factories.make_client()
    result = app.test_cli_runner().invoke(args=["storage-snapshot", "--day", "31-12-2026"])
    assert result.exit_code != 0 and "YYYY-MM-DD" in result.output
    assert StorageSnapshot.select().count() == 0


def test_the_nightly_job_takes_the_snapshots(app):
    factories.make_product(factories.make_client(), stock_amount=2)
    app.extensions["jobs"].take_storage_snapshots()  # immediate mode in the tests: runs at once
    assert StorageSnapshot.select().count() == 1


def test_run_billing_command_makes_a_draft_per_client_and_reports_refusals(app):
    client = factories.make_client(name="Billed")
    factories.make_shipped_order(client, lines=[(factories.make_product(client, stock_amount=2), 1)])
    result = app.test_cli_runner().invoke(args=["run-billing", "--start", str(billing.today_utc().replace(day=1))])
    assert result.exit_code != 0 and "no rate card" in result.output  # no card yet: refused, nothing made
    assert Invoice.select().count() == 0
    billing.save_rate_card(name="Default", is_default=True, per_order="2.00")
    result = app.test_cli_runner().invoke(args=["run-billing", "--start", str(billing.today_utc().replace(day=1))])
    assert result.exit_code == 0, result.output
    draft = Invoice.get(Invoice.client == client)
    assert (draft.status, draft.subtotal) == ("draft", 2)
    assert "Billed: draft" in result.output


def test_migration_8_adds_the_billing_tables_to_a_database_from_before_billing(tmp_path, database_url):
    from fulfilment import create_app
    from fulfilment.db import bind_database, database
    from fulfilment.migrations import MIGRATIONS, SchemaVersion, current_version
    from fulfilment.models import BILLING_MODELS, Client
    from tests.conftest import WEBSHOP_TEST_KEY

    old = create_app({"DATABASE_URL": f"sqlite:///{tmp_path / 'old.sqlite3'}", "SECRET_KEY": "x",
                      "WEBSHOP_KEY": WEBSHOP_TEST_KEY, "HUEY_IMMEDIATE": True})
    try:
        runner = old.test_cli_runner()
        assert runner.invoke(args=["init-db"]).exit_code == 0
        with old.app_context():
            # Back to the schema before billing: no billing tables, version 3, and a client with data.
            database.drop_tables(BILLING_MODELS)
            SchemaVersion.delete().where(SchemaVersion.version >= 8).execute()
            Client.create(name="Kept")
        result = runner.invoke(args=["init-db"])
        assert result.exit_code == 0 and "m0008_billing" in result.output, result.output
        with old.app_context():
            assert current_version() == MIGRATIONS[-1][0]
            assert all(database.table_exists(model._meta.table_name) for model in BILLING_MODELS)
            assert Client.get().name == "Kept"
    finally:
        bind_database(database_url)
