"""Stock corrections: counted or corrected stock written to the ledger, then waiting backorders served.

This sits above the ledger (services.stock) and backorders: the ledger only records changes,
while "stock arrived, serve who waits" is a rule of the corrections, receipts and returns that
add stock.
"""

from fulfilment.db import write_transaction
from fulfilment.i18n import _
from fulfilment.services import stock
from fulfilment.services.backorders import serve_backorders
from fulfilment.services.errors import ValidationFailed


def change_stock(product, warehouse, change, reason, actor=None, change_type="correction"):
    """Correct stock by a relative amount with a required reason, then serve waiting backorders."""
    if not (reason or "").strip():
        raise ValidationFailed(_("Give a reason for the stock change."))
    with write_transaction():
        mutation = stock.record_mutation(product, warehouse, change, change_type, reason=reason.strip(), actor=actor)
        if change > 0:
            serve_backorders(products=[product], actor=actor)
        return mutation


def set_stock(product, warehouse, amount, reason, actor=None, change_type="correction"):
    """Set stock to an absolute amount (a count), recorded as the difference in the ledger."""
    if not isinstance(amount, int) or isinstance(amount, bool) or amount < 0:
        raise ValidationFailed(_("Stock must be a whole number of 0 or more."))
    with write_transaction():
        current = stock.stock_row(product, warehouse).stock
        if amount == current:
            raise ValidationFailed(_("Stock of %(code)s is already %(amount)s.", code=product.product_code,
                                     amount=amount))
        return change_stock(product, warehouse, amount - current, reason, actor, change_type)
