"""The staff back office (Flask-Admin at /admin): one module per area."""

from flask_admin import Admin
from flask_admin.theme import Bootstrap4Theme

from fulfilment.admin import (
    account,
    billing,
    catalog,
    clients,
    operations,
    purchasing,
    returns,
    settings,
    webshops,
)
from fulfilment.admin.base import StaffIndexView
from fulfilment.admin.work import status_badge

AREAS = (clients, catalog, operations, purchasing, returns, webshops, settings, billing, account)


def init_app(app):
    """Build a fresh back office for app (Flask-Admin views cannot be shared between apps)."""
    app.add_template_filter(status_badge, "status_badge")
    admin = Admin(
        app,
        name="Fulfilment",
        index_view=StaffIndexView(name="Dashboard", url="/admin"),
        theme=Bootstrap4Theme(base_template="admin/staff_master.html", fluid=True),
    )
    for area in AREAS:
        for view in area.views():
            admin.add_view(view)
    return admin
