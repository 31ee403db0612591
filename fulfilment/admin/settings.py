"""Warehouses, staff accounts, API keys, login sessions and clients' address books.

Staff users, API keys and login sessions are for admins only: a staff user without the admin
flag gets 403 there (and the services refuse such an actor too).
"""

from flask import flash, url_for
from flask_admin.actions import action
from flask_login import current_user
from wtforms import PasswordField
from wtforms.validators import Optional

from fulfilment.admin.base import AdminOnlyAccessMixin, ReadOnlyModelView, RecordAction, StaffModelView
from fulfilment.models import AddressBookEntry, ApiKey, Client, LoginSession, StaffUser, Warehouse
from fulfilment.services import accounts, login_sessions, two_factor
from fulfilment.services.accounts import MIN_PASSWORD_LENGTH


class WarehouseView(StaffModelView):
    column_list = ("id", "name", "active", "created_at")
    form_columns = ("name", "active")


def _actor():
    return current_user._get_current_object()


class StaffUserView(AdminOnlyAccessMixin, StaffModelView):
    column_list = ("id", "username", "is_admin", "active", "totp_enabled_at", "last_login_at")
    column_searchable_list = ("username",)
    column_labels = {"is_admin": "Admin", "totp_enabled_at": "Two-factor since"}
    column_descriptions = {"is_admin": "Admins manage staff users, API keys, sessions and security settings."}
    column_exclude_list = ("password_hash", "totp_secret_encrypted", "recovery_code_hashes", "totp_last_step")
    column_details_exclude_list = ("password_hash", "totp_secret_encrypted", "recovery_code_hashes", "totp_last_step")
    form_columns = ("username", "is_admin", "active")
    form_extra_fields = {
        "new_password": PasswordField(
            "Password", validators=[Optional()],
            description=f"Required for a new user: at least {MIN_PASSWORD_LENGTH} characters, common passwords are "
                        "refused. Leave empty to keep it; a new password logs the user out everywhere."),
    }
    record_actions = (
        RecordAction("end_sessions", "Log out everywhere", lambda user, actor: login_sessions.end_sessions(user),
                     confirm="End every session of this staff user?", success="Every session of the user has ended."),
        RecordAction("reset_two_factor", "Reset two-factor login", lambda user, actor: two_factor.disable(user),
                     style="warning", shown=lambda user: user.two_factor_enabled,
                     confirm="Turn off this user's two-factor login (a lost phone)? They set it up again next time "
                             "when two-factor login is required.",
                     success="Two-factor login turned off; the user's sessions have ended."),
    )

    def create_model(self, form):
        return self.call_service(accounts.create_staff_user, form.username.data, form.new_password.data,
                                 is_admin=form.is_admin.data, actor=_actor())

    def update_model(self, form, model):
        return bool(self.call_service(accounts.update_staff_user, model, username=form.username.data,
                                      password=form.new_password.data or None, is_admin=form.is_admin.data,
                                      active=form.active.data, actor=_actor()))


class LoginSessionView(AdminOnlyAccessMixin, ReadOnlyModelView):
    """Who is logged in where; an admin can end any session (a lost laptop, a leaver)."""

    column_list = ("id", "staff_user", "portal_user", "user_agent", "ip_address", "created_at", "last_seen_at")
    column_details_exclude_list = ("token_hash",)
    column_labels = {"user_agent": "Browser", "ip_address": "Address", "created_at": "Logged in",
                     "last_seen_at": "Last seen"}
    column_formatters = {
        "user_agent": lambda view, context, model, name: login_sessions.browser_label(model.user_agent),
    }
    column_default_sort = ("last_seen_at", True)
    record_actions = (
        RecordAction("end", "End session", lambda session, actor: login_sessions.end_session_record(session),
                     style="danger", confirm="End this session? The browser is logged out.",
                     success="Session ended."),
    )

    def details_url(self, record):
        # After "End session" the record is gone: back to the list rather than its details page.
        if not LoginSession.select().where(LoginSession.id == record.id).exists():
            return url_for(".index_view")
        return super().details_url(record)

    @action("end", "End sessions", "End the selected sessions? Those browsers are logged out.")
    def action_end(self, ids):
        ended = login_sessions.end_session_records([int(i) for i in ids])
        flash(f"{ended} session(s) ended.", "success")


class ApiKeyView(AdminOnlyAccessMixin, StaffModelView):
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
                                    actor=_actor())
        if not created:
            return False
        key, raw_key = created
        flash(f"API key \u201c{key.name}\u201d created. Copy it now; it is not shown again: {raw_key}", "success")
        return key

    @action("revoke", "Revoke", "Revoke the selected API keys? Requests made with them are refused from now on.")
    def action_revoke(self, ids):
        keys = list(ApiKey.select().where(ApiKey.id.in_([int(i) for i in ids]) & (ApiKey.active == True)))  # noqa: E712
        for key in keys:
            self.call_service(accounts.revoke_api_key, key, _actor())
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
        LoginSessionView(LoginSession, name="Login sessions", category=category),
        AddressBookEntryView(AddressBookEntry, name="Address books", category=category),
    ]
