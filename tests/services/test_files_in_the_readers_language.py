"""Spreadsheets and the Excel import in the reader's language: Dutch for a Dutch reader, English for an English one.

Headers, sheet names, file names and messages follow the language; numbers, money and dates stay
real Excel numbers and dates, so Excel shows them the reader's way.
"""

from contextlib import contextmanager
from datetime import date

import pytest

from fulfilment.i18n import force_locale
from fulfilment.services import client_exports, order_import, purchasing
from fulfilment.services.errors import ExportTooLarge
from fulfilment.services.order_import import ImportRefused, read_order_lines
from tests import factories, read_exports
from tests.make_uploads import openpyxl_file as xlsx

LIMIT = 1000


@contextmanager
def reading_in(app, language):
    with app.test_request_context(), force_locale(language):
        yield


@pytest.fixture
def shop(app):
    client = factories.make_client()
    return {
        "client": client,
        "mug": factories.make_product(client, product_code="MUG", name="Mok", price="1234.50", stock_amount=1200),
        "bag": factories.make_product(client, product_code="BAG-9", name="Tas"),
    }


def lines_of(result):
    return [(line.product.product_code, line.amount) for line in result.lines]


# --- exports -------------------------------------------------------------------------------


def test_a_dutch_readers_export_has_dutch_headers_sheet_and_file_name_and_real_numbers(app, shop):
    with reading_in(app, "nl"):
        spreadsheet = client_exports.export_products(shop["client"], max_rows=LIMIT, today=date(2026, 3, 4))
    assert spreadsheet.filename == "producten-2026-03-04.xlsx"
    data = read_exports.contents(spreadsheet)
    sheet = read_exports.workbook(data).worksheets[0]
    assert sheet.title == "Producten"
    header, _bag, mug = read_exports.cells(data)  # sorted by product code
    titles = [cell.value for cell in header]
    assert titles[:3] == ["Productcode", "Naam", "Barcode"]
    assert {"Prijs", "Voorraad", "Vrije voorraad", "Voorraadwaarde", "Land van herkomst", "Gewicht (g)"} <= set(titles)
    assert not {"Product code", "Name", "Stock", "Free stock"} & set(titles)
    row = dict(zip(titles, mug, strict=True))
    # Numbers stay numbers: Excel shows 1.234,50 to a Dutch reader from the same cell.
    assert (row["Prijs"].value, row["Prijs"].data_type, row["Prijs"].number_format) == (1234.5, "n", "#,##0.00")
    assert (row["Voorraad"].value, row["Voorraad"].data_type) == (1200, "n")


def test_an_english_readers_export_keeps_the_english_headers(app, shop):
    with reading_in(app, "en"):
        spreadsheet = client_exports.export_products(shop["client"], max_rows=LIMIT, today=date(2026, 3, 4))
    assert spreadsheet.filename == "products-2026-03-04.xlsx"
    data = read_exports.contents(spreadsheet)
    assert read_exports.workbook(data).worksheets[0].title == "Products"
    assert read_exports.rows(data)[0][:3] == ["Product code", "Name", "Barcode"]


def test_statuses_and_references_in_a_dutch_export_read_as_in_the_portal(app, shop):
    client, mug = shop["client"], shop["mug"]
    factories.make_order(client, lines=[(mug, 2)], process=True)
    purchase_order = factories.make_purchase_order(client, lines=[(mug, 4)])
    line = purchase_order.lines[0]
    receipt = purchasing.register_receipt(purchase_order, {line.id: 4})
    with reading_in(app, "nl"):
        orders = read_exports.records(read_exports.contents(client_exports.export_orders(client, max_rows=LIMIT)))
        history = read_exports.records(read_exports.contents(
            client_exports.export_stock_history(client, max_rows=LIMIT)))
    assert [(row["Status"], row["Productcode"], row["Aantal"]) for row in orders] == [("in behandeling", "MUG", 2)]
    assert any(row["Referentie"] == f"Ontvangst {receipt.number}" for row in history)


def test_a_refused_export_says_why_in_dutch(app, shop):
    factories.make_product(shop["client"], product_code="EXTRA")
    with reading_in(app, "nl"), pytest.raises(ExportTooLarge) as refused:
        client_exports.export_products(shop["client"], max_rows=2)
    assert "Producten heeft 3 rijen; één export bevat er hoogstens 2." in str(refused.value)


# --- the Excel import ------------------------------------------------------------------------


@pytest.mark.parametrize("code_header, quantity_header", [
    ("productcode", "aantal"), ("Artikelcode", "Aantal"), ("Artikelnummer", "Hoeveelheid"),
    ("Art.nr.", "Aantal stuks"), ("SKU", "Stuks"), ("Artikel nummer", "Qty."),
])
def test_a_dutch_warehouses_headers_are_read(shop, code_header, quantity_header):
    data = xlsx([["Omschrijving", code_header, quantity_header], ["Blauwe mok", "MUG", 2], ["Tas", "BAG-9", 1]])
    result = read_order_lines(shop["client"], data)
    assert result.ok and lines_of(result) == [("MUG", 2), ("BAG-9", 1)]


def test_row_errors_are_in_the_readers_language_with_their_row_numbers(app, shop):
    data = xlsx([["Artikelnummer", "Aantal"], ["NOPE", 1], ["MUG", 0], ["BAG-9", "twee"], ["MUG", "1.000"],
                 ["BAG-9", 1], ["BAG-9", 2]])
    with reading_in(app, "nl"):
        result = read_order_lines(shop["client"], data)
        shown = [order_import.row_error_text(row, message) for row, message in result.errors]
    assert result.errors == [
        (2, "Onbekende productcode NOPE."),
        (3, "Het aantal moet minstens 1 zijn."),
        (4, "Het aantal 'twee' is geen getal."),
        (5, "Het aantal '1.000' is dubbelzinnig: met '.' als scheidingsteken voor duizendtallen is het 1000, als "
            "decimaalteken 1. Typ 1000 of 1 zonder scheidingsteken, of maak van de cel een getalcel."),
    ]
    assert shown[0] == "Rij 2: Onbekende productcode NOPE."
    assert result.notes == [(7, "BAG-9 komt nog een keer voor; de aantallen worden opgeteld.")]
    with reading_in(app, "en"):
        english = read_order_lines(shop["client"], data)
    assert english.errors[0] == (2, "Unknown product code NOPE.")


def test_an_inactive_product_is_refused_in_dutch(app, shop):
    factories.make_product(shop["client"], product_code="OLD", active=False)
    with reading_in(app, "nl"):
        result = read_order_lines(shop["client"], xlsx([["Productcode", "Aantal"], ["OLD", 1]]))
    assert result.errors == [(2, "Product OLD is niet actief.")]


def test_a_file_without_a_header_is_refused_in_dutch_naming_the_dutch_headers(app, shop):
    with reading_in(app, "nl"), pytest.raises(ImportRefused) as refused:
        read_order_lines(shop["client"], xlsx([["Wat", "Hoeveel"], ["MUG", 1]]))
    assert refused.value.message.startswith("Geen kopregel gevonden.")
    assert "'Artikelnummer'" in refused.value.message and "'Aantal'" in refused.value.message


@pytest.mark.parametrize("language, sheet, headers, filename", [
    ("nl", "Bestelregels", ["Productcode", "Aantal"], "voorbeeld-bestelling-importeren.xlsx"),
    ("en", "Order lines", ["Product code", "Quantity"], "order-import-template.xlsx"),
])
def test_the_import_template_is_in_the_readers_language_and_imports_again(app, language, sheet, headers, filename):
    client = factories.make_client()
    factories.make_product(client, product_code="SKU-123")
    with reading_in(app, language):
        data = order_import.template_workbook()
        assert order_import.template_filename() == filename
    workbook = read_exports.workbook(data)
    assert workbook.worksheets[0].title == sheet
    assert read_exports.rows(data) == [headers, ["SKU-123", 2]]
    # Read back by a reader of the other language too: a template forwarded to a colleague still imports.
    other = "en" if language == "nl" else "nl"
    with reading_in(app, other):
        result = read_order_lines(client, data)
    assert result.ok and lines_of(result) == [("SKU-123", 2)]
