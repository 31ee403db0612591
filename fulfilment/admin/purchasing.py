"""Purchase orders and receipts, with the actions staff run: create, mark purchased, receive, cancel."""

from flask import abort, flash, redirect, request
from flask_admin import expose
from flask_login import current_user
from wtforms import IntegerField
from wtforms.validators import InputRequired, NumberRange

from fulfilment.admin.base import (
    CLIENT_LOOKUP,
    ReadOnlyModelView,
    RecordAction,
    RelatedTable,
    StaffForm,
)
from fulfilment.admin.forms import PurchaseOrderHeaderForm, with_client_lookup
from fulfilment.models import (
    Client,
    PurchaseOrder,
    PurchaseOrderLine,
    Receipt,
    ReceiptLine,
)
from fulfilment.services import catalog, purchasing


def _actor():
    return current_user._get_current_object()


class PurchaseOrderView(ReadOnlyModelView):
    can_create = True
    column_list = ("id", "number", "client", "supplier_name", "supplier_orderid", "delivery_date", "status",
                   "created_at")
    column_searchable_list = ("number", "supplier_name", "supplier_orderid")
    column_filters = (Client.name, "status", "delivery_date")
    column_default_sort = ("id", True)
    column_labels = {"supplier_orderid": "Reference", "delivery_date": "Expected"}
    form_ajax_refs = {"client": CLIENT_LOOKUP}
    record_actions = (
        RecordAction("receive", "Register receipt", form_endpoint="purchaseorder.receipt_form", style="primary",
                     shown=purchasing.can_receive),
        RecordAction("purchased", "Mark as purchased", lambda po, a: purchasing.mark_purchased(po, a),
                     success="Marked as purchased.", shown=purchasing.can_mark_purchased),
        RecordAction("cancel", "Cancel purchase order", lambda po, a: purchasing.cancel_purchase_order(po, a),
                     style="danger", confirm="Cancel this purchase order?", success="Purchase order cancelled.",
                     shown=purchasing.can_cancel),
    )

    def related_tables(self, purchase_order):
        return [
            RelatedTable("Lines", [("Product", "product"), ("Ordered", "amount"), ("Received", "amount_received"),
                                   ("Price", "price")], purchasing.purchase_order_lines(purchase_order)),
            RelatedTable("Receipts", [("Receipt", "number"), ("Status", "status"), ("By", "actor"),
                                      ("Created", "created_at")],
                         list(Receipt.select().where(Receipt.purchase_order == purchase_order).order_by(Receipt.id))),
        ]

    @expose("/new/", methods=["GET", "POST"])
    def create_view(self):
        form = with_client_lookup(PurchaseOrderHeaderForm(request.form if request.method == "POST" else None), self)
        if request.method == "POST" and form.validate():
            purchase_order = self.call_service(self._create, form)
            if purchase_order:
                flash(f"Purchase order {purchase_order.number} created.", "success")
                return redirect(self.details_url(purchase_order))
        return self.render_form_page("Create purchase order", form)

    def _create(self, form):
        client = form.client.data
        by_code = catalog.products_by_code(client, [code for code, _ in form.lines.lines])
        return purchasing.create_purchase_order(
            client, [(by_code[code], amount) for code, amount in form.lines.lines], actor=_actor(),
            purchased=form.mark_purchased.data, supplier_name=form.supplier_name.data,
            supplier_orderid=form.supplier_orderid.data or "", delivery_date=form.delivery_date.data,
            remarks=form.remarks.data or "",
        )

    @expose("/receive/<int:record_id>", methods=["GET", "POST"])
    def receipt_form(self, record_id):
        purchase_order = self.get_one(record_id) or abort(404)
        lines = [line for line in purchasing.purchase_order_lines(purchase_order)
                 if line.amount > line.amount_received]

        class Form(StaffForm):
            pass

        for line in lines:
            outstanding = line.amount - line.amount_received
            setattr(Form, f"received_{line.id}", IntegerField(
                f"{line.product.product_code} {line.product.name} ({outstanding} outstanding)", default=outstanding,
                validators=[InputRequired(), NumberRange(0, outstanding)],
            ))
        form = Form(request.form if request.method == "POST" else None)
        if request.method == "POST" and form.validate():
            received = {line.id: form[f"received_{line.id}"].data for line in lines}
            receipt = self.call_service(purchasing.register_receipt, purchase_order, received, _actor())
            if receipt:
                flash(f"Receipt {receipt.number} registered; stock booked and backorders served.", "success")
                return redirect(self.details_url(purchase_order))
        return self.render_form_page(f"Register receipt for {purchase_order.number}", form, purchase_order,
                                     intro="Enter what arrived. Stock is booked at once and waiting backorders "
                                           "are served, oldest first.")


class PurchaseOrderLineView(ReadOnlyModelView):
    column_list = ("id", "purchase_order", "client", "product", "amount", "amount_received", "price")
    column_filters = (Client.name,)
    column_default_sort = ("id", True)


class ReceiptView(ReadOnlyModelView):
    column_list = ("id", "number", "client", "purchase_order", "status", "actor", "created_at", "completed_at")
    column_searchable_list = ("number",)
    column_filters = (Client.name, "status")
    column_default_sort = ("id", True)


class ReceiptLineView(ReadOnlyModelView):
    column_list = ("id", "receipt", "client", "product", "amount", "created_at")
    column_filters = (Client.name,)
    column_default_sort = ("id", True)


def views():
    category = "Purchasing"
    return [
        PurchaseOrderView(PurchaseOrder, name="Purchase orders", category=category),
        PurchaseOrderLineView(PurchaseOrderLine, name="Purchase order lines", category=category),
        ReceiptView(Receipt, name="Receipts", category=category),
        ReceiptLineView(ReceiptLine, name="Receipt lines", category=category),
    ]
