"""Each business rule is asked of its service, so the back office, the portal and the API answer alike.

Per rule: the service's predicate says no, the back office hides its button and refuses the
action, the portal hides its button and refuses the post, the API refuses the call, and nothing
changed in the database.
"""

import pytest

from fulfilment.models import Order, Product, PurchaseOrder
from fulfilment.services import catalog, orders, picking, purchasing, returns
from fulfilment.services.errors import ProductManagementDisabled, UnknownProduct, ValidationFailed
from fulfilment.services.quantities import MAX_AMOUNT
from tests import factories
from tests.conftest import csrf_token, portal_login
from tests.factories import api_client_for
from tests.views.portal_forms import PREFIX, line_rows, submit
from tests.views.portal_forms import snapshot as every_row

# Logins and keys note when they were last used; that is not a change the refused action made.
BOOKKEEPING = {"ApiKey", "StaffUser", "PortalUser"}


def snapshot():
    return {table: rows for table, rows in every_row().items() if table not in BOOKKEEPING}


@pytest.fixture
def client_company(app):
    return factories.make_client(name="Koffie BV", product_management=True)


@pytest.fixture
def portal(app, client_company):
    return portal_login(app, factories.make_portal_user(client_company))


@pytest.fixture
def api(app, client_company):
    return api_client_for(app, client=client_company)


def _admin_details(staff_client, view, record_id):
    return staff_client.get(f"/admin/{view}/details/?id={record_id}").get_data(as_text=True)


def _admin_action(staff_client, view, action, record_id):
    token = csrf_token(staff_client, f"/admin/{view}/details/?id={record_id}")
    return staff_client.post(f"/admin/{view}/do/{action}/{record_id}", data={"csrf_token": token},
                             follow_redirects=True).get_data(as_text=True)


@pytest.fixture
def picked_order(client_company):
    """Processing, with 2 of 5 units picked and shipped and 3 backordered: open, but picked."""
    mug = factories.make_product(client_company, product_code="MUG", stock_amount=2)
    order = factories.make_order(client_company, lines=[(mug, 5)], process=True)
    picking.close_picklist(factories.open_picklist(order))
    order = Order.get_by_id(order.id)
    assert order.status == "processing"
    return order


def test_a_picked_order_cannot_be_cancelled_anywhere(staff_client, portal, api, picked_order):
    assert not orders.can_cancel(picked_order) and not orders.can_change_address(picked_order)
    before = snapshot()
    details = _admin_details(staff_client, "order", picked_order.id)
    # The back office shows Cancel disabled with the rule's reason, never as a button that posts.
    assert "Pause" in details and f"/admin/order/do/cancel/{picked_order.id}" not in details
    assert "has been picked and can no longer be changed or cancelled" in details
    assert "has been picked" in _admin_action(staff_client, "order", "cancel", picked_order.id)
    page = portal.get(f"{PREFIX}/orders/{picked_order.id}").get_data(as_text=True)
    assert "Cancel order" not in page and "Change address" not in page
    assert submit(portal, f"/orders/{picked_order.id}/cancel").status_code == 409
    response = api.delete(f"/orders/{picked_order.id}")
    assert response.status_code >= 400 and "has been picked" in response.get_json()["error_message"]
    assert snapshot() == before


def test_an_open_order_is_cancelled_from_the_button_everywhere_offers(staff_client, portal, client_company):
    order = factories.make_order(client_company, process=True)
    assert orders.can_cancel(order)
    assert "Cancel order" in _admin_details(staff_client, "order", order.id)
    assert "Cancel order" in portal.get(f"{PREFIX}/orders/{order.id}").get_data(as_text=True)


def test_a_processed_orders_lines_cannot_change_anywhere(staff_client, portal, api, picked_order):
    assert not orders.can_change_lines(picked_order) and not orders.can_process(picked_order)
    mug = Product.get(Product.product_code == "MUG")
    before = snapshot()
    assert ">Process<" not in _admin_details(staff_client, "order", picked_order.id)
    assert "is processing" in _admin_action(staff_client, "order", "process", picked_order.id)
    page = portal.get(f"{PREFIX}/orders/{picked_order.id}").get_data(as_text=True)
    assert "Add to the order" not in page
    assert submit(portal, f"/orders/{picked_order.id}/lines", line_rows(("id", mug, 1))).status_code == 409
    response = api.post(f"/orders/{picked_order.id}/products", json={"idproduct": mug.id, "amount": 1})
    assert response.status_code >= 400
    assert snapshot() == before


@pytest.fixture
def received_purchase_order(client_company):
    """Purchased, with 1 of 10 units received: still open, but a receipt exists."""
    beans = factories.make_product(client_company, product_code="BEANS")
    purchase_order = factories.make_purchase_order(client_company, lines=[(beans, 10)])
    purchasing.register_receipt(purchase_order, {purchase_order.lines[0].id: 1})
    purchase_order = PurchaseOrder.get_by_id(purchase_order.id)
    assert purchase_order.status == "purchased"
    return purchase_order


def test_a_purchase_order_with_a_receipt_cannot_be_cancelled_anywhere(staff_client, portal, api,
                                                                       received_purchase_order):
    purchase_order = received_purchase_order
    assert not purchasing.can_cancel(purchase_order) and purchasing.can_receive(purchase_order)
    before = snapshot()
    details = _admin_details(staff_client, "purchaseorder", purchase_order.id)
    assert "Register receipt" in details and f"/admin/purchaseorder/do/cancel/{purchase_order.id}" not in details
    assert "A receipt has been registered on this purchase order; it can no longer be cancelled." in details
    assert "can no longer be changed" in _admin_action(staff_client, "purchaseorder", "cancel", purchase_order.id)
    page = portal.get(f"{PREFIX}/purchase-orders/{purchase_order.id}").get_data(as_text=True)
    assert "Cancel purchase order" not in page
    assert submit(portal, f"/purchase-orders/{purchase_order.id}/cancel").status_code == 409
    assert api.post(f"/purchaseorders/{purchase_order.id}/cancel").status_code >= 400
    assert snapshot() == before


def test_an_open_purchase_order_offers_cancel_in_the_back_office_and_the_portal(staff_client, portal,
                                                                                client_company):
    purchase_order = factories.make_purchase_order(client_company)
    assert purchasing.can_cancel(purchase_order)
    assert "Cancel purchase order" in _admin_details(staff_client, "purchaseorder", purchase_order.id)
    assert "Cancel purchase order" in portal.get(f"{PREFIX}/purchase-orders/{purchase_order.id}").get_data(
        as_text=True)


def test_without_product_management_the_client_changes_no_product_anywhere(app, staff_client):
    managed = factories.make_client(name="Managed BV", product_management=False)
    user = factories.make_portal_user(managed)
    portal = portal_login(app, user)
    api = api_client_for(app, client=managed)
    product = factories.make_product(managed, product_code="KEEP", name="Kept")
    assert not catalog.may_manage_products(managed, user)
    assert catalog.may_manage_products(managed, factories.make_staff_user())
    before = snapshot()
    assert "Add a product" not in portal.get(f"{PREFIX}/products").get_data(as_text=True)
    assert submit(portal, "/products/new", {"product_code": "NEW", "name": "New"}).status_code == 403
    assert api.post("/products", json={"productcode": "NEW", "name": "New", "price": 1}).status_code == 403
    assert api.put(f"/products/{product.id}", json={"name": "Changed"}).status_code == 403
    with pytest.raises(ProductManagementDisabled):
        catalog.create_product(managed, "NEW", "New", actor=user)
    with pytest.raises(ProductManagementDisabled):
        catalog.update_product(product, name="Changed", actor=user)
    assert snapshot() == before
    # The warehouse manages them: staff may.
    catalog.update_product(product, name="Changed by staff", actor=factories.make_staff_user())
    assert Product.get_by_id(product.id).name == "Changed by staff"


def test_one_maximum_amount_for_orders_purchase_orders_and_returns(portal, api, client_company):
    mug = factories.make_product(client_company, product_code="MUG", stock_amount=5)
    too_many = MAX_AMOUNT + 1
    before = snapshot()
    for make in (
        lambda: orders.create_order(client_company, [(mug, too_many)], source="staff", fields=factories.ADDRESS),
        lambda: purchasing.create_purchase_order(client_company, [(mug, too_many)], supplier_name="Acme"),
        lambda: returns.create_return(client_company, [(mug, too_many, "Broken")], name="Ann"),
    ):
        with pytest.raises(ValidationFailed, match=f"{MAX_AMOUNT:,}"):
            make()
    response = submit(portal, "/purchase-orders/new", {"supplier_name": "Acme", **line_rows((mug, too_many))})
    assert response.status_code in (400, 409, 422)
    response = api.post("/purchaseorders", json={"supplier_name": "Acme",
                                                 "products": [{"idproduct": mug.id, "amount": too_many}]})
    assert response.status_code == 400
    assert snapshot() == before
    assert returns.create_return(client_company, [(mug, MAX_AMOUNT, "Broken")], name="Ann")


def test_goods_of_an_inactive_product_may_come_back_but_not_be_ordered(client_company):
    old = factories.make_product(client_company, product_code="OLD")
    catalog.update_product(old, active=False)
    with pytest.raises(UnknownProduct, match="inactive"):
        orders.create_order(client_company, [(old, 1)], source="staff", fields=factories.ADDRESS)
    with pytest.raises(UnknownProduct, match="inactive"):
        purchasing.create_purchase_order(client_company, [(old, 1)], supplier_name="Acme")
    assert returns.create_return(client_company, [(old, 1, "Broken")], name="Ann")


def test_per_line_progress_is_the_same_on_the_portal_and_in_the_api(portal, api, picked_order):
    (progress,) = orders.line_progress(picked_order)
    assert (progress["allocated"], progress["backordered"], progress["picked"], progress["shipped"]) == (0, 3, 2, 0)
    (status,) = api.get(f"/orders/{picked_order.id}/productstatus").get_json()
    assert (status["allocated"], status["backorder"], status["picked"], status["shipped"]) == (0, 3, 2, 0)
    page = portal.get(f"{PREFIX}/orders/{picked_order.id}").get_data(as_text=True)
    assert ">Backordered</th>" in page and '<td class="text-right">3</td>' in page
