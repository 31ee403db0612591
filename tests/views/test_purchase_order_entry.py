"""Purchase orders a client creates, changes and cancels: only while no receipt is registered, and
every posted line or product id found through the client's own scope."""

import datetime

import pytest

from fulfilment.models import PurchaseOrder, PurchaseOrderLine
from fulfilment.services import purchasing
from tests import factories
from tests.views.portal_forms import PREFIX, line_rows, location_of, snapshot, submit, text_of

HEADER = {"supplier_name": "Koffiebranderij Zuid", "supplier_orderid": "KZ-2026-14", "delivery_date": "2026-09-30",
          "remarks": "Two pallets"}


@pytest.fixture
def products(app, portal_user):
    client = portal_user.client
    return {code: factories.make_product(client, product_code=code) for code in ("BEANS", "MUG", "CUP")}


@pytest.fixture
def purchase_order(products):
    return factories.make_purchase_order(products["BEANS"].client,
                                         lines=[(products["BEANS"], 10), (products["MUG"], 5)])


def lines_of(purchase_order):
    return [(line.product.product_code, line.amount) for line in
            PurchaseOrderLine.select().where(PurchaseOrderLine.purchase_order == purchase_order)
            .order_by(PurchaseOrderLine.id)]


def existing_rows(*rows):
    """Form data for the lines already on a purchase order: (line or id, amount, remove)."""
    data = {}
    for index, (line, amount, remove) in enumerate(rows):
        data[f"existing-{index}-line_id"] = str(getattr(line, "id", line))
        data[f"existing-{index}-amount"] = str(amount)
        if remove:
            data[f"existing-{index}-remove"] = "y"
    return data


def test_client_creates_a_purchase_order(app, portal_client, portal_user, products):
    assert 'name="supplier_name"' in text_of(portal_client.get(f"{PREFIX}/purchase-orders/new"))
    response = submit(portal_client, "/purchase-orders/new", {
        **HEADER, "purchased": "y", **line_rows(("BEANS", 120), ("id", products["MUG"], 48)),
    })
    purchase_order = PurchaseOrder.get()
    assert location_of(response) == f"{PREFIX}/purchase-orders/{purchase_order.id}"
    assert (purchase_order.client_id, purchase_order.status, purchase_order.supplier_name,
            purchase_order.supplier_orderid, purchase_order.delivery_date) == (
        portal_user.client_id, "purchased", "Koffiebranderij Zuid", "KZ-2026-14", datetime.date(2026, 9, 30))
    assert lines_of(purchase_order) == [("BEANS", 120), ("MUG", 48)]
    page = text_of(portal_client.get(location_of(response)))
    assert f"Purchase order {purchase_order.number} has been created" in page and "Cancel purchase order" in page


def test_a_purchase_order_without_supplier_or_lines_is_refused(app, portal_client, products):
    before = snapshot()
    page = text_of(submit(portal_client, "/purchase-orders/new", {"supplier_name": "", **line_rows(("BEANS", 1))}),
                   400)
    assert "This field is required." in page
    page = text_of(submit(portal_client, "/purchase-orders/new", {"supplier_name": "Zuid"}), 400)
    assert "A purchase order needs at least one product." in page
    assert snapshot() == before


def test_another_clients_product_is_an_error_and_nothing_is_created(app, portal_client, products):
    theirs = factories.make_product(factories.make_client(), product_code="THEIRS")
    before = snapshot()
    for row in [("id", theirs, 5), ("THEIRS", 5), ("id", 999999, 5)]:
        page = text_of(submit(portal_client, "/purchase-orders/new", {**HEADER, **line_rows(("BEANS", 1), row)}), 400)
        assert "Unknown product" in page
    assert snapshot() == before


def test_client_changes_lines_and_amounts(app, portal_client, purchase_order, products):
    beans, mug = list(purchase_order.lines.order_by(PurchaseOrderLine.id))
    form = text_of(portal_client.get(f"{PREFIX}/purchase-orders/{purchase_order.id}/edit"))
    assert f'value="{beans.id}"' in form and 'value="Acme"' in form
    response = submit(portal_client, f"/purchase-orders/{purchase_order.id}/edit", {
        **HEADER, **existing_rows((beans, 25, False), (mug, 5, True)), **line_rows(("CUP", 12)),
    })
    assert location_of(response) == f"{PREFIX}/purchase-orders/{purchase_order.id}"
    assert lines_of(purchase_order) == [("BEANS", 25), ("CUP", 12)]
    assert PurchaseOrder.get_by_id(purchase_order.id).supplier_name == "Koffiebranderij Zuid"


def test_another_purchase_orders_or_clients_line_is_an_error_and_changes_nothing(app, portal_client, purchase_order,
                                                                                 products):
    beans = purchase_order.lines.order_by(PurchaseOrderLine.id).first()
    own_other = factories.make_purchase_order(products["CUP"].client, lines=[(products["CUP"], 3)]).lines.get()
    theirs = factories.make_purchase_order(factories.make_client()).lines.get()
    before = snapshot()
    for foreign in (own_other, theirs, 999999, "x"):
        page = text_of(submit(portal_client, f"/purchase-orders/{purchase_order.id}/edit", {
            **HEADER, **existing_rows((beans, 10, False), (foreign, 99, False)),
        }), 400)
        assert "This line is not on this purchase order" in page
    assert snapshot() == before


def test_removing_every_line_is_refused(app, portal_client, purchase_order):
    beans, mug = list(purchase_order.lines.order_by(PurchaseOrderLine.id))
    before = snapshot()
    page = text_of(submit(portal_client, f"/purchase-orders/{purchase_order.id}/edit", {
        **HEADER, **existing_rows((beans, 10, True), (mug, 5, True)),
    }), 400)
    assert "needs at least one product; cancel it instead" in page
    assert snapshot() == before


def test_client_cancels_after_confirming(app, portal_client, purchase_order):
    confirm = text_of(portal_client.get(f"{PREFIX}/purchase-orders/{purchase_order.id}/cancel"))
    assert "Yes, cancel the purchase order" in confirm
    response = submit(portal_client, f"/purchase-orders/{purchase_order.id}/cancel")
    assert location_of(response) == f"{PREFIX}/purchase-orders/{purchase_order.id}"
    assert PurchaseOrder.get_by_id(purchase_order.id).status == "cancelled"
    page = text_of(portal_client.get(location_of(response)))
    assert "has been cancelled" in page and "Cancel purchase order" not in page


def test_after_a_receipt_the_buttons_are_gone_and_changes_are_refused(app, portal_client, purchase_order):
    beans, mug = list(purchase_order.lines.order_by(PurchaseOrderLine.id))
    purchasing.register_receipt(purchase_order, {beans.id: 4})
    page = text_of(portal_client.get(f"{PREFIX}/purchase-orders/{purchase_order.id}"))
    assert "Cancel purchase order" not in page and "/edit" not in page
    assert "A receipt has been registered" in page
    for path in ("edit", "cancel"):
        assert location_of(portal_client.get(f"{PREFIX}/purchase-orders/{purchase_order.id}/{path}")) == \
            f"{PREFIX}/purchase-orders/{purchase_order.id}"
    before = snapshot()
    refused = text_of(submit(portal_client, f"/purchase-orders/{purchase_order.id}/edit", {
        **HEADER, **existing_rows((beans, 99, False), (mug, 5, False)),
    }), 409)
    assert f"A receipt has been registered for {purchase_order.number}" in refused
    refused = text_of(submit(portal_client, f"/purchase-orders/{purchase_order.id}/cancel"), 409)
    assert f"A receipt has been registered for {purchase_order.number}" in refused
    assert snapshot() == before


def test_another_clients_purchase_order_is_404(app, portal_client):
    theirs = factories.make_purchase_order(factories.make_client())
    before = snapshot()
    for path in ("edit", "cancel"):
        assert portal_client.get(f"{PREFIX}/purchase-orders/{theirs.id}/{path}").status_code == 404
        assert submit(portal_client, f"/purchase-orders/{theirs.id}/{path}", HEADER).status_code == 404
    assert snapshot() == before
