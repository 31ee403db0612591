"""A long list is exported by the worker: the client lands on a page with the progress, then the download."""

import re
from datetime import timedelta

import pytest

from fulfilment.models import ExportJob, utcnow
from fulfilment.services import export_jobs, sheet_writer
from tests import factories, read_exports
from tests.conftest import portal_login
from tests.views.conftest import MARKER

PREFIX = "/fulfilmentportal"
EXPORTS = ["/products/export.xlsx", "/stock-history/export.xlsx", "/orders/export.xlsx", "/shipments/export.xlsx",
           "/backorders/export.xlsx", "/purchase-orders/export.xlsx", "/returns/export.xlsx"]


@pytest.fixture
def long_lists(app, tmp_path):
    """Every list of more than one row is a long one; job files go to a temporary folder."""
    app.config.update(EXPORT_IMMEDIATE_MAX_ROWS=0, EXPORT_FOLDER=str(tmp_path))
    return tmp_path


def _job_id(response):
    assert response.status_code == 302, response.status_code
    found = re.fullmatch(rf"{PREFIX}/exports/(\d+)", response.headers["Location"])
    assert found, response.headers["Location"]
    return int(found.group(1))


def _page(test_client, job_id):
    response = test_client.get(f"{PREFIX}/exports/{job_id}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


@pytest.mark.parametrize("path", EXPORTS)
def test_a_long_list_is_written_by_the_worker_and_downloads_as_the_short_export_would(app, world, long_lists, path):
    test_client = portal_login(app, world.a_user)

    job_id = _job_id(test_client.get(f"{PREFIX}{path}"))

    page = _page(test_client, job_id)
    assert "Your export is ready" in page
    download = f"{PREFIX}/exports/{job_id}/download"
    assert f'href="{download}"' in page
    response = test_client.get(download)
    assert response.status_code == 200
    assert response.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert response.headers["Cache-Control"] == "private, no-store"
    job = ExportJob.get_by_id(job_id)
    assert response.headers["Content-Disposition"] == f"attachment; filename={job.download_name}"
    assert (job.status, job.client_id, job.requested_by_id) == ("done", world.a_user.client_id, world.a_user.id)
    from_the_worker = response.data

    app.config["EXPORT_IMMEDIATE_MAX_ROWS"] = 10_000
    at_once = test_client.get(f"{PREFIX}{path}")
    assert at_once.status_code == 200
    assert read_exports.rows(from_the_worker) == read_exports.rows(at_once.data)
    assert job.rows_written == len(read_exports.rows(from_the_worker)) - 1
    assert MARKER in read_exports.sheet_xml(from_the_worker)
    assert "Bravo" not in read_exports.sheet_xml(from_the_worker)


def test_a_job_keeps_the_lists_filters(app, world, long_lists):
    test_client = portal_login(app, world.a_user)
    job_id = _job_id(test_client.get(f"{PREFIX}/orders/export.xlsx?q={MARKER}-shipped&status=completed"))
    records = read_exports.records(test_client.get(f"{PREFIX}/exports/{job_id}/download").data)
    assert {r["Order"] for r in records} == {world.shipped_order.number}


def test_a_short_list_still_downloads_at_once(app, world, long_lists):
    app.config["EXPORT_IMMEDIATE_MAX_ROWS"] = 5
    jobs_before = ExportJob.select().count()
    response = portal_login(app, world.a_user).get(f"{PREFIX}/orders/export.xlsx")
    assert response.status_code == 200
    assert ExportJob.select().count() == jobs_before


def test_the_page_shows_the_progress_while_the_worker_writes(app, world, long_lists):
    job, _ = export_jobs.start_export(world.a_user.client, world.a_user, "orders", {})
    test_client = portal_login(app, world.a_user)

    page = _page(test_client, job.id)
    assert "Export being prepared" in page and "Waiting for its turn" in page
    assert '<progress id="export-progress" class="d-block w-100" max="100">' in page
    assert 'src="/static/export-progress.js"' in page and "<script>" not in page

    ExportJob.update(status="running", rows_total=2000, rows_written=500).where(ExportJob.id == job.id).execute()
    page = _page(test_client, job.id)
    assert 'max="100" value="25"' in page and "500 of 2,000 rows written" in page
    assert "Download" not in page
    progress = test_client.get(f"{PREFIX}/exports/{job.id}/progress")
    assert progress.get_json() == {"id": job.id, "status": "running", "rows_written": 500, "rows_total": 2000,
                                   "percent": 25}
    assert test_client.get(f"{PREFIX}/exports/{job.id}/download").status_code == 404

    ExportJob.update(status="queued").where(ExportJob.id == job.id).execute()
    app.extensions["jobs"].write_export(job.id)
    page = _page(test_client, job.id)
    assert "Your export is ready" in page and "Download the Excel file" in page
    assert "<progress" not in page
    assert test_client.get(f"{PREFIX}/exports/{job.id}/progress").get_json()["percent"] == 100


def test_another_clients_job_is_404(app, world, long_lists):
    job_id = _job_id(portal_login(app, world.a_user).get(f"{PREFIX}/orders/export.xlsx"))
    other = portal_login(app, world.b_user)
    for tail in ("", "/progress", "/download"):
        assert other.get(f"{PREFIX}/exports/{job_id}{tail}").status_code == 404
    assert other.get(f"{PREFIX}/exports/{job_id + 1000}").status_code == 404


def test_a_job_that_breaks_shows_a_clear_message(app, world, long_lists, monkeypatch):
    def broken(*args, **kwargs):
        raise OSError("No space left on device")

    monkeypatch.setattr(sheet_writer, "write_workbook", broken)
    test_client = portal_login(app, world.a_user)
    job_id = _job_id(test_client.get(f"{PREFIX}/orders/export.xlsx"))

    page = _page(test_client, job_id)
    assert "The export failed" in page
    assert "The export could not be written. Try again; if it fails again, tell the warehouse." in page
    assert "No space left" not in page
    assert test_client.get(f"{PREFIX}/exports/{job_id}/download").status_code == 404


def test_a_list_too_long_for_one_export_says_so_on_the_jobs_page(app, world, long_lists):
    app.config["EXPORT_JOB_MAX_ROWS"] = 1
    test_client = portal_login(app, world.a_user)
    job_id = _job_id(test_client.get(f"{PREFIX}/orders/export.xlsx?q={MARKER}"))
    page = _page(test_client, job_id)
    assert "This list has 2 rows; one export holds at most 1." in page


def test_a_dutch_client_reads_the_jobs_page_and_its_failure_in_dutch(app, world, long_lists, monkeypatch):
    client = world.a_user.client
    client.language = "nl"
    client.save()
    monkeypatch.setattr(sheet_writer, "write_workbook", lambda *a, **k: 1 / 0)
    test_client = portal_login(app, world.a_user)
    failed = _job_id(test_client.get(f"{PREFIX}/orders/export.xlsx"))
    waiting, _ = export_jobs.start_export(client, world.a_user, "stock-history", {}, language="nl")
    ExportJob.update(status="running", rows_total=2000, rows_written=500).where(ExportJob.id == waiting.id).execute()

    page = _page(test_client, waiting.id)
    assert "Export wordt voorbereid" in page and "500 van 2.000 rijen geschreven" in page
    assert "Export being prepared" not in page and "rows written" not in page
    page = _page(test_client, failed)
    assert "De export is mislukt" in page and "Probeer het opnieuw" in page
    assert "The export failed" not in page


def test_the_worker_removes_files_of_old_exports(app, world, long_lists):
    test_client = portal_login(app, world.a_user)
    job_id = _job_id(test_client.get(f"{PREFIX}/orders/export.xlsx"))
    path = long_lists / ExportJob.get_by_id(job_id).file_name
    assert path.is_file()

    app.extensions["jobs"].remove_old_exports()
    assert path.is_file()
    ExportJob.update(created_at=utcnow() - timedelta(hours=25)).where(ExportJob.id == job_id).execute()
    app.extensions["jobs"].remove_old_exports()

    assert not path.exists()
    assert test_client.get(f"{PREFIX}/exports/{job_id}").status_code == 404


def test_a_second_click_while_it_is_written_opens_the_same_job(app, world, long_lists, monkeypatch):
    queued = []
    monkeypatch.setattr("fulfilment.views.exports.enqueue_export", queued.append)
    test_client = portal_login(app, world.a_user)
    first = _job_id(test_client.get(f"{PREFIX}/orders/export.xlsx"))
    second = _job_id(test_client.get(f"{PREFIX}/orders/export.xlsx"))
    assert first == second and [job.id for job in queued] == [first]


def test_a_download_whose_file_is_gone_says_so(app, world, long_lists):
    test_client = portal_login(app, world.a_user)
    job_id = _job_id(test_client.get(f"{PREFIX}/orders/export.xlsx"))
    (long_lists / ExportJob.get_by_id(job_id).file_name).unlink()
    assert "The file of this export has been removed. Export the list again." in _page(test_client, job_id)
    assert test_client.get(f"{PREFIX}/exports/{job_id}/download").status_code == 404


def test_a_staff_user_created_client_user_can_export_too(app):
    # A client without the portal's world: a user of a brand-new client exports an empty list at once.
    user = factories.make_portal_user()
    assert portal_login(app, user).get(f"{PREFIX}/orders/export.xlsx").status_code == 200
