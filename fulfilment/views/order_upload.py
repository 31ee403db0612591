"""Orders from an Excel file: upload, a preview of every line and every error, then confirm.

Nothing is created until the file is clean and the client confirms. Between the preview and the
confirmation the parsed lines travel in a signed, time-limited token (product ids and amounts,
the address, a random import key); on confirmation they are checked again through the client's
scope and the order service. The order service claims the import key in the database, so a
preview creates one order however often, from whichever login or browser, it is confirmed.

A preview of more than IMPORT_IMMEDIATE_MAX_LINES lines is not created while the browser waits:
its confirmation starts an import job (services.import_jobs) that the worker runs, and the
client lands on the job's page (views/import_jobs.py), which shows the progress and then the
order. The job carries the preview's import key, so confirming the same preview again opens the
same job.
"""

import io

from flask import current_app, flash, redirect, render_template, send_file, url_for
from flask_babel import LazyString
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from itsdangerous import BadSignature, URLSafeTimedSerializer
from wtforms import HiddenField
from wtforms.validators import DataRequired

from fulfilment.formatting import format_number
from fulfilment.i18n import _, _l, current_language, ngettext
from fulfilment.jobs import enqueue_order_import, import_folder
from fulfilment.services import idempotency, import_jobs, orders
from fulfilment.services.addresses import clean_delivery_address
from fulfilment.services.errors import ValidationFailed
from fulfilment.services.order_import import (
    CODE_HEADERS,
    MAX_LINES,
    QUANTITY_HEADERS,
    previewed_lines,
    read_order_lines,
    template_filename,
    template_workbook,
)
from fulfilment.views.blueprint import bp
from fulfilment.views.forms import (
    AddressChoiceFields,
    fill_address_choices,
    resolve_address,
    text,
)
from fulfilment.views.order_entry import processing_summary
from fulfilment.views.refusals import form_page, refusal_shown_on
from fulfilment.views.scope import current_client, portal_actor

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PREVIEW_MAX_AGE = 60 * 60  # seconds a preview may wait for its confirmation


class ImportForm(AddressChoiceFields, FlaskForm):
    reference = text(_l("Your reference"),
                     description=_l("Your own order number, shown on the order and the picklist."))
    file = FileField(_l("Excel file (.xlsx)"), validators=[
        FileRequired(_l("Choose the Excel file to upload.")),
        FileAllowed(["xlsx"], _l("Only Excel workbooks (.xlsx) are accepted, not .xls, .xlsm or .csv.")),
    ], description=_l(
        "A column %(codes)s and a column %(quantities)s (any case) in one of the first rows; other columns are "
        "ignored. Only the first sheet is read; up to %(max)s lines. Type quantities without a thousands "
        "separator (1000), or as number cells.",
        codes=" / ".join(f"'{name}'" for name in CODE_HEADERS),
        quantities=" / ".join(f"'{name}'" for name in QUANTITY_HEADERS),
        max=LazyString(format_number, MAX_LINES)))  # written as the reader writes numbers


class ConfirmImportForm(FlaskForm):
    token = HiddenField(validators=[DataRequired()])


def preview_signer():
    return URLSafeTimedSerializer(current_app.secret_key, salt="portal-order-import")


@bp.route("/orders/import/template.xlsx")
def order_import_template():
    """An example file with the two columns the import reads."""
    return send_file(io.BytesIO(template_workbook()), mimetype=XLSX, as_attachment=True,
                     download_name=template_filename(), max_age=0)


@bp.route("/orders/import", methods=["GET", "POST"])
def import_order():
    """Upload a file and see the preview; the order is made only by confirming a clean preview."""
    client = current_client()
    form = ImportForm()
    more_addresses = fill_address_choices(form, client)
    result, token, fields = None, None, None

    def page():
        return render_template("portal/order_import.html", form=form, more_addresses=more_addresses,
                               result=result, confirm_form=ConfirmImportForm(formdata=None, token=token),
                               address=fields, recent_imports=import_jobs.recent_jobs(client),
                               immediate_max=current_app.config["IMPORT_IMMEDIATE_MAX_LINES"])

    if not form.is_submitted():
        return page()
    form.validate()
    fields, entry = resolve_address(client, form)
    if fields is None or form.errors:
        return form_page(page, form)
    with refusal_shown_on(page):
        clean_delivery_address(fields)  # an address the order would refuse is reported before the preview
        result = read_order_lines(client, form.file.data.read())
    if not result.ok:
        flash(ngettext("Nothing was created: %(count)s row of the file needs fixing. Correct it in your file and "
                       "upload it again.",
                       "Nothing was created: %(count)s rows of the file need fixing. Correct them in your file and "
                       "upload it again.", len(result.errors), count=format_number(len(result.errors))), "error")
        return page(), 400
    header = {"reference": form.reference.data or "", "email": entry.email if entry else "",
              "telephone": entry.telephone if entry else ""}
    token = preview_signer().dumps({
        "client": client.id,
        "lines": [[line.product.id, line.amount] for line in result.lines],
        "fields": {**fields, **header},
        "save_address": bool(form.save_address.data and entry is None),
        "import_key": idempotency.new_key(),
    })
    return page()


@bp.route("/orders/import/confirm", methods=["POST"])
def confirm_order_import():
    """Create the previewed order (source: import) and process it; check everything again first."""
    client = current_client()
    form = ConfirmImportForm()

    def upload_page():
        upload = ImportForm(formdata=None)
        more_addresses = fill_address_choices(upload, client)
        return render_template("portal/order_import.html", form=upload, more_addresses=more_addresses, result=None,
                               confirm_form=None, recent_imports=import_jobs.recent_jobs(client),
                               immediate_max=current_app.config["IMPORT_IMMEDIATE_MAX_LINES"])

    with refusal_shown_on(upload_page):
        preview = read_preview(client, form)
        if len(preview["lines"]) > current_app.config["IMPORT_IMMEDIATE_MAX_LINES"]:
            return redirect(url_for("portal.import_job", job_id=start_import_job(client, preview).id))
        lines = previewed_lines(client, preview["lines"])
        order = orders.place_order(client, lines, source="import", actor=portal_actor(), fields=preview["fields"],
                                   save_to_address_book={} if preview["save_address"] else None,
                                   once_key=preview["import_key"])
    flash(ngettext("Order %(number)s has been created from your file (%(count)s product).",
                   "Order %(number)s has been created from your file (%(count)s products).",
                   len(lines), number=order.number, count=format_number(len(lines))), "success")
    flash(processing_summary(client, order), "success")
    return redirect(url_for("portal.order", order_id=order.id))


def start_import_job(client, preview):
    """The worker's job for this long preview (the first one made for it, when it was confirmed before)."""
    job, created = import_jobs.start_import(client, portal_actor(), preview, folder=import_folder(),
                                            language=current_language())
    if created:
        enqueue_order_import(job)
    return job


def preview_expired():
    return ValidationFailed(_("This preview has expired or was changed, so nothing was created. "
                              "Upload the file again."))


def read_preview(client, form):
    """The confirmed preview's content: signed by us, not expired, this client's."""
    if not form.validate():
        raise preview_expired()
    try:
        preview = preview_signer().loads(form.token.data, max_age=PREVIEW_MAX_AGE)
    except BadSignature:
        raise preview_expired() from None
    if preview.get("client") != client.id or not preview.get("import_key"):
        raise preview_expired()
    return preview
