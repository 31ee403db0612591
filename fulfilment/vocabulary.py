"""The words of the trade that many pages show: statuses, in the reader's language.

A status is stored as its English code ("processing") and shown through ``status_label``, so the
portal, the back office, exports and e-mails say it alike ("in behandeling" in Dutch). The API
keeps the codes: they are Picqer's.
"""

from fulfilment.i18n import _l

STATUS_LABELS = {
    # orders
    "concept": _l("concept"),
    "expected": _l("expected"),
    "processing": _l("processing"),
    "paused": _l("paused"),
    "completed": _l("completed"),
    "cancelled": _l("cancelled"),
    # purchase orders, receipts
    "purchased": _l("purchased"),
    "received": _l("received"),
    # picklists, returns
    "new": _l("new"),
    "closed": _l("closed"),
    "picked": _l("picked"),
    "announced": _l("announced"),
    "backordered": _l("backordered"),
    # webshop orders seen
    "imported": _l("imported"),
    "ignored": _l("ignored"),
    "error": _l("error"),
    # invoices
    "draft": _l("draft"),
    "issued": _l("issued"),
    "paid": _l("paid"),
    # e-mails and webhook deliveries
    "pending": _l("pending"),
    "sending": _l("sending"),
    "sent": _l("sent"),
    "failed": _l("failed"),
    "delivered": _l("delivered"),
    "retrying": _l("retrying"),
    # records that can be switched off
    "active": _l("active"),
    "inactive": _l("inactive"),
}


def status_label(status):
    """The status as the reader says it (an unknown code is shown as it is)."""
    code = str(getattr(status, "name", status) or "").strip()
    label = STATUS_LABELS.get(code.lower())
    return str(label) if label is not None else code


def init_app(app):
    app.add_template_filter(status_label, "status_label")
