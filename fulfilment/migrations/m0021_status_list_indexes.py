"""Indexes of (status, id) for the back office's lists filtered by a status, newest first
(issue 14): picklists, outgoing e-mails and webhook deliveries.

Their status indexes go on to another column (the order, the next attempt), so a list filtered
by a common status read every matching row and sorted them by id to show 50: picklists "closed"
at a million orders took 0.6 s on SQLite with the sampled statistics that init-db and the worker
keep (db.refresh_statistics), where (status, id) reads the newest 50 and stops. The picklists'
index ends with the order, so the dashboard's units to pick, which SQLite then read through it,
still find the open picklists' orders in the index alone.
"""

from fulfilment.models import OutboxMail, Picklist, WebhookDelivery


def upgrade(database):
    for model in (Picklist, OutboxMail, WebhookDelivery):
        model._schema.create_indexes(safe=True)
