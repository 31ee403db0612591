"""The back office speaks the staff member's language (issue 16): their own choice, else their
browser's. Menu, list columns, filters, forms, work pages, actions and flashes all follow it, and
every field the back office shows has words of its own in admin/labels.py."""

import html
import re

from flask_admin.model import BaseModelView
from flask_babel.speaklater import LazyString

from fulfilment.models import Order
from fulfilment.services import accounts
from tests import factories, read_exports
from tests.conftest import csrf_token

DUTCH = {"Accept-Language": "nl-NL,nl;q=0.9,en;q=0.8"}
ENGLISH = {"Accept-Language": "en-GB,en;q=0.9"}


def _page(staff_client, url, headers):
    response = staff_client.get(url, headers=headers)
    assert response.status_code == 200, url
    return html.unescape(response.get_data(as_text=True))


def _menu(page):
    return page.split('class="nav navbar-nav mr-auto"', 1)[1].split("</ul>\n</div>", 1)[0]


def _column_headers(page):
    return [re.sub(r"\s+", " ", header).strip()
            for header in re.findall(r'title="(?:Sort by|Sorteren op) ([^"]+)"', page)]


def _an_order(client_name="Acme Webshop"):
    client = factories.make_client(name=client_name)
    product = factories.make_product(client, product_code="ACME-1", stock_amount=7)
    return factories.make_order(client, lines=[(product, 10)], process=True, reference="PO-77",
                                delivery_name="Jansen BV")


# --- the menu ---------------------------------------------------------------------------------


def test_a_dutch_browser_gets_the_dutch_menu(app, staff_client):
    menu = _menu(_page(staff_client, "/admin/", DUTCH))
    for dutch in ("Bestellingen & verzending", "Bestellingen", "Nabestellingen", "Picklijsten", "Zendingen",
                  "Producten & voorraad", "Producten", "Voorraadhistorie", "Locaties", "Vervoerders", "Inkoop",
                  "Inkooporders", "Ontvangsten", "Retouren", "Klanten", "Meldingen", "Webshopbestellingen"):
        assert f">{dutch}<" in menu, dutch
    for english in ("Orders", "Orders & shipping", "Products & stock", "Purchase orders", "Clients", "Shipments"):
        assert f">{english}<" not in menu, english


def test_an_english_browser_gets_the_english_menu(app, staff_client):
    menu = _menu(_page(staff_client, "/admin/", ENGLISH))
    for english in ("Orders & shipping", "Orders", "Products & stock", "Purchasing", "Purchase orders", "Clients"):
        assert f">{english}<" in menu, english
    assert ">Bestellingen<" not in menu and ">Producten & voorraad<" not in menu


def test_staff_read_their_own_choice_whatever_their_browser_says(app, staff_client, staff_user):
    accounts.set_language(staff_user, "nl")
    assert ">Bestellingen<" in _menu(_page(staff_client, "/admin/", ENGLISH))
    accounts.set_language(staff_user, "en")
    assert ">Orders<" in _menu(_page(staff_client, "/admin/", DUTCH))


# --- lists: columns, filters, search, Flask-Admin's own words ---------------------------------


def test_the_order_list_in_dutch(app, staff_client):
    order = _an_order()
    page = _page(staff_client, "/admin/order/", DUTCH)

    assert _column_headers(page) == ["ID", "Nummer", "Klant", "Referentie", "Ontvanger", "Status", "Bron",
                                     "Webshop", "Aangemaakt"]
    assert order.number in page and "PO-77" in page
    assert '<span class="badge status-badge status-open">in behandeling</span>' in page
    assert re.search(r'class="col-source">\s*magazijn\s*<', page)  # where the order came from
    # The list's own words (our templates redraw Flask-Admin's) in Dutch too.
    assert "Lijst (1)" in page and "Filter toevoegen" in page and ">Aanmaken<" in page
    # Our filters, and the search box, in the same words as the columns.
    assert "Klant / Naam" in page and "Te picken" in page
    assert re.search(r'placeholder="Zoek op nummer, referentie, ontvanger, e-mail"', page)
    for english in ("Reference", "Recipient", "Client / Name", "To pick", "Add Filter", ">processing<"):
        assert english not in page, english


def test_the_order_list_in_english(app, staff_client):
    _an_order()
    page = _page(staff_client, "/admin/order/", ENGLISH)

    assert _column_headers(page) == ["ID", "Number", "Client", "Reference", "Recipient", "Status", "Source",
                                     "Webshop", "Created"]
    assert "Client / Name" in page and "To pick" in page and "Add Filter" in page
    assert 'placeholder="Search number, reference, recipient, email"' in page
    assert "Referentie" not in page and "Klant / Naam" not in page


def test_yes_no_reads_in_the_readers_language(app, staff_client):
    client = factories.make_client()
    factories.make_portal_user(client)
    # A yes/no filter's choices (Flask-Admin's own Dutch catalogue leaves its "No" in English).
    filters = re.search(r'id="filter-groups-data"[^>]*>(.*?)</div>', _page(staff_client, "/admin/portaluser/", DUTCH))
    assert '["1", "Ja"], ["0", "Nee"]' in filters.group(1) and '"No"' not in filters.group(1)
    # A yes/no column: an icon, with its word for screen readers.
    assert '<span class="sr-only">ja</span>' in _page(staff_client, "/admin/carrier/", DUTCH)
    # Switched on or off: a badge in the list, a word on the work page.
    assert ">actief<" in _page(staff_client, "/admin/client/", DUTCH)
    page = _page(staff_client, f"/admin/client/details/?id={client.id}", DUTCH)
    assert re.search(r"<dt>Toegang tot portaal</dt><dd>(ja|nee)</dd>", page)


def test_the_dashboard_in_dutch(app, staff_client):
    _an_order()
    page = _page(staff_client, "/admin/", DUTCH)
    assert "Te picken bestellingen" in page and "7 stuks te picken" in page
    assert "Niet afgesloten picklijsten" in page and "Aangemelde retouren" in page
    assert "Orders to pick" not in page and "units to pick" not in page
    # Each tile still leads to its list, filtered, whatever the language.
    tile = re.search(r'href="(/admin/order/\?flt0_\d+=1)"', page)
    order = Order.get()
    assert order.number in _page(staff_client, tile.group(1), DUTCH)


# --- work pages, actions and flashes ----------------------------------------------------------


def test_an_order_work_page_in_dutch(app, staff_client):
    order = _an_order()
    page = _page(staff_client, f"/admin/order/details/?id={order.id}", DUTCH)

    assert f"Bestelling {order.number}" in page
    for dutch in ("<dt>Klant</dt>", "<dt>Bron</dt>", "<dt>Referentie</dt>", "<dt>Aangemaakt</dt>", "Afleveradres",
                  "Regels", "Besteld", "Toegewezen", "Nabesteld", "Vrije voorraad", "Picklijsten", "Nabestellingen",
                  "Bestelling annuleren", "Dupliceren", "Pauzeren"):
        assert dutch in page, dutch
    for english in ("<dt>Client</dt>", "Delivery address", "Free stock", "Cancel order", "Duplicate"):
        assert english not in page, english


def test_an_order_work_page_in_english(app, staff_client):
    order = _an_order()
    page = _page(staff_client, f"/admin/order/details/?id={order.id}", ENGLISH)
    assert f"Order {order.number}" in page
    for english in ("<dt>Client</dt>", "Delivery address", "Free stock", "Cancel order", "Duplicate"):
        assert english in page, english
    assert "Vrije voorraad" not in page and "Bestelling annuleren" not in page


def _press(staff_client, view, action, record_id, headers):
    page = f"/admin/{view}/details/?id={record_id}"
    response = staff_client.post(f"/admin/{view}/do/{action}/{record_id}", headers=headers,
                                 data={"csrf_token": csrf_token(staff_client, page)})
    assert response.status_code == 302
    return _page(staff_client, page, headers)


def test_flashes_are_dutch_for_a_dutch_reader_and_english_for_an_english_one(app, staff_client):
    first, second = _an_order("Acme"), _an_order("Bakker")
    assert "Bestelling geannuleerd." in _press(staff_client, "order", "cancel", first.id, DUTCH)
    page = _press(staff_client, "order", "cancel", second.id, ENGLISH)
    assert "Order cancelled." in page and "Bestelling geannuleerd." not in page


def test_a_refused_action_stays_on_the_page_disabled_with_its_dutch_label(app, staff_client):
    order = _an_order()
    _press(staff_client, "order", "cancel", order.id, DUTCH)
    page = _page(staff_client, f"/admin/order/details/?id={order.id}", DUTCH)
    assert '<span class="badge status-badge status-stopped">geannuleerd</span>' in page
    assert re.search(r'<button type="button"[^>]*disabled[^>]*>Bestelling annuleren</button>', page)


def test_a_form_speaks_dutch_down_to_its_validation_messages(app, staff_client):
    page = _page(staff_client, "/admin/product/new/", DUTCH)
    for dutch in ("Klant", "Productcode", "Naam", "Prijs", "Vaste voorraadprijs", "Gewicht (gram)",
                  "Typ om een klant te zoeken", "Opslaan"):
        assert dutch in page, dutch
    assert "Product code" not in page and "Product Code" not in page

    response = staff_client.post("/admin/order/new/", headers=DUTCH, data={
        "csrf_token": csrf_token(staff_client, "/admin/order/new/"), "lines": "SKU-1"})
    page = html.unescape(response.get_data(as_text=True))
    assert "Regel 1: schrijf de productcode en het aantal" in page  # ours
    assert "Dit veld is vereist." in page and "This field is required." not in page  # WTForms' own


def test_an_export_has_dutch_headers_for_a_dutch_reader(app, staff_client):
    factories.make_product(factories.make_client(name="Acme"), product_code="00123", name="Mug")
    response = staff_client.get("/admin/product/export/xlsx/", headers=DUTCH)
    assert response.status_code == 200
    header, *_rows = read_exports.rows(response.data)
    assert header[:4] == ["ID", "Klant", "Productcode", "Naam"]


# --- every shown field has words of its own ---------------------------------------------------


def _shown_fields(view):
    """(where, field name, label) of every column, details row, export column, filter and form field."""
    shown = [("list", name, label) for name, label in view._list_columns]
    shown += [("details", name, label) for name, label in (view._details_columns or [])]
    shown += [("export", name, view.get_column_name(name)) for name in view.column_export_extra]
    shown += [("filter", getattr(flt.column, "name", str(flt.column)), flt.name) for flt in view._filters or ()]
    forms = ([view._create_form_class] if view.can_create else []) + ([view._edit_form_class] if view.can_edit
                                                                      else [])
    for form_class in forms:
        for field in form_class():
            if field.type not in ("CSRFTokenField", "HiddenField"):
                shown.append(("form", field.name, field.label.text))
    return shown


def test_every_field_the_back_office_shows_has_a_translated_label(app):
    admin = app.extensions["admin"][0]
    untranslated = []
    checked = 0
    with app.test_request_context():
        for view in admin._views:
            if not isinstance(view, BaseModelView):
                continue
            for where, name, label in _shown_fields(view):
                checked += 1
                if not isinstance(label, LazyString):
                    untranslated.append(f"{view.endpoint} {where} {name}: {label!r}")
    assert checked > 300
    assert not untranslated, "add these to fulfilment/admin/labels.py (or the view's column_labels with _l):\n" + \
        "\n".join(untranslated)


def test_every_menu_entry_is_translated(app):
    admin = app.extensions["admin"][0]
    names = [(item.name, [child.name for child in item.get_children()] if item.is_category() else [])
             for item in admin._menu]
    plain = [name for name, children in names for name in [name, *children] if not isinstance(name, LazyString)]
    assert plain == []
