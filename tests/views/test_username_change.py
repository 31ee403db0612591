"""A client renaming its login to a username in use learns only that it is taken, never whose,
and cannot use the form to probe for usernames at speed."""

import re

from fulfilment.models import PortalUser
from fulfilment.services import accounts
from tests import factories
from tests.views.portal_forms import snapshot, submit, text_of


def refusal(portal_client, username):
    page = text_of(submit(portal_client, "/settings/login", {"username": username}), 409)
    return re.sub(r'name="csrf_token"[^>]*value="[^"]+"', "", page)


def test_a_taken_username_is_refused_the_same_way_whoever_holds_it(app, portal_client, portal_user):
    other_client = factories.make_client(name="Rival Goods BV", email="owner@rival.example")
    rival = factories.make_portal_user(other_client, username="taken-name", notification_email="boss@rival.example")
    before = snapshot()
    held_by_another_client = refusal(portal_client, "taken-name")
    assert "This username is already taken." in held_by_another_client
    for secret in ("Rival Goods BV", "rival.example", f"user {rival.id}", f"#{rival.id}"):
        assert secret not in held_by_another_client
    assert snapshot() == before

    accounts.update_portal_user(rival, username="rival-renamed")
    colleague = factories.make_portal_user(portal_user.client, username="taken-name")
    held_by_a_colleague = refusal(portal_client, "taken-name")
    accounts.update_portal_user(colleague, active=False)
    held_by_a_deactivated_login = refusal(portal_client, "taken-name")
    assert held_by_another_client == held_by_a_colleague == held_by_a_deactivated_login
    assert PortalUser.get_by_id(portal_user.id).username == portal_user.username


def test_probing_for_usernames_is_throttled(app, portal_client, portal_user):
    app.config["USERNAME_REFUSALS_PER_USER"] = "3 per hour"
    for number in range(3):
        factories.make_portal_user(username=f"taken{number}")
        refusal(portal_client, f"taken{number}")
    before = snapshot()
    response = submit(portal_client, "/settings/login", {"username": "free-name"})
    assert response.status_code == 429
    assert int(response.headers["Retry-After"]) > 0
    assert "Too many failed attempts" in response.get_data(as_text=True)
    assert snapshot() == before
