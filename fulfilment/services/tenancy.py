"""Finding one row through the tenant gate: another client's row is "not found", never "forbidden".

Every side translates the NotFound this raises in its own way: the portal answers 404 with its
error page, the API a 404 JSON error, so an id reveals nothing about other clients.
"""

from fulfilment.i18n import _
from fulfilment.services.errors import NotFound

MAX_ID = 2_147_483_647


def owned(query, client, record_id, label=None):
    """The row with record_id among client's rows of query's model (any row for staff, client None).

    ``query`` is a model or a query of it (with the joins the caller needs). Raises NotFound
    when there is no such row, whoever owns it.
    """
    model = getattr(query, "model", query)
    label = label or model.__name__
    if isinstance(record_id, bool) or not isinstance(record_id, int) or not 0 < record_id <= MAX_ID:
        raise NotFound(_("%(kind)s %(id)s not found.", kind=label, id=record_id))
    query = model.select() if query is model else query
    record = model.within(query, client).where(model.id == record_id).first()
    if record is None:
        raise NotFound(_("%(kind)s %(id)s not found.", kind=label, id=record_id))
    return record
