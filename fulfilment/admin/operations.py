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
from fulfilment.models import (
    Backorder,
    Client,
    Order,
    OrderEvent,
    OrderLine,
    Picklist,
    PicklistLine,
    Product,
    Shipment,
    Warehouse,
)
from fulfilment.services import backorders, carriers, catalog, locations, orders, picking, webshop_tracking
from fulfilment.services.addresses import DELIVERY_FIELDS


def _actor():
    return current_user._get_current_object()


class OrderView(ReadOnlyModelView):
    can_create = True
    simple_list_pager = True
    column_list = ("id", "number", "client", "reference", "delivery_name", "status", "source", "webshop",
                   "created_at")
    column_searchable_list = ("number", "reference", "delivery_name", "email")
    column_filters = (Client.name, "status", "source", "created_at")
    column_default_sort = ("id", True)
    column_labels = {"delivery_name": "Recipient", "created_at": "Created"}
    column_export_extra = ("delivery_address", "delivery_zipcode", "delivery_city", "delivery_country", "email",
                           "telephone")
    form_ajax_refs = {"client": CLIENT_LOOKUP}
    record_actions = (
        RecordAction("process", "Process", lambda o, a: orders.process_order(o, a), style="primary",
                     success="Order processed: free stock allocated, the rest backordered.",
                     shown=orders.can_process),
        RecordAction("pause", "Pause", form_endpoint="order.pause_form", shown=orders.can_pause),
        RecordAction("resume", "Resume", lambda o, a: orders.resume_order(o, a), success="Order resumed.",
                     shown=orders.can_resume),
        RecordAction("duplicate", "Duplicate", lambda o, a: orders.duplicate_order(o, a, source="staff"),
                     success="Order copied into a new concept order (see the order list)."),
        RecordAction("cancel", "Cancel order", lambda o, a: orders.cancel_order(o, a), style="danger",
                     confirm="Cancel this order? Allocated stock is released and backorders are removed.",
                     success="Order cancelled.", shown=orders.can_cancel),
    )

    def related_tables(self, order):
        return [
            RelatedTable("Lines", [("Product", "product"), ("Amount", "amount"), ("Cancelled", "amount_cancelled"),
                                   ("Price", "price")], orders.order_lines(order)),
            RelatedTable("Picklists", [("Picklist", "number"), ("Status", "status"), ("Created", "created_at"),
                                       ("Closed", "closed_at")],
                         list(Picklist.select().where(Picklist.order == order).order_by(Picklist.id))),
            RelatedTable("Shipments", [("Carrier", "carrier"), ("Tracking code", "tracking_code"),
                                       ("Shipped", "shipped_at"), ("Webshop told", "webshop_push_status")],
                         list(Shipment.select().where(Shipment.order == order).order_by(Shipment.id))),
            RelatedTable("Backorders", [("Product", "product"), ("Amount", "amount"), ("Since", "created_at")],
                         list(Backorder.select(Backorder, Product).join(Product).where(Backorder.order == order))),
            RelatedTable("History", [("When", "created_at"), ("Status", "status"), ("What", "message"),
                                     ("Who", "actor")],
                         list(OrderEvent.select().where(OrderEvent.order == order).order_by(OrderEvent.id))),
        ]

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


class BackorderView(ReadOnlyModelView):
    column_list = ("id", "created_at", "client", "order", "product", "warehouse", "amount")
    column_filters = (Client.name, Warehouse.name)
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


class PicklistView(ReadOnlyModelView):
    simple_list_pager = True
    column_list = ("id", "number", "client", "order", "return_", "warehouse", "status", "created_at", "closed_at")
    column_searchable_list = ("number", "delivery_name")
    column_filters = (Client.name, "status", Warehouse.name)
    column_default_sort = ("id", True)
    column_labels = {"return_": "Return"}
    record_actions = (
        RecordAction("pick", "Pick and ship (scan)", form_endpoint="picklist.pick_view", style="primary",
                     shown=lambda p: p.status == "new"),
        RecordAction("close", "Close with picked amounts", form_endpoint="picklist.close_form",
                     shown=lambda p: p.status == "new"),
        RecordAction("ship", "Add shipment", form_endpoint="picklist.shipment_form",
                     shown=lambda p: p.status == "closed"),
        RecordAction("cancel", "Cancel picklist", lambda p, a: picking.cancel_picklist(p, a), style="danger",
                     confirm="Cancel this picklist? Its allocation is released and its products wait as backorders.",
                     success="Picklist cancelled.", shown=lambda p: p.status == "new"),
    )

    def related_tables(self, picklist):
        return [
            RelatedTable("Products in picking order",
                         [("Location", lambda item: item[1].name if item[1] else "–"),
                          ("Product", lambda item: item[0].product), ("Amount", lambda item: item[0].amount),
                          ("Picked", lambda item: item[0].amount_picked)],
                         locations.picking_route(picking.picklist_lines(picklist), picklist.warehouse_id)),
            RelatedTable("Shipments", [("Carrier", "carrier"), ("Tracking code", "tracking_code"),
                                       ("Tracking URL", "tracking_url"), ("Shipped", "shipped_at")],
                         list(Shipment.select().where(Shipment.picklist == picklist).order_by(Shipment.id))),
        ]

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
    column_filters = (Client.name, "carrier", "webshop_push_status")
    column_default_sort = ("id", True)
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
