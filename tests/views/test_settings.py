"""Settings: a portal user changes their own username, notification e-mail and password."""

import pytest

from fulfilment.models import PortalUser
from fulfilment.services import accounts
from tests import factories
from tests.conftest import PORTAL_LOGIN, login
from tests.views.portal_forms import PREFIX, location_of, snapshot, submit, text_of

NEW_PASSWORD = "correct horse battery"


def test_user_changes_username_and_notification_email(app, portal_client, portal_user):
    page = text_of(portal_client.get(f"{PREFIX}/settings"))
    assert f'value="{portal_user.username}"' in page
    response = submit(portal_client, "/settings/login", {"username": "anna", "notification_email": "anna@example.com"})
    assert location_of(response) == f"{PREFIX}/settings"
    user = PortalUser.get_by_id(portal_user.id)
    assert (user.username, user.notification_email) == ("anna", "anna@example.com")
    assert "Your login details have been saved." in text_of(portal_client.get(f"{PREFIX}/settings"))
    assert login(app.test_client(), PORTAL_LOGIN, "anna", factories.PASSWORD).status_code == 302


def test_a_username_in_use_or_empty_and_a_bad_email_are_refused(app, portal_client, portal_user):
    factories.make_portal_user(username="taken")
    before = snapshot()
    page = text_of(submit(portal_client, "/settings/login", {"username": "taken"}), 409)
    assert "This username is already taken." in page
    page = text_of(submit(portal_client, "/settings/login", {"username": "", "notification_email": "not-an-email"}),
                   400)
    assert "This field is required." in page and "Enter an e-mail address." in page
    assert snapshot() == before


def test_user_changes_the_password_with_the_current_one(app, portal_client, portal_user):
    response = submit(portal_client, "/settings/password", {
        "current_password": factories.PASSWORD, "new_password": NEW_PASSWORD, "repeat_password": NEW_PASSWORD,
    })
    assert location_of(response) == f"{PREFIX}/settings"
    assert accounts.authenticate(PortalUser, portal_user.username, NEW_PASSWORD) is not None
    assert accounts.authenticate(PortalUser, portal_user.username, factories.PASSWORD) is None


@pytest.mark.parametrize("current, new, repeat, status, message", [
    ("wrong-password-1", NEW_PASSWORD, NEW_PASSWORD, 400, "The current password is not right."),
    (factories.PASSWORD, "short-pw", "short-pw", 400, "at least 12 characters"),
    (factories.PASSWORD, "password1234", "password1234", 400, "This password is too common"),
    (factories.PASSWORD, NEW_PASSWORD, "something else", 400, "The two new passwords are not the same."),
    (factories.PASSWORD, factories.PASSWORD, factories.PASSWORD, 400, "must differ from the current one"),
    ("", NEW_PASSWORD, NEW_PASSWORD, 400, "This field is required."),
])
def test_a_password_change_is_refused_with_the_reason(app, portal_client, current, new, repeat, status, message):
    before = snapshot()
    page = text_of(submit(portal_client, "/settings/password", {
        "current_password": current, "new_password": new, "repeat_password": repeat,
    }), status)
    assert message in page
    assert NEW_PASSWORD not in page and (not current or current not in page)  # passwords are never echoed
    assert snapshot() == before


def test_client_since_is_the_clients_first_record(app):
    from datetime import datetime

    from fulfilment.models import Client, Order
    from fulfilment.services import accounts
    from tests import factories
    from tests.conftest import portal_login

    user = factories.make_portal_user(factories.make_client(name="Since"))
    client = user.client
    assert accounts.client_since(client) == Client.get_by_id(client.id).created_at
    product = factories.make_product(client, stock_amount=1)
    order = factories.make_order(client, lines=[(product, 1)])
    Order.update(created_at=datetime(2021, 6, 15, 10, 0)).where(Order.id == order.id).execute()
    assert accounts.client_since(Client.get_by_id(client.id)) == datetime(2021, 6, 15, 10, 0)
    page = portal_login(app, user).get("/fulfilmentportal/settings").get_data(as_text=True)
    assert "15 Jun 2021" in page
