"""The words of the trade that many pages show, in the reader's language: statuses, where an order
came from, why stock changed.

Each is stored as an English code ("processing", "import", "receipt") and shown through the
functions below, so the portal, the back office, exports and e-mails say it alike ("in
behandeling", "Excel-import", "Ontvangst" in Dutch). The API keeps the codes: they are Picqer's.
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
    # export jobs
    "queued": _l("queued"),
    "running": _l("running"),
    "done": _l("done"),
    # records that can be switched off
    "active": _l("active"),
    "inactive": _l("inactive"),
}


def status_label(status):
    """The status as the reader says it (an unknown code is shown as it is)."""
    code = str(getattr(status, "name", status) or "").strip()
    label = STATUS_LABELS.get(code.lower())
    return str(label) if label is not None else code


# Where an order came from (Order.source; models.ORDER_SOURCES).
SOURCE_LABELS = {
    "portal": _l("portal"),
    "import": _l("Excel import"),
    "webshop": _l("webshop"),
    "api": _l("API"),
    "staff": _l("warehouse"),
}

# Why stock changed (StockMutation.change_type).
CHANGE_TYPE_LABELS = {
    "manual": _l("Manual"),
    "receipt": _l("Receipt"),
    "picklist": _l("Shipment"),
    "return": _l("Return"),
    "api": _l("API"),
    "correction": _l("Correction"),
}


def _label(labels, code):
    label = labels.get(code)
    return str(label) if label is not None else (code or "")


def source_label(code):
    """An order's source as the reader says it (an unknown code is shown as it is)."""
    return _label(SOURCE_LABELS, code)


def change_type_label(code):
    """Why stock changed, as the reader says it (an unknown code is shown as it is)."""
    return _label(CHANGE_TYPE_LABELS, code)


# Who did something, as services.actors.describe_actor stores it: "system", "staff alice",
# "portal jan", "api key Shop sync" (English words before the name, like codes).
ACTOR_LABELS = (
    ("staff ", _l("warehouse staff %(name)s")),
    ("portal ", _l("portal user %(name)s")),
    ("api key ", _l("API key %(name)s")),
)


def actor_label(stored):
    """Who did something, in the reader's language: "system" reads "systeem", "staff alice" "medewerker alice"."""
    stored = stored or ""
    if stored == "system":
        return str(_l("system"))
    for prefix, label in ACTOR_LABELS:
        if stored.startswith(prefix):
            return str(label) % {"name": stored[len(prefix):]}
    return stored


def init_app(app):
    app.add_template_filter(status_label, "status_label")
    app.add_template_filter(source_label, "source_label")
    app.add_template_filter(change_type_label, "change_type_label")
    app.add_template_filter(actor_label, "actor_label")
