"""A PostgreSQL URL without the PostgreSQL driver installed says how to install it."""

import importlib.util

import pytest

from fulfilment.db import UnsupportedDatabase, open_database


def test_a_postgresql_url_without_the_driver_names_the_extra_to_install(monkeypatch):
    real_find_spec = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec",
                        lambda name, *args: None if name == "psycopg2" else real_find_spec(name, *args))
    with pytest.raises(UnsupportedDatabase, match=r"\.\[postgres\]"):
        open_database("postgresql://postgres@127.0.0.1:5432/fulfilment")


def test_sqlite_needs_no_driver_of_its_own(tmp_path):
    assert open_database(f"sqlite:///{tmp_path}/x.sqlite3").database.endswith("x.sqlite3")


def test_postgresql_connections_compile_no_query_unless_the_url_asks(app):
    """PostgreSQL's JIT compiled the dashboard's counts (estimated above jit_above_cost) for 30-40
    ms each, more than running them; the app's connections turn it off, a URL's options win."""
    from fulfilment.db import database, is_sqlite

    if is_sqlite():
        pytest.skip("PostgreSQL's setting; the PostgreSQL run checks it")
    assert database.execute_sql("SHOW jit").fetchone()[0] == "off"
    params = database.obj.connect_params
    url = (f"postgresql://{params.get('user', 'postgres')}@{params.get('host', '127.0.0.1')}:"
           f"{params.get('port', 5432)}/{database.obj.database}?options=-c%20jit%3Don")
    chosen = open_database(url)
    chosen.connect()
    try:
        assert chosen.execute_sql("SHOW jit").fetchone()[0] == "on"
    finally:
        chosen.close()
