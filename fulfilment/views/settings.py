"""Settings: the client's account (read-only), the logged-in user's own login: username,
notification e-mail and password (the current password is required to choose a new one), the
language the user reads the portal in (its client's unless it chooses another), and the
client's own API keys: created here (the raw key is shown once, on the answer to the creating
POST, and never again: only its hash is stored) and revoked after a confirmation page; and the
user's login sessions (each browser logged in), which the user can end one by one or all at once.
"""

from flask import abort, flash, make_response, redirect, render_template, url_for
from flask_wtf import FlaskForm
from wtforms import PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, EqualTo, Length, Optional, Regexp, ValidationError

from fulfilment import throttling
from fulfilment.auth import current_session_token, log_out
from fulfilment.formatting import format_date, format_datetime
from fulfilment.i18n import LANGUAGES, _, _l, force_locale, language_name, language_of
from fulfilment.models import ApiKey
from fulfilment.services import accounts, login_sessions
from fulfilment.services.accounts import MIN_PASSWORD_LENGTH
from fulfilment.services.errors import UsernameTaken
from fulfilment.views.blueprint import bp
from fulfilment.views.forms import ConfirmForm
from fulfilment.views.refusals import form_page, refusal_shown_on
from fulfilment.views.scope import current_client, get_owned_or_404, portal_actor


class LoginDetailsForm(FlaskForm):
    username = StringField(_l("Username"), validators=[DataRequired(), Length(max=150)])
    notification_email = StringField(
        _l("Notification e-mail"),
        validators=[Optional(), Length(max=255),
                    Regexp(r"^[^@\s]+@[^@\s]+\.[^@\s]+$", message=_l("Enter an e-mail address."))],
        description=_l("Where the portal sends you messages; leave empty for none."),
    )


class PasswordForm(FlaskForm):
    current_password = PasswordField(_l("Current password"), validators=[DataRequired()])
    new_password = PasswordField(_l("New password"), validators=[DataRequired()],
                                 description=_l("At least %(length)s characters; common passwords are refused. "
                                                "A few words in a row make a good one.", length=MIN_PASSWORD_LENGTH))
    repeat_password = PasswordField(_l("New password again"), validators=[
        DataRequired(), EqualTo("new_password", message=_l("The two new passwords are not the same.")),
    ])


class ApiKeyForm(FlaskForm):
    key_name = StringField(_l("Name of the new key"), validators=[DataRequired(), Length(max=255)],
                           description=_l("The shop or tool that will use it, e.g. \u201cWebshop sync\u201d."))


class LanguageForm(FlaskForm):
    """The language this user reads the portal in. Any value is passed on: accounts.set_language
    is the one place that decides which languages exist, and its refusal is shown as it is."""

    language = SelectField(_l("Language"), validate_choice=False)

    def __init__(self, client, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Each language's name in that language: a reader who cannot read this page still finds its own.
        self.language.choices = [
            ("", _("As %(client)s (%(language)s)", client=client.name, language=language_name(client.language))),
            *LANGUAGES,
        ]

    def validate_language(self, field):
        if not field.raw_data:  # a post without the field at all; the empty choice is a choice
            raise ValidationError(_("Choose a language."))


def settings_page(details_form=None, password_form=None, api_key_form=None, new_key=None, language_form=None):
    """The settings page; new_key is (ApiKey, raw key) only on the answer to the POST that created it."""
    client = current_client()
    user = portal_actor()
    return render_template(
        "portal/settings.html", account=client, user=user, client_since=accounts.client_since(client),
        language=language_name(client.language), mail_language=language_name(language_of(user)),
        details_form=details_form or LoginDetailsForm(formdata=None, obj=user),
        language_form=language_form or LanguageForm(client, formdata=None, data={"language": user.language or ""}),
        password_form=password_form or PasswordForm(formdata=None),
        api_key_form=api_key_form or ApiKeyForm(formdata=None),
        api_keys=list(ApiKey.for_client(client).order_by(ApiKey.active.desc(), ApiKey.created_at.desc(),
                                                         ApiKey.id.desc())),
        new_key=new_key,
        sessions=login_sessions.sessions_of(user),
        this_session=login_sessions.hash_token(current_session_token() or ""),
        browser_label=login_sessions.browser_label,
        session_form=ConfirmForm(formdata=None),
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
        # Each refusal of a taken name tells that the name exists (never whose): counted, so the
        # form cannot be used to list the usernames of the portal.
        keys = [("username-refusals", "portal", str(portal_actor().id))]
        try:
            throttling.check(keys)
        except throttling.Throttled as error:
            flash(error.message, "error")
            return page(), 429, throttling.retry_after_headers(error)
        with refusal_shown_on(page):
            try:
                accounts.update_portal_user(portal_actor(), username=form.username.data,
                                            notification_email=form.notification_email.data or "")
            except UsernameTaken:
                throttling.record_failure(keys)
                raise
        flash(_("Your login details have been saved."), "success")
        return redirect(url_for("portal.settings"))
    return form_page(page, form)


@bp.route("/settings/language", methods=["POST"])
def change_language():
    """Choose the language this user reads the portal in (empty: its client's); the client keeps its own."""
    user = portal_actor()
    form = LanguageForm(current_client())

    def page():
        return settings_page(language_form=form)

    if form.validate():
        with refusal_shown_on(page):
            accounts.set_language(user, form.language.data)
        # This request already speaks the old language; the confirmation speaks the new one.
        with force_locale(language_of(user)):
            flash(_("From now on the portal speaks %(language)s to you.",
                    language=language_name(language_of(user))), "success")
        return redirect(url_for("portal.settings") + "#language")
    return form_page(page, form)


@bp.route("/settings/password", methods=["POST"])
def change_password():
    form = PasswordForm()

    def page():
        return settings_page(password_form=form)

    if form.validate():
        with refusal_shown_on(page):
            accounts.change_own_password(portal_actor(), form.current_password.data, form.new_password.data,
                                         keep_token=current_session_token())
        flash(_("Your password has been changed. Use the new one next time you log in; every other browser "
                "logged in as you has been logged out."), "success")
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
        flash(_("The API key \u201c%(name)s\u201d was already revoked.", name=key.name), "info")
        return redirect(url_for("portal.settings"))
    form = ConfirmForm()
    if form.is_submitted():
        accounts.revoke_api_key(key, actor=portal_actor())
        flash(_("The API key \u201c%(name)s\u201d has been revoked: requests made with it are refused from now on.",
                name=key.name), "success")
        return redirect(url_for("portal.settings"))
    return render_template(
        "portal/confirm.html", form=form, section="settings",
        title=_("Revoke the API key \u201c%(name)s\u201d?", name=key.name),
        warning=_("Requests made with this key are refused from now on. This cannot be undone; "
                  "create a new key if you need one again."),
        details=[(_("Name"), key.name), (_("Starts with"), key.key_prefix), (_("Created"), format_date(key.created_at)),
                 (_("Last used"), format_datetime(key.last_used_at) if key.last_used_at else _("never"))],
        action=url_for("portal.revoke_api_key", api_key_id=key.id), button=_("Yes, revoke the key"),
        back=url_for("portal.settings"),
    )


@bp.route("/settings/sessions/<int:session_id>/end", methods=["POST"])
def end_session(session_id):
    """End one of the user's own sessions (another browser, or this one: then log out)."""
    form = ConfirmForm()
    if not form.validate_on_submit():
        abort(400)
    user = portal_actor()
    ending_this_one = any(s.id == session_id and s.token_hash == login_sessions.hash_token(current_session_token())
                          for s in login_sessions.sessions_of(user))
    with refusal_shown_on(settings_page):
        login_sessions.end_own_session(user, session_id)
    if ending_this_one:
        log_out()
        flash(_("You have been logged out."), "success")
        return redirect(url_for("portal.login"))
    flash(_("That session has been ended: the browser is logged out."), "success")
    return redirect(url_for("portal.settings") + "#sessions")


@bp.route("/settings/sessions/end-all", methods=["POST"])
def end_all_sessions():
    """Log out everywhere: every session of this user ends, this browser's too."""
    form = ConfirmForm()
    if not form.validate_on_submit():
        abort(400)
    login_sessions.end_sessions(portal_actor())
    log_out()
    flash(_("You have been logged out everywhere."), "success")
    return redirect(url_for("portal.login"))
