"""The steps of a staff login with two-factor: enrolled staff, the password step, the code step."""

import re
import time

import pyotp

from fulfilment.models import StaffUser
from fulfilment.services import two_factor
from tests import factories
from tests.conftest import csrf_token, login

PASSWORD = "staff-password-1"


def enrolled_staff(app, username="tess"):
    """A staff user with two-factor login on; returns (user, secret). The current code is still unused."""
    user = factories.make_staff_user(username=username, password=PASSWORD)
    secret = two_factor.new_secret()
    two_factor.enable(user, secret, pyotp.TOTP(secret).at(time.time(), counter_offset=-1))
    return StaffUser.get_by_id(user.id), secret


def password_step(browser, username="tess"):
    return login(browser, "/admin/login", username, PASSWORD)


def code_step(browser, code):
    token = csrf_token(browser, "/admin/login/two-factor")
    return browser.post("/admin/login/two-factor", data={"csrf_token": token, "code": code})


def is_in_back_office(browser):
    return browser.get("/admin/").status_code == 200


def secret_on(page):
    return re.search(r'<code class="user-select-all">([A-Z2-7]+)</code>', page).group(1)
