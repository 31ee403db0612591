"""Warehouses, staff accounts, API keys and clients' address books."""

from wtforms import PasswordField
from wtforms.validators import Optional

from fulfilment.admin.base import ReadOnlyModelView, StaffModelView
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


class ApiKeyView(ReadOnlyModelView):
    column_list = ("id", "name", "client", "key_prefix", "active", "created_by", "created_at", "last_used_at")
    column_filters = (Client.name, "active")
    column_labels = {"key_prefix": "Key starts with", "client": "Client (empty: staff key)"}


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
