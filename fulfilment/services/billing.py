"""Billing: rate cards, nightly storage snapshots, billing runs, draft invoices and issuing them.

A billing run computes a client's charge lines for a period from the same records the customer
report counts (services.customer_report), the daily storage snapshots and the one-off charges
staff added, priced with the client's rate card (or the default card). Every computed line links
the records it counts (InvoiceLineRecord); a record is charged for one thing at most once, on
whatever invoice (a unique index says so), so re-running a period or billing an overlapping one
never bills a record twice. The run writes a draft: staff check it, add, change or remove lines,
and issue it. Issuing gives the next invoice number in the same transaction (no gaps) and from
then on the invoice never changes; a correction is a line on a new draft.

Money: every line is quantity × unit price rounded half up to cents; the subtotal is the sum of
the lines; VAT is the subtotal × the client's VAT rate, rounded half up to cents, once.

An invoice is the client's document: its computed lines and its Excel file are written in the
client's language, whoever runs the billing or downloads the file.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from operator import itemgetter

from flask_babel import format_decimal
from peewee import fn

from fulfilment.db import database, locked, write_transaction
from fulfilment.formatting import format_number
from fulfilment.i18n import _, _l, force_locale, ngettext, pgettext
from fulfilment.models import (
    RATE_FIELDS,
    Client,
    ClientBilling,
    Invoice,
    InvoiceLine,
    InvoiceLineRecord,
    InvoiceNumberSequence,
    OneOffCharge,
    Order,
    Picklist,
    PicklistLine,
    Product,
    RateCard,
    Receipt,
    ReceiptLine,
    Return,
    Shipment,
    ShipmentRate,
    Stock,
    StorageSnapshot,
    utcnow,
)
from fulfilment.services import customer_report
from fulfilment.services.actors import client_language, describe_actor
from fulfilment.services.errors import DomainError, NotFound, ValidationFailed
from fulfilment.services.spreadsheets import Column, Spreadsheet, export_filename, write_workbook

CENT = Decimal("0.01")
RATE_PLACES = Decimal("0.0001")
MAX_RATE = Decimal("999999.9999")
MAX_QUANTITY = 10_000_000
DEFAULT_VAT_RATE = Decimal("21.00")
NUMBER_SEQUENCE = "invoice"
NUMBER_PREFIX = "INV"

RATE_LABELS = dict(RATE_FIELDS)
# Each rate as a refusal names it (the rate card's fields, models.RATE_FIELDS).
RATE_NAMES = {
    "per_order": _l("Order handled"),
    "per_picklist_line": _l("Picklist line"),
    "per_unit_picked": _l("Unit picked"),
    "per_shipment": _l("Shipment (when no carrier/country rule matches)"),
    "per_receipt_line": _l("Receipt line"),
    "per_unit_received": _l("Unit received"),
    "per_return": _l("Return"),
    "storage_per_location_day": _l("Stock position per day"),
    "storage_per_unit_day": _l("Unit in storage per day"),
}
KIND_LABELS = {
    "per_order": _l("Orders handled"),
    "per_picklist_line": _l("Picklist lines"),
    "per_unit_picked": _l("Units picked"),
    "per_shipment": _l("Shipments"),
    "per_receipt_line": _l("Receipt lines"),
    "per_unit_received": _l("Units received"),
    "per_return": _l("Returns"),
    "storage_per_location_day": _l("Storage: stock positions × days"),
    "storage_per_unit_day": _l("Storage: units × days"),
    "one_off": _l("One-off charge"),
    "manual": _l("Added by hand"),
}


class InvoiceLocked(DomainError):
    """Changing an issued invoice: it never changes."""

    http_status = 409
    api_code = 21
    default_message = _l("This invoice has been issued and can no longer be changed; add a correction to a new "
                         "draft.")


# --- money ----------------------------------------------------------------------------------


def line_amount(quantity, unit_price):
    """quantity × unit price, rounded half up to cents: the one rounding rule of a line."""
    return (Decimal(quantity) * Decimal(unit_price)).quantize(CENT, rounding=ROUND_HALF_UP)


def totals(amounts, vat_rate):
    """(subtotal, VAT, total) of line amounts: the sum, then VAT rounded half up to cents once."""
    subtotal = sum((Decimal(a) for a in amounts), Decimal("0.00")).quantize(CENT)
    vat = (subtotal * Decimal(vat_rate) / 100).quantize(CENT, rounding=ROUND_HALF_UP)
    return subtotal, vat, subtotal + vat


def clean_rate(value, label=None, allow_negative=False):
    """A price per unit as a Decimal with at most four decimals; refused when not a number.

    ``label`` names the price in the refusal, in the reader's language (default: "Rate")."""
    label = label or _("Rate")
    if isinstance(value, bool):
        raise ValidationFailed(_("%(field)s must be a number.", field=label))
    try:
        amount = Decimal(str(value).strip().replace(",", ".")) if value not in (None, "") else Decimal("0")
    except (InvalidOperation, ValueError):
        raise ValidationFailed(_("%(field)s must be a number, e.g. 0.35.", field=label)) from None
    if not amount.is_finite() or abs(amount) > MAX_RATE:
        raise ValidationFailed(_("%(field)s must be a number up to %(maximum)s.", field=label,
                                 maximum=format_decimal(MAX_RATE, "0.0000")))
    if amount < 0 and not allow_negative:
        raise ValidationFailed(_("%(field)s cannot be negative.", field=label))
    if amount != amount.quantize(RATE_PLACES):
        raise ValidationFailed(_("%(field)s has at most four decimals.", field=label))
    return amount.quantize(RATE_PLACES)


def clean_quantity(value):
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_QUANTITY:
        raise ValidationFailed(_("Quantity must be a whole number from 1 to %(maximum)s.",
                                 maximum=format_number(MAX_QUANTITY)))
    return value


def clean_vat_rate(value):
    rate = clean_rate(value, _("VAT rate"))
    if rate > 100 or rate != rate.quantize(CENT):
        raise ValidationFailed(_("VAT rate is a percentage from 0 to 100 with at most two decimals."))
    return rate.quantize(CENT)


def _clean_text(value, label, required=True, max_length=255):
    """The text stripped; ``label`` names the field in the refusal, in the reader's language."""
    text = (value or "").strip()
    if required and not text:
        raise ValidationFailed(_("%(field)s is required.", field=label))
    if len(text) > max_length:
        raise ValidationFailed(_("%(field)s is at most %(maximum)s characters.", field=label, maximum=max_length))
    return text


# --- rate cards -----------------------------------------------------------------------------


def default_rate_card():
    """The card new clients (and clients without a card of their own) are billed with, or None."""
    return RateCard.select().where(RateCard.is_default == True).order_by(RateCard.id).first()  # noqa: E712


def billing_of(client):
    """The client's billing terms row, or None when it has none (default card, default VAT)."""
    return ClientBilling.get_or_none(ClientBilling.client == client)


def rate_card_for(client):
    terms = billing_of(client)
    if terms is not None and terms.rate_card_id is not None:
        return RateCard.get_by_id(terms.rate_card_id)
    return default_rate_card()


def vat_rate_for(client):
    terms = billing_of(client)
    return terms.vat_rate if terms is not None else DEFAULT_VAT_RATE


def save_rate_card(card=None, *, name, is_default=False, actor=None, **rates):
    """Create or change a rate card; making it the default takes that from the previous default card."""
    name = _clean_text(name, _("Name"))
    unknown = set(rates) - set(RATE_LABELS)
    if unknown:
        raise ValidationFailed(_("Unknown rate %(rate)s.", rate=repr(sorted(unknown)[0])))
    values = {key: clean_rate(value, RATE_NAMES[key]) for key, value in rates.items()}
    with write_transaction():
        clash = RateCard.select().where(RateCard.name == name)
        if card is not None:
            clash = clash.where(RateCard.id != card.id)
        if clash.exists():
            raise ValidationFailed(_("A rate card called %(name)s already exists.", name=repr(name)))
        if is_default:
            RateCard.update(is_default=False).where(RateCard.is_default == True).execute()  # noqa: E712
        if card is None:
            card = RateCard.create(name=name, is_default=bool(is_default), **values)
        else:
            card.name, card.is_default, card.updated_at = name, bool(is_default), utcnow()
            for key, value in values.items():
                setattr(card, key, value)
            card.save()
        return card


def set_shipment_rate(card, carrier="", country="", price=0):
    """Price shipments of carrier to country on card (empty carrier or country: any); replaces the same rule."""
    carrier = _clean_text(carrier, _("Carrier"), required=False)
    country = _clean_text(country, _("Country"), required=False, max_length=2).upper()
    if country and (len(country) != 2 or not country.isalpha()):
        raise ValidationFailed(_("Country is a two-letter code such as NL, or empty for any country."))
    price = clean_rate(price, _("Shipment price"))
    with write_transaction():
        rule = ShipmentRate.get_or_none((ShipmentRate.rate_card == card) & (ShipmentRate.carrier == carrier)
                                        & (ShipmentRate.country == country))
        if rule is None:
            return ShipmentRate.create(rate_card=card, carrier=carrier, country=country, price=price)
        rule.price = price
        rule.save()
        return rule


def change_shipment_rate(rule, carrier="", country="", price=0):
    """Change a shipment price rule (its carrier, country or price) in one transaction."""
    with write_transaction():
        card = RateCard.get_by_id(rule.rate_card_id)
        ShipmentRate.delete().where(ShipmentRate.id == rule.id).execute()
        return set_shipment_rate(card, carrier, country, price)


def remove_shipment_rate(rule):
    with write_transaction():
        rule.delete_instance()


def shipment_rules(card):
    """{(carrier lower-cased, country): price} of a card."""
    return {(rule.carrier.strip().lower(), rule.country.upper()): rule.price
            for rule in ShipmentRate.select().where(ShipmentRate.rate_card == card)}


def shipment_price(card, rules, carrier, country):
    """The price of one shipment: carrier and country, then carrier to any country, then any carrier to the
    country, then any carrier anywhere, then the card's per_shipment rate."""
    carrier, country = (carrier or "").strip().lower(), (country or "").upper()
    for key in ((carrier, country), (carrier, ""), ("", country), ("", "")):
        if key in rules:
            return rules[key]
    return card.per_shipment


def set_client_billing(client, rate_card=None, vat_rate=DEFAULT_VAT_RATE):
    """Set a client's rate card (None: the default card) and VAT rate."""
    vat_rate = clean_vat_rate(vat_rate)
    with write_transaction():
        ClientBilling.insert(client=client, vat_rate=vat_rate).on_conflict_ignore().execute()
        ClientBilling.update(rate_card=rate_card, vat_rate=vat_rate, updated_at=utcnow()).where(
            ClientBilling.client == client).execute()
        return ClientBilling.get(ClientBilling.client == client)


# --- one-off charges ------------------------------------------------------------------------


def add_one_off_charge(client, description, quantity, unit_price, charge_date, actor=None):
    """A charge staff add by hand; it is billed in the period its date falls in."""
    description = _clean_text(description, _("Description"))
    quantity = clean_quantity(quantity)
    unit_price = clean_rate(unit_price, _("Unit price"), allow_negative=True)
    if not isinstance(charge_date, date):
        raise ValidationFailed(_("A one-off charge needs a date."))
    with write_transaction():
        return OneOffCharge.create(client=client, description=description, quantity=quantity,
                                   unit_price=unit_price, charge_date=charge_date, created_by=describe_actor(actor))


# --- storage snapshots ----------------------------------------------------------------------


def today_utc():
    return utcnow().date()


def take_storage_snapshots(day=None):
    """Record every active client's storage for day (default today, UTC): stock positions, products, units.

    Taken once per client and day: a second run that day keeps the first snapshot (it may already
    be on an invoice). Returns the number of snapshots written.
    """
    day = day or today_utc()
    figures = {
        client_id: (positions, products, units)
        for client_id, positions, products, units in (
            Stock.select(Stock.client, fn.COUNT(Stock.id), fn.COUNT(Stock.product.distinct()), fn.SUM(Stock.stock))
            .where(Stock.stock > 0).group_by(Stock.client).tuples()
        )
    }
    with write_transaction():
        before = StorageSnapshot.select().where(StorageSnapshot.day == day).count()
        for (client_id,) in Client.select(Client.id).where(Client.active == True).order_by(Client.id).tuples():  # noqa: E712
            positions, products, units = figures.get(client_id, (0, 0, 0))
            StorageSnapshot.insert(client=client_id, day=day, positions=positions, products=products,
                                   units=int(units or 0)).on_conflict_ignore().execute()
        return StorageSnapshot.select().where(StorageSnapshot.day == day).count() - before


# --- billing runs ---------------------------------------------------------------------------


@dataclass
class Charge:
    """A charge line before it is written: what, how many, at what price, counting which records."""

    kind: str
    description: str
    unit_price: Decimal
    records: list = field(default_factory=list)  # (record_type, record_id, label, quantity, link_type, link_id)
    quantity: int = 0

    def add(self, record_type, record_id, label, quantity=1, link_type="", link_id=None):
        self.records.append((record_type, record_id, label, quantity, link_type, link_id))
        self.quantity += quantity


def _unbilled(kind, record_type, id_field):
    """Records of record_type not yet charged for kind, on any invoice."""
    billed = InvoiceLineRecord.select(InvoiceLineRecord.record_id).where(
        (InvoiceLineRecord.kind == kind) & (InvoiceLineRecord.record_type == record_type))
    return id_field.not_in(billed)


def compute_charges(client, period, card):
    """The charges of client's unbilled records in period, priced with card (lines at rate 0 left out),
    described in the client's language."""
    with force_locale(client_language(client)):
        return _compute_charges(client, period, card)


def _compute_charges(client, period, card):
    charges = []
    report = customer_report

    def priced(kind, description, unit_price):
        charge = Charge(kind, str(description), unit_price)
        charges.append(charge)
        return charge

    # Orders handled: an order counts once, in the period its first picklist is closed.
    if card.per_order:
        charge = priced("per_order", KIND_LABELS["per_order"], card.per_order)
        orders = (report.closed_picklists(client, period)
                  .select(Order.id, Order.number).join(Order, on=(Picklist.order == Order.id))
                  .where(_unbilled("per_order", "order", Order.id)).distinct().order_by(Order.id).tuples())
        for order_id, number in orders:
            charge.add("order", order_id, number, 1, "order", order_id)

    lines = None
    if card.per_picklist_line or card.per_unit_picked:
        lines = list(report.picklist_lines_in(client, period)
                     .select(PicklistLine.id, PicklistLine.amount_picked, Picklist.id, Picklist.number,
                             Product.product_code)
                     .join_from(PicklistLine, Product).order_by(PicklistLine.id).tuples())
    if card.per_picklist_line:
        charge = priced("per_picklist_line", KIND_LABELS["per_picklist_line"], card.per_picklist_line)
        unbilled = _unbilled_ids("per_picklist_line", "picklist_line", [row[0] for row in lines])
        for line_id, _picked, picklist_id, number, code in lines:
            if line_id in unbilled:
                charge.add("picklist_line", line_id, f"{number} {code}", 1, "shipment", picklist_id)
    if card.per_unit_picked:
        charge = priced("per_unit_picked", KIND_LABELS["per_unit_picked"], card.per_unit_picked)
        unbilled = _unbilled_ids("per_unit_picked", "picklist_line", [row[0] for row in lines])
        for line_id, picked, picklist_id, number, code in lines:
            if line_id in unbilled and picked > 0:
                charge.add("picklist_line", line_id, f"{number} {code}", picked, "shipment", picklist_id)

    rules = shipment_rules(card)
    groups = {}
    shipments = (report.shipments_in(client, period)
                 .select(Shipment.id, Shipment.carrier, Shipment.tracking_code, Picklist.id, Picklist.number,
                         Picklist.delivery_country)
                 .where(_unbilled("per_shipment", "shipment", Shipment.id)).order_by(Shipment.id).tuples())
    for shipment_id, carrier, tracking, picklist_id, number, country in shipments:
        price = shipment_price(card, rules, carrier, country)
        if not price:
            continue
        key = (carrier.strip(), (country or "").upper(), price)
        if key not in groups:
            groups[key] = priced("per_shipment", _("Shipments %(carrier)s to %(country)s",
                                                   carrier=carrier or _("(no carrier)"),
                                                   country=country or _("(no country)")), price)
        groups[key].add("shipment", shipment_id, f"{number} {carrier} {tracking}".strip(), 1, "shipment", picklist_id)

    received = None
    if card.per_receipt_line or card.per_unit_received:
        received = list(report.receipt_lines_in(client, period)
                        .select(ReceiptLine.id, ReceiptLine.amount, Receipt.number, Receipt.purchase_order,
                                Product.product_code)
                        .join_from(ReceiptLine, Product).order_by(ReceiptLine.id).tuples())
    for kind in ("per_receipt_line", "per_unit_received"):
        if not getattr(card, kind):
            continue
        charge = priced(kind, KIND_LABELS[kind], getattr(card, kind))
        unbilled = _unbilled_ids(kind, "receipt_line", [row[0] for row in received])
        for line_id, amount, number, purchase_order_id, code in received:
            if line_id in unbilled:
                charge.add("receipt_line", line_id, f"{number} {code}", amount if kind == "per_unit_received" else 1,
                           "purchase_order", purchase_order_id)

    if card.per_return:
        charge = priced("per_return", KIND_LABELS["per_return"], card.per_return)
        for return_id, number in (report.completed_returns(client, period).select(Return.id, Return.number)
                                  .where(_unbilled("per_return", "return", Return.id)).order_by(Return.id).tuples()):
            charge.add("return", return_id, number, 1, "return", return_id)

    in_words = {
        "positions": lambda day, n: ngettext("%(day)s: %(num)s position", "%(day)s: %(num)s positions", n, day=day),
        "units": lambda day, n: ngettext("%(day)s: %(num)s unit", "%(day)s: %(num)s units", n, day=day),
    }
    for kind, figure in (("storage_per_location_day", "positions"), ("storage_per_unit_day", "units")):
        if not getattr(card, kind):
            continue
        charge = priced(kind, KIND_LABELS[kind], getattr(card, kind))
        snapshots = (StorageSnapshot.for_client(client)
                     .select(StorageSnapshot.id, StorageSnapshot.day, getattr(StorageSnapshot, figure))
                     .where((StorageSnapshot.day >= period.start) & (StorageSnapshot.day <= period.end)
                            & _unbilled(kind, "storage_snapshot", StorageSnapshot.id))
                     .order_by(StorageSnapshot.day).tuples())
        for snapshot_id, day, amount in snapshots:
            if amount:
                charge.add("storage_snapshot", snapshot_id, in_words[figure](f"{day:%Y-%m-%d}", amount), amount)

    for charge_id, description, quantity, unit_price, day in (
            OneOffCharge.for_client(client)
            .select(OneOffCharge.id, OneOffCharge.description, OneOffCharge.quantity, OneOffCharge.unit_price,
                    OneOffCharge.charge_date)
            .where((OneOffCharge.charge_date >= period.start) & (OneOffCharge.charge_date <= period.end)
                   & _unbilled("one_off", "one_off_charge", OneOffCharge.id))
            .order_by(OneOffCharge.charge_date, OneOffCharge.id).tuples()):
        charge = priced("one_off", description, unit_price)
        charge.add("one_off_charge", charge_id, f"{day:%Y-%m-%d} {description}", quantity)

    return [charge for charge in charges if charge.quantity and charge.unit_price]


def _unbilled_ids(kind, record_type, ids):
    """The ids among ids not yet charged for kind (looked up in chunks, so any number of ids works)."""
    billed = set()
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        billed |= {record_id for (record_id,) in InvoiceLineRecord.select(InvoiceLineRecord.record_id).where(
            (InvoiceLineRecord.kind == kind) & (InvoiceLineRecord.record_type == record_type)
            & InvoiceLineRecord.record_id.in_(chunk)).tuples()}
    return set(ids) - billed


def _lock_client(client):
    """Serialise billing runs and issuing per client (PostgreSQL row lock; SQLite's write lock)."""
    return locked(Client.select().where(Client.id == client.id)).get()


def run_billing(client, period, actor=None):
    """Compute client's draft invoice for period: replace the draft's computed lines, keep lines staff added.

    Records already on any invoice (issued, or kept on this or another draft) are not charged
    again. Refused when there is no rate card for the client. Returns the draft.
    """
    card = rate_card_for(client)
    if card is None:
        raise ValidationFailed(_("%(client)s has no rate card and there is no default rate card; create one "
                                 "(Billing → Rate cards) first.", client=client.name))
    with write_transaction():
        client = _lock_client(client)
        # Locked: an issue of this draft running now either finishes first (then the draft is no
        # longer one and a new draft starts) or waits until this run is done.
        draft = locked(Invoice.for_client(client)
                       .where((Invoice.status == "draft") & (Invoice.period_start == period.start)
                              & (Invoice.period_end == period.end)).order_by(Invoice.id)).first()
        if draft is None:
            draft = Invoice.create(client=client, period_start=period.start, period_end=period.end,
                                   vat_rate=vat_rate_for(client))
        computed = InvoiceLine.select(InvoiceLine.id).where((InvoiceLine.invoice == draft) & InvoiceLine.computed)
        InvoiceLineRecord.delete().where(InvoiceLineRecord.line.in_(computed)).execute()
        InvoiceLine.delete().where((InvoiceLine.invoice == draft) & InvoiceLine.computed).execute()
        for position, charge in enumerate(compute_charges(client, period, card), start=1):
            _write_line(draft, charge, position, computed=True)
        draft.rate_card_name = card.name
        draft.vat_rate = vat_rate_for(client)
        draft.computed_at = utcnow()
        _refresh_totals(draft)
        return draft


def run_billing_for_all(period, actor=None):
    """Run billing for period for every active client; returns {client name: draft or the refusal's message}."""
    results = {}
    for client in Client.select().where(Client.active == True).order_by(Client.name):  # noqa: E712
        try:
            results[client.name] = run_billing(client, period, actor)
        except DomainError as error:
            results[client.name] = error.message
    return results


def _write_line(invoice, charge, position, computed):
    line = InvoiceLine.create(
        client=invoice.client_id, invoice=invoice, kind=charge.kind, description=charge.description[:255],
        quantity=charge.quantity, unit_price=charge.unit_price, amount=line_amount(charge.quantity, charge.unit_price),
        computed=computed, position=position,
    )
    rows = [{"client": invoice.client_id, "line": line.id, "kind": charge.kind, "record_type": record_type,
             "record_id": record_id, "label": (label or "")[:255], "quantity": quantity, "link_type": link_type,
             "link_id": link_id}
            for record_type, record_id, label, quantity, link_type, link_id in charge.records]
    for start in range(0, len(rows), 200):
        InvoiceLineRecord.insert_many(rows[start:start + 200]).execute()
    return line


def _refresh_totals(invoice):
    amounts = [amount for (amount,) in InvoiceLine.select(InvoiceLine.amount)
               .where(InvoiceLine.invoice == invoice).tuples()]
    invoice.subtotal, invoice.vat_amount, invoice.total = totals(amounts, invoice.vat_rate)
    invoice.updated_at = utcnow()
    invoice.save()
    return invoice


# --- adjusting a draft ----------------------------------------------------------------------


def _lock_draft(invoice):
    """Lock the client's row, then the invoice's, and check it is still a draft; an issued one refuses changes.

    Every writer of invoices locks in this order (client, then invoice), as billing runs do: rows
    written with a foreign key to the client wait for a billing run's client lock, so taking the
    invoice first could deadlock against a run.
    """
    client_id = Invoice.select(Invoice.client).where(Invoice.id == invoice.id).scalar()
    if client_id is None:
        raise NotFound(_("Invoice not found."))
    _lock_client(Client(id=client_id))
    invoice = locked(Invoice.select().where(Invoice.id == invoice.id)).first()
    if invoice is None:
        raise NotFound(_("Invoice not found."))
    if invoice.status != "draft":
        raise InvoiceLocked(_("Invoice %(number)s has been issued and can no longer be changed; add a correction "
                              "to a new draft.", number=invoice.number))
    return invoice


def add_line(invoice, description, quantity, unit_price, actor=None):
    """Add a line by hand to a draft (a negative price credits); a re-run keeps it."""
    description = _clean_text(description, _("Description"))
    quantity = clean_quantity(quantity)
    unit_price = clean_rate(unit_price, _("Unit price"), allow_negative=True)
    with write_transaction():
        invoice = _lock_draft(invoice)
        position = (InvoiceLine.select(fn.MAX(InvoiceLine.position)).where(InvoiceLine.invoice == invoice)
                    .scalar() or 0) + 1
        line = _write_line(invoice, Charge("manual", description, unit_price, quantity=quantity), position,
                           computed=False)
        _refresh_totals(invoice)
        return line


def update_line(line, description=None, quantity=None, unit_price=None, actor=None):
    """Change a draft's line; a computed line changed by hand is kept by re-runs (with its records)."""
    with write_transaction():
        invoice = _lock_draft(Invoice(id=line.invoice_id))
        line = InvoiceLine.get_by_id(line.id)
        if description is not None:
            line.description = _clean_text(description, _("Description"))
        if quantity is not None:
            line.quantity = clean_quantity(quantity)
        if unit_price is not None:
            line.unit_price = clean_rate(unit_price, _("Unit price"), allow_negative=True)
        line.amount = line_amount(line.quantity, line.unit_price)
        line.computed = False
        line.save()
        _refresh_totals(invoice)
        return line


def remove_line(line, actor=None):
    """Remove a line from a draft; its records are free to be billed again (a re-run charges them again)."""
    with write_transaction():
        invoice = _lock_draft(Invoice(id=line.invoice_id))
        InvoiceLine.delete().where(InvoiceLine.id == line.id).execute()
        _refresh_totals(invoice)
        return invoice


def delete_draft(invoice, actor=None):
    """Throw a draft away (its records become billable again); an issued invoice is refused."""
    with write_transaction():
        invoice = _lock_draft(invoice)
        invoice.delete_instance(recursive=True)


# --- issuing --------------------------------------------------------------------------------


def next_invoice_number():
    """Take the next number of the sequence inside the caller's transaction.

    The UPDATE takes the sequence row's lock on PostgreSQL (a concurrent issue waits for this
    transaction to end) and SQLite's write transaction already runs alone, so two invoices can
    never get the same number; a transaction that rolls back gives its number back (no gaps).
    """
    if not database.in_transaction():
        raise RuntimeError("next_invoice_number must run inside the issuing transaction")
    InvoiceNumberSequence.insert(name=NUMBER_SEQUENCE, last_value=0).on_conflict_ignore().execute()
    InvoiceNumberSequence.update(last_value=InvoiceNumberSequence.last_value + 1).where(
        InvoiceNumberSequence.name == NUMBER_SEQUENCE).execute()
    value = InvoiceNumberSequence.select(InvoiceNumberSequence.last_value).where(
        InvoiceNumberSequence.name == NUMBER_SEQUENCE).scalar()
    return f"{NUMBER_PREFIX}{value:06d}"


def issue_invoice(invoice, actor=None):
    """Issue a draft: it gets the next invoice number and never changes again. An empty draft is refused."""
    with write_transaction():
        invoice = _lock_draft(invoice)
        if not InvoiceLine.select().where(InvoiceLine.invoice == invoice).exists():
            raise ValidationFailed(_("This draft has no lines; there is nothing to invoice."))
        _refresh_totals(invoice)
        invoice.number = next_invoice_number()
        invoice.status = "issued"
        invoice.issued_at = utcnow()
        invoice.issued_by = describe_actor(actor)
        invoice.save()
        return invoice


# --- reading --------------------------------------------------------------------------------


def invoice_lines(invoice):
    return list(InvoiceLine.select().where(InvoiceLine.invoice == invoice)
                .order_by(InvoiceLine.position, InvoiceLine.id))


def line_records(line, limit=None):
    query = (InvoiceLineRecord.select().where(InvoiceLineRecord.line == line)
             .order_by(InvoiceLineRecord.record_type, InvoiceLineRecord.record_id))
    return list(query.limit(limit) if limit else query)


def record_counts(invoice):
    """{line id: number of records} of an invoice's lines, in one query."""
    return dict(InvoiceLineRecord.select(InvoiceLineRecord.line, fn.COUNT(InvoiceLineRecord.id))
                .join(InvoiceLine).where(InvoiceLine.invoice == invoice)
                .group_by(InvoiceLineRecord.line).tuples())


def issued_invoices(client):
    """The invoices a client may see: issued ones only, newest first."""
    return Invoice.for_client(client).where(Invoice.status == "issued").order_by(Invoice.issued_at.desc(),
                                                                                  Invoice.id.desc())


def invoice_columns():
    return [
        Column(_("Description"), itemgetter("description")),
        Column(_("Quantity"), itemgetter("quantity")),
        Column(_("Unit price"), itemgetter("unit_price")),
        Column(pgettext("money", "Amount"), itemgetter("amount"), money=True),
        Column(_("Records"), itemgetter("records")),
    ]


def export_invoice(invoice, today=None, max_labels=1000):
    """An invoice as an .xlsx file in the client's language: its lines (with the records each counts),
    subtotal, VAT and total."""
    with force_locale(client_language(invoice.client_id)):
        return _export_invoice(invoice, today, max_labels)


def _export_invoice(invoice, today, max_labels):
    import tempfile

    labels = defaultdict(list)
    for line_id, label in (InvoiceLineRecord.select(InvoiceLineRecord.line, InvoiceLineRecord.label)
                           .join(InvoiceLine).where(InvoiceLine.invoice == invoice)
                           .order_by(InvoiceLineRecord.line, InvoiceLineRecord.id).tuples()):
        if len(labels[line_id]) < max_labels:
            labels[line_id].append(label)
    rows = [{"description": line.description, "quantity": line.quantity, "unit_price": line.unit_price,
             "amount": line.amount, "records": ", ".join(labels.get(line.id, []))} for line in invoice_lines(invoice)]
    rows += [
        {"description": _("Subtotal"), "quantity": None, "unit_price": None, "amount": invoice.subtotal,
         "records": ""},
        {"description": _("VAT %(rate)s%%", rate=invoice.vat_rate), "quantity": None, "unit_price": None,
         "amount": invoice.vat_amount, "records": ""},
        {"description": _("Total"), "quantity": None, "unit_price": None, "amount": invoice.total, "records": ""},
    ]
    # The file outlives this function: the returned Spreadsheet owns it (its close() deletes it).
    target = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115
    try:
        written = write_workbook(target, _("Invoice %(number)s", number=invoice), invoice_columns(), rows)
    except BaseException:
        target.close()
        raise
    target.seek(0)
    return Spreadsheet(filename=export_filename(_("invoice %(number)s", number=invoice), today), file=target,
                       rows=written)


def previous_month(today=None):
    """The calendar month before today's: the period a monthly billing run covers."""
    today = today or today_utc()
    return customer_report.month_period(today.replace(day=1) - timedelta(days=1))
