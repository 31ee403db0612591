"""After an order is created: change its address or cancel it until it is picked, duplicate any
order into a concept, and edit a concept's lines before submitting it."""

import pytest

from fulfilment.models import Backorder, Order, OrderLine, Picklist, Stock
from fulfilment.services import picking
from tests import factories
from tests.views.portal_forms import PREFIX, line_rows, location_of, snapshot, submit, text_of

NEW_ADDRESS = {"delivery_name": "Pieters", "delivery_address": "Markt 3", "delivery_zipcode": "8011 AA",
               "delivery_city": "Zwolle", "delivery_country": "NL"}
PICKED = "has been picked and can no longer be changed or cancelled"


@pytest.fixture
def mug(app, portal_user):
    return factories.make_product(portal_user.client, product_code="MUG", stock_amount=2)


@pytest.fixture
def open_order(mug):
    """Wants 5 of the 2 in stock: a picklist for 2 (not picked yet) and a backorder for 3."""
    return factories.make_order(mug.client, lines=[(mug, 5)], process=True)


@pytest.fixture
def picked_order(open_order):
    """The same order once the warehouse picked its picklist: still open (3 backordered), but picked."""
    picking.close_picklist(factories.open_picklist(open_order))
    order = Order.get_by_id(open_order.id)
    assert order.status == "processing"
    return order


def test_client_changes_the_address_before_the_pick(app, portal_client, open_order):
    form = text_of(portal_client.get(f"{PREFIX}/orders/{open_order.id}/address"))
    assert 'value="Jansen BV"' in form
    response = submit(portal_client, f"/orders/{open_order.id}/address", NEW_ADDRESS)
    assert location_of(response) == f"{PREFIX}/orders/{open_order.id}"
    order = Order.get_by_id(open_order.id)
    assert (order.delivery_name, order.delivery_city) == ("Pieters", "Zwolle")
    assert Picklist.get(Picklist.order == order).delivery_city == "Zwolle"  # the warehouse ships it there


def test_address_from_the_address_book_and_another_clients_address(app, portal_client, open_order):
    entry = factories.make_address(open_order.client, name="Bakkerij Smit", city="Utrecht")
    theirs = factories.make_address(factories.make_client(), name="Their customer")
    before = snapshot()
    page = text_of(submit(portal_client, f"/orders/{open_order.id}/address", {"address_id": str(theirs.id)}), 400)
    assert "Choose an address from your address book." in page
    assert snapshot() == before
    submit(portal_client, f"/orders/{open_order.id}/address", {"address_id": str(entry.id)})
    assert Order.get_by_id(open_order.id).delivery_name == "Bakkerij Smit"


def test_after_the_pick_the_buttons_are_gone_and_changes_are_refused(app, portal_client, picked_order):
    page = text_of(portal_client.get(f"{PREFIX}/orders/{picked_order.id}"))
    assert "Change address" not in page and "Cancel order" not in page
    assert "can no longer be changed" in page
    assert location_of(portal_client.get(f"{PREFIX}/orders/{picked_order.id}/address")) == \
        f"{PREFIX}/orders/{picked_order.id}"
    assert location_of(portal_client.get(f"{PREFIX}/orders/{picked_order.id}/cancel")) == \
        f"{PREFIX}/orders/{picked_order.id}"
    before = snapshot()
    refused = text_of(submit(portal_client, f"/orders/{picked_order.id}/address", NEW_ADDRESS), 409)
    assert f"Order {picked_order.number} {PICKED}" in refused
    refused = text_of(submit(portal_client, f"/orders/{picked_order.id}/cancel"), 409)
    assert f"Order {picked_order.number} {PICKED}" in refused
    assert snapshot() == before


def test_client_cancels_after_confirming_and_the_stock_is_free_again(app, portal_client, open_order, mug):
    confirm = text_of(portal_client.get(f"{PREFIX}/orders/{open_order.id}/cancel"))
    assert f"Cancel order {open_order.number}?" in confirm and "Yes, cancel the order" in confirm
    assert Order.get_by_id(open_order.id).status == "processing"  # asking changed nothing
    response = submit(portal_client, f"/orders/{open_order.id}/cancel")
    assert location_of(response) == f"{PREFIX}/orders/{open_order.id}"
    assert Order.get_by_id(open_order.id).status == "cancelled"
    assert Stock.get(Stock.product == mug).allocated == 0
    assert not Backorder.select().exists()
    page = text_of(portal_client.get(f"{PREFIX}/orders/{open_order.id}"))
    assert f"Order {open_order.number} has been cancelled." in page and "Cancel order" not in page


def test_another_clients_order_cannot_be_changed(app, portal_client):
    theirs = factories.make_order(factories.make_client(), process=True)
    before = snapshot()
    for path in ("address", "cancel", "duplicate", "submit", "lines"):
        assert submit(portal_client, f"/orders/{theirs.id}/{path}", NEW_ADDRESS).status_code == 404, path
    assert snapshot() == before


def test_a_completed_order_is_duplicated_into_a_concept_reviewed_and_submitted(app, portal_client, portal_user, mug):
    tea = factories.make_product(portal_user.client, product_code="TEA", stock_amount=10)
    completed = factories.make_shipped_order(portal_user.client, lines=[(mug, 1), (tea, 2)])
    assert Order.get_by_id(completed.id).status == "completed"
    response = submit(portal_client, f"/orders/{completed.id}/duplicate")
    copy = Order.select().order_by(Order.id.desc()).get()
    assert location_of(response) == f"{PREFIX}/orders/{copy.id}"
    assert (copy.status, copy.source, copy.delivery_name) == ("concept", "portal", completed.delivery_name)
    page = text_of(portal_client.get(f"{PREFIX}/orders/{copy.id}"))
    assert f"is a copy of {completed.number}" in page and "Submit order" in page and "This order is a concept" in page

    mug_line, tea_line = list(copy.lines.order_by(OrderLine.id))
    assert submit(portal_client, f"/orders/{copy.id}/lines/{mug_line.id}", {"amount": "4"}).status_code == 302
    assert submit(portal_client, f"/orders/{copy.id}/lines/{tea_line.id}/remove").status_code == 302
    extra = factories.make_product(portal_user.client, product_code="CUP", stock_amount=1)
    assert submit(portal_client, f"/orders/{copy.id}/lines", line_rows(("id", extra, 1))).status_code == 302
    assert [(line.product.product_code, line.amount) for line in copy.lines.order_by(OrderLine.id)] == [
        ("MUG", 4), ("CUP", 1)]

    response = submit(portal_client, f"/orders/{copy.id}/submit")
    assert location_of(response) == f"{PREFIX}/orders/{copy.id}"
    assert Order.get_by_id(copy.id).status == "processing"
    page = text_of(portal_client.get(f"{PREFIX}/orders/{copy.id}"))
    # One mug is left after the shipment, and the cup is in stock: 2 reserved, 3 mugs backordered.
    assert "2 units reserved for picking, 3 units backordered" in page
    assert "Submit order" not in page


def test_a_cancelled_order_can_be_duplicated_too(app, portal_client, open_order):
    submit(portal_client, f"/orders/{open_order.id}/cancel")
    assert location_of(submit(portal_client, f"/orders/{open_order.id}/duplicate")).startswith(f"{PREFIX}/orders/")
    assert Order.select().where(Order.status == "concept").count() == 1


def test_concept_lines_refuse_foreign_products_and_bad_amounts(app, portal_client, portal_user, mug):
    concept = factories.make_order(portal_user.client, lines=[(mug, 1)])
    theirs = factories.make_product(factories.make_client(), product_code="THEIRS")
    line = concept.lines.get()
    before = snapshot()
    page = text_of(submit(portal_client, f"/orders/{concept.id}/lines", line_rows(("id", theirs, 1))), 400)
    assert "Unknown product" in page
    page = text_of(submit(portal_client, f"/orders/{concept.id}/lines", line_rows(("THEIRS", 1))), 400)
    assert "Unknown product code THEIRS." in page
    page = text_of(submit(portal_client, f"/orders/{concept.id}/lines/{line.id}", {"amount": "0"}), 400)
    assert "MUG: Number must be between 1" in page
    refused = text_of(submit(portal_client, f"/orders/{concept.id}/lines/{line.id}/remove"), 400)
    assert "An order needs at least one product; cancel the order instead." in refused
    assert snapshot() == before


def test_lines_of_a_processed_order_cannot_change(app, portal_client, open_order):
    line = open_order.lines.get()
    page = text_of(portal_client.get(f"{PREFIX}/orders/{open_order.id}"))
    assert f"/lines/{line.id}" not in page and "Add a product" not in page
    before = snapshot()
    refused = text_of(submit(portal_client, f"/orders/{open_order.id}/lines/{line.id}", {"amount": "1"}), 409)
    assert "its lines can only change while it is a concept" in refused
    assert text_of(submit(portal_client, f"/orders/{open_order.id}/submit"), 409)
    assert snapshot() == before


def test_a_line_of_another_order_is_404(app, portal_client, portal_user, mug):
    concept = factories.make_order(portal_user.client, lines=[(mug, 1)])
    other = factories.make_order(portal_user.client, lines=[(mug, 2)])
    theirs = factories.make_order(factories.make_client())
    for line in (other.lines.get(), theirs.lines.get()):
        assert submit(portal_client, f"/orders/{concept.id}/lines/{line.id}", {"amount": "3"}).status_code == 404
        assert submit(portal_client, f"/orders/{concept.id}/lines/{line.id}/remove").status_code == 404
    assert OrderLine.get_by_id(other.lines.get().id).amount == 2
