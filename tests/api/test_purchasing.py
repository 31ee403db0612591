"""Purchase orders and receipts: create, change until a receipt exists, receive product by product."""

from fulfilment.models import PurchaseOrder, PurchaseOrderLine, Receipt, Stock
from tests import factories
from tests.api.shapes import (
    PURCHASE_ORDER,
    PURCHASE_ORDER_LINE,
    RECEIPT,
    RECEIPT_LINE,
    assert_list_of,
    assert_shape,
)


def _create(api, shop, *lines, **fields):
    return api.post("/purchaseorders", json={"idfulfilment_customer": shop.id, "supplier_name": "Acme",
                                             "products": list(lines), **fields})


def test_create_and_get_a_purchase_order(app, shop, shop_api):
    product = factories.make_product(shop, product_code="BEAN", fixed_stock_price="2.00")
    response = _create(shop_api, shop, {"productcode": "BEAN", "amount": 10}, {"idproduct": product.id,
                                                                               "amount": 5, "price": 1.5},
                       supplier_orderid="ACME-77", delivery_date="2026-12-31", remarks="Pallet")
    assert response.status_code == 201
    purchase_order = response.get_json()
    assert_shape(purchase_order, PURCHASE_ORDER, products=PURCHASE_ORDER_LINE)
    assert (purchase_order["status"], purchase_order["delivery_date"], purchase_order["supplier_orderid"]) == \
        ("concept", "2026-12-31", "ACME-77")
    assert [(line["amount"], line["amountreceived"], line["price"]) for line in purchase_order["products"]] == \
        [(10, 0, 2.0), (5, 0, 1.5)]
    assert shop_api.get(f"/purchaseorders/{purchase_order['idpurchaseorder']}").get_json() == purchase_order
    assert [p["idpurchaseorder"] for p in shop_api.get("/purchaseorders?status=concept").get_json()] == \
        [purchase_order["idpurchaseorder"]]


def test_purchase_order_refusals(app, shop, staff_api):
    assert _create(staff_api, shop).status_code == 400
    assert _create(staff_api, shop, {"amount": 1}).get_json()["error_code"] == 23
    assert _create(staff_api, shop, {"productcode": "NOPE", "amount": 1}).get_json()["error_code"] == 24
    product = factories.make_product(shop)
    bad_date = _create(staff_api, shop, {"idproduct": product.id, "amount": 1}, delivery_date="31-12-2026")
    assert bad_date.status_code == 400
    assert PurchaseOrder.select().count() == 0


def test_change_lines_mark_purchased_and_cancel(app, shop, staff_api):
    first, second = factories.make_product(shop), factories.make_product(shop)
    purchase_order = factories.make_purchase_order(shop, lines=[(first, 3)], purchased=False)
    base = f"/purchaseorders/{purchase_order.id}"
    changed = staff_api.put(base, json={"supplier_name": "Beta", "delivery_date": None})
    assert (changed.get_json()["supplier_name"], changed.get_json()["delivery_date"]) == ("Beta", None)
    line = staff_api.post(f"{base}/products", json={"idproduct": second.id, "amount": 2}).get_json()
    assert_shape(line, PURCHASE_ORDER_LINE)
    updated = staff_api.put(f"{base}/products/{line['idpurchaseorder_product']}", json={"amount": 7, "price": 3})
    assert (updated.get_json()["amount"], updated.get_json()["price"]) == (7, 3.0)
    assert_list_of(staff_api.get(f"{base}/products").get_json(), PURCHASE_ORDER_LINE)
    assert staff_api.delete(f"{base}/products/{line['idpurchaseorder_product']}").status_code == 204
    assert staff_api.post(f"{base}/mark-as-purchased").get_json()["status"] == "purchased"
    assert staff_api.post(f"{base}/mark-as-purchased").get_json()["error_code"] == 21
    assert staff_api.post(f"{base}/cancel").get_json()["status"] == "cancelled"


def test_a_receipt_locks_the_purchase_order(app, shop, staff_api):
    product = factories.make_product(shop)
    purchase_order = factories.make_purchase_order(shop, lines=[(product, 10)])
    line = purchase_order.lines[0]
    receipt = staff_api.post("/receipts", json={"idpurchaseorder": purchase_order.id})
    assert receipt.status_code == 201
    base = f"/purchaseorders/{purchase_order.id}"
    answers = [
        staff_api.post(f"{base}/products", json={"idproduct": product.id, "amount": 1}),
        staff_api.put(f"{base}/products/{line.id}", json={"amount": 2}),
        staff_api.delete(f"{base}/products/{line.id}"),
        staff_api.put(base, json={"supplier_name": "Other"}),
        staff_api.post(f"{base}/cancel"),
    ]
    assert [(a.status_code, a.get_json()["error_code"]) for a in answers] == [(409, 21)] * 5
    assert "receipt" in answers[-1].get_json()["error_message"]
    assert PurchaseOrder.get_by_id(purchase_order.id).status == "purchased"
    assert [(row.amount,) for row in PurchaseOrderLine.select()] == [(10,)]


def test_receive_product_by_product_then_complete(app, shop, staff_api, shop_api):
    product = factories.make_product(shop)
    waiting = factories.make_order(shop, lines=[(product, 4)], process=True)
    purchase_order = factories.make_purchase_order(shop, lines=[(product, 10)])
    receipt = staff_api.post("/receipts", json={"idpurchaseorder": purchase_order.id}).get_json()
    assert_shape(receipt, RECEIPT)
    assert (receipt["status"], receipt["products"], receipt["completed_at"]) == ("processing", [], None)
    path = f"/receipts/{receipt['idreceipt']}"
    received = staff_api.post(f"{path}/products", json={"idproduct": product.id, "amount": 6})
    assert received.status_code == 201
    assert_shape(received.get_json(), RECEIPT, products=RECEIPT_LINE)
    assert [line["amount"] for line in received.get_json()["products"]] == [6]
    assert Stock.get(Stock.product == product).stock == 6
    assert staff_api.get(f"/orders/{waiting.id}/backorders").get_json() == []
    too_many = staff_api.post(f"{path}/products", json={"idproduct": product.id, "amount": 5})
    assert too_many.status_code == 400
    everything = staff_api.post(f"{path}/mark-all-received")
    assert [line["amount"] for line in everything.get_json()["products"]] == [6, 4]
    assert staff_api.get(f"/purchaseorders/{purchase_order.id}").get_json()["status"] == "received"
    assert staff_api.put(path, json={"status": "processing"}).status_code == 400
    completed = staff_api.put(path, json={"status": "completed"}).get_json()
    assert completed["status"] == "completed" and completed["completed_at"] is not None
    assert shop_api.get(path).get_json() == completed
    assert shop_api.get(f"/receipts?idpurchaseorder={purchase_order.id}").get_json() == [completed]
    assert staff_api.post(f"{path}/products", json={"idproduct": product.id, "amount": 1}).status_code == 409


def test_receipt_refusals(app, shop, staff_api):
    unknown = staff_api.post("/receipts", json={"idpurchaseorder": 999})
    assert unknown.status_code == 400
    purchase_order = factories.make_purchase_order(shop)
    cancelled = factories.make_purchase_order(shop)
    staff_api.post(f"/purchaseorders/{cancelled.id}/cancel")
    assert staff_api.post("/receipts", json={"idpurchaseorder": cancelled.id}).get_json()["error_code"] == 21
    receipt = staff_api.post("/receipts", json={"idpurchaseorder": purchase_order.id}).get_json()
    other_product = factories.make_product(shop)
    not_on_it = staff_api.post(f"/receipts/{receipt['idreceipt']}/products",
                               json={"idproduct": other_product.id, "amount": 1})
    assert not_on_it.status_code == 400
    assert Receipt.select().count() == 1
