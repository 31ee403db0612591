"""Warehouse locations and product locations, as Picqer's /locations and /products/{id}/locations.

Locations belong to the warehouse, not to a client: /locations is for staff keys. A client's key
may read where its own products are (GET /products/{id}/locations); linking is for staff.
"""

from flask import jsonify

from fulfilment.api.auth import current_client, get_owned_or_404, staff_only
from fulfilment.api.blueprint import bp
from fulfilment.api.body import json_body, query_bool, query_int, query_text
from fulfilment.api.errors import MISSING_PARAMETERS, ApiError, not_found
from fulfilment.api.pagination import page_of
from fulfilment.api.serialisation import created, datetime_text, json_list, no_content
from fulfilment.models import LOCATION_TYPES, Location, Product, ProductLocation, Warehouse
from fulfilment.services import locations
from fulfilment.services.tenancy import MAX_ID

KINDS = tuple(kind for kind, _ in LOCATION_TYPES)


def location_json(location, link=None):
    """Picqer's location object; ``location_type``, ``active`` and (on a product) ``preferred`` are ours."""
    data = {
        "idlocation": location.id,
        "idwarehouse": location.warehouse_id,
        "parent_idlocation": None,
        "type": "location",
        "name": location.name,
        "remarks": location.remarks,
        "unlink_on_empty": location.unlink_on_empty,
        "is_bulk_location": location.is_bulk_location,
        "location_type": location.kind,
        "active": location.active,
        "created": datetime_text(location.created_at),
    }
    if link is not None:
        data["preferred"] = link.preferred
    return data


def _location(idlocation):
    location = Location.get_or_none(Location.id == idlocation) if 0 < idlocation <= MAX_ID else None
    if location is None:
        raise not_found(f"Location {idlocation}")
    return location


def _kind(body, default=None):
    """Our location_type, or Picqer's is_bulk_location (true: bulk)."""
    kind = body.text("location_type")
    if kind is None and body.has("is_bulk_location"):
        kind = "bulk" if body.boolean("is_bulk_location") else "shelf"
    if kind is not None and kind not in KINDS:
        raise ApiError(400, MISSING_PARAMETERS, f"Invalid parameter location_type: one of {', '.join(KINDS)}.")
    return kind or default


def _check_type(body):
    kind = body.text("type")
    if kind is not None and kind != "location":
        raise ApiError(400, MISSING_PARAMETERS, "Only locations of type \"location\" are kept here (no containers).")


@bp.get("/locations")
@staff_only
def list_locations():
    query = Location.select().order_by(Location.id)
    if (idwarehouse := query_int("idwarehouse")) is not None:
        query = query.where(Location.warehouse == idwarehouse)
    if (name := query_text("name")) is not None:
        query = query.where(Location.name == name)
    if not query_bool("inactive"):
        query = query.where(Location.active == True)  # noqa: E712
    return json_list(location_json(location) for location in page_of(query))


@bp.get("/locations/<int:idlocation>")
@staff_only
def get_location(idlocation):
    return jsonify(location_json(_location(idlocation)))


@bp.post("/locations")
@staff_only
def create_location():
    body = json_body()
    idwarehouse = body.integer("idwarehouse", required=True, minimum=1)
    warehouse = Warehouse.get_or_none(Warehouse.id == idwarehouse)
    if warehouse is None:
        raise ApiError(400, MISSING_PARAMETERS, f"Unknown warehouse {idwarehouse}.")
    _check_type(body)
    location = locations.create_location(
        warehouse, body.text("name", required=True, max_length=64), kind=_kind(body, "shelf"),
        remarks=body.text("remarks") or "", unlink_on_empty=bool(body.boolean("unlink_on_empty")),
    )
    return created(location_json(location))


@bp.put("/locations/<int:idlocation>")
@staff_only
def update_location(idlocation):
    location = _location(idlocation)
    body = json_body()
    _check_type(body)
    if body.has("idwarehouse") and body.integer("idwarehouse") != location.warehouse_id:
        raise ApiError(400, MISSING_PARAMETERS, "A location cannot move to another warehouse.")
    fields = {}
    if (kind := _kind(body)) is not None:
        fields["kind"] = kind
    if body.has("remarks"):
        fields["remarks"] = body.text("remarks")
    for flag in ("unlink_on_empty", "active"):
        if body.has(flag):
            fields[flag] = body.boolean(flag)
    locations.update_location(location, name=body.text("name", max_length=64), **fields)
    return jsonify(location_json(location))


@bp.delete("/locations/<int:idlocation>")
@staff_only
def delete_location(idlocation):
    locations.delete_location(_location(idlocation))
    return no_content()


@bp.get("/products/<int:idproduct>/locations")
def list_product_locations(idproduct):
    product = get_owned_or_404(Product, idproduct, "Product")
    return json_list(location_json(link.location, link)
                     for link in locations.product_locations(product, current_client()))


@bp.post("/products/<int:idproduct>/locations")
@staff_only
def link_product_location(idproduct):
    product = get_owned_or_404(Product, idproduct, "Product")
    body = json_body()
    location = _location(body.integer("idlocation", required=True, minimum=1))
    preferred = body.boolean("preferred") if body.has("preferred") else None
    link = locations.link_product(product, location, preferred=preferred)
    return created(location_json(location, link))


@bp.delete("/products/<int:idproduct>/locations/<int:idlocation>")
@staff_only
def unlink_product_location(idproduct, idlocation):
    product = get_owned_or_404(Product, idproduct, "Product")
    link = ProductLocation.get_or_none((ProductLocation.product == product)
                                       & (ProductLocation.location == idlocation)) if idlocation <= MAX_ID else None
    if link is None:
        raise not_found(f"Location {idlocation} of product {idproduct}")
    locations.unlink_product(link)
    return no_content()
