"""Client e-mails and webhooks: the mail outbox, notification settings, webshop connection states,
hooks and their deliveries (issue 17)."""

from fulfilment.models import NOTIFICATION_MODELS


def upgrade(database):
    database.create_tables(NOTIFICATION_MODELS, safe=True)
