"""Clients download their lists as Excel files: their own rows, with the filters on screen."""

from datetime import date, datetime

import pytest

from fulfilment.models import Order, StockMutation
from fulfilment.services import client_exports
from tests import factories, read_exports
from tests.conftest import portal_login
from tests.views.conftest import MARKER

PREFIX = "/fulfilmentportal"
B_MARKER = "Bravo"  # every text of client B's rows carries it (tests/views/conftest.py)

EXPORTS = {
    "/products/export.xlsx": ("products", client_exports.PRODUCT_COLUMNS),
    "/stock-history/export.xlsx": ("stock-history", client_exports.STOCK_HISTORY_COLUMNS),
    "/orders/export.xlsx": ("orders", client_exports.ORDER_COLUMNS),
    "/shipments/export.xlsx": ("shipments", client_exports.SHIPMENT_COLUMNS),
    "/backorders/export.xlsx": ("backorders", client_exports.BACKORDER_COLUMNS),
    "/purchase-orders/export.xlsx": ("purchase-orders", client_exports.PURCHASE_ORDER_COLUMNS),
    "/returns/export.xlsx": ("returns", client_exports.RETURN_COLUMNS),
}


@pytest.mark.parametrize("path", sorted(EXPORTS))
def test_client_downloads_its_own_rows_as_an_xlsx_file(app, world, path):
    name, columns = EXPORTS[path]

    response = portal_login(app, world.a_user).get(PREFIX + path)

    assert response.status_code == 200
    assert response.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert response.headers["Content-Disposition"] == f"attachment; filename={name}-{date.today():%Y-%m-%d}.xlsx"
    header, *rows = read_exports.rows(response.data)
    assert header == [column.title for column in columns]
    assert rows
    sheet = read_exports.sheet_xml(response.data)
    assert MARKER in sheet
    assert B_MARKER not in sheet


def test_orders_export_keeps_the_lists_search_and_status(app, world):
    test_client = portal_login(app, world.a_user)
    records = read_exports.records(test_client.get(f"{PREFIX}/orders/export.xlsx?q={MARKER}-shipped").data)
    assert {r["Order"] for r in records} == {world.shipped_order.number}
    records = read_exports.records(test_client.get(f"{PREFIX}/orders/export.xlsx?status=processing").data)
    assert {r["Order"] for r in records} == {world.order.number}
    assert {r["Status"] for r in records} == {"processing"}


def test_products_export_keeps_the_stock_filter_and_sort(app, world):
    factories.make_product(world.a_user.client, product_code=f"{MARKER}-NONE")
    test_client = portal_login(app, world.a_user)
    records = read_exports.records(test_client.get(f"{PREFIX}/products/export.xlsx?sort=-stock").data)
    assert [r["Product code"] for r in records] == [f"{MARKER}-SHIP", f"{MARKER}-SKU", f"{MARKER}-NONE"]
    records = read_exports.records(test_client.get(f"{PREFIX}/products/export.xlsx?stock=out&q=-N").data)
    assert [r["Product code"] for r in records] == [f"{MARKER}-NONE"]


def test_a_list_over_the_row_limit_goes_back_with_the_reason(app, world):
    app.config["EXPORT_MAX_ROWS"] = 1
    test_client = portal_login(app, world.a_user)

    response = test_client.get(f"{PREFIX}/orders/export.xlsx?q={MARKER}")

    assert response.status_code == 302
    assert response.headers["Location"] == f"{PREFIX}/orders?q={MARKER}"
    page = test_client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Orders has 2 rows; one export holds at most 1." in page


def test_stock_history_export_for_a_date_range(app, world):
    mutations = StockMutation.select().where(StockMutation.client == world.a_user.client_id)
    first = mutations.order_by(StockMutation.id).first()
    StockMutation.update(created_at=datetime(2023, 12, 31, 12, 0)).where(StockMutation.id == first.id).execute()
    test_client = portal_login(app, world.a_user)

    everything = read_exports.records(test_client.get(f"{PREFIX}/stock-history/export.xlsx").data)
    this_year = read_exports.records(test_client.get(
        f"{PREFIX}/stock-history/export.xlsx?from=2024-01-01&to={date.today():%Y-%m-%d}").data)
    old_only = read_exports.records(test_client.get(f"{PREFIX}/stock-history/export.xlsx?to=2023-12-31").data)

    assert len(everything) == mutations.count() == len(this_year) + 1
    assert [r["Date"] for r in old_only] == [datetime(2023, 12, 31, 12, 0)]


def test_stock_history_export_of_one_product(app, world):
    test_client = portal_login(app, world.a_user)
    response = test_client.get(f"{PREFIX}/stock-history/export.xlsx?product={world.product.id}")
    records = read_exports.records(response.data)
    assert {r["Product code"] for r in records} == {world.product.product_code}


def test_stock_history_of_another_clients_product_is_404(app, world):
    test_client = portal_login(app, world.b_user)
    assert test_client.get(f"{PREFIX}/stock-history/export.xlsx?product={world.product.id}").status_code == 404


@pytest.mark.parametrize("query, message", [
    ("from=2024-05-02&to=2024-05-01", "The start date is after the end date."),
    ("from=yesterday", "Enter the dates of the stock history as YYYY-MM-DD."),
])
def test_stock_history_export_refuses_a_wrong_range_on_the_product_page(app, world, query, message):
    test_client = portal_login(app, world.a_user)
    response = test_client.get(f"{PREFIX}/stock-history/export.xlsx?product={world.product.id}&back=product&{query}")
    assert response.status_code == 302
    assert response.headers["Location"] == f"{PREFIX}/products/{world.product.id}#history"
    assert message in test_client.get(response.headers["Location"]).get_data(as_text=True)


def test_list_pages_link_to_their_export_with_the_filters_but_not_the_page(app, world):
    test_client = portal_login(app, world.a_user)
    page = test_client.get(f"{PREFIX}/orders?status=processing&page=2").get_data(as_text=True)
    assert f'href="{PREFIX}/orders/export.xlsx?status=processing"' in page
    product_page = test_client.get(f"{PREFIX}/products/{world.product.id}").get_data(as_text=True)
    assert f'action="{PREFIX}/stock-history/export.xlsx"' in product_page
    assert f'name="product" value="{world.product.id}"' in product_page


def test_an_order_with_a_formula_as_reference_exports_it_as_text(app, world):
    Order.update(reference='=HYPERLINK("http://x","y")').where(Order.id == world.order.id).execute()
    response = portal_login(app, world.a_user).get(f"{PREFIX}/orders/export.xlsx")
    assert '=HYPERLINK("http://x","y")' in [r["Reference"] for r in read_exports.records(response.data)]
    sheet = read_exports.sheet_xml(response.data)
    assert "<f>" not in sheet and "<f " not in sheet
