"""Requests per second of the portal's products page next to a minimal Flask page, same server, one run.

    pip install -e '.[bench]'        # gunicorn
    python bench/throughput.py sqlite:////tmp/bench.sqlite3 [--seconds 10] [--connections 8]

Starts gunicorn with 2 sync workers on 127.0.0.1 serving the app plus one extra route,
``/bench/minimal`` (a Flask view returning a short text: the ceiling of this server on this
machine), logs in as the big client and as a small one through the real login form, and loads each
page with --connections concurrent clients for --seconds: with ``wrk`` when it is installed
(``apt-get install wrk``), else with a small load generator in Python (threads over keep-alive
connections; it competes with the server for the CPU, so wrk's figures are the ones to quote).
The goal of issue 14: products page >= 0.5x the minimal page. It is measured twice, each time
against the minimal page under the same server: as served, with the portal's kept pages (a
reload is answered from the page rendered before while the client's catalogue is unchanged), and
with PORTAL_PAGE_CACHE_ENTRIES=0, every view rendered.
"""

import argparse
import http.client
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "bench-password"


def create_bench_app():
    """The app with one more page: what Flask alone serves under this server (gunicorn's entry point)."""
    sys.path.insert(0, str(ROOT))
    from fulfilment import create_app

    app = create_app()

    @app.route("/bench/minimal")
    def minimal():
        return "ok"

    return app


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def request(port, method, path, body=None, cookie=""):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    headers = {"Cookie": cookie} if cookie else {}
    if body is not None:
        headers["Content-Type"] = "application/x-www-form-urlencoded"
        body = urlencode(body)
    connection.request(method, path, body=body, headers=headers)
    response = connection.getresponse()
    data = response.read().decode("utf-8", "replace")
    connection.close()
    return response, data


def log_in(port, username):
    """A session cookie of username, logged in through the portal's login form (CSRF token included)."""
    response, page = request(port, "GET", "/fulfilmentportal/login")
    cookie = "; ".join(c.split(";")[0] for c in response.headers.get_all("Set-Cookie") or [])
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page) or \
        re.search(r'value="([^"]+)"[^>]*name="csrf_token"', page)
    response, _ = request(port, "POST", "/fulfilmentportal/login", cookie=cookie,
                          body={"csrf_token": token.group(1) if token else "", "username": username,
                                "password": PASSWORD})
    if response.status != 302:
        raise SystemExit(f"logging in as {username} failed ({response.status})")
    return "; ".join(c.split(";")[0] for c in response.headers.get_all("Set-Cookie") or [])


def load_with_wrk(port, path, cookie, seconds, connections):
    command = ["wrk", "-t", "2", "-c", str(connections), "-d", f"{max(1, round(seconds))}s", "--latency"]
    if cookie:
        command += ["-H", f"Cookie: {cookie}"]
    output = subprocess.run(command + [f"http://127.0.0.1:{port}{path}"], capture_output=True, text=True,
                            check=True).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    if errors:
        raise SystemExit(f"{path}: {errors.group(1)} responses were errors")
    return rate


def load_with_python(port, path, cookie, seconds, connections):
    done, counts, failures = time.monotonic() + seconds, [0] * connections, []

    def client(n):
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        while time.monotonic() < done:
            try:
                connection.request("GET", path, headers={"Cookie": cookie} if cookie else {})
                response = connection.getresponse()
                response.read()
                if response.status != 200:
                    failures.append(response.status)
                counts[n] += 1
                if response.getheader("Connection", "").lower() == "close":
                    connection.close()
                    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            except (OSError, http.client.HTTPException):
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        connection.close()

    started = time.monotonic()
    threads = [threading.Thread(target=client, args=(n,)) for n in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if failures:
        raise SystemExit(f"{path}: {len(failures)} responses were errors, e.g. {failures[0]}")
    return sum(counts) / (time.monotonic() - started)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("database_url")
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--python-load", action="store_true", help="use the Python load generator even if wrk exists")
    args = parser.parse_args(argv)
    gunicorn = shutil.which("gunicorn", path=str(Path(sys.executable).parent)) or shutil.which("gunicorn")
    if not gunicorn:
        raise SystemExit("gunicorn is not installed: pip install -e '.[bench]'")
    load = load_with_python if args.python_load or not shutil.which("wrk") else load_with_wrk
    tool = "python threads" if load is load_with_python else "wrk"
    small = _small_client_username(args.database_url)
    print(f"gunicorn {args.workers} sync workers, {args.connections} concurrent clients ({tool}), "
          f"{args.seconds:g} s per page, {os.cpu_count()} CPUs")
    # The product list as it is served (a page kept per login session while the client's catalogue
    # is unchanged: fulfilment/page_cache.py), then with the cache off: every view rendered, as the
    # first view after each change is.
    for setting, cache_entries in (("pages kept", None), ("every view rendered", "0")):
        rates = _measure_server(gunicorn, args, load, small, cache_entries)
        ceiling = rates["minimal Flask page"]
        print(f"-- {setting}")
        for label, rate in rates.items():
            print(f"{label:32} {rate:9.1f} requests/s  {rate / ceiling:6.2f}x the minimal page")


def _measure_server(gunicorn, args, load, small, cache_entries):
    """Requests per second of each page under one gunicorn (the minimal page first)."""
    port = free_port()
    env = dict(os.environ, FULFILMENT_DATABASE_URL=args.database_url, FULFILMENT_SECRET_KEY="bench",
               FULFILMENT_WEBSHOP_KEY="YmVuY2gtb25seS13ZWJzaG9wLWtleS0zMi1ieXRlcy4=",
               PYTHONPATH=str(ROOT))
    if cache_entries is not None:
        env["FULFILMENT_PORTAL_PAGE_CACHE_ENTRIES"] = cache_entries
    server = subprocess.Popen(
        [gunicorn, "--workers", str(args.workers), "--bind", f"127.0.0.1:{port}", "--log-level", "warning",
         "bench.throughput:create_bench_app()"],
        cwd=ROOT, env=env, start_new_session=True)
    try:
        for _ in range(300):
            try:
                request(port, "GET", "/bench/minimal")
                break
            except OSError:
                time.sleep(0.1)
        else:
            raise SystemExit("gunicorn did not start")
        pages = [("minimal Flask page", "/bench/minimal", ""),
                 ("portal products, big client", "/fulfilmentportal/products", log_in(port, "big")),
                 ("portal products, small client", "/fulfilmentportal/products", log_in(port, small))]
        rates = {}
        for label, path, cookie in pages:
            for _ in range(args.workers * 2):  # warm up each worker's caches
                request(port, "GET", path, cookie=cookie)
            rates[label] = load(port, path, cookie, args.seconds, args.connections)
        return rates
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)


def _small_client_username(database_url):
    sys.path.insert(0, str(ROOT))
    from fulfilment.db import open_database

    db = open_database(database_url)
    db.connect()
    username = db.execute_sql(
        'SELECT username FROM "portal_user" ORDER BY client_id DESC LIMIT 1').fetchone()[0]
    db.close()
    return username


if __name__ == "__main__":
    main()
