"""Every portal list costs the same number of queries with 5 rows as with 100 (no query per row)."""

import pytest

from fulfilment.models import Warehouse
from fulfilment.services import stock_corrections
from tests import factories
from tests.conftest import count_queries, portal_login

PREFIX = "/fulfilmentportal"


def add_products(client, n, context):
    for _ in range(n):
        product = factories.make_product(client, stock_amount=3)
        factories.make_product_image(product)


def add_stock_changes(client, n, context):
    product = context.setdefault("product", factories.make_product(client))
    for i in range(n):
        stock_corrections.change_stock(product, Warehouse.default(), 1, f"Count {i}")


def add_orders(client, n, context):
    product = context.setdefault("product", factories.make_product(client, stock_amount=1000))
    for _ in range(n):
        factories.make_order(client, lines=[(product, 1)])


def add_order_lines(client, n, context):
    from fulfilment.services import orders

    order = context.setdefault("order", factories.make_order(client))
    for _ in range(n):
        orders.add_order_line(order, factories.make_product(client), 2)


def add_shipments(client, n, context):
    product = context.setdefault("product", factories.make_product(client, stock_amount=1000))
    for _ in range(n):
        factories.make_shipped_order(client, lines=[(product, 1)])


def add_backorders(client, n, context):
    product = context.setdefault("product", factories.make_product(client))
    factories.make_purchase_order(client, lines=[(product, 5)])
    for _ in range(n):
        factories.make_order(client, lines=[(product, 2)], process=True)


def add_purchase_orders(client, n, context):
    product = context.setdefault("product", factories.make_product(client))
    for _ in range(n):
        factories.make_purchase_order(client, lines=[(product, 4)])


def add_returns(client, n, context):
    product = context.setdefault("product", factories.make_product(client))
    order = context.setdefault("order", factories.make_order(client))
    for _ in range(n):
        factories.make_return(client, returned=[(product, 1, "Too big")], order=order)


def add_webshops(client, n, context):
    for _ in range(n):
        factories.make_webshop_order(factories.make_webshop(client), status="ignored", reason="Test order")


def add_seen_orders(client, n, context):
    webshop = context.setdefault("webshop", factories.make_webshop(client))
    product = context.setdefault("product", factories.make_product(client, stock_amount=1000))
    for i in range(n):
        order = factories.make_order(client, lines=[(product, 1)], source="webshop") if i % 2 else None
        factories.make_webshop_order(webshop, status="imported" if order else "error", order=order, reason="")


def add_addresses(client, n, context):
    for _ in range(n):
        factories.make_address(client)


def add_purchase_order_lines(client, n, context):
    from fulfilment.services import purchasing

    purchase_order = context.setdefault("purchase_order", factories.make_purchase_order(client))
    for _ in range(n):
        purchasing.add_purchase_order_line(purchase_order, factories.make_product(client), 2)


# page -> (path built from the context, how to add n rows)
LISTS = {
    "dashboard": (lambda c: "/", add_shipments),
    "products": (lambda c: "/products", add_products),
    "low stock products": (lambda c: "/products?stock=low&sort=-value", add_products),
    "product history": (lambda c: f"/products/{c['product'].id}", add_stock_changes),
    "orders": (lambda c: "/orders", add_orders),
    "order lines": (lambda c: f"/orders/{c['order'].id}", add_order_lines),
    "shipments": (lambda c: "/shipments", add_shipments),
    "backorders": (lambda c: "/backorders", add_backorders),
    "purchase orders": (lambda c: "/purchase-orders", add_purchase_orders),
    "returns": (lambda c: "/returns", add_returns),
    "webshops": (lambda c: "/webshops", add_webshops),
    "webshop orders seen": (lambda c: f"/webshops/{c['webshop'].id}", add_seen_orders),
    "addresses": (lambda c: "/addresses", add_addresses),
    "new order (address book choices)": (lambda c: "/orders/new", add_addresses),
    "order import (address book choices)": (lambda c: "/orders/import", add_addresses),
    "product search": (lambda c: "/products/lookup?q=SKU", add_products),
    "purchase order form lines": (lambda c: f"/purchase-orders/{c['purchase_order'].id}/edit",
                                  add_purchase_order_lines),
}


def queries_for(test_client, path):
    test_client.get(path)  # warm up: the first request of a session may differ
    with count_queries() as counter:
        response = test_client.get(path)
    assert response.status_code == 200, path
    return counter.n


@pytest.mark.parametrize("name", sorted(LISTS))
def test_list_costs_the_same_queries_for_5_and_100_rows(app, portal_user, name):
    app.config["PORTAL_PAGE_SIZE"] = 100  # every row on one page, so a query per row would show
    path_of, add_rows = LISTS[name]
    client = portal_user.client
    context = {}
    add_rows(client, 5, context)
    test_client = portal_login(app, portal_user)
    path = PREFIX + path_of(context)
    with_5 = queries_for(test_client, path)
    add_rows(client, 95, context)
    with_100 = queries_for(test_client, path)
    assert with_5 == with_100, f"{name}: {with_5} queries with 5 rows, {with_100} with 100"
    assert with_100 <= 12, f"{name}: {with_100} queries"
