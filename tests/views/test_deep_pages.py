"""Pages beyond the first are read on bare ids (views/listing.py): whatever the route, every page
holds exactly its slice of the list, in the list's order, with the list's search and sort."""

import re

from fulfilment.models import Order, Picklist
from tests import factories

PREFIX = "/fulfilmentportal"


def _links(page, pattern):
    return re.findall(pattern, page.get_data(as_text=True))


def _walk(client, url, pattern, pages):
    seen = []
    for number in range(1, pages + 1):
        response = client.get(f"{url}{'&' if '?' in url else '?'}page={number}")
        assert response.status_code == 200
        seen.extend(_links(response, pattern))
    return seen


def test_every_page_of_the_orders_holds_its_slice_of_the_list_newest_first(app, portal_client, portal_user):
    app.config["PORTAL_PAGE_SIZE"] = 3
    client = portal_user.client
    product = factories.make_product(client, stock_amount=100)
    orders = [factories.make_order(client, lines=[(product, 1)], reference=f"REF-{i:02d}") for i in range(8)]
    factories.make_order(factories.make_client(), reference="REF-99")  # another client's: never listed

    listed = _walk(portal_client, f"{PREFIX}/orders", r'href="/fulfilmentportal/orders/(\d+)"', 3)
    newest_first = [o.id for o in sorted(orders, key=lambda o: (o.created_at, o.id), reverse=True)]
    assert [int(i) for i in dict.fromkeys(listed)] == newest_first


def test_deep_pages_keep_the_search_and_the_sort(app, portal_client, portal_user):
    app.config["PORTAL_PAGE_SIZE"] = 2
    client = portal_user.client
    codes = ["B-1", "A-3", "C-2", "A-1", "X-9", "A-2", "B-2"]
    for code in codes:
        factories.make_product(client, product_code=code)

    listed = _walk(portal_client, f"{PREFIX}/products?sort=-code", r'>([A-Z]-\d)</a>', 4)
    assert listed == sorted(codes, reverse=True)
    found = _walk(portal_client, f"{PREFIX}/products?q=A-&sort=code", r'>([A-Z]-\d)</a>', 2)
    assert found == ["A-1", "A-2", "A-3"]


def test_deep_pages_of_the_shipments_list_hold_each_shipment_once_in_shipping_order(app, portal_client,
                                                                                   portal_user):
    app.config["PORTAL_PAGE_SIZE"] = 2
    client = portal_user.client
    shipped = [factories.make_shipped_order(client) for _ in range(5)]
    picklists = [Picklist.get(Picklist.order == order) for order in shipped]
    expected = [p.id for p in sorted(picklists, key=lambda p: (p.closed_at, p.id), reverse=True)]

    listed = _walk(portal_client, f"{PREFIX}/shipments", r'href="/fulfilmentportal/shipments/(\d+)"', 3)
    assert [int(i) for i in dict.fromkeys(listed)] == expected
    assert Order.select().count() == 5
