"""A real browser (Debian's chromium, driven by Playwright) logs in as a demo client and opens
every portal section, then orders by hand, imports an order from Excel and cancels one, saving
screenshots of each step to tests/screenshots/.

Runs the app in a background thread on a temporary SQLite database filled with the demo
warehouse. Skipped only when /usr/bin/chromium is missing (and then failed instead when
FULFILMENT_REQUIRE_BROWSER is set, as .ci/run does).
"""

import pytest

from tests.e2e.chromium import (
    SCREENSHOTS,
    check_order_file,
    demo_client_login,
    log_in,
    nav_link,
    order_file,
    slug,
    watch_for_failures,
)

pytestmark = pytest.mark.browser

SECTIONS = ["Dashboard", "Products", "Orders", "Shipments", "Backorders", "Purchase orders", "Returns", "Webshops",
            "Address book", "Invoices"]
# Sections whose list links to a detail page worth a screenshot too.
DETAIL_SECTIONS = {"Products", "Orders", "Shipments", "Purchase orders", "Returns", "Webshops", "Invoices"}


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


def test_client_orders_by_hand_imports_from_excel_and_cancels(demo_server, browser, tmp_path):
    base_url, logins = demo_server
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    failures = watch_for_failures(page)
    log_in(page, base_url, *demo_client_login(logins))

    # By hand: search a product, pick an address from the address book, place the order.
    nav_link(page, "Orders").click()
    page.get_by_role("link", name="New order").click()
    page.wait_for_load_state()
    page.fill("#lines-0-product_code", "NK-MUG-01")
    page.wait_for_function("() => document.querySelector('#lines-0-product_id').value !== ''")
    page.fill("#lines-0-amount", "2")
    page.get_by_role("button", name="Add a line").click()
    page.fill("#lines-5-product_code", "NK-GRD-01")
    page.wait_for_function("() => document.querySelector('#lines-5-product_id').value !== ''")
    page.fill("#lines-5-amount", "1")
    page.select_option("#address_id", index=1)
    page.fill("#reference", "Browser order 1")
    assert "free" in page.locator(".line-hint").first.inner_text()
    page.screenshot(path=str(SCREENSHOTS / "portal-20-new-order.png"), full_page=True)
    page.get_by_role("button", name="Place order").click()
    page.wait_for_load_state()
    assert "is being processed" in page.locator(".alert-success").first.inner_text()
    assert page.locator("h1 .badge").inner_text() == "processing"
    page.screenshot(path=str(SCREENSHOTS / "portal-21-order-placed.png"), full_page=True)

    # Cancel it, after confirming.
    page.get_by_role("link", name="Cancel order").click()
    page.wait_for_load_state()
    page.screenshot(path=str(SCREENSHOTS / "portal-22-cancel-confirm.png"), full_page=True)
    page.get_by_role("button", name="Yes, cancel the order").click()
    page.wait_for_load_state()
    assert page.locator("h1 .badge").inner_text() == "cancelled"
    assert page.get_by_role("link", name="Cancel order").count() == 0
    page.screenshot(path=str(SCREENSHOTS / "portal-23-order-cancelled.png"), full_page=True)

    # From Excel: a file with a mistake is reported by row; the corrected file is imported.
    nav_link(page, "Orders").click()
    page.get_by_role("link", name="Import from Excel").click()
    page.wait_for_load_state()
    check_order_file(page, tmp_path / "mistake.xlsx", [
        ["Product code", "Quantity"], ["NK-FIL-500", 3], ["NK-NOPE", 1]])
    assert "Unknown product code NK-NOPE." in page.locator("table.import-errors").inner_text()
    page.screenshot(path=str(SCREENSHOTS / "portal-24-import-errors.png"), full_page=True)
    page.set_input_files("#file", order_file(tmp_path / "order.xlsx", [
        ["Product code", "Description", "Quantity"], ["NK-FIL-500", "Filter", 3], ["NK-DEC-250", "Decaf", 1],
        ["NK-FIL-500", "Filter again", 2]]))
    page.get_by_role("button", name="Check the file").click()
    page.wait_for_load_state()
    assert "the quantities are added up" in page.locator(".import-notes").inner_text()
    page.screenshot(path=str(SCREENSHOTS / "portal-25-import-preview.png"), full_page=True)
    page.get_by_role("button", name="Create this order").click()
    page.wait_for_load_state()
    assert "has been created from your file" in page.locator(".alert-success").first.inner_text()
    assert "import" in page.locator("main dl").first.inner_text()
    page.screenshot(path=str(SCREENSHOTS / "portal-26-imported-order.png"), full_page=True)

    # The only refusal was the file with the mistake.
    assert [failure for failure in failures if not failure.endswith("/fulfilmentportal/orders/import")] == []
    assert len(failures) == 1
    context.close()


def test_client_duplicates_an_order_announces_goods_and_adds_a_product(demo_server, browser):
    base_url, logins = demo_server
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    failures = watch_for_failures(page)
    log_in(page, base_url, *demo_client_login(logins))

    # Duplicate an order into a concept, add a product by searching, then submit it.
    page.goto(f"{base_url}/fulfilmentportal/orders?status=completed")
    page.locator("main table tbody tr td a").first.click()
    page.wait_for_load_state()
    page.get_by_role("button", name="Duplicate").click()
    page.wait_for_load_state()
    assert page.locator("h1 .badge").inner_text() == "concept"
    page.fill("#lines-0-product_code", "NK-DEC-250")
    page.wait_for_function("() => document.querySelector('#lines-0-product_id').value !== ''")
    page.fill("#lines-0-amount", "2")
    page.get_by_role("button", name="Add to the order").click()
    page.wait_for_load_state()
    assert "NK-DEC-250" in page.locator("#lines + .table-responsive").inner_text()
    page.screenshot(path=str(SCREENSHOTS / "portal-27-concept-order.png"), full_page=True)
    page.get_by_role("button", name="Submit order").click()
    page.wait_for_load_state()
    assert page.locator("h1 .badge").inner_text() == "processing"

    # Announce a purchase order, then change its amount.
    nav_link(page, "Purchase orders").click()
    page.get_by_role("link", name="New purchase order").click()
    page.wait_for_load_state()
    page.fill("#supplier_name", "Koffiebranderij Zuid")
    page.fill("#delivery_date", "2026-12-15")
    page.fill("#lines-0-product_code", "NK-ESP-1KG")
    page.wait_for_function("() => document.querySelector('#lines-0-product_id').value !== ''")
    page.fill("#lines-0-amount", "60")
    page.screenshot(path=str(SCREENSHOTS / "portal-28-new-purchase-order.png"), full_page=True)
    page.get_by_role("button", name="Create purchase order").click()
    page.wait_for_load_state()
    assert "has been created" in page.locator(".alert-success").inner_text()
    page.get_by_role("link", name="Change").click()
    page.wait_for_load_state()
    page.fill("#existing-0-amount", "80")
    page.get_by_role("button", name="Save changes").click()
    page.wait_for_load_state()
    assert "80" in page.locator("main table").first.inner_text()
    page.screenshot(path=str(SCREENSHOTS / "portal-29-purchase-order.png"), full_page=True)

    # This client manages its own products.
    nav_link(page, "Products").click()
    page.get_by_role("link", name="Add a product").click()
    page.wait_for_load_state()
    page.fill("#product_code", "NK-CUP-02")
    page.fill("#name", "Espresso cup")
    page.fill("#price", "9.50")
    page.get_by_role("button", name="Add product").click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text().startswith("NK-CUP-02")
    page.screenshot(path=str(SCREENSHOTS / "portal-30-product-added.png"), full_page=True)
    assert failures == []
    context.close()
