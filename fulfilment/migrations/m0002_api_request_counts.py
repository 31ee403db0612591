"""The per-minute request counters of the API's rate limit."""

from fulfilment.models import ApiRequestCount


def upgrade(database):
    database.create_tables([ApiRequestCount], safe=True)
