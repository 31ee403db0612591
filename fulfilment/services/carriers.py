"""Carriers and their tracking links: the link is built from the carrier's template and the code, never typed."""

from urllib.parse import quote

from peewee import fn

from fulfilment.db import write_transaction
from fulfilment.i18n import _, _l
from fulfilment.models import Carrier
from fulfilment.services.errors import NotFound, ValidationFailed

PLACEHOLDERS = ("{code}", "{country}", "{zipcode}")


class UnknownCarrier(ValidationFailed):
    default_message = _l("Unknown carrier.")


def _clean_template(template):
    template = (template or "").strip()
    if not template.startswith("https://"):
        raise ValidationFailed(_("A tracking URL template starts with https://, e.g. "
                                 "https://carrier.example/track/{code}."))
    if "{code}" not in template:
        raise ValidationFailed(_("A tracking URL template needs {code} where the tracking code goes."))
    leftover = template
    for placeholder in PLACEHOLDERS:
        leftover = leftover.replace(placeholder, "")
    if "{" in leftover or "}" in leftover:
        raise ValidationFailed(_("A tracking URL template may only hold {code}, {country} and {zipcode}."))
    if len(template) > 255:
        raise ValidationFailed(_("A tracking URL template has at most 255 characters."))
    return template


def _clean_name(name):
    name = (name or "").strip()
    if not name:
        raise ValidationFailed(_("A carrier needs a name."))
    if len(name) > 100:
        raise ValidationFailed(_("A carrier's name has at most 100 characters."))
    return name


def _check_name_free(name, exclude=None):
    query = Carrier.select().where(fn.LOWER(Carrier.name) == name.lower())
    if exclude is not None:
        query = query.where(Carrier.id != exclude.id)
    if query.exists():
        raise ValidationFailed(_("Carrier %(name)s already exists.", name=name))


def create_carrier(name, tracking_url_template, active=True):
    """Add a carrier staff ship with; its name is unique (whatever the letter case)."""
    name = _clean_name(name)
    template = _clean_template(tracking_url_template)
    with write_transaction():
        _check_name_free(name)
        return Carrier.create(name=name, tracking_url_template=template, active=bool(active))


def update_carrier(carrier, name=None, tracking_url_template=None, active=None):
    """Rename a carrier, change its template or (de)activate it; shipments keep the link they were given."""
    with write_transaction():
        if name is not None:
            carrier.name = _clean_name(name)
            _check_name_free(carrier.name, exclude=carrier)
        if tracking_url_template is not None:
            carrier.tracking_url_template = _clean_template(tracking_url_template)
        if active is not None:
            carrier.active = bool(active)
        carrier.save()
    return carrier


def active_carriers():
    return list(Carrier.select().where(Carrier.active == True).order_by(Carrier.name))  # noqa: E712


def find_carrier(name):
    """The active carrier of this name (any letter case); UnknownCarrier names the ones there are."""
    carrier = Carrier.get_or_none((fn.LOWER(Carrier.name) == (name or "").strip().lower())
                                  & (Carrier.active == True))  # noqa: E712
    if carrier is None:
        known = ", ".join(c.name for c in active_carriers())
        if (name or "").strip():
            raise UnknownCarrier(_("Unknown carrier %(name)s; choose one of: %(known)s.", name=repr(name), known=known))
        raise UnknownCarrier(_("Choose a carrier: %(known)s.", known=known))
    return carrier


def carrier_by_id(carrier_id):
    carrier = Carrier.get_or_none(Carrier.id == carrier_id) if isinstance(carrier_id, int) else None
    if carrier is None or not carrier.active:
        raise NotFound(_("Unknown carrier."))
    return carrier


def tracking_url(carrier, code, country="", zipcode=""):
    """The carrier's tracking page for this code (and the recipient's country and zip code), or "" without a code."""
    code = (code or "").strip()
    if not code:
        return ""
    values = {"code": code, "country": (country or "").strip().upper(),
              "zipcode": (zipcode or "").replace(" ", "").upper()}
    url = carrier.tracking_url_template
    for name, value in values.items():
        url = url.replace("{" + name + "}", quote(value, safe=""))
    return url[:255]
