"""The back office in Dutch (issue 16): the login and two-factor pages follow the browser, staff choose
their own language on their account page, and the pages they work with read Dutch, numbers included."""

import pytest

from fulfilment.models import StaffUser
from fulfilment.services import accounts, billing, customer_report
from tests import factories
from tests.admin.two_factor_steps import enrolled_staff, password_step
from tests.conftest import csrf_token, login


def _dutch_browser(app):
    browser = app.test_client()
    browser.environ_base["HTTP_ACCEPT_LANGUAGE"] = "nl-NL,nl;q=0.9,en;q=0.5"
    return browser


def _text(response, status=200):
    assert response.status_code == status, response.status_code
    return response.get_data(as_text=True)


@pytest.fixture
def dutch_staff(app, staff_client, staff_user):
    """The staff fixture's browser, for a staff member who chose Dutch (the browser asks for English)."""
    accounts.set_language(staff_user, "nl")
    staff_client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en-GB,en;q=0.9"
    return staff_client


def test_the_staff_login_page_is_dutch_for_a_dutch_browser(app):
    browser = _dutch_browser(app)
    page = _text(browser.get("/admin/login"))
    assert all(word in page for word in ("Inloggen back office", "Gebruikersnaam", "Wachtwoord", ">Inloggen<"))
    assert not any(word in page for word in ("Back office login", "Username", "Password", ">Log in<"))
    refused = _text(login(browser, "/admin/login", "nobody", "wrong-password-1"), 401)
    assert "Onbekende gebruikersnaam of verkeerd wachtwoord." in refused


def test_the_two_factor_step_is_dutch_for_a_dutch_browser(app):
    enrolled_staff(app)
    browser = _dutch_browser(app)
    assert password_step(browser).status_code == 302
    page = _text(browser.get("/admin/login/two-factor"))
    assert "Tweestapsverificatie" in page and "herstelcodes" in page and "Opnieuw beginnen" in page
    assert "Two-factor login" not in page and "recovery codes" not in page
    token = csrf_token(browser, "/admin/login/two-factor")
    wrong = _text(browser.post("/admin/login/two-factor", data={"csrf_token": token, "code": "000000"}), 401)
    assert "Die code klopt niet" in wrong


def test_staff_who_chose_dutch_read_the_back_office_in_dutch_whatever_the_browser_asks(dutch_staff):
    page = _text(dutch_staff.get("/admin/"))
    assert 'lang="nl"' in page and "Het werk van vandaag" in page and "Uitloggen" in page
    assert "Today's work" not in page
    account = _text(dutch_staff.get("/admin/account/"))
    for dutch in ("Mijn account", "Wachtwoord wijzigen", "Tweestapsverificatie instellen", "Waar je bent ingelogd",
                  "Overal uitloggen", "Zoals mijn browser"):
        assert dutch in account, dutch
    for english in ("Change password", "Where you are logged in", "Log out everywhere", "As my browser"):
        assert english not in account, english


def test_staff_choose_dutch_on_their_account_page_and_are_told_so_in_dutch(app, staff_client, staff_user):
    staff_client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    account = _text(staff_client.get("/admin/account/"))
    assert '<option selected value="">As my browser</option>' in account
    assert '<option value="nl">Nederlands</option>' in account and '<option value="en">English</option>' in account
    token = csrf_token(staff_client, "/admin/account/")
    response = staff_client.post("/admin/account/language", data={"csrf_token": token, "language": "nl"})
    assert response.status_code == 302 and response.headers["Location"].endswith("/admin/account/")
    assert StaffUser.get_by_id(staff_user.id).language == "nl"
    page = _text(staff_client.get("/admin/account/"))
    assert "De back office is nu in het Nederlands." in page and '<option selected value="nl">' in page
    # Back to the browser's language: English again, said in English.
    token = csrf_token(staff_client, "/admin/account/")
    staff_client.post("/admin/account/language", data={"csrf_token": token, "language": ""})
    assert StaffUser.get_by_id(staff_user.id).language is None
    page = _text(staff_client.get("/admin/account/"))
    assert "The back office now speaks your browser&#39;s language." in page and "My account" in page


@pytest.mark.parametrize("data", [{"language": "fr"}, {"language": "nl", "csrf_token": "forged"}])
def test_an_unknown_language_or_a_forged_form_changes_nothing(app, staff_client, staff_user, data):
    staff_client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    accounts.set_language(staff_user, "en")
    if "csrf_token" not in data:
        data = dict(data, csrf_token=csrf_token(staff_client, "/admin/account/"))
    response = staff_client.post("/admin/account/language", data=data)
    assert response.status_code == 400
    assert StaffUser.get_by_id(staff_user.id).language == "en"


def test_the_customer_report_reads_dutch_with_dutch_numbers_and_dates(dutch_staff):
    client = factories.make_client(name="Tulp")
    vase = factories.make_product(client, product_code="VAAS", stock_amount=1500)
    factories.make_shipped_order(client, lines=[(vase, 1200)], carrier="PostNL")
    month = customer_report.month_period(billing.today_utc())
    page = _text(dutch_staff.get(f"/admin/customer-report/?client={client.id}&start={month.start}&end={month.end}"))
    for dutch in ("Klantrapport", "Uitgaand", "Verwerkte picklijsten", "Gepickte stuks", "Opslaggebruik (nu)",
                  "Details tonen: zendingen", "Rapport naar Excel exporteren", 'report-figure">1.200<'):
        assert dutch in page, dutch
    assert "1,200" not in page and "Picklists processed" not in page and "Outbound" not in page
    months = ("jan", "feb", "mrt", "apr", "mei", "jun", "jul", "aug", "sep", "okt", "nov", "dec")
    assert f"1 {months[month.start.month - 1]} {month.start.year}" in page
    details = _text(dutch_staff.get(f"/admin/customer-report/?client={client.id}&start={month.start}"
                                    f"&end={month.end}&details=shipments"))
    assert "Details: zendingen" in details and "Trackingcode" in details and "Vervoerder" in details


def test_an_invoice_shows_its_money_the_dutch_way(dutch_staff):
    client = factories.make_client(name="Tulp")
    _draft, issued = factories.make_invoices(client)
    page = _text(dutch_staff.get(f"/admin/invoice/details/?id={issued.id}"))
    assert "Factuurregels" in page and "Subtotaal" in page and "Totaal" in page
    assert "€\u00a07,50" in page  # three labels at 2.50
    assert "Charge lines" not in page and "7.50" not in page


def test_pick_and_ship_reads_dutch(dutch_staff):
    client = factories.make_client()
    product = factories.make_product(client, product_code="POT", barcode="8700000000030", stock_amount=5)
    picklist = factories.open_picklist(factories.make_order(client, lines=[(product, 3)], process=True))
    page = _text(dutch_staff.get(f"/admin/picklist/pick/{picklist.id}"))
    for dutch in ("Picken en verzenden", "Afleveren aan", "Scan een barcode", "Producten in pickvolgorde",
                  "0 van 3", ">Tellen<", "geen locatie"):
        assert dutch in page, dutch
    assert "Scan a barcode" not in page and "0 of 3" not in page and "Deliver to" not in page


def test_a_work_page_reads_dutch_with_dutch_numbers(dutch_staff):
    product = factories.make_product(factories.make_client(), product_code="KRAT", stock_amount=1500)
    page = _text(dutch_staff.get(f"/admin/product/details/?id={product.id}"))
    assert "Voorraad door de tijd" in page and "Alle velden" in page and "<dd>1.500</dd>" in page
    assert "Stock over time" not in page and "All fields" not in page and "1500<" not in page


def test_the_product_list_shows_each_products_stock_and_free_stock_in_dutch_numbers(dutch_staff):
    client = factories.make_client()
    crate = factories.make_product(client, product_code="KRAT", stock_amount=1500)
    factories.make_order(client, lines=[(crate, 300)], process=True)
    page = _text(dutch_staff.get("/admin/product/"))
    headers = " ".join(page.split())
    assert 'col-stock_total"> Voorraad </th>' in headers and 'col-free_total"> Vrije voorraad </th>' in headers
    assert '<td class="col-stock_total">1.500</td>' in page and '<td class="col-free_total">1.200</td>' in page
