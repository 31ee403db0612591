"""The portal's product list is kept per login session while the client's catalogue version stands
(fulfilment/page_cache.py, fulfilment/catalog_versions.py): a second view reads no product rows,
and any write to the client's products, however it is made, shows on the next view."""

from fulfilment.db import database
from fulfilment.models import Product
from fulfilment.services import accounts, catalog, stock_corrections
from tests import factories
from tests.conftest import count_queries, portal_login
from tests.views.portal_forms import PREFIX, text_of

PRODUCTS = f"{PREFIX}/products"


def product_list(test_client, query=""):
    return text_of(test_client.get(PRODUCTS + query))


def test_a_second_view_is_the_kept_page_and_reads_no_products(app, portal_client, portal_user):
    factories.make_product(portal_user.client, product_code="MUG-1", name="Blue mug", stock_amount=7)
    first = product_list(portal_client)
    with count_queries() as queries:
        second = product_list(portal_client)
    assert second == first
    assert "Blue mug" in second
    assert not any('"product"' in statement for statement in queries.statements), queries.statements
    assert any('"catalog_version"' in statement for statement in queries.statements)


def test_each_kind_of_write_to_a_product_shows_on_the_next_view(app, portal_client, portal_user):
    client = portal_user.client
    mug = factories.make_product(client, product_code="MUG-1", name="Blue mug", stock_amount=7)
    assert "Blue mug" in product_list(portal_client)

    catalog.update_product(mug, name="Red mug")  # a service
    assert "Red mug" in product_list(portal_client)

    stock_corrections.change_stock(mug, factories.warehouse(), 5, "Counted")  # stock: the totals trigger
    assert '<td class="text-right">12</td>' in product_list(portal_client)

    database.execute_sql(f'UPDATE "product" SET "name" = \'Green mug\' WHERE "id" = {mug.id}')  # plain SQL
    assert "Green mug" in product_list(portal_client)

    api = factories.api_client_for(app, client)
    assert api.put(f"/products/{mug.id}", json={"name": "Yellow mug"}).status_code == 200  # the API
    assert "Yellow mug" in product_list(portal_client)

    image = catalog.add_product_image(mug, factories.tiny_png())  # an image: the thumbnail
    assert f"/images/{image.id}" in product_list(portal_client)
    catalog.remove_product_image(image)
    assert f"/images/{image.id}" not in product_list(portal_client)

    factories.make_product(client, product_code="CUP-1", name="Tea cup")  # a new product
    assert "Tea cup" in product_list(portal_client)
    Product.delete().where(Product.product_code == "CUP-1").execute()  # and one gone
    assert "Tea cup" not in product_list(portal_client)


def test_another_clients_writes_leave_the_kept_page_and_never_show(app, portal_client, portal_user):
    factories.make_product(portal_user.client, product_code="MUG-1", name="Blue mug")
    other = factories.make_product(factories.make_client(), product_code="OTHER-1", name="Other mug")
    product_list(portal_client)
    catalog.update_product(other, name="Renamed other")
    with count_queries() as queries:
        page = product_list(portal_client)
    assert "Other mug" not in page and "Renamed other" not in page
    assert not any('"product"' in statement for statement in queries.statements)


def test_each_address_search_and_page_is_kept_apart(app, portal_client, portal_user):
    factories.make_product(portal_user.client, product_code="MUG-1", name="Blue mug")
    factories.make_product(portal_user.client, product_code="CUP-1", name="Tea cup")
    assert "Tea cup" in product_list(portal_client)
    searched = product_list(portal_client, "?q=mug")
    assert "Blue mug" in searched and "Tea cup" not in searched
    assert "Tea cup" in product_list(portal_client)


def test_a_message_waiting_in_the_session_shows_once_and_the_page_with_it_is_not_kept(app, portal_client,
                                                                                       portal_user):
    factories.make_product(portal_user.client, product_code="MUG-1", name="Blue mug")
    product_list(portal_client)
    with portal_client.session_transaction() as session:
        session["_flashes"] = [("success", "Your export is ready.")]
    assert "Your export is ready." in product_list(portal_client)
    page = product_list(portal_client)
    assert "Your export is ready." not in page and "Blue mug" in page


def test_each_login_session_has_its_own_page_with_its_own_name_and_language(app, portal_user):
    client = portal_user.client
    factories.make_product(client, product_code="MUG-1", name="Blue mug")
    colleague = factories.make_portal_user(client=client, username="colleague")
    mine, theirs = portal_login(app, portal_user), portal_login(app, colleague)
    assert portal_user.username in product_list(mine)
    page = product_list(theirs)
    assert "colleague" in page and portal_user.username not in page

    accounts.set_language(colleague, "nl")
    assert "Voorraad" in product_list(theirs)
    assert "Voorraad" not in product_list(mine)


def test_losing_product_management_shows_at_once(app, portal_client, portal_user):
    client = portal_user.client
    assert f'href="{PRODUCTS}/new"' in product_list(portal_client)
    client.product_management = False
    client.save()
    assert f'href="{PRODUCTS}/new"' not in product_list(portal_client)


def test_no_page_is_kept_when_the_cache_is_off(app, portal_client, portal_user):
    app.config["PORTAL_PAGE_CACHE_ENTRIES"] = 0
    factories.make_product(portal_user.client, product_code="MUG-1", name="Blue mug")
    product_list(portal_client)
    with count_queries() as queries:
        product_list(portal_client)
    assert any('"product"' in statement for statement in queries.statements)
    assert not any('"catalog_version"' in statement for statement in queries.statements)
