""""Contains" search that uses an index: trigram indexes kept by the database itself.

A search for a piece of text inside order numbers, references, names, product codes … would scan
every row with ``LIKE '%text%'``. Migration 6 builds trigram indexes instead:

- SQLite: one FTS5 table per searched model, ``<table>_search``, with the ``trigram`` tokenizer,
  contentless (it stores only the index), kept current by triggers on insert, update and delete.
  ``matches(...)`` turns a search of three or more characters into ``id IN (SELECT rowid FROM
  <table>_search WHERE <table>_search MATCH '{columns} : "text"')``;
- PostgreSQL: a ``pg_trgm`` GIN index on each searched column, which ``ILIKE '%text%'`` uses as is.

Both are case-insensitive, as ``LIKE`` is. Shorter texts (one or two characters), fields without a
trigram index and other engines fall back to the plain ``contains`` scan.

A phrase costs what its trigrams' entries in the index cost: every order reference starts
"REF-", so the index reads a million entries for "REF-563147998" (22 ms) and a few hundred for
"F-563147998" (3 ms). The search may therefore look up a piece of the text, a run of its
trigrams none of which is common, and check the whole text on the rows found: with ``LIKE`` on
SQLite, with ``STRPOS`` on PostgreSQL (a tracking code among 950,000 shipments 10 -> 1 ms).
A sample of the table (SAMPLE_ROWS picked at random, taken at most once an hour per process)
tells how many rows hold each trigram and each piece: the piece is taken only when reading its
entries and checking the rows it finds (VERIFY_WEIGHT index entries a row) costs less than
reading the whole text's entries. A piece shared by many rows is not: the big client's product
codes all hold "U-01-0", and checking a fifth of the products costs more (24 ms) than the whole
"SKU-01-000007" (6 ms). This is exact for ASCII texts (``LIKE`` folds ASCII case as the index
does); other texts are looked up whole.
"""

import random
import time
from collections import Counter
from functools import reduce
from operator import or_
from threading import Lock

from peewee import SQL, NodeList, Table, fn

from fulfilment.db import is_sqlite
from fulfilment.models import Order, Picklist, Product, PurchaseOrder, Shipment, WebshopOrder

# model -> the text fields that carry a trigram index (SQLite: the FTS5 table's columns, in this order).
SEARCHED = {
    Order: ("number", "reference", "foreign_number", "delivery_name", "delivery_contact_name", "email"),
    Product: ("product_code", "name", "barcode"),
    Picklist: ("number", "delivery_name"),
    Shipment: ("tracking_code", "carrier"),
    WebshopOrder: ("foreign_id", "foreign_number", "reason"),  # migration 15
    PurchaseOrder: ("number", "supplier_name", "supplier_orderid"),  # migration 20
}
MIN_TRIGRAM_LENGTH = 3
COMMON_SHARE = 0.2  # a trigram held by more of the sampled rows than this is common
MIN_PIECE_TRIGRAMS = 2
SAMPLE_ROWS = 2_000  # rows of a table sampled for its trigrams
MIN_SAMPLE_ROWS = 500  # in a smaller table every lookup is cheap: the whole text is looked up
SAMPLE_SECONDS = 3600
# Checking a row a piece finds (read it, compare) against reading one index entry, measured on
# SQLite at a million orders: "3S0000000003" whole 30 ms; by "003" and LIKE on its rows 198 ms.
VERIFY_WEIGHT = 200

_samples = {}  # model -> (monotonic time, TableSample)
_sample_lock = Lock()


def search_table(model):
    return f"{model._meta.table_name}_search"


def matches(text, *fields):
    """A condition true for rows where any of fields contains text (case-insensitive).

    Fields may belong to several models (a query with joins); per model, indexed fields are
    looked up in the trigram index, the others compared with LIKE.
    """
    condition = None
    by_model = {}
    for field in fields:
        by_model.setdefault(field.model, []).append(field)
    for model, model_fields in by_model.items():
        indexed = [f for f in model_fields if f.name in SEARCHED.get(model, ())]
        rest = [f for f in model_fields if f not in indexed]
        looked_up = rare_part(model, text) if indexed and len(text) >= MIN_TRIGRAM_LENGTH else text
        if indexed and is_sqlite() and len(text) >= MIN_TRIGRAM_LENGTH:
            clause = model.id.in_(_fts_rowids(model, looked_up, indexed))
            if looked_up != text:
                clause &= _contains_any(text, indexed)
        elif looked_up != text:
            # PostgreSQL: ILIKE on the piece uses the trigram indexes; the whole text is tested on
            # the rows they find with STRPOS, which no index answers, so the planner does not
            # read the common trigrams' entries too.
            clause = _contains_any(looked_up, indexed) & contains_scanned(text, *indexed)
        else:
            rest = model_fields
            clause = None
        for field in rest:
            like = field.contains(text)
            clause = like if clause is None else clause | like
        condition = clause if condition is None else condition | clause
    return condition


def newest_matches(text, *fields):
    """SQLite: the rows whose fields contain text, newest (highest id) first, as ``(hits, check)``:
    a subquery with one column ``id`` to join, and a condition the joined rows must also meet
    (None when the index alone answers); None where the trigram index cannot answer (other
    engines, short texts, a field without the index).

    Joined and ordered by that id, the database reads the index's matches from the newest and
    stops at a page, where ``id IN (matches)`` first collects every match (a common name in a
    million orders: 55,000 ids, 23 ms, for each page and each count).
    """
    model = fields[0].model
    if (not is_sqlite() or len(text) < MIN_TRIGRAM_LENGTH
            or any(f.model is not model or f.name not in SEARCHED.get(model, ()) for f in fields)):
        return None
    table = search_table(model)
    looked_up = rare_part(model, text)
    hits = (Table(table).select(SQL("rowid").alias("id"))
            .where(SQL(f'"{table}" MATCH ?', [_match_expression(looked_up, fields)]))
            .order_by(SQL("rowid").desc()).alias(f"{table}_hits"))
    return hits, (_contains_any(text, fields) if looked_up != text else None)


def contains_scanned(text, *fields):
    """Rows where any of fields contains text (case-insensitive), tested on each row the query
    reads: no index can answer it, so a query narrowed to a few rows (the newest of a client)
    tests those instead of gathering every match in the table from the trigram index."""
    lowered = text.lower()
    return reduce(or_, [fn.STRPOS(fn.LOWER(field), lowered) > 0 for field in fields])


def _contains_any(text, fields):
    return reduce(or_, [field.contains(text) for field in fields])


class TableSample:
    """Rows of a table (their searched fields, lower case, in one text each) and the share of them
    holding each trigram."""

    def __init__(self, texts):
        self.texts = texts
        holding = Counter()
        for text in texts:
            holding.update({text[i:i + MIN_TRIGRAM_LENGTH] for i in range(len(text) - MIN_TRIGRAM_LENGTH + 1)})
        self.shares = {trigram: count / len(texts) for trigram, count in holding.items()} if texts else {}
        self.unseen = 0.5 / len(texts) if texts else 0.0  # the share assumed for what the sample lacks

    def share(self, trigram):
        return self.shares.get(trigram, self.unseen)

    def share_holding(self, piece):
        return max(sum(piece in text for text in self.texts) / len(self.texts), self.unseen)


def rare_part(model, text):
    """The piece of text to look up in the index instead of the whole text, or text itself (see
    the module's description). Only plain ASCII texts are cut."""
    if len(text) <= MIN_TRIGRAM_LENGTH or not text.isascii():
        return text
    sample = table_sample(model)
    if len(sample.texts) < MIN_SAMPLE_ROWS:
        return text
    lowered = text.lower()
    trigrams = [lowered[i:i + MIN_TRIGRAM_LENGTH] for i in range(len(lowered) - MIN_TRIGRAM_LENGTH + 1)]
    best, best_cost = text, sum(sample.share(t) for t in set(trigrams))
    start = 0
    for index in range(len(trigrams) + 1):
        if index < len(trigrams) and sample.share(trigrams[index]) <= COMMON_SHARE:
            continue
        if index - start >= MIN_PIECE_TRIGRAMS and index - start < len(trigrams):  # a run of uncommon trigrams
            piece = lowered[start:index + MIN_TRIGRAM_LENGTH - 1]
            cost = (sum(sample.share(t) for t in set(trigrams[start:index]))
                    + VERIFY_WEIGHT * sample.share_holding(piece))
            if cost < best_cost:
                best, best_cost = text[start:index + MIN_TRIGRAM_LENGTH - 1], cost
        start = index + 1
    return best


def table_sample(model):
    """A TableSample of model's table, taken at most once per SAMPLE_SECONDS in this process."""
    now = time.monotonic()
    with _sample_lock:
        sampled = _samples.get(model)
    if sampled is not None and now - sampled[0] < SAMPLE_SECONDS:
        return sampled[1]
    columns = [model._meta.fields[name] for name in SEARCHED[model]]
    sample = TableSample(["\n".join(str(value).lower() for value in row if value) for row in _sample(model, columns)])
    with _sample_lock:
        _samples[model] = (now, sample)
    return sample


def share_containing(model, text):
    """About what share of model's rows hold text in a searched field, by the table's sample
    (0 for a table too small to sample)."""
    sample = table_sample(model)
    return sample.share_holding(text.lower()) if len(sample.texts) >= MIN_SAMPLE_ROWS else 0.0


def _sample(model, columns):
    """Up to SAMPLE_ROWS rows of model's table picked at random by id (the newest rows alone would
    make the latest order numbers' digits look common)."""
    lowest, highest = model.select(fn.MIN(model.id), fn.MAX(model.id)).tuples().get()
    if highest is None:
        return []
    span = highest - lowest + 1
    if span <= SAMPLE_ROWS:
        return list(model.select(*columns).tuples())
    ids = random.Random(span).sample(range(lowest, highest + 1), SAMPLE_ROWS)
    return list(model.select(*columns).where(model.id.in_(ids)).tuples())


def forget_samples():
    """Drop the table samples (tests; they belong to the rows of the moment)."""
    with _sample_lock:
        _samples.clear()


def _match_expression(text, fields):
    columns = " ".join(f.column_name for f in fields)
    phrase = '"' + text.replace('"', '""') + '"'
    return f"{{{columns}}} : {phrase}"


def _fts_rowids(model, text, fields):
    table = search_table(model)
    return NodeList((SQL(f'SELECT rowid FROM "{table}" WHERE "{table}" MATCH ?', [_match_expression(text, fields)]),),
                    parens=True)


# --- schema: built by migration 6 ---------------------------------------------------------


def create_search_indexes(database):
    """Create the trigram indexes (and on SQLite their triggers and contents) unless they exist."""
    if is_sqlite():
        for model, columns in SEARCHED.items():
            _create_fts(database, model, columns)
    else:
        database.execute_sql("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        for model, columns in SEARCHED.items():
            table = model._meta.table_name
            for name in columns:
                column = model._meta.fields[name].column_name
                database.execute_sql(f'CREATE INDEX IF NOT EXISTS "{table}_{column}_trgm" '
                                     f'ON "{table}" USING gin ("{column}" gin_trgm_ops)')


def drop_sqlite_search_indexes(database):
    """Drop the SQLite trigram tables and their triggers, for a bulk load that rebuilds them after.

    ``create_search_indexes`` fills a new FTS5 table with one ``INSERT … SELECT``, far faster than
    a trigger per inserted row (bench/generate.py loads a million orders this way).
    """
    for model in SEARCHED:
        fts = search_table(model)
        for trigger in ("insert", "delete", "update"):
            database.execute_sql(f'DROP TRIGGER IF EXISTS "{fts}_{trigger}"')
        database.execute_sql(f'DROP TABLE IF EXISTS "{fts}"')


def _create_fts(database, model, names):
    table, fts = model._meta.table_name, search_table(model)
    columns = [model._meta.fields[name].column_name for name in names]
    if database.table_exists(fts):
        return
    listed = ", ".join(f'"{c}"' for c in columns)
    new = ", ".join(f'new."{c}"' for c in columns)
    old = ", ".join(f'old."{c}"' for c in columns)
    database.execute_sql(f"CREATE VIRTUAL TABLE \"{fts}\" USING fts5({listed}, content='', tokenize='trigram')")
    database.execute_sql(f'INSERT INTO "{fts}" (rowid, {listed}) SELECT id, {listed} FROM "{table}"')
    database.execute_sql(f'CREATE TRIGGER "{fts}_insert" AFTER INSERT ON "{table}" BEGIN '
                         f'INSERT INTO "{fts}" (rowid, {listed}) VALUES (new.id, {new}); END')
    database.execute_sql(f'CREATE TRIGGER "{fts}_delete" AFTER DELETE ON "{table}" BEGIN '
                         f'INSERT INTO "{fts}" ("{fts}", rowid, {listed}) VALUES (\'delete\', old.id, {old}); END')
    database.execute_sql(f'CREATE TRIGGER "{fts}_update" AFTER UPDATE OF {listed} ON "{table}" BEGIN '
                         f'INSERT INTO "{fts}" ("{fts}", rowid, {listed}) VALUES (\'delete\', old.id, {old}); '
                         f'INSERT INTO "{fts}" (rowid, {listed}) VALUES (new.id, {new}); END')
