"""Webshop connections in the portal: a client tests its shops' connection, and, with access to
product management, connects a shop or changes one.

Credentials are written encrypted by the service and never shown again, only a masked hint.
Without product management the add and change routes answer 403, whatever the page shows.
"""

from flask import abort, flash, make_response, redirect, render_template, url_for
from flask_wtf import FlaskForm
from wtforms import BooleanField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, Length, Optional

from fulfilment.i18n import _, _l
from fulfilment.models import PLATFORMS, Webshop
from fulfilment.services import webshops as webshop_service
from fulfilment.services.webshop_checks import connection_test_summary, last_test_checks, run_connection_test
from fulfilment.views.blueprint import bp
from fulfilment.views.forms import ConfirmForm
from fulfilment.views.refusals import form_page, refusal_shown_on
from fulfilment.views.scope import current_client, get_owned_or_404, portal_actor
from fulfilment.views.webshops import webshop as webshop_page

NOT_MANAGED = _l("The warehouse manages your webshop connections, so they cannot be added or changed here. Ask the "
                 "warehouse to connect or change a webshop, or to give you access to product management.")
CREDENTIALS = ("consumer_key", "consumer_secret", "access_token")
# A check's outcome as the webshop page shows it (services.webshop_checks stores the English word).
CHECK_STATES = {"passed": _l("passed"), "failed": _l("failed"), "not checked": _l("not checked")}


def _secret(label, description):
    return PasswordField(label, validators=[Optional(), Length(max=512)], description=description)


class WebshopForm(FlaskForm):
    platform = SelectField(_l("Platform"), choices=list(PLATFORMS))
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=255)],
                       description=_l("How the shop is called in this portal."))
    url = StringField(_l("Shop address"), validators=[DataRequired(), Length(max=255)],
                      description=_l("The shop's own https:// address; for Shopify https://your-shop.myshopify.com."))
    consumer_key = _secret(_l("WooCommerce consumer key"), _l("WooCommerce → Settings → Advanced → REST API → Add "
                                                              "key, permissions Read/Write (ck_…)."))
    consumer_secret = _secret(_l("WooCommerce consumer secret"), _l("Shown with the key (cs_…)."))
    access_token = _secret(_l("Shopify Admin API access token"),
                           _l("Of a custom app with the scopes read_orders, write_fulfillments and "
                              "write_merchant_managed_fulfillment_orders (shpat_…)."))
    active = BooleanField(_l("Import orders from this shop"), default=True)


def client_managing_webshops():
    """The logged-in client, when it may manage its webshops; otherwise a 403 that says why."""
    client = current_client()
    if not client.product_management:
        abort(make_response(render_template("portal/refused.html", title=_("Not allowed"), message=NOT_MANAGED), 403))
    return client


@bp.app_template_global()
def webshop_connection_checks(shop):
    """The checks of the shop's last connection test, for the webshop page."""
    return last_test_checks(shop)


@bp.app_template_global()
def connection_check_state(status):
    """A check's outcome ("passed", "failed", "not checked") in the reader's language."""
    return CHECK_STATES.get(status, status)


@bp.app_template_global()
def webshop_credential_hint(shop):
    return webshop_service.credential_hint(shop)


@bp.route("/webshops/<int:webshop_id>/test", methods=["POST"])
def test_webshop_connection(webshop_id):
    client = current_client()
    shop = get_owned_or_404(Webshop.for_client(client), webshop_id)
    form = ConfirmForm()
    if not form.validate_on_submit():
        abort(400)
    with refusal_shown_on(lambda: webshop_page(shop.id)):
        checks = run_connection_test(shop, actor=portal_actor())
    if all(check.passed for check in checks):
        flash(_("Connection test: %(summary)s", summary=connection_test_summary(checks)), "success")
    else:
        flash(_("Connection test: %(summary)s See what to do below.", summary=connection_test_summary(checks)),
              "error")
    return redirect(url_for("portal.webshop", webshop_id=shop.id))


@bp.route("/webshops/new", methods=["GET", "POST"])
def new_webshop():
    client = client_managing_webshops()
    form = WebshopForm()

    def page():
        return render_template("portal/webshop_form.html", form=form, shop=None)

    if form.validate_on_submit():
        with refusal_shown_on(page):
            shop = _save(client, None, form)
        flash(_("Webshop %(name)s is connected. Test the connection to see that everything works.", name=shop.name),
              "success")
        return redirect(url_for("portal.webshop", webshop_id=shop.id))
    return form_page(page, form)


@bp.route("/webshops/<int:webshop_id>/edit", methods=["GET", "POST"])
def edit_webshop(webshop_id):
    client = client_managing_webshops()
    shop = get_owned_or_404(Webshop.for_client(client), webshop_id)
    # Credentials are never put back into the form: the password fields stay empty.
    form = WebshopForm(obj=shop)

    def page():
        return render_template("portal/webshop_form.html", form=form, shop=shop,
                               hint=webshop_service.credential_hint(shop))

    if form.validate_on_submit():
        with refusal_shown_on(page):
            shop = _save(client, shop, form)
        flash(_("Webshop %(name)s has been saved.", name=shop.name), "success")
        return redirect(url_for("portal.webshop", webshop_id=shop.id))
    return form_page(page, form)


def _save(client, shop, form):
    return webshop_service.save_webshop(
        shop, client=client, platform=form.platform.data, name=form.name.data, url=form.url.data,
        active=form.active.data, credentials={name: form[name].data for name in CREDENTIALS}, actor=portal_actor(),
    )
