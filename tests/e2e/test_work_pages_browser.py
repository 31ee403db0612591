"""Staff open the back office's work pages and its dashboard in a real browser (Debian's chromium)
at a laptop's and a phone's width: each page leads with its number and status badge, the raw
fields stay folded away, refused actions say why, the dashboard's tiles lead to their lists, and
no page breaks the Content-Security-Policy. Screenshots go to the test's tmp_path."""

import re

import pytest

from tests.e2e.chromium import PolicyWatch, staff_log_in

pytestmark = pytest.mark.browser

WORK_PAGES = {
    # list endpoint: how the work page's heading starts
    "order": "Order ",
    "picklist": "Picklist ",
    "purchaseorder": "Purchase order ",
    "receipt": "Receipt ",
    "return": "Return ",
    "product": "Product ",
    "client": "Client ",
}
WIDTHS = [1366, 390]


@pytest.fixture(params=WIDTHS, ids=lambda width: f"{width}px")
def staff_page(request, browser, demo_server):
    base_url, logins = demo_server
    context = browser.new_context(viewport={"width": request.param, "height": 900})
    context.set_default_timeout(15_000)
    watch = PolicyWatch(context)
    page = context.new_page()
    staff_log_in(page, base_url, logins)
    yield page, watch, base_url, request.param
    context.close()


def _first_record_url(page, base_url, endpoint):
    page.goto(f"{base_url}/admin/{endpoint}/")
    link = page.locator(f"a[href*='/admin/{endpoint}/details/?id=']").first
    return base_url + link.get_attribute("href")


def test_every_work_page_leads_with_its_number_and_status(staff_page, tmp_path):
    page, watch, base_url, width = staff_page
    for endpoint, heading_start in WORK_PAGES.items():
        page.goto(_first_record_url(page, base_url, endpoint))
        heading = page.locator("h1")
        assert heading.inner_text().startswith(heading_start), endpoint
        assert heading.locator(".status-badge").is_visible(), endpoint
        # The raw fields are folded away until asked for.
        raw = page.locator("details.work-raw")
        assert raw.get_attribute("open") is None and not raw.locator("table").is_visible()
        page.locator("details.work-raw summary").click()
        assert raw.locator("table").is_visible()
        page.locator("details.work-raw summary").click()
        # A phone does not scroll the whole page sideways (wide tables scroll inside their box).
        assert page.evaluate("() => document.documentElement.scrollWidth") <= width + 1, endpoint
        page.screenshot(path=str(tmp_path / f"{endpoint}-{width}.png"), full_page=True)
    watch.assert_clean()


def test_a_completed_order_shows_cancel_disabled_with_the_reason(staff_page, tmp_path):
    page, watch, base_url, width = staff_page
    page.goto(f"{base_url}/admin/order/")
    # A completed order from the list (the demo warehouse ships some).
    completed = page.locator("tr", has=page.locator(".status-badge", has_text="completed")).first
    completed.locator("a[href*='/admin/order/details/?id=']").first.click()
    page.wait_for_load_state()
    cancel = page.get_by_role("button", name="Cancel order")
    assert cancel.is_disabled()
    reason = page.locator("#why-cancel").inner_text()
    assert re.search(r"is completed\.$", reason)
    assert page.locator("address.work-address").is_visible()
    page.screenshot(path=str(tmp_path / f"completed-order-{width}.png"), full_page=True)
    watch.assert_clean()


def test_dashboard_tiles_lead_to_their_lists(staff_page, tmp_path):
    page, watch, base_url, width = staff_page
    page.goto(f"{base_url}/admin/")
    assert page.locator("h1").inner_text() == "Today's work"
    page.screenshot(path=str(tmp_path / f"dashboard-{width}.png"), full_page=True)
    tiles = page.locator("a.dashboard-tile")
    assert tiles.count() == 7
    for index in range(tiles.count()):
        page.goto(f"{base_url}/admin/")
        tile = page.locator("a.dashboard-tile").nth(index)
        count = int(tile.locator(".tile-count").inner_text().replace("\u202f", ""))
        tile.click()
        page.wait_for_load_state()
        assert "flt0_" in page.url
        rows = page.locator("table.model-list tbody a[href*='/details/?id=']").count()
        assert rows == count, page.url
    watch.assert_clean()
