"""Requests to shops cannot be turned inward: checked addresses only, pinned, no redirects followed."""

from dataclasses import replace

import pytest

from fulfilment.models import Order, WebshopOrder
from fulfilment.services import webshops
from fulfilment.services.connectors import http as shop_http
from fulfilment.services.connectors.base import ShopUnreachable
from fulfilment.services.connectors.http import HttpSettings, ShopHttp, ShopRedirected, address_problem
from fulfilment.services.webshop_checks import run_connection_test
from fulfilment.services.webshop_import import import_orders
from tests.webshops.conftest import connect_shopify, connect_woo
from tests.webshops.fake_shops import FakeWooCommerce, RedirectingShop, make_certificate

# --- which addresses are public ---------------------------------------------------------------

PUBLIC = [
    "93.184.216.34",
    "8.8.8.8",
    "2606:4700:4700::1111",
    "::ffff:8.8.8.8",  # IPv4-mapped public address
    "64:ff9b::808:808",  # NAT64 of 8.8.8.8
    "2002:808:808::1",  # 6to4 of 8.8.8.8
]
PRIVATE = [
    "127.0.0.1", "127.8.9.10", "10.0.0.5", "172.16.3.4", "192.168.1.20", "100.64.0.1", "0.0.0.0",
    "169.254.169.254",  # cloud metadata service
    "224.0.0.1", "255.255.255.255", "192.0.2.10", "198.18.0.1",
    "::1", "::", "fe80::1", "fd00::1", "fc00::2", "ff02::1",
    "::ffff:127.0.0.1", "::ffff:169.254.169.254", "::ffff:10.1.2.3",  # IPv4-mapped
    "64:ff9b::7f00:1", "64:ff9b::a9fe:a9fe", "64:ff9b::c0a8:101",  # NAT64 of 127.0.0.1, 169.254.169.254, 192.168.1.1
    "64:ff9b:1::a00:1",  # local-use NAT64 prefix
    "2002:7f00:1::", "2002:a9fe:a9fe::1", "2002:c0a8:101::",  # 6to4 of 127.0.0.1, 169.254.169.254, 192.168.1.1
    "fe80::1%eth0",
]


@pytest.mark.parametrize("address", PUBLIC)
def test_public_addresses_may_be_contacted(address):
    assert address_problem(address) == ""


@pytest.mark.parametrize("address", PRIVATE)
def test_private_addresses_and_their_ipv6_encodings_are_refused(address):
    assert address_problem(address) != ""


def _settings(**changes):
    return HttpSettings(**{"timeout": 1.0, "retries": 1, "backoff": 0.0, "allow_http": True,
                           "allow_private_network": False, **changes})


# --- redirects -----------------------------------------------------------------------------------


@pytest.fixture
def target():
    """A shop inside the private network that a redirect points to; it must never be asked anything."""
    shop = FakeWooCommerce()
    yield shop
    shop.stop()


@pytest.fixture
def redirecting(target):
    shop = RedirectingShop(location=target.url)
    yield shop
    shop.stop()


def test_a_redirect_is_reported_and_its_target_never_contacted(redirecting, target, shop_client):
    # The private-network flag is on, as it must be to reach the first fake shop on 127.0.0.1 at all;
    # the target on 127.0.0.1 is still never asked, because redirects are not followed.
    webshop = connect_woo(shop_client, target, url=redirecting.url, name="Redirecting shop")

    with pytest.raises(ShopRedirected, match=rf"redirect \(HTTP 307\) to {target.url}") as refused:
        import_orders(webshop)

    assert "not followed" in refused.value.message
    assert target.requests == []
    assert len(redirecting.requests) == 1
    assert (Order.select().count(), WebshopOrder.select().count()) == (0, 0)


def test_the_connection_test_shows_the_redirect_and_nothing_of_the_target(redirecting, target, shop_client):
    target.add_order(customer_note="SECRET-FROM-INSIDE")
    webshop = connect_woo(shop_client, target, url=redirecting.url, name="Redirecting shop")

    checks = {check.key: check for check in run_connection_test(webshop)}

    assert checks["credentials"].status == "failed"
    assert "redirect (HTTP 307)" in checks["credentials"].message
    assert all("SECRET-FROM-INSIDE" not in check.message for check in checks.values())
    assert target.requests == []


@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
def test_no_redirect_status_carries_the_shopify_token_elsewhere(shopify, target, shop_client, status):
    hop = RedirectingShop(location=target.url, status=status)
    try:
        webshop = connect_shopify(shop_client, shopify, url=hop.url, name="Redirecting Shopify")
        with pytest.raises(ShopRedirected):
            import_orders(webshop)
        assert hop.headers[0]["X-Shopify-Access-Token"] == shopify.access_token  # sent to the address entered
    finally:
        hop.stop()
    assert target.requests == [] and shopify.requests == []


# --- pinning: one resolution, checked, then used ---------------------------------------------


class Resolver:
    """Answers a public address the first time a name is looked up and 127.0.0.1 afterwards (DNS rebinding)."""

    def __init__(self, *answers):
        self.answers = list(answers)
        self.calls = []

    def __call__(self, host, port):
        self.calls.append(host)
        return self.answers[min(len(self.calls), len(self.answers)) - 1]


@pytest.fixture
def connections(monkeypatch):
    """Record where each TCP connection goes; connections to the public test address are refused."""
    opened = []
    real_open = shop_http.open_socket

    def recording_open(address, timeout, **kwargs):
        opened.append(address[0])
        if address[0] != "127.0.0.1":
            raise ConnectionRefusedError("no route to the internet from the tests")
        return real_open(address, timeout, **kwargs)

    monkeypatch.setattr(shop_http, "open_socket", recording_open)
    return opened


def test_a_name_that_rebinds_to_127_0_0_1_is_still_reached_at_the_checked_address(woo, monkeypatch, connections):
    resolver = Resolver(["93.184.216.34"], ["127.0.0.1"])
    monkeypatch.setattr(shop_http, "resolve_host", resolver)
    port = woo.url.rsplit(":", 1)[1]
    client = ShopHttp(_settings(retries=2))

    for _ in range(3):
        with pytest.raises(ShopUnreachable):
            client.request("GET", f"http://rebinding.example:{port}/wp-json/wc/v3/orders")

    assert resolver.calls == ["rebinding.example"]  # resolved once, for the check
    assert set(connections) == {"93.184.216.34"}
    assert woo.requests == []  # 127.0.0.1 was never contacted


def test_a_name_with_any_private_answer_is_refused_before_connecting(woo, monkeypatch, connections):
    monkeypatch.setattr(shop_http, "resolve_host", Resolver(["93.184.216.34", "64:ff9b::7f00:1"]))
    port = woo.url.rsplit(":", 1)[1]

    with pytest.raises(ShopUnreachable, match="private network"):
        ShopHttp(_settings()).request("GET", f"http://mixed.example:{port}/wp-json/wc/v3/orders")

    assert connections == [] and woo.requests == []


def test_a_pinned_connection_keeps_the_name_for_host_header_and_certificate(tmp_path, monkeypatch, shop_client):
    """The connection goes to the checked address, but TLS and Host still speak to the name."""
    certificate = make_certificate(str(tmp_path), names=("shop.example",))
    shop = FakeWooCommerce(certificate=certificate)
    resolver = Resolver(["127.0.0.1"])
    monkeypatch.setattr(shop_http, "resolve_host", resolver)
    monkeypatch.setattr(webshops, "settings", webshops.WebshopSettings(http=_settings(
        ca_bundle=certificate.cert_path, allow_http=False, allow_private_network=True)))
    try:
        port = shop.url.rsplit(":", 1)[1]
        shop.add_order(lines=[("SKU-1", 1)])
        webshop = connect_woo(shop_client, shop, url=f"https://shop.example:{port}")

        checks = {check.key: check.status for check in run_connection_test(webshop)}
        summary = import_orders(webshop)
    finally:
        shop.stop()

    assert set(checks.values()) == {"passed"}
    assert summary["imported"] == 1
    assert {headers["Host"] for headers in shop.headers} == {f"shop.example:{port}"}
    assert set(resolver.calls) == {"shop.example"}


def test_proxies_from_the_environment_are_not_used(woo, woo_webshop, monkeypatch):
    # A proxy resolves the name itself, which would undo the check; so shop requests never use one.
    monkeypatch.setenv("HTTP_PROXY", "http://127.0.0.1:9")
    monkeypatch.setenv("http_proxy", "http://127.0.0.1:9")
    woo.add_order()

    assert import_orders(woo_webshop)["imported"] == 1


def test_the_address_check_stays_when_only_http_is_allowed(woo, woo_webshop, monkeypatch, fast_http):
    monkeypatch.setattr(webshops, "settings", replace(fast_http, http=replace(fast_http.http,
                                                                              allow_private_network=False)))
    with pytest.raises(ShopUnreachable, match="this server itself"):
        import_orders(woo_webshop)
    assert woo.requests == []


def test_each_checked_address_is_tried_in_turn_and_no_other(woo, monkeypatch, connections):
    resolver = Resolver(["93.184.216.34", "2606:4700:4700::1111"], ["127.0.0.1"])
    monkeypatch.setattr(shop_http, "resolve_host", resolver)
    port = woo.url.rsplit(":", 1)[1]

    with pytest.raises(ShopUnreachable):
        ShopHttp(_settings(retries=0)).request("GET", f"http://two.example:{port}/wp-json/wc/v3/orders")

    assert connections == ["93.184.216.34", "2606:4700:4700::1111"]
    assert woo.requests == []
