"""Portal login and logout: one refusal message for every failure, safe redirects, separate identities."""

import re
from urllib.parse import urlparse

import pytest

from fulfilment.models import PortalUser
from fulfilment.services import accounts
from fulfilment.views.auth import LOGIN_REFUSED
from tests import factories
from tests.conftest import PORTAL_LOGIN, csrf_token, login, portal_login

DASHBOARD = "/fulfilmentportal/"


def location(response):
    return urlparse(response.headers.get("Location", "")).path if response.status_code in (302, 303) else None


def refusal_page(response):
    """The refused login page without its per-session CSRF token, to compare two refusals."""
    return re.sub(r'name="csrf_token"[^>]*value="[^"]+"', "", response.get_data(as_text=True))


def is_logged_in(test_client):
    return test_client.get("/fulfilmentportal/settings").status_code == 200


def test_portal_user_logs_in_and_lands_on_the_dashboard(app, client, portal_user):
    response = login(client, PORTAL_LOGIN, portal_user.username, factories.PASSWORD)
    assert location(response) == DASHBOARD
    page = client.get(DASHBOARD)
    assert page.status_code == 200
    assert portal_user.client.name in page.get_data(as_text=True)
    assert PortalUser.get_by_id(portal_user.id).last_login_at is not None


def test_wrong_password_and_unknown_user_get_the_same_answer(app, client, portal_user):
    wrong_password = login(client, PORTAL_LOGIN, portal_user.username, "not-the-password")
    unknown_user = login(app.test_client(), PORTAL_LOGIN, "nobody-by-this-name", "not-the-password")
    assert wrong_password.status_code == unknown_user.status_code == 401
    assert str(LOGIN_REFUSED) in wrong_password.get_data(as_text=True)
    # The username field echoes what was typed; everything else is identical.
    assert refusal_page(wrong_password).replace(portal_user.username, "X") == \
        refusal_page(unknown_user).replace("nobody-by-this-name", "X")
    assert not is_logged_in(client)


@pytest.mark.parametrize("refusal", ["inactive user", "inactive client", "no portal access"])
def test_refused_accounts_get_the_same_answer_as_a_wrong_password(app, client, portal_user, refusal):
    if refusal == "inactive user":
        accounts.update_portal_user(portal_user, active=False)
    elif refusal == "inactive client":
        accounts.save_client(portal_user.client, active=False)
    else:
        accounts.save_client(portal_user.client, portal_access=False)
    response = login(client, PORTAL_LOGIN, portal_user.username, factories.PASSWORD)
    assert response.status_code == 401
    assert str(LOGIN_REFUSED) in response.get_data(as_text=True)
    assert not is_logged_in(client)


def test_switching_portal_access_off_ends_an_open_session(app, portal_client, portal_user):
    assert is_logged_in(portal_client)
    accounts.save_client(portal_user.client, portal_access=False)
    assert location(portal_client.get("/fulfilmentportal/orders")) == PORTAL_LOGIN


def login_with_next(test_client, user, next_url):
    test_client.get(PORTAL_LOGIN)
    token = csrf_token(test_client, PORTAL_LOGIN)
    return test_client.post(PORTAL_LOGIN, query_string={"next": next_url},
                            data={"username": user.username, "password": factories.PASSWORD, "csrf_token": token})


def test_next_redirect_goes_back_to_the_page_asked_for(app, client, portal_user):
    response = login_with_next(client, portal_user, "/fulfilmentportal/orders?status=processing")
    assert response.headers["Location"].endswith("/fulfilmentportal/orders?status=processing")


@pytest.mark.parametrize("next_url", [
    "https://evil.example/phish", "//evil.example/phish", "http://evil.example", "javascript:alert(1)",
    "https:evil.example",
])
def test_next_redirect_never_leaves_the_site(app, client, portal_user, next_url):
    response = login_with_next(client, portal_user, next_url)
    assert response.status_code == 302
    target = urlparse(response.headers["Location"])
    assert target.netloc in ("", "portal.test")
    assert target.path == DASHBOARD


def test_login_without_csrf_token_is_refused(app, client, portal_user):
    client.get(PORTAL_LOGIN)
    response = client.post(PORTAL_LOGIN, data={"username": portal_user.username, "password": factories.PASSWORD})
    assert response.status_code == 400
    assert not is_logged_in(client)


def test_portal_login_never_opens_the_back_office(app, portal_client):
    for path in ("/admin/", "/admin/client/", "/admin/product/", "/admin/order/"):
        response = portal_client.get(path)
        assert response.status_code in (403, 404), path
        assert response.status_code != 200
    assert is_logged_in(portal_client)


def test_staff_login_does_not_act_as_a_client(app, staff_client):
    response = staff_client.get("/fulfilmentportal/products")
    assert location(response) == PORTAL_LOGIN
    page = staff_client.get(PORTAL_LOGIN).get_data(as_text=True)
    assert "logged in to the back office as staff" in page


def test_logging_in_to_the_portal_replaces_a_staff_session(app, staff_client, portal_user):
    assert login(staff_client, PORTAL_LOGIN, portal_user.username, factories.PASSWORD).status_code == 302
    assert is_logged_in(staff_client)
    assert staff_client.get("/admin/").status_code == 403


def test_logout_is_a_post_with_the_csrf_token(app, portal_client):
    assert portal_client.get("/fulfilmentportal/logout").status_code == 405
    assert portal_client.post("/fulfilmentportal/logout").status_code == 400
    assert is_logged_in(portal_client)
    token = csrf_token(portal_client, "/fulfilmentportal/settings")
    response = portal_client.post("/fulfilmentportal/logout", data={"csrf_token": token})
    assert location(response) == PORTAL_LOGIN
    assert not is_logged_in(portal_client)


def test_logged_in_user_on_the_login_page_goes_to_the_dashboard(app, portal_client):
    assert location(portal_client.get(PORTAL_LOGIN)) == DASHBOARD


@pytest.mark.parametrize("who, target", [
    ("anonymous", PORTAL_LOGIN), ("portal", DASHBOARD), ("staff", "/admin/"),
])
def test_start_page_sends_each_visitor_where_they_belong(app, who, target, portal_user):
    if who == "anonymous":
        test_client = app.test_client()
    elif who == "portal":
        test_client = portal_login(app, portal_user)
    else:
        factories.make_staff_user(username="staff", password="staff-password-1")
        test_client = app.test_client()
        login(test_client, "/admin/login", "staff", "staff-password-1")
    assert location(test_client.get("/")) == target
