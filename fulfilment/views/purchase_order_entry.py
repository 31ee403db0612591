"""Purchase orders a client announces: create one, change its lines and amounts, or cancel it.

Changing and cancelling are possible only while no receipt is registered (the purchasing service
refuses otherwise). Lines already on the purchase order are posted by id and found again through
the client's scope; an unknown or foreign line id is an error and changes nothing.
"""

from flask import flash, redirect, render_template, request, url_for
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    FieldList,
    Form,
    FormField,
    HiddenField,
    IntegerField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from fulfilment.i18n import _, _l
from fulfilment.models import Product, PurchaseOrder, PurchaseOrderLine
from fulfilment.services import purchasing
from fulfilment.services.purchasing import HEADER_FIELDS
from fulfilment.views.blueprint import bp
from fulfilment.views.forms import (
    MAX_AMOUNT,
    MAX_LINES,
    TOO_MANY_LINES,
    ConfirmForm,
    OnceKeyField,
    add_empty_rows,
    line_rows,
    resolve_lines,
    rows_have_errors,
    text,
    too_many_rows,
)
from fulfilment.views.purchase_orders import purchase_order_page
from fulfilment.views.refusals import form_page, refusal_shown_on
from fulfilment.views.scope import current_client, get_owned_or_404, portal_actor
from fulfilment.vocabulary import status_label


class PurchaseOrderForm(FlaskForm):
    supplier_name = StringField(_l("Supplier"), validators=[DataRequired(), Length(max=255)])
    supplier_orderid = text(_l("Reference"), description=_l("Your order number at the supplier (optional)."))
    delivery_date = DateField(_l("Expected delivery date"), validators=[Optional()])
    remarks = TextAreaField(_l("Remarks for the warehouse"), validators=[Optional(), Length(max=2000)])
    lines = line_rows(_l("Products"))


class NewPurchaseOrderForm(OnceKeyField, PurchaseOrderForm):
    purchased = BooleanField(_l("The goods are ordered: the warehouse can expect them"), default=True)


class ExistingLineForm(Form):
    line_id = HiddenField()
    amount = IntegerField(_l("Amount"), validators=[Optional(), NumberRange(min=1, max=MAX_AMOUNT)])
    remove = BooleanField(_l("Remove"))


class EditPurchaseOrderForm(PurchaseOrderForm):
    existing = FieldList(FormField(ExistingLineForm), _l("Products on this purchase order"))


def header_of(form):
    return {name: getattr(form, name).data for name in HEADER_FIELDS}


def owned_purchase_order(client, purchase_order_id):
    return get_owned_or_404(PurchaseOrder.for_client(client), purchase_order_id)


def back_to_purchase_order(purchase_order):
    """Where a form for a purchase order that can no longer change sends the client: its page says why."""
    return redirect(url_for("portal.purchase_order", purchase_order_id=purchase_order.id))


@bp.route("/purchase-orders/new", methods=["GET", "POST"])
def new_purchase_order():
    client = current_client()
    oversized = request.method == "POST" and too_many_rows(request.form)
    form = NewPurchaseOrderForm(formdata=None) if oversized else NewPurchaseOrderForm()

    def page():
        return render_template("portal/purchase_order_form.html", form=form, purchase_order=None, lines_by_id={})

    if oversized:
        flash(str(TOO_MANY_LINES), "error")
        return form_page(page, form, refused=True, explain=False)
    if not form.is_submitted():
        return page()
    if request.form.get("more_lines"):
        add_empty_rows(form.lines)
        return form_page(page, form, refused=False)
    form.validate()
    lines = resolve_lines(client, form.lines)
    if form.errors or rows_have_errors(form.lines):
        return form_page(page, form)
    with refusal_shown_on(page):
        purchase_order = purchasing.create_purchase_order(client, lines, actor=portal_actor(),
                                                          purchased=form.purchased.data, once_key=form.once_key.data,
                                                          **header_of(form))
    flash(_("Purchase order %(number)s has been created. The warehouse books the goods in when they arrive.",
            number=purchase_order.number), "success")
    return back_to_purchase_order(purchase_order)


@bp.route("/purchase-orders/<int:purchase_order_id>/edit", methods=["GET", "POST"])
def edit_purchase_order(purchase_order_id):
    client = current_client()
    purchase_order = owned_purchase_order(client, purchase_order_id)
    current_lines = list(
        PurchaseOrderLine.for_client(client).select(PurchaseOrderLine, Product).join(Product)
        .where(PurchaseOrderLine.purchase_order == purchase_order).order_by(PurchaseOrderLine.id)
    )
    lines_by_id = {line.id: line for line in current_lines}
    oversized = request.method == "POST" and too_many_rows(request.form)
    if request.method == "GET" or oversized:
        if not purchasing.can_change(purchase_order):
            return back_to_purchase_order(purchase_order)
        # Not obj=purchase_order: its ``lines`` would fill the rows meant for new products.
        form = EditPurchaseOrderForm(formdata=None, data={
            **{name: getattr(purchase_order, name) for name in HEADER_FIELDS},
            "existing": [{"line_id": str(line.id), "amount": line.amount} for line in current_lines],
        })
    else:
        form = EditPurchaseOrderForm()

    def page():
        return render_template("portal/purchase_order_form.html", form=form, purchase_order=purchase_order,
                               lines_by_id=lines_by_id)

    if oversized:
        flash(str(TOO_MANY_LINES), "error")
        return form_page(page, form, refused=True, explain=False)
    if not form.is_submitted():
        return page()
    if request.form.get("more_lines"):
        add_empty_rows(form.lines)
        return form_page(page, form, refused=False)
    form.validate()
    kept = kept_lines(form.existing, lines_by_id)
    new = resolve_lines(client, form.lines)
    if len(form.lines) + len(form.existing) > MAX_LINES:
        flash(str(TOO_MANY_LINES), "error")
        return form_page(page, form, explain=False)
    if form.errors or rows_have_errors(form.lines) or any(row.amount.errors for row in form.existing):
        return form_page(page, form)
    with refusal_shown_on(page):
        purchasing.update_purchase_order(purchase_order, lines=kept + new, actor=portal_actor(), **header_of(form))
    flash(_("Purchase order %(number)s has been saved.", number=purchase_order.number), "success")
    return back_to_purchase_order(purchase_order)


def kept_lines(rows, lines_by_id):
    """[(product, amount, price)] of the existing lines the client keeps; errors go on the rows.

    ``lines_by_id`` holds this purchase order's lines only (found through the client's scope), so
    a posted id of another purchase order or another client's line is unknown here.
    """
    kept = []
    for row in rows:
        raw_id = (row.line_id.data or "").strip()
        line = lines_by_id.get(int(raw_id)) if raw_id.isdigit() and len(raw_id) < 19 else None
        if line is None:
            row.amount.errors.append(_("This line is not on this purchase order; reload the page and try again."))
            continue
        if row.remove.data:
            continue
        if row.amount.data is None:
            if not row.amount.errors:
                row.amount.errors.append(_("Enter an amount, or tick Remove."))
            continue
        kept.append((line.product, row.amount.data, line.price))
    return kept


@bp.route("/purchase-orders/<int:purchase_order_id>/cancel", methods=["GET", "POST"])
def cancel_purchase_order(purchase_order_id):
    """Ask first (GET), then cancel (POST)."""
    client = current_client()
    purchase_order = owned_purchase_order(client, purchase_order_id)
    form = ConfirmForm()
    if not form.is_submitted():
        if not purchasing.can_change(purchase_order):
            return back_to_purchase_order(purchase_order)
        return render_template(
            "portal/confirm.html", form=form, section="purchase_orders",
            title=_("Cancel purchase order %(number)s?", number=purchase_order.number),
            warning=_("The warehouse will no longer expect these goods. This cannot be undone."),
            details=[(_("Supplier"), purchase_order.supplier_name), (_("Reference"), purchase_order.supplier_orderid),
                     (_("Status"), status_label(purchase_order.status))],
            action=url_for("portal.cancel_purchase_order", purchase_order_id=purchase_order.id),
            button=_("Yes, cancel the purchase order"),
            back=url_for("portal.purchase_order", purchase_order_id=purchase_order.id),
        )
    with refusal_shown_on(lambda: purchase_order_page(client, purchase_order)):
        purchasing.cancel_purchase_order(purchase_order, actor=portal_actor())
    flash(_("Purchase order %(number)s has been cancelled.", number=purchase_order.number), "success")
    return back_to_purchase_order(purchase_order)
