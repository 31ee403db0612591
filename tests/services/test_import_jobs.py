"""Import jobs in the worker: one job per preview, taken once, the preview's file gone when the job
ends, and old jobs and stray files removed."""

import os
import time
from datetime import timedelta

from fulfilment.models import ImportJob, Order, utcnow
from fulfilment.services import idempotency, import_jobs
from tests import factories

ADDRESS = {"delivery_name": "Jansen BV", "delivery_address": "Kerkstraat 1", "delivery_zipcode": "1011 AB",
           "delivery_city": "Amsterdam", "delivery_country": "NL"}


def make_preview(client, products, key=None):
    """What a confirmed preview's signed token holds."""
    return {"client": client.id, "lines": [[product.id, 2] for product in products], "save_address": False,
            "import_key": key or idempotency.new_key(), "fields": {**ADDRESS, "reference": "Shop export"}}


def stocked_client():
    client = factories.make_client()
    return client, [factories.make_product(client, stock_amount=5) for _ in range(3)]


def test_a_job_is_taken_once(app, tmp_path):
    client, products = stocked_client()
    job, _ = import_jobs.start_import(client, None, make_preview(client, products), folder=tmp_path)
    with app.app_context():
        first = import_jobs.run_import_job(job.id, folder=tmp_path)
        again = import_jobs.run_import_job(job.id, folder=tmp_path)
    assert (first.status, again.status, again.order_id) == ("done", "done", first.order_id)
    assert Order.select().count() == 1
    assert Order.get().lines.count() == 3
    assert import_jobs.run_import_job(job.id + 1, folder=tmp_path) is None


def test_the_same_preview_confirmed_at_the_same_moment_makes_one_job(app, tmp_path, monkeypatch):
    """Two requests that both found no job for the preview: the second insert loses and gets the first job."""
    client, products = stocked_client()
    preview = make_preview(client, products)
    first, created = import_jobs.start_import(client, None, preview, folder=tmp_path)
    looked_up, real_lookup = [], import_jobs._job_of_preview

    def missed_the_first_time(client, key):
        looked_up.append(key)
        return None if len(looked_up) == 1 else real_lookup(client, key)

    monkeypatch.setattr(import_jobs, "_job_of_preview", missed_the_first_time)

    second, created_again = import_jobs.start_import(client, None, preview, folder=tmp_path)

    assert (created, created_again, second.id) == (True, False, first.id)
    assert [path.name for path in tmp_path.iterdir()] == [first.file_name]


def test_a_preview_whose_file_is_gone_fails_and_creates_nothing(app, tmp_path):
    client, products = stocked_client()
    job, _ = import_jobs.start_import(client, None, make_preview(client, products), folder=tmp_path)
    (tmp_path / job.file_name).unlink()
    with app.app_context():
        finished = import_jobs.run_import_job(job.id, folder=tmp_path)
    assert (finished.status, finished.failure) == ("failed", import_jobs.REFUSED)
    assert finished.message == ("The confirmed file is no longer available, so nothing was created. "
                                "Upload the file again.")
    assert not Order.select().exists()


def test_a_job_writes_its_refusal_in_the_language_it_was_confirmed_in(app, tmp_path):
    client, products = stocked_client()
    products[1].active = False
    products[1].save()
    job, _ = import_jobs.start_import(client, None, make_preview(client, products), folder=tmp_path, language="nl")
    with app.app_context():
        finished = import_jobs.run_import_job(job.id, folder=tmp_path)
    assert (finished.status, finished.failure) == ("failed", import_jobs.REFUSED)
    assert finished.message == f"Product {products[1].product_code} is niet actief."


def test_old_import_jobs_and_stray_files_are_removed_and_recent_ones_stay(app, tmp_path):
    client, products = stocked_client()
    old, _ = import_jobs.start_import(client, None, make_preview(client, products[:1]), folder=tmp_path)
    waiting, _ = import_jobs.start_import(client, None, make_preview(client, products[1:]), folder=tmp_path)
    ImportJob.update(created_at=utcnow() - timedelta(hours=25)).where(ImportJob.id == old.id).execute()
    stray = tmp_path / "left-by-a-failed-request.json"
    stray.write_text("{}")
    two_days_ago = time.time() - 48 * 3600
    os.utime(stray, (two_days_ago, two_days_ago))
    fresh_stray = tmp_path / "being-written.json.part"
    fresh_stray.write_text("{")

    assert import_jobs.remove_expired_imports(tmp_path, keep_hours=24) == 1

    assert not (tmp_path / old.file_name).exists() and not stray.exists()
    assert (tmp_path / waiting.file_name).exists() and fresh_stray.exists()
    assert [job.id for job in ImportJob.select()] == [waiting.id]
