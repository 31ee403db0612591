"""Billing in the back office: the customer report with its details and Excel, a billing run, adjusting and
issuing a draft, and an issued invoice that refuses changes."""

import re
from decimal import Decimal

import pytest

from fulfilment.models import Invoice, InvoiceLine, OneOffCharge, RateCard
from fulfilment.services import billing, customer_report, returns
from tests import factories, read_exports


@pytest.fixture
def tulip(app):
    client = factories.make_client(name="Tulip")
    vase = factories.make_product(client, product_code="VASE", stock_amount=10)
    factories.make_shipped_order(client, lines=[(vase, 2)], carrier="DHL")
    factories.make_shipped_order(client, lines=[(vase, 3)], carrier="PostNL")
    factories.receive_everything(factories.make_purchase_order(client, lines=[(vase, 4)]))
    ret = factories.make_return(client, returned=[(vase, 1, "Broken")])
    returns.change_return_status(ret, factories.return_status("completed"))
    return client


def _report_url(client, **extra):
    month = customer_report.month_period(billing.today_utc())
    args = "&".join(f"{k}={v}" for k, v in {"client": client.id, "start": month.start, "end": month.end,
                                            **extra}.items())
    return f"/admin/customer-report/?{args}"


def test_report_page_shows_the_figures_and_the_records_behind_them(staff_client, tulip):
    page = staff_client.get(_report_url(tulip)).get_data(as_text=True)
    figures = [int(v) for v in re.findall(r'report-figure">(\d+)<', page)]
    # picklists, rows, units, shipments, countries, carriers | receipts, rows, units, POs, PO rows | returns …
    assert figures[:6] == [2, 2, 5, 2, 1, 2]
    assert figures[6:9] == [1, 1, 4]
    details = staff_client.get(_report_url(tulip, details="shipments")).get_data(as_text=True)
    assert "DHL" in details and "PostNL" in details and "Export all to Excel" in details


def test_report_and_its_details_export_to_excel(staff_client, tulip):
    report = staff_client.get(_report_url(tulip).replace("/?", "/export?"))
    assert report.status_code == 200
    rows = {(section, figure): value for section, figure, value in read_exports.rows(report.data)[1:]}
    assert rows[("Outbound", "Units picked")] == 5 and rows[("Returns", "Returns processed")] == 1
    picklists = staff_client.get(_report_url(tulip, details="picklists").replace("/?", "/details-export?"))
    assert [row["Units picked"] for row in read_exports.records(picklists.data)] == [2, 3]


def test_report_with_a_reversed_period_says_why_and_shows_no_figures(staff_client, tulip):
    page = staff_client.get(f"/admin/customer-report/?client={tulip.id}&start=2026-05-10&end=2026-05-01")
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and "The end date is before the start date." in text
    assert "report-figure" not in text


def test_staff_runs_billing_adjusts_the_draft_and_issues_it(staff_client, tulip):
    billing.save_rate_card(name="Standard", is_default=True, per_order="1.00", per_shipment="4.00")
    month = customer_report.month_period(billing.today_utc())
    response = factories.admin_post(staff_client, "/admin/invoice/run/", "/admin/invoice/run/",
                     {"client": tulip.id, "start": month.start, "end": month.end})
    assert "Draft for Tulip computed" in response.get_data(as_text=True)
    draft = Invoice.get(Invoice.client == tulip)
    assert draft.subtotal == Decimal("10.00")  # 2 orders × 1.00 + 2 shipments × 4.00

    factories.admin_post(staff_client, f"/admin/invoice/line/{draft.id}", f"/admin/invoice/line/{draft.id}",
          {"description": "Stock count", "quantity": 1, "unit_price": "15"})
    added = InvoiceLine.get(InvoiceLine.description == "Stock count")
    factories.admin_post(staff_client, f"/admin/invoiceline/line/{added.id}", f"/admin/invoiceline/line/{added.id}",
          {"description": "Stock count (2 hours)", "quantity": 2, "unit_price": "15"})
    assert Invoice.get_by_id(draft.id).subtotal == Decimal("40.00")
    details = staff_client.get(f"/admin/invoice/details/?id={draft.id}").get_data(as_text=True)
    assert "Stock count (2 hours)" in details and "Issue invoice" in details

    response = factories.admin_action(staff_client, "invoice", "issue", draft.id)
    assert "Invoice issued" in response.get_data(as_text=True)
    issued = Invoice.get_by_id(draft.id)
    assert (issued.status, issued.number, issued.total) == ("issued", "INV000001", Decimal("48.40"))


def test_an_issued_invoice_refuses_changes_in_the_back_office(staff_client, tulip):
    _, issued = factories.make_invoices(tulip)
    line = issued.lines.get()
    before = (Invoice.get_by_id(issued.id).total, [(x.description, x.amount) for x in issued.lines])
    form = staff_client.get(f"/admin/invoiceline/line/{line.id}", follow_redirects=True).get_data(as_text=True)
    assert "has been issued" in form
    factories.admin_post(staff_client, f"/admin/invoice/details/?id={issued.id}", f"/admin/invoiceline/line/{line.id}",
          {"description": "Changed", "quantity": 1, "unit_price": "0"})
    response = factories.admin_action(staff_client, "invoiceline", "remove", line.id)
    assert "can no longer be changed" in response.get_data(as_text=True)
    response = factories.admin_action(staff_client, "invoice", "delete_draft", issued.id)
    assert "can no longer be changed" in response.get_data(as_text=True)
    after = (Invoice.get_by_id(issued.id).total, [(x.description, x.amount) for x in
                                                  InvoiceLine.select().where(InvoiceLine.invoice == issued)])
    assert after == before


def test_rate_card_and_one_off_charge_forms_go_through_the_service(staff_client, tulip):
    factories.admin_post(staff_client, "/admin/ratecard/new/", "/admin/ratecard/new/",
          {"name": "Premium", "is_default": "y", "per_order": "1.10", "per_shipment": "-2"})
    assert RateCard.select().count() == 0  # a negative rate is refused
    factories.admin_post(staff_client, "/admin/ratecard/new/", "/admin/ratecard/new/",
          {"name": "Premium", "is_default": "y", "per_order": "1.10", "per_shipment": "3.95"})
    assert billing.default_rate_card().per_shipment == Decimal("3.95")
    factories.admin_post(staff_client, "/admin/oneoffcharge/new/", "/admin/oneoffcharge/new/",
          {"client": tulip.id, "description": "Relabelling", "quantity": 40, "unit_price": "0.25",
           "charge_date": str(billing.today_utc())})
    charge = OneOffCharge.get()
    assert (charge.description, charge.quantity, charge.unit_price, charge.created_by) == (
        "Relabelling", 40, Decimal("0.25"), "staff staff")


def test_staff_reruns_and_deletes_a_draft_after_confirming(staff_client, tulip):
    billing.save_rate_card(name="Standard", is_default=True, per_order="1.00")
    draft = billing.run_billing(tulip, customer_report.month_period(billing.today_utc()))
    details = staff_client.get(f"/admin/invoice/details/?id={draft.id}").get_data(as_text=True)
    assert "Delete this draft and its lines?" in details  # the button asks first
    factories.make_shipped_order(tulip, lines=[(factories.make_product(tulip, stock_amount=1), 1)])
    response = factories.admin_action(staff_client, "invoice", "rerun", draft.id)
    assert "Computed lines replaced" in response.get_data(as_text=True)
    assert Invoice.get_by_id(draft.id).subtotal == Decimal("3.00")  # a third order shipped meanwhile
    response = factories.admin_action(staff_client, "invoice", "delete_draft", draft.id)
    assert "Draft deleted." in response.get_data(as_text=True)
    assert Invoice.select().count() == 0 and InvoiceLine.select().count() == 0
