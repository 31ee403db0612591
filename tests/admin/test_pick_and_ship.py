"""The back office's pick-and-ship page, locations, product locations and carriers."""

import re

from fulfilment.models import Carrier, Location, Picklist, PicklistLine, ProductLocation, Shipment, Warehouse
from fulfilment.services import locations
from tests import factories


def _picklist():
    client = factories.make_client()
    far = factories.make_product(client, product_code="FAR", barcode="8700000000010", stock_amount=5)
    near = factories.make_product(client, product_code="NEAR", barcode="8700000000020", stock_amount=5)
    locations.link_product(far, factories.make_location("A.1.10.1"))
    locations.link_product(near, factories.make_location("A.1.4.3"))
    order = factories.make_order(client, lines=[(far, 1), (near, 2)], process=True)
    return factories.open_picklist(order)


def _page(staff_client, picklist):
    response = staff_client.get(f"/admin/picklist/pick/{picklist.id}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def _scan(staff_client, picklist, barcode):
    page = f"/admin/picklist/pick/{picklist.id}"
    return factories.admin_post(staff_client, page, f"{page}/scan", {"barcode": barcode})


def test_pick_page_shows_the_address_and_lines_in_picking_order(staff_client):
    picklist = _picklist()
    page = _page(staff_client, picklist)
    assert "Kerkstraat 1" in page and "1011 AB Amsterdam" in page
    assert page.index("A.1.4.3") < page.index("A.1.10.1")  # natural order: 4 before 10
    assert page.index("NEAR") < page.index("FAR")
    assert "0 of 3" in page and 'id="barcode"' in page and "autofocus" in page


def test_a_scan_counts_one_unit(staff_client):
    picklist = _picklist()
    page = _scan(staff_client, picklist, "8700000000020").get_data(as_text=True)
    assert 'role="status">Counted 1 × NEAR (1 of 2)' in page
    assert "1 of 3" in page
    assert [line.amount_picked for line in PicklistLine.select().order_by(PicklistLine.id)] == [0, 1]


def test_a_wrong_barcode_is_refused_aloud_and_counts_nothing(staff_client):
    picklist = _picklist()
    page = _scan(staff_client, picklist, "0000").get_data(as_text=True)
    assert re.search(r'role="alert">Barcode 0000 is not on picklist', page)
    assert {line.amount_picked for line in PicklistLine.select()} == {0}


def test_shipping_is_offered_once_everything_is_counted_and_builds_the_link(staff_client):
    picklist = _picklist()
    assert "Close and ship" not in _page(staff_client, picklist)
    for barcode in ("8700000000010", "8700000000020", "8700000000020"):
        _scan(staff_client, picklist, barcode)
    assert "Close and ship" in _page(staff_client, picklist)
    dpd = Carrier.get(Carrier.name == "DPD")
    page = f"/admin/picklist/pick/{picklist.id}"
    result = factories.admin_post(staff_client, page, f"{page}/ship", {"carrier": dpd.id,
                                                                       "tracking_code": "0123456789"})
    text = result.get_data(as_text=True)
    assert "picked and shipped with DPD" in text
    assert 'href="https://tracking.dpd.de/status/en_US/parcel/0123456789"' in text
    assert Picklist.get_by_id(picklist.id).status == "closed"
    assert Shipment.get().tracking_url == "https://tracking.dpd.de/status/en_US/parcel/0123456789"


def test_shipping_before_everything_is_counted_is_refused(staff_client):
    picklist = _picklist()
    _scan(staff_client, picklist, "8700000000010")
    page = f"/admin/picklist/pick/{picklist.id}"
    result = factories.admin_post(staff_client, page, f"{page}/ship",
                                  {"carrier": Carrier.get(Carrier.name == "UPS").id, "tracking_code": "1Z"})
    assert 'role="alert">2 units still to scan' in result.get_data(as_text=True)
    assert Picklist.get_by_id(picklist.id).status == "new" and Shipment.select().count() == 0


def test_picklist_details_offer_the_pick_page_and_list_locations(staff_client):
    picklist = _picklist()
    page = staff_client.get(f"/admin/picklist/details/?id={picklist.id}").get_data(as_text=True)
    assert f"/admin/picklist/pick/{picklist.id}" in page
    assert "Products in picking order" in page


def test_staff_add_a_location_and_a_duplicate_is_refused(staff_client):
    warehouse = factories.warehouse()
    data = {"warehouse": warehouse.id, "name": "B.2.3.4", "kind": "pallet", "remarks": "", "active": "y"}
    factories.admin_post(staff_client, "/admin/location/new/", "/admin/location/new/", data)
    assert Location.get().kind == "pallet"
    response = factories.admin_post(staff_client, "/admin/location/new/", "/admin/location/new/",
                                    {**data, "name": "b.2.3.4"})
    assert "already exists" in response.get_data(as_text=True)
    assert Location.select().count() == 1


def test_staff_add_a_carrier_with_a_template(staff_client):
    data = {"name": "Homerr", "tracking_url_template": "https://homerr.example/track/{code}", "active": "y"}
    factories.admin_post(staff_client, "/admin/carrier/new/", "/admin/carrier/new/", data)
    assert Carrier.get(Carrier.name == "Homerr").tracking_url_template == "https://homerr.example/track/{code}"
    bad = factories.admin_post(staff_client, "/admin/carrier/new/", "/admin/carrier/new/",
                               {**data, "name": "Typo", "tracking_url_template": "https://x.example/"})
    assert "needs {code}" in bad.get_data(as_text=True)
    assert not Carrier.select().where(Carrier.name == "Typo").exists()


def test_staff_make_a_location_preferred(staff_client):
    product = factories.make_product()
    locations.link_product(product, factories.make_location("A.1"))
    second = locations.link_product(product, factories.make_location("A.2"))
    factories.admin_action(staff_client, "productlocation", "prefer", second.id)
    assert [(link.location.name, link.preferred) for link in locations.product_locations(product)] == [
        ("A.2", True), ("A.1", False)]


def test_product_details_show_customs_fields_and_locations(staff_client):
    product = factories.make_product(hs_code="610910", country_of_origin="CN", weight_grams=250)
    locations.link_product(product, factories.make_location("C.3.1"))
    page = staff_client.get(f"/admin/product/details/?id={product.id}").get_data(as_text=True)
    for shown in ("HS code", "610910", "Country of origin", "CN", "Weight (grams)", "250", "C.3.1"):
        assert shown in page, shown
    assert ProductLocation.select().count() == 1


def test_staff_rename_a_location_but_not_move_it(staff_client):
    shelf = factories.make_location("A.1")
    other = factories.make_location("X.1", warehouse_=Warehouse.create(name="Second warehouse"))
    page = f"/admin/location/edit/?id={shelf.id}"
    data = {"warehouse": shelf.warehouse_id, "name": "A.1.1", "kind": "shelf", "remarks": "Top", "active": "y"}
    factories.admin_post(staff_client, page, page, data)
    assert (Location.get_by_id(shelf.id).name, Location.get_by_id(shelf.id).remarks) == ("A.1.1", "Top")
    moved = factories.admin_post(staff_client, page, page, {**data, "warehouse": other.warehouse_id})
    assert "cannot move" in moved.get_data(as_text=True)
    assert Location.get_by_id(shelf.id).warehouse_id == shelf.warehouse_id


def test_staff_link_a_product_to_a_location(staff_client):
    product = factories.make_product(product_code="LINK-1")
    shelf = factories.make_location("D.4.2")
    lookup = staff_client.get("/admin/productlocation/ajax/lookup/?name=location&query=D.4")
    assert "D.4.2" in lookup.get_data(as_text=True)
    page = "/admin/productlocation/new/"
    factories.admin_post(staff_client, page, page, {"product": product.id, "location": shelf.id})
    link = ProductLocation.get()
    assert (link.product_id, link.location_id, link.preferred, link.client_id) == (
        product.id, shelf.id, True, product.client_id)
