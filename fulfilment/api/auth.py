"""Who calls the API: HTTP Basic with the API key as username, and the one scope gate.

A staff key (no client) reaches every client's rows. A client-scoped key reaches only its
client's rows: other clients' ids answer 404, as if they did not exist, and the endpoints the
contract keeps for staff answer 403.
"""

from functools import wraps

from flask import g, request

from fulfilment import throttling
from fulfilment.api.errors import MISSING_PARAMETERS, NOT_ALLOWED, RATE_LIMITED, ApiError, not_found
from fulfilment.models import Client
from fulfilment.services import accounts, tenancy
from fulfilment.services.errors import NotFound

REALM = 'Basic realm="Fulfilment API", charset="UTF-8"'


def authenticate_request():
    """Find the API key sent as the Basic username and keep it for this request; 401 without one.

    Wrong keys are counted per address: past API_KEY_FAILURES_PER_ADDRESS the address gets 429
    with Retry-After (for any key, right or wrong) until the window ends, so keys cannot be guessed.
    """
    credentials = request.authorization
    raw_key = credentials.username if credentials is not None and credentials.type == "basic" else None
    keys = [("api-key-address", "api", throttling.client_address())]
    if raw_key:
        try:
            throttling.check(keys)
        except throttling.Throttled as error:
            raise ApiError(429, RATE_LIMITED, f"Too many requests with a wrong API key from this address. Try again "
                                              f"in {error.retry_after} seconds.",
                           throttling.retry_after_headers(error)) from None
    key = accounts.authenticate_api_key(raw_key)
    if key is None:
        if raw_key:
            throttling.record_failure(keys)
        raise ApiError(401, NOT_ALLOWED, "Unauthorized: send an active API key as the username of HTTP Basic "
                                         "authentication (the password is ignored).", {"WWW-Authenticate": REALM})
    g.api_key = key
    return key


def current_key():
    return g.api_key


def current_client():
    """The client a scoped key belongs to; None for a staff key."""
    key = g.api_key
    return key.client if key.client_id is not None else None


def staff_only(view):
    """Refuse a client-scoped key with 403: this endpoint is for the warehouse's own keys."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        if current_client() is not None:
            raise ApiError(403, NOT_ALLOWED, "Forbidden: this endpoint needs a staff API key.")
        return view(*args, **kwargs)

    wrapper.staff_only = True
    return wrapper


def scoped(model, query=None):
    """The rows of model this key may see (the tenant gate): all for a staff key, its client's for a scoped key."""
    return model.within(model.select() if query is None else query, current_client())


def get_owned_or_404(model, record_id, label=None, query=None):
    """The row with this id when the key may see it (services.tenancy.owned); otherwise 404, whoever owns it."""
    label = label or model.__name__
    try:
        return tenancy.owned(model if query is None else query, current_client(), record_id, label)
    except NotFound:
        raise not_found(f"{label} {record_id}") from None


def client_for_new_record(body):
    """The client a new record belongs to: a scoped key's own; for a staff key, idfulfilment_customer."""
    own = current_client()
    requested = body.integer("idfulfilment_customer", minimum=1)
    if own is not None:
        if requested is not None and requested != own.id:
            raise ApiError(400, MISSING_PARAMETERS, f"Unknown fulfilment customer {requested}.")
        return own
    if requested is None:
        raise ApiError(400, MISSING_PARAMETERS, "Missing parameter idfulfilment_customer: a staff key must say "
                                                "which fulfilment customer the record is for.")
    client = Client.get_or_none(Client.id == requested)
    if client is None:
        raise ApiError(400, MISSING_PARAMETERS, f"Unknown fulfilment customer {requested}.")
    return client


def check_same_client(body, record):
    """Refuse a body that tries to move a record to another client."""
    requested = body.integer("idfulfilment_customer", minimum=1)
    if requested is not None and requested != record.client_id:
        raise ApiError(400, MISSING_PARAMETERS, "A record cannot move to another fulfilment customer.")
