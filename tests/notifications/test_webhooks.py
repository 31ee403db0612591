"""Webhooks as Picqer's: a receiver on 127.0.0.1 checks every signature with Picqer's recipe and the
payload's fields; retries, deactivation, reactivation and tenant isolation."""

import base64
import hashlib
import hmac
import json
from datetime import timedelta

import pytest

from fulfilment.models import Hook, WebhookDelivery, utcnow
from fulfilment.services import orders, picking, returns, webhooks
from fulfilment.services.errors import ValidationFailed
from tests import factories
from tests.api.conftest import api_client_for
from tests.factories import ADDRESS

SECRET = "s3cret-from-the-integrator"
PICQER_FIELDS = {"idhook", "name", "event", "event_triggered_at", "data"}


def picqer_signature_is_valid(request, secret):
    """Picqer's documented recipe: base64(HMAC-SHA256(secret, raw body)) in X-Picqer-Signature."""
    expected = base64.b64encode(hmac.new(secret.encode(), request["body"], hashlib.sha256).digest()).decode()
    return hmac.compare_digest(expected, request["headers"].get("X-Picqer-Signature", ""))


@pytest.fixture
def shop(in_app):
    return factories.make_client(name="Shop A")


@pytest.fixture
def shop_api(in_app, shop):
    return api_client_for(in_app, client=shop, name="Shop A key")


def create_hook(api, event, address, secret=SECRET, name=None):
    response = api.post("/hooks", json={"name": name or f"Hook for {event}", "event": event, "address": address,
                                        "secret": secret})
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def test_each_event_is_delivered_signed_with_picqers_fields_and_the_apis_data(
        in_app, local_addresses, receiver, shop, shop_api):
    events = ["orders.created", "orders.closed", "orders.allocated", "orders.status_changed", "orders.completed",
              "picklists.created", "picklists.closed", "picklists.shipments.created", "products.stock_changed",
              "products.free_stock_changed", "purchase_orders.created", "purchase_orders.purchased",
              "receipts.created", "receipts.completed", "purchase_orders.receipts.created", "returns.created",
              "returns.status_changed", "returns.products_received"]
    hooks = {event: create_hook(shop_api, event, receiver.url(f"/{event}")) for event in events}
    vase = factories.make_product(shop, product_code="VASE", stock_amount=3)
    order = orders.place_order(shop, [(vase, 2)], source="api", fields=ADDRESS)
    picking.close_picklist(factories.open_picklist(order), shipments=[{"carrier": "PostNL", "tracking_code": "3S1"}])
    factories.receive_everything(factories.make_purchase_order(shop, [(vase, 4)]))
    ret = factories.make_return(shop, returned=[(vase, 1, "Broken")], order=order)
    returns.receive_return(ret)

    assert webhooks.deliver_due()["failed"] == 0
    for event in events:
        received = [item for item in receiver.requests if item["path"] == f"/{event}"]
        assert received, event
        for request in received:
            assert picqer_signature_is_valid(request, SECRET), event
            assert request["headers"]["Content-Type"] == "application/json"
        payload = receiver.payloads(f"/{event}")[0]
        assert set(payload) == PICQER_FIELDS
        assert (payload["idhook"], payload["event"], payload["name"]) == (
            hooks[event]["idhook"], event, f"Hook for {event}")
        assert len(payload["event_triggered_at"]) == 19  # 'YYYY-MM-DD HH:MM:SS'
    order_now = shop_api.get(f"/orders/{order.id}").get_json()
    completed = receiver.payloads("/orders.completed")[0]["data"]
    assert completed == order_now
    created = receiver.payloads("/orders.created")[0]["data"]
    assert (created["idorder"], created["status"]) == (order.id, "concept")
    shipment = receiver.payloads("/picklists.shipments.created")[0]["data"]
    assert (shipment["idorder"], shipment["provider"], shipment["trackingcode"]) == (order.id, "PostNL", "3S1")
    assert receiver.payloads("/products.stock_changed")[0]["data"]["productcode"] == "VASE"
    assert receiver.payloads("/returns.status_changed")[0]["data"]["idreturn"] == ret.id
    # Delivered once: another run sends nothing.
    count = len(receiver.requests)
    assert webhooks.deliver_due() == {"delivered": 0, "failed": 0}
    assert len(receiver.requests) == count


def test_client_bs_hook_never_receives_client_as_events(in_app, local_addresses, receiver, shop, shop_api):
    other = factories.make_client(name="Shop B")
    other_api = api_client_for(in_app, client=other, name="Shop B key")
    staff_api = api_client_for(in_app, name="Warehouse")
    create_hook(shop_api, "orders.created", receiver.url("/a"))
    create_hook(other_api, "orders.created", receiver.url("/b"))
    create_hook(staff_api, "orders.created", receiver.url("/staff"))
    a_order = factories.make_order(shop)
    b_order = factories.make_order(other)
    webhooks.deliver_due()
    assert [p["data"]["idorder"] for p in receiver.payloads("/a")] == [a_order.id]
    assert [p["data"]["idorder"] for p in receiver.payloads("/b")] == [b_order.id]
    assert sorted(p["data"]["idorder"] for p in receiver.payloads("/staff")) == sorted([a_order.id, b_order.id])
    # Nor can B see, delete or reactivate A's hook.
    a_hook = Hook.get(Hook.client == shop)
    assert other_api.get(f"/hooks/{a_hook.id}").status_code == 404
    assert other_api.delete(f"/hooks/{a_hook.id}").status_code == 404
    assert other_api.post(f"/hooks/{a_hook.id}/reactivate").status_code == 404
    assert Hook.get_by_id(a_hook.id).active
    assert [hook["name"] for hook in other_api.get("/hooks").get_json()] == ["Hook for orders.created"]
    assert len(other_api.get("/hooks").get_json()) == 1
    assert len(staff_api.get("/hooks").get_json()) == 3


def test_failed_delivery_is_retried_with_back_off_and_a_redirect_is_not_followed(
        in_app, local_addresses, receiver, shop, shop_api):
    create_hook(shop_api, "orders.created", receiver.url())
    factories.make_order(shop)
    receiver.statuses = [500, 302]
    now = utcnow()
    assert webhooks.deliver_due(now=now) == {"delivered": 0, "failed": 1}
    delivery = WebhookDelivery.get()
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == ("retrying", 1, 500)
    assert delivery.next_attempt_at == now + timedelta(minutes=1)
    assert webhooks.deliver_due(now=now + timedelta(seconds=59)) == {"delivered": 0, "failed": 0}
    assert webhooks.deliver_due(now=now + timedelta(minutes=1)) == {"delivered": 0, "failed": 1}
    delivery = WebhookDelivery.get()
    assert (delivery.attempts, delivery.last_status_code) == (2, 302)
    assert "redirect" in delivery.last_error
    assert delivery.next_attempt_at == now + timedelta(minutes=3)
    assert webhooks.deliver_due(now=now + timedelta(minutes=3)) == {"delivered": 1, "failed": 0}
    assert WebhookDelivery.get().status == "delivered"
    bodies = {item["body"] for item in receiver.requests}
    assert len(receiver.requests) == 3 and len(bodies) == 1  # the same body every time
    assert all(picqer_signature_is_valid(item, SECRET) for item in receiver.requests)


def test_hook_is_deactivated_after_five_failed_deliveries_and_reactivated_by_its_owner(
        in_app, local_addresses, receiver, shop, shop_api):
    hook = create_hook(shop_api, "orders.created", receiver.url())
    receiver.default_status = 503
    for _ in range(5):
        factories.make_order(shop)
    now = utcnow()
    for _attempt in range(16):  # the first attempt and Picqer's 15 retries
        webhooks.deliver_due(now=now)
        now += timedelta(hours=3)
    assert len(receiver.requests) == 5 * 16
    assert [d.status for d in WebhookDelivery.select()] == ["failed"] * 5
    answer = shop_api.get(f"/hooks/{hook['idhook']}").get_json()
    assert (answer["active"], answer["deactivated_reason"]) == (False, "failing")
    # Switched off: new events are not recorded for it.
    factories.make_order(shop)
    assert WebhookDelivery.select().count() == 5

    receiver.default_status = 200
    answer = shop_api.post(f"/hooks/{hook['idhook']}/reactivate")
    assert answer.status_code == 200 and answer.get_json()["active"] is True
    assert webhooks.deliver_due(now=now) == {"delivered": 5, "failed": 0}
    assert all(picqer_signature_is_valid(item, SECRET) for item in receiver.requests)


def test_deleting_a_hook_deactivates_it_and_reactivating_brings_it_back(in_app, local_addresses, receiver, shop,
                                                                         shop_api):
    hook = create_hook(shop_api, "orders.created", receiver.url())
    assert shop_api.delete(f"/hooks/{hook['idhook']}").status_code == 204
    factories.make_order(shop)
    webhooks.deliver_due()
    assert receiver.requests == []
    assert shop_api.get(f"/hooks/{hook['idhook']}").get_json()["deactivated_reason"] == "deleted"
    shop_api.post(f"/hooks/{hook['idhook']}/reactivate")
    order = factories.make_order(shop)
    webhooks.deliver_due()
    assert [p["data"]["idorder"] for p in receiver.payloads()] == [order.id]


def test_no_delivery_for_a_rolled_back_change(in_app, local_addresses, receiver, shop, shop_api):
    create_hook(shop_api, "picklists.shipments.created", receiver.url())
    vase = factories.make_product(shop, stock_amount=1)
    order = orders.place_order(shop, [(vase, 1)], source="api", fields=ADDRESS)
    with pytest.raises(ValidationFailed):
        picking.close_picklist(factories.open_picklist(order), shipments=[{"carrier": "DHL"}, {"carrier": ""}])
    assert WebhookDelivery.select().count() == 0


def test_without_a_secret_deliveries_are_not_signed(in_app, local_addresses, receiver, shop, shop_api):
    create_hook(shop_api, "orders.created", receiver.url(), secret=None)
    factories.make_order(shop)
    webhooks.deliver_due()
    assert "X-Picqer-Signature" not in receiver.requests[0]["headers"]
    assert shop_api.get("/hooks").get_json()[0]["secret"] is False


@pytest.mark.parametrize("address, message", [
    ("http://example.com/hook", "https://"),
    ("https://127.0.0.1/hook", "private network"),
    ("https://10.1.2.3/hook", "private network"),
    ("ftp://example.com/hook", "full URL"),
    ("https://user:pw@example.com/hook", "full URL"),
])
def test_addresses_are_checked_as_webshop_addresses_and_nothing_is_created(in_app, shop_api, address, message):
    response = shop_api.post("/hooks", json={"name": "x", "event": "orders.created", "address": address})
    assert response.status_code == 400
    assert message in response.get_json()["error_message"]
    assert Hook.select().count() == 0


def test_unknown_event_and_missing_fields_are_refused(in_app, shop_api):
    response = shop_api.post("/hooks", json={"name": "x", "event": "orders.exploded", "address": "https://example.com"})
    assert response.status_code == 400 and "Unknown event" in response.get_json()["error_message"]
    response = shop_api.post("/hooks", json={"event": "orders.created", "address": "https://example.com"})
    assert response.status_code == 400 and response.get_json()["error_code"] == 5
    assert Hook.select().count() == 0


def test_a_client_key_cannot_create_a_hook_for_another_client(in_app, shop_api):
    other = factories.make_client()
    response = shop_api.post("/hooks", json={"name": "x", "event": "orders.created",
                                             "address": "https://example.com/h", "idfulfilment_customer": other.id})
    assert response.status_code == 400
    assert Hook.select().count() == 0


def test_picqer_signature_recipe_matches_a_known_value():
    # HMAC-SHA256("key", "The quick brown fox jumps over the lazy dog"), base64 (RFC 4231-style test value).
    assert webhooks.sign("key", "The quick brown fox jumps over the lazy dog") == \
        "97yD9DBThCSxMpjmqm+xQ+9NWaFJRhdZl0edvC0aPNg="


def test_an_order_allocated_in_bulk_tells_free_stock_hooks_about_each_product_it_took(
        in_app, local_addresses, receiver, shop, shop_api):
    create_hook(shop_api, "products.free_stock_changed", receiver.url())
    mug, cap, none_left = (factories.make_product(shop, product_code=code, stock_amount=amount)
                           for code, amount in (("MUG", 5), ("CAP", 2), ("HAT", 0)))
    WebhookDelivery.delete().execute()  # the stock set up above told the hook already
    orders.place_order(shop, [(mug, 2), (cap, 1), (none_left, 1)], source="api", fields=ADDRESS)
    told = sorted(json.loads(delivery.body)["data"]["productcode"] for delivery in WebhookDelivery.select())
    assert told == ["CAP", "MUG"]  # both lost free stock; HAT had none to take
