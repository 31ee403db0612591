"""In a real browser: staff run the connection test of a passing and of a failing shop and read the checks."""

import os
import threading

import pytest
from werkzeug.serving import make_server

from fulfilment.services import webshops
from fulfilment.services.connectors.http import HttpSettings
from tests import factories
from tests.webshops.conftest import connect_woo
from tests.webshops.fake_shops import FakeWooCommerce, make_certificate

CHROMIUM = "/usr/bin/chromium"

pytestmark = pytest.mark.browser
if not os.path.exists(CHROMIUM) and not os.environ.get("FULFILMENT_REQUIRE_BROWSER"):
    pytestmark = [pytest.mark.browser, pytest.mark.skip(reason=f"{CHROMIUM} is missing")]


@pytest.fixture
def live_server(app):
    app.config["SERVER_NAME"] = None
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


@pytest.fixture
def browser_page():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        page = browser.new_page()
        page.set_default_timeout(15_000)
        yield page
        browser.close()


@pytest.fixture
def secure_shop(tmp_path, monkeypatch, fast_http):
    certificate = make_certificate(str(tmp_path))
    monkeypatch.setattr(webshops, "settings", webshops.WebshopSettings(
        http=HttpSettings(timeout=2.0, retries=1, backoff=0.0, ca_bundle=certificate.cert_path, allow_http=True,
                          allow_private_network=True)))
    shop = FakeWooCommerce(certificate=certificate)
    yield shop
    shop.stop()


def _log_in(page, live_server):
    page.goto(f"{live_server}/admin/login")
    page.fill("input[name=username]", "staff")
    page.fill("input[name=password]", "staff-password-1")
    page.click("button[type=submit], input[type=submit]")
    page.wait_for_url(f"{live_server}/admin/**")


def _test_connection(page, live_server, webshop):
    page.goto(f"{live_server}/admin/webshop/details/?id={webshop.id}")
    page.click("text=Test connection")
    page.wait_for_selector("table.connection-test")
    return {row.locator("td").nth(0).inner_text(): (row.locator("td").nth(1).inner_text(),
                                                    row.locator("td").nth(2).inner_text())
            for row in page.locator("table.connection-test tbody tr").all()}


def test_staff_see_a_passing_and_a_failing_connection_test(live_server, browser_page, staff_user, shop_client,
                                                           secure_shop, woo):
    secure_shop.add_order(lines=[("SKU-1", 1)])
    passing = connect_woo(shop_client, secure_shop, name="Good shop")
    failing = factories.make_client(name="Other client")
    woo.consumer_secret = "cs_changed_in_the_shop"
    broken = connect_woo(failing, woo, name="Broken shop")
    woo.consumer_secret = "cs_really_changed"
    _log_in(browser_page, live_server)

    checks = _test_connection(browser_page, live_server, passing)
    assert len(checks) == 7 and {result for result, _ in checks.values()} == {"passed"}
    assert "Passed on" in browser_page.content()

    checks = _test_connection(browser_page, live_server, broken)
    assert checks["Secure connection (TLS)"][0] == "failed"
    assert "http://" in checks["Secure connection (TLS)"][1]
    assert checks["Credentials accepted"] == (
        "failed", "The shop does not accept the consumer key and secret. Copy both again from WooCommerce → "
                  "Settings → Advanced → REST API, or create a new key there.")
    assert checks["Permission to read orders"][0] == "not checked"
