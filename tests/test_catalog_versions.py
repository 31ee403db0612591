"""Each client's catalogue version (fulfilment/catalog_versions.py): triggers move it with every write
to the client's products and product images, whoever writes, and a reader sees it move only when
the write commits, so a page kept under the version is never older than the data."""

import threading

import pytest

from fulfilment import catalog_versions
from fulfilment.db import database, is_sqlite
from fulfilment.models import Product, ProductImage
from fulfilment.services import catalog, stock_corrections
from tests import factories


def version_seen_elsewhere(client):
    """The client's version as another connection (another web process) reads it now."""
    seen = []

    def read():
        database.connect(reuse_if_open=True)
        try:
            seen.append(catalog_versions.current(client.id))
        finally:
            database.close()

    thread = threading.Thread(target=read)
    thread.start()
    thread.join(timeout=30)
    return seen[0]


def test_every_write_to_a_clients_products_and_images_moves_its_version(app):
    client, other = factories.make_client(), factories.make_client()
    assert catalog_versions.current(client.id) == 0
    steps = [
        lambda: factories.make_product(client, product_code="MUG-1"),
        lambda: catalog.update_product(Product.get(Product.product_code == "MUG-1"), name="Renamed"),
        lambda: stock_corrections.change_stock(Product.get(Product.product_code == "MUG-1"), factories.warehouse(),
                                               3, "Found"),
        lambda: catalog.add_product_image(Product.get(Product.product_code == "MUG-1"), factories.tiny_png()),
        lambda: ProductImage.update(position=4).execute(),
        lambda: catalog.remove_product_image(ProductImage.get()),
        lambda: database.execute_sql('UPDATE "product" SET "barcode" = \'871\''),
        lambda: factories.make_product(client, product_code="CUP-1"),
        lambda: Product.delete().where(Product.product_code == "CUP-1").execute(),
    ]
    versions = [catalog_versions.current(client.id)]
    for step in steps:
        step()
        versions.append(catalog_versions.current(client.id))
    assert all(after > before for before, after in zip(versions, versions[1:], strict=False)), versions
    assert catalog_versions.current(other.id) == 0


def test_a_product_moved_to_another_client_moves_both_versions(app):
    client, other = factories.make_client(), factories.make_client()
    mug = factories.make_product(client)
    before = catalog_versions.current(client.id), catalog_versions.current(other.id)
    Product.update(client=other).where(Product.id == mug.id).execute()
    after = catalog_versions.current(client.id), catalog_versions.current(other.id)
    assert after[0] > before[0] and after[1] > before[1]


def test_a_change_moves_the_version_others_see_only_when_it_commits(app):
    client = factories.make_client()
    products = [factories.make_product(client) for _ in range(3)]
    before = catalog_versions.current(client.id)
    with database.atomic():
        for product in products:
            catalog.update_product(product, name=f"Renamed {product.id}")
        assert version_seen_elsewhere(client) == before
    assert version_seen_elsewhere(client) > before


def test_on_postgresql_a_transaction_moves_each_client_it_changed_once_as_it_commits(app):
    if is_sqlite():
        pytest.skip("SQLite moves it per row: one writer at a time, so order and locks are no question")
    client, other = factories.make_client(), factories.make_client()
    products = [factories.make_product(client) for _ in range(3)] + [factories.make_product(other)]
    before = catalog_versions.current(client.id), catalog_versions.current(other.id)
    with database.atomic():
        for product in products:
            catalog.update_product(product, name=f"Renamed {product.id}")
            stock_corrections.change_stock(product, factories.warehouse(), 2, "Found")
    assert (catalog_versions.current(client.id), catalog_versions.current(other.id)) == (before[0] + 1,
                                                                                        before[1] + 1)
    with database.atomic():  # the next transaction moves them again
        catalog.update_product(products[0], name="Once more")
    assert catalog_versions.current(client.id) == before[0] + 2
