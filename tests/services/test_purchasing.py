"""Purchase orders and receipts: changeable until the first receipt; receipts book stock and serve backorders."""

from decimal import Decimal

import pytest

from fulfilment.models import (
    Backorder,
    PicklistLine,
    PurchaseOrderLine,
    Receipt,
    ReceiptLine,
    Stock,
    StockMutation,
)
from fulfilment.services import purchasing
from fulfilment.services.errors import PurchaseOrderLocked, UnknownProduct, ValidationFailed, WrongStatus
from tests import factories
from tests.services.invariants import all_problems, table_contents


def lines_of(purchase_order):
    return purchasing.purchase_order_lines(purchase_order)


def stock_of(product):
    row = Stock.get_or_none(Stock.product == product)
    return row.stock if row else 0


def test_create_and_mark_a_purchase_order_purchased(app):
    client = factories.make_client()
    product = factories.make_product(client)

    purchase_order = purchasing.create_purchase_order(client, [(product, 10)], supplier_name=" Acme ",
                                                      delivery_date="2026-12-31")
    assert (purchase_order.status, purchase_order.supplier_name, str(purchase_order.delivery_date)) == (
        "concept", "Acme", "2026-12-31")
    purchasing.mark_purchased(purchase_order)

    assert factories.reload(purchase_order).status == "purchased"
    assert [(line.product_id, line.amount, line.price) for line in lines_of(purchase_order)] == [
        (product.id, 10, Decimal("4.00"))]


def test_a_purchase_order_refuses_another_clients_product(app):
    client = factories.make_client()
    foreign = factories.make_product(factories.make_client())

    with pytest.raises(UnknownProduct):
        purchasing.create_purchase_order(client, [(factories.make_product(client), 1), (foreign, 1)])
    purchase_order = factories.make_purchase_order(client)
    before = table_contents()
    with pytest.raises(UnknownProduct):
        purchasing.update_purchase_order(purchase_order, lines=[(foreign, 1)])
    with pytest.raises(UnknownProduct):
        purchasing.add_purchase_order_line(purchase_order, foreign, 1)
    assert table_contents() == before


def test_lines_change_and_the_order_cancels_while_no_receipt_exists(app):
    client = factories.make_client()
    first, second = factories.make_product(client), factories.make_product(client)
    purchase_order = factories.make_purchase_order(client, lines=[(first, 10)])

    purchasing.update_purchase_order(purchase_order, lines=[(second, 4, "2.50")], remarks="Rush")
    purchasing.add_purchase_order_line(purchase_order, first, 1)
    purchasing.update_purchase_order_line(lines_of(purchase_order)[0], amount=6)
    purchasing.remove_purchase_order_line(lines_of(purchase_order)[1])
    assert [(line.product_id, line.amount) for line in lines_of(purchase_order)] == [(second.id, 6)]
    assert factories.reload(purchase_order).remarks == "Rush"

    purchasing.cancel_purchase_order(purchase_order)
    assert factories.reload(purchase_order).status == "cancelled"


@pytest.mark.parametrize("change", ["update lines", "update header", "add line", "update line", "remove line",
                                    "cancel"])
def test_a_purchase_order_with_a_receipt_cannot_be_changed_or_cancelled(app, change):
    client = factories.make_client()
    first, second = factories.make_product(client), factories.make_product(client)
    purchase_order = factories.make_purchase_order(client, lines=[(first, 10), (second, 5)])
    purchasing.register_receipt(purchase_order, {lines_of(purchase_order)[0].id: 1})
    line = lines_of(purchase_order)[1]
    before = table_contents()

    with pytest.raises(PurchaseOrderLocked, match="receipt"):
        if change == "update lines":
            purchasing.update_purchase_order(purchase_order, lines=[(second, 1)])
        elif change == "update header":
            purchasing.update_purchase_order(purchase_order, supplier_name="Other")
        elif change == "add line":
            purchasing.add_purchase_order_line(purchase_order, second, 1)
        elif change == "update line":
            purchasing.update_purchase_order_line(line, amount=1)
        elif change == "remove line":
            purchasing.remove_purchase_order_line(line)
        else:
            purchasing.cancel_purchase_order(purchase_order)

    assert table_contents() == before


def test_a_received_purchase_order_cannot_be_cancelled(app):
    purchase_order = factories.make_purchase_order()
    factories.receive_everything(purchase_order)
    before = table_contents()

    with pytest.raises(PurchaseOrderLocked):
        purchasing.cancel_purchase_order(purchase_order)
    assert table_contents() == before


def test_partial_receipt_books_stock_and_keeps_the_rest_expected(app):
    staff = factories.make_staff_user(username="carla")
    client = factories.make_client()
    first, second = factories.make_product(client), factories.make_product(client)
    purchase_order = factories.make_purchase_order(client, lines=[(first, 10), (second, 5)])
    first_line, second_line = lines_of(purchase_order)

    receipt = purchasing.register_receipt(purchase_order, {first_line.id: 4, second_line.id: 0}, actor=staff)

    assert factories.reload(purchase_order).status == "purchased"
    assert [line.amount_received for line in lines_of(purchase_order)] == [4, 0]
    assert [(line.product_id, line.amount) for line in ReceiptLine.select()] == [(first.id, 4)]
    mutation = StockMutation.get(StockMutation.receipt == receipt)
    assert (mutation.product_id, mutation.change, mutation.change_type, mutation.actor) == (
        first.id, 4, "receipt", "staff carla")
    assert (stock_of(first), stock_of(second)) == (4, 0)
    assert all_problems() == []


def test_purchase_order_is_received_when_all_lines_are_in(app):
    client = factories.make_client()
    first, second = factories.make_product(client), factories.make_product(client)
    purchase_order = factories.make_purchase_order(client, lines=[(first, 10), (second, 5)])
    first_line, second_line = lines_of(purchase_order)

    purchasing.register_receipt(purchase_order, {first_line.id: 10, second_line.id: 2})
    assert factories.reload(purchase_order).status == "purchased"
    purchasing.register_receipt(purchase_order, {second_line.id: 3})

    assert factories.reload(purchase_order).status == "received"
    assert Receipt.select().count() == 2
    assert (stock_of(first), stock_of(second)) == (10, 5)
    before = table_contents()
    with pytest.raises(WrongStatus):
        purchasing.register_receipt(purchase_order, {first_line.id: 1})
    assert table_contents() == before


def test_a_receipt_on_a_concept_marks_it_purchased(app):
    client = factories.make_client()
    purchase_order = factories.make_purchase_order(client, lines=[(factories.make_product(client), 2)],
                                                   purchased=False)

    purchasing.register_receipt(purchase_order, {lines_of(purchase_order)[0].id: 1})

    assert factories.reload(purchase_order).status == "purchased"


@pytest.mark.parametrize("received", ["over", "negative", "nothing", "foreign line", "fraction"])
def test_an_invalid_receipt_is_refused_and_changes_nothing(app, received):
    client = factories.make_client()
    purchase_order = factories.make_purchase_order(client, lines=[(factories.make_product(client), 10)])
    line = lines_of(purchase_order)[0]
    purchasing.register_receipt(purchase_order, {line.id: 7})
    other = factories.make_purchase_order(client)
    amounts = {
        "over": {line.id: 4},
        "negative": {line.id: -1},
        "nothing": {line.id: 0},
        "foreign line": {lines_of(other)[0].id: 1},
        "fraction": {line.id: 1.5},
    }[received]
    before = table_contents()

    with pytest.raises(ValidationFailed):
        purchasing.register_receipt(purchase_order, amounts)

    assert table_contents() == before


def test_a_cancelled_purchase_order_receives_nothing(app):
    purchase_order = factories.make_purchase_order()
    purchasing.cancel_purchase_order(purchase_order)
    before = table_contents()

    with pytest.raises(WrongStatus):
        factories.receive_everything(purchase_order)
    assert table_contents() == before


def test_a_receipt_serves_the_oldest_backorder_first(app):
    client = factories.make_client()
    product = factories.make_product(client)
    older = factories.make_order(client, lines=[(product, 3)], process=True)
    younger = factories.make_order(client, lines=[(product, 3)], process=True)
    purchase_order = factories.make_purchase_order(client, lines=[(product, 4)])

    factories.receive_everything(purchase_order)

    served = [(line.picklist.order_id, line.amount) for line in PicklistLine.select().order_by(PicklistLine.id)]
    assert served == [(older.id, 3), (younger.id, 1)]
    assert [(b.order_id, b.amount) for b in Backorder.select()] == [(younger.id, 2)]
    assert Stock.get(Stock.product == product).allocated == 4
    assert all_problems() == []


def test_a_receipt_does_not_serve_another_products_backorders(app):
    client = factories.make_client()
    wanted, received = factories.make_product(client), factories.make_product(client)
    order = factories.make_order(client, lines=[(wanted, 1)], process=True)

    factories.receive_everything(factories.make_purchase_order(client, lines=[(received, 5)]))

    assert Backorder.get(Backorder.order == order).amount == 1
    assert not PicklistLine.select().exists()
    assert PurchaseOrderLine.select().count() == 1


def test_a_receipt_naming_a_line_that_a_change_replaced_is_refused(app):
    """A receipt form opened before the lines changed must not book onto the new lines (SQLite reuses ids)."""
    client = factories.make_client()
    old_product, new_product = factories.make_product(client), factories.make_product(client)
    purchase_order = factories.make_purchase_order(client, lines=[(old_product, 4)])
    old_line = lines_of(purchase_order)[0]
    purchasing.update_purchase_order(purchase_order, lines=[(new_product, 7)])
    before = table_contents()

    with pytest.raises(ValidationFailed, match="not on this purchase order"):
        purchasing.register_receipt(purchase_order, {old_line.id: 4})

    assert table_contents() == before
