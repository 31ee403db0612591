"""Fixtures for the webshop tests: fake shops on 127.0.0.1, a client with products, connected webshops."""

import pytest

from fulfilment.services import webshops
from fulfilment.services.connectors.http import HttpSettings
from tests import factories
from tests.webshops.fake_shops import FakeShopify, FakeWooCommerce

SKUS = ("SKU-1", "SKU-2", "SKU-3")


@pytest.fixture(autouse=True)
def fast_http(app, monkeypatch):
    """Short time-outs, no back-off waits, http:// and 127.0.0.1 allowed for the fake shops; an empty job queue.

    The app (and so its in-memory huey) is shared by the whole test run, and another test may have
    built an app of its own, which binds the credentials key; bind this app's again.
    """
    webshops.init_app(app)
    app.extensions["jobs"].huey.flush()
    settings = webshops.WebshopSettings(
        http=HttpSettings(timeout=1.0, retries=2, backoff=0.0, allow_http=True, allow_private_network=True),
        shopify_api_version="2026-10", sync_minutes=5, push_max_attempts=4,
    )
    monkeypatch.setattr(webshops, "settings", settings)
    return settings


@pytest.fixture
def woo():
    shop = FakeWooCommerce()
    yield shop
    shop.stop()


@pytest.fixture
def shopify():
    shop = FakeShopify()
    yield shop
    shop.stop()


@pytest.fixture
def shop_client(app):
    client = factories.make_client(name="Noordzee Koffie")
    for sku in SKUS:
        factories.make_product(client, product_code=sku, name=f"Product {sku}", stock_amount=100)
    return client


def connect_woo(client, shop, **fields):
    return webshops.save_webshop(
        None, client=client, platform="woocommerce", name=fields.pop("name", "Fake WooCommerce"),
        url=fields.pop("url", shop.url),
        credentials={"consumer_key": shop.consumer_key, "consumer_secret": shop.consumer_secret}, **fields,
    )


def connect_shopify(client, shop, **fields):
    return webshops.save_webshop(
        None, client=client, platform="shopify", name=fields.pop("name", "Fake Shopify"),
        url=fields.pop("url", shop.url),
        credentials={"access_token": shop.access_token}, **fields,
    )


@pytest.fixture
def woo_webshop(shop_client, woo):
    return connect_woo(shop_client, woo)


@pytest.fixture
def shopify_webshop(shop_client, shopify):
    return connect_shopify(shop_client, shopify)


@pytest.fixture
def impatient(fast_http, monkeypatch):
    """Time-outs of 0.3 seconds, for the tests of shops that do not answer."""
    settings = webshops.WebshopSettings(
        http=HttpSettings(timeout=0.3, retries=2, backoff=0.0, allow_http=True, allow_private_network=True),
        push_max_attempts=fast_http.push_max_attempts,
    )
    monkeypatch.setattr(webshops, "settings", settings)
    return settings
