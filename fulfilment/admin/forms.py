"""Forms of the back office's service pages (create an order, correct stock, register a receipt …)."""

from flask_admin.model.fields import AjaxSelectField
from wtforms import (
    BooleanField,
    DateField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    Optional,
    ValidationError,
)

from fulfilment.admin.base import StaffForm
from fulfilment.i18n import _, _l


def parse_lines(text):
    """Read 'product code, amount' lines (comma, semicolon, tab or space separated) into [(code, amount)]."""
    parsed = []
    for number, raw in enumerate((text or "").splitlines(), start=1):
        raw = raw.strip()
        if not raw:
            continue
        for separator in (",", ";", "\t", " "):
            if separator in raw:
                code, _separator, amount = raw.rpartition(separator)
                break
        else:
            raise ValidationError(_("Line %(number)s: write the product code and the amount, e.g. SKU-1, 3.",
                                    number=number))
        code, amount = code.strip(), amount.strip()
        if not code or not amount.isdigit() or int(amount) <= 0:
            raise ValidationError(_("Line %(number)s: “%(line)s” needs a product code and a whole amount above 0.",
                                    number=number, line=raw))
        parsed.append((code, int(amount)))
    if not parsed:
        raise ValidationError(_("Add at least one product line."))
    return parsed


class LinesField(TextAreaField):
    def pre_validate(self, form):
        self.lines = parse_lines(self.data)


def client_field():
    """A client chosen by ajax lookup; the view attaches its loader with ``with_client_lookup``."""
    return AjaxSelectField(None, _l("Client"), validators=[DataRequired()])


def with_client_lookup(form, view):
    """Attach the view's ajax loader for clients to the form's client field."""
    form.client.loader = view._form_ajax_refs["client"]
    return form


class StockCorrectionForm(StaffForm):
    mode = SelectField(_l("Correction"), choices=[("change", _l("Change stock by (+/−)")),
                                                  ("set", _l("Set stock to (a count)"))])
    amount = IntegerField(_l("Amount"), validators=[InputRequired()])
    reason = StringField(_l("Reason"), validators=[DataRequired(), Length(max=255)],
                         description=_l("Required: say why stock changes (count, damage, found …)."))


class PauseForm(StaffForm):
    reason = StringField(_l("Reason"), validators=[Optional(), Length(max=255)])


class ShipmentForm(StaffForm):
    """A carrier from the carriers table and a tracking code; the link is built from the carrier's template."""

    carrier = SelectField(_l("Carrier"), coerce=int, validators=[DataRequired(message=_l("Choose a carrier."))])
    tracking_code = StringField(_l("Tracking code"), validators=[Optional(), Length(max=255)],
                                description=_l("The tracking link is made from the carrier and this code."))


def shipment_form(form_class=ShipmentForm, formdata=None):
    """A shipment form (or subclass) offering the active carriers."""
    from fulfilment.services.carriers import active_carriers

    form = form_class(formdata)
    form.carrier.choices = [(carrier.id, carrier.name) for carrier in active_carriers()]
    return form


class ReturnStatusForm(StaffForm):
    status = SelectField(_l("New status"), coerce=int)
    message = TextAreaField(_l("Message for the client"), validators=[Optional()])


class PurchaseOrderHeaderForm(StaffForm):
    client = client_field()
    supplier_name = StringField(_l("Supplier"), validators=[DataRequired(), Length(max=255)])
    supplier_orderid = StringField(_l("Reference"), validators=[Optional(), Length(max=255)])
    delivery_date = DateField(_l("Expected delivery date"), validators=[Optional()])
    remarks = TextAreaField(_l("Remarks"), validators=[Optional()])
    lines = LinesField(_l("Products"), description=_l("One per line: product code, amount."))
    mark_purchased = BooleanField(_l("Mark as purchased"), default=True)


class OrderForm(StaffForm):
    client = client_field()
    reference = StringField(_l("Reference"), validators=[Optional(), Length(max=255)])
    delivery_name = StringField(_l("Name"), validators=[DataRequired(), Length(max=255)])
    delivery_contact_name = StringField(_l("Contact"), validators=[Optional(), Length(max=255)])
    delivery_address = StringField(_l("Address"), validators=[DataRequired(), Length(max=255)])
    delivery_address2 = StringField(_l("Address line 2"), validators=[Optional(), Length(max=255)])
    delivery_zipcode = StringField(_l("Zip code"), validators=[DataRequired(), Length(max=32)])
    delivery_city = StringField(_l("City"), validators=[DataRequired(), Length(max=255)])
    delivery_country = StringField(_l("Country (two letters)"), validators=[DataRequired(), Length(min=2, max=2)],
                                   default="NL")
    email = StringField(_l("E-mail"), validators=[Optional(), Length(max=255)])
    telephone = StringField(_l("Telephone"), validators=[Optional(), Length(max=64)])
    lines = LinesField(_l("Products"), description=_l("One per line: product code, amount. E.g. SKU-1, 3"))
    process_now = BooleanField(_l("Process at once (allocate stock, backorder the rest)"), default=True)


class ReturnForm(StaffForm):
    client = client_field()
    order_number = StringField(_l("Order number (optional)"), validators=[Optional(), Length(max=32)])
    name = StringField(_l("Customer name"), validators=[Optional(), Length(max=255)])
    tracking_code = StringField(_l("Return tracking code"), validators=[Optional(), Length(max=255)])
    returned = LinesField(_l("Returned products"), description=_l("One per line: product code, amount."))
    replacements = TextAreaField(_l("Replacement products"), validators=[Optional()],
                                 description=_l("Optional, one per line: product code, amount. They get a picklist."))
    remarks = TextAreaField(_l("Remarks"), validators=[Optional()])
