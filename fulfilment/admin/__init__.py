"""The staff back office (Flask-Admin at /admin): one module per area."""

from flask_admin import Admin
from flask_admin.theme import Bootstrap4Theme

from fulfilment.admin import (
    account,
    billing,
    catalog,
    clients,
    locations,
    notifications,
    operations,
    purchasing,
    returns,
    settings,
    webshops,
)
from fulfilment.admin.base import StaffIndexView

AREAS = (clients, catalog, locations, operations, purchasing, returns, webshops, notifications, settings, billing, account)


def init_app(app):
    """Build a fresh back office for app (Flask-Admin views cannot be shared between apps)."""
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
