"""Import jobs (issue 14): long Excel order imports created by the worker, with their progress."""

from fulfilment.models import ImportJob


def upgrade(database):
    database.create_tables([ImportJob], safe=True)
