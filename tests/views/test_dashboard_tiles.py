"""Each dashboard tile's figure is exactly the number of rows the list it links to shows."""

import re

from fulfilment.services import orders
from tests import factories
from tests.conftest import portal_login


def tiles(page):
    """(href, figure) of every tile on the dashboard."""
    found = re.findall(r'<a class="card card-body figure[^"]*" href="([^"]+)">\s*'
                       r'<span class="figure-value[^"]*">([^<]+)</span>', page)
    return [(href.replace("&amp;", "&"), int(value.replace("\u202f", ""))) for href, value in found]


def rows_of(page):
    body = page.split("<tbody>", 1)[1].split("</tbody>", 1)[0] if "<tbody>" in page else ""
    return body.count("<tr")


def test_every_tile_counts_exactly_the_rows_it_links_to(app, world):
    client = world.a_user.client
    product = factories.make_product(client, product_code="TILE-1", stock_amount=50)
    # Orders in several states, so "open" differs from "all orders".
    factories.make_order(client, lines=[(product, 1)])  # concept
    factories.make_shipped_order(client, lines=[(product, 1)])
    cancelled = factories.make_order(client, lines=[(product, 1)])
    orders.cancel_order(cancelled)
    factories.make_purchase_order(client, lines=[(product, 4)])
    test_client = portal_login(app, world.a_user)

    found = tiles(test_client.get("/fulfilmentportal/").get_data(as_text=True))

    assert len(found) == 4
    for href, figure in found:
        listing = test_client.get(href).get_data(as_text=True)
        assert rows_of(listing) == figure, f"{href}: tile says {figure}"
    all_orders = rows_of(test_client.get("/fulfilmentportal/orders").get_data(as_text=True))
    open_tile = next(figure for href, figure in found if "/orders" in href)
    assert all_orders > open_tile  # the shipped and the cancelled orders are not in the tile
