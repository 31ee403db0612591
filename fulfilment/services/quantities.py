"""How many units one line may hold: a whole number from 1 to MAX_AMOUNT.

Orders, purchase orders, receipts, returns, the Excel import, the portal's forms and the API's
description all read this one bound.
"""

from fulfilment.services.errors import ValidationFailed

MAX_AMOUNT = 1_000_000


def clean_amount(amount, what="Amount"):
    """Return amount when it is a whole number from 1 to MAX_AMOUNT; otherwise refuse with ValidationFailed."""
    if isinstance(amount, bool) or not isinstance(amount, int) or not 0 < amount <= MAX_AMOUNT:
        raise ValidationFailed(f"{what} must be a whole number from 1 to {MAX_AMOUNT:,}.")
    return amount
