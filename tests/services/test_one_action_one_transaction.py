"""One user action is one service call in one transaction: when a later step refuses, nothing stays behind."""

import pytest

from fulfilment.models import AddressBookEntry, Backorder, Order, OrderEvent, Picklist, PurchaseOrder, Stock
from fulfilment.services import orders, purchasing
from fulfilment.services.errors import DomainError, ValidationFailed, WrongStatus
from tests import factories
from tests.conftest import csrf_token

ADDRESS = {"delivery_name": "Ann", "delivery_address": "Street 1", "delivery_zipcode": "1000 AA",
           "delivery_city": "Amsterdam", "delivery_country": "NL"}
TOO_LONG = "9" * 300


def _nothing_ordered():
    return (Order.select().count(), OrderEvent.select().count(), Picklist.select().count(),
            Backorder.select().count(), Stock.select().where(Stock.allocated > 0).count()) == (0, 0, 0, 0, 0)


def test_placing_an_order_saves_its_address_in_the_address_book(app):
    client = factories.make_client()
    product = factories.make_product(client, stock_amount=5)
    order = orders.place_order(client, [(product, 2)], source="portal", fields=ADDRESS,
                               save_to_address_book={"email": "ann@example.com", "telephone": ""})
    assert order.status == "processing"
    entry = AddressBookEntry.get(AddressBookEntry.client == client)
    assert (entry.name, entry.city, entry.email) == ("Ann", "Amsterdam", "ann@example.com")


def test_an_address_the_book_refuses_leaves_no_order_and_no_reserved_stock(app):
    client = factories.make_client()
    product = factories.make_product(client, stock_amount=5)
    with pytest.raises(ValidationFailed):
        orders.place_order(client, [(product, 2)], source="portal", fields=ADDRESS,
                           save_to_address_book={"telephone": TOO_LONG})
    assert _nothing_ordered()
    assert AddressBookEntry.select().count() == 0


def test_a_changed_address_the_book_refuses_leaves_the_order_as_it_was(app):
    client = factories.make_client()
    order = factories.make_order(client, lines=[(factories.make_product(client), 1)])
    before = Order.get_by_id(order.id).delivery_name
    events = OrderEvent.select().count()
    with pytest.raises(ValidationFailed):
        orders.change_delivery_address(order, {**ADDRESS, "delivery_name": "Bob"},
                                       save_to_address_book={"telephone": TOO_LONG})
    assert Order.get_by_id(order.id).delivery_name == before != "Bob"
    assert OrderEvent.select().count() == events
    assert AddressBookEntry.select().count() == 0


def test_a_purchase_order_is_created_purchased_in_one_step(app):
    client = factories.make_client()
    purchase_order = purchasing.create_purchase_order(client, [(factories.make_product(client), 3)],
                                                      purchased=True, supplier_name="Beans Ltd")
    assert PurchaseOrder.get_by_id(purchase_order.id).status == "purchased"


def test_a_refused_mark_as_purchased_leaves_no_purchase_order(app, monkeypatch):
    client = factories.make_client()

    def refuse(purchase_order, actor=None):
        raise WrongStatus("The supplier is blocked.")

    monkeypatch.setattr(purchasing, "mark_purchased", refuse)
    with pytest.raises(WrongStatus):
        purchasing.create_purchase_order(client, [(factories.make_product(client), 3)], purchased=True,
                                         supplier_name="Beans Ltd")
    assert PurchaseOrder.select().count() == 0


def test_staff_create_and_process_refused_by_processing_creates_no_order(staff_client, monkeypatch):
    client = factories.make_client()
    factories.make_product(client, product_code="BEANS", stock_amount=2)

    def refuse(order, actor=None):
        raise DomainError("The warehouse is closed today.")

    monkeypatch.setattr(orders, "process_order", refuse)
    data = {"client": client.id, "reference": "PHONE-1", **ADDRESS, "lines": "BEANS, 5", "process_now": "y",
            "csrf_token": csrf_token(staff_client, "/admin/order/new/")}
    response = staff_client.post("/admin/order/new/", data=data, follow_redirects=True)
    assert "The warehouse is closed today." in response.get_data(as_text=True)
    assert _nothing_ordered()
