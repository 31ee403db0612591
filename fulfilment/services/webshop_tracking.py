"""Telling webshops about shipments: carrier and tracking code go back, retried until the shop has them.

The shipment row is the outbox: picking.add_shipment marks a webshop order's shipment
``pending``. The worker sends every due shipment (push_due_tracking, each minute). A failed
attempt marks it ``failed`` with the shop's reason and schedules the next try with exponential
back-off; after WEBSHOP_PUSH_MAX_ATTEMPTS tries it waits for staff ("Tell the webshop again").
An attempt first takes a lease on the row (webshop_push_next_at in the future), so two workers
never send the same shipment at once, and a worker that dies mid-attempt is retried later.
"""

import logging
from contextlib import closing
from datetime import timedelta

from fulfilment.db import write_transaction
from fulfilment.i18n import _
from fulfilment.models import Order, Shipment, Webshop, utcnow
from fulfilment.services import webshops
from fulfilment.services.actors import client_language
from fulfilment.services.connectors.base import TrackingUpdate
from fulfilment.services.errors import DomainError, WrongStatus
from fulfilment.services.picking import picklist_lines

logger = logging.getLogger(__name__)

LEASE = timedelta(minutes=10)
FIRST_RETRY = timedelta(minutes=1)
LONGEST_WAIT = timedelta(hours=6)
SENT, FAILED, NOT_DUE = "sent", "failed", "not due"


def retry_delay(attempts):
    """How long to wait after the given number of failed attempts: 1, 2, 4 … minutes, at most 6 hours."""
    return min(FIRST_RETRY * 2 ** max(attempts - 1, 0), LONGEST_WAIT)


def due_shipments(now=None, limit=50):
    """Shipments whose shop should be told now (active webshops only; a switched-off one waits)."""
    now = now or utcnow()
    return (
        Shipment.select(Shipment).join(Order).join(Webshop)
        .where(Shipment.webshop_push_status.in_(("pending", "failed"))
               & (Shipment.webshop_push_attempts < webshops.settings.push_max_attempts)
               & (Shipment.webshop_push_next_at.is_null() | (Shipment.webshop_push_next_at <= now))
               & (Webshop.active == True))  # noqa: E712
        .order_by(Shipment.id).limit(limit)
    )


def push_due_tracking(limit=50):
    """Send every due shipment to its shop; return how many were sent and how many failed."""
    outcomes = {SENT: 0, FAILED: 0}
    for shipment in list(due_shipments(limit=limit)):
        outcome = push_tracking(shipment)
        if outcome in outcomes:
            outcomes[outcome] += 1
    return outcomes


def push_tracking(shipment):
    """Tell the shop about one shipment unless it is not due or another attempt holds it; record the outcome."""
    if not _take_lease(shipment):
        return NOT_DUE
    try:
        update, webshop = _tracking_update(shipment)
        with closing(webshops.connector_for(webshop)) as shop:
            shop.send_tracking(update)
    except DomainError as error:
        _record_failure(shipment, error.message)
        return FAILED
    _record_sent(shipment)
    return SENT


def retry_tracking(shipment, actor=None):
    """Start telling the shop again from the first attempt (staff, after fixing the cause)."""
    with write_transaction():
        updated = Shipment.update(
            webshop_push_status="pending", webshop_push_attempts=0, webshop_push_next_at=None,
        ).where((Shipment.id == shipment.id) & (Shipment.webshop_push_status == "failed")).execute()
    if not updated:
        raise WrongStatus(_("Only a shipment whose webshop could not be told can be sent again."))
    return Shipment.get_by_id(shipment.id)


def _take_lease(shipment):
    now = utcnow()
    with write_transaction():
        taken = Shipment.update(webshop_push_next_at=now + LEASE).where(
            (Shipment.id == shipment.id)
            & Shipment.webshop_push_status.in_(("pending", "failed"))
            & (Shipment.webshop_push_attempts < webshops.settings.push_max_attempts)
            & (Shipment.webshop_push_next_at.is_null() | (Shipment.webshop_push_next_at <= now))
        ).execute()
    return taken == 1


def _tracking_update(shipment):
    shipment = Shipment.get_by_id(shipment.id)
    order = Order.get_by_id(shipment.order_id)
    webshop = Webshop.get_by_id(order.webshop_id)
    lines = [(line.product.product_code, line.amount_picked) for line in picklist_lines(shipment.picklist_id)
             if line.amount_picked]
    earlier = (Shipment.select(Shipment.tracking_code)
               .where((Shipment.picklist == shipment.picklist_id) & (Shipment.id != shipment.id)
                      & (Shipment.webshop_push_status == "sent") & (Shipment.tracking_code != ""))
               .order_by(Shipment.id))
    update = TrackingUpdate(
        foreign_id=order.foreign_id, carrier=shipment.carrier, tracking_code=shipment.tracking_code,
        tracking_url=shipment.tracking_url, lines=lines, order_complete=order.status == "completed",
        earlier_tracking_codes=[code for (code,) in earlier.tuples()], language=client_language(order.client_id),
    )
    return update, webshop


def _record_sent(shipment):
    with write_transaction():
        Shipment.update(
            webshop_push_status="sent", webshop_pushed_at=utcnow(), webshop_push_error="", webshop_push_next_at=None,
            webshop_push_attempts=Shipment.webshop_push_attempts + 1,
        ).where(Shipment.id == shipment.id).execute()
    logger.info("Shipment #%s: the webshop has its tracking code.", shipment.id)


def _record_failure(shipment, message):
    with write_transaction():
        attempts = Shipment.select(Shipment.webshop_push_attempts).where(Shipment.id == shipment.id).scalar() + 1
        give_up = attempts >= webshops.settings.push_max_attempts
        next_at = None if give_up else utcnow() + retry_delay(attempts)
        if give_up:
            message = _("%(problem)s Gave up after %(attempts)s attempts; use “Tell the webshop again” once this is "
                        "fixed.", problem=message, attempts=attempts)
        Shipment.update(
            webshop_push_status="failed", webshop_push_attempts=attempts, webshop_push_error=message,
            webshop_push_next_at=next_at,
        ).where(Shipment.id == shipment.id).execute()
    logger.warning("Shipment #%s: the webshop could not be told (attempt %s): %s", shipment.id, attempts, message)
