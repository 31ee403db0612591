"""Shipments: the client's closed picklists, with what was delivered and how to track it."""

from flask import render_template
from peewee import JOIN

from fulfilment.models import Order, Picklist, PicklistLine, Product, Return, Shipment
from fulfilment.views.blueprint import bp
from fulfilment.views.listing import matches_any, paginate, search_text
from fulfilment.views.scope import current_client, get_owned_or_404


def shipped_picklists(client):
    """Client's closed picklists with their order and return, newest first (one query)."""
    return (
        Picklist.for_client(client)
        .select(Picklist, Order, Return)
        .join_from(Picklist, Order, JOIN.LEFT_OUTER)
        .join_from(Picklist, Return, JOIN.LEFT_OUTER)
        .where(Picklist.status == "closed")
        .order_by(Picklist.closed_at.desc(), Picklist.id.desc())
    )


def shipments_of(client, picklists):
    """{picklist id: [shipments]} for these picklists, in one query."""
    ids = [picklist.id for picklist in picklists]
    found = {}
    if ids:
        query = (Shipment.for_client(client).where(Shipment.picklist.in_(ids))
                 .order_by(Shipment.shipped_at, Shipment.id))
        for shipment in query:
            found.setdefault(shipment.picklist_id, []).append(shipment)
    return found


@bp.route("/shipments")
def shipments():
    client = current_client()
    query = shipped_picklists(client)
    text = search_text()
    if text:
        tracked = Shipment.for_client(client).select(Shipment.picklist).where(
            matches_any(text, Shipment.tracking_code, Shipment.carrier)
        )
        query = query.where(
            matches_any(text, Picklist.number, Order.number, Order.reference, Picklist.delivery_name)
            | Picklist.id.in_(tracked)
        )
    page = paginate(query)
    return render_template("portal/shipments.html", page=page, q=text,
                           shipments_by_picklist=shipments_of(client, page.items))


@bp.route("/shipments/<int:picklist_id>")
def shipment(picklist_id):
    client = current_client()
    picklist = get_owned_or_404(shipped_picklists(client), picklist_id)
    lines = list(
        PicklistLine.for_client(client).select(PicklistLine, Product).join(Product)
        .where(PicklistLine.picklist == picklist).order_by(PicklistLine.id)
    )
    return render_template("portal/shipment.html", picklist=picklist, lines=lines,
                           shipments=shipments_of(client, [picklist]).get(picklist.id, []))
