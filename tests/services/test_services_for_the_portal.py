"""Small service additions the client portal needed: placing an order in one step, an unreadable
import file as a domain error, and a literal address book search."""

import pytest

from fulfilment.models import Backorder, Order, Picklist
from fulfilment.services import addressbook, orders
from fulfilment.services.errors import DomainError, UnknownProduct
from fulfilment.services.order_import import ImportRefused, read_order_lines
from tests import factories


def test_place_order_creates_and_processes_the_order_at_once(app):
    client = factories.make_client()
    mug = factories.make_product(client, stock_amount=2)
    order = orders.place_order(client, [(mug, 5)], source="portal", fields=factories.ADDRESS)
    assert (order.status, order.source) == ("processing", "portal")
    assert Picklist.select().where(Picklist.order == order).count() == 1
    assert Backorder.get(Backorder.order == order).amount == 3


def test_a_refused_place_order_creates_nothing(app):
    client = factories.make_client()
    foreign = factories.make_product(factories.make_client(), stock_amount=5)
    with pytest.raises(UnknownProduct):
        orders.place_order(client, [(factories.make_product(client), 1), (foreign, 1)], source="portal",
                           fields=factories.ADDRESS)
    assert not Order.select().exists()


def test_an_unreadable_import_file_is_a_domain_error_that_says_why(app):
    with pytest.raises(DomainError) as refused:
        read_order_lines(factories.make_client(), b"not a workbook")
    assert isinstance(refused.value, ImportRefused)
    assert refused.value.http_status == 400
    assert "not an Excel .xlsx file" in refused.value.message


def test_address_search_covers_street_and_email_and_takes_wildcards_literally(app):
    client = factories.make_client()
    factories.make_address(client, name="Bakker", address="Markt 100%", email="info@bakker.example")
    factories.make_address(client, name="Slager", address="Dorpsstraat 2")
    names = lambda text: [entry.name for entry in addressbook.search_addresses(client, text)]  # noqa: E731
    assert names("markt") == ["Bakker"]
    assert names("bakker.example") == ["Bakker"]
    assert names("100%") == ["Bakker"]
    assert names("%") == ["Bakker"]  # only the address that has a percent sign
    assert names("_") == []
    assert names("") == ["Bakker", "Slager"]
