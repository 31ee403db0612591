"""The address book: add, edit, delete (after confirming) and search; this client's addresses alone."""

from fulfilment.models import AddressBookEntry
from tests import factories
from tests.views.portal_forms import PREFIX, location_of, snapshot, submit, text_of

ADDRESS = {"name": "Bakkerij Jansen", "contact_name": "Piet", "address": "Kerkstraat 1", "zipcode": "1011 AB",
           "city": "Amsterdam", "country": "nl", "email": "piet@example.com", "telephone": "020 123 4567"}


def test_client_adds_an_address(app, portal_client, portal_user):
    assert 'name="zipcode"' in text_of(portal_client.get(f"{PREFIX}/addresses/new"))
    assert location_of(submit(portal_client, "/addresses/new", ADDRESS)) == f"{PREFIX}/addresses"
    entry = AddressBookEntry.get()
    assert (entry.client_id, entry.name, entry.country, entry.email) == (portal_user.client_id, "Bakkerij Jansen",
                                                                         "NL", "piet@example.com")
    page = text_of(portal_client.get(f"{PREFIX}/addresses"))
    assert "Bakkerij Jansen has been added to your address book." in page
    assert f"/orders/new?address={entry.id}" in page  # a new order to this address is one click away


def test_missing_fields_and_a_bad_country_are_refused(app, portal_client):
    before = snapshot()
    page = text_of(submit(portal_client, "/addresses/new", {**ADDRESS, "zipcode": "", "city": ""}), 400)
    assert page.count("This field is required.") == 2
    page = text_of(submit(portal_client, "/addresses/new", {**ADDRESS, "country": "N1"}), 400)
    assert "Country must be a two-letter code" in page
    assert snapshot() == before


def test_client_edits_an_address(app, portal_client, portal_user):
    entry = factories.make_address(portal_user.client, name="Old name")
    assert 'value="Old name"' in text_of(portal_client.get(f"{PREFIX}/addresses/{entry.id}/edit"))
    assert location_of(submit(portal_client, f"/addresses/{entry.id}/edit", ADDRESS)) == f"{PREFIX}/addresses"
    entry = AddressBookEntry.get_by_id(entry.id)
    assert (entry.name, entry.city, entry.telephone) == ("Bakkerij Jansen", "Amsterdam", "020 123 4567")


def test_client_deletes_an_address_after_confirming(app, portal_client, portal_user):
    entry = factories.make_address(portal_user.client, name="Gone soon")
    order = factories.make_order(portal_user.client, delivery_name="Gone soon")
    confirm = text_of(portal_client.get(f"{PREFIX}/addresses/{entry.id}/delete"))
    assert "Delete Gone soon from your address book?" in confirm and "Yes, delete the address" in confirm
    assert AddressBookEntry.select().count() == 1
    assert location_of(submit(portal_client, f"/addresses/{entry.id}/delete")) == f"{PREFIX}/addresses"
    assert not AddressBookEntry.select().exists()
    assert order.__class__.get_by_id(order.id).delivery_name == "Gone soon"


def test_search_finds_by_any_part_of_the_address_literally(app, portal_client, portal_user):
    factories.make_address(portal_user.client, name="Bakkerij Jansen", city="Amsterdam", email="info@jansen.example")
    factories.make_address(portal_user.client, name="Slagerij Pieters", address="Markt 100%", city="Zwolle")
    for search, found, absent in [("zwolle", "Slagerij", "Bakkerij"), ("jansen.example", "Bakkerij", "Slagerij"),
                                  ("100%", "Slagerij", "Bakkerij"), ("markt", "Slagerij", "Bakkerij")]:
        page = text_of(portal_client.get(f"{PREFIX}/addresses", query_string={"q": search}))
        assert found in page and absent not in page, search
    assert "Nothing matches" in text_of(portal_client.get(f"{PREFIX}/addresses?q=%25%25"))


def test_another_clients_address_is_404_everywhere(app, portal_client):
    theirs = factories.make_address(factories.make_client(), name="Their customer")
    before = snapshot()
    for path in ("edit", "delete"):
        assert portal_client.get(f"{PREFIX}/addresses/{theirs.id}/{path}").status_code == 404
        assert submit(portal_client, f"/addresses/{theirs.id}/{path}", ADDRESS).status_code == 404
    assert snapshot() == before
    assert "Their customer" not in text_of(portal_client.get(f"{PREFIX}/addresses?q=their"))
