"""Webshop orders: every order seen in a client's webshop and what became of it (read-only, staff keys)."""

from flask import jsonify

from fulfilment.api.auth import get_owned_or_404, scoped, staff_only
from fulfilment.api.blueprint import bp
from fulfilment.api.body import query_int, query_text
from fulfilment.api.pagination import page_of
from fulfilment.api.serialisation import datetime_text, json_list
from fulfilment.models import WebshopOrder


def webshop_order_json(seen):
    return {
        "idwebshop_order": seen.id,
        "idwebshop": seen.webshop_id,
        "idfulfilment_customer": seen.client_id,
        "idorder": seen.order_id,
        "foreign_id": seen.foreign_id,
        "foreign_number": seen.foreign_number,
        "status": seen.status,
        "reason": seen.reason,
        "created": datetime_text(seen.created_at),
    }


@bp.get("/webshoporders")
@staff_only
def list_webshop_orders():
    query = scoped(WebshopOrder).order_by(WebshopOrder.id)
    if (idwebshop := query_int("idwebshop")) is not None:
        query = query.where(WebshopOrder.webshop == idwebshop)
    if (foreign_id := query_text("foreign_id")) is not None:
        query = query.where(WebshopOrder.foreign_id == foreign_id)
    return json_list(webshop_order_json(seen) for seen in page_of(query))


@bp.get("/webshoporders/<int:idwebshop_order>")
@staff_only
def get_webshop_order(idwebshop_order):
    return jsonify(webshop_order_json(get_owned_or_404(WebshopOrder, idwebshop_order, "Webshop order")))
