"""Picking and shipping: closing a picklist writes the ledger, releases allocation and ships."""

import pytest

from fulfilment.models import Backorder, Order, Picklist, PicklistLine, Shipment, StockMutation
from fulfilment.services import orders, picking
from fulfilment.services.errors import ValidationFailed, WrongStatus
from tests import factories
from tests.services.invariants import all_problems, table_contents

POSTNL = {"carrier": "PostNL", "tracking_code": "3SABC123", "tracking_url": "https://postnl.example/3SABC123"}


def test_closing_a_picklist_writes_the_ledger_releases_allocation_ships_and_completes(app):
    staff = factories.make_staff_user(username="bob")
    client = factories.make_client()
    shoes, socks = factories.make_product(client, stock_amount=5), factories.make_product(client, stock_amount=5)
    order = factories.make_order(client, lines=[(shoes, 2), (socks, 3)], process=True)
    picklist = factories.open_picklist(order)

    picking.close_picklist(picklist, actor=staff, shipments=[POSTNL, {"carrier": "DHL", "tracking_code": "JD1"}])

    mutations = list(StockMutation.select().where(StockMutation.picklist == picklist).order_by(StockMutation.id))
    assert [(m.product_id, m.old_stock, m.change, m.new_stock, m.change_type, m.actor) for m in mutations] == [
        (shoes.id, 5, -2, 3, "picklist", "staff bob"), (socks.id, 5, -3, 2, "picklist", "staff bob")]
    assert (factories.stock_levels(shoes), factories.stock_levels(socks)) == ((3, 0), (2, 0))
    picklist = Picklist.get_by_id(picklist.id)
    assert (picklist.status, picklist.closed_by) == ("closed", "staff bob") and picklist.closed_at is not None
    assert [line.amount_picked for line in picking.picklist_lines(picklist)] == [2, 3]
    shipments = list(Shipment.select().where(Shipment.order == order).order_by(Shipment.id))
    assert [(s.carrier, s.tracking_code, s.tracking_url, s.client_id) for s in shipments] == [
        ("PostNL", "3SABC123", "https://postnl.example/3SABC123", client.id), ("DHL", "JD1", "", client.id)]
    order = Order.get_by_id(order.id)
    assert order.status == "completed" and order.completed_at is not None
    assert all_problems() == []


def test_order_is_not_completed_while_a_backorder_waits(app):
    client = factories.make_client()
    product = factories.make_product(client, stock_amount=1)
    order = factories.make_order(client, lines=[(product, 2)], process=True)

    picking.close_picklist(factories.open_picklist(order), shipments=[POSTNL])

    assert Order.get_by_id(order.id).status == "processing"
    assert Backorder.get(Backorder.order == order).amount == 1
    assert all_problems() == []


def test_short_pick_writes_off_the_missing_units_and_backorders_them(app):
    client = factories.make_client()
    product = factories.make_product(client, stock_amount=5)
    order = factories.make_order(client, lines=[(product, 3)], process=True)
    picklist = factories.open_picklist(order)
    line = PicklistLine.get(PicklistLine.picklist == picklist)

    picking.close_picklist(picklist, picked={line.id: 1}, shipments=[POSTNL])

    changes = [(m.change, m.change_type, m.picklist_id) for m in StockMutation.select().order_by(StockMutation.id)]
    assert changes[1:] == [(-1, "picklist", picklist.id), (-2, "correction", picklist.id)]
    assert factories.stock_levels(product) == (2, 0)
    assert PicklistLine.get_by_id(line.id).amount_picked == 1
    backorder = Backorder.get(Backorder.order == order)
    assert (backorder.amount, backorder.order_line_id, backorder.client_id) == (2, line.order_line_id, client.id)
    assert Order.get_by_id(order.id).status == "processing"
    assert all_problems() == []


def test_a_short_picked_backorder_is_served_by_the_next_receipt(app):
    client = factories.make_client()
    product = factories.make_product(client, stock_amount=3)
    order = factories.make_order(client, lines=[(product, 3)], process=True)
    picklist = factories.open_picklist(order)
    picking.close_picklist(picklist, picked={PicklistLine.get(PicklistLine.picklist == picklist).id: 0})

    factories.receive_everything(factories.make_purchase_order(client, lines=[(product, 3)]))
    picking.close_picklist(factories.open_picklist(order))

    assert Order.get_by_id(order.id).status == "completed"
    assert factories.stock_levels(product) == (0, 0)
    assert all_problems() == []


@pytest.mark.parametrize("picked", [{"line": 4}, {"line": -1}, {"line": 1.0}, {"other": 1}])
def test_picked_amounts_must_fit_the_picklist(app, picked):
    client = factories.make_client()
    order = factories.make_order(client, lines=[(factories.make_product(client, stock_amount=5), 3)], process=True)
    other = factories.make_order(client, lines=[(factories.make_product(client, stock_amount=5), 3)], process=True)
    picklist = factories.open_picklist(order)
    line_ids = {"line": PicklistLine.get(PicklistLine.picklist == picklist).id,
                "other": PicklistLine.get(PicklistLine.picklist == factories.open_picklist(other)).id}
    before = table_contents()

    with pytest.raises(ValidationFailed):
        picking.close_picklist(picklist, picked={line_ids[key]: amount for key, amount in picked.items()})

    assert table_contents() == before


@pytest.mark.parametrize("shipment", [{"carrier": ""}, {"carrier": "PostNL", "tracking_url": "javascript:alert(1)"}])
def test_an_invalid_shipment_leaves_the_picklist_unpicked(app, shipment):
    order = factories.make_order(process=True)
    before = table_contents()

    with pytest.raises(ValidationFailed):
        picking.close_picklist(factories.open_picklist(order), shipments=[POSTNL, shipment])

    assert table_contents() == before


@pytest.mark.parametrize("state", ["closed", "cancelled picklist", "cancelled order"])
def test_only_new_picklists_of_open_orders_can_be_closed(app, state):
    order = factories.make_order(process=True)
    picklist = factories.open_picklist(order)
    if state == "closed":
        picking.close_picklist(picklist)
    elif state == "cancelled picklist":
        picking.cancel_picklist(picklist)
    else:
        orders.cancel_order(order)
    before = table_contents()

    with pytest.raises(WrongStatus):
        picking.close_picklist(picklist)

    assert table_contents() == before


def test_a_shipment_can_be_added_to_a_closed_picklist_only(app):
    order = factories.make_order(process=True)
    picklist = factories.open_picklist(order)

    with pytest.raises(WrongStatus):
        picking.add_shipment(picklist, carrier="PostNL")
    picking.close_picklist(picklist)
    picking.add_shipment(Picklist.get_by_id(picklist.id), carrier="PostNL", tracking_code="3S2")

    assert [s.tracking_code for s in Shipment.select()] == ["3S2"]


def test_cancel_picklist_releases_allocation_and_backorders_its_lines(app):
    client = factories.make_client()
    product = factories.make_product(client, stock_amount=5)
    order = factories.make_order(client, lines=[(product, 3)], process=True)
    ledger_lines = StockMutation.select().count()

    picking.cancel_picklist(factories.open_picklist(order))

    assert [p.status for p in Picklist.select()] == ["cancelled"]
    assert factories.stock_levels(product) == (5, 0)
    assert Backorder.get(Backorder.order == order).amount == 3
    assert Order.get_by_id(order.id).status == "processing"
    assert StockMutation.select().count() == ledger_lines
    assert all_problems() == []


def test_a_closed_picklist_cannot_be_cancelled(app):
    order = factories.make_order(process=True)
    picklist = factories.open_picklist(order)
    picking.close_picklist(picklist)
    before = table_contents()

    with pytest.raises(WrongStatus):
        picking.cancel_picklist(picklist)

    assert table_contents() == before
