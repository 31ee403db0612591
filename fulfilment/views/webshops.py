"""Webshops: the client's shops and, per shop, every order seen in it and what became of it."""

from flask import render_template
from peewee import JOIN, Case, fn

from fulfilment.models import PLATFORMS, WEBSHOP_ORDER_STATUSES, Order, Webshop, WebshopOrder
from fulfilment.services.listings import matching
from fulfilment.views.blueprint import bp
from fulfilment.views.listing import choice, paginate, search_text
from fulfilment.views.scope import current_client, get_owned_or_404
from fulfilment.vocabulary import status_label


def seen_order_counts(client):
    """A subquery: per webshop of client, how many orders were imported, ignored or failed."""
    counts = [
        fn.SUM(Case(None, [(WebshopOrder.status == status, 1)], 0)).alias(status)
        for status in WEBSHOP_ORDER_STATUSES
    ]
    return (
        WebshopOrder.for_client(client).select(WebshopOrder.webshop.alias("webshop_id"), *counts)
        .group_by(WebshopOrder.webshop)
        .alias("seen")
    )


@bp.route("/webshops")
def webshops():
    client = current_client()
    seen = seen_order_counts(client)
    query = (
        Webshop.for_client(client)
        .select(Webshop, *[fn.COALESCE(getattr(seen.c, status), 0).alias(f"{status}_count")
                           for status in WEBSHOP_ORDER_STATUSES])
        .join(seen, JOIN.LEFT_OUTER, on=(seen.c.webshop_id == Webshop.id))
    )
    page = paginate(query.order_by(Webshop.name, Webshop.id), count_query=Webshop.for_client(client))
    return render_template("portal/webshops.html", page=page, platforms=dict(PLATFORMS))


@bp.route("/webshops/<int:webshop_id>")
def webshop(webshop_id):
    client = current_client()
    shop = get_owned_or_404(Webshop.for_client(client), webshop_id)
    query = (
        WebshopOrder.for_client(client).select(WebshopOrder, Order)
        .join(Order, JOIN.LEFT_OUTER)
        .where(WebshopOrder.webshop == shop)
    )
    status = choice("status", WEBSHOP_ORDER_STATUSES)
    if status:
        query = query.where(WebshopOrder.status == status)
    text = search_text()
    if text:
        query = query.where(matching(text, WebshopOrder.foreign_number, WebshopOrder.foreign_id,
                                        WebshopOrder.reason, Order.number))
    page = paginate(query.order_by(WebshopOrder.created_at.desc(), WebshopOrder.id.desc()))
    return render_template("portal/webshop.html", shop=shop, page=page, q=text, status=status,
                           statuses=[(code, status_label(code)) for code in WEBSHOP_ORDER_STATUSES],
                           platforms=dict(PLATFORMS))
