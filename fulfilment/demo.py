"""A believable demo warehouse, produced by the services so its history is real.

The scenario plays out over the last five weeks: each step runs the services and then dates
the rows it wrote back to its day, so stock history charts and order lists look lived-in.
"""

import struct
import zlib
from datetime import timedelta

from peewee import DateTimeField

from fulfilment.db import write_transaction
from fulfilment.models import (
    MODELS,
    AddressBookEntry,
    Carrier,
    Client,
    PortalUser,
    Shipment,
    StaffUser,
    Warehouse,
    Webshop,
    WebshopOrder,
    utcnow,
)
from fulfilment.services import (
    accounts,
    backorders,
    catalog,
    locations,
    orders,
    picking,
    purchasing,
    returns,
    stock_corrections,
)
from fulfilment.services.returns import status_named

STAFF_LOGIN = ("admin", "demo-admin-password")
CLIENTS = [
    # name, e-mail, username, password, product management, portal access
    ("Noordzee Koffie", "hallo@noordzeekoffie.example", "noordzee", "demo-noordzee-2026", True, True),
    ("Bloom Cosmetics", "orders@bloom.example", "bloom", "demo-bloom-2026!", False, True),
    ("Trailhead Outdoor", "ops@trailhead.example", "trailhead", "demo-trailhead-2026", True, False),
]
PRODUCTS = {
    "Noordzee Koffie": [
        ("NK-ESP-1KG", "Espresso blend beans 1 kg", "8712345000011", "24.95", "11.20", (92, 58, 33)),
        ("NK-FIL-500", "Filter roast 500 g", "8712345000028", "12.50", "5.10", (140, 90, 50)),
        ("NK-DEC-250", "Decaf 250 g", "8712345000035", "8.95", "3.40", (181, 140, 95)),
        ("NK-MUG-01", "Stoneware mug", "8712345000042", "14.00", "4.75", (40, 90, 130)),
        ("NK-GRD-01", "Hand grinder", "8712345000059", "49.00", "21.00", (70, 70, 70)),
    ],
    "Bloom Cosmetics": [
        ("BL-SER-30", "Vitamin C serum 30 ml", "5412345000017", "29.00", "7.80", (240, 170, 60)),
        ("BL-CRM-50", "Day cream 50 ml", "5412345000024", "24.00", "6.10", (250, 220, 200)),
        ("BL-LIP-RD", "Lip balm red", "5412345000031", "6.50", "1.20", (200, 40, 60)),
        ("BL-MSK-01", "Clay mask", "5412345000048", "18.00", "4.40", (150, 170, 150)),
    ],
    "Trailhead Outdoor": [
        ("TH-TNT-2P", "Tent 2 persons", "4012345000013", "189.00", "88.00", (60, 110, 60)),
        ("TH-BAG-40", "Backpack 40 l", "4012345000020", "99.00", "41.00", (200, 100, 30)),
        ("TH-LMP-01", "Head lamp", "4012345000037", "24.00", "8.50", (230, 230, 60)),
    ],
}
RECIPIENTS = [
    {"delivery_name": "Sanne de Vries", "delivery_address": "Prinsengracht 112", "delivery_zipcode": "1015 EA",
     "delivery_city": "Amsterdam", "delivery_country": "NL", "email": "sanne@example.nl"},
    {"delivery_name": "Pieter Janssens", "delivery_address": "Meir 24", "delivery_zipcode": "2000",
     "delivery_city": "Antwerpen", "delivery_country": "BE", "email": "pieter@example.be"},
    {"delivery_name": "Lena Müller", "delivery_address": "Schillerstraße 8", "delivery_zipcode": "10625",
     "delivery_city": "Berlin", "delivery_country": "DE", "email": "lena@example.de"},
    {"delivery_name": "Café De Kroon", "delivery_contact_name": "Ahmed Bakker", "delivery_address": "Markt 3",
     "delivery_zipcode": "3511 AA", "delivery_city": "Utrecht", "delivery_country": "NL"},
    {"delivery_name": "Emma Visser", "delivery_address": "Oude Ebbingestraat 5", "delivery_zipcode": "9712 HA",
     "delivery_city": "Groningen", "delivery_country": "NL"},
]


class DemoDataRefused(Exception):
    pass


def demo_image(rgb, size=96):
    """A small PNG: a coloured tile with a lighter band, so products are told apart at a glance."""
    red, green, blue = rgb
    light = tuple(min(255, c + 70) for c in rgb)
    rows = []
    for y in range(size):
        colour = light if size // 3 <= y < size // 2 else (red, green, blue)
        rows.append(b"\x00" + bytes(colour) * size)

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", size, size, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"".join(rows), 9))
            + chunk(b"IEND", b""))


def _backdate(since, when):
    """Date every timestamp written since ``since`` to ``when``; ids keep the order within the day."""
    for model in MODELS:
        for field in model._meta.sorted_fields:
            if isinstance(field, DateTimeField) and field.name != "last_login_at":
                model.update({field: when}).where(field >= since).execute()


class _Calendar:
    """Runs scenario steps and dates what each wrote to its day in the past."""

    def __init__(self):
        self.today = utcnow()

    def day(self, days_ago, hour=10):
        return (self.today - timedelta(days=days_ago)).replace(hour=hour, minute=0, second=0, microsecond=0)

    def step(self, days_ago, action, *args, **kwargs):
        started = utcnow() - timedelta(microseconds=1)
        result = action(*args, **kwargs)
        # Never in the future: later steps look for rows newer than their own start.
        when = min(self.day(days_ago, hour=9 + (days_ago % 8)), started - timedelta(minutes=30 - days_ago % 30))
        _backdate(started, when)
        return result


def build_demo_warehouse():
    """Fill an empty database with clients, products, stock history, orders, purchases and returns.

    Returns the logins as [(role, username, password)].
    """
    if Client.select().exists() or StaffUser.select().exists():
        raise DemoDataRefused("The database already has clients or staff; demo data goes into an empty database.")
    with write_transaction():
        return _play_scenario()


def _play_scenario():
    calendar = _Calendar()
    warehouse = Warehouse.default()
    staff = accounts.create_staff_user(*STAFF_LOGIN, is_admin=True)
    logins = [("Staff (back office /admin)", *STAFF_LOGIN)]
    clients, products = {}, {}
    for name, email, username, password, product_management, portal_access in CLIENTS:
        client = accounts.save_client(None, name=name, email=email, product_management=product_management,
                                      portal_access=portal_access, language="nl" if "Koffie" in name else "en",
                                      login_username=username, login_password=password)
        clients[name] = client
        # Their e-mails (shipments, backorders, receipts …) wait in the back office's mail outbox
        # unless FULFILMENT_SMTP_URL is set.
        PortalUser.update(notification_email=email).where(PortalUser.client == client).execute()
        if portal_access:
            # Only logins that work: a client without portal access shows the back office's switch, not a login.
            logins.append((f"Client portal: {name}", username, password))
        for code, title, barcode, price, stock_price, colour in PRODUCTS[name]:
            product = calendar.step(35, catalog.create_product, client, code, title, barcode=barcode, price=price,
                                    fixed_stock_price=stock_price)
            catalog.add_product_image(product, demo_image(colour), filename=f"{code.lower()}.png")
            products[code] = product
            # Each client's goods on its own aisle, one shelf per product (issue 15: locations).
            shelf = locations.create_location(warehouse, f"A.{len(clients)}.{len(products)}.1")
            locations.link_product(product, shelf)

    # Week 1: the first deliveries arrive.
    for name, lines in {
        "Noordzee Koffie": [("NK-ESP-1KG", 120), ("NK-FIL-500", 200), ("NK-DEC-250", 60), ("NK-MUG-01", 48),
                            ("NK-GRD-01", 12)],
        "Bloom Cosmetics": [("BL-SER-30", 300), ("BL-CRM-50", 150), ("BL-LIP-RD", 500), ("BL-MSK-01", 80)],
        "Trailhead Outdoor": [("TH-TNT-2P", 20), ("TH-BAG-40", 35), ("TH-LMP-01", 90)],
    }.items():
        purchase_order = calendar.step(34, purchasing.create_purchase_order, clients[name],
                                       [(products[code], amount) for code, amount in lines],
                                       supplier_name="Initial stock transfer", supplier_orderid=f"INIT-{name[:3]}")
        calendar.step(33, purchasing.mark_purchased, purchase_order, staff)
        calendar.step(32, purchasing.register_receipt, purchase_order,
                      {line.id: line.amount for line in purchase_order.lines}, staff)

    # Weeks 2–5: orders come in and are shipped.
    shipped = []
    order_plan = [
        (30, "Noordzee Koffie", [("NK-ESP-1KG", 2), ("NK-MUG-01", 2)], "portal"),
        (28, "Bloom Cosmetics", [("BL-SER-30", 3), ("BL-LIP-RD", 5)], "webshop"),
        (27, "Noordzee Koffie", [("NK-FIL-500", 6)], "import"),
        (25, "Trailhead Outdoor", [("TH-TNT-2P", 1), ("TH-LMP-01", 2)], "api"),
        (22, "Noordzee Koffie", [("NK-ESP-1KG", 10), ("NK-GRD-01", 1)], "api"),
        (20, "Bloom Cosmetics", [("BL-CRM-50", 12), ("BL-MSK-01", 4)], "portal"),
        (17, "Noordzee Koffie", [("NK-DEC-250", 8), ("NK-FIL-500", 4)], "webshop"),
        (14, "Bloom Cosmetics", [("BL-SER-30", 20)], "import"),
        (12, "Noordzee Koffie", [("NK-ESP-1KG", 24)], "portal"),
        (9, "Trailhead Outdoor", [("TH-BAG-40", 5)], "staff"),
        (6, "Noordzee Koffie", [("NK-MUG-01", 12), ("NK-FIL-500", 10)], "api"),
        (4, "Bloom Cosmetics", [("BL-LIP-RD", 40), ("BL-CRM-50", 6)], "webshop"),
    ]
    carriers = ["PostNL", "DHL", "DPD", "PostNL", "UPS"]
    webshop = Webshop.create(client=clients["Noordzee Koffie"], platform="woocommerce", name="noordzeekoffie.nl",
                             url="https://noordzeekoffie.example")
    for index, (days_ago, name, lines, source) in enumerate(order_plan):
        fields = {**RECIPIENTS[index % len(RECIPIENTS)], "reference": f"WEB-{4100 + index}"}
        order = calendar.step(days_ago, orders.create_order, clients[name],
                              [(products[code], amount) for code, amount in lines], source=source, fields=fields,
                              webshop=webshop if source == "webshop" and name == "Noordzee Koffie" else None,
                              foreign_id=str(88100 + index) if source == "webshop" and name == "Noordzee Koffie"
                              else None)
        calendar.step(days_ago, orders.process_order, order, staff)
        picklist = order.picklists.first()
        carrier = carriers[index % len(carriers)]
        calendar.step(max(days_ago - 1, 0), picking.close_picklist, picklist, staff, None, [{
            "carrier": Carrier.get(Carrier.name == carrier),
            "tracking_code": f"3S{carrier[:3].upper()}{700000 + index}",
        }])
        shipped.append(order)
        if order.webshop_id:
            # Demo history: these shops heard about their shipments long ago (the demo shop has no real address).
            Shipment.update(webshop_push_status="sent", webshop_push_attempts=1,
                            webshop_pushed_at=Shipment.shipped_at).where(Shipment.order == order).execute()
            WebshopOrder.create(client=order.client_id, webshop=webshop, foreign_id=order.foreign_id,
                                foreign_number=f"#{order.foreign_id}", status="imported", order=order)
    WebshopOrder.create(client=webshop.client_id, webshop=webshop, foreign_id="88199", foreign_number="#88199",
                        status="ignored", reason="Unknown SKU NK-GIFT-CARD: no product with this code")

    # Stock counts and damage.
    correct = stock_corrections.change_stock
    calendar.step(19, correct, products["NK-MUG-01"], warehouse, -2, "Broken in the rack", staff)
    calendar.step(11, correct, products["BL-LIP-RD"], warehouse, 12, "Found during cycle count", staff)

    # A big order that waits for stock, served by a delivery; another that still waits.
    noordzee = clients["Noordzee Koffie"]
    waiting = calendar.step(8, orders.create_order, noordzee, [(products["NK-GRD-01"], 20)], source="api",
                            fields={**RECIPIENTS[3], "reference": "HORECA-88"})
    calendar.step(8, orders.process_order, waiting, staff)
    grinder_po = calendar.step(7, purchasing.create_purchase_order, noordzee, [(products["NK-GRD-01"], 10)],
                               supplier_name="Comandante GmbH", supplier_orderid="CMD-2211")
    calendar.step(7, purchasing.mark_purchased, grinder_po, staff)
    calendar.step(3, purchasing.register_receipt, grinder_po, {grinder_po.lines.first().id: 6}, staff)

    # Orders in the other statuses.
    calendar.step(2, orders.create_order, noordzee, [(products["NK-DEC-250"], 2)], source="portal",
                  fields={**RECIPIENTS[4], "reference": "CONCEPT-1"})
    calendar.step(2, orders.create_order, clients["Bloom Cosmetics"], [(products["BL-MSK-01"], 3)], source="api",
                  fields={**RECIPIENTS[1], "reference": "PRE-ORDER-7"}, status="expected")
    paused = calendar.step(1, orders.create_order, noordzee, [(products["NK-ESP-1KG"], 3)], source="portal",
                           fields={**RECIPIENTS[2], "reference": "CHECK-ADDRESS"})
    calendar.step(1, orders.process_order, paused, staff)
    calendar.step(1, orders.pause_order, paused, "Customer asked to check the house number", staff)
    cancelled = calendar.step(1, orders.create_order, clients["Bloom Cosmetics"], [(products["BL-SER-30"], 2)],
                              source="webshop", fields={**RECIPIENTS[0], "reference": "CANCEL-ME"})
    calendar.step(1, orders.process_order, cancelled, staff)
    calendar.step(0, orders.cancel_order, cancelled, staff)
    open_order = calendar.step(0, orders.create_order, noordzee, [(products["NK-FIL-500"], 4)], source="webshop",
                               fields={**RECIPIENTS[1], "reference": "WEB-4190"})
    calendar.step(0, orders.process_order, open_order, staff)

    # Purchase orders expected and in concept.
    calendar.step(2, purchasing.create_purchase_order, clients["Bloom Cosmetics"],
                  [(products["BL-SER-30"], 200), (products["BL-CRM-50"], 100)], supplier_name="Lab Cosmetica",
                  supplier_orderid="LC-5521", delivery_date=(calendar.today + timedelta(days=9)).date())
    po = calendar.step(5, purchasing.create_purchase_order, noordzee, [(products["NK-ESP-1KG"], 150)],
                       supplier_name="Roastery Rotterdam", supplier_orderid="RR-0098",
                       delivery_date=(calendar.today + timedelta(days=4)).date())
    calendar.step(5, purchasing.mark_purchased, po, staff)

    # Returns: one received with a replacement, one announced.
    first = shipped[0]
    ret = calendar.step(26, returns.create_return, noordzee, [(products["NK-MUG-01"], 1, "Arrived broken")],
                        [(products["NK-MUG-01"], 1)], order=first, actor=staff, tracking_code="3SRET0001")
    calendar.step(24, returns.receive_return, ret, None, staff)
    calendar.step(23, returns.change_return_status, ret, status_named("completed"),
                  "Replacement mug shipped; broken mug written off.", staff)
    replacement = ret.picklists.first()
    calendar.step(23, picking.close_picklist, replacement, staff, None,
                  [{"carrier": "PostNL", "tracking_code": "3SREPL0001"}])
    calendar.step(1, returns.create_return, clients["Bloom Cosmetics"], [(products["BL-CRM-50"], 2, "Wrong shade")],
                  order=shipped[5], actor=staff, tracking_code="3SRET0002")

    calendar.step(0, backorders.serve_backorders, None, None, staff)

    for recipient in RECIPIENTS[:3]:
        AddressBookEntry.create(client=noordzee, name=recipient["delivery_name"],
                                address=recipient["delivery_address"], zipcode=recipient["delivery_zipcode"],
                                city=recipient["delivery_city"], country=recipient["delivery_country"],
                                email=recipient.get("email", ""))
    _demo_billing(noordzee, staff)
    return logins


def _demo_billing(client, staff):
    """A default rate card, a month of storage snapshots and one issued invoice, so billing has something to show."""
    from fulfilment.services import billing, customer_report

    card = billing.save_rate_card(
        name="Standard", is_default=True, per_order="0.95", per_picklist_line="0.15", per_unit_picked="0.10",
        per_shipment="4.95", per_receipt_line="0.50", per_unit_received="0.02", per_return="2.50",
        storage_per_location_day="0.0150", storage_per_unit_day="0.0020",
    )
    billing.set_shipment_rate(card, "PostNL", "NL", "3.95")
    billing.set_shipment_rate(card, "DHL", "", "5.50")
    today = billing.today_utc()
    for days_ago in range(30, 0, -1):
        billing.take_storage_snapshots(today - timedelta(days=days_ago))
    period = customer_report.make_period(today - timedelta(days=31), today)
    billing.add_one_off_charge(client, "Photographing new products", 6, "4.50", today - timedelta(days=10), staff)
    billing.issue_invoice(billing.run_billing(client, period, staff), staff)
