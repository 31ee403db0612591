"""What the work pages (an order's, a picklist's … details page built for its job) are made of:
a header, an address, tables of related rows with links, a timeline; status badges; links to
lists filtered by their named filters."""

from dataclasses import dataclass, field

from flask import current_app, url_for
from flask_admin.contrib.peewee.filters import BasePeeweeFilter
from markupsafe import Markup, escape

from fulfilment.admin.labels import in_english
from fulfilment.formatting import format_number
from fulfilment.i18n import _l
from fulfilment.vocabulary import status_label

# One colour per status (styles in static/backoffice.css, AA contrast): the family a status belongs to.
BADGE_TONES = {
    "concept": "draft", "draft": "draft", "ignored": "draft", "pending": "draft", "queued": "draft",
    "running": "open", "done": "done",
    "expected": "expected",
    "new": "open", "processing": "open", "purchased": "open", "announced": "open", "issued": "open",
    "paused": "waiting", "backordered": "waiting",
    "completed": "done", "closed": "done", "received": "done", "imported": "done", "sent": "done", "paid": "done",
    "active": "done",
    "cancelled": "stopped", "failed": "stopped", "error": "stopped", "inactive": "stopped",
}


def status_badge(status):
    """A status as a badge: one colour per status, the word always written out."""
    code = str(status or "").strip()
    if not code:
        return Markup("")
    tone = BADGE_TONES.get(code.lower(), "other")
    return Markup(f'<span class="badge status-badge status-{tone}">{escape(status_label(code))}</span>')


def status_formatter(view, context, model, name):
    """Column formatter: the list's status column as badges."""
    value = getattr(model, name)
    return status_badge(getattr(value, "name", value))


def number_formatter(view, context, model, name):
    """A count with the reader's thousands separator (ids keep none: they are not formatted)."""
    return format_number(getattr(model, name))


def active_formatter(view, context, model, name):
    return status_badge("active" if getattr(model, name) else "inactive")


@dataclass
class Link:
    """A cell or fact that leads to another record or a filtered list."""

    text: str
    url: str

    def __str__(self):
        return self.text


def record_link(endpoint, record, text=None):
    """A link to a record's work page, or None for no record."""
    if record is None:
        return None
    return Link(text or str(getattr(record, "number", None) or record), url_for(f"{endpoint}.details_view",
                                                                               id=record.id))


@dataclass
class WorkPage:
    """What a record's work page shows above its raw fields.

    ``facts``: [(label, text or Link)]; ``address``: the address's lines; ``tables``: RelatedTable;
    ``timeline``: [(when, status, what, who)], oldest first.
    """

    title: str
    status: str = ""
    facts: list = field(default_factory=list)
    address_title: str = _l("Delivery address")
    address: list = field(default_factory=list)
    tables: list = field(default_factory=list)
    timeline: list = field(default_factory=list)
    chart: object = None


def address_lines(name, address, zipcode, city, country):
    lines = [name, address, " ".join(part for part in (zipcode, city) if part), country]
    return [line for line in lines if (line or "").strip()]


def _view(endpoint):
    for admin in current_app.extensions["admin"]:
        for view in admin._views:
            if view.endpoint == endpoint:
                return view
    raise LookupError(endpoint)


def list_url(endpoint, *filters, **args):
    """The URL of a list (endpoint like "order") with its filters set: (filter name, operation, value).

    Filters are found by their name and operation as the list's filter menu shows them to an English
    reader ("Client / Name", "equals"), so the URL follows the view's filters when their order
    changes, whatever language the page is in.
    """
    view = _view(endpoint)
    for number, (name, operation, value) in enumerate(filters):
        found = [(i, f) for i, f in enumerate(view._filters or ())
                 if in_english(f.name) == name and in_english(f.operation()) == operation]
        if not found:
            raise LookupError(f"The {endpoint} list has no filter {name!r} {operation!r}.")
        index, flt = found[0]
        args[f"flt{number}_{view.get_filter_arg(index, flt)}"] = value
    return url_for(f"{endpoint}.index_view", **args)


class WorkPageMixin:
    """A details page built for its job: the view's ``work_page(record)`` says what it shows."""

    details_template = "admin/work/page.html"

    def page_for(self, record):
        """work_page(record), built once per request however often the template asks."""
        page = getattr(record, "_work_page", None)
        if page is None:
            page = self.work_page(record)
            record._work_page = page
        return page

    def work_page(self, record):
        raise NotImplementedError


class ConditionFilter(BasePeeweeFilter):
    """A named list filter "<name> is yes": the rows matching ``condition()`` (a services/todays_work
    function), so a dashboard tile and the list it links to count the same rows."""

    def __init__(self, model, name, condition):
        super().__init__(model.id, name, options=(("1", _l("yes")),))
        self.condition = condition

    def apply(self, query, value):
        return query.where(self.condition())

    def operation(self):
        return _l("is")
