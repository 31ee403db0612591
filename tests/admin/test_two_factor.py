"""Two-factor login for staff: enrolment with a QR code, a code after the password, recovery codes
that work once, and an admin switch that requires it of everyone."""

import re

import pyotp

from fulfilment.models import LoginSession, StaffUser
from fulfilment.services import two_factor
from tests import factories
from tests.admin.two_factor_steps import (
    PASSWORD,
    code_step,
    enrolled_staff,
    is_in_back_office,
    password_step,
    secret_on,
)
from tests.conftest import csrf_token


def recovery_codes_on(page):
    return re.findall(r"<li>([0-9a-f]{5}-[0-9a-f]{5})</li>", page)


def test_staff_sets_up_two_factor_from_my_account_with_a_qr_code(app, staff_client, staff_user):
    page = staff_client.get("/admin/account/two-factor")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "<svg" in text and "<script" not in text.split("<svg", 1)[1].split("</svg>", 1)[0]
    secret = secret_on(text)
    token = csrf_token(staff_client, "/admin/account/two-factor")

    wrong = staff_client.post("/admin/account/two-factor", data={"csrf_token": token, "code": "12345"})
    assert wrong.status_code == 400
    assert not StaffUser.get_by_id(staff_user.id).two_factor_enabled

    done = staff_client.post("/admin/account/two-factor", data={"csrf_token": token,
                                                                "code": pyotp.TOTP(secret).now()})
    assert done.status_code == 200
    assert done.headers["Cache-Control"] == "no-store"
    codes = recovery_codes_on(done.get_data(as_text=True))
    assert len(codes) == 10
    stored = StaffUser.get_by_id(staff_user.id)
    assert stored.two_factor_enabled
    assert secret not in stored.totp_secret_encrypted
    assert not any(code in stored.recovery_code_hashes for code in codes)
    # The codes are never shown again.
    assert not any(code in staff_client.get("/admin/account/").get_data(as_text=True) for code in codes)


def test_an_enrolled_staff_member_logs_in_with_password_then_code(app):
    user, secret = enrolled_staff(app)
    browser = app.test_client()
    response = password_step(browser)
    assert response.status_code == 302 and response.headers["Location"].endswith("/admin/login/two-factor")
    assert not is_in_back_office(browser)  # the password alone does not open the back office
    assert LoginSession.select().count() == 0
    assert code_step(browser, "not-a-code").status_code == 401
    assert not is_in_back_office(browser)
    response = code_step(browser, pyotp.TOTP(secret).now())
    assert response.status_code == 302
    assert is_in_back_office(browser)


def test_a_code_is_accepted_only_once(app):
    user, secret = enrolled_staff(app)
    code = pyotp.TOTP(secret).now()
    first = app.test_client()
    password_step(first)
    assert code_step(first, code).status_code == 302
    replay = app.test_client()
    password_step(replay)
    assert code_step(replay, code).status_code == 401
    assert not is_in_back_office(replay)


def test_a_recovery_code_logs_in_once(app, staff_client, staff_user):
    page = staff_client.get("/admin/account/two-factor").get_data(as_text=True)
    token = csrf_token(staff_client, "/admin/account/two-factor")
    done = staff_client.post("/admin/account/two-factor",
                             data={"csrf_token": token, "code": pyotp.TOTP(secret_on(page)).now()})
    codes = recovery_codes_on(done.get_data(as_text=True))

    browser = app.test_client()
    password_step(browser, "staff")
    assert code_step(browser, codes[3].upper().replace("-", " ")).status_code == 302  # typed loosely
    assert is_in_back_office(browser)
    assert two_factor.unused_recovery_codes(StaffUser.get_by_id(staff_user.id)) == 9

    again = app.test_client()
    password_step(again, "staff")
    assert code_step(again, codes[3]).status_code == 401
    assert not is_in_back_office(again)


def test_an_admin_requires_two_factor_and_staff_without_it_set_it_up_after_the_password(app, staff_client):
    token = csrf_token(staff_client, "/admin/account/")
    response = staff_client.post("/admin/account/two-factor/required", data={"csrf_token": token, "required": "y"})
    assert response.status_code == 302
    assert two_factor.required_for_all_staff()

    factories.make_staff_user(username="tess", password=PASSWORD, is_admin=False)
    browser = app.test_client()
    response = password_step(browser)
    assert response.headers["Location"].endswith("/admin/login/two-factor/setup")
    assert not is_in_back_office(browser)
    page = browser.get("/admin/login/two-factor/setup").get_data(as_text=True)
    assert "<svg" in page
    token = csrf_token(browser, "/admin/login/two-factor/setup")
    done = browser.post("/admin/login/two-factor/setup",
                        data={"csrf_token": token, "code": pyotp.TOTP(secret_on(page)).now()})
    assert done.status_code == 200
    assert len(recovery_codes_on(done.get_data(as_text=True))) == 10
    assert is_in_back_office(browser)
    assert StaffUser.get(StaffUser.username == "tess").two_factor_enabled


def test_two_factor_cannot_be_turned_off_while_required(app, staff_client, staff_user):
    two_factor.set_required_for_all_staff(True, staff_user)
    user, _ = enrolled_staff(app)
    browser = app.test_client()
    password_step(browser)
    code_step(browser, pyotp.TOTP(two_factor.decrypt_credentials(user.totp_secret_encrypted)["totp"]).now())
    token = csrf_token(browser, "/admin/account/")
    response = browser.post("/admin/account/two-factor/off", data={"csrf_token": token, "off-password": PASSWORD})
    assert response.status_code == 409
    assert StaffUser.get_by_id(user.id).two_factor_enabled


def test_the_code_step_without_the_password_step_goes_back_to_the_login(app):
    enrolled_staff(app)
    browser = app.test_client()
    response = browser.get("/admin/login/two-factor")
    assert response.status_code == 302 and response.headers["Location"].endswith("/admin/login")


def test_an_admin_resets_a_lost_phone(app, staff_client):
    user, secret = enrolled_staff(app)
    details = f"/admin/staffuser/details/?id={user.id}"
    token = csrf_token(staff_client, details)
    response = staff_client.post(f"/admin/staffuser/do/reset_two_factor/{user.id}", data={"csrf_token": token})
    assert response.status_code == 302
    assert not StaffUser.get_by_id(user.id).two_factor_enabled
    browser = app.test_client()
    assert password_step(browser).status_code == 302
    assert is_in_back_office(browser)
