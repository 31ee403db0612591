"""The connectors against the platforms' documented answers, replayed from tests/webshops/fixtures.

Each fixture names the documentation it was taken from. Status codes, error bodies, pagination
and Shopify's cost and throttle extensions must each end in a result a shop owner can act on.
"""

import json
from pathlib import Path

import pytest

from fulfilment.services.connectors import shopify as shopify_module
from fulfilment.services.connectors.base import (
    CredentialsRejected,
    PermissionMissing,
    ShopFailed,
    UnreadableAnswer,
)
from fulfilment.services.connectors.http import HttpSettings, ShopHttp
from fulfilment.services.connectors.shopify import QueryTooCostly, ShopifyConnector
from fulfilment.services.connectors.woocommerce import WooCommerceConnector
from tests.webshops.fake_shops import ReplayShop, documented_answer

SETTINGS = HttpSettings(timeout=1.0, retries=1, backoff=0.0, allow_http=True, allow_private_network=True)
FIXTURES = Path(__file__).parent / "fixtures"


def test_every_fixture_names_its_source():
    names = sorted(path.name for path in FIXTURES.glob("*.json"))
    assert names
    for name in names:
        answer = json.loads((FIXTURES / name).read_text())
        assert answer["source"].count("http") >= 1, name
        assert {"status", "headers", "body"} <= set(answer), name


@pytest.fixture
def replay():
    shops = []

    def start(*names):
        shop = ReplayShop(*(documented_answer(name) for name in names))
        shops.append(shop)
        return shop

    yield start
    for shop in shops:
        shop.stop()


def _woo(shop):
    return WooCommerceConnector(shop.url, {"consumer_key": "ck_x", "consumer_secret": "cs_y"}, ShopHttp(SETTINGS))


def _shopify(shop):
    return ShopifyConnector(shop.url, {"access_token": "shpat_x"}, ShopHttp(SETTINGS))


# --- WooCommerce ---------------------------------------------------------------------------------


def test_woocommerce_401_not_logged_in_means_the_key_is_wrong(replay):
    shop = _woo(replay("woocommerce_401_not_logged_in"))
    with pytest.raises(CredentialsRejected, match="does not recognise the consumer key"):
        shop.verify_credentials()


def test_woocommerce_403_means_the_keys_user_lacks_the_role(replay):
    shop = _woo(replay("woocommerce_403_no_capability"))
    shop.verify_credentials()  # the key logged a user in
    with pytest.raises(PermissionMissing, match="Administrator or Shop manager"):
        shop.verify_read_orders()


def test_woocommerce_wrong_secret_names_the_secret(replay):
    with pytest.raises(CredentialsRejected, match="not this consumer secret"):
        _woo(replay("woocommerce_401_wrong_secret")).verify_credentials()


def test_woocommerce_key_without_read_permission(replay):
    shop = _woo(replay("woocommerce_401_no_read_permission"))
    shop.verify_credentials()
    with pytest.raises(PermissionMissing, match="may not read orders"):
        shop.verify_read_orders()


def test_woocommerce_404_no_route_points_at_the_address_and_permalinks(replay):
    with pytest.raises(UnreadableAnswer, match="Permalinks"):
        _woo(replay("woocommerce_404_no_route")).recent_orders()


def test_woocommerce_500_is_retried_then_reported(replay):
    server = replay("woocommerce_500")
    with pytest.raises(ShopFailed, match=r"HTTP 500\) 2 times"):
        _woo(server).recent_orders()
    assert len(server.requests) == 2


def test_woocommerce_pages_end_at_x_wp_totalpages(replay):
    server = replay("woocommerce_orders_last_page")

    pages = list(_woo(server).order_pages())

    assert [[order.number for order in page] for page in pages] == [["727"], ["727"]]
    assert [query["page"] for _, _, query, _ in server.requests] == [["1"], ["2"]]
    order = pages[0][0]
    assert (order.fields["delivery_name"], order.fields["delivery_city"]) == ("John Doe", "San Francisco")
    assert [(line.sku, line.quantity) for line in order.lines] == [("SKU-1", 2)]


# --- Shopify ---------------------------------------------------------------------------------------


def test_shopify_401_is_a_rejected_token(replay):
    with pytest.raises(CredentialsRejected, match="does not accept the access token"):
        _shopify(replay("shopify_401_invalid_token")).verify_credentials()


@pytest.mark.parametrize("name", ["shopify_402_frozen", "shopify_423_locked"])
def test_shopify_frozen_or_locked_shop(replay, name):
    with pytest.raises(ShopFailed, match="frozen or locked"):
        _shopify(replay(name)).recent_orders()


def test_shopify_access_denied_names_the_scope(replay):
    with pytest.raises(PermissionMissing, match="read_orders"):
        _shopify(replay("shopify_access_denied")).recent_orders()


def test_shopify_orders_page_with_a_partially_refunded_order_is_to_ship(replay):
    [order] = _shopify(replay("shopify_orders_page")).recent_orders()

    assert order.number == "#1001" and order.ignore_reason == "" and not order.problem
    assert [(line.sku, line.quantity) for line in order.lines] == [("SKU-2", 1)]


def test_shopify_throttled_waits_for_the_restore_rate_then_asks_again(replay, monkeypatch):
    waits = []
    monkeypatch.setattr(shopify_module.time, "sleep", waits.append)
    server = replay("shopify_throttled", "shopify_orders_page")

    [order] = _shopify(server).recent_orders()

    assert order.number == "#1001"
    assert waits == [pytest.approx((752 - 666) / 50.0)]  # the missing points at 50 points a second
    assert len(server.requests) == 2


def test_shopify_throttled_again_and_again_is_reported(replay, monkeypatch):
    monkeypatch.setattr(shopify_module.time, "sleep", lambda seconds: None)
    server = replay("shopify_throttled")

    with pytest.raises(ShopFailed, match="restores 50 points a second"):
        _shopify(server).recent_orders()
    assert len(server.requests) == shopify_module.THROTTLE_ATTEMPTS


def test_shopify_max_cost_exceeded_asks_for_fewer_orders_then_reports(replay):
    server = replay("shopify_max_cost_exceeded")

    with pytest.raises(QueryTooCostly, match=r"1563 points, at most 1000"):
        _shopify(server).recent_orders(limit=10)

    sizes = [json.loads(body)["variables"]["orders"] for _, _, _, body in server.requests]
    assert sizes == [10, 5, 2, 1]


def test_shopify_max_cost_exceeded_once_then_a_smaller_page_succeeds(replay):
    server = replay("shopify_max_cost_exceeded", "shopify_orders_page")

    [order] = _shopify(server).recent_orders(limit=10)

    assert order.number == "#1001"
    assert [json.loads(body)["variables"]["orders"] for _, _, _, body in server.requests][:2] == [10, 5]
