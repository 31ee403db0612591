"""The address book: the client's saved delivery addresses, searched, added, edited and deleted.

Addresses are this client's alone and used only in the portal (to fill in an order's address).
"""

from flask import flash, redirect, render_template, url_for
from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import DataRequired, Length

from fulfilment.i18n import _, _l
from fulfilment.models import AddressBookEntry
from fulfilment.services import addressbook
from fulfilment.views.blueprint import bp
from fulfilment.views.forms import ConfirmForm, OnceKeyField, text
from fulfilment.views.listing import paginate, search_text
from fulfilment.views.refusals import form_page, refusal_shown_on
from fulfilment.views.scope import current_client, get_owned_or_404


def required(label, max_length=255, **kwargs):
    return StringField(label, validators=[DataRequired(), Length(max=max_length)], **kwargs)


class AddressForm(OnceKeyField, FlaskForm):
    name = required(_l("Name (company or person)"))
    contact_name = text(_l("Contact name"))
    address = required(_l("Street and number"))
    address2 = text(_l("Address line 2"))
    zipcode = required(_l("Zip code"))
    city = required(_l("City"))
    region = text(_l("Region or state"))
    country = required(_l("Country"), max_length=2, default="NL", description=_l("Two letters, e.g. NL, BE, DE."))
    email = text(_l("E-mail"))
    telephone = text(_l("Telephone"))


def address_of(form):
    return {name: getattr(form, name).data or "" for name in addressbook.FIELDS}


@bp.route("/addresses")
def addresses():
    client = current_client()
    text = search_text()
    page = paginate(addressbook.search_addresses(client, text))
    return render_template("portal/addresses.html", page=page, q=text)


@bp.route("/addresses/new", methods=["GET", "POST"])
def new_address():
    client = current_client()
    form = AddressForm()

    def page():
        return render_template("portal/address_form.html", form=form, entry=None)

    if form.validate_on_submit():
        with refusal_shown_on(page):
            entry = addressbook.add_address(client, once_key=form.once_key.data, **address_of(form))
        flash(_("%(name)s has been added to your address book.", name=entry.name), "success")
        return redirect(url_for("portal.addresses"))
    return form_page(page, form)


@bp.route("/addresses/<int:address_id>/edit", methods=["GET", "POST"])
def edit_address(address_id):
    client = current_client()
    entry = get_owned_or_404(AddressBookEntry.for_client(client), address_id)
    form = AddressForm(obj=entry)

    def page():
        return render_template("portal/address_form.html", form=form, entry=entry)

    if form.validate_on_submit():
        with refusal_shown_on(page):
            addressbook.update_address(entry, **address_of(form))
        flash(_("The address of %(name)s has been saved.", name=entry.name), "success")
        return redirect(url_for("portal.addresses"))
    return form_page(page, form)


@bp.route("/addresses/<int:address_id>/delete", methods=["GET", "POST"])
def delete_address(address_id):
    """Ask first (GET), then delete (POST); orders keep the copy of the address they were sent to."""
    client = current_client()
    entry = get_owned_or_404(AddressBookEntry.for_client(client), address_id)
    form = ConfirmForm()
    if form.is_submitted():
        addressbook.delete_address(entry)
        flash(_("%(name)s has been removed from your address book.", name=entry.name), "success")
        return redirect(url_for("portal.addresses"))
    return render_template(
        "portal/confirm.html", form=form, section="addresses",
        title=_("Delete %(name)s from your address book?", name=entry.name),
        warning=_("The address disappears from your address book. Orders already sent to it keep their address."),
        details=[(_("Name"), entry.name),
                 (_("Address"), f"{entry.address}, {entry.zipcode} {entry.city} ({entry.country})")],
        action=url_for("portal.delete_address", address_id=entry.id), button=_("Yes, delete the address"),
        back=url_for("portal.addresses"),
    )
