"""A client's own address book: recipients it ships to often, used only in the portal."""

from fulfilment.db import write_transaction
from fulfilment.i18n import _, _l
from fulfilment.models import AddressBookEntry
from fulfilment.services import idempotency
from fulfilment.services.addresses import DELIVERY_FIELDS, clean_delivery_address
from fulfilment.services.errors import ValidationFailed

# Address book field -> order field.
ORDER_FIELDS = {entry: order for order, entry in DELIVERY_FIELDS.items()}
FIELDS = (*ORDER_FIELDS, "email", "telephone")
TOO_LONG = {"email": _l("E-mail is too long."), "telephone": _l("Telephone is too long.")}


def _clean(fields):
    unknown = set(fields) - set(FIELDS)
    if unknown:
        raise ValidationFailed(_("Unknown address field(s): %(fields)s.", fields=", ".join(sorted(unknown))))
    as_order = clean_delivery_address({ORDER_FIELDS[name]: value for name, value in fields.items()
                                       if name in ORDER_FIELDS})
    cleaned = {DELIVERY_FIELDS[name]: value for name, value in as_order.items()}
    for name in ("email", "telephone"):
        if name in fields:
            value = (fields[name] or "").strip()
            if len(value) > 255:
                raise ValidationFailed(TOO_LONG[name])
            cleaned[name] = value
    return cleaned


def entry_fields(order_fields, **extra):
    """An address book entry's fields (name, address …) from an order's delivery_* fields, plus extra."""
    fields = {DELIVERY_FIELDS[name]: value for name, value in order_fields.items() if name in DELIVERY_FIELDS}
    return {**fields, **extra}


def add_address(client, once_key=None, **fields):
    """Save a new address for client (name, address, zip code, city and country are required).

    ``once_key`` (a form's key) makes a second submit of the same form create nothing.
    """
    cleaned = _clean(fields)
    with write_transaction():
        claimed = idempotency.claim(client, once_key, "address")
        entry = AddressBookEntry.create(client=client, **cleaned)
        idempotency.record(claimed, entry, entry.name)
        return entry


def update_address(entry, **fields):
    cleaned = _clean({**{name: getattr(entry, name) for name in FIELDS}, **fields})
    with write_transaction():
        for name, value in cleaned.items():
            setattr(entry, name, value)
        entry.save()
        return entry


def delete_address(entry):
    """Delete an address; orders keep the copy of the address they were created with."""
    with write_transaction():
        entry.delete_instance()


def as_order_fields(entry):
    """The order's delivery_* fields (and e-mail, telephone) filled from an address book entry."""
    fields = {order: getattr(entry, name) for name, order in ORDER_FIELDS.items()}
    fields.update(email=entry.email, telephone=entry.telephone)
    return fields


def search_addresses(client, text=""):
    """The client's addresses whose name, contact, address, zip code, city or e-mail contain text, in name order.

    The text is taken literally (``%`` and ``_`` are no wildcards) and case-insensitively.
    """
    query = AddressBookEntry.for_client(client)
    text = (text or "").strip()
    if text:
        query = query.where(
            AddressBookEntry.name.contains(text) | AddressBookEntry.contact_name.contains(text)
            | AddressBookEntry.address.contains(text) | AddressBookEntry.zipcode.contains(text)
            | AddressBookEntry.city.contains(text) | AddressBookEntry.email.contains(text)
        )
    return query.order_by(AddressBookEntry.name, AddressBookEntry.id)
