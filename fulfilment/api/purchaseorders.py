"""Purchase orders: create (a concept), change while no receipt exists, mark as purchased, cancel; lines."""

from collections import defaultdict

from flask import jsonify

from fulfilment.api.auth import check_same_client, client_for_new_record, current_key, get_owned_or_404, scoped
from fulfilment.api.blueprint import bp
from fulfilment.api.body import json_body, query_choice, query_int
from fulfilment.api.errors import not_found
from fulfilment.api.pagination import page_of
from fulfilment.api.products import product_of_line, products_of_lines
from fulfilment.api.serialisation import created, date_text, datetime_text, json_list, money_value, no_content
from fulfilment.models import PURCHASE_ORDER_STATUSES, Product, PurchaseOrder, PurchaseOrderLine
from fulfilment.services import purchasing

TEXT_FIELDS = {"supplier_name": 255, "supplier_orderid": 255, "remarks": 10_000}


def purchase_orders_json(purchase_orders):
    """Purchase orders with their lines: one extra query for the whole page.

    A line shows its product's code and name: only those columns of the product are read."""
    lines = defaultdict(list)
    ids = [purchase_order.id for purchase_order in purchase_orders]
    if ids:
        for line in (PurchaseOrderLine.select(PurchaseOrderLine, *Product.label_columns()).join(Product)
                     .where(PurchaseOrderLine.purchase_order.in_(ids)).order_by(PurchaseOrderLine.id)):
            lines[line.purchase_order_id].append(line)
    return [purchase_order_json(purchase_order, lines[purchase_order.id]) for purchase_order in purchase_orders]


def purchase_order_json(purchase_order, lines):
    return {
        "idpurchaseorder": purchase_order.id,
        "purchaseorderid": purchase_order.number,
        "idfulfilment_customer": purchase_order.client_id,
        "supplier_name": purchase_order.supplier_name,
        "supplier_orderid": purchase_order.supplier_orderid,
        "delivery_date": date_text(purchase_order.delivery_date),
        "remarks": purchase_order.remarks,
        "status": purchase_order.status,
        "created": datetime_text(purchase_order.created_at),
        "updated": datetime_text(purchase_order.updated_at),
        "products": [line_json(line) for line in lines],
    }


def line_json(line):
    return {
        "idpurchaseorder_product": line.id,
        "idproduct": line.product_id,
        "productcode": line.product.product_code,
        "name": line.product.name,
        "amount": line.amount,
        "amountreceived": line.amount_received,
        "price": money_value(line.price),
    }


def _purchase_order(idpurchaseorder):
    return get_owned_or_404(PurchaseOrder, idpurchaseorder, "Purchase order")


def _one(purchase_order):
    return purchase_orders_json([PurchaseOrder.get_by_id(purchase_order.id)])[0]


def _header(body):
    fields = {name: body.text(name, max_length=max_length) for name, max_length in TEXT_FIELDS.items()
              if body.has(name)}
    if "delivery_date" in body.data:
        fields["delivery_date"] = body.date("delivery_date")
    return fields


@bp.get("/purchaseorders")
def list_purchase_orders():
    query = scoped(PurchaseOrder).order_by(PurchaseOrder.id)
    if (status := query_choice("status", PURCHASE_ORDER_STATUSES)) is not None:
        query = query.where(PurchaseOrder.status == status)
    if (customer := query_int("idfulfilment_customer")) is not None:
        query = PurchaseOrder.within(query, customer)
    return json_list(purchase_orders_json(page_of(query)))


@bp.get("/purchaseorders/<int:idpurchaseorder>")
def get_purchase_order(idpurchaseorder):
    return jsonify(_one(_purchase_order(idpurchaseorder)))


@bp.post("/purchaseorders")
def create_purchase_order():
    body = json_body()
    client = client_for_new_record(body)
    line_bodies = body.objects("products", required=True)
    products = products_of_lines(client, line_bodies)
    lines = [(product, line.integer("amount", required=True), line.money("price"))
             for product, line in zip(products, line_bodies, strict=True)]
    purchase_order = purchasing.create_purchase_order(client, lines, actor=current_key(), **_header(body))
    return created(_one(purchase_order))


@bp.put("/purchaseorders/<int:idpurchaseorder>")
def update_purchase_order(idpurchaseorder):
    purchase_order = _purchase_order(idpurchaseorder)
    body = json_body()
    check_same_client(body, purchase_order)
    return jsonify(_one(purchasing.update_purchase_order(purchase_order, actor=current_key(), **_header(body))))


@bp.post("/purchaseorders/<int:idpurchaseorder>/mark-as-purchased")
def mark_purchase_order_purchased(idpurchaseorder):
    purchase_order = _purchase_order(idpurchaseorder)
    json_body()
    return jsonify(_one(purchasing.mark_purchased(purchase_order, current_key())))


@bp.post("/purchaseorders/<int:idpurchaseorder>/cancel")
def cancel_purchase_order(idpurchaseorder):
    purchase_order = _purchase_order(idpurchaseorder)
    json_body()
    return jsonify(_one(purchasing.cancel_purchase_order(purchase_order, current_key())))


def _line(purchase_order, idpurchaseorder_product):
    line = (PurchaseOrderLine.select(PurchaseOrderLine, Product).join(Product)
            .where((PurchaseOrderLine.id == idpurchaseorder_product)
                   & (PurchaseOrderLine.purchase_order == purchase_order)).first())
    if line is None:
        raise not_found(f"Purchase order product {idpurchaseorder_product}")
    return line


@bp.get("/purchaseorders/<int:idpurchaseorder>/products")
def list_purchase_order_lines(idpurchaseorder):
    return json_list(line_json(line) for line in purchasing.purchase_order_lines(_purchase_order(idpurchaseorder)))


@bp.post("/purchaseorders/<int:idpurchaseorder>/products")
def add_purchase_order_line(idpurchaseorder):
    purchase_order = _purchase_order(idpurchaseorder)
    body = json_body()
    product = product_of_line(purchase_order.client, body)
    line = purchasing.add_purchase_order_line(purchase_order, product, body.integer("amount", required=True),
                                              body.money("price"), current_key())
    return created(line_json(_line(purchase_order, line.id)))


@bp.put("/purchaseorders/<int:idpurchaseorder>/products/<int:idpurchaseorder_product>")
def update_purchase_order_line(idpurchaseorder, idpurchaseorder_product):
    purchase_order = _purchase_order(idpurchaseorder)
    line = _line(purchase_order, idpurchaseorder_product)
    body = json_body()
    purchasing.update_purchase_order_line(line, amount=body.integer("amount"), price=body.money("price"),
                                          actor=current_key())
    return jsonify(line_json(_line(purchase_order, line.id)))


@bp.delete("/purchaseorders/<int:idpurchaseorder>/products/<int:idpurchaseorder_product>")
def delete_purchase_order_line(idpurchaseorder, idpurchaseorder_product):
    purchase_order = _purchase_order(idpurchaseorder)
    purchasing.remove_purchase_order_line(_line(purchase_order, idpurchaseorder_product), current_key())
    return no_content()
