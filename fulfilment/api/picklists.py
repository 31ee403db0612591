"""Picklists (shown to clients as shipments once closed): close and cancel (staff), shipments."""

from collections import defaultdict

from flask import jsonify

from fulfilment.api.auth import current_key, get_owned_or_404, scoped, staff_only
from fulfilment.api.blueprint import bp
from fulfilment.api.body import json_body, query_choice, query_int
from fulfilment.api.pagination import page_of
from fulfilment.api.serialisation import created, datetime_text, json_list
from fulfilment.models import PICKLIST_STATUSES, Picklist, PicklistLine, Product, Shipment
from fulfilment.services import carriers, picking


def picklists_json(picklist_list):
    """Picklists with their lines: one extra query for the whole page.

    A line shows its product's code and name: only those columns of the product are read."""
    lines = defaultdict(list)
    ids = [picklist.id for picklist in picklist_list]
    if ids:
        for line in (PicklistLine.select(PicklistLine, *Product.label_columns()).join(Product)
                     .where(PicklistLine.picklist.in_(ids)).order_by(PicklistLine.id)):
            lines[line.picklist_id].append(line)
    return [picklist_json(picklist, lines[picklist.id]) for picklist in picklist_list]


def picklist_json(picklist, lines):
    return {
        "idpicklist": picklist.id,
        "picklistid": picklist.number,
        "idorder": picklist.order_id,
        "idreturn": picklist.return_id,
        "idwarehouse": picklist.warehouse_id,
        "status": picklist.status,
        "totalproducts": sum(line.amount for line in lines),
        "totalpicked": sum(line.amount_picked for line in lines),
        "deliveryname": picklist.delivery_name,
        "deliveryaddress": picklist.delivery_address,
        "deliveryzipcode": picklist.delivery_zipcode,
        "deliverycity": picklist.delivery_city,
        "deliverycountry": picklist.delivery_country,
        "created": datetime_text(picklist.created_at),
        "closed_at": datetime_text(picklist.closed_at),
        "products": [{
            "idpicklist_product": line.id,
            "idproduct": line.product_id,
            "idorder_product": line.order_line_id,
            "productcode": line.product.product_code,
            "name": line.product.name,
            "amount": line.amount,
            "amount_picked": line.amount_picked,
        } for line in lines],
    }


def shipment_json(shipment):
    return {
        "idshipment": shipment.id,
        "idpicklist": shipment.picklist_id,
        "idorder": shipment.order_id,
        "provider": shipment.carrier,
        "trackingcode": shipment.tracking_code,
        "trackingurl": shipment.tracking_url,
        "created": datetime_text(shipment.shipped_at),
    }


def _picklist(idpicklist):
    return get_owned_or_404(Picklist, idpicklist, "Picklist")


def _one(picklist):
    return picklists_json([Picklist.get_by_id(picklist.id)])[0]


@bp.get("/picklists")
def list_picklists():
    query = scoped(Picklist).order_by(Picklist.id)
    if (status := query_choice("status", PICKLIST_STATUSES)) is not None:
        query = query.where(Picklist.status == status)
    if (idorder := query_int("idorder")) is not None:
        query = query.where(Picklist.order == idorder)
    return json_list(picklists_json(page_of(query)))


@bp.get("/picklists/<int:idpicklist>")
def get_picklist(idpicklist):
    return jsonify(_one(_picklist(idpicklist)))


@bp.post("/picklists/<int:idpicklist>/close")
@staff_only
def close_picklist(idpicklist):
    """Pick everything on the picklist and close it."""
    picklist = _picklist(idpicklist)
    json_body()
    return jsonify(_one(picking.close_picklist(picklist, current_key())))


@bp.post("/picklists/<int:idpicklist>/cancel")
@staff_only
def cancel_picklist(idpicklist):
    picklist = _picklist(idpicklist)
    json_body()
    return jsonify(_one(picking.cancel_picklist(picklist, current_key())))


@bp.get("/picklists/<int:idpicklist>/shipments")
def list_shipments(idpicklist):
    picklist = _picklist(idpicklist)
    return json_list(shipment_json(shipment) for shipment in
                     Shipment.select().where(Shipment.picklist == picklist).order_by(Shipment.id))


@bp.post("/picklists/<int:idpicklist>/shipments")
@staff_only
def add_shipment(idpicklist):
    """Ship a closed picklist with a carrier from the carriers table; the tracking URL is built, never sent."""
    picklist = _picklist(idpicklist)
    body = json_body()
    carrier = carriers.find_carrier(body.text("provider", required=True))
    shipment = picking.add_shipment(picklist, carrier=carrier, tracking_code=body.text("trackingcode") or "",
                                    tracking_url=body.text("trackingurl") or "", actor=current_key())
    return created(shipment_json(shipment))
