"""Lists as Picqer pages them: a bare array of at most 100 items, the next page at ?offset=100.

A deep ``offset`` must not cost a walk over every skipped row with all its columns. Where the list
is ordered by id (nearly every list), two things keep it cheap:

- a client paging through a list asks for offset n + 100 after offset n: the id of the last row of
  each page served is remembered (per list and offset, per process), and the next page is read
  as a seek, ``WHERE id > <that id> ORDER BY id LIMIT 100``, which costs what the first page costs;
- any other offset skips over bare ids (an index-only walk), then reads the 100 rows by id.

The answer is the same as LIMIT/OFFSET's as long as no row before the offset disappears in
between (rows with history are never deleted; new rows get higher ids).
"""

from collections import OrderedDict
from threading import Lock

from fulfilment.api.body import query_int

PAGE_SIZE = 100
MAX_OFFSET = 2_000_000_000
REMEMBERED_PAGES = 20_000

_last_ids = OrderedDict()  # (list's SQL, its parameters, offset of the next page) -> id of the last row served
_lock = Lock()


def page_of(query):
    """The rows of query (which must have a stable order) on the page ?offset= asks for."""
    offset = query_int("offset", minimum=0, maximum=MAX_OFFSET) or 0
    descending = _ordered_by_id(query)
    if descending is None or offset == 0:
        rows = list(query.limit(PAGE_SIZE).offset(offset))
    else:
        rows = _deep_page(query, offset, descending)
    if descending is not None and len(rows) == PAGE_SIZE:
        _remember(_key(query, offset + PAGE_SIZE), rows[-1].id)
    return rows


def _ordered_by_id(query):
    """True/False when query is ordered by its model's id alone (descending or not), else None."""
    order = query._order_by or ()
    if len(order) != 1:
        return None
    node = order[0]
    field = getattr(node, "node", node)
    if field is not query.model.id:
        return None
    return getattr(node, "direction", "ASC") == "DESC"


def _deep_page(query, offset, descending):
    model = query.model
    last_id = _recall(_key(query, offset))
    if last_id is not None:
        after = model.id < last_id if descending else model.id > last_id
        return list(query.where(after).limit(PAGE_SIZE))
    ids = [row_id for (row_id,) in query.select(model.id).limit(PAGE_SIZE).offset(offset).tuples()]
    if not ids:
        return []
    return list(query.where(model.id.in_(ids)).limit(PAGE_SIZE))


def _key(query, offset):
    sql, params = query.sql()
    return sql, tuple(params), offset


def _remember(key, last_id):
    with _lock:
        _last_ids[key] = last_id
        _last_ids.move_to_end(key)
        while len(_last_ids) > REMEMBERED_PAGES:
            _last_ids.popitem(last=False)


def _recall(key):
    with _lock:
        return _last_ids.get(key)
