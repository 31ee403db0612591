"""Every /admin endpoint: anonymous → login page, a portal user → refused, staff → the page;
staff without the admin flag → refused on staff users, API keys, login sessions and security."""

import re

import pytest

from fulfilment.models import MODELS, ApiKey, StaffUser
from tests import factories
from tests.admin.admin_routes import (
    ADMIN_ONLY_ENDPOINTS,
    ADMIN_ONLY_VIEWS,
    DATA,
    PAGES,
    PAGES_WITH_RECORD,
    POST_ONLY,
    PUBLIC,
    RECORD_FORMS,
    admin_rules,
    staff_urls,
)
from tests.conftest import login
from tests.views.portal_forms import snapshot


def test_every_admin_endpoint_is_classified(app):
    known = PAGES_WITH_RECORD | PAGES | RECORD_FORMS | POST_ONLY | DATA | PUBLIC
    unknown = sorted({rule.endpoint for rule in admin_rules(app) if rule.endpoint.rsplit(".", 1)[-1] not in known})
    assert unknown == [], f"classify these admin endpoints in the access test: {unknown}"


def test_every_model_has_a_back_office_view(app):
    endpoints = {rule.endpoint.split(".")[0] for rule in admin_rules(app)}
    missing = [model.__name__ for model in MODELS if model.__name__.lower() not in endpoints]
    assert missing == []


def test_staff_opens_every_list_create_edit_and_details_page(app, staff_client, one_of_everything):
    failures = []
    for url, why in staff_urls(app):
        response = staff_client.get(url)
        if response.status_code != 200:
            failures.append((url, why, response.status_code))
    assert failures == []


def test_staff_opens_every_record_form(app, staff_client, one_of_everything):
    forms = {
        "stock.correct_form": "Stock", "order.pause_form": "Order", "picklist.close_form": "Picklist",
        "picklist.shipment_form": "Picklist", "purchaseorder.receipt_form": "PurchaseOrder",
        "return.status_form": "Return", "productimage.image": "ProductImage",
        "invoice.line_form": "Invoice", "invoiceline.line_form": "InvoiceLine", "picklist.pick_view": "Picklist",
    }
    registered = {rule.endpoint for rule in admin_rules(app) if rule.endpoint.rsplit(".", 1)[-1] in RECORD_FORMS}
    assert registered == set(forms)
    models = {model.__name__: model for model in MODELS}
    for endpoint, model_name in forms.items():
        record = models[model_name].select().order_by(models[model_name].id).first()
        rule = next(r for r in admin_rules(app) if r.endpoint == endpoint)
        arg = next(iter(rule.arguments))
        url = rule.rule.replace(f"<int:{arg}>", str(record.id))
        assert staff_client.get(url).status_code == 200, url


def _request_any(test_client, rule):
    url = rule.rule
    for arg in rule.arguments:
        url = url.replace(f"<int:{arg}>", "1").replace(f"<{arg}>", "process")
    if rule.endpoint.endswith("ajax_lookup"):
        url += "?name=client&query=Acme"
    method = "post" if rule.endpoint.rsplit(".", 1)[-1] in POST_ONLY else "get"
    return url, getattr(test_client, method)(url)


@pytest.mark.parametrize("who", ["anonymous", "portal user"])
def test_non_staff_cannot_open_any_admin_endpoint(app, one_of_everything, portal_session, who):
    app.config["WTF_CSRF_ENABLED"] = False  # the access check itself must refuse, not the CSRF check
    test_client = app.test_client() if who == "anonymous" else portal_session
    for rule in admin_rules(app):
        if rule.endpoint.rsplit(".", 1)[-1] in PUBLIC:
            continue
        url, response = _request_any(test_client, rule)
        if who == "anonymous":
            assert response.status_code == 302, url
            assert response.headers["Location"].startswith("/admin/login"), url
        else:
            assert response.status_code == 403, (url, response.status_code)


def _admin_only(rule):
    return rule.endpoint.split(".")[0] in ADMIN_ONLY_VIEWS or rule.endpoint in ADMIN_ONLY_ENDPOINTS


@pytest.fixture
def non_admin_client(app):
    """A staff member without the admin flag: the daily work, not staff or key management."""
    factories.make_staff_user(username="clerk", password="clerk-password-1", is_admin=False)
    test_client = app.test_client()
    assert login(test_client, "/admin/login", "clerk", "clerk-password-1").status_code == 302
    return test_client


def test_non_admin_staff_is_refused_on_staff_users_api_keys_and_sessions(app, one_of_everything, non_admin_client):
    app.config["WTF_CSRF_ENABLED"] = False  # the role check itself must refuse, not the CSRF check
    before = snapshot()
    refused = [rule for rule in admin_rules(app) if _admin_only(rule)]
    assert {rule.endpoint.split(".")[0] for rule in refused} >= ADMIN_ONLY_VIEWS
    wrong = []
    for rule in refused:
        url, response = _request_any(non_admin_client, rule)
        if response.status_code != 403:
            wrong.append((url, response.status_code))
    assert wrong == []
    assert snapshot() == before


def test_non_admin_staff_cannot_create_an_admin_or_an_api_key(app, one_of_everything, non_admin_client):
    from tests.conftest import csrf_token

    token = csrf_token(non_admin_client, "/admin/account/")
    users, keys = StaffUser.select().count(), ApiKey.select().count()
    response = non_admin_client.post("/admin/staffuser/new/", data={
        "csrf_token": token, "username": "mallory", "is_admin": "y", "active": "y",
        "new_password": "mallory-password-1"})
    assert response.status_code == 403
    response = non_admin_client.post("/admin/apikey/new/", data={"csrf_token": token, "name": "everything"})
    assert response.status_code == 403
    assert (StaffUser.select().count(), ApiKey.select().count()) == (users, keys)
    assert StaffUser.get_or_none(StaffUser.username == "mallory") is None


def test_non_admin_staff_keeps_the_daily_work(app, one_of_everything, non_admin_client):
    failures = []
    for url, why in staff_urls(app) + [("/admin/account/", "my account"), ("/admin/account/two-factor", "2fa")]:
        admin_only = url.split("/")[2] in ADMIN_ONLY_VIEWS
        expected = 403 if admin_only else 200
        status = non_admin_client.get(url).status_code
        if status != expected:
            failures.append((url, why, status, expected))
    assert failures == []


def test_non_admin_staff_menu_hides_admin_only_sections(app, non_admin_client):
    page = non_admin_client.get("/admin/").get_data(as_text=True)
    assert "Staff users" not in page and "API keys" not in page and "Login sessions" not in page
    assert "My account" in page


def test_the_kept_menu_follows_role_language_and_page(app, staff_client, non_admin_client):
    # The menu bar is drawn once per (language, role, page) and kept: an admin's menu drawn first
    # must not reach a clerk on the same page, nor English words a Dutch reader.
    admin_page = staff_client.get("/admin/order/").get_data(as_text=True)
    clerk_page = non_admin_client.get("/admin/order/").get_data(as_text=True)
    dutch_page = non_admin_client.get("/admin/order/", headers={"Accept-Language": "nl"}).get_data(as_text=True)
    other_page = non_admin_client.get("/admin/product/").get_data(as_text=True)

    assert "Staff users" in admin_page and "Staff users" not in clerk_page
    assert ">Orders<" in clerk_page and ">Bestellingen<" in dutch_page and ">Orders<" not in dutch_page
    assert _active_menu_entries(clerk_page) == ["/admin/order/"]
    assert _active_menu_entries(other_page) == ["/admin/product/"]


def _active_menu_entries(page):
    menu = page.split('class="nav navbar-nav mr-auto"', 1)[1].split("\n</ul>", 1)[0]
    return re.findall(r'class="dropdown-item active" href="([^"]+)"', menu)


def test_portal_user_is_refused_on_admin_dashboard(app, portal_session):
    assert portal_session.get("/admin/").status_code == 403


def test_ajax_lookup_needs_staff(app, one_of_everything, staff_client):
    assert app.test_client().get("/admin/order/ajax/lookup/?name=client&query=Acme").status_code == 302
    response = staff_client.get("/admin/order/ajax/lookup/?name=client&query=Acme")
    assert response.status_code == 200
    assert "Acme Webshop" in response.get_data(as_text=True)
