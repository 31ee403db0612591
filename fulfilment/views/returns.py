"""Returns: what came back, what was sent in its place, and every status update as a timeline."""

from flask import render_template
from peewee import JOIN

from fulfilment.models import (
    Order,
    Picklist,
    Product,
    ReplacementProduct,
    Return,
    ReturnedProduct,
    ReturnLog,
    ReturnStatus,
)
from fulfilment.views.blueprint import bp
from fulfilment.views.listing import choice, matches_any, paginate, search_text
from fulfilment.views.scope import current_client, get_owned_or_404


def returns_with_status(client):
    return (
        Return.for_client(client)
        .select(Return, ReturnStatus, Order)
        .join_from(Return, ReturnStatus)
        .join_from(Return, Order, JOIN.LEFT_OUTER)
    )


@bp.route("/returns")
def returns():
    client = current_client()
    statuses = list(ReturnStatus.select().order_by(ReturnStatus.position, ReturnStatus.id))
    query = returns_with_status(client)
    status = request_status(statuses)
    if status is not None:
        query = query.where(Return.status == status)
    text = search_text()
    if text:
        query = query.where(matches_any(text, Return.number, Return.name, Return.tracking_code, Return.email,
                                        Order.number))
    page = paginate(query.order_by(Return.created_at.desc(), Return.id.desc()))
    return render_template("portal/returns.html", page=page, q=text, statuses=statuses,
                           status=status.name if status is not None else "")


def request_status(statuses):
    """The return status chosen in the URL's status filter, or None."""
    name = choice("status", {status.name for status in statuses})
    return next((status for status in statuses if status.name == name), None) if name else None


@bp.route("/returns/<int:return_id>", endpoint="return")
def return_page(return_id):
    client = current_client()
    ret = get_owned_or_404(returns_with_status(client), return_id)
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
