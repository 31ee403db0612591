"""Portal sessions live on the server: a copied cookie stops working once its session ends."""

import pytest

from fulfilment.models import LoginSession, PortalUser
from fulfilment.services import accounts
from tests import factories
from tests.conftest import portal_login
from tests.views.portal_forms import PREFIX, location_of, snapshot, submit, text_of

NEW_PASSWORD = "correct horse battery"
FIREFOX = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:140.0) Gecko/20100101 Firefox/140.0"


def session_cookie(test_client):
    return test_client.get_cookie("session", domain="portal.test").value


def browser_with_cookie(app, cookie):
    """Another browser that replays a copied session cookie."""
    replay = app.test_client()
    replay.set_cookie("session", cookie, domain="portal.test")
    return replay


def is_logged_in(test_client):
    return test_client.get(f"{PREFIX}/settings").status_code == 200


def test_a_cookie_replayed_after_logout_is_refused(app, portal_client):
    copied = session_cookie(portal_client)
    assert is_logged_in(browser_with_cookie(app, copied))
    assert location_of(submit(portal_client, "/logout")) == f"{PREFIX}/login"
    replay = browser_with_cookie(app, copied)
    assert location_of(replay.get(f"{PREFIX}/orders")) == f"{PREFIX}/login"
    assert LoginSession.select().count() == 0


def test_a_password_change_logs_out_every_other_browser_but_keeps_this_one(app, portal_user):
    this_browser, other_browser = portal_login(app, portal_user), portal_login(app, portal_user)
    copied = session_cookie(other_browser)
    response = submit(this_browser, "/settings/password", {
        "current_password": factories.PASSWORD, "new_password": NEW_PASSWORD, "repeat_password": NEW_PASSWORD,
    })
    assert location_of(response) == f"{PREFIX}/settings"
    assert is_logged_in(this_browser)
    assert not is_logged_in(other_browser)
    assert not is_logged_in(browser_with_cookie(app, copied))
    assert LoginSession.select().count() == 1


@pytest.mark.parametrize("change", [
    "staff sets a new password", "user deactivated", "client deactivated", "portal access off",
])
def test_a_staff_reset_or_deactivation_ends_every_session_for_good(app, portal_user, change):
    browsers = [portal_login(app, portal_user), portal_login(app, portal_user)]
    cookies = [session_cookie(browser) for browser in browsers]
    if change == "staff sets a new password":
        accounts.update_portal_user(portal_user, password=NEW_PASSWORD)
    elif change == "user deactivated":
        accounts.update_portal_user(portal_user, active=False)
    elif change == "client deactivated":
        accounts.save_client(portal_user.client, active=False)
    else:
        accounts.save_client(portal_user.client, portal_access=False)
    assert LoginSession.select().count() == 0
    # Switching access back on does not bring an ended session back.
    accounts.update_portal_user(PortalUser.get_by_id(portal_user.id), active=True)
    accounts.save_client(portal_user.client, active=True, portal_access=True)
    for cookie in cookies:
        assert not is_logged_in(browser_with_cookie(app, cookie))


def test_a_staff_reset_through_the_back_office_ends_the_sessions(app, staff_client, portal_user):
    from tests.conftest import csrf_token

    browser = portal_login(app, portal_user)
    edit = f"/admin/portaluser/edit/?id={portal_user.id}"
    response = staff_client.post(edit, data={
        "csrf_token": csrf_token(staff_client, edit), "client": str(portal_user.client_id),
        "username": portal_user.username, "notification_email": "", "active": "y", "new_password": NEW_PASSWORD,
    })
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    assert accounts.authenticate(PortalUser, portal_user.username, NEW_PASSWORD) is not None
    assert not is_logged_in(browser)


def test_settings_list_the_users_sessions_with_browser_and_this_one_marked(app, portal_user):
    other = app.test_client()
    other.environ_base["HTTP_USER_AGENT"] = FIREFOX
    from tests.conftest import PORTAL_LOGIN, login

    assert login(other, PORTAL_LOGIN, portal_user.username, factories.PASSWORD).status_code == 302
    this_browser = portal_login(app, portal_user)
    someone_else = factories.make_portal_user(username="someone-else")
    portal_login(app, someone_else)
    page = text_of(this_browser.get(f"{PREFIX}/settings"))
    assert "Where you are logged in" in page
    assert "Firefox on Windows" in page
    assert page.count("this browser") == 1
    assert page.count("End session") == 1  # the other browser; this one says "Log out"; not someone else's


def test_ending_another_browsers_session_logs_that_browser_out(app, portal_user):
    this_browser, other_browser = portal_login(app, portal_user), portal_login(app, portal_user)
    other = LoginSession.select().order_by(LoginSession.id.desc()).first()  # the other browser's, made last
    response = submit(this_browser, f"/settings/sessions/{other.id}/end")
    assert location_of(response) == f"{PREFIX}/settings"
    assert is_logged_in(this_browser)
    assert not is_logged_in(other_browser)


def test_another_users_session_cannot_be_ended(app, portal_user):
    this_browser = portal_login(app, portal_user)
    stranger = factories.make_portal_user(username="stranger")
    stranger_browser = portal_login(app, stranger)
    theirs = LoginSession.get(LoginSession.portal_user == stranger.id)
    before = snapshot()
    text_of(submit(this_browser, f"/settings/sessions/{theirs.id}/end"), 404)
    assert snapshot() == before
    assert is_logged_in(stranger_browser)


def test_log_out_everywhere_ends_every_session_of_the_user_only(app, portal_user):
    browsers = [portal_login(app, portal_user), portal_login(app, portal_user)]
    stranger = factories.make_portal_user(username="stranger")
    stranger_browser = portal_login(app, stranger)
    response = submit(browsers[0], "/settings/sessions/end-all")
    assert location_of(response) == f"{PREFIX}/login"
    assert not any(is_logged_in(browser) for browser in browsers)
    assert is_logged_in(stranger_browser)


def test_a_session_unused_for_longer_than_the_idle_lifetime_ends(app, portal_client):
    from datetime import timedelta

    from fulfilment.models import utcnow

    LoginSession.update(last_seen_at=utcnow() - timedelta(days=app.config["SESSION_IDLE_DAYS"], minutes=1)).execute()
    assert not is_logged_in(portal_client)
