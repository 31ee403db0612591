"""Staff manage webshops in the back office: credentials written encrypted, never shown; test, import, retry."""

import re

from fulfilment.models import Order, Shipment, Webshop, WebshopOrder
from fulfilment.services import catalog, picking, webshop_credentials
from fulfilment.services.webshop_tracking import push_due_tracking
from tests import factories
from tests.webshops.conftest import connect_woo


def _form(shop_client, woo, **changes):
    return {"client": shop_client.id, "platform": "woocommerce", "name": "Koffie webshop", "url": woo.url,
            "active": "y", "consumer_key": woo.consumer_key, "consumer_secret": woo.consumer_secret, **changes}


def test_staff_connect_a_webshop_and_the_credentials_are_stored_encrypted(staff_client, shop_client, woo):
    response = factories.admin_post(staff_client, "/admin/webshop/new/", "/admin/webshop/new/", _form(shop_client, woo))

    assert response.status_code == 200
    webshop = Webshop.get(Webshop.name == "Koffie webshop")
    assert woo.consumer_secret not in webshop.credentials_encrypted
    assert webshop_credentials.decrypt_credentials(webshop.credentials_encrypted)["consumer_secret"] == \
        woo.consumer_secret


def test_the_edit_form_never_shows_the_credentials_and_keeps_them_when_left_empty(staff_client, shop_client, woo):
    webshop = connect_woo(shop_client, woo)
    stored = webshop.credentials_encrypted

    page = staff_client.get(f"/admin/webshop/edit/?id={webshop.id}").get_data(as_text=True)
    assert woo.consumer_key not in page and woo.consumer_secret not in page and stored not in page
    assert "Stored: consumer key ck_…a1a1" in page
    assert re.search(r'<input[^>]*name="consumer_secret"[^>]*type="password"', page) or \
        re.search(r'<input[^>]*type="password"[^>]*name="consumer_secret"', page)

    factories.admin_post(staff_client, f"/admin/webshop/edit/?id={webshop.id}", f"/admin/webshop/edit/?id={webshop.id}",
          _form(shop_client, woo, name="Renamed", consumer_key="", consumer_secret=""))

    renamed = Webshop.get_by_id(webshop.id)
    assert renamed.name == "Renamed" and renamed.credentials_encrypted == stored


def test_list_and_details_show_only_a_masked_hint(staff_client, shop_client, woo):
    webshop = connect_woo(shop_client, woo)
    for url in ("/admin/webshop/", f"/admin/webshop/details/?id={webshop.id}"):
        page = staff_client.get(url).get_data(as_text=True)
        assert "consumer key ck_…a1a1" in page
        assert woo.consumer_secret not in page and webshop.credentials_encrypted not in page


def test_a_refused_webshop_shows_the_reason_and_creates_nothing(staff_client, shop_client, woo):
    response = factories.admin_post(staff_client, "/admin/webshop/new/", "/admin/webshop/new/",
                     _form(shop_client, woo, consumer_secret=""))
    assert "Enter the consumer secret as well" in response.get_data(as_text=True)
    assert Webshop.select().count() == 0


def test_staff_run_the_connection_test_and_see_every_check(staff_client, shop_client, woo):
    webshop = connect_woo(shop_client, woo)
    woo.add_order(lines=[("SKU-1", 1), ("UNKNOWN-9", 1)])

    page = factories.admin_action(staff_client, "webshop", "test", webshop.id).get_data(as_text=True)

    assert "Connection test finished" in page
    for label in ("Address reachable", "Secure connection (TLS)", "Credentials accepted", "Permission to read orders",
                  "Recent orders readable", "Products in recent orders known", "Permission to update orders"):
        assert label in page
    assert "not known as products: UNKNOWN-9" in page
    assert "starts with http://" in page
    assert Webshop.get_by_id(webshop.id).last_test_at is not None


def test_staff_import_orders_now(staff_client, shop_client, woo):
    webshop = connect_woo(shop_client, woo)
    woo.add_order()

    page = factories.admin_action(staff_client, "webshop", "import", webshop.id).get_data(as_text=True)

    assert "Import started" in page
    assert Order.select().where(Order.webshop == webshop).count() == 1


def test_staff_try_a_skipped_order_again(staff_client, shop_client, woo):
    webshop = connect_woo(shop_client, woo)
    woo.add_order(lines=[("NEW-SKU", 1)])
    factories.admin_action(staff_client, "webshop", "import", webshop.id)
    seen = WebshopOrder.get()
    page = staff_client.get("/admin/webshoporder/").get_data(as_text=True)
    assert "Unknown SKU NEW-SKU" in page

    catalog.create_product(shop_client, "NEW-SKU", "New product")
    factories.admin_action(staff_client, "webshoporder", "retry", seen.id)

    assert WebshopOrder.get_by_id(seen.id).status == "imported"


def test_a_failed_tracking_push_is_shown_and_staff_can_send_it_again(staff_client, shop_client, woo, fast_http):
    webshop = connect_woo(shop_client, woo)
    woo.add_order()
    factories.admin_action(staff_client, "webshop", "import", webshop.id)
    picking.close_picklist(Order.get().picklists.first(), shipments=[{"carrier": "DHL", "tracking_code": "JVGL1"}])
    woo.fail("500", times=1000)
    for _ in range(fast_http.push_max_attempts):
        Shipment.update(webshop_push_next_at=None).execute()
        push_due_tracking()
    shipment = Shipment.get()

    details = staff_client.get(f"/admin/shipment/details/?id={shipment.id}").get_data(as_text=True)
    assert "failed" in details and "HTTP 500" in details and "Tell the webshop again" in details

    woo.clear_faults()
    factories.admin_action(staff_client, "shipment", "push", shipment.id)
    assert push_due_tracking() == {"sent": 1, "failed": 0}
    assert Shipment.get_by_id(shipment.id).webshop_push_status == "sent"
