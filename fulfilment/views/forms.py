"""Form pieces the portal's sections share: a delivery address, product lines, a confirmation button.

IDs posted in these forms (an address book entry, a product) are resolved through the logged-in
client's scope; an unknown or another client's id is a validation error on its field, so the
view creates nothing.
"""

import re

from flask_wtf import FlaskForm
from wtforms import BooleanField, FieldList, Form, FormField, HiddenField, IntegerField, SelectField, StringField
from wtforms.validators import Length, NumberRange, Optional

from fulfilment.i18n import _, _l
from fulfilment.models import AddressBookEntry
from fulfilment.services import catalog, idempotency
from fulfilment.services.addressbook import as_order_fields
from fulfilment.services.addresses import DELIVERY_FIELDS
from fulfilment.services.quantities import MAX_AMOUNT

MAX_LINES = 100
NEW_ROWS = 5
ADDRESS_CHOICES_SHOWN = 200
REQUIRED_ADDRESS_FIELDS = ("delivery_name", "delivery_address", "delivery_zipcode", "delivery_city",
                           "delivery_country")
TOO_MANY_LINES = _l("At most %(max)s lines fit in this form; use the Excel import for larger orders.", max=MAX_LINES)


def text(label, max_length=255, **kwargs):
    return StringField(label, validators=[Optional(), Length(max=max_length)], **kwargs)


class ConfirmForm(FlaskForm):
    """A button that needs nothing but the CSRF token: cancel, delete, submit, duplicate."""


class LineForm(Form):
    """One product row: a product found by the search (its id) or typed by code, and a quantity."""

    product_id = HiddenField()
    product_code = text(_l("Product code"))
    amount = IntegerField(_l("Quantity"), validators=[Optional(), NumberRange(min=1, max=MAX_AMOUNT)])

    def is_filled(self):
        return bool((self.product_id.data or "").strip() or (self.product_code.data or "").strip()
                    or self.amount.raw_data and self.amount.raw_data[0].strip())


class AddLineForm(FlaskForm):
    """One more product on a concept order (the same row as in the new-order form)."""

    lines = FieldList(FormField(LineForm), _l("Product"), min_entries=1, max_entries=1)


def line_rows(label=None):
    return FieldList(FormField(LineForm), label or _l("Products"), min_entries=NEW_ROWS, max_entries=MAX_LINES)


_ROW_KEY = re.compile(r"^([a-z_]+)-(\d{1,9})-")


def too_many_rows(formdata, prefixes=("lines", "existing")):
    """Whether a post holds more than MAX_LINES product rows, counted from the field names alone.

    Checked before the form is built: parsing thousands of posted rows costs seconds, and
    FieldList's max_entries would drop the rows beyond it without a word.
    """
    rows = set()
    for name in formdata:
        match = _ROW_KEY.match(name)
        if match and match.group(1) in prefixes:
            rows.add((match.group(1), match.group(2)))
            if len(rows) > MAX_LINES:
                return True
    return False


class OnceKeyField:
    """A form whose submit creates something: its key makes a second submit create nothing.

    The key is made when the form is shown and stays the same while the form is corrected; the
    creating service claims it (services.idempotency), so a double click or a reload is refused.
    """

    once_key = HiddenField(default=idempotency.new_key)


def add_empty_rows(rows, count=NEW_ROWS):
    """More empty rows, for the "More lines" button that works without JavaScript."""
    for _row in range(min(count, MAX_LINES - len(rows))):
        rows.append_entry()


def resolve_lines(client, rows):
    """The filled-in rows as [(product, amount)], every product one of client's active products.

    One lookup for all rows (services.catalog.resolve_products). A row that is wrong gets an error
    on its field; callers check ``rows_have_errors`` before creating anything.
    """
    filled = [row.form for row in rows if row.form.is_filled()]
    resolved = catalog.resolve_products(
        client,
        ids=[_as_id(row.product_id.data) for row in filled if _as_id(row.product_id.data) is not None],
        codes=[(row.product_code.data or "").strip() for row in filled if not (row.product_id.data or "").strip()],
    )
    lines = []
    for row in filled:
        product = _row_product(row, resolved)
        if row.amount.data is None and not row.amount.errors:
            row.amount.errors.append(_("Enter a quantity."))
        if product is not None and row.amount.data is not None and not row.amount.errors:
            lines.append((product, row.amount.data))
    return lines


def _row_product(row, resolved):
    raw_id = (row.product_id.data or "").strip()
    code = (row.product_code.data or "").strip()
    if raw_id:
        key = _as_id(raw_id)
        product = resolved.get(key) if key is not None else None
        if product is None:
            inactive = key in resolved.problems and resolved.problems[key][0] == "inactive"
            row.product_code.errors.append(resolved.problems[key][1] if inactive
                                           else _("Unknown product: choose one of your own products."))
        return product
    if not code:
        row.product_code.errors.append(_("Choose a product."))
        return None
    product = resolved.get(code)
    if product is None:
        row.product_code.errors.append(resolved.problems[code][1])
    return product


def rows_have_errors(rows):
    return any(field.errors for row in rows for field in row.form)


def _as_id(value):
    value = (value or "").strip()
    return int(value) if value.isdigit() and len(value) < 19 else None


class TypedAddressFields:
    """The delivery_* fields of an order, typed in."""

    delivery_name = text(_l("Name (company or person)"))
    delivery_contact_name = text(_l("Contact name"))
    delivery_address = text(_l("Street and number"))
    delivery_address2 = text(_l("Address line 2"))
    delivery_zipcode = text(_l("Zip code"))
    delivery_city = text(_l("City"))
    delivery_region = text(_l("Region or state"))
    delivery_country = text(_l("Country"), max_length=2, default="NL", description=_l("Two letters, e.g. NL, BE, DE."))


class AddressChoiceFields(TypedAddressFields):
    """An address from the address book, or one typed in and optionally saved to the address book."""

    address_id = SelectField(_l("Address from your address book"), validate_choice=False, default="")
    save_address = BooleanField(_l("Save this address to my address book"))


def fill_address_choices(form, client, selected=None):
    """Offer the client's address book (the first ADDRESS_CHOICES_SHOWN by name) in address_id.

    Returns whether there are more addresses than shown.
    """
    entries = list(AddressBookEntry.for_client(client).order_by(AddressBookEntry.name, AddressBookEntry.id)
                   .limit(ADDRESS_CHOICES_SHOWN + 1))
    more = len(entries) > ADDRESS_CHOICES_SHOWN
    entries = entries[:ADDRESS_CHOICES_SHOWN]
    if selected is not None and selected.id not in {entry.id for entry in entries}:
        entries.insert(0, selected)
    form.address_id.choices = [("", _("No – I type the address below"))] + [
        (str(entry.id), f"{entry.name} · {entry.address}, {entry.city} ({entry.country})") for entry in entries
    ]
    return more


def resolve_address(client, form):
    """The order's delivery fields from the chosen address book entry or the typed address.

    Returns (fields, entry); fields is None when the form has errors (marked on its fields).
    """
    raw_id = (form.address_id.data or "").strip()
    if raw_id:
        entry = AddressBookEntry.for_client(client).where(AddressBookEntry.id == _as_id(raw_id)).first() \
            if _as_id(raw_id) else None
        if entry is None:
            form.address_id.errors.append(_("Choose an address from your address book."))
            return None, None
        return {name: value for name, value in as_order_fields(entry).items() if name in DELIVERY_FIELDS}, entry
    missing = [name for name in REQUIRED_ADDRESS_FIELDS if not (getattr(form, name).data or "").strip()]
    for name in missing:
        getattr(form, name).errors.append(_("Required, or choose an address from your address book."))
    if missing or any(getattr(form, name).errors for name in DELIVERY_FIELDS):
        return None, None
    return {name: getattr(form, name).data or "" for name in DELIVERY_FIELDS}, None


