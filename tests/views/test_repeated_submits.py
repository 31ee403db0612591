"""A create that a double click, a reload or a second browser can repeat happens once: the form's key
is claimed in the database by the service. And forms posted with thousands of rows are refused
before their rows are parsed."""

import re

import pytest

from fulfilment.models import AddressBookEntry, Order, PurchaseOrder
from fulfilment.views import forms
from tests import factories
from tests.conftest import portal_login
from tests.views.portal_forms import PREFIX, line_rows, location_of, snapshot, submit, text_of

ADDRESS = {"delivery_name": "Jansen BV", "delivery_address": "Kerkstraat 1", "delivery_zipcode": "1011 AB",
           "delivery_city": "Amsterdam", "delivery_country": "NL"}


@pytest.fixture
def mug(app, portal_user):
    return factories.make_product(portal_user.client, product_code="MUG", stock_amount=10)


def once_key(page):
    return re.search(r'name="once_key" type="hidden" value="([^"]+)"', page).group(1)


def test_the_order_form_sent_twice_places_one_order(app, portal_client, portal_user, mug):
    key = once_key(text_of(portal_client.get(f"{PREFIX}/orders/new")))
    data = {**ADDRESS, "once_key": key, **line_rows(("MUG", 2))}
    assert location_of(submit(portal_client, "/orders/new", data)).startswith(f"{PREFIX}/orders/")
    order = Order.get()
    other_browser = portal_login(app, portal_user)
    after_first = snapshot()

    for session in (portal_client, other_browser):
        again = text_of(submit(session, "/orders/new", data), 409)
        assert f"This order has already been placed as order {order.number}; nothing new was created." in again
    assert snapshot() == after_first


def test_a_refused_order_form_keeps_its_key_and_can_be_sent_again_corrected(app, portal_client, mug):
    key = once_key(text_of(portal_client.get(f"{PREFIX}/orders/new")))
    refused = text_of(submit(portal_client, "/orders/new", {**ADDRESS, "delivery_country": "Holland",
                                                             "once_key": key, **line_rows(("MUG", 2))}), 400)
    assert once_key(refused) == key
    response = submit(portal_client, "/orders/new", {**ADDRESS, "once_key": key, **line_rows(("MUG", 2))})
    assert location_of(response).startswith(f"{PREFIX}/orders/") and Order.select().count() == 1


def test_each_new_form_gets_its_own_key(app, portal_client):
    first = once_key(text_of(portal_client.get(f"{PREFIX}/orders/new")))
    assert first != once_key(text_of(portal_client.get(f"{PREFIX}/orders/new")))


def test_the_purchase_order_form_sent_twice_creates_one(app, portal_client, mug):
    key = once_key(text_of(portal_client.get(f"{PREFIX}/purchase-orders/new")))
    data = {"supplier_name": "Koffiebranderij Zuid", "purchased": "y", "once_key": key, **line_rows(("MUG", 40))}
    assert location_of(submit(portal_client, "/purchase-orders/new", data))
    purchase_order = PurchaseOrder.get()
    after_first = snapshot()
    again = text_of(submit(portal_client, "/purchase-orders/new", data), 409)
    assert f"This purchase order has already been created as {purchase_order.number}" in again
    assert snapshot() == after_first


def test_the_address_form_sent_twice_saves_one_address(app, portal_client):
    key = once_key(text_of(portal_client.get(f"{PREFIX}/addresses/new")))
    data = {"name": "Bakkerij Jansen", "address": "Kerkstraat 1", "zipcode": "1011 AB", "city": "Amsterdam",
            "country": "NL", "once_key": key}
    assert location_of(submit(portal_client, "/addresses/new", data)) == f"{PREFIX}/addresses"
    after_first = snapshot()
    again = text_of(submit(portal_client, "/addresses/new", data), 409)
    assert "This address has already been saved as Bakkerij Jansen" in again
    assert snapshot() == after_first
    assert AddressBookEntry.select().count() == 1


def test_a_key_that_is_not_one_of_ours_is_refused(app, portal_client, mug):
    before = snapshot()
    page = text_of(submit(portal_client, "/orders/new", {**ADDRESS, "once_key": "x';--", **line_rows(("MUG", 1))}),
                   400)
    assert "This form has expired or was changed" in page
    assert snapshot() == before


# --- thousands of rows ----------------------------------------------------------------------------

def many_rows(count, prefix="lines"):
    return {f"{prefix}-{n}-{name}": value for n in range(count)
            for name, value in (("product_code", "MUG"), ("amount", "1"))}


@pytest.mark.parametrize("path, extra", [
    ("/orders/new", ADDRESS),
    ("/purchase-orders/new", {"supplier_name": "Koffiebranderij Zuid"}),
], ids=["order", "purchase order"])
def test_a_form_with_4000_rows_is_refused_before_its_rows_are_parsed(app, portal_client, mug, monkeypatch, path,
                                                                     extra):
    built = []
    original = forms.LineForm.__init__
    monkeypatch.setattr(forms.LineForm, "__init__", lambda self, *a, **k: built.append(1) or original(self, *a, **k))
    before = snapshot()
    page = text_of(submit(portal_client, path, {**extra, **many_rows(4_000)}), 400)
    assert str(forms.TOO_MANY_LINES) in page
    assert len(built) <= forms.NEW_ROWS  # only the empty rows of the page shown again, none of the 4,000
    assert snapshot() == before


def test_editing_a_purchase_order_with_4000_rows_is_refused_too(app, portal_client, mug):
    purchase_order = factories.make_purchase_order(mug.client, lines=[(mug, 5)], purchased=False)
    before = snapshot()
    page = text_of(submit(portal_client, f"/purchase-orders/{purchase_order.id}/edit",
                          {"supplier_name": "X", **many_rows(2_000, "existing"), **many_rows(2_000)}), 400)
    assert str(forms.TOO_MANY_LINES) in page
    assert snapshot() == before


def test_a_hundred_rows_still_fit(app, portal_client, mug):
    response = submit(portal_client, "/orders/new", {**ADDRESS, **many_rows(forms.MAX_LINES)})
    assert location_of(response).startswith(f"{PREFIX}/orders/")
    assert Order.get().lines.count() == forms.MAX_LINES
