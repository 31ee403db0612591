"""Settings: the client's account (read-only) and the logged-in user's own login: username,
notification e-mail and password (the current password is required to choose a new one).
"""

from flask import flash, redirect, render_template, url_for
from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, EqualTo, Length, Optional, Regexp

from fulfilment.models import LANGUAGES
from fulfilment.services import accounts
from fulfilment.services.accounts import MIN_PASSWORD_LENGTH
from fulfilment.views import bp
from fulfilment.views.refusals import form_page, refusal_shown_on
from fulfilment.views.scope import current_client, portal_actor


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


def settings_page(details_form=None, password_form=None):
    client = current_client()
    user = portal_actor()
    return render_template(
        "portal/settings.html", account=client, user=user,
        language=dict(LANGUAGES).get(client.language, client.language),
        details_form=details_form or LoginDetailsForm(formdata=None, obj=user),
        password_form=password_form or PasswordForm(formdata=None),
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
