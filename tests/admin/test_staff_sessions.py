"""Staff sessions live on the server too: logout, a password change, a reset or deactivation end them."""

import pytest

from fulfilment.models import LoginSession, StaffUser
from fulfilment.services import accounts
from tests import factories
from tests.conftest import csrf_token, login

PASSWORD = "staff-password-1"
NEW_PASSWORD = "a new staff password"


def staff_browser(app, username="staff"):
    browser = app.test_client()
    assert login(browser, "/admin/login", username, PASSWORD).status_code == 302
    return browser


def replay(app, browser):
    copy = app.test_client()
    copy.set_cookie("session", browser.get_cookie("session", domain="portal.test").value, domain="portal.test")
    return copy


def in_back_office(browser):
    return browser.get("/admin/").status_code == 200


def post(browser, path, data=None):
    return browser.post(path, data={"csrf_token": csrf_token(browser, "/admin/account/"), **(data or {})})


def test_a_staff_cookie_replayed_after_logout_is_refused(app, staff_user):
    browser = staff_browser(app)
    copy = replay(app, browser)
    assert in_back_office(copy)
    assert post(browser, "/admin/logout").status_code == 302
    assert not in_back_office(copy)
    assert LoginSession.select().count() == 0


def test_a_staff_password_change_ends_the_other_sessions_and_follows_the_policy(app, staff_user):
    browser, other = staff_browser(app), staff_browser(app)
    copy = replay(app, other)
    refused = post(browser, "/admin/account/password", {
        "current_password": PASSWORD, "new_password": "short", "repeat_password": "short"})
    assert refused.status_code == 400 and "at least 12 characters" in refused.get_data(as_text=True)
    assert in_back_office(other)
    response = post(browser, "/admin/account/password", {
        "current_password": PASSWORD, "new_password": NEW_PASSWORD, "repeat_password": NEW_PASSWORD})
    assert response.status_code == 302
    assert in_back_office(browser)
    assert not in_back_office(other) and not in_back_office(copy)


@pytest.mark.parametrize("change", ["new password", "deactivated"])
def test_an_admin_reset_or_deactivation_ends_every_session_of_that_staff_user(app, staff_user, change):
    factories.make_staff_user(username="clerk", password=PASSWORD, is_admin=False)
    clerk = staff_browser(app, "clerk")
    user = StaffUser.get(StaffUser.username == "clerk")
    if change == "new password":
        accounts.update_staff_user(user, password=NEW_PASSWORD, actor=staff_user)
    else:
        accounts.update_staff_user(user, active=False, actor=staff_user)
    assert not in_back_office(clerk)
    assert LoginSession.select().where(LoginSession.staff_user == user.id).count() == 0


def test_staff_passwords_follow_the_portal_password_policy(app, staff_user):
    from fulfilment.services.errors import WeakPassword

    for weak in ("short-pw", "password1234", ""):
        with pytest.raises(WeakPassword):
            accounts.create_staff_user("newbie", weak, actor=staff_user)
        with pytest.raises(WeakPassword):
            accounts.update_staff_user(staff_user, password=weak or "x", actor=staff_user)
    assert StaffUser.select().count() == 1


def test_the_last_active_admin_cannot_be_demoted_or_deactivated(app, staff_user):
    from fulfilment.services.errors import ValidationFailed

    with pytest.raises(ValidationFailed):
        accounts.update_staff_user(staff_user, is_admin=False, actor=staff_user)
    with pytest.raises(ValidationFailed):
        accounts.update_staff_user(staff_user, active=False, actor=staff_user)
    stored = StaffUser.get_by_id(staff_user.id)
    assert stored.is_admin and stored.active


def test_my_account_lists_sessions_and_logs_out_everywhere(app, staff_user):
    browser, other = staff_browser(app), staff_browser(app)
    page = browser.get("/admin/account/").get_data(as_text=True)
    assert page.count("this browser") == 1 and page.count("End session") == 1
    assert post(browser, "/admin/account/sessions/end-all").status_code == 302
    assert not in_back_office(browser) and not in_back_office(other)


def test_an_admin_ends_someone_elses_session_from_the_sessions_list(app, staff_client, staff_user):
    factories.make_staff_user(username="clerk", password=PASSWORD, is_admin=False)
    clerk = staff_browser(app, "clerk")
    theirs = LoginSession.get(LoginSession.staff_user == StaffUser.get(StaffUser.username == "clerk").id)
    assert "Login sessions" in staff_client.get("/admin/loginsession/").get_data(as_text=True)
    response = staff_client.post(f"/admin/loginsession/do/end/{theirs.id}",
                                 data={"csrf_token": csrf_token(staff_client, "/admin/account/")})
    assert response.status_code == 302 and response.headers["Location"].endswith("/admin/loginsession/")
    assert not in_back_office(clerk)
    assert in_back_office(staff_client)
