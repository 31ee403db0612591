"""Factories with keyword defaults for every model. Whatever has a service goes through it."""

import base64
import itertools
import re
import struct
import zlib
from decimal import Decimal

from fulfilment.models import (
    AddressBookEntry,
    ApiKey,
    Client,
    Product,
    ProductImage,
    ReturnStatus,
    Stock,
    Warehouse,
    Webshop,
    WebshopOrder,
)
from fulfilment.services import accounts, catalog, locations, orders, picking, purchasing, returns, stock_corrections

_sequence = itertools.count(1)

ADDRESS = {
    "delivery_name": "Jansen BV",
    "delivery_address": "Kerkstraat 1",
    "delivery_zipcode": "1011 AB",
    "delivery_city": "Amsterdam",
    "delivery_country": "NL",
}
PASSWORD = "portal-password-1"


def _n():
    return next(_sequence)


def make_staff_user(username=None, password="staff-password-1", is_admin=True):
    return accounts.create_staff_user(username or f"staff{_n()}", password, is_admin=is_admin)


def make_client(name=None, portal_access=True, product_management=True, active=True, **fields):
    return Client.create(name=name or f"Client {_n()}", email=fields.pop("email", "client@example.com"),
                         portal_access=portal_access, product_management=product_management, active=active,
                         **fields)


def make_portal_user(client=None, username=None, password=PASSWORD, **fields):
    client = client or make_client()
    return accounts.create_portal_user(client, username or f"user{_n()}", password, **fields)


def warehouse():
    return Warehouse.default()


def make_product(client=None, product_code=None, name=None, stock_amount=0, price="9.95",
                 fixed_stock_price="4.00", **fields):
    client = client or make_client()
    n = _n()
    product = catalog.create_product(client, product_code or f"SKU-{n}", name or f"Product {n}", price=price,
                                     fixed_stock_price=fixed_stock_price, **fields)
    if stock_amount:
        stock_corrections.change_stock(product, warehouse(), stock_amount, "Initial count")
    return product


def make_location(name=None, kind="shelf", warehouse_=None, **fields):
    return locations.create_location(warehouse_ or warehouse(), name or f"Z.{_n()}.1", kind=kind, **fields)


def tiny_png(red=200, green=80, blue=40):
    """A valid 1×1 PNG."""
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(bytes([0, red, green, blue]))
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")


def make_product_image(product=None, data=None) -> ProductImage:
    product = product or make_product()
    return catalog.add_product_image(product, data or tiny_png(), filename="photo.png")


def make_order(client=None, lines=None, source="staff", process=False, **fields):
    """An order; lines [(product, amount)] default to one product with enough stock."""
    client = client or (lines[0][0].client if lines else make_client())
    if lines is None:
        lines = [(make_product(client, stock_amount=10), 1)]
    order = orders.create_order(client, lines, source=source, fields={**ADDRESS, **fields})
    if process:
        order = orders.process_order(order)
    return order


def open_picklist(order):
    return order.picklists.where(order.picklists.model.status == "new").first()


def make_shipped_order(client=None, lines=None, carrier="PostNL", tracking_code=None):
    """A processed order whose picklist is closed with one shipment."""
    order = make_order(client, lines, process=True)
    picklist = open_picklist(order)
    picking.close_picklist(picklist, shipments=[{
        "carrier": carrier, "tracking_code": tracking_code or f"3STEST{_n()}",
        "tracking_url": "https://postnl.example/track/3S",
    }])
    return order


def make_purchase_order(client=None, lines=None, purchased=True, **fields):
    client = client or (lines[0][0].client if lines else make_client())
    if lines is None:
        lines = [(make_product(client), 10)]
    purchase_order = purchasing.create_purchase_order(client, lines, supplier_name=fields.pop("supplier_name", "Acme"),
                                                      **fields)
    if purchased:
        purchase_order = purchasing.mark_purchased(purchase_order)
    return purchase_order


def receive_everything(purchase_order):
    return purchasing.register_receipt(
        purchase_order, {line.id: line.amount - line.amount_received for line in purchase_order.lines}
    )


def make_return(client=None, returned=None, replacements=(), order=None, **fields):
    client = client or make_client()
    if returned is None:
        returned = [(make_product(client), 1, "Too small")]
    fields.setdefault("name", "Jansen BV")
    return returns.create_return(client, returned, replacements, order=order, **fields)


def return_status(name):
    return ReturnStatus.get(ReturnStatus.name == name)


def make_webshop(client=None, platform="woocommerce", **fields):
    client = client or make_client()
    return Webshop.create(client=client, platform=platform, name=fields.pop("name", f"Shop {_n()}"),
                          url=fields.pop("url", "https://shop.example"), **fields)


def make_webshop_order(webshop=None, status="imported", order=None, **fields):
    webshop = webshop or make_webshop()
    n = _n()
    return WebshopOrder.create(client=webshop.client_id, webshop=webshop, foreign_id=str(1000 + n),
                               foreign_number=f"#{1000 + n}", status=status, order=order, **fields)


def make_address(client=None, name=None, **fields):
    client = client or make_client()
    values = {"address": "Dorpsstraat 2", "zipcode": "3511 AA", "city": "Utrecht", "country": "NL", **fields}
    return AddressBookEntry.create(client=client, name=name or f"Address {_n()}", **values)


def make_api_key(client=None, name=None):
    import hashlib

    raw = f"test-key-{_n()}"
    return ApiKey.create(client=client, name=name or "Test key", key_hash=hashlib.sha256(raw.encode()).hexdigest(),
                         key_prefix=raw[:8])


def money(value):
    return Decimal(value)


# --- reading rows back, and driving the back office and the API as their users do ---------------


def stock_levels(product):
    """(stock, allocated) of product in its warehouse."""
    row = Stock.get(Stock.product == product)
    return row.stock, row.allocated


def reload(record):
    """The record as it is in the database now."""
    return type(record).get_by_id(record.id)


def admin_post(staff_client, page, url, data=None, follow=True):
    """POST a back-office form with the CSRF token of the page it is on."""
    from tests.conftest import csrf_token

    return staff_client.post(url, data={**(data or {}), "csrf_token": csrf_token(staff_client, page)},
                             follow_redirects=follow)


def admin_action(staff_client, view, action, record_id):
    """Press a record action's button on a back-office details page."""
    return admin_post(staff_client, f"/admin/{view}/details/?id={record_id}", f"/admin/{view}/do/{action}/{record_id}")


KEY_IN_FLASH = re.compile(r"not shown again: ([A-Za-z0-9_-]{40,})")


def create_key_in_back_office(staff_client, name, client=None):
    """Create a key through /admin like staff do; returns the raw key read from the page."""
    data = {"name": name, "client": str(client.id) if client else "",
            "csrf_token": _csrf_token(staff_client, "/admin/apikey/new/")}
    page = staff_client.post("/admin/apikey/new/", data=data, follow_redirects=True).get_data(as_text=True)
    match = KEY_IN_FLASH.search(page)
    assert match, page
    return match.group(1)


def _csrf_token(test_client, path):
    from tests.conftest import csrf_token

    return csrf_token(test_client, path)


class ApiClient:
    """A test client for /api/v1 that authenticates every request with one API key."""

    def __init__(self, test_client, raw_key, key=None):
        self.test_client = test_client
        self.raw_key = raw_key
        self.key = key

    def headers(self, extra=None):
        token = base64.b64encode(f"{self.raw_key}:".encode()).decode()
        return {"Authorization": f"Basic {token}", **(extra or {})}

    def request(self, method, path, json=None, data=None, headers=None, **kwargs):
        return self.test_client.open(f"/api/v1{path}", method=method, json=json, data=data,
                                     headers=self.headers(headers), **kwargs)

    def get(self, path, **kwargs):
        return self.request("GET", path, **kwargs)

    def post(self, path, json=None, **kwargs):
        return self.request("POST", path, json=json, **kwargs)

    def put(self, path, json=None, **kwargs):
        return self.request("PUT", path, json=json, **kwargs)

    def delete(self, path, **kwargs):
        return self.request("DELETE", path, **kwargs)


def api_client_for(app, client=None, name="Test key"):
    key, raw = accounts.create_api_key(name, client=client)
    return ApiClient(app.test_client(), raw, key)


def make_products_in_bulk(client, codes, price="9.95"):
    """Many products of client at once (one INSERT), for the long-order tests; returns nothing."""
    from fulfilment.db import insert_in_batches

    insert_in_batches(Product, [{"client": client.id, "product_code": code, "name": f"Product {code}",
                                 "barcode": "", "price": Decimal(price), "fixed_stock_price": Decimal("4.00"),
                                 "active": True} for code in codes])


def make_invoices(client, rate_card=None):
    """A draft and an issued invoice for client (made through the billing service); first the draft.

    The issued one carries a one-off charge dated last month; the draft this month's storage.
    """
    from datetime import timedelta

    from fulfilment.services import billing, customer_report

    card = rate_card or billing.default_rate_card() or billing.save_rate_card(
        name="Default", is_default=True, per_order="1.00", per_unit_picked="0.10", per_shipment="4.00",
        storage_per_unit_day="0.0100")
    billing.set_shipment_rate(card, "PostNL", "NL", "3.95")
    billing.set_client_billing(client, card, "21")
    this_month = customer_report.month_period(billing.today_utc())
    last_month = billing.previous_month()
    billing.take_storage_snapshots(this_month.start)
    draft = billing.run_billing(client, this_month)
    if not billing.invoice_lines(draft):
        billing.add_line(draft, "Handling", 1, "5.00")
    billing.add_one_off_charge(client, f"Labelling for {client.name}", 3, "2.50", last_month.start + timedelta(days=1))
    issued = billing.issue_invoice(billing.run_billing(client, last_month), actor="system")
    return draft, issued


def make_bare_products(client, n):
    """n products with nothing else (no stock, no ledger): the quickest rows of a table to make."""
    return [Product.create(client=client, product_code=f"BARE-{next(_BARE_CODES)}", name="Product") for _ in range(n)]


_BARE_CODES = itertools.count(1)
