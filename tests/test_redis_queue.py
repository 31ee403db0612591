"""The job queue on a real Redis: two web processes and one worker process a burst of orders.

Needs a Redis server (FULFILMENT_TEST_REDIS_URL, default redis://127.0.0.1:6379/11; the test
empties that Redis database). ``.ci/run`` installs and starts Debian's redis-server and sets
FULFILMENT_REQUIRE_REDIS, which turns a missing server into a failure instead of a skip. The
database is a fresh one of the engine the tests run on (PostgreSQL with
FULFILMENT_TEST_DATABASE_URL, else a SQLite file).
"""

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path
from urllib.parse import urlparse, urlunparse

import pytest
import requests

from fulfilment import create_app, migrations
from fulfilment.db import bind_database, database
from tests.conftest import SERVER_URL, WEBSHOP_TEST_KEY, _postgres_admin_connection
from tests.webshops.fake_shops import FakeWooCommerce

ROOT = Path(__file__).resolve().parent.parent
REDIS_URL = os.environ.get("FULFILMENT_TEST_REDIS_URL", "redis://127.0.0.1:6379/11")
SHOP_ORDERS = 40
API_ORDERS = 30
IMPORT_CLICKS = 12


def redis_or_skip():
    import redis

    connection = redis.Redis.from_url(REDIS_URL)
    try:
        connection.ping()
    except redis.exceptions.ConnectionError:
        if os.environ.get("FULFILMENT_REQUIRE_REDIS"):
            pytest.fail(f"Redis is required here and does not answer at {REDIS_URL}")
        pytest.skip(f"no Redis server at {REDIS_URL} (apt-get install redis-server)")
    return connection


@pytest.fixture
def fresh_database(tmp_path, database_url):
    if not SERVER_URL:
        yield f"sqlite:///{tmp_path / 'burst.sqlite3'}"
        bind_database(database_url)
        return
    name = f"fulfilment_burst_{uuid.uuid4().hex[:10]}"
    admin = _postgres_admin_connection(SERVER_URL)
    with admin.cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{name}"')
    try:
        yield urlunparse(urlparse(SERVER_URL)._replace(path=f"/{name}"))
    finally:
        if not database.is_closed():
            database.close()
        bind_database(database_url)
        with admin.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s "
                           "AND pid <> pg_backend_pid()", (name,))
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
        admin.close()


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until(check, timeout, what):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def test_two_web_processes_and_a_worker_on_redis_lose_and_duplicate_nothing(fresh_database):
    queue = redis_or_skip()
    queue.flushdb()
    gunicorn = shutil.which("gunicorn", path=str(Path(sys.executable).parent)) or shutil.which("gunicorn")
    assert gunicorn, "gunicorn is part of the test extra"
    shop = FakeWooCommerce()
    env = dict(os.environ, FULFILMENT_DATABASE_URL=fresh_database, FULFILMENT_REDIS_URL=REDIS_URL,
               FULFILMENT_SECRET_KEY="burst-secret", FULFILMENT_WEBSHOP_KEY=WEBSHOP_TEST_KEY,
               FULFILMENT_WEBSHOP_ALLOW_HTTP="true", FULFILMENT_WEBSHOP_ALLOW_PRIVATE_NETWORK="true",
               FULFILMENT_WEBSHOP_HTTP_BACKOFF="0", PYTHONPATH=str(ROOT))
    env.pop("FULFILMENT_TEST_DATABASE_URL", None)
    app = create_app({"DATABASE_URL": fresh_database, "SECRET_KEY": "burst-secret", "WEBSHOP_KEY": WEBSHOP_TEST_KEY,
                      "REDIS_URL": REDIS_URL, "WEBSHOP_ALLOW_HTTP": True, "WEBSHOP_ALLOW_PRIVATE_NETWORK": True})
    processes = []
    try:
        with app.app_context():
            migrations.upgrade()
            key, webshop_id = _set_up_warehouse(shop)
            database.close()
        for _ in range(SHOP_ORDERS):
            shop.add_order(lines=(("SKU-1", 1), ("SKU-2", 2)))
        port = free_port()
        processes.append(subprocess.Popen(
            [gunicorn, "--workers", "2", "--bind", f"127.0.0.1:{port}", "--log-level", "warning",
             "fulfilment:create_app()"], cwd=ROOT, env=env, start_new_session=True))
        processes.append(subprocess.Popen(
            [sys.executable, "-m", "flask", "--app", "fulfilment", "worker", "--threads", "4"],
            cwd=ROOT, env=env, start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE))
        base = f"http://127.0.0.1:{port}"
        wait_until(lambda: _answers(base), 60, "the web processes")

        staff = requests.Session()
        token = _csrf(staff.get(f"{base}/admin/login").text)
        assert staff.post(f"{base}/admin/login", data={"username": "burst-staff", "password": "burst-password-1",
                                                       "csrf_token": token}, allow_redirects=False).status_code == 302
        token = _csrf(staff.get(f"{base}/admin/webshop/details/?id={webshop_id}").text)

        results, lock = [], threading.Lock()

        def place(n):
            response = requests.post(f"{base}/api/v1/orders", auth=(key, ""), timeout=60, json={
                "idfulfilment_customer": 1, "reference": f"BURST-{n:03d}", "deliveryname": f"Customer {n}",
                "deliveryaddress": "Tuinweg 4", "deliveryzipcode": "2011 AA", "deliverycity": "Haarlem",
                "deliverycountry": "NL", "products": [{"productcode": "SKU-3", "amount": 1}]})
            processed = None
            if response.status_code == 201:
                processed = requests.post(f"{base}/api/v1/orders/{response.json()['idorder']}/process",
                                          auth=(key, ""), timeout=60).status_code
            with lock:
                results.append((response.status_code, processed))

        def click(_):
            response = staff.post(f"{base}/admin/webshop/do/import/{webshop_id}", data={"csrf_token": token},
                                  allow_redirects=False, timeout=60)
            with lock:
                results.append(("import", response.status_code))

        threads = [threading.Thread(target=place, args=(n,)) for n in range(API_ORDERS)]
        threads += [threading.Thread(target=click, args=(n,)) for n in range(IMPORT_CLICKS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

        assert sorted(r for r in results if r[0] != "import") == [(201, 200)] * API_ORDERS
        assert [r for r in results if r[0] == "import"] == [("import", 302)] * IMPORT_CLICKS

        with app.app_context():
            from fulfilment.models import Order, Stock, StockMutation, WebshopOrder

            database.connect(reuse_if_open=True)
            wait_until(lambda: WebshopOrder.select().count() >= SHOP_ORDERS and queue.llen(_queue_key()) == 0,
                       120, "the worker to import the shop's orders")
            time.sleep(1)  # a job still running would show in the counts below
            webshop_orders = list(Order.select().where(Order.source == "webshop"))
            api_orders = list(Order.select().where(Order.source == "api"))
            assert len(webshop_orders) == SHOP_ORDERS
            assert len({o.foreign_id for o in webshop_orders}) == SHOP_ORDERS
            assert {o.foreign_id for o in webshop_orders} == {str(i) for i in shop.orders}
            assert sorted(o.reference for o in api_orders) == [f"BURST-{n:03d}" for n in range(API_ORDERS)]
            assert all(o.status == "processing" for o in webshop_orders + api_orders)
            assert WebshopOrder.select().where(WebshopOrder.status == "imported").count() == SHOP_ORDERS
            for level in Stock.select():
                ledger = sum(m.change for m in StockMutation.select().where(StockMutation.product == level.product_id))
                assert level.stock == ledger and level.allocated <= level.stock
            allocated = {level.product.product_code: level.allocated for level in Stock.select()}
            assert allocated == {"SKU-1": SHOP_ORDERS, "SKU-2": 2 * SHOP_ORDERS, "SKU-3": API_ORDERS}
            database.close()
    finally:
        for process in processes:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
                process.wait(timeout=30)
        shop.stop()
        queue.flushdb()


def _queue_key():
    return "huey.redis.fulfilment"


def _answers(base):
    try:
        return requests.get(f"{base}/admin/login", timeout=10).status_code == 200
    except requests.RequestException:
        return False


def _csrf(page):
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page) or \
        re.search(r'value="([^"]+)"[^>]*name="csrf_token"', page)
    return match.group(1)


def _set_up_warehouse(shop):
    from fulfilment.services import accounts, webshops
    from tests import factories

    accounts.create_staff_user("burst-staff", "burst-password-1", is_admin=True)
    client = factories.make_client(name="Burst Shop")
    for sku in ("SKU-1", "SKU-2", "SKU-3"):
        factories.make_product(client, product_code=sku, name=f"Product {sku}", stock_amount=500)
    _, key = accounts.create_api_key("burst")
    webshop = webshops.save_webshop(
        None, client=client, platform="woocommerce", name="Burst Woo", url=shop.url,
        credentials={"consumer_key": shop.consumer_key, "consumer_secret": shop.consumer_secret})
    return key, webshop.id
