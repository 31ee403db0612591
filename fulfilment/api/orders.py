"""Orders: create (a concept), change, process, pause/resume, cancel; their lines, backorders and
per-line product status."""

from collections import defaultdict
from contextlib import contextmanager

from flask import jsonify

from fulfilment.api.auth import check_same_client, client_for_new_record, current_key, get_owned_or_404, scoped
from fulfilment.api.blueprint import bp
from fulfilment.api.body import json_body, query_choice, query_datetime, query_int, query_text
from fulfilment.api.errors import MISSING_PARAMETERS, ApiError, not_found
from fulfilment.api.pagination import page_of
from fulfilment.api.products import product_of_line, products_of_lines
from fulfilment.api.serialisation import created, datetime_text, json_list, money_value, no_content
from fulfilment.models import (
    ORDER_STATUSES,
    Backorder,
    Order,
    OrderLine,
    Picklist,
    Product,
)
from fulfilment.services import orders
from fulfilment.services.errors import IncompleteAddress
from fulfilment.services.listings import matching

# API field -> Order field, for what may be written.
WRITABLE = {
    "reference": "reference",
    "deliveryname": "delivery_name",
    "deliverycontactname": "delivery_contact_name",
    "deliveryaddress": "delivery_address",
    "deliveryaddress2": "delivery_address2",
    "deliveryzipcode": "delivery_zipcode",
    "deliverycity": "delivery_city",
    "deliveryregion": "delivery_region",
    "deliverycountry": "delivery_country",
    "invoicename": "invoice_name",
    "invoicecontactname": "invoice_contact_name",
    "invoiceaddress": "invoice_address",
    "invoiceaddress2": "invoice_address2",
    "invoicezipcode": "invoice_zipcode",
    "invoicecity": "invoice_city",
    "invoiceregion": "invoice_region",
    "invoicecountry": "invoice_country",
    "emailaddress": "email",
    "telephone": "telephone",
    "customer_remarks": "customer_remarks",
}
LONG_TEXT = {"customer_remarks": 10_000}
API_NAMES = {field: api_name for api_name, field in WRITABLE.items()}


@contextmanager
def address_errors_in_api_words(order=None):
    """Name the missing address fields as the API calls them (deliveryzipcode …), in Picqer's error shape."""
    try:
        yield
    except IncompleteAddress as error:
        missing = ", ".join(API_NAMES.get(name, name) for name in error.missing)
        if order is None or error.missing == ["delivery_name"]:
            message = f"Missing parameter {missing}: an order needs at least the recipient's name (deliveryname)."
        else:
            message = (f"Order {order.number} cannot be processed: its delivery address is incomplete. Missing: "
                       f"{missing}. Add them with PUT /orders/{order.id}, then process the order again.")
        raise ApiError(400, MISSING_PARAMETERS, message) from None


# --- serialising ----------------------------------------------------------------------------


def orders_json(order_list):
    """Orders with their lines and picklist ids: two extra queries for the whole page.

    A line shows its product's code and name: only those columns of the product are read."""
    ids = [order.id for order in order_list]
    lines, picklists = defaultdict(list), defaultdict(list)
    if ids:
        for line in (OrderLine.select(OrderLine, *Product.label_columns()).join(Product)
                     .where(OrderLine.order.in_(ids)).order_by(OrderLine.id)):
            lines[line.order_id].append(line)
        for picklist_id, order_id in (Picklist.select(Picklist.id, Picklist.order)
                                      .where(Picklist.order.in_(ids)).order_by(Picklist.id).tuples()):
            picklists[order_id].append(picklist_id)
    return [order_json(order, lines[order.id], picklists[order.id]) for order in order_list]


def order_json(order, lines, picklist_ids):
    item = {
        "idorder": order.id,
        "orderid": order.number,
        "idfulfilment_customer": order.client_id,
        "status": order.status,
        "source": order.source,
    }
    item.update({api_name: getattr(order, field) for api_name, field in WRITABLE.items()})
    item.update({
        "created": datetime_text(order.created_at),
        "updated": datetime_text(order.updated_at),
        "products": [line_json(line) for line in lines],
        "picklists": picklist_ids,
    })
    return item


def line_json(line):
    return {
        "idorder_product": line.id,
        "idproduct": line.product_id,
        "productcode": line.product.product_code,
        "name": line.product.name,
        "amount": line.amount,
        "price": money_value(line.price),
        "remarks": line.remarks,
    }


def _one(order):
    return orders_json([order])[0]


def _order(idorder):
    return get_owned_or_404(Order, idorder, "Order")


def _fields(body):
    return {field: body.text(api_name, max_length=LONG_TEXT.get(api_name, 255)) or ""
            for api_name, field in WRITABLE.items() if body.has(api_name)}


# --- orders ---------------------------------------------------------------------------------


@bp.get("/orders")
def list_orders():
    query = scoped(Order).order_by(Order.id)
    if (status := query_choice("status", ORDER_STATUSES)) is not None:
        query = query.where(Order.status == status)
    if (search := query_text("search")) is not None:
        query = query.where(matching(search, Order.number, Order.reference, Order.delivery_name, Order.email))
    if (reference := query_text("reference")) is not None:
        query = query.where(Order.reference == reference)
    if (customer := query_int("idfulfilment_customer")) is not None:
        query = Order.within(query, customer)
    if (since := query_datetime("sincedate")) is not None:
        query = query.where(Order.created_at >= since)
    if (until := query_datetime("untildate", end_of_day=True)) is not None:
        query = query.where(Order.created_at <= until)
    return json_list(orders_json(page_of(query)))


@bp.get("/orders/<int:idorder>")
def get_order(idorder):
    return jsonify(_one(_order(idorder)))


@bp.post("/orders")
def create_order():
    body = json_body()
    client = client_for_new_record(body)
    line_bodies = body.objects("products", required=True)
    products = products_of_lines(client, line_bodies)
    lines = [(product, line.integer("amount", required=True), line.money("price"), line.text("remarks") or "")
             for product, line in zip(products, line_bodies, strict=True)]
    with address_errors_in_api_words():
        order = orders.create_order(client, lines, source="api", actor=current_key(), fields=_fields(body))
    return created(_one(order))


@bp.put("/orders/<int:idorder>")
def update_order(idorder):
    order = _order(idorder)
    body = json_body()
    check_same_client(body, order)
    with address_errors_in_api_words(order):
        order = orders.update_order(order, _fields(body), current_key())
    return jsonify(_one(order))


@bp.post("/orders/<int:idorder>/process")
def process_order(idorder):
    order = _order(idorder)
    json_body()
    with address_errors_in_api_words(order):
        order = orders.process_order(order, current_key())
    return jsonify(_one(order))


@bp.post("/orders/<int:idorder>/pause")
def pause_order(idorder):
    order = _order(idorder)
    reason = json_body().text("reason") or ""
    return jsonify(_one(orders.pause_order(order, reason, current_key())))


@bp.post("/orders/<int:idorder>/resume")
def resume_order(idorder):
    order = _order(idorder)
    json_body()
    return jsonify(_one(orders.resume_order(order, current_key())))


@bp.delete("/orders/<int:idorder>")
def cancel_order(idorder):
    orders.cancel_order(_order(idorder), current_key())
    return no_content()


# --- order lines ----------------------------------------------------------------------------


def _line(order, idorder_product):
    line = (OrderLine.select(OrderLine, Product).join(Product)
            .where((OrderLine.id == idorder_product) & (OrderLine.order == order)).first())
    if line is None:
        raise not_found(f"Order product {idorder_product}")
    return line


@bp.get("/orders/<int:idorder>/products")
def list_order_lines(idorder):
    return json_list(line_json(line) for line in orders.order_lines(_order(idorder)))


@bp.post("/orders/<int:idorder>/products")
def add_order_line(idorder):
    order = _order(idorder)
    body = json_body()
    product = product_of_line(order.client, body)
    line = orders.add_order_line(order, product, body.integer("amount", required=True), body.money("price"),
                                 body.text("remarks") or "", current_key())
    return created(line_json(_line(order, line.id)))


@bp.get("/orders/<int:idorder>/products/<int:idorder_product>")
def get_order_line(idorder, idorder_product):
    return jsonify(line_json(_line(_order(idorder), idorder_product)))


@bp.put("/orders/<int:idorder>/products/<int:idorder_product>")
def update_order_line(idorder, idorder_product):
    order = _order(idorder)
    line = _line(order, idorder_product)
    body = json_body()
    orders.update_order_line(line, amount=body.integer("amount"), price=body.money("price"),
                             remarks=body.text("remarks"), actor=current_key())
    return jsonify(line_json(_line(order, line.id)))


@bp.delete("/orders/<int:idorder>/products/<int:idorder_product>")
def delete_order_line(idorder, idorder_product):
    order = _order(idorder)
    orders.remove_order_line(_line(order, idorder_product), current_key())
    return no_content()


# --- backorders and product status ----------------------------------------------------------


@bp.get("/orders/<int:idorder>/backorders")
def order_backorders(idorder):
    from fulfilment.api.backorders import backorder_json

    order = _order(idorder)
    return json_list(backorder_json(backorder) for backorder in
                     Backorder.select().where(Backorder.order == order).order_by(Backorder.created_at, Backorder.id))


@bp.get("/orders/<int:idorder>/productstatus")
def order_product_status(idorder):
    """Per line: ordered, cancelled, allocated on open picklists, backordered, picked and shipped units."""
    return json_list({
        "idorder_product": progress["line"].id,
        "idproduct": progress["line"].product_id,
        "productcode": progress["line"].product.product_code,
        "name": progress["line"].product.name,
        "amount": progress["line"].amount,
        "cancelled": progress["line"].amount_cancelled,
        "allocated": progress["allocated"],
        "backorder": progress["backordered"],
        "picked": progress["picked"],
        "shipped": progress["shipped"],
    } for progress in orders.line_progress(_order(idorder)))
