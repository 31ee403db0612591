"""A real browser (Debian's chromium, driven by Playwright) logs in as a demo client and opens
every portal section, saving a screenshot of each to tests/screenshots/.

Runs the app in a background thread on a temporary SQLite database filled with the demo
warehouse. Skipped only when /usr/bin/chromium is missing (and then failed instead when
FULFILMENT_REQUIRE_BROWSER is set, as .ci/run does).
"""

import os
import threading
from pathlib import Path

import pytest

from fulfilment import create_app, migrations
from fulfilment.db import database

pytestmark = pytest.mark.browser

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--no-first-run"]
SCREENSHOTS = Path(__file__).resolve().parents[1] / "screenshots"
SECTIONS = ["Dashboard", "Products", "Orders", "Shipments", "Backorders", "Purchase orders", "Returns", "Webshops",
            "Address book"]
# Sections whose list links to a detail page worth a screenshot too.
DETAIL_SECTIONS = {"Products", "Orders", "Shipments", "Purchase orders", "Returns", "Webshops"}


def require_chromium():
    if os.path.exists(CHROMIUM):
        return
    message = f"{CHROMIUM} is missing; install Debian's chromium (apt-get install chromium) to run browser tests"
    if os.environ.get("FULFILMENT_REQUIRE_BROWSER"):
        pytest.fail(message)
    pytest.skip(message)


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


def demo_client_login(logins):
    return next((username, password) for role, username, password in logins if role.startswith("Client portal"))


def log_in(page, base_url, username, password):
    page.goto(f"{base_url}/fulfilmentportal/login")
    page.fill("#username", username)
    page.fill("#password", password)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base_url}/fulfilmentportal/")


def watch_for_failures(page):
    """Collect every response of 400 or more and every script error while the page is used."""
    failures = []
    page.on("response", lambda response: failures.append(f"{response.status} {response.url}")
            if response.status >= 400 else None)
    page.on("pageerror", lambda error: failures.append(f"script error: {error}"))
    return failures


def nav_link(page, name):
    return page.locator("#portal-nav").get_by_role("link", name=name, exact=True)


def slug(text):
    return text.lower().replace(" ", "-")


def test_demo_client_opens_every_section(demo_server, browser):
    base_url, logins = demo_server
    username, password = demo_client_login(logins)
    SCREENSHOTS.mkdir(exist_ok=True)
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    failures = watch_for_failures(page)

    log_in(page, base_url, username, password)
    page.screenshot(path=str(SCREENSHOTS / "portal-00-dashboard.png"), full_page=True)
    for number, section in enumerate(SECTIONS, start=1):
        nav_link(page, section).click()
        page.wait_for_load_state()
        assert page.locator("h1").first.inner_text().startswith(section.split()[0]), section
        page.screenshot(path=str(SCREENSHOTS / f"portal-{number:02d}-{slug(section)}.png"), full_page=True)
        if section in DETAIL_SECTIONS:
            first_link = page.locator("main table tbody tr td a").first
            assert first_link.count(), f"the demo client has no rows in {section}"
            first_link.click()
            page.wait_for_load_state()
            page.screenshot(path=str(SCREENSHOTS / f"portal-{number:02d}-{slug(section)}-detail.png"),
                            full_page=True)
    nav_link(page, username).click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == "Settings"
    page.screenshot(path=str(SCREENSHOTS / "portal-10-settings.png"), full_page=True)

    page.locator("#portal-nav").get_by_role("button", name="Log out").click()
    page.wait_for_url(f"{base_url}/fulfilmentportal/login")
    assert failures == []
    context.close()


def test_product_page_draws_the_stock_chart(demo_server, browser):
    base_url, logins = demo_server
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    log_in(page, base_url, *demo_client_login(logins))
    page.goto(f"{base_url}/fulfilmentportal/products?sort=-stock")
    page.locator("main table tbody tr td a").first.click()
    page.wait_for_load_state()
    chart = page.locator("figure.stock-chart svg path.chart-line")
    assert chart.count() == 1
    box = chart.bounding_box()
    assert box and box["width"] > 200
    # Images come from the database through the scoped image route and really decode.
    widths = page.eval_on_selector_all(".product-images img", "images => images.map(i => i.naturalWidth)")
    assert widths and all(width > 0 for width in widths)
    context.close()


def test_portal_is_usable_on_a_phone(demo_server, browser):
    base_url, logins = demo_server
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    page = context.new_page()
    failures = watch_for_failures(page)
    log_in(page, base_url, *demo_client_login(logins))
    menu = page.locator("#portal-nav")
    assert not menu.is_visible()
    page.click("button.navbar-toggler")
    nav_link(page, "Orders").wait_for(state="visible")
    page.screenshot(path=str(SCREENSHOTS / "portal-phone-menu.png"), full_page=True)
    nav_link(page, "Orders").click()
    page.wait_for_load_state()
    # Nothing spills sideways: the page is no wider than the phone (wide tables scroll inside themselves).
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.screenshot(path=str(SCREENSHOTS / "portal-phone-orders.png"), full_page=True)
    assert failures == []
    context.close()
