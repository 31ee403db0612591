"""Reading order lines from .xlsx files made in different ways, and refusing bad or hostile ones."""

import io
import tracemalloc
import zipfile
from pathlib import Path

import pytest

from fulfilment.services import order_import
from fulfilment.services.order_import import ImportRefused, read_order_lines
from tests import factories
from tests.conftest import count_queries
from tests.make_uploads import (
    MACRO_MAIN,
    Rich,
    ZipReads,
    excel_file,
    handmade_file,
    long_order_file,
    many_cells_file,
    wide_claim_file,
)
from tests.make_uploads import openpyxl_file as xlsx


@pytest.fixture
def shop(app):
    client = factories.make_client()
    return {
        "client": client,
        "mug": factories.make_product(client, product_code="MUG"),
        "numeric": factories.make_product(client, product_code="1001"),
        "bag": factories.make_product(client, product_code="BAG-9"),
    }


def lines_of(result):
    return [(line.product.product_code, line.amount) for line in result.lines]


def test_reads_an_openpyxl_file_with_extra_columns_and_blank_rows(shop):
    data = xlsx([["Product code", "Description", "Quantity"], ["MUG", "Blue mug", 2], [None, None, None],
                 ["BAG-9", "", 1]])
    result = read_order_lines(shop["client"], data)
    assert result.ok
    assert lines_of(result) == [("MUG", 2), ("BAG-9", 1)]


def test_header_in_a_lower_row_any_case_and_numeric_codes_and_whole_floats(shop):
    data = xlsx([["sKu", "QTY"], [1001, 2.0], ["mug ", "3"]], title="Order for the warehouse")
    result = read_order_lines(shop["client"], data)
    assert result.errors == [(5, "Unknown product code mug.")]
    data = xlsx([["SKU", "QTY"], [1001, 2.0], ["MUG", "3"]], title="Order")
    assert lines_of(read_order_lines(shop["client"], data)) == [("1001", 2), ("MUG", 3)]


@pytest.mark.parametrize("header", [["Product code", "Amount"], ["productcode", "quantity"], ["CODE", "qty"],
                                    ["product_code", "Quantity"], ["Artikelcode", "Aantal"], ["ProductCode", "AANTAL"],
                                    ["SKU", "Qty"]])
def test_all_documented_header_names_are_recognised(shop, header):
    assert lines_of(read_order_lines(shop["client"], xlsx([header, ["MUG", 1]]))) == [("MUG", 1)]


def test_only_the_first_sheet_is_read(shop):
    result = read_order_lines(shop["client"], xlsx([["SKU", "Qty"], ["MUG", 1]], extra_sheet=True))
    assert lines_of(result) == [("MUG", 1)]


def test_a_handmade_file_with_inline_strings_is_read(shop):
    data = handmade_file([["Product code", "Quantity"], ["BAG-9", 4], [1001, 1]])
    assert lines_of(read_order_lines(shop["client"], data)) == [("BAG-9", 4), ("1001", 1)]


def test_duplicate_codes_are_summed_with_a_note(shop):
    result = read_order_lines(shop["client"], xlsx([["SKU", "Qty"], ["MUG", 1], ["BAG-9", 1], ["MUG", 2]]))
    assert result.ok
    assert lines_of(result) == [("MUG", 3), ("BAG-9", 1)]
    assert result.notes == [(4, "MUG appears again; the quantities are added up.")]


def test_every_bad_row_is_reported_with_its_row_number(shop):
    data = xlsx([["SKU", "Qty"], ["NOPE", 1], ["MUG", 0], ["MUG", -2], ["BAG-9", "two"], ["BAG-9", 1.5],
                 [None, 3], ["MUG", "=1+1"], ["MUG", 1]])
    result = read_order_lines(shop["client"], data)
    assert not result.ok
    assert result.errors == [
        (2, "Unknown product code NOPE."),
        (3, "The quantity must be at least 1."),
        (4, "The quantity must be at least 1."),
        (5, "The quantity 'two' is not a number."),
        (6, "The quantity 1.5 must be a whole number."),
        (7, "The product code is empty."),
        (8, "The quantity is a formula; type the number itself."),
    ]


def test_another_clients_product_code_is_unknown(shop):
    other = factories.make_client()
    factories.make_product(other, product_code="THEIRS")
    result = read_order_lines(shop["client"], xlsx([["SKU", "Qty"], ["THEIRS", 1]]))
    assert result.errors == [(2, "Unknown product code THEIRS.")]


def test_a_file_without_the_header_is_refused(shop):
    with pytest.raises(ImportRefused, match="No header row"):
        read_order_lines(shop["client"], xlsx([["Article", "Pieces"], ["MUG", 1]]))


def test_a_file_that_is_not_an_xlsx_is_refused(shop):
    with pytest.raises(ImportRefused, match="not an Excel .xlsx"):
        read_order_lines(shop["client"], b"Product code,Quantity\nMUG,1\n")
    renamed_zip = io.BytesIO()
    with zipfile.ZipFile(renamed_zip, "w") as package:
        package.writestr("readme.txt", "hello")
    with pytest.raises(ImportRefused, match="not an Excel .xlsx"):
        read_order_lines(shop["client"], renamed_zip.getvalue())


def test_a_macro_enabled_workbook_is_refused(shop):
    data = handmade_file([["SKU", "Qty"], ["MUG", 1]], main=MACRO_MAIN, extra={"xl/vbaProject.bin": b"\x00" * 64})
    with pytest.raises(ImportRefused, match="macros"):
        read_order_lines(shop["client"], data)


def test_a_zip_bomb_is_refused_from_the_package_directory_without_unpacking_it(shop, monkeypatch):
    data = handmade_file([["SKU", "Qty"], ["MUG", 1]], padding=80_000_000)
    assert len(data) < 1_000_000
    reads = ZipReads(monkeypatch)
    with pytest.raises(ImportRefused, match="unpacks"):
        read_order_lines(shop["client"], data)
    assert reads.unpacked == {}


def test_a_sheet_that_claims_a_million_rows_and_16384_columns_is_read_by_what_it_holds(shop):
    tracemalloc.start()
    try:
        result = read_order_lines(shop["client"], wide_claim_file())
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert lines_of(result) == [("MUG", 1)]
    assert peak < 5_000_000  # the claim never sizes anything (openpyxl padded every row to 16,384 cells)


def test_a_wide_sheet_without_a_dimension_is_refused_at_the_cell_limit_without_reading_on(shop, monkeypatch):
    data = many_cells_file(cells_per_row=2_000, rows=400)  # 800,000 cells, no dimension
    rows_read = []
    original = order_import._row_number
    monkeypatch.setattr(order_import, "_row_number", lambda r, previous: rows_read.append(r) or original(r, previous))
    tracemalloc.start()
    try:
        with pytest.raises(ImportRefused, match="more than 500,000 cells"):
            read_order_lines(shop["client"], data)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert len(rows_read) == 251  # stopped at the row that passed the limit, of 400
    assert peak < 100_000_000


def test_a_sheet_with_too_many_lines_is_refused(shop):
    rows = [["SKU", "Qty"]] + [["MUG", 1]] * (order_import.MAX_LINES + 1)
    with pytest.raises(ImportRefused, match="more than 20,000 order lines"):
        read_order_lines(shop["client"], handmade_file(rows))


def test_a_header_without_lines_is_refused(shop):
    with pytest.raises(ImportRefused, match="no product lines"):
        read_order_lines(shop["client"], xlsx([["SKU", "Qty"], [None, None]]))


def test_the_template_reads_as_a_header_and_an_example_row(shop):
    factories.make_product(shop["client"], product_code="SKU-123")
    assert lines_of(read_order_lines(shop["client"], order_import.template_workbook())) == [("SKU-123", 2)]


# --- files as LibreOffice and Excel write them ------------------------------------------------

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "spreadsheets"


def test_a_file_written_by_libreoffice_calc_imports_exactly(shop):
    """libreoffice-order.xlsx: LibreOffice Calc 7.4.7 (Debian 12) saved libreoffice-order.fods as .xlsx.

    Shared strings, numbers as t="n" floats (1001 as a number code, 1.500 shown with a separator but
    stored as 1500), a title row and a blank row above a Dutch header, "00123" kept as text in a
    Text-formatted cell, and six shaded empty rows below the data.
    """
    factories.make_product(shop["client"], product_code="00123")
    result = read_order_lines(shop["client"], (FIXTURES / "libreoffice-order.xlsx").read_bytes())
    assert result.errors == []
    assert lines_of(result) == [("00123", 12), ("1001", 2), ("BAG-9", 1500), ("MUG", 3)]


def test_a_file_laid_out_as_excel_writes_it_imports_exactly(shop):
    data = excel_file(
        [[Rich(("Product", " code")), "Description", "Quantity"],
         ["MUG", "Blue mug", 2], [1001, None, 3.0], ["BAG-9", "Bag", 12], [None, None, None]],
        title_rows=["Order from Bakkerij Smit"], formatted_rows_after=30, dimension="A1:XFD1048576")
    result = read_order_lines(shop["client"], data)
    assert result.errors == []
    assert lines_of(result) == [("MUG", 2), ("1001", 3), ("BAG-9", 12)]
    assert [line.row for line in result.lines] == [4, 5, 6]


def test_excel_formulas_and_error_values_are_reported_not_evaluated(shop):
    data = excel_file([["SKU", "Qty"], ["MUG", ("=", "1+1")], [("=", "A2"), 1], ["BAG-9", True]])
    result = read_order_lines(shop["client"], data)
    assert result.errors == [
        (2, "The quantity is a formula; type the number itself."),
        (3, "The product code is a formula; type the code itself."),
        (4, "The quantity must be a whole number."),
    ]


def test_text_quantities_from_libreoffice_are_read_only_when_unambiguous(shop):
    """libreoffice-text-quantities.xlsx: LibreOffice Calc 7.4.7 saved libreoffice-text-quantities.fods,
    whose quantity column is formatted as Text (what users do to keep leading zeros)."""
    for n in range(1, 14):
        factories.make_product(shop["client"], product_code=f"P{n}")
    result = read_order_lines(shop["client"], (FIXTURES / "libreoffice-text-quantities.xlsx").read_bytes())
    assert lines_of(result) == [("P1", 1000), ("P2", 1000), ("P3", 1000), ("P4", 1_000_000), ("P5", 1000),
                                ("P6", 1000), ("P7", 3)]
    assert result.errors == [
        (9, "The quantity '1,000' is ambiguous: with ',' as a thousands separator it is 1000, as a decimal mark 1. "
            "Type 1000 or 1 without a separator, or make the cell a number cell."),
        (10, "The quantity '1.000' is ambiguous: with '.' as a thousands separator it is 1000, as a decimal mark 1. "
             "Type 1000 or 1 without a separator, or make the cell a number cell."),
        (11, "The quantity '12.500' is ambiguous: with '.' as a thousands separator it is 12500, as a decimal mark "
             "12. Type 12500 or 12 without a separator, or make the cell a number cell."),
        (12, "The quantity '2,5' must be a whole number."),
        (13, "The quantity '1.000,5' must be a whole number."),
        (14, "The quantity '1,00,000' is not a number."),
    ]
    assert not result.ok


@pytest.mark.parametrize("text, expected", [
    ("1000", 1000), (" 1000 ", 1000), ("1 000", 1000), ("1\u202f000", 1000), ("1'000", 1000), ("10 000", 10000),
    ("1.000.000", 1_000_000), ("1,000,000", 1_000_000), ("1,000.00", 1000), ("1.000,00", 1000), ("3,00", 3),
    ("3.0", 3), ("2,0000", 2), ("+5", 5),
])
def test_unambiguous_quantity_texts(text, expected):
    assert order_import.read_quantity(text) == (expected, None)


@pytest.mark.parametrize("text, reason", [
    ("1,000", "ambiguous"), ("1.000", "ambiguous"), ("999.999", "ambiguous"), ("1.5", "must be a whole number"),
    ("1,000.5", "must be a whole number"), ("1.000.00", "is not a number"), ("1,0,0", "is not a number"),
    ("10 00", "is not a number"), ("1.000,000.0", "is not a number"), ("1e3", "is not a number"),
    ("-1.000.000", "at least 1"), ("2.000.000", "more than 1,000,000"), ("", "empty"),
])
def test_ambiguous_or_wrong_quantity_texts_are_refused_with_the_reason(text, reason):
    amount, error = order_import.read_quantity(text)
    assert amount is None and reason in error


def test_ten_thousand_lines_are_read_in_one_lookup_and_summed_per_product(shop):
    client = shop["client"]
    factories.make_products_in_bulk(client, [f"BULK-{n:05d}" for n in range(5_000)])
    rows = [(f"BULK-{n % 5_000:05d}", 1 + n % 3) for n in range(10_000)]
    with count_queries() as counter:
        result = read_order_lines(client, long_order_file(rows))
    assert result.errors == [] and len(result.lines) == 5_000
    assert counter.n == 1  # 5,000 codes, one query
    assert result.lines[0].row == 4 and result.lines[0].amount == 1 + 0 % 3 + 1 + 5_000 % 3
    assert sum(line.amount for line in result.lines) == sum(amount for _, amount in rows)
    assert len(result.notes) == 5_000


def test_an_xml_entity_bomb_in_the_sheet_is_refused_without_expanding_it(shop):
    entities = '<!ENTITY lol0 "lollollollollollollollollollol">' + "".join(
        f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, 10))
    sheet = (f'<?xml version="1.0"?><!DOCTYPE lolz [{entities}]>'
             '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
             '<row r="1"><c r="A1" t="inlineStr"><is><t>&lol9;</t></is></c></row></sheetData></worksheet>')
    data = handmade_file([["SKU", "Qty"]], sheet_xml=sheet)
    with pytest.raises(ImportRefused, match="could not be read"):
        read_order_lines(shop["client"], data)
