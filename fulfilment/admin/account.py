"""My account (every staff user): language, password, two-factor login, login sessions; for admins
also the switch that requires two-factor login of all staff."""

from flask import abort, flash, make_response, redirect, session, url_for
from flask_admin import BaseView, expose
from flask_babel import refresh
from flask_login import current_user
from flask_wtf import FlaskForm
from werkzeug.security import check_password_hash
from wtforms import BooleanField, PasswordField, SelectField
from wtforms.validators import DataRequired, EqualTo

from fulfilment.admin.base import StaffAccessMixin
from fulfilment.auth import CodeForm, current_session_token, is_admin, log_out, setup_context
from fulfilment.i18n import LANGUAGES, _, _l, language_name
from fulfilment.services import accounts, login_sessions, two_factor
from fulfilment.services.accounts import MIN_PASSWORD_LENGTH
from fulfilment.services.errors import DomainError

SETUP_SECRET = "totp_setup_secret"


class PasswordForm(FlaskForm):
    current_password = PasswordField(_l("Current password"), validators=[DataRequired()])
    new_password = PasswordField(
        _l("New password"), validators=[DataRequired()],
        description=_l("At least %(length)s characters; common passwords are refused.", length=MIN_PASSWORD_LENGTH))
    repeat_password = PasswordField(_l("New password again"), validators=[
        DataRequired(), EqualTo("new_password", message=_l("The two new passwords are not the same.")),
    ])


class ConfirmPasswordForm(FlaskForm):
    password = PasswordField(_l("Your password"), validators=[DataRequired()])


class RequireTwoFactorForm(FlaskForm):
    required = BooleanField(_l("Require two-factor login for all staff"))


class LanguageForm(FlaskForm):
    # Each language by its own name; the empty choice leaves it to the browser's Accept-Language.
    language = SelectField(_l("Language"), choices=[("", _l("As my browser")), *LANGUAGES])


class ButtonForm(FlaskForm):
    """Nothing but the CSRF token."""


class AccountView(StaffAccessMixin, BaseView):
    def _user(self):
        return current_user._get_current_object()

    def _page(self, status=200, **forms):
        user = self._user()
        context = {
            "user": user,
            "language_form": forms.get("language_form") or LanguageForm(formdata=None, language=user.language or ""),
            "password_form": forms.get("password_form") or PasswordForm(formdata=None),
            "off_form": forms.get("off_form") or ConfirmPasswordForm(formdata=None, prefix="off"),
            "codes_form": forms.get("codes_form") or ConfirmPasswordForm(formdata=None, prefix="codes"),
            "require_form": RequireTwoFactorForm(formdata=None, required=two_factor.required_for_all_staff()),
            "button_form": ButtonForm(formdata=None),
            "sessions": login_sessions.sessions_of(user),
            "this_session": login_sessions.hash_token(current_session_token() or ""),
            "browser_label": login_sessions.browser_label,
            "required_for_all": two_factor.required_for_all_staff(),
            "unused_codes": two_factor.unused_recovery_codes(user),
            "is_admin": is_admin(user),
        }
        return self.render("admin/account.html", **context), status

    @expose("/")
    def index(self):
        return self._page()

    @expose("/language", methods=["POST"])
    def language(self):
        """Choose the back office's language (or leave it to the browser); say so in the new one."""
        form = LanguageForm()
        if not form.validate():
            flash(_("Choose one of the languages offered; nothing was changed."), "error")
            return self._page(400, language_form=form)
        try:
            accounts.set_language(self._user(), form.language.data)
        except DomainError as error:
            flash(error.message, "error")
            return self._page(400, language_form=form)
        refresh()  # this request's language was chosen before the change: choose again
        if form.language.data:
            flash(_("The back office now speaks %(language)s.", language=language_name(form.language.data)),
                  "success")
        else:
            flash(_("The back office now speaks your browser's language."), "success")
        return redirect(url_for(".index"))

    @expose("/password", methods=["POST"])
    def password(self):
        form = PasswordForm()
        if form.validate():
            try:
                accounts.change_own_password(self._user(), form.current_password.data, form.new_password.data,
                                             keep_token=current_session_token())
            except DomainError as error:
                flash(error.message, "error")
                return self._page(400, password_form=form)
            flash(_("Your password has been changed; every other browser logged in as you has been logged out."),
                  "success")
            return redirect(url_for(".index"))
        return self._page(400, password_form=form)

    @expose("/two-factor", methods=["GET", "POST"])
    def two_factor_setup(self):
        """Set up two-factor login: scan the QR code, prove it with a code, get the recovery codes once."""
        user = self._user()
        if user.two_factor_enabled:
            flash(_("Two-factor login is already on."), "info")
            return redirect(url_for(".index"))
        form = CodeForm()
        if SETUP_SECRET not in session:  # kept while pending: reloading the page keeps a scanned code valid
            session[SETUP_SECRET] = two_factor.new_secret()
        if form.validate_on_submit():
            try:
                codes = two_factor.enable(user, session[SETUP_SECRET], form.code.data)
            except two_factor.WrongCode as error:
                form.code.errors = [error.message]
            else:
                session.pop(SETUP_SECRET, None)
                login_sessions.end_sessions(user, keep_token=current_session_token())
                return self._recovery_codes(codes)
        status = 400 if form.errors else 200
        return self.render("admin/two_factor_setup.html", form=form,
                           **setup_context(user, session[SETUP_SECRET])), status

    def _recovery_codes(self, codes):
        response = make_response(self.render("admin/recovery_codes.html", codes=codes))
        response.headers["Cache-Control"] = "no-store"
        return response

    def _password_confirmed(self, form):
        if form.validate() and check_password_hash(self._user().password_hash, form.password.data):
            return True
        flash(_("Your password is not right; nothing was changed."), "error")
        return False

    @expose("/two-factor/off", methods=["POST"])
    def two_factor_off(self):
        form = ConfirmPasswordForm(prefix="off")
        if two_factor.required_for_all_staff():
            flash(_("Two-factor login is required for all staff; it cannot be turned off."), "error")
            return self._page(409)
        if not self._password_confirmed(form):
            return self._page(400, off_form=form)
        two_factor.disable(self._user(), keep_token=current_session_token())
        flash(_("Two-factor login is off."), "success")
        return redirect(url_for(".index"))

    @expose("/two-factor/recovery-codes", methods=["POST"])
    def recovery_codes(self):
        form = ConfirmPasswordForm(prefix="codes")
        if not self._password_confirmed(form):
            return self._page(400, codes_form=form)
        try:
            codes = two_factor.replace_recovery_codes(self._user())
        except DomainError as error:
            flash(error.message, "error")
            return self._page(409)
        return self._recovery_codes(codes)

    @expose("/two-factor/required", methods=["POST"])
    def require_two_factor(self):
        """Admins only: require (or stop requiring) two-factor login of every staff user."""
        if not is_admin():
            abort(403)
        form = RequireTwoFactorForm()
        if not form.validate():
            abort(400)
        two_factor.set_required_for_all_staff(form.required.data, self._user())
        if form.required.data:
            flash(_("Two-factor login is now required for all staff: whoever has not set it up does so at the next "
                    "login."), "success")
        else:
            flash(_("Two-factor login is no longer required (staff who set it up keep it)."), "success")
        return redirect(url_for(".index"))

    @expose("/sessions/<int:session_id>/end", methods=["POST"])
    def end_session(self, session_id):
        if not ButtonForm().validate():
            abort(400)
        user = self._user()
        this_one = next((s for s in login_sessions.sessions_of(user) if s.id == session_id), None)
        try:
            login_sessions.end_own_session(user, session_id)
        except DomainError:
            abort(404)
        if this_one is not None and this_one.token_hash == login_sessions.hash_token(current_session_token() or ""):
            log_out()
            return redirect(url_for("auth.staff_login"))
        flash(_("That session has ended: the browser is logged out."), "success")
        return redirect(url_for(".index"))

    @expose("/sessions/end-all", methods=["POST"])
    def end_all_sessions(self):
        if not ButtonForm().validate():
            abort(400)
        login_sessions.end_sessions(self._user())
        log_out()
        flash(_("You have been logged out everywhere."), "success")
        return redirect(url_for("auth.staff_login"))


def views():
    return [AccountView(name=_l("My account"), endpoint="account", url="/admin/account")]
