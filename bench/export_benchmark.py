"""Benchmark: our spreadsheet exports next to a bare openpyxl write-only loop over the same rows.

    python bench/export_benchmark.py [--rows 100000] [--repeat 3]

Builds a temporary SQLite database with one client's stock history (the ledger, the longest list
a client exports) of --rows rows, then exports it three ways, each in a fresh Python process:

* bare: the list's own query read as plain tuples, appended to an openpyxl write-only sheet with
  nothing else (no header, types or styles beyond openpyxl's own);
* export job: ``export_jobs.run_export_job`` — what the worker does for a long list: take the job,
  count, stream the rows, write typed and formula-safe cells (services/sheet_writer.py), header
  and widths, report progress over its own connection, move the file into the export folder;
* immediate export: ``client_exports.export_stock_history`` — what a short list's download does
  during the request (services/spreadsheets.py), into a temporary file.

Each is timed --repeat times (the best run counts: other work on the machine only ever adds) and
measured once more with tracemalloc (peak Python heap), since tracing slows Python down; max RSS
is the process's resident-memory high-water mark. openpyxl writes much faster with lxml
installed; the first line says whether it is. Not run as a test.
"""

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
import tracemalloc
from datetime import datetime, timedelta
from pathlib import Path

# Import this checkout's package, whatever else is installed in the virtualenv.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from fulfilment import db, migrations  # noqa: E402
from fulfilment.models import Client, Product, StockMutation, Warehouse  # noqa: E402

PRODUCTS = 1000
REASONS = ("Cycle count", "Damaged in storage", "-2 found broken", "Customer return", "Recount after move")


def build_database(path, rows):
    """One client, PRODUCTS products and ``rows`` ledger lines whose balances add up per product."""
    db.bind_database(f"sqlite:///{path}")
    migrations.upgrade()
    warehouse = Warehouse.default()
    client = Client.create(name="Benchmark Webshop", email="bench@example.com")
    with db.database.atomic():
        Product.insert_many(
            [{"client": client.id, "product_code": f"SKU-{n:05d}", "name": f"Product {n} in a longer name",
              "price": "19.95", "fixed_stock_price": "7.50"} for n in range(PRODUCTS)]
        ).execute()
    product_ids = [pid for (pid,) in Product.select(Product.id).tuples()]
    balance = dict.fromkeys(product_ids, 0)
    rng = random.Random(8)
    start = datetime(2024, 1, 1)
    batch = []
    with db.database.atomic():
        for n in range(rows):
            product_id = product_ids[n % PRODUCTS]
            change = rng.randint(1, 20) if balance[product_id] < 20 else -rng.randint(1, balance[product_id])
            batch.append({
                "client": client.id, "product": product_id, "warehouse": warehouse.id,
                "old_stock": balance[product_id], "change": change, "new_stock": balance[product_id] + change,
                "change_type": "correction", "reason": REASONS[n % len(REASONS)], "actor": "staff bench",
                "created_at": start + timedelta(seconds=30 * n),
            })
            balance[product_id] += change
            if len(batch) == 1000:
                StockMutation.insert_many(batch).execute()
                batch = []
        if batch:
            StockMutation.insert_many(batch).execute()
    return client.id


def export_with_a_job(client_id, rows, path):
    from flask import Flask

    from fulfilment import i18n
    from fulfilment.models import ExportJob
    from fulfilment.services import export_jobs

    app = Flask("export_benchmark")
    app.config["TIMEZONE"] = "UTC"
    i18n.init_app(app)  # the job writes its sheet's name in the language it was asked in
    job = ExportJob.create(client=client_id, kind="stock-history")
    with app.app_context(), tempfile.TemporaryDirectory() as folder:
        began = time.perf_counter(), time.process_time()
        job = export_jobs.run_export_job(job.id, folder=folder, max_rows=rows, database_url=f"sqlite:///{path}")
        seconds, cpu = time.perf_counter() - began[0], time.process_time() - began[1]
        assert job.status == "done", job.error
        size = (Path(folder) / job.file_name).stat().st_size
    return job.rows_written, size, seconds, cpu


def export_with_our_exporter(client_id, rows):
    from fulfilment.services import client_exports

    spreadsheet = client_exports.export_stock_history(Client.get_by_id(client_id), max_rows=rows)
    size = os.fstat(spreadsheet.file.fileno()).st_size
    spreadsheet.close()
    return spreadsheet.rows, size


def export_with_bare_openpyxl(client_id, rows):
    from openpyxl import Workbook

    from fulfilment.services.listings import StockHistory

    query = StockHistory(client_id).export_rows().tuples()
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Stock history")
    written = 0
    with db.database.atomic():
        for row in query.iterator():
            sheet.append(row)
            written += 1
    with tempfile.TemporaryFile(suffix=".xlsx") as target:
        workbook.save(target)
        size = target.tell()
    return written, size


CASES = {"exporter": export_with_our_exporter, "bare": export_with_bare_openpyxl, "job": export_with_a_job}
LABELS = {"bare": "bare openpyxl write-only loop", "job": "export job (the worker)",
          "exporter": "immediate export (a request)"}


def run_case(case, path, client_id, rows, traced):
    """One measurement in this (fresh) process; prints a JSON line."""
    # Every case imports what all of them use before the clock starts (openpyxl alone takes 0.2 s).
    import openpyxl  # noqa: F401

    from fulfilment.services import client_exports, export_jobs  # noqa: F401

    db.bind_database(f"sqlite:///{path}")
    db.database.connect()
    if traced:
        tracemalloc.start()
    began, cpu_began = time.perf_counter(), time.process_time()
    if case == "job":
        # The job's own timing leaves out building the Flask app that lends it its translations.
        written, size, seconds, cpu = export_with_a_job(client_id, rows, path)
    else:
        written, size = CASES[case](client_id, rows)
        seconds, cpu = time.perf_counter() - began, time.process_time() - cpu_began
    peak = tracemalloc.get_traced_memory()[1] if traced else None
    print(json.dumps({"seconds": seconds, "cpu": cpu, "peak": peak, "rows": written, "size": size,
                      "maxrss_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}))


def measure(case, path, client_id, rows, traced):
    command = [sys.executable, __file__, "--case", case, "--db", str(path), "--client", str(client_id),
               "--rows", str(rows)] + (["--traced"] if traced else [])
    output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    return json.loads(output.strip().splitlines()[-1])


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3, help="timed runs per case; the fastest counts")
    parser.add_argument("--case", choices=sorted(CASES), help=argparse.SUPPRESS)
    parser.add_argument("--db", help=argparse.SUPPRESS)
    parser.add_argument("--client", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--traced", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.case:
        return run_case(args.case, args.db, args.client, args.rows, args.traced)

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "bench.sqlite3"
        began = time.perf_counter()
        client_id = build_database(path, args.rows)
        db.database.close()
        import openpyxl

        print(f"{args.rows:,} stock history rows in a temporary SQLite database "
              f"(built in {time.perf_counter() - began:.1f} s); openpyxl {openpyxl.__version__}, "
              f"lxml {'installed' if openpyxl.LXML else 'NOT installed'}; best of {args.repeat} runs\n")
        print(f"{'':34}{'time':>9}{'CPU':>9}{'CPU vs bare':>13}{'peak Python heap':>19}{'max RSS':>11}{'file':>10}")
        results = {}
        for case in ("bare", "job", "exporter"):
            # Best of --repeat by CPU time: other work on a shared machine only ever adds to it.
            timed = min((measure(case, path, client_id, args.rows, traced=False) for _ in range(args.repeat)),
                        key=lambda result: result["cpu"])
            traced = measure(case, path, client_id, args.rows, traced=True)
            assert timed["rows"] == args.rows, timed
            results[case] = (timed, traced)
            ratio = timed["cpu"] / results["bare"][0]["cpu"]
            print(f"{LABELS[case]:34}{timed['seconds']:8.2f}s{timed['cpu']:8.2f}s{ratio:12.2f}x"
                  f"{traced['peak'] / 2**20:16.1f} MB{timed['maxrss_kb'] / 1024:8.0f} MB"
                  f"{timed['size'] / 2**20:7.1f} MB")
        bare, job = results["bare"][0], results["job"][0]
        print(f"\nexport job: {job['cpu'] / bare['cpu']:.2f}x the bare writer's CPU time "
              f"({job['seconds'] / bare['seconds']:.2f}x its wall time), "
              f"{job['cpu'] / args.rows * 1e6:.0f} µs per row; goal ≤ 1.10x")
        print("(peaks include openpyxl and the database driver, not the rows: all three write them to disk as they go)")


if __name__ == "__main__":
    main()
