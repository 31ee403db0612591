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
