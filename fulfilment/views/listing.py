"""What every portal list shares: pages of rows, a search text, sort keys, links that keep filters."""

import math

from flask import current_app, request, url_for

from fulfilment import id_blocks
from fulfilment.formatting import format_number
from fulfilment.i18n import _, ngettext
from fulfilment.views.blueprint import bp

MAX_SEARCH_LENGTH = 100
# Rows a list counts and pages through; beyond it the pager says "of more than 10,000".
LIST_COUNT_LIMIT = 10_000


class Page:
    """One page of a query's rows, with what the pager needs to link to the others."""

    def __init__(self, items, number, size, total):
        self.items = items
        self.number = number
        self.size = size
        self.total = total
        self.pages = max(1, math.ceil(total / size))
        self.more = False  # the list goes on beyond LIST_COUNT_LIMIT rows (uncounted: beyond this page)
        self.counted = True  # False: total is the rows up to this page, and more says whether others follow

    @property
    def has_previous(self):
        return self.number > 1

    @property
    def has_next(self):
        return self.number < self.pages

    @property
    def first_index(self):
        return (self.number - 1) * self.size + 1 if self.total else 0

    @property
    def last_index(self):
        return min(self.number * self.size, self.total)

    def __iter__(self):
        return iter(self.items)

    def __len__(self):
        return len(self.items)


# What each list's pager says: "1–25 of 300 orders", or "1–25 of more than 10,000 orders" for a
# list beyond LIST_COUNT_LIMIT. Each list has its own whole sentences (languages inflect the noun
# with the number); the key is the ``label`` a template passes to the pager macro.
_RANGE_SENTENCES = {
    "orders": (
        lambda n, **v: ngettext("%(first)s–%(last)s of %(total)s order",
                                "%(first)s–%(last)s of %(total)s orders", n, **v),
        lambda **v: _("%(first)s–%(last)s of more than %(total)s orders", **v)),
    "shipments": (
        lambda n, **v: ngettext("%(first)s–%(last)s of %(total)s shipment",
                                "%(first)s–%(last)s of %(total)s shipments", n, **v),
        lambda **v: _("%(first)s–%(last)s of more than %(total)s shipments", **v)),
    "backorders": (
        lambda n, **v: ngettext("%(first)s–%(last)s of %(total)s backorder",
                                "%(first)s–%(last)s of %(total)s backorders", n, **v),
        lambda **v: _("%(first)s–%(last)s of more than %(total)s backorders", **v)),
    "returns": (
        lambda n, **v: ngettext("%(first)s–%(last)s of %(total)s return",
                                "%(first)s–%(last)s of %(total)s returns", n, **v),
        lambda **v: _("%(first)s–%(last)s of more than %(total)s returns", **v)),
    "products": (
        lambda n, **v: ngettext("%(first)s–%(last)s of %(total)s product",
                                "%(first)s–%(last)s of %(total)s products", n, **v),
        lambda **v: _("%(first)s–%(last)s of more than %(total)s products", **v)),
    "stock changes": (
        lambda n, **v: ngettext("%(first)s–%(last)s of %(total)s stock change",
                                "%(first)s–%(last)s of %(total)s stock changes", n, **v),
        lambda **v: _("%(first)s–%(last)s of more than %(total)s stock changes", **v)),
    "purchase orders": (
        lambda n, **v: ngettext("%(first)s–%(last)s of %(total)s purchase order",
                                "%(first)s–%(last)s of %(total)s purchase orders", n, **v),
        lambda **v: _("%(first)s–%(last)s of more than %(total)s purchase orders", **v)),
    "addresses": (
        lambda n, **v: ngettext("%(first)s–%(last)s of %(total)s address",
                                "%(first)s–%(last)s of %(total)s addresses", n, **v),
        lambda **v: _("%(first)s–%(last)s of more than %(total)s addresses", **v)),
    "webshops": (
        lambda n, **v: ngettext("%(first)s–%(last)s of %(total)s webshop",
                                "%(first)s–%(last)s of %(total)s webshops", n, **v),
        lambda **v: _("%(first)s–%(last)s of more than %(total)s webshops", **v)),
    "orders seen": (
        lambda n, **v: ngettext("%(first)s–%(last)s of %(total)s order seen",
                                "%(first)s–%(last)s of %(total)s orders seen", n, **v),
        lambda **v: _("%(first)s–%(last)s of more than %(total)s orders seen", **v)),
    "invoices": (
        lambda n, **v: ngettext("%(first)s–%(last)s of %(total)s invoice",
                                "%(first)s–%(last)s of %(total)s invoices", n, **v),
        lambda **v: _("%(first)s–%(last)s of more than %(total)s invoices", **v)),
    "records": (
        lambda n, **v: ngettext("%(first)s–%(last)s of %(total)s record",
                                "%(first)s–%(last)s of %(total)s records", n, **v),
        lambda **v: _("%(first)s–%(last)s of more than %(total)s records", **v)),
}


@bp.app_template_global()
def page_range(page, label):
    """Which rows of how many a page shows, as one sentence: "1–25 of 300 orders".

    ``label`` names the list (a key of _RANGE_SENTENCES); a list without sentences of its own
    reads "1–25 of 300".
    """
    values = {"first": format_number(page.first_index), "last": format_number(page.last_index),
              "total": format_number(page.total)}
    counted, counted_beyond = _RANGE_SENTENCES.get(label, (None, None))
    if page.more:
        return counted_beyond(**values) if counted_beyond else _("%(first)s–%(last)s of more than %(total)s", **values)
    return counted(page.total, **values) if counted else _("%(first)s–%(last)s of %(total)s", **values)


def requested_page_number(arg="page"):
    try:
        return max(1, int(request.args.get(arg, 1)))
    except ValueError:
        return 1


def paginate(query, count_query=None, arg="page", counted=True, recent=None):
    """Run one page of query (page number from the URL) and one count; PORTAL_PAGE_SIZE rows a page.

    A first page that holds the whole list is its own count; a client's unfiltered list far longer
    than the limit is known to be so from its rows counted per block of ids. ``count_query``
    counts the same rows without the joins only the display needs. The count stops after
    LIST_COUNT_LIMIT rows ("of more than 10,000") and so do the pages: a longer list is narrowed
    with its search and filters, so no request walks over millions of rows.
    Not ``counted``: the page reads one row more than it shows, to know whether another follows;
    from ``recent`` first (Listing.recent_rows) when given.
    """
    size = current_app.config["PORTAL_PAGE_SIZE"]
    if not counted:
        return _uncounted_page(query, arg, size, recent)
    requested = requested_page_number(arg)
    first_rows = None
    if requested == 1:
        # The first page reads one row more than it shows: a list that fits on it (a search that
        # finds a few products) needs no count, which would look for the same rows again.
        first_rows = list(query.limit(size + 1))
        if len(first_rows) <= size:
            return Page(first_rows, 1, size, len(first_rows))
    counted = (count_query if count_query is not None else query).order_by()
    if id_blocks.holds_more_than(counted, LIST_COUNT_LIMIT):
        total, more = LIST_COUNT_LIMIT, True  # a client's whole list, far beyond the limit
    else:
        total = counted.limit(LIST_COUNT_LIMIT + 1).count()
        more = total > LIST_COUNT_LIMIT
        total = min(total, LIST_COUNT_LIMIT)
    pages = max(1, math.ceil(total / size))
    number = min(requested, pages)
    if not total:
        items = []
    elif number == 1:
        items = first_rows[:size] if first_rows is not None else list(query.paginate(number, size))
    else:
        items = _deep_page(query, count_query, number, size)
    page = Page(items, number, size, total)
    page.more = more
    return page


def _uncounted_page(query, arg, size, recent=None):
    """A page of a list that is not counted (a search's matches, read newest first as they come).

    ``recent``, the same rows among the newest of the list only, is asked first: their matches
    come first in the list too, so when they fill the page and show one more, they are its rows."""
    number = min(requested_page_number(arg), LIST_COUNT_LIMIT // size)
    rows = list(recent.limit(size + 1).offset((number - 1) * size)) if recent is not None else []
    if len(rows) <= size:
        rows = list(query.limit(size + 1).offset((number - 1) * size))
    if not rows and number > 1:  # beyond the end (an old link): the first page instead
        number, rows = 1, list(query.limit(size + 1))
    items = rows[:size]
    page = Page(items, number, size, (number - 1) * size + len(items))
    page.counted, page.more = False, len(rows) > size
    if page.more:
        page.pages = number + 1
    return page


def _deep_page(query, count_query, number, size):
    """Page number of query, skipping over bare ids: the rows before the page are passed over in the
    list's own table and index (the count query, without the joins only display needs), and only
    the page's rows are read with their joins. An OFFSET on the joined query would join every row
    it skips (PostgreSQL: a small client's last shipments page 141 ms)."""
    model = query.model
    skipped = (count_query if count_query is not None else query).select(model.id).order_by(*query._order_by)
    ids = [row_id for (row_id,) in skipped.paginate(number, size).tuples()]
    if not ids:
        return []
    return list(query.where(model.id.in_(ids)))


def paginate_listing(listing, arg="page"):
    """One page of a listing (services.listings): its rows, counted and decorated for the page."""
    page = paginate(listing.rows(), count_query=listing.count_query(), arg=arg, counted=listing.counted(),
                    recent=None if listing.counted() else listing.recent_rows())
    listing.decorate(page.items)
    return page


def search_text(arg="q"):
    """The search text from the URL, trimmed and bounded."""
    return (request.args.get(arg) or "").strip()[:MAX_SEARCH_LENGTH]


def choice(arg, allowed):
    """The URL argument when it is one of allowed, else "" (meaning: no filter)."""
    value = request.args.get(arg, "")
    return value if value in allowed else ""


@bp.app_template_global()
def url_with(**changes):
    """This page's URL with some query arguments changed (None removes one); used by pagers and sorts."""
    args = {key: value for key, value in request.args.items()}
    for key, value in changes.items():
        if value is None or value == "":
            args.pop(key, None)
        else:
            args[key] = value
    return url_for(request.endpoint, **(request.view_args or {}), **args)
