"""Clients and their portal logins, as in Picqer: portal access, username, password, product management."""

from flask_admin.form import rules
from wtforms import PasswordField, StringField
from wtforms.validators import Optional

from fulfilment.admin.base import CLIENT_LOOKUP, ReadOnlyModelView, RelatedTable, StaffModelView
from fulfilment.admin.labels import yes_no
from fulfilment.admin.work import Link, WorkPage, WorkPageMixin, active_formatter, list_url, status_formatter
from fulfilment.i18n import _, _l, language_name
from fulfilment.models import Backorder, Client, ExportJob, Order, PortalUser, Product, PurchaseOrder, Return
from fulfilment.services import accounts

CLIENT_FIELDS = ("name", "email", "portal_access", "product_management", "language", "active")


class ClientView(WorkPageMixin, StaffModelView):
    column_list = ("id", "name", "email", "portal_access", "product_management", "language", "active", "created_at")
    column_searchable_list = ("name", "email")
    column_filters = ("portal_access", "product_management", "language", "active")
    column_default_sort = "name"
    column_formatters = {"active": active_formatter,
                         "language": lambda view, context, client, name: language_name(client.language)}
    form_columns = CLIENT_FIELDS
    form_extra_fields = {
        "login_username": StringField(_l("Username"), validators=[Optional()]),
        "login_password": PasswordField(
            _l("Password"), validators=[Optional()],
            description=_l("At least 12 characters. Leave empty to keep the current password."),
        ),
    }
    # The CSRF token is a hidden field, drawn without a label before the rules.
    form_rules = (
        rules.Header(_l("Client")),
        "name", "email", "language", "active",
        rules.Header(_l("Fulfilment portal")),
        "portal_access", "login_username", "login_password", "product_management",
    )

    def work_page(self, client):
        users = list(PortalUser.select().where(PortalUser.client == client).order_by(PortalUser.id))
        by_client = ("Client / Name", "equals", client.name)
        work = [
            (_("Orders"), Order, "order"), (_("Backorders"), Backorder, "backorder"),
            (_("Products"), Product, "product"), (_("Purchase orders"), PurchaseOrder, "purchaseorder"),
            (_("Returns"), Return, "return"),
        ]
        rows = [(Link(label, list_url(endpoint, by_client)), model.select().where(model.client == client).count())
                for label, model, endpoint in work]
        facts = [(_("E-mail"), client.email), (_("Language"), language_name(client.language)),
                 (_("Access to portal"), yes_no(client.portal_access)),
                 (_("Access to product management"), yes_no(client.product_management)),
                 (_("Client since"), client.created_at)]
        return WorkPage(
            title=_("Client %(name)s", name=client.name), status="active" if client.active else "inactive",
            facts=[(label, value) for label, value in facts if value],
            tables=[
                RelatedTable(_("Work"), [(_("List"), lambda r: r[0]), (_("Rows"), lambda r: r[1])], rows),
                RelatedTable(_("Portal logins"), [(_("Username"), "username"), (_("E-mail"), "notification_email"),
                                                  (_("Active"), lambda u: yes_no(u.active)),
                                                  (_("Last login"), "last_login_at")], users),
            ],
        )

    def on_form_prefill(self, form, id):
        user = PortalUser.select().where(PortalUser.client == id).order_by(PortalUser.id).first()
        if user is not None:
            form.login_username.data = user.username

    def create_model(self, form):
        return self._save(form, None)

    def update_model(self, form, model):
        return bool(self._save(form, model))

    def _save(self, form, client):
        return self.call_service(
            accounts.save_client,
            client,
            login_username=(form.login_username.data or "").strip() or None,
            login_password=form.login_password.data or None,
            **{name: getattr(form, name).data for name in CLIENT_FIELDS},
        )


class PortalUserView(StaffModelView):
    column_list = ("id", "client", "username", "notification_email", "active", "last_login_at")
    column_searchable_list = ("username", "notification_email")
    column_filters = ("active",)
    column_formatters = {"active": active_formatter}
    # A password's hash is nobody's business, not even staff's.
    column_details_exclude_list = ("password_hash",)
    form_columns = ("client", "username", "notification_email", "active")
    form_ajax_refs = {"client": CLIENT_LOOKUP}
    form_extra_fields = {
        "new_password": PasswordField(_l("New password"), validators=[Optional()],
                                      description=_l("At least 12 characters. Leave empty to keep it.")),
    }

    def create_model(self, form):
        return self.call_service(
            accounts.create_portal_user,
            form.client.data, form.username.data, form.new_password.data,
            notification_email=form.notification_email.data or "", active=form.active.data,
        )

    def update_model(self, form, model):
        return bool(self.call_service(
            accounts.update_portal_user,
            model, username=form.username.data, password=form.new_password.data or None,
            notification_email=form.notification_email.data or "", active=form.active.data,
        ))


class ExportJobView(ReadOnlyModelView):
    """Long portal exports the worker writes (services/export_jobs.py): who asked for which list,
    how far the worker is, and why one failed. The files themselves are the client's to download."""

    simple_list_pager = True
    column_list = ("id", "created_at", "client", "requested_by", "kind", "language", "status", "rows_written",
                   "rows_total", "finished_at", "failure")
    column_details_list = column_list + ("filters", "started_at", "download_name", "error")
    column_filters = (Client.name, "status", "kind")
    column_default_sort = ("id", True)
    column_labels = {"kind": _l("List"), "requested_by": _l("Asked by"), "rows_written": _l("Rows written"),
                     "rows_total": _l("Rows in all"), "failure": _l("Why it failed")}
    column_formatters = {"status": status_formatter,
                         "language": lambda view, context, job, name: language_name(job.language)}


def views():
    return [
        ClientView(Client, name=_l("Clients"), category=_l("Clients")),
        PortalUserView(PortalUser, name=_l("Portal users"), category=_l("Clients")),
        ExportJobView(ExportJob, name=_l("Export jobs"), category=_l("Clients")),
    ]
