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
"""

from peewee import SQL, NodeList, Table

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
        if indexed and is_sqlite() and len(text) >= MIN_TRIGRAM_LENGTH:
            clause = model.id.in_(_fts_rowids(model, text, indexed))
        else:
            rest = model_fields
            clause = None
        for field in rest:
            like = field.contains(text)
            clause = like if clause is None else clause | like
        condition = clause if condition is None else condition | clause
    return condition


def newest_matches(text, *fields):
    """SQLite: the ids of the rows whose fields contain text, newest (highest id) first, as a
    subquery with one column ``id`` to join; None where the trigram index cannot answer alone
    (other engines, short texts, a field without the index).

    Joined and ordered by that id, the database reads the index's matches from the newest and
    stops at a page, where ``id IN (matches)`` first collects every match (a common name in a
    million orders: 55,000 ids, 23 ms, for each page and each count).
    """
    model = fields[0].model
    if (not is_sqlite() or len(text) < MIN_TRIGRAM_LENGTH
            or any(f.model is not model or f.name not in SEARCHED.get(model, ()) for f in fields)):
        return None
    table = search_table(model)
    return (Table(table).select(SQL("rowid").alias("id"))
            .where(SQL(f'"{table}" MATCH ?', [_match_expression(text, fields)]))
            .order_by(SQL("rowid").desc()).alias(f"{table}_hits"))


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
