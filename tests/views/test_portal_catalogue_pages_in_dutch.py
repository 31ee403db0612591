"""Products, stock, purchasing, webshops, the address book, settings and invoices read in the portal
user's language (issue 16), and a portal user chooses its own language in the settings."""

from datetime import datetime
from decimal import Decimal

import pytest

from fulfilment.formatting import format_money
from fulfilment.i18n import force_locale
from fulfilment.models import Client, PortalUser, Product, StockMutation
from fulfilment.views.products import mutation_reason
from tests import factories
from tests.conftest import csrf_token, portal_login

PREFIX = "/fulfilmentportal"


def page_of(test_client, path):
    response = test_client.get(path)
    assert response.status_code == 200, (path, response.status_code)
    return response.get_data(as_text=True)


def main_of(page):
    """The page below its menu (the menu has its own test in test_languages.py)."""
    return page.split('<main', 1)[1]


@pytest.fixture
def dutch_user(app):
    return factories.make_portal_user(client=factories.make_client(name="Bakkerij Jansen", language="nl"))


def assert_reads(page, dutch=(), english=()):
    for word in dutch:
        assert word in page, word
    for word in english:
        assert word not in page, word


def test_a_dutch_client_reads_its_products_and_a_product_page_in_dutch(app, dutch_user):
    client = dutch_user.client
    product = factories.make_product(client, product_code="MOK", price="1234.50", stock_amount=3,
                                     weight_grams=1180)
    purchase_order = factories.make_purchase_order(client, lines=[(product, 1200)])
    receipt = factories.receive_everything(purchase_order)
    test_client = portal_login(app, dutch_user)

    products = main_of(page_of(test_client, f"{PREFIX}/products"))
    assert_reads(products, dutch=("Producten", "Voorraadwaarde", "Vrij", "Product toevoegen", "1.203"),
                 english=("Stock value", "Add a product", "1,203"))

    page = main_of(page_of(test_client, f"{PREFIX}/products/{product.id}"))
    assert_reads(page, dutch=("€\u00a01.234,50", "Vrije voorraad", "Douane en verzending", "Voorraad per magazijn",
                              "Voorraadhistorie", "1.180 g", "Correctie", "Ontvangst",
                              f"Ontvangst {receipt.number} voor {purchase_order.number}",
                              f"Ontvangst {receipt.number} van {purchase_order.number}"),
                 english=("Free stock", "Customs and shipping", "Stock history", "Caused by", "€\u00a01,234.50",
                          f"Receipt {receipt.number}"))


def test_a_dutch_client_reads_the_stock_history_in_dutch(app, dutch_user):
    factories.make_product(dutch_user.client, stock_amount=5)
    page = main_of(page_of(portal_login(app, dutch_user), f"{PREFIX}/stock-history"))
    assert_reads(page, dutch=("Voorraadhistorie", "Alle producten", "Alle soorten", "Correctie", "Nieuwe voorraad"),
                 english=("All products", "New stock", "Correction", "Clear filters"))


def test_the_ledger_s_own_reasons_read_in_the_reader_s_language_and_typed_ones_as_typed(app):
    picking = StockMutation(reason="Not found while picking P-12", picklist=12)
    with app.test_request_context(), force_locale("nl"):
        assert mutation_reason(picking) == "Niet gevonden bij het picken van P-12"
        assert mutation_reason(StockMutation(reason="Picklist P-12", picklist=12)) == "Picklijst P-12"
        assert mutation_reason(StockMutation(reason="Return R-3", return_=3)) == "Retour R-3"
        # Typed by a person (a correction links to nothing), even when it reads like the system's own.
        assert mutation_reason(StockMutation(reason="Receipt was damaged")) == "Receipt was damaged"
        assert mutation_reason(StockMutation(reason="Return damaged")) == "Return damaged"
    with app.test_request_context(), force_locale("en"):
        assert mutation_reason(picking) == "Not found while picking P-12"


def test_a_dutch_client_reads_its_purchase_orders_in_dutch(app, dutch_user):
    product = factories.make_product(dutch_user.client, product_code="MOK")
    purchase_order = factories.make_purchase_order(dutch_user.client, lines=[(product, 1200)],
                                                   delivery_date=datetime(2026, 3, 4).date())
    test_client = portal_login(app, dutch_user)

    listing = main_of(page_of(test_client, f"{PREFIX}/purchase-orders"))
    assert_reads(listing, dutch=("Inkooporders", "Nieuwe inkooporder", "Leverancier", "besteld", "4 mrt 2026",
                                 "Elke status"),
                 english=("Purchase orders", "Supplier", ">purchased<", "Any status"))

    page = main_of(page_of(test_client, f"{PREFIX}/purchase-orders/{purchase_order.id}"))
    assert_reads(page, dutch=(f"Inkooporder {purchase_order.number}", "Inkooporder wijzigen", "Inkooporder annuleren",
                              "0 van 1.200 stuks", "Nog niets ontvangen."),
                 english=("Cancel purchase order", "Nothing received yet.", "units"))

    confirm = main_of(page_of(test_client, f"{PREFIX}/purchase-orders/{purchase_order.id}/cancel"))
    assert_reads(confirm, dutch=(f"Inkooporder {purchase_order.number} annuleren?", "Ja, annuleer de inkooporder",
                                 "besteld"),
                 english=("Yes, cancel", ">purchased<"))


def test_a_dutch_client_reads_its_webshops_in_dutch(app, dutch_user):
    shop = factories.make_webshop(dutch_user.client, name="Mokkenwinkel")
    factories.make_webshop_order(shop, status="ignored", reason="Already imported")
    test_client = portal_login(app, dutch_user)

    listing = main_of(page_of(test_client, f"{PREFIX}/webshops"))
    assert_reads(listing, dutch=("Laatste import", "Verbindingstest", "Genegeerd", "niet getest", "Webshop koppelen"),
                 english=("Last import", "Connection test", "not tested", "Connect a webshop"))

    page = main_of(page_of(test_client, f"{PREFIX}/webshops/{shop.id}"))
    assert_reads(page, dutch=("Verbinding testen", "Nog niet getest.", "Bestellingen uit deze webshop", "genegeerd",
                              "Elk resultaat"),
                 english=("Test connection", "Not tested yet.", "Orders seen", "Any result"))


def test_a_dutch_client_reads_its_address_book_in_dutch(app, dutch_user):
    factories.make_address(dutch_user.client, name="Bakkerij De Molen")
    page = main_of(page_of(portal_login(app, dutch_user), f"{PREFIX}/addresses"))
    assert_reads(page, dutch=("Adresboek", "Adres toevoegen", "Nieuwe bestelling", "Bewerken", "Verwijderen"),
                 english=("Address book", "New order", "Delete"))


def test_a_dutch_client_reads_its_settings_in_dutch(app, dutch_user):
    page = main_of(page_of(portal_login(app, dutch_user), f"{PREFIX}/settings"))
    assert_reads(page, dutch=("Instellingen", "Je bedrijf", "Taal", "Gebruikersnaam", "Wachtwoord wijzigen",
                              "Waar je bent ingelogd", "API-sleutels", "Meldingen per e-mail", "Taal opslaan",
                              '<option value="" selected>Zoals Bakkerij Jansen (Nederlands)</option>',
                              '<option value="en" lang="en">English</option>',
                              '<option value="nl" lang="nl">Nederlands</option>'),
                 english=("Settings", "Your company", "Change password", "Username", "Save language"))


def test_a_dutch_client_reads_its_invoices_in_dutch(app, dutch_user):
    _draft, issued = factories.make_invoices(dutch_user.client)
    test_client = portal_login(app, dutch_user)

    with app.test_request_context(), force_locale("nl"):
        total = format_money(issued.total)
    assert "," in total

    listing = main_of(page_of(test_client, f"{PREFIX}/invoices"))
    assert_reads(listing, dutch=("Facturen", "Periode", "Excl. btw", "Totaal", total),
                 english=("Invoices", ">Period<", "Excl. VAT"))

    page = main_of(page_of(test_client, f"{PREFIX}/invoices/{issued.id}"))
    assert_reads(page, dutch=(f"Factuur {issued.number}", "Subtotaal", "Btw 21,00\u00a0%", "Stukprijs",
                              "Downloaden als Excel", "€\u00a02,50"),
                 english=("Subtotal", "Unit price", "Download as Excel", "€\u00a02.50"))


def choose_language(test_client, language, **extra):
    data = {"csrf_token": csrf_token(test_client, f"{PREFIX}/settings"), "language": language, **extra}
    return test_client.post(f"{PREFIX}/settings/language", data=data, follow_redirects=True)


def test_a_user_of_a_dutch_client_switches_its_own_portal_to_english(app, dutch_user):
    colleague = factories.make_portal_user(client=dutch_user.client)
    test_client = portal_login(app, dutch_user)

    response = choose_language(test_client, "en")

    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "From now on the portal speaks English to you." in page  # the confirmation in the new language
    assert 'lang="en"' in page and "Settings" in page and "Instellingen" not in page
    assert '<option value="en" lang="en" selected>English</option>' in page
    assert PortalUser.get_by_id(dutch_user.id).language == "en"
    assert Client.get_by_id(dutch_user.client_id).language == "nl"  # the client keeps its language
    assert "Orders" in page_of(test_client, f"{PREFIX}/")
    assert "Bestellingen" in page_of(portal_login(app, colleague), f"{PREFIX}/")  # and so do its other users


def test_a_user_goes_back_to_its_client_s_language(app, dutch_user):
    test_client = portal_login(app, dutch_user)
    choose_language(test_client, "en")

    page = choose_language(test_client, "").get_data(as_text=True)

    assert "Het portaal spreekt vanaf nu Nederlands met je." in page
    assert PortalUser.get_by_id(dutch_user.id).language is None
    assert "Instellingen" in page


@pytest.mark.parametrize(("posted", "why"), [
    ({"language": "fr"}, "Onbekende taal fr: kies uit en, nl."),
    ({"language": "en<script>"}, "Onbekende taal en&lt;script&gt;: kies uit en, nl."),
    ({}, "Kies een taal."),
])
def test_a_bad_language_is_refused_and_nothing_changes(app, dutch_user, posted, why):
    test_client = portal_login(app, dutch_user)
    data = {"csrf_token": csrf_token(test_client, f"{PREFIX}/settings"), **posted}

    response = test_client.post(f"{PREFIX}/settings/language", data=data)

    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert why in page
    assert 'lang="nl"' in page and "Instellingen" in page  # the settings page again, still in Dutch
    assert PortalUser.get_by_id(dutch_user.id).language is None


def test_choosing_a_language_needs_the_form_s_csrf_token(app, dutch_user):
    test_client = portal_login(app, dutch_user)

    response = test_client.post(f"{PREFIX}/settings/language", data={"language": "en"})

    assert response.status_code == 400
    assert PortalUser.get_by_id(dutch_user.id).language is None


@pytest.mark.parametrize(("typed", "stored"), [("12,50", "12.50"), ("1.234,50", "1234.50"), ("12.50", "12.50"),
                                               ("1,234.50", "1234.50"), ("7", "7.00")])
def test_a_price_is_read_with_either_decimal_sign(app, dutch_user, typed, stored):
    test_client = portal_login(app, dutch_user)
    data = {"csrf_token": csrf_token(test_client, f"{PREFIX}/products/new"), "product_code": "MOK", "name": "Mok",
            "price": typed}

    response = test_client.post(f"{PREFIX}/products/new", data=data)

    assert response.status_code == 302, response.get_data(as_text=True)
    product = Product.get(Product.client == dutch_user.client_id, Product.product_code == "MOK")
    assert product.price == Decimal(stored)
    edit = page_of(test_client, f"{PREFIX}/products/{product.id}/edit")
    assert f'value="{stored.replace(".", ",")}"' in edit  # shown back with the Dutch decimal comma
