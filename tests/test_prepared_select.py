"""A prepared select compiles its SQL once and binds each run's own values."""

import pytest
from peewee import JOIN

from fulfilment.db import PreparedSelect
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
