"""Returns: returned and replacement products, the status log, receiving back into stock.

Clients' keys read returns (ours); creating and changing them is for staff keys.
"""

from collections import defaultdict

from flask import jsonify

from fulfilment.api.auth import client_for_new_record, current_key, get_owned_or_404, scoped, staff_only
from fulfilment.api.blueprint import bp
from fulfilment.api.body import json_body, query_int
from fulfilment.api.errors import MISSING_PARAMETERS, ApiError
from fulfilment.api.pagination import page_of
from fulfilment.api.products import product_of_line, products_of_lines
from fulfilment.api.serialisation import created, datetime_text, json_list
from fulfilment.models import ReplacementProduct, Return, ReturnedProduct, ReturnLog, ReturnStatus
from fulfilment.services import returns

# API field -> Return field.
WRITABLE = {"name": "name", "address": "address", "zipcode": "zipcode", "city": "city", "country": "country",
            "emailaddress": "email", "tracking_code": "tracking_code", "remarks": "remarks"}
LONG_TEXT = {"remarks": 10_000}


def return_status_json(status):
    return {"idreturn_status": status.id, "name": status.name, "default": status.is_default,
            "completed": status.is_completed}


def returns_json(return_list):
    """Returns with their statuses, returned and replacement products: three extra queries per page."""
    ids = [ret.id for ret in return_list]
    statuses = {status.id: status for status in ReturnStatus.select()}
    returned, replacements = defaultdict(list), defaultdict(list)
    if ids:
        for line in ReturnedProduct.select().where(ReturnedProduct.return_.in_(ids)).order_by(ReturnedProduct.id):
            returned[line.return_id].append(line)
        for line in (ReplacementProduct.select().where(ReplacementProduct.return_.in_(ids))
                     .order_by(ReplacementProduct.id)):
            replacements[line.return_id].append(line)
    return [return_json(ret, statuses[ret.status_id], returned[ret.id], replacements[ret.id]) for ret in return_list]


def return_json(ret, status, returned, replacements):
    item = {
        "idreturn": ret.id,
        "returnid": ret.number,
        "idorder": ret.order_id,
        "idfulfilment_customer": ret.client_id,
        "idreturn_status": ret.status_id,
        "return_status": return_status_json(status),
    }
    item.update({api_name: getattr(ret, field) for api_name, field in WRITABLE.items()})
    item.update({
        "received_at": datetime_text(ret.received_at),
        "completed_at": datetime_text(ret.completed_at),
        "created_at": datetime_text(ret.created_at),
        "returned_products": [returned_product_json(line) for line in returned],
        "replacement_products": [replacement_json(line) for line in replacements],
    })
    return item


def returned_product_json(line):
    return {"idreturn_product": line.id, "idproduct": line.product_id, "amount": line.amount,
            "amount_received": line.amount_received, "reason": line.reason}


def replacement_json(line):
    return {"idreturn_product_replacement": line.id, "idproduct": line.product_id, "amount": line.amount,
            "idpicklist": line.picklist_id}


def log_json(log):
    return {"idreturn_log": log.id, "idreturn": log.return_id, "idreturn_status": log.status_id,
            "message": log.message, "created_at": datetime_text(log.created_at)}


def _return(idreturn):
    return get_owned_or_404(Return, idreturn, "Return")


def _one(ret):
    return returns_json([Return.get_by_id(ret.id)])[0]


def _fields(body):
    return {field: body.text(api_name, max_length=LONG_TEXT.get(api_name, 255)) or ""
            for api_name, field in WRITABLE.items() if body.has(api_name)}


def _returned_lines(client, bodies):
    products = products_of_lines(client, bodies, goods_coming_back=True)
    return [(product, line.integer("amount", required=True), line.text("reason") or "")
            for product, line in zip(products, bodies, strict=True)]


def _replacement_lines(client, bodies):
    products = products_of_lines(client, bodies)
    return [(product, line.integer("amount", required=True)) for product, line in zip(products, bodies, strict=True)]


@bp.get("/return_statuses")
def list_return_statuses():
    return json_list(return_status_json(status) for status in
                     ReturnStatus.select().order_by(ReturnStatus.position, ReturnStatus.id))


@bp.get("/returns")
def list_returns():
    query = scoped(Return).order_by(Return.id)
    if (idorder := query_int("idorder")) is not None:
        query = query.where(Return.order == idorder)
    if (idstatus := query_int("idreturn_status")) is not None:
        query = query.where(Return.status == idstatus)
    if (customer := query_int("idfulfilment_customer")) is not None:
        query = Return.within(query, customer)
    return json_list(returns_json(page_of(query)))


@bp.get("/returns/<int:idreturn>")
def get_return(idreturn):
    return jsonify(_one(_return(idreturn)))


@bp.post("/returns")
@staff_only
def create_return():
    body = json_body()
    client = client_for_new_record(body)
    order = None
    if (idorder := body.integer("idorder", minimum=1)) is not None:
        order = returns.order_for_return(client, idorder)
        if order is None:
            raise ApiError(400, MISSING_PARAMETERS, f"Unknown order {idorder}.")
    ret = returns.create_return(
        client, _returned_lines(client, body.objects("returned_products")),
        _replacement_lines(client, body.objects("replacement_products")), order=order, actor=current_key(),
        **_fields(body),
    )
    return created(_one(ret))


@bp.put("/returns/<int:idreturn>")
@staff_only
def update_return(idreturn):
    ret = _return(idreturn)
    return jsonify(_one(returns.update_return(ret, _fields(json_body()), current_key())))


@bp.get("/returns/<int:idreturn>/returned_products")
def list_returned_products(idreturn):
    return json_list(returned_product_json(line) for line in returns.returned_products(_return(idreturn)))


@bp.post("/returns/<int:idreturn>/returned_products")
@staff_only
def add_returned_product(idreturn):
    ret = _return(idreturn)
    body = json_body()
    product = product_of_line(ret.client, body, goods_coming_back=True)
    line = returns.add_returned_product(ret, product, body.integer("amount", required=True), body.text("reason") or "")
    return created(returned_product_json(line))


@bp.get("/returns/<int:idreturn>/replacement_products")
def list_replacement_products(idreturn):
    ret = _return(idreturn)
    lines = ReplacementProduct.select().where(ReplacementProduct.return_ == ret).order_by(ReplacementProduct.id)
    return json_list(replacement_json(line) for line in lines)


@bp.post("/returns/<int:idreturn>/replacement_products")
@staff_only
def add_replacement_product(idreturn):
    """Allocate the product and put it on a picklist for the return at once."""
    ret = _return(idreturn)
    body = json_body()
    product = product_of_line(ret.client, body)
    picklist = returns.add_replacement_products(ret, [(product, body.integer("amount", required=True))],
                                                current_key())
    line = ReplacementProduct.get(ReplacementProduct.picklist == picklist)
    return created(replacement_json(line))


@bp.get("/returns/<int:idreturn>/logs")
def list_return_logs(idreturn):
    ret = _return(idreturn)
    return json_list(log_json(log) for log in ReturnLog.select().where(ReturnLog.return_ == ret).order_by(ReturnLog.id))


@bp.post("/returns/<int:idreturn>/logs")
@staff_only
def add_return_log(idreturn):
    """Move the return to idreturn_status and log it with the message."""
    ret = _return(idreturn)
    body = json_body()
    idstatus = body.integer("idreturn_status", required=True, minimum=1)
    status = ReturnStatus.get_or_none(ReturnStatus.id == idstatus)
    if status is None:
        raise ApiError(400, MISSING_PARAMETERS, f"Unknown return status {idstatus}.")
    log = returns.change_return_status(ret, status, body.text("message", max_length=10_000) or "", current_key())
    return created(log_json(log))


@bp.post("/returns/<int:idreturn>/receive")
@staff_only
def receive_return(idreturn):
    """Book the returned products back into stock: everything outstanding, or
    {"products": [{"idreturn_product": N, "amount": N}]}."""
    ret = _return(idreturn)
    body = json_body()
    received = None
    if body.has("products"):
        received = {}
        for line in body.objects("products"):
            received[line.integer("idreturn_product", required=True, minimum=1)] = \
                line.integer("amount", required=True, minimum=0)
    return jsonify(_one(returns.receive_return(ret, received, current_key())))
