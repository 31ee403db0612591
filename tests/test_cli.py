"""The command line: init-db, create-staff, demo-data; configuration kept in the instance folder."""

from fulfilment import create_app
from fulfilment.config import persistent_secret_key
from fulfilment.db import bind_database
from fulfilment.migrations import MIGRATIONS, current_version
from fulfilment.models import Client, Order, StaffUser, StockMutation
from fulfilment.services.accounts import authenticate_staff
from tests import factories
from tests.conftest import WEBSHOP_TEST_KEY


def test_init_db_twice_on_a_database_with_data_keeps_the_data(app):
    client = factories.make_client(name="Keep me")
    factories.make_order(client)
    before = (Client.select().count(), Order.select().count(), StockMutation.select().count())
    runner = app.test_cli_runner()

    first = runner.invoke(args=["init-db"])
    second = runner.invoke(args=["init-db"])

    assert first.exit_code == 0 and second.exit_code == 0, first.output + second.output
    assert f"schema version {MIGRATIONS[-1][0]}" in second.output
    assert (Client.select().count(), Order.select().count(), StockMutation.select().count()) == before
    assert Client.get(Client.name == "Keep me")


def test_init_db_creates_a_fresh_sqlite_database(tmp_path, database_url):
    fresh = create_app({"DATABASE_URL": f"sqlite:///{tmp_path / 'fresh.sqlite3'}", "SECRET_KEY": "x",
                       "WEBSHOP_KEY": WEBSHOP_TEST_KEY, "HUEY_IMMEDIATE": True})
    try:
        result = fresh.test_cli_runner().invoke(args=["init-db"])
        assert result.exit_code == 0, result.output
        assert "Applied migrations: m0001_initial" in result.output
        with fresh.app_context():
            assert current_version() == MIGRATIONS[-1][0]
    finally:
        bind_database(database_url)  # the test database again


def test_create_staff_stores_a_hash_and_refuses_a_taken_name(app):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["create-staff", "marie", "--password", "a-good-password-1"])
    assert result.exit_code == 0, result.output
    assert StaffUser.get(StaffUser.username == "marie").password_hash.startswith("scrypt:")
    assert authenticate_staff("marie", "a-good-password-1") is not None
    again = runner.invoke(args=["create-staff", "marie", "--password", "another-password"])
    assert again.exit_code != 0
    assert "already taken" in again.output


def test_create_staff_prompts_for_the_password(app):
    result = app.test_cli_runner().invoke(args=["create-staff", "piet"], input="secret-pass-42\nsecret-pass-42\n")
    assert result.exit_code == 0, result.output
    assert authenticate_staff("piet", "secret-pass-42") is not None


def test_demo_data_fills_an_empty_database_and_prints_the_logins(app):
    result = app.test_cli_runner().invoke(args=["demo-data"])
    assert result.exit_code == 0, result.output
    assert "noordzee" in result.output and "admin" in result.output
    # Every login printed works: the client without portal access is not offered.
    assert "trailhead" not in result.output and "no portal access" not in result.output
    statuses = {order.status for order in Order.select(Order.status)}
    assert statuses == {"concept", "expected", "processing", "paused", "completed", "cancelled"}


def test_every_demo_login_can_log_in(app):
    from fulfilment.demo import build_demo_warehouse
    from tests.conftest import login

    logins = build_demo_warehouse()
    assert len(logins) == 3  # the staff admin and the two clients with portal access
    for role, username, password in logins:
        path = "/admin/login" if role.startswith("Staff") else "/fulfilmentportal/login"
        response = login(app.test_client(), path, username, password)
        assert response.status_code == 302 and "/login" not in response.headers["Location"], role


def test_demo_data_refuses_a_database_with_data(app):
    factories.make_client()
    result = app.test_cli_runner().invoke(args=["demo-data"])
    assert result.exit_code != 0
    assert "empty database" in result.output


def test_secret_key_is_generated_once_and_kept(tmp_path):
    first = persistent_secret_key(tmp_path / "secret_key")
    assert len(first) == 64
    assert persistent_secret_key(tmp_path / "secret_key") == first
