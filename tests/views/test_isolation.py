"""Client B can reach none of client A's rows: not by id, not by search, not in a count."""

import re
from urllib.parse import quote

from markupsafe import escape

from fulfilment.models import ProductImage
from fulfilment.services.spreadsheets import XLSX_MIMETYPE
from tests import read_exports
from tests.conftest import portal_login
from tests.views.conftest import MARKER
from tests.views.portal_routes import PREFIX, ROUTES, build_path, portal_rules

SEARCHES = [MARKER, MARKER.lower(), f"{MARKER}-SKU", f"{MARKER}-EAN", f"{MARKER}TRACK", "%", "_"]


def owned_rules(app):
    return [rule for rule in portal_rules(app) if ROUTES[rule.endpoint][0] == "owned"]


def page_rules(app):
    return [rule for rule in portal_rules(app) if ROUTES[rule.endpoint][0] == "page"]


def test_other_clients_rows_are_404_for_client_b(app, world):
    test_client = portal_login(app, world.b_user)
    answers = {rule.endpoint: test_client.get(build_path(app, rule, world)).status_code for rule in owned_rules(app)}
    assert answers == {endpoint: 404 for endpoint in answers}
    assert len(answers) >= 7


def test_other_clients_rows_are_200_for_their_owner(app, world):
    test_client = portal_login(app, world.a_user)
    for rule in owned_rules(app):
        assert test_client.get(build_path(app, rule, world)).status_code == 200, rule.endpoint


def test_other_clients_image_is_404_even_under_an_own_product(app, world):
    own_product = ProductImage.select().where(ProductImage.client == world.b_user.client_id).first().product_id
    test_client = portal_login(app, world.b_user)
    response = test_client.get(f"{PREFIX}/products/{own_product}/images/{world.image.id}")
    assert response.status_code == 404
    assert response.data[:8] != b"\x89PNG\r\n\x1a\n"


def test_marker_is_shown_to_its_owner(app, world):
    """The leak test below can see the marker at all: client A finds it on its own pages."""
    test_client = portal_login(app, world.a_user)
    for path in ("/products", "/orders", "/shipments", "/purchase-orders", "/returns", "/webshops", "/addresses"):
        assert MARKER in test_client.get(f"{PREFIX}{path}").get_data(as_text=True), path


def test_marker_of_client_a_appears_on_no_page_client_b_can_open(app, world):
    test_client = portal_login(app, world.b_user)
    leaks = []
    for rule in page_rules(app):
        path = build_path(app, rule, world)
        urls = [(path, "")] + [(f"{path}?q={search}&status=error&stock=low", search) for search in SEARCHES]
        urls += [(f"{path}?q={search}", search) for search in SEARCHES]
        for url, search in urls:
            response = test_client.get(url)
            assert response.status_code == 200, url
            if MARKER.lower() in without_search_box(visible_text(response), search).lower():
                leaks.append(url)
    # B's own detail pages (its own webshop, product …) must not show A's rows either.
    for rule in owned_rules(app):
        if rule.endpoint == "portal.product_image":
            continue
        url = build_path(app, rule, own_world_of(world.b_user, app))
        page = test_client.get(url)
        assert page.status_code == 200, url
        if MARKER.lower() in visible_text(page).lower():
            leaks.append(url)
    assert not leaks, f"client A's marker shown to client B on: {leaks}"


def visible_text(response):
    """What the visitor gets to read: the page, or every cell of a downloaded spreadsheet."""
    if response.mimetype == XLSX_MIMETYPE:
        return read_exports.sheet_xml(response.data)
    return response.get_data(as_text=True)


def without_search_box(page, search):
    """The page without the search text echoed in its search box or in links that keep the search
    (the export link): B typed that, it is no leak."""
    page = page.replace(f'value="{escape(search)}"', 'value=""')
    for echoed in {search, quote(search)}:
        page = page.replace(f"?q={echoed}&", "?q=&").replace(f'?q={echoed}"', '?q="')
    return page


def own_world_of(user, app):
    """Stand-in for World with client B's own rows, for building B's detail page URLs."""
    from types import SimpleNamespace

    from fulfilment.models import (
        AddressBookEntry,
        ApiKey,
        ExportJob,
        Hook,
        ImportJob,
        Invoice,
        InvoiceLine,
        Order,
        OrderLine,
        Picklist,
        Product,
        ProductImage,
        PurchaseOrder,
        Return,
        Webshop,
    )

    client = user.client

    def first(model, *where):
        query = model.for_client(client)
        for condition in where:
            query = query.where(condition)
        return query.order_by(model.id).first()

    order = first(Order)
    invoice = first(Invoice, Invoice.status == "issued")
    return SimpleNamespace(
        invoice=invoice, invoice_line=first(InvoiceLine, InvoiceLine.invoice == invoice),
        product=first(Product), image=first(ProductImage), order=order,
        order_line=first(OrderLine, OrderLine.order == order), address=first(AddressBookEntry),
        shipment=first(Picklist, Picklist.status == "closed"), purchase_order=first(PurchaseOrder),
        ret=first(Return), webshop=first(Webshop), api_key=first(ApiKey), hook=first(Hook),
        export_job=first(ExportJob), import_job=first(ImportJob),
    )


def test_dashboard_counts_only_the_clients_own_rows(app, world):
    from tests import factories

    # A gets a second open order and a low-stock product; B's figures must not move.
    factories.make_order(world.a_user.client, process=False)
    factories.make_product(world.a_user.client, stock_amount=0)
    b_page = portal_login(app, world.b_user).get(f"{PREFIX}/").get_data(as_text=True)
    a_page = portal_login(app, world.a_user).get(f"{PREFIX}/").get_data(as_text=True)
    figures = re.compile(r'class="figure-value[^"]*">([^<]+)<')
    # open orders, backorders, low stock, expected purchase orders
    assert figures.findall(b_page) == ["1", "1", "2", "1"]
    assert figures.findall(a_page) == ["2", "1", "3", "1"]


def test_invoices_of_client_a_are_404_for_client_b_and_its_list_shows_only_its_own(app, world):
    b_invoice = own_world_of(world.b_user, app).invoice
    test_client = portal_login(app, world.b_user)
    for path in (f"/invoices/{world.invoice.id}", f"/invoices/{world.invoice.id}/lines/{world.invoice_line.id}",
                 f"/invoices/{world.invoice.id}/export.xlsx",
                 # A's line under B's own invoice: the line is still A's.
                 f"/invoices/{b_invoice.id}/lines/{world.invoice_line.id}"):
        assert test_client.get(f"{PREFIX}{path}").status_code == 404, path
    page = test_client.get(f"{PREFIX}/invoices").get_data(as_text=True)
    assert b_invoice.number in page
    assert f"/invoices/{world.invoice.id}\"" not in page


def test_a_draft_invoice_is_404_even_for_its_own_client(app, world):
    test_client = portal_login(app, world.a_user)
    draft = world.draft_invoice
    assert draft.status == "draft"
    assert test_client.get(f"{PREFIX}/invoices/{draft.id}").status_code == 404
    assert test_client.get(f"{PREFIX}/invoices/{draft.id}/export.xlsx").status_code == 404
    line = draft.lines.get()
    assert test_client.get(f"{PREFIX}/invoices/{draft.id}/lines/{line.id}").status_code == 404
    listing = test_client.get(f"{PREFIX}/invoices").get_data(as_text=True)
    assert f"/invoices/{draft.id}\"" not in listing
    assert world.invoice.number in listing


def test_owner_sees_its_invoice_with_the_charge_and_its_records(app, world):
    test_client = portal_login(app, world.a_user)
    page = test_client.get(f"{PREFIX}/invoices/{world.invoice.id}").get_data(as_text=True)
    assert MARKER in page  # the one-off charge "Labelling for Zqx7Marker Client A"
    assert world.invoice.number in page
    records = test_client.get(f"{PREFIX}/invoices/{world.invoice.id}/lines/{world.invoice_line.id}")
    assert records.status_code == 200 and MARKER in records.get_data(as_text=True)
    download = test_client.get(f"{PREFIX}/invoices/{world.invoice.id}/export.xlsx")
    assert download.mimetype == XLSX_MIMETYPE
    sheet = read_exports.sheet_xml(download.data)
    assert MARKER in sheet and "Total" in sheet
