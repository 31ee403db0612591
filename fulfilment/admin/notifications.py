"""Mail outbox and webhooks in the back office: every message and delivery with its state."""

from flask import current_app, flash
from flask_admin import expose
from flask_login import current_user
from wtforms import PasswordField, SelectField
from wtforms.validators import Optional

from fulfilment.admin.base import CLIENT_LOOKUP, ReadOnlyModelView, RecordAction, RelatedTable, StaffModelView
from fulfilment.admin.work import status_badge, status_formatter
from fulfilment.i18n import _, _l, language_name
from fulfilment.models import (
    Client,
    Hook,
    NotificationSetting,
    OutboxMail,
    WebhookDelivery,
    WebshopConnectionState,
)
from fulfilment.services import outbox, webhooks


class MailOutboxView(ReadOnlyModelView):
    """Every e-mail to clients: pending (waiting for the worker), sending, retrying, sent or failed."""

    simple_list_pager = True
    column_list = ("id", "created_at", "client", "recipient", "kind", "language", "subject", "status", "attempts",
                   "next_attempt_at", "sent_at", "last_error")
    column_details_list = ("id", "created_at", "client", "portal_user", "recipient", "kind", "language", "subject",
                           "status", "attempts", "next_attempt_at", "sent_at", "last_error", "message_id",
                           "text_body")
    column_searchable_list = ("recipient", "subject")
    column_filters = (Client.name, "status", "kind", "language")
    column_default_sort = ("id", True)
    column_labels = {"kind": _l("Notification")}
    column_formatters = {"status": status_formatter,
                         "language": lambda view, context, mail, name: language_name(mail.language)}
    record_actions = (
        RecordAction("send_again", _l("Send again"), lambda mail, actor: outbox.send_again(mail, actor),
                     style="primary",
                     success=_l("The message is back in the queue; the worker sends it within a minute."),
                     shown=lambda mail: mail.status == "failed"),
    )

    @expose("/")
    def index_view(self):
        if not current_app.config.get("SMTP_URL"):
            flash(_("No SMTP server is set (FULFILMENT_SMTP_URL), so messages wait here as pending; they are sent "
                    "once it is set."), "info")
        return super().index_view()


class HookView(StaffModelView):
    """Webhooks of every client (and staff hooks): create, switch off, reactivate, last deliveries."""

    can_edit = False
    can_delete = False
    column_list = ("id", "client", "name", "event", "address", "active", "deactivated_reason", "created_at")
    column_searchable_list = ("name", "address")
    column_filters = (Client.name, "event", "active")
    column_labels = {"client": _l("Client (empty: every client)"), "address": _l("Address (URL)")}
    column_details_exclude_list = ("secret_encrypted",)
    form_columns = ("client", "name", "address")
    form_extra_fields = {
        "event": SelectField(_l("Event"), choices=[(name, name) for name in webhooks.EVENTS]),
        "secret": PasswordField(_l("Secret"), validators=[Optional()],
                                description=_l("Signs each delivery (X-Picqer-Signature); leave empty for unsigned.")),
    }
    form_ajax_refs = {"client": CLIENT_LOOKUP}
    form_args = {"client": {"description": _l("Leave empty for a hook that hears every client's events.")}}
    record_actions = (
        RecordAction("deactivate", _l("Switch off"), lambda hook, actor: webhooks.deactivate_hook(hook, actor=actor),
                     style="danger", confirm=_l("Switch this hook off? No more events are sent to it."),
                     success=_l("The hook is switched off."), shown=lambda hook: hook.active),
        RecordAction("reactivate", _l("Reactivate"), lambda hook, actor: webhooks.reactivate_hook(hook, actor=actor),
                     style="primary", success=_l("The hook is active again."), shown=lambda hook: not hook.active),
    )

    def create_model(self, form):
        return self.call_service(webhooks.create_hook, client=form.client.data, name=form.name.data,
                                 event=form.event.data, address=form.address.data, secret=form.secret.data,
                                 actor=current_user._get_current_object())

    def related_tables(self, hook):
        return [RelatedTable(_("Last deliveries"), [
            (_("Time"), "created_at"), (_("Event"), "event"), (_("Status"), lambda d: status_badge(d.status)),
            (_("Attempts"), "attempts"), ("HTTP", "last_status_code"), (_("Error"), "last_error"),
            (_("Next attempt"), "next_attempt_at"),
        ], webhooks.recent_deliveries(hook))]


class WebhookDeliveryView(ReadOnlyModelView):
    simple_list_pager = True
    column_list = ("id", "created_at", "client", "hook", "event", "status", "attempts", "last_status_code",
                   "last_error", "next_attempt_at", "delivered_at")
    column_details_list = column_list + ("failed_at", "body")
    column_filters = (Client.name, "status", "event")
    column_default_sort = ("id", True)
    column_formatters = {"status": status_formatter}
    record_actions = (
        RecordAction("retry", _l("Try again"), lambda delivery, actor: webhooks.retry_delivery(delivery, actor),
                     style="primary", success=_l("The delivery is back in the queue."),
                     shown=lambda delivery: delivery.status == "failed"),
    )


class NotificationSettingView(ReadOnlyModelView):
    """What portal users switched off or on (no row: on)."""

    column_list = ("id", "client", "portal_user", "kind", "enabled")
    column_filters = (Client.name, "kind", "enabled")


class WebshopConnectionStateView(ReadOnlyModelView):
    """Whether each webshop's connection fails now (its client was mailed once when it started failing)."""

    column_list = ("id", "client", "webshop", "failing", "message", "changed_at")
    column_filters = (Client.name, "failing")


def views():
    category = _l("Notifications")
    return [
        MailOutboxView(OutboxMail, name=_l("Mail outbox"), category=category),
        HookView(Hook, name=_l("Webhooks"), category=category),
        WebhookDeliveryView(WebhookDelivery, name=_l("Webhook deliveries"), category=category),
        NotificationSettingView(NotificationSetting, name=_l("E-mail choices of portal users"), category=category),
        WebshopConnectionStateView(WebshopConnectionState, name=_l("Webshop connection states"), category=category),
    ]
