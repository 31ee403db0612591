"""The commands: sync-webshops, worker, and serve starting the worker beside the web server."""

import subprocess
from datetime import datetime

import pytest

from fulfilment.models import Order
from fulfilment.services.webshop_tracking import due_shipments


def _jobs(app):
    return app.extensions["jobs"]


def test_sync_webshops_imports_now_and_says_what_happened(app, woo, woo_webshop):
    woo.add_order()
    woo.add_order(lines=[("NOPE", 1)])

    result = app.test_cli_runner().invoke(args=["sync-webshops"])

    assert result.exit_code == 0, result.output
    assert "Fake WooCommerce" in result.output and "1 imported, 1 skipped" in result.output
    assert Order.select().count() == 1


def test_sync_webshops_fails_with_the_shops_reason(app, woo, woo_webshop):
    woo.consumer_secret = "cs_rotated_in_the_shop"

    result = app.test_cli_runner().invoke(args=["sync-webshops", "--webshop", str(woo_webshop.id)])

    assert result.exit_code != 0
    assert "not this consumer secret" in result.output
    assert "1 webshop(s) could not be imported" in result.output


def test_sync_webshops_refuses_an_unknown_webshop(app):
    result = app.test_cli_runner().invoke(args=["sync-webshops", "--webshop", "999"])
    assert result.exit_code != 0 and "No webshop with id 999" in result.output


def test_serve_starts_the_worker_beside_the_web_server_and_stops_it(app, monkeypatch):
    import werkzeug.serving

    started = []

    class FakeProcess:
        pid = 4242
        stopped = False

        def __init__(self, command, env):
            started.append((command, env))

        def poll(self):
            return None

        def terminate(self):
            FakeProcess.stopped = True

        def wait(self, timeout=None):
            return 0

    served = []
    monkeypatch.setattr(subprocess, "Popen", FakeProcess)
    monkeypatch.setattr(werkzeug.serving, "run_simple", lambda *args, **kwargs: served.append(args))

    result = app.test_cli_runner().invoke(args=["serve", "--port", "5999"])

    assert result.exit_code == 0, result.output
    [(command, env)] = started
    assert command[1:] == ["-m", "flask", "--app", "fulfilment", "worker"]
    assert env["FULFILMENT_DATABASE_URL"] == app.config["DATABASE_URL"]
    assert served and served[0][1] == 5999
    assert FakeProcess.stopped and "Background worker started" in result.output


def test_serve_without_worker_starts_none(app, monkeypatch):
    import werkzeug.serving

    monkeypatch.setattr(subprocess, "Popen", lambda *a, **k: pytest.fail("no worker expected"))
    monkeypatch.setattr(werkzeug.serving, "run_simple", lambda *args, **kwargs: None)
    assert app.test_cli_runner().invoke(args=["serve", "--no-worker"]).exit_code == 0


def test_the_worker_command_runs_a_huey_consumer_with_the_periodic_jobs(app, monkeypatch):
    huey = _jobs(app).huey
    consumers = []

    class FakeConsumer:
        def __init__(self, **options):
            consumers.append(options)

        def run(self):
            consumers.append("ran")

    monkeypatch.setattr(huey, "create_consumer", lambda **options: FakeConsumer(**options))

    result = app.test_cli_runner().invoke(args=["worker", "--threads", "3"])

    assert result.exit_code == 0, result.output
    assert consumers == [{"workers": 3, "worker_type": "thread", "periodic": True}, "ran"]
    due_on_the_hour = {task.name for task in huey.read_periodic(datetime(2026, 1, 1, 10, 0))}
    assert due_on_the_hour == {"import_all_webshops", "push_tracking", "send_mail", "deliver_webhooks"}
    assert "low_stock_digest" in {task.name for task in huey.read_periodic(datetime(2026, 1, 1, 7, 0))}


def test_the_demo_warehouse_leaves_nothing_for_the_worker_to_send(app):
    assert app.test_cli_runner().invoke(args=["demo-data"]).exit_code == 0
    assert list(due_shipments()) == []
