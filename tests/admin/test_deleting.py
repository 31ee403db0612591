"""Records with history cannot be deleted from the back office; the rest can."""

from fulfilment.models import Client, Product, StockMutation
from tests import factories
from tests.conftest import csrf_token


def _delete(staff_client, view, record_id):
    token = csrf_token(staff_client, f"/admin/{view}/")
    return staff_client.post(f"/admin/{view}/delete/", data={"id": record_id, "csrf_token": token},
                             follow_redirects=True)


def test_deleting_a_product_with_stock_history_is_refused_and_the_ledger_is_unchanged(staff_client):
    product = factories.make_product(stock_amount=7)
    ledger_before = [(m.id, m.change, m.new_stock) for m in StockMutation.select().order_by(StockMutation.id)]

    response = _delete(staff_client, "product", product.id)

    assert "cannot be deleted" in response.get_data(as_text=True)
    assert "Deactivate it instead" in response.get_data(as_text=True)
    assert Product.get_or_none(Product.id == product.id) is not None
    assert [(m.id, m.change, m.new_stock) for m in StockMutation.select().order_by(StockMutation.id)] == ledger_before


def test_bulk_delete_action_also_refuses_records_with_history(staff_client):
    product = factories.make_product(stock_amount=1)
    token = csrf_token(staff_client, "/admin/product/")
    response = staff_client.post("/admin/product/action/", data={
        "action": "delete", "rowid": [product.id], "csrf_token": token,
    }, follow_redirects=True)
    assert "cannot be deleted" in response.get_data(as_text=True)
    assert Product.get_or_none(Product.id == product.id) is not None


def test_a_product_without_history_can_be_deleted_with_its_images(staff_client):
    product = factories.make_product()
    factories.make_product_image(product)
    _delete(staff_client, "product", product.id)
    assert Product.get_or_none(Product.id == product.id) is None


def test_a_client_with_products_cannot_be_deleted(staff_client):
    client = factories.make_client()
    factories.make_product(client)
    response = _delete(staff_client, "client", client.id)
    assert "cannot be deleted" in response.get_data(as_text=True)
    assert Client.get_or_none(Client.id == client.id) is not None


def test_delete_without_csrf_token_is_refused(staff_client):
    product = factories.make_product()
    response = staff_client.post("/admin/product/delete/", data={"id": product.id})
    assert response.status_code == 400
    assert Product.get_or_none(Product.id == product.id) is not None


def test_refusal_counts_history_in_plain_words(app, staff_client):
    client = factories.make_client()
    product = factories.make_product(client, stock_amount=5)
    factories.make_order(client, lines=[(product, 1)])
    response = _delete(staff_client, "product", product.id)
    page = response.get_data(as_text=True)
    assert " rows" not in page.split("cannot be deleted", 1)[1].split("Deactivate", 1)[0]
    assert "1 order line" in page and "stock mutation" in page
    assert Product.get_or_none(Product.id == product.id) is not None
