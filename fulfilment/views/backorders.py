"""Backorders: what waits for stock, oldest first, beside the free stock and what is on its way."""

from flask import render_template
from peewee import JOIN, fn

from fulfilment.models import Backorder, Order, Product, utcnow
from fulfilment.views.blueprint import bp
from fulfilment.views.listing import matches_any, paginate, search_text
from fulfilment.views.products import incoming_totals, stock_totals
from fulfilment.views.scope import current_client


@bp.route("/backorders")
def backorders():
    client = current_client()
    totals = stock_totals(client)
    incoming = incoming_totals(client)
    query = (
        Backorder.for_client(client)
        .select(
            Backorder, Product, Order,
            fn.COALESCE(totals.c.free, 0).alias("free_total"),
            fn.COALESCE(incoming.c.incoming, 0).alias("incoming_total"),
        )
        .join_from(Backorder, Product)
        .join_from(Backorder, Order)
        .join_from(Backorder, totals, JOIN.LEFT_OUTER, on=(totals.c.product_id == Backorder.product))
        .join_from(Backorder, incoming, JOIN.LEFT_OUTER, on=(incoming.c.product_id == Backorder.product))
    )
    count_query = Backorder.for_client(client).join_from(Backorder, Product).join_from(Backorder, Order)
    text = search_text()
    if text:
        condition = matches_any(text, Product.product_code, Product.name, Order.number, Order.reference)
        query, count_query = query.where(condition), count_query.where(condition)
    page = paginate(query.order_by(Backorder.created_at, Backorder.id), count_query=count_query)
    summary = (
        Backorder.for_client(client)
        .select(fn.COUNT(fn.DISTINCT(Backorder.product)), fn.COALESCE(fn.SUM(Backorder.amount), 0))
        .tuples().first()
    )
    return render_template("portal/backorders.html", page=page, q=text, now=utcnow(),
                           product_count=summary[0], unit_count=summary[1])


def age_in_days(created_at, now):
    return max(0, (now - created_at).days)


@bp.app_template_filter("days_ago")
def format_age(created_at, now=None):
    """How long ago, in whole days, for people: "today", "1 day", "12 days"."""
    days = age_in_days(created_at, now or utcnow())
    if days == 0:
        return "today"
    return "1 day" if days == 1 else f"{days:,} days".replace(",", "\u202f")
