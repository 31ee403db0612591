"""The staff back office (Flask-Admin at /admin): one module per area."""

from pathlib import Path

import flask_admin
from flask_admin import Admin
from flask_admin.theme import Bootstrap4Theme
from jinja2 import BaseLoader, ChoiceLoader, TemplateNotFound

from fulfilment.admin import (
    account,
    billing,
    catalog,
    clients,
    locations,
    menu,
    notifications,
    operations,
    purchasing,
    returns,
    settings,
    webshops,
)
from fulfilment.admin.base import StaffIndexView
from fulfilment.admin.work import status_badge
from fulfilment.i18n import _l

AREAS = (clients, catalog, locations, operations, purchasing, returns, webshops, notifications, settings, billing,
         account)


def init_app(app):
    """Build a fresh back office for app (Flask-Admin views cannot be shared between apps)."""
    app.add_template_filter(status_badge, "status_badge")
    menu.init_app(app)
    admin = Admin(
        app,
        name="Fulfilment",
        index_view=StaffIndexView(name=_l("Dashboard"), url="/admin"),
        theme=Bootstrap4Theme(base_template="admin/staff_master.html", fluid=True),
    )
    app.jinja_env.loader = ChoiceLoader([AdminBaseWithLanguage(), app.jinja_env.loader])
    for area in AREAS:
        for view in area.views():
            admin.add_view(view)
    return admin


class AdminBaseWithLanguage(BaseLoader):
    """Flask-Admin's Bootstrap 4 base layout with the page's language on its <html> (it has no block there), so
    screen readers pronounce the back office in the right language."""

    NAME = "admin/base.html"
    SOURCE = Path(flask_admin.__file__).parent / "templates" / "bootstrap4" / "admin" / "base.html"

    def get_source(self, environment, template):
        if template != self.NAME:
            raise TemplateNotFound(template)
        source = self.SOURCE.read_text(encoding="utf-8")
        if "<html>" not in source:
            raise RuntimeError(f"{self.SOURCE} has changed: set the page language another way")
        return source.replace("<html>", '<html lang="{{ current_language() }}">', 1), str(self.SOURCE), lambda: True
