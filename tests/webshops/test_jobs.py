"""Background jobs (huey, in immediate mode in the tests): the periodic import and tracking pushes."""

from datetime import datetime

import pytest
from huey import RedisHuey, SqliteHuey

from fulfilment.jobs import import_schedule, make_huey
from fulfilment.models import Order, Shipment, Webshop
from fulfilment.services import picking
from tests.webshops.conftest import connect_woo


def _jobs(app):
    return app.extensions["jobs"]


@pytest.mark.parametrize("minutes, due, not_due", [
    (5, datetime(2026, 1, 1, 10, 15), datetime(2026, 1, 1, 10, 16)),
    (1, datetime(2026, 1, 1, 10, 16), None),
    (60, datetime(2026, 1, 1, 10, 0), datetime(2026, 1, 1, 10, 30)),
    (180, datetime(2026, 1, 1, 9, 0), datetime(2026, 1, 1, 10, 0)),
])
def test_the_import_runs_every_configured_interval(minutes, due, not_due):
    schedule = import_schedule(minutes)
    assert schedule(due)
    if not_due:
        assert not schedule(not_due)


@pytest.mark.parametrize("minutes", [0, 7, 90, 2000])
def test_an_interval_that_does_not_divide_an_hour_or_day_is_refused(minutes):
    with pytest.raises(ValueError, match="FULFILMENT_WEBSHOP_SYNC_MINUTES"):
        import_schedule(minutes)


def test_the_queue_is_sqlite_in_the_instance_folder_or_redis_when_configured(tmp_path):
    sqlite = make_huey({"HUEY_IMMEDIATE": False}, tmp_path)
    assert isinstance(sqlite, SqliteHuey) and sqlite.storage.filename == str(tmp_path / "huey.sqlite3")
    redis = make_huey({"REDIS_URL": "redis://127.0.0.1:6379/0", "HUEY_IMMEDIATE": True}, tmp_path)
    assert isinstance(redis, RedisHuey)


def test_the_periodic_import_imports_every_active_webshop(app, woo, woo_webshop, shop_client):
    woo.add_order()
    switched_off = connect_woo(shop_client, woo, name="Old shop", active=False)

    _jobs(app).import_all_webshops()

    assert Order.select().where(Order.webshop == woo_webshop).count() == 1
    assert Order.select().where(Order.webshop == switched_off).count() == 0
    assert Webshop.get_by_id(woo_webshop.id).last_import_at is not None


def test_a_failed_import_job_is_scheduled_again(app, woo, woo_webshop):
    woo.fail("500", times=1000)

    _jobs(app).import_webshop(woo_webshop.id)

    [retry] = _jobs(app).huey.scheduled()
    assert retry.name == "import_webshop" and retry.args == (woo_webshop.id,) and retry.retries == 1
    assert Order.select().count() == 0


def test_an_import_already_running_is_not_run_twice(app, woo, woo_webshop):
    woo.add_order()
    with _jobs(app).huey.lock_task(f"webshop-import-{woo_webshop.id}"):
        _jobs(app).import_webshop(woo_webshop.id)
    assert Order.select().count() == 0 and _jobs(app).huey.scheduled() == []


def test_the_tracking_job_sends_due_shipments(app, woo, woo_webshop):
    shop_order = woo.add_order()
    _jobs(app).import_webshop(woo_webshop.id)
    picking.close_picklist(Order.get().picklists.first(), shipments=[{"carrier": "DPD", "tracking_code": "DPD1"}])

    _jobs(app).push_tracking()

    assert Shipment.get().webshop_push_status == "sent" and shop_order["status"] == "completed"
