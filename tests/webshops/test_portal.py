"""The portal's webshop pages: the client tests its own shop; with product management it connects and changes shops."""

import pytest

from fulfilment.models import Webshop
from fulfilment.services import webshop_credentials
from tests import factories
from tests.conftest import csrf_token, portal_login
from tests.webshops.conftest import connect_woo

PORTAL = "/fulfilmentportal"


@pytest.fixture
def shop_user(shop_client):
    return factories.make_portal_user(shop_client, username="koffie")


@pytest.fixture
def browser(app, shop_user):
    return portal_login(app, shop_user)


def _post(test_client, page, url, data=None):
    return test_client.post(url, data={**(data or {}), "csrf_token": csrf_token(test_client, page)},
                            follow_redirects=True)


def _form(woo, **changes):
    return {"platform": "woocommerce", "name": "Koffie shop", "url": woo.url, "active": "y",
            "consumer_key": woo.consumer_key, "consumer_secret": woo.consumer_secret, **changes}


def test_a_client_tests_its_own_webshop_and_reads_every_check(browser, shop_client, woo):
    webshop = connect_woo(shop_client, woo)
    woo.add_order(lines=[("SKU-1", 1), ("NOT-HERE", 2)])
    page_url = f"{PORTAL}/webshops/{webshop.id}"

    page = _post(browser, page_url, f"{page_url}/test").get_data(as_text=True)

    assert "See what to do below." in page
    assert "Connection test: 2 checks failed; 5 of 7 passed. See what to do below." in page
    assert "Credentials accepted" in page and "The shop accepts the credentials." in page
    assert "not known as products: NOT-HERE" in page
    assert Webshop.get_by_id(webshop.id).last_test_at is not None


def test_testing_again_at_once_is_refused_with_the_reason(browser, shop_client, woo):
    webshop = connect_woo(shop_client, woo)
    page_url = f"{PORTAL}/webshops/{webshop.id}"
    _post(browser, page_url, f"{page_url}/test")

    response = _post(browser, page_url, f"{page_url}/test")

    assert response.status_code == 429
    assert "tested a moment ago" in response.get_data(as_text=True)


def test_another_clients_webshop_cannot_be_tested(app, shop_client, woo):
    webshop = connect_woo(shop_client, woo)
    stranger = portal_login(app, factories.make_portal_user(factories.make_client()))
    response = stranger.post(f"{PORTAL}/webshops/{webshop.id}/test",
                             data={"csrf_token": csrf_token(stranger, f"{PORTAL}/webshops")})
    assert response.status_code == 404
    assert woo.requests == [] and Webshop.get_by_id(webshop.id).last_test_at is None


def test_a_client_with_product_management_connects_a_webshop(browser, shop_client, woo):
    response = _post(browser, f"{PORTAL}/webshops/new", f"{PORTAL}/webshops/new", _form(woo))

    assert response.status_code == 200
    webshop = Webshop.get(Webshop.name == "Koffie shop")
    assert webshop.client_id == shop_client.id
    assert woo.consumer_secret not in webshop.credentials_encrypted
    assert webshop_credentials.decrypt_credentials(webshop.credentials_encrypted)["consumer_key"] == woo.consumer_key
    assert "is connected" in response.get_data(as_text=True)


def test_the_change_form_never_shows_the_credentials_and_keeps_them_when_left_empty(browser, shop_client, woo):
    webshop = connect_woo(shop_client, woo)
    stored = webshop.credentials_encrypted
    url = f"{PORTAL}/webshops/{webshop.id}/edit"

    page = browser.get(url).get_data(as_text=True)
    assert woo.consumer_key not in page and woo.consumer_secret not in page and stored not in page
    assert "consumer key ck_…a1a1" in page

    _post(browser, url, url, _form(woo, name="Renamed", consumer_key="", consumer_secret=""))
    changed = Webshop.get_by_id(webshop.id)
    assert changed.name == "Renamed" and changed.credentials_encrypted == stored


def test_a_refused_connection_keeps_the_input_and_saves_nothing(browser, woo):
    response = _post(browser, f"{PORTAL}/webshops/new", f"{PORTAL}/webshops/new", _form(woo, consumer_secret=""))
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Enter the consumer secret as well" in page and 'value="Koffie shop"' in page
    assert Webshop.select().count() == 0


def test_without_product_management_webshops_cannot_be_added_or_changed(app, shop_client, shop_user, woo):
    webshop = connect_woo(shop_client, woo)
    shop_client.product_management = False
    shop_client.save()
    browser = portal_login(app, shop_user)

    assert "Connect a webshop" not in browser.get(f"{PORTAL}/webshops").get_data(as_text=True)
    assert "Change connection" not in browser.get(f"{PORTAL}/webshops/{webshop.id}").get_data(as_text=True)
    for url in (f"{PORTAL}/webshops/new", f"{PORTAL}/webshops/{webshop.id}/edit"):
        assert browser.get(url).status_code == 403
        token = csrf_token(browser, f"{PORTAL}/webshops")
        assert browser.post(url, data={**_form(woo, name="Sneaky"), "csrf_token": token}).status_code == 403
    assert Webshop.select().where(Webshop.name == "Sneaky").count() == 0
    # Testing the connection stays allowed.
    page_url = f"{PORTAL}/webshops/{webshop.id}"
    assert _post(browser, page_url, f"{page_url}/test").status_code == 200
