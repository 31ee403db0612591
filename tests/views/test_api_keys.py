"""A client creates and revokes its own API keys on the settings page: the raw key is shown once,
only its hash is stored, the key reaches this client's rows only, and another client's key is out of reach."""

import re

from fulfilment.models import ApiKey
from fulfilment.services import accounts
from tests import factories
from tests.conftest import portal_login
from tests.factories import ApiClient
from tests.views.portal_forms import PREFIX, location_of, snapshot, submit, text_of

NEW_KEY = re.compile(r'id="new-api-key".*?<code[^>]*>([A-Za-z0-9_-]{40,})</code>', re.S)


def create_key(portal_client, name="Webshop sync"):
    """Create a key on the settings page like a client does; returns (ApiKey, raw key read from the answer)."""
    response = submit(portal_client, "/settings/api-keys", {"key_name": name})
    page = text_of(response)
    assert response.headers["Cache-Control"] == "no-store"
    match = NEW_KEY.search(page)
    assert match, page
    return ApiKey.get(ApiKey.name == name), match.group(1)


def test_a_created_key_is_shown_once_and_only_its_hash_is_stored(app, portal_client, portal_user):
    key, raw_key = create_key(portal_client)
    assert key.client_id == portal_user.client_id and key.active
    assert key.key_hash != raw_key and key.key_hash == accounts.hash_api_key(raw_key)
    assert key.key_prefix == raw_key[:len(key.key_prefix)] and 0 < len(key.key_prefix) < len(raw_key)
    page = text_of(portal_client.get(f"{PREFIX}/settings"))
    assert raw_key not in page  # never again
    assert "Webshop sync" in page and key.key_prefix in page and "active" in page
    assert raw_key not in text_of(portal_client.get(f"{PREFIX}/settings/api-keys/{key.id}/revoke"))


def test_a_key_needs_a_name(app, portal_client):
    before = snapshot()
    page = text_of(submit(portal_client, "/settings/api-keys", {"key_name": ""}), 400)
    assert "This field is required." in page
    assert snapshot() == before


def test_the_key_reaches_the_api_for_this_client_only(app, portal_client, portal_user):
    own = factories.make_product(portal_user.client, product_code="OWN-1")
    factories.make_product(factories.make_client(name="Someone else"), product_code="OTHER-1")
    _, raw_key = create_key(portal_client)
    response = ApiClient(app.test_client(), raw_key).get("/products")
    assert response.status_code == 200
    products = response.get_json()
    assert [p["productcode"] for p in products] == [own.product_code]
    assert {p["idfulfilment_customer"] for p in products} == {portal_user.client_id}


def test_a_revoked_key_is_refused_by_the_api_and_stays_listed(app, portal_client):
    key, raw_key = create_key(portal_client)
    api = ApiClient(app.test_client(), raw_key)
    assert api.get("/products").status_code == 200
    confirm = text_of(portal_client.get(f"{PREFIX}/settings/api-keys/{key.id}/revoke"))
    assert "Yes, revoke the key" in confirm and key.key_prefix in confirm
    assert ApiKey.get_by_id(key.id).active  # asking changes nothing
    response = submit(portal_client, f"/settings/api-keys/{key.id}/revoke")
    assert location_of(response) == f"{PREFIX}/settings"
    assert ApiKey.get_by_id(key.id).active is False
    assert api.get("/products").status_code == 401
    page = text_of(portal_client.get(f"{PREFIX}/settings"))
    assert "has been revoked" in page and "revoked" in page and "Webshop sync" in page
    assert f"/settings/api-keys/{key.id}/revoke" not in page  # no Revoke button any more


def test_another_clients_key_cannot_be_revoked_or_seen(app, portal_client):
    other_client = factories.make_client(name="Other BV")
    other_key, other_raw = accounts.create_api_key("Other's shop", client=other_client)
    staff_key, _ = accounts.create_api_key("Warehouse key")
    assert "Other's shop" not in text_of(portal_client.get(f"{PREFIX}/settings"))
    assert "Warehouse key" not in text_of(portal_client.get(f"{PREFIX}/settings"))
    before = snapshot()
    for key in (other_key, staff_key):
        assert portal_client.get(f"{PREFIX}/settings/api-keys/{key.id}/revoke").status_code == 404
        assert submit(portal_client, f"/settings/api-keys/{key.id}/revoke").status_code == 404
    assert snapshot() == before
    assert ApiKey.get_by_id(other_key.id).active and ApiKey.get_by_id(staff_key.id).active
    assert ApiClient(app.test_client(), other_raw).get("/products").status_code == 200


def test_a_key_created_by_one_user_is_listed_for_another_user_of_the_same_client(app, portal_client, portal_user):
    key, _ = create_key(portal_client, name="Shared key")
    colleague = factories.make_portal_user(portal_user.client, username="colleague")
    assert "Shared key" in text_of(portal_login(app, colleague).get(f"{PREFIX}/settings"))
