"""How many units one line may hold: a whole number from 1 to MAX_AMOUNT.

Orders, purchase orders, receipts, returns, the Excel import, the portal's forms and the API's
description all read this one bound.
"""

from fulfilment.formatting import format_number
from fulfilment.i18n import _
from fulfilment.services.errors import ValidationFailed

MAX_AMOUNT = 1_000_000


def clean_amount(amount, product_code=None, *, received=False):
    """Return amount when it is a whole number from 1 to MAX_AMOUNT; otherwise refuse with ValidationFailed.

    The refusal names the line's product (product_code) or says it is a received amount."""
    if isinstance(amount, bool) or not isinstance(amount, int) or not 0 < amount <= MAX_AMOUNT:
        maximum = format_number(MAX_AMOUNT)
        if received:
            message = _("The received amount must be a whole number from 1 to %(maximum)s.", maximum=maximum)
        elif product_code:
            message = _("Amount of %(code)s must be a whole number from 1 to %(maximum)s.", code=product_code,
                        maximum=maximum)
        else:
            message = _("Amount must be a whole number from 1 to %(maximum)s.", maximum=maximum)
        raise ValidationFailed(message)
    return amount
