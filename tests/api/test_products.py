"""Products: fields, filters, activate/inactivate, stock and stock changes, images."""

import base64

from fulfilment.models import Product, ProductImage, Stock, StockMutation, Warehouse
from tests import factories
from tests.api.shapes import IMAGE, PRODUCT, STOCK, assert_list_of, assert_shape


def test_create_and_get_a_product(app, shop, staff_api):
    response = staff_api.post("/products", json={
        "idfulfilment_customer": shop.id, "productcode": "TEE-M", "name": "T-shirt M", "price": 19.95,
        "fixedstockprice": "7.5", "barcode": "8712345678901", "unknown_field": "ignored"})
    assert response.status_code == 201
    product = response.get_json()
    assert_shape(product, PRODUCT)
    assert (product["productcode"], product["price"], product["fixedstockprice"], product["active"]) == \
        ("TEE-M", 19.95, 7.5, True)
    assert product["images"] == []
    assert_list_of(product["stock"], STOCK)
    assert product["stock"] == [{"idwarehouse": Warehouse.default().id, "stock": 0, "reserved": 0,
                                 "reservedbackorders": 0, "reservedpicklists": 0, "freestock": 0}]
    assert staff_api.get(f"/products/{product['idproduct']}").get_json() == product


def test_staff_key_must_name_the_customer(app, shop, staff_api):
    response = staff_api.post("/products", json={"productcode": "X", "name": "X"})
    assert response.status_code == 400 and "idfulfilment_customer" in response.get_json()["error_message"]
    unknown = staff_api.post("/products", json={"idfulfilment_customer": 999, "productcode": "X", "name": "X"})
    assert unknown.status_code == 400
    assert Product.select().count() == 0


def test_duplicate_product_code_is_409(app, shop, staff_api):
    factories.make_product(shop, product_code="DUP")
    response = staff_api.post("/products", json={"idfulfilment_customer": shop.id, "productcode": "DUP", "name": "Y"})
    assert response.status_code == 409
    assert Product.select().count() == 1


def test_update_a_product_but_not_its_code(app, shop, shop_api):
    product = factories.make_product(shop, product_code="KEEP")
    response = shop_api.put(f"/products/{product.id}", json={"name": "New name", "price": 5, "barcode": "123"})
    assert response.status_code == 200
    assert (response.get_json()["name"], response.get_json()["price"]) == ("New name", 5.0)
    locked = shop_api.put(f"/products/{product.id}", json={"productcode": "CHANGED"})
    assert locked.status_code == 400 and locked.get_json()["error_code"] == 5
    same = shop_api.put(f"/products/{product.id}", json={"productcode": "KEEP", "name": "Same code is fine"})
    assert same.status_code == 200
    assert Product.get_by_id(product.id).product_code == "KEEP"


def test_inactivate_and_activate(app, shop, staff_api):
    product = factories.make_product(shop)
    response = staff_api.post(f"/products/{product.id}/inactivate")
    assert response.status_code == 200 and response.get_json()["active"] is False
    assert staff_api.get("/products").get_json() == []
    assert [p["idproduct"] for p in staff_api.get("/products?inactive=true").get_json()] == [product.id]
    assert staff_api.post(f"/products/{product.id}/activate").get_json()["active"] is True


def test_product_filters(app, shop, staff_api):
    factories.make_product(shop, product_code="MUG-1", name="Coffee mug", barcode="555")
    factories.make_product(shop, product_code="CAP-1", name="Cap")
    other = factories.make_product(product_code="MUG-2", name="Mug")

    def codes(query):
        return [p["productcode"] for p in staff_api.get(f"/products?{query}").get_json()]

    assert codes("productcode=MUG-1") == ["MUG-1"]
    assert codes("search=mug") in (["MUG-1", "MUG-2"], ["MUG-1"])  # LIKE is case-sensitive on PostgreSQL
    assert codes("search=MUG") == ["MUG-1", "MUG-2"]
    assert codes("search=555") == ["MUG-1"]
    assert codes(f"idfulfilment_customer={other.client_id}") == ["MUG-2"]


def test_stock_per_warehouse_with_reservations(app, shop, staff_api):
    product = factories.make_product(shop, stock_amount=5)
    factories.make_order(shop, lines=[(product, 7)], process=True)
    expected = {"idwarehouse": Warehouse.default().id, "stock": 5, "reserved": 7, "reservedbackorders": 2,
                "reservedpicklists": 5, "freestock": 0}
    assert staff_api.get(f"/products/{product.id}/stock").get_json() == [expected]
    assert staff_api.get(f"/products/{product.id}/stock/{Warehouse.default().id}").get_json() == expected
    assert staff_api.get(f"/products/{product.id}").get_json()["stock"] == [expected]
    assert staff_api.get(f"/products/{product.id}/stock/999").status_code == 404


def test_change_stock_relative_and_absolute(app, shop, staff_api):
    product = factories.make_product(shop, stock_amount=5)
    warehouse = Warehouse.default().id
    response = staff_api.post(f"/products/{product.id}/stock/{warehouse}", json={"change": -2, "reason": "Broken"})
    assert response.status_code == 200
    assert_shape(response.get_json(), STOCK)
    assert response.get_json()["stock"] == 3
    response = staff_api.post(f"/products/{product.id}/stock/{warehouse}", json={"amount": 12, "reason": "Count"})
    assert response.get_json()["stock"] == 12
    mutations = list(StockMutation.select().where(StockMutation.product == product).order_by(StockMutation.id))
    assert [(m.change, m.change_type, m.reason) for m in mutations[1:]] == [(-2, "api", "Broken"), (9, "api", "Count")]
    assert mutations[-1].actor == "api key Warehouse integration"


def test_stock_never_below_zero_or_allocated(app, shop, staff_api):
    product = factories.make_product(shop, stock_amount=5)
    factories.make_order(shop, lines=[(product, 3)], process=True)
    warehouse = Warehouse.default().id
    below_allocated = staff_api.post(f"/products/{product.id}/stock/{warehouse}", json={"amount": 2, "reason": "x"})
    below_zero = staff_api.post(f"/products/{product.id}/stock/{warehouse}", json={"change": -9, "reason": "x"})
    assert (below_allocated.status_code, below_zero.status_code) == (409, 409)
    both = staff_api.post(f"/products/{product.id}/stock/{warehouse}", json={"amount": 2, "change": 1, "reason": "x"})
    no_reason = staff_api.post(f"/products/{product.id}/stock/{warehouse}", json={"change": 1})
    assert (both.status_code, no_reason.status_code) == (400, 400)
    assert Stock.get(Stock.product == product).stock == 5


def test_stock_change_serves_backorders(app, shop, staff_api):
    product = factories.make_product(shop)
    order = factories.make_order(shop, lines=[(product, 2)], process=True)
    staff_api.post(f"/products/{product.id}/stock/{Warehouse.default().id}", json={"change": 2, "reason": "Found"})
    assert staff_api.get(f"/orders/{order.id}/backorders").get_json() == []


def test_images_base64_list_serve_and_delete(app, shop, shop_api):
    product = factories.make_product(shop)
    png = factories.tiny_png()
    response = shop_api.post(f"/products/{product.id}/images", json={"image": base64.b64encode(png).decode()})
    assert response.status_code == 201
    image = response.get_json()
    assert_shape(image, IMAGE)
    assert shop_api.get(f"/products/{product.id}").get_json()["images"] == [image["url"]]
    assert_list_of(shop_api.get(f"/products/{product.id}/images").get_json(), IMAGE)
    served = app.test_client().get(image["url"])  # public: the URL carries a signature
    assert served.status_code == 200 and served.data == png and served.mimetype == "image/png"
    forged = app.test_client().get(image["url"][:-3] + "abc")
    assert forged.status_code == 404 and forged.is_json
    bad = shop_api.post(f"/products/{product.id}/images", json={"image": "not an image"})
    assert bad.status_code == 400
    deleted = shop_api.delete(f"/products/{product.id}/images/{image['idproduct_image']}")
    assert deleted.status_code == 204
    assert not ProductImage.select().exists()
    assert shop_api.delete(f"/products/{product.id}/images/{image['idproduct_image']}").status_code == 404
