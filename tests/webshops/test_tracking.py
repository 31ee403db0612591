"""Tracking codes back to the shop: sent after a shipment, retried with back-off, visible when failing."""

from datetime import timedelta

import pytest

from fulfilment.models import Order, Shipment, Webshop, utcnow
from fulfilment.services import picking
from fulfilment.services.errors import WrongStatus
from fulfilment.services.webshop_import import import_orders
from fulfilment.services.webshop_tracking import (
    LEASE,
    _take_lease,
    due_shipments,
    push_due_tracking,
    retry_delay,
    retry_tracking,
)


def _imported_order(woo, webshop, lines=(("SKU-1", 2),)):
    shop_order = woo.add_order(lines=lines)
    import_orders(Webshop.get_by_id(webshop.id))
    return shop_order, Order.get(Order.foreign_id == str(shop_order["id"]))


def _ship(order, picked=None):
    picklist = order.picklists.first()
    picking.close_picklist(picklist, picked=picked, shipments=[{
        "carrier": "PostNL", "tracking_code": "3SPOST123", "tracking_url": "https://postnl.example/3SPOST123"}])
    return Shipment.get(Shipment.picklist == picklist)


def _shipment(shipment):
    return Shipment.get_by_id(shipment.id)


def test_tracking_goes_back_after_a_shipment(woo, woo_webshop):
    shop_order, order = _imported_order(woo, woo_webshop)
    shipment = _ship(order)
    assert _shipment(shipment).webshop_push_status == "pending"

    assert push_due_tracking() == {"sent": 1, "failed": 0}

    assert shop_order["status"] == "completed"
    [note] = woo.notes[shop_order["id"]]
    assert note["customer_note"] is True
    for expected in ("PostNL", "3SPOST123", "https://postnl.example/3SPOST123"):
        assert expected in note["note"]
    shipment = _shipment(shipment)
    assert (shipment.webshop_push_status, shipment.webshop_push_attempts) == ("sent", 1)
    assert shipment.webshop_push_error == ""
    assert shipment.webshop_pushed_at is not None
    assert push_due_tracking() == {"sent": 0, "failed": 0}  # never twice
    assert len(woo.notes[shop_order["id"]]) == 1


def test_a_partial_shipment_adds_a_note_but_leaves_the_order_open(woo, woo_webshop):
    shop_order, order = _imported_order(woo, woo_webshop, lines=[("SKU-1", 2)])
    picklist_line = picking.picklist_lines(order.picklists.first())[0]
    _ship(order, picked={picklist_line.id: 1})

    push_due_tracking()

    assert shop_order["status"] == "processing"
    assert woo.notes[shop_order["id"]][0]["note"].startswith("Part of your order has been shipped with PostNL.")


def test_a_dutch_clients_shop_customer_reads_the_note_in_dutch(app, woo, woo_webshop, shop_client):
    shop_client.language = "nl"
    shop_client.save()
    shop_order, order = _imported_order(woo, woo_webshop)
    _ship(order)

    with app.app_context():  # as the worker runs it
        push_due_tracking()

    [note] = woo.notes[shop_order["id"]]
    assert note["note"].startswith("Je bestelling is verzonden met PostNL. Trackingcode: 3SPOST123.")
    assert "Your order" not in note["note"]


def test_a_failure_is_visible_and_retried_with_back_off(woo, woo_webshop):
    shop_order, order = _imported_order(woo, woo_webshop)
    shipment = _ship(order)
    woo.fail("500", path="/notes", times=1)

    assert push_due_tracking() == {"sent": 0, "failed": 1}

    failed = _shipment(shipment)
    assert (failed.webshop_push_status, failed.webshop_push_attempts) == ("failed", 1)
    assert "HTTP 500" in failed.webshop_push_error
    assert failed.webshop_push_next_at > utcnow() + retry_delay(1) - timedelta(seconds=5)
    assert push_due_tracking() == {"sent": 0, "failed": 0}  # not due yet

    Shipment.update(webshop_push_next_at=utcnow() - timedelta(seconds=1)).where(Shipment.id == shipment.id).execute()
    assert push_due_tracking() == {"sent": 1, "failed": 0}
    sent = _shipment(shipment)
    assert (sent.webshop_push_status, sent.webshop_push_attempts, sent.webshop_push_error) == ("sent", 2, "")
    assert shop_order["status"] == "completed" and len(woo.notes[shop_order["id"]]) == 1


def test_back_off_doubles_up_to_six_hours():
    assert [retry_delay(n).total_seconds() / 60 for n in (1, 2, 3, 4)] == [1, 2, 4, 8]
    assert retry_delay(30) == timedelta(hours=6)


def test_after_the_last_attempt_it_waits_for_staff(woo, woo_webshop, fast_http):
    _, order = _imported_order(woo, woo_webshop)
    shipment = _ship(order)
    woo.fail("500", path="/orders/", times=1000)

    for _ in range(fast_http.push_max_attempts):
        Shipment.update(webshop_push_next_at=None).where(Shipment.id == shipment.id).execute()
        push_due_tracking()

    given_up = _shipment(shipment)
    assert given_up.webshop_push_attempts == fast_http.push_max_attempts
    assert given_up.webshop_push_next_at is None and "Gave up after 4 attempts" in given_up.webshop_push_error
    assert list(due_shipments()) == []

    woo.clear_faults()
    retry_tracking(given_up)
    assert push_due_tracking() == {"sent": 1, "failed": 0}
    with pytest.raises(WrongStatus):
        retry_tracking(_shipment(shipment))


def test_wrong_credentials_fail_visibly(woo, woo_webshop):
    _, order = _imported_order(woo, woo_webshop)
    shipment = _ship(order)
    woo.consumer_secret = "cs_changed_in_the_shop_0000"

    push_due_tracking()

    assert "not this consumer secret" in _shipment(shipment).webshop_push_error


def test_an_attempt_holds_a_lease_so_two_workers_never_send_the_same_shipment(woo, woo_webshop):
    _, order = _imported_order(woo, woo_webshop)
    shipment = _ship(order)

    assert _take_lease(shipment) is True
    assert _take_lease(shipment) is False
    assert list(due_shipments()) == []
    # A worker that died mid-attempt: after the lease the shipment is due again.
    assert list(due_shipments(now=utcnow() + LEASE + timedelta(seconds=1))) == [_shipment(shipment)]


def test_a_switched_off_webshop_keeps_its_shipments_pending(woo, woo_webshop):
    _, order = _imported_order(woo, woo_webshop)
    shipment = _ship(order)
    Webshop.update(active=False).where(Webshop.id == woo_webshop.id).execute()

    assert push_due_tracking() == {"sent": 0, "failed": 0}
    assert _shipment(shipment).webshop_push_status == "pending"
