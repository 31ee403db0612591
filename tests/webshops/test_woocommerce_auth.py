"""WooCommerce: 401 (nobody logged in: wrong or revoked key) and 403 (a user without the capability) told
apart; Basic credentials only over https, an OAuth 1.0a signature per request over plain http."""

import pytest

from fulfilment.models import Order
from fulfilment.services import webshops
from fulfilment.services.connectors.http import HttpSettings
from fulfilment.services.webshop_checks import run_connection_test
from fulfilment.services.webshop_import import import_orders
from tests.webshops.conftest import connect_woo
from tests.webshops.fake_shops import FakeWooCommerce, make_certificate


def _checks(webshop):
    return {check.key: (check.status, check.message) for check in run_connection_test(webshop)}


@pytest.fixture
def secure_woo(tmp_path, monkeypatch, fast_http):
    """A WooCommerce shop over https (so it reads HTTP Basic credentials), trusted by us."""
    certificate = make_certificate(str(tmp_path))
    monkeypatch.setattr(webshops, "settings", webshops.WebshopSettings(
        http=HttpSettings(timeout=1.0, retries=1, backoff=0.0, ca_bundle=certificate.cert_path, allow_http=False,
                          allow_private_network=True),
        push_max_attempts=fast_http.push_max_attempts))
    shop = FakeWooCommerce(certificate=certificate)
    yield shop
    shop.stop()


@pytest.mark.parametrize("scheme", ["https", "http"])
def test_a_mistyped_or_revoked_key_fails_the_credentials_check(request, scheme, shop_client):
    shop = request.getfixturevalue("secure_woo" if scheme == "https" else "woo")
    webshop = connect_woo(shop_client, shop)
    shop.consumer_key = "ck_" + "f0" * 20  # the stored key is unknown to the shop now (revoked)

    checks = _checks(webshop)

    assert checks["credentials"][0] == "failed"
    assert "does not recognise the consumer key" in checks["credentials"][1]
    assert "mistyped" in checks["credentials"][1] and "revoked" in checks["credentials"][1]
    assert checks["read_orders"][0] == "not checked"


def test_over_https_an_unknown_key_is_answered_401_cannot_view_and_read_as_wrong_credentials(secure_woo,
                                                                                              shop_client):
    webshop = connect_woo(shop_client, secure_woo)
    secure_woo.consumer_key = "ck_revoked"

    with pytest.raises(Exception, match="does not recognise the consumer key"):
        import_orders(webshop)

    # WooCommerce's own answer: not logged in, so its permission check said 401 woocommerce_rest_cannot_view.
    assert secure_woo.route("GET", "/wp-json/wc/v3/orders", {}, {}, b"")[0] == 401
    assert Order.select().count() == 0


def test_a_key_of_a_user_without_the_shop_manager_role_fails_the_permission_check(secure_woo, shop_client):
    secure_woo.user_role = "customer"  # logged in, but may not manage orders: 403
    webshop = connect_woo(shop_client, secure_woo)

    checks = _checks(webshop)

    assert checks["credentials"] == ("passed", "The shop accepts the credentials.")
    assert checks["read_orders"][0] == "failed"
    assert "role Administrator or Shop manager" in checks["read_orders"][1]
    assert checks["update_orders"][0] == "failed"


def test_a_wrong_secret_names_the_secret(secure_woo, shop_client):
    webshop = connect_woo(shop_client, secure_woo)
    secure_woo.consumer_secret = "cs_new_secret_after_a_leak"

    checks = _checks(webshop)

    assert checks["credentials"][0] == "failed"
    assert "not this consumer secret" in checks["credentials"][1]


def test_over_https_credentials_travel_as_basic_auth(secure_woo, shop_client):
    secure_woo.add_order()
    import_orders(connect_woo(shop_client, secure_woo))

    assert all(headers["Authorization"].startswith("Basic ") for headers in secure_woo.headers)


def test_over_http_each_request_is_signed_with_oauth_and_the_secret_never_travels(woo, woo_webshop):
    woo.add_order()
    woo.fail("500", path="/orders", times=1)  # the retry must carry a new signature: a nonce counts once

    summary = import_orders(woo_webshop)

    assert summary["imported"] == 1
    authorizations = [headers.get("Authorization", "") for headers in woo.headers]
    assert authorizations and all(value.startswith("OAuth ") for value in authorizations)
    assert 'oauth_signature_method="HMAC-SHA256"' in authorizations[0]
    assert len(woo.nonces) == len(woo.requests) - 1  # every answered request had a nonce of its own
    for headers, (_, _, query, body) in zip(woo.headers, woo.requests, strict=True):
        sent = str(headers) + str(query) + body.decode()
        assert woo.consumer_secret not in sent
        assert "Basic " not in sent


def test_over_http_a_replayed_signature_is_refused_by_the_shop(woo, woo_webshop):
    woo.add_order()
    import_orders(woo_webshop)
    method, path, query, _ = woo.requests[0]

    status, _, body = woo.route(method, path, query, woo.headers[0], b"")

    assert status == 401 and b"nonce has already been used" in body
