"""The API's offset paging: deep pages are read by seek or over bare ids and equal LIMIT/OFFSET's pages."""

from fulfilment.api import pagination
from fulfilment.models import Order
from tests import factories


def all_order_ids():
    return [row.id for row in Order.select(Order.id).order_by(Order.id)]


def test_paging_through_a_list_returns_every_row_once_in_order(app, staff_api, monkeypatch):
    monkeypatch.setattr(pagination, "PAGE_SIZE", 4)
    client = factories.make_client()
    for _ in range(10):
        factories.make_order(client)

    seen = []
    for offset in (0, 4, 8, 12):
        response = staff_api.get(f"/orders?offset={offset}")
        assert response.status_code == 200
        seen += [order["idorder"] for order in response.get_json()]

    assert seen == all_order_ids()


def test_a_remembered_page_is_read_by_seek_and_any_other_offset_over_bare_ids(app, staff_api, monkeypatch):
    monkeypatch.setattr(pagination, "PAGE_SIZE", 3)
    client = factories.make_client()
    for _ in range(8):
        factories.make_order(client)
    ids = all_order_ids()

    cold = staff_api.get("/orders?offset=5").get_json()  # nothing remembered: skip over ids
    staff_api.get("/orders?offset=0")
    warm = staff_api.get("/orders?offset=3").get_json()  # the last id of page 0 is remembered: a seek

    assert [o["idorder"] for o in cold] == ids[5:8]
    assert [o["idorder"] for o in warm] == ids[3:6]
    assert staff_api.get("/orders?offset=30").get_json() == []


def test_a_scoped_key_pages_only_its_own_rows(app, monkeypatch):
    from tests.api.conftest import api_client_for

    monkeypatch.setattr(pagination, "PAGE_SIZE", 2)
    mine, other = factories.make_client(), factories.make_client()
    own = [factories.make_order(mine if n % 2 else other).id for n in range(8)]
    api = api_client_for(app, client=mine)

    pages = [api.get(f"/orders?offset={offset}").get_json() for offset in (0, 2, 4)]

    assert [o["idorder"] for page in pages for o in page] == [i for n, i in enumerate(own) if n % 2]
