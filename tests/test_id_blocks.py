"""Rows counted per block of ids (fulfilment/id_blocks.py): sealed counts stay equal to the rows.

The API's offsets that start from them are tested in tests/api/test_deep_offsets.py."""

import pytest

from fulfilment import id_blocks
from fulfilment.db import database
from fulfilment.models import IdBlock, IdBlockSeal, Product
from tests import factories


def counts(table, client_id):
    return dict(IdBlock.select(IdBlock.block, IdBlock.row_count)
                .where((IdBlock.counted_table == table) & (IdBlock.client_id == client_id)).tuples())


def test_a_seal_counts_each_clients_rows_per_block_and_all_clients_together(app, small_id_blocks):
    mine, other = factories.make_client(), factories.make_client()
    for n in range(11):  # ids 1–11: blocks 0 (1–3) and 1 (4–7); 2 (8–11) holds the newest, still filling
        factories.make_bare_products(mine if n % 3 else other, 1)

    with app.app_context():
        id_blocks.seal()

    assert IdBlockSeal.get(IdBlockSeal.counted_table == "product").below_id == 8
    assert counts("product", id_blocks.ALL_CLIENTS) == {0: 3, 1: 4}
    assert counts("product", other.id) == {0: 1, 1: 2}  # ids 1; 4 and 7
    assert counts("product", mine.id) == {0: 2, 1: 2}  # ids 2 and 3; 5 and 6
    assert id_blocks.miscounted_tables() == []


def test_rows_added_to_or_removed_from_a_sealed_block_keep_its_count(app, small_id_blocks):
    client = factories.make_client()
    products = factories.make_bare_products(client, 10)
    with app.app_context():
        id_blocks.seal()
    before = counts("product", client.id)

    Product.delete_by_id(products[1].id)  # id 2, block 0
    Product.create(id=products[1].id, client=client, product_code="LATE", name="Committed late")
    Product.delete_by_id(products[5].id)  # id 6, block 1

    assert counts("product", client.id) == {**before, 1: before[1] - 1}
    assert counts("product", id_blocks.ALL_CLIENTS) == {**before, 1: before[1] - 1}
    assert id_blocks.miscounted_tables() == []


def test_a_new_seal_counts_the_blocks_filled_since_and_recounts_the_last_ones(app, small_id_blocks):
    client = factories.make_client()
    factories.make_bare_products(client, 10)
    with app.app_context():
        id_blocks.seal()
    factories.make_bare_products(client, 10)  # ids 11–20
    # A row that committed after the last seal had counted its block: its count is lost.
    IdBlock.update(row_count=IdBlock.row_count - 1).where(IdBlock.block == 1).execute()
    assert id_blocks.miscounted_tables() == ["product"]

    with app.app_context():
        id_blocks.seal()

    assert IdBlockSeal.get(IdBlockSeal.counted_table == "product").below_id == 20
    assert sum(counts("product", client.id).values()) == 19
    assert id_blocks.miscounted_tables() == []


def test_an_empty_table_is_not_sealed(app):
    with app.app_context():
        id_blocks.seal()

    assert not IdBlockSeal.select().where(IdBlockSeal.counted_table == "order").exists()


def test_only_a_whole_table_or_one_clients_rows_start_from_the_blocks(app, small_id_blocks):
    client = factories.make_client()
    factories.make_bare_products(client, 12)
    with app.app_context():
        id_blocks.seal()
    by_id = Product.select().order_by(Product.id)

    for whole_list in (by_id, by_id.where(Product.client == client)):
        start, condition = id_blocks.seek(whole_list, 9, descending=False)
        assert (start, condition.op, condition.rhs) == (7, ">=", 8)  # ids 1–7 in blocks 0 and 1
    assert id_blocks.seek(by_id.where(Product.name == "Product"), 9, descending=False) is None
    assert id_blocks.seek(by_id.where((Product.client == client) & (Product.active)), 9, descending=False) is None


def test_the_counts_survive_a_transaction_that_is_rolled_back(app, small_id_blocks):
    client = factories.make_client()
    factories.make_bare_products(client, 10)
    with app.app_context():
        id_blocks.seal()

    with pytest.raises(RuntimeError), database.atomic():
        Product.delete_by_id(3)
        raise RuntimeError("undo")

    assert id_blocks.miscounted_tables() == []
    assert counts("product", client.id)[0] == 3
