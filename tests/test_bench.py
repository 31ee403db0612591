"""The benchmark scripts run end to end on a small generated warehouse (scale 0.01), so they never rot.

They time nothing here: the figures are theirs to print. What is asserted is that the generated
warehouse is valid for the app and that every page the benchmark visits answers.
"""

import shutil
import subprocess
import sys
import uuid
from pathlib import Path
from urllib.parse import urlparse, urlunparse

import pytest

from tests.conftest import SERVER_URL, _postgres_admin_connection

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def bench_database(tmp_path_factory):
    """A fresh database of the engine the tests run on, filled by bench/generate.py --scale 0.01."""
    if not SERVER_URL:
        url = f"sqlite:///{tmp_path_factory.mktemp('bench') / 'bench.sqlite3'}"
        drop = None
    else:
        name = f"fulfilment_bench_{uuid.uuid4().hex[:10]}"
        admin = _postgres_admin_connection(SERVER_URL)
        with admin.cursor() as cursor:
            cursor.execute(f'CREATE DATABASE "{name}"')
        url = urlunparse(urlparse(SERVER_URL)._replace(path=f"/{name}"))

        def drop():
            with admin.cursor() as cursor:
                cursor.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                               "WHERE datname = %s AND pid <> pg_backend_pid()", (name,))
                cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
            admin.close()
    result = run("bench/generate.py", url, "--scale", "0.01")
    yield url, result.stdout
    if drop:
        drop()


def run(script, *args, timeout=900):
    result = subprocess.run([sys.executable, str(ROOT / script), *args], cwd=ROOT, capture_output=True, text=True,
                            timeout=timeout)
    assert result.returncode == 0, f"{script} failed:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
    return result


def test_generate_fills_a_valid_warehouse_and_prints_working_logins(bench_database):
    url, output = bench_database
    assert "Logins (password 'bench-password' for all)" in output
    from fulfilment.db import open_database

    db = open_database(url)
    db.connect()
    try:
        count = lambda sql: db.execute_sql(sql).fetchone()[0]  # noqa: E731
        assert count('SELECT COUNT(*) FROM "order"') == 10_000
        assert count('SELECT COUNT(*) FROM "stock_mutation"') >= 50_000
        assert count('SELECT COUNT(*) FROM "product"') >= 990
        big = count('SELECT COUNT(*) FROM "order" WHERE client_id = 1')
        assert 1_700 <= big <= 2_300  # the big client owns a fifth
        for table in ("picklist", "shipment", "backorder", "purchase_order", "receipt", "return", "webshop_order"):
            assert count(f'SELECT COUNT(*) FROM "{table}"') > 0, table
        # stock equals its ledger, product by product
        assert count('SELECT COUNT(*) FROM "stock" s WHERE s.stock <> (SELECT COALESCE(SUM(m.change), 0) '
                     'FROM "stock_mutation" m WHERE m.product_id = s.product_id)') == 0
        assert count('SELECT COUNT(*) FROM "stock" WHERE allocated > stock OR stock < 0') == 0
        # statuses agree with what exists
        assert count('SELECT COUNT(*) FROM "order" o WHERE o.status = \'completed\' AND NOT EXISTS '
                     '(SELECT 1 FROM "picklist" p WHERE p.order_id = o.id AND p.status = \'closed\')') == 0
        assert count('SELECT COUNT(*) FROM "order" o WHERE o.status = \'concept\' AND EXISTS '
                     '(SELECT 1 FROM "picklist" p WHERE p.order_id = o.id)') == 0
    finally:
        db.close()


SEARCH_CHECK = """
import sys
from fulfilment import create_app
from fulfilment.db import database
from fulfilment.models import Order
from fulfilment.search import matches

app = create_app({"DATABASE_URL": sys.argv[1], "SECRET_KEY": "test", "DATABASE_POOL": False})
with app.app_context():
    database.connect(reuse_if_open=True)
    for order in Order.select().order_by(Order.id).limit(3):
        part = order.number[-5:]
        found = {o.id for o in Order.select(Order.id).where(matches(part, Order.number))}
        scanned = {o.id for o in Order.select(Order.id).where(Order.number.contains(part))}
        assert order.id in found and found == scanned, (part, found, scanned)
    order = Order.select().order_by(Order.id.desc()).get()
    with database.atomic() as transaction:
        Order.update(reference="freshly-written-ref").where(Order.id == order.id).execute()
        found = [o.id for o in Order.select(Order.id).where(matches("freshly-written", Order.reference))]
        assert found == [order.id], found
        transaction.rollback()
    print("searchable")
"""


def test_generated_warehouse_is_searchable_and_keeps_its_search_indexes_current(bench_database):
    """The trigram indexes are built after the bulk load (SQLite) and kept current from then on."""
    url, _ = bench_database
    result = subprocess.run([sys.executable, "-c", SEARCH_CHECK, url], cwd=ROOT, capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stderr[-3000:]
    assert result.stdout.strip() == "searchable"


def test_generate_refuses_a_database_that_holds_data(bench_database):
    url, _ = bench_database
    result = subprocess.run([sys.executable, str(ROOT / "bench/generate.py"), url, "--scale", "0.01"], cwd=ROOT,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode != 0
    assert "already holds data" in result.stderr


def test_pages_benchmark_visits_every_page_and_prints_the_table(bench_database):
    url, _ = bench_database
    output = run("bench/pages.py", url, "--requests", "1", "--warmup", "0").stdout
    assert "raw p95" in output.splitlines()[0]
    for expected in ("big    orders, last page", "small  order page", "staff  admin stockmutation, last page",
                     "staff  api orders, deep offset"):
        assert expected in output
    assert "pages measured:" in output


def test_write_cost_benchmark_times_ledger_lines_with_and_without_the_id_block_triggers(bench_database):
    url, _ = bench_database
    output = run("bench/write_cost.py", url, "--rows", "300", "--repeat", "1").stdout
    assert "without the triggers (reference)" in output and "with the id_block triggers" in output
    output = run("bench/write_cost.py", url, "--rows", "20", "--repeat", "1", "--per-statement", "1").stdout
    assert "1 to a statement" in output


@pytest.mark.skipif(not shutil.which("gunicorn", path=str(Path(sys.executable).parent))
                    and not shutil.which("gunicorn"),
                    reason="gunicorn is not installed (pip install -e '.[bench]')")
def test_throughput_benchmark_compares_products_page_with_minimal_page(bench_database):
    url, _ = bench_database
    load = [] if shutil.which("wrk") else ["--python-load"]
    output = run("bench/throughput.py", url, "--seconds", "1", *load).stdout
    assert "minimal Flask page" in output
    assert "portal products, big client" in output and "x the minimal page" in output
    assert "-- pages kept" in output and "-- every view rendered" in output


def test_export_benchmark_writes_every_case_and_prints_the_ratio():
    output = run("bench/export_benchmark.py", "--rows", "300", "--repeat", "1").stdout
    assert "bare" in output and "export job" in output and "immediate export" in output
    assert "x the bare writer's CPU time" in output
