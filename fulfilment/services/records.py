"""Deleting records safely: a record that other rows refer to keeps its history."""

from fulfilment.db import write_transaction
from fulfilment.services.errors import HasHistory


def _history_references(model):
    """(foreign key, referring model) pairs that make a row of model history.

    Foreign keys declared ON DELETE CASCADE point at parts of the record (an order's lines, a
    product's images); they go with it and are not history.
    """
    return [(field, referring) for field, referring in model._meta.backrefs.items()
            if (field.on_delete or "").upper() != "CASCADE"]


def _thing_name(model, count):
    """'1 stock mutation', '5 stock mutations': a table's rows counted in plain words."""
    words = model._meta.table_name.replace("_", " ")
    if count == 1:
        return f"1 {words}"
    plural = words[:-1] + "ies" if words.endswith("y") and words[-2:-1] not in "aeiou" else (
        words + "es" if words.endswith(("s", "x", "ch", "sh")) else words + "s")
    return f"{count} {plural}"


def _in_words(parts):
    return parts[0] if len(parts) == 1 else f"{', '.join(parts[:-1])} and {parts[-1]}"


def history_of(record):
    """Describe the rows that refer to record and would block deleting it, e.g. ['3 stock mutations']."""
    found = []
    for field, referring_model in _history_references(type(record)):
        count = referring_model.select().where(field == record._pk).count()
        if count:
            found.append(_thing_name(referring_model, count))
    return found


def ids_with_history(model, ids):
    """The ids among ids whose rows have history (one query per kind of history, whatever the number of ids)."""
    ids = list(ids)
    blocked = set()
    if not ids:
        return blocked
    for field, referring_model in _history_references(model):
        remaining = [i for i in ids if i not in blocked]
        if not remaining:
            break
        query = referring_model.select(field).where(field.in_(remaining)).distinct()
        blocked.update(row[0] for row in query.tuples())
    return blocked


def delete_record(record):
    """Delete record unless other rows refer to it; then raise HasHistory and change nothing."""
    with write_transaction():
        blockers = history_of(record)
        if blockers:
            kind = type(record)._meta.table_name.replace("_", " ")
            raise HasHistory(
                f"{kind.capitalize()} {record} cannot be deleted because it has history "
                f"({_in_words(blockers)}). Deactivate it instead."
            )
        record.delete_instance()
