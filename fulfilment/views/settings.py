"""Settings: the client's account and the logged-in user, read-only for now."""

from flask import render_template
from flask_login import current_user

from fulfilment.models import LANGUAGES
from fulfilment.views import bp
from fulfilment.views.scope import current_client


@bp.route("/settings")
def settings():
    client = current_client()
    return render_template("portal/settings.html", account=client, user=current_user,
                           language=dict(LANGUAGES).get(client.language, client.language))
