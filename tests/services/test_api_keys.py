"""API keys: created with a secret shown once, stored as a hash, revoked by deactivating."""

import pytest

from fulfilment.models import ApiKey
from fulfilment.services import accounts
from fulfilment.services.errors import ValidationFailed
from tests import factories


def test_create_api_key_stores_only_a_hash_and_a_prefix(app):
    staff = factories.make_staff_user(username="alice")
    key, raw = accounts.create_api_key("Shop sync", actor=staff)
    stored = ApiKey.get_by_id(key.id)
    assert len(raw) >= 40
    assert stored.key_hash == accounts.hash_api_key(raw) != raw
    assert stored.key_prefix == raw[:8]
    assert raw not in (stored.key_hash, stored.name, stored.created_by)
    assert stored.client is None and stored.active
    assert stored.created_by == "staff alice"


def test_each_key_is_different(app):
    raws = {accounts.create_api_key(f"Key {n}")[1] for n in range(5)}
    assert len(raws) == 5


def test_a_key_needs_a_name(app):
    with pytest.raises(ValidationFailed):
        accounts.create_api_key("  ")
    assert ApiKey.select().count() == 0


def test_authenticate_finds_the_active_key_only(app):
    client = factories.make_client()
    key, raw = accounts.create_api_key("Client key", client=client)
    assert accounts.authenticate_api_key(raw).id == key.id
    assert accounts.authenticate_api_key(raw + "x") is None
    assert accounts.authenticate_api_key("") is None
    accounts.revoke_api_key(key)
    assert ApiKey.get_by_id(key.id).active is False
    assert accounts.authenticate_api_key(raw) is None


def test_a_scoped_key_of_an_inactive_client_is_refused(app):
    client = factories.make_client(active=False)
    _, raw = accounts.create_api_key("Old shop", client=client)
    assert accounts.authenticate_api_key(raw) is None


def test_save_client_refuses_an_unknown_language(app):
    with pytest.raises(ValidationFailed):
        accounts.save_client(None, name="Shop", language="fr")
