"""The stock ledger: every change is one ledger line, stock stays ≥ 0 and ≥ allocated."""

import pytest

from fulfilment.models import Backorder, PicklistLine, Stock, StockMutation
from fulfilment.services import stock, stock_corrections
from fulfilment.services.errors import InsufficientStock, ValidationFailed
from tests import factories
from tests.services.invariants import ledger_problems, table_contents


def ledger(product):
    return [(m.old_stock, m.change, m.new_stock, m.change_type, m.reason)
            for m in StockMutation.select().where(StockMutation.product == product).order_by(StockMutation.id)]


def test_each_change_writes_one_ledger_line_with_old_change_and_new(app):
    product = factories.make_product()
    warehouse = factories.warehouse()

    stock_corrections.change_stock(product, warehouse, 5, "Counted")
    stock_corrections.change_stock(product, warehouse, -2, "Damaged")
    stock.record_mutation(product, warehouse, 4, "manual", reason="Found")

    assert ledger(product) == [
        (0, 5, 5, "correction", "Counted"),
        (5, -2, 3, "correction", "Damaged"),
        (3, 4, 7, "manual", "Found"),
    ]
    assert factories.stock_levels(product) == (7, 0)
    assert ledger_problems() == []


def test_ledger_line_names_the_staff_member_who_changed_stock(app):
    staff = factories.make_staff_user(username="alice")
    product = factories.make_product()

    mutation = stock_corrections.change_stock(product, factories.warehouse(), 3, "Counted", actor=staff)

    assert (mutation.actor, mutation.staff_user_id, mutation.client_id) == ("staff alice", staff.id, product.client_id)


def test_stock_never_goes_below_zero(app):
    product = factories.make_product(stock_amount=3)
    before = table_contents()

    with pytest.raises(InsufficientStock):
        stock_corrections.change_stock(product, factories.warehouse(), -4, "Lost")

    assert table_contents() == before
    assert factories.stock_levels(product) == (3, 0)


def test_stock_cannot_drop_below_what_is_allocated(app):
    client = factories.make_client()
    product = factories.make_product(client, stock_amount=3)
    factories.make_order(client, lines=[(product, 2)], process=True)
    before = table_contents()

    with pytest.raises(InsufficientStock):
        stock_corrections.change_stock(product, factories.warehouse(), -2, "Lost")
    with pytest.raises(InsufficientStock):
        stock_corrections.set_stock(product, factories.warehouse(), 1, "Counted")

    assert table_contents() == before
    stock_corrections.change_stock(product, factories.warehouse(), -1, "Lost")
    assert factories.stock_levels(product) == (2, 2)
    assert ledger_problems() == []


@pytest.mark.parametrize("reason", ["", "   ", None])
def test_correction_needs_a_reason(app, reason):
    product = factories.make_product(stock_amount=3)
    before = table_contents()

    with pytest.raises(ValidationFailed):
        stock_corrections.change_stock(product, factories.warehouse(), 1, reason)
    with pytest.raises(ValidationFailed):
        stock_corrections.set_stock(product, factories.warehouse(), 9, reason)

    assert table_contents() == before


@pytest.mark.parametrize("change", [0, 1.5, "2", True])
def test_stock_change_must_be_a_whole_number_other_than_zero(app, change):
    product = factories.make_product(stock_amount=3)
    before = table_contents()

    with pytest.raises(ValidationFailed):
        stock_corrections.change_stock(product, factories.warehouse(), change, "Counted")

    assert table_contents() == before


def test_unknown_change_type_is_refused(app):
    product = factories.make_product()
    with pytest.raises(ValidationFailed):
        stock.record_mutation(product, factories.warehouse(), 1, "gift")
    assert not StockMutation.select().exists()


def test_positive_correction_serves_backorders_oldest_first(app):
    client = factories.make_client()
    product = factories.make_product(client)
    older = factories.make_order(client, lines=[(product, 2)], process=True)
    younger = factories.make_order(client, lines=[(product, 2)], process=True)

    stock_corrections.change_stock(product, factories.warehouse(), 3, "Found on another shelf")

    assert [(line.amount, line.picklist.order_id) for line in PicklistLine.select().order_by(PicklistLine.id)] == [
        (2, older.id), (1, younger.id)]
    assert not Backorder.select().where(Backorder.order == older).exists()
    assert Backorder.get(Backorder.order == younger).amount == 1
    assert factories.stock_levels(product) == (3, 3)
    assert ledger_problems() == []


def test_set_stock_sets_an_absolute_amount_and_records_the_difference(app):
    product = factories.make_product(stock_amount=7)

    stock_corrections.set_stock(product, factories.warehouse(), 3, "Yearly count")
    stock_corrections.set_stock(product, factories.warehouse(), 10, "Recount")

    assert ledger(product)[1:] == [(7, -4, 3, "correction", "Yearly count"), (3, 7, 10, "correction", "Recount")]
    assert factories.stock_levels(product) == (10, 0)


@pytest.mark.parametrize("amount", [-1, 2.5, "4", None])
def test_set_stock_needs_a_whole_number_of_zero_or_more(app, amount):
    product = factories.make_product(stock_amount=7)
    before = table_contents()

    with pytest.raises(ValidationFailed):
        stock_corrections.set_stock(product, factories.warehouse(), amount, "Count")

    assert table_contents() == before


def test_set_stock_to_the_current_amount_changes_nothing(app):
    product = factories.make_product(stock_amount=7)
    before = table_contents()

    with pytest.raises(ValidationFailed):
        stock_corrections.set_stock(product, factories.warehouse(), 7, "Count")

    assert table_contents() == before


def test_allocate_takes_all_units_or_none(app):
    product = factories.make_product(stock_amount=1)
    before = table_contents()

    with pytest.raises(InsufficientStock):
        stock.allocate(product, factories.warehouse(), 2)

    assert table_contents() == before
    stock.allocate(product, factories.warehouse(), 1)
    assert factories.stock_levels(product) == (1, 1)


def test_allocate_up_to_takes_what_is_free(app):
    product = factories.make_product(stock_amount=3)

    assert stock.allocate_up_to(product, factories.warehouse(), 5) == 3
    assert stock.allocate_up_to(product, factories.warehouse(), 5) == 0
    assert factories.stock_levels(product) == (3, 3)


def test_release_gives_back_allocated_units_and_never_more(app):
    product = factories.make_product(stock_amount=3)
    stock.allocate(product, factories.warehouse(), 2)

    stock.release(product, factories.warehouse(), 1)
    with pytest.raises(InsufficientStock):
        stock.release(product, factories.warehouse(), 2)

    assert factories.stock_levels(product) == (3, 1)


# --- the bulk paths: many products in a few statements, the ledger still adds up -------------------


def test_record_mutations_books_many_products_with_their_ledger_lines_in_a_few_statements(app):
    from fulfilment.services.stock import record_mutations
    from tests.conftest import count_queries
    from tests.services.invariants import ledger_problems

    client = factories.make_client()
    products = [factories.make_product(client) for _ in range(30)]
    stock_corrections.change_stock(products[0], factories.warehouse(), 5, "Counted")
    with count_queries() as counter:
        written = record_mutations([(product, 3 + n) for n, product in enumerate(products)], factories.warehouse(),
                                   "receipt", reason="Pallet 7")
    assert written == 30
    assert counter.n <= 10  # not one per product
    assert [s.stock for s in Stock.select().order_by(Stock.product)] == [8] + [3 + n for n in range(1, 30)]
    assert ledger_problems() == []


def test_record_mutations_refuses_as_a_whole_when_one_product_would_go_below_its_allocation(app):
    from fulfilment.services.stock import record_mutations
    from tests.services.invariants import table_contents

    client = factories.make_client()
    plenty, scarce = factories.make_product(client, stock_amount=10), factories.make_product(client, stock_amount=2)
    stock.allocate(scarce, factories.warehouse(), 2)
    before = table_contents()
    with pytest.raises(InsufficientStock, match=scarce.product_code):
        record_mutations([(plenty, -3), (scarce, -1)], factories.warehouse(), "correction", reason="Damaged")
    assert table_contents() == before


def test_allocate_many_takes_what_is_free_in_order_and_books_it_in_one_update(app):
    from fulfilment.services.stock import allocate_many

    client = factories.make_client()
    a, b, c = (factories.make_product(client, stock_amount=n) for n in (5, 0, 3))
    taken = allocate_many([(a.id, 4), (b.id, 2), (a.id, 4), (c.id, 3), (c.id, 0)], factories.warehouse())
    assert taken == [4, 0, 1, 3, 0]
    assert {s.product_id: s.allocated for s in Stock.select()} == {a.id: 5, b.id: 0, c.id: 3}
