"""Each portal list is one query: the spreadsheet a client downloads holds exactly the list's rows.

The list page paginates ``listing.rows()``; the export writes ``listing.export_rows()`` (an
order's lines, a picklist's shipments … as rows of their own). Per list and per filter, the
entries in the downloaded file, in file order, are the entries of the list, in list order.
"""

from datetime import date

import pytest

from fulfilment.models import Stock
from fulfilment.services import client_exports, listings
from fulfilment.services.errors import ValidationFailed
from tests import factories, read_exports
from tests.conftest import count_queries

LIMIT = 1000


def _entries_in_file(spreadsheet, column):
    """The distinct values of one column of an export, in the order they first appear."""
    try:
        data = spreadsheet.file.read()
    finally:
        spreadsheet.close()
    seen = []
    for record in read_exports.records(data):
        if record[column] not in seen:
            seen.append(record[column])
    return seen


@pytest.fixture
def warehouse_of_two(app):
    """Two clients with products, orders, shipments, backorders, purchase orders and returns."""
    mine = factories.make_client(name="Mine")
    other = factories.make_client(name="Other")
    for client, tag in ((mine, "M"), (other, "O")):
        mug = factories.make_product(client, product_code=f"{tag}-MUG", name="Mug", stock_amount=3)
        plate = factories.make_product(client, product_code=f"{tag}-PLATE", name="Plate", stock_amount=20)
        factories.make_product(client, product_code=f"{tag}-CUP", name="Cup blue", stock_amount=0)
        factories.make_product(client, product_code=f"{tag}-OLD", name="Old", stock_amount=0, active=False)
        shipped = factories.make_shipped_order(client, lines=[(mug, 1), (plate, 2)], carrier="PostNL",
                                               tracking_code=f"TRACK-{tag}")
        factories.make_shipped_order(client, lines=[(plate, 1)], carrier="DHL", tracking_code=f"DHL-{tag}")
        factories.make_order(client, lines=[(mug, 5), (plate, 1)], process=True, reference=f"REF-{tag}")
        factories.make_order(client, lines=[(plate, 18)], process=True, reference="BIG")  # plate: 0 free
        factories.make_order(client, lines=[(mug, 1)], reference="Concept blue")
        factories.make_purchase_order(client, lines=[(mug, 4), (plate, 2)], supplier_name="Blue supplier")
        factories.make_purchase_order(client, lines=[(plate, 1)], supplier_name="Red supplier", purchased=False)
        factories.make_return(client, returned=[(mug, 1, "Broken"), (plate, 1, "Wrong")], order=shipped,
                              name="Ann")
        factories.make_return(client, returned=[(plate, 1, "Too big")], name="Bob blue")
    return mine


def _codes(rows):
    return [row.product_code for row in rows]


def _numbers(rows):
    return [row.number for row in rows]


# list: (its listing, its export, the export's column naming the entry, the entries' keys in list rows)
CASES = {
    "products": (listings.ProductList, client_exports.export_products, "Product code", _codes),
    "orders": (listings.OrderList, client_exports.export_orders, "Order", _numbers),
    "shipments": (listings.ShipmentList, client_exports.export_shipments, "Picklist", _numbers),
    "backorders": (listings.BackorderList, client_exports.export_backorders, "Order",
                   lambda rows: list(dict.fromkeys(row.order.number for row in rows))),
    "purchase orders": (listings.PurchaseOrderList, client_exports.export_purchase_orders, "Purchase order",
                        _numbers),
    "returns": (listings.ReturnList, client_exports.export_returns, "Return", _numbers),
}
FILTERS = [
    ("products", {}),
    ("products", {"search": "blue"}),
    ("products", {"stock_filter": "low", "low_stock_threshold": 2}),
    ("products", {"stock_filter": "out"}),
    ("products", {"sort": "-free"}),
    ("products", {"sort": "value"}),
    ("orders", {}),
    ("orders", {"status": "processing"}),
    ("orders", {"status": "concept"}),
    ("orders", {"source": "staff", "search": "blue"}),
    ("orders", {"search": "REF"}),
    ("shipments", {}),
    ("shipments", {"search": "DHL"}),
    ("shipments", {"search": "TRACK"}),
    ("backorders", {}),
    ("backorders", {"search": "MUG"}),
    ("purchase orders", {}),
    ("purchase orders", {"status": "concept"}),
    ("purchase orders", {"search": "blue"}),
    ("returns", {}),
    ("returns", {"status": "announced"}),
    ("returns", {"search": "blue"}),
]


@pytest.mark.parametrize(("name", "filters"), FILTERS, ids=[f"{n}-{f}" for n, f in FILTERS])
def test_the_export_holds_exactly_the_lists_rows_in_the_lists_order(warehouse_of_two, name, filters):
    listing_class, export, column, keys = CASES[name]
    listed = keys(list(listing_class(warehouse_of_two, **filters).rows()))
    exported = _entries_in_file(export(warehouse_of_two, max_rows=LIMIT, **filters), column)
    assert listed == exported
    assert listed or filters, f"{name}: the unfiltered list is empty, so the comparison proves nothing"


def test_stock_history_export_holds_exactly_the_product_pages_history(warehouse_of_two):
    product = factories.make_product(warehouse_of_two, product_code="M-HIST", stock_amount=4)
    factories.make_shipped_order(warehouse_of_two, lines=[(product, 1)])
    listed = list(listings.StockHistory(warehouse_of_two, product=product).rows())
    spreadsheet = client_exports.export_stock_history(warehouse_of_two, max_rows=LIMIT, product=product)
    try:
        records = read_exports.records(spreadsheet.file.read())
    finally:
        spreadsheet.close()
    assert [(m.change, m.new_stock) for m in listed] == [(r["Change"], r["New stock"]) for r in records]
    assert len(listed) == 2
    newest_first = list(listings.StockHistory(warehouse_of_two, product=product, newest_first=True).rows())
    assert [m.id for m in newest_first] == [m.id for m in reversed(listed)]
    assert len(list(listings.StockHistory(warehouse_of_two, product=product, date_from=date.today()).rows())) == 2


def test_low_stock_means_little_free_stock_on_the_page_and_in_the_export(app):
    """Plenty on the shelf but all of it promised to an order: low on the list and in the file alike."""
    client = factories.make_client()
    promised = factories.make_product(client, product_code="PROMISED", stock_amount=10)
    factories.make_product(client, product_code="PLENTY", stock_amount=10)
    factories.make_order(client, lines=[(promised, 9)], process=True)
    assert Stock.get(Stock.product == promised).allocated == 9
    listing = listings.ProductList(client, stock_filter="low", low_stock_threshold=5)
    assert _codes(listing.rows()) == ["PROMISED"]
    exported = _entries_in_file(
        client_exports.export_products(client, max_rows=LIMIT, stock_filter="low", low_stock_threshold=5),
        "Product code",
    )
    assert exported == ["PROMISED"]


def test_sorting_or_filtering_on_stock_shows_the_same_totals_as_the_list_by_code(app):
    """Two ways to sum stock (per row; or, on PostgreSQL, grouped once and joined): the same figures,
    a product without any stock row counted as 0, stock in two warehouses added up."""
    from fulfilment.models import Warehouse
    from fulfilment.services import stock_corrections

    client = factories.make_client()
    spread = factories.make_product(client, product_code="SPREAD", stock_amount=4)
    stock_corrections.change_stock(spread, Warehouse.create(name="Second"), 3, "Count")
    promised = factories.make_product(client, product_code="PROMISED", stock_amount=6)
    factories.make_order(client, lines=[(promised, 5)], process=True)
    factories.make_product(client, product_code="NONE")

    def totals(**options):
        return {row.product_code: (row.stock_total, row.free_total)
                for row in listings.ProductList(client, **options).rows()}

    by_code = totals()
    assert by_code == {"SPREAD": (7, 7), "PROMISED": (6, 1), "NONE": (0, 0)}
    assert totals(sort="-free") == by_code and totals(sort="value") == by_code
    assert [p.product_code for p in listings.ProductList(client, sort="free").rows()] == ["NONE", "PROMISED", "SPREAD"]
    assert totals(stock_filter="low", low_stock_threshold=1) == {"PROMISED": (6, 1), "NONE": (0, 0)}
    assert totals(stock_filter="out") == {"NONE": (0, 0)}


@pytest.mark.parametrize("every_product_has_stock", [True, False])
def test_low_and_out_of_stock_count_free_stock_over_every_warehouse(app, every_product_has_stock):
    """The filter looks up low stock rows by index and then checks each candidate's total: a product
    low in one warehouse but not in all together is not low; one without any stock row has none."""
    from fulfilment.models import Warehouse
    from fulfilment.services import stock_corrections

    client = factories.make_client()
    other = factories.make_client(name="Other")
    second = Warehouse.create(name="Second")
    spread = factories.make_product(client, product_code="SPREAD", stock_amount=4)
    stock_corrections.change_stock(spread, second, 3, "Count")  # 4 + 3: low in each warehouse, not in all
    factories.make_product(client, product_code="LOW", stock_amount=2)
    emptied = factories.make_product(client, product_code="EMPTIED", stock_amount=3)
    stock_corrections.change_stock(emptied, Warehouse.default(), -3, "Count")
    inactive = factories.make_product(client, product_code="INACTIVE", stock_amount=1)
    inactive.active = False
    inactive.save()
    if not every_product_has_stock:
        factories.make_product(client, product_code="NEVER-STOCKED")
    factories.make_product(other, product_code="OTHERS-LOW", stock_amount=1)
    factories.make_product(other, product_code="OTHERS-NONE")

    def listed(stock_filter, threshold=5):
        listing = listings.ProductList(client, stock_filter=stock_filter, low_stock_threshold=threshold)
        codes = _codes(listing.rows())
        assert listing.rows().count() == len(codes)
        return sorted(codes)

    never = [] if every_product_has_stock else ["NEVER-STOCKED"]
    assert listed("low") == sorted(["EMPTIED", "LOW", *never])
    assert listed("low", threshold=7) == sorted(["EMPTIED", "LOW", "SPREAD", *never])
    assert listed("out") == sorted(["EMPTIED", *never])


def test_a_pages_totals_are_computed_for_that_pages_rows(app):
    client = factories.make_client()
    mug = factories.make_product(client, product_code="MUG", stock_amount=2)
    factories.make_purchase_order(client, lines=[(mug, 7)])
    factories.make_order(client, lines=[(mug, 5)], process=True)
    rows = listings.BackorderList(client).decorate(list(listings.BackorderList(client).rows()))
    assert [(row.free_total, row.incoming_total, row.amount) for row in rows] == [(0, 7, 3)]
    purchase_orders = listings.PurchaseOrderList(client)
    rows = purchase_orders.decorate(list(purchase_orders.rows()))
    assert [(row.ordered, row.received) for row in rows] == [(7, 0)]
    assert listings.incoming(client, mug) == 7


def test_an_unknown_filter_value_is_refused(app):
    client = factories.make_client()
    for make in (lambda: listings.OrderList(client, status="lost"),
                 lambda: listings.ProductList(client, stock_filter="some"),
                 lambda: listings.PurchaseOrderList(client, status="gone"),
                 lambda: listings.ReturnList(client, status="eaten")):
        with pytest.raises(ValidationFailed, match="Unknown"):
            make()


def test_the_shipment_search_finds_a_picklist_by_each_of_its_numbers_and_names(app):
    client, other = factories.make_client(), factories.make_client()
    shipped = factories.make_shipped_order(client, carrier="DHL", tracking_code="JVGL0001234")
    picklist = shipped.picklists.first()
    type(shipped).update(reference="PO-7781").where(type(shipped).id == shipped.id).execute()
    type(picklist).update(delivery_name="Tulp & Zonen").where(type(picklist).id == picklist.id).execute()
    factories.make_shipped_order(client, carrier="PostNL", tracking_code="3SOTHER99")
    factories.make_shipped_order(other, carrier="DHL", tracking_code="JVGL0001234")  # same code, not theirs
    searches = {"tracking code": "jvgl000123", "carrier": "DHL", "picklist number": picklist.number,
                "order number": shipped.number, "order reference": "po-7781",
                "recipient": "tulp & zonen"}
    for what, text in searches.items():
        found = [row.id for row in listings.ShipmentList(client, search=text).rows()]
        assert found == [picklist.id], what
    assert list(listings.ShipmentList(client, search="nothing-like-this").rows()) == []


def test_a_picklists_shipments_are_listed_in_the_order_they_were_shipped_with_no_sort_in_the_database(app):
    from datetime import datetime

    from fulfilment.models import Picklist, Shipment

    client = factories.make_client()
    order = factories.make_shipped_order(client, tracking_code="FIRST")
    picklist = Picklist.get(Picklist.order == order)
    Shipment.update(shipped_at=datetime(2026, 5, 2, 9)).where(Shipment.picklist == picklist).execute()
    for code, at in (("THIRD", datetime(2026, 5, 2, 11)), ("SECOND", datetime(2026, 5, 2, 10))):
        Shipment.create(client=client, picklist=picklist, order=order, carrier="PostNL", tracking_code=code,
                        shipped_at=at)
    with count_queries() as queries:
        shipments = listings.shipments_of(client, [picklist])[picklist.id]
    assert [s.tracking_code for s in shipments] == ["FIRST", "SECOND", "THIRD"]
    # What keeps the planner off the (client, shipped_at) index: the query has no ORDER BY at all.
    assert len(queries.statements) == 1 and "ORDER BY" not in queries.statements[0]


def test_rows_sorted_without_the_database_put_empty_values_first_as_sqlite_does(app):
    from fulfilment.models import Shipment

    client = factories.make_client()
    order = factories.make_shipped_order(client)
    picklist_shipment = Shipment.get(Shipment.order == order)
    Shipment.update(webshop_pushed_at=None).where(Shipment.id == picklist_shipment.id).execute()
    other = Shipment.create(client=client, picklist=picklist_shipment.picklist, order=order, carrier="DHL",
                            tracking_code="X", webshop_pushed_at=date(2026, 1, 1))
    rows = listings.few_in_order(Shipment.for_client(client), Shipment.webshop_pushed_at, Shipment.id)
    assert [row.id for row in rows] == [picklist_shipment.id, other.id]
