"""Portal login and logout. A portal session is its own identity: it never opens /admin.

Failed logins are throttled per username and per address (429 with Retry-After); the answer
never tells whether a username exists.
"""

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from fulfilment import throttling
from fulfilment.auth import LoginForm, is_portal_user, is_staff, log_in, log_out, safe_next_url, throttled_page
from fulfilment.i18n import _, _l
from fulfilment.services.accounts import authenticate_portal_user
from fulfilment.views.blueprint import bp

# One message for every refusal, so it never tells whether a username exists.
LOGIN_REFUSED = _l("Unknown username or wrong password, or this account has no access to the portal.")


@bp.route("/login", methods=["GET", "POST"])
def login():
    """Log a portal user in and go to the page they asked for (on this site) or the dashboard."""
    dashboard = url_for("portal.dashboard")
    if is_portal_user():
        return redirect(safe_next_url(request.args.get("next"), dashboard))
    form = LoginForm()
    status = 200
    staff_name = current_user.username if is_staff() else None
    if form.validate_on_submit():
        keys = throttling.login_keys("portal", form.username.data)
        try:
            throttling.check(keys)
        except throttling.Throttled as error:
            return throttled_page("portal/login.html", error, form=form, staff_name=staff_name)
        user = authenticate_portal_user(form.username.data, form.password.data)
        if user is not None:
            throttling.forget(keys[:1])
            log_in(user)
            return redirect(safe_next_url(request.args.get("next"), dashboard))
        throttling.record_failure(keys)
        flash(str(LOGIN_REFUSED), "error")
        status = 401
    return render_template("portal/login.html", form=form, staff_name=staff_name), status


@bp.route("/logout", methods=["POST"])
def logout():
    """End the portal session (a POST with the CSRF token, so no other site can log anyone out)."""
    log_out()
    flash(_("You have been logged out."), "success")
    return redirect(url_for("portal.login"))
