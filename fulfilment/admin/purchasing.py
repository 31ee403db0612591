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
from fulfilment.admin.work import ConditionFilter, WorkPage, WorkPageMixin, record_link, status_badge, status_formatter
from fulfilment.i18n import _, _l
from fulfilment.models import (
    Client,
    Product,
    PurchaseOrder,
    PurchaseOrderLine,
    Receipt,
    ReceiptLine,
)
from fulfilment.services import catalog, purchasing, todays_work
from fulfilment.vocabulary import actor_label


def _actor():
    return current_user._get_current_object()


def _product(row):
    return record_link("product", row.product, f"{row.product.product_code} {row.product.name}")


class PurchaseOrderView(WorkPageMixin, ReadOnlyModelView):
    can_create = True
    column_list = ("id", "number", "client", "supplier_name", "supplier_orderid", "delivery_date", "status",
                   "created_at")
    column_searchable_list = ("number", "supplier_name", "supplier_orderid")
    column_filters = (Client.name, "status", "delivery_date",
                      ConditionFilter(PurchaseOrder, _l("Expected by today"), todays_work.purchase_orders_due))
    column_default_sort = ("id", True)
    column_labels = {"supplier_orderid": _l("Reference")}
    column_formatters = {"status": status_formatter}
    form_ajax_refs = {"client": CLIENT_LOOKUP}
    record_actions = (
        RecordAction("receive", _l("Register receipt"), form_endpoint="purchaseorder.receipt_form", style="primary",
                     shown=purchasing.can_receive, reason=purchasing.why_not_receive),
        RecordAction("purchased", _l("Mark as purchased"), lambda po, a: purchasing.mark_purchased(po, a),
                     success=_l("Marked as purchased."), shown=purchasing.can_mark_purchased),
        RecordAction("cancel", _l("Cancel purchase order"), lambda po, a: purchasing.cancel_purchase_order(po, a),
                     style="danger", confirm=_l("Cancel this purchase order?"), success=_l("Purchase order cancelled."),
                     shown=purchasing.can_cancel, reason=purchasing.why_not_cancel),
    )

    def work_page(self, purchase_order):
        receipts = list(Receipt.select().where(Receipt.purchase_order == purchase_order).order_by(Receipt.id))
        facts = [(_("Client"), record_link("client", purchase_order.client, purchase_order.client.name)),
                 (_("Supplier"), purchase_order.supplier_name),
                 (_("Supplier's reference"), purchase_order.supplier_orderid),
                 (_("Expected"), purchase_order.delivery_date), (_("Created"), purchase_order.created_at),
                 (_("Purchased"), purchase_order.purchased_at), (_("Remarks"), purchase_order.remarks)]
        return WorkPage(
            title=_("Purchase order %(number)s", number=purchase_order.number), status=purchase_order.status,
            facts=[(label, value) for label, value in facts if value],
            tables=[
                RelatedTable(_("Lines"), [(_("Product"), _product), (_("Ordered"), "amount"),
                                          (_("Received"), "amount_received"),
                                          (_("Outstanding"), lambda line: max(line.amount - line.amount_received, 0)),
                                          (_("Price"), "price")], purchasing.purchase_order_lines(purchase_order)),
                RelatedTable(_("Receipts"), [(_("Receipt"), lambda r: record_link("receipt", r)),
                                             (_("Status"), lambda r: status_badge(r.status)), (_("By"), "actor"),
                                             (_("Created"), "created_at")], receipts),
            ],
        )

    @expose("/new/", methods=["GET", "POST"])
    def create_view(self):
        form = with_client_lookup(PurchaseOrderHeaderForm(request.form if request.method == "POST" else None), self)
        if request.method == "POST" and form.validate():
            purchase_order = self.call_service(self._create, form)
            if purchase_order:
                flash(_("Purchase order %(number)s created.", number=purchase_order.number), "success")
                return redirect(self.details_url(purchase_order))
        return self.render_form_page(_("Create purchase order"), form)

    def _create(self, form):
        client = form.client.data
        by_code = catalog.products_by_code(client, [code for code, _amount in form.lines.lines])
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
                _("%(product_code)s %(name)s (%(outstanding)s outstanding)", product_code=line.product.product_code,
                  name=line.product.name, outstanding=outstanding), default=outstanding,
                validators=[InputRequired(), NumberRange(0, outstanding)],
            ))
        form = Form(request.form if request.method == "POST" else None)
        if request.method == "POST" and form.validate():
            received = {line.id: form[f"received_{line.id}"].data for line in lines}
            receipt = self.call_service(purchasing.register_receipt, purchase_order, received, _actor())
            if receipt:
                flash(_("Receipt %(number)s registered; stock booked and backorders served.", number=receipt.number),
                      "success")
                return redirect(self.details_url(purchase_order))
        return self.render_form_page(_("Register receipt for %(number)s", number=purchase_order.number), form,
                                     purchase_order, intro=_("Enter what arrived. Stock is booked at once and "
                                                             "waiting backorders are served, oldest first."))


class PurchaseOrderLineView(ReadOnlyModelView):
    column_list = ("id", "purchase_order", "client", "product", "amount", "amount_received", "price")
    column_filters = (Client.name,)
    column_default_sort = ("id", True)


class ReceiptView(WorkPageMixin, ReadOnlyModelView):
    column_list = ("id", "number", "client", "purchase_order", "status", "actor", "created_at", "completed_at")
    column_searchable_list = ("number",)
    column_filters = (Client.name, "status")
    column_default_sort = ("id", True)
    column_formatters = {"status": status_formatter}

    def work_page(self, receipt):
        lines = list(ReceiptLine.select(ReceiptLine, Product).join(Product).where(ReceiptLine.receipt == receipt)
                     .order_by(ReceiptLine.id))
        facts = [(_("Client"), record_link("client", receipt.client, receipt.client.name)),
                 (_("Purchase order"), record_link("purchaseorder", receipt.purchase_order)),
                 (_("Supplier"), receipt.purchase_order.supplier_name), (_("By"), actor_label(receipt.actor)),
                 (_("Created"), receipt.created_at), (_("Completed"), receipt.completed_at),
                 (_("Remarks"), receipt.remarks)]
        return WorkPage(
            title=_("Receipt %(number)s", number=receipt.number), status=receipt.status,
            facts=[(label, value) for label, value in facts if value],
            tables=[RelatedTable(_("Received products"), [(_("Product"), _product), (_("Received"), "amount"),
                                                          (_("When"), "created_at")], lines)],
        )


class ReceiptLineView(ReadOnlyModelView):
    column_list = ("id", "receipt", "client", "product", "amount", "created_at")
    column_filters = (Client.name,)
    column_default_sort = ("id", True)


def views():
    category = _l("Purchasing")
    return [
        PurchaseOrderView(PurchaseOrder, name=_l("Purchase orders"), category=category),
        PurchaseOrderLineView(PurchaseOrderLine, name=_l("Purchase order lines"), category=category),
        ReceiptView(Receipt, name=_l("Receipts"), category=category),
        ReceiptLineView(ReceiptLine, name=_l("Receipt lines"), category=category),
    ]
