"""Orders: the list with filters and search, and the order page with everything that happened to it.

The order page also carries what the client may still do: edit and submit a concept, change the
address or cancel until it is picked, duplicate it (views in order_entry and order_changes).
"""

from flask import render_template
from peewee import JOIN

from fulfilment.i18n import _
from fulfilment.models import (
    ORDER_SOURCES,
    ORDER_STATUSES,
    Backorder,
    Order,
    OrderEvent,
    Picklist,
    Product,
    Return,
    ReturnStatus,
    Shipment,
    Webshop,
)
from fulfilment.services import listings
from fulfilment.services import orders as order_rules
from fulfilment.views.blueprint import bp
from fulfilment.views.forms import AddLineForm
from fulfilment.views.listing import choice, paginate_listing, search_text
from fulfilment.views.scope import current_client, get_owned_or_404
from fulfilment.vocabulary import source_label, status_label


@bp.route("/orders")
def orders():
    listing = listings.OrderList(current_client(), status=choice("status", listings.ORDER_STATUS_FILTERS),
                                 source=choice("source", ORDER_SOURCES), search=search_text())
    page = paginate_listing(listing)
    return render_template("portal/orders.html", page=page, q=listing.search, status=listing.status,
                           source=listing.source, short_search_window=listings.SHORT_SEARCH_WINDOW,
                           sources=[(source, source_label(source)) for source in ORDER_SOURCES],
                           statuses=[("open", _("open (not shipped yet)"))]
                           + [(status, status_label(status)) for status in ORDER_STATUSES])


def owned_order(client, order_id):
    """One of client's orders with its webshop, or 404."""
    return get_owned_or_404(Order.for_client(client).select(Order, Webshop).join(Webshop, JOIN.LEFT_OUTER), order_id)


@bp.route("/orders/<int:order_id>")
def order(order_id):
    client = current_client()
    return order_page(client, owned_order(client, order_id))


def order_page(client, order, add_line_form=None):
    """The order page; a refused add-line form is passed back in to show its input and errors."""
    progress = order_rules.line_progress(order)  # the order came through the client's scope
    events = list(
        OrderEvent.for_client(client).where(OrderEvent.order == order)
        .order_by(OrderEvent.created_at, OrderEvent.id)
    )
    in_order = listings.few_in_order  # an order's own rows are few: sorted here, found through (client, order)
    picklists = in_order(Picklist.for_client(client).where(Picklist.order == order), Picklist.created_at, Picklist.id)
    shipments = in_order(Shipment.for_client(client).where(Shipment.order == order), Shipment.shipped_at, Shipment.id)
    backorders = in_order(
        Backorder.for_client(client).select(Backorder, Product).join(Product).where(Backorder.order == order),
        Backorder.created_at, Backorder.id)
    returns = in_order(
        Return.for_client(client).select(Return, ReturnStatus).join(ReturnStatus).where(Return.order == order),
        Return.created_at, Return.id)
    shipments_by_picklist = {}
    for shipment in shipments:
        shipments_by_picklist.setdefault(shipment.picklist_id, []).append(shipment)
    return render_template(
        "portal/order.html", order=order, lines=[row["line"] for row in progress],
        progress={row["line"].id: row for row in progress}, events=events, picklists=picklists,
        shipments_by_picklist=shipments_by_picklist, backorders=backorders, returns=returns,
        concept=order_rules.can_change_lines(order), changeable=order_rules.can_change(order),
        add_line_form=add_line_form or AddLineForm(formdata=None),
    )
