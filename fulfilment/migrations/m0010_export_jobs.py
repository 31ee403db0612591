"""Export jobs (issue 14): long portal exports written by the worker, with their progress."""

from fulfilment.models import ExportJob


def upgrade(database):
    database.create_tables([ExportJob], safe=True)
