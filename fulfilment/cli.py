"""Command-line tasks: flask --app fulfilment init-db | create-staff | create-api-key | demo-data | serve | worker |
sync-webshops | storage-snapshot | run-billing."""

import logging
import os
import signal
import subprocess
import sys

import click
from flask import current_app
from flask.cli import ScriptInfo, with_appcontext

from fulfilment import migrations
from fulfilment.services import accounts
from fulfilment.services.errors import DomainError


@click.command("init-db")
@with_appcontext
def init_db_command():
    """Create the database schema, or upgrade it to the newest version. Safe to run twice."""
    from fulfilment import id_blocks
    from fulfilment.db import refresh_statistics

    applied = migrations.upgrade()
    if applied:
        click.echo(f"Applied migrations: {', '.join(applied)}.")
    id_blocks.seal()  # the rows the API's deep offsets start from, counted up to the newest block
    if refresh_statistics():
        click.echo("Planner statistics refreshed (ANALYZE).")
    click.echo(f"Database at schema version {migrations.current_version()}.")


@click.command("create-staff")
@with_appcontext
@click.argument("username")
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True,
              help="Leave out to be prompted for it.")
@click.option("--admin/--no-admin", "is_admin", default=True, help="Give the user the admin flag.")
def create_staff_command(username, password, is_admin):
    """Create a staff user for the back office."""
    migrations.upgrade()
    try:
        accounts.create_staff_user(username, password, is_admin=is_admin)
    except DomainError as error:
        raise click.ClickException(error.message) from None
    click.echo(f"Staff user {username} created. Log in at /admin/login.")


@click.command("create-api-key")
@with_appcontext
@click.argument("name")
@click.option("--client", "client_name", default=None,
              help="Scope the key to this client (by name). Leave out for a staff key that reaches every client.")
def create_api_key_command(name, client_name):
    """Create a REST API key and print it once; only its hash is stored."""
    from fulfilment.models import Client

    migrations.upgrade()
    client = None
    if client_name:
        matches = list(Client.select().where(Client.name == client_name).limit(2))
        if not matches:
            raise click.ClickException(f"No client is called {client_name!r}.")
        if len(matches) > 1:
            raise click.ClickException(f"Several clients are called {client_name!r}; give them distinct names first.")
        client = matches[0]
    try:
        key, raw_key = accounts.create_api_key(name, client=client, actor="cli")
    except DomainError as error:
        raise click.ClickException(error.message) from None
    scope = f"scoped to {client.name}" if client else "staff key, reaches every client"
    click.echo(f"API key {key.name!r} created ({scope}). Copy it now; it is not shown again:")
    click.echo(raw_key)


@click.command("demo-data")
@with_appcontext
def demo_data_command():
    """Fill an empty database with a believable demo warehouse and print the logins."""
    from fulfilment.demo import DemoDataRefused, build_demo_warehouse

    migrations.upgrade()
    try:
        logins = build_demo_warehouse()
    except DemoDataRefused as error:
        raise click.ClickException(str(error)) from None
    _print_logins(logins)
    click.echo(f"Database: {current_app.config['DATABASE_URL']}")


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--demo", is_flag=True, help="Fill an empty database with the demo warehouse first.")
@click.option("--worker/--no-worker", default=True, show_default=True,
              help="Also run the background worker (webshop imports, tracking codes) in a process of its own.")
@with_appcontext
def serve_command(host, port, demo, worker):
    """Upgrade the schema, optionally add demo data, and serve the portal with its worker (development server)."""
    from werkzeug.serving import run_simple

    from fulfilment.demo import build_demo_warehouse
    from fulfilment.models import Client, StaffUser

    migrations.upgrade()
    if demo and not (Client.select().exists() or StaffUser.select().exists()):
        _print_logins(build_demo_warehouse())
    worker_process = _start_worker() if worker else None
    click.echo(f"Client portal: http://{host}:{port}/fulfilmentportal   Back office: http://{host}:{port}/admin")
    # Stopped with SIGTERM (a service manager, `kill`), still stop the worker on the way out.
    previous = signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(0))
    try:
        run_simple(host, port, current_app._get_current_object(), use_reloader=False, threaded=True)
    finally:
        signal.signal(signal.SIGTERM, previous)
        if worker_process is not None:
            _stop_worker(worker_process)


def _start_worker():
    """Start `flask worker` for the same app and configuration in a child process."""
    app_path = click.get_current_context().find_object(ScriptInfo).app_import_path or "fulfilment"
    env = {**os.environ, "FULFILMENT_DATABASE_URL": current_app.config["DATABASE_URL"]}
    command = [sys.executable, "-m", "flask", "--app", app_path, "worker"]
    process = subprocess.Popen(command, env=env)
    click.echo(f"Background worker started (process {process.pid}).")
    return process


def _stop_worker(process):
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@click.command("worker")
@click.option("--threads", type=int, default=None, help="Jobs run at once (default: FULFILMENT_WORKER_THREADS).")
@with_appcontext
def worker_command(threads):
    """Run the background worker: periodic webshop imports and tracking codes back to the shops."""
    jobs = current_app.extensions["jobs"]
    if not logging.getLogger().handlers:
        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    migrations.upgrade()
    consumer = jobs.huey.create_consumer(workers=threads or current_app.config["WORKER_THREADS"],
                                         worker_type="thread", periodic=True)
    consumer.run()


@click.command("sync-webshops")
@click.option("--webshop", "webshop_ids", type=int, multiple=True, help="Only this webshop (id); repeat for more.")
@with_appcontext
def sync_webshops_command(webshop_ids):
    """Import the orders of every active webshop now (or of the given ones) and print what happened."""
    from fulfilment.models import Webshop
    from fulfilment.services.webshop_import import import_orders
    from fulfilment.services.webshops import importable_webshops

    migrations.upgrade()
    if webshop_ids:
        shops = list(Webshop.select().where(Webshop.id.in_(webshop_ids)).order_by(Webshop.id))
        missing = sorted(set(webshop_ids) - {shop.id for shop in shops})
        if missing:
            raise click.ClickException(f"No webshop with id {', '.join(map(str, missing))}.")
    else:
        shops = list(importable_webshops())
        if not shops:
            click.echo("No active webshop with credentials to import from.")
    failed = 0
    for shop in shops:
        try:
            summary = import_orders(shop)
        except DomainError as error:
            failed += 1
            click.echo(f"{shop.name} (#{shop.id}): failed: {error.message}", err=True)
        else:
            click.echo(f"{shop.name} (#{shop.id}): {summary.describe()}.")
    if failed:
        raise click.ClickException(f"{failed} webshop(s) could not be imported; see above.")


@click.command("storage-snapshot")
@click.option("--day", default=None, help="The day to record (YYYY-MM-DD, default today, UTC).")
@with_appcontext
def storage_snapshot_command(day):
    """Record every active client's storage now (the worker does this each night at 23:55 UTC)."""
    from fulfilment.services.billing import take_storage_snapshots
    from fulfilment.services.customer_report import parse_day

    migrations.upgrade()
    try:
        written = take_storage_snapshots(parse_day(day, "day") if day else None)
    except DomainError as error:
        raise click.ClickException(error.message) from None
    click.echo(f"Storage snapshots taken for {written} client(s)." if written else
               "Every active client already had a snapshot for that day; they are kept as they were.")


@click.command("run-billing")
@click.option("--start", default=None, help="First day (YYYY-MM-DD); default the first day of last month.")
@click.option("--end", default=None, help="Last day (YYYY-MM-DD); default the last day of the start's month.")
@with_appcontext
def run_billing_command(start, end):
    """Compute a draft invoice per active client for a period (default last month); staff check and issue them."""
    from fulfilment.services import billing, customer_report

    migrations.upgrade()
    try:
        first = customer_report.parse_day(start, "start") or billing.previous_month().start
        last = customer_report.parse_day(end, "end") or customer_report.month_period(first).end
        period = customer_report.make_period(first, last)
    except DomainError as error:
        raise click.ClickException(error.message) from None
    refused = 0
    for name, result in billing.run_billing_for_all(period).items():
        if isinstance(result, str):
            refused += 1
            click.echo(f"{name}: refused: {result}", err=True)
        else:
            lines = len(billing.invoice_lines(result))
            click.echo(f"{name}: draft #{result.id}, {lines} line(s), total {result.total}")
    if refused:
        raise click.ClickException(f"{refused} client(s) could not be billed; see above.")


@click.group("translations")
def translations_command():
    """Keep the Dutch and English catalogues in step with the code (fulfilment/catalogues.py)."""


@translations_command.command("update")
def translations_update_command():
    """Add new texts to the catalogues and drop gone ones; lists what still needs a translation."""
    from fulfilment import catalogues

    for language, missing in catalogues.update().items():
        click.echo(f"{language}: {len(missing)} text(s) to translate")
        for text in missing:
            click.echo(f"  {text!r}")


@translations_command.command("check")
def translations_check_command():
    """Fail when a text in the code lacks a translation, or a translation is fuzzy or does not fit."""
    from fulfilment import catalogues

    found = catalogues.problems()
    for problem in found:
        click.echo(problem, err=True)
    if found:
        raise click.ClickException(f"{len(found)} problem(s) in the catalogues.")
    click.echo("The catalogues are complete.")


def _print_logins(logins):
    click.echo("Demo warehouse ready. Logins:")
    for role, username, password in logins:
        click.echo(f"  {role:<46} {username:<12} {password}")


def init_app(app):
    for command in (init_db_command, create_staff_command, create_api_key_command, demo_data_command,
                    serve_command, worker_command, sync_webshops_command, storage_snapshot_command,
                    run_billing_command, translations_command):
        app.cli.add_command(command)
