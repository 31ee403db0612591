"""Backorders: cancelled per line, served oldest first whenever stock arrives."""

import pytest

from fulfilment.models import Backorder, Order, OrderLine, PicklistLine, Stock
from fulfilment.services import backorders, orders, picking, stock_corrections
from fulfilment.services.errors import WrongStatus
from tests import factories
from tests.services.invariants import all_problems, table_contents


def status_of(order):
    return Order.get_by_id(order.id).status


def test_cancel_a_backorder_cancels_that_part_of_the_line(app):
    client = factories.make_client()
    product = factories.make_product(client, stock_amount=1)
    other = factories.make_product(client)
    order = factories.make_order(client, lines=[(product, 3), (other, 2)], process=True)
    backorder = Backorder.get(Backorder.product == product)

    backorders.cancel_backorder(backorder)

    assert OrderLine.get(OrderLine.product == product).amount_cancelled == 2
    assert [(b.product_id, b.amount) for b in Backorder.select()] == [(other.id, 2)]
    assert status_of(order) == "processing"
    assert all_problems() == []


def test_cancelling_the_last_backorder_completes_an_order_whose_rest_was_shipped(app):
    client = factories.make_client()
    product = factories.make_product(client, stock_amount=1)
    order = factories.make_order(client, lines=[(product, 3)], process=True)
    picking.close_picklist(factories.open_picklist(order))

    backorders.cancel_backorder(Backorder.get(Backorder.order == order))

    assert status_of(order) == "completed"
    assert all_problems() == []


def test_cancelling_every_backorder_of_an_unpicked_order_cancels_it(app):
    client = factories.make_client()
    order = factories.make_order(client, lines=[(factories.make_product(client), 3)], process=True)

    backorders.cancel_backorder(Backorder.get(Backorder.order == order))

    assert status_of(order) == "cancelled"
    assert all_problems() == []


def test_a_cancelled_orders_backorder_is_gone(app):
    client = factories.make_client()
    order = factories.make_order(client, lines=[(factories.make_product(client), 3)], process=True)
    backorder = Backorder.get(Backorder.order == order)
    orders.cancel_order(order)
    before = table_contents()

    with pytest.raises(WrongStatus):
        backorders.cancel_backorder(backorder)
    assert table_contents() == before


def test_backorders_are_served_oldest_first_across_orders(app):
    client = factories.make_client()
    product = factories.make_product(client)
    first = factories.make_order(client, lines=[(product, 2)], process=True)
    second = factories.make_order(client, lines=[(product, 2)], process=True)
    third = factories.make_order(client, lines=[(product, 2)], process=True)

    stock_corrections.change_stock(product, factories.warehouse(), 3, "Found")
    assert [(line.picklist.order_id, line.amount) for line in PicklistLine.select().order_by(PicklistLine.id)] == [
        (first.id, 2), (second.id, 1)]
    stock_corrections.change_stock(product, factories.warehouse(), 2, "Found")
    assert [(line.picklist.order_id, line.amount) for line in PicklistLine.select().order_by(PicklistLine.id)] == [
        (first.id, 2), (second.id, 1), (second.id, 1), (third.id, 1)]

    assert [(b.order_id, b.amount) for b in Backorder.select()] == [(third.id, 1)]
    assert Stock.get(Stock.product == product).allocated == 5
    assert all_problems() == []


def test_a_paused_orders_backorder_lets_younger_orders_go_first(app):
    client = factories.make_client()
    product = factories.make_product(client)
    paused = factories.make_order(client, lines=[(product, 1)], process=True)
    orders.pause_order(paused)
    younger = factories.make_order(client, lines=[(product, 1)], process=True)

    stock_corrections.change_stock(product, factories.warehouse(), 1, "Found")

    assert [b.order_id for b in Backorder.select()] == [paused.id]
    assert PicklistLine.get().picklist.order_id == younger.id
    assert all_problems() == []


def test_backorders_of_one_client_are_served_from_that_clients_stock_only(app):
    client, other = factories.make_client(), factories.make_client()
    product = factories.make_product(client)
    order = factories.make_order(client, lines=[(product, 1)], process=True)
    other_product = factories.make_product(other)
    factories.make_order(other, lines=[(other_product, 1)], process=True)

    stock_corrections.change_stock(product, factories.warehouse(), 1, "Found")

    assert PicklistLine.get().picklist.order_id == order.id
    assert [b.product_id for b in Backorder.select()] == [other_product.id]
    assert all_problems() == []
