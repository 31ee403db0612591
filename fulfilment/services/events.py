"""What happened, told to whoever listens: one call where an event happens, in its transaction.

``emit("orders.created", order)`` writes a webhook delivery for every hook listening to the event
(services/webhooks.py) and the e-mails it causes for the client's portal users
(services/notifications.py). Both are rows in the caller's transaction: when the change is rolled
back, nothing is sent; when it commits, the worker sends them.
"""

from fulfilment.services import notifications, webhooks


def _order(order):
    from fulfilment.api.orders import orders_json

    return orders_json([order])[0]


def _picklist(picklist):
    from fulfilment.api.picklists import picklists_json

    return picklists_json([picklist])[0]


def _shipment(shipment):
    from fulfilment.api.picklists import shipment_json

    return shipment_json(shipment)


def _product(product):
    from fulfilment.api.products import products_json

    return products_json([product])[0]


def _purchase_order(purchase_order):
    from fulfilment.api.purchaseorders import purchase_orders_json

    return purchase_orders_json([purchase_order])[0]


def _receipt(receipt):
    from fulfilment.api.receipts import receipts_json

    return receipts_json([receipt])[0]


def _return(ret):
    from fulfilment.api.returns import returns_json

    return returns_json([ret])[0]


# The webhook payload's data: the API's serialisation of the resource, by event name (longest prefix wins).
_DATA = (
    ("picklists.shipments.", _shipment),
    ("picklists.", _picklist),
    ("orders.", _order),
    ("products.", _product),
    ("purchase_orders.receipts.", _receipt),
    ("purchase_orders.", _purchase_order),
    ("receipts.", _receipt),
    ("returns.", _return),
)


def data_of(event, resource):
    """The API's JSON of the resource an event is about."""
    for prefix, serialise in _DATA:
        if event.startswith(prefix):
            return serialise(resource)
    raise ValueError(f"No payload for event {event!r}.")


def emit(events, resource, *, mail=True, **details):
    """Record the webhook deliveries and e-mails that an event (or a tuple of events) about ``resource`` causes.

    ``details`` go to the e-mail (e.g. which lines were backordered); ``mail=False`` records only
    webhooks (when another event of the same change mails the client already).
    """
    client_id = getattr(resource, "client_id", None)
    for event in (events,) if isinstance(events, str) else events:
        if event in webhooks.EVENTS:
            webhooks.record_deliveries(event, resource, client_id, lambda item, name=event: data_of(name, item))
        if mail:
            notifications.queue_event_mail(event, resource, client_id, **details)


def sample_data(event, client):
    """For a test event: the client's latest record the event is about, as the API shows it ({} when none)."""
    from fulfilment.models import Order, Picklist, Product, PurchaseOrder, Receipt, Return, Shipment

    models = (("picklists.shipments.", Shipment), ("picklists.", Picklist), ("orders.", Order),
              ("products.", Product), ("purchase_orders.receipts.", Receipt), ("purchase_orders.", PurchaseOrder),
              ("receipts.", Receipt), ("returns.", Return))
    model = next(model for prefix, model in models if event.startswith(prefix))
    latest = model.for_client(client).order_by(model.id.desc()).first()
    return data_of(event, latest) if latest is not None else {}
