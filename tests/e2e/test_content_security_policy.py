"""The Content-Security-Policy enforced in a real browser (Debian's chromium through Playwright).

A client walks every portal section and uses each form that has JavaScript; staff walk the back
office (menus, lists, filters, a form with an ajax lookup, a details page, buttons that ask for
confirmation). Every Content-Security-Policy violation is recorded twice over: the
`securitypolicyviolation` events of each page (reported to the test through an exposed binding)
and chromium's console messages. The walk must record none, every page must have been served
with the policy, and the JavaScript features must still do their work.
"""

import pytest

from tests.e2e.chromium import (
    PolicyWatch,
    check_order_file,
    demo_client_login,
    log_in,
    nav_link,
    staff_log_in,
)

pytestmark = pytest.mark.browser

SECTIONS = ["Dashboard", "Products", "Orders", "Shipments", "Backorders", "Purchase orders", "Returns", "Webshops",
            "Address book"]

@pytest.fixture
def watched(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15_000)
    watch = PolicyWatch(context)
    page = context.new_page()
    yield page, watch
    context.close()


def test_inline_script_handlers_and_javascript_links_are_blocked_and_recorded(demo_server, watched):
    """The watch itself works: what Flask-Admin's own templates hold is refused by the policy and reported."""
    base_url, _ = demo_server
    page, watch = watched
    page.goto(f"{base_url}/fulfilmentportal/login")
    page.evaluate("""() => {
        const script = document.createElement("script");
        script.textContent = "window.ranInline = true;";
        document.body.appendChild(script);
        const button = document.createElement("button");
        button.id = "handler";
        button.type = "button";
        button.setAttribute("onclick", "window.ranHandler = true;");
        button.textContent = "handler";
        document.body.appendChild(button);
        const link = document.createElement("a");
        link.id = "javascript-link";
        link.href = "javascript:window.ranLink = true;";
        link.textContent = "link";
        document.body.appendChild(link);
    }""")
    page.click("#handler")
    page.click("#javascript-link")
    page.wait_for_timeout(300)  # violation events are queued as tasks
    assert page.evaluate("() => [window.ranInline, window.ranHandler, window.ranLink]") == [None, None, None]
    reported = [report for report in watch.violations if "directive" in report]
    assert len(reported) == 3, watch.violations
    assert all(report["directive"].startswith("script-src") for report in reported)
    assert any("console" in report for report in watch.violations)


def test_client_walks_the_portal_and_uses_its_forms_without_a_policy_violation(demo_server, watched, tmp_path):
    base_url, logins = demo_server
    page, watch = watched
    log_in(page, base_url, *demo_client_login(logins))

    # Every section, and the first row's page where the section has one.
    for section in SECTIONS:
        nav_link(page, section).click()
        page.wait_for_load_state()
        assert page.locator("h1").first.inner_text().startswith(section.split()[0]), section
        first_row = page.locator("main table tbody tr td a")
        if section != "Dashboard" and first_row.count():
            first_row.first.click()
            page.wait_for_load_state()
    nav_link(page, "noordzee").click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == "Settings"

    # Product list search, then a product page with its stock chart.
    nav_link(page, "Products").click()
    page.fill("#search-q", "NK-MUG")
    page.locator("form.search-bar").get_by_role("button", name="Search").click()
    page.wait_for_url("**q=NK-MUG**")
    assert page.locator("main table tbody tr").count() == 1
    page.locator("main table tbody tr td a").first.click()
    page.wait_for_load_state()
    assert page.locator("figure.stock-chart svg path.chart-line").bounding_box()["width"] > 200

    # The order form: the product search fills in the product (fetch), "Add a line" adds a row.
    nav_link(page, "Orders").click()
    page.get_by_role("link", name="New order").click()
    page.wait_for_load_state()
    rows_before = page.locator(".line-row").count()
    page.fill("#lines-0-product_code", "NK-MUG-01")
    page.wait_for_function("() => document.querySelector('#lines-0-product_id').value !== ''")
    assert "free" in page.locator(".line-hint").first.inner_text()
    page.fill("#lines-0-amount", "1")
    page.get_by_role("button", name="Add a line").click()
    assert page.locator(".line-row").count() == rows_before + 1
    new_row = f"#lines-{rows_before}-product_code"
    page.fill(new_row, "NK-GRD-01")
    page.wait_for_function(f"() => document.querySelector('#lines-{rows_before}-product_id').value !== ''")
    page.fill(f"#lines-{rows_before}-amount", "1")
    page.select_option("#address_id", index=1)
    page.get_by_role("button", name="Place order").click()
    page.wait_for_load_state()
    assert "is being processed" in page.locator(".alert-success").first.inner_text()

    # Import from Excel: the preview, then the order.
    nav_link(page, "Orders").click()
    page.get_by_role("link", name="Import from Excel").click()
    page.wait_for_load_state()
    check_order_file(page, tmp_path / "order.xlsx", [
        ["Product code", "Quantity"], ["NK-FIL-500", 3], ["NK-DEC-250", 1]])
    assert page.locator("main table").first.inner_text().count("NK-") == 2
    page.get_by_role("button", name="Create this order").click()
    page.wait_for_load_state()
    assert "has been created from your file" in page.locator(".alert-success").first.inner_text()

    # The webshop connection test (the demo shop's address does not exist, so checks fail, with reasons).
    nav_link(page, "Webshops").click()
    page.locator("main table tbody tr td a").first.click()
    page.wait_for_load_state()
    page.get_by_role("button", name="Test connection").click()
    page.wait_for_load_state()
    assert page.locator("table.connection-test tbody tr").count() >= 1

    # On a phone the menu opens with Bootstrap's collapse script.
    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    assert not page.locator("#portal-nav").is_visible()
    page.click("button.navbar-toggler")
    nav_link(page, "Orders").wait_for(state="visible")

    watch.assert_clean()
    assert len(watch.documents) > 25


def open_menu(page, category, entry):
    """Open a main-menu dropdown (Bootstrap's script) and follow one of its entries."""
    item = page.locator("#admin-navbar-collapse li.dropdown",
                        has=page.get_by_role("button", name=category, exact=True))
    toggle, menu = item.locator("a.dropdown-toggle"), item.locator(".dropdown-menu")
    if "show" not in (menu.get_attribute("class") or ""):
        toggle.click()
    menu.get_by_role("link", name=entry, exact=True).click()
    page.wait_for_load_state()


def test_staff_walk_the_back_office_without_a_policy_violation(demo_server, watched):
    base_url, logins = demo_server
    page, watch = watched
    staff_log_in(page, base_url, logins)

    # Every list, reached through the main menu's dropdowns.
    categories = page.locator("#admin-navbar-collapse a.dropdown-toggle").all_inner_texts()
    assert len(categories) >= 5
    lists = 0
    for category in categories:
        page.locator("#admin-navbar-collapse").get_by_role("button", name=category).click()
        entries = page.locator("#admin-navbar-collapse .dropdown-menu.show a").all_inner_texts()
        assert entries, category
        assert "#" not in page.url  # the toggle opened the menu without navigating
        for entry in entries:
            open_menu(page, category, entry)
            if page.locator("table.model-list").count() == 1:
                lists += 1
            else:  # a page of its own (the customer report, my account): it opened, with a heading
                assert page.locator("h1, h2").count() >= 1, (category, entry)
    assert lists >= 20

    # A list: filters added through the filter menu (select2 operations, a date range picker),
    # the page size menu, the search box.
    open_menu(page, "Orders & shipping", "Orders")
    page.get_by_role("button", name="Add Filter").click()
    page.locator(".field-filters").get_by_role("button", name="Created", exact=True).click()
    page.locator("#filter_form .select2-container.filter-op a.select2-choice").click()
    page.locator(".select2-results li", has_text="between").first.click()
    page.locator("#filter_form .filter-val").click()
    assert page.locator(".daterangepicker:visible").count() == 1
    page.keyboard.press("Escape")
    page.locator("#filter_form a.remove-filter").click()
    page.get_by_role("button", name="Add Filter").click()
    page.locator(".field-filters").get_by_role("button", name="Status").click()
    assert page.url.endswith("/admin/order/")  # picking a filter does not navigate
    page.locator("#filter_form .filter-val").fill("cancelled")
    page.get_by_role("button", name="Apply").click()
    page.wait_for_load_state()
    assert "flt" in page.url
    statuses = page.locator("table.model-list td.col-status").all_inner_texts()
    assert statuses and set(text.strip() for text in statuses) == {"cancelled"}
    page.get_by_role("button", name="50 items").click()
    page.locator(".dropdown-menu.show").get_by_role("link", name="20 items").click()
    page.wait_for_load_state()
    assert "page_size=20" in page.url
    page.fill("input[name=search]", "WEB-41")
    page.locator("form[role=search]").get_by_role("button", name="Search").click()
    page.wait_for_url("**search=WEB-41**")

    # A form with an ajax lookup (select2): a new product for a client found by typing.
    open_menu(page, "Products & stock", "Products")
    page.get_by_role("link", name="Create").click()
    page.wait_for_load_state()
    page.locator("#s2id_client a.select2-choice").click()
    page.keyboard.type("Trail")
    page.locator(".select2-results li.select2-result-selectable", has_text="Trailhead Outdoor").click()
    assert page.locator("#s2id_client .select2-chosen").inner_text() == "Trailhead Outdoor"
    page.fill("#product_code", "TH-CSP-01")
    page.fill("#name", "Policy test lamp")
    page.locator("input[type=submit][value=Save]").click()
    page.wait_for_load_state()
    assert "TH-CSP-01" in page.locator("table.model-list").inner_text()

    # Deleting that product from the list: the row's button asks first; "cancel" keeps it.
    row = page.locator("table.model-list tr", has_text="TH-CSP-01")
    answers = []
    page.once("dialog", lambda dialog: (answers.append(dialog.message), dialog.dismiss()))
    row.locator("form[data-confirm] button").click()
    page.wait_for_timeout(300)
    assert answers == ["Are you sure you want to delete this record?"]
    assert page.locator("table.model-list tr", has_text="TH-CSP-01").count() == 1
    page.once("dialog", lambda dialog: dialog.accept())
    row.locator("form[data-confirm] button").click()
    page.wait_for_load_state()
    assert page.locator("table.model-list tr", has_text="TH-CSP-01").count() == 0

    # "With selected": nothing ticked is refused; a ticked row asks the action's confirmation.
    open_menu(page, "Clients", "Clients")
    page.once("dialog", lambda dialog: (answers.append(dialog.message), dialog.accept()))
    page.get_by_role("button", name="With selected").click()
    page.locator(".dropdown-menu.show [data-list-action=delete]").click()
    page.wait_for_timeout(300)
    assert answers[-1] == "Please select at least one record."
    page.locator("input.action-checkbox").first.check()
    page.once("dialog", lambda dialog: (answers.append(dialog.message), dialog.dismiss()))
    page.get_by_role("button", name="With selected").click()
    page.locator(".dropdown-menu.show [data-list-action=delete]").click()
    page.wait_for_timeout(300)
    assert answers[-1] == "Delete the selected records? Records with history are kept."
    assert page.url.endswith("/admin/client/")

    # A details page and its action buttons: "Cancel order" asks first; dismissed, nothing happens.
    page.goto(f"{base_url}/admin/order/?page_size=100")
    processing = page.locator("table.model-list tr", has=page.locator("td.col-status", has_text="processing")).first
    processing.locator("a[title='View Record']").click()
    page.wait_for_load_state()
    cancel = page.locator("form[data-confirm] button", has_text="Cancel order")
    page.once("dialog", lambda dialog: (answers.append(dialog.message), dialog.dismiss()))
    cancel.click()
    page.wait_for_timeout(300)
    assert answers[-1].startswith("Cancel this order?")
    assert "processing" in page.locator("h1 .status-badge").inner_text()  # the dismissed cancel changed nothing
    page.once("dialog", lambda dialog: dialog.accept())
    cancel.click()
    page.wait_for_load_state()
    assert "Order cancelled." in page.locator(".alert-success").inner_text()
    assert page.locator("form[data-confirm] button", has_text="Cancel order").count() == 0

    # The tabs: the current one is no link at all.
    assert page.locator("ul.nav-tabs .nav-link.active").evaluate("node => node.tagName") == "SPAN"

    watch.assert_clean()
    assert len(watch.documents) > 25
