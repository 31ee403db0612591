"""Backorders: what waits for stock, oldest first, beside the free stock and what is on its way."""

from flask import render_template
from peewee import fn

from fulfilment.formatting import format_number
from fulfilment.i18n import _, ngettext
from fulfilment.models import Backorder, utcnow
from fulfilment.services import listings
from fulfilment.views.blueprint import bp
from fulfilment.views.listing import paginate_listing, search_text
from fulfilment.views.scope import current_client


@bp.route("/backorders")
def backorders():
    client = current_client()
    listing = listings.BackorderList(client, search=search_text())
    page = paginate_listing(listing)
    summary = (
        Backorder.for_client(client)
        .select(fn.COUNT(fn.DISTINCT(Backorder.product)), fn.COALESCE(fn.SUM(Backorder.amount), 0))
        .tuples().first()
    )
    return render_template("portal/backorders.html", page=page, q=listing.search, now=utcnow(),
                           product_count=summary[0], unit_count=summary[1])


def age_in_days(created_at, now):
    return max(0, (now - created_at).days)


@bp.app_template_filter("days_ago")
def format_age(created_at, now=None):
    """How long ago, in whole days, for people: "today", "1 day", "12 days"."""
    days = age_in_days(created_at, now or utcnow())
    if days == 0:
        return _("today")
    return ngettext("%(count)s day", "%(count)s days", days, count=format_number(days))
