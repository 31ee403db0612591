"""GET /fulfilment/customers/{id}/report: Picqer's documented shape, its filters, and figures that match the records."""

import json
from datetime import timedelta
from pathlib import Path

import pytest

from fulfilment.services import customer_report, returns
from fulfilment.services.billing import today_utc
from tests import factories

FIXTURE = json.loads((Path(__file__).parent / "fixtures" / "picqer_fulfilment_customer_report.json").read_text())
PICQER_EXAMPLE = FIXTURE["example"]
# Where our answer may hold null though Picqer's example holds a number: no warehouse locations yet.
NULLABLE = {"storage_usage.stock_locations_in_use[].idlocation",
            "storage_usage.stock_location_types_in_use[].idlocation_type"}
# Picqer's example shows an empty shipments list; the items' shape is ours (docs/api.md).
OUR_SHIPMENT_ITEM = {"provider": "PostNL", "country": "NL", "shipments_count": 1}


def shape_differences(ours, theirs, path=""):
    """Where ours differs from Picqer's example in keys or JSON types (recursively)."""
    if isinstance(theirs, dict):
        if not isinstance(ours, dict):
            return [f"{path}: expected an object"]
        problems = []
        if set(ours) != set(theirs):
            problems.append(f"{path}: keys {sorted(set(ours) ^ set(theirs))} differ")
        for key in set(ours) & set(theirs):
            problems += shape_differences(ours[key], theirs[key], f"{path}.{key}" if path else key)
        return problems
    if isinstance(theirs, list):
        if not isinstance(ours, list):
            return [f"{path}: expected a list"]
        item = theirs[0] if theirs else (OUR_SHIPMENT_ITEM if path == "outbound.shipments" else None)
        if item is None:
            return [f"{path}: no example item to compare with"] if ours else []
        return [problem for element in ours for problem in shape_differences(element, item, f"{path}[]")]
    if ours is None and path in NULLABLE:
        return []
    if type(ours) is not type(theirs):
        return [f"{path}: {type(ours).__name__} where Picqer has {type(theirs).__name__}"]
    return []


@pytest.fixture
def tulip(app):
    """A client with a shipped order, a completed receipt, a completed return and stock in two positions."""
    client = factories.make_client(name="Tulip")
    vase = factories.make_product(client, product_code="VASE", stock_amount=10)
    pot = factories.make_product(client, product_code="POT", stock_amount=4)
    factories.make_shipped_order(client, lines=[(vase, 2), (pot, 1)], carrier="PostNL")
    factories.receive_everything(factories.make_purchase_order(client, lines=[(vase, 5)]))
    ret = factories.make_return(client, returned=[(vase, 1, "Broken"), (pot, 1, "Too big")])
    returns.change_return_status(ret, factories.return_status("completed"))
    return client


def test_report_has_picqers_documented_shape(staff_api, tulip):
    response = staff_api.get(f"/fulfilment/customers/{tulip.id}/report")
    assert response.status_code == 200
    body = response.get_json()
    assert body["outbound"]["shipments"] and body["storage_usage"]["stock_locations_in_use"]  # items compared too
    assert shape_differences(body, PICQER_EXAMPLE) == []


def test_shape_check_notices_a_missing_field_or_a_wrong_type():
    broken = json.loads(json.dumps(PICQER_EXAMPLE))
    del broken["inbound"]["receipts_count"]
    broken["storage_usage"]["stock_locations_in_use"][0]["total_items"] = 12
    assert len(shape_differences(broken, PICQER_EXAMPLE)) == 2


def test_report_figures_match_the_records(staff_api, tulip):
    body = staff_api.get(f"/fulfilment/customers/{tulip.id}/report").get_json()
    month = customer_report.month_period(today_utc())
    assert body["meta_data"] == {"idfulfilment_customer": tulip.id, "start_date": str(month.start),
                                 "end_date": str(month.end)}
    assert body["outbound"] == {
        "picklists_count": 1, "picklist_rows_count": 2, "picklist_products_count": 3,
        "shipments": [{"provider": "PostNL", "country": "NL", "shipments_count": 1}],
        "shipments_count": 1, "shipment_country_count": 1, "shipment_profile_count": 1,
    }
    assert body["inbound"] == {"receipts_count": 1, "receipts_rows_count": 1, "receipts_products_total_amount": 5,
                               "purchase_orders_count": 1, "purchase_order_rows_count": 1}
    assert body["returns"] == {"returns_count": 1, "return_rows_count": 2, "return_products_count": 2}
    storage = body["storage_usage"]
    # VASE: 10 - 2 shipped + 5 received = 13; POT: 4 - 1 = 3.
    assert storage["stock_locations_in_use_count"] == 2
    assert sorted((p["stock_location"], p["total_items"]) for p in storage["stock_locations_in_use"]) == [
        ("POT", "3"), ("VASE", "13")]
    assert (storage["products_total"], storage["stock_total"]) == (2, 16)


@pytest.mark.parametrize("start, end", [("start-date", "end-date"), ("startdate", "enddate")])
def test_period_outside_the_activity_counts_nothing_but_storage_stays_as_of_now(staff_api, tulip, start, end):
    last_year = today_utc() - timedelta(days=400)
    url = f"/fulfilment/customers/{tulip.id}/report?{start}={last_year}&{end}={last_year + timedelta(days=30)}"
    body = staff_api.get(url).get_json()
    assert body["meta_data"]["start_date"] == str(last_year)
    assert body["outbound"]["picklists_count"] == body["inbound"]["receipts_count"] == 0
    assert body["returns"]["returns_count"] == 0
    assert body["storage_usage"]["stock_total"] == 16


def test_only_a_start_date_reports_to_the_end_of_that_month(staff_api, tulip):
    body = staff_api.get(f"/fulfilment/customers/{tulip.id}/report?start-date=2026-02-03").get_json()
    assert (body["meta_data"]["start_date"], body["meta_data"]["end_date"]) == ("2026-02-03", "2026-02-28")
    body = staff_api.get(f"/fulfilment/customers/{tulip.id}/report?end-date=2025-03-20").get_json()
    assert (body["meta_data"]["start_date"], body["meta_data"]["end_date"]) == ("2025-03-01", "2025-03-20")


@pytest.mark.parametrize("query", ["start-date=31-05-2026", "end-date=2026-13-01",
                                   "start-date=2026-05-10&end-date=2026-05-01",
                                   "start-date=2020-01-01&end-date=2026-01-01", "startdate=yesterday"])
def test_bad_period_is_400_in_picqers_shape(staff_api, tulip, query):
    response = staff_api.get(f"/fulfilment/customers/{tulip.id}/report?{query}")
    assert response.status_code == 400
    assert response.get_json()["error"] is True and response.get_json()["error_code"] == 5


def test_unknown_customer_is_404_and_a_client_key_is_403(staff_api, shop_api, tulip):
    assert staff_api.get("/fulfilment/customers/999999/report").status_code == 404
    assert shop_api.get(f"/fulfilment/customers/{tulip.id}/report").status_code == 403
    assert shop_api.get(f"/fulfilment/customers/{shop_api.key.client_id}/report").status_code == 403
