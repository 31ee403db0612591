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
from fulfilment.i18n import _, _l, language_name, ngettext
from fulfilment.models import AddressBookEntry, ApiKey, Client, LoginSession, StaffUser, Warehouse
from fulfilment.services import accounts, login_sessions, two_factor
from fulfilment.services.accounts import MIN_PASSWORD_LENGTH

# The settings tables' column names (a view adds or overrides its own).
COLUMN_LABELS = {
    "name": _l("Name"), "active": _l("Active"), "client": _l("Client"), "username": _l("Username"),
    "staff_user": _l("Staff user"), "portal_user": _l("Portal user"), "contact_name": _l("Contact name"),
    "address": _l("Address"), "address2": _l("Address line 2"), "zipcode": _l("Zipcode"), "city": _l("City"),
    "region": _l("Region"), "country": _l("Country"), "email": _l("Email"), "telephone": _l("Telephone"),
    "created_by": _l("Created by"), "created_at": _l("Created at"), "last_login_at": _l("Last login at"),
    "last_used_at": _l("Last used at"),
}


class WarehouseView(StaffModelView):
    column_list = ("id", "name", "active", "created_at")
    column_labels = COLUMN_LABELS
    form_columns = ("name", "active")


def _actor():
    return current_user._get_current_object()


class StaffUserView(AdminOnlyAccessMixin, StaffModelView):
    column_list = ("id", "username", "is_admin", "active", "totp_enabled_at", "last_login_at")
    column_searchable_list = ("username",)
    column_labels = {**COLUMN_LABELS, "is_admin": _l("Admin"), "totp_enabled_at": _l("Two-factor since"),
                     "language": _l("Language")}
    column_descriptions = {"is_admin": _l("Admins manage staff users, API keys, sessions and security settings."),
                           "language": _l("Empty: the language the browser asks for.")}
    column_formatters = {"language": lambda view, context, model, name: language_name(model.language or "")}
    column_exclude_list = ("password_hash", "totp_secret_encrypted", "recovery_code_hashes", "totp_last_step")
    column_details_exclude_list = ("password_hash", "totp_secret_encrypted", "recovery_code_hashes", "totp_last_step")
    form_columns = ("username", "is_admin", "active")
    form_extra_fields = {
        "new_password": PasswordField(
            _l("Password"), validators=[Optional()],
            description=_l("Required for a new user: at least %(length)s characters, common passwords are refused. "
                           "Leave empty to keep it; a new password logs the user out everywhere.",
                           length=MIN_PASSWORD_LENGTH)),
    }
    record_actions = (
        RecordAction("end_sessions", _l("Log out everywhere"), lambda user, actor: login_sessions.end_sessions(user),
                     confirm=_l("End every session of this staff user?"),
                     success=_l("Every session of the user has ended.")),
        RecordAction("reset_two_factor", _l("Reset two-factor login"), lambda user, actor: two_factor.disable(user),
                     style="warning", shown=lambda user: user.two_factor_enabled,
                     confirm=_l("Turn off this user's two-factor login (a lost phone)? They set it up again next time "
                                "when two-factor login is required."),
                     success=_l("Two-factor login turned off; the user's sessions have ended.")),
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
    column_labels = {**COLUMN_LABELS, "user_agent": _l("Browser"), "ip_address": _l("Address"),
                     "created_at": _l("Logged in"), "last_seen_at": _l("Last seen")}
    column_formatters = {
        "user_agent": lambda view, context, model, name: login_sessions.browser_label(model.user_agent),
    }
    column_default_sort = ("last_seen_at", True)
    record_actions = (
        RecordAction("end", _l("End session"), lambda session, actor: login_sessions.end_session_record(session),
                     style="danger", confirm=_l("End this session? The browser is logged out."),
                     success=_l("Session ended.")),
    )

    def details_url(self, record):
        # After "End session" the record is gone: back to the list rather than its details page.
        if not LoginSession.select().where(LoginSession.id == record.id).exists():
            return url_for(".index_view")
        return super().details_url(record)

    @action("end", _l("End sessions"), _l("End the selected sessions? Those browsers are logged out."))
    def action_end(self, ids):
        ended = login_sessions.end_session_records([int(i) for i in ids])
        flash(ngettext("%(num)s session ended.", "%(num)s sessions ended.", ended), "success")


class ApiKeyView(AdminOnlyAccessMixin, StaffModelView):
    """API keys: created through the service, which shows the secret once; revoking deactivates a key."""

    can_edit = False
    can_delete = False
    column_list = ("id", "name", "client", "key_prefix", "active", "created_by", "created_at", "last_used_at")
    column_filters = (Client.name, "active")
    column_labels = {**COLUMN_LABELS, "key_prefix": _l("Key starts with"), "client": _l("Client (empty: staff key)")}
    column_details_exclude_list = ("key_hash",)
    form_columns = ("name", "client")
    form_ajax_refs = {"client": {"fields": ["name"]}}
    form_args = {"client": {"description": _l("Leave empty for a staff key, which reaches every client. A client's "
                                              "key reaches only that client's products, orders and purchase orders.")}}
    record_actions = (
        RecordAction("revoke", _l("Revoke"), lambda key, actor: accounts.revoke_api_key(key, actor), style="danger",
                     confirm=_l("Revoke this key? Requests made with it are refused from now on."),
                     success=_l("API key revoked."), shown=lambda key: key.active),
    )

    def create_model(self, form):
        created = self.call_service(accounts.create_api_key, form.name.data, client=form.client.data,
                                    actor=_actor())
        if not created:
            return False
        key, raw_key = created
        flash(_("API key \u201c%(name)s\u201d created. Copy it now; it is not shown again: %(key)s", name=key.name,
                key=raw_key), "success")
        return key

    @action("revoke", _l("Revoke"),
            _l("Revoke the selected API keys? Requests made with them are refused from now on."))
    def action_revoke(self, ids):
        keys = list(ApiKey.select().where(ApiKey.id.in_([int(i) for i in ids]) & (ApiKey.active == True)))  # noqa: E712
        for key in keys:
            self.call_service(accounts.revoke_api_key, key, _actor())
        flash(ngettext("%(num)s API key revoked.", "%(num)s API keys revoked.", len(keys)), "success")


class AddressBookEntryView(ReadOnlyModelView):
    column_list = ("id", "client", "name", "contact_name", "address", "zipcode", "city", "country")
    column_labels = COLUMN_LABELS
    column_searchable_list = ("name", "city", "zipcode")
    column_filters = (Client.name,)


def views():
    category = _l("Settings")
    return [
        WarehouseView(Warehouse, name=_l("Warehouses"), category=category),
        StaffUserView(StaffUser, name=_l("Staff users"), category=category),
        ApiKeyView(ApiKey, name=_l("API keys"), category=category),
        LoginSessionView(LoginSession, name=_l("Login sessions"), category=category),
        AddressBookEntryView(AddressBookEntry, name=_l("Address books"), category=category),
    ]
