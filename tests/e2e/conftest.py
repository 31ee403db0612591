"""Browser test fixtures: the demo warehouse served on 127.0.0.1, and Debian's chromium."""

import threading

import pytest

from fulfilment import create_app, migrations
from fulfilment.db import database
from tests.e2e.browsing import CHROMIUM, CHROMIUM_ARGS, require_chromium


@pytest.fixture(scope="module")
def demo_server(tmp_path_factory):
    """Serve the portal on 127.0.0.1 on a free port, on a fresh SQLite demo warehouse; yield (url, logins)."""
    require_chromium()
    from werkzeug.serving import make_server

    from fulfilment.demo import build_demo_warehouse

    folder = tmp_path_factory.mktemp("browser")
    app = create_app({"DATABASE_URL": f"sqlite:///{folder / 'demo.sqlite3'}", "SECRET_KEY": "browser-test-secret"})
    with app.app_context():
        migrations.upgrade()
        logins = build_demo_warehouse()
    if not database.is_closed():
        database.close()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}", logins
    finally:
        server.shutdown()
        thread.join(timeout=10)
        # The next test's app fixture binds the shared database proxy back to the test database.
        if not database.is_closed():
            database.close()


@pytest.fixture(scope="module")
def browser():
    require_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()
