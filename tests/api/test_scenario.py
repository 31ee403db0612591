"""A warehouse day through HTTP only: a new client with a portal login, its products, stock, an order that
is partly backordered, a shipment, and a receipt that serves the backorder; the portal shows all of it."""

from tests.conftest import login
from tests.factories import ApiClient, create_key_in_back_office


def test_new_client_order_backorder_receipt_and_shipments(app, staff_api, staff_client):
    # Staff create the client with its portal login through the API.
    customer = staff_api.post("/fulfilment/customers", json={
        "name": "Bloem & Co", "emailaddress": "hallo@bloem.example", "language": "nl", "can_login": True,
        "username": "bloem", "password": "tulpen-in-de-lente", "product_management": True}).get_json()
    portal = app.test_client()
    assert login(portal, "/fulfilmentportal/login", "bloem", "tulpen-in-de-lente").status_code == 302
    assert "Bloem &amp; Co" in portal.get("/fulfilmentportal/settings").get_data(as_text=True)

    # Staff give the client's shop its own key in the back office; the shop works with it from here.
    shop = ApiClient(app.test_client(), create_key_in_back_office(staff_client, "Bloem webshop", _client(customer)))
    vase = shop.post("/products", json={"productcode": "VASE", "name": "Vase", "price": 24.5}).get_json()
    pot = shop.post("/products", json={"productcode": "POT", "name": "Pot", "price": 9}).get_json()
    warehouse = vase["stock"][0]["idwarehouse"]

    # The warehouse counts 3 vases in.
    stock = staff_api.post(f"/products/{vase['idproduct']}/stock/{warehouse}", json={"change": 3, "reason": "Count"})
    assert stock.get_json()["freestock"] == 3

    # The shop sends an order for 5 vases and a pot, and processes it: 3 vases go on a picklist.
    order = shop.post("/orders", json={
        "reference": "BLOEM-1", "deliveryname": "Eva de Vries", "deliveryaddress": "Tuinweg 4",
        "deliveryzipcode": "2011 AA", "deliverycity": "Haarlem", "deliverycountry": "NL",
        "products": [{"productcode": "VASE", "amount": 5}, {"idproduct": pot["idproduct"], "amount": 1}]}).get_json()
    order = shop.post(f"/orders/{order['idorder']}/process").get_json()
    assert order["status"] == "processing"
    assert {(b["idproduct"], b["amount"]) for b in shop.get(f"/orders/{order['idorder']}/backorders").get_json()} == \
        {(vase["idproduct"], 2), (pot["idproduct"], 1)}
    assert order["orderid"] in _page(portal, "/fulfilmentportal/backorders")

    # The warehouse picks and ships the first picklist.
    first_picklist = order["picklists"][0]
    assert shop.post(f"/picklists/{first_picklist}/close").status_code == 403  # staff work
    assert staff_api.post(f"/picklists/{first_picklist}/close").get_json()["status"] == "closed"
    staff_api.post(f"/picklists/{first_picklist}/shipments",
                   json={"provider": "PostNL", "trackingcode": "3SBLOEM1"})

    # The shop orders the missing goods from its supplier; the warehouse receives them.
    purchase_order = shop.post("/purchaseorders", json={"supplier_name": "Keramiek BV", "products": [
        {"idproduct": vase["idproduct"], "amount": 2}, {"idproduct": pot["idproduct"], "amount": 1}]}).get_json()
    shop.post(f"/purchaseorders/{purchase_order['idpurchaseorder']}/mark-as-purchased")
    receipt = staff_api.post("/receipts", json={"idpurchaseorder": purchase_order["idpurchaseorder"]}).get_json()
    staff_api.post(f"/receipts/{receipt['idreceipt']}/products", json={"productcode": "VASE", "amount": 2})
    staff_api.post(f"/receipts/{receipt['idreceipt']}/mark-all-received")  # the pot
    assert staff_api.put(f"/receipts/{receipt['idreceipt']}", json={"status": "completed"}).status_code == 200

    # Each booking served the waiting backorder at once: a picklist each, nothing waiting.
    assert shop.get(f"/orders/{order['idorder']}/backorders").get_json() == []
    assert shop.get(f"/purchaseorders/{purchase_order['idpurchaseorder']}").get_json()["status"] == "received"
    picklists = shop.get(f"/picklists?idorder={order['idorder']}").get_json()
    assert [(p["status"], p["totalproducts"]) for p in picklists] == [("closed", 3), ("new", 2), ("new", 1)]
    status = {s["idproduct"]: s for s in shop.get(f"/orders/{order['idorder']}/productstatus").get_json()}
    assert (status[vase["idproduct"]]["shipped"], status[vase["idproduct"]]["allocated"]) == (3, 2)
    assert (status[pot["idproduct"]]["shipped"], status[pot["idproduct"]]["allocated"]) == (0, 1)

    # Shipping the rest completes the order.
    for number, picklist in enumerate(picklists[1:], start=2):
        staff_api.post(f"/picklists/{picklist['idpicklist']}/close")
        staff_api.post(f"/picklists/{picklist['idpicklist']}/shipments",
                       json={"provider": "PostNL", "trackingcode": f"3SBLOEM{number}"})
    assert shop.get(f"/orders/{order['idorder']}").get_json()["status"] == "completed"
    shipments = [s["trackingcode"] for p in picklists for s in shop.get(f"/picklists/{p['idpicklist']}/shipments")
                 .get_json()]
    assert shipments == ["3SBLOEM1", "3SBLOEM2", "3SBLOEM3"]
    assert [s["stock"] for s in shop.get(f"/products/{vase['idproduct']}/stock").get_json()] == [0]
    history = shop.get(f"/stockhistory?idproduct={vase['idproduct']}").get_json()
    assert [(h["change_type"], h["stock_change"]) for h in reversed(history)] == [
        ("api", 3), ("picklist", -3), ("receipt", 2), ("picklist", -2)]

    # The client sees the same in the portal.
    order_page = _page(portal, f"/fulfilmentportal/orders/{order['idorder']}")
    assert all(text in order_page for text in (order["orderid"], "BLOEM-1", "VASE", "3SBLOEM1", "3SBLOEM3"))
    shipments_page = _page(portal, "/fulfilmentportal/shipments")
    assert all(picklist["picklistid"] in shipments_page for picklist in picklists)
    assert "VASE" in _page(portal, "/fulfilmentportal/products")
    assert purchase_order["purchaseorderid"] in _page(portal, "/fulfilmentportal/purchase-orders")
    assert order["orderid"] not in _page(portal, "/fulfilmentportal/backorders")


def _page(portal, path):
    response = portal.get(path)
    assert response.status_code == 200, path
    return response.get_data(as_text=True)


def _client(customer):
    from fulfilment.models import Client

    return Client.get_by_id(customer["idfulfilment_customer"])
