"""Returns: create, change, products, replacements, status log, receive; return statuses."""

from fulfilment.models import Picklist, Return, ReturnStatus, Stock
from tests import factories
from tests.api.shapes import (
    REPLACEMENT,
    RETURN,
    RETURN_LOG,
    RETURN_STATUS,
    RETURNED_PRODUCT,
    WEBSHOP_ORDER,
    assert_list_of,
    assert_shape,
)


def test_return_statuses(app, shop_api):
    statuses = shop_api.get("/return_statuses").get_json()
    assert_list_of(statuses, RETURN_STATUS)
    assert [(s["name"], s["default"], s["completed"]) for s in statuses] == [
        ("announced", True, False), ("received", False, False), ("completed", False, True),
        ("cancelled", False, True)]


def test_create_a_return_with_replacements(app, shop, staff_api, shop_api):
    order = factories.make_shipped_order(shop)
    returned = factories.make_product(shop, product_code="RET")
    spare = factories.make_product(shop, product_code="SPARE", stock_amount=2)
    response = staff_api.post("/returns", json={
        "idfulfilment_customer": shop.id, "idorder": order.id, "tracking_code": "3SRET",
        "returned_products": [{"productcode": "RET", "amount": 2, "reason": "Too small"}],
        "replacement_products": [{"idproduct": spare.id, "amount": 1}]})
    assert response.status_code == 201
    ret = response.get_json()
    assert_shape(ret, RETURN, returned_products=RETURNED_PRODUCT, replacement_products=REPLACEMENT)
    assert_shape(ret["return_status"], RETURN_STATUS)
    assert (ret["return_status"]["name"], ret["idorder"], ret["name"], ret["tracking_code"]) == \
        ("announced", order.id, "Jansen BV", "3SRET")
    assert [(p["idproduct"], p["amount"], p["reason"]) for p in ret["returned_products"]] == \
        [(returned.id, 2, "Too small")]
    replacement_picklist = ret["replacement_products"][0]["idpicklist"]
    assert Picklist.get_by_id(replacement_picklist).return_id == ret["idreturn"]
    assert staff_api.get(f"/picklists/{replacement_picklist}").get_json()["idreturn"] == ret["idreturn"]
    assert shop_api.get(f"/returns/{ret['idreturn']}").get_json() == ret
    assert [r["idreturn"] for r in shop_api.get(f"/returns?idorder={order.id}").get_json()] == [ret["idreturn"]]


def test_return_refusals_create_nothing(app, shop, staff_api):
    other_order = factories.make_order()
    product = factories.make_product(shop)
    answers = [
        staff_api.post("/returns", json={"idfulfilment_customer": shop.id}),
        staff_api.post("/returns", json={"idfulfilment_customer": shop.id, "idorder": other_order.id,
                                         "returned_products": [{"idproduct": product.id, "amount": 1}]}),
        staff_api.post("/returns", json={"idfulfilment_customer": shop.id,
                                         "returned_products": [{"idproduct": product.id}]}),
        staff_api.post("/returns", json={"idfulfilment_customer": shop.id,
                                         "replacement_products": [{"idproduct": product.id, "amount": 1}]}),
    ]
    assert [a.status_code for a in answers] == [400, 400, 400, 409]
    assert answers[2].get_json()["error_code"] == 23
    assert Return.select().count() == 0


def test_change_a_return_and_add_products(app, shop, staff_api):
    ret = factories.make_return(shop)
    base = f"/returns/{ret.id}"
    changed = staff_api.put(base, json={"name": "Piet", "country": "be", "emailaddress": "piet@example.com"})
    assert (changed.get_json()["name"], changed.get_json()["country"]) == ("Piet", "BE")
    product = factories.make_product(shop, stock_amount=1)
    added = staff_api.post(f"{base}/returned_products", json={"idproduct": product.id, "amount": 1,
                                                             "reason": "Wrong colour"})
    assert added.status_code == 201
    assert_shape(added.get_json(), RETURNED_PRODUCT)
    assert_list_of(staff_api.get(f"{base}/returned_products").get_json(), RETURNED_PRODUCT)
    assert len(staff_api.get(f"{base}/returned_products").get_json()) == 2
    replacement = staff_api.post(f"{base}/replacement_products", json={"idproduct": product.id, "amount": 1})
    assert replacement.status_code == 201
    assert_shape(replacement.get_json(), REPLACEMENT)
    assert staff_api.get(f"{base}/replacement_products").get_json() == [replacement.get_json()]
    no_stock = staff_api.post(f"{base}/replacement_products", json={"idproduct": product.id, "amount": 1})
    assert no_stock.status_code == 409


def test_status_log_and_receive(app, shop, staff_api, shop_api):
    product = factories.make_product(shop)
    ret = factories.make_return(shop, returned=[(product, 3, "Broken")])
    base = f"/returns/{ret.id}"
    received = staff_api.post(f"{base}/receive")
    assert received.status_code == 200
    assert received.get_json()["return_status"]["name"] == "received"
    assert received.get_json()["received_at"] is not None
    assert received.get_json()["returned_products"][0]["amount_received"] == 3
    assert Stock.get(Stock.product == product).stock == 3
    assert staff_api.post(f"{base}/receive").status_code == 400  # nothing left
    completed = ReturnStatus.get(ReturnStatus.name == "completed")
    log = staff_api.post(f"{base}/logs", json={"idreturn_status": completed.id, "message": "Refunded"})
    assert log.status_code == 201
    assert_shape(log.get_json(), RETURN_LOG)
    logs = shop_api.get(f"{base}/logs").get_json()
    assert_list_of(logs, RETURN_LOG)
    assert [log["message"] for log in logs][-1] == "Refunded"
    assert [log["idreturn_status"] for log in logs][0] == ReturnStatus.get(ReturnStatus.name == "announced").id
    ret = shop_api.get(base).get_json()
    assert ret["return_status"]["name"] == "completed" and ret["completed_at"] is not None
    assert staff_api.post(f"{base}/logs", json={"idreturn_status": 999}).status_code == 400
    late = staff_api.post(f"{base}/returned_products", json={"idproduct": product.id, "amount": 1})
    assert late.status_code == 409


def test_receive_part_of_a_return(app, shop, staff_api):
    product = factories.make_product(shop)
    ret = factories.make_return(shop, returned=[(product, 3, "Broken")])
    line = ret.returned_products[0]
    response = staff_api.post(f"/returns/{ret.id}/receive",
                              json={"products": [{"idreturn_product": line.id, "amount": 1}]})
    assert response.get_json()["returned_products"][0]["amount_received"] == 1
    too_many = staff_api.post(f"/returns/{ret.id}/receive",
                              json={"products": [{"idreturn_product": line.id, "amount": 5}]})
    assert too_many.status_code == 400
    assert Stock.get(Stock.product == product).stock == 1


def test_webshop_orders(app, shop, staff_api):
    webshop = factories.make_webshop(shop)
    order = factories.make_order(shop)
    imported = factories.make_webshop_order(webshop, order=order)
    skipped = factories.make_webshop_order(webshop, status="ignored", reason="Already shipped")
    other = factories.make_webshop_order()
    listed = staff_api.get("/webshoporders").get_json()
    assert_list_of(listed, WEBSHOP_ORDER)
    assert [w["idwebshop_order"] for w in listed] == [imported.id, skipped.id, other.id]
    assert [w["idwebshop_order"] for w in staff_api.get(f"/webshoporders?idwebshop={webshop.id}").get_json()] == \
        [imported.id, skipped.id]
    assert [w["idwebshop_order"] for w in
            staff_api.get(f"/webshoporders?foreign_id={skipped.foreign_id}").get_json()] == [skipped.id]
    one = staff_api.get(f"/webshoporders/{imported.id}").get_json()
    assert (one["idorder"], one["status"], one["foreign_number"]) == (order.id, "imported", imported.foreign_number)
    assert staff_api.get(f"/webshoporders/{skipped.id}").get_json()["idorder"] is None
