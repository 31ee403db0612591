"""A long Excel import is created by the worker: the client lands on a page with the progress, then the order.

The tests make every preview of more than two lines a long one (IMPORT_IMMEDIATE_MAX_LINES), so
small files stand in for long ones; HUEY_IMMEDIATE runs the worker's job inside the confirming
request.
"""

import re

import pytest

from fulfilment.models import AddressBookEntry, CreationKey, ImportJob, Order, OrderEvent, Product
from fulfilment.services import idempotency, import_jobs, orders, stock
from tests import factories
from tests.conftest import count_queries, portal_login
from tests.make_uploads import openpyxl_file
from tests.views.order_import_forms import ADDRESS, confirm, imported_lines, preview_token, upload
from tests.views.portal_forms import PREFIX, location_of, snapshot, text_of

LONG_FILE = [["SKU", "Qty"], ["MUG", 2], ["1001", 1], ["BAG-9", 3], ["SKU-123", 4]]
LONG_LINES = [("MUG", 2), ("1001", 1), ("BAG-9", 3), ("SKU-123", 4)]


@pytest.fixture
def shop(app, portal_user):
    client = portal_user.client
    factories.make_product(client, product_code="MUG", stock_amount=100)
    factories.make_product(client, product_code="1001", stock_amount=100)
    factories.make_product(client, product_code="BAG-9", stock_amount=1)  # 3 wanted: 2 backordered
    factories.make_product(client, product_code="SKU-123")  # never stocked, so it can still be deleted
    return client


@pytest.fixture
def long_imports(app, tmp_path):
    """Every preview of more than two lines is a long one; confirmed previews wait in a temporary folder."""
    app.config.update(IMPORT_IMMEDIATE_MAX_LINES=2, IMPORT_FOLDER=str(tmp_path))
    return tmp_path


def job_id_of(response):
    found = re.fullmatch(rf"{PREFIX}/orders/import/jobs/(\d+)", location_of(response))
    assert found, location_of(response)
    return int(found.group(1))


def job_page(test_client, job_id):
    return text_of(test_client.get(f"{PREFIX}/orders/import/jobs/{job_id}"))


def without_jobs(rows):
    """A snapshot without the import jobs themselves: what an import that failed must leave as it was."""
    return {model: rows for model, rows in rows.items() if model != "ImportJob"}


def confirmed_long_preview(test_client, rows=LONG_FILE, **fields):
    page = text_of(upload(test_client, openpyxl_file(rows), reference="Big shop export", **fields))
    assert "A file this long is created in the background" in page
    return preview_token(page)


def test_a_long_import_is_created_by_the_worker_with_every_line(app, portal_client, portal_user, shop, long_imports):
    token = confirmed_long_preview(portal_client, save_address="y")
    assert not ImportJob.select().exists()

    job_id = job_id_of(confirm(portal_client, token))

    order = Order.get()
    assert imported_lines(order) == LONG_LINES
    assert (order.source, order.status, order.reference, order.delivery_name) == (
        "import", "processing", "Big shop export", "Jansen BV")
    assert [entry.name for entry in AddressBookEntry.select()] == ["Jansen BV"]
    job = ImportJob.get_by_id(job_id)
    assert (job.status, job.order_id, job.client_id, job.requested_by_id, job.lines_total) == (
        "done", order.id, shop.id, portal_user.id, 4)
    assert job.file_name == "" and list(long_imports.iterdir()) == []  # the preview is gone once read
    page = job_page(portal_client, job_id)
    assert "Your order has been created" in page
    assert f"Order {order.number} has been created from your file (4 products)." in page
    assert f"Order {order.number} is being processed: 4 units reserved for picking, 6 units backordered" in page
    assert f'href="{PREFIX}/orders/{order.id}"' in page
    assert f'href="{PREFIX}/orders?source=import"' in page
    assert "<progress" not in page


def test_the_order_is_made_as_the_immediate_confirm_makes_it(app, portal_client, shop, long_imports):
    """The same preview, created during the request or by the worker, gives the same order."""
    token = confirmed_long_preview(portal_client)
    app.config["IMPORT_IMMEDIATE_MAX_LINES"] = 10
    assert location_of(confirm(portal_client, token)).startswith(f"{PREFIX}/orders/")
    at_once = Order.get()

    app.config["IMPORT_IMMEDIATE_MAX_LINES"] = 2
    job_id_of(confirm(portal_client, confirmed_long_preview(portal_client)))
    by_the_worker = Order.select().order_by(Order.id.desc()).first()
    assert imported_lines(by_the_worker) == imported_lines(at_once) == LONG_LINES
    assert history(by_the_worker) == history(at_once) == [
        ("concept", "Created (import)", "portal client-a-user"), ("processing", "Processed", "portal client-a-user")]


def history(order):
    """The order's history (without the units backordered, which depend on the stock left)."""
    return [(event.status, event.message.split(";")[0], event.actor)
            for event in order.events.order_by(OrderEvent.id)]


def test_the_job_records_its_steps_and_the_page_shows_them(app, portal_client, portal_user, shop, long_imports,
                                                           monkeypatch):
    preview = {"client": shop.id, "import_key": "k" * 20, "save_address": False,
               "lines": [[product.id, 1] for product in Product.select().order_by(Product.id)],
               "fields": {**ADDRESS, "reference": "Waiting"}}
    job, created = import_jobs.start_import(shop, portal_user, preview, folder=long_imports)
    assert created and job.status == "queued"

    page = job_page(portal_client, job.id)
    assert "Your order is being created" in page and "Waiting for its turn" in page
    assert '<progress id="import-progress" class="d-block w-100" max="100">' in page
    assert 'src="/static/export-progress.js"' in page and "<script>" not in page
    assert "An Excel file of 4 products" in page and "Your reference: Waiting" in page

    ImportJob.update(status="running", step="checking").where(ImportJob.id == job.id).execute()
    page = job_page(portal_client, job.id)
    assert 'max="100" value="33"' in page and "Step 1 of 2: Checking the products" in page
    progress = portal_client.get(f"{PREFIX}/orders/import/jobs/{job.id}/progress")
    assert progress.headers["Cache-Control"] == "no-store"
    assert progress.get_json() == {"id": job.id, "status": "running", "step": "checking", "percent": 33,
                                   "lines_total": 4, "text": "Step 1 of 2: Checking the products"}

    # The worker: what the job says by the time the order is placed.
    seen = []
    place_order = orders.place_order

    def watched(*args, **kwargs):
        seen.append(import_jobs.describe(ImportJob.get_by_id(job.id)))
        return place_order(*args, **kwargs)

    monkeypatch.setattr(orders, "place_order", watched)
    ImportJob.update(status="queued", step="").where(ImportJob.id == job.id).execute()
    app.extensions["jobs"].import_order_file(job.id)
    assert [(s["status"], s["step"], s["percent"]) for s in seen] == [("running", "creating", 66)]
    assert seen[0]["text"] == "Step 2 of 2: Creating the order and reserving stock"
    job = ImportJob.get_by_id(job.id)
    assert (job.status, job.step) == ("done", "")
    assert job.started_at <= job.finished_at
    assert portal_client.get(f"{PREFIX}/orders/import/jobs/{job.id}/progress").get_json()["percent"] == 100


@pytest.mark.parametrize("change, message", [
    ("deactivated", "Product SKU-123 is inactive."),
    ("deleted", "A product of the preview is no longer available, so nothing was created. Upload the file again."),
])
def test_a_product_gone_since_the_preview_fails_the_job_and_creates_nothing(app, portal_client, shop, long_imports,
                                                                             change, message):
    token = confirmed_long_preview(portal_client, save_address="y")
    product = Product.get(Product.product_code == "SKU-123")
    if change == "deleted":
        product.delete_instance(recursive=True)
    else:
        product.active = False
        product.save()
    before, keys_before = without_jobs(snapshot()), CreationKey.select().count()

    job_id = job_id_of(confirm(portal_client, token))

    assert without_jobs(snapshot()) == before
    assert CreationKey.select().count() == keys_before  # the preview's key is still free
    job = ImportJob.get_by_id(job_id)
    assert (job.status, job.failure, job.order_id) == ("failed", "refused", None)
    page = job_page(portal_client, job_id)
    assert "The import failed" in page and message in page
    assert "Nothing was created: no order, and no stock was reserved." in page
    assert list(long_imports.iterdir()) == []


def test_an_import_that_breaks_while_reserving_stock_creates_nothing(app, portal_client, shop, long_imports,
                                                                     monkeypatch):
    """The order, its lines, the import key and the address are written before stock is reserved:
    the failure rolls every one of them back."""
    token = confirmed_long_preview(portal_client, save_address="y")

    def broken(*args, **kwargs):
        raise RuntimeError("connection to the database lost")

    monkeypatch.setattr(stock, "allocate_many", broken)
    before, keys_before = without_jobs(snapshot()), CreationKey.select().count()

    job_id = job_id_of(confirm(portal_client, token))

    assert without_jobs(snapshot()) == before and CreationKey.select().count() == keys_before
    job = ImportJob.get_by_id(job_id)
    assert (job.status, job.failure) == ("failed", "error")
    assert "RuntimeError" in job.error
    page = job_page(portal_client, job_id)
    assert "The import could not be finished, so nothing was created." in page
    assert "database lost" not in page


def test_confirming_the_same_preview_again_opens_the_same_job_and_makes_one_order(app, portal_client, portal_user,
                                                                                  shop, long_imports):
    colleague = portal_login(app, factories.make_portal_user(client=shop, username="colleague"))
    token = confirmed_long_preview(portal_client)
    job_id = job_id_of(confirm(portal_client, token))
    cookie_lost = portal_login(app, portal_user)  # the same user in a new session, without the old cookie
    after_first = snapshot()

    for session in (portal_client, colleague, cookie_lost):  # a double click or reload, a colleague, a new login
        assert job_id_of(confirm(session, token)) == job_id

    assert snapshot() == after_first
    assert Order.select().count() == 1 and ImportJob.select().count() == 1


def test_a_preview_created_during_the_request_is_not_created_again_by_a_job(app, portal_client, shop, long_imports):
    token = confirmed_long_preview(portal_client)
    app.config["IMPORT_IMMEDIATE_MAX_LINES"] = 10
    confirm(portal_client, token)
    order = Order.get()

    app.config["IMPORT_IMMEDIATE_MAX_LINES"] = 2
    job_id = job_id_of(confirm(portal_client, token))

    assert Order.select().count() == 1
    page = job_page(portal_client, job_id)
    assert f"This file has already been imported as order {order.number}; nothing new was created." in page


def test_another_clients_import_job_is_404(app, portal_client, shop, long_imports):
    job_id = job_id_of(confirm(portal_client, confirmed_long_preview(portal_client)))
    other = portal_login(app, factories.make_portal_user(username="other-client"))
    for tail in ("", "/progress"):
        assert other.get(f"{PREFIX}/orders/import/jobs/{job_id}{tail}").status_code == 404
    assert portal_client.get(f"{PREFIX}/orders/import/jobs/{job_id + 1000}").status_code == 404
    assert "Big shop export" not in text_of(other.get(f"{PREFIX}/orders/import"))


def test_another_client_cannot_confirm_the_preview_into_a_job(app, portal_client, shop, long_imports):
    token = confirmed_long_preview(portal_client)
    other = portal_login(app, factories.make_portal_user(username="other-client"))
    before = snapshot()
    assert "This preview has expired or was changed" in text_of(confirm(other, token), 400)
    assert snapshot() == before and list(long_imports.iterdir()) == []


def test_a_short_import_is_still_created_during_the_request(app, portal_client, shop, long_imports):
    page = text_of(upload(portal_client, openpyxl_file([["SKU", "Qty"], ["MUG", 1], ["BAG-9", 1]])))
    assert "A file this long is created in the background" not in page
    response = confirm(portal_client, preview_token(page))
    order = Order.get()
    assert location_of(response) == f"{PREFIX}/orders/{order.id}"
    assert imported_lines(order) == [("MUG", 1), ("BAG-9", 1)]
    assert not ImportJob.select().exists() and list(long_imports.iterdir()) == []


def test_the_import_page_lists_the_clients_latest_long_imports(app, portal_client, shop, long_imports):
    job_id = job_id_of(confirm(portal_client, confirmed_long_preview(portal_client)))
    order = Order.get()
    page = text_of(portal_client.get(f"{PREFIX}/orders/import"))
    table = page.split('class="table table-sm bg-white import-jobs"', 1)[1].split("</table>", 1)[0]
    assert f'href="{PREFIX}/orders/import/jobs/{job_id}"' in table
    assert "Big shop export" in table and f">{order.number}</a>" in table and "done" in table
    assert "A file of more than 2 products is created in the background" in page


def test_a_dutch_client_follows_its_import_in_dutch(app, portal_client, portal_user, shop, long_imports):
    shop.language = "nl"
    shop.save()
    preview = {"client": shop.id, "import_key": "n" * 20, "save_address": False,
               "lines": [[product.id, 1] for product in Product.select()], "fields": dict(ADDRESS)}
    job, _ = import_jobs.start_import(shop, portal_user, preview, folder=long_imports, language="nl")
    ImportJob.update(status="running", step="creating").where(ImportJob.id == job.id).execute()
    page = job_page(portal_login(app, portal_user), job.id)
    assert "Je bestelling wordt aangemaakt" in page
    assert "Stap 2 van 2: De bestelling aanmaken en voorraad reserveren" in page


def test_the_latest_long_imports_cost_the_same_queries_for_one_and_five(app, portal_client, portal_user, shop,
                                                                        long_imports):
    product = Product.get(Product.product_code == "MUG")

    def import_one():
        preview = {"client": shop.id, "import_key": idempotency.new_key(), "save_address": False,
                   "lines": [[product.id, 1]], "fields": dict(ADDRESS)}
        job, _ = import_jobs.start_import(shop, portal_user, preview, folder=long_imports)
        app.extensions["jobs"].import_order_file(job.id)

    def queries():
        portal_client.get(f"{PREFIX}/orders/import")
        with count_queries() as counter:
            page = text_of(portal_client.get(f"{PREFIX}/orders/import"))
        return counter.n, page.count(f'href="{PREFIX}/orders/import/jobs/')

    import_one()
    with_one = queries()
    for _ in range(4):
        import_one()
    with_five = queries()
    assert (with_one[1], with_five[1]) == (1, 5)
    assert with_one[0] == with_five[0]
