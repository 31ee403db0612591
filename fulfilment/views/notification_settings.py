"""Settings → E-mail notifications and Webhooks: each portal user switches its own e-mails; the client
manages its own webhooks (create with a generated secret shown once, last deliveries, test event,
delete after a confirmation, reactivate).

The settings page includes the panel (portal/_notification_settings.html) through the template
global ``notification_settings_panel``.
"""

from flask import flash, make_response, redirect, render_template, request, url_for
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField
from wtforms.validators import DataRequired, Length

from fulfilment.i18n import _, _l
from fulfilment.jobs import enqueue_webhook_delivery
from fulfilment.models import Hook
from fulfilment.services import events, notifications, webhooks
from fulfilment.views.blueprint import bp
from fulfilment.views.forms import ConfirmForm
from fulfilment.views.refusals import form_page, refusal_shown_on
from fulfilment.views.scope import current_client, get_owned_or_404, portal_actor


class NotificationForm(FlaskForm):
    """The switches are checkboxes named ``notify`` (one per kind), read from the request."""


class HookForm(FlaskForm):
    hook_name = StringField(_l("Name"), validators=[DataRequired(), Length(max=255)],
                            description=_l("Your own name for it, e.g. \u201cStock to my shop\u201d."))
    event = SelectField(_l("Event"))
    address = StringField(_l("Address"), validators=[DataRequired(), Length(max=1000)],
                          description=_l("Your endpoint, https:// only. We POST each event there as JSON."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Built per request: each event's description reads in the reader's language.
        self.event.choices = [(name, f"{name} \u2013 {text}") for name, text in webhooks.EVENTS.items()]


@bp.app_template_global()
def notification_settings_panel():
    """What the settings page shows about e-mails and webhooks for the logged-in user and its client."""
    client = current_client()
    return {
        "settings": notifications.settings_of(portal_actor()),
        "labels": notifications.NOTIFICATIONS,
        "form": NotificationForm(formdata=None),
        "hook_form": HookForm(formdata=None),
        "hooks": list(Hook.for_client(client).order_by(Hook.active.desc(), Hook.created_at.desc(), Hook.id.desc())),
    }


@bp.route("/settings/notifications", methods=["POST"])
def save_notification_settings():
    form = NotificationForm()
    if not form.validate():
        flash(_("The form had expired; nothing has been saved. Please try again."), "error")
        return redirect(url_for("portal.settings"))
    with refusal_shown_on(lambda: render_template("portal/refused.html")):
        notifications.save_settings(portal_actor(), set(request.form.getlist("notify")))
    flash(_("Your e-mail notifications have been saved."), "success")
    return redirect(url_for("portal.settings") + "#notifications")


def hook_page(hook, secret=None, status=200):
    response = make_response(render_template(
        "portal/webhook.html", hook=hook, secret=secret, deliveries=webhooks.recent_deliveries(hook),
        description=webhooks.EVENTS.get(hook.event, ""),
    ), status)
    if secret:
        response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/settings/webhooks/new", methods=["GET", "POST"])
def create_webhook():
    """Create a hook with a generated secret, shown on this answer only (stored encrypted, never shown again)."""
    form = HookForm()

    def page():
        return render_template("portal/webhook_form.html", form=form)

    if form.validate_on_submit():
        secret = webhooks.new_secret()
        with refusal_shown_on(page):
            hook = webhooks.create_hook(client=current_client(), name=form.hook_name.data, event=form.event.data,
                                        address=form.address.data, secret=secret, actor=portal_actor())
        flash(_("The webhook \u201c%(name)s\u201d has been created.", name=hook.name), "success")
        return hook_page(hook, secret=secret)
    if request.method == "GET":
        return page()
    return form_page(page, form)


@bp.route("/settings/webhooks/<int:hook_id>")
def webhook(hook_id):
    return hook_page(get_owned_or_404(Hook.for_client(current_client()), hook_id))


@bp.route("/settings/webhooks/<int:hook_id>/test", methods=["POST"])
def test_webhook(hook_id):
    """Send the hook a test event now: the client's latest record of its kind, marked "test": true."""
    hook = get_owned_or_404(Hook.for_client(current_client()), hook_id)
    if not ConfirmForm().validate():
        flash(_("The form had expired; nothing was sent. Please try again."), "error")
        return redirect(url_for("portal.webhook", hook_id=hook.id))
    with refusal_shown_on(lambda: hook_page(hook)):
        delivery = webhooks.queue_test_delivery(hook, events.sample_data(hook.event, current_client()),
                                                actor=portal_actor())
    enqueue_webhook_delivery(delivery)
    flash(_("A test event is on its way; its result appears under \u201cLast deliveries\u201d."), "success")
    return redirect(url_for("portal.webhook", hook_id=hook.id))


@bp.route("/settings/webhooks/<int:hook_id>/reactivate", methods=["POST"])
def reactivate_webhook(hook_id):
    hook = get_owned_or_404(Hook.for_client(current_client()), hook_id)
    if not ConfirmForm().validate():
        flash(_("The form had expired; nothing was changed. Please try again."), "error")
        return redirect(url_for("portal.webhook", hook_id=hook.id))
    with refusal_shown_on(lambda: hook_page(hook, status=409)):
        webhooks.reactivate_hook(hook, actor=portal_actor())
    flash(_("The webhook \u201c%(name)s\u201d is active again.", name=hook.name), "success")
    return redirect(url_for("portal.webhook", hook_id=hook.id))


@bp.route("/settings/webhooks/<int:hook_id>/delete", methods=["GET", "POST"])
def delete_webhook(hook_id):
    """Ask first (GET), then switch the hook off (POST), as Picqer's DELETE does; it can be reactivated."""
    hook = get_owned_or_404(Hook.for_client(current_client()), hook_id)
    if not hook.active:
        flash(_("The webhook \u201c%(name)s\u201d was already switched off.", name=hook.name), "info")
        return redirect(url_for("portal.webhook", hook_id=hook.id))
    form = ConfirmForm()
    if form.is_submitted() and form.validate():
        webhooks.deactivate_hook(hook, actor=portal_actor())
        flash(_("The webhook \u201c%(name)s\u201d has been deleted: no more events are sent to it.", name=hook.name),
              "success")
        return redirect(url_for("portal.settings") + "#webhooks")
    return render_template(
        "portal/confirm.html", form=form, section="settings",
        title=_("Delete the webhook \u201c%(name)s\u201d?", name=hook.name),
        warning=_("No more events are sent to this address from now on. Events that happen meanwhile are not "
                  "kept for it; you can reactivate it later."),
        details=[(_("Name"), hook.name), (_("Event"), hook.event), (_("Address"), hook.address)],
        action=url_for("portal.delete_webhook", hook_id=hook.id), button=_("Yes, delete the webhook"),
        back=url_for("portal.webhook", hook_id=hook.id),
    )
