"""Importing WooCommerce orders: pages, idempotency, concurrency, skipped orders, shop failures."""

import threading
from contextlib import closing

import pytest

from fulfilment.db import database
from fulfilment.models import Order, OrderLine, Picklist, Webshop, WebshopOrder
from fulfilment.services import catalog, webshops
from fulfilment.services.connectors.base import ShopFailed, UnreadableAnswer
from fulfilment.services.webshop_import import (
    IMPORTED,
    SEEN_BEFORE,
    SKIPPED,
    WebshopSwitchedOff,
    import_orders,
    retry_webshop_order,
)


def _import(webshop, page_size=2):
    webshop = Webshop.get_by_id(webshop.id)
    return import_orders(webshop, connector=webshops.connector_for(webshop, page_size=page_size))


def _seen(webshop):
    return {seen.foreign_id: seen for seen in WebshopOrder.select().where(WebshopOrder.webshop == webshop)}


def test_import_reads_every_page_and_creates_processed_orders(woo, woo_webshop, shop_client):
    for _ in range(5):
        woo.add_order(lines=[("SKU-1", 2), ("SKU-2", 1)])

    summary = _import(woo_webshop, page_size=2)

    assert summary[IMPORTED] == 5
    pages = [query["page"][0] for method, path, query, _ in woo.requests if path.endswith("/orders")]
    assert pages == ["1", "2", "3"]
    assert all(query["status"] == ["processing"] for _, path, query, _ in woo.requests if path.endswith("/orders"))
    imported = list(Order.select().where(Order.webshop == woo_webshop).order_by(Order.id))
    assert sorted(o.foreign_id for o in imported) == sorted(str(i) for i in woo.orders)
    order = imported[0]
    assert (order.source, order.status, order.client_id) == ("webshop", "processing", shop_client.id)
    assert order.foreign_number == order.foreign_id == order.reference
    assert (order.delivery_name, order.delivery_address, order.delivery_address2) == ("Sanne de Vries",
                                                                                     "Prinsengracht 12", "3 hoog")
    assert (order.delivery_zipcode, order.delivery_city, order.delivery_country) == ("1015 DX", "Amsterdam", "NL")
    assert (order.email, order.telephone, order.customer_remarks) == ("sanne@example.com", "+31 6 12345678",
                                                                      "Please ring twice")
    lines = {line.product.product_code: line.amount for line in OrderLine.select().where(OrderLine.order == order)}
    assert lines == {"SKU-1": 2, "SKU-2": 1}
    assert Picklist.select().where(Picklist.order == order).count() == 1
    seen = _seen(woo_webshop)
    assert {s.status for s in seen.values()} == {"imported"} and len(seen) == 5
    assert all(s.order_id for s in seen.values())
    assert Webshop.get_by_id(woo_webshop.id).last_import_at is not None


def test_an_order_seen_again_is_not_imported_twice(woo, woo_webshop):
    woo.add_order()
    _import(woo_webshop)
    woo.add_order()

    summary = _import(woo_webshop)

    assert (summary[IMPORTED], summary[SEEN_BEFORE]) == (1, 1)
    assert Order.select().where(Order.webshop == woo_webshop).count() == 2
    assert WebshopOrder.select().where(WebshopOrder.webshop == woo_webshop).count() == 2


def test_an_order_passed_over_while_the_pages_shift_is_imported_by_the_next_run(woo, woo_webshop):
    orders = [woo.add_order() for _ in range(4)]

    def complete_the_first_order_meanwhile(method, path, query):
        if query.get("page") == ["2"]:
            orders[0]["status"] = "completed"  # e.g. by a tracking push: page 2 now starts one later

    woo.before_answer = complete_the_first_order_meanwhile
    assert _import(woo_webshop, page_size=2)[IMPORTED] == 3
    woo.before_answer = None

    assert _import(woo_webshop, page_size=2)[IMPORTED] == 1
    assert sorted(o.foreign_id for o in Order.select()) == sorted(str(o["id"]) for o in orders)


def test_orders_from_long_before_the_shop_was_connected_are_left_alone(woo, woo_webshop):
    woo.add_order(date_created_gmt="2020-01-01T10:00:00")
    recent = woo.add_order()

    _import(woo_webshop)

    assert [o.foreign_id for o in Order.select()] == [str(recent["id"])]
    query = [query for _, path, query, _ in woo.requests if path.endswith("/orders")][0]
    assert "after" in query and query["dates_are_gmt"] == ["true"]


def test_two_imports_at_once_import_each_order_once(woo, woo_webshop):
    for _ in range(6):
        woo.add_order()
    both_asked = threading.Barrier(2)

    def wait_for_each_other(method, path, query):
        if path.endswith("/orders") and query.get("page") == ["1"]:
            both_asked.wait(timeout=5)

    woo.before_answer = wait_for_each_other
    summaries, errors = [], []

    def run():
        try:
            summaries.append(_import(woo_webshop, page_size=3))
        except Exception as error:  # noqa: BLE001 - reported by the assertion below
            errors.append(error)
        finally:
            database.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert errors == []
    assert sum(summary[IMPORTED] for summary in summaries) == 6
    assert sum(summary[SEEN_BEFORE] for summary in summaries) == 6
    foreign_ids = [o.foreign_id for o in Order.select().where(Order.webshop == woo_webshop)]
    assert sorted(foreign_ids) == sorted(str(i) for i in woo.orders)
    assert {s.status for s in _seen(woo_webshop).values()} == {"imported"}


def test_unknown_sku_is_skipped_with_the_reason_and_imported_once_the_product_exists(woo, woo_webshop, shop_client):
    order = woo.add_order(lines=[("SKU-1", 1), ("GIFT-CARD", 1), ("MUG-XL", 2)])

    summary = _import(woo_webshop)

    assert summary[SKIPPED] == 1
    seen = _seen(woo_webshop)[str(order["id"])]
    assert seen.status == "error"
    assert seen.reason.startswith("Unknown SKUs GIFT-CARD, MUG-XL: no product with this product code.")
    assert Order.select().count() == 0 and OrderLine.select().count() == 0

    catalog.create_product(shop_client, "GIFT-CARD", "Gift card")
    catalog.create_product(shop_client, "MUG-XL", "Mug XL")
    assert retry_webshop_order(WebshopOrder.get_by_id(seen.id)) == IMPORTED
    seen = WebshopOrder.get_by_id(seen.id)
    assert (seen.status, seen.reason) == ("imported", "")
    assert Order.get_by_id(seen.order_id).foreign_id == str(order["id"])


@pytest.mark.parametrize("change, reason", [
    ({"shipping": {"postcode": ""}, "billing": {"postcode": ""}}, "The delivery address needs: Zip code."),
    ({"shipping": {"country": "Netherlands"}}, "Country must be a two-letter code"),
    ({"line_items": [{"name": "Gift wrapping", "quantity": 1, "sku": ""}]}, "No SKU in the shop for “Gift wrapping”"),
    ({"line_items": "oops"}, "in a form we could not read"),
])
def test_an_order_that_cannot_be_imported_is_skipped_and_leaves_nothing(woo, woo_webshop, change, reason):
    woo.add_order(**change)
    good = woo.add_order()

    summary = _import(woo_webshop)

    assert (summary[IMPORTED], summary[SKIPPED]) == (1, 1)
    skipped = [s for s in _seen(woo_webshop).values() if s.status == "error"]
    assert len(skipped) == 1 and reason in skipped[0].reason
    assert [o.foreign_id for o in Order.select()] == [str(good["id"])]
    assert OrderLine.select().count() == 1 and Picklist.select().count() == 1


def test_a_cancelled_order_fetched_again_is_recorded_as_ignored(woo, woo_webshop):
    order = woo.add_order(lines=[("UNKNOWN", 1)])
    _import(woo_webshop)
    order["status"] = "cancelled"

    seen = _seen(woo_webshop)[str(order["id"])]
    retry_webshop_order(seen)

    seen = WebshopOrder.get_by_id(seen.id)
    assert (seen.status, seen.reason) == ("ignored", "Cancelled in the shop.")


def test_a_shop_error_midway_keeps_whole_orders_and_the_next_run_continues(woo, woo_webshop):
    for _ in range(4):
        woo.add_order()
    woo.fail("500", path="/orders", times=1000, page=2)

    with pytest.raises(ShopFailed, match=r"HTTP 500\) 3 times"):
        _import(woo_webshop, page_size=2)

    assert Order.select().count() == 2
    assert all(OrderLine.select().where(OrderLine.order == o).count() == 1 for o in Order.select())
    assert WebshopOrder.select().count() == 2
    assert Webshop.get_by_id(woo_webshop.id).last_import_at is None  # the next run starts from the same point
    page_two = [q for _, p, q, _ in woo.requests if q.get("page") == ["2"]]
    assert len(page_two) == 3  # first try and two retries

    woo.clear_faults()
    summary = _import(woo_webshop, page_size=2)
    assert (summary[IMPORTED], summary[SEEN_BEFORE]) == (2, 2)
    assert Order.select().count() == 4


def test_a_transient_500_is_retried_and_the_import_succeeds(woo, woo_webshop):
    woo.add_order()
    woo.fail("500", path="/orders", times=1)

    assert _import(woo_webshop)[IMPORTED] == 1
    assert len(woo.paths("GET")) == 2


def test_a_429_is_retried_after_the_time_the_shop_asks_for(woo, woo_webshop):
    woo.add_order()
    woo.fail("429", path="/orders", times=2)

    assert _import(woo_webshop)[IMPORTED] == 1


def test_a_shop_that_does_not_answer_fails_clearly_after_retries(woo, woo_webshop, impatient):
    woo.add_order()
    woo.fail("timeout", path="/orders", times=1000, delay=0.6)

    with pytest.raises(ShopFailed, match="did not answer within 0.3 seconds"):
        _import(woo_webshop)

    assert len(woo.paths("GET")) == 3
    assert Order.select().count() == 0 and WebshopOrder.select().count() == 0


@pytest.mark.parametrize("kind", ["malformed", "html"])
def test_an_answer_that_is_not_order_data_fails_clearly_and_imports_nothing(woo, woo_webshop, kind):
    woo.add_order()
    woo.fail(kind, path="/orders", times=1)

    with pytest.raises(UnreadableAnswer, match="not the data its API sends"):
        _import(woo_webshop)

    assert Order.select().count() == 0 and WebshopOrder.select().count() == 0


def test_a_switched_off_webshop_is_not_imported(woo, woo_webshop):
    Webshop.update(active=False).where(Webshop.id == woo_webshop.id).execute()
    with pytest.raises(WebshopSwitchedOff):
        _import(woo_webshop)
    assert woo.requests == []


def test_stock_is_allocated_and_the_rest_backordered(woo, woo_webshop, shop_client):
    woo.add_order(lines=[("SKU-1", 150)])

    _import(woo_webshop)

    order = Order.get()
    assert order.status == "processing"
    assert order.backorders.count() == 1 and order.backorders.first().amount == 50


def test_the_connector_never_shows_credentials_in_its_repr(woo_webshop, woo):
    with closing(webshops.connector_for(woo_webshop)) as shop:
        assert woo.consumer_secret not in repr(shop) and woo.consumer_key not in repr(shop)


def test_the_periodic_import_writes_a_dutch_clients_reasons_in_dutch(app, woo, woo_webshop, shop_client):
    shop_client.language = "nl"
    shop_client.save()
    unknown = woo.add_order(lines=[("MUG-XL", 1)])

    with app.app_context():  # as the worker runs it: no request, so nobody's browser language
        summary = _import(Webshop.get_by_id(woo_webshop.id))

    seen = _seen(woo_webshop)
    assert seen[str(unknown["id"])].reason == ("Onbekende SKU MUG-XL: er is geen product met deze productcode. "
                                               "Voeg het toe en probeer het opnieuw.")
    assert summary[SKIPPED] == 1
