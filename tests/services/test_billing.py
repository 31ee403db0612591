"""Billing rules one by one: rounding, rate cards and their fallbacks, drafts, re-runs, issuing and numbering."""

from datetime import timedelta
from decimal import Decimal

import pytest

from fulfilment.models import (
    Invoice,
    InvoiceLineRecord,
    InvoiceNumberSequence,
    OneOffCharge,
    RateCard,
    StorageSnapshot,
)
from fulfilment.services import billing, customer_report
from fulfilment.services.errors import ValidationFailed
from tests import factories
from tests.concurrency import run_together

D = Decimal


def test_a_line_rounds_half_up_to_cents():
    assert billing.line_amount(5, D("0.0050")) == D("0.03")  # 0.025: half-even would give 0.02
    assert billing.line_amount(3, D("0.0050")) == D("0.02")  # 0.015
    assert billing.line_amount(481, D("0.0025")) == D("1.20")  # 1.2025
    assert billing.line_amount(1, D("-12.505")) == D("-12.51")  # credits round away from zero too


def test_vat_is_rounded_once_on_the_sum_of_rounded_lines():
    # Three lines of 0.025 each round to 0.03: subtotal 0.09 (not 0.075 → 0.08); VAT 21% of 0.50 = 0.105 → 0.11.
    assert billing.totals([billing.line_amount(5, D("0.005"))] * 3, D("21")) == (D("0.09"), D("0.02"), D("0.11"))
    assert billing.totals([D("0.50")], D("21.00")) == (D("0.50"), D("0.11"), D("0.61"))
    assert billing.totals([], D("21")) == (D("0.00"), D("0.00"), D("0.00"))


@pytest.mark.parametrize("value", ["-1", "abc", "0.00001", "1e9", True, "NaN"])
def test_a_rate_that_is_not_a_price_is_refused_and_nothing_is_saved(app, value):
    with pytest.raises(ValidationFailed):
        billing.save_rate_card(name="Bad", per_order=value)
    assert RateCard.select().count() == 0


def test_only_one_card_is_the_default_and_new_clients_get_it(app):
    first = billing.save_rate_card(name="Old", is_default=True, per_order="1")
    second = billing.save_rate_card(name="New", is_default=True, per_order="2")
    assert billing.default_rate_card().id == second.id
    assert not RateCard.get_by_id(first.id).is_default
    new_client = factories.make_client()
    assert billing.rate_card_for(new_client).id == second.id
    assert billing.vat_rate_for(new_client) == D("21.00")
    billing.set_client_billing(new_client, first, "9")
    assert (billing.rate_card_for(new_client).id, billing.vat_rate_for(new_client)) == (first.id, D("9.00"))


def test_shipment_price_falls_back_from_carrier_and_country_to_the_card_rate(app):
    card = billing.save_rate_card(name="Card", per_shipment="4.50")
    for carrier, country, price in [("PostNL", "NL", "3.95"), ("PostNL", "", "5.00"), ("", "BE", "6.00"),
                                    ("DHL", "BE", "7.00")]:
        billing.set_shipment_rate(card, carrier, country, price)
    rules = billing.shipment_rules(card)
    price = lambda carrier, country: billing.shipment_price(card, rules, carrier, country)  # noqa: E731
    assert price("postnl ", "nl") == D("3.95")  # carrier names match case-insensitively
    assert price("PostNL", "DE") == D("5.00")
    assert price("UPS", "BE") == D("6.00")
    assert price("DHL", "BE") == D("7.00")
    assert price("UPS", "FR") == D("4.50")
    billing.set_shipment_rate(card, "", "", "4.00")
    assert billing.shipment_price(card, billing.shipment_rules(card), "UPS", "FR") == D("4.00")


def test_billing_without_any_rate_card_is_refused_and_creates_nothing(app):
    client = factories.make_client(name="No card")
    with pytest.raises(ValidationFailed, match="no rate card"):
        billing.run_billing(client, customer_report.month_period(billing.today_utc()))
    assert Invoice.select().count() == 0


@pytest.fixture
def shipped(app):
    """A client on a simple card with one order shipped this month."""
    billing.save_rate_card(name="Simple", is_default=True, per_order="1.00", per_unit_picked="0.10",
                           per_shipment="4.00")
    client = factories.make_client(name="Shipper")
    factories.make_shipped_order(client, lines=[(factories.make_product(client, stock_amount=5), 3)])
    return client, customer_report.month_period(billing.today_utc())


def _lines(invoice):
    return [(line.kind, line.description, line.quantity, line.amount) for line in billing.invoice_lines(invoice)]


def test_a_rerun_keeps_lines_added_or_changed_by_hand(shipped):
    client, period = shipped
    draft = billing.run_billing(client, period)
    assert draft.total == billing.totals([D("1.00"), D("0.30"), D("4.00")], D("21"))[2]
    billing.add_line(draft, "Gift wrapping", 2, "1.50")
    order_line = next(line for line in billing.invoice_lines(draft) if line.kind == "per_order")
    billing.update_line(order_line, unit_price="0.75")
    draft = billing.run_billing(client, period)
    assert sorted(_lines(draft)) == sorted([
        ("per_order", "Orders handled", 1, D("0.75")), ("per_unit_picked", "Units picked", 3, D("0.30")),
        ("per_shipment", "Shipments PostNL to NL", 1, D("4.00")), ("manual", "Gift wrapping", 2, D("3.00")),
    ])
    # The changed line kept its record: the order is not charged a second time.
    assert InvoiceLineRecord.select().where(InvoiceLineRecord.kind == "per_order").count() == 1


def test_a_removed_line_frees_its_records_for_the_next_run(shipped):
    client, period = shipped
    draft = billing.run_billing(client, period)
    shipment_line = next(line for line in billing.invoice_lines(draft) if line.kind == "per_shipment")
    billing.remove_line(shipment_line)
    assert "per_shipment" not in {kind for kind, *_ in _lines(Invoice.get_by_id(draft.id))}
    assert Invoice.get_by_id(draft.id).subtotal == D("1.30")
    assert "per_shipment" in {kind for kind, *_ in _lines(billing.run_billing(client, period))}


def test_an_overlapping_period_never_charges_a_record_twice(shipped):
    client, period = shipped
    billing.issue_invoice(billing.run_billing(client, period))
    overlapping = customer_report.make_period(period.start - timedelta(days=10), period.end)
    assert _lines(billing.run_billing(client, overlapping)) == []


def test_numbers_are_sequential_and_a_refused_issue_takes_no_number(shipped):
    client, period = shipped
    empty = billing.run_billing(factories.make_client(name="Idle"), period)
    with pytest.raises(ValidationFailed, match="no lines"):
        billing.issue_invoice(empty)
    assert Invoice.get_by_id(empty.id).status == "draft"
    first = billing.issue_invoice(billing.run_billing(client, period))
    billing.add_line(empty, "Set-up", 1, "25")
    second = billing.issue_invoice(empty)
    assert (first.number, second.number) == ("INV000001", "INV000002")


def test_racing_issues_get_distinct_numbers_without_gaps(app):
    billing.save_rate_card(name="Simple", is_default=True, per_order="1.00")
    drafts = []
    for n in range(6):
        draft = billing.run_billing(factories.make_client(name=f"Racer {n}"),
                                    customer_report.month_period(billing.today_utc()))
        billing.add_line(draft, "Handling", 1, "10")
        drafts.append(draft)
    # Each draft issued twice at once: one issue wins per draft, the other is refused as already issued.
    outcomes = run_together(*[lambda d=d: billing.issue_invoice(d) for d in drafts + drafts])
    assert sorted(outcome for outcome, _ in outcomes) == ["ok"] * 6 + ["refused"] * 6
    assert sorted(Invoice.select(Invoice.number).where(Invoice.status == "issued").tuples()) == [
        (f"INV{n:06d}",) for n in range(1, 7)]
    assert InvoiceNumberSequence.get().last_value == 6


def test_storage_snapshots_are_taken_once_a_day_per_active_client(app):
    client = factories.make_client(name="Stocked")
    factories.make_product(client, stock_amount=7)
    factories.make_product(client, stock_amount=3)
    factories.make_client(name="Closed down", active=False)
    day = billing.today_utc()
    assert billing.take_storage_snapshots(day) == 1
    snapshot = StorageSnapshot.get()
    assert (snapshot.client_id, snapshot.day, snapshot.positions, snapshot.products, snapshot.units) == (
        client.id, day, 2, 2, 10)
    factories.make_product(client, stock_amount=1)
    assert billing.take_storage_snapshots(day) == 0
    assert StorageSnapshot.get().units == 10  # the first one of the day stands


def test_one_off_charge_needs_a_description_and_a_whole_quantity(app):
    client = factories.make_client()
    for description, quantity in (("", 1), ("Count", 0), ("Count", 1.5)):
        with pytest.raises(ValidationFailed):
            billing.add_one_off_charge(client, description, quantity, "10", billing.today_utc())
    assert OneOffCharge.select().count() == 0


def test_a_rerun_racing_an_issue_never_changes_the_issued_invoice(shipped):
    client, period = shipped
    for _ in range(3):
        draft = billing.run_billing(client, period)
        outcomes = run_together(lambda draft=draft: billing.issue_invoice(draft),
                                lambda: billing.run_billing(client, period))
        assert [outcome for outcome, _ in outcomes] == ["ok", "ok"]
        issued = Invoice.get_by_id(draft.id)
        assert issued.status == "issued"
        amounts = [line.amount for line in billing.invoice_lines(issued)]
        assert amounts and billing.totals(amounts, issued.vat_rate) == (issued.subtotal, issued.vat_amount,
                                                                           issued.total)
        # Whatever ran first, each record is charged once over all invoices.
        assert InvoiceLineRecord.select().count() == len({
            (r.kind, r.record_type, r.record_id) for r in InvoiceLineRecord.select()})
        factories.make_shipped_order(client, lines=[(factories.make_product(client, stock_amount=1), 1)])
