"""Changing an order after it was created: a new delivery address or cancelling (both only while
nothing is picked), and duplicating any order into a concept the client reviews and submits.
"""

from flask import flash, redirect, render_template, url_for
from flask_wtf import FlaskForm

from fulfilment.formatting import format_datetime
from fulfilment.i18n import _
from fulfilment.services import orders
from fulfilment.views.blueprint import bp
from fulfilment.views.forms import (
    AddressChoiceFields,
    ConfirmForm,
    fill_address_choices,
    resolve_address,
)
from fulfilment.views.order_entry import address_book_entry
from fulfilment.views.orders import order_page, owned_order
from fulfilment.views.refusals import form_page, refusal_shown_on
from fulfilment.views.scope import current_client, portal_actor
from fulfilment.vocabulary import status_label


class DeliveryAddressForm(AddressChoiceFields, FlaskForm):
    pass


def back_to_order(order):
    """Where a form for an order that can no longer change sends the client: the order page says why."""
    return redirect(url_for("portal.order", order_id=order.id))


@bp.route("/orders/<int:order_id>/address", methods=["GET", "POST"])
def change_order_address(order_id):
    client = current_client()
    order = owned_order(client, order_id)
    form = DeliveryAddressForm(obj=order)
    if not form.is_submitted() and not orders.can_change(order):
        return back_to_order(order)
    more_addresses = fill_address_choices(form, client)

    def page():
        return render_template("portal/order_address.html", form=form, order=order, more_addresses=more_addresses)

    if not form.is_submitted():
        return page()
    form.validate()
    fields, _entry = resolve_address(client, form)
    if fields is None or form.errors:
        return form_page(page, form)
    with refusal_shown_on(page):
        saved = address_book_entry(form)
        orders.change_delivery_address(order, fields, actor=portal_actor(), save_to_address_book=saved)
    flash(_("The delivery address of order %(number)s has been changed.", number=order.number), "success")
    if saved is not None:
        flash(_("The address has been saved to your address book."), "info")
    return back_to_order(order)


@bp.route("/orders/<int:order_id>/cancel", methods=["GET", "POST"])
def cancel_order(order_id):
    """Ask first (GET), then cancel (POST): reserved stock is released and backorders are dropped."""
    client = current_client()
    order = owned_order(client, order_id)
    form = ConfirmForm()
    if not form.is_submitted():
        if not orders.can_change(order):
            return back_to_order(order)
        return render_template(
            "portal/confirm.html", form=form, section="orders",
            title=_("Cancel order %(number)s?", number=order.number),
            warning=_("The warehouse will not ship this order. Stock reserved for it becomes free again and its "
                      "backorders are removed. This cannot be undone; you can duplicate the order later."),
            details=[(_("Recipient"), order.delivery_name), (_("Reference"), order.reference),
                     (_("Status"), status_label(order.status)), (_("Created"), format_datetime(order.created_at))],
            action=url_for("portal.cancel_order", order_id=order.id), button=_("Yes, cancel the order"),
            back=url_for("portal.order", order_id=order.id),
        )
    with refusal_shown_on(lambda: order_page(client, order)):
        orders.cancel_order(order, actor=portal_actor())
    flash(_("Order %(number)s has been cancelled.", number=order.number), "success")
    return back_to_order(order)


@bp.route("/orders/<int:order_id>/duplicate", methods=["POST"])
def duplicate_order(order_id):
    """Copy any order (also a completed or cancelled one) into a concept to review and submit."""
    client = current_client()
    order = owned_order(client, order_id)
    with refusal_shown_on(lambda: order_page(client, order)):
        copy = orders.duplicate_order(order, actor=portal_actor(), source="portal")
    flash(_("Order %(copy)s is a copy of %(number)s. Check its products and address, then submit it.",
            copy=copy.number, number=order.number), "success")
    return back_to_order(copy)
