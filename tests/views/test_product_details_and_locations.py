"""The portal's product page: stock by warehouse with its location codes, customs details, weight and
dimensions; the product form edits them; another client's products and links stay out of sight."""

from fulfilment.models import Product, Warehouse
from fulfilment.services import locations, returns
from tests import factories
from tests.conftest import count_queries
from tests.views.portal_forms import PREFIX, snapshot, submit, text_of

DETAILS = {"name": "T-shirt", "hs_code": "6109 10 00", "country_of_origin": "pt",
           "customs_description": "Cotton T-shirts", "weight_grams": "180", "length_mm": "300", "width_mm": "250",
           "height_mm": "20"}


def test_product_page_shows_location_codes_per_warehouse(app, portal_client, portal_user):
    product = factories.make_product(portal_user.client, stock_amount=4)
    locations.link_product(product, factories.make_location("A.1.10.1"))
    locations.link_product(product, factories.make_location("A.1.4.3"), preferred=True)
    page = text_of(portal_client.get(f"{PREFIX}/products/{product.id}"))
    assert "Stock by warehouse" in page
    # Preferred first, then by code.
    assert '<td class="text-monospace location-codes">A.1.4.3, A.1.10.1</td>' in page


def test_another_clients_links_on_a_shared_shelf_are_not_shown(app, portal_client, portal_user):
    shelf = factories.make_location("A.1.4.3")
    other_shelf = factories.make_location("Z.9.9.9")
    own = factories.make_product(portal_user.client, stock_amount=1)
    theirs = factories.make_product(factories.make_client(), product_code="THEIRS-1", stock_amount=1)
    locations.link_product(own, shelf)
    locations.link_product(theirs, shelf)
    locations.link_product(theirs, other_shelf)
    page = text_of(portal_client.get(f"{PREFIX}/products/{own.id}"))
    assert "A.1.4.3" in page and "Z.9.9.9" not in page and "THEIRS-1" not in page
    assert portal_client.get(f"{PREFIX}/products/{theirs.id}").status_code == 404


def test_product_page_shows_customs_weight_and_dimensions(app, portal_client, portal_user):
    product = factories.make_product(portal_user.client, hs_code="61091000", country_of_origin="PT",
                                     customs_description="Cotton T-shirts", weight_grams=1180, length_mm=300,
                                     width_mm=250, height_mm=20)
    page = text_of(portal_client.get(f"{PREFIX}/products/{product.id}"))
    for shown in ("61091000", "PT", "Cotton T-shirts", "1,180 g", "300 × 250 × 20 mm"):
        assert shown in page, shown


def test_client_edits_customs_details_and_measures(app, portal_client, portal_user):
    product = factories.make_product(portal_user.client, product_code="TEE-1")
    form = text_of(portal_client.get(f"{PREFIX}/products/{product.id}/edit"))
    assert 'name="hs_code"' in form and 'name="weight_grams"' in form and "Customs and shipping" in form
    response = submit(portal_client, f"/products/{product.id}/edit", DETAILS)
    assert response.status_code == 302
    product = Product.get_by_id(product.id)
    assert (product.hs_code, product.country_of_origin, product.customs_description, product.weight_grams,
            product.length_mm, product.width_mm, product.height_mm) == (
        "61091000", "PT", "Cotton T-shirts", 180, 300, 250, 20)


def test_client_adds_a_product_with_customs_details(app, portal_client):
    response = submit(portal_client, "/products/new", {**DETAILS, "product_code": "TEE-2"})
    assert response.status_code == 302
    assert Product.get(Product.product_code == "TEE-2").weight_grams == 180


def test_bad_customs_details_are_refused_and_change_nothing(app, portal_client, portal_user):
    product = factories.make_product(portal_user.client, product_code="TEE-1")
    before = snapshot()
    page = text_of(submit(portal_client, f"/products/{product.id}/edit",
                          {**DETAILS, "hs_code": "61-AB", "country_of_origin": "Portugal"}), 400)
    assert "HS code has 6 to 10 digits" in page or "at most 2" in page.lower() or "Field cannot be longer" in page
    assert snapshot() == before


def test_negative_weight_is_refused(app, portal_client, portal_user):
    product = factories.make_product(portal_user.client)
    before = snapshot()
    text_of(submit(portal_client, f"/products/{product.id}/edit", {**DETAILS, "weight_grams": "-5"}), 400)
    assert snapshot() == before


def test_without_product_management_the_details_cannot_be_changed(app, portal_client, portal_user):
    portal_user.client.product_management = False
    portal_user.client.save()
    product = factories.make_product(portal_user.client)
    before = snapshot()
    assert submit(portal_client, f"/products/{product.id}/edit", DETAILS).status_code == 403
    assert snapshot() == before


def test_stock_in_a_second_warehouse_shows_that_warehouses_codes(app, portal_client, portal_user):
    second = Warehouse.create(name="Second warehouse")
    product = factories.make_product(portal_user.client, stock_amount=2)
    from fulfilment.services import stock_corrections

    stock_corrections.change_stock(product, second, 3, "Count")
    locations.link_product(product, factories.make_location("A.1", warehouse_=Warehouse.default()))
    locations.link_product(product, factories.make_location("P.7", warehouse_=second))
    page = text_of(portal_client.get(f"{PREFIX}/products/{product.id}"))
    assert '<td class="text-monospace location-codes">A.1</td>' in page
    assert '<td class="text-monospace location-codes">P.7</td>' in page


def test_the_stock_history_names_and_links_what_caused_each_change(app, portal_client, portal_user):
    client = portal_user.client
    product = factories.make_product(client, stock_amount=0)
    purchase_order = factories.make_purchase_order(client, lines=[(product, 5)])
    receipt = factories.receive_everything(purchase_order)
    order = factories.make_shipped_order(client, lines=[(product, 2)])
    picklist = order.picklists.get()
    returned = factories.make_return(client, returned=[(product, 1, "Too small")])
    returns.receive_return(returned)

    with count_queries() as counter:
        response = portal_client.get(f"{PREFIX}/products/{product.id}")
    page = text_of(response)
    html = response.get_data(as_text=True)

    assert f"Receipt {receipt.number} of {purchase_order.number}" in page
    assert f"Shipment {picklist.number}" in page
    assert f"Return {returned.number}" in page
    assert f"/purchase-orders/{purchase_order.id}" in html and f"/shipments/{picklist.id}" in html
    assert f"/returns/{returned.id}" in html
    # what caused the lines is read once per kind for the page, not joined into it nor per line
    assert sum(' FROM "receipt"' in sql for sql in counter.statements) == 1
    assert sum(' FROM "return"' in sql for sql in counter.statements) == 1
