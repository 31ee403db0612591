"""Purchase orders: what the client expects to arrive, line by line, and the receipts booked on them.

Creating, changing and cancelling them lives in purchase_order_entry.
"""

from flask import render_template
from peewee import fn

from fulfilment.models import (
    PURCHASE_ORDER_STATUSES,
    Product,
    PurchaseOrder,
    PurchaseOrderLine,
    Receipt,
    ReceiptLine,
)
from fulfilment.services import purchasing
from fulfilment.views import bp
from fulfilment.views.listing import choice, matches_any, paginate, search_text
from fulfilment.views.scope import current_client, get_owned_or_404


def line_sum(client, column):
    """Correlated: column summed over the lines of the purchase order on the outer query's row."""
    return fn.COALESCE(
        PurchaseOrderLine.select(fn.SUM(column))
        .where((PurchaseOrderLine.client == client) & (PurchaseOrderLine.purchase_order == PurchaseOrder.id)), 0)


@bp.route("/purchase-orders")
def purchase_orders():
    client = current_client()
    # units ordered and received for the page's rows only (correlated subqueries)
    query = PurchaseOrder.for_client(client).select(
        PurchaseOrder, line_sum(client, PurchaseOrderLine.amount).alias("ordered"),
        line_sum(client, PurchaseOrderLine.amount_received).alias("received"))
    count_query = PurchaseOrder.for_client(client)
    status = choice("status", PURCHASE_ORDER_STATUSES)
    if status:
        condition = PurchaseOrder.status == status
        query, count_query = query.where(condition), count_query.where(condition)
    text = search_text()
    if text:
        condition = matches_any(text, PurchaseOrder.number, PurchaseOrder.supplier_name, PurchaseOrder.supplier_orderid)
        query, count_query = query.where(condition), count_query.where(condition)
    page = paginate(query.order_by(PurchaseOrder.created_at.desc(), PurchaseOrder.id.desc()), count_query=count_query)
    return render_template("portal/purchase_orders.html", page=page, q=text, status=status,
                           statuses=PURCHASE_ORDER_STATUSES)


@bp.route("/purchase-orders/<int:purchase_order_id>")
def purchase_order(purchase_order_id):
    client = current_client()
    return purchase_order_page(client, get_owned_or_404(PurchaseOrder.for_client(client), purchase_order_id))


def purchase_order_page(client, purchase_order):
    """The purchase order page, with Edit and Cancel while no receipt is registered."""
    lines = list(
        PurchaseOrderLine.for_client(client).select(PurchaseOrderLine, Product).join(Product)
        .where(PurchaseOrderLine.purchase_order == purchase_order).order_by(PurchaseOrderLine.id)
    )
    receipts = list(
        Receipt.for_client(client).where(Receipt.purchase_order == purchase_order)
        .order_by(Receipt.created_at, Receipt.id)
    )
    receipt_lines = {}
    if receipts:
        query = (
            ReceiptLine.for_client(client).select(ReceiptLine, Product).join(Product)
            .where(ReceiptLine.receipt.in_([receipt.id for receipt in receipts])).order_by(ReceiptLine.id)
        )
        for line in query:
            receipt_lines.setdefault(line.receipt_id, []).append(line)
    return render_template(
        "portal/purchase_order.html", purchase_order=purchase_order, lines=lines, receipts=receipts,
        receipt_lines=receipt_lines, ordered=sum(line.amount for line in lines),
        received=sum(line.amount_received for line in lines),
        changeable=purchasing.can_change(purchase_order),
    )
