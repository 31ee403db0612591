"""The back office's work pages: an order's, a picklist's … details page built for the job at hand."""

import re

import pytest

from fulfilment.models import Order, Picklist, PurchaseOrder, StockMutation
from fulfilment.services import purchasing
from tests import factories
from tests.conftest import count_queries


def _page(staff_client, view, record_id):
    response = staff_client.get(f"/admin/{view}/details/?id={record_id}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def _heading(html):
    return re.search(r"<h1[^>]*>(.*?)</h1>", html, re.S).group(1)


def _row_of(html, text):
    """The cells of the first table row that contains text."""
    for row in re.findall(r"<tr>(.*?)</tr>", html, re.S):
        if text in row:
            return [re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<td>(.*?)</td>", row, re.S)]
    raise AssertionError(f"no row with {text}")


def _refused(html, label):
    """The reason shown under a disabled action button, or None when the button is enabled or absent."""
    match = re.search(r'<button type="button"[^>]*disabled[^>]*>' + re.escape(label) + r'</button>\s*'
                      r'<small[^>]*>(.*?)</small>', html, re.S)
    return match.group(1) if match else None


def _enabled(html, label):
    return re.search(r'<button type="submit"[^>]*>' + re.escape(label) + '</button>', html) is not None or \
        re.search(r'<a class="btn[^"]*"[^>]*>' + re.escape(label) + '</a>', html) is not None


def test_order_page_leads_with_number_status_client_address_and_line_figures(app, staff_client):
    client = factories.make_client(name="Acme Webshop")
    product = factories.make_product(client, product_code="ACME-1", stock_amount=7)
    order = factories.make_order(client, lines=[(product, 10)], process=True, delivery_name="Jansen BV")

    html = _page(staff_client, "order", order.id)

    heading = _heading(html)
    assert order.number in heading
    assert 'class="badge status-badge status-open">processing</span>' in heading
    assert "Acme Webshop" in html and "<dt>Source</dt><dd>warehouse</dd>" in html  # client and source up top
    address = re.search(r"<address[^>]*>(.*?)</address>", html, re.S).group(1)
    assert "Jansen BV<br>Kerkstraat 1<br>1011 AB Amsterdam<br>NL" in address
    # Ordered 10: 7 allocated on the open picklist, 3 backordered, none picked or shipped, no free stock left.
    assert _row_of(html, "ACME-1") == ["ACME-1 Product " + product.name.split()[-1], "10", "7", "3", "0", "0", "0"]
    picklist = Picklist.get(Picklist.order == order)
    assert f'href="/admin/picklist/details/?id={picklist.id}">{picklist.number}</a>' in html
    assert "/admin/backorder/details/?id=" in html
    assert "Processed; 3 units backordered" in html  # the timeline
    # The raw fields only behind the disclosure.
    assert html.index("<summary>All fields</summary>") < html.index("Invoice name")


def test_picked_order_offers_no_cancel_and_says_why(app, staff_client):
    order = factories.make_shipped_order()
    html = _page(staff_client, "order", order.id)

    assert _refused(html, "Cancel order") == f"Order {order.number} is completed."
    assert not _enabled(html, "Cancel order")
    # Pressing it anyway (a stale page) changes nothing.
    factories.admin_action(staff_client, "order", "cancel", order.id)
    assert Order.get_by_id(order.id).status == "completed"


def test_processing_order_once_picked_cannot_be_cancelled(app, staff_client):
    client = factories.make_client()
    product = factories.make_product(client, stock_amount=1)
    order = factories.make_order(client, lines=[(product, 3)], process=True)
    from fulfilment.services import picking

    picking.close_picklist(factories.open_picklist(order))  # 1 picked, 2 still backordered: processing

    html = _page(staff_client, "order", order.id)
    assert Order.get_by_id(order.id).status == "processing"
    assert _refused(html, "Cancel order") == f"Order {order.number} has been picked and can no longer be changed " \
                                             "or cancelled."
    assert _enabled(html, "Pause")


def test_open_order_offers_cancel_and_pause(app, staff_client):
    order = factories.make_order(process=True)
    html = _page(staff_client, "order", order.id)
    assert _enabled(html, "Cancel order") and _enabled(html, "Pause")
    assert _refused(html, "Cancel order") is None


def test_purchase_order_cancel_is_disabled_once_a_receipt_exists(app, staff_client):
    client = factories.make_client()
    product = factories.make_product(client, product_code="INC-1")
    purchase_order = factories.make_purchase_order(client, lines=[(product, 10)])
    before = _page(staff_client, "purchaseorder", purchase_order.id)
    assert _enabled(before, "Cancel purchase order")

    line = purchase_order.lines.get()
    receipt = purchasing.register_receipt(purchase_order, {line.id: 4})

    html = _page(staff_client, "purchaseorder", purchase_order.id)
    assert _refused(html, "Cancel purchase order") == ("A receipt has been registered on this purchase order; "
                                                       "it can no longer be cancelled.")
    assert _enabled(html, "Register receipt")  # 6 units are still expected
    assert _row_of(html, "INC-1")[1:4] == ["10", "4", "6"]  # ordered, received, outstanding
    assert f'href="/admin/receipt/details/?id={receipt.id}">{receipt.number}</a>' in html
    factories.admin_action(staff_client, "purchaseorder", "cancel", purchase_order.id)
    assert PurchaseOrder.get_by_id(purchase_order.id).status == "purchased"


def test_picklist_receipt_and_return_pages_lead_with_their_number_and_status(app, staff_client, one_of_everything):
    picklist = Picklist.get(Picklist.order == one_of_everything["shipped"])
    html = _page(staff_client, "picklist", picklist.id)
    assert picklist.number in _heading(html) and "status-done\">closed" in _heading(html)
    assert _refused(html, "Cancel picklist") == f"Picklist {picklist.number} is closed; only new picklists can be " \
                                               "cancelled."
    assert "Kerkstraat 1" in html and "postnl.example/track" in html  # address and the tracking link

    receipt = one_of_everything["receipt"]
    html = _page(staff_client, "receipt", receipt.id)
    assert receipt.number in _heading(html) and "completed" in _heading(html)
    assert f'href="/admin/purchaseorder/details/?id={one_of_everything["purchase_order"].id}"' in html

    ret = one_of_everything["return"]
    html = _page(staff_client, "return", ret.id)
    assert ret.number in _heading(html) and ">received</span>" in _heading(html)
    assert _row_of(html, "ACME-1")[1:4] == ["1", "0", "Broken"]  # announced, received, reason
    assert "Thanks" in html  # the status log as a timeline
    assert f'href="/admin/order/details/?id={one_of_everything["shipped"].id}"' in html


def test_product_page_shows_stock_chart_and_ledger_newest_first(app, staff_client, one_of_everything):
    product = one_of_everything["product"]
    html = _page(staff_client, "product", product.id)
    assert product.product_code in _heading(html) and ">active</span>" in _heading(html)
    assert '<path d="M' in html and 'class="chart-line"' in html
    ledger = html[html.index("Stock ledger"):]
    shown = [int(n) for n in re.findall(r'<td>(-?\d+)</td><td>\d+</td>', ledger)]  # change, then new stock
    expected = [m.change for m in StockMutation.select().where(StockMutation.product == product)
                .order_by(StockMutation.created_at.desc(), StockMutation.id.desc())]
    assert shown == expected and len(shown) >= 3


def test_client_page_links_to_its_filtered_lists(app, staff_client, one_of_everything):
    client = one_of_everything["client"]
    html = _page(staff_client, "client", client.id)
    assert "Acme Webshop" in _heading(html)
    link = re.search(r'<a href="([^"]+)">Orders</a>', html).group(1).replace("&amp;", "&")
    listed = staff_client.get(link).get_data(as_text=True)
    assert set(re.findall(r"/admin/order/details/\?id=(\d+)", listed)) == {
        str(o.id) for o in Order.select().where(Order.client == client)}


def test_status_columns_of_lists_are_badges(app, staff_client):
    factories.make_order(process=True)
    html = staff_client.get("/admin/order/").get_data(as_text=True)
    assert 'class="badge status-badge status-open">processing</span>' in html


def _queries(staff_client, url):
    staff_client.get(url)
    with count_queries() as counter:
        assert staff_client.get(url).status_code == 200
    return counter.n


@pytest.mark.parametrize("view", ["order", "picklist", "purchaseorder", "product"])
def test_work_page_query_count_does_not_grow_with_lines(app, staff_client, view):
    def record(n):
        client = factories.make_client()
        products = [factories.make_product(client, stock_amount=5) for _ in range(n)]
        for product in products:  # a longer ledger too
            factories.stock_corrections.change_stock(product, factories.warehouse(), 1, "Count")
        if view == "product":
            for _ in range(n):
                factories.stock_corrections.change_stock(products[0], factories.warehouse(), 1, "Count")
            return products[0].id
        if view == "purchaseorder":
            return factories.make_purchase_order(client, lines=[(p, 2) for p in products]).id
        order = factories.make_order(client, lines=[(p, 8) for p in products], process=True)
        return order.id if view == "order" else factories.open_picklist(order).id

    small = _queries(staff_client, f"/admin/{view}/details/?id={record(2)}")
    large = _queries(staff_client, f"/admin/{view}/details/?id={record(30)}")
    assert small == large, f"{view}: {small} queries for 2 lines, {large} for 30"


@pytest.mark.parametrize("url, badge", [
    ("/admin/picklist/", "status-done\">closed"), ("/admin/purchaseorder/", "status-done\">received"),
    ("/admin/receipt/", "status-done\">completed"), ("/admin/return/", "status-done\">received"),
    ("/admin/orderevent/", "status-done\">completed"), ("/admin/returnlog/", "status-open\">announced"),
    ("/admin/product/", "status-done\">active"), ("/admin/client/", "status-done\">active"),
])
def test_every_status_column_shows_badges(app, staff_client, one_of_everything, url, badge):
    assert badge in staff_client.get(url).get_data(as_text=True)
