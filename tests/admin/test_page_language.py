"""Every back-office and portal page says its language and offers a skip link to its content."""

import re

from tests.admin.menu import menu_urls


def assert_accessible_frame(page, url):
    assert re.search(r'<html[^>]*\blang="en"', page), f"{url}: no lang on <html>"
    assert '<a class="skip-link" href="#content">Skip to content</a>' in page, f"{url}: no skip link"
    assert 'id="content"' in page, f"{url}: the skip link has no target"


def test_every_admin_page_has_a_language_and_a_skip_link(app, staff_client, one_of_everything):
    for url in ["/admin/"] + menu_urls(staff_client):
        response = staff_client.get(url)
        assert response.status_code == 200, url
        assert_accessible_frame(response.get_data(as_text=True), url)


def test_login_and_error_pages_have_a_language_and_a_skip_link(app, client):
    for url in ["/admin/login", "/fulfilmentportal/login", "/fulfilmentportal/no-such-page"]:
        assert_accessible_frame(client.get(url).get_data(as_text=True), url)


def test_the_app_serves_its_own_favicon(app, client):
    response = client.get("/favicon.ico")
    assert response.status_code == 200
    assert response.mimetype == "image/svg+xml"
    assert b"<svg" in response.data
