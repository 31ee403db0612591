"""Fixtures for the REST API: test clients that send an API key as HTTP Basic username."""

import pytest

from tests import factories
from tests.factories import api_client_for


@pytest.fixture
def staff_api(app):
    """An API client with a staff key: it reaches every client."""
    return api_client_for(app, name="Warehouse integration")


@pytest.fixture
def shop(app):
    """A client with product management, and its products."""
    return factories.make_client(name="Shop BV", product_management=True)


@pytest.fixture
def shop_api(app, shop):
    """An API client with a key scoped to the shop."""
    return api_client_for(app, client=shop, name="Shop's own key")


def records_of(client):
    """One of everything for client, made through the services; returns {url parameter name: id}."""
    from fulfilment.models import Backorder, StockMutation, Warehouse
    from fulfilment.services import locations

    product = factories.make_product(client, stock_amount=2)
    image = factories.make_product_image(product)
    purchase_order = factories.make_purchase_order(client, lines=[(product, 5)])
    receipt = factories.receive_everything(purchase_order)
    open_purchase_order = factories.make_purchase_order(client, lines=[(product, 4)])
    order = factories.make_order(client, lines=[(product, 10)], process=True)
    shipped = factories.make_shipped_order(client, lines=[(factories.make_product(client, stock_amount=1), 1)])
    ret = factories.make_return(client, returned=[(product, 1, "Too big")], order=shipped)
    seen = factories.make_webshop_order(factories.make_webshop(client), order=shipped)
    location = factories.make_location()
    locations.link_product(product, location)
    return {
        "idfulfilment_customer": client.id,
        "idproduct": product.id,
        "idwarehouse": Warehouse.default().id,
        "idproduct_image": image.id,
        "idproduct_stock_history": StockMutation.select().where(StockMutation.product == product).first().id,
        "idorder": order.id,
        "idorder_product": order.lines[0].id,
        "idpicklist": order.picklists[0].id,
        "idbackorder": Backorder.get(Backorder.order == order).id,
        "idpurchaseorder": open_purchase_order.id,
        "idpurchaseorder_product": open_purchase_order.lines[0].id,
        "idreceipt": receipt.id,
        "idreturn": ret.id,
        "idwebshop_order": seen.id,
        "idlocation": location.id,
    }


def api_rules(app):
    """Every /api/v1 rule with its methods (HEAD and OPTIONS left out)."""
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/v1/"):
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                yield rule, method


def url_of(rule, ids):
    """The rule's URL with its <int:…> parameters filled from ids."""
    import re

    return re.sub(r"<(?:int:)?(\w+)>", lambda m: str(ids.get(m.group(1), 1)), rule.rule)
