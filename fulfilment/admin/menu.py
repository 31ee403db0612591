"""The back office's menu bar, drawn once per language, role and page instead of on every request.

Which entries a staff member sees depends only on the role (staff or admin: each view's
is_accessible), the words only on the language, and the highlighted entry only on the page's
view; the URLs on where the app is mounted. Drawing the menu asked every view whether it is
accessible and came to a tenth of a list page's time.
"""

from flask import render_template, request
from markupsafe import Markup

from fulfilment.auth import is_admin, is_staff
from fulfilment.i18n import current_language

TEMPLATE = "admin/_main_menu.html"


def staff_menu(admin_view):
    """The menu bar's HTML for this request's page (a template global: {{ staff_menu(admin_view) }})."""
    role = "admin" if is_admin() else "staff" if is_staff() else "anonymous"
    key = (current_language(), role, admin_view.endpoint, request.script_root)
    drawn = _drawn_menus(admin_view.admin)
    html = drawn.get(key)
    if html is None:
        html = drawn[key] = Markup(render_template(TEMPLATE, admin_view=admin_view))
    return html


def _drawn_menus(admin):
    """The menus drawn for one back office (one per app: tests build many)."""
    drawn = getattr(admin, "_drawn_menus", None)
    if drawn is None:
        drawn = admin._drawn_menus = {}
    return drawn


def init_app(app):
    app.jinja_env.globals["staff_menu"] = staff_menu
