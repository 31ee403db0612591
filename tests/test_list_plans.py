"""The pages that read a big client's rows newest first read them through an index, whatever the
planner's statistics say (issue 14): a plan that sorts every row to show 25 took seconds at scale."""

import pytest

from fulfilment.db import database, is_sqlite
from fulfilment.models import Order
from fulfilment.services import listings
from fulfilment.services.orders import OPEN_STATUSES
from fulfilment.views.dashboard import _NEWEST_FIRST
from tests import factories


def _plan(query):
    sql, params = query.sql()
    return " ".join(str(row) for row in database.execute_sql("EXPLAIN QUERY PLAN " + sql, params).fetchall())


@pytest.fixture
def sqlite_only():
    if not is_sqlite():
        pytest.skip("reads SQLite's EXPLAIN QUERY PLAN; PostgreSQL gets the same indexes (tests/test_migrations.py)")


def test_the_stock_history_of_all_products_reads_the_newest_lines_through_an_index(app, sqlite_only):
    client = factories.make_client()
    plan = _plan(listings.StockHistory(client, newest_first=True).rows().limit(25))
    assert "stock_mutation_client_id_created_at" in plan
    assert "TEMP B-TREE FOR ORDER BY" not in plan


def test_the_dashboards_open_orders_are_found_through_the_status_index(app, sqlite_only):
    client = factories.make_client()
    query = (Order.for_client(client).where(Order.status.in_(OPEN_STATUSES))
             .order_by(_NEWEST_FIRST, Order.id.desc()).limit(5))
    assert "order_client_id_status_created_at" in _plan(query)


def test_the_back_office_ledger_by_date_reads_an_index_not_a_sort(app, sqlite_only):
    from fulfilment.models import StockMutation

    plan = _plan(StockMutation.select(StockMutation.id)
                 .order_by(StockMutation.created_at.desc(), StockMutation.id.desc()).limit(50).offset(9950))
    assert "stock_mutation_created_at" in plan and "TEMP B-TREE" not in plan


def test_the_back_office_counts_orders_and_units_to_pick_from_indexes_alone(app, sqlite_only):
    """The open picklists' (status, order, units) index and the processing orders' index: no
    picklist line is read (migration 23; units at a million orders 14 -> 6.5 ms)."""
    from fulfilment.models import OPEN_PICKLIST_UNITS_INDEX
    from fulfilment.services.todays_work import to_pick_totals_query

    plan = _plan(to_pick_totals_query())
    assert f"COVERING INDEX {OPEN_PICKLIST_UNITS_INDEX}" in plan and "COVERING INDEX order_processing_id_status" in plan
    assert "picklist_line" not in plan


def test_the_back_office_counts_open_picklists_through_their_status(app, sqlite_only):
    from fulfilment.models import Picklist

    plan = _plan(Picklist.select(Picklist.order).where(Picklist.status == "new"))
    # (status, order) of migration 11 or (status, id, order) of migration 21: the index alone
    assert "COVERING INDEX picklist_status_" in plan and "SCAN" not in plan


@pytest.mark.parametrize("with_statistics", [False, True])
def test_an_order_search_walks_its_matches_newest_first_instead_of_all_the_clients_orders(
        app, sqlite_only, with_statistics):
    """The trigram index's matches drive, newest first, each looked up by id, and the page stops the
    walk: no list of every match first (a common name: 55,000 ids), no sort, and no walk over the
    client's orders asking the index about each (for a rare text that reads them all), whatever
    statistics a young database's ANALYZE left."""
    from fulfilment.db import refresh_statistics

    client = factories.make_client()
    for _ in range(3):
        factories.make_order(client, delivery_name="Daan Jansen")
    if with_statistics:  # as if each client had a single order: the client's index looks the better start
        refresh_statistics()
        database.execute_sql("DELETE FROM sqlite_stat1 WHERE tbl = 'order'")
        database.execute_sql("INSERT INTO sqlite_stat1 (tbl, idx, stat) SELECT 'order', name, '1000000 1' "
                             "FROM sqlite_master WHERE type = 'index' AND tbl_name = 'order' "
                             "AND name LIKE '%client_id%'")
        database.execute_sql("ANALYZE sqlite_schema")  # the planner reads the statistics again
    try:
        plan = _plan(listings.OrderList(client, search="jansen").rows().limit(25))
    finally:
        database.execute_sql("DELETE FROM sqlite_stat1")
        database.execute_sql("ANALYZE sqlite_schema")
    assert "VIRTUAL TABLE" in plan and plan.index("VIRTUAL TABLE") < plan.index("INTEGER PRIMARY KEY")
    assert "LIST SUBQUERY" not in plan and "TEMP B-TREE" not in plan


def test_the_webshops_page_counts_seen_orders_from_an_index_alone(app, sqlite_only):
    from fulfilment.views.webshops import webshops_with_seen_counts

    client = factories.make_client()
    plan = _plan(webshops_with_seen_counts(client).limit(25))
    assert plan.count("COVERING INDEX webshop_order_client_id_webshop_id_status") == 3
    assert "SCAN seen" not in plan and "TEMP B-TREE" not in plan


def test_the_back_offices_orders_to_pick_are_found_through_the_status_of_orders(app, sqlite_only):
    from fulfilment.services.todays_work import orders_to_pick

    plan = _plan(Order.select(Order.id).where(orders_to_pick()))
    assert "order_processing_id_status" in plan and "SCAN " not in plan


def test_the_portals_open_orders_keep_their_index_after_statistics_of_a_small_table(app, sqlite_only):
    from fulfilment.db import refresh_statistics

    client = factories.make_client()
    for _ in range(3):
        factories.make_order(client)
    refresh_statistics()  # what a young database's ANALYZE leaves: every index "3 rows per key"
    try:
        query = (Order.for_client(client).where(Order.status.in_(OPEN_STATUSES))
                 .order_by(_NEWEST_FIRST, Order.id.desc()).limit(5))
        assert "order_client_id_status_created_at" in _plan(query)
    finally:
        database.execute_sql("DELETE FROM sqlite_stat1")
        database.execute_sql("ANALYZE sqlite_schema")  # the planner forgets the statistics again


def test_a_low_stock_list_looks_up_the_low_stock_rows_instead_of_summing_every_product(app, sqlite_only):
    client = factories.make_client()
    factories.make_product(client, product_code="STOCKED", stock_amount=10)
    plan = _plan(listings.ProductList(client, stock_filter="low").rows().limit(25))
    assert "product_client_free_total" in plan


def test_the_back_office_counts_failed_webshop_imports_from_an_index_of_the_failed_ones(app, sqlite_only):
    from fulfilment.models import FAILED_WEBSHOP_ORDERS_INDEX, WebshopOrder
    from fulfilment.services import todays_work

    assert FAILED_WEBSHOP_ORDERS_INDEX in _plan(WebshopOrder.select().where(todays_work.failed_imports()))


@pytest.mark.parametrize("model_name", ["Picklist", "OutboxMail", "WebhookDelivery"])
def test_a_back_office_list_filtered_by_status_reads_the_newest_rows_through_an_index(app, sqlite_only, model_name):
    """With the statistics a sampled ANALYZE leaves at scale (about a thousand rows per status), the
    list of closed picklists read every closed one and sorted them by id to show 50 (0.6 s at a
    million orders): (status, id) reads the newest 50 and stops."""
    from fulfilment import models

    model = getattr(models, model_name)
    table = model._meta.table_name
    database.execute_sql("ANALYZE")  # creates sqlite_stat1
    database.execute_sql("DELETE FROM sqlite_stat1")
    database.execute_sql("INSERT INTO sqlite_stat1 (tbl, idx, stat) SELECT ?, name, '1000000 1001 1 1' "
                         "FROM sqlite_master WHERE type = 'index' AND tbl_name = ?", (table, table))
    database.execute_sql("ANALYZE sqlite_schema")  # the planner reads the statistics again
    try:
        plan = _plan(model.select(model.id).where(model.status == "closed")
                     .order_by(model.id.desc(), model.id.desc()).limit(50))
    finally:
        database.execute_sql("DELETE FROM sqlite_stat1")
        database.execute_sql("ANALYZE sqlite_schema")
    assert f"{table}_status_id" in plan and "TEMP B-TREE" not in plan


def test_the_expected_purchase_order_lines_have_a_partial_index_on_both_databases(app):
    """PostgreSQL finds the units still incoming for the dashboard's servable backorders from the
    open purchase orders through it instead of reading every line ever ordered (migration 22); the
    plan needs a warehouse's numbers, so here the index itself is checked, on either database."""
    from fulfilment.models import EXPECTED_PURCHASE_ORDER_LINES_INDEX, PurchaseOrderLine

    indexes = {index.name: index for index in database.get_indexes(PurchaseOrderLine._meta.table_name)}
    index = indexes[EXPECTED_PURCHASE_ORDER_LINES_INDEX]
    assert index.columns == ["purchase_order_id", "product_id"]
    assert "amount_received" in index.sql


def test_the_servable_backorders_look_up_each_backorders_stock_instead_of_gathering_all_stock(app):
    """Each backorder asks for its own stock row and its product's expected lines (scalar
    subqueries, one index lookup each): IN lists first gathered every stock row with free stock
    and every expected line (SQLite 29 -> 7 ms at scale 1), and PostgreSQL turned EXISTS into a
    hash of them (44 -> 12 ms)."""
    from fulfilment.models import Backorder
    from fulfilment.services.todays_work import servable_backorders

    query = Backorder.select(Backorder.id).where(servable_backorders())
    if is_sqlite():
        plan = _plan(query)
        assert "CORRELATED" in plan and "LIST SUBQUERY" not in plan
        assert "stock_product_id_warehouse_id" in plan and "purchase_order_line_product_id" in plan
    else:
        sql, params = query.sql()
        plan = " ".join(row[0] for row in database.execute_sql("EXPLAIN " + sql, params).fetchall())
        assert "SubPlan" in plan and "hashed SubPlan" not in plan and "Hash Join" not in plan


def test_the_portals_shipments_are_counted_from_the_picklists_alone(app):
    """Joined, PostgreSQL read every counted picklist from the table for its order and return keys
    instead of from the (client, status, closed_at, id) index (200 → 10 ms for 10,000 shipments)."""
    client = factories.make_client()
    factories.make_shipped_order(client)
    factories.make_order(client, process=True)  # an open picklist: not a shipment
    shipments = listings.ShipmentList(client)

    sql = shipments.count_query().sql()[0]
    assert "JOIN" not in sql and '"order"' not in sql and '"return"' not in sql
    assert shipments.count_query().count() == len(list(shipments.rows())) == 1


def _ordered_by_an_index(query):
    """Whether the database reads query's rows in its order from an index, sorting nothing (on
    PostgreSQL with sorts and table scans priced out, as a big table prices them)."""
    sql, params = query.sql()
    if is_sqlite():
        return "TEMP B-TREE" not in _plan(query)
    with database.atomic() as transaction:
        for setting in ("enable_sort", "enable_seqscan", "enable_bitmapscan"):
            database.execute_sql(f"SET LOCAL {setting} = off")
        plan = " ".join(row[0] for row in database.execute_sql("EXPLAIN " + sql, params).fetchall())
        transaction.rollback()
    return "Sort" not in plan and "Index" in plan


@pytest.mark.parametrize("page", ["orders", "orders by status", "orders by source", "stock history",
                                  "one product's stock history", "purchase orders", "returns"])
def test_a_newest_first_list_reads_a_deep_page_of_ids_from_an_index_in_order(app, page):
    """Sorted on (created_at, id): PostgreSQL's indexes end with the id too (migration 25); without
    it a small client's last page of orders sorted all 16,000 of them (42 ms)."""
    from fulfilment.models import Order, PurchaseOrder, Return, StockMutation

    client = factories.make_client()
    product = factories.make_product(client, stock_amount=1)
    queries = {
        "orders": listings.OrderList(client).count_query(),
        "orders by status": listings.OrderList(client, status="processing").count_query(),
        "orders by source": listings.OrderList(client, source="api").count_query(),
        "stock history": listings.StockHistory(client, newest_first=True).count_query(),
        "one product's stock history": listings.StockHistory(client, product=product, newest_first=True)
        .count_query(),
        "purchase orders": listings.PurchaseOrderList(client).rows(),
        "returns": Return.for_client(client),
    }
    model = {"purchase orders": PurchaseOrder, "returns": Return}.get(page, StockMutation if "stock" in page
                                                                     else Order)
    ids = (queries[page].select(model.id).order_by(model.created_at.desc(), model.id.desc())
           .limit(25).offset(9975))
    assert _ordered_by_an_index(ids)


def test_a_clients_products_in_id_order_have_an_index_of_their_own(app):
    """The back office filtered on a client, and the API for a client's key, list its products by id.
    PostgreSQL's index on client_id alone kept equal keys in table order: it walked the primary key
    backwards over every other client's newer products instead (80,000 rows for 50, 11 ms at scale
    1). (client_id, id) replaces it (migration 30); the plan needs a big table, so here the index
    itself is checked, and that the list sorts nothing."""
    from fulfilment.models import Product

    columns = {index.name: index.columns for index in database.get_indexes(Product._meta.table_name)}
    assert columns["product_client_id_id"] == ["client_id", "id"] and "product_client_id" not in columns
    client = factories.make_client()
    factories.make_product(client)
    assert _ordered_by_an_index(Product.for_client(client).select(Product.id).order_by(Product.id.desc()).limit(50))
