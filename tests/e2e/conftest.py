"""Fixtures of the browser tests: the demo warehouse served on 127.0.0.1, and one chromium per module."""

import os
from pathlib import Path

import pytest

from fulfilment import create_app, migrations
from tests.e2e.chromium import CHROMIUM, CHROMIUM_ARGS, require_chromium, served

HERE = Path(__file__).resolve().parent


def pytest_collection_modifyitems(config, items):
    """Every browser test serves its own SQLite warehouse, whatever database the suite runs on: in
    the PostgreSQL run they would repeat the SQLite run's work, so they are skipped there, saying so."""
    if not os.environ.get("FULFILMENT_TEST_DATABASE_URL"):
        return
    skip = pytest.mark.skip(reason="browser tests serve their own SQLite demo warehouse; the SQLite run covers them")
    for item in items:
        if HERE in Path(item.path).resolve().parents:
            item.add_marker(skip)


@pytest.fixture(scope="module")
def demo_server(request, tmp_path_factory):
    """Serve the portal on 127.0.0.1 on a free port, on a fresh SQLite demo warehouse; yield (url, logins).

    The demo's first client is Dutch; the browser tests are written in English, so its portal user
    reads English unless the module sets PORTAL_LANGUAGE (test_dutch_browser.py walks in Dutch).
    """
    require_chromium()
    from fulfilment.demo import build_demo_warehouse
    from fulfilment.models import PortalUser

    folder = tmp_path_factory.mktemp("browser")
    app = create_app({"DATABASE_URL": f"sqlite:///{folder / 'demo.sqlite3'}", "SECRET_KEY": "browser-test-secret"})
    with app.app_context():
        migrations.upgrade()
        logins = build_demo_warehouse()
        PortalUser.update(language=getattr(request.module, "PORTAL_LANGUAGE", "en")).execute()
    with served(app) as url:
        yield url, logins


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
