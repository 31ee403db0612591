"""Shopify over the GraphQL Admin API: importing orders, ignoring what is not to ship, fulfilments back."""

import json

import pytest

from fulfilment.models import Order, OrderLine, Shipment, Webshop, WebshopOrder
from fulfilment.services import picking, webshops
from fulfilment.services.connectors.base import CredentialsRejected, PermissionMissing
from fulfilment.services.webshop_import import IGNORED, IMPORTED, import_orders
from fulfilment.services.webshop_tracking import push_due_tracking
from tests import factories


def _import(webshop, page_size=2):
    webshop = Webshop.get_by_id(webshop.id)
    return import_orders(webshop, connector=webshops.connector_for(webshop, page_size=page_size))


def _operations(shop):
    return [json.loads(body)["operationName"] for method, path, query, body in shop.requests if body]


def test_import_follows_the_cursor_over_several_pages(shopify, shopify_webshop, shop_client):
    for _ in range(5):
        shopify.add_order(lines=[("SKU-1", 1), ("SKU-3", 2)])

    summary = _import(shopify_webshop, page_size=2)

    assert summary[IMPORTED] == 5
    assert _operations(shopify).count("OrdersPage") == 3
    order = Order.select().order_by(Order.id).first()
    assert order.foreign_id.startswith("gid://shopify/Order/") and order.foreign_number.startswith("#")
    assert (order.delivery_name, order.delivery_contact_name) == ("Jansen BV", "Piet Jansen")
    assert (order.delivery_address, order.delivery_zipcode, order.delivery_city, order.delivery_country) == (
        "Dorpsstraat 5", "3511 AB", "Utrecht", "NL")
    assert (order.telephone, order.email, order.customer_remarks) == ("+31 30 1234567", "piet@example.com",
                                                                      "Leave at the door")
    assert {line.product.product_code: line.amount for line in order.lines} == {"SKU-1": 1, "SKU-3": 2}
    search = json.loads(shopify.requests[0][3])["variables"]["query"]
    assert "fulfillment_status:unshipped" in search and "financial_status:paid" in search


def test_orders_with_more_lines_than_one_page_are_read_whole(shopify, shopify_webshop, monkeypatch):
    from fulfilment.services.connectors.shopify import ShopifyConnector

    monkeypatch.setattr(ShopifyConnector, "lines_per_order", 2)
    shopify.add_order(lines=[("SKU-1", 1), ("SKU-2", 1), ("SKU-3", 4), ("SKU-1", 2)])

    _import(shopify_webshop)

    assert "OrderLines" in _operations(shopify)
    lines = {line.product.product_code: line.amount for line in Order.get().lines}
    assert lines == {"SKU-1": 3, "SKU-2": 1, "SKU-3": 4}


def test_lines_that_need_no_shipping_are_left_out_and_orders_without_any_are_ignored(shopify, shopify_webshop):
    shopify.add_order(lines=[("SKU-1", 1), ("GIFT-CARD", 1, False)])
    digital = shopify.add_order(lines=[("EBOOK", 1, False)])

    summary = _import(shopify_webshop)

    assert (summary[IMPORTED], summary[IGNORED]) == (1, 1)
    assert [line.product.product_code for line in OrderLine.select()] == ["SKU-1"]
    seen = WebshopOrder.get(WebshopOrder.foreign_id == digital["id"])
    assert (seen.status, seen.reason) == ("ignored", "Nothing to ship: none of its products needs shipping.")


def test_cancelled_and_unpaid_orders_are_ignored_with_the_reason(shopify, shopify_webshop):
    from fulfilment.services.webshop_import import retry_webshop_order

    cancelled = shopify.add_order(lines=[("SKU-9", 1)])
    unpaid = shopify.add_order(lines=[("SKU-9", 1)])
    _import(shopify_webshop)  # both skipped: unknown SKU
    cancelled["cancelledAt"] = "2026-11-01T10:00:00Z"
    unpaid["displayFinancialStatus"] = "PENDING"

    for seen in WebshopOrder.select():
        retry_webshop_order(seen)

    reasons = {seen.foreign_id: (seen.status, seen.reason) for seen in WebshopOrder.select()}
    assert reasons[cancelled["id"]] == ("ignored", "Cancelled in the shop.")
    assert reasons[unpaid["id"]] == ("ignored", "Not paid (payment status in the shop: pending).")


def _ship(order, lines=None, code="3SABC123"):
    picklist = order.picklists.first()
    picked = None
    if lines is not None:
        picked = {line.id: lines.get(line.product.product_code, 0) for line in picking.picklist_lines(picklist)}
    picking.close_picklist(picklist, picked=picked, shipments=[{
        "carrier": "DHL", "tracking_code": code, "tracking_url": f"https://dhl.example/track/{code}"}])
    return Shipment.get(Shipment.picklist == picklist)


def test_a_shipment_becomes_a_fulfilment_with_tracking(shopify, shopify_webshop):
    shop_order = shopify.add_order(lines=[("SKU-1", 1), ("SKU-2", 2)])
    _import(shopify_webshop)
    shipment = _ship(Order.get())

    assert push_due_tracking() == {"sent": 1, "failed": 0}

    fulfilment = shopify.fulfillments[0]
    assert fulfilment["trackingInfo"] == {"company": "DHL", "number": "3SABC123",
                                          "url": "https://dhl.example/track/3SABC123"}
    assert fulfilment["notifyCustomer"] is True
    assert shop_order["displayFulfillmentStatus"] == "FULFILLED"
    assert Shipment.get_by_id(shipment.id).webshop_push_status == "sent"


def test_a_partial_shipment_fulfils_only_what_was_shipped(shopify, shopify_webshop):
    shop_order = shopify.add_order(lines=[("SKU-1", 2), ("SKU-2", 2)])
    _import(shopify_webshop)
    _ship(Order.get(), lines={"SKU-1": 2, "SKU-2": 1})  # one SKU-2 was not found: backordered

    push_due_tracking()

    items = shopify.fulfillments[0]["lineItemsByFulfillmentOrder"][0]["fulfillmentOrderLineItems"]
    assert sorted(item["quantity"] for item in items) == [1, 2]
    assert [line["fulfilled"] for line in shop_order["lines"]] == [2, 1]
    assert shop_order["displayFulfillmentStatus"] == "UNFULFILLED"


def test_an_order_fulfilled_in_shopify_meanwhile_counts_as_told(shopify, shopify_webshop):
    shop_order = shopify.add_order()
    _import(shopify_webshop)
    shipment = _ship(Order.get())
    for line in shop_order["lines"]:
        line["fulfilled"] = line["quantity"]

    assert push_due_tracking() == {"sent": 1, "failed": 0}
    assert shopify.fulfillments == []
    assert Shipment.get_by_id(shipment.id).webshop_push_status == "sent"


def test_a_wrong_token_is_refused_clearly(shopify, shop_client):
    webshop = webshops.save_webshop(None, client=shop_client, platform="shopify", name="S", url=shopify.url,
                                    credentials={"access_token": "shpat_wrong_token_000"})
    with pytest.raises(CredentialsRejected, match="does not accept the access token"):
        _import(webshop)


def test_missing_read_scope_is_refused_clearly(shopify, shopify_webshop):
    shopify.scopes = {"write_fulfillments"}
    with pytest.raises(PermissionMissing, match="read_orders"):
        _import(shopify_webshop)


def test_a_throttled_query_is_asked_again(shopify, shopify_webshop, monkeypatch):
    from fulfilment.services.connectors import shopify as shopify_module

    monkeypatch.setattr(shopify_module, "MAX_THROTTLE_WAIT", 0.01)
    shopify.add_order()
    throttled = {"errors": [{"message": "Throttled", "extensions": {"code": "THROTTLED"}}],
                 "extensions": {"cost": {"requestedQueryCost": 300, "actualQueryCost": None,
                                         "throttleStatus": {"maximumAvailable": 1000.0, "currentlyAvailable": 20,
                                                            "restoreRate": 50.0}}}}
    answers = iter([throttled])
    original = shopify._op_OrdersPage

    def sometimes_throttled(variables):
        answer = next(answers, None)
        return (200, {}, json.dumps(answer).encode()) if answer else original(variables)

    shopify._op_OrdersPage = sometimes_throttled

    assert _import(shopify_webshop)[IMPORTED] == 1
    assert _operations(shopify).count("OrdersPage") == 2


def test_factories_webshop_orders_do_not_reach_shopify(shopify, shopify_webshop):
    # A shipment of an order that did not come from a webshop is nobody's business but ours.
    factories.make_shipped_order(lines=[(factories.make_product(stock_amount=3), 1)])
    assert push_due_tracking() == {"sent": 0, "failed": 0}
    assert shopify.requests == []


def test_shopify_orders_from_long_before_the_shop_was_connected_are_left_alone(shopify, shopify_webshop):
    shopify.add_order(createdAt="2020-01-01T10:00:00")
    recent = shopify.add_order()

    _import(shopify_webshop)

    assert [o.foreign_id for o in Order.select()] == [recent["id"]]
    search = json.loads(shopify.requests[0][3])["variables"]["query"]
    assert "created_at:>=" in search


def test_partially_refunded_orders_are_fetched_and_imported(shopify, shopify_webshop):
    partly = shopify.add_order(lines=[("SKU-1", 1)], displayFinancialStatus="PARTIALLY_REFUNDED")
    shopify.add_order(lines=[("SKU-2", 1)], displayFinancialStatus="REFUNDED")
    shopify.add_order(lines=[("SKU-3", 1)], displayFinancialStatus="PENDING")

    summary = _import(shopify_webshop)

    assert summary[IMPORTED] == 1
    assert [order.foreign_id for order in Order.select()] == [partly["id"]]
    search = json.loads(shopify.requests[0][3])["variables"]["query"]
    assert "(financial_status:paid OR financial_status:partially_refunded)" in search


def test_each_parcel_of_one_picklist_reaches_shopify_with_its_tracking_code(shopify, shopify_webshop):
    shop_order = shopify.add_order(lines=[("SKU-1", 2), ("SKU-2", 1)])
    _import(shopify_webshop)
    picklist = Order.get().picklists.first()
    picking.close_picklist(picklist, shipments=[
        {"carrier": "DHL", "tracking_code": "PARCEL-1", "tracking_url": "https://dhl.example/PARCEL-1"},
        {"carrier": "DHL", "tracking_code": "PARCEL-2", "tracking_url": "https://dhl.example/PARCEL-2"}])

    assert push_due_tracking() == {"sent": 2, "failed": 0}

    [fulfillment] = shop_order["fulfillments"]
    assert [info["number"] for info in fulfillment["trackingInfo"]] == ["PARCEL-1", "PARCEL-2"]
    assert [info["url"] for info in fulfillment["trackingInfo"]] == ["https://dhl.example/PARCEL-1",
                                                                      "https://dhl.example/PARCEL-2"]
    assert fulfillment["notifyCustomer"] is True
    assert _operations(shopify).count("CreateFulfillment") == 1
    assert _operations(shopify).count("UpdateTracking") == 1
    assert {s.webshop_push_status for s in Shipment.select()} == {"sent"}


def test_a_parcel_added_later_to_a_shipped_picklist_reaches_shopify_too(shopify, shopify_webshop):
    shop_order = shopify.add_order(lines=[("SKU-1", 1)])
    _import(shopify_webshop)
    first = _ship(Order.get(), code="FIRST-1")
    push_due_tracking()
    picking.add_shipment(first.picklist, carrier="PostNL", tracking_code="LATER-2",
                         tracking_url="https://postnl.example/LATER-2")

    assert push_due_tracking() == {"sent": 1, "failed": 0}
    assert push_due_tracking() == {"sent": 0, "failed": 0}  # once

    [fulfillment] = shop_order["fulfillments"]
    assert [info["number"] for info in fulfillment["trackingInfo"]] == ["FIRST-1", "LATER-2"]


def test_an_order_spread_over_several_locations_is_fulfilled_everywhere(shopify, shopify_webshop):
    shop_order = shopify.add_order(lines=[("SKU-1", 1), ("SKU-2", 1), ("SKU-3", 1)] * 3, locations=8)
    _import(shopify_webshop)
    _ship(Order.get())

    assert push_due_tracking() == {"sent": 1, "failed": 0}

    assert shop_order["displayFulfillmentStatus"] == "FULFILLED"
    assert _operations(shopify).count("FulfillmentOrders") == 2  # 8 fulfilment orders, 5 a page
    assert _operations(shopify).count("CreateFulfillment") == 8
