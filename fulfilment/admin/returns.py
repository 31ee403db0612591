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
from fulfilment.i18n import _, _l
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
from fulfilment.vocabulary import actor_label, status_label


def _actor():
    return current_user._get_current_object()


def _product(row):
    return record_link("product", row.product, f"{row.product.product_code} {row.product.name}")


class ReturnView(WorkPageMixin, ReadOnlyModelView):
    can_create = True
    column_list = ("id", "number", "client", "order", "status", "name", "tracking_code", "created_at")
    column_searchable_list = ("number", "name", "tracking_code")
    column_filters = (Client.name, ConditionFilter(Return, _l("Announced"), todays_work.announced_returns))
    column_default_sort = ("id", True)
    column_formatters = {"status": status_formatter}
    form_ajax_refs = {"client": CLIENT_LOOKUP}
    record_actions = (
        RecordAction("status", _l("Change status"), form_endpoint="return.status_form", style="primary"),
        RecordAction("receive", _l("Receive all returned products"), lambda r, a: returns.receive_return(r, actor=a),
                     confirm=_l("Book every outstanding returned product back into stock?"),
                     success=_l("Returned products received into stock."),
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
        facts = [(_("Client"), record_link("client", ret.client, ret.client.name)),
                 (_("Order"), record_link("order", ret.order) if ret.order_id else None),
                 (_("Tracking code"), ret.tracking_code), (_("E-mail"), ret.email), (_("Created"), ret.created_at),
                 (_("Received"), ret.received_at), (_("Remarks"), ret.remarks)]
        return WorkPage(
            title=_("Return %(number)s", number=ret.number), status=ret.status.name,
            facts=[(label, value) for label, value in facts if value],
            address_title=_("Sender"),
            address=address_lines(ret.name, ret.address, ret.zipcode, ret.city, ret.country),
            tables=[
                RelatedTable(_("Returned products"), [(_("Product"), _product), (_("Announced"), "amount"),
                                                      (_("Received"), "amount_received"), (_("Reason"), "reason")],
                             returns.returned_products(ret)),
                RelatedTable(_("Replacement products"), [(_("Product"), _product), (_("Amount"), "amount"),
                                                         (_("Picklist"), lambda r: record_link("picklist", r.picklist)
                                                          if r.picklist_id else None)], replacements),
            ],
            timeline=[(log.created_at, log.status.name, log.message, actor_label(log.actor)) for log in logs],
        )

    @expose("/new/", methods=["GET", "POST"])
    def create_view(self):
        form = with_client_lookup(ReturnForm(request.form if request.method == "POST" else None), self)
        if request.method == "POST" and form.validate():
            ret = self.call_service(self._create, form)
            if ret:
                flash(_("Return %(number)s registered.", number=ret.number), "success")
                return redirect(self.details_url(ret))
        return self.render_form_page(_("Register return"), form)

    def _create(self, form):
        client = form.client.data
        try:
            replacement_lines = parse_lines(form.replacements.data) if (form.replacements.data or "").strip() else []
        except Exception as error:
            raise ValidationFailed(_("Replacement products: %(error)s", error=error)) from None
        returned = catalog.products_by_code(client, [code for code, _amount in form.returned.lines],
                                            goods_coming_back=True)
        replacements = catalog.products_by_code(client, [code for code, _amount in replacement_lines])
        order = None
        if form.order_number.data:
            order = Order.for_client(client).where(Order.number == form.order_number.data.strip()).first()
            if order is None:
                raise ValidationFailed(_("%(client)s has no order %(number)s.", client=client.name,
                                         number=form.order_number.data))
        return returns.create_return(
            client, [(returned[code], amount, "") for code, amount in form.returned.lines],
            [(replacements[code], amount) for code, amount in replacement_lines], order=order, actor=_actor(),
            name=form.name.data or "", tracking_code=form.tracking_code.data or "", remarks=form.remarks.data or "",
        )

    @expose("/status/<int:record_id>", methods=["GET", "POST"])
    def status_form(self, record_id):
        ret = self.get_one(record_id) or abort(404)
        form = ReturnStatusForm(request.form if request.method == "POST" else None)
        form.status.choices = [(status.id, status_label(status.name))
                               for status in ReturnStatus.select().order_by(ReturnStatus.position)]
        if request.method == "GET":
            form.status.data = ret.status_id
        if request.method == "POST" and form.validate():
            status = ReturnStatus.get_by_id(form.status.data)
            if self.call_service(returns.change_return_status, ret, status, form.message.data, _actor()):
                flash(_("Return %(number)s is now %(status)s.", number=ret.number, status=status_label(status.name)),
                      "success")
                return redirect(self.details_url(ret))
        return self.render_form_page(_("Change status of %(number)s", number=ret.number), form, ret,
                                     intro=_("The client sees every status change with its message as a timeline."))


class ReturnedProductView(ReadOnlyModelView):
    column_list = ("id", "return_", "client", "product", "amount", "amount_received", "reason")
    column_filters = (Client.name,)


class ReplacementProductView(ReadOnlyModelView):
    column_list = ("id", "return_", "client", "product", "amount", "picklist")
    column_filters = (Client.name,)


class ReturnLogView(ReadOnlyModelView):
    column_list = ("id", "created_at", "return_", "client", "status", "message", "actor")
    column_filters = (Client.name,)
    column_default_sort = ("id", True)
    column_formatters = {"status": status_formatter}


class ReturnStatusView(StaffModelView):
    column_list = ("id", "name", "is_default", "is_completed", "position")
    column_labels = {"is_default": _l("Default for new returns")}
    column_default_sort = "position"
    form_columns = ("name", "is_default", "is_completed", "position")


def views():
    category = _l("Returns")
    return [
        ReturnView(Return, name=_l("Returns"), category=category),
        ReturnedProductView(ReturnedProduct, name=_l("Returned products"), category=category),
        ReplacementProductView(ReplacementProduct, name=_l("Replacement products"), category=category),
        ReturnLogView(ReturnLog, name=_l("Return log"), category=category),
        ReturnStatusView(ReturnStatus, name=_l("Return statuses"), category=category),
    ]
