"""A client's month, through the services: the report counts what happened, the billing run charges it
by the rate card, a re-run changes nothing, an issued invoice refuses every change.

The expected figures are kept by the test itself while it acts (what it picked, shipped, received,
returned), not read back with the report's queries; the expected money is the rate card applied by
hand with Decimal.
"""

from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal

import pytest
from peewee import fn

from fulfilment.models import Invoice, InvoiceLine, InvoiceLineRecord, Stock, StockMutation
from fulfilment.services import billing, customer_report, orders, picking, purchasing, returns
from tests import factories

RATES = {
    "per_order": "1.25", "per_picklist_line": "0.15", "per_unit_picked": "0.10", "per_shipment": "4.50",
    "per_receipt_line": "0.50", "per_unit_received": "0.02", "per_return": "2.50",
    "storage_per_location_day": "0.0150", "storage_per_unit_day": "0.0025",
}
# carrier, country -> price; anything else falls back as shipment_price documents.
SHIPMENT_RULES = [("PostNL", "NL", "3.95"), ("DHL", "", "5.10"), ("", "BE", "6.00")]


def cents(value):
    return Decimal(value).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


class Month:
    """What the test did, counted as it went."""

    def __init__(self):
        self.picklists = self.picklist_rows = self.units_picked = 0
        self.orders_handled = set()
        self.shipments = []  # (carrier, country)
        self.receipts = self.receipt_rows = self.units_received = 0
        self.purchase_orders = self.purchase_order_rows = 0
        self.returns = self.return_rows = self.return_units = 0

    def picked(self, picklist, amounts):
        self.picklists += 1
        self.picklist_rows += len(amounts)
        self.units_picked += sum(amounts)
        if picklist.order_id:
            self.orders_handled.add(picklist.order_id)


def ship(month, order, carrier, country, picked=None, extra_carriers=()):
    """Close the order's open picklist (picked: {product: amount} or everything) with one shipment per carrier."""
    picklist = factories.open_picklist(order)
    lines = picking.picklist_lines(picklist)
    amounts = {line.id: (picked or {}).get(line.product_id, line.amount) for line in lines}
    carriers = [carrier, *extra_carriers]
    picking.close_picklist(picklist, picked=amounts, shipments=[
        {"carrier": name, "tracking_code": f"TT{picklist.id}{index}"} for index, name in enumerate(carriers)])
    month.picked(picklist, list(amounts.values()))
    month.shipments += [(name, country) for name in carriers]
    return picklist


@pytest.fixture
def month(app):
    """Client Tulip's month and a neighbour's few records (which must count for nobody else)."""
    card = billing.save_rate_card(name="Standard", is_default=True, **RATES)
    for carrier, country, price in SHIPMENT_RULES:
        billing.set_shipment_rate(card, carrier, country, price)
    tulip = factories.make_client(name="Tulip BV")
    billing.set_client_billing(tulip, card, vat_rate="21")
    did = Month()

    vase = factories.make_product(tulip, product_code="VASE")
    pot = factories.make_product(tulip, product_code="POT")
    card_product = factories.make_product(tulip, product_code="CARD")
    purchase_order = factories.make_purchase_order(tulip, lines=[(vase, 40), (pot, 30), (card_product, 100)])
    did.purchase_orders, did.purchase_order_rows = 1, 3
    factories.receive_everything(purchase_order)
    did.receipts, did.receipt_rows, did.units_received = 1, 3, 170
    # A second purchase order, received in two receipts; a cancelled one counts for nothing.
    second = factories.make_purchase_order(tulip, lines=[(vase, 10)])
    did.purchase_orders += 1
    did.purchase_order_rows += 1
    line = second.lines[0]
    purchasing.register_receipt(second, {line.id: 4})
    purchasing.register_receipt(second, {line.id: 6})
    did.receipts += 2
    did.receipt_rows += 2
    did.units_received += 10
    purchasing.cancel_purchase_order(factories.make_purchase_order(tulip, lines=[(pot, 5)]))

    address = {"delivery_country": "NL"}
    ship(did, factories.make_order(tulip, [(vase, 2), (pot, 1)], process=True, **address), "PostNL", "NL")
    ship(did, factories.make_order(tulip, [(card_product, 10)], process=True, **address), "PostNL", "NL",
         extra_carriers=["PostNL"])  # two parcels
    ship(did, factories.make_order(tulip, [(vase, 1)], process=True, delivery_country="BE"), "PostNL", "BE")
    ship(did, factories.make_order(tulip, [(pot, 3)], process=True, delivery_country="DE"), "DHL", "DE")
    ship(did, factories.make_order(tulip, [(pot, 1)], process=True, delivery_country="FR"), "UPS", "FR")
    # Picked short: 3 of 5 found, the rest written off and backordered.
    ship(did, factories.make_order(tulip, [(card_product, 5)], process=True, **address), "PostNL", "NL",
         picked={card_product.id: 3})
    # An order processed but not picked, and a cancelled one: no picklist closed, nothing shipped.
    factories.make_order(tulip, [(vase, 1)], process=True)
    orders.cancel_order(factories.make_order(tulip, [(pot, 1)], process=True))

    # A return with a replacement (its picklist is shipped too), received and completed; a cancelled return.
    first_order = tulip.orders.order_by(tulip.orders.model.id).first()
    ret = returns.create_return(tulip, [(vase, 1, "Broken"), (pot, 2, "Wrong colour")], [(vase, 1)],
                                order=first_order)
    replacement = ret.picklists.get()
    picking.close_picklist(replacement, shipments=[{"carrier": "PostNL", "tracking_code": "RPL1"}])
    did.picked(replacement, [1])
    did.shipments.append(("PostNL", "NL"))
    returns.receive_return(ret)
    returns.change_return_status(ret, factories.return_status("completed"), "Done")
    did.returns, did.return_rows, did.return_units = 1, 2, 3
    cancelled = returns.create_return(tulip, [(pot, 1, "Changed mind")])
    returns.change_return_status(cancelled, factories.return_status("cancelled"))

    # Storage snapshots on three nights, with stock changing in between.
    period = customer_report.month_period(billing.today_utc())
    did.snapshots = []
    for offset in (0, 1, 2):
        billing.take_storage_snapshots(period.start + timedelta(days=offset))
        positions = Stock.select().where((Stock.client == tulip) & (Stock.stock > 0)).count()
        units = sum(s.stock for s in Stock.select().where(Stock.client == tulip))
        did.snapshots.append((positions, units))
        factories.make_product(tulip, stock_amount=offset + 1)  # one more position the next night
    billing.add_one_off_charge(tulip, "Stock count", 2, "35.00", period.start + timedelta(days=3))
    did.one_off = (2, Decimal("35.00"))

    # The neighbour: records of its own, never counted for Tulip.
    neighbour = factories.make_client(name="Neighbour")
    factories.make_shipped_order(neighbour, lines=[(factories.make_product(neighbour, stock_amount=3), 2)])
    factories.receive_everything(factories.make_purchase_order(neighbour))
    return tulip, period, did


def test_report_counts_what_happened_in_the_month(month):
    tulip, period, did = month
    report = customer_report.build_report(tulip, period)
    carriers = {carrier for carrier, _ in did.shipments}
    countries = {country for _, country in did.shipments}
    assert (report["picklists"], report["picklist_rows"], report["picklist_units"]) == (
        did.picklists, did.picklist_rows, did.units_picked)
    # The ledger agrees: units picked left stock as picklist mutations, units received came in as receipts.
    ledger = dict(StockMutation.select(StockMutation.change_type, fn.SUM(StockMutation.change))
                  .where(StockMutation.client == tulip).group_by(StockMutation.change_type).tuples())
    assert (-ledger["picklist"], ledger["receipt"]) == (did.units_picked, did.units_received)
    assert report["shipments"] == len(did.shipments)
    assert report["shipment_countries"] == len(countries)
    assert report["shipment_carriers"] == len(carriers)
    assert {(c, k): n for c, k, n in report["shipment_groups"]} == {
        key: did.shipments.count(key) for key in set(did.shipments)}
    assert (report["receipts"], report["receipt_rows"], report["receipt_units"]) == (
        did.receipts, did.receipt_rows, did.units_received)
    assert (report["purchase_orders"], report["purchase_order_rows"]) == (did.purchase_orders,
                                                                          did.purchase_order_rows)
    assert (report["returns"], report["return_rows"], report["return_units"]) == (
        did.returns, did.return_rows, did.return_units)
    stock_rows = list(Stock.select().where((Stock.client == tulip) & (Stock.stock > 0)))
    assert report["storage"]["positions_count"] == len(stock_rows)
    assert report["storage"]["units"] == sum(row.stock for row in stock_rows)
    assert report["storage"]["products"] == len({row.product_id for row in stock_rows})


def test_report_details_list_the_records_behind_each_figure(month):
    tulip, period, did = month
    rows = {which: list(customer_report.details(tulip, period, which)) for which in customer_report.DETAILS}
    assert len(rows["picklists"]) == did.picklists
    assert sum(row["units"] for row in rows["picklists"]) == did.units_picked
    assert len(rows["shipments"]) == len(did.shipments)
    assert len(rows["receipts"]) == did.receipts
    assert sum(row["units"] for row in rows["receipts"]) == did.units_received
    assert len(rows["returns"]) == did.returns


def expected_total(did):
    """The rate card applied by hand: each line quantity × rate rounded half up, then summed."""
    rate = {key: Decimal(value) for key, value in RATES.items()}
    shipment_rate = {("postnl", "NL"): Decimal("3.95"), ("dhl", ""): Decimal("5.10"), ("", "BE"): Decimal("6.00")}

    def price(carrier, country):
        for key in ((carrier.lower(), country), (carrier.lower(), ""), ("", country)):
            if key in shipment_rate:
                return shipment_rate[key]
        return rate["per_shipment"]

    per_group = {}
    for carrier, country in did.shipments:
        per_group.setdefault((carrier, country, price(carrier, country)), 0)
        per_group[(carrier, country, price(carrier, country))] += 1
    lines = [
        len(did.orders_handled) * rate["per_order"],
        did.picklist_rows * rate["per_picklist_line"],
        did.units_picked * rate["per_unit_picked"],
        *[n * unit for (_, _, unit), n in per_group.items()],
        did.receipt_rows * rate["per_receipt_line"],
        did.units_received * rate["per_unit_received"],
        did.returns * rate["per_return"],
        sum(p for p, _ in did.snapshots) * rate["storage_per_location_day"],
        sum(u for _, u in did.snapshots) * rate["storage_per_unit_day"],
        did.one_off[0] * did.one_off[1],
    ]
    subtotal = sum(cents(line) for line in lines)
    vat = cents(subtotal * Decimal("0.21"))
    return subtotal, vat, subtotal + vat


def test_billing_run_charges_the_rate_card_applied_by_hand(month):
    tulip, period, did = month
    draft = billing.run_billing(tulip, period)
    assert draft.status == "draft" and draft.number is None
    # Read back from the database (SQLite or PostgreSQL): the same Decimals as the hand calculation.
    stored = Invoice.get_by_id(draft.id)
    assert (stored.subtotal, stored.vat_amount, stored.total) == expected_total(did)
    assert all(isinstance(value, Decimal) for value in (stored.subtotal, stored.vat_amount, stored.total))
    summed_by_the_database = InvoiceLine.select(fn.SUM(InvoiceLine.amount)).where(
        InvoiceLine.invoice == draft).scalar()
    assert Decimal(str(summed_by_the_database)) == stored.subtotal
    # Shipments are priced by rule: PostNL to NL 3.95, PostNL to BE by the country rule, DHL by the carrier
    # rule, UPS to FR by the card's fallback.
    shipment_lines = {line.description: (line.quantity, line.unit_price)
                      for line in billing.invoice_lines(draft) if line.kind == "per_shipment"}
    assert shipment_lines == {
        "Shipments PostNL to NL": (did.shipments.count(("PostNL", "NL")), Decimal("3.9500")),
        "Shipments PostNL to BE": (1, Decimal("6.0000")),
        "Shipments DHL to DE": (1, Decimal("5.1000")),
        "Shipments UPS to FR": (1, Decimal("4.5000")),
    }


def test_every_charge_line_links_the_records_it_counts(month):
    tulip, period, did = month
    draft = billing.run_billing(tulip, period)
    for line in billing.invoice_lines(draft):
        records = billing.line_records(line)
        assert sum(record.quantity for record in records) == line.quantity, line.description
        assert all(record.client_id == tulip.id for record in records)
    by_kind = {line.kind: billing.line_records(line) for line in billing.invoice_lines(draft)}
    assert {record.link_id for record in by_kind["per_order"]} == did.orders_handled


def _snapshot_of(invoice):
    lines = [(line.kind, line.description, line.quantity, line.unit_price, line.amount)
             for line in billing.invoice_lines(invoice)]
    records = sorted(InvoiceLineRecord.select(InvoiceLineRecord.kind, InvoiceLineRecord.record_type,
                                              InvoiceLineRecord.record_id).tuples())
    fresh = Invoice.get_by_id(invoice.id)
    return lines, records, (fresh.subtotal, fresh.vat_amount, fresh.total, fresh.status, fresh.number)


def test_rerunning_the_same_period_changes_nothing(month):
    tulip, period, _ = month
    first = billing.run_billing(tulip, period)
    before = _snapshot_of(first)
    again = billing.run_billing(tulip, period)
    assert again.id == first.id
    assert _snapshot_of(again) == before
    assert Invoice.select().count() == 1


def test_issued_invoice_refuses_every_change_and_is_never_billed_twice(month):
    tulip, period, _ = month
    draft = billing.run_billing(tulip, period)
    line = billing.invoice_lines(draft)[0]
    issued = billing.issue_invoice(draft, actor="system")
    assert issued.number == "INV000001" and issued.status == "issued"
    before = _snapshot_of(issued)
    for change in (
        lambda: billing.add_line(issued, "Extra", 1, "10"),
        lambda: billing.update_line(line, quantity=99),
        lambda: billing.remove_line(line),
        lambda: billing.issue_invoice(issued),
        lambda: billing.delete_draft(issued),
    ):
        with pytest.raises(billing.InvoiceLocked):
            change()
    assert _snapshot_of(issued) == before
    # Running the period again starts a new draft that finds nothing left to charge.
    correction = billing.run_billing(tulip, period)
    assert correction.id != issued.id
    assert billing.invoice_lines(correction) == []
    assert _snapshot_of(issued) == before
    # A correction is a line on the new draft, issued with the next number.
    billing.add_line(correction, "Credit: one broken vase", 1, "-12.50")
    assert billing.issue_invoice(correction).number == "INV000002"
    assert InvoiceLine.select().where(InvoiceLine.invoice == issued).count() == len(before[0])
