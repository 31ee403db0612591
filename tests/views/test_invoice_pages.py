"""The portal's invoice pages cost the same number of queries however many lines, records or invoices."""

from datetime import timedelta

import pytest

from fulfilment.services import billing, customer_report
from tests import factories
from tests.conftest import count_queries, portal_login

PREFIX = "/fulfilmentportal"




def queries_for(test_client, path):
    test_client.get(path)
    with count_queries() as counter:
        response = test_client.get(path)
    assert response.status_code == 200, path
    return counter.n


@pytest.mark.parametrize("page", ["list", "invoice", "records"])
def test_invoice_pages_cost_the_same_queries_for_5_and_100_rows(app, portal_user, page):
    app.config["PORTAL_PAGE_SIZE"] = 100
    client = portal_user.client
    test_client = portal_login(app, portal_user)
    counts = []
    for n in (5, 100):
        if page == "list":
            for _ in range(n - (5 if n == 100 else 0)):
                billing.issue_invoice(_one_line_draft(client))
            path = f"{PREFIX}/invoices"
        elif page == "invoice":
            invoice = _draft_with_lines(client, n)
            path = f"{PREFIX}/invoices/{invoice.id}"
        else:
            invoice, line = _draft_with_records(client, n)
            path = f"{PREFIX}/invoices/{invoice.id}/lines/{line.id}"
        counts.append(queries_for(test_client, path))
    assert counts[0] == counts[1], f"{page}: {counts[0]} queries with 5 rows, {counts[1]} with 100"
    assert counts[1] <= 10


def _one_line_draft(client):
    if billing.default_rate_card() is None:
        billing.save_rate_card(name="Default", is_default=True)
    draft = billing.run_billing(client, customer_report.make_period(billing.today_utc(), billing.today_utc()))
    billing.add_line(draft, "Handling", 1, "1")
    return draft


def _draft_with_lines(client, n):
    draft = _one_line_draft(client)
    for i in range(n - 1):
        billing.add_line(draft, f"Line {i}", 1, "1")
    return billing.issue_invoice(draft)


def _draft_with_records(client, n):
    """An issued invoice whose storage line counts n daily snapshots."""
    billing.save_rate_card(name=f"Storage {n}", is_default=True, storage_per_unit_day="0.01")
    factories.make_product(client, stock_amount=3)
    start = billing.today_utc() - timedelta(days=400 if n == 5 else 300)
    for day in range(n):
        billing.take_storage_snapshots(start + timedelta(days=day))
    period = customer_report.make_period(start, start + timedelta(days=n - 1))
    invoice = billing.issue_invoice(billing.run_billing(client, period))
    return invoice, invoice.lines.get()
