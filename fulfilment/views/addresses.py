"""The address book: the client's saved delivery addresses, searchable (editing comes later)."""

from flask import render_template

from fulfilment.models import AddressBookEntry
from fulfilment.views import bp
from fulfilment.views.listing import matches_any, paginate, search_text
from fulfilment.views.scope import current_client


@bp.route("/addresses")
def addresses():
    client = current_client()
    query = AddressBookEntry.for_client(client)
    text = search_text()
    if text:
        query = query.where(matches_any(
            text, AddressBookEntry.name, AddressBookEntry.contact_name, AddressBookEntry.address,
            AddressBookEntry.zipcode, AddressBookEntry.city, AddressBookEntry.email,
        ))
    page = paginate(query.order_by(AddressBookEntry.name, AddressBookEntry.id))
    return render_template("portal/addresses.html", page=page, q=text)
