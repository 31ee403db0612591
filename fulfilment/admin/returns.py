"""Returns, their products, replacements, status log and the return statuses."""

from fulfilment.admin.base import ReadOnlyModelView, StaffModelView
from fulfilment.models import Client, ReplacementProduct, Return, ReturnLog, ReturnStatus, ReturnedProduct


class ReturnView(ReadOnlyModelView):
    column_list = ("id", "number", "client", "order", "status", "name", "tracking_code", "created_at")
    column_searchable_list = ("number", "name", "tracking_code")
    column_filters = (Client.name,)
    column_default_sort = ("id", True)


class ReturnedProductView(ReadOnlyModelView):
    column_list = ("id", "return_", "client", "product", "amount", "amount_received", "reason")
    column_filters = (Client.name,)
    column_labels = {"return_": "Return"}


class ReplacementProductView(ReadOnlyModelView):
    column_list = ("id", "return_", "client", "product", "amount", "picklist")
    column_filters = (Client.name,)
    column_labels = {"return_": "Return"}


class ReturnLogView(ReadOnlyModelView):
    column_list = ("id", "created_at", "return_", "client", "status", "message", "actor")
    column_filters = (Client.name,)
    column_default_sort = ("id", True)
    column_labels = {"return_": "Return"}


class ReturnStatusView(StaffModelView):
    column_list = ("id", "name", "is_default", "is_completed", "position")
    column_default_sort = "position"
    form_columns = ("name", "is_default", "is_completed", "position")


def views():
    category = "Returns"
    return [
        ReturnView(Return, name="Returns", category=category),
        ReturnedProductView(ReturnedProduct, name="Returned products", category=category),
        ReplacementProductView(ReplacementProduct, name="Replacement products", category=category),
        ReturnLogView(ReturnLog, name="Return log", category=category),
        ReturnStatusView(ReturnStatus, name="Return statuses", category=category),
    ]
