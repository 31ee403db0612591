"""The client portal at /fulfilmentportal: one module per section, all behind one tenant gate."""

from flask import redirect, url_for

from fulfilment.auth import is_portal_user, is_staff, login_manager

# The section modules register their routes on bp when imported.
from fulfilment.views import (  # noqa: F401
    addresses,
    auth,
    backorders,
    dashboard,
    exports,
    import_jobs,
    invoices,
    links,
    listing,
    notification_settings,
    order_changes,
    order_entry,
    order_upload,
    orders,
    product_management,
    products,
    purchase_order_entry,
    purchase_orders,
    refusals,
    returns,
    scope,
    settings,
    shipments,
    stock_history,
    webshop_connection,
    webshops,
)
from fulfilment.views.blueprint import bp


def init_app(app):
    app.register_blueprint(bp)
    # Anything under the portal that asks Flask-Login for a login goes to the portal's login page.
    login_manager.blueprint_login_views["portal"] = "portal.login"

    @app.route("/")
    def start_page():
        """Send people where they belong: clients to their dashboard, staff to the back office."""
        if is_portal_user():
            return redirect(url_for("portal.dashboard"))
        if is_staff():
            return redirect(url_for("admin.index"))
        return redirect(url_for("portal.login"))
