"""A prepared select compiles its SQL once and binds each run's own values; PostgreSQL plans it once per connection."""

import logging

import pytest
from peewee import JOIN, SQL, DatabaseError

from fulfilment.db import PreparedSelect, bind_database, database, is_sqlite
from fulfilment.models import Client, Product
from fulfilment.services import login_sessions
from tests import factories
from tests.conftest import count_queries


def _products_with_client(code):
    return (Product.select(Product, Client).join(Client, JOIN.LEFT_OUTER)
            .where(Product.product_code == code).order_by(Product.id))


def test_each_run_binds_its_own_values_and_returns_the_joined_rows(app):
    first_client, second_client = factories.make_client(name="Alpha"), factories.make_client(name="Beta")
    factories.make_product(first_client, product_code="SHARED")
    factories.make_product(second_client, product_code="SHARED")
    factories.make_product(second_client, product_code="OWN")
    prepared = PreparedSelect(_products_with_client)

    shared = list(prepared.run("SHARED"))
    own = prepared.first("OWN")

    assert [(p.id, p.client.name) for p in shared] == [(p.id, p.client.name) for p in _products_with_client("SHARED")]
    assert [p.client.name for p in shared] == ["Alpha", "Beta"]
    assert (own.product_code, own.client.name) == ("OWN", "Beta")
    assert prepared.first("NOWHERE") is None


def test_the_query_is_built_and_compiled_once(app):
    built = []

    def build(code):
        built.append(code)
        return _products_with_client(code)

    prepared = PreparedSelect(build)
    for code in ("A", "B", "C"):
        with count_queries() as counter:
            prepared.first(code)
        assert counter.n == 1
    assert len(built) == 1


def test_the_rows_layout_is_worked_out_on_the_first_run_only(app, monkeypatch):
    """Peewee matches the result's columns to models and fields before the first row of each run;
    a prepared select keeps that from its first run, and later runs still fill every joined model."""
    import peewee

    client = factories.make_client(name="Alpha")
    for code in ("A", "B"):
        factories.make_product(client, product_code=code)
    resolved = []
    resolve = peewee._resolve_model_columns
    monkeypatch.setattr(peewee, "_resolve_model_columns", lambda *args: resolved.append(1) or resolve(*args))
    prepared = PreparedSelect(_products_with_client)

    assert prepared.first("NOWHERE") is None  # no row: nothing was worked out yet
    found = [prepared.first(code) for code in ("A", "B", "A")]

    assert [(product.product_code, product.client.name) for product in found] == [
        ("A", "Alpha"), ("B", "Alpha"), ("A", "Alpha")]
    assert not any(product.is_dirty() for product in found)
    assert len(resolved) == 1


def test_a_slot_the_query_does_not_use_is_refused(app):
    prepared = PreparedSelect(lambda code, unused: _products_with_client(code), slots=2)
    with pytest.raises(ValueError):
        prepared.first("A", "B")


def test_the_login_session_lookup_finds_only_its_own_token(app):
    staff = factories.make_staff_user(username="night-shift")
    client_user = factories.make_portal_user()
    staff_token = login_sessions.start_session(staff)
    portal_token = login_sessions.start_session(client_user)

    staff_session = login_sessions.find_session(staff_token)
    portal_session = login_sessions.find_session(portal_token)

    client_name = Client.get_by_id(client_user.client_id).name
    with count_queries() as counter:  # the user and a portal user's client came with the session
        assert staff_session.user.username == "night-shift" and staff_session.portal_user is None
        assert portal_session.user.id == client_user.id
        assert portal_session.user.client.name == client_name
    assert counter.n == 0
    assert login_sessions.find_session("not-a-token") is None


# --- PostgreSQL: planned once per connection -------------------------------------------------

def _statements_prepared_here():
    return [name for (name,) in database.execute_sql("SELECT name FROM pg_prepared_statements ORDER BY name")]


@pytest.fixture
def postgresql(app):
    if is_sqlite():
        pytest.skip("SQLite compiles a statement per connection by itself (Python's sqlite3 keeps them)")
    database.connect(reuse_if_open=True)
    yield
    database.close()


def test_postgresql_prepares_the_select_once_per_connection_and_executes_it_after(postgresql, caplog):
    client = factories.make_client(name="Alpha")
    factories.make_product(client, product_code="A")
    prepared = PreparedSelect(_products_with_client)
    caplog.set_level(logging.DEBUG, logger="peewee")

    with count_queries() as counter:
        found = [prepared.first(code) for code in ("A", "NOWHERE", "A")]

    assert [(p.product_code, p.client.name) if p else None for p in found] == [
        ("A", "Alpha"), None, ("A", "Alpha")]
    _query, sql, _params, _bound, name = prepared._compile()
    sent = [record.msg[0] for record in caplog.records if isinstance(record.msg, tuple)]
    assert sent == [f"EXECUTE {name} (%s)"] * 3
    assert _statements_prepared_here() == [name]
    assert counter.statements == [sql] * 3  # a query log reads the SQL behind the name


def test_a_prepared_statement_outlives_a_rolled_back_transaction(postgresql):
    client = factories.make_client(name="Alpha")
    factories.make_product(client, product_code="A")
    prepared = PreparedSelect(_products_with_client)

    with database.atomic() as transaction:
        assert prepared.first("A").client.name == "Alpha"
        transaction.rollback()

    assert prepared.first("A").client.name == "Alpha"


def test_a_prepare_refused_in_a_failed_transaction_is_made_again_later(postgresql):
    client = factories.make_client(name="Alpha")
    factories.make_product(client, product_code="A")
    prepared = PreparedSelect(_products_with_client)

    with pytest.raises(DatabaseError), database.atomic():
        with pytest.raises(DatabaseError):
            database.execute_sql("SELECT 1 / 0")
        prepared.first("A")  # the transaction is aborted: PostgreSQL refuses the PREPARE

    assert _statements_prepared_here() == []
    assert prepared.first("A").client.name == "Alpha"


def test_a_percent_sign_in_the_sql_reads_the_same_prepared(postgresql):
    client = factories.make_client(name="Alpha")
    factories.make_product(client, product_code="A")

    def build(code):
        return Product.select(Product.product_code, SQL("'50%%'")).where(Product.product_code == code).tuples()

    assert PreparedSelect(build).first("A") == ("A", "50%") == build("A").get()


def test_without_preparing_the_plain_select_runs(postgresql, database_url):
    client = factories.make_client(name="Alpha")
    factories.make_product(client, product_code="A")
    bind_database(database_url, prepare=False)
    prepared = PreparedSelect(_products_with_client)

    with count_queries() as counter:
        assert prepared.first("A").client.name == "Alpha"

    assert counter.statements[0].startswith("SELECT")
    assert _statements_prepared_here() == []


def test_a_statement_the_server_forgot_is_prepared_again(postgresql):
    client = factories.make_client(name="Alpha")
    factories.make_product(client, product_code="A")
    prepared = PreparedSelect(_products_with_client)
    assert prepared.first("A").client.name == "Alpha"

    database.execute_sql("DEALLOCATE ALL")  # as a pooler's DISCARD ALL would
    assert prepared.first("A").client.name == "Alpha"  # no transaction cut short: at once

    database.execute_sql("DEALLOCATE ALL")
    with pytest.raises(DatabaseError), database.atomic():
        prepared.first("A")  # inside a transaction the error has aborted it
    assert prepared.first("A").client.name == "Alpha"  # the next run prepares it again


def test_the_setting_reaches_the_database_the_app_binds(database_url):
    from fulfilment import create_app
    from fulfilment.config import settings_from_environment
    from tests.conftest import _test_config

    assert settings_from_environment({"FULFILMENT_DATABASE_PREPARE": "false"}) == {"DATABASE_PREPARE": False}
    try:
        create_app({**_test_config(database_url), "DATABASE_PREPARE": False})
        assert database.obj.prepare_statements is False
        create_app(_test_config(database_url))  # on by default
        assert database.obj.prepare_statements is True
    finally:
        bind_database(database_url)
