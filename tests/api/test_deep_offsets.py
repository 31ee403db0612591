"""The API's offset paging: deep pages are read from checkpoints or counted blocks of ids by seek,
or over bare ids, and always equal LIMIT/OFFSET's pages (fulfilment/api/pagination.py)."""

import pytest

from fulfilment import id_blocks
from fulfilment.api import pagination
from fulfilment.models import Order, StockMutation, Warehouse
from fulfilment.services import stock_corrections
from tests import factories
from tests.conftest import SMALL_ID_BLOCK, count_queries
from tests.factories import api_client_for


def all_order_ids():
    return [row.id for row in Order.select(Order.id).order_by(Order.id)]


def ids_of(response):
    assert response.status_code == 200
    return [row.get("idorder", row.get("idproduct_stock_history")) for row in response.get_json()]


def test_paging_through_a_list_returns_every_row_once_in_order(app, staff_api, monkeypatch):
    monkeypatch.setattr(pagination, "PAGE_SIZE", 4)
    client = factories.make_client()
    for _ in range(10):
        factories.make_order(client)

    seen = []
    for offset in (0, 4, 8, 12):
        seen += ids_of(staff_api.get(f"/orders?offset={offset}"))

    assert seen == all_order_ids()


def test_a_remembered_page_is_read_by_seek_and_any_other_offset_over_bare_ids(app, staff_api, monkeypatch):
    monkeypatch.setattr(pagination, "PAGE_SIZE", 3)
    client = factories.make_client()
    for _ in range(8):
        factories.make_order(client)
    ids = all_order_ids()

    cold = ids_of(staff_api.get("/orders?offset=5"))  # nothing remembered: skip over ids
    staff_api.get("/orders?offset=0")
    warm = ids_of(staff_api.get("/orders?offset=3"))  # page 0's last row is a checkpoint: a seek

    assert cold == ids[5:8]
    assert warm == ids[3:6]
    assert staff_api.get("/orders?offset=30").get_json() == []


def offsets_skipped(counter, table):
    """The OFFSET of each statement the counter saw that pages table (bound as the last parameter)."""
    return [parameters[-1] for sql, parameters in zip(counter.statements, counter.parameters, strict=True)
            if f'FROM "{table}"' in sql and sql.rstrip().endswith("OFFSET " + ("?" if "?" in sql else "%s"))]


def test_a_deep_offset_asked_again_starts_from_its_checkpoint_instead_of_skipping_every_row(
        app, staff_api, monkeypatch):
    monkeypatch.setattr(pagination, "PAGE_SIZE", 2)
    client = factories.make_client()
    for _ in range(12):
        factories.make_order(client)
    ids = all_order_ids()

    with count_queries() as first_visit:
        first = ids_of(staff_api.get("/orders?offset=8"))
    with count_queries() as counter:
        again = ids_of(staff_api.get("/orders?offset=8"))
        further = ids_of(staff_api.get("/orders?offset=9"))

    assert first == again == ids[8:10] and further == ids[9:11]
    assert offsets_skipped(first_visit, "order") == [8]
    assert offsets_skipped(counter, "order") == [0, 0]  # each starts at a checkpoint: the rows of offset 8 and 9


def test_polling_a_deep_offset_sees_the_rows_added_after_it(app, staff_api, monkeypatch):
    monkeypatch.setattr(pagination, "PAGE_SIZE", 3)
    client = factories.make_client()
    for _ in range(7):
        factories.make_order(client)

    assert ids_of(staff_api.get("/orders?offset=6")) == all_order_ids()[6:]
    factories.make_order(client)
    factories.make_order(client)

    assert ids_of(staff_api.get("/orders?offset=6")) == all_order_ids()[6:9]


def test_a_newest_first_list_counts_the_rows_added_before_its_checkpoints(app, staff_api, monkeypatch):
    """Stock history is newest first: new ledger lines push every older line to a higher offset."""
    monkeypatch.setattr(pagination, "PAGE_SIZE", 3)
    client = factories.make_client()
    product = factories.make_product(client, stock_amount=1)
    warehouse = Warehouse.default()
    for _ in range(8):
        stock_corrections.change_stock(product, warehouse, 1, "Count")

    def newest_first():
        return [m.id for m in StockMutation.select(StockMutation.id).order_by(StockMutation.id.desc())]

    assert ids_of(staff_api.get("/stockhistory?offset=4")) == newest_first()[4:7]
    for _ in range(2):
        stock_corrections.change_stock(product, warehouse, 1, "Count")

    assert ids_of(staff_api.get("/stockhistory?offset=4")) == newest_first()[4:7]
    assert ids_of(staff_api.get("/stockhistory?offset=7")) == newest_first()[7:10]


@pytest.mark.parametrize("lifetime, same_as_offset", [(0, True), (300, False)])
def test_checkpoints_expire_so_a_removed_row_shifts_the_pages_as_offset_would(
        app, staff_api, monkeypatch, lifetime, same_as_offset):
    """Within a checkpoint's life a row removed before it is not noticed; after, it is."""
    monkeypatch.setattr(pagination, "PAGE_SIZE", 2)
    monkeypatch.setattr(pagination, "CHECKPOINT_SECONDS", lifetime)
    client = factories.make_client()
    orders = [factories.make_order(client) for _ in range(6)]
    staff_api.get("/orders?offset=4")
    Order.delete_by_id(orders[0].id)

    answer = ids_of(staff_api.get("/orders?offset=4"))

    assert (answer == all_order_ids()[4:6]) is same_as_offset


def test_a_scoped_key_pages_only_its_own_rows(app, monkeypatch):
    from tests.api.conftest import api_client_for

    monkeypatch.setattr(pagination, "PAGE_SIZE", 2)
    mine, other = factories.make_client(), factories.make_client()
    own = [factories.make_order(mine if n % 2 else other).id for n in range(8)]
    api = api_client_for(app, client=mine)

    pages = [api.get(f"/orders?offset={offset}").get_json() for offset in (0, 2, 4)]

    assert [o["idorder"] for page in pages for o in page] == [i for n, i in enumerate(own) if n % 2]


def test_a_newest_first_list_with_more_new_rows_than_a_page_starts_its_checkpoints_afresh(
        app, staff_api, monkeypatch):
    monkeypatch.setattr(pagination, "PAGE_SIZE", 2)
    client = factories.make_client()
    product = factories.make_product(client, stock_amount=1)
    for _ in range(5):
        stock_corrections.change_stock(product, Warehouse.default(), 1, "Count")
    staff_api.get("/stockhistory?offset=3")
    for _ in range(3):
        stock_corrections.change_stock(product, Warehouse.default(), 1, "Count")

    staff_api.get("/stockhistory?offset=0")  # three new rows: more than the page shows

    newest_first = [m.id for m in StockMutation.select(StockMutation.id).order_by(StockMutation.id.desc())]
    assert ids_of(staff_api.get("/stockhistory?offset=3")) == newest_first[3:5]
    assert ids_of(staff_api.get("/stockhistory?offset=5")) == newest_first[5:7]


# --- a first visit to a deep offset starts from its block of ids (fulfilment/id_blocks.py) ---


def order_ids(client=None):
    query = Order.select(Order.id).order_by(Order.id)
    return [o.id for o in (query if client is None else query.where(Order.client == client))]


def add_ledger_lines(n, product=None):
    """n stock corrections of product (a new one by default): n lines of the stock history."""
    product = product or factories.make_product(factories.make_client(), stock_amount=1)
    for _ in range(n):
        stock_corrections.change_stock(product, Warehouse.default(), 1, "Count")
    return product


def ledger_ids_newest_first():
    return [m.id for m in StockMutation.select(StockMutation.id).order_by(StockMutation.id.desc())]


def listed(api, path, offset, key):
    pagination.forget_all()  # a first visit: no checkpoint to start from
    response = api.get(f"{path}?offset={offset}")
    assert response.status_code == 200
    return [row[key] for row in response.get_json()]


def test_every_offset_of_a_counted_list_answers_as_limit_offset_would(app, staff_api, small_id_blocks, monkeypatch):
    monkeypatch.setattr(pagination, "PAGE_SIZE", 3)
    mine, other = factories.make_client(), factories.make_client()
    product = factories.make_product(mine, stock_amount=50)
    for n in range(14):
        factories.make_order(mine if n % 3 else other, lines=[(product, 1)] if n % 3 else None)
    with app.app_context():
        id_blocks.seal()
    factories.make_order(mine, lines=[(product, 1)])  # after the seal: counted live
    Order.delete_by_id(factories.make_order(other).id)  # a gap in the ids
    mine_api = api_client_for(app, client=mine)

    everyone, own = order_ids(), order_ids(mine)
    for offset in range(len(everyone) + 1):
        assert listed(staff_api, "/orders", offset, "idorder") == everyone[offset:offset + 3], offset
    for offset in range(len(own) + 1):
        assert listed(mine_api, "/orders", offset, "idorder") == own[offset:offset + 3], offset


def test_every_offset_of_the_newest_first_stock_history_answers_as_limit_offset_would(
        app, staff_api, small_id_blocks, monkeypatch):
    monkeypatch.setattr(pagination, "PAGE_SIZE", 3)
    product = add_ledger_lines(15)
    with app.app_context():
        id_blocks.seal()
    add_ledger_lines(6, product)  # newer than the seal: more than a block, counted live

    newest_first = ledger_ids_newest_first()
    for offset in range(len(newest_first) + 1):
        assert listed(staff_api, "/stockhistory", offset, "idproduct_stock_history") == \
            newest_first[offset:offset + 3], offset


@pytest.mark.parametrize("path, table, key", [("/orders", "order", "idorder"),
                                               ("/stockhistory", "stock_mutation", "idproduct_stock_history")])
def test_a_first_visit_to_a_deep_offset_skips_less_than_a_block(
        app, staff_api, small_id_blocks, monkeypatch, path, table, key):
    """Orders are listed oldest first, the stock history newest first."""
    monkeypatch.setattr(pagination, "PAGE_SIZE", 2)
    product = add_ledger_lines(20)
    for _ in range(20):
        factories.make_order(product.client, lines=[(product, 1)])
    with app.app_context():
        id_blocks.seal()

    with count_queries() as counter:
        ids = listed(staff_api, path, 15, key)

    assert ids == (order_ids() if table == "order" else ledger_ids_newest_first())[15:17]
    skipped = offsets_skipped(counter, table)
    assert skipped and max(skipped) < SMALL_ID_BLOCK

