"""Webshop connections and every order seen in them."""

from fulfilment.admin.base import CLIENT_LOOKUP, ReadOnlyModelView, StaffModelView
from fulfilment.models import Client, Webshop, WebshopOrder


class WebshopView(StaffModelView):
    column_list = ("id", "client", "platform", "name", "url", "active", "last_import_at", "last_test_passed")
    column_searchable_list = ("name", "url")
    column_filters = (Client.name, "platform", "active")
    form_columns = ("client", "platform", "name", "url", "active")
    form_ajax_refs = {"client": CLIENT_LOOKUP}
    column_labels = {"url": "URL", "last_test_passed": "Last test passed"}


class WebshopOrderView(ReadOnlyModelView):
    simple_list_pager = True
    column_list = ("id", "created_at", "client", "webshop", "foreign_number", "status", "reason", "order")
    column_searchable_list = ("foreign_id", "foreign_number", "reason")
    column_filters = (Client.name, "status")
    column_default_sort = ("id", True)


def views():
    return [
        WebshopView(Webshop, name="Webshops", category="Webshops"),
        WebshopOrderView(WebshopOrder, name="Webshop orders", category="Webshops"),
    ]
