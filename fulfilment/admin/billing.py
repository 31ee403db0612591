"""Billing in the back office: the customer report, rate cards, billing terms, one-off charges, storage
snapshots, billing runs and invoices (check a draft, adjust its lines, issue it)."""

from datetime import date
from operator import itemgetter

from flask import abort, current_app, flash, redirect, request, url_for
from flask_admin import BaseView, expose
from flask_babel.speaklater import LazyString
from flask_login import current_user
from markupsafe import Markup
from wtforms import DateField, DecimalField, IntegerField, SelectField, StringField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange

from fulfilment.admin.base import (
    CLIENT_LOOKUP,
    ReadOnlyModelView,
    RecordAction,
    RelatedTable,
    StaffAccessMixin,
    StaffForm,
    StaffModelView,
)
from fulfilment.downloads import spreadsheet_response
from fulfilment.formatting import format_date, format_money, format_percent, format_rate
from fulfilment.i18n import _, _l, lazy_pgettext, ngettext, pgettext
from fulfilment.models import (
    RATE_FIELDS,
    Client,
    ClientBilling,
    Invoice,
    InvoiceLine,
    InvoiceLineRecord,
    InvoiceNumberSequence,
    OneOffCharge,
    RateCard,
    ShipmentRate,
    StorageSnapshot,
)
from fulfilment.services import billing, customer_report
from fulfilment.services.errors import DomainError

DETAILS_SHOWN = 200
RECORDS_SHOWN = 500
# Where a charged record is shown in the back office: link_type -> Flask-Admin endpoint.
ADMIN_LINKS = {"order": "order.details_view", "shipment": "picklist.details_view",
               "purchase_order": "purchaseorder.details_view", "return": "return.details_view"}
# The billing tables' column names (a view adds or overrides its own).
COLUMN_LABELS = {
    "client": _l("Client"), "name": _l("Name"), "number": _l("Number"), "status": _l("Status"),
    "description": _l("Description"), "quantity": _l("Quantity"), "unit_price": _l("Unit price"),
    "amount": lazy_pgettext("money", "Amount"),
    "kind": _l("Kind"), "computed": _l("Computed"), "position": _l("Position"),
    "invoice": _l("Invoice"), "line": _l("Line"), "record_type": _l("Record type"), "record_id": _l("Record ID"),
    "label": _l("Label"), "link_type": _l("Link type"), "link_id": _l("Link ID"), "rate_card": _l("Rate card"),
    "rate_card_name": _l("Rate card name"), "vat_rate": _l("VAT rate"), "subtotal": _l("Subtotal"),
    "vat_amount": _l("VAT"), "total": _l("Total"), "carrier": _l("Carrier"), "country": _l("Country"),
    "price": _l("Price"), "charge_date": _l("Charge date"), "day": _l("Day"), "products": _l("Products"),
    "units": _l("Units"), "taken_at": _l("Taken at"), "created_by": _l("Created by"), "created_at": _l("Created at"),
    "updated_at": _l("Updated at"), "computed_at": _l("Computed at"), "issued_at": _l("Issued at"),
    "issued_by": _l("Issued by"),
}


def _actor():
    return current_user._get_current_object()


def record_link(record):
    """The record's label, linked to its page in the back office where it has one."""
    endpoint = ADMIN_LINKS.get(record.link_type)
    if endpoint is None or record.link_id is None:
        return record.label
    return Markup('<a href="{}">{}</a>').format(url_for(endpoint, id=record.link_id), record.label)


# --- the customer report --------------------------------------------------------------------


class PeriodForm(StaffForm):
    class Meta:
        csrf = False  # a GET form: it changes nothing

    client = SelectField(_l("Client"), coerce=int, validators=[InputRequired()])
    start = DateField(_l("First day"), validators=[InputRequired()])
    end = DateField(_l("Last day"), validators=[InputRequired()])


def _period_form(args):
    form = PeriodForm(args)
    form.client.choices = [(c.id, c.name) for c in Client.select(Client.id, Client.name).order_by(Client.name)]
    month = customer_report.month_period(billing.today_utc())
    if not args.get("start"):
        form.start.data = month.start
    if not args.get("end"):
        form.end.data = month.end
    return form


class CustomerReportView(StaffAccessMixin, BaseView):
    """Picqer's fulfilment customer report: per client and period, with the records behind each figure."""

    def _selection(self):
        """(form, client, period, error) from the query string; client is None until one is chosen."""
        form = _period_form(request.args)
        if not request.args.get("client"):
            return form, None, None, None
        if not form.validate():
            return form, None, None, _("Choose a client and two dates.")
        client = Client.get_or_none(Client.id == form.client.data)
        if client is None:
            abort(404)
        try:
            period = customer_report.make_period(form.start.data, form.end.data)
        except DomainError as error:
            return form, None, None, error.message
        return form, client, period, None

    @expose("/")
    def index(self):
        form, client, period, error = self._selection()
        if error:
            flash(error, "error")
        report = customer_report.build_report(client, period) if client is not None else None
        which = request.args.get("details", "")
        rows = []
        if report is not None and which in customer_report.DETAILS:
            rows = list(customer_report.details(client, period, which).limit(DETAILS_SHOWN + 1))
        return self.render("admin/customer_report.html", form=form, report=report, which=which,
                           rows=rows[:DETAILS_SHOWN], more=len(rows) > DETAILS_SHOWN, limit=DETAILS_SHOWN,
                           args=request.args.to_dict())

    @expose("/export")
    def export(self):
        form, client, period, error = self._selection()
        if client is None:
            flash(error or _("Choose a client first."), "error")
            return redirect(url_for(".index", **request.args.to_dict()))
        return spreadsheet_response(customer_report.export_report(client, period))

    @expose("/details-export")
    def details_export(self):
        form, client, period, error = self._selection()
        which = request.args.get("details", "")
        if client is None or which not in customer_report.DETAILS:
            flash(error or _("Choose a client and a list first."), "error")
            return redirect(url_for(".index", **request.args.to_dict()))
        try:
            spreadsheet = customer_report.export_details(client, period, which,
                                                         max_rows=current_app.config["EXPORT_MAX_ROWS"])
        except DomainError as error:
            flash(error.message, "error")
            return redirect(url_for(".index", **request.args.to_dict()))
        return spreadsheet_response(spreadsheet)


# --- rate cards and billing terms -----------------------------------------------------------

RATE_NAMES = [name for name, _label in RATE_FIELDS]


def _capitalized(label):
    return str(label).capitalize()


class RateCardView(StaffModelView):
    column_list = ("id", "name", "is_default", *RATE_NAMES)
    column_labels = {**COLUMN_LABELS, "is_default": _l("Default for new clients"),
                     **{name: LazyString(_capitalized, label) for name, label in RATE_FIELDS}}
    column_searchable_list = ("name",)
    column_default_sort = "name"
    form_columns = ("name", "is_default", *RATE_NAMES)
    column_descriptions = {"per_shipment": _l("Used when no carrier/country rule of this card matches the shipment.")}

    def related_tables(self, card):
        return [RelatedTable(_("Shipment prices by carrier and country (empty: any)"),
                             [(_("Carrier"), lambda r: r.carrier or _("any")),
                              (_("Country"), lambda r: r.country or _("any")),
                              (_("Price"), lambda r: format_money(r.price))],
                             list(ShipmentRate.select().where(ShipmentRate.rate_card == card)
                                  .order_by(ShipmentRate.carrier, ShipmentRate.country)))]

    def create_model(self, form):
        return self.call_service(billing.save_rate_card, None, **self._values(form), actor=_actor())

    def update_model(self, form, model):
        return bool(self.call_service(billing.save_rate_card, model, **self._values(form), actor=_actor()))

    @staticmethod
    def _values(form):
        return {"name": form.name.data, "is_default": form.is_default.data,
                **{name: getattr(form, name).data for name in RATE_NAMES}}


class ShipmentRateView(StaffModelView):
    column_list = ("id", "rate_card", "carrier", "country", "price")
    column_labels = COLUMN_LABELS
    column_filters = (RateCard.name, "carrier", "country")
    column_descriptions = {"carrier": _l("Empty: any carrier"), "country": _l("Two letters; empty: any country")}
    form_columns = ("rate_card", "carrier", "country", "price")

    def create_model(self, form):
        return self.call_service(billing.set_shipment_rate, form.rate_card.data, form.carrier.data or "",
                                 form.country.data or "", form.price.data)

    def update_model(self, form, model):
        return bool(self.call_service(billing.change_shipment_rate, model, form.carrier.data or "",
                                      form.country.data or "", form.price.data))


class ClientBillingView(StaffModelView):
    column_list = ("id", "client", "rate_card", "vat_rate", "updated_at")
    column_labels = {**COLUMN_LABELS, "rate_card": _l("Rate card (empty: the default card)"), "vat_rate": _l("VAT %")}
    column_filters = (Client.name,)
    form_columns = ("client", "rate_card", "vat_rate")
    form_ajax_refs = {"client": CLIENT_LOOKUP}
    can_delete = False

    def create_model(self, form):
        return self.call_service(billing.set_client_billing, form.client.data, form.rate_card.data,
                                 form.vat_rate.data)

    def update_model(self, form, model):
        return bool(self.call_service(billing.set_client_billing, model.client, form.rate_card.data,
                                      form.vat_rate.data))


class OneOffChargeView(ReadOnlyModelView):
    can_create = True
    column_list = ("id", "client", "charge_date", "description", "quantity", "unit_price", "created_by")
    column_labels = COLUMN_LABELS
    column_filters = (Client.name, "charge_date")
    column_searchable_list = ("description",)
    column_default_sort = ("charge_date", True)
    form_columns = ("client", "description", "quantity", "unit_price", "charge_date")
    form_ajax_refs = {"client": CLIENT_LOOKUP}
    form_args = {"charge_date": {"default": date.today}}

    def create_model(self, form):
        return self.call_service(billing.add_one_off_charge, form.client.data, form.description.data,
                                 form.quantity.data, form.unit_price.data, form.charge_date.data, actor=_actor())


class StorageSnapshotView(ReadOnlyModelView):
    list_template = "admin/storage_snapshot_list.html"
    column_list = ("id", "client", "day", "positions", "products", "units", "taken_at")
    column_labels = {**COLUMN_LABELS, "positions": _l("Stock positions")}
    column_filters = (Client.name, "day")
    column_default_sort = ("day", True)

    @expose("/take", methods=["POST"])
    def take_snapshots(self):
        written = billing.take_storage_snapshots()
        if written:
            flash(ngettext("Today's storage snapshot taken for %(num)s client.",
                           "Today's storage snapshot taken for %(num)s clients.", written), "success")
        else:
            flash(_("Today's snapshots had already been taken; they are kept as they were."), "success")
        return redirect(url_for(".index_view"))


# --- billing runs and invoices --------------------------------------------------------------


class BillingRunForm(StaffForm):
    client = SelectField(_l("Client"), coerce=int, validators=[InputRequired()])
    start = DateField(_l("First day"), validators=[InputRequired()])
    end = DateField(_l("Last day"), validators=[InputRequired()])


class LineForm(StaffForm):
    description = StringField(_l("Description"), validators=[DataRequired(), Length(max=255)])
    quantity = IntegerField(_l("Quantity"), validators=[InputRequired(), NumberRange(1, billing.MAX_QUANTITY)],
                            default=1)
    unit_price = DecimalField(_l("Unit price"), places=4, validators=[InputRequired()],
                              description=_l("A negative price credits the client (a correction)."))


class InvoiceView(ReadOnlyModelView):
    column_list = ("id", "number", "client", "status", "period_start", "period_end", "subtotal", "vat_amount",
                   "total", "issued_at")
    column_labels = {**COLUMN_LABELS, "period_start": _l("From"), "period_end": _l("Until")}
    column_filters = (Client.name, "status", "period_start")
    column_searchable_list = ("number",)
    column_default_sort = ("id", True)
    record_actions = (
        RecordAction("add_line", _l("Add a line"), form_endpoint="invoice.line_form",
                     shown=lambda i: i.status == "draft"),
        RecordAction("rerun", _l("Run billing again"), lambda i, a: billing.run_billing(
            i.client, customer_report.make_period(i.period_start, i.period_end), a),
            success=_l("Computed lines replaced; lines added or changed by hand are kept."),
            confirm=_l("Replace the computed lines with a fresh run?"), shown=lambda i: i.status == "draft"),
        RecordAction("issue", _l("Issue invoice"), lambda i, a: billing.issue_invoice(i, a), style="primary",
                     success=_l("Invoice issued; the client sees it in the portal."),
                     confirm=_l("Issue this invoice? It gets the next number and can never be changed afterwards."),
                     shown=lambda i: i.status == "draft"),
        RecordAction("delete_draft", _l("Delete draft"), lambda i, a: billing.delete_draft(i, a), style="danger",
                     success=_l("Draft deleted."), confirm=_l("Delete this draft and its lines?"),
                     shown=lambda i: i.status == "draft"),
    )

    def related_tables(self, invoice):
        counts = billing.record_counts(invoice)
        lines = billing.invoice_lines(invoice)

        def line_link(line):
            return Markup('<a href="{}">{}</a>').format(url_for("invoiceline.details_view", id=line.id),
                                                         line.description)

        return [RelatedTable(_("Charge lines"), [
            (_("Description"), line_link), (_("Quantity"), "quantity"),
            (_("Unit price"), lambda line: format_rate(line.unit_price)),
            (pgettext("money", "Amount"), lambda line: format_money(line.amount)),
            (_("Records"), lambda line: counts.get(line.id, 0)),
            ("", lambda line: _("computed") if line.computed else _("by hand")),
        ], lines), RelatedTable(_("Totals"), [("", itemgetter(0)), ("", itemgetter(1))], [
            (_("Subtotal"), format_money(invoice.subtotal)),
            (_("VAT %(rate)s", rate=format_percent(invoice.vat_rate)), format_money(invoice.vat_amount)),
            (_("Total"), format_money(invoice.total))])]

    def details_url(self, record):
        # A deleted draft has no page any more: back to the list.
        if not Invoice.select().where(Invoice.id == record.id).exists():
            return url_for(".index_view")
        return super().details_url(record)

    @expose("/run/", methods=["GET", "POST"])
    def run_view(self):
        form = BillingRunForm(request.form if request.method == "POST" else None)
        form.client.choices = [(0, _("Every active client"))] + [
            (c.id, c.name) for c in Client.select(Client.id, Client.name).order_by(Client.name)]
        if request.method == "GET":
            previous = billing.previous_month()
            form.start.data, form.end.data = previous.start, previous.end
        if request.method == "POST" and form.validate():
            try:
                period = customer_report.make_period(form.start.data, form.end.data)
            except DomainError as error:
                flash(error.message, "error")
                return self.render_form_page(_("Run billing"), form, intro=self._run_intro)
            if form.client.data:
                client = Client.get_or_none(Client.id == form.client.data) or abort(404)
                draft = self.call_service(billing.run_billing, client, period, _actor())
                if draft:
                    flash(_("Draft for %(client)s computed: total %(total)s. Check it, then issue it.",
                            client=client.name, total=format_money(draft.total)), "success")
                    return redirect(self.details_url(draft))
            else:
                results = billing.run_billing_for_all(period, _actor())
                refused = {name: result for name, result in results.items() if isinstance(result, str)}
                flash(ngettext("%(num)s draft computed for %(start)s – %(end)s.",
                               "%(num)s drafts computed for %(start)s – %(end)s.", len(results) - len(refused),
                               start=format_date(period.start), end=format_date(period.end)), "success")
                for name, message in refused.items():
                    flash(_("%(client)s: %(message)s", client=name, message=message), "error")
                return redirect(url_for(".index_view"))
        return self.render_form_page(_("Run billing"), form, intro=self._run_intro)

    _run_intro = _l("Computes a draft invoice per client from the picklists, shipments, receipts, returns, storage "
                  "snapshots and one-off charges of the period, priced with the client's rate card. Running a period "
                  "again replaces the draft's computed lines; records already on an invoice are never charged twice.")

    @expose("/line/<int:record_id>", methods=["GET", "POST"])
    def line_form(self, record_id):
        invoice = self.get_one(record_id) or abort(404)
        if invoice.status != "draft":
            flash(billing.InvoiceLocked.default_message, "error")
            return redirect(self.details_url(invoice))
        form = LineForm(request.form if request.method == "POST" else None)
        if request.method == "POST" and form.validate() and self.call_service(
                billing.add_line, invoice, form.description.data, form.quantity.data, form.unit_price.data, _actor()):
            flash(_("Line added."), "success")
            return redirect(self.details_url(invoice))
        return self.render_form_page(_("Add a line to %(invoice)s", invoice=invoice), form, invoice)


class InvoiceLineView(ReadOnlyModelView):
    column_list = ("id", "invoice", "client", "kind", "description", "quantity", "unit_price", "amount", "computed")
    column_labels = COLUMN_LABELS
    column_filters = (Client.name, "kind")
    column_default_sort = ("id", True)
    record_actions = (
        RecordAction("edit_line", _l("Change line"), form_endpoint="invoiceline.line_form",
                     shown=lambda line: line.invoice.status == "draft"),
        RecordAction("remove", _l("Remove line"), lambda line, a: billing.remove_line(line, a), style="danger",
                     success=_l("Line removed."), confirm=_l("Remove this line from the draft?"),
                     shown=lambda line: line.invoice.status == "draft"),
    )

    def related_tables(self, line):
        records = billing.line_records(line, limit=RECORDS_SHOWN + 1)
        title = _("Records this line counts")
        if len(records) > RECORDS_SHOWN:
            title = _("Records this line counts (the first %(shown)s; Charged records lists them all, filterable and "
                      "exportable)", shown=RECORDS_SHOWN)
        return [RelatedTable(title, [(_("Record"), record_link), (_("Type"), "record_type"),
                                     (_("Quantity"), "quantity")], records[:RECORDS_SHOWN])]

    def details_url(self, record):
        # After removing a line its page is gone: go back to the invoice.
        if not InvoiceLine.select().where(InvoiceLine.id == record.id).exists():
            return url_for("invoice.details_view", id=record.invoice_id)
        return super().details_url(record)

    @expose("/line/<int:record_id>", methods=["GET", "POST"])
    def line_form(self, record_id):
        line = self.get_one(record_id) or abort(404)
        if line.invoice.status != "draft":
            flash(billing.InvoiceLocked.default_message, "error")
            return redirect(url_for("invoice.details_view", id=line.invoice_id))
        form = LineForm(request.form if request.method == "POST" else None, obj=line)
        if request.method == "POST" and form.validate() and self.call_service(
                billing.update_line, line, form.description.data, form.quantity.data, form.unit_price.data, _actor()):
            flash(_("Line changed; a re-run keeps it as it is now."), "success")
            return redirect(url_for("invoice.details_view", id=line.invoice_id))
        return self.render_form_page(_("Change a line of %(invoice)s", invoice=line.invoice), form, line)


class InvoiceLineRecordView(ReadOnlyModelView):
    column_list = ("id", "line", "client", "kind", "record_type", "record_id", "label", "quantity")
    column_labels = COLUMN_LABELS
    column_filters = (Client.name, "kind", "record_type")
    column_default_sort = ("id", True)


class InvoiceNumberSequenceView(ReadOnlyModelView):
    column_list = ("id", "name", "last_value")
    column_labels = {**COLUMN_LABELS, "last_value": _l("Last number given")}


def views():
    category = _l("Billing")
    return [
        CustomerReportView(name=_l("Customer report"), endpoint="customerreport", url="/admin/customer-report",
                           category=category),
        InvoiceView(Invoice, name=_l("Invoices"), category=category),
        InvoiceLineView(InvoiceLine, name=_l("Invoice lines"), category=category),
        InvoiceLineRecordView(InvoiceLineRecord, name=_l("Charged records"), category=category),
        RateCardView(RateCard, name=_l("Rate cards"), category=category),
        ShipmentRateView(ShipmentRate, name=_l("Shipment prices"), category=category),
        ClientBillingView(ClientBilling, name=_l("Client billing terms"), category=category),
        OneOffChargeView(OneOffCharge, name=_l("One-off charges"), category=category),
        StorageSnapshotView(StorageSnapshot, name=_l("Storage snapshots"), category=category),
        InvoiceNumberSequenceView(InvoiceNumberSequence, name=_l("Invoice numbers"), category=category),
    ]
