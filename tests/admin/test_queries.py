"""A staff list page costs the same number of queries for 5 rows as for 100."""

import pytest

from fulfilment.services import orders
from tests import factories
from tests.conftest import count_queries, login


def _orders(n):
    client = factories.make_client()
    product = factories.make_product(client, stock_amount=1000)
    for _ in range(n):
        orders.process_order(factories.make_order(client, lines=[(product, 1)]))


def _products(n):
    client = factories.make_client()
    for _ in range(n):
        factories.make_product(client, stock_amount=2)


def _invoices(n):
    from datetime import timedelta

    from fulfilment.services import billing, customer_report

    billing.save_rate_card(name="Default", is_default=True)
    client = factories.make_client()
    today = billing.today_utc()
    for day in range(n):
        draft = billing.run_billing(client, customer_report.make_period(today - timedelta(days=day),
                                                                        today - timedelta(days=day)))
        billing.add_line(draft, "Handling", 1, "2.50")
        billing.add_line(draft, "Storage", 2, "1.25")


def _product_locations(n):
    from fulfilment.services import locations

    client = factories.make_client()
    for _ in range(n):
        locations.link_product(factories.make_product(client), factories.make_location())


LISTS = {
    # list url: how to make n rows of it (and of the rows it shows beside them)
    "/admin/order/": _orders,
    "/admin/orderline/": _orders,
    "/admin/picklist/": _orders,
    "/admin/product/": _products,
    "/admin/productlocation/": _product_locations,  # each location's label names its warehouse
    "/admin/stock/": _products,
    "/admin/stockmutation/": _products,
    "/admin/invoice/": _invoices,
    "/admin/invoiceline/": _invoices,
}


def _queries_for_page(staff_client, url):
    """The statements of one list page, but its count: a list that fits on its page is not counted."""
    staff_client.get(url)  # warm up: session, user
    with count_queries() as counter:
        response = staff_client.get(url + "?page_size=100")
    assert response.status_code == 200
    return sum(1 for sql in counter.statements if not sql.startswith("SELECT COUNT("))


@pytest.mark.parametrize("url", sorted(LISTS))
def test_list_page_query_count_does_not_grow_with_rows(app, staff_client, url):
    from tests.conftest import empty_all_tables

    LISTS[url](5)
    with_5 = _queries_for_page(staff_client, url)
    with app.app_context():
        empty_all_tables()
    factories.make_staff_user(username="staff", password="staff-password-1")
    # Emptying the tables ended the server-side session too: log in again.
    assert login(staff_client, "/admin/login", "staff", "staff-password-1").status_code == 302
    LISTS[url](100)
    with_100 = _queries_for_page(staff_client, url)
    assert with_5 == with_100, f"{url}: {with_5} queries for 5 rows, {with_100} for 100"


def test_every_list_shows_its_related_rows_labels_though_it_reads_only_their_label_columns(
        app, staff_client, one_of_everything):
    """A list reads a related row's id, label fields and keys only (get_query); what it shows of
    that row, its label, is the label of the whole row, for every list and every related column."""
    from markupsafe import escape

    from fulfilment.admin.base import StaffModelView

    missing = []
    for view in app.extensions["admin"][0]._views:
        if not isinstance(view, StaffModelView):
            continue
        shown = list(view._shown_foreign_keys())
        if not shown:
            continue
        page = staff_client.get(f"/admin/{view.endpoint}/?page_size=100").get_data(as_text=True)
        for row in view.model.select().order_by(view.model.id.desc()).limit(100):
            for foreign_key in shown:
                related = getattr(row, foreign_key.name)
                if related is not None and str(escape(str(related))) not in page:
                    missing.append((view.endpoint, foreign_key.name, str(related)))
    assert missing == []
    order_view = next(view for view in app.extensions["admin"][0]._views if getattr(view, "endpoint", "") == "order")
    selected = order_view.get_query().sql()[0].split(" FROM ")[0]
    assert '"rel_client"."name"' in selected and '"rel_client"."email"' not in selected
