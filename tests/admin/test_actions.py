"""Back-office actions call the services and show a refusal's message."""

from fulfilment.models import (
    Backorder,
    Carrier,
    Order,
    Picklist,
    PurchaseOrder,
    Return,
    Shipment,
    Stock,
    StockMutation,
)
from fulfilment.services import carriers, picking
from tests import factories


def test_staff_creates_and_processes_an_order_from_product_codes(staff_client):
    client = factories.make_client(name="Koffie BV")
    factories.make_product(client, product_code="BEANS", stock_amount=2)
    response = factories.admin_post(staff_client, "/admin/order/new/", "/admin/order/new/", {
        "client": client.id, "reference": "PHONE-1", "delivery_name": "Ann", "delivery_address": "Street 1",
        "delivery_zipcode": "1000 AA", "delivery_city": "Amsterdam", "delivery_country": "nl",
        "lines": "BEANS, 5", "process_now": "y",
    })
    assert response.status_code == 200
    order = Order.get(Order.reference == "PHONE-1")
    assert (order.status, order.source, order.delivery_country) == ("processing", "staff", "NL")
    assert Backorder.get(Backorder.order == order).amount == 3


def test_order_form_with_an_unknown_product_code_creates_nothing(staff_client):
    client = factories.make_client()
    response = factories.admin_post(staff_client, "/admin/order/new/", "/admin/order/new/", {
        "client": client.id, "delivery_name": "Ann", "delivery_address": "Street 1", "delivery_zipcode": "1000",
        "delivery_city": "Amsterdam", "delivery_country": "NL", "lines": "NOPE, 1",
    })
    assert "Unknown product code" in response.get_data(as_text=True)
    assert Order.select().count() == 0


def test_process_then_cancel_an_order(staff_client):
    order = factories.make_order()
    factories.admin_action(staff_client, "order", "process", order.id)
    assert Order.get_by_id(order.id).status == "processing"
    response = factories.admin_action(staff_client, "order", "cancel", order.id)
    assert "Order cancelled" in response.get_data(as_text=True)
    assert Order.get_by_id(order.id).status == "cancelled"
    assert Stock.select().where(Stock.allocated > 0).count() == 0


def test_cancelling_a_picked_order_shows_the_reason_and_changes_nothing(staff_client):
    order = factories.make_shipped_order()
    ledger = StockMutation.select().count()
    response = factories.admin_action(staff_client, "order", "cancel", order.id)
    assert "has been picked" in response.get_data(as_text=True)
    assert Order.get_by_id(order.id).status == "completed"
    assert StockMutation.select().count() == ledger


def test_pick_and_ship_a_picklist_with_a_short_pick(staff_client):
    client = factories.make_client()
    product = factories.make_product(client, stock_amount=5)
    order = factories.make_order(client, lines=[(product, 3)], process=True)
    picklist = factories.open_picklist(order)
    line = picking.picklist_lines(picklist)[0]
    page = f"/admin/picklist/close/{picklist.id}"
    dhl = Carrier.get(Carrier.name == "DHL")
    response = factories.admin_post(staff_client, page, page, {
        f"picked_{line.id}": 2, "carrier": dhl.id, "tracking_code": "JJD01",
    })
    assert "picked and shipped" in response.get_data(as_text=True)
    assert Picklist.get_by_id(picklist.id).status == "closed"
    shipment = Shipment.get(Shipment.picklist == picklist)
    assert (shipment.carrier, shipment.tracking_code) == ("DHL", "JJD01")
    assert shipment.tracking_url == carriers.tracking_url(dhl, "JJD01")  # built, not typed
    assert Backorder.get(Backorder.order == order).amount == 1
    assert Stock.get(Stock.product == product).stock == 2  # 2 shipped, 1 written off as not found


def test_register_a_receipt_from_the_purchase_order_page(staff_client):
    purchase_order = factories.make_purchase_order(lines=[(factories.make_product(), 10)])
    line = purchase_order.lines.get()
    page = f"/admin/purchaseorder/receive/{purchase_order.id}"
    response = factories.admin_post(staff_client, page, page, {f"received_{line.id}": 4})
    assert "Receipt" in response.get_data(as_text=True)
    assert Stock.get(Stock.product == line.product).stock == 4
    assert PurchaseOrder.get_by_id(purchase_order.id).status == "purchased"


def test_cancelling_a_purchase_order_with_a_receipt_is_refused(staff_client):
    purchase_order = factories.make_purchase_order()
    factories.receive_everything(purchase_order)
    response = factories.admin_action(staff_client, "purchaseorder", "cancel", purchase_order.id)
    assert "receipt has been registered" in response.get_data(as_text=True)
    assert PurchaseOrder.get_by_id(purchase_order.id).status == "received"


def test_change_a_return_status_with_a_message(staff_client):
    ret = factories.make_return()
    completed = factories.return_status("completed")
    page = f"/admin/return/status/{ret.id}"
    factories.admin_post(staff_client, page, page, {"status": completed.id, "message": "Refunded"})
    ret = Return.get_by_id(ret.id)
    assert ret.status_id == completed.id
    assert [log.message for log in ret.logs] == ["Return registered", "Refunded"]


def test_stock_correction_needs_a_reason_and_is_written_to_the_ledger(staff_client):
    product = factories.make_product(stock_amount=3)
    level = Stock.get(Stock.product == product)
    page = f"/admin/stock/correct/{level.id}"
    factories.admin_post(staff_client, page, page, {"mode": "change", "amount": 2, "reason": ""})
    assert Stock.get_by_id(level.id).stock == 3
    factories.admin_post(staff_client, page, page, {"mode": "set", "amount": 10, "reason": "Cycle count"})
    assert Stock.get_by_id(level.id).stock == 10
    last = StockMutation.select().order_by(StockMutation.id.desc()).first()
    assert (last.change, last.reason, last.actor) == (7, "Cycle count", "staff staff")


def test_stock_correction_below_allocated_is_refused_with_the_reason(staff_client):
    client = factories.make_client()
    product = factories.make_product(client, stock_amount=3)
    factories.make_order(client, lines=[(product, 3)], process=True)
    level = Stock.get(Stock.product == product)
    page = f"/admin/stock/correct/{level.id}"
    response = factories.admin_post(staff_client, page, page, {"mode": "change", "amount": -1, "reason": "Damaged"})
    assert "allocated" in response.get_data(as_text=True)
    assert Stock.get_by_id(level.id).stock == 3


def test_staff_creates_a_client_with_a_portal_login(staff_client):
    from fulfilment.models import Client, PortalUser

    factories.admin_post(staff_client, "/admin/client/new/", "/admin/client/new/", {
        "name": "Nieuwe Klant", "email": "info@klant.example", "language": "nl", "active": "y",
        "portal_access": "y", "product_management": "y", "login_username": "klant",
        "login_password": "long-password-123",
    })
    client = Client.get(Client.name == "Nieuwe Klant")
    user = PortalUser.get(PortalUser.client == client)
    assert user.username == "klant"
    assert user.password_hash != "long-password-123" and user.password_hash.startswith("scrypt")
    assert client.portal_access and client.product_management


def test_client_form_never_shows_the_password_hash(staff_client):
    client = factories.make_client()
    user = factories.make_portal_user(client, username="shown")
    page = staff_client.get(f"/admin/client/edit/?id={client.id}").get_data(as_text=True)
    assert 'value="shown"' in page
    assert user.password_hash not in page
