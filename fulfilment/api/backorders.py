"""Backorders: the parts of order lines waiting for stock, served oldest first."""

from flask import jsonify

from fulfilment.api.auth import current_key, get_owned_or_404, scoped, staff_only
from fulfilment.api.blueprint import bp
from fulfilment.api.body import json_body, query_int
from fulfilment.api.pagination import page_of
from fulfilment.api.serialisation import datetime_text, json_list, no_content
from fulfilment.models import Backorder
from fulfilment.services import backorders


def backorder_json(backorder):
    return {
        "idbackorder": backorder.id,
        "idorder": backorder.order_id,
        "idorder_product": backorder.order_line_id,
        "idproduct": backorder.product_id,
        "idwarehouse": backorder.warehouse_id,
        "amount": backorder.amount,
        # Ours: no priorities; backorders are served oldest first (the order of this list).
        "priority": 0,
        "created_at": datetime_text(backorder.created_at),
    }


@bp.get("/backorders")
def list_backorders():
    query = scoped(Backorder).order_by(Backorder.created_at, Backorder.id)
    if (idorder := query_int("idorder")) is not None:
        query = query.where(Backorder.order == idorder)
    if (idproduct := query_int("idproduct")) is not None:
        query = query.where(Backorder.product == idproduct)
    return json_list(backorder_json(backorder) for backorder in page_of(query))


@bp.get("/backorders/<int:idbackorder>")
def get_backorder(idbackorder):
    return jsonify(backorder_json(get_owned_or_404(Backorder, idbackorder, "Backorder")))


@bp.delete("/backorders/<int:idbackorder>")
def cancel_backorder(idbackorder):
    """Cancel that part of the order line: the recipient will not get it."""
    backorders.cancel_backorder(get_owned_or_404(Backorder, idbackorder, "Backorder"), current_key())
    return no_content()


@bp.post("/backorders/process")
@staff_only
def process_backorders():
    """Serve every backorder that free stock now covers; answers how many units were allocated."""
    json_body()
    return jsonify({"allocated": backorders.serve_backorders(actor=current_key())})
