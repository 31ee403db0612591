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
                      ConditionFilter(Order, "To pick", todays_work.orders_to_pick))
    column_default_sort = ("id", True)
    column_labels = {"delivery_name": "Recipient", "created_at": "Created"}
    column_formatters = {"status": status_formatter}
    column_export_extra = ("delivery_address", "delivery_zipcode", "delivery_city", "delivery_country", "email",
                           "telephone")
    form_ajax_refs = {"client": CLIENT_LOOKUP}
    record_actions = (
        RecordAction("process", "Process", lambda o, a: orders.process_order(o, a), style="primary",
                     success="Order processed: free stock allocated, the rest backordered.",
                     shown=orders.can_process),
        RecordAction("pause", "Pause", form_endpoint="order.pause_form", shown=orders.can_pause,
                     reason=orders.why_not_pause),
        RecordAction("resume", "Resume", lambda o, a: orders.resume_order(o, a), success="Order resumed.",
                     shown=orders.can_resume),
        RecordAction("duplicate", "Duplicate", lambda o, a: orders.duplicate_order(o, a, source="staff"),
                     success="Order copied into a new concept order (see the order list)."),
        RecordAction("cancel", "Cancel order", lambda o, a: orders.cancel_order(o, a), style="danger",
                     confirm="Cancel this order? Allocated stock is released and backorders are removed.",
                     success="Order cancelled.", shown=orders.can_cancel, reason=orders.why_not_cancel),
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
        facts = [("Client", record_link("client", order.client, order.client.name)),
                 ("Source", order.source),
                 ("Webshop", record_link("webshop", order.webshop, order.webshop.name) if order.webshop_id else None),
                 ("Reference", order.reference), ("Webshop number", order.foreign_number),
                 ("E-mail", order.email), ("Telephone", order.telephone),
                 ("Created", order.created_at)]
        if order.pause_reason:
            facts.append(("Paused because", order.pause_reason))
        return WorkPage(
            title=f"Order {order.number}", status=order.status,
            facts=[(label, value) for label, value in facts if value],
            address=address_lines(order.delivery_name, " ".join(filter(None, (order.delivery_address,
                                                                                order.delivery_address2))),
                                  order.delivery_zipcode, order.delivery_city, order.delivery_country),
            tables=[
                RelatedTable("Lines", [("Product", lambda r: record_link("product", r["line"].product,
                                                                         _product_label(r["line"].product))),
                                       ("Ordered", lambda r: r["ordered"]), ("Allocated", lambda r: r["allocated"]),
                                       ("Backordered", lambda r: r["backordered"]), ("Picked", lambda r: r["picked"]),
                                       ("Shipped", lambda r: r["shipped"]), ("Free stock", lambda r: r["free"])],
                             progress),
                RelatedTable("Picklists", [("Picklist", lambda p: record_link("picklist", p)),
                                           ("Status", lambda p: status_badge(p.status)), ("Created", "created_at"),
                                           ("Closed", "closed_at")], picklists),
                RelatedTable("Shipments", [("Shipment", lambda sh: record_link("shipment", sh, f"#{sh.id}")),
                                           ("Carrier", "carrier"), ("Tracking code", _tracking),
                                           ("Shipped", "shipped_at"), ("Webshop told", "webshop_push_status")],
                             shipments),
                RelatedTable("Backorders", [("Backorder", lambda b: record_link("backorder", b, f"#{b.id}")),
                                            ("Product", lambda b: _product_label(b.product)), ("Amount", "amount"),
                                            ("Since", "created_at")], waiting),
                RelatedTable("Returns", [("Return", lambda r: record_link("return", r)), ("Created", "created_at")],
                             order_returns),
            ],
            timeline=[(e.created_at, e.status, e.message, e.actor) for e in events],
        )

    @expose("/new/", methods=["GET", "POST"])
    def create_view(self):
        form = with_client_lookup(OrderForm(request.form if request.method == "POST" else None), self)
        if request.method == "POST" and form.validate():
            order = self.call_service(self._create_order, form)
            if order:
                flash(f"Order {order.number} created ({order.status}).", "success")
                return redirect(self.details_url(order))
        return self.render_form_page("Create order", form)

    def _create_order(self, form):
        client = form.client.data
        by_code = catalog.products_by_code(client, [code for code, _ in form.lines.lines])
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
            flash("Order paused; its picklists cannot be picked until it resumes.", "success")
            return redirect(self.details_url(order))
        return self.render_form_page(f"Pause order {order.number}", form, order)


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
                      ConditionFilter(Backorder, "Stock can serve", todays_work.servable_backorders))
    column_default_sort = ("id", False)
    record_actions = (
        RecordAction("cancel", "Cancel this backorder", lambda b, a: backorders.cancel_backorder(b, a),
                     style="danger", confirm="Cancel this part of the order line? The recipient will not get it.",
                     success="Backorder cancelled."),
    )

    @expose("/serve", methods=["POST"])
    def serve_view(self):
        units = self.call_service(backorders.serve_backorders, actor=_actor())
        if units is not False:
            flash(f"{units} unit(s) allocated to backorders." if units else "No backorder could be served: "
                  "there is no free stock for them.", "success" if units else "info")
        return redirect(url_for(".index_view"))

    list_template = "admin/backorder_list.html"


class PicklistView(WorkPageMixin, ReadOnlyModelView):
    simple_list_pager = True
    column_list = ("id", "number", "client", "order", "return_", "warehouse", "status", "created_at", "closed_at")
    column_searchable_list = ("number", "delivery_name")
    column_filters = (Client.name, "status", Warehouse.name,
                      ConditionFilter(Picklist, "Not closed", todays_work.open_picklists))
    column_default_sort = ("id", True)
    column_labels = {"return_": "Return"}
    column_formatters = {"status": status_formatter}
    record_actions = (
        RecordAction("pick", "Pick and ship (scan)", form_endpoint="picklist.pick_view", style="primary",
                     shown=lambda p: p.status == "new"),
        RecordAction("close", "Close with picked amounts", form_endpoint="picklist.close_form",
                     shown=lambda p: p.status == "new"),
        RecordAction("ship", "Add shipment", form_endpoint="picklist.shipment_form",
                     shown=lambda p: p.status == "closed"),
        RecordAction("cancel", "Cancel picklist", lambda p, a: picking.cancel_picklist(p, a), style="danger",
                     confirm="Cancel this picklist? Its allocation is released and its products wait as backorders.",
                     success="Picklist cancelled.", shown=picking.can_cancel, reason=picking.why_not_cancel),
    )

    def work_page(self, picklist):
        lines = picking.picklist_lines(picklist)
        free = stock.free_by_product({line.product_id for line in lines}, picklist.warehouse_id)
        shipments = list(Shipment.select().where(Shipment.picklist == picklist).order_by(Shipment.id))
        facts = [("Client", record_link("client", picklist.client, picklist.client.name)),
                 ("Order", record_link("order", picklist.order) if picklist.order_id else None),
                 ("Return", record_link("return", picklist.return_) if picklist.return_id else None),
                 ("Warehouse", picklist.warehouse.name), ("Created", picklist.created_at),
                 ("Closed", picklist.closed_at), ("Closed by", picklist.closed_by)]
        return WorkPage(
            title=f"Picklist {picklist.number}", status=picklist.status,
            facts=[(label, value) for label, value in facts if value],
            address=address_lines(picklist.delivery_name, picklist.delivery_address, picklist.delivery_zipcode,
                                  picklist.delivery_city, picklist.delivery_country),
            tables=[
                RelatedTable("Products in picking order",
                             [("Location", lambda item: item[1].name if item[1] else "–"),
                              ("Product", lambda item: record_link("product", item[0].product,
                                                                   _product_label(item[0].product))),
                              ("To pick", lambda item: item[0].amount),
                              ("Picked", lambda item: item[0].amount_picked if picklist.status == "closed" else None),
                              ("Free stock", lambda item: free.get(item[0].product_id, 0))],
                             locations.picking_route(lines, picklist.warehouse_id)),
                RelatedTable("Shipments", [("Shipment", lambda sh: record_link("shipment", sh, f"#{sh.id}")),
                                           ("Carrier", "carrier"), ("Tracking code", _tracking),
                                           ("Shipped", "shipped_at")], shipments),
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
                f"Picked: {line.product.product_code} {line.product.name} (of {line.amount})", default=line.amount,
                validators=[InputRequired(), NumberRange(0, line.amount)],
            ))
        form = shipment_form(Form, request.form if request.method == "POST" else None)
        if request.method == "POST" and form.validate():
            picked = {line.id: form[f"picked_{line.id}"].data for line in lines}
            carrier = self.call_service(carriers.carrier_by_id, form.carrier.data)
            shipment = {"carrier": carrier, "tracking_code": form.tracking_code.data}
            if carrier and self.call_service(picking.close_picklist, picklist, _actor(), picked, [shipment]):
                flash(f"Picklist {picklist.number} picked and shipped.", "success")
                return redirect(self.details_url(picklist))
        return self.render_form_page(f"Pick and ship {picklist.number}", form, picklist,
                                     intro="Units not found on the shelf are written off and backordered.")

    @expose("/shipment/<int:record_id>", methods=["GET", "POST"])
    def shipment_form(self, record_id):
        picklist = self.get_one(record_id) or abort(404)
        form = shipment_form(ShipmentForm, request.form if request.method == "POST" else None)
        if request.method == "POST" and form.validate():
            carrier = self.call_service(carriers.carrier_by_id, form.carrier.data)
            if carrier and self.call_service(picking.add_shipment, picklist, carrier, form.tracking_code.data,
                                             actor=_actor()):
                flash("Shipment added.", "success")
                return redirect(self.details_url(picklist))
        return self.render_form_page(f"Add a shipment to {picklist.number}", form, picklist)


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
            flash(f"Counted 1 × {line.product.product_code} ({line.amount_picked} of {line.amount}).", "scan-counted")
        return redirect(url_for(".pick_view", record_id=picklist.id))

    @expose("/pick/<int:record_id>/reset", methods=["POST"])
    def reset_view(self, record_id):
        picklist = self.get_one(record_id) or abort(404)
        if self.call_service(picking.reset_counts, picklist, _actor()) is not False:
            flash("Counting starts again from zero.", "info")
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
            flash(f"Picklist {picklist.number} picked and shipped with {carrier.name}.", "success")
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
                      ConditionFilter(Shipment, "Webshop not told", todays_work.failed_tracking_pushes))
    column_default_sort = ("id", True)
    column_formatters = {"webshop_push_status": status_formatter}
    column_labels = {"webshop_push_status": "Webshop told", "webshop_push_error": "Webshop's answer",
                     "webshop_push_attempts": "Attempts to tell the webshop", "webshop_pushed_at": "Webshop told at",
                     "webshop_push_next_at": "Next attempt"}
    record_actions = (
        RecordAction("push", "Tell the webshop again", lambda s, a: webshop_tracking.retry_tracking(s, a),
                     style="primary", shown=lambda s: s.webshop_push_status == "failed",
                     success="The worker sends the tracking code to the webshop again within a minute."),
    )


def views():
    category = "Orders & shipping"
    return [
        OrderView(Order, name="Orders", category=category),
        OrderLineView(OrderLine, name="Order lines", category=category),
        OrderEventView(OrderEvent, name="Order history", category=category),
        BackorderView(Backorder, name="Backorders", category=category),
        PicklistView(Picklist, name="Picklists", category=category),
        PicklistLineView(PicklistLine, name="Picklist lines", category=category),
        ShipmentView(Shipment, name="Shipments", category=category),
    ]
