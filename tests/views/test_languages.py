"""Each person reads their language (issue 16): a portal user its client's unless it chose another,
staff their own choice or their browser's, anyone logged out their browser's, the API always English."""

import base64
from decimal import Decimal

import pytest

from fulfilment.services import accounts
from fulfilment.services.errors import ValidationFailed
from tests import factories
from tests.conftest import portal_login


def _page(test_client, path, **headers):
    response = test_client.get(path, headers=headers)
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


def test_a_dutch_client_sees_dutch_words_and_numbers_and_an_english_one_english(app):
    dutch = factories.make_client(language="nl")
    english = factories.make_client(language="en")
    pages = {}
    for client in (dutch, english):
        product = factories.make_product(client=client, price="1234.50")
        user = factories.make_portal_user(client=client)
        pages[client.language] = _page(portal_login(app, user), f"/fulfilmentportal/products/{product.id}")
    assert "Bestellingen" in pages["nl"] and "1.234,50" in pages["nl"] and 'lang="nl"' in pages["nl"]
    assert "Orders" not in pages["nl"].split("<main", 1)[0] and "1,234.50" not in pages["nl"]
    assert "Orders" in pages["en"] and "1,234.50" in pages["en"] and 'lang="en"' in pages["en"]
    assert "Bestellingen" not in pages["en"] and "1.234,50" not in pages["en"]


def test_a_portal_user_may_read_another_language_than_its_client(app):
    user = factories.make_portal_user(client=factories.make_client(language="nl"))
    accounts.set_language(user, "en")
    page = _page(portal_login(app, user), "/fulfilmentportal/")
    assert "Orders" in page and "Bestellingen" not in page
    accounts.set_language(user, "")  # back to the client's
    page = _page(portal_login(app, user), "/fulfilmentportal/")
    assert "Bestellingen" in page


def test_an_unknown_language_is_refused_and_nothing_changes(app):
    user = factories.make_portal_user(client=factories.make_client(language="nl"))
    with pytest.raises(ValidationFailed):
        accounts.set_language(user, "fr")
    assert type(user).get_by_id(user.id).language is None


@pytest.mark.parametrize(("accept_language", "expected"), [
    ("nl-NL,nl;q=0.9,en;q=0.8", "nl"), ("nl-BE", "nl"), ("en-GB,en;q=0.9", "en"), ("fr-FR,fr;q=0.9", "en"), ("", "en"),
])
def test_the_login_pages_follow_the_browser(app, accept_language, expected):
    headers = {"Accept-Language": accept_language} if accept_language else {}
    for path in ("/fulfilmentportal/login", "/admin/login"):
        page = _page(app.test_client(), path, **headers)
        assert f'<html lang="{expected}">' in page, path


def test_staff_read_their_choice_over_their_browser(app, staff_client, staff_user):
    assert 'lang="nl"' in _page(staff_client, "/admin/", **{"Accept-Language": "nl"})
    accounts.set_language(staff_user, "en")
    assert 'lang="en"' in _page(staff_client, "/admin/", **{"Accept-Language": "nl"})


def test_the_api_answers_in_english_whatever_the_browser_asks(app):
    _key, raw = accounts.create_api_key("integration", client=None, actor="test")
    credentials = base64.b64encode(f"{raw}:".encode()).decode()
    response = app.test_client().post("/api/v1/products", json={}, headers={
        "Accept-Language": "nl", "Authorization": f"Basic {credentials}"})
    assert response.status_code in (400, 422)
    body = response.get_json()
    assert body["error"] is True and body["error_message"].isascii()
    dutch_words = ("verplicht", "ontbreekt", "ongeldig", "product nodig")
    assert not any(word in body["error_message"].lower() for word in dutch_words)


def test_money_in_e_mails_follows_the_mail_language(app):
    from fulfilment.formatting import format_money
    from fulfilment.i18n import force_locale

    with app.app_context():
        with force_locale("nl"):
            assert format_money(Decimal("1234.5")) == "€\u00a01.234,50"
        with force_locale("en"):
            assert format_money(Decimal("1234.5")) == "€\u00a01,234.50"


def test_a_visitor_can_pick_the_login_pages_language_over_the_browsers(app):
    browser = app.test_client()
    english_page = _page(browser, "/fulfilmentportal/login", **{"Accept-Language": "en"})
    assert 'hreflang="nl"' in english_page and ">Nederlands</a>" in english_page

    response = browser.get("/language/nl?next=/admin/login", headers={"Accept-Language": "en"})
    assert response.status_code == 302 and response.headers["Location"].endswith("/admin/login")
    for path in ("/admin/login", "/fulfilmentportal/login"):
        page = _page(browser, path, **{"Accept-Language": "en"})
        assert '<html lang="nl">' in page and "Inloggen" in page and ">English</a>" in page

    # An unknown language changes nothing; a link to another site is not followed.
    response = browser.get("/language/fr?next=https://evil.example/")
    assert response.status_code == 302 and "evil.example" not in response.headers["Location"]
    assert '<html lang="nl">' in _page(browser, "/fulfilmentportal/login", **{"Accept-Language": "en"})


def test_a_logged_in_persons_own_language_wins_over_the_login_pages_choice(app):
    user = factories.make_portal_user(client=factories.make_client(language="en"))
    browser = app.test_client()
    browser.get("/language/nl")
    from tests.conftest import login

    assert login(browser, "/fulfilmentportal/login", user.username, factories.PASSWORD).status_code == 302
    assert '<html lang="en">' in _page(browser, "/fulfilmentportal/")
