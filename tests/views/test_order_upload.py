"""Orders from Excel through HTTP: upload, a preview of every line and every error, then confirm.

Good files, however they were made, import exactly; bad ones report their rows and create
nothing; hostile or huge ones are refused quickly.
"""

import io
import re

import pytest
from openpyxl import load_workbook

from fulfilment.models import AddressBookEntry, Order
from fulfilment.services.order_import import template_workbook
from tests import factories
from tests.conftest import count_queries, portal_login
from tests.make_uploads import handmade_file, long_order_file, many_cells_file, openpyxl_file, wide_claim_file
from tests.views.order_import_forms import confirm, imported_lines, preview_token, upload
from tests.views.portal_forms import PREFIX, location_of, snapshot, text_of


@pytest.fixture
def shop(app, portal_user):
    client = portal_user.client
    for code in ("MUG", "1001", "BAG-9", "SKU-123"):
        factories.make_product(client, product_code=code, stock_amount=100)
    return client


def error_rows(page):
    table = page.split('class="table table-sm mb-0 import-errors"', 1)[1].split("</table>", 1)[0]
    return [(int(row), message) for row, message in re.findall(r"<tr><td>(\d+)</td><td>([^<]*)</td></tr>", table)]


GOOD_FILES = {
    "openpyxl, extra columns, blank rows": (
        lambda: openpyxl_file([["Product code", "Description", "Quantity"], ["MUG", "Blue mug", 2],
                               [None, None, None], ["BAG-9", "", 1]]),
        [("MUG", 2), ("BAG-9", 1)]),
    "header lower down in another case, numeric codes, 2.0 and '3'": (
        lambda: openpyxl_file([["sKu", "QTY"], [1001, 2.0], ["MUG", "3"]], title="Order for the warehouse"),
        [("1001", 2), ("MUG", 3)]),
    "an extra sheet that is not read": (
        lambda: openpyxl_file([["Code", "Amount"], ["BAG-9", 5]], extra_sheet=True), [("BAG-9", 5)]),
    "written by another tool (inline strings)": (
        lambda: handmade_file([["Product code", "Quantity"], ["BAG-9", 4], [1001, 1]]), [("BAG-9", 4), ("1001", 1)]),
    "the downloadable template": (template_workbook, [("SKU-123", 2)]),
}


@pytest.mark.parametrize("name", sorted(GOOD_FILES))
def test_a_good_file_is_previewed_then_imported_exactly(app, portal_client, shop, name):
    make_file, expected = GOOD_FILES[name]
    before = snapshot()
    page = text_of(upload(portal_client, make_file(), reference="Shop export 12"))
    assert "Create this order" in page and "Deliver to: <strong>Jansen BV</strong>" in page
    for code, _amount in expected:
        assert f"{code} <span" in page
    assert snapshot() == before  # a preview creates nothing

    response = confirm(portal_client, preview_token(page))
    order = Order.get()
    assert location_of(response) == f"{PREFIX}/orders/{order.id}"
    assert imported_lines(order) == expected
    assert (order.source, order.status, order.reference, order.delivery_name, order.delivery_city) == (
        "import", "processing", "Shop export 12", "Jansen BV", "Amsterdam")
    assert f"Order {order.number} has been created from your file" in text_of(portal_client.get(location_of(response)))


def test_duplicate_codes_are_summed_and_the_preview_says_so(app, portal_client, shop):
    page = text_of(upload(portal_client, openpyxl_file([["SKU", "Qty"], ["MUG", 1], ["BAG-9", 1], ["MUG", 2]])))
    assert "Row 4: MUG appears again; the quantities are added up." in page
    confirm(portal_client, preview_token(page))
    assert imported_lines(Order.get()) == [("MUG", 3), ("BAG-9", 1)]


def test_every_bad_row_is_reported_by_number_and_nothing_is_created(app, portal_client, shop):
    before = snapshot()
    data = openpyxl_file([["SKU", "Qty"], ["NOPE", 1], ["MUG", 0], ["MUG", -2], ["BAG-9", "two"], ["MUG", 1]])
    page = text_of(upload(portal_client, data), 400)
    assert error_rows(page) == [
        (2, "Unknown product code NOPE."),
        (3, "The quantity must be at least 1."),
        (4, "The quantity must be at least 1."),
        (5, "The quantity &#39;two&#39; is not a number."),
    ]
    assert "4 rows of the file need fixing" in page
    assert "Create this order" not in page and 'name="token"' not in page
    assert snapshot() == before


@pytest.mark.parametrize("data, filename, message", [
    (b"Product code,Quantity\nMUG,1\n", "order.xlsx", "This is not an Excel .xlsx file."),
    (b"Product code,Quantity\nMUG,1\n", "order.csv", "Only Excel workbooks (.xlsx) are accepted"),
    (openpyxl_file([["SKU", "Qty"], ["MUG", 1]]), "order.xlsm", "Only Excel workbooks (.xlsx) are accepted"),
    (openpyxl_file([["Article", "Pieces"], ["MUG", 1]]), "order.xlsx", "No header row found."),
])
def test_a_file_that_is_not_a_readable_order_is_refused(app, portal_client, shop, data, filename, message):
    before = snapshot()
    page = text_of(upload(portal_client, data, filename), 400)
    assert message in page
    assert snapshot() == before


@pytest.mark.parametrize("hostile, message", [
    (lambda: handmade_file([["SKU", "Qty"], ["MUG", 1]], padding=80_000_000), "unpacks to far more"),
    (lambda: many_cells_file(cells_per_row=2_000, rows=400), "The sheet has more than 500,000 cells"),
], ids=["zip bomb", "wide sheet without a dimension"])
def test_a_hostile_file_is_refused_and_changes_nothing(app, portal_client, shop, hostile, message):
    # How fast: bench/import_benchmark.py times these files; the service tests check that reading stops.
    data = hostile()
    assert len(data) < 4_000_000
    before = snapshot()
    response = upload(portal_client, data)
    assert message in text_of(response, 400)
    assert snapshot() == before


def test_an_upload_over_the_size_limit_answers_413_with_a_readable_page(app, portal_client, shop):
    before = snapshot()
    too_big = b"\0" * (app.config["MAX_CONTENT_LENGTH"] + 1024)
    response = upload(portal_client, too_big)
    page = text_of(response, 413)
    assert "File too large" in page and "Split it into smaller files" in page
    assert snapshot() == before


def test_the_address_is_saved_only_when_the_order_is_created(app, portal_client, shop):
    page = text_of(upload(portal_client, openpyxl_file([["SKU", "Qty"], ["MUG", 1]]), save_address="y"))
    assert not AddressBookEntry.select().exists()
    confirm(portal_client, preview_token(page))
    assert [entry.name for entry in AddressBookEntry.select()] == ["Jansen BV"]


def test_an_address_from_the_address_book_and_another_clients_address(app, portal_client, shop):
    entry = factories.make_address(shop, name="Bakkerij Smit", city="Zwolle")
    theirs = factories.make_address(factories.make_client(), name="Their customer")
    data = openpyxl_file([["SKU", "Qty"], ["MUG", 1]])
    before = snapshot()
    refused = text_of(upload(portal_client, data, address_id=str(theirs.id)), 400)
    assert "Choose an address from your address book." in refused and "Their customer" not in refused
    assert snapshot() == before
    page = text_of(upload(portal_client, data, address_id=str(entry.id)))
    confirm(portal_client, preview_token(page))
    assert (Order.get().delivery_name, Order.get().delivery_city) == ("Bakkerij Smit", "Zwolle")


def test_a_changed_or_foreign_preview_creates_nothing(app, portal_client, portal_user, shop):
    page = text_of(upload(portal_client, openpyxl_file([["SKU", "Qty"], ["MUG", 1]])))
    token = preview_token(page)
    other = portal_login(app, factories.make_portal_user(username="other-client"))
    before = snapshot()
    tampered = token[:-3] + ("abc" if not token.endswith("abc") else "xyz")
    assert "This preview has expired or was changed" in text_of(confirm(portal_client, tampered), 400)
    assert "This preview has expired or was changed" in text_of(confirm(portal_client, ""), 400)
    # Another client cannot use it, even with a session of its own.
    assert "This preview has expired or was changed" in text_of(confirm(other, token), 400)
    assert snapshot() == before


def test_a_preview_is_confirmed_once_whatever_session_confirms_it_again(app, portal_client, portal_user, shop):
    colleague = portal_login(app, factories.make_portal_user(client=shop, username="colleague"))
    page = text_of(upload(portal_client, openpyxl_file([["SKU", "Qty"], ["MUG", 1]])))
    token = preview_token(page)
    assert confirm(portal_client, token).status_code == 302
    order = Order.get()
    cookie_lost = portal_login(app, portal_user)  # the same user in a new session, without the old cookie
    after_first = snapshot()

    again = text_of(confirm(portal_client, token), 409)  # a double click, a reload
    assert f"This file has already been imported as order {order.number}; nothing new was created." in again
    for session in (colleague, cookie_lost):
        assert f"already been imported as order {order.number}" in text_of(confirm(session, token), 409)
    assert snapshot() == after_first


@pytest.mark.parametrize("created", ["during the request", "by the worker"])
def test_ten_thousand_lines_are_previewed_and_confirmed_in_a_bounded_number_of_statements(app, portal_client, shop,
                                                                                          tmp_path, created):
    # The same file created during the request, and by an import job (the worker's job runs inline in tests).
    app.config.update(IMPORT_IMMEDIATE_MAX_LINES=20_000 if created == "during the request" else 2_000,
                      IMPORT_FOLDER=str(tmp_path))
    client = shop
    factories.make_products_in_bulk(client, [f"LONG-{i:05d}" for i in range(10_000)])
    stocked = list(client.products.where(client.products.model.product_code.startswith("LONG-"))
                   .order_by(client.products.model.id).limit(5_000))
    from fulfilment.services import stock
    stock.record_mutations([(product, 3) for product in stocked], factories.warehouse(), "receipt",
                           reason="Opening stock")
    rows = [(f"LONG-{n:05d}", 2) for n in range(10_000)]
    page = text_of(upload(portal_client, long_order_file(rows)))
    assert "10,000 products" in page
    with count_queries() as counter:
        response = confirm(portal_client, preview_token(page))
    order = Order.get()
    if created == "during the request":
        assert location_of(response) == f"{PREFIX}/orders/{order.id}"
    else:
        assert location_of(response).startswith(f"{PREFIX}/orders/import/jobs/")
    assert order.lines.count() == 10_000 and order.status == "processing"
    assert counter.n < 80  # per order, not per line (was ~79,000)
    from fulfilment.models import Backorder, PicklistLine
    assert PicklistLine.select().count() == 5_000 and Backorder.select().count() == 5_000
    from tests.services.invariants import all_problems
    assert all_problems() == []


def test_a_file_claiming_a_huge_sheet_is_read_by_what_it_holds(app, portal_client, shop):
    page = text_of(upload(portal_client, wide_claim_file()))
    assert "MUG <span" in page and "Create this order" in page


def test_a_product_deactivated_after_the_preview_is_refused_on_confirm(app, portal_client, shop):
    page = text_of(upload(portal_client, openpyxl_file([["SKU", "Qty"], ["MUG", 1]])))
    mug = shop.products.where(shop.products.model.product_code == "MUG").get()
    mug.active = False
    mug.save()
    before = snapshot()
    assert "Product MUG is inactive." in text_of(confirm(portal_client, preview_token(page)), 400)
    assert snapshot() == before


def test_the_import_page_names_every_accepted_header_and_keeps_its_script_out_of_the_title(app, portal_client):
    page = text_of(portal_client.get(f"{PREFIX}/orders/import"))
    assert "<title>Import an order from Excel · Client portal</title>" in page
    help_text = re.search(r'<small id="file-help"[^>]*>(.*?)</small>', page, re.S).group(1)
    for name in ("product code", "productcode", "sku", "artikelcode", "quantity", "amount", "qty", "aantal"):
        assert f"&#39;{name}&#39;" in help_text
    assert "20,000 lines" in help_text


def test_the_template_downloads_as_an_xlsx_with_the_two_columns(app, portal_client):
    response = portal_client.get(f"{PREFIX}/orders/import/template.xlsx")
    assert response.status_code == 200
    assert response.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert "attachment" in response.headers["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.data)).active
    assert [cell.value for cell in sheet[1]] == ["Product code", "Quantity"]
