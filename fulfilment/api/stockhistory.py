"""Stock history: the ledger of stock mutations, read-only."""

from flask import jsonify

from fulfilment.api.auth import get_owned_or_404, scoped
from fulfilment.api.blueprint import bp
from fulfilment.api.body import query_datetime, query_int
from fulfilment.api.pagination import page_of
from fulfilment.api.serialisation import datetime_text, json_list
from fulfilment.models import StockMutation


def mutation_json(mutation):
    return {
        "idproduct_stock_history": mutation.id,
        "idproduct": mutation.product_id,
        "idwarehouse": mutation.warehouse_id,
        "iduser": mutation.staff_user_id,
        "old_stock": mutation.old_stock,
        "stock_change": mutation.change,
        "new_stock": mutation.new_stock,
        "reason": mutation.reason,
        "change_type": mutation.change_type,
        "changed_at": datetime_text(mutation.created_at),
    }


@bp.get("/stockhistory")
def list_stock_history():
    """Newest first."""
    query = scoped(StockMutation).order_by(StockMutation.id.desc())
    if (idproduct := query_int("idproduct")) is not None:
        query = query.where(StockMutation.product == idproduct)
    if (idwarehouse := query_int("idwarehouse")) is not None:
        query = query.where(StockMutation.warehouse == idwarehouse)
    if (since := query_datetime("sincedate")) is not None:
        query = query.where(StockMutation.created_at >= since)
    if (until := query_datetime("untildate", end_of_day=True)) is not None:
        query = query.where(StockMutation.created_at <= until)
    return json_list(mutation_json(mutation) for mutation in page_of(query))


@bp.get("/stockhistory/<int:idproduct_stock_history>")
def get_stock_history(idproduct_stock_history):
    return jsonify(mutation_json(get_owned_or_404(StockMutation, idproduct_stock_history, "Stock history")))
