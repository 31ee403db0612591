"""Saving webshop connections: credentials encrypted, never shown in full, never logged; who may save."""

import logging

import pytest
from cryptography.fernet import Fernet

from fulfilment.models import Webshop
from fulfilment.services import webshop_credentials, webshops
from fulfilment.services.errors import ValidationFailed
from fulfilment.services.webshop_checks import run_connection_test
from fulfilment.services.webshop_import import import_orders
from fulfilment.services.webshop_tracking import push_due_tracking
from fulfilment.services.webshops import WebshopNotAllowed, save_webshop
from tests import factories
from tests.conftest import WEBSHOP_TEST_KEY
from tests.webshops.conftest import connect_woo

KEY, SECRET = "ck_1234567890abcdef1234567890abcdef12345678", "cs_fedcba0987654321fedcba0987654321abcd9f3a"


def _save(client, webshop=None, **changes):
    values = {"client": client, "platform": "woocommerce", "name": "Shop", "url": "https://shop.example",
              "credentials": {"consumer_key": KEY, "consumer_secret": SECRET}, **changes}
    return save_webshop(webshop, **values)


def test_credentials_are_stored_encrypted_and_shown_only_as_a_hint(shop_client):
    webshop = _save(shop_client)

    stored = Webshop.get_by_id(webshop.id).credentials_encrypted
    assert KEY not in stored and SECRET not in stored and "ck_" not in stored
    assert webshop_credentials.decrypt_credentials(stored) == {"consumer_key": KEY, "consumer_secret": SECRET}
    assert webshops.credential_hint(webshop) == "consumer key ck_…5678, consumer secret cs_…9f3a"


def test_changing_a_webshop_without_new_credentials_keeps_the_stored_ones(shop_client):
    webshop = _save(shop_client)
    before = webshop.credentials_encrypted

    changed = _save(shop_client, webshop, name="Renamed", credentials={"consumer_key": "", "consumer_secret": ""})

    assert changed.name == "Renamed" and Webshop.get_by_id(webshop.id).credentials_encrypted == before


def test_new_credentials_replace_the_old_and_forget_the_last_test(shop_client):
    webshop = _save(shop_client)
    Webshop.update(last_test_passed=True, last_test_result='[{"x": 1}]').where(Webshop.id == webshop.id).execute()

    _save(shop_client, Webshop.get_by_id(webshop.id), credentials={"consumer_key": "ck_new_key_000000",
                                                                   "consumer_secret": "cs_new_secret_0000"})

    stored = Webshop.get_by_id(webshop.id)
    assert webshop_credentials.decrypt_credentials(stored.credentials_encrypted)["consumer_key"] == "ck_new_key_000000"
    assert stored.last_test_passed is None and stored.last_test_result == ""


@pytest.mark.parametrize("changes, message", [
    ({"url": "http://shop.example"}, "must start with https://"),
    ({"url": "ftp://shop.example"}, "must start with https://"),
    ({"url": "https://user:pw@shop.example"}, "Enter the shop's address like"),
    ({"name": " "}, "Give the webshop a name"),
    ({"platform": "magento"}, "WooCommerce or Shopify"),
    ({"credentials": {}}, "Enter the consumer key and consumer secret"),
    ({"credentials": {"consumer_key": KEY}}, "Enter the consumer secret as well"),
    ({"credentials": {"consumer_key": "ck_with space", "consumer_secret": SECRET}}, "copy it again without spaces"),
])
def test_unusable_input_is_refused_with_a_reason(shop_client, fast_http, monkeypatch, changes, message):
    monkeypatch.setattr(webshops, "settings", webshops.WebshopSettings())  # http:// not allowed
    with pytest.raises(ValidationFailed, match=message):
        _save(shop_client, **changes)
    assert Webshop.select().count() == 0


def test_an_address_without_scheme_becomes_https(shop_client):
    assert _save(shop_client, url=" Shop.Example/winkel/ ").url == "https://shop.example/winkel"


def test_switching_platform_needs_the_new_platforms_credentials(shop_client):
    webshop = _save(shop_client)
    with pytest.raises(ValidationFailed, match="access token"):
        _save(shop_client, webshop, platform="shopify", credentials={})
    _save(shop_client, Webshop.get_by_id(webshop.id), platform="shopify",
          credentials={"access_token": "shpat_0123456789abcdef"})
    assert webshops.credential_hint(Webshop.get_by_id(webshop.id)) == "admin api access token shpat_…cdef"


def test_a_portal_user_needs_product_management_and_only_saves_its_own_clients_webshops(shop_client):
    other = factories.make_client()
    user = factories.make_portal_user(shop_client)
    shop_client.product_management = False
    shop_client.save()
    with pytest.raises(WebshopNotAllowed, match="product management"):
        _save(shop_client, actor=user)

    shop_client.product_management = True
    shop_client.save()
    user = type(user).get_by_id(user.id)
    assert _save(shop_client, actor=user).client_id == shop_client.id
    with pytest.raises(WebshopNotAllowed, match="another client"):
        _save(other, actor=user)


def test_key_rotation_reads_old_credentials_and_a_wrong_key_asks_to_enter_them_again(shop_client):
    webshop = _save(shop_client)
    new_key = Fernet.generate_key().decode()
    try:
        webshop_credentials.configure(f"{new_key},{WEBSHOP_TEST_KEY}")
        assert webshop_credentials.decrypt_credentials(webshop.credentials_encrypted)["consumer_secret"] == SECRET
        webshop_credentials.configure(new_key)
        assert webshops.credential_hint(webshop) == "unreadable: enter them again"
    finally:
        webshop_credentials.configure(WEBSHOP_TEST_KEY)


def test_a_malformed_key_is_refused_at_start(tmp_path):
    from fulfilment import create_app

    with pytest.raises(webshop_credentials.InvalidWebshopKey, match="Fernet key"):
        create_app({"DATABASE_URL": f"sqlite:///{tmp_path / 'x.sqlite3'}", "SECRET_KEY": "x",
                    "WEBSHOP_KEY": "not-a-key", "HUEY_IMMEDIATE": True})


def test_without_a_configured_key_one_is_kept_in_the_instance_folder(tmp_path):
    from fulfilment.config import WEBSHOP_KEY_FILE, new_fernet_key, persistent_secret_key

    first = persistent_secret_key(tmp_path / WEBSHOP_KEY_FILE, new_fernet_key)
    assert persistent_secret_key(tmp_path / WEBSHOP_KEY_FILE, new_fernet_key) == first
    Fernet(first.encode())  # a valid key


def test_credentials_are_never_logged(woo, shop_client, caplog):
    from fulfilment.models import Order, Shipment
    from fulfilment.services import picking

    caplog.set_level(logging.DEBUG)
    woo.add_order()
    webshop = connect_woo(shop_client, woo)
    run_connection_test(webshop)
    import_orders(Webshop.get_by_id(webshop.id))
    picking.close_picklist(Order.get().picklists.first(), shipments=[{"carrier": "DHL", "tracking_code": "X1"}])
    woo.fail("500", path="/notes")
    push_due_tracking()  # fails and logs the reason
    assert Shipment.get().webshop_push_status == "failed"

    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert "urllib3" in {record.name.split(".")[0] for record in caplog.records}
    for secret in (woo.consumer_key, woo.consumer_secret):
        assert secret not in logged
