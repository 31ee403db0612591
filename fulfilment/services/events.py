"""What happened, told to whoever listens: one call where an event happens, in its transaction.

``emit("orders.created", order)`` writes a webhook delivery for every hook listening to the event
(services/webhooks.py) and the e-mails it causes for the client's portal users
(services/notifications.py). Both are rows in the caller's transaction: when the change is rolled
back, nothing is sent; when it commits, the worker sends them.
"""

from fulfilment.services import notifications, webhooks

# The webhook payload's data is the API's serialisation of the resource. The API layer registers
# its serialisers here (fulfilment/api/webhook_payloads.py), so services never import the API.
_PAYLOADS = {}


def register_payload(prefix, serialise):
    """Serialise the resources of events whose name starts with prefix (the longest prefix wins)."""
    _PAYLOADS[prefix] = serialise


def data_of(event, resource):
    """The API's JSON of the resource an event is about."""
    for prefix in sorted(_PAYLOADS, key=len, reverse=True):
        if event.startswith(prefix):
            return _PAYLOADS[prefix](resource)
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


def emit_for_each(event, client_id, load_resources):
    """emit(event, resource) for many resources of one client, loaded only when a hook listens.

    The bulk paths (an order of 10,000 lines allocated at once) change many products in one
    statement; asking once whether anybody listens keeps them at a handful of statements.
    """
    if event in notifications.EVENT_MAIL:
        raise ValueError(f"{event} sends e-mail; emit it per resource.")
    if event in webhooks.EVENTS and webhooks.hooks_for(event, client_id):
        for resource in load_resources():
            emit(event, resource, mail=False)


def sample_data(event, client):
    """For a test event: the client's latest record the event is about, as the API shows it ({} when none)."""
    from fulfilment.models import Order, Picklist, Product, PurchaseOrder, Receipt, Return, Shipment

    models = (("picklists.shipments.", Shipment), ("picklists.", Picklist), ("orders.", Order),
              ("products.", Product), ("purchase_orders.receipts.", Receipt), ("purchase_orders.", PurchaseOrder),
              ("receipts.", Receipt), ("returns.", Return))
    model = next(model for prefix, model in models if event.startswith(prefix))
    latest = model.for_client(client).order_by(model.id.desc()).first()
    return data_of(event, latest) if latest is not None else {}
