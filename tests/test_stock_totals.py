"""Each product's stock and free stock over its warehouses, kept on the product by the stock table's
triggers (fulfilment/stock_totals.py): every kind of stock change reaches them, a stale copy of a
product cannot write them back, and the portal's list sorts by them through an index."""

import pytest

from fulfilment import stock_totals
from fulfilment.db import database, is_sqlite
from fulfilment.models import Product, Stock, Warehouse
from fulfilment.services import catalog, listings, orders, picking, purchasing, stock_corrections
from tests import factories
from tests.concurrency import run_together


def totals(product):
    row = Product.get_by_id(product.id)
    return row.stock_total, row.free_total


def test_every_kind_of_stock_change_reaches_the_products_totals(app):
    client = factories.make_client()
    second = Warehouse.create(name="Second")
    mug = factories.make_product(client, product_code="MUG", stock_amount=10)
    assert totals(mug) == (10, 10)
    stock_corrections.change_stock(mug, second, 5, "Counted")
    assert totals(mug) == (15, 15)

    order = factories.make_order(client, lines=[(mug, 4)], process=True)  # allocates in the main warehouse
    assert totals(mug) == (15, 11)
    picking.close_picklist(factories.open_picklist(order))  # picked: stock and allocation both go down
    assert totals(mug) == (11, 11)

    cancelled = factories.make_order(client, lines=[(mug, 3)], process=True)
    assert totals(mug) == (11, 8)
    picking.cancel_picklist(factories.open_picklist(cancelled))  # released; the order waits, backordered
    assert totals(mug) == (11, 11)

    purchase_order = factories.make_purchase_order(client, lines=[(mug, 6)])
    purchasing.register_receipt(purchase_order, {purchase_order.lines.get().id: 6})
    assert totals(mug) == (17, 14)  # received, and 3 allocated to the backordered order
    stock_corrections.set_stock(mug, second, 0, "Damaged")
    assert totals(mug) == (12, 9)
    assert stock_totals.miscounted_products() == []


def test_a_row_written_without_the_services_counts_too(app):
    """The triggers sit on the table: an UPDATE or DELETE in plain SQL moves the totals as well."""
    mug = factories.make_product(stock_amount=10)
    Stock.update(allocated=Stock.allocated + 3).where(Stock.product == mug).execute()
    assert totals(mug) == (10, 7)
    Stock.update(stock=0, allocated=0).where(Stock.product == mug).execute()
    Stock.delete().where(Stock.product == mug).execute()
    assert totals(mug) == (0, 0)
    assert stock_totals.miscounted_products() == []


def test_a_product_saved_from_a_copy_read_before_a_stock_change_keeps_the_new_totals(app):
    mug = factories.make_product(stock_amount=10)
    earlier = Product.get_by_id(mug.id)
    stock_corrections.change_stock(mug, factories.warehouse(), 5, "Found")

    catalog.update_product(earlier, name="Blue mug")
    earlier.save()

    assert Product.get_by_id(mug.id).name == "Blue mug"
    assert totals(mug) == (15, 15)


def test_recount_puts_wrong_totals_right(app):
    mug, tea = factories.make_product(stock_amount=10), factories.make_product(stock_amount=2)
    Product.update(stock_total=99, free_total=-1).where(Product.id == mug.id).execute()
    assert stock_totals.miscounted_products() == [mug.id]

    assert stock_totals.recount() == 1

    assert (totals(mug), totals(tea)) == ((10, 10), (2, 2))
    assert stock_totals.miscounted_products() == []


def test_stock_changed_in_two_warehouses_at_once_counts_every_change(app):
    """Each writer adds its own difference: no transaction overwrites another's, on PostgreSQL's
    once-per-statement triggers as on SQLite's per row."""
    mug = factories.make_product(stock_amount=50)
    second = Warehouse.create(name="Second")
    stock_corrections.change_stock(mug, second, 50, "Counted")
    changes = [(warehouse, change) for warehouse in (factories.warehouse(), second) for change in (3, -2, 4, -1)]

    outcomes = run_together(*[
        lambda warehouse=warehouse, change=change: stock_corrections.change_stock(mug, warehouse, change, "Race")
        for warehouse, change in changes
    ])

    assert [outcome for outcome, _ in outcomes] == ["ok"] * len(changes)
    assert totals(mug) == (108, 108)
    assert stock_totals.miscounted_products() == []


def test_orders_of_several_products_in_opposite_order_update_the_totals_without_deadlock(app):
    client = factories.make_client()
    shoes, socks = factories.make_product(client, stock_amount=20), factories.make_product(client, stock_amount=20)
    pairs = [(factories.make_order(client, lines=[(shoes, 1), (socks, 1)]),
              factories.make_order(client, lines=[(socks, 1), (shoes, 1)])) for _ in range(3)]

    for first, second in pairs:
        outcomes = run_together(lambda first=first: orders.process_order(first),
                                lambda second=second: orders.process_order(second))
        assert [outcome for outcome, _ in outcomes] == ["ok", "ok"]

    assert (totals(shoes), totals(socks)) == ((20, 14), (20, 14))


def test_products_sorted_by_free_stock_come_from_the_totals_index_without_a_sort(app):
    if not is_sqlite():
        pytest.skip("reads SQLite's EXPLAIN QUERY PLAN; the migration makes the same index on PostgreSQL")
    client = factories.make_client()
    for amount in (5, 0, 9):
        factories.make_product(client, stock_amount=amount)
    for sort, index in (("free", "product_client_free_total"), ("-stock", "product_client_stock_total"),
                        ("value", "product_client_stock_value")):
        sql, params = listings.ProductList(client, sort=sort).rows().limit(25).sql()
        plan = " ".join(str(row) for row in database.execute_sql("EXPLAIN QUERY PLAN " + sql, params).fetchall())
        assert index in plan and "TEMP B-TREE" not in plan, (sort, plan)
    free = [p.free_total for p in listings.ProductList(client, sort="-free").rows()]
    assert free == [9, 5, 0]


def test_the_stock_rows_are_no_longer_indexed_by_free_stock(app):
    """Migration 18's (client, stock − allocated) index served the low-stock lists, which read the
    product's free_total now: migration 31 drops it, so stock changes no longer update it."""
    assert "stock_client_free" not in {index.name for index in database.get_indexes(Stock._meta.table_name)}
