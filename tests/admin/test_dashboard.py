"""The back office's dashboard: today's work, each tile a link to the list of exactly its rows."""

import html as htmllib
import re
from datetime import timedelta

import pytest

from fulfilment.models import Shipment, utcnow
from fulfilment.services import orders, picking, returns
from tests import factories

TILE = re.compile(r'<a class="card[^"]*" href="([^"]+)">\s*<div class="card-body">\s*<h2[^>]*>(.*?)</h2>\s*'
                  r'<div class="h2[^"]*">([\d\u202f]+)</div>', re.S)


def _tiles(staff_client):
    page = staff_client.get("/admin/").get_data(as_text=True)
    return {label: (int(count.replace("\u202f", "")), htmllib.unescape(url))
            for url, label, count in TILE.findall(page)}, page


def _listed_ids(staff_client, url):
    """The ids of the rows the list at url shows (every row: the page holds up to 100)."""
    response = staff_client.get(url + "&page_size=100")
    assert response.status_code == 200
    endpoint = url.split("/")[2]
    return set(re.findall(rf"/admin/{endpoint}/details/\?id=(\d+)", response.get_data(as_text=True)))


@pytest.fixture
def warehouse_day(app):
    """Some work of each kind, and beside it rows that are not today's work."""
    client = factories.make_client()
    plenty = factories.make_product(client, product_code="PLENTY", stock_amount=100)
    none = factories.make_product(client, product_code="NONE")
    coming = factories.make_product(client, product_code="COMING")
    rows = {}
    # To pick: two processing orders (3 + 2 units); not: a paused one, a shipped one, a concept.
    to_pick = [factories.make_order(client, lines=[(plenty, 3)], process=True),
               factories.make_order(client, lines=[(plenty, 2)], process=True)]
    paused = factories.make_order(client, lines=[(plenty, 4)], process=True)
    orders.pause_order(paused, "Customer called")
    factories.make_shipped_order(client, lines=[(plenty, 1)])
    factories.make_order(client, lines=[(plenty, 1)])
    rows["Orders to pick"] = {o.id for o in to_pick}
    rows["Picklists not closed"] = {factories.open_picklist(o).id for o in [*to_pick, paused]}
    # Backorders: one for a product on a purchase order (incoming), one for a product nobody ordered.
    waiting = factories.make_order(client, lines=[(coming, 5)], process=True)
    factories.make_order(client, lines=[(none, 5)], process=True)
    rows["Backorders stock can serve"] = {b.id for b in waiting.backorders}
    today = utcnow().date()
    due = [factories.make_purchase_order(client, lines=[(coming, 5)], delivery_date=today),
           factories.make_purchase_order(client, lines=[(plenty, 5)], delivery_date=today - timedelta(days=3))]
    factories.make_purchase_order(client, lines=[(plenty, 5)], delivery_date=today + timedelta(days=1))
    factories.make_purchase_order(client, lines=[(plenty, 5)], delivery_date=today, purchased=False)  # concept
    received = factories.make_purchase_order(client, lines=[(plenty, 5)], delivery_date=today)
    factories.receive_everything(received)
    rows["Purchase orders expected today or overdue"] = {p.id for p in due}
    announced = factories.make_return(client, returned=[(plenty, 1, "")])
    done = factories.make_return(client, returned=[(plenty, 1, "")])
    returns.change_return_status(done, factories.return_status("received"), "")
    rows["Returns announced"] = {announced.id}
    webshop = factories.make_webshop(client)
    failed_import = factories.make_webshop_order(webshop, status="error", reason="Unknown product")
    factories.make_webshop_order(webshop, status="imported")
    rows["Webshop imports with errors"] = {failed_import.id}
    shipped = [factories.make_shipped_order(client, lines=[(plenty, 1)]) for _ in range(2)]
    failed, sent = [Shipment.get(Shipment.order == o) for o in shipped]
    Shipment.update(webshop_push_status="failed").where(Shipment.id == failed.id).execute()
    Shipment.update(webshop_push_status="sent").where(Shipment.id == sent.id).execute()
    rows["Tracking pushes that failed"] = {failed.id}
    return rows


TILES = ["Orders to pick", "Picklists not closed", "Backorders stock can serve",
         "Purchase orders expected today or overdue", "Returns announced", "Webshop imports with errors",
         "Tracking pushes that failed"]


@pytest.mark.parametrize("label", TILES)
def test_tile_count_equals_the_rows_of_the_list_it_links_to(app, staff_client, warehouse_day, label):
    tiles, _ = _tiles(staff_client)
    count, url = tiles[label]
    listed = _listed_ids(staff_client, url)
    assert count == len(listed), f"{label}: tile says {count}, its list shows {len(listed)}"
    assert listed == {str(i) for i in warehouse_day[label]}


def test_orders_to_pick_tile_says_how_many_units(app, staff_client, warehouse_day):
    _, page = _tiles(staff_client)
    assert "5 units to pick" in page  # 3 + 2; the paused order's 4 units wait


def test_backorder_tile_counts_a_backorder_once_free_stock_arrived(app, staff_client):
    client = factories.make_client()
    product = factories.make_product(client)
    order = factories.make_order(client, lines=[(product, 2)], process=True)
    tiles, _ = _tiles(staff_client)
    assert tiles["Backorders stock can serve"][0] == 0
    # Stock counted in without serving the backorder (the serve button has not been pressed).
    from fulfilment.models import Stock

    Stock.update(stock=Stock.stock + 2).where(Stock.product == product).execute()
    tiles, _ = _tiles(staff_client)
    count, url = tiles["Backorders stock can serve"]
    assert count == 1 and _listed_ids(staff_client, url) == {str(b.id) for b in order.backorders}


def test_empty_warehouse_shows_zero_tiles_linking_to_empty_lists(app, staff_client):
    tiles, _ = _tiles(staff_client)
    assert set(tiles) == set(TILES)
    for label, (count, url) in tiles.items():
        assert count == 0 and _listed_ids(staff_client, url) == set(), label


def test_closing_a_picklist_takes_it_off_the_dashboard(app, staff_client):
    order = factories.make_order(process=True)
    assert _tiles(staff_client)[0]["Orders to pick"][0] == 1
    picking.close_picklist(factories.open_picklist(order))
    tiles, _ = _tiles(staff_client)
    assert tiles["Orders to pick"][0] == 0 and tiles["Picklists not closed"][0] == 0


def test_dashboard_query_count_does_not_grow_with_the_work(app, staff_client):
    from tests.conftest import count_queries

    def queries():
        staff_client.get("/admin/")
        with count_queries() as counter:
            assert staff_client.get("/admin/").status_code == 200
        return counter.n

    client = factories.make_client()
    product = factories.make_product(client, stock_amount=100)
    factories.make_order(client, lines=[(product, 1)], process=True)
    few = queries()
    for _ in range(20):
        factories.make_order(client, lines=[(product, 1)], process=True)
        factories.make_return(client, returned=[(product, 1, "")])
    assert queries() == few
