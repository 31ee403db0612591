import pytest

from fulfilment.models import AddressBookEntry, Order, PortalUser
from fulfilment.services import accounts, addressbook
from fulfilment.services.errors import UsernameTaken, ValidationFailed, WeakPassword
from tests import factories


def test_a_new_portal_login_needs_a_strong_password(app):
    client = factories.make_client()
    with pytest.raises(WeakPassword):
        accounts.create_portal_user(client, "shorty", "short")
    with pytest.raises(WeakPassword, match="too common"):
        accounts.create_portal_user(client, "common", "password1234")
    assert PortalUser.select().count() == 0


def test_usernames_are_unique_across_clients(app):
    factories.make_portal_user(username="jan")
    with pytest.raises(UsernameTaken):
        factories.make_portal_user(username="jan")


def test_changing_the_own_password_needs_the_current_one(app):
    user = factories.make_portal_user()
    with pytest.raises(ValidationFailed, match="current password"):
        accounts.change_own_password(user, "wrong", "a-new-long-password")
    accounts.change_own_password(user, factories.PASSWORD, "a-new-long-password")
    assert accounts.authenticate(PortalUser, user.username, "a-new-long-password") is not None


def test_portal_login_is_refused_without_portal_access_or_when_inactive(app):
    user = factories.make_portal_user(username="blocked")
    assert accounts.authenticate_portal_user("blocked", factories.PASSWORD) is not None
    user.client.portal_access = False
    user.client.save()
    assert accounts.authenticate_portal_user("blocked", factories.PASSWORD) is None


def test_address_book_entries_are_validated_and_cleaned(app):
    client = factories.make_client()
    with pytest.raises(ValidationFailed, match="Zip code"):
        addressbook.add_address(client, name="Ann", address="Street 1", city="Utrecht", country="NL")
    entry = addressbook.add_address(client, name=" Ann ", address="Street 1", zipcode="1234 AB", city="Utrecht",
                                    country="nl")
    assert (entry.name, entry.country) == ("Ann", "NL")
    assert addressbook.as_order_fields(entry)["delivery_zipcode"] == "1234 AB"


def test_address_search_stays_within_the_client(app):
    mine, theirs = factories.make_client(), factories.make_client()
    factories.make_address(mine, name="Bakker Utrecht")
    factories.make_address(theirs, name="Bakker Rotterdam")
    assert [e.name for e in addressbook.search_addresses(mine, "bakker")] == ["Bakker Utrecht"]


def test_deleting_an_address_keeps_orders_intact(app):
    client = factories.make_client()
    entry = factories.make_address(client, name="Old")
    order = factories.make_order(client, **{"delivery_name": "Old"})
    addressbook.delete_address(entry)
    assert AddressBookEntry.select().count() == 0
    assert Order.get_by_id(order.id).delivery_name == "Old"
