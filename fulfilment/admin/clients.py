"""Clients and their portal logins, as in Picqer: portal access, username, password, product management."""

from flask_admin.form import rules
from wtforms import PasswordField, StringField
from wtforms.validators import Optional

from fulfilment.admin.base import CLIENT_LOOKUP, RelatedTable, StaffModelView
from fulfilment.admin.work import Link, WorkPage, WorkPageMixin, active_formatter, list_url
from fulfilment.models import Backorder, Client, Order, PortalUser, Product, PurchaseOrder, Return
from fulfilment.services import accounts

CLIENT_FIELDS = ("name", "email", "portal_access", "product_management", "language", "active")


class ClientView(WorkPageMixin, StaffModelView):
    column_list = ("id", "name", "email", "portal_access", "product_management", "language", "active", "created_at")
    column_searchable_list = ("name", "email")
    column_filters = ("portal_access", "product_management", "language", "active")
    column_default_sort = "name"
    column_labels = {"portal_access": "Access to portal", "product_management": "Access to product management"}
    column_formatters = {"active": active_formatter}
    form_columns = CLIENT_FIELDS
    form_extra_fields = {
        "login_username": StringField("Username", validators=[Optional()]),
        "login_password": PasswordField(
            "Password", validators=[Optional()],
            description="At least 12 characters. Leave empty to keep the current password.",
        ),
    }
    # The CSRF token is a hidden field, drawn without a label before the rules.
    form_rules = (
        rules.Header("Client"),
        "name", "email", "language", "active",
        rules.Header("Fulfilment portal"),
        "portal_access", "login_username", "login_password", "product_management",
    )

    def work_page(self, client):
        users = list(PortalUser.select().where(PortalUser.client == client).order_by(PortalUser.id))
        by_client = ("Client / Name", "equals", client.name)
        work = [
            ("Orders", Order, "order"), ("Backorders", Backorder, "backorder"), ("Products", Product, "product"),
            ("Purchase orders", PurchaseOrder, "purchaseorder"), ("Returns", Return, "return"),
        ]
        rows = [(Link(label, list_url(endpoint, by_client)), model.select().where(model.client == client).count())
                for label, model, endpoint in work]
        facts = [("E-mail", client.email), ("Language", client.language),
                 ("Access to portal", "yes" if client.portal_access else "no"),
                 ("Access to product management", "yes" if client.product_management else "no"),
                 ("Client since", client.created_at)]
        return WorkPage(
            title=f"Client {client.name}", status="active" if client.active else "inactive",
            facts=[(label, value) for label, value in facts if value],
            tables=[
                RelatedTable("Work", [("List", lambda r: r[0]), ("Rows", lambda r: r[1])], rows),
                RelatedTable("Portal logins", [("Username", "username"), ("E-mail", "notification_email"),
                                               ("Active", lambda u: "yes" if u.active else "no"),
                                               ("Last login", "last_login_at")], users),
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
    form_columns = ("client", "username", "notification_email", "active")
    form_ajax_refs = {"client": CLIENT_LOOKUP}
    form_extra_fields = {
        "new_password": PasswordField("New password", validators=[Optional()],
                                      description="At least 12 characters. Leave empty to keep it."),
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


def views():
    return [
        ClientView(Client, name="Clients", category="Clients"),
        PortalUserView(PortalUser, name="Portal users", category="Clients"),
    ]
