"""The one tenant gate: a client's rows through for_client, one row through tenancy.owned."""

import pytest

from fulfilment.models import ApiKey, Order, Product
from fulfilment.services import tenancy
from fulfilment.services.errors import NotFound
from tests import factories


@pytest.fixture
def two_clients(app):
    mine, theirs = factories.make_client(name="Mine"), factories.make_client(name="Theirs")
    return mine, theirs, factories.make_product(mine), factories.make_product(theirs)


def test_for_client_gives_a_clients_rows_and_staff_every_row(two_clients):
    mine, theirs, my_product, their_product = two_clients
    assert list(Product.for_client(mine)) == [my_product]
    assert list(Product.for_client(theirs)) == [their_product]
    assert set(Product.for_client(None)) == {my_product, their_product}


def test_another_clients_row_is_not_found_as_if_it_did_not_exist(two_clients):
    mine, theirs, my_product, their_product = two_clients
    assert tenancy.owned(Product, mine, my_product.id) == my_product
    assert tenancy.owned(Product, None, their_product.id) == their_product  # staff
    with pytest.raises(NotFound) as foreign:
        tenancy.owned(Product, mine, their_product.id)
    with pytest.raises(NotFound) as missing:
        tenancy.owned(Product, mine, 999_999)
    assert str(foreign.value) == f"Product {their_product.id} not found."
    assert str(missing.value) == "Product 999999 not found."


@pytest.mark.parametrize("record_id", [0, -1, 2**31, True, "1"])
def test_ids_out_of_range_are_not_found_without_asking_the_database(two_clients, record_id):
    mine = two_clients[0]
    with pytest.raises(NotFound):
        tenancy.owned(Product, mine, record_id)


def test_a_query_with_joins_keeps_them_and_is_still_gated(two_clients):
    mine, theirs, my_product, _ = two_clients
    order = factories.make_order(mine, lines=[(factories.make_product(mine, stock_amount=1), 1)])
    query = Order.select(Order, Product).join_from(Order, Product, on=(Product.client == Order.client))
    assert tenancy.owned(query, mine, order.id).id == order.id
    with pytest.raises(NotFound):
        tenancy.owned(query, theirs, order.id)


def test_api_keys_pass_the_same_gate(two_clients):
    mine, theirs, *_ = two_clients
    key = factories.make_api_key(mine)
    assert tenancy.owned(ApiKey, mine, key.id) == key
    with pytest.raises(NotFound):
        tenancy.owned(ApiKey.for_client(theirs), theirs, key.id)


def test_a_client_sees_only_itself_among_the_clients(two_clients):
    mine, theirs, *_ = two_clients
    from fulfilment.models import Client

    assert tenancy.owned(Client, mine, mine.id) == mine
    assert tenancy.owned(Client, None, theirs.id) == theirs
    with pytest.raises(NotFound):
        tenancy.owned(Client, mine, theirs.id)
