"""Returns: a logged status timeline, returned products back into stock, replacements on a picklist."""

import pytest

from fulfilment.models import (
    Backorder,
    Picklist,
    PicklistLine,
    ReplacementProduct,
    Return,
    ReturnedProduct,
    ReturnLog,
    StockMutation,
)
from fulfilment.services import picking, returns
from fulfilment.services.errors import InsufficientStock, UnknownProduct, ValidationFailed, WrongStatus
from tests import factories
from tests.services.invariants import all_problems, table_contents


def timeline(ret):
    return [(log.status.name, log.message, log.actor)
            for log in ReturnLog.select().where(ReturnLog.return_ == ret).order_by(ReturnLog.id)]


def test_a_return_for_an_order_takes_the_orders_address(app):
    client = factories.make_client()
    order = factories.make_shipped_order(client)
    product = factories.make_product(client)

    ret = returns.create_return(client, [(product, 1, "Too small")], order=order)

    ret = factories.reload(ret)
    assert (ret.order_id, ret.name, ret.city, ret.status.name) == (order.id, "Jansen BV", "Amsterdam", "announced")
    assert [(r.product_id, r.amount, r.reason) for r in ReturnedProduct.select()] == [(product.id, 1, "Too small")]
    assert timeline(ret) == [("announced", "Return registered", "system")]


def test_status_change_is_logged_with_actor_and_message(app):
    staff = factories.make_staff_user(username="dana")
    ret = factories.make_return()

    returns.change_return_status(ret, factories.return_status("completed"), " Refunded ", actor=staff)

    ret = factories.reload(ret)
    assert ret.status.name == "completed" and ret.completed_at is not None
    assert timeline(ret)[-1] == ("completed", "Refunded", "staff dana")
    assert ReturnLog.select().order_by(ReturnLog.id.desc()).first().created_at is not None


def test_receive_books_the_returned_products_as_return_mutations(app):
    staff = factories.make_staff_user(username="erik")
    client = factories.make_client()
    shirt, cap = factories.make_product(client, stock_amount=2), factories.make_product(client)
    ret = factories.make_return(client, returned=[(shirt, 2, "Wrong size"), (cap, 1, "Damaged")])

    returns.receive_return(ret, actor=staff)

    mutations = list(StockMutation.select().where(StockMutation.return_ == ret).order_by(StockMutation.id))
    assert [(m.product_id, m.old_stock, m.change, m.new_stock, m.change_type, m.actor) for m in mutations] == [
        (shirt.id, 2, 2, 4, "return", "staff erik"), (cap.id, 0, 1, 1, "return", "staff erik")]
    assert [r.amount_received for r in returns.returned_products(ret)] == [2, 1]
    ret = factories.reload(ret)
    assert ret.status.name == "received" and ret.received_at is not None
    assert timeline(ret)[-1][:1] == ("received",)
    assert all_problems() == []


def test_partial_receive_then_the_rest(app):
    client = factories.make_client()
    product = factories.make_product(client)
    ret = factories.make_return(client, returned=[(product, 3, "")])
    line = returns.returned_products(ret)[0]

    returns.receive_return(ret, {line.id: 1})
    returns.receive_return(ret)

    assert factories.stock_levels(product) == (3, 0)
    assert ReturnedProduct.get_by_id(line.id).amount_received == 3
    before = table_contents()
    with pytest.raises(ValidationFailed, match="Nothing left"):
        returns.receive_return(ret)
    assert table_contents() == before


@pytest.mark.parametrize("amount", [4, -1, "1"])
def test_receiving_more_than_was_returned_is_refused(app, amount):
    client = factories.make_client()
    ret = factories.make_return(client, returned=[(factories.make_product(client), 3, "")])
    before = table_contents()

    with pytest.raises(ValidationFailed):
        returns.receive_return(ret, {returns.returned_products(ret)[0].id: amount})
    assert table_contents() == before


@pytest.mark.parametrize("status", ["completed", "cancelled"])
def test_a_closed_return_receives_nothing(app, status):
    ret = factories.make_return()
    returns.change_return_status(ret, factories.return_status(status))
    before = table_contents()

    with pytest.raises(WrongStatus):
        returns.receive_return(ret)
    assert table_contents() == before


def test_received_products_serve_waiting_backorders(app):
    client = factories.make_client()
    product = factories.make_product(client)
    order = factories.make_order(client, lines=[(product, 1)], process=True)
    ret = factories.make_return(client, returned=[(product, 1, "")])

    returns.receive_return(ret)

    assert not Backorder.select().exists()
    assert Picklist.get(Picklist.order == order).status == "new"
    assert factories.stock_levels(product) == (1, 1)
    assert all_problems() == []


def test_replacement_products_get_an_allocated_picklist(app):
    client = factories.make_client()
    returned, replacement = factories.make_product(client), factories.make_product(client, stock_amount=3)
    ret = factories.make_return(client, returned=[(returned, 1, "Too small")], replacements=[(replacement, 2)],
                                address="Dorpsstraat 2", city="Utrecht", zipcode="3511 AA")

    picklist = Picklist.get(Picklist.return_ == ret)
    assert (picklist.status, picklist.order_id, picklist.delivery_city) == ("new", None, "Utrecht")
    assert [(line.product_id, line.amount) for line in PicklistLine.select()] == [(replacement.id, 2)]
    assert [(r.product_id, r.amount, r.picklist_id) for r in ReplacementProduct.select()] == [
        (replacement.id, 2, picklist.id)]
    assert factories.stock_levels(replacement) == (3, 2)
    assert all_problems() == []

    picking.close_picklist(picklist, shipments=[{"carrier": "PostNL"}])
    assert factories.stock_levels(replacement) == (1, 0)
    assert all_problems() == []


def test_not_enough_stock_for_a_replacement_refuses_the_return_and_creates_nothing(app):
    client = factories.make_client()
    enough, scarce = factories.make_product(client, stock_amount=5), factories.make_product(client, stock_amount=1)
    returned = factories.make_product(client)
    before = table_contents()

    with pytest.raises(InsufficientStock):
        returns.create_return(client, [(returned, 1, "")], replacements=[(enough, 1), (scarce, 2)], name="Jansen")

    assert table_contents() == before
    assert (factories.stock_levels(enough), factories.stock_levels(scarce)) == ((5, 0), (1, 0))


def test_a_return_refuses_another_clients_order_and_products(app):
    client, other = factories.make_client(), factories.make_client()
    own = factories.make_product(client, stock_amount=2)
    foreign_product = factories.make_product(other, stock_amount=2)
    foreign_order = factories.make_order(other)
    before = table_contents()

    with pytest.raises(ValidationFailed):
        returns.create_return(client, [(own, 1, "")], order=foreign_order)
    with pytest.raises(UnknownProduct):
        returns.create_return(client, [(foreign_product, 1, "")])
    with pytest.raises(UnknownProduct):
        returns.create_return(client, [(own, 1, "")], replacements=[(foreign_product, 1)])

    assert table_contents() == before


def test_a_return_needs_a_product(app):
    with pytest.raises(ValidationFailed):
        returns.create_return(factories.make_client(), [])
    assert not Return.select().exists()
