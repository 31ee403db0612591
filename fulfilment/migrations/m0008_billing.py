"""Billing (issue 18): rate cards, storage snapshots, one-off charges, invoices and their number sequence."""

from fulfilment.models import BILLING_MODELS


def upgrade(database):
    database.create_tables(BILLING_MODELS, safe=True)
