"""Picklists and their shipments, backorders, and the stock history they leave."""

from fulfilment.models import Backorder, OrderLine, Picklist, Stock
from tests import factories
from tests.api.shapes import (
    BACKORDER,
    PICKLIST,
    PICKLIST_LINE,
    SHIPMENT,
    STOCK_HISTORY,
    assert_list_of,
    assert_shape,
)


def test_picklist_fields_and_filters(app, shop, staff_api, shop_api):
    order = factories.make_order(shop, lines=[(factories.make_product(shop, stock_amount=4), 3)], process=True)
    factories.make_shipped_order(shop)
    picklists = staff_api.get("/picklists").get_json()
    assert_list_of(picklists, PICKLIST, products=PICKLIST_LINE)
    first = staff_api.get(f"/picklists?idorder={order.id}").get_json()
    assert len(first) == 1
    assert (first[0]["status"], first[0]["totalproducts"], first[0]["totalpicked"], first[0]["closed_at"]) == \
        ("new", 3, 0, None)
    assert first[0]["products"][0]["idorder_product"] == OrderLine.get(OrderLine.order == order).id
    assert [p["status"] for p in staff_api.get("/picklists?status=closed").get_json()] == ["closed"]
    assert shop_api.get(f"/picklists/{first[0]['idpicklist']}").get_json() == first[0]


def test_close_a_picklist_with_a_shipment(app, shop, staff_api):
    product = factories.make_product(shop, stock_amount=4)
    order = factories.make_order(shop, lines=[(product, 3)], process=True)
    picklist = factories.open_picklist(order)
    closed = staff_api.post(f"/picklists/{picklist.id}/close")
    assert closed.status_code == 200
    assert (closed.get_json()["status"], closed.get_json()["totalpicked"]) == ("closed", 3)
    assert closed.get_json()["closed_at"] is not None
    assert staff_api.get(f"/orders/{order.id}").get_json()["status"] == "completed"
    assert Stock.get(Stock.product == product).stock == 1
    shipment = staff_api.post(f"/picklists/{picklist.id}/shipments", json={
        "provider": "postnl", "trackingcode": "3SABC123"})
    assert shipment.status_code == 201
    assert_shape(shipment.get_json(), SHIPMENT)
    assert (shipment.get_json()["provider"], shipment.get_json()["idorder"]) == ("PostNL", order.id)
    # The link is built from the carrier's template, the code and the recipient's country and zip code.
    assert shipment.get_json()["trackingurl"] == "https://jouw.postnl.nl/track-and-trace/3SABC123-NL-1011AB"
    assert staff_api.get(f"/picklists/{picklist.id}/shipments").get_json() == [shipment.get_json()]
    again = staff_api.post(f"/picklists/{picklist.id}/close")
    assert again.status_code == 409 and again.get_json()["error_code"] == 21
    history = staff_api.get(f"/stockhistory?idproduct={product.id}").get_json()
    assert_list_of(history, STOCK_HISTORY)
    assert [(h["stock_change"], h["change_type"]) for h in history] == [(-3, "picklist"), (4, "correction")]


def test_shipment_needs_a_closed_picklist_and_a_provider(app, shop, staff_api):
    order = factories.make_order(shop, process=True)
    picklist = factories.open_picklist(order)
    assert staff_api.post(f"/picklists/{picklist.id}/shipments", json={"provider": "DHL"}).status_code == 409
    staff_api.post(f"/picklists/{picklist.id}/close")
    assert staff_api.post(f"/picklists/{picklist.id}/shipments", json={}).status_code == 400
    typed_url = staff_api.post(f"/picklists/{picklist.id}/shipments", json={"provider": "DHL",
                                                                           "trackingurl": "https://dhl.example/1"})
    assert typed_url.status_code == 400 and "built from the carrier" in typed_url.get_json()["error_message"]
    unknown = staff_api.post(f"/picklists/{picklist.id}/shipments", json={"provider": "Pigeon post",
                                                                         "trackingcode": "P1"})
    assert unknown.status_code == 400 and "PostNL" in unknown.get_json()["error_message"]
    assert staff_api.get(f"/picklists/{picklist.id}/shipments").get_json() == []


def test_cancel_a_picklist_backorders_its_lines(app, shop, staff_api):
    product = factories.make_product(shop, stock_amount=2)
    order = factories.make_order(shop, lines=[(product, 2)], process=True)
    picklist = factories.open_picklist(order)
    response = staff_api.post(f"/picklists/{picklist.id}/cancel")
    assert response.get_json()["status"] == "cancelled"
    assert [b["amount"] for b in staff_api.get(f"/orders/{order.id}/backorders").get_json()] == [2]
    assert Stock.get(Stock.product == product).allocated == 0


def test_backorders_list_get_and_process(app, shop, staff_api):
    product = factories.make_product(shop, stock_amount=2)
    order = factories.make_order(shop, lines=[(product, 2)], process=True)
    assert staff_api.post("/backorders/process").get_json() == {"allocated": 0}
    # A cancelled picklist frees its stock and backorders its lines; processing serves them again.
    staff_api.post(f"/picklists/{factories.open_picklist(order).id}/cancel")
    backorders = staff_api.get("/backorders").get_json()
    assert_list_of(backorders, BACKORDER)
    assert [(b["idorder"], b["idproduct"], b["amount"], b["priority"]) for b in backorders] == \
        [(order.id, product.id, 2, 0)]
    assert staff_api.get(f"/backorders/{backorders[0]['idbackorder']}").get_json() == backorders[0]
    assert staff_api.get(f"/backorders?idproduct={product.id + 1000}").get_json() == []
    assert staff_api.post("/backorders/process").get_json() == {"allocated": 2}
    assert staff_api.get("/backorders").get_json() == []
    assert Picklist.select().where((Picklist.order == order) & (Picklist.status == "new")).count() == 1


def test_delete_a_backorder_cancels_that_part(app, shop, shop_api):
    product = factories.make_product(shop, stock_amount=1)
    order = factories.make_order(shop, lines=[(product, 3)], process=True)
    backorder = Backorder.get(Backorder.order == order)
    assert shop_api.delete(f"/backorders/{backorder.id}").status_code == 204
    assert OrderLine.get(OrderLine.order == order).amount_cancelled == 2
    assert shop_api.get(f"/backorders/{backorder.id}").status_code == 404
    status = shop_api.get(f"/orders/{order.id}/productstatus").get_json()
    assert [(s["cancelled"], s["backorder"], s["allocated"]) for s in status] == [(2, 0, 1)]


def test_stock_history_filters_and_single(app, shop, staff_api):
    first = factories.make_product(shop, stock_amount=3)
    factories.make_product(shop, stock_amount=4)
    history = staff_api.get("/stockhistory").get_json()
    assert [h["new_stock"] for h in history] == [4, 3]  # newest first
    assert [h["idproduct"] for h in staff_api.get(f"/stockhistory?idproduct={first.id}").get_json()] == [first.id]
    one = staff_api.get(f"/stockhistory/{history[0]['idproduct_stock_history']}").get_json()
    assert one == history[0]
    assert one["iduser"] is None and one["old_stock"] == 0 and one["stock_change"] == 4
    assert staff_api.get("/stockhistory?sincedate=2999-01-01").get_json() == []
    assert len(staff_api.get("/stockhistory?untildate=2999-01-01 00:00:00").get_json()) == 2
