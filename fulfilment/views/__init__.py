"""The client portal at /fulfilmentportal: one module per section."""

from flask import Blueprint, redirect, url_for

bp = Blueprint("portal", __name__, url_prefix="/fulfilmentportal")


def init_app(app):
    app.register_blueprint(bp)

    @app.route("/")
    def start_page():
        return redirect(url_for("admin.index"))
