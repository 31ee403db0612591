"""Settings: the client's account (read-only), the logged-in user's own login: username,
notification e-mail and password (the current password is required to choose a new one), and the
client's own API keys: created here (the raw key is shown once, on the answer to the creating
POST, and never again: only its hash is stored) and revoked after a confirmation page.
"""

from flask import flash, make_response, redirect, render_template, url_for
from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, EqualTo, Length, Optional, Regexp

from fulfilment.models import LANGUAGES, ApiKey
from fulfilment.services import accounts
from fulfilment.services.accounts import MIN_PASSWORD_LENGTH
from fulfilment.views.blueprint import bp
from fulfilment.views.forms import ConfirmForm
from fulfilment.views.refusals import form_page, refusal_shown_on
from fulfilment.views.scope import current_client, get_owned_or_404, portal_actor


class LoginDetailsForm(FlaskForm):
    username = StringField("Username", validators=[DataRequired(), Length(max=150)])
    notification_email = StringField(
        "Notification e-mail", validators=[Optional(), Length(max=255),
                                           Regexp(r"^[^@\s]+@[^@\s]+\.[^@\s]+$", message="Enter an e-mail address.")],
        description="Where the portal sends you messages; leave empty for none.",
    )


class PasswordForm(FlaskForm):
    current_password = PasswordField("Current password", validators=[DataRequired()])
    new_password = PasswordField("New password", validators=[DataRequired()],
                                 description=f"At least {MIN_PASSWORD_LENGTH} characters; common passwords are "
                                             "refused. A few words in a row make a good one.")
    repeat_password = PasswordField("New password again", validators=[
        DataRequired(), EqualTo("new_password", message="The two new passwords are not the same."),
    ])


class ApiKeyForm(FlaskForm):
    key_name = StringField("Name of the new key", validators=[DataRequired(), Length(max=255)],
                       description="The shop or tool that will use it, e.g. \u201cWebshop sync\u201d.")


def settings_page(details_form=None, password_form=None, api_key_form=None, new_key=None):
    """The settings page; new_key is (ApiKey, raw key) only on the answer to the POST that created it."""
    client = current_client()
    user = portal_actor()
    return render_template(
        "portal/settings.html", account=client, user=user,
        language=dict(LANGUAGES).get(client.language, client.language),
        details_form=details_form or LoginDetailsForm(formdata=None, obj=user),
        password_form=password_form or PasswordForm(formdata=None),
        api_key_form=api_key_form or ApiKeyForm(formdata=None),
        api_keys=list(ApiKey.for_client(client).order_by(ApiKey.active.desc(), ApiKey.created_at.desc(),
                                                         ApiKey.id.desc())),
        new_key=new_key,
    )


@bp.route("/settings")
def settings():
    return settings_page()


@bp.route("/settings/login", methods=["POST"])
def update_login_details():
    form = LoginDetailsForm()

    def page():
        return settings_page(details_form=form)

    if form.validate():
        with refusal_shown_on(page):
            accounts.update_portal_user(portal_actor(), username=form.username.data,
                                        notification_email=form.notification_email.data or "")
        flash("Your login details have been saved.", "success")
        return redirect(url_for("portal.settings"))
    return form_page(page, form)


@bp.route("/settings/password", methods=["POST"])
def change_password():
    form = PasswordForm()

    def page():
        return settings_page(password_form=form)

    if form.validate():
        with refusal_shown_on(page):
            accounts.change_own_password(portal_actor(), form.current_password.data, form.new_password.data)
        flash("Your password has been changed. Use the new one next time you log in.", "success")
        return redirect(url_for("portal.settings"))
    return form_page(page, form)


@bp.route("/settings/api-keys", methods=["POST"])
def create_api_key():
    """Create a key scoped to this client and show the raw key on this answer only (no redirect,
    not in the session, not cached): afterwards only its first characters are ever shown."""
    client = current_client()
    form = ApiKeyForm()

    def page():
        return settings_page(api_key_form=form)

    if form.validate():
        with refusal_shown_on(page):
            key, raw_key = accounts.create_api_key(form.key_name.data, client=client, actor=portal_actor())
        response = make_response(settings_page(new_key=(key, raw_key)))
        response.headers["Cache-Control"] = "no-store"
        return response
    return form_page(page, form)


@bp.route("/settings/api-keys/<int:api_key_id>/revoke", methods=["GET", "POST"])
def revoke_api_key(api_key_id):
    """Ask first (GET), then revoke (POST); the key stays listed as revoked."""
    client = current_client()
    key = get_owned_or_404(ApiKey.for_client(client), api_key_id)
    if not key.active:
        flash(f"The API key \u201c{key.name}\u201d was already revoked.", "info")
        return redirect(url_for("portal.settings"))
    form = ConfirmForm()
    if form.is_submitted():
        accounts.revoke_api_key(key, actor=portal_actor())
        flash(f"The API key \u201c{key.name}\u201d has been revoked: requests made with it are refused from now on.",
              "success")
        return redirect(url_for("portal.settings"))
    return render_template(
        "portal/confirm.html", form=form, section="settings",
        title=f"Revoke the API key \u201c{key.name}\u201d?",
        warning="Requests made with this key are refused from now on. This cannot be undone; "
                "create a new key if you need one again.",
        details=[("Name", key.name), ("Starts with", key.key_prefix), ("Created", key.created_at.strftime("%Y-%m-%d")),
                 ("Last used", key.last_used_at.strftime("%Y-%m-%d %H:%M") if key.last_used_at else "never")],
        action=url_for("portal.revoke_api_key", api_key_id=key.id), button="Yes, revoke the key",
        back=url_for("portal.settings"),
    )
