"""Invoices: the client's issued invoices, each charge line's records, and the invoice as an Excel file.

Drafts are the warehouse's work in progress: a client never sees one, not even by its id (404).
"""

from flask import render_template, url_for

from fulfilment.downloads import spreadsheet_response
from fulfilment.models import InvoiceLine, InvoiceLineRecord
from fulfilment.services import billing
from fulfilment.views.blueprint import bp
from fulfilment.views.listing import paginate
from fulfilment.views.scope import current_client, get_owned_or_404

# Where a charged record is shown in the portal: link_type -> (endpoint, URL argument).
PORTAL_LINKS = {"order": ("portal.order", "order_id"), "shipment": ("portal.shipment", "picklist_id"),
                "purchase_order": ("portal.purchase_order", "purchase_order_id"),
                "return": ("portal.return", "return_id")}


def _own_invoice(invoice_id):
    return get_owned_or_404(billing.issued_invoices(current_client()), invoice_id)


@bp.route("/invoices")
def invoices():
    return render_template("portal/invoices.html", page=paginate(billing.issued_invoices(current_client())))


@bp.route("/invoices/<int:invoice_id>")
def invoice(invoice_id):
    invoice = _own_invoice(invoice_id)
    lines = list(InvoiceLine.for_client(current_client()).where(InvoiceLine.invoice == invoice)
                 .order_by(InvoiceLine.position, InvoiceLine.id))
    return render_template("portal/invoice.html", invoice=invoice, lines=lines,
                           record_counts=billing.record_counts(invoice))


@bp.route("/invoices/<int:invoice_id>/lines/<int:line_id>")
def invoice_line(invoice_id, line_id):
    client = current_client()
    invoice = _own_invoice(invoice_id)
    line = get_owned_or_404(InvoiceLine.for_client(client).where(InvoiceLine.invoice == invoice), line_id)
    records = paginate(InvoiceLineRecord.for_client(client).where(InvoiceLineRecord.line == line)
                       .order_by(InvoiceLineRecord.record_type, InvoiceLineRecord.record_id))
    return render_template("portal/invoice_line.html", invoice=invoice, line=line, records=records,
                           link_of=record_url)


def record_url(record):
    """The portal page of a charged record, or None when it has none (a storage snapshot, a one-off charge)."""
    endpoint, argument = PORTAL_LINKS.get(record.link_type, (None, None))
    if endpoint is None or record.link_id is None:
        return None
    return url_for(endpoint, **{argument: record.link_id})


@bp.route("/invoices/<int:invoice_id>/export.xlsx")
def invoice_export(invoice_id):
    return spreadsheet_response(billing.export_invoice(_own_invoice(invoice_id)))
