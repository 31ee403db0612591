"""A long back-office list is exported by the worker: the staff member lands on the job's page with its
progress, then downloads the list as the short export would have written it; only they (and admins) may."""

import re

import pytest

from fulfilment.models import Client, ExportJob
from fulfilment.services import export_jobs, sheet_writer
from tests import factories, read_exports
from tests.conftest import login

JOB_PAGE = re.compile(r"/admin/exportjob/job/(\d+)")


@pytest.fixture
def long_lists(app, tmp_path):
    """Every list of more than two rows is a long one; job files go to a temporary folder."""
    app.config.update(EXPORT_IMMEDIATE_MAX_ROWS=2, EXPORT_FOLDER=str(tmp_path))
    return tmp_path


def _staff_login(app, username, *, is_admin=False):
    user = factories.make_staff_user(username=username, password=f"{username}-password-1", is_admin=is_admin)
    test_client = app.test_client()
    assert login(test_client, "/admin/login", username, f"{username}-password-1").status_code == 302
    return user, test_client


@pytest.fixture
def clerk(app):
    """A staff member without the admin flag, logged in: (user, test client)."""
    return _staff_login(app, "clerk")


def _view(app, endpoint):
    admin = app.extensions["admin"][0]
    return next(view for view in admin._views if getattr(view, "endpoint", None) == endpoint)


def _mugs_of_acme(app):
    """Products of two clients; the URL arguments of "Acme's mugs, by name, Z to A"."""
    acme, other = factories.make_client(name="Acme"), factories.make_client(name="Other")
    for name in ("Mug blue", "Mug red", "Plate", "Mug green", "Mug white"):
        factories.make_product(acme, name=name)
    factories.make_product(other, name="Mug yellow")
    view = _view(app, "product")
    by_client = next(key for key, (_, flt) in view._filter_args.items()
                     if flt.column is Client.name and str(flt.operation()) == "equals")
    sort = next(i for i, (column, _) in enumerate(view._list_columns) if column == "name")
    return {"search": "mug", "sort": sort, "desc": 1, f"flt0_{by_client}": "Acme"}


def _job_id(response):
    assert response.status_code == 302, response.get_data(as_text=True)[:300]
    found = JOB_PAGE.fullmatch(response.headers["Location"])
    assert found, response.headers["Location"]
    return int(found.group(1))


def test_a_long_list_becomes_a_job_whose_file_holds_the_lists_rows_in_its_order(app, long_lists, clerk):
    user, test_client = clerk
    arguments = _mugs_of_acme(app)

    job_id = _job_id(test_client.get("/admin/product/export/xlsx/", query_string={**arguments, "page": 1}))

    job = ExportJob.get_by_id(job_id)
    assert (job.client_id, job.requested_by_id, job.requested_by_staff_id) == (None, None, user.id)
    assert (job.kind, job.status, job.rows_written) == ("admin:product", "done", 4)
    page = test_client.get(f"/admin/exportjob/job/{job_id}").get_data(as_text=True)
    assert "Your export is ready" in page and "The file holds 4 rows." in page
    assert f'href="/admin/exportjob/job/{job_id}/download"' in page
    download = test_client.get(f"/admin/exportjob/job/{job_id}/download")
    assert download.status_code == 200
    assert download.headers["Cache-Control"] == "private, no-store"
    assert download.headers["Content-Disposition"] == f"attachment; filename={job.download_name}"
    assert job.download_name == f"products-{job.created_at:%Y-%m-%d}.xlsx"
    records = read_exports.records(download.data)
    assert [record["Name"] for record in records] == ["Mug white", "Mug red", "Mug green", "Mug blue"]

    app.config["EXPORT_IMMEDIATE_MAX_ROWS"] = 5000
    at_once = test_client.get("/admin/product/export/xlsx/", query_string=arguments)
    assert at_once.status_code == 200
    assert read_exports.rows(download.data) == read_exports.rows(at_once.data)


def test_a_short_list_still_downloads_at_once(app, long_lists, clerk):
    _user, test_client = clerk
    factories.make_product(name="Mug")
    factories.make_product(name="Plate")

    response = test_client.get("/admin/product/export/xlsx/")

    assert response.status_code == 200
    assert response.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert sorted(record["Name"] for record in read_exports.records(response.data)) == ["Mug", "Plate"]
    assert ExportJob.select().count() == 0


def test_the_same_list_asked_again_while_it_is_written_is_the_same_job(app, clerk):
    user, _test_client = clerk
    arguments = [("search", "mug"), ("page", "3"), ("flt0_1", "Acme")]
    first, created = export_jobs.start_staff_export(user, "product", arguments)
    same, created_again = export_jobs.start_staff_export(user, "product", [("flt0_1", "Acme"), ("search", "mug")])
    other, created_other = export_jobs.start_staff_export(user, "order", arguments)
    assert (created, created_again, created_other) == (True, False, True)
    assert same.id == first.id != other.id
    assert first.filters == '[["flt0_1", "Acme"], ["search", "mug"]]'


def test_a_list_too_long_for_a_job_fails_and_its_page_says_why(app, long_lists, clerk):
    _user, test_client = clerk
    app.config["EXPORT_JOB_MAX_ROWS"] = 3
    for _ in range(4):
        factories.make_product()

    job_id = _job_id(test_client.get("/admin/product/export/xlsx/"))

    job = ExportJob.get_by_id(job_id)
    assert (job.status, job.failure, job.rows_total) == ("failed", export_jobs.TOO_LARGE, 4)
    page = test_client.get(f"/admin/exportjob/job/{job_id}").get_data(as_text=True)
    assert "The export failed" in page
    assert "This list has 4 rows; one export holds at most 3." in page
    assert test_client.get(f"/admin/exportjob/job/{job_id}/download").status_code == 404
    assert not list(long_lists.iterdir())


def test_the_progress_of_a_job_as_json_while_it_waits_and_when_done(app, long_lists, clerk):
    user, test_client = clerk
    factories.make_product()
    job, _created = export_jobs.start_staff_export(user, "product", [])

    waiting = test_client.get(f"/admin/exportjob/job/{job.id}/progress")

    assert waiting.status_code == 200 and waiting.headers["Cache-Control"] == "no-store"
    assert waiting.json == {"id": job.id, "status": "queued", "rows_written": 0, "rows_total": None, "percent": None}
    page = test_client.get(f"/admin/exportjob/job/{job.id}").get_data(as_text=True)
    assert "Export being prepared" in page and "Check again" in page
    assert f'data-progress-url="/admin/exportjob/job/{job.id}/progress"' in page
    assert "export-progress.js" in page

    app.extensions["jobs"].write_export(job.id)

    done = test_client.get(f"/admin/exportjob/job/{job.id}/progress").json
    assert (done["status"], done["rows_written"], done["rows_total"], done["percent"]) == ("done", 1, 1, 100)


def test_another_staff_members_job_is_not_found_but_an_admin_opens_it(app, long_lists, clerk, staff_client):
    owner, owner_client = clerk
    for _ in range(3):
        factories.make_product()
    job_id = _job_id(owner_client.get("/admin/product/export/xlsx/"))
    _other, other_client = _staff_login(app, "other-clerk")
    urls = [f"/admin/exportjob/job/{job_id}", f"/admin/exportjob/job/{job_id}/progress",
            f"/admin/exportjob/job/{job_id}/download"]

    assert [other_client.get(url).status_code for url in urls] == [404, 404, 404]
    assert [staff_client.get(url).status_code for url in urls] == [200, 200, 200]  # staff_client is an admin
    assert [owner_client.get(url).status_code for url in urls] == [200, 200, 200]
    assert other_client.get("/admin/exportjob/job/99999999999999999999").status_code == 404
    jobs_list = other_client.get("/admin/exportjob/").get_data(as_text=True)
    assert f'href="/admin/exportjob/job/{job_id}"' not in jobs_list
    assert f'href="/admin/exportjob/job/{job_id}"' in owner_client.get("/admin/exportjob/").get_data(as_text=True)


def test_a_portal_export_job_has_no_staff_page(app, clerk, staff_client):
    client = factories.make_client()
    job, _created = export_jobs.start_export(client, None, "products", {})
    assert staff_client.get(f"/admin/exportjob/job/{job.id}").status_code == 404


def test_portal_users_and_visitors_never_reach_a_staff_job(app, long_lists, clerk, portal_client):
    _owner, owner_client = clerk
    for _ in range(3):
        factories.make_product()
    job_id = _job_id(owner_client.get("/admin/product/export/xlsx/"))
    staff_pages = [f"/admin/exportjob/job/{job_id}", f"/admin/exportjob/job/{job_id}/progress",
                   f"/admin/exportjob/job/{job_id}/download"]
    portal_pages = [f"/fulfilmentportal/exports/{job_id}", f"/fulfilmentportal/exports/{job_id}/progress",
                    f"/fulfilmentportal/exports/{job_id}/download"]

    assert [portal_client.get(url).status_code for url in staff_pages] == [403, 403, 403]
    assert [portal_client.get(url).status_code for url in portal_pages] == [404, 404, 404]
    anonymous = [app.test_client().get(url) for url in staff_pages]
    assert all(response.status_code == 302 and response.headers["Location"].startswith("/admin/login")
               for response in anonymous)


@pytest.mark.parametrize("language, sheet_title, heading", [("nl", "Producten", "Je export staat klaar"),
                                                            ("en", "Products", "Your export is ready")])
def test_a_job_is_written_in_the_staff_members_language(app, long_lists, clerk, language, sheet_title, heading):
    user, test_client = clerk
    user.language = language
    user.save()
    for _ in range(3):
        factories.make_product()

    job_id = _job_id(test_client.get("/admin/product/export/xlsx/"))

    job = ExportJob.get_by_id(job_id)
    assert job.language == language
    file = read_exports.workbook(test_client.get(f"/admin/exportjob/job/{job_id}/download").data)
    assert file.worksheets[0].title == sheet_title
    assert heading in test_client.get(f"/admin/exportjob/job/{job_id}").get_data(as_text=True)


@pytest.mark.parametrize("language, advice", [
    ("en", "The export could not be written. Try again; if it fails again, the worker"),
    ("nl", "lukt het weer niet, dan staat in het logboek van de worker waarom."),
])
def test_a_job_that_breaks_says_so_on_its_page_in_the_staff_members_language(app, long_lists, clerk, monkeypatch,
                                                                             language, advice):
    def broken(*args, **kwargs):
        raise OSError("disk full")

    user, test_client = clerk
    user.language = language
    user.save()
    for _ in range(3):
        factories.make_product()
    monkeypatch.setattr(sheet_writer, "write_workbook", broken)

    job_id = _job_id(test_client.get("/admin/product/export/xlsx/"))

    assert ExportJob.get_by_id(job_id).failure == export_jobs.FAILED
    assert advice in test_client.get(f"/admin/exportjob/job/{job_id}").get_data(as_text=True)
