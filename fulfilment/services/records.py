"""Deleting records safely: a record that other rows refer to keeps its history."""

from fulfilment.db import write_transaction
from fulfilment.i18n import _, _l, ngettext
from fulfilment.services.errors import HasHistory

# A count of each table's rows in plain words, in the reader's language: "3 stock mutations".
COUNTED = {
    "address_book_entry": lambda n: ngettext("%(num)s address book entry", "%(num)s address book entries", n),
    "api_key": lambda n: ngettext("%(num)s API key", "%(num)s API keys", n),
    "backorder": lambda n: ngettext("%(num)s backorder", "%(num)s backorders", n),
    "client_billing": lambda n: ngettext("%(num)s billing setting", "%(num)s billing settings", n),
    "export_job": lambda n: ngettext("%(num)s export", "%(num)s exports", n),
    "hook": lambda n: ngettext("%(num)s webhook", "%(num)s webhooks", n),
    "import_job": lambda n: ngettext("%(num)s import", "%(num)s imports", n),
    "invoice": lambda n: ngettext("%(num)s invoice", "%(num)s invoices", n),
    "invoice_line": lambda n: ngettext("%(num)s invoice line", "%(num)s invoice lines", n),
    "invoice_line_record": lambda n: ngettext("%(num)s invoiced item", "%(num)s invoiced items", n),
    "location": lambda n: ngettext("%(num)s location", "%(num)s locations", n),
    "notification_setting": lambda n: ngettext("%(num)s notification setting", "%(num)s notification settings", n),
    "one_off_charge": lambda n: ngettext("%(num)s one-off charge", "%(num)s one-off charges", n),
    "order": lambda n: ngettext("%(num)s order", "%(num)s orders", n),
    "order_event": lambda n: ngettext("%(num)s order event", "%(num)s order events", n),
    "order_line": lambda n: ngettext("%(num)s order line", "%(num)s order lines", n),
    "outbox_mail": lambda n: ngettext("%(num)s e-mail", "%(num)s e-mails", n),
    "picklist": lambda n: ngettext("%(num)s picklist", "%(num)s picklists", n),
    "picklist_line": lambda n: ngettext("%(num)s picklist line", "%(num)s picklist lines", n),
    "portal_user": lambda n: ngettext("%(num)s portal user", "%(num)s portal users", n),
    "product": lambda n: ngettext("%(num)s product", "%(num)s products", n),
    "product_image": lambda n: ngettext("%(num)s product image", "%(num)s product images", n),
    "product_location": lambda n: ngettext("%(num)s product location", "%(num)s product locations", n),
    "purchase_order": lambda n: ngettext("%(num)s purchase order", "%(num)s purchase orders", n),
    "purchase_order_line": lambda n: ngettext("%(num)s purchase order line", "%(num)s purchase order lines", n),
    "receipt": lambda n: ngettext("%(num)s receipt", "%(num)s receipts", n),
    "receipt_line": lambda n: ngettext("%(num)s receipt line", "%(num)s receipt lines", n),
    "replacement_product": lambda n: ngettext("%(num)s replacement product", "%(num)s replacement products", n),
    "return": lambda n: ngettext("%(num)s return", "%(num)s returns", n),
    "return_log": lambda n: ngettext("%(num)s return log entry", "%(num)s return log entries", n),
    "returned_product": lambda n: ngettext("%(num)s returned product", "%(num)s returned products", n),
    "shipment": lambda n: ngettext("%(num)s shipment", "%(num)s shipments", n),
    "stock": lambda n: ngettext("%(num)s stock level", "%(num)s stock levels", n),
    "stock_mutation": lambda n: ngettext("%(num)s stock mutation", "%(num)s stock mutations", n),
    "storage_snapshot": lambda n: ngettext("%(num)s storage snapshot", "%(num)s storage snapshots", n),
    "webhook_delivery": lambda n: ngettext("%(num)s webhook delivery", "%(num)s webhook deliveries", n),
    "webshop": lambda n: ngettext("%(num)s webshop", "%(num)s webshops", n),
    "webshop_connection_state": lambda n: ngettext("%(num)s webshop connection", "%(num)s webshop connections", n),
    "webshop_order": lambda n: ngettext("%(num)s webshop order", "%(num)s webshop orders", n),
}
# What a record that may have history is called, in the reader's language.
KINDS = {
    "client": _l("Client"),
    "location": _l("Location"),
    "order": _l("Order"),
    "order_line": _l("Order line"),
    "picklist": _l("Picklist"),
    "portal_user": _l("Portal user"),
    "product": _l("Product"),
    "purchase_order": _l("Purchase order"),
    "purchase_order_line": _l("Purchase order line"),
    "rate_card": _l("Rate card"),
    "receipt": _l("Receipt"),
    "return": _l("Return"),
    "return_status": _l("Return status"),
    "staff_user": _l("Staff user"),
    "warehouse": _l("Warehouse"),
    "webshop": _l("Webshop"),
}


def _history_references(model):
    """(foreign key, referring model) pairs that make a row of model history.

    Foreign keys declared ON DELETE CASCADE point at parts of the record (an order's lines, a
    product's images); they go with it and are not history.
    """
    return [(field, referring) for field, referring in model._meta.backrefs.items()
            if (field.on_delete or "").upper() != "CASCADE"]


def _thing_name(model, count):
    """'1 stock mutation', '5 stock mutations': a table's rows counted in plain words."""
    table = model._meta.table_name
    if table in COUNTED:
        return COUNTED[table](count)
    return f"{count} {table.replace('_', ' ')}"  # a table new to COUNTED (tests/services keep it complete)


def _in_words(parts):
    if len(parts) == 1:
        return parts[0]
    return _("%(items)s and %(last)s", items=", ".join(parts[:-1]), last=parts[-1])


def history_of(record):
    """Describe the rows that refer to record and would block deleting it, e.g. ['3 stock mutations']."""
    found = []
    for field, referring_model in _history_references(type(record)):
        count = referring_model.select().where(field == record._pk).count()
        if count:
            found.append(_thing_name(referring_model, count))
    return found


def ids_with_history(model, ids):
    """The ids among ids whose rows have history (one query per kind of history, whatever the number of ids)."""
    ids = list(ids)
    blocked = set()
    if not ids:
        return blocked
    for field, referring_model in _history_references(model):
        remaining = [i for i in ids if i not in blocked]
        if not remaining:
            break
        query = referring_model.select(field).where(field.in_(remaining)).distinct()
        blocked.update(row[0] for row in query.tuples())
    return blocked


def delete_record(record):
    """Delete record unless other rows refer to it; then raise HasHistory and change nothing."""
    with write_transaction():
        blockers = history_of(record)
        if blockers:
            table = type(record)._meta.table_name
            kind = KINDS.get(table) or table.replace("_", " ").capitalize()
            raise HasHistory(_("%(kind)s %(record)s cannot be deleted because it has history (%(history)s). "
                               "Deactivate it instead.", kind=kind, record=record, history=_in_words(blockers)))
        record.delete_instance()
