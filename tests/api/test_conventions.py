"""Picqer's conventions: bodies, errors, bare arrays paged by 100, 201 on create, rate limit, dates."""

import json
import re

import pytest

from fulfilment.config import settings_from_environment
from fulfilment.models import Client, Order, Product
from tests import factories
from tests.conftest import count_queries
from tests.factories import api_client_for


def test_json_body_is_read_without_a_json_content_type(app, shop, staff_api):
    body = json.dumps({"idfulfilment_customer": shop.id, "productcode": "RAW-1", "name": "Sent as text"})
    for content_type in (None, "text/plain", "application/x-www-form-urlencoded"):
        headers = {"Content-Type": content_type} if content_type else {}
        response = staff_api.post("/products", data=body.replace("RAW-1", f"RAW-{content_type}"), headers=headers)
        assert response.status_code == 201, (content_type, response.get_json())
    assert Product.select().count() == 3


@pytest.mark.parametrize("raw", ["{bad json", "[1, 2]", '"text"', "{\"a\": NaN}", "\xff\xfe", "{" * 5000])
def test_invalid_json_is_400_error_22_and_creates_nothing(app, shop, staff_api, raw):
    response = staff_api.post("/products", data=raw.encode("latin-1") if raw == "\xff\xfe" else raw,
                              headers={"Content-Type": "application/json"})
    assert response.status_code == 400
    body = response.get_json()
    assert (sorted(body), body["error"], body["error_code"]) == (["error", "error_code", "error_message"], True, 22)
    assert Product.select().count() == 0


def test_missing_parameter_is_error_5(app, shop, staff_api):
    response = staff_api.post("/products", json={"idfulfilment_customer": shop.id, "name": "No code"})
    assert response.status_code == 400
    assert response.get_json()["error_code"] == 5
    assert "productcode" in response.get_json()["error_message"]


@pytest.mark.parametrize("value", [True, [], {}, "x" * 256, "nul\x00byte"])
def test_wrongly_typed_fields_are_400_not_500(app, shop, staff_api, value):
    response = staff_api.post("/products", json={"idfulfilment_customer": shop.id, "productcode": "T-1",
                                                 "name": value})
    assert response.status_code == 400
    assert response.get_json()["error_code"] == 5


@pytest.mark.parametrize("path", ["/products/99999999999", "/orders/2147483648", "/products/0"])
def test_ids_out_of_range_are_404(app, staff_api, path):
    response = staff_api.get(path)
    assert response.status_code == 404
    assert response.get_json()["error_code"] == 20


@pytest.mark.parametrize("query", ["offset=-1", "offset=abc", "offset=99999999999", "sincedate=yesterday",
                                   "status=lost", "idfulfilment_customer=x", "search=a%00b"])
def test_bad_filters_are_400(app, staff_api, query):
    path = "/orders" if "status" in query or "sincedate" in query else "/products"
    response = staff_api.get(f"{path}?{query}")
    assert response.status_code == 400, query
    assert response.get_json()["error_code"] == 5


def test_unknown_route_and_wrong_method_answer_json(app, staff_api):
    unknown = staff_api.get("/nothing/here")
    assert unknown.status_code == 404 and unknown.is_json and unknown.get_json()["error_code"] == 20
    wrong = staff_api.delete("/products")
    assert wrong.status_code == 405 and wrong.is_json and wrong.get_json()["error"] is True
    assert "POST" in wrong.headers["Allow"]
    bare = app.test_client().get("/api/v1")
    assert bare.status_code == 404 and bare.is_json


def test_pages_outside_the_api_keep_their_html_error_page(app):
    response = app.test_client().get("/no/such/page")
    assert response.status_code == 404
    assert response.mimetype == "text/html"


def test_lists_are_bare_arrays_of_100_paged_with_offset(app, shop, staff_api):
    codes = [f"P{n:03d}" for n in range(250)]
    Product.insert_many([{"client": shop.id, "product_code": code, "name": code} for code in codes]).execute()
    pages = [staff_api.get(f"/products?offset={offset}").get_json() for offset in (0, 100, 200, 300)]
    assert [len(page) for page in pages] == [100, 100, 50, 0]
    seen = [item["productcode"] for page in pages for item in page]
    assert seen == codes


def test_create_answers_201_with_the_object(app, shop, staff_api):
    response = staff_api.post("/products", json={"idfulfilment_customer": shop.id, "productcode": "C-1",
                                                 "name": "Created"})
    assert response.status_code == 201
    assert response.get_json()["idproduct"] == Product.get(Product.product_code == "C-1").id


def test_dates_are_picqers_format(app, shop, staff_api):
    factories.make_order(factories.make_product(shop, stock_amount=1).client)
    order = staff_api.get("/orders").get_json()[0]
    assert len(order["created"]) == 19 and order["created"][10] == " "
    assert Order.get_by_id(order["idorder"]).created_at.strftime("%Y-%m-%d %H:%M:%S") == order["created"]


@pytest.fixture
def within_one_minute(monkeypatch):
    """The limit counts per clock minute: requests that straddled a minute's end were counted in two
    windows (a flaky 200 for a 429). The limiter's clock is held in the middle of one minute."""
    import time
    from types import SimpleNamespace

    middle = (time.time() // 60) * 60 + 30
    monkeypatch.setattr("fulfilment.api.ratelimit.time", SimpleNamespace(time=lambda: middle))


def test_rate_limit_headers_and_429(app, staff_api, within_one_minute):
    app.config["API_RATE_LIMIT_PER_MINUTE"] = 3
    answers = [staff_api.get("/products") for _ in range(4)]
    assert [a.status_code for a in answers] == [200, 200, 200, 429]
    assert [a.headers["X-RateLimit-Remaining"] for a in answers] == ["2", "1", "0", "0"]
    assert all(a.headers["X-RateLimit-Limit"] == "3" for a in answers)
    refused = answers[-1]
    assert refused.get_json()["error_code"] == 28
    assert 0 < int(refused.headers["Retry-After"]) <= 60
    other_key = api_client_for(app, name="Another integration")
    assert other_key.get("/products").status_code == 200


def test_rate_limit_is_shared_by_every_worker(app, staff_api, within_one_minute):
    """Two app instances (two web workers) on one database count together."""
    from fulfilment import create_app

    app.config["API_RATE_LIMIT_PER_MINUTE"] = 2
    second_worker = create_app({**app.config, "API_RATE_LIMIT_PER_MINUTE": 2})
    first = staff_api.get("/products")
    second = second_worker.test_client().get("/api/v1/products", headers=staff_api.headers())
    third = staff_api.get("/products")
    assert (first.status_code, second.status_code, third.status_code) == (200, 200, 429)


def test_rate_limit_comes_from_the_environment():
    assert settings_from_environment({"FULFILMENT_API_RATE_LIMIT_PER_MINUTE": "120"}) == {
        "API_RATE_LIMIT_PER_MINUTE": 120}


LIST_PATHS = ["/products", "/orders", "/picklists", "/purchaseorders", "/receipts", "/returns",
              "/fulfilment/customers", "/stockhistory", "/backorders", "/webshoporders"]


def test_list_queries_do_not_grow_with_the_page(app, staff_api):
    def measure():
        staff_api.get("/return_statuses")  # the minute's first request also tidies counters; keep it out
        counts = {}
        for path in LIST_PATHS:
            with count_queries() as counter:
                response = staff_api.get(path)
            assert response.status_code == 200
            counts[path] = (counter.n, len(response.get_json()))
        return counts

    _grow(1)
    small = measure()
    _grow(3)
    large = measure()
    for path in LIST_PATHS:
        assert large[path][1] > small[path][1], path
        assert large[path][0] == small[path][0], (path, small[path], large[path])


def _grow(times):
    from tests.api.conftest import records_of

    for _ in range(times):
        client = factories.make_client()
        records_of(client)
        factories.make_portal_user(client)
        factories.make_return(client, replacements=[(factories.make_product(client, stock_amount=1), 1)])


def test_clients_are_listed_as_fulfilment_customers(app, staff_api):
    factories.make_client(name="Listed")
    assert [c["name"] for c in staff_api.get("/fulfilment/customers").get_json()] == \
        [c.name for c in Client.select().order_by(Client.id)]


@pytest.mark.parametrize("path", ["/orders", "/picklists", "/purchaseorders"])
def test_a_list_reads_of_its_lines_products_only_the_code_and_name_it_shows(app, staff_api, path):
    client = factories.make_client()
    product = factories.make_product(client, product_code="SHOWN-1", stock_amount=5)
    factories.make_order(client, lines=[(product, 1)], process=True)
    factories.make_purchase_order(client, lines=[(product, 2)])

    with count_queries() as counter:
        rows = staff_api.get(path).get_json()

    assert [(line["productcode"], line["name"]) for row in rows for line in row["products"]] == \
        [("SHOWN-1", product.name)]
    lines_sql = next(sql for sql in counter.statements if 'JOIN "product"' in sql)
    product_columns = set(re.findall(r'"t2"\."(\w+)"', lines_sql.split(" FROM ")[0]))
    assert product_columns == {"id", "client_id", "product_code", "name"}
