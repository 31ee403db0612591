"""Portal login and logout. A portal session is its own identity: it never opens /admin."""

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user, login_user, logout_user

from fulfilment.auth import LoginForm, is_portal_user, is_staff, safe_next_url
from fulfilment.services.accounts import authenticate_portal_user
from fulfilment.views.blueprint import bp

# One message for every refusal, so it never tells whether a username exists.
LOGIN_REFUSED = "Unknown username or wrong password, or this account has no access to the portal."


@bp.route("/login", methods=["GET", "POST"])
def login():
    """Log a portal user in and go to the page they asked for (on this site) or the dashboard."""
    dashboard = url_for("portal.dashboard")
    if is_portal_user():
        return redirect(safe_next_url(request.args.get("next"), dashboard))
    form = LoginForm()
    status = 200
    if form.validate_on_submit():
        user = authenticate_portal_user(form.username.data, form.password.data)
        if user is not None:
            login_user(user)
            return redirect(safe_next_url(request.args.get("next"), dashboard))
        flash(LOGIN_REFUSED, "error")
        status = 401
    staff_name = current_user.username if is_staff() else None
    return render_template("portal/login.html", form=form, staff_name=staff_name), status


@bp.route("/logout", methods=["POST"])
def logout():
    """End the portal session (a POST with the CSRF token, so no other site can log anyone out)."""
    logout_user()
    flash("You have been logged out.", "success")
    return redirect(url_for("portal.login"))
