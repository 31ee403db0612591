"""Fixtures: an app on a fresh database, test clients logged in as staff or a portal user.

The database is SQLite (a temporary file) unless FULFILMENT_TEST_DATABASE_URL names a
PostgreSQL server, e.g. postgresql://postgres@127.0.0.1:5432/postgres; then a database of
its own is created for the test run and dropped at the end. Every test starts from empty
tables (plus the seeded lookup rows).
"""

import logging
import os
import uuid
from contextlib import contextmanager
from urllib.parse import urlparse, urlunparse

import pytest

from fulfilment import create_app, id_blocks, migrations, page_cache, search
from fulfilment.api import pagination
from fulfilment.db import bind_database, database, is_sqlite, prepared_sql
from fulfilment.migrations.m0001_initial import seed_lookup_rows
from fulfilment.models import MODELS, CatalogVersion, IdBlock, IdBlockSeal, RateLimitCounter, SecuritySetting
from tests import factories

# Tables outside MODELS that a test can fill: login throttle counters, security switches, catalogue versions.
BOOKKEEPING_TABLES = [RateLimitCounter._meta.table_name, SecuritySetting._meta.table_name,
                      CatalogVersion._meta.table_name]
# Emptied first: the counted tables' triggers then have no counts to update.
ID_BLOCK_TABLES = [IdBlock._meta.table_name, IdBlockSeal._meta.table_name]
SERVER_URL = os.environ.get("FULFILMENT_TEST_DATABASE_URL", "")
# A fixed Fernet key for webshop credentials, so no key file is written during tests.
WEBSHOP_TEST_KEY = "dGVzdC1vbmx5LXdlYnNob3Ata2V5LTMyLWJ5dGVzLi4="


def _postgres_admin_connection(server_url):
    import psycopg2

    parts = urlparse(server_url)
    connection = psycopg2.connect(
        host=parts.hostname or "127.0.0.1", port=parts.port or 5432, user=parts.username or "postgres",
        password=parts.password, dbname=(parts.path or "/postgres").lstrip("/") or "postgres",
    )
    connection.autocommit = True
    return connection


@pytest.fixture(scope="session")
def database_url(tmp_path_factory):
    if not SERVER_URL:
        yield f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite3'}"
        return
    name = f"fulfilment_test_{uuid.uuid4().hex[:10]}"
    admin = _postgres_admin_connection(SERVER_URL)
    with admin.cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{name}"')
        # A throwaway database need not wait for each commit to reach the disk (4 ms a commit,
        # against 0.3 ms); locking and visibility, which the tests are about, stay the same.
        cursor.execute(f'ALTER DATABASE "{name}" SET synchronous_commit = off')
    try:
        yield urlunparse(urlparse(SERVER_URL)._replace(path=f"/{name}"))
    finally:
        if not database.is_closed():
            database.close()
        with admin.cursor() as cursor:
            cursor.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
                (name,),
            )
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
        admin.close()


@pytest.fixture(scope="session")
def schema_ready(database_url):
    app = create_app(_test_config(database_url))
    with app.app_context():
        migrations.upgrade()
    return True


def _test_config(database_url):
    return {
        "TESTING": True,
        "DATABASE_URL": database_url,
        "SECRET_KEY": "test-secret-key",
        "WTF_CSRF_ENABLED": True,
        "SERVER_NAME": "portal.test",
        # Jobs run at once in the calling thread; no queue file is written.
        "HUEY_IMMEDIATE": True,
        "WEBSHOP_KEY": WEBSHOP_TEST_KEY,
    }


def empty_all_tables():
    """Remove every row and re-seed the lookup rows: each test starts from the same state.

    DELETE is much faster than TRUNCATE for small tables on PostgreSQL; the id sequences are
    reset too, so both databases hand out ids from 1 again, as SQLite does by itself.
    """
    tables = [model._meta.table_name for model in reversed(MODELS)]
    with database.atomic():
        if not is_sqlite():
            # The catalogue versions' deferred triggers fire as each DELETE ends, not at the commit
            # after their table is emptied (a deleted product moves its client's version).
            database.execute_sql("SET CONSTRAINTS ALL IMMEDIATE")
        for table in ID_BLOCK_TABLES + tables + BOOKKEEPING_TABLES:
            database.execute_sql(f'DELETE FROM "{table}"')
        if not is_sqlite():
            database.execute_sql("SELECT " + ", ".join(
                f"setval(pg_get_serial_sequence('\"{table}\"', 'id'), 1, false)" for table in tables
            ))
        seed_lookup_rows()


@pytest.fixture(scope="session")
def shared_app(database_url, schema_ready):
    """One app for the whole run: building one compiles ~300 URL rules (0.4 s)."""
    return create_app(_test_config(database_url))


@pytest.fixture
def app(shared_app, database_url):
    """The app on emptied tables; configuration changes made by a test are undone after it."""
    bind_database(database_url)
    config = dict(shared_app.config)
    with shared_app.app_context():
        empty_all_tables()
    pagination.forget_all()  # the API's offset checkpoints belong to the rows just emptied
    search.forget_samples()  # and so do the sampled common trigrams
    page_cache.forget_all()  # kept pages were rendered at versions that start again from 0
    # No app context stays pushed during the test: Flask would reuse it for every request,
    # and Flask-Login keeps the logged-in user in its ``g``, so one test client's login would
    # leak into another's requests. The database proxy is global and needs no context.
    yield shared_app
    shared_app.config.clear()
    shared_app.config.update(config)
    if not database.is_closed():
        database.close()


@pytest.fixture
def csrf_off(app):
    """Requests in this test need no CSRF token (the CSRF tests keep it on)."""
    app.config["WTF_CSRF_ENABLED"] = False
    return app


@pytest.fixture
def client(app):
    return app.test_client()


def login(test_client, path, username, password):
    test_client.get(path)  # a session cookie and a CSRF token first
    token = csrf_token(test_client, path)
    return test_client.post(path, data={"username": username, "password": password, "csrf_token": token})


def csrf_token(test_client, path):
    """The CSRF token of the form on path (read from the page, as a browser would)."""
    import re

    page = test_client.get(path).get_data(as_text=True)
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page) or re.search(
        r'value="([^"]+)"[^>]*name="csrf_token"', page
    )
    return match.group(1) if match else ""


@pytest.fixture
def staff_user(app):
    return factories.make_staff_user(username="staff", password="staff-password-1")


@pytest.fixture
def staff_client(app, staff_user):
    test_client = app.test_client()
    response = login(test_client, "/admin/login", "staff", "staff-password-1")
    assert response.status_code == 302, response.get_data(as_text=True)
    return test_client


@contextmanager
def count_queries():
    """Count the SQL statements Peewee runs inside the block: `with count_queries() as counter: …; counter.n`;
    ``counter.statements`` holds their SQL, ``counter.parameters`` the values bound to each."""

    class Counter(logging.Handler):
        n = 0

        def __init__(self, level):
            super().__init__(level)
            self.statements = []
            self.parameters = []

        def emit(self, record):
            self.n += 1
            query = isinstance(record.msg, tuple)
            # A statement prepared on PostgreSQL is logged as EXECUTE and its name: read its SQL.
            self.statements.append(prepared_sql(str(record.msg[0])) if query else record.getMessage())
            self.parameters.append(list(record.msg[1] or ()) if query else [])

    counter = Counter(level=logging.DEBUG)
    logger = logging.getLogger("peewee")
    previous = logger.level
    logger.setLevel(logging.DEBUG)
    logger.addHandler(counter)
    try:
        yield counter
    finally:
        logger.removeHandler(counter)
        logger.setLevel(previous)


PORTAL_LOGIN = "/fulfilmentportal/login"


def portal_login(app, user, password=factories.PASSWORD):
    """A test client logged in to the portal as user."""
    test_client = app.test_client()
    response = login(test_client, PORTAL_LOGIN, user.username, password)
    assert response.status_code == 302, response.get_data(as_text=True)
    return test_client


@pytest.fixture
def portal_user(app):
    return factories.make_portal_user(username="client-a-user")


@pytest.fixture
def portal_client(app, portal_user):
    """A test client logged in to the portal as portal_user."""
    return portal_login(app, portal_user)


SMALL_ID_BLOCK = 4


@pytest.fixture
def small_id_blocks(app, monkeypatch):
    """Blocks of four ids, so a test's few rows fill several; the triggers are made for that size."""
    monkeypatch.setattr(id_blocks, "BLOCK", SMALL_ID_BLOCK)
    with app.app_context():
        id_blocks.create_triggers()
    yield
    monkeypatch.undo()
    with app.app_context():
        id_blocks.create_triggers()
