"""Lists as Picqer pages them: a bare array of at most 100 items, the next page at ?offset=100.

A deep ``offset`` must not cost a walk over every skipped row with all its columns. Where the list
is ordered by id (every list of the API), offsets are translated to seeks:

- each page served leaves two *checkpoints* for its list (per list and its parameters, per
  process): the offsets of its first and last rows with their ids. A later request at offset n
  starts from the nearest checkpoint at or before n, ``WHERE id >= <its id> ORDER BY id``, and
  skips only the rows between: a client paging through a list (n + 100 after n), or polling the
  same deep offset for new rows, pays what the first page costs;
- the unfiltered list of a whole table or of one client starts from the block of ids that holds
  its offset, counted by fulfilment/id_blocks.py (a first visit to a deep offset);
- without either, an offset skips over bare ids (an index-only walk), then reads the 100 rows
  by id.

Lists newest first (stock history) gain rows at their head: a checkpoint records the list's first
id, and the rows added before it since are counted (a short index range) and added to its offset.
The answer equals LIMIT/OFFSET's as long as no row before the offset leaves the list (deleted, or
no longer matching a filter) while the checkpoint lives; that is why checkpoints expire after
CHECKPOINT_SECONDS, a window in which plain OFFSET paging would shift under the client as well.
"""

import time
from bisect import bisect_right, insort
from collections import OrderedDict
from threading import Lock

from fulfilment import id_blocks
from fulfilment.api.body import query_int

PAGE_SIZE = 100
MAX_OFFSET = 2_000_000_000
CHECKPOINT_SECONDS = 300
REMEMBERED_LISTS = 2_000
CHECKPOINTS_PER_LIST = 200  # with REMEMBERED_LISTS: at most 400,000 pairs (some 30 MB) a process

_lists = OrderedDict()  # (list's SQL, its parameters) -> _Checkpoints
_lock = Lock()


class _Checkpoints:
    """Known (offset, id) pairs of one list: the row at that offset has that id."""

    def __init__(self, head_id):
        self.created = time.monotonic()
        self.head_id = head_id  # newest-first lists: the list's first id when the first pair was known
        self.points = []  # sorted (offset, id)

    def expired(self):
        return time.monotonic() - self.created > CHECKPOINT_SECONDS

    def nearest(self, offset):
        index = bisect_right(self.points, (offset, float("inf")))
        return self.points[index - 1] if index else None

    def add(self, offset, row_id):
        if (offset, row_id) not in self.points:
            insort(self.points, (offset, row_id))
        if len(self.points) > CHECKPOINTS_PER_LIST:
            del self.points[0]

    def shift(self, added, head_id):
        """The list gained ``added`` rows before every checkpoint (newest-first lists); None: unknown."""
        if added is None:
            self.points = []
        elif added:
            self.points = [(offset + added, row_id) for offset, row_id in self.points]
        self.head_id = head_id


def page_of(query):
    """The rows of query (which must have a stable order) on the page ?offset= asks for."""
    offset = query_int("offset", minimum=0, maximum=MAX_OFFSET) or 0
    descending = _ordered_by_id(query)
    if descending is None:
        return list(query.limit(PAGE_SIZE).offset(offset))
    if offset == 0:
        rows = list(query.limit(PAGE_SIZE))
        checkpoints = _checkpoints_of(query, descending, rows[0].id if rows else None, first_rows=rows)
    else:
        head_id = query.select(query.model.id).limit(1).scalar() if descending else None
        checkpoints = _checkpoints_of(query, descending, head_id)
        rows = _deep_page(query, offset, descending, checkpoints)
    if rows:
        with _lock:
            checkpoints.add(offset, rows[0].id)
            checkpoints.add(offset + len(rows) - 1, rows[-1].id)
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


def _checkpoints_of(query, descending, head_id, first_rows=None):
    """This list's live checkpoints (new ones when expired), brought up to date with its new rows.

    head_id is the list's first id now (newest-first lists only; None otherwise). On the first
    page (first_rows) the new rows are counted among the rows read, not by a query."""
    key = _key(query)
    with _lock:
        checkpoints = _lists.get(key)
        if checkpoints is None or checkpoints.expired():
            checkpoints = _lists[key] = _Checkpoints(head_id)
            while len(_lists) > REMEMBERED_LISTS:
                _lists.popitem(last=False)
        _lists.move_to_end(key)
        known_head, known = checkpoints.head_id, bool(checkpoints.points)
    if descending and head_id != known_head:
        added = 0
        if known and known_head is not None:
            if first_rows is None:
                added = query.where(query.model.id > known_head).count()
            else:  # None: more new rows than a page, or the old head is gone; start afresh
                added = next((n for n, row in enumerate(first_rows) if row.id <= known_head), None)
        with _lock:
            checkpoints.shift(added, head_id)
    return checkpoints


def _deep_page(query, offset, descending, checkpoints):
    """The page at offset, from the nearest known start: a checkpoint, a counted block of ids, or the top."""
    model = query.model
    with _lock:
        checkpoint = checkpoints.nearest(offset)
    start = None
    if checkpoint is not None:
        known_offset, known_id = checkpoint
        start = known_offset, (model.id <= known_id if descending else model.id >= known_id)
    if start is None or offset - start[0] >= id_blocks.BLOCK:
        counted = id_blocks.seek(query, offset, descending)
        if counted is not None and (start is None or counted[0] > start[0]):
            start = counted
    if start is not None:
        skipped, condition = start
        query = query.where(condition)
        offset -= skipped
    if offset < PAGE_SIZE:
        return list(query.limit(PAGE_SIZE).offset(offset))
    ids = [row_id for (row_id,) in query.select(model.id).limit(PAGE_SIZE).offset(offset).tuples()]
    if not ids:
        return []
    return list(query.where(model.id.in_(ids)).limit(PAGE_SIZE))


def _key(query):
    sql, params = query.sql()
    return sql, tuple(params)


def forget_all():
    """Drop every checkpoint (tests; a process that rewrote lists wholesale)."""
    with _lock:
        _lists.clear()
