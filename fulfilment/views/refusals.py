"""Refusals in the portal, translated in one place.

A service refuses with a DomainError; the portal flashes its message and answers the page the
client submitted from with the error's 4xx status, so the form keeps its input and nothing
changed. A form that does not validate answers 400 the same way. A request without a valid
CSRF token answers 400 with a page that says what to do.
"""

from contextlib import contextmanager

from flask import abort, flash, make_response, render_template
from flask_wtf.csrf import CSRFError

from fulfilment.i18n import _, _l
from fulfilment.services.errors import DomainError
from fulfilment.views.blueprint import bp


@contextmanager
def refusal_shown_on(page):
    """Run service calls; when one refuses, flash why and answer page() with the refusal's status.

    ``page`` renders the page the client submitted from (the form with its input, the order page …).
    """
    try:
        yield
    except DomainError as error:
        flash(error.message, "error")
        abort(make_response(page(), error.http_status))


NOT_SAVED = _l("Nothing has been saved: some fields need your attention (see the messages below them).")


def form_page(page, form, refused=None, explain=True):
    """Answer a form's page: 200 when it is shown, 400 when it was submitted and not accepted.

    ``refused`` overrides the guess from the request (e.g. False for "more lines", which submits
    the form without asking for anything to be saved). A refused form says so in a flash unless
    the caller already explained (``explain=False``).
    """
    if refused is None:
        refused = form.is_submitted()
    if refused and explain:
        flash(str(NOT_SAVED), "error")
    return page(), 400 if refused else 200


@bp.errorhandler(DomainError)
def refused_without_a_page(error):
    """A refusal no view caught: the message on a page of its own, with the refusal's status."""
    return render_template("portal/refused.html", title=_("Not possible"), message=error.message), error.http_status


@bp.errorhandler(CSRFError)
def form_expired(error):
    return render_template(
        "portal/refused.html", title=_("This form has expired"),
        message=_("The page was open too long or was sent from another site, so nothing was changed. "
                  "Go back, reload the page and try again."),
    ), 400
