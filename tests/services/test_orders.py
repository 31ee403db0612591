"""Orders: create, process, pause/resume, cancel, change address, duplicate, change lines."""

from decimal import Decimal

import pytest

from fulfilment.models import Backorder, Order, OrderEvent, OrderLine, Picklist, Stock, StockMutation
from fulfilment.services import catalog, orders, picking
from fulfilment.services.errors import (
    IncompleteAddress,
    OrderLinesLocked,
    OrderNotChangeable,
    UnknownProduct,
    ValidationFailed,
    WrongStatus,
)
from fulfilment.services.quantities import MAX_AMOUNT
from tests import factories
from tests.services.invariants import all_problems, table_contents


def picked_order(client, product):
    """A processing order of which one picklist is closed and another is still open (product: 1 in stock)."""
    order = factories.make_order(client, lines=[(product, 2)], process=True)
    picking.close_picklist(factories.open_picklist(order))
    purchase_order = factories.make_purchase_order(client, lines=[(product, 1)])
    factories.receive_everything(purchase_order)
    order = factories.reload(order)
    assert order.status == "processing" and factories.open_picklist(order) is not None
    return order


# --- create -----------------------------------------------------------------------------------


def test_create_order_records_lines_address_and_a_number(app):
    client = factories.make_client()
    product = factories.make_product(client, price="12.50")

    order = orders.create_order(client, [(product, 2), (factories.make_product(client), 1, "3.00")], source="portal",
                                fields={**factories.ADDRESS, "reference": " PO-77 "})

    order = factories.reload(order)
    assert (order.status, order.source, order.reference, order.delivery_city) == ("concept", "portal", "PO-77",
                                                                                 "Amsterdam")
    assert order.number == f"O{order.id:06d}"
    assert [(line.amount, line.price) for line in orders.order_lines(order)] == [(2, Decimal("12.50")),
                                                                                 (1, Decimal("3.00"))]


def test_create_order_refuses_another_clients_product_and_creates_nothing(app):
    client = factories.make_client()
    foreign = factories.make_product(factories.make_client())
    before = table_contents()

    with pytest.raises(UnknownProduct):
        orders.create_order(client, [(factories.make_product(client), 1), (foreign, 1)], source="portal",
                            fields=factories.ADDRESS)

    assert not Order.select().exists() and not OrderLine.select().exists()
    assert table_contents()["StockMutation"] == before["StockMutation"]


def test_create_order_refuses_an_inactive_product(app):
    client = factories.make_client()
    product = factories.make_product(client)
    catalog.update_product(product, active=False)

    with pytest.raises(UnknownProduct, match="inactive"):
        orders.create_order(client, [(product, 1)], source="portal", fields=factories.ADDRESS)
    assert not Order.select().exists()


@pytest.mark.parametrize("amount", [0, -1, 1.5, "2", True, MAX_AMOUNT + 1])
def test_create_order_refuses_amounts_that_are_not_whole_positive_numbers(app, amount):
    client = factories.make_client()

    with pytest.raises(ValidationFailed):
        orders.create_order(client, [(factories.make_product(client), amount)], source="portal",
                            fields=factories.ADDRESS)
    assert not Order.select().exists()


@pytest.mark.parametrize("problem", ["no lines", "no recipient name", "bad country", "unknown source", "unknown field",
                                     "processing"])
def test_create_order_refuses_incomplete_orders(app, problem):
    client = factories.make_client()
    lines = [(factories.make_product(client), 1)]
    kwargs = {"source": "portal", "fields": dict(factories.ADDRESS)}
    if problem == "no lines":
        lines = []
    elif problem == "no recipient name":
        kwargs["fields"] = {"delivery_name": " ", "delivery_city": "Utrecht"}
    elif problem == "bad country":
        kwargs["fields"]["delivery_country"] = "Netherlands"
    elif problem == "unknown source":
        kwargs["source"] = "fax"
    elif problem == "unknown field":
        kwargs["fields"]["status"] = "completed"
    else:
        kwargs["status"] = "processing"

    with pytest.raises(ValidationFailed):
        orders.create_order(client, lines, **kwargs)
    assert not Order.select().exists()


# --- process ----------------------------------------------------------------------------------


def test_a_concept_needs_only_a_name_but_processing_needs_the_whole_address(app):
    client = factories.make_client()
    product = factories.make_product(client, stock_amount=5)
    order = orders.create_order(client, [(product, 2)], source="api", fields={"delivery_name": "Eva de Vries"})
    assert (order.status, order.delivery_name, order.delivery_address) == ("concept", "Eva de Vries", "")

    before = table_contents()
    with pytest.raises(IncompleteAddress) as refused:
        orders.process_order(order)
    assert refused.value.missing == ["delivery_address", "delivery_zipcode", "delivery_city"]
    assert refused.value.message.startswith("The delivery address needs: Address, Zip code, City.")
    assert table_contents() == before  # no allocation, no picklist, still a concept

    orders.update_order(order, {"delivery_address": "Tuinweg 4", "delivery_zipcode": "2011 AA",
                                "delivery_city": "Haarlem"})
    processed = orders.process_order(order)
    assert processed.status == "processing"
    assert Stock.get(Stock.product == product).allocated == 2


def test_a_processed_order_keeps_a_shippable_address(app):
    order = factories.make_order(process=True)
    before = table_contents()
    with pytest.raises(IncompleteAddress, match="Zip code"):
        orders.update_order(order, {"delivery_zipcode": ""})
    assert table_contents() == before


def test_process_allocates_free_stock_and_backorders_the_rest(app):
    client = factories.make_client()
    scarce = factories.make_product(client, stock_amount=3)
    plenty = factories.make_product(client, stock_amount=10)
    missing = factories.make_product(client)
    order = factories.make_order(client, lines=[(scarce, 5), (plenty, 2), (missing, 4)])

    orders.process_order(order)

    order = factories.reload(order)
    assert order.status == "processing" and order.processed_at is not None
    picklist = Picklist.get(Picklist.order == order)
    assert (picklist.status, picklist.delivery_city) == ("new", "Amsterdam")
    assert sorted((line.product_id, line.amount) for line in picklist.lines) == [(scarce.id, 3), (plenty.id, 2)]
    assert sorted((b.product_id, b.amount) for b in Backorder.select()) == [(scarce.id, 2), (missing.id, 4)]
    assert [factories.stock_levels(product) for product in (scarce, plenty, missing)] == [(3, 3), (10, 2), (0, 0)]
    assert all_problems() == []


def test_process_without_any_stock_creates_no_picklist(app):
    client = factories.make_client()
    product = factories.make_product(client)
    order = factories.make_order(client, lines=[(product, 2)], process=True)

    assert not Picklist.select().exists()
    assert Backorder.get(Backorder.order == order).amount == 2
    assert factories.reload(order).status == "processing"


def test_an_order_is_processed_only_once(app):
    order = factories.make_order(process=True)
    before = table_contents()

    with pytest.raises(WrongStatus):
        orders.process_order(order)
    assert table_contents() == before


def test_expected_order_can_be_processed(app):
    client = factories.make_client()
    order = orders.create_order(client, [(factories.make_product(client, stock_amount=1), 1)], source="api",
                                fields=factories.ADDRESS, status="expected")

    assert orders.process_order(order).status == "processing"


# --- pause / resume ---------------------------------------------------------------------------


def test_pause_and_resume_a_processing_order(app):
    order = factories.make_order(process=True)

    orders.pause_order(order, reason=" Customer called ")
    assert (factories.reload(order).status, factories.reload(order).pause_reason) == ("paused", "Customer called")
    orders.resume_order(order)
    assert (factories.reload(order).status, factories.reload(order).pause_reason) == ("processing", "")
    assert [e.status for e in OrderEvent.select().where(OrderEvent.order == order).order_by(OrderEvent.id)] == [
        "concept", "processing", "paused", "processing"]


@pytest.mark.parametrize("action", ["pause a concept", "resume a processing order", "pause twice"])
def test_pause_and_resume_refuse_the_wrong_status(app, action):
    order = factories.make_order(process=action != "pause a concept")
    if action == "pause twice":
        orders.pause_order(order)
    before = table_contents()

    with pytest.raises(WrongStatus):
        if action == "resume a processing order":
            orders.resume_order(order)
        else:
            orders.pause_order(order)
    assert table_contents() == before


def test_paused_orders_picklist_cannot_be_closed(app):
    order = factories.make_order(process=True)
    orders.pause_order(order)
    before = table_contents()

    with pytest.raises(WrongStatus, match="paused"):
        picking.close_picklist(factories.open_picklist(order))

    assert table_contents() == before


def test_paused_order_waits_for_its_backorders_until_resumed(app):
    client = factories.make_client()
    product = factories.make_product(client)
    paused = factories.make_order(client, lines=[(product, 2)], process=True)
    orders.pause_order(paused)
    waiting = factories.make_order(client, lines=[(product, 1)], process=True)

    factories.receive_everything(factories.make_purchase_order(client, lines=[(product, 2)]))
    assert Backorder.get(Backorder.order == paused).amount == 2
    assert not Backorder.select().where(Backorder.order == waiting).exists()

    orders.resume_order(paused)
    assert Backorder.get(Backorder.order == paused).amount == 1
    assert factories.stock_levels(product) == (2, 2)
    assert all_problems() == []


# --- cancel -----------------------------------------------------------------------------------


def test_cancel_releases_allocations_and_removes_backorders(app):
    client = factories.make_client()
    product = factories.make_product(client, stock_amount=3)
    order = factories.make_order(client, lines=[(product, 5)], process=True)
    ledger_lines = StockMutation.select().count()

    orders.cancel_order(order)

    order = factories.reload(order)
    assert order.status == "cancelled" and order.cancelled_at is not None
    assert factories.stock_levels(product) == (3, 0)
    assert not Backorder.select().exists()
    assert [p.status for p in Picklist.select()] == ["cancelled"]
    assert StockMutation.select().count() == ledger_lines
    assert all_problems() == []


@pytest.mark.parametrize("status", ["concept", "paused"])
def test_cancel_an_unpicked_order(app, status):
    order = factories.make_order(process=status == "paused")
    if status == "paused":
        orders.pause_order(order)

    assert orders.cancel_order(order).status == "cancelled"
    assert all_problems() == []


def test_cancelling_after_a_pick_is_refused_and_changes_nothing(app):
    client = factories.make_client()
    order = picked_order(client, factories.make_product(client, stock_amount=1))
    before = table_contents()

    with pytest.raises(OrderNotChangeable, match="picked"):
        orders.cancel_order(order)

    assert table_contents() == before


def test_cancelling_a_completed_order_is_refused(app):
    order = factories.make_shipped_order()
    before = table_contents()

    with pytest.raises(OrderNotChangeable):
        orders.cancel_order(order)
    assert table_contents() == before


def test_cancelling_a_cancelled_order_is_refused(app):
    order = factories.make_order()
    orders.cancel_order(order)
    before = table_contents()

    with pytest.raises(WrongStatus):
        orders.cancel_order(order)
    assert table_contents() == before


# --- change address ---------------------------------------------------------------------------


def test_address_change_before_the_pick_also_changes_the_open_picklist(app):
    order = factories.make_order(process=True)

    orders.change_delivery_address(order, {"delivery_city": " Utrecht ", "delivery_country": "be"})

    order = factories.reload(order)
    assert (order.delivery_city, order.delivery_country) == ("Utrecht", "BE")
    assert factories.open_picklist(order).delivery_city == "Utrecht"


def test_changing_the_address_after_a_pick_is_refused_and_changes_nothing(app):
    client = factories.make_client()
    order = picked_order(client, factories.make_product(client, stock_amount=1))
    before = table_contents()

    with pytest.raises(OrderNotChangeable):
        orders.change_delivery_address(order, {"delivery_city": "Utrecht"})
    with pytest.raises(OrderNotChangeable):
        orders.update_order(order, {"reference": "changed"})

    assert table_contents() == before


@pytest.mark.parametrize("address", [{"delivery_city": ""}, {"delivery_country": "NLD"}, {"status": "completed"}])
def test_invalid_address_change_is_refused_and_changes_nothing(app, address):
    order = factories.make_order(process=True)
    before = table_contents()

    with pytest.raises(ValidationFailed):
        orders.change_delivery_address(order, address)
    assert table_contents() == before


# --- duplicate --------------------------------------------------------------------------------


@pytest.mark.parametrize("status", ["concept", "completed", "cancelled"])
def test_duplicate_copies_lines_and_address_into_a_new_concept_order(app, status):
    client = factories.make_client()
    first, second = factories.make_product(client, stock_amount=5), factories.make_product(client, stock_amount=5)
    original = factories.make_order(client, lines=[(first, 2), (second, 1, "1.25")], reference="R-1",
                                    delivery_name="Pietersen", email="p@example.com")
    if status == "completed":
        orders.process_order(original)
        picking.close_picklist(factories.open_picklist(original))
    elif status == "cancelled":
        orders.cancel_order(original)
    assert factories.reload(original).status == status

    copy = factories.reload(orders.duplicate_order(original))

    assert copy.id != original.id and copy.number != original.number
    assert (copy.status, copy.source, copy.client_id) == ("concept", "portal", client.id)
    assert (copy.delivery_name, copy.delivery_city, copy.reference, copy.email) == (
        "Pietersen", "Amsterdam", "R-1", "p@example.com")
    assert [(line.product_id, line.amount, line.price) for line in orders.order_lines(copy)] == [
        (first.id, 2, Decimal("9.95")), (second.id, 1, Decimal("1.25"))]
    assert factories.reload(original).status == status
    assert all_problems() == []


def test_duplicate_leaves_out_inactive_products(app):
    client = factories.make_client()
    kept, dropped = factories.make_product(client), factories.make_product(client)
    original = factories.make_order(client, lines=[(kept, 1), (dropped, 1)])
    catalog.update_product(dropped, active=False)

    copy = orders.duplicate_order(original)

    assert [line.product_id for line in orders.order_lines(copy)] == [kept.id]


# --- order lines ------------------------------------------------------------------------------


def test_lines_change_while_the_order_is_a_concept(app):
    client = factories.make_client()
    product = factories.make_product(client)
    order = factories.make_order(client, lines=[(product, 1)])

    added = orders.add_order_line(order, factories.make_product(client), 2)
    orders.update_order_line(OrderLine.get_by_id(added.id), amount=5)
    orders.remove_order_line(OrderLine.get(OrderLine.product == product))

    assert [(line.id, line.amount) for line in orders.order_lines(order)] == [(added.id, 5)]


def test_removing_the_last_line_is_refused(app):
    order = factories.make_order()
    with pytest.raises(ValidationFailed):
        orders.remove_order_line(OrderLine.get(OrderLine.order == order))
    assert OrderLine.select().count() == 1


def test_adding_another_clients_product_is_refused(app):
    order = factories.make_order()
    with pytest.raises(UnknownProduct):
        orders.add_order_line(order, factories.make_product(factories.make_client()), 1)
    assert OrderLine.select().count() == 1


@pytest.mark.parametrize("status", ["processing", "paused", "cancelled"])
def test_lines_are_locked_once_the_order_is_no_concept(app, status):
    client = factories.make_client()
    order = factories.make_order(client, process=True)
    if status == "paused":
        orders.pause_order(order)
    elif status == "cancelled":
        orders.cancel_order(order)
    line = OrderLine.get(OrderLine.order == order)
    other_product = factories.make_product(client)
    before = table_contents()

    with pytest.raises(OrderLinesLocked):
        orders.add_order_line(order, other_product, 1)
    with pytest.raises(OrderLinesLocked):
        orders.update_order_line(line, amount=9)
    with pytest.raises(OrderLinesLocked):
        orders.remove_order_line(line)

    assert table_contents() == before
