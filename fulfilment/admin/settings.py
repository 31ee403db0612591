"""Warehouses, staff accounts, API keys and clients' address books."""

from flask import flash
from flask_admin.actions import action
from flask_login import current_user
from wtforms import PasswordField
from wtforms.validators import Optional

from fulfilment.admin.base import ReadOnlyModelView, RecordAction, StaffModelView
from fulfilment.models import AddressBookEntry, ApiKey, Client, StaffUser, Warehouse
from fulfilment.services import accounts


class WarehouseView(StaffModelView):
    column_list = ("id", "name", "active", "created_at")
    form_columns = ("name", "active")


class StaffUserView(StaffModelView):
    column_list = ("id", "username", "is_admin", "active", "last_login_at")
    column_searchable_list = ("username",)
    form_columns = ("username", "is_admin", "active")
    form_extra_fields = {
        "new_password": PasswordField("Password", validators=[Optional()],
                                      description="Required for a new user; leave empty to keep it."),
    }

    def create_model(self, form):
        return self.call_service(accounts.create_staff_user, form.username.data, form.new_password.data,
                                 is_admin=form.is_admin.data)

    def update_model(self, form, model):
        return bool(self.call_service(accounts.update_staff_user, model, username=form.username.data,
                                      password=form.new_password.data or None, is_admin=form.is_admin.data,
                                      active=form.active.data))


class ApiKeyView(StaffModelView):
    """API keys: created through the service, which shows the secret once; revoking deactivates a key."""

    can_edit = False
    can_delete = False
    column_list = ("id", "name", "client", "key_prefix", "active", "created_by", "created_at", "last_used_at")
    column_filters = (Client.name, "active")
    column_labels = {"key_prefix": "Key starts with", "client": "Client (empty: staff key)"}
    column_details_exclude_list = ("key_hash",)
    form_columns = ("name", "client")
    form_ajax_refs = {"client": {"fields": ["name"]}}
    form_args = {"client": {"description": "Leave empty for a staff key, which reaches every client. A client's "
                                           "key reaches only that client's products, orders and purchase orders."}}
    record_actions = (
        RecordAction("revoke", "Revoke", lambda key, actor: accounts.revoke_api_key(key, actor), style="danger",
                     confirm="Revoke this key? Requests made with it are refused from now on.",
                     success="API key revoked.", shown=lambda key: key.active),
    )

    def create_model(self, form):
        created = self.call_service(accounts.create_api_key, form.name.data, client=form.client.data,
                                    actor=current_user._get_current_object())
        if not created:
            return False
        key, raw_key = created
        flash(f"API key \u201c{key.name}\u201d created. Copy it now; it is not shown again: {raw_key}", "success")
        return key

    @action("revoke", "Revoke", "Revoke the selected API keys? Requests made with them are refused from now on.")
    def action_revoke(self, ids):
        keys = list(ApiKey.select().where(ApiKey.id.in_([int(i) for i in ids]) & (ApiKey.active == True)))  # noqa: E712
        for key in keys:
            self.call_service(accounts.revoke_api_key, key, current_user._get_current_object())
        flash(f"{len(keys)} API key(s) revoked.", "success")


class AddressBookEntryView(ReadOnlyModelView):
    column_list = ("id", "client", "name", "contact_name", "address", "zipcode", "city", "country")
    column_searchable_list = ("name", "city", "zipcode")
    column_filters = (Client.name,)


def views():
    category = "Settings"
    return [
        WarehouseView(Warehouse, name="Warehouses", category=category),
        StaffUserView(StaffUser, name="Staff users", category=category),
        ApiKeyView(ApiKey, name="API keys", category=category),
        AddressBookEntryView(AddressBookEntry, name="Address books", category=category),
    ]
