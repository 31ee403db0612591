"""Receipts of purchase orders, received product by product (staff keys write; clients' keys read)."""

from collections import defaultdict

from flask import jsonify

from fulfilment.api.auth import current_key, get_owned_or_404, scoped, staff_only
from fulfilment.api.blueprint import bp
from fulfilment.api.body import json_body, query_int
from fulfilment.api.errors import MISSING_PARAMETERS, ApiError
from fulfilment.api.pagination import page_of
from fulfilment.api.products import product_of_line
from fulfilment.api.serialisation import created, datetime_text, json_list
from fulfilment.models import PurchaseOrder, Receipt, ReceiptLine
from fulfilment.services import purchasing


def receipts_json(receipt_list):
    """Receipts with their lines: one extra query for the whole page."""
    lines = defaultdict(list)
    ids = [receipt.id for receipt in receipt_list]
    if ids:
        for line in ReceiptLine.select().where(ReceiptLine.receipt.in_(ids)).order_by(ReceiptLine.id):
            lines[line.receipt_id].append(line)
    return [receipt_json(receipt, lines[receipt.id]) for receipt in receipt_list]


def receipt_json(receipt, lines):
    return {
        "idreceipt": receipt.id,
        "receiptid": receipt.number,
        "idpurchaseorder": receipt.purchase_order_id,
        "idfulfilment_customer": receipt.client_id,
        "status": receipt.status,
        "remarks": receipt.remarks,
        "created": datetime_text(receipt.created_at),
        "completed_at": datetime_text(receipt.completed_at),
        "products": [{
            "idreceipt_product": line.id,
            "idproduct": line.product_id,
            "idpurchaseorder_product": line.purchase_order_line_id,
            "amount": line.amount,
        } for line in lines],
    }


def _receipt(idreceipt):
    return get_owned_or_404(Receipt, idreceipt, "Receipt")


def _one(receipt):
    return receipts_json([Receipt.get_by_id(receipt.id)])[0]


@bp.get("/receipts")
def list_receipts():
    query = scoped(Receipt).order_by(Receipt.id)
    if (idpurchaseorder := query_int("idpurchaseorder")) is not None:
        query = query.where(Receipt.purchase_order == idpurchaseorder)
    return json_list(receipts_json(page_of(query)))


@bp.get("/receipts/<int:idreceipt>")
def get_receipt(idreceipt):
    return jsonify(_one(_receipt(idreceipt)))


@bp.post("/receipts")
@staff_only
def open_receipt():
    """Start a receipt (processing) for a purchase order; from now on the purchase order cannot change."""
    body = json_body()
    idpurchaseorder = body.integer("idpurchaseorder", required=True, minimum=1)
    purchase_order = PurchaseOrder.get_or_none(PurchaseOrder.id == idpurchaseorder)
    if purchase_order is None:
        raise ApiError(400, MISSING_PARAMETERS, f"Unknown purchase order {idpurchaseorder}.")
    receipt = purchasing.open_receipt(purchase_order, current_key(), remarks=body.text("remarks", max_length=10_000))
    return created(_one(receipt))


@bp.post("/receipts/<int:idreceipt>/products")
@staff_only
def receive_product(idreceipt):
    """Receive units of one product into stock on this receipt; answers the receipt."""
    receipt = _receipt(idreceipt)
    body = json_body()
    product = product_of_line(receipt.client, body, goods_coming_back=True)
    purchasing.receive_product(receipt, product, body.integer("amount", required=True), current_key())
    return created(_one(receipt))


@bp.post("/receipts/<int:idreceipt>/mark-all-received")
@staff_only
def receive_everything(idreceipt):
    receipt = _receipt(idreceipt)
    json_body()
    return jsonify(_one(purchasing.receive_all_outstanding(receipt, current_key())))


@bp.put("/receipts/<int:idreceipt>")
@staff_only
def update_receipt(idreceipt):
    """Only {"status": "completed"}: close the receipt."""
    receipt = _receipt(idreceipt)
    status = json_body().text("status", required=True)
    if status != "completed":
        raise ApiError(400, MISSING_PARAMETERS, 'A receipt can only be changed to {"status": "completed"}.')
    return jsonify(_one(purchasing.complete_receipt(receipt, current_key())))
