"""Orders, their lines and history, backorders, picklists and shipments."""

from fulfilment.admin.base import ReadOnlyModelView
from fulfilment.models import Backorder, Client, Order, OrderEvent, OrderLine, Picklist, PicklistLine, Shipment, Warehouse

ADDRESS_COLUMNS = ("delivery_name", "delivery_address", "delivery_zipcode", "delivery_city", "delivery_country")


class OrderView(ReadOnlyModelView):
    simple_list_pager = True
    column_list = ("id", "number", "client", "reference", "delivery_name", "status", "source", "webshop",
                   "created_at")
    column_searchable_list = ("number", "reference", "delivery_name", "email")
    column_filters = (Client.name, "status", "source", "created_at")
    column_default_sort = ("id", True)
    column_labels = {"delivery_name": "Recipient", "created_at": "Created"}


class OrderLineView(ReadOnlyModelView):
    simple_list_pager = True
    column_list = ("id", "order", "client", "product", "amount", "amount_cancelled", "price")
    column_filters = (Client.name,)
    column_default_sort = ("id", True)


class OrderEventView(ReadOnlyModelView):
    simple_list_pager = True
    column_list = ("id", "created_at", "order", "client", "status", "message", "actor")
    column_filters = (Client.name, "status")
    column_default_sort = ("id", True)


class BackorderView(ReadOnlyModelView):
    column_list = ("id", "created_at", "client", "order", "product", "warehouse", "amount")
    column_filters = (Client.name, Warehouse.name)
    column_default_sort = ("id", False)


class PicklistView(ReadOnlyModelView):
    simple_list_pager = True
    column_list = ("id", "number", "client", "order", "return_", "warehouse", "status", "created_at", "closed_at")
    column_searchable_list = ("number", "delivery_name")
    column_filters = (Client.name, "status", Warehouse.name)
    column_default_sort = ("id", True)
    column_labels = {"return_": "Return"}


class PicklistLineView(ReadOnlyModelView):
    simple_list_pager = True
    column_list = ("id", "picklist", "client", "product", "amount", "amount_picked")
    column_filters = (Client.name,)
    column_default_sort = ("id", True)


class ShipmentView(ReadOnlyModelView):
    simple_list_pager = True
    column_list = ("id", "shipped_at", "client", "picklist", "order", "carrier", "tracking_code",
                   "webshop_push_status")
    column_searchable_list = ("tracking_code", "carrier")
    column_filters = (Client.name, "carrier", "webshop_push_status")
    column_default_sort = ("id", True)
    column_labels = {"webshop_push_status": "Webshop told"}


def views():
    category = "Orders & shipping"
    return [
        OrderView(Order, name="Orders", category=category),
        OrderLineView(OrderLine, name="Order lines", category=category),
        OrderEventView(OrderEvent, name="Order history", category=category),
        BackorderView(Backorder, name="Backorders", category=category),
        PicklistView(Picklist, name="Picklists", category=category),
        PicklistLineView(PicklistLine, name="Picklist lines", category=category),
        ShipmentView(Shipment, name="Shipments", category=category),
    ]
