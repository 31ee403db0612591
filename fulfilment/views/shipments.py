"""Shipments: the client's closed picklists, with what was delivered and how to track it."""

from flask import render_template

from fulfilment.models import PicklistLine, Product
from fulfilment.services import listings
from fulfilment.views.blueprint import bp
from fulfilment.views.listing import paginate_listing, search_text
from fulfilment.views.scope import current_client, get_owned_or_404


@bp.route("/shipments")
def shipments():
    listing = listings.ShipmentList(current_client(), search=search_text())
    page = paginate_listing(listing)
    return render_template("portal/shipments.html", page=page, q=listing.search,
                           short_search_window=listings.SHORT_SEARCH_WINDOW)


@bp.route("/shipments/<int:picklist_id>")
def shipment(picklist_id):
    client = current_client()
    picklist = get_owned_or_404(listings.ShipmentList(client).rows(), picklist_id)
    lines = list(
        PicklistLine.for_client(client).select(PicklistLine, Product).join(Product)
        .where(PicklistLine.picklist == picklist).order_by(PicklistLine.id)
    )
    return render_template("portal/shipment.html", picklist=picklist, lines=lines,
                           shipments=listings.shipments_of(client, [picklist]).get(picklist.id, []))
