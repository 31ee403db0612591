"""The portal and the back office in Dutch, in a real browser (issue 16): a Dutch client walks every
section and its detail pages, staff whose browser asks for Dutch walk the main back-office pages.
Screenshots go to tests/screenshots/ (portal-nl-*.png, admin-nl-*.png)."""

import pytest

from tests.e2e.chromium import SCREENSHOTS, demo_client_login, log_in, nav_link, slug, staff_log_in, watch_for_failures

pytestmark = pytest.mark.browser

PORTAL_LANGUAGE = "nl"  # read by the demo_server fixture
# (menu entry, the page's heading starts with)
SECTIONS = [("Dashboard", "Dashboard"), ("Producten", "Producten"), ("Voorraadhistorie", "Voorraadhistorie"),
            ("Bestellingen", "Bestellingen"), ("Zendingen", "Zendingen"), ("Nabestellingen", "Nabestellingen"),
            ("Inkooporders", "Inkooporders"), ("Retouren", "Retouren"), ("Webshops", "Webshops"),
            ("Adresboek", "Adresboek"), ("Facturen", "Facturen")]
DETAIL_SECTIONS = {"Producten", "Bestellingen", "Zendingen", "Inkooporders", "Retouren", "Webshops", "Facturen"}
ENGLISH_GIVEAWAYS = ("Orders", "Products", "Shipments", "Returns", "Log out", "Search", "Previous", "Next",
                     "No results", "Settings")
ADMIN_PAGES = ["/admin/", "/admin/order/", "/admin/product/", "/admin/stockmutation/", "/admin/client/",
               "/admin/picklist/", "/admin/purchaseorder/", "/admin/return/", "/admin/webshop/", "/admin/invoice/"]


def _english_words_on(page):
    text = page.locator("main, #content, .container, .container-fluid").first.inner_text()
    return [word for word in ENGLISH_GIVEAWAYS if f" {word} " in f" {' '.join(text.split())} "]


def test_a_dutch_client_reads_every_section_in_dutch(demo_server, browser):
    base_url, logins = demo_server
    SCREENSHOTS.mkdir(exist_ok=True)
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-US")  # the client's language wins
    page = context.new_page()
    failures = watch_for_failures(page)
    log_in(page, base_url, *demo_client_login(logins))
    assert page.locator("html").get_attribute("lang") == "nl"
    english = {}
    for number, (entry, heading) in enumerate(SECTIONS, start=1):
        nav_link(page, entry).click()
        page.wait_for_load_state()
        assert page.locator("h1").first.inner_text().startswith(heading), entry
        english[entry] = _english_words_on(page)
        # Longer Dutch words wrap the menu instead of stretching the page.
        assert page.evaluate("document.documentElement.scrollWidth") <= 1280, entry
        page.screenshot(path=str(SCREENSHOTS / f"portal-nl-{number:02d}-{slug(entry)}.png"), full_page=True)
        if entry in DETAIL_SECTIONS:
            page.locator("main table tbody tr td a").first.click()
            page.wait_for_load_state()
            english[f"{entry} detail"] = _english_words_on(page)
            page.screenshot(path=str(SCREENSHOTS / f"portal-nl-{number:02d}-{slug(entry)}-detail.png"), full_page=True)
    page.goto(f"{base_url}/fulfilmentportal/settings")
    page.screenshot(path=str(SCREENSHOTS / "portal-nl-12-instellingen.png"), full_page=True)
    english["settings"] = _english_words_on(page)
    page.locator("#portal-nav").get_by_role("button", name="Uitloggen").click()
    page.wait_for_url(f"{base_url}/fulfilmentportal/login")
    assert {entry: words for entry, words in english.items() if words} == {}
    assert failures == []
    context.close()


def test_staff_whose_browser_asks_for_dutch_read_the_back_office_in_dutch(demo_server, browser):
    base_url, logins = demo_server
    context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="nl-NL")
    page = context.new_page()
    failures = watch_for_failures(page)
    page.goto(f"{base_url}/admin/login")
    assert page.locator("html").get_attribute("lang") == "nl"
    page.screenshot(path=str(SCREENSHOTS / "admin-nl-00-login.png"), full_page=True)
    staff_log_in(page, base_url, logins)
    english = {}
    for number, path in enumerate(ADMIN_PAGES, start=1):
        response = page.goto(base_url + path)
        assert response.status == 200, path
        assert page.locator("html").get_attribute("lang") == "nl"
        english[path] = _english_words_on(page)
        name = path.strip("/").replace("/", "-") or "admin"
        page.screenshot(path=str(SCREENSHOTS / f"admin-nl-{number:02d}-{name}.png"), full_page=True)
    assert "Bestellingen" in page.locator("nav").first.inner_text()
    assert {path: words for path, words in english.items() if words} == {}
    assert failures == []
    context.close()
