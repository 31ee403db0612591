"""Product management in the portal: only with the client's flag, and the product code never changes."""

from decimal import Decimal

from fulfilment.models import Product
from fulfilment.services import accounts
from tests import factories
from tests.conftest import portal_login
from tests.views.portal_forms import PREFIX, location_of, snapshot, submit, text_of

NEW_PRODUCT = {"product_code": "MUG-1", "name": "Blue mug", "barcode": "8710000000017", "price": "12.50"}


def test_client_adds_a_product(app, portal_client, portal_user):
    assert 'name="product_code"' in text_of(portal_client.get(f"{PREFIX}/products/new"))
    response = submit(portal_client, "/products/new", NEW_PRODUCT)
    product = Product.get(Product.product_code == "MUG-1")
    assert location_of(response) == f"{PREFIX}/products/{product.id}"
    assert (product.client_id, product.name, product.barcode, product.price) == (
        portal_user.client_id, "Blue mug", "8710000000017", Decimal("12.50"))
    assert "Product MUG-1 has been added." in text_of(portal_client.get(f"{PREFIX}/products/{product.id}"))


def test_a_product_code_in_use_is_refused_and_nothing_is_created(app, portal_client, portal_user):
    factories.make_product(portal_user.client, product_code="MUG-1")
    before = snapshot()
    page = text_of(submit(portal_client, "/products/new", NEW_PRODUCT), 409)
    assert "Product code MUG-1 already exists" in page
    assert 'value="Blue mug"' in page  # the form keeps what was typed
    assert snapshot() == before


def test_another_clients_product_code_may_be_used(app, portal_client):
    factories.make_product(factories.make_client(), product_code="MUG-1")
    assert submit(portal_client, "/products/new", NEW_PRODUCT).status_code == 302
    assert Product.select().where(Product.product_code == "MUG-1").count() == 2


def test_missing_name_and_negative_price_are_refused_with_messages(app, portal_client):
    before = snapshot()
    page = text_of(submit(portal_client, "/products/new", {**NEW_PRODUCT, "name": "", "price": "-1"}), 400)
    assert "This field is required." in page and "Number must be at least 0" in page
    assert "Nothing has been saved" in page
    assert snapshot() == before


def test_client_edits_name_barcode_and_price_but_not_the_code(app, portal_client, portal_user):
    product = factories.make_product(portal_user.client, product_code="MUG-1", name="Mug")
    form = text_of(portal_client.get(f"{PREFIX}/products/{product.id}/edit"))
    assert 'name="product_code"' not in form and "MUG-1" in form and 'value="Mug"' in form
    response = submit(portal_client, f"/products/{product.id}/edit",
                      {"name": "Big mug", "barcode": "123", "price": "15"})
    assert location_of(response) == f"{PREFIX}/products/{product.id}"
    product = Product.get_by_id(product.id)
    assert (product.product_code, product.name, product.barcode, product.price) == ("MUG-1", "Big mug", "123",
                                                                                     Decimal("15.00"))


def test_a_posted_product_code_change_is_refused_and_changes_nothing(app, portal_client, portal_user):
    product = factories.make_product(portal_user.client, product_code="MUG-1", name="Mug")
    before = snapshot()
    page = text_of(submit(portal_client, f"/products/{product.id}/edit",
                          {"product_code": "MUG-2", "name": "Renamed", "price": "1"}), 400)
    assert "The product code cannot be changed once the product exists." in page
    assert snapshot() == before
    # Posting the code it already has is no change, so that is fine.
    assert submit(portal_client, f"/products/{product.id}/edit",
                  {"product_code": "MUG-1", "name": "Renamed"}).status_code == 302


def test_another_clients_product_cannot_be_edited(app, portal_client):
    theirs = factories.make_product(factories.make_client(), name="Theirs")
    assert portal_client.get(f"{PREFIX}/products/{theirs.id}/edit").status_code == 404
    before = snapshot()
    assert submit(portal_client, f"/products/{theirs.id}/edit", {"name": "Mine now"}).status_code == 404
    assert snapshot() == before


def product_write_rules(app):
    """Every portal route of the product management module, found in the URL map."""
    return [rule for rule in app.url_map.iter_rules()
            if app.view_functions[rule.endpoint].__module__ == "fulfilment.views.product_management"]


def test_without_product_management_the_ui_is_read_only(app, portal_user):
    accounts.save_client(portal_user.client, product_management=False)
    product = factories.make_product(portal_user.client)
    test_client = portal_login(app, portal_user)
    listing = text_of(test_client.get(f"{PREFIX}/products"))
    assert "Add a product" not in listing and "/products/new" not in listing
    assert "/edit" not in text_of(test_client.get(f"{PREFIX}/products/{product.id}"))


def test_without_product_management_every_product_write_is_403(app, portal_user):
    accounts.save_client(portal_user.client, product_management=False)
    product = factories.make_product(portal_user.client, product_code="MUG-1", name="Mug")
    test_client = portal_login(app, portal_user)
    rules = product_write_rules(app)
    assert {rule.endpoint for rule in rules} >= {"portal.new_product", "portal.edit_product"}
    before = snapshot()
    for rule in rules:
        path = app.url_map.bind("portal.test").build(rule.endpoint, {"product_id": product.id}
                                                     if "product_id" in rule.arguments else {})
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            if method == "GET":
                response = test_client.get(path)
            else:
                response = submit(test_client, path[len(PREFIX):], {**NEW_PRODUCT, "name": "Changed"})
            assert response.status_code == 403, (method, path)
            assert "The warehouse manages your products" in response.get_data(as_text=True)
    assert snapshot() == before
