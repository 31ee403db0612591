"""CreationKey: once-only keys of imports and forms, so a repeated confirm or submit creates nothing."""

from fulfilment.models import CreationKey


def upgrade(database):
    database.create_tables([CreationKey], safe=True)
