"""The tenant gate: every portal request belongs to one logged-in portal user and its client.

Every portal query starts from ``Model.for_client(current_client())``; one row is fetched
through ``get_owned_or_404`` (services.tenancy.owned), and another client's row answers 404, so
ids reveal nothing.
"""

from flask import abort, g, redirect, request, url_for
from flask_login import current_user

from fulfilment.auth import is_portal_user
from fulfilment.services import tenancy
from fulfilment.services.errors import NotFound
from fulfilment.views.blueprint import bp

# Endpoints a visitor may open without a portal login.
PUBLIC_ENDPOINTS = frozenset({"portal.login"})


def current_client():
    """The client of the logged-in portal user: the only tenant a portal request may see."""
    if not is_portal_user():
        abort(404)
    if "portal_client" not in g:
        g.portal_client = current_user.client
    return g.portal_client


def portal_actor():
    """The logged-in portal user itself (not Flask-Login's proxy), as the actor services record."""
    current_client()
    return current_user._get_current_object()


def get_owned_or_404(query, id):
    """The current client's row with this id from query (the gate: services.tenancy), or 404, never 403."""
    try:
        return tenancy.owned(query, current_client(), id)
    except NotFound:
        abort(404)


def login_url_for_here():
    """The portal login URL that brings the visitor back to the page they asked for."""
    target = request.full_path if request.query_string else request.path
    return url_for("portal.login", next=target) if request.method == "GET" else url_for("portal.login")


@bp.before_request
def require_portal_user():
    """Let only portal users past, except to the login page.

    Anonymous visitors and staff (whose session is not a client identity) are sent to the portal
    login. A user whose client lost portal access is no longer loaded, so counts as anonymous.
    """
    if request.endpoint in PUBLIC_ENDPOINTS or is_portal_user():
        return None
    # The login page tells a staff member that logging in there ends the back-office session.
    return redirect(login_url_for_here())
