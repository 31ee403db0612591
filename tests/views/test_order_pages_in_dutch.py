"""The order and shipping side of the portal in the reader's language (issue 16): a Dutch client
reads its orders, shipments, backorders and dashboard in Dutch with Dutch numbers, an English one
in English; the login and error pages follow the browser."""

import re
from datetime import timedelta

import pytest

from fulfilment.models import Backorder, utcnow
from fulfilment.views import listing
from tests import factories
from tests.conftest import login, portal_login
from tests.views.portal_forms import PREFIX, location_of, submit, text_of


def main_of(page):
    """The page's own content: the navigation (base.html, tested elsewhere) left out."""
    return page.split('<main', 1)[1]


@pytest.fixture(params=["nl", "en"])
def shop(request, app):
    """A client in one language with an order of 1,200 mugs being picked, one waiting for stock
    (a backorder of 4 made two days ago) and one shipped."""
    client = factories.make_client(language=request.param)
    mug = factories.make_product(client, product_code="MUG-1", stock_amount=1500)
    tea = factories.make_product(client, product_code="TEA-1")
    being_picked = factories.make_order(client, lines=[(mug, 1200)], process=True)
    factories.make_order(client, lines=[(tea, 4)], process=True)
    Backorder.update(created_at=utcnow() - timedelta(days=2, hours=1)).execute()
    shipped = factories.make_shipped_order(client, lines=[(mug, 2)], tracking_code="3SDUTCH")
    user = factories.make_portal_user(client=client)
    return request.param, portal_login(app, user), being_picked, shipped


# What each page says, per language: (Dutch, English). Each English text is absent from the
# Dutch page and each Dutch one from the English page.
PAGES = {
    "/orders": [("Bestellingen", "Orders"), ("Nieuwe bestelling", "New order"), ("Elke status", "Any status"),
                ("1–3 van 3 bestellingen", "1–3 of 3 orders"), (">in behandeling</span>", ">processing</span>"),
                (">magazijn<", ">warehouse<"), ("Exporteren naar Excel", "Export to Excel")],
    "/shipments": [("Zendingen", "Shipments"), ("Vervoerder en tracking", "Carrier and tracking"),
                   ("1–1 van 1 zending", "1–1 of 1 shipment"), ("Bestelling ", "Order ")],
    "/backorders": [("Nabestellingen", "Backorders"), ("Vrije voorraad", "Free stock"), ("2 dagen", "2 days"),
                    ("Nu in afwachting: 4 stuks van 1 product.", "Now waiting: 4 units of 1 product."),
                    ("1–1 van 1 nabestelling", "1–1 of 1 backorder")],
    "/": [("Open bestellingen", "Open orders"), ("open bestellingen", "open orders"),
          ("nabestelling (4 stuks)", "backorder (4 units)"), ("Recente zendingen", "Recent shipments"),
          ("Alle zendingen", "All shipments")],
}


@pytest.mark.parametrize("path", PAGES)
def test_the_list_pages_speak_the_clients_language(shop, path):
    language, test_client, _being_picked, _shipped = shop
    page = main_of(text_of(test_client.get(PREFIX + path)))
    for dutch, english in PAGES[path]:
        shown, absent = (dutch, english) if language == "nl" else (english, dutch)
        assert shown in page, (path, shown)
        assert absent not in page, (path, absent)


def test_the_order_page_speaks_the_clients_language_with_its_numbers(shop):
    language, test_client, being_picked, _shipped = shop
    page = main_of(text_of(test_client.get(f"{PREFIX}/orders/{being_picked.id}")))
    line = next(row for row in re.findall(r"<tr>(.*?)</tr>", page, flags=re.S) if "MUG-1" in row)
    dutch = {"Bestelling " + being_picked.number, "Afleveradres", "Gereserveerd", "Statushistorie",
             "Adres wijzigen", "Bestelling annuleren", "in behandeling", "Prijs"}
    english = {"Order " + being_picked.number, "Delivery address", "Reserved", "Status history",
               "Change address", "Cancel order", "processing", "Price"}
    shown, absent = (dutch, english) if language == "nl" else (english, dutch)
    assert all(text in page for text in shown), sorted(text for text in shown if text not in page)
    assert not any(text in page for text in absent), sorted(text for text in absent if text in page)
    assert ("1.200" if language == "nl" else "1,200") in line  # the amount, as the reader writes numbers
    assert ("€\u00a09,95" if language == "nl" else "€\u00a09.95") in line


def test_the_shipment_page_speaks_the_clients_language(shop):
    language, test_client, _being_picked, shipped = shop
    picklist = shipped.picklists.get()
    page = main_of(text_of(test_client.get(f"{PREFIX}/shipments/{picklist.id}")))
    assert "3SDUTCH" in page
    if language == "nl":
        assert f"Zending {picklist.number}" in page and "Verzonden naar" in page
        assert "Volg dit pakket bij PostNL" in page
        assert "Shipped to" not in page and "Track this parcel" not in page
    else:
        assert f"Shipment {picklist.number}" in page and "Shipped to" in page and "Track this parcel at PostNL" in page
        assert "Verzonden naar" not in page


def test_cancelling_asks_and_answers_in_dutch(app):
    client = factories.make_client(language="nl")
    order = factories.make_order(client, lines=[(factories.make_product(client, stock_amount=5), 2)], process=True)
    test_client = portal_login(app, factories.make_portal_user(client=client))
    question = main_of(text_of(test_client.get(f"{PREFIX}/orders/{order.id}/cancel")))
    assert f"Bestelling {order.number} annuleren?" in question and "Ja, annuleer de bestelling" in question
    assert "in behandeling" in question and "Nee, ga terug" in question and "Yes, cancel" not in question
    response = submit(test_client, f"/orders/{order.id}/cancel")
    assert location_of(response) == f"{PREFIX}/orders/{order.id}"
    page = text_of(test_client.get(f"{PREFIX}/orders/{order.id}"))
    assert f"Bestelling {order.number} is geannuleerd." in page and "has been cancelled" not in page


def test_a_new_dutch_order_is_confirmed_in_dutch_with_dutch_numbers(app):
    client = factories.make_client(language="nl")
    product = factories.make_product(client, product_code="BULK-1", stock_amount=1000)
    test_client = portal_login(app, factories.make_portal_user(client=client))
    form = main_of(text_of(test_client.get(f"{PREFIX}/orders/new")))
    assert "Productcode" in form and "Naam (bedrijf of persoon)" in form and "Bestelling plaatsen" in form
    assert "Nee – ik typ het adres hieronder" in form and "Place order" not in form
    response = submit(test_client, "/orders/new", {
        "lines-0-product_code": "BULK-1", "lines-0-amount": "1500", "delivery_name": "Jansen BV",
        "delivery_address": "Kerkstraat 1", "delivery_zipcode": "1234 AB", "delivery_city": "Utrecht",
        "delivery_country": "NL"})
    page = text_of(test_client.get(location_of(response)))
    assert "gereserveerd om te picken, 500 stuks in nabestelling" in page
    assert "1.000 stuks gereserveerd" in page, "a count in a message reads as the reader writes numbers"
    assert product.product_code in page


def test_a_refused_form_says_why_in_dutch(app):
    client = factories.make_client(language="nl")
    test_client = portal_login(app, factories.make_portal_user(client=client))
    page = text_of(submit(test_client, "/orders/new", {"lines-0-product_code": "NOPE", "lines-0-amount": "1"}), 400)
    assert "Er is niets opgeslagen" in page and "Verplicht, of kies een adres uit je adresboek." in page
    assert "Required" not in page


def test_a_long_list_says_more_than_in_dutch(app, monkeypatch):
    monkeypatch.setattr(listing, "LIST_COUNT_LIMIT", 4)
    app.config["PORTAL_PAGE_SIZE"] = 2
    client = factories.make_client(language="nl")
    for _n in range(6):
        factories.make_order(client)
    page = text_of(portal_login(app, factories.make_portal_user(client=client)).get(f"{PREFIX}/orders"))
    assert "1–2 van meer dan 4 bestellingen" in page and "Pagina 1 van meer dan 2" in page
    assert "Volgende" in page and "Vorige" in page and "more than" not in page


@pytest.mark.parametrize(("accept_language", "shown", "absent"), [
    ("nl-NL,nl;q=0.9", ["Gebruikersnaam", "Wachtwoord", "Inloggen", "Wachtwoord vergeten?", "Klantportaal"],
     ["Username", "Password", ">Log in<", "Log in to see", "Forgot"]),
    ("en-GB,en;q=0.9", ["Username", "Password", "Log in", "Forgot your password?", "Client portal"],
     ["Gebruikersnaam", "Wachtwoord", "Inloggen"]),
])
def test_the_login_page_and_its_refusal_follow_the_browser(app, accept_language, shown, absent):
    test_client = app.test_client()
    test_client.environ_base["HTTP_ACCEPT_LANGUAGE"] = accept_language
    page = text_of(test_client.get(f"{PREFIX}/login"))
    assert all(text in page for text in shown), [text for text in shown if text not in page]
    assert not any(text in page for text in absent), [text for text in absent if text in page]
    refused = login(test_client, f"{PREFIX}/login", "nobody", "wrong-password").get_data(as_text=True)
    dutch = "Onbekende gebruikersnaam of verkeerd wachtwoord"
    assert (dutch in refused) == accept_language.startswith("nl")


def test_the_error_pages_speak_the_readers_language(app):
    client = factories.make_client(language="nl")
    test_client = portal_login(app, factories.make_portal_user(client=client))
    page = test_client.get(f"{PREFIX}/orders/999999").get_data(as_text=True)
    assert "Niet gevonden" in page and "Naar de startpagina" in page and "Not found" not in page
    visitor = app.test_client()
    english = visitor.get("/no-such-page", headers={"Accept-Language": "en"}).get_data(as_text=True)
    dutch = visitor.get("/no-such-page", headers={"Accept-Language": "nl"}).get_data(as_text=True)
    assert "Not found" in english and "Go to the start page" in english
    assert "Niet gevonden" in dutch and 'lang="nl"' in dutch
