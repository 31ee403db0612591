"""/locations and /products/{id}/locations as Picqer's API has them; customs and measures on products.

The expected field names come from tests/api/fixtures/picqer_locations.json, written from Picqer's
documentation (its source is named in the file).
"""

import json
from pathlib import Path

import pytest

from fulfilment.models import Location, ProductLocation, Warehouse
from fulfilment.services import locations
from tests import factories
from tests.api.shapes import LOCATION, PRODUCT, assert_list_of, assert_shape

PICQER = json.loads((Path(__file__).parent / "fixtures" / "picqer_locations.json").read_text())


def test_a_location_has_every_field_picqer_documents(app, staff_api):
    warehouse = Warehouse.default()
    response = staff_api.post("/locations", json={"idwarehouse": warehouse.id, "name": "A.1.4.3",
                                                  "remarks": "Top shelf", "type": "location"})
    assert response.status_code == 201
    location = response.get_json()
    assert set(PICQER["location"]) <= set(location)
    assert_shape(location, LOCATION)
    expected = {**PICQER["location"], "idlocation": location["idlocation"], "idwarehouse": warehouse.id}
    assert {name: location[name] for name in PICQER["location"]} == expected
    assert staff_api.get(f"/locations/{location['idlocation']}").get_json() == location


def test_bulk_locations_and_our_location_type(app, staff_api):
    warehouse = Warehouse.default()
    bulk = staff_api.post("/locations", json={"idwarehouse": warehouse.id, "name": "BULK-1",
                                              "is_bulk_location": True}).get_json()
    assert (bulk["is_bulk_location"], bulk["location_type"]) == (True, "bulk")
    pallet = staff_api.put(f"/locations/{bulk['idlocation']}", json={"location_type": "pallet"}).get_json()
    assert (pallet["is_bulk_location"], pallet["location_type"]) == (False, "pallet")


def test_location_list_filters_and_pages(app, staff_api):
    for code in ("A.1", "A.2", "B.1"):
        factories.make_location(code)
    factories.make_location("C.1", active=False)
    assert [loc["name"] for loc in staff_api.get("/locations").get_json()] == ["A.1", "A.2", "B.1"]
    assert [loc["name"] for loc in staff_api.get("/locations?name=A.2").get_json()] == ["A.2"]
    assert len(staff_api.get("/locations?inactive=true").get_json()) == 4
    assert_list_of(staff_api.get("/locations").get_json(), LOCATION)


@pytest.mark.parametrize("body, status", [
    ({"name": "A.1"}, 400),                                   # no warehouse
    ({"idwarehouse": 1}, 400),                                # no code
    ({"idwarehouse": 1, "name": "A 1"}, 400),                 # not a code
    ({"idwarehouse": 1, "name": "A.1", "type": "container"}, 400),
    ({"idwarehouse": 99999, "name": "A.1"}, 400),
    ({"idwarehouse": 1, "name": "A.1", "location_type": "attic"}, 400),
])
def test_bad_locations_are_refused_and_create_nothing(app, staff_api, body, status):
    response = staff_api.post("/locations", json=body)
    assert response.status_code == status and response.get_json()["error"] is True
    assert Location.select().count() == 0


def test_a_duplicate_code_is_refused(app, staff_api):
    factories.make_location("A.1")
    response = staff_api.post("/locations", json={"idwarehouse": Warehouse.default().id, "name": "a.1"})
    assert response.status_code == 400 and "already exists" in response.get_json()["error_message"]
    assert Location.select().count() == 1


def test_link_list_and_unlink_product_locations(app, shop, staff_api):
    product = factories.make_product(shop)
    first, second = factories.make_location("A.1.10.1"), factories.make_location("A.1.4.3")
    linked = staff_api.post(f"/products/{product.id}/locations", json={"idlocation": first.id})
    assert linked.status_code == 201 and linked.get_json()["preferred"] is True
    staff_api.post(f"/products/{product.id}/locations", json={"idlocation": second.id})
    listed = staff_api.get(f"/products/{product.id}/locations").get_json()
    assert_list_of(listed, LOCATION)
    assert [(loc["name"], loc["preferred"]) for loc in listed] == [("A.1.10.1", True), ("A.1.4.3", False)]
    assert staff_api.delete(f"/products/{product.id}/locations/{first.id}").status_code == 204
    assert [(loc["name"], loc["preferred"]) for loc in staff_api.get(f"/products/{product.id}/locations")
            .get_json()] == [("A.1.4.3", True)]
    assert staff_api.delete(f"/products/{product.id}/locations/{first.id}").status_code == 404


def test_deleting_a_location_with_products_is_refused(app, shop, staff_api):
    shelf = factories.make_location("A.1")
    locations.link_product(factories.make_product(shop), shelf)
    response = staff_api.delete(f"/locations/{shelf.id}")
    assert response.status_code == 409
    assert Location.select().count() == 1
    locations.unlink_product(ProductLocation.get())
    assert staff_api.delete(f"/locations/{shelf.id}").status_code == 204
    assert Location.select().count() == 0


def test_a_clients_key_sees_its_own_products_locations_only(app, shop, shop_api):
    other = factories.make_client(name="Other BV")
    shelf = factories.make_location("A.1")
    own, theirs = factories.make_product(shop), factories.make_product(other)
    locations.link_product(own, shelf)
    locations.link_product(theirs, shelf)
    assert [loc["name"] for loc in shop_api.get(f"/products/{own.id}/locations").get_json()] == ["A.1"]
    refused = shop_api.get(f"/products/{theirs.id}/locations")
    assert refused.status_code == 404 and refused.get_json()["error_code"] == 20
    assert shop_api.get("/locations").status_code == 403
    assert shop_api.post(f"/products/{own.id}/locations", json={"idlocation": shelf.id}).status_code == 403
    assert ProductLocation.select().count() == 2


def test_products_carry_picqers_customs_and_measure_fields(app, shop, staff_api):
    created = staff_api.post("/products", json={
        "idfulfilment_customer": shop.id, "productcode": "TEE-1", "name": "T-shirt", "hs_code": "6109.10.00",
        "country_of_origin": "pt", "customs_description": "Cotton T-shirts", **PICQER["product_fields"]})
    assert created.status_code == 201
    product = created.get_json()
    assert_shape(product, PRODUCT)
    assert {name: product[name] for name in PICQER["product_fields"]} == PICQER["product_fields"]
    assert (product["hs_code"], product["country_of_origin"], product["customs_description"]) == (
        "61091000", "PT", "Cotton T-shirts")
    # Kept in millimetres: half centimetres survive the round trip.
    changed = staff_api.put(f"/products/{product['idproduct']}", json={"length": 12.5}).get_json()
    assert (changed["length"], changed["width"]) == (12.5, 20)


def test_a_product_without_details_answers_nulls(app, shop, staff_api):
    product = factories.make_product(shop)
    item = staff_api.get(f"/products/{product.id}").get_json()
    assert [item[name] for name in ("hs_code", "country_of_origin", "customs_description", "weight", "length",
                                    "width", "height")] == [None] * 7


@pytest.mark.parametrize("fields, message", [
    ({"hs_code": "61A9"}, "HS code"),
    ({"country_of_origin": "Portugal"}, "two-letter"),
    ({"weight": -1}, "weight"),
    ({"length": "long"}, "length"),
])
def test_bad_details_are_refused_and_change_nothing(app, shop, staff_api, fields, message):
    product = factories.make_product(shop, hs_code="610910")
    response = staff_api.put(f"/products/{product.id}", json=fields)
    assert response.status_code == 400 and message.lower() in response.get_json()["error_message"].lower()
    assert staff_api.get(f"/products/{product.id}").get_json()["hs_code"] == "610910"
