"""Receipts received product by product (the API's incremental receipts)."""

import pytest

from fulfilment.models import Backorder, PurchaseOrder, Receipt, ReceiptLine, Stock, StockMutation
from fulfilment.services import purchasing
from fulfilment.services.errors import PurchaseOrderLocked, UnknownProduct, ValidationFailed, WrongStatus
from tests import factories


def _stock(product):
    return Stock.get(Stock.product == product).stock


def test_opening_a_receipt_locks_the_purchase_order(app):
    purchase_order = factories.make_purchase_order(purchased=False)
    receipt = purchasing.open_receipt(purchase_order)
    assert (receipt.status, receipt.number) == ("processing", f"R{receipt.id:06d}")
    assert PurchaseOrder.get_by_id(purchase_order.id).status == "purchased"
    with pytest.raises(PurchaseOrderLocked):
        purchasing.cancel_purchase_order(purchase_order)
    with pytest.raises(PurchaseOrderLocked):
        purchasing.add_purchase_order_line(purchase_order, purchase_order.lines[0].product, 1)


def test_receiving_a_product_books_stock_and_serves_a_backorder(app):
    client = factories.make_client()
    product = factories.make_product(client)
    order = factories.make_order(client, lines=[(product, 4)], process=True)
    purchase_order = factories.make_purchase_order(client, lines=[(product, 10)])
    receipt = purchasing.open_receipt(purchase_order)

    purchasing.receive_product(receipt, product, 6)

    assert _stock(product) == 6
    assert PurchaseOrder.get_by_id(purchase_order.id).lines[0].amount_received == 6
    assert PurchaseOrder.get_by_id(purchase_order.id).status == "purchased"
    assert not Backorder.select().where(Backorder.order == order).exists()
    mutation = StockMutation.get(StockMutation.receipt == receipt)
    assert (mutation.change, mutation.change_type) == (6, "receipt")
    assert Receipt.get_by_id(receipt.id).status == "processing"


def test_receiving_spreads_over_lines_of_the_same_product(app):
    client = factories.make_client()
    product = factories.make_product(client)
    purchase_order = factories.make_purchase_order(client, lines=[(product, 2), (product, 3)])
    receipt = purchasing.open_receipt(purchase_order)
    purchasing.receive_product(receipt, product, 4)
    assert [line.amount_received for line in purchasing.purchase_order_lines(purchase_order)] == [2, 2]
    purchasing.receive_product(receipt, product, 1)
    assert PurchaseOrder.get_by_id(purchase_order.id).status == "received"
    assert ReceiptLine.select().where(ReceiptLine.receipt == receipt).count() == 3


def test_receiving_more_than_outstanding_changes_nothing(app):
    purchase_order = factories.make_purchase_order()
    product = purchase_order.lines[0].product
    receipt = purchasing.open_receipt(purchase_order)
    with pytest.raises(ValidationFailed, match="still expected"):
        purchasing.receive_product(receipt, product, 11)
    assert not StockMutation.select().exists()


def test_receiving_a_product_that_is_not_on_the_purchase_order_is_refused(app):
    purchase_order = factories.make_purchase_order()
    other = factories.make_product(purchase_order.client)
    foreign = factories.make_product()
    receipt = purchasing.open_receipt(purchase_order)
    with pytest.raises(ValidationFailed, match="not on purchase order"):
        purchasing.receive_product(receipt, other, 1)
    with pytest.raises(UnknownProduct):
        purchasing.receive_product(receipt, foreign, 1)


def test_mark_all_received_then_complete(app):
    purchase_order = factories.make_purchase_order()
    product = purchase_order.lines[0].product
    receipt = purchasing.open_receipt(purchase_order)
    purchasing.receive_product(receipt, product, 3)
    purchasing.receive_all_outstanding(receipt)
    assert _stock(product) == 10
    assert PurchaseOrder.get_by_id(purchase_order.id).status == "received"
    purchasing.complete_receipt(receipt)
    receipt = Receipt.get_by_id(receipt.id)
    assert receipt.status == "completed" and receipt.completed_at is not None


def test_a_completed_receipt_takes_nothing_more(app):
    purchase_order = factories.make_purchase_order()
    receipt = purchasing.open_receipt(purchase_order)
    purchasing.complete_receipt(receipt)
    with pytest.raises(WrongStatus):
        purchasing.receive_product(receipt, purchase_order.lines[0].product, 1)
    with pytest.raises(WrongStatus):
        purchasing.complete_receipt(receipt)


def test_no_receipt_for_a_cancelled_purchase_order(app):
    purchase_order = factories.make_purchase_order()
    purchasing.cancel_purchase_order(purchase_order)
    with pytest.raises(WrongStatus):
        purchasing.open_receipt(purchase_order)
    assert not Receipt.select().exists()


def test_register_receipt_still_books_everything_at_once(app):
    purchase_order = factories.make_purchase_order()
    receipt = factories.receive_everything(purchase_order)
    assert receipt.status == "completed"
    assert PurchaseOrder.get_by_id(purchase_order.id).status == "received"
