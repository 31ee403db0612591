"""Deleting records safely: a record that other rows refer to keeps its history."""

from fulfilment.db import write_transaction
from fulfilment.services.errors import HasHistory


def history_of(record):
    """Describe the rows that refer to record and would block deleting it, e.g. ['3 stock mutations'].

    Foreign keys declared ON DELETE CASCADE point at parts of the record (an order's lines, a
    product's images); they go with it and are not history.
    """
    found = []
    for field, referring_model in type(record)._meta.backrefs.items():
        if (field.on_delete or "").upper() == "CASCADE":
            continue
        count = referring_model.select().where(field == record.get_id()).count()
        if count:
            label = referring_model._meta.table_name.replace("_", " ")
            found.append(f"{count} {label}{'' if count == 1 else ' rows'}")
    return found


def delete_record(record):
    """Delete record unless other rows refer to it; then raise HasHistory and change nothing."""
    with write_transaction():
        blockers = history_of(record)
        if blockers:
            raise HasHistory(
                f"{record} cannot be deleted: it has {', '.join(blockers)}. Deactivate it instead."
            )
        record.delete_instance()
