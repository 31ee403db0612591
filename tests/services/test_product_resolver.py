"""One product resolver for every place a product is named in a line: one lookup, one inactive rule,
and a problem per key that each caller words for its own form."""

import pytest

from fulfilment.services import catalog
from fulfilment.services.errors import UnknownProduct
from tests import factories
from tests.api.conftest import api_client_for
from tests.conftest import count_queries


@pytest.fixture
def goods(app):
    client = factories.make_client()
    return {
        "client": client,
        "mug": factories.make_product(client, product_code="MUG"),
        "old": factories.make_product(client, product_code="OLD", active=False),
        "theirs": factories.make_product(factories.make_client(), product_code="THEIRS"),
    }


def test_found_unknown_foreign_and_inactive_products_in_one_query_per_kind(goods):
    mug, theirs = goods["mug"], goods["theirs"]
    with count_queries() as counter:
        resolved = catalog.resolve_products(goods["client"], ids=[mug.id, theirs.id, 2**40],
                                            codes=["MUG", "OLD", "THEIRS", "NOPE"])
    assert counter.n == 2
    assert resolved.by_id == {mug.id: mug} and resolved.by_code == {"MUG": mug}
    assert resolved.problems == {
        theirs.id: ("unknown", f"Unknown product {theirs.id}."),
        2**40: ("unknown", f"Unknown product {2**40}."),
        "OLD": ("inactive", "Product OLD is inactive."),
        "THEIRS": ("unknown", "Unknown product code THEIRS."),
        "NOPE": ("unknown", "Unknown product code NOPE."),
    }
    assert resolved.get("OLD") is None and resolved.get(mug.id) == mug


def test_goods_coming_back_may_be_inactive_products(goods):
    resolved = catalog.resolve_products(goods["client"], codes=["OLD"], goods_coming_back=True)
    assert resolved.by_code == {"OLD": goods["old"]} and resolved.problems == {}
    with pytest.raises(UnknownProduct, match="Product OLD is inactive."):
        catalog.products_by_code(goods["client"], ["MUG", "OLD"])


def test_the_api_applies_the_same_rule_to_orders_and_returns(app, goods):
    api = api_client_for(app)
    client = goods["client"]
    ordered = api.post("/orders", json={"idfulfilment_customer": client.id, "deliveryname": "Eva",
                                        "products": [{"productcode": "OLD", "amount": 1}]})
    assert (ordered.status_code, ordered.get_json()["error_code"]) == (400, 24)
    assert ordered.get_json()["error_message"] == "Product OLD is inactive."
    purchased = api.post("/purchaseorders", json={"idfulfilment_customer": client.id, "supplier_name": "S",
                                                  "products": [{"idproduct": goods["old"].id, "amount": 1}]})
    assert (purchased.status_code, purchased.get_json()["error_code"]) == (400, 24)
    returned = api.post("/returns", json={"idfulfilment_customer": client.id,
                                          "returned_products": [{"productcode": "OLD", "amount": 1}]})
    assert returned.status_code == 201
