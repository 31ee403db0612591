"""Returns, their products, replacements, status log and the return statuses — with staff actions."""

from flask import abort, flash, redirect, request
from flask_admin import expose
from flask_login import current_user

from fulfilment.admin.base import (
    CLIENT_LOOKUP,
    ReadOnlyModelView,
    RecordAction,
    RelatedTable,
    StaffModelView,
)
from fulfilment.admin.forms import (
    ReturnForm,
    ReturnStatusForm,
    parse_lines,
    with_client_lookup,
)
from fulfilment.admin.work import (
    ConditionFilter,
    WorkPage,
    WorkPageMixin,
    address_lines,
    record_link,
    status_formatter,
)
from fulfilment.models import (
    Client,
    Order,
    Product,
    ReplacementProduct,
    Return,
    ReturnedProduct,
    ReturnLog,
    ReturnStatus,
)
from fulfilment.routing import record_id
from fulfilment.services import catalog, returns, todays_work
from fulfilment.services.errors import ValidationFailed


def _actor():
    return current_user._get_current_object()


def _product(row):
    return record_link("product", row.product, f"{row.product.product_code} {row.product.name}")


class ReturnView(WorkPageMixin, ReadOnlyModelView):
    can_create = True
    column_list = ("id", "number", "client", "order", "status", "name", "tracking_code", "created_at")
    column_searchable_list = ("number", "name", "tracking_code")
    column_filters = (Client.name, ConditionFilter(Return, "Announced", todays_work.announced_returns))
    column_default_sort = ("id", True)
    column_formatters = {"status": status_formatter}
    form_ajax_refs = {"client": CLIENT_LOOKUP}
    record_actions = (
        RecordAction("status", "Change status", form_endpoint="return.status_form", style="primary"),
        RecordAction("receive", "Receive all returned products", lambda r, a: returns.receive_return(r, actor=a),
                     confirm="Book every outstanding returned product back into stock?",
                     success="Returned products received into stock.",
                     shown=lambda r: not r.status.is_completed, reason=returns.why_not_receive),
    )

    def get_one(self, id):
        if record_id(id) is None:
            return None
        return Return.select(Return, ReturnStatus).join(ReturnStatus).where(Return.id == id).first()

    def work_page(self, ret):
        replacements = list(ReplacementProduct.select(ReplacementProduct, Product).join(Product)
                            .where(ReplacementProduct.return_ == ret).order_by(ReplacementProduct.id))
        logs = list(ReturnLog.select(ReturnLog, ReturnStatus).join(ReturnStatus)
                    .where(ReturnLog.return_ == ret).order_by(ReturnLog.id))
        facts = [("Client", record_link("client", ret.client, ret.client.name)),
                 ("Order", record_link("order", ret.order) if ret.order_id else None),
                 ("Tracking code", ret.tracking_code), ("E-mail", ret.email), ("Created", ret.created_at),
                 ("Received", ret.received_at), ("Remarks", ret.remarks)]
        return WorkPage(
            title=f"Return {ret.number}", status=ret.status.name,
            facts=[(label, value) for label, value in facts if value],
            address_title="Sender",
            address=address_lines(ret.name, ret.address, ret.zipcode, ret.city, ret.country),
            tables=[
                RelatedTable("Returned products", [("Product", _product), ("Announced", "amount"),
                                                   ("Received", "amount_received"), ("Reason", "reason")],
                             returns.returned_products(ret)),
                RelatedTable("Replacement products", [("Product", _product), ("Amount", "amount"),
                                                      ("Picklist", lambda r: record_link("picklist", r.picklist)
                                                       if r.picklist_id else None)], replacements),
            ],
            timeline=[(log.created_at, log.status.name, log.message, log.actor) for log in logs],
        )

    @expose("/new/", methods=["GET", "POST"])
    def create_view(self):
        form = with_client_lookup(ReturnForm(request.form if request.method == "POST" else None), self)
        if request.method == "POST" and form.validate():
            ret = self.call_service(self._create, form)
            if ret:
                flash(f"Return {ret.number} registered.", "success")
                return redirect(self.details_url(ret))
        return self.render_form_page("Register return", form)

    def _create(self, form):
        client = form.client.data
        try:
            replacement_lines = parse_lines(form.replacements.data) if (form.replacements.data or "").strip() else []
        except Exception as error:
            raise ValidationFailed(f"Replacement products: {error}") from None
        returned = catalog.products_by_code(client, [code for code, _ in form.returned.lines], goods_coming_back=True)
        replacements = catalog.products_by_code(client, [code for code, _ in replacement_lines])
        order = None
        if form.order_number.data:
            order = Order.for_client(client).where(Order.number == form.order_number.data.strip()).first()
            if order is None:
                raise ValidationFailed(f"{client.name} has no order {form.order_number.data}.")
        return returns.create_return(
            client, [(returned[code], amount, "") for code, amount in form.returned.lines],
            [(replacements[code], amount) for code, amount in replacement_lines], order=order, actor=_actor(),
            name=form.name.data or "", tracking_code=form.tracking_code.data or "", remarks=form.remarks.data or "",
        )

    @expose("/status/<int:record_id>", methods=["GET", "POST"])
    def status_form(self, record_id):
        ret = self.get_one(record_id) or abort(404)
        form = ReturnStatusForm(request.form if request.method == "POST" else None)
        form.status.choices = [(s.id, s.name) for s in ReturnStatus.select().order_by(ReturnStatus.position)]
        if request.method == "GET":
            form.status.data = ret.status_id
        if request.method == "POST" and form.validate():
            status = ReturnStatus.get_by_id(form.status.data)
            if self.call_service(returns.change_return_status, ret, status, form.message.data, _actor()):
                flash(f"Return {ret.number} is now {status.name}.", "success")
                return redirect(self.details_url(ret))
        return self.render_form_page(f"Change status of {ret.number}", form, ret,
                                     intro="The client sees every status change with its message as a timeline.")


class ReturnedProductView(ReadOnlyModelView):
    column_list = ("id", "return_", "client", "product", "amount", "amount_received", "reason")
    column_filters = (Client.name,)
    column_labels = {"return_": "Return"}


class ReplacementProductView(ReadOnlyModelView):
    column_list = ("id", "return_", "client", "product", "amount", "picklist")
    column_filters = (Client.name,)
    column_labels = {"return_": "Return"}


class ReturnLogView(ReadOnlyModelView):
    column_list = ("id", "created_at", "return_", "client", "status", "message", "actor")
    column_filters = (Client.name,)
    column_default_sort = ("id", True)
    column_formatters = {"status": status_formatter}
    column_labels = {"return_": "Return"}


class ReturnStatusView(StaffModelView):
    column_list = ("id", "name", "is_default", "is_completed", "position")
    column_default_sort = "position"
    form_columns = ("name", "is_default", "is_completed", "position")


def views():
    category = "Returns"
    return [
        ReturnView(Return, name="Returns", category=category),
        ReturnedProductView(ReturnedProduct, name="Returned products", category=category),
        ReplacementProductView(ReplacementProduct, name="Replacement products", category=category),
        ReturnLogView(ReturnLog, name="Return log", category=category),
        ReturnStatusView(ReturnStatus, name="Return statuses", category=category),
    ]
