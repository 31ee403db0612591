"""The staff back office (Flask-Admin at /admin): one module per area."""

from flask_admin import Admin
from flask_admin.theme import Bootstrap4Theme

from fulfilment.admin import (
    billing,
    catalog,
    clients,
    locations,
    operations,
    purchasing,
    returns,
    settings,
    webshops,
)
from fulfilment.admin.base import StaffIndexView

AREAS = (clients, catalog, operations, purchasing, returns, webshops, settings, billing, locations)


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
