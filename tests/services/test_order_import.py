"""Reading order lines from .xlsx files made in different ways, and refusing bad or hostile ones."""

import io
import zipfile

import pytest

from fulfilment.services import order_import
from fulfilment.services.order_import import ImportRefused, read_order_lines
from tests import factories
from tests.make_uploads import MACRO_MAIN, ZipReads, handmade_file
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
                                    ["product_code", "Quantity"]])
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
    assert reads.unpacked == {} and not reads.workbook_loaded


def test_a_sheet_that_claims_a_million_rows_is_refused_before_reading(shop, monkeypatch):
    data = handmade_file([["SKU", "Qty"], ["MUG", 1]], dimension="A1:B1048576")
    reads = ZipReads(monkeypatch)
    with pytest.raises(ImportRefused, match="1,048,576 rows"):
        read_order_lines(shop["client"], data)
    assert reads.unpacked["xl/worksheets/sheet1.xml"] <= 4096 and not reads.workbook_loaded


def test_a_sheet_with_too_many_real_rows_is_refused(shop):
    rows = [["SKU", "Qty"]] + [["MUG", 1]] * (order_import.MAX_ROWS + 30)
    with pytest.raises(ImportRefused, match="rows"):
        read_order_lines(shop["client"], handmade_file(rows))


def test_a_header_without_lines_is_refused(shop):
    with pytest.raises(ImportRefused, match="no product lines"):
        read_order_lines(shop["client"], xlsx([["SKU", "Qty"], [None, None]]))


def test_the_template_reads_as_a_header_and_an_example_row(shop):
    factories.make_product(shop["client"], product_code="SKU-123")
    assert lines_of(read_order_lines(shop["client"], order_import.template_workbook())) == [("SKU-123", 2)]
