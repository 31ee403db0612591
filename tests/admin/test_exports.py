"""Every back-office list exports to .xlsx: the list's columns, search, filters and sort, every page."""

from datetime import date

from fulfilment.models import Client
from tests import factories, read_exports
from tests.conftest import count_queries


def _view(app, endpoint):
    admin = app.extensions["admin"][0]
    return next(view for view in admin._views if getattr(view, "endpoint", None) == endpoint)


def _filter_arg(view, column, operation):
    """The URL argument Flask-Admin uses for a filter, e.g. flt0_3 for "Client / Name equals"."""
    key = next(key for key, (_, flt) in view._filter_args.items()
               if flt.column is column and str(flt.operation()) == operation)
    return f"flt0_{key}"


def _sort_index(view, name):
    return next(i for i, (column, _) in enumerate(view._list_columns) if column == name)


def _export(staff_client, endpoint, **args):
    response = staff_client.get(f"/admin/{endpoint}/export/xlsx/", query_string=args)
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    return response


def test_product_list_exports_typed_cells_with_client_name(staff_client):
    client = factories.make_client(name="Acme Webshop")
    product = factories.make_product(client, product_code="00123", name="Mug", price="12.50",
                                     fixed_stock_price="4.25", stock_amount=1500)

    response = _export(staff_client, "product")

    assert response.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert response.headers["Content-Disposition"] == f"attachment; filename=products-{date.today():%Y-%m-%d}.xlsx"
    assert "no-store" in response.headers["Cache-Control"]
    header, row = read_exports.rows(response.data)
    assert header == ["ID", "Client", "Product code", "Name", "Barcode", "Price", "Fixed stock price", "Stock",
                      "Free stock", "Active"]
    assert row == [product.id, "Acme Webshop", "00123", "Mug", None, 12.5, 4.25, 1500, 1500, True]
    cells = read_exports.cells(response.data)[1]
    assert cells[2].data_type == "s"  # a numeric-looking code stays text
    assert cells[7].data_type == "n"  # the stock is a number, not the list's "1,500"
    assert cells[5].number_format == cells[6].number_format == "#,##0.00"
    first = read_exports.cells(response.data)[0][0]
    assert first.font.b
    assert read_exports.workbook(response.data).worksheets[0].freeze_panes == "A2"


def test_export_honours_search_filter_and_sort(app, staff_client):
    acme = factories.make_client(name="Acme")
    other = factories.make_client(name="Other")
    for name in ("Mug blue", "Mug red", "Plate", "Mug green"):
        factories.make_product(acme, name=name)
    factories.make_product(other, name="Mug yellow")
    view = _view(app, "product")

    response = _export(staff_client, "product", search="mug", sort=_sort_index(view, "name"), desc=1,
                       **{_filter_arg(view, Client.name, "equals"): "Acme"})

    assert [record["Name"] for record in read_exports.records(response.data)] == ["Mug red", "Mug green", "Mug blue"]


def test_export_contains_every_page_not_only_the_first(staff_client):
    client = factories.make_client()
    for _ in range(7):
        factories.make_product(client)
    response = _export(staff_client, "product", page_size=5, page=1)
    assert len(read_exports.records(response.data)) == 7


def test_a_formula_in_a_product_name_is_exported_as_text(staff_client):
    formula = '=HYPERLINK("http://x","y")'
    factories.make_product(name=formula, barcode="+31 6 1234", product_code="-1")

    response = _export(staff_client, "product")

    row = read_exports.cells(response.data)[1]
    assert [(c.value, c.data_type) for c in row[2:5]] == [("-1", "s"), (formula, "s"), ("+31 6 1234", "s")]
    sheet = read_exports.sheet_xml(response.data)
    assert "<f>" not in sheet and "<f " not in sheet
    assert "HYPERLINK" in sheet  # written, as text


def test_stock_export_has_product_code_and_name_and_free_stock(staff_client):
    client = factories.make_client(name="Acme")
    product = factories.make_product(client, product_code="ACME-1", name="Mug", stock_amount=5)
    factories.make_order(client, lines=[(product, 2)], process=True)

    records = read_exports.records(_export(staff_client, "stock").data)

    assert len(records) == 1
    record = records[0]
    assert (record["Client"], record["Product code"], record["Product name"], record["Warehouse"]) == (
        "Acme", "ACME-1", "Mug", factories.warehouse().name)
    assert (record["Stock"], record["Allocated"], record["Free"]) == (5, 2, 3)


def test_order_export_adds_the_delivery_address(staff_client):
    order = factories.make_order(delivery_city="Utrecht", email="ann@example.com")
    record = read_exports.records(_export(staff_client, "order").data)[0]
    assert record["Number"] == order.number
    assert (record["Delivery city"], record["Email"]) == ("Utrecht", "ann@example.com")
    assert record["Created"].date() == order.created_at.date()  # a real date, not text


def test_row_limit_refuses_with_a_readable_message(app, staff_client):
    app.config["EXPORT_MAX_ROWS"] = 2
    client = factories.make_client()
    for _ in range(3):
        factories.make_product(client)

    response = staff_client.get("/admin/product/export/xlsx/?search=Product")

    assert response.status_code == 302
    assert response.headers["Location"].endswith("/admin/product/?search=Product")
    page = staff_client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Products has 3 rows; one export holds at most 2." in page
    assert "Narrow the list down" in page


def test_row_limit_counts_only_the_filtered_rows(app, staff_client):
    app.config["EXPORT_MAX_ROWS"] = 2
    client = factories.make_client()
    factories.make_product(client, name="Mug")
    factories.make_product(client, name="Plate")
    factories.make_product(client, name="Bowl")
    response = _export(staff_client, "product", search="Mug")
    assert len(read_exports.records(response.data)) == 1


def test_export_costs_the_same_queries_for_5_rows_as_for_50(app, staff_client):
    client = factories.make_client()
    product = factories.make_product(client, stock_amount=1000)

    def queries_for_export():
        with count_queries() as counter:
            _export(staff_client, "orderline")
        return counter.n

    for _ in range(5):
        factories.make_order(client, lines=[(product, 1)])
    with_5 = queries_for_export()
    for _ in range(45):
        factories.make_order(client, lines=[(product, 1)])
    assert queries_for_export() == with_5


def test_list_page_links_to_the_export_with_its_search(staff_client):
    page = staff_client.get("/admin/product/?search=mug").get_data(as_text=True)
    assert "Export to Excel" in page
    assert "/admin/product/export/xlsx/?search=mug" in page


def test_anonymous_visitor_cannot_export(app):
    factories.make_product(name="Secret")
    response = app.test_client().get("/admin/product/export/xlsx/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/admin/login")


def test_unknown_export_type_is_404(staff_client):
    assert staff_client.get("/admin/product/export/csv/").status_code == 404


def test_every_list_exports_its_columns(app, staff_client, one_of_everything):
    failures = []
    admin = app.extensions["admin"][0]
    for view in [v for v in admin._views if hasattr(v, "model")]:
        response = staff_client.get(f"/admin/{view.endpoint}/export/xlsx/")
        if response.status_code != 200:
            failures.append((view.endpoint, response.status_code))
            continue
        header, *body = read_exports.rows(response.data)
        expected = [column.title for column in view.spreadsheet_columns()]
        if header != expected or not body:
            failures.append((view.endpoint, header, expected, len(body)))
    assert failures == []
