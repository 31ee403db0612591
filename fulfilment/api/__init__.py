"""REST API v1 at /api/v1, compatible with Picqer's API: one module per resource, JSON in and out.

Every write goes through fulfilment.services; this package only reads requests, checks the
key's scope and turns records and domain errors into Picqer's JSON.
"""

from flask import Blueprint, request

from fulfilment.api import errors, ratelimit
from fulfilment.api.auth import authenticate_request

bp = Blueprint("api", __name__, url_prefix=errors.API_PREFIX)

# Endpoints anyone may call: the description, and product images (their URLs carry a signature).
PUBLIC_ENDPOINTS = {"api.openapi_description", "api.product_image_file"}


@bp.before_request
def _authenticate_and_count():
    if request.endpoint in PUBLIC_ENDPOINTS:
        return
    key = authenticate_request()
    ratelimit.count_request(key)


bp.after_request(ratelimit.add_headers)
errors.init_blueprint(bp)

from fulfilment.api import (  # noqa: E402, F401  (the resource modules add their routes to bp)
    backorders,
    customers,
    hooks,
    openapi,
    orders,
    picklists,
    products,
    purchaseorders,
    receipts,
    returns,
    stockhistory,
    webshoporders,
)


def init_app(app):
    """Register the API (CSRF-exempt: it authenticates every request with a key, not a cookie)."""
    from fulfilment.portal import csrf

    csrf.exempt(bp)
    app.register_blueprint(bp)
    errors.init_app(app)
