"""What each portal section shows a client: the right rows, formatted for people, safely escaped."""

import re
from datetime import timedelta

from markupsafe import escape

from fulfilment.models import Backorder, Order, Shipment, StockMutation, Warehouse, utcnow
from fulfilment.services import accounts, picking, returns, stock_corrections
from tests import factories

PREFIX = "/fulfilmentportal"


def text_of(response):
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


def rows_of(page):
    return re.findall(r"<tr>(.*?)</tr>", page, flags=re.S)


def test_products_show_stock_free_stock_and_stock_value(app, portal_client, portal_user):
    client = portal_user.client
    product = factories.make_product(client, product_code="MUG-1", name="Mug", barcode="871000", stock_amount=1200,
                                     fixed_stock_price="2.50")
    factories.make_order(client, lines=[(product, 200)], process=True)
    factories.make_product_image(product)
    page = text_of(portal_client.get(f"{PREFIX}/products"))
    row = next(row for row in rows_of(page) if "MUG-1" in row)
    assert "1,200" in row  # stock, formatted
    assert "1,000" in row  # free stock
    assert "€\u00a03,000.00" in row  # 1 200 × 2.50
    assert f"/products/{product.id}/images/" in row


def test_products_search_by_code_name_or_barcode(app, portal_client, portal_user):
    client = portal_user.client
    factories.make_product(client, product_code="TEA-1", name="Green tea", barcode="5400111")
    factories.make_product(client, product_code="COF-1", name="Coffee", barcode="5400222")
    searches = [("tea-1", "TEA-1", "COF-1"), ("coffee", "COF-1", "TEA-1"), ("5400222", "COF-1", "TEA-1")]
    for search, found, absent in searches:
        page = text_of(portal_client.get(f"{PREFIX}/products", query_string={"q": search}))
        assert found in page and absent not in page, search


def test_products_sort_and_paginate(app, portal_client, portal_user):
    app.config["PORTAL_PAGE_SIZE"] = 2
    client = portal_user.client
    for code, amount in [("A-1", 5), ("B-1", 50), ("C-1", 20)]:
        factories.make_product(client, product_code=code, stock_amount=amount)
    first = text_of(portal_client.get(f"{PREFIX}/products", query_string={"sort": "-stock"}))
    assert first.index("B-1") < first.index("C-1") and "A-1" not in first
    assert "1–2 of 3 products" in first
    second = text_of(portal_client.get(f"{PREFIX}/products", query_string={"sort": "-stock", "page": 2}))
    assert "A-1" in second and "B-1" not in second
    assert text_of(portal_client.get(f"{PREFIX}/products", query_string={"sort": "nonsense", "page": "x"}))


def test_low_stock_filter_uses_free_stock(app, portal_client, portal_user):
    client = portal_user.client
    factories.make_product(client, product_code="PLENTY", stock_amount=100)
    factories.make_product(client, product_code="FEW", stock_amount=3)
    factories.make_product(client, product_code="NONE")
    low = text_of(portal_client.get(f"{PREFIX}/products?stock=low"))
    assert "FEW" in low and "NONE" in low and "PLENTY" not in low
    out = text_of(portal_client.get(f"{PREFIX}/products?stock=out"))
    assert "NONE" in out and "FEW" not in out


def test_product_page_shows_history_newest_first_with_links_to_causes(app, portal_client, portal_user):
    client = portal_user.client
    product = factories.make_product(client, product_code="HIST-1", stock_amount=10)
    purchase_order = factories.make_purchase_order(client, lines=[(product, 4)])
    factories.receive_everything(purchase_order)
    order = factories.make_shipped_order(client, lines=[(product, 3)])
    picklist = order.picklists.get()
    ret = factories.make_return(client, returned=[(product, 1, "Damaged")])
    returns.receive_return(ret)
    page = text_of(portal_client.get(f"{PREFIX}/products/{product.id}"))
    assert "<svg" in page and "<script" not in page.split("<main", 1)[1].split("</main>")[0]
    history = page.split('id="history"')[1]
    assert f'/returns/{ret.id}"' in history
    assert f'/shipments/{picklist.id}"' in history
    assert f'/purchase-orders/{purchase_order.id}"' in history
    # newest first: the return, the shipment, the receipt, the first count
    positions = [history.index(marker) for marker in (f"/returns/{ret.id}", f"/shipments/{picklist.id}",
                                                       f"/purchase-orders/{purchase_order.id}", "Initial count")]
    assert positions == sorted(positions)
    assert "+4" in history and "-3" in history
    assert "Main warehouse" in page


def test_product_history_paginates(app, portal_client, portal_user):
    app.config["PORTAL_PAGE_SIZE"] = 3
    product = factories.make_product(portal_user.client)
    for i in range(7):
        stock_corrections.change_stock(product, Warehouse.default(), 1, f"Count number {i}")
    first = text_of(portal_client.get(f"{PREFIX}/products/{product.id}"))
    assert "Count number 6" in first and "Count number 3" not in first
    last = text_of(portal_client.get(f"{PREFIX}/products/{product.id}?page=3"))
    assert "Count number 0" in last and "7 of 7 stock changes" in last


def test_product_image_is_served_with_cache_headers(app, portal_client, portal_user):
    image = factories.make_product_image(factories.make_product(portal_user.client))
    response = portal_client.get(f"{PREFIX}/products/{image.product_id}/images/{image.id}")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "image/png"
    assert "max-age" in response.headers["Cache-Control"]
    again = portal_client.get(f"{PREFIX}/products/{image.product_id}/images/{image.id}",
                              headers={"If-None-Match": response.headers["ETag"]})
    assert again.status_code == 304


def test_orders_filter_by_status_and_source_and_search(app, portal_client, portal_user):
    client = portal_user.client
    product = factories.make_product(client, stock_amount=10)
    processing = factories.make_order(client, lines=[(product, 1)], process=True, reference="REF-PROC")
    imported = factories.make_order(client, lines=[(product, 1)], source="import", reference="REF-IMP",
                                    delivery_name="Erika Mustermann")
    page = text_of(portal_client.get(f"{PREFIX}/orders?status=processing"))
    assert processing.number in page and imported.number not in page
    page = text_of(portal_client.get(f"{PREFIX}/orders?source=import"))
    assert imported.number in page and processing.number not in page
    page = text_of(portal_client.get(f"{PREFIX}/orders?q=mustermann"))
    assert imported.number in page and processing.number not in page
    page = text_of(portal_client.get(f"{PREFIX}/orders?status=cancelled"))
    assert "Nothing matches" in page


def test_order_page_shows_lines_address_history_shipments_and_backorders(app, portal_client, portal_user):
    client = portal_user.client
    product = factories.make_product(client, product_code="ORD-1", stock_amount=2)
    order = factories.make_order(client, lines=[(product, 5)], process=True, reference="MY-REF")
    picking.close_picklist(factories.open_picklist(order), shipments=[{"carrier": "DHL", "tracking_code": "JD0001"}])
    page = text_of(portal_client.get(f"{PREFIX}/orders/{order.id}"))
    assert "ORD-1" in page and "MY-REF" in page and "Kerkstraat 1" in page
    assert "Processed; 3 units backordered" in page and "Picklist" in page
    assert "JD0001" in page and "DHL" in page
    assert "3 waiting since" in page


def test_shipment_page_links_to_the_carriers_tracking_page_only_over_http(app, portal_client, portal_user):
    order = factories.make_shipped_order(portal_user.client, tracking_code="3SABC")
    picklist = order.picklists.get()
    Shipment.update(tracking_url="javascript:alert(1)").where(Shipment.picklist == picklist).execute()
    factories.make_shipped_order(portal_user.client, tracking_code="3SXYZ")
    page = text_of(portal_client.get(f"{PREFIX}/shipments/{picklist.id}"))
    assert "3SABC" in page and "javascript:" not in page
    page = text_of(portal_client.get(f"{PREFIX}/shipments"))
    assert 'href="https://postnl.example/track/3S"' in page
    assert text_of(portal_client.get(f"{PREFIX}/shipments?q=3sxyz")).count("3SXYZ") >= 1
    assert "3SABC" not in text_of(portal_client.get(f"{PREFIX}/shipments?q=3sxyz"))


def test_shipments_show_their_orders_number_and_the_shipment_page_its_reference(app, portal_client, portal_user):
    order = factories.make_shipped_order(portal_user.client)
    Order.update(reference="SHOP-REF-7").where(Order.id == order.id).execute()

    listed = text_of(portal_client.get(f"{PREFIX}/shipments"))
    shown = text_of(portal_client.get(f"{PREFIX}/shipments/{order.picklists.get().id}"))

    assert f"Order {order.number}" in listed
    assert order.number in shown and "SHOP-REF-7" in shown


def test_open_picklist_is_not_a_shipment(app, portal_client, portal_user):
    order = factories.make_order(portal_user.client, process=True)
    picklist = factories.open_picklist(order)
    assert portal_client.get(f"{PREFIX}/shipments/{picklist.id}").status_code == 404


def test_backorders_show_product_amount_order_and_age(app, portal_client, portal_user):
    client = portal_user.client
    product = factories.make_product(client, product_code="WAIT-1")
    order = factories.make_order(client, lines=[(product, 4)], process=True)
    Backorder.update(created_at=utcnow() - timedelta(days=3, hours=1)).execute()
    factories.make_purchase_order(client, lines=[(product, 10)])
    page = text_of(portal_client.get(f"{PREFIX}/backorders"))
    row = next(row for row in rows_of(page) if "WAIT-1" in row)
    assert order.number in row and ">4<" in row and "3 days" in row and ">10<" in row
    assert str(escape(product.name)) in row and str(escape(order.delivery_name)) in row


def test_orders_from_a_webshop_show_the_shops_name_and_number(app, portal_client, portal_user):
    webshop = factories.make_webshop(portal_user.client, name="Shop of Jansen")
    order = factories.make_order(portal_user.client, source="webshop")
    Order.update(webshop=webshop, foreign_number="#4411").where(Order.id == order.id).execute()

    row = next(row for row in rows_of(text_of(portal_client.get(f"{PREFIX}/orders"))) if order.number in row)

    assert "Shop of Jansen" in row and "#4411" in row


def test_purchase_order_page_shows_lines_and_receipts(app, portal_client, portal_user):
    product = factories.make_product(portal_user.client, product_code="PO-1")
    purchase_order = factories.make_purchase_order(portal_user.client, lines=[(product, 10)], supplier_name="Acme")
    line = purchase_order.lines.get()
    from fulfilment.services import purchasing

    receipt = purchasing.register_receipt(purchase_order, {line.id: 6})
    page = text_of(portal_client.get(f"{PREFIX}/purchase-orders/{purchase_order.id}"))
    assert receipt.number in page and "6 received" in page and "6 of 10 units" in page
    assert "partly received" in page
    listing = text_of(portal_client.get(f"{PREFIX}/purchase-orders?status=purchased"))
    assert purchase_order.number in listing and "Acme" in listing


def test_return_page_shows_products_replacements_and_timeline(app, portal_client, portal_user):
    client = portal_user.client
    returned = factories.make_product(client, product_code="RET-1")
    replacement = factories.make_product(client, product_code="REP-1", stock_amount=5)
    ret = factories.make_return(client, returned=[(returned, 2, "Wrong size")], replacements=[(replacement, 1)])
    returns.change_return_status(ret, factories.return_status("completed"), "All done")
    page = text_of(portal_client.get(f"{PREFIX}/returns/{ret.id}"))
    assert "RET-1" in page and "Wrong size" in page and "REP-1" in page
    timeline = page.split('class="timeline', 1)[1]
    assert timeline.index("Return registered") < timeline.index("All done")
    listing = text_of(portal_client.get(f"{PREFIX}/returns?status=completed"))
    assert ret.number in listing
    assert ret.number not in text_of(portal_client.get(f"{PREFIX}/returns?status=announced"))


def test_webshop_page_lists_orders_seen_with_their_result(app, portal_client, portal_user):
    client = portal_user.client
    shop = factories.make_webshop(client, name="Coffee shop")
    order = factories.make_order(client, source="webshop")
    factories.make_webshop_order(shop, status="imported", order=order)
    factories.make_webshop_order(shop, status="ignored", reason="Already shipped by the shop")
    factories.make_webshop_order(shop, status="ignored", reason="Already shipped by the shop")
    for _ in range(3):
        factories.make_webshop_order(shop, status="error", reason="Unknown SKU XYZ")
    other_shop = factories.make_webshop(client, name="Tea shop")
    factories.make_webshop_order(other_shop, status="error", reason="Unknown SKU ABC")
    listing = text_of(portal_client.get(f"{PREFIX}/webshops"))
    row = next(row for row in rows_of(listing) if "Coffee shop" in row)
    assert re.findall(r">(\d+)</a></td>", row) == ["1", "2", "3"]  # imported, ignored, failed: per shop
    other_row = next(row for row in rows_of(listing) if "Tea shop" in row)
    assert re.findall(r">(\d+)</a></td>", other_row) == ["0", "0", "1"]
    page = text_of(portal_client.get(f"{PREFIX}/webshops/{shop.id}"))
    assert order.number in page and "Already shipped by the shop" in page and "Unknown SKU XYZ" in page
    errors = text_of(portal_client.get(f"{PREFIX}/webshops/{shop.id}?status=error"))
    assert "Unknown SKU XYZ" in errors and "Already shipped" not in errors


def test_address_book_search(app, portal_client, portal_user):
    factories.make_address(portal_user.client, name="Bakkerij Jansen", city="Utrecht")
    factories.make_address(portal_user.client, name="Slagerij Pieters", city="Zwolle")
    page = text_of(portal_client.get(f"{PREFIX}/addresses?q=zwolle"))
    assert "Slagerij Pieters" in page and "Bakkerij Jansen" not in page


def test_settings_show_the_account(app, portal_client, portal_user):
    accounts.save_client(portal_user.client, name="Noordzee Koffie", email="hallo@noordzee.example")
    page = text_of(portal_client.get(f"{PREFIX}/settings"))
    assert "Noordzee Koffie" in page and "hallo@noordzee.example" in page and portal_user.username in page
    main = page.split("<main", 1)[1]
    # The company's details are the warehouse's to change; the login's are the user's own.
    assert 'name="name"' not in main and 'name="email"' not in main
    assert 'name="username"' in main and 'name="current_password"' in main


def test_new_client_sees_empty_states_that_say_what_to_do(app, portal_client):
    for path, hint in [
        ("/products", "Add the products the warehouse will store for you"),
        ("/orders", "appear here as soon as they arrive"),
        ("/shipments", "Nothing shipped yet"),
        ("/backorders", "No backorders"),
        ("/purchase-orders", "No purchase orders yet"),
        ("/returns", "No returns yet"),
        ("/webshops", "No webshops connected"),
        ("/addresses", "Your address book is empty"),
        ("/", "No open orders"),
    ]:
        assert hint in text_of(portal_client.get(PREFIX + path)), path


def test_client_data_is_escaped(app, portal_client, portal_user):
    evil = '<script>alert("x")</script>'
    product = factories.make_product(portal_user.client, name=evil, product_code="EVIL-1")
    factories.make_order(portal_user.client, lines=[(product, 1)], reference=evil, delivery_name=evil)
    for path in ("/products", f"/products/{product.id}", "/orders", "/"):
        page = text_of(portal_client.get(PREFIX + path))
        assert evil not in page, path


def test_stock_history_excludes_other_products(app, portal_client, portal_user):
    first = factories.make_product(portal_user.client, stock_amount=1)
    second = factories.make_product(portal_user.client)
    stock_corrections.change_stock(second, Warehouse.default(), 5, "Only the second")
    assert StockMutation.select().count() == 2
    assert "Only the second" not in text_of(portal_client.get(f"{PREFIX}/products/{first.id}"))
