"""Webshop connections and every order seen in them: credentials, connection test, import now."""

from flask_login import current_user
from markupsafe import Markup
from wtforms import PasswordField
from wtforms.validators import Optional

from fulfilment.admin.base import CLIENT_LOOKUP, ReadOnlyModelView, RecordAction, StaffModelView
from fulfilment.admin.labels import LABELS
from fulfilment.admin.work import ConditionFilter, status_formatter
from fulfilment.i18n import _, _l
from fulfilment.jobs import enqueue_import
from fulfilment.models import Client, Webshop, WebshopOrder
from fulfilment.services import todays_work, webshops
from fulfilment.services.webshop_checks import last_test_checks, run_connection_test
from fulfilment.services.webshop_import import retry_webshop_order

CREDENTIALS_HELP = {
    "consumer_key": _l("WooCommerce: from WooCommerce → Settings → Advanced → REST API, a key with Read/Write "
                       "permissions (ck_…)."),
    "consumer_secret": _l("WooCommerce: the consumer secret shown with that key (cs_…)."),
    "access_token": _l("Shopify: the Admin API access token of a custom app (shpat_…) with the scopes read_orders, "
                       "write_fulfillments and write_merchant_managed_fulfillment_orders. Use the shop's "
                       "https://…myshopify.com address."),
}


def _credential_field(name):
    return PasswordField(label=LABELS[name], validators=[Optional()], description=CREDENTIALS_HELP[name])


class WebshopView(StaffModelView):
    column_list = ("id", "client", "platform", "name", "url", "active", "credentials", "last_import_at",
                   "last_test_at", "last_test_passed")
    column_details_list = ("id", "client", "platform", "name", "url", "active", "credentials", "last_import_at",
                           "last_test_at", "last_test_passed", "created_at")
    column_searchable_list = ("name", "url")
    column_filters = (Client.name, "platform", "active", "last_test_passed")
    column_formatters = {"credentials": lambda view, context, model, name: webshops.credential_hint(model)}
    list_row_reads = ("credentials_encrypted",)  # the credentials column's hint
    form_columns = ("client", "platform", "name", "url", "active")
    form_extra_fields = {name: _credential_field(name) for name in CREDENTIALS_HELP}
    form_args = {"url": {"description": _l("The shop's own address, e.g. https://www.example-shop.com.")}}
    form_ajax_refs = {"client": CLIENT_LOOKUP}
    details_template = "admin/webshop_details.html"
    record_actions = (
        RecordAction("test", _l("Test connection"), lambda shop, actor: run_connection_test(shop, actor),
                     style="primary", success=_l("Connection test finished; the results are below.")),
        RecordAction("import", _l("Import orders now"), lambda shop, actor: enqueue_import(shop),
                     success=_l("Import started: new orders appear under Webshop orders in a moment."),
                     shown=lambda shop: shop.active and bool(shop.credentials_encrypted)),
    )

    def test_checks(self, webshop):
        return last_test_checks(webshop)

    def on_form_prefill(self, form, id):
        webshop = Webshop.get_by_id(id)
        stored = _("Stored: %(hint)s. Leave empty to keep it.", hint=webshops.credential_hint(webshop))
        for name in CREDENTIALS_HELP:
            form[name].description = Markup("{}<br>{}").format(str(CREDENTIALS_HELP[name]), stored)

    def create_model(self, form):
        return self._save(form, None)

    def update_model(self, form, model):
        return bool(self._save(form, model))

    def _save(self, form, webshop):
        return self.call_service(
            webshops.save_webshop, webshop, client=form.client.data, platform=form.platform.data,
            name=form.name.data, url=form.url.data, active=form.active.data,
            credentials={name: form[name].data for name in CREDENTIALS_HELP}, actor=current_user._get_current_object(),
        )


class WebshopOrderView(ReadOnlyModelView):
    simple_list_pager = True
    column_list = ("id", "created_at", "client", "webshop", "foreign_number", "status", "reason", "order")
    column_searchable_list = ("foreign_id", "foreign_number", "reason")
    column_filters = (Client.name, "status",
                      ConditionFilter(WebshopOrder, _l("Import failed"), todays_work.failed_imports))
    column_default_sort = ("id", True)
    column_formatters = {"status": status_formatter}
    column_labels = {"created_at": _l("First seen")}
    record_actions = (
        RecordAction("retry", _l("Try again"), lambda seen, actor: retry_webshop_order(seen, actor), style="primary",
                     success=_l("The order was fetched from the shop again; its status below shows the result."),
                     shown=lambda seen: seen.status != "imported"),
    )


def views():
    return [
        WebshopView(Webshop, name=_l("Webshops"), category=_l("Webshops")),
        WebshopOrderView(WebshopOrder, name=_l("Webshop orders"), category=_l("Webshops")),
    ]
