"""E-mails to clients: which events mail whom, what each message holds, the daily low-stock digest.

A portal user with a notification e-mail receives every kind below unless they switched it off on
the portal's settings page. Messages are in the user's language (its own choice, else its client's), rendered from
templates/mail/<language>/<kind>.txt and .html, and go into the outbox (services/outbox.py) in the
transaction of the event that caused them.
"""

from collections import defaultdict
from datetime import timedelta

from flask import current_app
from peewee import JOIN, fn

from fulfilment.db import write_transaction
from fulfilment.i18n import _l, ngettext
from fulfilment.models import (
    Client,
    NotificationSetting,
    Order,
    Picklist,
    PicklistLine,
    PortalUser,
    Product,
    PurchaseOrder,
    PurchaseOrderLine,
    ReceiptLine,
    ReturnedProduct,
    ReturnLog,
    ReturnStatus,
    StockMutation,
    utcnow,
)
from fulfilment.services import outbox
from fulfilment.services.errors import ValidationFailed

# (setting, label on the settings page)
NOTIFICATIONS = (
    ("shipment_sent", _l("A shipment has been sent (carrier, track & trace, products)")),
    ("order_backordered", _l("An order waits for stock (backorder)")),
    ("backorder_served", _l("A backorder has been served and is on its way to picking")),
    ("purchase_order_received", _l("A purchase order has been received (what arrived, what is missing)")),
    ("return_received", _l("A return has been received back into stock")),
    ("return_status_changed", _l("A return changes status (with the warehouse's message)")),
    ("webshop_import_error", _l("A webshop order could not be imported")),
    ("webshop_connection", _l("A webshop connection fails, and when it works again")),
    ("low_stock_digest", _l("Daily low-stock overview (free stock at or below the threshold)")),
)
NOTIFICATION_KINDS = tuple(kind for kind, _label in NOTIFICATIONS)

# event -> (setting, template)
EVENT_MAIL = {
    "picklists.shipments.created": ("shipment_sent", "shipment_sent"),
    "orders.backordered": ("order_backordered", "order_backordered"),
    "orders.backorders_served": ("backorder_served", "backorder_served"),
    "receipts.completed": ("purchase_order_received", "purchase_order_received"),
    "returns.products_received": ("return_received", "return_received"),
    "returns.status_changed": ("return_status_changed", "return_status_changed"),
    "webshop_orders.import_failed": ("webshop_import_error", "webshop_import_error"),
    "webshops.connection_failed": ("webshop_connection", "webshop_connection_failed"),
    "webshops.connection_recovered": ("webshop_connection", "webshop_connection_recovered"),
}
OUTFLOW_DAYS = 30


# --- who receives what ------------------------------------------------------------------------


def recipients(client, setting):
    """Active portal users of the client with a notification e-mail who have not switched ``setting`` off.

    None when the client has no portal access: its users cannot log in, and every message links into the portal.
    """
    if not client.portal_access:
        return []
    return list(
        PortalUser.for_client(client)
        .join(NotificationSetting, JOIN.LEFT_OUTER,
              on=((NotificationSetting.portal_user == PortalUser.id) & (NotificationSetting.kind == setting)))
        .where((PortalUser.active == True) & (PortalUser.notification_email != "")  # noqa: E712
               & (NotificationSetting.id.is_null() | (NotificationSetting.enabled == True)))  # noqa: E712
        .order_by(PortalUser.id)
    )


def settings_of(user):
    """{kind: enabled} for every kind, the defaults (on) filled in."""
    rows = NotificationSetting.select().where(NotificationSetting.portal_user == user)
    chosen = {row.kind: row.enabled for row in rows}
    return {kind: chosen.get(kind, True) for kind in NOTIFICATION_KINDS}


def save_settings(user, enabled_kinds, actor=None):
    """Switch the user's e-mails: the kinds in ``enabled_kinds`` on, the others off."""
    unknown = set(enabled_kinds) - set(NOTIFICATION_KINDS)
    if unknown:
        raise ValidationFailed(ngettext("Unknown notification: %(kinds)s.", "Unknown notifications: %(kinds)s.",
                                        len(unknown), kinds=", ".join(sorted(unknown))))
    with write_transaction():
        for kind in NOTIFICATION_KINDS:
            enabled = kind in enabled_kinds
            updated = NotificationSetting.update(enabled=enabled).where(
                (NotificationSetting.portal_user == user) & (NotificationSetting.kind == kind)).execute()
            if not updated:
                NotificationSetting.create(client=user.client_id, portal_user=user, kind=kind, enabled=enabled)
    return settings_of(user)


def queue_event_mail(event, resource, client_id, **details):
    """Write the e-mails an event causes for the client's portal users (none when nobody wants them)."""
    if event not in EVENT_MAIL or client_id is None:
        return []
    setting, template = EVENT_MAIL[event]
    client = Client.get_by_id(client_id)
    if not client.active:
        return []
    users = recipients(client, setting)
    if not users:
        return []
    context = CONTEXTS[template](resource, **details)
    return [_queue(user, client, template, context) for user in users]


def _queue(user, client, template, context, dedupe_key=None):
    return outbox.queue_mail(
        recipient=user.notification_email, kind=template, language=user.language or client.language,
        context={**context, "client": client, "user": user, "settings_link": outbox.portal_link("portal.settings")},
        client=client, portal_user=user, dedupe_key=dedupe_key,
    )


# --- what each message holds ------------------------------------------------------------------


def _picked_lines(picklist_id):
    return [(line.product, line.amount_picked) for line in
            PicklistLine.select(PicklistLine, Product).join(Product)
            .where((PicklistLine.picklist == picklist_id) & (PicklistLine.amount_picked > 0))
            .order_by(PicklistLine.id)]


def _shipment_context(shipment, **details):
    picklist = Picklist.get_by_id(shipment.picklist_id)
    order = Order.get_by_id(picklist.order_id) if picklist.order_id else None
    return {
        "shipment": shipment, "picklist": picklist, "order": order, "lines": _picked_lines(picklist.id),
        "link": outbox.portal_link("portal.shipment", picklist_id=picklist.id),
    }


def _backordered_context(order, lines=(), **details):
    return {"order": order, "lines": list(lines), "link": outbox.portal_link("portal.order", order_id=order.id)}


def _served_context(order, picklist=None, **details):
    lines = [(line.product, line.amount) for line in
             PicklistLine.select(PicklistLine, Product).join(Product)
             .where(PicklistLine.picklist == picklist).order_by(PicklistLine.id)] if picklist is not None else []
    return {"order": order, "picklist": picklist, "lines": lines,
            "link": outbox.portal_link("portal.order", order_id=order.id)}


def _received_context(receipt, **details):
    purchase_order = PurchaseOrder.get_by_id(receipt.purchase_order_id)
    arrived = defaultdict(int)
    products = {}
    for line in ReceiptLine.select(ReceiptLine, Product).join(Product).where(ReceiptLine.receipt == receipt):
        arrived[line.product_id] += line.amount
        products[line.product_id] = line.product
    missing = [(line.product, line.amount - line.amount_received, line.amount) for line in
               PurchaseOrderLine.select(PurchaseOrderLine, Product).join(Product)
               .where(PurchaseOrderLine.purchase_order == purchase_order).order_by(PurchaseOrderLine.id)
               if line.amount_received < line.amount]
    return {
        "receipt": receipt, "purchase_order": purchase_order,
        "arrived": sorted(((products[pid], amount) for pid, amount in arrived.items()),
                          key=lambda item: item[0].product_code),
        "missing": missing,
        "link": outbox.portal_link("portal.purchase_order", purchase_order_id=purchase_order.id),
    }


def _return_received_context(ret, received=None, **details):
    lines = {line.id: line for line in ReturnedProduct.select(ReturnedProduct, Product).join(Product)
             .where(ReturnedProduct.return_ == ret)}
    received_lines = [(lines[line_id].product, amount) for line_id, amount in (received or {}).items()
                      if line_id in lines]
    return {"ret": ret, "lines": received_lines, "link": outbox.portal_link("portal.return", return_id=ret.id)}


def _return_status_context(ret, log=None, **details):
    log = log or ReturnLog.select().where(ReturnLog.return_ == ret).order_by(ReturnLog.id.desc()).first()
    status = ReturnStatus.get_by_id(log.status_id) if log is not None else None
    return {"ret": ret, "log": log, "status": status.name if status else "",
            "link": outbox.portal_link("portal.return", return_id=ret.id)}


def _import_error_context(seen, reason="", **details):
    return {"seen": seen, "webshop": seen.webshop, "reason": reason or seen.reason,
            "link": outbox.portal_link("portal.webshop", webshop_id=seen.webshop_id)}


def _connection_context(webshop, message="", **details):
    return {"webshop": webshop, "message": message,
            "link": outbox.portal_link("portal.webshop", webshop_id=webshop.id)}


CONTEXTS = {
    "shipment_sent": _shipment_context,
    "order_backordered": _backordered_context,
    "backorder_served": _served_context,
    "purchase_order_received": _received_context,
    "return_received": _return_received_context,
    "return_status_changed": _return_status_context,
    "webshop_import_error": _import_error_context,
    "webshop_connection_failed": _connection_context,
    "webshop_connection_recovered": _connection_context,
}


# --- the daily low-stock digest ------------------------------------------------------------------


def low_stock_rows(client, threshold, now=None):
    """Active products with free stock at or below threshold: (product, free, outflow in 30 days, days of cover).

    Days of cover = free stock / the average units shipped per day over the last 30 days (None when
    nothing was shipped: no outflow, so no estimate). Two queries for any number of products.
    """
    now = now or utcnow()
    rows = list(
        Product.for_client(client)
        .where((Product.active == True) & (Product.free_total <= threshold))  # noqa: E712
        .order_by(Product.free_total, Product.product_code)
    )
    if not rows:
        return []
    outflow = dict(
        StockMutation.select(StockMutation.product, fn.SUM(StockMutation.change))
        .where((StockMutation.client == client) & (StockMutation.change_type == "picklist")
               & (StockMutation.created_at >= now - timedelta(days=OUTFLOW_DAYS))
               & StockMutation.product.in_([row.id for row in rows]))
        .group_by(StockMutation.product).tuples()
    )
    result = []
    for product in rows:
        shipped = -int(outflow.get(product.id) or 0)  # picked units leave stock: negative changes
        per_day = shipped / OUTFLOW_DAYS
        cover = None if per_day <= 0 else round(max(product.free_total, 0) / per_day, 1)
        result.append((product, product.free_total, shipped, cover))
    return result


def queue_low_stock_digests(today=None, now=None):
    """Write today's low-stock e-mail for every portal user who wants it and has low products (once a day)."""
    today = today or (now or utcnow()).date()
    threshold = int(current_app.config["LOW_STOCK_THRESHOLD"])
    queued = 0
    for client in Client.select().where(Client.active == True).order_by(Client.id):  # noqa: E712
        users = recipients(client, "low_stock_digest")
        if not users:
            continue
        rows = low_stock_rows(client, threshold, now)
        if not rows:
            continue
        context = {"rows": rows, "threshold": threshold, "today": today, "days": OUTFLOW_DAYS,
                   "link": outbox.portal_link("portal.products", stock="low")}
        with write_transaction():
            for user in users:
                if _queue(user, client, "low_stock_digest", context,
                          dedupe_key=f"low-stock:{user.id}:{today.isoformat()}") is not None:
                    queued += 1
    return queued
