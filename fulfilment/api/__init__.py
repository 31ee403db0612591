"""REST API v1 at /api/v1, compatible with Picqer's API: one module per resource, JSON in and out.

Every write goes through fulfilment.services; this package only reads requests, checks the
key's scope and turns records and domain errors into Picqer's JSON.
"""

from fulfilment.api import (  # noqa: F401  (the resource modules add their routes to bp)
    backorders,
    customers,
    errors,
    hooks,
    locations,
    openapi,
    orders,
    picklists,
    products,
    purchaseorders,
    receipts,
    reports,
    returns,
    stockhistory,
    webhook_payloads,
    webshoporders,
)
from fulfilment.api.blueprint import PUBLIC_ENDPOINTS, bp
from fulfilment.extensions import csrf

__all__ = ["PUBLIC_ENDPOINTS", "bp", "init_app"]


def init_app(app):
    """Register the API (CSRF-exempt: it authenticates every request with a key, not a cookie)."""
    csrf.exempt(bp)
    app.register_blueprint(bp)
    errors.init_app(app)
