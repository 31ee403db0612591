"""A real browser (Debian's chromium, driven by Playwright) picks and ships a picklist in the back
office at desktop (1366 px) and phone (390 px) width: a barcode scan counts a unit, a wrong barcode
is refused aloud, and the shipment's tracking link is built from the carrier's template.

Screenshots of each step are saved under the test's own tmp_path. Skipped only when
/usr/bin/chromium is missing (and failed instead when FULFILMENT_REQUIRE_BROWSER is set).
"""

import pytest

from fulfilment import create_app, migrations
from tests.e2e.chromium import require_chromium, served, watch_for_failures

pytestmark = pytest.mark.browser

STAFF = ("picker", "picker-password-1")
WIDTHS = {"desktop": 1366, "phone": 390}


def _warehouse_with_two_picklists():
    """A staff login and two processed orders (one per width), their products on shelves."""
    from fulfilment.services import accounts, locations
    from tests import factories

    accounts.create_staff_user(*STAFF, is_admin=True)
    client = factories.make_client(name="Bloemenwinkel")
    vase = factories.make_product(client, product_code="VASE-1", name="Glass vase", barcode="8712345000011",
                                  stock_amount=10)
    pot = factories.make_product(client, product_code="POT-2", name="Clay pot", barcode="8712345000028",
                                 stock_amount=10)
    locations.link_product(vase, factories.make_location("A.1.10.1"))
    locations.link_product(pot, factories.make_location("A.1.4.3"))
    picklists = {}
    for name in WIDTHS:
        order = factories.make_order(client, lines=[(vase, 1), (pot, 1)], process=True)
        picklists[name] = factories.open_picklist(order).id
    return picklists


@pytest.fixture(scope="module")
def back_office(tmp_path_factory):
    require_chromium()
    folder = tmp_path_factory.mktemp("pick-browser")
    app = create_app({"DATABASE_URL": f"sqlite:///{folder / 'warehouse.sqlite3'}", "SECRET_KEY": "pick-test-secret"})
    with app.app_context():
        migrations.upgrade()
        picklists = _warehouse_with_two_picklists()
    with served(app) as url:
        yield url, picklists


@pytest.mark.parametrize("size", list(WIDTHS))
def test_staff_pick_and_ship_by_scanning(back_office, browser, tmp_path, size):
    base_url, picklists = back_office
    context = browser.new_context(viewport={"width": WIDTHS[size], "height": 900})
    page = context.new_page()
    failures = watch_for_failures(page)
    shot = lambda step: page.screenshot(path=str(tmp_path / f"pick-{size}-{step}.png"), full_page=True)  # noqa: E731

    page.goto(f"{base_url}/admin/login")
    page.fill("#username", STAFF[0])
    page.fill("#password", STAFF[1])
    page.click("button[type=submit]")
    page.wait_for_url(f"{base_url}/admin/")
    page.goto(f"{base_url}/admin/picklist/pick/{picklists[size]}")
    assert "Kerkstraat 1" in page.locator("address").inner_text()
    codes = page.locator("table.pick-lines tbody tr td:first-child").all_inner_texts()
    assert [code.split()[0] for code in codes] == ["A.1.4.3", "A.1.10.1"]  # picking order
    assert page.locator("#barcode").evaluate("el => el === document.activeElement")
    shot("1-start")

    # A wrong barcode is refused aloud and counts nothing.
    page.fill("#barcode", "9999999999999")
    page.press("#barcode", "Enter")
    page.wait_for_load_state()
    refusal = page.get_by_role("alert")
    assert "not on picklist" in refusal.inner_text()
    assert "0 of 2" in page.locator(".pick-progress").inner_text()
    shot("2-refused")

    # Each scan (typing + Enter) counts one unit.
    page.fill("#barcode", "8712345000028")
    page.press("#barcode", "Enter")
    page.wait_for_load_state()
    assert "Counted 1 × POT-2" in page.get_by_role("status").first.inner_text()
    assert "1 of 2" in page.locator(".pick-progress").inner_text()
    assert page.locator("tr[data-product='POT-2'] .counted").inner_text() == "1 of 1"
    shot("3-counted")
    page.fill("#barcode", "8712345000011")
    page.press("#barcode", "Enter")
    page.wait_for_load_state()

    # Everything counted: ship with PostNL; the link comes from PostNL's template.
    page.select_option("#carrier", label="PostNL")
    page.fill("#tracking_code", f"3SPICK{size.upper()}")
    shot("4-ready")
    page.get_by_role("button", name="Close and ship").click()
    page.wait_for_load_state()
    link = page.locator("a.tracking-link")
    assert link.get_attribute("href") == f"https://jouw.postnl.nl/track-and-trace/3SPICK{size.upper()}-NL-1011AB"
    assert "closed" in page.locator("h1").inner_text()
    # At phone width nothing spills sideways out of the page.
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    shot("5-shipped")
    assert failures == []
    assert sorted(p.name for p in tmp_path.glob("*.png")) == [f"pick-{size}-{n}.png" for n in
                                                              ("1-start", "2-refused", "3-counted", "4-ready",
                                                               "5-shipped")]
    context.close()
