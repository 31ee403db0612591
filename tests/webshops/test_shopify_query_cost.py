"""Every GraphQL query the Shopify connector can send fits Shopify's 1,000-point limit, by the documented rules.

The rules and the calculator are in tests/webshops/shopify_cost.py (an implementation of its own,
from Shopify's documentation). Two checks: every operation the connector defines, at the sizes
it uses; and every query it actually sent while importing, testing and fulfilling large orders.
"""

import json

import pytest
from graphql import GraphQLSyntaxError, parse

from fulfilment.models import Order, Shipment, Webshop
from fulfilment.services import picking, webshops
from fulfilment.services.connectors import shopify as shopify_module
from fulfilment.services.connectors.shopify import COST_BUDGET, OPERATIONS, SIZES
from fulfilment.services.webshop_checks import run_connection_test
from fulfilment.services.webshop_import import import_orders
from fulfilment.services.webshop_tracking import push_due_tracking
from tests import factories
from tests.webshops.shopify_cost import MAX_QUERY_COST, UnknownSize, requested_cost


def _graphql_strings(module):
    """Every module-level string of the connector that is a GraphQL operation."""
    found = {}
    for _name, value in vars(module).items():
        if not isinstance(value, str) or not ("query " in value or "mutation " in value):
            continue
        try:
            tree = parse(value)
        except GraphQLSyntaxError:
            continue
        for definition in tree.definitions:
            if getattr(definition, "operation", None) is not None:
                found[definition.name.value] = value
    return found


def test_the_list_of_operations_holds_every_query_string_in_the_connector():
    assert _graphql_strings(shopify_module) == OPERATIONS


@pytest.mark.parametrize("operation", sorted(OPERATIONS))
def test_every_query_costs_at_most_the_budget_at_the_sizes_the_connector_uses(operation):
    cost = requested_cost(OPERATIONS[operation], SIZES)

    assert cost <= COST_BUDGET <= MAX_QUERY_COST // 2, f"{operation} asks {cost} points"


def test_a_connection_sized_by_an_unknown_variable_fails_the_cost_test():
    with pytest.raises(UnknownSize):
        requested_cost("query Q($n: Int!) { orders(first: $n) { nodes { id } } }", {})


@pytest.mark.parametrize("document, variables, cost", [
    ("query { shop { name } }", {}, 1),  # an object 1, scalars 0
    ("query { orders(first: 10) { nodes { id name } } }", {}, 2 + 10 * 1),
    ("query { orders(first: 10) { edges { node { id shippingAddress { city } } } } }", {}, 2 + 10 * 2),
    ("query Q($n: Int!) { orders(first: $n) { nodes { lineItems(first: 5) { nodes { sku } } } "
     "pageInfo { hasNextPage } } }",
     {"n": 3}, 2 + 3 * (1 + 2 + 5 * 1) + 1),
    ("mutation { tagsAdd(id: \"1\", tags: [\"a\"]) { userErrors { message } } }", {}, 10 + 1),
])
def test_the_calculator_follows_the_documented_rules(document, variables, cost):
    assert requested_cost(document, variables) == cost


def test_the_old_queries_were_over_the_limit_as_the_issue_measured():
    old_orders_page = shopify_module.ORDERS_PAGE.replace("$orders", "$first")
    assert requested_cost(old_orders_page, {"first": 10, "lines": 50}) > MAX_QUERY_COST
    old_fulfillment_orders = """query FulfillmentOrders($id: ID!) { order(id: $id) { fulfillmentOrders(first: 20) {
      nodes { id status lineItems(first: 100) { nodes { id remainingQuantity lineItem { sku } } } } } } }"""
    assert requested_cost(old_fulfillment_orders, {}) > 4000


def _ship(order, parcels):
    picklist = order.picklists.first()
    picking.close_picklist(picklist, shipments=[
        {"carrier": "DHL", "tracking_code": code, "tracking_url": f"https://dhl.example/{code}"} for code in parcels])
    return list(Shipment.select().where(Shipment.picklist == picklist).order_by(Shipment.id))


def test_every_query_sent_on_a_large_shop_stays_within_the_limit(shopify, shopify_webshop, shop_client):
    for sku in (f"BULK-{n}" for n in range(45)):
        factories.make_product(shop_client, product_code=sku, stock_amount=50)
    bulky = shopify.add_order(lines=[(f"BULK-{n}", 1) for n in range(45)])  # > 10 lines, > 40 per location
    spread = shopify.add_order(lines=[("SKU-1", 1)] * 7, locations=7)  # > 5 fulfilment orders
    for _ in range(11):  # more than one page of orders
        shopify.add_order(lines=[("SKU-2", 1)])

    run_connection_test(Webshop.get_by_id(shopify_webshop.id))
    summary = import_orders(Webshop.get_by_id(shopify_webshop.id))
    for shop_order in (bulky, spread):
        _ship(Order.get(Order.foreign_id == shop_order["id"]), parcels=["P1", "P2"])
    push_due_tracking(limit=100)
    assert summary["imported"] == 13
    operations = {operation for operation, _ in shopify.costs}
    assert operations >= set(OPERATIONS) - {"OneOrder"}
    assert max(cost for _, cost in shopify.costs) <= COST_BUDGET
    assert bulky["displayFulfillmentStatus"] == spread["displayFulfillmentStatus"] == "FULFILLED"
    assert len(spread["fulfillments"]) == 7


def test_fetching_one_order_again_stays_within_the_limit(shopify, shopify_webshop):
    connector = webshops.connector_for(Webshop.get_by_id(shopify_webshop.id))
    shop_order = shopify.add_order(lines=[("SKU-1", 1)] * 25)

    order = connector.fetch_order(shop_order["id"])

    assert sum(line.quantity for line in order.lines) == 25
    sent = [operation for operation, _ in shopify.costs]
    assert sent == ["OneOrder", "OrderLines"]
    assert max(cost for _, cost in shopify.costs) <= COST_BUDGET
    bodies = [json.loads(body) for _, _, _, body in shopify.requests]
    assert all(requested_cost(body["query"], body["variables"]) <= COST_BUDGET for body in bodies)
