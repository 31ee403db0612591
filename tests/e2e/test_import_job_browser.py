"""A long Excel import in a real browser: the job's page moves its progress bar by itself while the
worker runs, and turns into the order once the worker is done, without a policy violation."""

import pytest

from fulfilment import create_app, migrations
from fulfilment.models import ImportJob
from tests.e2e.chromium import (
    PolicyWatch,
    check_order_file,
    demo_client_login,
    log_in,
    require_chromium,
    served,
)

pytestmark = pytest.mark.browser


@pytest.fixture
def import_server(tmp_path, monkeypatch):
    """The demo warehouse served with every import of more than one line a long one; the test is its worker."""
    require_chromium()
    from fulfilment.demo import build_demo_warehouse
    from fulfilment.models import PortalUser
    from fulfilment.views import order_upload

    queued = []
    monkeypatch.setattr(order_upload, "enqueue_order_import", queued.append)
    app = create_app({"DATABASE_URL": f"sqlite:///{tmp_path / 'demo.sqlite3'}", "SECRET_KEY": "browser-test-secret",
                      "IMPORT_IMMEDIATE_MAX_LINES": 1, "IMPORT_FOLDER": str(tmp_path / "imports")})
    with app.app_context():
        migrations.upgrade()
        logins = build_demo_warehouse()
        PortalUser.update(language="en").execute()
    with served(app) as url:
        yield app, url, logins, queued


def test_the_job_page_follows_the_worker_and_then_shows_the_order(import_server, browser, tmp_path):
    app, base_url, logins, queued = import_server
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15_000)
    watch = PolicyWatch(context)
    page = context.new_page()
    log_in(page, base_url, *demo_client_login(logins))

    page.goto(f"{base_url}/fulfilmentportal/orders/import")
    check_order_file(page, tmp_path / "order.xlsx", [
        ["Product code", "Quantity"], ["NK-FIL-500", 3], ["NK-DEC-250", 1]])
    page.get_by_role("button", name="Create this order").click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == "Your order is being created"
    assert page.locator("#import-progress-text").inner_text() == "Waiting for its turn…"
    [job] = queued

    # The worker takes the job: the page shows the step without being reloaded.
    ImportJob.update(status="running", step="checking").where(ImportJob.id == job.id).execute()
    page.wait_for_function("() => document.querySelector('#import-progress').value === 33")
    assert page.locator("#import-progress-text").inner_text() == "Step 1 of 2: Checking the products"

    # The worker finishes: the page turns into the order.
    ImportJob.update(status="queued", step="").where(ImportJob.id == job.id).execute()
    app.extensions["jobs"].import_order_file.call_local(job.id)
    page.locator("h1", has_text="Your order has been created").wait_for()
    assert "has been created from your file (2 products)" in page.locator(".alert-success").inner_text()
    page.get_by_role("link", name="Open order").click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text().startswith("Order")
    watch.assert_clean()
    context.close()
