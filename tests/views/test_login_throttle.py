"""Brute force: failed logins and wrong API keys are throttled per username and per address.

Past the threshold the answer is 429 with Retry-After, before any password is checked, and it
is the same for a username that exists and one that does not.
"""

import re

import pytest

from fulfilment.models import LoginSession, RateLimitCounter
from fulfilment.services import accounts
from tests import factories
from tests.conftest import PORTAL_LOGIN, csrf_token, login

STAFF_LOGIN = "/admin/login"


def without_token(response):
    return re.sub(r'name="csrf_token"[^>]*value="[^"]+"', "", response.get_data(as_text=True))


@pytest.fixture
def tight_limits(app):
    """Three failures per username, ten per address, in a 15-minute window."""
    app.config["LOGIN_FAILURES_PER_USERNAME"] = "3 per 15 minutes"
    app.config["LOGIN_FAILURES_PER_ADDRESS"] = "10 per 15 minutes"
    return app


@pytest.fixture
def hash_checks(monkeypatch):
    """Count password hash checks: the work a login does, whether the username exists or not."""
    calls = []
    real = accounts.check_password_hash

    def counting(hashed, password):
        calls.append(hashed)
        return real(hashed, password)

    monkeypatch.setattr(accounts, "check_password_hash", counting)
    return calls


@pytest.mark.parametrize("path", [PORTAL_LOGIN, STAFF_LOGIN])
def test_the_attempt_after_the_threshold_is_answered_429_with_retry_after(app, tight_limits, path):
    user = factories.make_portal_user(username="anna") if path == PORTAL_LOGIN else \
        factories.make_staff_user(username="anna", password=factories.PASSWORD)
    browser = app.test_client()
    for _ in range(3):
        assert login(browser, path, "anna", "wrong-password-1").status_code == 401
    # Now even the right password is refused, without being looked at.
    response = login(browser, path, "anna", factories.PASSWORD)
    assert response.status_code == 429
    assert 0 < int(response.headers["Retry-After"]) <= 15 * 60
    assert "Too many failed attempts. Try again in 15 minutes." in response.get_data(as_text=True)
    assert LoginSession.select().count() == 0
    assert user.id  # the account itself is untouched: it logs in once the window has passed
    RateLimitCounter.update(expires_at=0).execute()
    assert login(browser, path, "anna", factories.PASSWORD).status_code == 302


@pytest.mark.parametrize("path", [PORTAL_LOGIN, STAFF_LOGIN])
def test_a_known_and_an_unknown_username_get_identical_answers_and_work(app, tight_limits, hash_checks, path):
    if path == PORTAL_LOGIN:
        factories.make_portal_user(username="known-user")
    else:
        factories.make_staff_user(username="known-user", password=factories.PASSWORD)
    answers = {}
    for username in ("known-user", "nobody-here"):
        browser = app.test_client()
        del hash_checks[:]
        refusals = [login(browser, path, username, "wrong-password-1") for _ in range(3)]
        assert len(hash_checks) == 3  # a real hash or the dummy one: the same work either way
        del hash_checks[:]
        throttled = login(browser, path, username, "wrong-password-1")
        assert hash_checks == []  # throttled before any hash is checked
        answers[username] = (
            [r.status_code for r in refusals], [without_token(r).replace(username, "X") for r in refusals],
            throttled.status_code, without_token(throttled).replace(username, "X"), "Retry-After" in throttled.headers,
        )
    assert answers["known-user"] == answers["nobody-here"]
    assert answers["known-user"][0] == [401, 401, 401] and answers["known-user"][2] == 429


def test_failures_from_one_address_over_many_usernames_are_throttled(app, tight_limits):
    app.config["LOGIN_FAILURES_PER_USERNAME"] = "100 per 15 minutes"
    app.config["LOGIN_FAILURES_PER_ADDRESS"] = "5 per 15 minutes"
    browser = app.test_client()
    for number in range(5):
        assert login(browser, PORTAL_LOGIN, f"guess{number}", "wrong-password-1").status_code == 401
    assert login(browser, PORTAL_LOGIN, "guess-next", "wrong-password-1").status_code == 429
    # Another address is not held back by this one.
    other = app.test_client()
    other.environ_base["REMOTE_ADDR"] = "192.0.2.44"
    assert login(other, PORTAL_LOGIN, "guess-next", "wrong-password-1").status_code == 401


def test_the_username_counter_of_one_portal_user_does_not_block_staff_of_that_name(app, tight_limits):
    factories.make_staff_user(username="anna", password=factories.PASSWORD)
    browser = app.test_client()
    for _ in range(3):
        login(browser, PORTAL_LOGIN, "anna", "wrong-password-1")
    assert login(browser, STAFF_LOGIN, "anna", factories.PASSWORD).status_code == 302


def test_a_successful_login_clears_the_usernames_failures(app, tight_limits, portal_user):
    browser = app.test_client()
    for _ in range(2):
        login(browser, PORTAL_LOGIN, portal_user.username, "wrong-password-1")
    assert login(browser, PORTAL_LOGIN, portal_user.username, factories.PASSWORD).status_code == 302
    other = app.test_client()
    for _ in range(3):
        assert login(other, PORTAL_LOGIN, portal_user.username, "wrong-password-1").status_code == 401


def test_the_two_factor_step_is_throttled_too(app, tight_limits):
    from tests.admin.two_factor_steps import enrolled_staff, password_step

    enrolled_staff(app)
    browser = app.test_client()
    assert password_step(browser).status_code == 302
    token = csrf_token(browser, "/admin/login/two-factor")
    wrong_code = {"csrf_token": token, "code": "not-a-code"}
    for _ in range(3):
        assert browser.post("/admin/login/two-factor", data=wrong_code).status_code == 401
    response = browser.post("/admin/login/two-factor", data=wrong_code)
    assert response.status_code == 429 and "Retry-After" in response.headers
