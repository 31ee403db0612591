"""Who is logged in: one Flask-Login manager for staff and portal users, and the staff login.

Every login is a LoginSession row on the server; the signed cookie holds only its random
token (Flask-Login's user id), and the user loader accepts a cookie only while its row lives.
Logins are throttled per username and per address (fulfilment.throttling). Staff with
two-factor login set up enter a code after the password; when an admin requires two-factor
login, staff without it set it up right after the password.
"""

import time
from datetime import timedelta
from urllib.parse import urljoin, urlparse

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import LoginManager, current_user, login_user, logout_user
from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, Length

from fulfilment import throttling
from fulfilment.i18n import LANGUAGE_CODES, _, _l
from fulfilment.models import PortalUser, StaffUser
from fulfilment.services import login_sessions, two_factor
from fulfilment.services.accounts import authenticate_staff, portal_login_allowed

login_manager = LoginManager()
bp = Blueprint("auth", __name__)

# How long the step between the password and the two-factor code may take.
PENDING_SECONDS = 300


def _idle_lifetime():
    return timedelta(days=current_app.config["SESSION_IDLE_DAYS"])


@login_manager.user_loader
def load_user(token):
    """The user of the live session behind the cookie's token, or None (logged out)."""
    login_session = login_sessions.find_session(token, _idle_lifetime())
    if login_session is None:
        return None
    user = login_session.user
    if user is None or not user.active:
        return None
    if isinstance(user, PortalUser) and not portal_login_allowed(user):
        return None
    login_sessions.touch(login_session)
    user.session_token = token
    return user


def log_in(user):
    """Start a server-side session for user in this browser (ending the one it had, if any)."""
    if current_user.is_authenticated:
        login_sessions.end_session(current_user.session_token)
    session.pop("staff_pending", None)
    user.session_token = login_sessions.start_session(
        user, request.user_agent.string, request.remote_addr or "", _idle_lifetime())
    login_user(user)


def log_out():
    """End this browser's session on the server too: a copy of the cookie is refused afterwards."""
    if current_user.is_authenticated:
        login_sessions.end_session(current_user.session_token)
    logout_user()


def current_session_token():
    return getattr(current_user, "session_token", None)


def is_staff(user=None):
    user = current_user if user is None else user
    return isinstance(user, StaffUser) and user.is_authenticated


def is_admin(user=None):
    user = current_user if user is None else user
    return is_staff(user) and bool(user.is_admin)


def is_portal_user(user=None):
    user = current_user if user is None else user
    return isinstance(user, PortalUser) and user.is_authenticated


def safe_next_url(target, fallback):
    """Return target when it stays on this site, else fallback (no open redirects)."""
    if not target:
        return fallback
    here = urlparse(request.host_url)
    there = urlparse(urljoin(request.host_url, target))
    if there.scheme in ("http", "https") and there.netloc == here.netloc and not target.startswith("//"):
        return target
    return fallback


def throttled_page(template, error, **context):
    """The login page answered 429 with Retry-After: the same for every username."""
    flash(error.message, "error")
    response = make_response(render_template(template, **context), 429)
    response.headers.update(throttling.retry_after_headers(error))
    return response


class LoginForm(FlaskForm):
    username = StringField(_l("Username"), validators=[DataRequired()])
    password = PasswordField(_l("Password"), validators=[DataRequired()])


class CodeForm(FlaskForm):
    code = StringField(_l("Code"), validators=[DataRequired(), Length(max=32)])


@bp.route("/admin/login", methods=["GET", "POST"])
def staff_login():
    form = LoginForm()
    status = 200
    if form.validate_on_submit():
        keys = throttling.login_keys("staff", form.username.data)
        try:
            throttling.check(keys)
        except throttling.Throttled as error:
            return throttled_page("auth/staff_login.html", error, form=form)
        user = authenticate_staff(form.username.data, form.password.data)
        if user is not None:
            throttling.forget(keys[:1])
            return _after_password(user)
        throttling.record_failure(keys)
        flash(_("Unknown username or wrong password."), "error")
        status = 401
    return render_template("auth/staff_login.html", form=form), status


def _next_url():
    return safe_next_url(request.args.get("next"), url_for("admin.index"))


def _after_password(user):
    """The password was right: log in, or ask for the second factor (or its set-up) first."""
    pending = {"user": user.id, "until": time.time() + PENDING_SECONDS, "next": _next_url()}
    if user.two_factor_enabled:
        session["staff_pending"] = pending
        return redirect(url_for("auth.staff_two_factor"))
    if two_factor.required_for_all_staff():
        session["staff_pending"] = dict(pending, secret=two_factor.new_secret())
        return redirect(url_for("auth.staff_two_factor_setup"))
    log_in(user)
    return redirect(pending["next"])


def _pending_user():
    """The staff user who gave the right password in this browser a moment ago, or None."""
    pending = session.get("staff_pending")
    if not pending or pending.get("until", 0) < time.time():
        session.pop("staff_pending", None)
        return None, None
    user = StaffUser.get_or_none((StaffUser.id == pending["user"]) & (StaffUser.active == True))  # noqa: E712
    return user, pending


def _start_again():
    flash(_("Log in again: the time for the second step ran out."), "error")
    return redirect(url_for("auth.staff_login"))


@bp.route("/admin/login/two-factor", methods=["GET", "POST"])
def staff_two_factor():
    """The second step: a code from the authenticator app, or one of the recovery codes."""
    user, pending = _pending_user()
    if user is None or not user.two_factor_enabled:
        return _start_again()
    form = CodeForm()
    status = 200
    if form.validate_on_submit():
        keys = throttling.login_keys("staff", user.username)
        try:
            throttling.check(keys)
        except throttling.Throttled as error:
            return throttled_page("auth/staff_two_factor.html", error, form=form)
        if two_factor.verify(user, form.code.data):
            throttling.forget(keys[:1])
            log_in(user)
            return redirect(pending["next"])
        throttling.record_failure(keys)
        flash(_("That code is not right (or was used already). Enter the code your app shows now, or a recovery "
                "code."), "error")
        status = 401
    return render_template("auth/staff_two_factor.html", form=form), status


@bp.route("/admin/login/two-factor/setup", methods=["GET", "POST"])
def staff_two_factor_setup():
    """Two-factor login is required and this staff user has none yet: set it up before going in."""
    user, pending = _pending_user()
    if user is None or "secret" not in pending:
        return _start_again()
    form = CodeForm()
    status = 200
    if form.validate_on_submit():
        keys = throttling.login_keys("staff", user.username)
        try:
            throttling.check(keys)
        except throttling.Throttled as error:
            return throttled_page("auth/staff_two_factor_setup.html", error, form=form,
                                  **setup_context(user, pending["secret"]))
        try:
            codes = two_factor.enable(user, pending["secret"], form.code.data)
        except two_factor.WrongCode as error:
            throttling.record_failure(keys)
            flash(error.message, "error")
            status = 400
        else:
            log_in(user)
            return recovery_codes_page(codes, pending["next"])
    return render_template("auth/staff_two_factor_setup.html", form=form,
                           **setup_context(user, pending["secret"])), status


def setup_context(user, secret):
    """What a set-up page shows: the QR code (inline SVG made here) and the secret to type instead."""
    uri = two_factor.provisioning_uri(user, secret)
    return {"qr_svg": two_factor.qr_code_svg(uri), "secret": secret, "username": user.username}


def recovery_codes_page(codes, continue_url):
    """The recovery codes, shown on this answer only (never cached, never shown again)."""
    response = make_response(render_template("auth/recovery_codes.html", codes=codes, continue_url=continue_url))
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/language/<code>")
def choose_language(code):
    """The language of the login pages, chosen by a visitor whose browser asks for another (kept in
    this browser's session). Logged in, a person's own choice is in its settings and wins."""
    if code in LANGUAGE_CODES:
        session["language"] = code
    return redirect(safe_next_url(request.args.get("next"), url_for("portal.login")))


@bp.route("/admin/logout", methods=["POST"])
def staff_logout():
    if is_staff():
        log_out()
    flash(_("You have been logged out."), "success")
    return redirect(url_for("auth.staff_login"))


def require_staff():
    """Send anonymous visitors to the staff login page and refuse everyone else who is not staff."""
    if is_staff():
        return None
    if current_user.is_authenticated:
        abort(403)
    return redirect(url_for("auth.staff_login", next=request.full_path if request.query_string else request.path))


def init_app(app):
    login_manager.init_app(app)
    throttling.init_app(app)
    app.register_blueprint(bp)
