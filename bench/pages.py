"""Time every portal, back-office and API page next to the raw SQL that fetches the same rows.

    python bench/generate.py sqlite:////tmp/bench.sqlite3 --scale 1     # once
    python bench/pages.py sqlite:////tmp/bench.sqlite3 [--requests 30] [--only orders]

Logs in (Flask's test client, in this process: no network, no server) as the big client, as a
small client and as staff, and requests each page: first, deep and last page of each list, each
filter and each search, and every details page. Per page it prints p50 and p95 over --requests
requests (after two warm-up requests), the queries one request runs, and p50/p95 of the raw SQL
that reads the same rows (through the database driver, no ORM, no template) in the same run.
The goal of issue 14: p95 <= 25 ms at scale 1 on SQLite and <= 2x the raw SQL.
"""

import argparse
import logging
import statistics
import sys
import time
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from fulfilment import create_app  # noqa: E402
from fulfilment.db import database, open_database  # noqa: E402
from fulfilment.models import Client  # noqa: E402

PASSWORD = "bench-password"
PORTAL_PAGE = 25
ADMIN_PAGE = 50
API_PAGE = 100


@dataclass
class Page:
    label: str
    url: str
    sql: str = ""  # the raw SQL of the same rows; "" when there is none worth naming
    params: tuple = ()
    auth: dict = None  # extra request options (the API's basic auth)
    cold: bool = False  # the API's offset checkpoints forgotten before each request (a first visit)


class QueryCounter(logging.Handler):
    def __init__(self):
        super().__init__(logging.DEBUG)
        self.count = 0

    def emit(self, record):
        self.count += 1


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


class Raw:
    """Hand-written SQL through the bare driver, on a connection of its own."""

    def __init__(self, url):
        self.db = open_database(url)
        self.db.connect()
        self.connection = self.db.connection()
        self.postgres = not url.startswith("sqlite")

    def run(self, sql, params=()):
        if self.postgres:
            sql = sql.replace("?", "%s")
        cursor = self.connection.cursor()
        cursor.execute(sql, params)
        rows = cursor.fetchall()
        if self.postgres:
            self.connection.rollback()
        return rows

    def value(self, sql, params=()):
        rows = self.run(sql, params)
        return rows[0][0] if rows and rows[0] else None


def last_offset(count, size):
    return max(0, (count - 1) // size * size)


def portal_pages(raw, client_id):
    """Every portal page of one client, with the raw SQL of its rows."""
    c = (client_id,)
    pages = []
    products = raw.value('SELECT COUNT(*) FROM "product" WHERE client_id = ?', c)
    product_sql = ('SELECT p.*, s.stock, s.stock - s.allocated FROM "product" p LEFT JOIN "stock" s '
                   'ON s.product_id = p.id WHERE p.client_id = ? {where} ORDER BY p.product_code '
                   'LIMIT 25 OFFSET {offset}')
    code = raw.value('SELECT product_code FROM "product" WHERE client_id = ? ORDER BY id LIMIT 1 OFFSET 7', c)
    like = ("AND (p.product_code LIKE ? OR p.name LIKE ? OR p.barcode LIKE ?)")
    pages += [
        Page("products, page 1", "/fulfilmentportal/products", product_sql.format(where="", offset=0), c),
        Page("products, deep page", f"/fulfilmentportal/products?page={products // PORTAL_PAGE // 2 + 1}",
             product_sql.format(where="", offset=products // PORTAL_PAGE // 2 * PORTAL_PAGE), c),
        Page("products, last page", "/fulfilmentportal/products?page=1000000",
             product_sql.format(where="", offset=last_offset(products, PORTAL_PAGE)), c),
        Page("products, sort by free stock", "/fulfilmentportal/products?sort=-free",
             product_sql.format(where="", offset=0).replace("ORDER BY p.product_code",
                                                             "ORDER BY s.stock - s.allocated DESC, p.product_code"), c),
        Page("products, filter low stock", "/fulfilmentportal/products?stock=low",
             product_sql.format(where="AND p.active AND s.stock - s.allocated <= 5", offset=0), c),
        Page(f"products, search code {code}", f"/fulfilmentportal/products?q={code}",
             product_sql.format(where=like, offset=0), c + (f"%{code}%",) * 3),
        Page("products, search 'blue scarf'", "/fulfilmentportal/products?q=blue+scarf",
             product_sql.format(where=like, offset=0), c + ("%blue scarf%",) * 3),
    ]
    product = raw.value('SELECT product_id FROM "stock_mutation" WHERE client_id = ? ORDER BY id DESC LIMIT 1', c)
    history = raw.value('SELECT COUNT(*) FROM "stock_mutation" WHERE product_id = ?', (product,))
    history_sql = ('SELECT m.*, w.name FROM "stock_mutation" m JOIN "warehouse" w ON w.id = m.warehouse_id '
                   "WHERE m.client_id = ? AND m.product_id = ? ORDER BY m.created_at DESC, m.id DESC "
                   "LIMIT 25 OFFSET {offset}")
    pages += [
        Page("product page", f"/fulfilmentportal/products/{product}", history_sql.format(offset=0),
             (client_id, product)),
        Page(f"product page, history last page ({history} rows)", f"/fulfilmentportal/products/{product}?page=100000",
             history_sql.format(offset=last_offset(history, PORTAL_PAGE)), (client_id, product)),
    ]
    orders = raw.value('SELECT COUNT(*) FROM "order" WHERE client_id = ?', c)
    order_sql = ('SELECT o.* FROM "order" o WHERE o.client_id = ? {where} '
                 "ORDER BY o.created_at DESC, o.id DESC LIMIT 25 OFFSET {offset}")
    reference = raw.value('SELECT reference FROM "order" WHERE client_id = ? ORDER BY id LIMIT 1 OFFSET 100', c)
    number = raw.value('SELECT number FROM "order" WHERE client_id = ? ORDER BY id LIMIT 1 OFFSET 200', c)
    contains = ("AND (o.number LIKE ? OR o.reference LIKE ? OR o.foreign_number LIKE ? OR o.delivery_name LIKE ? "
                "OR o.delivery_contact_name LIKE ? OR o.email LIKE ?)")
    pages += [
        Page("orders, page 1", "/fulfilmentportal/orders", order_sql.format(where="", offset=0), c),
        Page("orders, page 100", "/fulfilmentportal/orders?page=100", order_sql.format(where="", offset=99 * 25), c),
        Page("orders, last page", "/fulfilmentportal/orders?page=1000000",
             order_sql.format(where="", offset=last_offset(orders, PORTAL_PAGE)), c),
        Page("orders, status processing", "/fulfilmentportal/orders?status=processing",
             order_sql.format(where="AND o.status = 'processing'", offset=0), c),
        Page("orders, source api", "/fulfilmentportal/orders?source=api",
             order_sql.format(where="AND o.source = 'api'", offset=0), c),
        Page("orders, search by reference", f"/fulfilmentportal/orders?q={reference}",
             order_sql.format(where=contains, offset=0), c + (f"%{reference}%",) * 6),
        Page("orders, search by number", f"/fulfilmentportal/orders?q={number}",
             order_sql.format(where=contains, offset=0), c + (f"%{number}%",) * 6),
        Page("orders, search 'jansen'", "/fulfilmentportal/orders?q=jansen",
             order_sql.format(where=contains, offset=0), c + ("%jansen%",) * 6),
    ]
    order = raw.value('SELECT MAX(o.id) FROM "order" o WHERE o.client_id = ? AND o.status = \'completed\'', c)
    pages.append(Page("order page", f"/fulfilmentportal/orders/{order}",
                      'SELECT o.*, l.*, e.*, p.*, s.* FROM "order" o JOIN "order_line" l ON l.order_id = o.id '
                      'LEFT JOIN "order_event" e ON e.order_id = o.id LEFT JOIN "picklist" p ON p.order_id = o.id '
                      'LEFT JOIN "shipment" s ON s.order_id = o.id WHERE o.client_id = ? AND o.id = ?',
                      (client_id, order)))
    shipped = raw.value('SELECT COUNT(*) FROM "picklist" WHERE client_id = ? AND status = \'closed\'', c)
    shipment_sql = ('SELECT p.*, o.number, o.reference FROM "picklist" p LEFT JOIN "order" o ON o.id = p.order_id '
                    "WHERE p.client_id = ? AND p.status = 'closed' {where} "
                    "ORDER BY p.closed_at DESC, p.id DESC LIMIT 25 OFFSET {offset}")
    tracking = raw.value('SELECT tracking_code FROM "shipment" WHERE client_id = ? ORDER BY id LIMIT 1 OFFSET 50', c)
    picklist = raw.value('SELECT MAX(id) FROM "picklist" WHERE client_id = ? AND status = \'closed\'', c)
    pages += [
        Page("shipments, page 1", "/fulfilmentportal/shipments", shipment_sql.format(where="", offset=0), c),
        Page("shipments, last page", "/fulfilmentportal/shipments?page=1000000",
             shipment_sql.format(where="", offset=last_offset(shipped, PORTAL_PAGE)), c),
        Page("shipments, search tracking code", f"/fulfilmentportal/shipments?q={tracking}",
             shipment_sql.format(where="AND p.id IN (SELECT picklist_id FROM shipment WHERE client_id = ? "
                                 "AND tracking_code LIKE ?)", offset=0), c + (client_id, f"%{tracking}%")),
        Page("shipment page", f"/fulfilmentportal/shipments/{picklist}",
             'SELECT p.*, l.*, s.* FROM "picklist" p JOIN "picklist_line" l ON l.picklist_id = p.id '
             'LEFT JOIN "shipment" s ON s.picklist_id = p.id WHERE p.client_id = ? AND p.id = ?',
             (client_id, picklist)),
        Page("backorders, page 1", "/fulfilmentportal/backorders",
             'SELECT b.*, p.product_code, p.name, o.number, s.stock - s.allocated FROM "backorder" b '
             'JOIN "product" p ON p.id = b.product_id JOIN "order" o ON o.id = b.order_id '
             'LEFT JOIN "stock" s ON s.product_id = b.product_id WHERE b.client_id = ? '
             "ORDER BY b.created_at, b.id LIMIT 25", c),
    ]
    purchase_orders = raw.value('SELECT COUNT(*) FROM "purchase_order" WHERE client_id = ?', c)
    po_sql = ('SELECT * FROM "purchase_order" WHERE client_id = ? ORDER BY created_at DESC, id DESC '
              "LIMIT 25 OFFSET {offset}")
    purchase_order = raw.value('SELECT MAX(id) FROM "purchase_order" WHERE client_id = ? AND status = \'received\'', c)
    return_id = raw.value('SELECT MAX(id) FROM "return" WHERE client_id = ?', c)
    pages += [
        Page("purchase orders, page 1", "/fulfilmentportal/purchase-orders", po_sql.format(offset=0), c),
        Page("purchase orders, last page", "/fulfilmentportal/purchase-orders?page=1000000",
             po_sql.format(offset=last_offset(purchase_orders, PORTAL_PAGE)), c),
        Page("purchase order page", f"/fulfilmentportal/purchase-orders/{purchase_order}",
             'SELECT po.*, l.*, r.* FROM "purchase_order" po '
             'JOIN "purchase_order_line" l ON l.purchase_order_id = po.id '
             'LEFT JOIN "receipt" r ON r.purchase_order_id = po.id WHERE po.client_id = ? AND po.id = ?',
             (client_id, purchase_order)),
        Page("returns, page 1", "/fulfilmentportal/returns",
             'SELECT r.* FROM "return" r WHERE r.client_id = ? ORDER BY r.created_at DESC, r.id DESC LIMIT 25', c),
        Page("dashboard", "/fulfilmentportal/"),
        Page("webshops", "/fulfilmentportal/webshops"),
    ]
    if return_id:
        pages.append(Page("return page", f"/fulfilmentportal/returns/{return_id}",
                          'SELECT r.*, p.*, l.* FROM "return" r JOIN "returned_product" p ON p.return_id = r.id '
                          'LEFT JOIN "return_log" l ON l.return_id = r.id WHERE r.client_id = ? AND r.id = ?',
                          (client_id, return_id)))
    return pages


def admin_filter(view, column, operation="equals"):
    """The URL argument of the view's filter on column (flt0_<index>)."""
    for index, flt in enumerate(view._filters):
        if getattr(flt, "column", None) is column and flt.operation() == operation:
            return f"flt0_{view.get_filter_arg(index, flt)}"
    raise LookupError(f"{view.name} has no {operation} filter on {column}")


def admin_pages(raw, app, big_client_name):
    views = {view.endpoint: view for view in app.extensions["admin"][0]._views}
    pages = []
    # the rows the list shows, with the related rows it names (LEFT JOINs: the list's table drives)
    joined = {
        "order": ('SELECT o.*, c.name, w.name FROM "order" o LEFT JOIN "client" c ON c.id = o.client_id '
                  'LEFT JOIN "webshop" w ON w.id = o.webshop_id {where} ORDER BY o.id DESC LIMIT 50 OFFSET {offset}'),
        "product": ('SELECT p.*, c.name FROM "product" p LEFT JOIN "client" c ON c.id = p.client_id {where} '
                    "ORDER BY p.id DESC LIMIT 50 OFFSET {offset}"),
        "stockmutation": ('SELECT m.*, c.name, p.product_code, w.name FROM "stock_mutation" m '
                          'LEFT JOIN "client" c ON c.id = m.client_id LEFT JOIN "product" p ON p.id = m.product_id '
                          'LEFT JOIN "warehouse" w ON w.id = m.warehouse_id {where} '
                          "ORDER BY m.id DESC LIMIT 50 OFFSET {offset}"),
        "picklist": ('SELECT p.*, c.name, o.number FROM "picklist" p LEFT JOIN "client" c ON c.id = p.client_id '
                     'LEFT JOIN "order" o ON o.id = p.order_id {where} ORDER BY p.id DESC LIMIT 50 OFFSET {offset}'),
        "shipment": ('SELECT s.*, c.name, p.number, o.number FROM "shipment" s '
                     'LEFT JOIN "client" c ON c.id = s.client_id '
                     'LEFT JOIN "picklist" p ON p.id = s.picklist_id LEFT JOIN "order" o ON o.id = s.order_id {where} '
                     "ORDER BY s.id DESC LIMIT 50 OFFSET {offset}"),
        "orderline": ('SELECT l.*, o.number, c.name, p.product_code FROM "order_line" l '
                      'LEFT JOIN "order" o ON o.id = l.order_id '
                      'LEFT JOIN "client" c ON c.id = l.client_id LEFT JOIN "product" p ON p.id = l.product_id {where} '
                      "ORDER BY l.id DESC LIMIT 50 OFFSET {offset}"),
        "purchaseorder": ('SELECT po.*, c.name FROM "purchase_order" po '
                          'LEFT JOIN "client" c ON c.id = po.client_id {where} '
                          "ORDER BY po.id DESC LIMIT 50 OFFSET {offset}"),
        "backorder": ('SELECT b.*, c.name, o.number, p.product_code FROM "backorder" b '
                      'LEFT JOIN "client" c ON c.id = b.client_id '
                      'LEFT JOIN "order" o ON o.id = b.order_id LEFT JOIN "product" p ON p.id = b.product_id {where} '
                      "ORDER BY b.id LIMIT 50 OFFSET {offset}"),
        "webshoporder": ('SELECT x.*, c.name FROM "webshop_order" x LEFT JOIN "client" c ON c.id = x.client_id {where} '
                         "ORDER BY x.id DESC LIMIT 50 OFFSET {offset}"),
    }
    aliases = {"order": "o", "product": "p", "stockmutation": "m", "picklist": "p", "shipment": "s",
               "orderline": "l", "purchaseorder": "po", "backorder": "b", "webshoporder": "x"}
    tables = {"order": "order", "product": "product", "stockmutation": "stock_mutation", "picklist": "picklist",
              "shipment": "shipment", "orderline": "order_line", "purchaseorder": "purchase_order",
              "backorder": "backorder", "webshoporder": "webshop_order"}
    for endpoint, sql in joined.items():
        view = views[endpoint]
        count = raw.value(f'SELECT COUNT(*) FROM "{tables[endpoint]}"')
        last = max(0, (count - 1) // ADMIN_PAGE)
        deep = min(last, 50_000) if count > 50 * 50_000 else last // 2
        base = f"/admin/{endpoint}/"
        a = aliases[endpoint]
        pages += [
            Page(f"admin {endpoint}, page 1", base, sql.format(where="", offset=0)),
            Page(f"admin {endpoint}, page {deep + 1}", f"{base}?page={deep}", sql.format(where="", offset=deep * 50)),
            Page(f"admin {endpoint}, last page", f"{base}?page={last}", sql.format(where="", offset=last * 50)),
        ]
        from fulfilment.models import Client as ClientModel

        try:
            flt = admin_filter(view, ClientModel.name)
            pages.append(Page(f"admin {endpoint}, filter client", f"{base}?{flt}={big_client_name.replace(' ', '+')}",
                              sql.format(where="WHERE c.name = ?", offset=0), (big_client_name,)))
        except LookupError:
            pass
        status_field = view.model._meta.fields.get("status")
        if status_field is not None and not hasattr(status_field, "rel_model"):
            try:
                flt = admin_filter(view, status_field)
                value = raw.value(f'SELECT status FROM "{tables[endpoint]}" ORDER BY id LIMIT 1')
                pages.append(Page(f"admin {endpoint}, filter status {value}", f"{base}?{flt}={value}",
                                  sql.format(where=f"WHERE {a}.status = ?", offset=0), (value,)))
            except LookupError:
                pass
        searchable = [getattr(f, "name", f) for f in (view.column_searchable_list or ())]
        if searchable:
            column = searchable[0]
            value = raw.value(f'SELECT "{column}" FROM "{tables[endpoint]}" ORDER BY id LIMIT 1 OFFSET 1000')
            if value:
                condition = " OR ".join(f"{a}.{name} LIKE ?" for name in searchable)
                pages.append(Page(f"admin {endpoint}, search {column}", f"{base}?search={value}",
                                  sql.format(where=f"WHERE ({condition})", offset=0),
                                  (f"%{value}%",) * len(searchable)))
    for endpoint, table in (("order", "order"), ("product", "product"), ("picklist", "picklist"),
                            ("stockmutation", "stock_mutation"), ("purchaseorder", "purchase_order"),
                            ("shipment", "shipment"), ("client", "client")):
        record = raw.value(f'SELECT MAX(id) FROM "{table}"')
        pages.append(Page(f"admin {endpoint} details", f"/admin/{endpoint}/details/?id={record}",
                          f'SELECT * FROM "{table}" WHERE id = ?', (record,)))
    pages.append(Page("admin dashboard", "/admin/"))
    return pages


def api_pages(raw, key):
    auth = {"Authorization": "Basic " + __import__("base64").b64encode(f"{key}:".encode()).decode()}
    pages = []
    for path, table in (("orders", "order"), ("products", "product"), ("picklists", "picklist"),
                        ("stockhistory", "stock_mutation")):
        count = raw.value(f'SELECT COUNT(*) FROM "{table}"')
        for label, offset in (("offset 0", 0), ("deep offset", last_offset(count // 2, API_PAGE)),
                              ("last offset", last_offset(count, API_PAGE))):
            sql = f'SELECT * FROM "{table}" ORDER BY id LIMIT 100 OFFSET {offset}'
            url = f"/api/v1/{path}?offset={offset}"
            pages.append(Page(f"api {path}, {label}", url, sql, auth=auth))
            if offset:  # asked again it starts from its checkpoint; the first time it walks there
                pages.append(Page(f"api {path}, {label}, first time", url, sql, auth=auth, cold=True))
    order = raw.value('SELECT MAX(id) FROM "order"')
    pages.append(Page("api order", f"/api/v1/orders/{order}", 'SELECT * FROM "order" WHERE id = ?', (order,),
                      auth=auth))
    return pages


def log_in(app, path, username):
    client = app.test_client()
    response = client.post(path, data={"username": username, "password": PASSWORD})
    if response.status_code != 302:
        raise SystemExit(f"logging in as {username} at {path} failed ({response.status_code})")
    return client


def measure(http, raw, page, requests, warmup=2, raw_budget=10.0):
    from fulfilment.api import pagination

    headers = page.auth or {}
    forget = pagination.forget_all if page.cold else (lambda: None)
    for _ in range(warmup):
        forget()
        response = http.get(page.url, headers=headers)
        if response.status_code != 200:
            raise SystemExit(f"{page.label}: {page.url} answered {response.status_code}")
    counter = QueryCounter()
    logger = logging.getLogger("peewee")
    logger.addHandler(counter)
    logger.setLevel(logging.DEBUG)
    forget()
    response = http.get(page.url, headers=headers)
    logger.removeHandler(counter)
    logger.setLevel(logging.WARNING)
    if response.status_code != 200:
        raise SystemExit(f"{page.label}: {page.url} answered {response.status_code}")
    timings = []
    for _ in range(requests):
        forget()
        started = time.perf_counter()
        http.get(page.url, headers=headers)
        timings.append((time.perf_counter() - started) * 1000)
    raw_timings = []
    if page.sql:
        # As many runs as the page had, but a raw OFFSET of millions of rows (seconds a run) stops
        # after raw_budget seconds, with at least three runs.
        for _ in range(min(requests, 30)):
            started = time.perf_counter()
            raw.run(page.sql, page.params)
            raw_timings.append((time.perf_counter() - started) * 1000)
            if len(raw_timings) >= 3 and sum(raw_timings) > raw_budget * 1000:
                break
    return timings, counter.count, raw_timings


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("database_url")
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--warmup", type=int, default=2, help="untimed requests before the timed ones")
    parser.add_argument("--only", default="",
                        help="measure only pages whose label contains one of these texts (comma-separated)")
    parser.add_argument("--api-key", default="", help="a staff API key (else one is created)")
    parser.add_argument("--raw-budget", type=float, default=10.0,
                        help="seconds of raw SQL runs per page before stopping (at least three runs)")
    args = parser.parse_args(argv)
    # Every view rendered: the product list's kept pages (fulfilment/page_cache.py) would answer
    # the repeated requests from memory; bench/throughput.py measures them.
    app = create_app({"DATABASE_URL": args.database_url, "SECRET_KEY": "bench", "WTF_CSRF_ENABLED": False,
                      "WEBSHOP_KEY": "YmVuY2gtb25seS13ZWJzaG9wLWtleS0zMi1ieXRlcy4=", "HUEY_IMMEDIATE": True,
                      "API_RATE_LIMIT_PER_MINUTE": 10**9, "PORTAL_PAGE_CACHE_ENTRIES": 0})
    raw = Raw(args.database_url)
    with app.app_context():
        database.connect(reuse_if_open=True)
        clients = list(Client.select().order_by(Client.id))
        big, small = clients[0], clients[-1]
        key = args.api_key
        if not key:
            from fulfilment.services.accounts import create_api_key

            _, key = create_api_key("pages benchmark", actor="bench")
        database.close()
    users = {
        "big": (log_in(app, "/fulfilmentportal/login", "big"), portal_pages(raw, big.id)),
        "small": (log_in(app, "/fulfilmentportal/login", f"client{small.id:02d}"), portal_pages(raw, small.id)),
        "staff": (log_in(app, "/admin/login", "bench-staff"), admin_pages(raw, app, big.name) + api_pages(raw, key)),
    }
    print(f"{'who':6} {'page':58} {'p50 ms':>8} {'p95 ms':>8} {'queries':>7} "
          f"{'raw p50':>8} {'raw p95':>8} {'ratio':>6}")
    worst = []
    for who, (http, pages) in users.items():
        for page in pages:
            if args.only and not any(part in f"{who} {page.label}" for part in args.only.split(",")):
                continue
            timings, queries, raw_timings = measure(http, raw, page, args.requests, args.warmup, args.raw_budget)
            p50, p95 = statistics.median(timings), percentile(timings, 0.95)
            raw50 = raw95 = None
            if raw_timings:
                raw50, raw95 = statistics.median(raw_timings), percentile(raw_timings, 0.95)
            ratio = f"{p95 / raw95:6.1f}" if raw95 else "     -"
            print(f"{who:6} {page.label[:58]:58} {p50:8.1f} {p95:8.1f} {queries:7d} "
                  f"{(f'{raw50:8.2f}' if raw50 is not None else '       -')} "
                  f"{(f'{raw95:8.2f}' if raw95 is not None else '       -')} {ratio}", flush=True)
            worst.append((p95, who, page.label))
    worst.sort(reverse=True)
    if worst:
        print(f"pages measured: {len(worst)}; over 25 ms at p95: {sum(1 for p95, _, _ in worst if p95 > 25)}; "
              f"slowest: {worst[0][1]} {worst[0][2]} ({worst[0][0]:.1f} ms)")


if __name__ == "__main__":
    main()
