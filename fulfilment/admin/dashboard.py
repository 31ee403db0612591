"""Figures on the back office's front page."""

from fulfilment.models import Backorder, Client, Order, Picklist, PurchaseOrder, Return


def dashboard_figures():
    """Counts staff look at first; each is one indexed COUNT query."""
    return [
        ("Active clients", Client.select().where(Client.active == True).count(), "client.index_view"),  # noqa: E712
        ("Orders processing", Order.select().where(Order.status == "processing").count(), "order.index_view"),
        ("Open picklists", Picklist.select().where(Picklist.status == "new").count(), "picklist.index_view"),
        ("Backorders", Backorder.select().count(), "backorder.index_view"),
        (
            "Purchase orders expected",
            PurchaseOrder.select().where(PurchaseOrder.status == "purchased").count(),
            "purchaseorder.index_view",
        ),
        ("Returns", Return.select().count(), "return.index_view"),
    ]
