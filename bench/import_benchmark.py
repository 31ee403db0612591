"""Benchmark: the Excel order import, upload → preview → confirm, next to a bare openpyxl read.

    python bench/import_benchmark.py [--lines 10000] [--repeat 3]

Builds a temporary SQLite database with one client, a portal login and --lines products (half of
them with stock, booked through the ledger's bulk writer), and an order file of --lines lines as
openpyxl writes it (shared strings, floats, a title above the header, a description column).
Then, in this process, through the portal's real HTTP path (Flask's test client):

* bare openpyxl: ``load_workbook(read_only=True)`` and every row of the first sheet, values only,
  over the same bytes: the reference the issue measures against;
* upload → preview: POST /orders/import with the file and an address, until the preview page
  (reading, validation, one product lookup, the preview table) has been rendered;
* confirm: POST /orders/import/confirm: the order created and processed (allocation, picklist,
  backorders), with the number of SQL statements it took;
* hostile files: a sheet claiming 16,384 columns and a wide 4 MB sheet without a dimension,
  upload → answer.

Each timing is the best of --repeat runs (other work on the machine only ever adds); the confirm
runs once per repeat on a fresh order. Peak Python heap of the preview (tracemalloc, one extra
run) is printed for --lines and twice as many lines, to show it grows with the lines kept, not
with the file. Not run as a test.
"""

import argparse
import io
import logging
import os
import re
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

# Import this checkout's package, whatever else is installed in the virtualenv.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from openpyxl import Workbook, load_workbook  # noqa: E402

ADDRESS = {"delivery_name": "Groothandel Jansen BV", "delivery_address": "Industrieweg 12",
           "delivery_zipcode": "3542 AD", "delivery_city": "Utrecht", "delivery_country": "NL"}


def order_file(lines, offset=0):
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Order")
    sheet.append(["Order Groothandel Jansen, week 48"])
    sheet.append([])
    sheet.append(["Product code", "Description", "Quantity"])
    for n in range(lines):
        sheet.append([f"SKU-{(n + offset) % lines:06d}", f"Product {n} in a longer description", float(1 + n % 4)])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def bare_openpyxl(data):
    workbook = load_workbook(io.BytesIO(data), read_only=True)
    rows = sum(1 for _ in workbook.worksheets[0].iter_rows(values_only=True))
    workbook.close()
    return rows


def best(function, repeat):
    times = []
    for _ in range(repeat):
        began = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - began)
    return min(times), result


class StatementCounter(logging.Handler):
    count = 0

    def emit(self, record):
        self.count += 1


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--lines", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3, help="timed runs per case; the fastest counts")
    args = parser.parse_args()

    from fulfilment import create_app, migrations
    from fulfilment.db import database, insert_in_batches
    from fulfilment.models import Client, Order, Product, Warehouse
    from fulfilment.services import accounts, stock
    from tests.make_uploads import many_cells_file, wide_claim_file

    with tempfile.TemporaryDirectory() as folder:
        app = create_app({"DATABASE_URL": f"sqlite:///{Path(folder) / 'bench.sqlite3'}", "SECRET_KEY": "bench",
                          "WTF_CSRF_ENABLED": False, "HUEY_IMMEDIATE": True, "WEBSHOP_KEY":
                          "dGVzdC1vbmx5LXdlYnNob3Ata2V5LTMyLWJ5dGVzLi4="})
        began = time.perf_counter()
        with app.app_context():
            migrations.upgrade()
            client = Client.create(name="Groothandel Jansen", email="inkoop@jansen.example")
            accounts.create_portal_user(client, "jansen", "tulpen-in-de-lente-2026")
            with database.atomic():
                insert_in_batches(Product, [{"client": client.id, "product_code": f"SKU-{n:06d}",
                                             "name": f"Product {n}", "barcode": "", "price": "9.95",
                                             "fixed_stock_price": "4.00", "active": True}
                                            for n in range(args.lines)])
            stocked = list(Product.select().where(Product.client == client).order_by(Product.id)
                           .limit(args.lines // 2))
            stock.record_mutations([(product, 10 * args.repeat) for product in stocked], Warehouse.default(),
                                   "receipt", reason="Opening stock")
        database.close()
        browser = app.test_client()
        browser.post("/fulfilmentportal/login", data={"username": "jansen", "password": "tulpen-in-de-lente-2026"})
        data = order_file(args.lines)
        import openpyxl

        print(f"{args.lines:,} order lines ({len(data) / 1024:.0f} KB .xlsx), one client with {args.lines:,} products "
              f"(half in stock), SQLite; set up in {time.perf_counter() - began:.1f} s; openpyxl "
              f"{openpyxl.__version__}; best of {args.repeat} runs; {os.cpu_count()} CPUs, load average "
              f"{os.getloadavg()[0]:.1f} (other work slows every figure alike; compare within a run)\n")

        bare_seconds, rows = best(lambda: bare_openpyxl(data), args.repeat)

        def preview():
            response = browser.post("/fulfilmentportal/orders/import", data={
                **ADDRESS, "file": (io.BytesIO(data), "order.xlsx")}, content_type="multipart/form-data")
            page = response.get_data(as_text=True)
            assert response.status_code == 200 and "Create this order" in page, page[:2000]
            return re.search(r'name="token" type="hidden" value="([^"]+)"', page).group(1)

        preview_seconds, _ = best(preview, args.repeat)

        counter = StatementCounter(level=logging.DEBUG)
        peewee_log = logging.getLogger("peewee")
        peewee_log.setLevel(logging.DEBUG)
        confirm_times, statements = [], []
        for _ in range(args.repeat):
            token = preview()
            peewee_log.addHandler(counter)
            counter.count = 0
            began = time.perf_counter()
            response = browser.post("/fulfilmentportal/orders/import/confirm", data={"token": token})
            confirm_times.append(time.perf_counter() - began)
            peewee_log.removeHandler(counter)
            statements.append(counter.count)
            assert response.status_code == 302, response.get_data(as_text=True)[:2000]
        peewee_log.setLevel(logging.WARNING)
        with app.app_context():
            lines = Order.select().order_by(Order.id.desc()).first().lines.count()
            database.close()
        assert lines == args.lines

        print(f"{'bare openpyxl read-only pass':40}{bare_seconds:8.2f} s   ({rows:,} rows)")
        print(f"{'upload → preview page':40}{preview_seconds:8.2f} s   "
              f"= {preview_seconds / bare_seconds:.2f} × bare openpyxl (goal ≤ 1.5)")
        print(f"{'confirm (create + process)':40}{min(confirm_times):8.2f} s   "
              f"{statements[confirm_times.index(min(confirm_times))]} SQL statements for {args.lines:,} lines "
              "(goal ≤ 2 s)")

        for label, hostile in (("hostile: claims 16,384 columns", wide_claim_file()),
                               ("hostile: wide sheet, no dimension", many_cells_file(2_000, 400))):
            def refused(hostile=hostile):
                response = browser.post("/fulfilmentportal/orders/import", data={
                    **ADDRESS, "file": (io.BytesIO(hostile), "order.xlsx")}, content_type="multipart/form-data")
                return response.status_code

            seconds, status = best(refused, args.repeat)
            print(f"{label:40}{seconds:8.2f} s   answered HTTP {status}, {len(hostile) / 1024:.0f} KB file "
                  f"= {seconds / bare_seconds:.2f} × bare openpyxl of the order (goal ≤ 1 s)")

        from fulfilment.services.order_import import sheet_rows

        print()
        for lines in (args.lines, 2 * args.lines):
            sample = order_file(lines)
            tracemalloc.start()
            kept = [row for row in sheet_rows(sample) if len(row[1]) > 2]
            read_peak = tracemalloc.get_traced_memory()[1]
            tracemalloc.stop()
            tracemalloc.start()
            for _ in sheet_rows(sample):
                pass
            stream_peak = tracemalloc.get_traced_memory()[1]
            tracemalloc.stop()
            print(f"peak Python heap reading {lines:>6,} lines: {stream_peak / 2**20:5.1f} MB streamed, "
                  f"{read_peak / 2**20:5.1f} MB keeping all {len(kept):,} rows")


if __name__ == "__main__":
    main()
