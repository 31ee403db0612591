"""Returns: what came back, what was sent in its place, and every status update as a timeline."""

from flask import render_template
from peewee import JOIN

from fulfilment.models import (
    Picklist,
    Product,
    ReplacementProduct,
    ReturnedProduct,
    ReturnLog,
    ReturnStatus,
)
from fulfilment.services import listings
from fulfilment.views.blueprint import bp
from fulfilment.views.listing import choice, paginate_listing, search_text
from fulfilment.views.scope import current_client, get_owned_or_404
from fulfilment.vocabulary import status_label


@bp.route("/returns")
def returns():
    statuses = list(ReturnStatus.select().order_by(ReturnStatus.position, ReturnStatus.id))
    listing = listings.ReturnList(current_client(), status=choice("status", {status.name for status in statuses}),
                                  search=search_text())
    page = paginate_listing(listing)
    return render_template("portal/returns.html", page=page, q=listing.search, status=listing.status,
                           statuses=[(status.name, status_label(status.name)) for status in statuses])


@bp.route("/returns/<int:return_id>", endpoint="return")
def return_page(return_id):
    client = current_client()
    ret = get_owned_or_404(listings.ReturnList(client).rows(), return_id)
    returned = list(
        ReturnedProduct.for_client(client).select(ReturnedProduct, Product).join(Product)
        .where(ReturnedProduct.return_ == ret).order_by(ReturnedProduct.id)
    )
    replacements = list(
        ReplacementProduct.for_client(client).select(ReplacementProduct, Product, Picklist)
        .join_from(ReplacementProduct, Product)
        .join_from(ReplacementProduct, Picklist, JOIN.LEFT_OUTER)
        .where(ReplacementProduct.return_ == ret).order_by(ReplacementProduct.id)
    )
    timeline = list(
        ReturnLog.for_client(client).select(ReturnLog, ReturnStatus).join(ReturnStatus)
        .where(ReturnLog.return_ == ret).order_by(ReturnLog.created_at, ReturnLog.id)
    )
    return render_template("portal/return.html", ret=ret, returned=returned, replacements=replacements,
                           timeline=timeline)
