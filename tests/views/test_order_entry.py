"""Orders a client enters by hand: processed at once, address typed or from the address book, and
every posted id (product, address) found through the client's own scope."""

import pytest

from fulfilment.models import AddressBookEntry, Backorder, Order, OrderEvent, OrderLine, PicklistLine
from tests import factories
from tests.views.portal_forms import PREFIX, line_rows, location_of, snapshot, submit, text_of

TYPED_ADDRESS = {
    "delivery_name": "Jansen BV", "delivery_contact_name": "Anna Jansen", "delivery_address": "Kerkstraat 1",
    "delivery_zipcode": "1011 AB", "delivery_city": "Amsterdam", "delivery_country": "nl",
}


@pytest.fixture
def shop(app, portal_user):
    client = portal_user.client
    return {
        "client": client,
        "mug": factories.make_product(client, product_code="MUG", name="Blue mug", stock_amount=10),
        "tea": factories.make_product(client, product_code="TEA", name="Green tea"),
    }


def test_the_order_form_works_without_javascript(app, portal_client, shop):
    page = text_of(portal_client.get(f"{PREFIX}/orders/new"))
    assert page.count('name="lines-') == 5 * 3  # five rows: product id, product code, quantity
    assert 'name="delivery_name"' in page and 'name="address_id"' in page and 'name="save_address"' in page
    before = snapshot()
    more = text_of(submit(portal_client, "/orders/new", {"more_lines": "1", **line_rows(("MUG", 1))}))
    assert more.count('data-product-search') == 10 and 'value="MUG"' in more
    assert snapshot() == before


def test_an_order_by_hand_is_processed_at_once_and_shows_the_result(app, portal_client, portal_user, shop):
    response = submit(portal_client, "/orders/new", {
        **TYPED_ADDRESS, "reference": "PO-77", "email": "anna@example.com", "save_address": "y",
        **line_rows(("MUG", 3), ("id", shop["tea"], 2)),
    })
    order = Order.get()
    assert location_of(response) == f"{PREFIX}/orders/{order.id}"
    assert (order.source, order.status, order.reference, order.delivery_country) == ("portal", "processing", "PO-77",
                                                                                      "NL")
    assert [(line.product.product_code, line.amount) for line in order.lines.order_by(OrderLine.id)] == [("MUG", 3),
                                                                                                   ("TEA", 2)]
    assert [(line.product_id, line.amount) for line in PicklistLine.select()] == [(shop["mug"].id, 3)]
    assert [(b.product_id, b.amount) for b in Backorder.select()] == [(shop["tea"].id, 2)]
    assert OrderEvent.select().where(OrderEvent.actor == f"portal {portal_user.username}").exists()
    page = text_of(portal_client.get(f"{PREFIX}/orders/{order.id}"))
    assert "3 units reserved for picking, 2 units backordered" in page
    assert "The address has been saved to your address book." in page
    saved = AddressBookEntry.get()
    assert (saved.client_id, saved.name, saved.city, saved.email) == (portal_user.client_id, "Jansen BV",
                                                                      "Amsterdam", "anna@example.com")


def test_an_order_to_an_address_from_the_address_book(app, portal_client, shop):
    entry = factories.make_address(shop["client"], name="Bakkerij Smit", city="Zwolle", email="smit@example.com")
    # The address book's "New order" link preselects the address.
    form = text_of(portal_client.get(f"{PREFIX}/orders/new?address={entry.id}"))
    assert f'<option selected value="{entry.id}">' in form
    response = submit(portal_client, "/orders/new", {"address_id": str(entry.id), "save_address": "y",
                                                     **line_rows(("MUG", 1))})
    order = Order.get()
    assert location_of(response) == f"{PREFIX}/orders/{order.id}"
    assert (order.delivery_name, order.delivery_city, order.email) == ("Bakkerij Smit", "Zwolle", "smit@example.com")
    assert AddressBookEntry.select().count() == 1  # nothing saved twice


def test_another_clients_address_is_an_error_and_nothing_is_created(app, portal_client, shop):
    theirs = factories.make_address(factories.make_client(), name="Their customer")
    assert portal_client.get(f"{PREFIX}/orders/new?address={theirs.id}").status_code == 404
    before = snapshot()
    for address_id in (str(theirs.id), "999999", "x"):
        page = text_of(submit(portal_client, "/orders/new", {"address_id": address_id, **line_rows(("MUG", 1))}),
                       400)
        assert "Choose an address from your address book." in page
        assert "Their customer" not in page
    assert snapshot() == before


def test_another_clients_product_is_an_error_and_nothing_is_created(app, portal_client, shop):
    theirs = factories.make_product(factories.make_client(), product_code="THEIRS", stock_amount=5)
    before = snapshot()
    for row in [("id", theirs, 1), ("id", 999999, 1), ("THEIRS", 1)]:
        page = text_of(submit(portal_client, "/orders/new", {**TYPED_ADDRESS, **line_rows(("MUG", 1), row)}), 400)
        assert "Unknown product" in page
    assert snapshot() == before


def test_every_wrong_row_and_missing_field_is_reported_and_nothing_is_created(app, portal_client, shop):
    shop["tea"].active = False
    shop["tea"].save()
    before = snapshot()
    page = text_of(submit(portal_client, "/orders/new", {
        "delivery_name": "Jansen", "delivery_country": "NL",
        **line_rows(("NOPE", 1), ("MUG", "two"), ("MUG", 0), ("TEA", 1)),
        "lines-4-amount": "3",
    }), 400)
    for message in ("Unknown product code NOPE.", "Not a valid integer value.", "Number must be between 1",
                    "Product TEA is inactive.", "Choose a product.",
                    "Required, or choose an address from your address book."):
        assert message in page, message
    assert "Nothing has been saved" in page
    assert snapshot() == before


def test_an_order_without_products_is_refused(app, portal_client, shop):
    before = snapshot()
    page = text_of(submit(portal_client, "/orders/new", TYPED_ADDRESS), 400)
    assert "An order needs at least one product." in page
    assert snapshot() == before


def test_a_country_the_order_refuses_is_explained_and_nothing_is_created(app, portal_client, shop):
    before = snapshot()
    page = text_of(submit(portal_client, "/orders/new", {**TYPED_ADDRESS, "delivery_country": "N1",
                                                         "save_address": "y", **line_rows(("MUG", 1))}), 400)
    assert "Country must be a two-letter code" in page
    assert snapshot() == before


def test_the_product_search_finds_only_the_clients_own_active_products(app, portal_client, shop):
    factories.make_product(factories.make_client(), product_code="MUG-THEIRS", name="Their mug")
    factories.make_product(shop["client"], product_code="MUG-OLD", active=False)
    found = portal_client.get(f"{PREFIX}/products/lookup?q=mug").get_json()["products"]
    assert found == [{"id": shop["mug"].id, "code": "MUG", "name": "Blue mug", "barcode": "", "free": 10}]
    assert portal_client.get(f"{PREFIX}/products/lookup?q=%25").get_json() == {"products": []}
    everything = portal_client.get(f"{PREFIX}/products/lookup").get_json()["products"]
    assert [product["code"] for product in everything] == ["MUG", "TEA"]
