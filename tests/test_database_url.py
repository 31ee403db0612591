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
