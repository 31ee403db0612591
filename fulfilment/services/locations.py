"""Warehouse locations and the products linked to them; the picking order of a picklist's lines.

A location is a place in one warehouse named by a code (A.1.4.3). Products link to any number
of locations; in each warehouse one link is the preferred one, where pickers go first. Stock
stays per warehouse: a link says where to look, not how many units lie there.
"""

import re

from peewee import fn

from fulfilment.db import write_transaction
from fulfilment.i18n import _, _l
from fulfilment.models import LOCATION_TYPES, Location, ProductLocation
from fulfilment.services.errors import DomainError, NotFound, ValidationFailed

CODE_PATTERN = re.compile(r"^[A-Za-z0-9]+(?:[.\-/][A-Za-z0-9]+)*$")
MAX_CODE_LENGTH = 64
KINDS = tuple(kind for kind, _label in LOCATION_TYPES)


class LocationInUse(DomainError):
    http_status = 409
    default_message = _l("Products are linked to this location; unlink them or deactivate the location instead.")


def natural_key(code):
    """Sort key that reads numbers as numbers, so A.1.4.3 comes before A.1.10.1."""
    return tuple((0, int(part), "") if part.isdigit() else (1, 0, part.lower())
                 for part in re.findall(r"\d+|[^\d.\-/]+", code or ""))


def _clean_code(name):
    code = (name or "").strip()
    if not code:
        raise ValidationFailed(_("A location needs a code, e.g. A.1.4.3."))
    if len(code) > MAX_CODE_LENGTH:
        raise ValidationFailed(_("A location code has at most %(maximum)s characters.", maximum=MAX_CODE_LENGTH))
    if not CODE_PATTERN.match(code):
        raise ValidationFailed(_("Location code %(code)s may hold letters and digits separated by dots, dashes "
                                 "or slashes, e.g. A.1.4.3.", code=repr(code)))
    return code


def _clean_fields(fields):
    cleaned = {}
    for name, value in fields.items():
        if name == "kind":
            if value not in KINDS:
                raise ValidationFailed(_("Location type must be one of: %(kinds)s.", kinds=", ".join(KINDS)))
        elif name == "remarks":
            value = (value or "").strip()
            if len(value) > 255:
                raise ValidationFailed(_("Remarks have at most 255 characters."))
        elif name in ("unlink_on_empty", "active"):
            value = bool(value)
        else:
            raise ValidationFailed(_("Unknown location field %(name)s.", name=repr(name)))
        cleaned[name] = value
    return cleaned


def _check_code_free(warehouse, code, exclude=None):
    query = Location.select().where((Location.warehouse == warehouse) & (fn.LOWER(Location.name) == code.lower()))
    if exclude is not None:
        query = query.where(Location.id != exclude.id)
    if query.exists():
        raise ValidationFailed(_("Location %(code)s already exists in %(warehouse)s.", code=code,
                                 warehouse=warehouse.name))


def create_location(warehouse, name, kind="shelf", remarks="", unlink_on_empty=False, active=True):
    """Create a location in warehouse; its code is unique in that warehouse (whatever the letter case)."""
    if warehouse is None:
        raise ValidationFailed(_("A location needs a warehouse."))
    code = _clean_code(name)
    cleaned = _clean_fields({"kind": kind or "shelf", "remarks": remarks, "unlink_on_empty": unlink_on_empty,
                             "active": active})
    with write_transaction():
        _check_code_free(warehouse, code)
        return Location.create(warehouse=warehouse, name=code, **cleaned)


def update_location(location, name=None, **fields):
    """Rename a location or change its type, remarks or flags; it stays in its warehouse."""
    cleaned = _clean_fields(fields)
    with write_transaction():
        if name is not None:
            code = _clean_code(name)
            _check_code_free(location.warehouse, code, exclude=location)
            location.name = code
        for field, value in cleaned.items():
            setattr(location, field, value)
        location.save()
    return location


def delete_location(location):
    """Delete a location no product is linked to."""
    with write_transaction():
        if ProductLocation.select().where(ProductLocation.location == location).exists():
            raise LocationInUse(_("Products are linked to location %(code)s; unlink them first, or deactivate the "
                                  "location.", code=location.name))
        location.delete_instance()


def find_location(warehouse, name):
    """The location with this code in warehouse (any letter case), or NotFound."""
    code = (name or "").strip()
    location = Location.get_or_none((Location.warehouse == warehouse) & (fn.LOWER(Location.name) == code.lower()))
    if location is None:
        raise NotFound(_("There is no location %(code)s in %(warehouse)s.", code=code, warehouse=warehouse.name))
    return location


def link_product(product, location, preferred=None):
    """Link product to location. The first link in a warehouse, or one asked to be, becomes the preferred one.

    Linking again only changes the preferred flag when asked. An inactive location links nothing.
    """
    if not location.active:
        raise ValidationFailed(_("Location %(code)s is inactive.", code=location.name))
    with write_transaction():
        link = ProductLocation.get_or_none((ProductLocation.product == product)
                                           & (ProductLocation.location == location))
        in_warehouse = _links_in_warehouse(product, location.warehouse_id)
        if link is None:
            make_preferred = preferred if preferred is not None else not in_warehouse.exists()
            link = ProductLocation.create(client=product.client_id, product=product, location=location,
                                          preferred=False)
        else:
            make_preferred = bool(preferred)
            if preferred is None or link.preferred == make_preferred:
                return link
        if make_preferred:
            _set_preferred(link, location.warehouse_id)
        elif link.preferred:
            ProductLocation.update(preferred=False).where(ProductLocation.id == link.id).execute()
            link.preferred = False
        return link


def _links_in_warehouse(product, warehouse_id):
    return (ProductLocation.select(ProductLocation.id).join(Location)
            .where((ProductLocation.product == product) & (Location.warehouse == warehouse_id)))


def _set_preferred(link, warehouse_id):
    others = [row.id for row in _links_in_warehouse(link.product_id, warehouse_id)]
    ProductLocation.update(preferred=False).where(ProductLocation.id.in_(others)).execute()
    ProductLocation.update(preferred=True).where(ProductLocation.id == link.id).execute()
    link.preferred = True


def set_preferred(link):
    """Make this link the product's preferred location in its warehouse."""
    with write_transaction():
        _set_preferred(link, link.location.warehouse_id)
    return link


def unlink_product(link):
    """Remove a product's link to a location; another link in that warehouse becomes preferred if this one was."""
    with write_transaction():
        warehouse_id = link.location.warehouse_id
        link.delete_instance()
        if link.preferred:
            rest = sorted(_links_with_locations(ProductLocation.product == link.product_id),
                          key=lambda other: natural_key(other.location.name))
            rest = [other for other in rest if other.location.warehouse_id == warehouse_id]
            if rest:
                _set_preferred(rest[0], warehouse_id)


def _links_with_locations(condition):
    return list(ProductLocation.select(ProductLocation, Location).join(Location).where(condition))


def product_locations(product, client=None):
    """A product's links with their locations: per warehouse, preferred first, then by code (natural order).

    ``client`` is the tenant gate: a portal or client-key caller passes its client.
    """
    return locations_by_product([getattr(product, "id", product)], client)[getattr(product, "id", product)]


def locations_by_product(product_ids, client=None):
    """{product id: [links, preferred first]} for many products in one query."""
    found = {product_id: [] for product_id in product_ids}
    if not product_ids:
        return found
    query = ProductLocation.within(
        ProductLocation.select(ProductLocation, Location).join(Location), client
    ).where(ProductLocation.product.in_(list(product_ids)))
    for link in query:
        found[link.product_id].append(link)
    for links in found.values():
        links.sort(key=lambda link: (link.location.warehouse_id, not link.preferred, natural_key(link.location.name)))
    return found


def picking_route(lines, warehouse):
    """[(line, preferred location or None, other location codes)] sorted as a picker walks: by the
    preferred location's code in natural order; lines without a location last."""
    warehouse_id = getattr(warehouse, "id", warehouse)
    links = locations_by_product({line.product_id for line in lines})
    route = []
    for line in lines:
        here = [link for link in links[line.product_id] if link.location.warehouse_id == warehouse_id]
        preferred = next((link.location for link in here if link.preferred), here[0].location if here else None)
        others = [link.location.name for link in here if preferred is None or link.location.id != preferred.id]
        route.append((line, preferred, others))
    route.sort(key=lambda item: (item[1] is None, natural_key(item[1].name) if item[1] else (), item[0].id))
    return route

