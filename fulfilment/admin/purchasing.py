"""Purchase orders and receipts."""

from fulfilment.admin.base import ReadOnlyModelView
from fulfilment.models import Client, PurchaseOrder, PurchaseOrderLine, Receipt, ReceiptLine


class PurchaseOrderView(ReadOnlyModelView):
    column_list = ("id", "number", "client", "supplier_name", "supplier_orderid", "delivery_date", "status",
                   "created_at")
    column_searchable_list = ("number", "supplier_name", "supplier_orderid")
    column_filters = (Client.name, "status", "delivery_date")
    column_default_sort = ("id", True)
    column_labels = {"supplier_orderid": "Reference", "delivery_date": "Expected"}


class PurchaseOrderLineView(ReadOnlyModelView):
    column_list = ("id", "purchase_order", "client", "product", "amount", "amount_received", "price")
    column_filters = (Client.name,)
    column_default_sort = ("id", True)


class ReceiptView(ReadOnlyModelView):
    column_list = ("id", "number", "client", "purchase_order", "status", "actor", "created_at", "completed_at")
    column_searchable_list = ("number",)
    column_filters = (Client.name, "status")
    column_default_sort = ("id", True)


class ReceiptLineView(ReadOnlyModelView):
    column_list = ("id", "receipt", "client", "product", "amount", "created_at")
    column_filters = (Client.name,)
    column_default_sort = ("id", True)


def views():
    category = "Purchasing"
    return [
        PurchaseOrderView(PurchaseOrder, name="Purchase orders", category=category),
        PurchaseOrderLineView(PurchaseOrderLine, name="Purchase order lines", category=category),
        ReceiptView(Receipt, name="Receipts", category=category),
        ReceiptLineView(ReceiptLine, name="Receipt lines", category=category),
    ]
