"""Export jobs in the worker: the fast sheet writer writes what the request's exporter writes, a job
reports its progress and ends done or failed, and old files go."""

import io
import os
import time
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path

import pytest

from fulfilment.i18n import force_locale
from fulfilment.models import ExportJob, utcnow
from fulfilment.services import client_exports, export_jobs, sheet_writer, spreadsheets
from fulfilment.services.spreadsheets import Column
from tests import factories, read_exports

MIXED_ROWS = [
    {"text": "Mug", "number": 7, "money": Decimal("12.50"), "when": datetime(2024, 5, 1, 14, 30),
     "day": date(2024, 2, 29), "flag": True, "float": 1.5},
    {"text": '=HYPERLINK("http://x","y")', "number": None, "money": 3, "when": None, "day": None, "flag": False,
     "float": None},
    {"text": "-2 found broken", "number": -4, "money": None,
     "when": datetime(2024, 5, 1, 14, 0, tzinfo=timezone(timedelta(hours=2))), "day": date(2024, 1, 1),
     "flag": None, "float": 2.25},
    {"text": "bell\x07 in the name", "number": 0, "money": Decimal("0.10"), "when": None, "day": None, "flag": None,
     "float": 0.0},
    {"text": "#N/A", "number": 1, "money": 1.5, "when": None, "day": None, "flag": None, "float": None},
    {"text": "\tcmd", "number": True, "money": 4, "when": None, "day": None, "flag": None, "float": None},
    {"text": "non\u00a0breaking", "number": Decimal("2.5"), "money": None, "when": None, "day": None,
     "flag": "+31 6 1234", "float": Path("shown/as/text")},
]
MIXED_COLUMNS = [Column(key.capitalize(), lambda row, key=key: row[key], money=(key == "money"))
                 for key in ("text", "number", "money", "when", "day", "flag", "float")]


def _cells(data):
    """Each cell as (value, type, number format, quote prefix, bold)."""
    return [[(c.value, c.data_type, c.number_format, c.quotePrefix, c.font.b) for c in row]
            for row in read_exports.cells(data)]


def test_handing_cells_directly_writes_the_same_file_as_openpyxls_own_append(monkeypatch):
    """The writer's shortcut (a private openpyxl hook) changes speed, never the cells."""
    ours, theirs = io.BytesIO(), io.BytesIO()
    monkeypatch.setattr(sheet_writer, "HAND_CELLS_DIRECTLY", True)
    written = spreadsheets.write_workbook(ours, "Mixed: list", MIXED_COLUMNS, iter(MIXED_ROWS))
    monkeypatch.setattr(sheet_writer, "HAND_CELLS_DIRECTLY", False)
    spreadsheets.write_workbook(theirs, "Mixed: list", MIXED_COLUMNS, iter(MIXED_ROWS))

    assert written == len(MIXED_ROWS)
    assert _cells(ours.getvalue()) == _cells(theirs.getvalue())
    header, first, formula, *_ = read_exports.cells(ours.getvalue())
    assert (formula[0].value, formula[0].data_type) == ('=HYPERLINK("http://x","y")', "s")
    assert "<f>" not in read_exports.sheet_xml(ours.getvalue())
    ours_sheet = read_exports.workbook(ours.getvalue()).worksheets[0]
    theirs_sheet = read_exports.workbook(theirs.getvalue()).worksheets[0]
    assert (ours_sheet.title, ours_sheet.freeze_panes) == (theirs_sheet.title, "A2")
    assert ([d.width for d in ours_sheet.column_dimensions.values()]
            == [d.width for d in theirs_sheet.column_dimensions.values()])


def test_the_fast_writer_reports_its_progress(monkeypatch):
    monkeypatch.setattr(sheet_writer, "PROGRESS_EVERY", 2)
    seen = []
    sheet_writer.write_workbook(io.BytesIO(), "Rows", [Column("N", lambda row: row)], range(5), progress=seen.append)
    assert seen == [2, 4]


def _job(client, kind="stock-history", filters=None, **values):
    job, created = export_jobs.start_export(client, None, kind, filters or {})
    assert created
    if values:
        ExportJob.update(**values).where(ExportJob.id == job.id).execute()
    return ExportJob.get_by_id(job.id)


def _run(app, job, folder, max_rows=100_000):
    return export_jobs.run_export_job(job.id, folder=folder, max_rows=max_rows, database_url=app.config["DATABASE_URL"])


def test_a_job_writes_the_list_and_ends_done_with_its_file(app, tmp_path, monkeypatch):
    client = factories.make_client()
    product = factories.make_product(client, stock_amount=3)
    factories.make_product(client, stock_amount=4)
    monkeypatch.setattr(sheet_writer, "PROGRESS_EVERY", 1)
    job = _job(client, filters={"product": product, "date_from": date(2000, 1, 1)})

    with app.app_context():
        finished = _run(app, job, tmp_path)

    assert (finished.status, finished.rows_written, finished.rows_total) == ("done", 1, 1)
    assert finished.started_at and finished.finished_at and not finished.error
    assert finished.download_name == f"stock-history-{job.created_at:%Y-%m-%d}.xlsx"
    path = export_jobs.job_file(finished, tmp_path)
    assert path.parent == tmp_path and not list(tmp_path.glob("*.part"))
    immediate = client_exports.export_stock_history(client, max_rows=10, product=product, date_from=date(2000, 1, 1))
    assert read_exports.rows(path.read_bytes()) == read_exports.rows(read_exports.contents(immediate))


def test_a_job_is_written_once_even_when_queued_twice(app, tmp_path):
    client = factories.make_client()
    factories.make_product(client, stock_amount=3)
    job = _job(client)
    with app.app_context():
        _run(app, job, tmp_path)
        again = _run(app, job, tmp_path)
    assert again.status == "done"
    assert len(list(tmp_path.iterdir())) == 1


def test_the_same_list_asked_again_while_it_is_written_is_the_same_job(app):
    user = factories.make_portal_user()
    first, created = export_jobs.start_export(user.client, user, "orders", {"search": "mug"})
    same, created_again = export_jobs.start_export(user.client, user, "orders", {"search": "mug"})
    other, created_other = export_jobs.start_export(user.client, user, "orders", {"search": "cup"})
    assert (created, created_again, created_other) == (True, False, True)
    assert same.id == first.id != other.id


def test_a_list_longer_than_the_limit_fails_with_its_reason(app, tmp_path):
    client = factories.make_client()
    factories.make_product(client, stock_amount=3)
    factories.make_product(client, stock_amount=4)
    with app.app_context():
        finished = _run(app, _job(client), tmp_path, max_rows=1)
    assert (finished.status, finished.failure, finished.rows_total) == ("failed", export_jobs.TOO_LARGE, 2)
    assert not list(tmp_path.iterdir())


def test_a_job_that_breaks_fails_and_leaves_no_file(app, tmp_path, monkeypatch):
    def broken(*args, **kwargs):
        raise OSError("disk full")

    client = factories.make_client()
    factories.make_product(client, stock_amount=3)
    monkeypatch.setattr(sheet_writer, "write_workbook", broken)
    with app.app_context():
        finished = _run(app, _job(client), tmp_path)
    assert (finished.status, finished.failure) == ("failed", export_jobs.FAILED)
    assert "disk full" in finished.error
    assert not list(tmp_path.iterdir())


def test_old_exports_and_stray_files_are_removed_and_recent_ones_stay(app, tmp_path):
    client = factories.make_client()
    factories.make_product(client, stock_amount=3)
    with app.app_context():
        old = _run(app, _job(client), tmp_path)
        recent = _run(app, _job(client, kind="products"), tmp_path)
    ExportJob.update(created_at=utcnow() - timedelta(hours=25)).where(ExportJob.id == old.id).execute()
    old_file, recent_file = tmp_path / old.file_name, tmp_path / recent.file_name
    stray = tmp_path / "99-left-by-a-crash.xlsx.part"
    stray.write_bytes(b"half")
    two_days_ago = time.time() - 48 * 3600
    os.utime(stray, (two_days_ago, two_days_ago))
    fresh_stray = tmp_path / "100-being-written.xlsx.part"
    fresh_stray.write_bytes(b"half")

    assert export_jobs.remove_expired_exports(tmp_path, keep_hours=24) == 1

    assert not old_file.exists() and not stray.exists()
    assert recent_file.exists() and fresh_stray.exists()
    assert [job.id for job in ExportJob.select()] == [recent.id]


@pytest.mark.parametrize("language, words", [("nl", "Voorraadhistorie"), ("en", "Stock history")])
def test_a_job_names_its_sheet_in_the_language_it_was_asked_in(app, tmp_path, language, words):
    client = factories.make_client()
    factories.make_product(client, stock_amount=3)
    job, _ = export_jobs.start_export(client, None, "stock-history", {}, language=language)
    with app.app_context():
        finished = _run(app, job, tmp_path)
    sheet = read_exports.workbook(export_jobs.job_file(finished, tmp_path).read_bytes()).worksheets[0]
    assert sheet.title == words
    with app.test_request_context(), force_locale(language):
        assert str(export_jobs.KINDS["stock-history"].name) == words


def test_a_back_office_job_asks_its_list_view_again_outside_any_request(app, tmp_path):
    """As in the worker: an app context, no request; the stored search and sort still shape the list."""
    staff = factories.make_staff_user()
    for name in ("Mug blue", "Plate", "Mug red"):
        factories.make_product(name=name)
    with app.app_context():
        view = export_jobs.staff_list_view("product")
    by_name = next(i for i, (column, _label) in enumerate(view._list_columns) if column == "name")
    job, _created = export_jobs.start_staff_export(staff, "product", [("search", "mug"), ("sort", str(by_name))],
                                                   language="nl")

    with app.app_context():
        finished = _run(app, job, tmp_path)

    assert (finished.status, finished.rows_written, finished.client_id) == ("done", 2, None)
    data = export_jobs.job_file(finished, tmp_path).read_bytes()
    assert read_exports.workbook(data).worksheets[0].title == "Producten"
    assert [row[3] for row in read_exports.rows(data)[1:]] == ["Mug blue", "Mug red"]


def test_a_back_office_job_of_a_list_that_is_gone_fails(app, tmp_path):
    job, _created = export_jobs.start_staff_export(factories.make_staff_user(), "no-such-list", [])
    with app.app_context():
        finished = _run(app, job, tmp_path)
    assert (finished.status, finished.failure) == ("failed", export_jobs.FAILED)
    assert "no-such-list" in finished.error
