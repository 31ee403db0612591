"""Orders, their lines and history, backorders, picklists and shipments — with the actions staff run."""

from flask import abort, flash, redirect, request, url_for
from flask_admin import expose
from flask_login import current_user
from wtforms import IntegerField
from wtforms.validators import InputRequired, NumberRange

from fulfilment.admin.base import (
    CLIENT_LOOKUP,
    ReadOnlyModelView,
    RecordAction,
    RelatedTable,
)
from fulfilment.admin.forms import (
    OrderForm,
    PauseForm,
    ShipmentForm,
    shipment_form,
    with_client_lookup,
)
from fulfilment.admin.work import (
    ConditionFilter,
    Link,
    WorkPage,
    WorkPageMixin,
    address_lines,
    record_link,
    status_badge,
    status_formatter,
)
from fulfilment.formatting import format_number
from fulfilment.i18n import _, _l, ngettext
from fulfilment.models import (
    Backorder,
    Client,
    Order,
    OrderEvent,
    OrderLine,
    Picklist,
    PicklistLine,
    Product,
    Return,
    Shipment,
    Warehouse,
)
from fulfilment.services import (
    backorders,
    carriers,
    catalog,
    locations,
    orders,
    picking,
    stock,
    todays_work,
    webshop_tracking,
)
from fulfilment.services.addresses import DELIVERY_FIELDS
from fulfilment.vocabulary import actor_label, source_label, status_label

# The menu's heading for orders, picking and shipping (admin/locations.py too).
ORDERS_AND_SHIPPING = _l("Orders & shipping")


def _actor():
    return current_user._get_current_object()


def _product_label(product):
    return f"{product.product_code} {product.name}"


def _tracking(shipment):
    if shipment.tracking_url and shipment.tracking_url.startswith(("https://", "http://")):
        return Link(shipment.tracking_code or shipment.tracking_url, shipment.tracking_url)
    return shipment.tracking_code


class OrderView(WorkPageMixin, ReadOnlyModelView):
    can_create = True
    simple_list_pager = True
    column_list = ("id", "number", "client", "reference", "delivery_name", "status", "source", "webshop",
                   "created_at")
    column_searchable_list = ("number", "reference", "delivery_name", "email")
    column_filters = (Client.name, "status", "source", "created_at",
                      ConditionFilter(Order, _l("To pick"), todays_work.orders_to_pick))
    column_default_sort = ("id", True)
    column_formatters = {"status": status_formatter,
                         "source": lambda view, context, order, name: source_label(order.source)}
    column_export_extra = ("delivery_address", "delivery_zipcode", "delivery_city", "delivery_country", "email",
                           "telephone")
    form_ajax_refs = {"client": CLIENT_LOOKUP}
    record_actions = (
        RecordAction("process", _l("Process"), lambda o, a: orders.process_order(o, a), style="primary",
                     success=_l("Order processed: free stock allocated, the rest backordered."),
                     shown=orders.can_process),
        RecordAction("pause", _l("Pause"), form_endpoint="order.pause_form", shown=orders.can_pause,
                     reason=orders.why_not_pause),
        RecordAction("resume", _l("Resume"), lambda o, a: orders.resume_order(o, a), success=_l("Order resumed."),
                     shown=orders.can_resume),
        RecordAction("duplicate", _l("Duplicate"), lambda o, a: orders.duplicate_order(o, a, source="staff"),
                     success=_l("Order copied into a new concept order (see the order list).")),
        RecordAction("cancel", _l("Cancel order"), lambda o, a: orders.cancel_order(o, a), style="danger",
                     confirm=_l("Cancel this order? Allocated stock is released and backorders are removed."),
                     success=_l("Order cancelled."), shown=orders.can_cancel, reason=orders.why_not_cancel),
    )

    def work_page(self, order):
        progress = orders.line_progress(order)
        free = stock.free_by_product({row["line"].product_id for row in progress},
                                     order.warehouse_id or Warehouse.default().id)
        for row in progress:
            line = row["line"]
            row["ordered"] = line.amount - line.amount_cancelled
            row["free"] = free.get(line.product_id, 0)
        picklists = list(Picklist.select().where(Picklist.order == order).order_by(Picklist.id))
        shipments = list(Shipment.select().where(Shipment.order == order).order_by(Shipment.id))
        waiting = list(Backorder.select(Backorder, Product).join(Product).where(Backorder.order == order)
                       .order_by(Backorder.id))
        order_returns = list(Return.select().where(Return.order == order).order_by(Return.id))
        events = list(OrderEvent.select().where(OrderEvent.order == order).order_by(OrderEvent.id))
        facts = [(_("Client"), record_link("client", order.client, order.client.name)),
                 (_("Source"), source_label(order.source)),
                 (_("Webshop"), record_link("webshop", order.webshop, order.webshop.name) if order.webshop_id
                  else None),
                 (_("Reference"), order.reference), (_("Webshop number"), order.foreign_number),
                 (_("E-mail"), order.email), (_("Telephone"), order.telephone),
                 (_("Created"), order.created_at)]
        if order.pause_reason:
            facts.append((_("Paused because"), order.pause_reason))
        return WorkPage(
            title=_("Order %(number)s", number=order.number), status=order.status,
            facts=[(label, value) for label, value in facts if value],
            address=address_lines(order.delivery_name, " ".join(filter(None, (order.delivery_address,
                                                                                order.delivery_address2))),
                                  order.delivery_zipcode, order.delivery_city, order.delivery_country),
            tables=[
                RelatedTable(_("Lines"), [(_("Product"), lambda r: record_link("product", r["line"].product,
                                                                               _product_label(r["line"].product))),
                                          (_("Ordered"), lambda r: r["ordered"]),
                                          (_("Allocated"), lambda r: r["allocated"]),
                                          (_("Backordered"), lambda r: r["backordered"]),
                                          (_("Picked"), lambda r: r["picked"]), (_("Shipped"), lambda r: r["shipped"]),
                                          (_("Free stock"), lambda r: r["free"])],
                             progress),
                RelatedTable(_("Picklists"), [(_("Picklist"), lambda p: record_link("picklist", p)),
                                              (_("Status"), lambda p: status_badge(p.status)),
                                              (_("Created"), "created_at"), (_("Closed"), "closed_at")], picklists),
                RelatedTable(_("Shipments"), [(_("Shipment"), lambda sh: record_link("shipment", sh, f"#{sh.id}")),
                                              (_("Carrier"), "carrier"), (_("Tracking code"), _tracking),
                                              (_("Shipped"), "shipped_at"),
                                              (_("Webshop told"), lambda sh: status_badge(sh.webshop_push_status))],
                             shipments),
                RelatedTable(_("Backorders"), [(_("Backorder"), lambda b: record_link("backorder", b, f"#{b.id}")),
                                               (_("Product"), lambda b: _product_label(b.product)),
                                               (_("Amount"), "amount"), (_("Since"), "created_at")], waiting),
                RelatedTable(_("Returns"), [(_("Return"), lambda r: record_link("return", r)),
                                            (_("Created"), "created_at")], order_returns),
            ],
            timeline=[(e.created_at, e.status, e.message, actor_label(e.actor)) for e in events],
        )

    @expose("/new/", methods=["GET", "POST"])
    def create_view(self):
        form = with_client_lookup(OrderForm(request.form if request.method == "POST" else None), self)
        if request.method == "POST" and form.validate():
            order = self.call_service(self._create_order, form)
            if order:
                flash(_("Order %(number)s created (%(status)s).", number=order.number,
                        status=status_label(order.status)), "success")
                return redirect(self.details_url(order))
        return self.render_form_page(_("Create order"), form)

    def _create_order(self, form):
        client = form.client.data
        by_code = catalog.products_by_code(client, [code for code, _amount in form.lines.lines])
        fields = {name: form[name].data for name in (*DELIVERY_FIELDS, "reference", "email", "telephone")
                  if name in form}
        create = orders.place_order if form.process_now.data else orders.create_order
        return create(client, [(by_code[code], amount) for code, amount in form.lines.lines], source="staff",
                      actor=_actor(), fields=fields)

    @expose("/pause/<int:record_id>", methods=["GET", "POST"])
    def pause_form(self, record_id):
        order = self.get_one(record_id) or abort(404)
        form = PauseForm(request.form if request.method == "POST" else None)
        if (request.method == "POST" and form.validate()
                and self.call_service(orders.pause_order, order, form.reason.data, _actor())):
            flash(_("Order paused; its picklists cannot be picked until it resumes."), "success")
            return redirect(self.details_url(order))
        return self.render_form_page(_("Pause order %(number)s", number=order.number), form, order)


class OrderLineView(ReadOnlyModelView):
    simple_list_pager = True
    column_list = ("id", "order", "client", "product", "amount", "amount_cancelled", "price")
    column_filters = (Client.name,)
    column_default_sort = ("id", True)


class OrderEventView(ReadOnlyModelView):
    simple_list_pager = True
    column_list = ("id", "created_at", "order", "client", "status", "message", "actor")
    column_filters = (Client.name, "status")
    column_default_sort = ("id", True)
    column_formatters = {"status": status_formatter}


class BackorderView(ReadOnlyModelView):
    column_list = ("id", "created_at", "client", "order", "product", "warehouse", "amount")
    column_filters = (Client.name, Warehouse.name,
                      ConditionFilter(Backorder, _l("Stock can serve"), todays_work.servable_backorders))
    column_default_sort = ("id", False)
    record_actions = (
        RecordAction("cancel", _l("Cancel this backorder"), lambda b, a: backorders.cancel_backorder(b, a),
                     style="danger", confirm=_l("Cancel this part of the order line? The recipient will not get it."),
                     success=_l("Backorder cancelled.")),
    )

    @expose("/serve", methods=["POST"])
    def serve_view(self):
        units = self.call_service(backorders.serve_backorders, actor=_actor())
        if units:
            flash(ngettext("%(units)s unit allocated to backorders.", "%(units)s units allocated to backorders.",
                           units, units=format_number(units)), "success")
        elif units is not False:
            flash(_("No backorder could be served: there is no free stock for them."), "info")
        return redirect(url_for(".index_view"))

    list_template = "admin/backorder_list.html"


class PicklistView(WorkPageMixin, ReadOnlyModelView):
    simple_list_pager = True
    column_list = ("id", "number", "client", "order", "return_", "warehouse", "status", "created_at", "closed_at")
    column_searchable_list = ("number", "delivery_name")
    column_filters = (Client.name, "status", Warehouse.name,
                      ConditionFilter(Picklist, _l("Not closed"), todays_work.open_picklists))
    column_default_sort = ("id", True)
    column_formatters = {"status": status_formatter}
    record_actions = (
        RecordAction("pick", _l("Pick and ship (scan)"), form_endpoint="picklist.pick_view", style="primary",
                     shown=lambda p: p.status == "new"),
        RecordAction("close", _l("Close with picked amounts"), form_endpoint="picklist.close_form",
                     shown=lambda p: p.status == "new"),
        RecordAction("ship", _l("Add shipment"), form_endpoint="picklist.shipment_form",
                     shown=lambda p: p.status == "closed"),
        RecordAction("cancel", _l("Cancel picklist"), lambda p, a: picking.cancel_picklist(p, a), style="danger",
                     confirm=_l("Cancel this picklist? Its allocation is released and its products wait as "
                                "backorders."),
                     success=_l("Picklist cancelled."), shown=picking.can_cancel, reason=picking.why_not_cancel),
    )

    def work_page(self, picklist):
        lines = picking.picklist_lines(picklist)
        free = stock.free_by_product({line.product_id for line in lines}, picklist.warehouse_id)
        shipments = list(Shipment.select().where(Shipment.picklist == picklist).order_by(Shipment.id))
        facts = [(_("Client"), record_link("client", picklist.client, picklist.client.name)),
                 (_("Order"), record_link("order", picklist.order) if picklist.order_id else None),
                 (_("Return"), record_link("return", picklist.return_) if picklist.return_id else None),
                 (_("Warehouse"), picklist.warehouse.name), (_("Created"), picklist.created_at),
                 (_("Closed"), picklist.closed_at), (_("Closed by"), picklist.closed_by)]
        return WorkPage(
            title=_("Picklist %(number)s", number=picklist.number), status=picklist.status,
            facts=[(label, value) for label, value in facts if value],
            address=address_lines(picklist.delivery_name, picklist.delivery_address, picklist.delivery_zipcode,
                                  picklist.delivery_city, picklist.delivery_country),
            tables=[
                RelatedTable(_("Products in picking order"),
                             [(_("Location"), lambda item: item[1].name if item[1] else "–"),
                              (_("Product"), lambda item: record_link("product", item[0].product,
                                                                      _product_label(item[0].product))),
                              (_("To pick"), lambda item: item[0].amount),
                              (_("Picked"), lambda item: item[0].amount_picked if picklist.status == "closed"
                               else None),
                              (_("Free stock"), lambda item: free.get(item[0].product_id, 0))],
                             locations.picking_route(lines, picklist.warehouse_id)),
                RelatedTable(_("Shipments"), [(_("Shipment"), lambda sh: record_link("shipment", sh, f"#{sh.id}")),
                                              (_("Carrier"), "carrier"), (_("Tracking code"), _tracking),
                                              (_("Shipped"), "shipped_at")], shipments),
            ],
        )

    @expose("/close/<int:record_id>", methods=["GET", "POST"])
    def close_form(self, record_id):
        picklist = self.get_one(record_id) or abort(404)
        lines = picking.picklist_lines(picklist)

        class Form(ShipmentForm):
            pass

        for line in lines:
            setattr(Form, f"picked_{line.id}", IntegerField(
                _("Picked: %(product)s (of %(amount)s)", product=_product_label(line.product), amount=line.amount),
                default=line.amount,
                validators=[InputRequired(), NumberRange(0, line.amount)],
            ))
        form = shipment_form(Form, request.form if request.method == "POST" else None)
        if request.method == "POST" and form.validate():
            picked = {line.id: form[f"picked_{line.id}"].data for line in lines}
            carrier = self.call_service(carriers.carrier_by_id, form.carrier.data)
            shipment = {"carrier": carrier, "tracking_code": form.tracking_code.data}
            if carrier and self.call_service(picking.close_picklist, picklist, _actor(), picked, [shipment]):
                flash(_("Picklist %(number)s picked and shipped.", number=picklist.number), "success")
                return redirect(self.details_url(picklist))
        return self.render_form_page(_("Pick and ship %(number)s", number=picklist.number), form, picklist,
                                     intro=_("Units not found on the shelf are written off and backordered."))

    @expose("/shipment/<int:record_id>", methods=["GET", "POST"])
    def shipment_form(self, record_id):
        picklist = self.get_one(record_id) or abort(404)
        form = shipment_form(ShipmentForm, request.form if request.method == "POST" else None)
        if request.method == "POST" and form.validate():
            carrier = self.call_service(carriers.carrier_by_id, form.carrier.data)
            if carrier and self.call_service(picking.add_shipment, picklist, carrier, form.tracking_code.data,
                                             actor=_actor()):
                flash(_("Shipment added."), "success")
                return redirect(self.details_url(picklist))
        return self.render_form_page(_("Add a shipment to %(number)s", number=picklist.number), form, picklist)


    # --- pick and ship: scan each unit, then ship with a carrier ------------------------------

    @expose("/pick/<int:record_id>")
    def pick_view(self, record_id):
        picklist = self.get_one(record_id) or abort(404)
        lines = picking.picklist_lines(picklist)
        shipments = list(Shipment.select().where(Shipment.picklist == picklist).order_by(Shipment.id))
        form = shipment_form()
        return self.render(
            "admin/pick_and_ship.html", picklist=picklist, route=locations.picking_route(lines, picklist.warehouse_id),
            counted=sum(line.amount_picked for line in lines), total=sum(line.amount for line in lines),
            left=picking.units_to_count(lines), shipments=shipments, form=form,
            order=Order.get_by_id(picklist.order_id) if picklist.order_id else None,
        )

    @expose("/pick/<int:record_id>/scan", methods=["POST"])
    def scan_view(self, record_id):
        picklist = self.get_one(record_id) or abort(404)
        barcode = request.form.get("barcode", "")
        line = self.call_service(picking.count_scan, picklist, barcode, _actor())
        if line:
            flash(_("Counted 1 × %(product_code)s (%(picked)s of %(amount)s).", product_code=line.product.product_code,
                    picked=line.amount_picked, amount=line.amount), "scan-counted")
        return redirect(url_for(".pick_view", record_id=picklist.id))

    @expose("/pick/<int:record_id>/reset", methods=["POST"])
    def reset_view(self, record_id):
        picklist = self.get_one(record_id) or abort(404)
        if self.call_service(picking.reset_counts, picklist, _actor()) is not False:
            flash(_("Counting starts again from zero."), "info")
        return redirect(url_for(".pick_view", record_id=picklist.id))

    @expose("/pick/<int:record_id>/ship", methods=["POST"])
    def ship_view(self, record_id):
        picklist = self.get_one(record_id) or abort(404)
        form = shipment_form(ShipmentForm, request.form)
        if not form.validate():
            flash(" ".join(error for errors in form.errors.values() for error in errors), "error")
            return redirect(url_for(".pick_view", record_id=picklist.id))
        carrier = self.call_service(carriers.carrier_by_id, form.carrier.data)
        if carrier and self.call_service(picking.ship_counted_picklist, picklist, carrier, form.tracking_code.data,
                                         _actor()):
            flash(_("Picklist %(number)s picked and shipped with %(carrier)s.", number=picklist.number,
                    carrier=carrier.name), "success")
        return redirect(url_for(".pick_view", record_id=picklist.id))


class PicklistLineView(ReadOnlyModelView):
    simple_list_pager = True
    column_list = ("id", "picklist", "client", "product", "amount", "amount_picked")
    column_filters = (Client.name,)
    column_default_sort = ("id", True)


class ShipmentView(ReadOnlyModelView):
    simple_list_pager = True
    column_list = ("id", "shipped_at", "client", "picklist", "order", "carrier", "tracking_code",
                   "webshop_push_status")
    column_searchable_list = ("tracking_code", "carrier")
    column_filters = (Client.name, "carrier", "webshop_push_status",
                      ConditionFilter(Shipment, _l("Webshop not told"), todays_work.failed_tracking_pushes))
    column_default_sort = ("id", True)
    column_formatters = {"webshop_push_status": status_formatter}
    record_actions = (
        RecordAction("push", _l("Tell the webshop again"), lambda s, a: webshop_tracking.retry_tracking(s, a),
                     style="primary", shown=lambda s: s.webshop_push_status == "failed",
                     success=_l("The worker sends the tracking code to the webshop again within a minute.")),
    )


def views():
    category = ORDERS_AND_SHIPPING
    return [
        OrderView(Order, name=_l("Orders"), category=category),
        OrderLineView(OrderLine, name=_l("Order lines"), category=category),
        OrderEventView(OrderEvent, name=_l("Order history"), category=category),
        BackorderView(Backorder, name=_l("Backorders"), category=category),
        PicklistView(Picklist, name=_l("Picklists"), category=category),
        PicklistLineView(PicklistLine, name=_l("Picklist lines"), category=category),
        ShipmentView(Shipment, name=_l("Shipments"), category=category),
    ]
