"""Fill a fresh database with a warehouse at a chosen scale, for the page and throughput benchmarks.

    python bench/generate.py sqlite:///tmp/bench.sqlite3 --scale 1
    python bench/generate.py postgresql://postgres@127.0.0.1:5432/bench --scale 1

``--scale 1`` is the warehouse of issue 14: 50 clients, 100,000 products, 1,000,000 orders and
5,000,000 stock-ledger rows, one client ("big") owning a fifth of everything. ``--scale 0.01``
is a hundredth (the test runs it). Rows go into the app's own tables through bulk inserts
(executemany on SQLite, COPY on PostgreSQL) in large transactions; the schema is the
app's (``migrations.upgrade()``), so the indexes are the ones the app has.

The data is valid for the app: every product's stock equals the sum of its ledger and its
allocation equals its open picklist lines; statuses agree with what exists (a completed order
has a closed picklist, a shipment and ledger lines; a processing one an open picklist and maybe
backorders; a received purchase order a receipt), and the printed logins work. Orders, picklists,
shipments and ledger lines are created in time order, so ids grow with their timestamps.
"""

import argparse
import io
import random
import sys
import time
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


from fulfilment import create_app, id_blocks, migrations, stock_totals  # noqa: E402
from fulfilment.db import database, is_sqlite, refresh_statistics  # noqa: E402
from fulfilment.models import (  # noqa: E402
    MODELS,
    AddressBookEntry,
    Backorder,
    Client,
    Order,
    OrderEvent,
    OrderLine,
    Picklist,
    PicklistLine,
    PortalUser,
    Product,
    PurchaseOrder,
    PurchaseOrderLine,
    Receipt,
    ReceiptLine,
    Return,
    ReturnedProduct,
    ReturnLog,
    ReturnStatus,
    Shipment,
    StaffUser,
    Stock,
    StockMutation,
    Warehouse,
    Webshop,
    WebshopOrder,
)
from fulfilment.search import create_search_indexes, drop_sqlite_search_indexes  # noqa: E402

PASSWORD = "bench-password"
STAFF_USERNAME = "bench-staff"
BIG_USERNAME = "big"
FULL = {"clients": 50, "products": 100_000, "orders": 1_000_000, "ledger": 5_000_000, "purchase_orders": 50_000}
BIG_SHARE = 0.2
FLUSH_EVERY = 20_000  # orders between two flushes (and commits)

FIRST_NAMES = ("Eva", "Daan", "Sanne", "Lucas", "Emma", "Noah", "Julia", "Sem", "Tess", "Finn", "Lotte", "Milan",
               "Anna", "Jesse", "Sophie", "Thijs", "Fleur", "Bram", "Mila", "Ruben")
LAST_NAMES = ("de Vries", "Jansen", "Bakker", "Visser", "Smit", "Meijer", "de Boer", "Mulder", "de Groot", "Bos",
              "Vos", "Peters", "Hendriks", "van Leeuwen", "Dekker", "Brouwer", "de Wit", "Dijkstra")
CITIES = ("Amsterdam", "Rotterdam", "Utrecht", "Haarlem", "Leiden", "Delft", "Zwolle", "Groningen", "Breda", "Gent")
STREETS = ("Tuinweg", "Kerkstraat", "Dorpsstraat", "Molenweg", "Stationsplein", "Havenkade", "Beukenlaan")
COLOURS = ("Blue", "Red", "Green", "Black", "White", "Grey", "Yellow", "Navy", "Olive", "Sand")
THINGS = ("cotton shirt", "linen trousers", "ceramic vase", "wool scarf", "canvas bag", "leather belt",
          "garden glove", "tea towel", "desk lamp", "scented candle", "notebook", "water bottle")
SIZES = ("XS", "S", "M", "L", "XL", "one size")
CARRIERS = (("PostNL", "https://postnl.nl/tracktrace/?B={}"), ("DHL", "https://dhl.com/track?code={}"),
            ("DPD", "https://tracking.dpd.de/status/{}"))


def text(value):
    """A value as the database driver takes it (timestamps as text, money as text)."""
    if isinstance(value, datetime):
        return str(value.replace(microsecond=0))
    if isinstance(value, Decimal):
        return str(value)
    return value


def _copy_value(value):
    if value is None:
        return "\\N"
    if value is True or value is False:
        return "t" if value else "f"
    return str(value)


class Loader:
    """Buffers rows per table and writes them in bulk, parents before children."""

    def __init__(self):
        self.sqlite = is_sqlite()
        self.connection = database.connection()
        self.tables = {}
        self.counts = {}

    def table(self, model, fields):
        """Rows of model given as tuples of ``fields``; every other column gets its model default."""
        columns, rest = [], []
        for field in model._meta.sorted_fields:
            if field.name in fields:
                continue
            default = field.default() if callable(field.default) else field.default
            if default is None and not field.null:
                raise ValueError(f"{model.__name__}.{field.name} needs a value")
            rest.append((field.column_name, text(default)))
        by_name = {field.name: field for field in model._meta.sorted_fields}
        columns = [by_name[name].column_name for name in fields] + [column for column, _ in rest]
        entry = {"model": model, "columns": columns, "constant": tuple(value for _, value in rest), "rows": []}
        self.tables[model] = entry
        self.counts[model] = 0
        return entry["rows"]

    def flush(self):
        with database.atomic():
            self._write()

    def _write(self):
        cursor = self.connection.cursor()
        for model in MODELS:
            entry = self.tables.get(model)
            if not entry or not entry["rows"]:
                continue
            constant = entry["constant"]
            rows = [row + constant for row in entry["rows"]]
            columns = ", ".join(f'"{column}"' for column in entry["columns"])
            table = model._meta.table_name
            if self.sqlite:
                marks = ", ".join("?" for _ in entry["columns"])
                cursor.executemany(f'INSERT INTO "{table}" ({columns}) VALUES ({marks})', rows)
            else:
                # COPY: an order of magnitude faster than INSERTs (our values hold no tab, newline or backslash).
                data = io.StringIO("".join("\t".join(_copy_value(value) for value in row) + "\n" for row in rows))
                cursor.copy_expert(f'COPY "{table}" ({columns}) FROM STDIN', data)
            self.counts[model] += len(rows)
            entry["rows"].clear()


def generate(url, scale, seed=14, out=print):
    started = time.perf_counter()
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "bench", "HUEY_IMMEDIATE": True,
                      "WEBSHOP_KEY": "YmVuY2gtb25seS13ZWJzaG9wLWtleS0zMi1ieXRlcy4="})
    with app.app_context():
        database.connect(reuse_if_open=True)
        migrations.upgrade()
        if Client.select().exists() or Order.select().exists():
            raise SystemExit(f"{url} already holds data: generate into a fresh database.")
        logins = _fill(scale, random.Random(seed), out)
        from fulfilment.services.accounts import create_api_key

        big = Client.get(Client.name == "Big Webshop")
        _, staff_key = create_api_key("Benchmark (staff)", actor="bench")
        _, big_key = create_api_key("Benchmark (big client)", client=big, actor="bench")
        logins["api_keys"] = {"staff": staff_key, "big": big_key}
        out("counting rows per block of ids ...")
        id_blocks.seal()
        out("totalling each product's stock ...")  # loaded without PostgreSQL's triggers
        stock_totals.recount()
        out("analysing ...")
        if not refresh_statistics():  # SQLite: a sampled ANALYZE, as init-db and the worker run it
            database.execute_sql("ANALYZE")
        problems = verify()
        database.close()
    out(f"done in {time.perf_counter() - started:.0f} s")
    if problems:
        raise SystemExit("generated data is inconsistent: " + "; ".join(problems))
    return logins


def _fill(scale, rng, out):
    sizes = {name: max(1, round(n * scale)) for name, n in FULL.items()}
    n_clients = max(10, min(FULL["clients"], round(FULL["clients"] * scale)))
    sqlite = is_sqlite()
    if sqlite:
        database.execute_sql("PRAGMA foreign_keys = OFF")
        database.execute_sql("PRAGMA synchronous = OFF")
        database.execute_sql("PRAGMA cache_size = -200000")
        drop_sqlite_search_indexes(database)  # rebuilt at the end, in one statement per table
    else:
        database.execute_sql("SET session_replication_role = replica")  # no FK triggers while loading
    loader = Loader()
    warehouse_id = Warehouse.default().id
    statuses = {s.name: s.id for s in ReturnStatus.select()}
    now = datetime.utcnow().replace(microsecond=0)
    start = now - timedelta(days=730)
    from fulfilment.services.accounts import hash_password

    password_hash = hash_password(PASSWORD)

    # --- clients, logins, webshops, address books -----------------------------------------
    clients = loader.table(Client, ("id", "name", "email", "product_management", "created_at"))
    portal_users = loader.table(PortalUser, ("id", "client", "username", "password_hash", "notification_email"))
    webshops = loader.table(Webshop, ("id", "client", "platform", "name", "url"))
    addresses = loader.table(AddressBookEntry, ("id", "client", "name", "address", "zipcode", "city", "email"))
    staff = loader.table(StaffUser, ("id", "username", "password_hash", "is_admin"))
    staff.append((1, STAFF_USERNAME, password_hash, True))
    usernames = {}
    for c in range(1, n_clients + 1):
        name = "Big Webshop" if c == 1 else f"Webshop {c:02d}"
        username = BIG_USERNAME if c == 1 else f"client{c:02d}"
        usernames[c] = username
        clients.append((c, name, f"info@webshop{c:02d}.example", c % 2 == 1, text(start)))
        portal_users.append((c, c, username, password_hash, f"ops@webshop{c:02d}.example"))
        webshops.append((c, c, "woocommerce" if c % 2 else "shopify", f"Shop of {name}",
                         f"https://shop{c:02d}.example"))
        for a in range(20):
            addresses.append((c * 100 + a, c, f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}",
                              f"{rng.choice(STREETS)} {a + 1}", f"{1000 + a * 37} AB", rng.choice(CITIES),
                              f"address{a}@example.com"))

    def client_of_row():
        return 1 if rng.random() < BIG_SHARE else rng.randint(2, n_clients)

    # --- products: a fifth to the big client, the rest spread over the others -----------------
    products = loader.table(Product, ("id", "client", "product_code", "name", "barcode", "price",
                                      "fixed_stock_price", "active", "created_at"))
    n_products = sizes["products"]
    big_products = round(n_products * BIG_SHARE)
    ranges, next_id = {}, 1
    for c in range(1, n_clients + 1):
        count = big_products if c == 1 else (n_products - big_products) // (n_clients - 1)
        ranges[c] = (next_id, next_id + count)
        for k in range(count):
            pid = next_id + k
            price = Decimal(rng.randint(299, 9999)) / 100
            products.append((pid, c, f"SKU-{c:02d}-{k:06d}",
                             f"{rng.choice(COLOURS)} {rng.choice(THINGS)} {rng.choice(SIZES)}",
                             f"87{pid:011d}", str(price), str((price * Decimal("0.4")).quantize(Decimal("0.01"))),
                             k % 50 != 49, text(start)))
        next_id += count
    product_client = {}
    for c, (lo, hi) in ranges.items():
        for pid in range(lo, hi):
            product_client[pid] = c
    max_pid = next_id
    on_hand = [0] * max_pid
    allocated = [0] * max_pid
    loader.flush()
    out(f"{n_clients} clients, {max_pid - 1} products")

    # --- the timeline: orders, with purchase orders, corrections and returns in between -------
    orders = loader.table(Order, (
        "id", "client", "number", "reference", "status", "source", "webshop", "foreign_id", "foreign_number",
        "warehouse", "delivery_name", "delivery_address", "delivery_zipcode", "delivery_city", "delivery_country",
        "email", "created_at", "updated_at", "processed_at", "completed_at", "cancelled_at"))
    order_lines = loader.table(OrderLine, ("id", "client", "order", "product", "amount", "price"))
    events = loader.table(OrderEvent, ("id", "client", "order", "status", "message", "actor", "created_at"))
    backorders = loader.table(Backorder, ("id", "client", "order", "order_line", "product", "warehouse", "amount",
                                          "created_at"))
    picklists = loader.table(Picklist, ("id", "client", "number", "order", "warehouse", "status", "delivery_name",
                                        "delivery_address", "delivery_zipcode", "delivery_city", "delivery_country",
                                        "created_at", "closed_at", "closed_by", "units"))
    picklist_lines = loader.table(PicklistLine, ("id", "client", "picklist", "product", "order_line", "amount",
                                                 "amount_picked"))
    shipments = loader.table(Shipment, ("id", "client", "picklist", "order", "carrier", "tracking_code",
                                                "tracking_url", "shipped_at", "webshop_push_status",
                                                "webshop_push_attempts", "webshop_pushed_at"))
    ledger = loader.table(StockMutation, ("id", "client", "product", "warehouse", "old_stock", "change", "new_stock",
                                          "change_type", "reason", "picklist", "receipt", "return_", "actor",
                                          "created_at"))
    seen = loader.table(WebshopOrder, ("id", "client", "webshop", "foreign_id", "foreign_number", "status", "order",
                                       "created_at", "updated_at"))
    purchase_orders = loader.table(PurchaseOrder, ("id", "client", "number", "supplier_name", "supplier_orderid",
                                                   "delivery_date", "status", "warehouse", "created_at",
                                                   "updated_at", "purchased_at", "cancelled_at"))
    po_lines = loader.table(PurchaseOrderLine, ("id", "client", "purchase_order", "product", "amount",
                                                "amount_received", "price"))
    receipts = loader.table(Receipt, ("id", "client", "purchase_order", "number", "status", "actor", "created_at",
                                      "completed_at"))
    receipt_lines = loader.table(ReceiptLine, ("id", "client", "receipt", "purchase_order_line", "product",
                                               "amount", "created_at"))
    returns = loader.table(Return, ("id", "client", "number", "order", "status", "name", "address", "zipcode",
                                    "city", "country", "email", "tracking_code", "warehouse", "created_at",
                                    "updated_at", "received_at", "completed_at"))
    returned = loader.table(ReturnedProduct, ("id", "client", "return_", "product", "amount", "amount_received",
                                              "reason"))
    return_logs = loader.table(ReturnLog, ("id", "client", "return_", "status", "message", "actor", "created_at"))

    ids = dict.fromkeys(("line", "event", "backorder", "picklist", "picklist_line", "shipment", "ledger", "seen",
                         "po", "po_line", "receipt", "receipt_line", "return", "returned", "return_log"), 0)

    def next_id(kind):
        ids[kind] += 1
        return ids[kind]

    def book(client, product, change, change_type, at, reason="", picklist=None, receipt=None, return_=None,
             actor="system"):
        old = on_hand[product]
        on_hand[product] = old + change
        ledger.append((next_id("ledger"), client, product, warehouse_id, old, change, old + change, change_type,
                       reason, picklist, receipt, return_, actor, at))

    def restock(client, product, needed, at):
        """A count that finds the units a shipment needs (the ledger never goes below zero)."""
        if on_hand[product] - allocated[product] < needed:
            book(client, product, needed + rng.randint(20, 200), "manual", at, "Stock count", actor="staff")

    def _purchase_order(c, at, progress):
        """A purchase order of 1-15 products; older ones received (a receipt, stock booked)."""
        po_id = next_id("po")
        lo, hi = ranges[c]
        roll = rng.random()
        if progress < 0.95:
            status = "cancelled" if roll < 0.1 else "received"
        else:
            status = "purchased" if roll < 0.5 else "concept" if roll < 0.8 else "received"
        delivery = (datetime.fromisoformat(at[0]) + timedelta(days=7)).date().isoformat()
        purchase_orders.append((po_id, c, f"PO{po_id:06d}", f"Supplier {rng.randint(1, 40)}",
                                f"SO-{rng.randint(0, 10**7):07d}", delivery, status, warehouse_id, at[0], at[6],
                                at[1] if status != "concept" else None, at[6] if status == "cancelled" else None))
        chosen = {rng.randrange(lo, hi) for _ in range(rng.randint(1, 15))}
        receipt_id = None
        if status == "received":
            receipt_id = next_id("receipt")
            receipts.append((receipt_id, c, po_id, f"R{receipt_id:06d}", "completed", "staff", at[6], at[6]))
        for product in sorted(chosen):
            line_id = next_id("po_line")
            amount = rng.randint(10, 200)
            po_lines.append((line_id, c, po_id, product, amount, amount if receipt_id else 0, "4.50"))
            if receipt_id:
                receipt_lines.append((next_id("receipt_line"), c, receipt_id, line_id, product, amount, at[6]))
                book(c, product, amount, "receipt", at[6], f"Receipt R{receipt_id:06d}", receipt=receipt_id,
                     actor="staff")

    def _return(c, oid, line, name, street, zipcode, city, at, statuses):
        """A return of one unit of a shipped order: announced, received or completed."""
        return_id = next_id("return")
        _, product, _ = line
        state = rng.choice(("announced", "received", "completed"))
        received = state in ("received", "completed")
        returns.append((return_id, c, f"RT{return_id:06d}", oid, statuses[state], name, street, zipcode, city, "NL",
                        "", f"RET{return_id:08d}", warehouse_id, at[7], at[8], at[8] if received else None,
                        at[9] if state == "completed" else None))
        returned.append((next_id("returned"), c, return_id, product, 1, 1 if received else 0, "Does not fit"))
        return_logs.append((next_id("return_log"), c, return_id, statuses["announced"], "Return announced", "system",
                            at[7]))
        if received:
            book(c, product, 1, "return", at[8], f"Return RT{return_id:06d}", return_=return_id, actor="staff")
            return_logs.append((next_id("return_log"), c, return_id, statuses[state], "Received", "staff", at[8]))

    n_orders = sizes["orders"]
    n_purchase = sizes["purchase_orders"]
    target_ledger = sizes["ledger"]
    step = (now - timedelta(hours=2) - start) / n_orders
    po_every = n_orders / n_purchase
    next_po = 0.0
    for i in range(n_orders):
        oid = i + 1
        created = start + step * i
        at = [text(created + step * (k / 10)) for k in range(10)]
        c = client_of_row()
        lo, hi = ranges[c]
        recent = i >= n_orders * 0.97
        roll = rng.random()
        if not recent:
            status = "cancelled" if roll < 0.03 else "completed"
        else:
            status = ("processing" if roll < 0.55 else "concept" if roll < 0.70 else "paused" if roll < 0.75
                      else "expected" if roll < 0.80 else "completed")
        webshop = rng.random() < 0.5
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        name = f"{first} {last}"
        city = rng.choice(CITIES)
        street = f"{rng.choice(STREETS)} {rng.randint(1, 300)}"
        zipcode = f"{rng.randint(1000, 9999)} {chr(65 + rng.randint(0, 25))}{chr(65 + rng.randint(0, 25))}"
        processed = at[1] if status in ("processing", "paused", "completed") else None
        orders.append((
            oid, c, f"O{oid:06d}", f"REF-{rng.randint(0, 10**9):09d}", status, "webshop" if webshop else "api",
            c if webshop else None, str(oid) if webshop else None, f"#{100000 + oid}" if webshop else "",
            warehouse_id, name, street, zipcode, city, "NL", f"{first.lower()}.{oid}@example.com",
            at[0], at[3] if status != "concept" else at[0], processed,
            at[3] if status == "completed" else None, at[1] if status == "cancelled" else None))
        events.append((next_id("event"), c, oid, "created", "Order created", "system", at[0]))
        if webshop:
            seen.append((next_id("seen"), c, c, str(oid), f"#{100000 + oid}", "imported", oid, at[0], at[0]))
        lines = []
        for _ in range(1 if rng.random() < 0.7 else rng.randint(2, 4)):
            product = rng.randrange(lo, hi)
            if any(product == p for _, p, _ in lines):
                continue
            line_id = next_id("line")
            amount = 1 if rng.random() < 0.8 else rng.randint(2, 5)
            lines.append((line_id, product, amount))
            order_lines.append((line_id, c, oid, product, amount, "9.95"))
        if status == "cancelled":
            events.append((next_id("event"), c, oid, "cancelled", "Cancelled", "system", at[1]))
        elif status in ("processing", "paused", "completed"):
            events.append((next_id("event"), c, oid, "processing", "Processed", "system", at[1]))
            pick_id = next_id("picklist")
            closed = status == "completed"
            # An open picklist holds what could be reserved: a quarter of its lines are one unit short.
            shorts = [False if closed else rng.random() < 0.25 for _line in lines]
            units = sum(amount - short for (_line, _product, amount), short in zip(lines, shorts, strict=True))
            picklists.append((pick_id, c, f"P{pick_id:06d}", oid, warehouse_id, "closed" if closed else "new", name,
                              street, zipcode, city, "NL", at[1], at[3] if closed else None,
                              "staff" if closed else "", units))
            for (line_id, product, amount), short in zip(lines, shorts, strict=True):
                if closed:
                    restock(c, product, amount, at[2])
                    picklist_lines.append((next_id("picklist_line"), c, pick_id, product, line_id, amount, amount))
                    book(c, product, -amount, "picklist", at[3], "Shipped", picklist=pick_id)
                else:
                    reserve = amount - 1 if short else amount
                    if reserve:
                        restock(c, product, reserve, at[2])
                        allocated[product] += reserve
                        picklist_lines.append((next_id("picklist_line"), c, pick_id, product, line_id, reserve, 0))
                    if short:
                        backorders.append((next_id("backorder"), c, oid, line_id, product, warehouse_id, 1, at[1]))
            if closed:
                carrier, url = CARRIERS[oid % len(CARRIERS)]
                code = f"3S{oid:012d}"
                shipments.append((next_id("shipment"), c, pick_id, oid, carrier, code, url.format(code), at[3],
                                  "sent" if webshop else "", 1 if webshop else 0, at[4] if webshop else None))
                events.append((next_id("event"), c, oid, "completed", "Completed: everything shipped", "system",
                               at[3]))
                if rng.random() < 0.005:
                    _return(c, oid, lines[0], name, street, zipcode, city, at, statuses)
        if status == "paused":
            events.append((next_id("event"), c, oid, "paused", "Paused: address check", "staff", at[2]))
        # purchase orders arrive at their own pace
        while next_po <= i:
            next_po += po_every
            _purchase_order(client_of_row(), at, i / n_orders)
        # cycle counts fill the ledger up to its size, spread over time
        while ids["ledger"] < target_ledger * (i + 1) / n_orders:
            cc = client_of_row()
            clo, chi = ranges[cc]
            product = rng.randrange(clo, chi)
            free = on_hand[product] - allocated[product]
            change = rng.randint(-min(free, 3), 5) or 1
            book(cc, product, change, "correction", at[5], "Cycle count", actor="staff")
        if oid % FLUSH_EVERY == 0:
            loader.flush()
            out(f"{oid} orders, {ids['ledger']} ledger rows")

    # stock rows: what the ledger says, with the open picklists' allocation
    stock = loader.table(Stock, ("id", "client", "product", "warehouse", "stock", "allocated"))
    last = text(now - timedelta(hours=1))
    for pid in range(1, max_pid):
        if on_hand[pid] < allocated[pid]:
            book(product_client[pid], pid, allocated[pid] - on_hand[pid], "manual", last, "Stock count",
                 actor="staff")
        stock.append((pid, product_client[pid], pid, warehouse_id, on_hand[pid], allocated[pid]))
    loader.flush()
    if not sqlite:
        database.execute_sql("SET session_replication_role = DEFAULT")
        for model in MODELS:
            table = model._meta.table_name
            database.execute_sql(
                f"SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'), "
                f"COALESCE((SELECT MAX(id) FROM \"{table}\"), 0) + 1, false)")
    else:
        out("building the search indexes ...")
        create_search_indexes(database)
        database.execute_sql("PRAGMA foreign_keys = ON")
    out(", ".join(f"{model.__name__} {count}" for model, count in loader.counts.items()))
    return {"password": PASSWORD, "staff": STAFF_USERNAME, "big": BIG_USERNAME,
            "small": usernames[n_clients], "clients": n_clients}


def verify():
    """What the app relies on, checked over the whole database; returns the problems found."""
    problems = []
    cursor = database.execute_sql(
        'SELECT COUNT(*) FROM "stock" s LEFT JOIN (SELECT product_id, warehouse_id, SUM(change) AS total '
        'FROM "stock_mutation" GROUP BY product_id, warehouse_id) m '
        "ON m.product_id = s.product_id AND m.warehouse_id = s.warehouse_id "
        "WHERE s.stock <> COALESCE(m.total, 0)")
    if cursor.fetchone()[0]:
        problems.append("stock differs from its ledger")
    cursor = database.execute_sql(
        'SELECT COUNT(*) FROM "stock" s LEFT JOIN (SELECT l.product_id, SUM(l.amount) AS total '
        'FROM "picklist_line" l JOIN "picklist" p ON p.id = l.picklist_id WHERE p.status = \'new\' '
        "GROUP BY l.product_id) a ON a.product_id = s.product_id WHERE s.allocated <> COALESCE(a.total, 0)")
    if cursor.fetchone()[0]:
        problems.append("allocation differs from the open picklists")
    cursor = database.execute_sql(
        'SELECT COUNT(*) FROM "order" o WHERE o.status = \'completed\' AND NOT EXISTS '
        '(SELECT 1 FROM "shipment" s WHERE s.order_id = o.id)')
    if cursor.fetchone()[0]:
        problems.append("completed orders without a shipment")
    cursor = database.execute_sql(
        'SELECT COUNT(*) FROM "picklist" p WHERE p.units <> '
        '(SELECT COALESCE(SUM(l.amount), 0) FROM "picklist_line" l WHERE l.picklist_id = p.id)')
    if cursor.fetchone()[0]:
        problems.append("picklists whose units differ from their lines")
    if miscounted := id_blocks.miscounted_tables():
        problems.append("rows per block of ids miscounted in " + ", ".join(miscounted))
    if stock_totals.miscounted_products():
        problems.append("product stock totals differ from their stock rows")
    return problems


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("database_url", help="sqlite:///path/to/file.sqlite3 or postgresql://user@host:5432/name")
    parser.add_argument("--scale", type=float, default=1.0, help="1 = 1,000,000 orders; 0.01 for tests")
    parser.add_argument("--seed", type=int, default=14)
    args = parser.parse_args(argv)
    logins = generate(args.database_url, args.scale, args.seed)
    print(f"Logins (password {logins['password']!r} for all):")
    print(f"  back office /admin:        {logins['staff']}")
    print(f"  portal, the big client:    {logins['big']}")
    print(f"  portal, a small client:    {logins['small']} (and client02 … client{logins['clients']:02d})")
    print(f"  API key (staff):           {logins['api_keys']['staff']}")
    print(f"  API key (big client):      {logins['api_keys']['big']}")


if __name__ == "__main__":
    main()
