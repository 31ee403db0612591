"""The app keeps its database connections open between requests (fulfilment/db.py): a page does not
pay for opening a connection, and nothing a request leaves behind reaches the next one."""

import os

import pytest

from fulfilment import create_app
from fulfilment.db import database
from tests.conftest import _test_config


@pytest.fixture
def probed_app(app, database_url):
    """An app of its own with two routes that look at the connection (the shared app takes no new routes)."""
    probed = create_app(_test_config(database_url))
    seen = []

    def connection_in_use():
        seen.append(database.connection())
        return "ok"

    def leaves_a_transaction_open():
        from fulfilment.models import Client

        database.execute_sql("BEGIN")
        Client.insert(name="Left behind", language="en").execute()
        return "ok"  # no commit: a bug, or a worker killed between the write and the commit

    probed.add_url_rule("/_connection", "_connection", connection_in_use)
    probed.add_url_rule("/_left_open", "_left_open", leaves_a_transaction_open)
    probed.seen_connections = seen
    return probed


def test_two_requests_are_served_over_the_same_connection(probed_app):
    client = probed_app.test_client()
    assert client.get("/_connection").status_code == 200
    assert client.get("/_connection").status_code == 200
    first, second = probed_app.seen_connections
    assert first is second
    assert database.is_closed()  # handed back to the pool after the request, not held by it


def test_a_transaction_a_request_left_open_is_rolled_back_before_the_connection_serves_another(probed_app):
    from fulfilment.models import Client

    assert probed_app.test_client().get("/_left_open").status_code == 200
    database.connect()
    try:
        assert not Client.select().where(Client.name == "Left behind").exists()
    finally:
        database.close()


def test_rebinding_the_database_closes_the_connections_of_the_one_before(app, database_url):
    from fulfilment.db import bind_database

    database.connect(reuse_if_open=True)
    database.close()
    old_pool = database.obj
    assert old_pool._connections  # one idle connection waits in the pool
    bind_database(database_url)
    assert not old_pool._connections and not old_pool._in_use


def test_a_forked_process_does_not_reuse_the_parents_connections(app):
    from fulfilment.models import Client

    database.connect(reuse_if_open=True)
    database.close()
    assert database.obj._connections  # the parent keeps one connection in its pool
    reader, writer = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: nothing inherited in its pool, and a connection of its own works
        try:
            inherited = bool(database.obj._connections or database.obj._in_use)
            database.connect()
            Client.select().count()
            database.close()
            os.write(writer, b"inherited" if inherited else b"own")
        finally:
            os._exit(0)
    os.waitpid(pid, 0)
    assert os.read(reader, 20) == b"own"
    database.connect()  # the parent's connection still works after the child exited
    assert Client.select().count() == 0
    database.close()
