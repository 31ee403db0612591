"""Who may call what: keys, the scope gate (404 for another client's ids), staff-only endpoints (403)."""

import pytest

from fulfilment.api import PUBLIC_ENDPOINTS
from fulfilment.models import (
    ApiKey,
    Backorder,
    Location,
    Order,
    Picklist,
    Product,
    ProductLocation,
    PurchaseOrder,
    Receipt,
    Return,
    Stock,
)
from fulfilment.services import accounts
from tests import factories
from tests.api.conftest import api_rules, records_of, url_of
from tests.factories import ApiClient, api_client_for

JSON_BODY = {"name": "x", "productcode": "X-1", "amount": 1, "idproduct": 1, "products": [], "status": "completed"}


def _is_public(rule):
    return rule.endpoint in PUBLIC_ENDPOINTS


def _call(api, method, url):
    return api.test_client.open(url, method=method, json=JSON_BODY if method in ("POST", "PUT") else None,
                                headers=api.headers())


def test_every_endpoint_refuses_a_request_without_a_key(app):
    failures = []
    anonymous = app.test_client()
    for rule, method in api_rules(app):
        if _is_public(rule):
            continue
        response = anonymous.open(url_of(rule, {}), method=method, json={} if method != "GET" else None)
        body = response.get_json(silent=True) or {}
        if response.status_code != 401 or body.get("error") is not True or "WWW-Authenticate" not in response.headers:
            failures.append((method, rule.rule, response.status_code))
    assert failures == []


@pytest.mark.parametrize("raw_key", ["", "nonsense", "x" * 300])
def test_bad_key_is_401_in_picqers_shape(app, staff_api, raw_key):
    response = ApiClient(app.test_client(), raw_key).get("/products")
    assert response.status_code == 401
    assert response.get_json()["error"] is True
    assert response.get_json()["error_code"] == 1
    assert response.headers["WWW-Authenticate"].startswith("Basic")


def test_a_bearer_token_is_not_basic_auth(app, staff_api):
    response = app.test_client().get("/api/v1/products", headers={"Authorization": f"Bearer {staff_api.raw_key}"})
    assert response.status_code == 401


def test_the_password_is_ignored(app, staff_api):
    import base64

    token = base64.b64encode(f"{staff_api.raw_key}:whatever".encode()).decode()
    response = app.test_client().get("/api/v1/products", headers={"Authorization": f"Basic {token}"})
    assert response.status_code == 200


def test_revoked_key_is_401(app, staff_api):
    accounts.revoke_api_key(staff_api.key)
    assert staff_api.get("/products").status_code == 401


def test_key_use_is_recorded(app, staff_api):
    assert ApiKey.get_by_id(staff_api.key.id).last_used_at is None
    staff_api.get("/products")
    assert ApiKey.get_by_id(staff_api.key.id).last_used_at is not None


def test_scoped_key_on_every_staff_endpoint_is_403_and_changes_nothing(app, shop, shop_api):
    ids = records_of(shop)
    before = _snapshot()
    failures = []
    staff_rules = [(rule, method) for rule, method in api_rules(app)
                   if getattr(app.view_functions[rule.endpoint], "staff_only", False)]
    assert len(staff_rules) >= 20
    for rule, method in staff_rules:
        response = _call(shop_api, method, url_of(rule, ids))
        if response.status_code != 403 or response.get_json()["error"] is not True:
            failures.append((method, rule.rule, response.status_code))
    assert failures == []
    assert _snapshot() == before


def test_another_clients_ids_are_404_on_every_endpoint_and_change_nothing(app, shop, shop_api):
    records_of(shop)
    others = records_of(factories.make_client(name="Other BV"))
    before = _snapshot()
    failures = []
    for rule, method in api_rules(app):
        if _is_public(rule) or getattr(app.view_functions[rule.endpoint], "staff_only", False):
            continue
        if "<" not in rule.rule:
            continue
        response = _call(shop_api, method, url_of(rule, others))
        if response.status_code != 404 or response.get_json()["error_code"] != 20:
            failures.append((method, rule.rule, response.status_code, response.get_json()))
    assert failures == []
    assert _snapshot() == before


def _snapshot():
    """What a refused request must not change."""
    return (
        list(Order.select(Order.id, Order.status).tuples()),
        list(Picklist.select(Picklist.id, Picklist.status).tuples()),
        list(PurchaseOrder.select(PurchaseOrder.id, PurchaseOrder.status).tuples()),
        list(Stock.select(Stock.id, Stock.stock, Stock.allocated).tuples()),
        Backorder.select().count(), Receipt.select().count(), Return.select().count(),
        list(Product.select(Product.id, Product.name, Product.active).tuples()),
        list(ProductLocation.select(ProductLocation.id, ProductLocation.preferred).tuples()),
        list(Location.select(Location.id, Location.name, Location.active).tuples()),
    )


def test_scoped_key_lists_only_its_clients_rows(app, shop, shop_api, staff_api):
    records_of(shop)
    records_of(factories.make_client(name="Other BV"))
    for path, field in [("/products", "idfulfilment_customer"), ("/orders", "idfulfilment_customer"),
                        ("/purchaseorders", "idfulfilment_customer"), ("/receipts", "idfulfilment_customer"),
                        ("/returns", "idfulfilment_customer")]:
        own = shop_api.get(path).get_json()
        everything = staff_api.get(path).get_json()
        assert own and {item[field] for item in own} == {shop.id}, path
        assert len(everything) > len(own), path
    for path, id_field in (("/stockhistory", "idproduct_stock_history"), ("/picklists", "idpicklist"),
                           ("/backorders", "idbackorder")):
        own_ids = {item[id_field] for item in shop_api.get(path).get_json()}
        all_ids = {item[id_field] for item in staff_api.get(path).get_json()}
        assert own_ids and own_ids < all_ids, path


def test_scoped_key_filtering_on_another_client_finds_nothing(app, shop, shop_api):
    other = factories.make_client(name="Other BV")
    factories.make_product(other)
    assert shop_api.get(f"/products?idfulfilment_customer={other.id}").get_json() == []


def test_scoped_key_creates_for_its_own_client_only(app, shop, shop_api):
    other = factories.make_client(name="Other BV")
    created = shop_api.post("/products", json={"productcode": "OWN-1", "name": "Own"})
    assert created.status_code == 201
    assert created.get_json()["idfulfilment_customer"] == shop.id
    refused = shop_api.post("/products", json={"productcode": "OWN-2", "name": "Theirs",
                                               "idfulfilment_customer": other.id})
    assert refused.status_code == 400 and refused.get_json()["error_code"] == 5
    assert not Product.select().where(Product.client == other).exists()


def test_scoped_key_cannot_use_another_clients_product_in_an_order(app, shop, shop_api):
    foreign = factories.make_product(factories.make_client(name="Other BV"), stock_amount=5)
    response = shop_api.post("/orders", json={**factories_address(), "products": [{"idproduct": foreign.id,
                                                                                   "amount": 1}]})
    assert response.status_code == 400 and response.get_json()["error_code"] == 24
    assert Order.select().count() == 0


def test_product_writes_need_product_management(app):
    client = factories.make_client(product_management=False)
    product = factories.make_product(client)
    api = api_client_for(app, client=client)
    assert api.get("/products").status_code == 200
    for method, path, body in [("POST", "/products", {"productcode": "N-1", "name": "New"}),
                               ("PUT", f"/products/{product.id}", {"name": "Renamed"}),
                               ("POST", f"/products/{product.id}/inactivate", None),
                               ("POST", f"/products/{product.id}/images", {"image": "aGk="})]:
        response = api.request(method, path, json=body)
        assert response.status_code == 403, path
        assert "product management" in response.get_json()["error_message"]
    assert Product.get_by_id(product.id).name == product.name and Product.select().count() == 1


def test_key_of_an_inactive_client_is_401(app):
    client = factories.make_client()
    api = api_client_for(app, client=client)
    client.active = False
    client.save()
    assert api.get("/products").status_code == 401


def factories_address():
    return {key.replace("_", ""): value for key, value in factories.ADDRESS.items()}
