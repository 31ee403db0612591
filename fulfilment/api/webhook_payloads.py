"""A webhook's data is what the API shows of the resource: the API's serialisers, lent to the events.

Registered when the API package is imported (every app, the worker's included), so the services
that emit events never import the API layer.
"""

from fulfilment.api.orders import orders_json
from fulfilment.api.picklists import picklists_json, shipment_json
from fulfilment.api.products import products_json
from fulfilment.api.purchaseorders import purchase_orders_json
from fulfilment.api.receipts import receipts_json
from fulfilment.api.returns import returns_json
from fulfilment.services.events import register_payload


def _one(serialise_many):
    return lambda record: serialise_many([record])[0]


# event name prefix -> the API's JSON of the resource the event is about
PAYLOADS = {
    "picklists.shipments.": shipment_json,
    "picklists.": _one(picklists_json),
    "orders.": _one(orders_json),
    "products.": _one(products_json),
    "purchase_orders.receipts.": _one(receipts_json),
    "purchase_orders.": _one(purchase_orders_json),
    "receipts.": _one(receipts_json),
    "returns.": _one(returns_json),
}

for prefix, serialise in PAYLOADS.items():
    register_payload(prefix, serialise)
