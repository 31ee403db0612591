"""The exporter: typed cells, text that never becomes a formula, a row limit, rows streamed."""

import io
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal

import pytest

from fulfilment.db import database, is_sqlite, streamed
from fulfilment.models import Product
from fulfilment.services import sheet_writer, spreadsheets
from fulfilment.services.errors import ExportTooLarge
from fulfilment.services.spreadsheets import Column, export_rows, path, write_workbook
from tests import factories, read_exports

PRODUCT_COLUMNS = [
    Column("Product code", path("product_code")),
    Column("Name", path("name")),
    Column("Price", path("price"), money=True),
    Column("Created", path("created_at")),
    Column("Active", path("active")),
]


def _written(columns, rows, title="Test"):
    target = io.BytesIO()
    write_workbook(target, title, columns, rows)
    return target.getvalue()


_read = read_exports.contents


def test_export_rows_writes_a_typed_sheet_named_after_the_list(app):
    product = factories.make_product(product_code="0042", name="Mug", price="12.50")

    spreadsheet = export_rows("Stock history", PRODUCT_COLUMNS, Product.select(), max_rows=10,
                              today=date(2024, 5, 1))

    assert (spreadsheet.filename, spreadsheet.rows) == ("stock-history-2024-05-01.xlsx", 1)
    data = _read(spreadsheet)
    header, row = read_exports.cells(data)
    assert [cell.value for cell in header] == ["Product code", "Name", "Price", "Created", "Active"]
    assert all(cell.font.b for cell in header)
    assert [cell.value for cell in row[:3]] == ["0042", "Mug", 12.5]
    assert (row[0].data_type, row[2].data_type, row[2].number_format) == ("s", "n", "#,##0.00")
    assert row[3].is_date and row[3].number_format == "yyyy-mm-dd hh:mm"
    assert abs(row[3].value - product.created_at) < timedelta(seconds=1)
    assert row[4].value is True
    sheet = read_exports.workbook(data).worksheets[0]
    assert (sheet.title, sheet.freeze_panes) == ("Stock history", "A2")


def test_numbers_dates_and_empty_values_keep_their_types():
    rows = [{"n": 7, "d": date(2024, 2, 29), "m": Decimal("0.10"), "x": None, "f": 1.5}]
    columns = [Column(key, lambda r, key=key: r[key], money=(key == "m")) for key in ("n", "d", "m", "x", "f")]
    _, row = read_exports.cells(_written(columns, rows))
    assert [c.value for c in row] == [7, datetime(2024, 2, 29), 0.1, None, 1.5]
    assert [c.data_type for c in row[:3]] == ["n", "d", "n"]
    assert (row[1].number_format, row[2].number_format) == ("yyyy-mm-dd", "#,##0.00")


def test_time_zone_aware_datetimes_are_written_in_utc():
    amsterdam = timezone(timedelta(hours=2))
    rows = [datetime(2024, 5, 1, 14, 0, tzinfo=amsterdam)]
    _, row = read_exports.rows(_written([Column("When", lambda r: r)], rows))
    assert row == [datetime(2024, 5, 1, 12, 0)]


@pytest.mark.parametrize("text", ['=HYPERLINK("http://x","y")', "=1+1", "+31 6 1234", "-2", "@SUM(A1)",
                                  "\tcmd", "\rcmd", "#N/A", "#DIV/0!"])
def test_text_that_looks_like_a_formula_or_error_stays_text(text):
    data = _written([Column("Name", lambda r: r)], [text])
    _, row = read_exports.cells(data)
    # openpyxl without lxml writes a bare carriage return that XML readers turn into a line feed;
    # with lxml it is kept. Text either way.
    assert row[0].value in (text, text.replace("\r", "\n"))
    assert row[0].data_type == "s"
    sheet = read_exports.sheet_xml(data)
    assert "<f>" not in sheet and "<f " not in sheet
    assert 't="e"' not in sheet


def test_control_characters_are_dropped_and_long_text_is_cut_to_excels_limit():
    rows = ["bell\x07 and null\x00 gone", "x" * 40_000]
    _, first, second = read_exports.rows(_written([Column("Text", lambda r: r)], rows))
    assert first == ["bell and null gone"]
    assert len(second[0]) == 32_767


def test_column_widths_follow_the_title_and_the_longest_value_up_to_a_maximum():
    rows = [("short", "x" * 200, 5), ("a bit longer", "y", 123456)]
    columns = [Column("Name", lambda r: r[0]), Column("Notes", lambda r: r[1]), Column("Amount", lambda r: r[2])]
    widths = read_exports.workbook(_written(columns, rows)).worksheets[0].column_dimensions
    assert widths["A"].width == len("a bit longer") + 1
    assert widths["B"].width == sheet_writer.MAX_WIDTH
    assert widths["C"].width == len("Amount") + 3


def test_export_beyond_the_row_limit_is_refused_with_the_count_and_the_limit(app):
    client = factories.make_client()
    for _ in range(3):
        factories.make_product(client)
    with pytest.raises(ExportTooLarge) as refused:
        export_rows("Products", PRODUCT_COLUMNS, Product.select(), max_rows=2)
    assert refused.value.message == (
        "Products has 3 rows; one export holds at most 2. "
        "Narrow the list down with a search or filter and export again."
    )


def test_export_of_exactly_the_row_limit_is_allowed(app):
    client = factories.make_client()
    for _ in range(3):
        factories.make_product(client)
    spreadsheet = export_rows("Products", PRODUCT_COLUMNS, Product.select(), max_rows=3)
    assert spreadsheet.rows == 3
    assert len(read_exports.records(_read(spreadsheet))) == 3


def test_an_empty_list_exports_just_the_header(app):
    spreadsheet = export_rows("Products", PRODUCT_COLUMNS, Product.select(), max_rows=3)
    assert read_exports.rows(_read(spreadsheet)) == [[column.title for column in PRODUCT_COLUMNS]]


def test_file_and_sheet_names_are_safe():
    assert spreadsheets.export_filename("Stock history: A/B", date(2024, 1, 2)) == "stock-history-a-b-2024-01-02.xlsx"
    assert spreadsheets.export_filename("Bestellingen één", date(2024, 1, 2)) == "bestellingen-een-2024-01-02.xlsx"
    assert sheet_writer.sheet_title("Orders [2024]: all / open") == "Orders 2024 all open"
    assert len(sheet_writer.sheet_title("x" * 40)) == 31


def test_path_answers_none_past_a_missing_relation():
    class Row:
        order = None

    assert path("order.number")(Row()) is None


def test_streamed_yields_every_row_in_order_across_batches(app):
    client = factories.make_client()
    codes = [factories.make_product(client).product_code for _ in range(7)]
    with database.atomic():
        found = [p.product_code for p in streamed(Product.select().order_by(Product.id), batch_size=3)]
    assert found == codes


def test_postgres_reads_exports_through_a_server_side_cursor(app):
    if is_sqlite():
        pytest.skip("SQLite steps through results without a server-side cursor")
    client = factories.make_client()
    for _ in range(3):
        factories.make_product(client)
    with database.atomic():
        rows = streamed(Product.select(), batch_size=1)
        next(rows)
        open_cursors = database.execute_sql("SELECT count(*) FROM pg_cursors").fetchone()[0]
        rest = list(rows)
    assert open_cursors == 1
    assert len(rest) == 2
    assert database.execute_sql("SELECT count(*) FROM pg_cursors").fetchone()[0] == 0
