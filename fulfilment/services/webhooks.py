"""Webhooks as Picqer's API has them: hooks, their deliveries, signing, retries and deactivation.

A hook listens to one event and POSTs ``{"idhook", "name", "event", "event_triggered_at", "data"}``
to its address, where data is the API's serialisation of the resource. With a secret, the body is
signed as Picqer signs it: ``X-Picqer-Signature`` = base64(HMAC-SHA256(secret, raw body)).

Deliveries are rows written in the transaction of the event (services/events.py), so a rolled-back
change sends nothing; the worker sends them. An answer other than 2xx within WEBHOOK_TIMEOUT
seconds (redirects are not followed) is a failure; a delivery is tried WEBHOOK_MAX_ATTEMPTS times
(Picqer: 15 retries over about 17 hours) and then counts as failed for good. A hook with
WEBHOOK_DEACTIVATE_AFTER deliveries failed for good within 24 hours is deactivated (as Picqer does);
its owner reactivates it once the receiver works again, and its waiting deliveries go out then.

A client's hook hears only that client's events; a staff hook (no client) every client's.
Addresses pass the same checks as webshop addresses: https:// only, never into a private network,
unless the development settings FULFILMENT_WEBSHOP_ALLOW_HTTP / _ALLOW_PRIVATE_NETWORK are on.
"""

import base64
import hashlib
import hmac
import json
import logging
import secrets
from datetime import timedelta
from urllib.parse import urlsplit

import requests
from flask import current_app

from fulfilment.db import write_transaction
from fulfilment.i18n import _, _l
from fulfilment.models import Hook, WebhookDelivery, utcnow
from fulfilment.services import webshop_credentials, webshops
from fulfilment.services.actors import describe_actor
from fulfilment.services.connectors.base import ConnectorError, InsecureConnection
from fulfilment.services.connectors.http import pinned_session, refuse_plain_http, refuse_private_network
from fulfilment.services.errors import NotFound, ValidationFailed, WrongStatus
from fulfilment.version import __version__

logger = logging.getLogger(__name__)

# Picqer's event names for what this system has, with what triggers them (in the reader's language).
EVENTS = {
    "orders.created": _l("An order is created."),
    "orders.allocated": _l("Stock is allocated to an order (it is processed)."),
    "orders.closed": _l("An order is processed."),
    "orders.paused": _l("An order is paused."),
    "orders.resumed": _l("A paused order is resumed."),
    "orders.completed": _l("An order is completed: everything has been shipped."),
    "orders.status_changed": _l("An order's status changes, e.g. from concept to processing."),
    "picklists.created": _l("A picklist is created."),
    "picklists.closed": _l("A picklist is closed (picked)."),
    "picklists.cancelled": _l("A picklist is cancelled."),
    "picklists.shipments.created": _l("A shipment is created on a picklist."),
    "products.free_stock_changed": _l("A product's free stock changes."),
    "products.stock_changed": _l("A product's stock changes."),
    "purchase_orders.created": _l("A purchase order is created."),
    "purchase_orders.changed": _l("A purchase order is changed or cancelled."),
    "purchase_orders.purchased": _l("A purchase order is marked as purchased."),
    "purchase_orders.receipts.created": _l("A receipt is started for a purchase order."),
    "receipts.created": _l("A receipt is created."),
    "receipts.completed": _l("A receipt is completed."),
    "returns.created": _l("A return is created."),
    "returns.changed": _l("A return's details change."),
    "returns.status_changed": _l("A return's status changes."),
    "returns.products_received": _l("Returned products are received back into stock."),
}
LEASE = timedelta(minutes=5)
FIRST_RETRY = timedelta(minutes=1)
LONGEST_WAIT = timedelta(hours=2)
FAILURE_WINDOW = timedelta(hours=24)
DELETED, FAILING = "deleted", "failing"
MAX_ANSWER_KEPT = 500


def retry_delay(attempts):
    """1, 2, 4 … 64 minutes, then every 2 hours: the 15 retries span about 18 hours, like Picqer's 17."""
    return min(FIRST_RETRY * 2 ** max(attempts - 1, 0), LONGEST_WAIT)


def datetime_text(value):
    """Picqer's datetime format, 'YYYY-MM-DD HH:MM:SS' (UTC)."""
    return value.strftime("%Y-%m-%d %H:%M:%S")


def _config(name):
    return current_app.config[name]


# --- hooks ----------------------------------------------------------------------------------------


def clean_address(address):
    """The hook's address when it may be called: https (unless allowed for development), not private."""
    address = (address or "").strip()
    parts = urlsplit(address)
    http = webshops.settings.http
    if not parts.hostname or parts.scheme not in ("https", "http") or parts.username or parts.password \
            or any(ch.isspace() for ch in address):
        raise ValidationFailed(_("The address must be a full URL such as https://example.com/webhooks/picqer."))
    if len(address) > 1000:
        raise ValidationFailed(_("The address is too long (at most 1000 characters)."))
    try:
        refuse_plain_http(address, http)
        refuse_private_network(address, http.allow_private_network)
    except ConnectorError as error:
        raise ValidationFailed(_address_refusal(error, parts.hostname)) from None
    return address


def _address_refusal(error, host):
    if isinstance(error, InsecureConnection):
        return _("The address must start with https://: events are only sent over an encrypted connection.")
    return _("The address %(host)s points into a private network, not to the internet. Enter a public address.",
             host=host)


def new_secret():
    """A generated secret for a hook: 32 random bytes, URL-safe text."""
    return secrets.token_urlsafe(32)


def create_hook(*, client, name, event, address, secret=None, actor=None):
    """Create an active hook (client None: a staff hook for every client's events)."""
    name = (name or "").strip()
    if not name or len(name) > 255:
        raise ValidationFailed(_("Give the hook a name (at most 255 characters)."))
    if event not in EVENTS:
        raise ValidationFailed(_("Unknown event %(event)s; choose one of: %(events)s.", event=repr(event),
                                 events=", ".join(EVENTS)))
    address = clean_address(address)
    secret = (secret or "").strip()
    if len(secret) > 255:
        raise ValidationFailed(_("The secret is too long (at most 255 characters)."))
    with write_transaction():
        return Hook.create(
            client=client, name=name, event=event, address=address,
            secret_encrypted=webshop_credentials.encrypt_credentials({"secret": secret}) if secret else "",
            created_by=describe_actor(actor),
        )


def hook_secret(hook):
    if not hook.secret_encrypted:
        return ""
    return webshop_credentials.decrypt_credentials(hook.secret_encrypted).get("secret", "")


def deactivate_hook(hook, reason=DELETED, actor=None):
    """Switch a hook off (Picqer's DELETE): no new events are recorded for it; it can be reactivated."""
    with write_transaction():
        Hook.update(active=False, deactivated_reason=reason, deactivated_at=utcnow()).where(
            (Hook.id == hook.id) & (Hook.active == True)).execute()  # noqa: E712
    return Hook.get_by_id(hook.id)


def reactivate_hook(hook, actor=None):
    """Switch a deactivated hook on again; deliveries that waited go out with the next run."""
    with write_transaction():
        hook = Hook.get_by_id(hook.id)
        if hook.active:
            raise WrongStatus(_("This hook is active already."))
        hook.active, hook.deactivated_reason, hook.deactivated_at = True, "", None
        hook.save()
        # A fresh start: deliveries that failed for good before do not count towards switching it off again.
        WebhookDelivery.update(status="retrying", attempts=0, next_attempt_at=None).where(
            (WebhookDelivery.hook == hook) & (WebhookDelivery.status == "failed")
            & (WebhookDelivery.failed_at >= utcnow() - FAILURE_WINDOW)).execute()
        return hook


def recent_deliveries(hook, limit=20):
    return list(WebhookDelivery.select().where(WebhookDelivery.hook == hook)
                .order_by(WebhookDelivery.id.desc()).limit(limit))


# --- recording events -----------------------------------------------------------------------------


def hooks_for(event, client_id):
    """Active hooks for this event that may hear the client's events: its own and the staff hooks."""
    audience = Hook.client.is_null() if client_id is None else (Hook.client.is_null() | (Hook.client == client_id))
    return list(Hook.select().where((Hook.event == event) & (Hook.active == True) & audience)  # noqa: E712
                .order_by(Hook.id))


def payload(hook, event, data, triggered_at, test=False):
    """The body Picqer sends: idhook, name, event, event_triggered_at and data."""
    body = {"idhook": hook.id, "name": hook.name, "event": event,
            "event_triggered_at": datetime_text(triggered_at), "data": data}
    if test:
        body["test"] = True  # ours: a test event sent from the portal
    return json.dumps(body, ensure_ascii=False, separators=(",", ":"), default=str)


def record_deliveries(event, resource, client_id, data_of):
    """Write one delivery per listening hook in the current transaction; data_of(resource) gives data."""
    hooks = hooks_for(event, client_id)
    if not hooks:
        return []
    data = data_of(resource)
    now = utcnow()
    with write_transaction():
        return [WebhookDelivery.create(client=client_id, hook=hook, event=event,
                                       body=payload(hook, event, data, now)) for hook in hooks]


def queue_test_delivery(hook, data, actor=None):
    """Queue a test event for the hook (with "test": true) and return it; the worker sends it at once."""
    if not hook.active:
        raise WrongStatus(_("This hook is switched off; reactivate it before sending a test event."))
    with write_transaction():
        return WebhookDelivery.create(client=hook.client_id, hook=hook, event=hook.event,
                                      body=payload(hook, hook.event, data, utcnow(), test=True))


# --- delivering -----------------------------------------------------------------------------------


def sign(secret, body):
    """Picqer's signature: base64 of the HMAC-SHA256 of the raw body, keyed with the hook's secret."""
    digest = hmac.new(secret.encode("utf-8"), body.encode("utf-8"), hashlib.sha256).digest()
    return base64.b64encode(digest).decode("ascii")


def _due(now):
    waiting = WebhookDelivery.status.in_(("pending", "retrying")) & (
        WebhookDelivery.next_attempt_at.is_null() | (WebhookDelivery.next_attempt_at <= now))
    abandoned = (WebhookDelivery.status == "sending") & (WebhookDelivery.next_attempt_at <= now)
    return waiting | abandoned


def due_deliveries(now=None, limit=100):
    """Deliveries to send now, of active hooks, oldest first."""
    now = now or utcnow()
    return (WebhookDelivery.select(WebhookDelivery).join(Hook)
            .where(_due(now) & (Hook.active == True))  # noqa: E712
            .order_by(WebhookDelivery.id).limit(limit))


def deliver_due(now=None, limit=100):
    """Send every due delivery; return {'delivered': n, 'failed': n}."""
    outcomes = {"delivered": 0, "failed": 0}
    now = now or utcnow()
    for delivery in list(due_deliveries(now, limit)):
        outcome = deliver(delivery, now)
        if outcome in outcomes:
            outcomes[outcome] += 1
    return outcomes


def _take_lease(delivery, now):
    with write_transaction():
        taken = WebhookDelivery.update(status="sending", next_attempt_at=now + LEASE).where(
            (WebhookDelivery.id == delivery.id) & _due(now)).execute()
    return taken == 1


def deliver(delivery, now=None):
    """POST one delivery unless another attempt holds it or its hook is off; record the outcome."""
    now = now or utcnow()
    hook = Hook.get_by_id(delivery.hook_id)
    if not hook.active or not _take_lease(delivery, now):
        return "not due"
    delivery = WebhookDelivery.get_by_id(delivery.id)
    headers = {"Content-Type": "application/json", "User-Agent": f"FulfilmentPortal-Webhooks/{__version__}"}
    secret = hook_secret(hook)
    if secret:
        headers["X-Picqer-Signature"] = sign(secret, delivery.body)
    http = webshops.settings.http
    status_code, problem = None, ""
    try:
        clean_address(hook.address)
        # Resolved and checked once more, then reached only at the addresses checked: what a name
        # resolves to can change between the check and the request (DNS rebinding).
        with pinned_session(http, hook.address) as session:
            response = session.post(
                hook.address, data=delivery.body.encode("utf-8"), headers=headers, allow_redirects=False,
                timeout=(min(float(_config("WEBHOOK_TIMEOUT")), 10.0), float(_config("WEBHOOK_TIMEOUT"))),
                verify=http.verify,
            )
        status_code = response.status_code
        if not 200 <= status_code < 300:
            if 300 <= status_code < 400:
                problem = _("The receiver answered HTTP %(status)s (a redirect, which is not followed).",
                            status=status_code)
            else:
                problem = _("The receiver answered HTTP %(status)s (not a 2xx answer).", status=status_code)
    except (ValidationFailed, ConnectorError) as error:
        problem = error.message
    except requests.exceptions.Timeout:
        problem = _("The receiver did not answer within %(seconds)s seconds.",
                    seconds=format(_config("WEBHOOK_TIMEOUT"), "g"))
    except requests.exceptions.RequestException as error:
        problem = _("The receiver could not be reached (%(error)s).", error=type(error).__name__)
    if problem:
        _record_failure(delivery, hook, status_code, problem, now)
        return "failed"
    with write_transaction():
        WebhookDelivery.update(status="delivered", attempts=WebhookDelivery.attempts + 1, delivered_at=now,
                               last_status_code=status_code, last_error="", next_attempt_at=None).where(
            WebhookDelivery.id == delivery.id).execute()
    return "delivered"


def _record_failure(delivery, hook, status_code, problem, now):
    attempts = delivery.attempts + 1
    give_up = attempts >= int(_config("WEBHOOK_MAX_ATTEMPTS"))
    with write_transaction():
        WebhookDelivery.update(
            status="failed" if give_up else "retrying", attempts=attempts, last_status_code=status_code,
            last_error=problem[:MAX_ANSWER_KEPT], failed_at=now if give_up else None,
            next_attempt_at=None if give_up else now + retry_delay(attempts),
        ).where(WebhookDelivery.id == delivery.id).execute()
        if give_up:
            failures = WebhookDelivery.select().where(
                (WebhookDelivery.hook == hook) & (WebhookDelivery.status == "failed")
                & (WebhookDelivery.failed_at >= now - FAILURE_WINDOW)).count()
            if failures >= int(_config("WEBHOOK_DEACTIVATE_AFTER")):
                Hook.update(active=False, deactivated_reason=FAILING, deactivated_at=now).where(
                    (Hook.id == hook.id) & (Hook.active == True)).execute()  # noqa: E712
                logger.warning("Hook #%s (%s) deactivated after %s failed deliveries in 24 hours.", hook.id,
                               hook.address, failures)
    logger.info("Webhook delivery #%s to %s failed (attempt %s): %s", delivery.id, hook.address, attempts, problem)


def retry_delivery(delivery, actor=None):
    """Send a delivery that failed for good once more, from the first attempt (staff)."""
    with write_transaction():
        updated = WebhookDelivery.update(status="retrying", attempts=0, next_attempt_at=None, failed_at=None).where(
            (WebhookDelivery.id == delivery.id) & (WebhookDelivery.status == "failed")).execute()
    if not updated:
        raise WrongStatus(_("Only a delivery that failed for good can be tried again."))
    return WebhookDelivery.get_by_id(delivery.id)


def delivery_of_hook(hook, delivery_id):
    delivery = WebhookDelivery.get_or_none((WebhookDelivery.id == delivery_id) & (WebhookDelivery.hook == hook))
    if delivery is None:
        raise NotFound(_("Unknown delivery."))
    return delivery
