"""In a real browser: a client in the portal and staff in the back office run the connection test of a
passing and of a failing shop and read the checks."""

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


def _checks_on_page(page):
    page.wait_for_selector("table.connection-test")
    return {row.locator("td").nth(0).inner_text(): (row.locator("td").nth(1).inner_text(),
                                                    row.locator("td").nth(2).inner_text())
            for row in page.locator("table.connection-test tbody tr").all()}


def _test_connection(page, live_server, webshop):
    page.goto(f"{live_server}/admin/webshop/details/?id={webshop.id}")
    page.click("text=Test connection")
    return _checks_on_page(page)


@pytest.fixture
def good_and_broken_shop(shop_client, secure_shop, woo):
    secure_shop.add_order(lines=[("SKU-1", 1)])
    passing = connect_woo(shop_client, secure_shop, name="Good shop")
    woo.consumer_secret = "cs_changed_in_the_shop"
    broken = connect_woo(shop_client, woo, name="Broken shop")
    woo.consumer_secret = "cs_really_changed"
    return passing, broken


CREDENTIALS_REFUSED = ("The shop knows the consumer key but not this consumer secret. Copy the secret again from "
                       "WooCommerce → Settings → Advanced → REST API (it is shown only once; if it is lost, create a "
                       "new key there).")


def _assert_passing(checks):
    assert len(checks) == 7 and {result for result, _ in checks.values()} == {"passed"}


def _assert_failing(checks):
    assert checks["Secure connection (TLS)"][0] == "failed"
    assert "http://" in checks["Secure connection (TLS)"][1]
    assert checks["Credentials accepted"] == ("failed", CREDENTIALS_REFUSED)
    assert checks["Permission to read orders"][0] == "not checked"


def test_a_client_tests_a_passing_and_a_failing_shop_in_the_portal(live_server, browser_page, shop_client,
                                                                   good_and_broken_shop):
    passing, broken = good_and_broken_shop
    user = factories.make_portal_user(shop_client, username="koffie")
    page = browser_page
    page.goto(f"{live_server}/fulfilmentportal/login")
    page.fill("#username", user.username)
    page.fill("#password", factories.PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server}/fulfilmentportal/")

    page.goto(f"{live_server}/fulfilmentportal/webshops")
    page.get_by_role("link", name="Good shop").click()
    page.get_by_role("button", name="Test connection").click()
    _assert_passing(_checks_on_page(page))
    assert "All 7 checks passed." in page.content()

    page.goto(f"{live_server}/fulfilmentportal/webshops")
    page.get_by_role("link", name="Broken shop").click()
    page.get_by_role("button", name="Test connection").click()
    _assert_failing(_checks_on_page(page))


def test_staff_see_a_passing_and_a_failing_connection_test(live_server, browser_page, staff_user,
                                                           good_and_broken_shop):
    passing, broken = good_and_broken_shop
    _log_in(browser_page, live_server)

    _assert_passing(_test_connection(browser_page, live_server, passing))
    assert "Passed on" in browser_page.content()
    _assert_failing(_test_connection(browser_page, live_server, broken))
