"""Orders: create, change, process, pause/resume, cancel; lines; backorders; product status."""

import pytest

from fulfilment.models import Order, OrderLine, Stock
from fulfilment.services import picking
from tests import factories
from tests.api.shapes import BACKORDER, ORDER, ORDER_LINE, PRODUCT_STATUS, assert_list_of, assert_shape
from tests.services.invariants import table_contents

ADDRESS = {"deliveryname": "Jansen BV", "deliveryaddress": "Kerkstraat 1", "deliveryzipcode": "1011 AB",
           "deliverycity": "Amsterdam", "deliverycountry": "nl"}


def _order_body(shop, *lines, **fields):
    return {"idfulfilment_customer": shop.id, **ADDRESS, "products": list(lines), **fields}


def test_create_an_order_as_a_concept(app, shop, staff_api):
    mug = factories.make_product(shop, product_code="MUG", price="4.50")
    cap = factories.make_product(shop, product_code="CAP")
    response = staff_api.post("/orders", json=_order_body(
        shop, {"idproduct": mug.id, "amount": 2, "price": 3.99, "remarks": "gift wrap"},
        {"productcode": "CAP", "amount": 1}, reference="WEB-1001", emailaddress="ann@example.com",
        invoicename="Ann", customer_remarks="Ring twice"))
    assert response.status_code == 201
    order = response.get_json()
    assert_shape(order, ORDER, products=ORDER_LINE)
    assert (order["status"], order["source"], order["reference"], order["deliverycountry"]) == \
        ("concept", "api", "WEB-1001", "NL")
    assert order["orderid"] == Order.get_by_id(order["idorder"]).number
    assert [(line["productcode"], line["amount"], line["price"], line["remarks"]) for line in order["products"]] == [
        ("MUG", 2, 3.99, "gift wrap"), ("CAP", 1, float(cap.price), "")]
    assert order["picklists"] == []
    assert staff_api.get(f"/orders/{order['idorder']}").get_json() == order


def test_unknown_product_is_error_24(app, shop, staff_api):
    for line in ({"idproduct": 9999, "amount": 1}, {"productcode": "NOPE", "amount": 1}):
        response = staff_api.post("/orders", json=_order_body(shop, line))
        assert response.status_code == 400
        assert response.get_json()["error_code"] == 24
    assert Order.select().count() == 0


@pytest.mark.parametrize("line", [{"amount": 1}, {"idproduct": 1}, {"productcode": "MUG"}])
def test_line_without_product_or_amount_is_error_23(app, shop, staff_api, line):
    factories.make_product(shop, product_code="MUG")
    response = staff_api.post("/orders", json=_order_body(shop, line))
    assert response.status_code == 400
    assert response.get_json()["error_code"] == 23
    assert Order.select().count() == 0


def test_order_needs_products_and_a_recipient_name(app, shop, staff_api):
    product = factories.make_product(shop)
    no_lines = staff_api.post("/orders", json=_order_body(shop))
    no_name = staff_api.post("/orders", json={"idfulfilment_customer": shop.id, "deliverycity": "Utrecht",
                                              "products": [{"idproduct": product.id, "amount": 1}]})
    assert (no_lines.status_code, no_name.status_code) == (400, 400)
    assert no_lines.get_json()["error_code"] == no_name.get_json()["error_code"] == 5
    assert no_name.get_json()["error_message"].startswith("Missing parameter deliveryname")
    assert Order.select().count() == 0


def test_an_order_with_only_a_name_is_a_concept_processed_once_its_address_is_complete(app, shop, staff_api):
    """Picqer's POST /orders needs only idcustomer or deliveryname (https://picqer.com/en/api/orders)."""
    product = factories.make_product(shop, stock_amount=4)
    created = staff_api.post("/orders", json={"idfulfilment_customer": shop.id, "deliveryname": "Eva de Vries",
                                              "products": [{"productcode": product.product_code, "amount": 3}]})
    assert created.status_code == 201
    order = created.get_json()
    assert (order["status"], order["deliveryname"], order["deliveryaddress"], order["deliverycity"]) == \
        ("concept", "Eva de Vries", "", "")

    before = table_contents()
    refused = staff_api.post(f"/orders/{order['idorder']}/process")
    assert refused.status_code == 400
    assert refused.get_json() == {
        "error": True, "error_code": 5,
        "error_message": f"Order {order['orderid']} cannot be processed: its delivery address is incomplete. "
                         f"Missing: deliveryaddress, deliveryzipcode, deliverycity. Add them with PUT "
                         f"/orders/{order['idorder']}, then process the order again."}
    assert table_contents() == before  # still a concept, nothing allocated

    partly = staff_api.put(f"/orders/{order['idorder']}", json={"deliveryaddress": "Tuinweg 4"})
    assert partly.status_code == 200  # a concept may be completed step by step
    assert "Missing: deliveryzipcode, deliverycity." in staff_api.post(
        f"/orders/{order['idorder']}/process").get_json()["error_message"]
    staff_api.put(f"/orders/{order['idorder']}", json={"deliveryzipcode": "2011 AA", "deliverycity": "Haarlem"})
    processed = staff_api.post(f"/orders/{order['idorder']}/process")
    assert processed.status_code == 200 and processed.get_json()["status"] == "processing"
    assert Stock.get(Stock.product == product).allocated == 3


def test_process_a_partly_backordered_order(app, shop, staff_api):
    product = factories.make_product(shop, stock_amount=3)
    order = staff_api.post("/orders", json=_order_body(shop, {"idproduct": product.id, "amount": 5})).get_json()
    processed = staff_api.post(f"/orders/{order['idorder']}/process")
    assert processed.status_code == 200
    assert processed.get_json()["status"] == "processing"
    assert len(processed.get_json()["picklists"]) == 1
    backorders = staff_api.get(f"/orders/{order['idorder']}/backorders").get_json()
    assert_list_of(backorders, BACKORDER)
    assert [b["amount"] for b in backorders] == [2]
    status = staff_api.get(f"/orders/{order['idorder']}/productstatus").get_json()
    assert_list_of(status, PRODUCT_STATUS)
    assert [(s["amount"], s["allocated"], s["backorder"], s["picked"], s["shipped"]) for s in status] == \
        [(5, 3, 2, 0, 0)]
    again = staff_api.post(f"/orders/{order['idorder']}/process")
    assert again.status_code == 409 and again.get_json()["error_code"] == 21


def test_product_status_after_shipping(app, shop, staff_api):
    order = factories.make_shipped_order(shop)
    status = staff_api.get(f"/orders/{order.id}/productstatus").get_json()
    assert [(s["allocated"], s["backorder"], s["picked"], s["shipped"]) for s in status] == [(0, 0, 1, 1)]


def test_pause_and_resume(app, shop, staff_api):
    order = factories.make_order(shop, process=True)
    paused = staff_api.post(f"/orders/{order.id}/pause", json={"reason": "Address check"})
    assert paused.get_json()["status"] == "paused"
    assert Order.get_by_id(order.id).pause_reason == "Address check"
    assert staff_api.post(f"/orders/{order.id}/resume").get_json()["status"] == "processing"
    refused = staff_api.post(f"/orders/{order.id}/resume")
    assert refused.status_code == 409 and refused.get_json()["error_code"] == 21


def test_cancel_releases_stock(app, shop, staff_api):
    product = factories.make_product(shop, stock_amount=2)
    order = factories.make_order(shop, lines=[(product, 3)], process=True)
    response = staff_api.delete(f"/orders/{order.id}")
    assert response.status_code == 204 and response.data == b""
    assert staff_api.get(f"/orders/{order.id}").get_json()["status"] == "cancelled"
    assert Stock.get(Stock.product == product).allocated == 0
    assert staff_api.get(f"/orders/{order.id}/backorders").get_json() == []


def test_cancel_after_pick_is_error_30(app, shop, staff_api):
    product = factories.make_product(shop, stock_amount=1)
    order = factories.make_order(shop, lines=[(product, 2)], process=True)
    picking.close_picklist(factories.open_picklist(order))
    response = staff_api.delete(f"/orders/{order.id}")
    assert response.status_code == 409
    assert response.get_json()["error_code"] == 30
    changed = staff_api.put(f"/orders/{order.id}", json={"deliverycity": "Utrecht"})
    assert changed.status_code == 409 and changed.get_json()["error_code"] == 30
    order = Order.get_by_id(order.id)
    assert (order.status, order.delivery_city) == ("processing", "Amsterdam")


def test_change_header_and_address_until_picked(app, shop, staff_api):
    order = factories.make_order(shop, process=True)
    response = staff_api.put(f"/orders/{order.id}", json={"deliverycity": "Utrecht", "reference": "R-9",
                                                          "telephone": "0612345678"})
    assert response.status_code == 200
    assert (response.get_json()["deliverycity"], response.get_json()["reference"]) == ("Utrecht", "R-9")
    picklist = staff_api.get(f"/picklists/{response.get_json()['picklists'][0]}").get_json()
    assert picklist["deliverycity"] == "Utrecht"
    bad = staff_api.put(f"/orders/{order.id}", json={"deliverycountry": "Netherlands"})
    assert bad.status_code == 400


def test_lines_change_while_concept(app, shop, staff_api):
    first, second = factories.make_product(shop), factories.make_product(shop, product_code="SECOND")
    order = factories.make_order(shop, lines=[(first, 1)])
    added = staff_api.post(f"/orders/{order.id}/products", json={"productcode": "SECOND", "amount": 4})
    assert added.status_code == 201
    line = added.get_json()
    assert_shape(line, ORDER_LINE)
    assert (line["idproduct"], line["amount"]) == (second.id, 4)
    path = f"/orders/{order.id}/products/{line['idorder_product']}"
    assert staff_api.get(path).get_json() == line
    changed = staff_api.put(path, json={"amount": 6, "remarks": "bigger"})
    assert (changed.get_json()["amount"], changed.get_json()["remarks"]) == (6, "bigger")
    assert_list_of(staff_api.get(f"/orders/{order.id}/products").get_json(), ORDER_LINE)
    assert staff_api.delete(path).status_code == 204
    assert [line["idproduct"] for line in staff_api.get(f"/orders/{order.id}/products").get_json()] == [first.id]
    last = OrderLine.get(OrderLine.order == order)
    refused = staff_api.delete(f"/orders/{order.id}/products/{last.id}")
    assert refused.status_code == 400


def test_line_change_while_processing_is_error_33(app, shop, staff_api):
    product = factories.make_product(shop, stock_amount=5)
    order = factories.make_order(shop, lines=[(product, 1)], process=True)
    line = OrderLine.get(OrderLine.order == order)
    path = f"/orders/{order.id}/products"
    answers = [staff_api.post(path, json={"idproduct": product.id, "amount": 1}),
               staff_api.put(f"{path}/{line.id}", json={"amount": 3}),
               staff_api.delete(f"{path}/{line.id}")]
    assert [(a.status_code, a.get_json()["error_code"]) for a in answers] == [(409, 33)] * 3
    assert [(row.amount,) for row in OrderLine.select()] == [(1,)]


def test_order_filters(app, shop, staff_api):
    first = factories.make_order(shop, reference="ALPHA")
    second = factories.make_order(shop, reference="BETA", process=True)
    factories.make_order(reference="GAMMA")

    def ids(query):
        return [o["idorder"] for o in staff_api.get(f"/orders?{query}").get_json()]

    assert ids("status=processing") == [second.id]
    assert ids("reference=ALPHA") == [first.id]
    assert ids("search=BET") == [second.id]
    assert ids(f"idfulfilment_customer={shop.id}") == [first.id, second.id]
    today = first.created_at.strftime("%Y-%m-%d")
    assert len(ids(f"sincedate={today}&untildate={today}")) == 3
    assert ids("sincedate=2999-01-01") == []
