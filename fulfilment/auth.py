"""Who is logged in: one Flask-Login manager for staff and portal users, and the staff login."""

from urllib.parse import urljoin, urlparse

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import LoginManager, current_user, login_user, logout_user
from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired

from fulfilment.models import PortalUser, StaffUser
from fulfilment.services.accounts import authenticate_staff, portal_login_allowed

login_manager = LoginManager()
bp = Blueprint("auth", __name__)

_IDENTITIES = {StaffUser.identity_prefix: StaffUser, PortalUser.identity_prefix: PortalUser}


@login_manager.user_loader
def load_user(session_id):
    prefix, _, raw_id = (session_id or "").partition(":")
    model = _IDENTITIES.get(prefix)
    if model is None or not raw_id.isdigit():
        return None
    user = model.get_or_none(model.id == int(raw_id))
    if user is None or not user.active:
        return None
    if isinstance(user, PortalUser) and not portal_login_allowed(user):
        return None
    return user


def is_staff(user=None):
    user = current_user if user is None else user
    return isinstance(user, StaffUser) and user.is_authenticated


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


class LoginForm(FlaskForm):
    username = StringField("Username", validators=[DataRequired()])
    password = PasswordField("Password", validators=[DataRequired()])


@bp.route("/admin/login", methods=["GET", "POST"])
def staff_login():
    form = LoginForm()
    status = 200
    if form.validate_on_submit():
        user = authenticate_staff(form.username.data, form.password.data)
        if user is not None:
            login_user(user)
            return redirect(safe_next_url(request.args.get("next"), url_for("admin.index")))
        flash("Unknown username or wrong password.", "error")
        status = 401
    return render_template("auth/staff_login.html", form=form), status


@bp.route("/admin/logout", methods=["POST"])
def staff_logout():
    if is_staff():
        logout_user()
    flash("You have been logged out.", "success")
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
    app.register_blueprint(bp)
