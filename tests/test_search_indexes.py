"""'Contains' search through the trigram indexes (SQLite FTS5 kept by triggers, PostgreSQL pg_trgm),
and the statistics init-db keeps current."""

import pytest

from fulfilment import create_app, migrations, search
from fulfilment.db import bind_database, database, is_sqlite
from fulfilment.models import Order, Product, PurchaseOrder, WebshopOrder
from fulfilment.services import listings
from tests import factories
from tests.conftest import WEBSHOP_TEST_KEY, portal_login


def found(model, text, *fields):
    return sorted(row.id for row in model.select().where(search.matches(text, *fields)))


def test_search_finds_a_piece_of_text_anywhere_in_any_field_whatever_its_case(app):
    client = factories.make_client()
    bloem = factories.make_order(client, reference="Bloem-2024-Tulp", delivery_name="Eva de Vries")
    other = factories.make_order(client, reference="SHOP-77", delivery_name="Daan Jansen")

    assert found(Order, "2024-tu", Order.reference, Order.delivery_name) == [bloem.id]
    assert found(Order, "JANSEN", Order.reference, Order.delivery_name) == [other.id]
    assert found(Order, "de v", Order.delivery_name) == [bloem.id]  # spaces are part of the text
    assert found(Order, "jansen", Order.reference) == []  # only the fields asked for
    assert found(Order, "nowhere", Order.reference, Order.delivery_name) == []


def test_search_follows_inserts_updates_and_deletes(app):
    client = factories.make_client()
    order = factories.make_order(client, reference="FIRST-REF")
    assert found(Order, "first", Order.reference) == [order.id]
    assert found(Order, order.number.lower(), Order.number) == [order.id]  # numbered after the insert

    Order.update(reference="SECOND-REF").where(Order.id == order.id).execute()
    assert found(Order, "first", Order.reference) == []
    assert found(Order, "second", Order.reference) == [order.id]

    Order.delete().where(Order.id == order.id).execute()
    assert found(Order, "second", Order.reference) == []


def test_short_texts_and_wildcards_are_taken_literally(app):
    client = factories.make_client()
    percent = factories.make_product(client, product_code="A%1", name="Hundred percent")
    plain = factories.make_product(client, product_code="AB1", name="Plain")

    assert found(Product, "%", Product.product_code) == [percent.id]  # one character: LIKE, escaped
    assert found(Product, "a%1", Product.product_code) == [percent.id]  # trigram, literal
    assert found(Product, "b1", Product.product_code) == [plain.id]
    assert found(Product, 'x"y', Product.product_code) == []  # a quote does not break the query


def test_portal_orders_search_uses_the_index_and_sees_only_the_clients_orders(app, portal_user):
    mine = factories.make_order(portal_user.client, reference="WEB-5521-NL")
    factories.make_order(factories.make_client(), reference="WEB-5521-DE")
    http = portal_login(app, portal_user)

    page = http.get("/fulfilmentportal/orders?q=5521").get_data(as_text=True)

    assert "WEB-5521-NL" in page and "WEB-5521-DE" not in page
    assert mine.number in page


def test_search_is_an_index_lookup_not_a_scan(app):
    condition = search.matches("jansen", Order.reference, Order.delivery_name)
    sql, _ = Order.select(Order.id).where(condition).sql()
    if is_sqlite():
        assert '"order_search" MATCH' in sql and "LIKE" not in sql
        plan = " ".join(str(row) for row in database.execute_sql(
            "EXPLAIN QUERY PLAN " + sql, ["{reference delivery_name} : \"jansen\""]).fetchall())
        assert "VIRTUAL TABLE INDEX" in plan
    else:
        names = {index.name for index in database.get_indexes("order")}
        assert {"order_reference_trgm", "order_delivery_name_trgm", "order_number_trgm"} <= names


def test_migration_6_indexes_the_rows_of_an_older_database(tmp_path, database_url):
    """A database at schema version 3 (before the trigram indexes) is upgraded; its rows are found."""
    if not is_sqlite():
        return _check_postgres_indexes()
    app = create_app({"DATABASE_URL": f"sqlite:///{tmp_path / 'old.sqlite3'}", "SECRET_KEY": "x",
                      "WEBSHOP_KEY": WEBSHOP_TEST_KEY, "HUEY_IMMEDIATE": True})
    saved = list(migrations.MIGRATIONS)
    try:
        with app.app_context():
            migrations.MIGRATIONS[:] = [m for m in saved if m[0] <= 3]
            migrations.upgrade()
            for table in search.SEARCHED:  # as version 3 had it: no search tables, the old picklist index
                database.execute_sql(f'DROP TABLE IF EXISTS "{search.search_table(table)}"')
            database.execute_sql('DROP INDEX "picklist_client_id_status_closed_at_id"')
            database.execute_sql('CREATE INDEX "picklist_client_id_status_closed_at" '
                                 'ON "picklist" ("client_id", "status", "closed_at")')
            order = factories.make_order(factories.make_client(), reference="OLD-ORDER-1")
            migrations.MIGRATIONS[:] = saved

            result = app.test_cli_runner().invoke(args=["init-db"])

            assert result.exit_code == 0, result.output
            assert "m0006_indexes_and_search" in result.output
            assert "Planner statistics refreshed" in result.output
            assert found(Order, "old-order", Order.reference) == [order.id]
            names = {index.name for index in database.get_indexes("picklist")}
            assert "picklist_client_id_order_id" in names and "picklist_client_id_status_closed_at" not in names
            assert database.execute_sql("SELECT COUNT(*) FROM sqlite_stat1").fetchone()[0] > 0
    finally:
        migrations.MIGRATIONS[:] = saved
        bind_database(database_url)


def _check_postgres_indexes():
    assert database.execute_sql("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'").fetchone()
    names = {index.name for index in database.get_indexes("product")}
    assert {"product_product_code_trgm", "product_name_trgm", "product_barcode_trgm"} <= names


def test_orders_seen_in_a_webshop_are_found_by_their_shop_number_id_or_reason(app):
    webshop = factories.make_webshop(factories.make_client())
    seen = WebshopOrder.create(client=webshop.client_id, webshop=webshop, foreign_id="wc-88123",
                               foreign_number="#88123", status="failed", reason="Unknown product BLUE-SCARF")
    WebshopOrder.create(client=webshop.client_id, webshop=webshop, foreign_id="wc-1", foreign_number="#1",
                        status="imported")
    fields = (WebshopOrder.foreign_id, WebshopOrder.foreign_number, WebshopOrder.reason)

    assert found(WebshopOrder, "8812", *fields) == [seen.id]
    assert found(WebshopOrder, "blue-scarf", *fields) == [seen.id]
    if is_sqlite():  # through the trigram index, not a scan
        sql, _ = WebshopOrder.select().where(search.matches("8812", *fields)).sql()
        assert "webshop_order_search" in sql


def test_purchase_orders_are_found_by_number_supplier_or_supplier_order_id_through_the_index(app):
    client = factories.make_client()
    wanted = factories.make_purchase_order(client, supplier_name="Textiel Groothandel Noord",
                                           supplier_orderid="TGN-55121")
    factories.make_purchase_order(client, supplier_name="Other supplier", supplier_orderid="X-1")
    fields = (PurchaseOrder.number, PurchaseOrder.supplier_name, PurchaseOrder.supplier_orderid)

    assert found(PurchaseOrder, "groothandel", *fields) == [wanted.id]
    assert found(PurchaseOrder, "5512", *fields) == [wanted.id]
    assert found(PurchaseOrder, wanted.number.lower(), *fields) == [wanted.id]
    if is_sqlite():  # through the trigram index, not a scan
        sql, _ = PurchaseOrder.select().where(search.matches("5512", *fields)).sql()
        assert "purchase_order_search" in sql
    else:
        names = {index.name for index in database.get_indexes("purchase_order")}
        assert {"purchase_order_number_trgm", "purchase_order_supplier_name_trgm"} <= names


REFERENCES = [f"ref-{n * 7919 % 1_000_000_000:09d}" for n in range(1, 1001)]  # every one starts "ref-"
CODES = [f"sku-{1 + n % 5:02d}-{n // 5:06d}" for n in range(1000)]  # a fifth of them hold "-01-0"


@pytest.mark.parametrize("sampled, text, looked_up", [
    (REFERENCES, "REF-563147998", "F-563147998"),  # the shared prefix is left to LIKE
    (CODES, "SKU-01-000007", "SKU-01-000007"),  # its uncommon piece "-01-0" is held by a fifth of the rows
    (REFERENCES, "Zoë-REF-12345", "Zoë-REF-12345"),  # not ASCII: LIKE would not fold its case
    (REFERENCES[:100], "REF-563147998", "REF-563147998"),  # a small table: every lookup is cheap
])
def test_a_search_looks_up_a_piece_of_its_text_only_where_that_costs_less(monkeypatch, sampled, text, looked_up):
    sample = search.TableSample(sampled)
    monkeypatch.setattr(search, "table_sample", lambda model: sample)
    assert search.rare_part(Order, text) == looked_up


def test_a_search_by_its_rare_piece_still_finds_exactly_the_rows_holding_the_whole_text(app, monkeypatch):
    """Every reference shares "REF-": the index is asked for "F-12345" and the whole text is tested
    on the rows it finds (LIKE on SQLite, STRPOS on PostgreSQL), which keeps only those holding
    "REF-12345", not the "DEF-12345" the piece also finds."""
    monkeypatch.setattr(search, "MIN_SAMPLE_ROWS", 5)
    monkeypatch.setattr(search, "VERIFY_WEIGHT", 1)  # ten rows: make checking them look cheap
    client = factories.make_client()
    wanted = factories.make_order(client, reference="REF-12345")
    factories.make_order(client, reference="DEF-12345")
    for n in range(8):
        factories.make_order(client, reference=f"REF-9000{n}")

    assert search.rare_part(Order, "ref-12345") == "f-12345"
    assert found(Order, "ref-12345", Order.reference, Order.delivery_name) == [wanted.id]
    sql, params = Order.select().where(search.matches("ref-12345", Order.reference)).sql()
    piece = '"f-12345"' if is_sqlite() else "%f-12345%"
    assert any(piece in str(p) for p in params) and "LIKE" in sql
    assert is_sqlite() or ("STRPOS" in sql and "ref-12345" in params)
    listed = listings.OrderList(client, search="REF-12345").rows()
    assert [order.id for order in listed] == [wanted.id]
