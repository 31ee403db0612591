"""Purchase orders: what the client expects to arrive, line by line, and the receipts booked on them.

Creating, changing and cancelling them lives in purchase_order_entry.
"""

from flask import render_template

from fulfilment.models import (
    PURCHASE_ORDER_STATUSES,
    Product,
    PurchaseOrder,
    PurchaseOrderLine,
    Receipt,
    ReceiptLine,
)
from fulfilment.services import listings, purchasing
from fulfilment.views.blueprint import bp
from fulfilment.views.listing import choice, paginate_listing, search_text
from fulfilment.views.scope import current_client, get_owned_or_404
from fulfilment.vocabulary import status_label


@bp.route("/purchase-orders")
def purchase_orders():
    listing = listings.PurchaseOrderList(current_client(), status=choice("status", PURCHASE_ORDER_STATUSES),
                                         search=search_text())
    page = paginate_listing(listing)
    return render_template("portal/purchase_orders.html", page=page, q=listing.search, status=listing.status,
                           statuses=[(code, status_label(code)) for code in PURCHASE_ORDER_STATUSES])


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
