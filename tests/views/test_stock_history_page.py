"""The portal's stock history of all products: filtered by product, type and dates, paginated, and
exported with exactly the rows the page lists."""

from datetime import datetime, timedelta

from fulfilment.models import StockMutation
from fulfilment.services import stock_corrections
from tests import factories, read_exports
from tests.conftest import portal_login
from tests.views.conftest import MARKER

PREFIX = "/fulfilmentportal"


def rows_on_page(page):
    return page.split("<tbody>", 1)[1].split("</tbody>", 1)[0].count("<tr>") if "<tbody>" in page else 0


def own_mutations(user, **where):
    query = StockMutation.select().where(StockMutation.client == user.client_id)
    for name, value in where.items():
        query = query.where(getattr(StockMutation, name) == value)
    return list(query)


def test_stock_history_lists_every_product_of_the_client_and_none_of_another(app, world):
    page = portal_login(app, world.a_user).get(f"{PREFIX}/stock-history").get_data(as_text=True)
    assert rows_on_page(page) == len(own_mutations(world.a_user))
    assert f"{MARKER}-SKU" in page and f"{MARKER}-SHIP" in page
    assert "Bravo" not in page


def test_stock_history_filters_by_product_type_and_dates_and_the_export_matches(app, world):
    test_client = portal_login(app, world.a_user)
    old = own_mutations(world.a_user, product=world.product.id)[0]
    StockMutation.update(created_at=datetime(2024, 3, 1, 9, 30)).where(StockMutation.id == old.id).execute()
    cases = {
        f"product={world.product.id}": own_mutations(world.a_user, product=world.product.id),
        "type=picklist": own_mutations(world.a_user, change_type="picklist"),
        "from=2024-01-01&to=2024-12-31": [old],
        f"from={datetime.now():%Y-%m-%d}": [m for m in own_mutations(world.a_user) if m.id != old.id],
    }
    for query, expected in cases.items():
        assert expected, query
        page = test_client.get(f"{PREFIX}/stock-history?{query}").get_data(as_text=True)
        assert rows_on_page(page) == len(expected), query
        assert f'href="{PREFIX}/stock-history/export.xlsx?{query.replace("&", "&amp;")}"' in page
        records = read_exports.records(test_client.get(f"{PREFIX}/stock-history/export.xlsx?{query}").data)
        assert len(records) == len(expected), query
    page = test_client.get(f"{PREFIX}/stock-history?from=2024-01-01&to=2024-12-31").get_data(as_text=True)
    assert "1 Mar 2024 09:30" in page


def test_stock_history_pages_newest_first(app, world):
    app.config["PORTAL_PAGE_SIZE"] = 2
    try:
        product = factories.make_product(world.a_user.client, product_code="PAGED", stock_amount=1)
        start = datetime(2025, 1, 1, 8, 0)
        for day in range(4):
            stock_corrections.change_stock(product, factories.warehouse(), 1, f"count {day}", "staff")
        for number, mutation in enumerate(StockMutation.select().where(StockMutation.product == product.id)
                                          .order_by(StockMutation.id)):
            StockMutation.update(created_at=start + timedelta(days=number)).where(
                StockMutation.id == mutation.id).execute()
        test_client = portal_login(app, world.a_user)
        all_rows = own_mutations(world.a_user)
        first = test_client.get(f"{PREFIX}/stock-history").get_data(as_text=True)
        assert rows_on_page(first) == 2
        last_page = (len(all_rows) + 1) // 2
        last = test_client.get(f"{PREFIX}/stock-history?page={last_page}").get_data(as_text=True)
        assert rows_on_page(last) == len(all_rows) - 2 * (last_page - 1)
        assert "1 Jan 2025 08:00" in last  # the oldest change is on the last page
    finally:
        app.config["PORTAL_PAGE_SIZE"] = 25


def test_stock_history_refuses_a_bad_filter_with_a_reason_and_no_500(app, world):
    test_client = portal_login(app, world.a_user)
    for query, message in {"from=yesterday": "YYYY-MM-DD", "from=2024-05-02&to=2024-05-01": "start date is after",
                           "type=nonsense": None}.items():
        response = test_client.get(f"{PREFIX}/stock-history?{query}")
        assert response.status_code == 200, query
        if message:
            assert message in response.get_data(as_text=True)


def test_another_clients_product_in_the_filter_is_404(app, world):
    other = own_mutations(world.b_user)[0]
    test_client = portal_login(app, world.a_user)
    assert test_client.get(f"{PREFIX}/stock-history?product={other.product_id}").status_code == 404
