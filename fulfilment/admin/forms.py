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


def parse_lines(text):
    """Read 'product code, amount' lines (comma, semicolon, tab or space separated) into [(code, amount)]."""
    parsed = []
    for number, raw in enumerate((text or "").splitlines(), start=1):
        raw = raw.strip()
        if not raw:
            continue
        for separator in (",", ";", "\t", " "):
            if separator in raw:
                code, _, amount = raw.rpartition(separator)
                break
        else:
            raise ValidationError(f"Line {number}: write the product code and the amount, e.g. SKU-1, 3.")
        code, amount = code.strip(), amount.strip()
        if not code or not amount.isdigit() or int(amount) <= 0:
            raise ValidationError(f"Line {number}: {raw!r} needs a product code and a whole amount above 0.")
        parsed.append((code, int(amount)))
    if not parsed:
        raise ValidationError("Add at least one product line.")
    return parsed


class LinesField(TextAreaField):
    def pre_validate(self, form):
        self.lines = parse_lines(self.data)


def client_field(label="Client"):
    """A client chosen by ajax lookup; the view attaches its loader with ``with_client_lookup``."""
    return AjaxSelectField(None, label, validators=[DataRequired()])


def with_client_lookup(form, view):
    """Attach the view's ajax loader for clients to the form's client field."""
    form.client.loader = view._form_ajax_refs["client"]
    return form


class StockCorrectionForm(StaffForm):
    mode = SelectField("Correction", choices=[("change", "Change stock by (+/−)"), ("set", "Set stock to (a count)")])
    amount = IntegerField("Amount", validators=[InputRequired()])
    reason = StringField("Reason", validators=[DataRequired(), Length(max=255)],
                         description="Required: say why stock changes (count, damage, found …).")


class PauseForm(StaffForm):
    reason = StringField("Reason", validators=[Optional(), Length(max=255)])


class ShipmentForm(StaffForm):
    """A carrier from the carriers table and a tracking code; the link is built from the carrier's template."""

    carrier = SelectField("Carrier", coerce=int, validators=[DataRequired(message="Choose a carrier.")])
    tracking_code = StringField("Tracking code", validators=[Optional(), Length(max=255)],
                                description="The tracking link is made from the carrier and this code.")


def shipment_form(form_class=ShipmentForm, formdata=None):
    """A shipment form (or subclass) offering the active carriers."""
    from fulfilment.services.carriers import active_carriers

    form = form_class(formdata)
    form.carrier.choices = [(carrier.id, carrier.name) for carrier in active_carriers()]
    return form


class ReturnStatusForm(StaffForm):
    status = SelectField("New status", coerce=int)
    message = TextAreaField("Message for the client", validators=[Optional()])


class PurchaseOrderHeaderForm(StaffForm):
    client = client_field()
    supplier_name = StringField("Supplier", validators=[DataRequired(), Length(max=255)])
    supplier_orderid = StringField("Reference", validators=[Optional(), Length(max=255)])
    delivery_date = DateField("Expected delivery date", validators=[Optional()])
    remarks = TextAreaField("Remarks", validators=[Optional()])
    lines = LinesField("Products", description="One per line: product code, amount.")
    mark_purchased = BooleanField("Mark as purchased", default=True)


class OrderForm(StaffForm):
    client = client_field()
    reference = StringField("Reference", validators=[Optional(), Length(max=255)])
    delivery_name = StringField("Name", validators=[DataRequired(), Length(max=255)])
    delivery_contact_name = StringField("Contact", validators=[Optional(), Length(max=255)])
    delivery_address = StringField("Address", validators=[DataRequired(), Length(max=255)])
    delivery_address2 = StringField("Address line 2", validators=[Optional(), Length(max=255)])
    delivery_zipcode = StringField("Zip code", validators=[DataRequired(), Length(max=32)])
    delivery_city = StringField("City", validators=[DataRequired(), Length(max=255)])
    delivery_country = StringField("Country (two letters)", validators=[DataRequired(), Length(min=2, max=2)],
                                   default="NL")
    email = StringField("E-mail", validators=[Optional(), Length(max=255)])
    telephone = StringField("Telephone", validators=[Optional(), Length(max=64)])
    lines = LinesField("Products", description="One per line: product code, amount. E.g. SKU-1, 3")
    process_now = BooleanField("Process at once (allocate stock, backorder the rest)", default=True)


class ReturnForm(StaffForm):
    client = client_field()
    order_number = StringField("Order number (optional)", validators=[Optional(), Length(max=32)])
    name = StringField("Customer name", validators=[Optional(), Length(max=255)])
    tracking_code = StringField("Return tracking code", validators=[Optional(), Length(max=255)])
    returned = LinesField("Returned products", description="One per line: product code, amount.")
    replacements = TextAreaField("Replacement products", validators=[Optional()],
                                 description="Optional, one per line: product code, amount. They get a picklist.")
    remarks = TextAreaField("Remarks", validators=[Optional()])
