"""What a client exports from the portal: its own rows only, with the list's filters, typed cells."""

from datetime import date, datetime

import pytest

from fulfilment.models import StockMutation
from fulfilment.services import client_exports, returns
from fulfilment.services.errors import ExportTooLarge, UnknownProduct, ValidationFailed
from tests import factories, read_exports
from tests.conftest import count_queries

MARKER = "ZZ-OTHER-CLIENT-ZZ"
LIMIT = 1000


_read = read_exports.contents


def _records(spreadsheet):
    return read_exports.records(_read(spreadsheet))


def _fill(client, tag):
    """One of everything a client can export, every text carrying tag."""
    product = factories.make_product(client, product_code=f"{tag}-1", name=f"Mug {tag}", stock_amount=3)
    spare = factories.make_product(client, product_code=f"{tag}-2", name=f"Plate {tag}", stock_amount=2)
    shipped = factories.make_shipped_order(client, lines=[(product, 1)], carrier=f"Carrier {tag}",
                                           tracking_code=f"TRACK-{tag}")
    factories.make_order(client, lines=[(product, 5)], process=True, reference=f"REF-{tag}")  # backordered
    factories.make_purchase_order(client, lines=[(spare, 4)], supplier_name=f"Supplier {tag}")
    factories.make_return(client, returned=[(product, 1, f"Broken {tag}")], order=shipped, name=f"Ann {tag}")
    return product


@pytest.fixture
def two_clients(app):
    mine = factories.make_client(name="Mine")
    other = factories.make_client(name=f"Other {MARKER}")
    _fill(mine, "MINE")
    _fill(other, MARKER)
    return mine, other


EXPORTS = {
    "products": lambda c: client_exports.export_products(c, max_rows=LIMIT),
    "stock history": lambda c: client_exports.export_stock_history(c, max_rows=LIMIT),
    "orders": lambda c: client_exports.export_orders(c, max_rows=LIMIT),
    "shipments": lambda c: client_exports.export_shipments(c, max_rows=LIMIT),
    "backorders": lambda c: client_exports.export_backorders(c, max_rows=LIMIT),
    "purchase orders": lambda c: client_exports.export_purchase_orders(c, max_rows=LIMIT),
    "returns": lambda c: client_exports.export_returns(c, max_rows=LIMIT),
}


@pytest.mark.parametrize("name", sorted(EXPORTS))
def test_a_clients_export_holds_none_of_another_clients_rows(two_clients, name):
    mine, other = two_clients
    data = _read(EXPORTS[name](mine))
    values = [str(value) for row in read_exports.rows(data) for value in row if value is not None]
    assert any("MINE" in value for value in values), f"{name}: the client's own rows are missing"
    assert not [value for value in values if MARKER in value]
    assert MARKER not in read_exports.sheet_xml(data)
    # and the other client does see its own rows
    assert MARKER in read_exports.sheet_xml(_read(EXPORTS[name](other)))


@pytest.mark.parametrize("name", sorted(EXPORTS))
def test_an_export_costs_the_same_queries_for_few_and_many_rows(app, name):
    client = factories.make_client()
    _fill(client, "A")
    with count_queries() as few:
        _read(EXPORTS[name](client))
    for n in range(4):
        _fill(client, f"B{n}")
    with count_queries() as many:
        spreadsheet = EXPORTS[name](client)
    assert spreadsheet.rows > 1
    _read(spreadsheet)
    assert few.n == many.n


def test_products_export_has_stock_free_stock_and_stock_value(app):
    client = factories.make_client()
    product = factories.make_product(client, product_code="MUG", name="Mug", price="12.50",
                                     fixed_stock_price="4.25", stock_amount=5, hs_code="691200",
                                     country_of_origin="PT", customs_description="Ceramic mugs", weight_grams=350,
                                     length_mm=120, width_mm=90, height_mm=105)
    factories.make_order(client, lines=[(product, 2)], process=True)
    factories.make_product(client, product_code="ZERO", name="Nothing in stock")

    spreadsheet = client_exports.export_products(client, max_rows=LIMIT, today=date(2024, 5, 1))

    assert spreadsheet.filename == "products-2024-05-01.xlsx"
    data = _read(spreadsheet)
    header, mug, empty = read_exports.cells(data)
    assert [c.value for c in header] == [
        "Product code", "Name", "Barcode", "Price", "Stock price", "Stock", "Allocated", "Free stock",
        "Stock value", "Active", "HS code", "Country of origin", "Customs description", "Weight (g)",
        "Length (mm)", "Width (mm)", "Height (mm)"]
    assert [c.value for c in mug] == ["MUG", "Mug", None, 12.5, 4.25, 5, 2, 3, 21.25, True, "691200", "PT",
                                      "Ceramic mugs", 350, 120, 90, 105]
    assert mug[8].number_format == "#,##0.00"
    assert [c.value for c in empty][5:9] == [0, 0, 0, 0]


def test_products_export_honours_search_stock_filter_and_sort(app):
    client = factories.make_client()
    factories.make_product(client, product_code="A", name="Mug small", stock_amount=2)
    factories.make_product(client, product_code="B", name="Mug large", stock_amount=20)
    factories.make_product(client, product_code="C", name="Mug empty")
    factories.make_product(client, product_code="D", name="Plate", stock_amount=1)

    def codes(**filters):
        return [r["Product code"] for r in _records(client_exports.export_products(client, max_rows=LIMIT, **filters))]

    assert codes(search="mug") == ["A", "B", "C"]
    assert codes(search="mug", stock_filter="low", low_stock_threshold=5) == ["A", "C"]
    assert codes(stock_filter="out") == ["C"]
    assert codes(sort="-stock") == ["B", "A", "D", "C"]
    assert codes(sort="nonsense") == ["A", "B", "C", "D"]
    with pytest.raises(ValidationFailed):
        codes(stock_filter="everything")


def test_stock_history_export_covers_the_date_range_with_references(app):
    client = factories.make_client()
    product = factories.make_product(client, product_code="MUG", stock_amount=10)
    purchase_order = factories.make_purchase_order(client, lines=[(product, 4)])
    receipt = factories.receive_everything(purchase_order)
    first, second = StockMutation.select().where(StockMutation.product == product).order_by(StockMutation.id)
    StockMutation.update(created_at=datetime(2024, 3, 31, 23, 59)).where(StockMutation.id == first.id).execute()
    StockMutation.update(created_at=datetime(2024, 4, 30, 23, 59)).where(StockMutation.id == second.id).execute()

    records = _records(client_exports.export_stock_history(
        client, max_rows=LIMIT, date_from=date(2024, 4, 1), date_to=date(2024, 4, 30)))

    assert len(records) == 1
    record = records[0]
    assert record["Date"] == datetime(2024, 4, 30, 23, 59)
    assert (record["Product code"], record["Old stock"], record["Change"], record["New stock"]) == ("MUG", 10, 4, 14)
    assert (record["Type"], record["Reference"]) == ("receipt", f"Receipt {receipt.number}")
    everything = _records(client_exports.export_stock_history(client, max_rows=LIMIT))
    assert [r["Change"] for r in everything] == [10, 4]


def test_stock_history_refuses_a_reversed_range_and_another_clients_product(app):
    client = factories.make_client()
    foreign = factories.make_product(factories.make_client())
    with pytest.raises(ValidationFailed, match="start date is after the end date"):
        client_exports.export_stock_history(client, max_rows=LIMIT, date_from=date(2024, 5, 2),
                                            date_to=date(2024, 5, 1))
    with pytest.raises(UnknownProduct):
        client_exports.export_stock_history(client, max_rows=LIMIT, product=foreign)


def test_stock_history_for_one_product(app):
    client = factories.make_client()
    mug = factories.make_product(client, product_code="MUG", stock_amount=1)
    factories.make_product(client, product_code="PLATE", stock_amount=1)
    records = _records(client_exports.export_stock_history(client, max_rows=LIMIT, product=mug))
    assert [r["Product code"] for r in records] == ["MUG"]


def test_orders_export_has_one_row_per_line_and_honours_the_filters(app):
    client = factories.make_client()
    mug = factories.make_product(client, product_code="MUG", stock_amount=10)
    plate = factories.make_product(client, product_code="PLATE", stock_amount=10)
    two_lines = factories.make_order(client, lines=[(mug, 2), (plate, 1)], reference="WEB-1", process=True)
    concept = factories.make_order(client, lines=[(mug, 1)], reference="PHONE-2")

    records = _records(client_exports.export_orders(client, max_rows=LIMIT))
    assert [(r["Order"], r["Product code"], r["Amount"]) for r in records] == [
        (concept.number, "MUG", 1), (two_lines.number, "MUG", 2), (two_lines.number, "PLATE", 1)]
    assert records[1]["Recipient"] == factories.ADDRESS["delivery_name"]
    assert isinstance(records[1]["Created"], datetime)

    processing = _records(client_exports.export_orders(client, max_rows=LIMIT, status="processing"))
    assert {r["Order"] for r in processing} == {two_lines.number}
    searched = _records(client_exports.export_orders(client, max_rows=LIMIT, search="phone"))
    assert [r["Order"] for r in searched] == [concept.number]
    with pytest.raises(ValidationFailed):
        client_exports.export_orders(client, max_rows=LIMIT, status="lost")


def test_shipments_export_has_track_and_trace_and_finds_by_tracking_code(app):
    client = factories.make_client()
    product = factories.make_product(client, stock_amount=5)
    order = factories.make_shipped_order(client, lines=[(product, 1)], carrier="PostNL", tracking_code="3SABC")
    factories.make_shipped_order(client, lines=[(product, 1)], carrier="DHL", tracking_code="JJD99")

    records = _records(client_exports.export_shipments(client, max_rows=LIMIT, search="3sabc"))

    assert len(records) == 1
    record = records[0]
    assert (record["Order"], record["Carrier"], record["Tracking code"]) == (order.number, "PostNL", "3SABC")
    assert record["Tracking URL"].startswith("https://")
    assert isinstance(record["Shipped"], datetime)


def test_backorders_export_shows_free_stock_and_incoming(app):
    client = factories.make_client()
    product = factories.make_product(client, product_code="MUG", stock_amount=2)
    order = factories.make_order(client, lines=[(product, 5)], process=True)
    factories.make_purchase_order(client, lines=[(product, 7)])

    records = _records(client_exports.export_backorders(client, max_rows=LIMIT))

    assert [(r["Order"], r["Product code"], r["Backordered"], r["Free stock"], r["Incoming"]) for r in records] == [
        (order.number, "MUG", 3, 0, 7)]
    assert _records(client_exports.export_backorders(client, max_rows=LIMIT, search="nothing")) == []


def test_purchase_orders_export_has_lines_with_outstanding_amounts(app):
    client = factories.make_client()
    product = factories.make_product(client, product_code="MUG")
    purchase_order = factories.make_purchase_order(client, lines=[(product, 10)], supplier_name="Acme",
                                                   delivery_date=date(2024, 6, 1))
    from fulfilment.services import purchasing
    purchasing.register_receipt(purchase_order, {purchase_order.lines.get().id: 4})
    factories.make_purchase_order(client, lines=[(product, 1)], purchased=False, supplier_name="Other")

    records = _records(client_exports.export_purchase_orders(client, max_rows=LIMIT, status="purchased"))

    assert len(records) == 1
    record = records[0]
    assert (record["Purchase order"], record["Supplier"], record["Product code"]) == (
        purchase_order.number, "Acme", "MUG")
    assert (record["Amount"], record["Received"], record["Outstanding"]) == (10, 4, 6)
    assert record["Expected"] == datetime(2024, 6, 1)
    assert [r["Supplier"] for r in _records(client_exports.export_purchase_orders(
        client, max_rows=LIMIT, search="oth"))] == ["Other"]


def test_returns_export_lists_returned_products_and_filters_on_status(app):
    client = factories.make_client()
    product = factories.make_product(client, product_code="MUG")
    announced = factories.make_return(client, returned=[(product, 2, "Too small")], name="Ann")
    received = factories.make_return(client, returned=[(product, 1, "Broken")], name="Bob")
    returns.change_return_status(received, factories.return_status("received"), "Thanks")

    records = _records(client_exports.export_returns(client, max_rows=LIMIT, status="announced"))

    assert [(r["Return"], r["Status"], r["Product code"], r["Amount"], r["Reason"]) for r in records] == [
        (announced.number, "announced", "MUG", 2, "Too small")]
    assert [r["Name"] for r in _records(client_exports.export_returns(client, max_rows=LIMIT, search="bob"))] == [
        "Bob"]
    with pytest.raises(ValidationFailed):
        client_exports.export_returns(client, max_rows=LIMIT, status="lost")


def test_client_export_over_the_row_limit_is_refused(app):
    client = factories.make_client()
    product = factories.make_product(client, stock_amount=5)
    factories.make_order(client, lines=[(product, 1), (factories.make_product(client), 1)])
    with pytest.raises(ExportTooLarge, match="Orders has 2 rows; one export holds at most 1."):
        client_exports.export_orders(client, max_rows=1)


def test_a_product_name_with_a_formula_is_text_in_the_clients_export(app):
    client = factories.make_client()
    factories.make_product(client, name='=HYPERLINK("http://x","y")')
    data = _read(client_exports.export_products(client, max_rows=LIMIT))
    _, row = read_exports.cells(data)
    assert (row[1].value, row[1].data_type) == ('=HYPERLINK("http://x","y")', "s")
    assert "<f>" not in read_exports.sheet_xml(data)
