"""Requests that race: each thread has its own database connection, all are released at once.

The test database is a file (SQLite in WAL mode) or a PostgreSQL database, so the threads'
transactions really overlap. Every race must end in one of the states a serial order of the
same calls could produce; the losers get a domain error, never anything else.
"""


from fulfilment.models import (
    Backorder,
    Order,
    Picklist,
    PurchaseOrder,
    PurchaseOrderLine,
    Receipt,
    Stock,
    StockMutation,
)
from fulfilment.services import orders, picking, purchasing, stock
from fulfilment.services.errors import (
    InsufficientStock,
    OrderNotChangeable,
    PurchaseOrderLocked,
    ValidationFailed,
    WrongStatus,
)
from tests import factories
from tests.concurrency import run_together
from tests.services.invariants import all_problems

ROUNDS = 5


def test_twenty_orders_racing_for_the_last_unit_allocate_it_once(app):
    client = factories.make_client()
    product = factories.make_product(client, stock_amount=1)
    racing = [factories.make_order(client, lines=[(product, 1)]) for _ in range(20)]

    outcomes = run_together(*[lambda order=order: orders.process_order(order) for order in racing])

    assert [outcome for outcome, _ in outcomes] == ["ok"] * 20
    assert Picklist.select().count() == 1
    assert Backorder.select().count() == 19
    assert {order.status for order in Order.select()} == {"processing"}
    assert factories.stock_levels(product) == (1, 1)
    assert all_problems() == []


def test_twenty_threads_allocating_the_last_unit_one_succeeds(app):
    product = factories.make_product(stock_amount=1)
    warehouse = factories.warehouse()

    outcomes = run_together(*[lambda: stock.allocate(product, warehouse, 1) for _ in range(20)])

    assert sorted(outcome for outcome, _ in outcomes) == ["ok"] + ["refused"] * 19
    assert all(isinstance(value, InsufficientStock) for outcome, value in outcomes if outcome == "refused")
    assert factories.stock_levels(product) == (1, 1)


def test_cancel_and_pick_of_one_order_end_in_one_allowed_state(app):
    client = factories.make_client()
    product = factories.make_product(client, stock_amount=ROUNDS)
    for _ in range(ROUNDS):
        order = factories.make_order(client, lines=[(product, 1)], process=True)
        picklist = factories.open_picklist(order)
        ledger_lines = StockMutation.select().count()

        (cancelled, cancel_result), (picked, pick_result) = run_together(
            lambda order=order: orders.cancel_order(order),
            lambda picklist=picklist: picking.close_picklist(picklist, shipments=[{"carrier": "PostNL"}]),
        )

        order = Order.get_by_id(order.id)
        picking_lines = StockMutation.select().where(StockMutation.picklist == picklist)
        if cancelled == "ok":
            assert picked == "refused" and isinstance(pick_result, WrongStatus)
            assert order.status == "cancelled"
            assert Picklist.get_by_id(picklist.id).status == "cancelled"
            assert not picking_lines.exists() and StockMutation.select().count() == ledger_lines
        else:
            assert cancelled == "refused" and isinstance(cancel_result, OrderNotChangeable)
            assert picked == "ok"
            assert order.status == "completed"
            assert [(m.change, m.change_type) for m in picking_lines] == [(-1, "picklist")]
        assert Stock.get(Stock.product == product).allocated == 0
        assert all_problems() == []


def test_purchase_order_change_and_receipt_end_in_one_allowed_state(app):
    client = factories.make_client()
    old_product, new_product = factories.make_product(client), factories.make_product(client)
    for _ in range(ROUNDS):
        purchase_order = factories.make_purchase_order(client, lines=[(old_product, 4)])
        old_line = PurchaseOrderLine.get(PurchaseOrderLine.purchase_order == purchase_order)

        (changed, change_result), (received, receipt_result) = run_together(
            lambda purchase_order=purchase_order: purchasing.update_purchase_order(purchase_order,
                                                                                   lines=[(new_product, 7)]),
            lambda purchase_order=purchase_order, old_line=old_line: purchasing.register_receipt(purchase_order,
                                                                                                 {old_line.id: 4}),
        )

        lines = [(line.product_id, line.amount, line.amount_received)
                 for line in purchasing.purchase_order_lines(purchase_order)]
        receipts = Receipt.select().where(Receipt.purchase_order == purchase_order)
        if changed == "ok":
            # The receipt named a line the change replaced.
            assert received == "refused" and isinstance(receipt_result, ValidationFailed)
            assert lines == [(new_product.id, 7, 0)]
            assert not receipts.exists()
        else:
            assert changed == "refused" and isinstance(change_result, PurchaseOrderLocked)
            assert received == "ok"
            assert lines == [(old_product.id, 4, 4)]
            assert PurchaseOrder.get_by_id(purchase_order.id).status == "received"
            assert [m.change for m in StockMutation.select().where(StockMutation.receipt == receipts.get())] == [4]
        assert all_problems() == []


def test_two_receipts_of_the_last_outstanding_units_book_them_once(app):
    client = factories.make_client()
    product = factories.make_product(client)
    purchase_order = factories.make_purchase_order(client, lines=[(product, 3)])
    line = PurchaseOrderLine.get(PurchaseOrderLine.purchase_order == purchase_order)

    outcomes = run_together(*[lambda: purchasing.register_receipt(purchase_order, {line.id: 3}) for _ in range(2)])

    assert sorted(outcome for outcome, _ in outcomes) == ["ok", "refused"]
    assert PurchaseOrderLine.get_by_id(line.id).amount_received == 3
    assert factories.stock_levels(product) == (3, 0)
    assert all_problems() == []


def test_orders_taking_two_products_in_opposite_order_both_get_processed(app):
    """Two transactions locking the same stock rows in opposite order must not deadlock."""
    client = factories.make_client()
    shoes, socks = factories.make_product(client, stock_amount=20), factories.make_product(client, stock_amount=20)
    for _ in range(ROUNDS):
        first = factories.make_order(client, lines=[(shoes, 1), (socks, 1)])
        second = factories.make_order(client, lines=[(socks, 1), (shoes, 1)])

        outcomes = run_together(lambda first=first: orders.process_order(first),
                                lambda second=second: orders.process_order(second))

        assert [outcome for outcome, _ in outcomes] == ["ok", "ok"]
    assert (factories.stock_levels(shoes), factories.stock_levels(socks)) == ((20, 2 * ROUNDS), (20, 2 * ROUNDS))
    assert all_problems() == []


def test_a_receipt_serving_an_orders_backorder_and_cancelling_that_order_leave_nothing_allocated(app):
    """Either order is fine: cancelled first, the receipt serves nothing; received first, the cancel releases all."""
    client = factories.make_client()
    product = factories.make_product(client, stock_amount=ROUNDS)
    for _ in range(ROUNDS):
        order = factories.make_order(client, lines=[(product, 2)], process=True)
        purchase_order = factories.make_purchase_order(client, lines=[(product, 1)])
        line = PurchaseOrderLine.get(PurchaseOrderLine.purchase_order == purchase_order)

        outcomes = run_together(
            lambda purchase_order=purchase_order, line=line: purchasing.register_receipt(purchase_order, {line.id: 1}),
            lambda order=order: orders.cancel_order(order),
        )

        assert [outcome for outcome, _ in outcomes] == ["ok", "ok"]
        assert Order.get_by_id(order.id).status == "cancelled"
        assert not Picklist.select().where((Picklist.order == order) & (Picklist.status == "new")).exists()
        assert Stock.get(Stock.product == product).allocated == 0
        assert all_problems() == []


def test_a_receipt_and_picking_an_order_it_serves_do_not_deadlock(app):
    """The receipt holds stock rows and adds a picklist to the order; the pick holds the order and needs stock."""
    client = factories.make_client()
    shoes = factories.make_product(client, stock_amount=ROUNDS)
    socks = factories.make_product(client, stock_amount=ROUNDS)
    for _ in range(ROUNDS):
        order = factories.make_order(client, lines=[(shoes, 2), (socks, 1)], process=True)
        picklist = factories.open_picklist(order)
        purchase_order = factories.make_purchase_order(client, lines=[(socks, 1), (shoes, 1)])
        received = {line.id: 1 for line in purchase_order.lines}

        outcomes = run_together(
            lambda purchase_order=purchase_order, received=received: purchasing.register_receipt(purchase_order,
                                                                                                 received),
            lambda picklist=picklist: picking.close_picklist(picklist),
        )

        assert [outcome for outcome, _ in outcomes] == ["ok", "ok"]
        assert not Backorder.select().where(Backorder.order == order).exists()
        assert all_problems() == []
