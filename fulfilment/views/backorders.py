"""Backorders: what waits for stock, oldest first, beside the free stock and what is on its way."""

from flask import render_template
from peewee import fn

from fulfilment.models import Backorder, Order, Product, Stock, utcnow
from fulfilment.views import bp
from fulfilment.views.listing import matches_any, paginate, search_text
from fulfilment.views.products import product_incoming, product_stock
from fulfilment.views.scope import current_client


@bp.route("/backorders")
def backorders():
    client = current_client()
    # free stock and units on their way for the page's rows only (correlated subqueries)
    query = (
        Backorder.for_client(client)
        .select(
            Backorder, Product, Order,
            product_stock(client, Backorder.product, Stock.stock - Stock.allocated).alias("free_total"),
            product_incoming(client, Backorder.product).alias("incoming_total"),
        )
        .join_from(Backorder, Product)
        .join_from(Backorder, Order)
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
