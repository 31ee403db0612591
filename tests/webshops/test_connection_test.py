"""The connection test: each check passed or failed with a message a shop owner can act on, and stored."""

import socket

import pytest

from fulfilment.i18n import force_locale
from fulfilment.models import Webshop
from fulfilment.services import webshops
from fulfilment.services.connectors.base import InsecureConnection
from fulfilment.services.connectors.http import HttpSettings, probe_tls
from fulfilment.services.webshop_checks import CHECKS, last_test_checks, run_connection_test
from tests.webshops.conftest import connect_shopify, connect_woo
from tests.webshops.fake_shops import FakeShopify, FakeWooCommerce, make_certificate


def _results(checks):
    return {check.key: check.status for check in checks}


def _message(checks, key):
    return next(check.message for check in checks if check.key == key)


@pytest.fixture
def certificate(tmp_path):
    return make_certificate(str(tmp_path))


@pytest.fixture
def trusted(fast_http, monkeypatch, certificate):
    """Trust the fake shops' self-signed certificate, and send credentials over https only."""
    settings = webshops.WebshopSettings(
        http=HttpSettings(timeout=1.0, retries=2, backoff=0.0, ca_bundle=certificate.cert_path, allow_http=False,
                          allow_private_network=True),
        push_max_attempts=fast_http.push_max_attempts,
    )
    monkeypatch.setattr(webshops, "settings", settings)
    return settings


@pytest.fixture
def secure_woo(certificate):
    shop = FakeWooCommerce(certificate=certificate)
    yield shop
    shop.stop()


def test_a_good_woocommerce_shop_passes_every_check(trusted, secure_woo, shop_client):
    secure_woo.add_order(lines=[("SKU-1", 1), ("SKU-2", 3)])
    webshop = connect_woo(shop_client, secure_woo)

    checks = run_connection_test(webshop)

    assert [check.key for check in checks] == [key for key, _ in CHECKS]
    assert _results(checks) == {key: "passed" for key, _ in CHECKS}
    assert "is valid until" in _message(checks, "secure")
    assert _message(checks, "skus") == "All 2 SKUs in recent orders are known products."
    stored = Webshop.get_by_id(webshop.id)
    assert stored.last_test_passed is True and stored.last_test_at is not None
    assert [c.status for c in last_test_checks(stored)] == ["passed"] * len(CHECKS)
    # The permission check changed nothing in the shop.
    assert [o["status"] for o in secure_woo.orders.values()] == ["processing"]


def test_a_good_shopify_shop_passes_every_check(trusted, certificate, shop_client):
    shop = FakeShopify(certificate=certificate)
    try:
        shop.add_order(lines=[("SKU-3", 1)])
        checks = run_connection_test(connect_shopify(shop_client, shop))
    finally:
        shop.stop()
    assert _results(checks) == {key: "passed" for key, _ in CHECKS}


def test_an_http_address_fails_the_secure_connection_check(woo, woo_webshop):
    checks = run_connection_test(woo_webshop)

    assert _results(checks)["reachable"] == "passed"
    assert _results(checks)["secure"] == "failed"
    assert "starts with http://, so nothing sent to the shop is encrypted" in _message(checks, "secure")
    assert Webshop.get_by_id(woo_webshop.id).last_test_passed is False


def test_without_a_secure_connection_no_credentials_are_sent(woo, woo_webshop, trusted):
    checks = run_connection_test(woo_webshop)

    assert _results(checks)["secure"] == "failed"
    assert _results(checks)["credentials"] == "not checked"
    assert woo.requests == []


def test_wrong_credentials_fail_with_where_to_find_them(woo, shop_client):
    webshop = webshops.save_webshop(None, client=shop_client, platform="woocommerce", name="W", url=woo.url,
                                    credentials={"consumer_key": woo.consumer_key, "consumer_secret": "cs_wrong_0000"})
    checks = run_connection_test(webshop)

    assert _results(checks)["credentials"] == "failed"
    assert "WooCommerce → Settings → Advanced → REST API" in _message(checks, "credentials")
    assert {_results(checks)[key] for key in ("read_orders", "recent_orders", "skus", "update_orders")} == {
        "not checked"}


def test_a_read_only_key_fails_the_update_permission_check(woo, shop_client):
    woo.permissions = "read"
    checks = run_connection_test(connect_woo(shop_client, woo))

    assert _results(checks)["read_orders"] == "passed"
    assert _results(checks)["update_orders"] == "failed"
    assert "read-only" in _message(checks, "update_orders") and "Read/Write" in _message(checks, "update_orders")


def test_a_write_only_key_fails_the_read_permission_check(woo, shop_client):
    woo.permissions = "write"
    checks = run_connection_test(connect_woo(shop_client, woo))

    assert _results(checks)["credentials"] == "passed"
    assert _results(checks)["read_orders"] == "failed"
    assert _results(checks)["recent_orders"] == "not checked"
    assert _results(checks)["update_orders"] == "passed"


def test_unknown_skus_in_recent_orders_are_listed(woo, woo_webshop):
    woo.add_order(lines=[("SKU-1", 1), ("MUG-XL", 1)])
    woo.add_order(lines=[("GIFT-CARD", 1)])
    woo.add_order(lines=[("", 1, "Gift wrapping")])

    checks = run_connection_test(woo_webshop)

    message = _message(checks, "skus")
    assert _results(checks)["skus"] == "failed"
    assert "not known as products: GIFT-CARD, MUG-XL" in message
    assert "no SKU in the shop: Gift wrapping" in message


def test_a_server_error_fails_clearly(woo, woo_webshop):
    woo.fail("500", times=1000)
    checks = run_connection_test(woo_webshop)

    assert _results(checks)["credentials"] == "failed"
    assert "answered with an error (HTTP 500) 2 times" in _message(checks, "credentials")


def test_a_timeout_fails_clearly(woo, woo_webshop, impatient):
    woo.fail("timeout", path="/orders", times=1000, delay=0.6)
    checks = run_connection_test(woo_webshop)

    assert _results(checks)["credentials"] == "failed"
    assert "did not answer within 0.3 seconds" in _message(checks, "credentials")


def test_malformed_json_fails_the_recent_orders_check(woo, woo_webshop):
    woo.add_order()
    woo.fail("malformed", path="/orders", per_page=20)
    checks = run_connection_test(woo_webshop)

    assert _results(checks)["read_orders"] == "passed"
    assert _results(checks)["recent_orders"] == "failed"
    assert "not the data its API sends" in _message(checks, "recent_orders")


def test_an_unreachable_host_fails_the_first_check_and_skips_the_rest(shop_client):
    with socket.socket() as unused:
        unused.bind(("127.0.0.1", 0))
        port = unused.getsockname()[1]
    credentials = {"consumer_key": "ck_0123456789ab", "consumer_secret": "cs_0123456789ab"}
    webshop = webshops.save_webshop(None, client=shop_client, platform="woocommerce", name="Gone",
                                    url=f"http://127.0.0.1:{port}", credentials=credentials)
    checks = run_connection_test(webshop)

    assert _results(checks)["reachable"] == "failed"
    assert f"refused the connection on port {port}" in _message(checks, "reachable")
    assert {check.status for check in checks[1:]} == {"not checked"}


def test_an_unknown_host_name_says_to_check_the_address(shop_client):
    webshop = webshops.save_webshop(None, client=shop_client, platform="shopify", name="Typo",
                                    url="https://no-such-shop.invalid",
                                    credentials={"access_token": "shpat_0123456789"})
    checks = run_connection_test(webshop)

    assert "could not be found. Check the shop's address for typing errors." in _message(checks, "reachable")


def test_wrong_shopify_token_and_missing_scopes(shopify, shop_client):
    webshop = webshops.save_webshop(None, client=shop_client, platform="shopify", name="S", url=shopify.url,
                                    credentials={"access_token": "shpat_not_the_right_one"})
    checks = run_connection_test(webshop)
    assert _results(checks)["credentials"] == "failed"
    assert "does not accept the access token" in _message(checks, "credentials")

    shopify.scopes = {"read_orders"}
    checks = run_connection_test(connect_shopify(shop_client, shopify, name="S2"))
    assert _results(checks)["update_orders"] == "failed"
    assert "write_fulfillments, write_merchant_managed_fulfillment_orders" in _message(checks, "update_orders")


# --- the TLS check against real (self-signed) certificates ---------------------------------


def _serve_tls(certificate):
    shop = FakeWooCommerce(certificate=certificate)
    return shop


def test_tls_check_refuses_a_self_signed_certificate(certificate):
    shop = _serve_tls(certificate)
    try:
        with pytest.raises(InsecureConnection, match="is self-signed"):
            probe_tls(shop.url, timeout=2, allow_private_network=True)
        assert "valid until" in probe_tls(shop.url, timeout=2, ca_bundle=certificate.cert_path,
                                          allow_private_network=True)
    finally:
        shop.stop()


def test_tls_check_refuses_a_certificate_for_another_address(tmp_path):
    certificate = make_certificate(str(tmp_path), names=("shop.example",))
    shop = _serve_tls(certificate)
    try:
        with pytest.raises(InsecureConnection, match="belongs to another address"):
            probe_tls(shop.url, timeout=2, ca_bundle=certificate.cert_path, allow_private_network=True)
    finally:
        shop.stop()


def test_tls_check_refuses_an_expired_certificate(tmp_path):
    certificate = make_certificate(str(tmp_path), expired=True)
    shop = _serve_tls(certificate)
    try:
        with pytest.raises(InsecureConnection, match="has expired"):
            probe_tls(shop.url, timeout=2, ca_bundle=certificate.cert_path, allow_private_network=True)
    finally:
        shop.stop()


def test_requests_to_an_untrusted_shop_fail_as_insecure(certificate, shop_client, trusted, monkeypatch):
    shop = _serve_tls(certificate)
    try:
        monkeypatch.setattr(webshops, "settings", webshops.WebshopSettings(
            http=HttpSettings(timeout=1.0, retries=0, backoff=0.0, allow_private_network=True)))
        webshop = connect_woo(shop_client, shop)
        from fulfilment.services.webshop_import import import_orders

        with pytest.raises(InsecureConnection, match="self-signed"):
            import_orders(webshop)
    finally:
        shop.stop()


# --- addresses inside private networks -------------------------------------------------------


def test_a_shop_address_in_a_private_network_is_never_contacted(woo, woo_webshop, monkeypatch, fast_http):
    from dataclasses import replace

    from fulfilment.services.connectors.base import ShopUnreachable
    from fulfilment.services.webshop_import import import_orders

    monkeypatch.setattr(webshops, "settings", replace(fast_http, http=replace(fast_http.http,
                                                                              allow_private_network=False)))
    checks = run_connection_test(woo_webshop)

    assert _results(checks)["reachable"] == "failed"
    assert "points into a private network" in _message(checks, "reachable")
    with pytest.raises(ShopUnreachable, match="private network"):
        import_orders(woo_webshop)
    assert woo.requests == []


def test_a_portal_user_tests_only_its_own_webshops_and_not_twice_in_a_row(woo, woo_webshop, shop_client):
    from fulfilment.services.errors import NotFound
    from fulfilment.services.webshop_checks import TestedTooRecently
    from tests import factories

    own = factories.make_portal_user(shop_client)
    stranger = factories.make_portal_user(factories.make_client())
    with pytest.raises(NotFound):
        run_connection_test(woo_webshop, actor=stranger)

    assert run_connection_test(woo_webshop, actor=own)
    with pytest.raises(TestedTooRecently):
        run_connection_test(woo_webshop, actor=own)
    assert run_connection_test(woo_webshop)  # staff are not limited


def test_a_dutch_reader_gets_the_connection_test_in_dutch_and_the_titles_follow_each_reader(app, woo, woo_webshop):
    woo.add_order(lines=[("SKU-1", 1), ("MUG-XL", 1)])

    with app.test_request_context(), force_locale("nl"):
        checks = run_connection_test(woo_webshop)

    assert [check.label for check in checks] == [
        "Adres bereikbaar", "Beveiligde verbinding (TLS)", "Inloggegevens geaccepteerd",
        "Toestemming om bestellingen te lezen", "Recente bestellingen leesbaar",
        "Producten in recente bestellingen bekend", "Toestemming om bestellingen bij te werken (voor trackingcodes)"]
    assert _message(checks, "reachable") == "127.0.0.1 antwoordt."
    assert _message(checks, "secure").startswith("Het adres begint met http://, dus niets wat naar de shop gaat")
    assert _message(checks, "credentials") == "De shop accepteert de inloggegevens."
    assert "niet bekend als product: MUG-XL" in _message(checks, "skus")
    assert not [check for check in checks if "the shop" in check.message or "orders" in check.message]
    # Stored: an English reader sees the titles in English, the advice as it was written for the Dutch client.
    with app.test_request_context(), force_locale("en"):
        stored = last_test_checks(Webshop.get_by_id(woo_webshop.id))
    assert stored[0].label == "Address reachable"
    assert stored[2].message == "De shop accepteert de inloggegevens."
