"""The application factory."""

import gc

from flask import Flask, render_template

from fulfilment import auth, db, i18n, routing, security_headers
from fulfilment.config import load_config
from fulfilment.extensions import csrf
from fulfilment.i18n import _l


def create_app(config=None):
    """Build the app: configuration, database, logins, CSRF, webshops and jobs, back office, portal, API, CLI."""
    app = Flask(__name__, instance_relative_config=True)
    load_config(app, config)
    routing.init_app(app)  # before any route: ids beyond what a table holds answer 404
    security_headers.init_app(app)

    i18n.init_app(app)
    db.init_app(app)
    auth.init_app(app)
    csrf.init_app(app)

    from fulfilment import admin, api, cli, formatting, jobs, views, vocabulary
    from fulfilment.services import outbox, webshops

    webshops.init_app(app)
    outbox.init_app(app)
    jobs.init_app(app)
    formatting.init_app(app)
    vocabulary.init_app(app)
    admin.init_app(app)
    views.init_app(app)
    cli.init_app(app)
    # Browsers ask for /favicon.ico before reading any page's <link rel="icon">.
    app.add_url_rule("/favicon.ico", "favicon", lambda: app.send_static_file("favicon.svg"))
    _register_error_pages(app)
    api.init_app(app)  # after the error pages: its JSON 404/405 wrap them
    # What start-up built (modules, models, views, routes) lives as long as the process: taken out
    # of the garbage collector's sight, a collection during a request walks only that request's
    # objects. Full collections over the whole app had added 10-15 ms to one request in twenty.
    gc.freeze()
    return app


def _register_error_pages(app):
    # Registered once at start-up, shown in the language of each request that fails.
    def page(status, title, message):
        def handler(error):
            return render_template("error.html", status=status, title=str(title), message=str(message)), status

        return handler

    app.register_error_handler(403, page(403, _l("Not allowed"), _l("You do not have access to this page.")))
    app.register_error_handler(404, page(404, _l("Not found"), _l("This page does not exist or is not yours to see.")))
    app.register_error_handler(
        413, page(413, _l("File too large"),
                  _l("The upload is larger than this portal accepts. Split it into smaller files."))
    )
