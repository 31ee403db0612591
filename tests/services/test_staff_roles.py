"""Only admins manage staff users and staff-wide API keys, whichever way the service is called."""

import pytest

from fulfilment.models import ApiKey, StaffUser
from fulfilment.services import accounts
from fulfilment.services.accounts import AdminsOnly
from tests import factories


def test_a_non_admin_cannot_create_or_change_staff_or_keys(app):
    admin = factories.make_staff_user(username="boss")
    clerk = factories.make_staff_user(username="clerk", is_admin=False)
    client = factories.make_client()
    key, _ = accounts.create_api_key("Sync", actor=admin)
    with pytest.raises(AdminsOnly):
        accounts.create_staff_user("mallory", "a-long-password-1", is_admin=True, actor=clerk)
    with pytest.raises(AdminsOnly):
        accounts.update_staff_user(clerk, is_admin=True, actor=clerk)
    with pytest.raises(AdminsOnly):
        accounts.create_api_key("Everything", actor=clerk)
    with pytest.raises(AdminsOnly):
        accounts.create_api_key("One client", client=client, actor=clerk)
    with pytest.raises(AdminsOnly):
        accounts.revoke_api_key(key, actor=clerk)
    assert not StaffUser.get_by_id(clerk.id).is_admin
    assert StaffUser.select().count() == 2
    assert [(k.name, k.active) for k in ApiKey.select()] == [("Sync", True)]


def test_an_admin_the_cli_and_a_clients_own_portal_user_may(app):
    admin = factories.make_staff_user(username="boss")
    portal_user = factories.make_portal_user()
    accounts.create_staff_user("newbie", "a-long-password-1", actor=admin)
    accounts.create_api_key("From the CLI", actor="cli")
    own, _ = accounts.create_api_key("Own key", client=portal_user.client, actor=portal_user)
    accounts.revoke_api_key(own, actor=portal_user)
    with pytest.raises(AdminsOnly):
        accounts.create_api_key("Staff-wide", actor=portal_user)
    assert StaffUser.select().count() == 2
    assert ApiKey.select().count() == 2
