"""Human-facing document numbers (O000123, PO000045 …), derived from the row id."""

PREFIXES = {
    "Order": "O",
    "PurchaseOrder": "PO",
    "Picklist": "P",
    "Receipt": "R",
    "Return": "RT",
}


def assign_number(record):
    """Give a freshly inserted record its number; unique because the id is."""
    prefix = PREFIXES[type(record).__name__]
    record.number = f"{prefix}{record.id:06d}"
    type(record).update(number=record.number).where(type(record).id == record.id).execute()
    return record
