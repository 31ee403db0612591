"""Orders a client enters: typed in by hand and processed at once, or a concept (a copy of an
earlier order) whose lines the client reviews and then submits for processing.
"""

from flask import flash, redirect, render_template, request, url_for
from flask_wtf import FlaskForm
from peewee import fn
from wtforms import IntegerField
from wtforms.validators import InputRequired, NumberRange

from fulfilment.formatting import format_number
from fulfilment.i18n import _, _l, ngettext
from fulfilment.models import AddressBookEntry, Backorder, OrderLine, Picklist, PicklistLine
from fulfilment.services import orders
from fulfilment.views.blueprint import bp
from fulfilment.views.forms import (
    MAX_AMOUNT,
    TOO_MANY_LINES,
    AddLineForm,
    AddressChoiceFields,
    OnceKeyField,
    add_empty_rows,
    fill_address_choices,
    line_rows,
    resolve_address,
    resolve_lines,
    rows_have_errors,
    text,
    too_many_rows,
)
from fulfilment.views.orders import order_page, owned_order
from fulfilment.views.refusals import form_page, refusal_shown_on
from fulfilment.views.scope import current_client, get_owned_or_404, portal_actor


class OrderHeaderFields:
    reference = text(_l("Your reference"),
                     description=_l("Your own order number, shown on the order and the picklist."))
    email = text(_l("Recipient's e-mail"))
    telephone = text(_l("Recipient's telephone"))


class NewOrderForm(OnceKeyField, OrderHeaderFields, AddressChoiceFields, FlaskForm):
    lines = line_rows()


class LineAmountForm(FlaskForm):
    amount = IntegerField(_l("Quantity"), validators=[InputRequired(_l("Enter a quantity.")),
                                                      NumberRange(min=1, max=MAX_AMOUNT)])


def order_header(form, entry=None):
    """Reference, e-mail and telephone from the form; an address book entry fills in what was left empty."""
    return {
        "reference": form.reference.data or "",
        "email": form.email.data or (entry.email if entry else ""),
        "telephone": form.telephone.data or (entry.telephone if entry else ""),
    }


def address_book_entry(form):
    """The typed address's e-mail and telephone when the client ticked "save" (an address picked from the
    book is not saved again); None when nothing is to be saved."""
    if form.save_address.data and not (form.address_id.data or "").strip():
        return {"email": form.email.data or "", "telephone": form.telephone.data or ""}
    return None


def processing_summary(client, order):
    """What processing did, in words: units reserved for picking and units backordered."""
    reserved = (PicklistLine.for_client(client).select(fn.COALESCE(fn.SUM(PicklistLine.amount), 0))
                .join(Picklist).where((Picklist.order == order) & (Picklist.status == "new")).scalar())
    waiting = (Backorder.for_client(client).select(fn.COALESCE(fn.SUM(Backorder.amount), 0))
               .where(Backorder.order == order).scalar())
    if not waiting:
        return _("Order %(number)s is being processed: %(reserved)s reserved for picking.",
                 number=order.number, reserved=units(reserved))
    if not reserved:
        return _("Order %(number)s is being processed, but nothing is in stock yet: %(waiting)s backordered, "
                 "to ship as soon as stock arrives.", number=order.number, waiting=units(waiting))
    return _("Order %(number)s is being processed: %(reserved)s reserved for picking, %(waiting)s backordered, "
             "to ship as soon as stock arrives.", number=order.number, reserved=units(reserved), waiting=units(waiting))


def units(count):
    return ngettext("%(count)s unit", "%(count)s units", count, count=format_number(count))


@bp.route("/orders/new", methods=["GET", "POST"])
def new_order():
    client = current_client()
    oversized = request.method == "POST" and too_many_rows(request.form)
    form = NewOrderForm(formdata=None) if oversized else NewOrderForm()
    preselected = None
    if not form.is_submitted() and request.args.get("address", type=int):
        preselected = get_owned_or_404(AddressBookEntry.for_client(client), request.args.get("address", type=int))
        form.address_id.data = str(preselected.id)
    more_addresses = fill_address_choices(form, client, preselected)

    def page():
        return render_template("portal/order_form.html", form=form, more_addresses=more_addresses)

    if oversized:
        flash(str(TOO_MANY_LINES), "error")
        return form_page(page, form, refused=True, explain=False)
    if not form.is_submitted():
        return page()
    if request.form.get("more_lines"):
        add_empty_rows(form.lines)
        return form_page(page, form, refused=False)
    form.validate()
    fields, entry = resolve_address(client, form)
    lines = resolve_lines(client, form.lines)
    if fields is None or form.errors or rows_have_errors(form.lines):
        return form_page(page, form)
    with refusal_shown_on(page):
        saved = address_book_entry(form)
        order = orders.place_order(client, lines, source="portal", actor=portal_actor(),
                                   fields={**fields, **order_header(form, entry)}, save_to_address_book=saved,
                                   once_key=form.once_key.data)
    flash(processing_summary(client, order), "success")
    if saved is not None:
        flash(_("The address has been saved to your address book."), "info")
    return redirect(url_for("portal.order", order_id=order.id))


def owned_line(client, order, line_id):
    return get_owned_or_404(OrderLine.for_client(client).where(OrderLine.order == order), line_id)


@bp.route("/orders/<int:order_id>/lines", methods=["POST"])
def add_order_line(order_id):
    client = current_client()
    order = owned_order(client, order_id)
    form = AddLineForm()
    form.validate()
    lines = resolve_lines(client, form.lines)
    if not lines and not rows_have_errors(form.lines):
        form.lines[0].product_code.errors.append(_("Choose a product and enter a quantity."))

    def page():
        return order_page(client, order, add_line_form=form)

    if rows_have_errors(form.lines) or form.errors:
        return form_page(page, form)
    product, amount = lines[0]
    with refusal_shown_on(page):
        orders.add_order_line(order, product, amount, actor=portal_actor())
    flash(_("%(amount)s × %(code)s added to order %(number)s.", amount=format_number(amount),
            code=product.product_code, number=order.number), "success")
    return redirect(url_for("portal.order", order_id=order.id, _anchor="lines"))


@bp.route("/orders/<int:order_id>/lines/<int:line_id>", methods=["POST"])
def update_order_line(order_id, line_id):
    client = current_client()
    order = owned_order(client, order_id)
    line = owned_line(client, order, line_id)
    form = LineAmountForm()

    def page():
        return order_page(client, order)

    if not form.validate():
        for error in form.amount.errors:
            flash(_("%(code)s: %(problem)s", code=line.product.product_code, problem=error), "error")
        return form_page(page, form, explain=False)
    with refusal_shown_on(page):
        orders.update_order_line(line, amount=form.amount.data, actor=portal_actor())
    flash(_("%(code)s: the quantity is now %(amount)s.", code=line.product.product_code,
            amount=format_number(form.amount.data)), "success")
    return redirect(url_for("portal.order", order_id=order.id, _anchor="lines"))


@bp.route("/orders/<int:order_id>/lines/<int:line_id>/remove", methods=["POST"])
def remove_order_line(order_id, line_id):
    client = current_client()
    order = owned_order(client, order_id)
    line = owned_line(client, order, line_id)
    with refusal_shown_on(lambda: order_page(client, order)):
        orders.remove_order_line(line, actor=portal_actor())
    flash(_("%(code)s has been removed from order %(number)s.", code=line.product.product_code, number=order.number),
          "success")
    return redirect(url_for("portal.order", order_id=order.id, _anchor="lines"))


@bp.route("/orders/<int:order_id>/submit", methods=["POST"])
def submit_order(order_id):
    """Send a concept to the warehouse: processing allocates stock or backorders at once."""
    client = current_client()
    order = owned_order(client, order_id)
    with refusal_shown_on(lambda: order_page(client, order)):
        order = orders.process_order(order, actor=portal_actor())
    flash(processing_summary(client, order), "success")
    return redirect(url_for("portal.order", order_id=order.id))
