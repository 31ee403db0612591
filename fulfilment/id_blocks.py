"""Where the row at an offset of a list ordered by id lies, without walking the rows before it.

The API pages its lists with ``?offset=`` (Picqer's contract). Asked for offset 4,900,000 of the
stock history for the first time, ``OFFSET`` walks 4.9 million index entries (150–250 ms at a
million orders). This module keeps, for each table in COUNTED, how many rows each client has in
each block of BLOCK consecutive ids, and (as client 0) how many all clients have: the
``id_block`` table. Summing a few hundred blocks finds the block that holds any offset; the list
then seeks to that block's first id and skips fewer than BLOCK rows.

- Blocks below a table's *seal* are counted; its rows at and above it (the newest: ids only
  grow) are counted live when a list needs them. ``seal()`` (the worker every hour, ``init-db``,
  migration 24) counts the blocks completed since, and counts the last sealed ones again: on
  PostgreSQL a transaction that took its ids before a seal may commit after it.
- Triggers keep the sealed blocks exact: a row inserted into or deleted from a sealed block adds
  or takes one (a row's id and client never change). A new row lands above the seal, where there
  is no count to update, so writers never queue on a shared counter. On SQLite they run per row
  and skip their body above the seal; on PostgreSQL once per statement, over the rows it wrote.
  What they add to writing is measured by bench/write_cost.py.
- It answers for a whole table or one client's rows (the unfiltered list of a staff key or of a
  client's key). A filtered list is left to the checkpoints of api/pagination.py.
- Unfiltered lists ask it whether they hold more rows than they count (``holds_more_than``): a
  big client's 200,000 orders in the portal, or a million in the back office, are "more than
  10,000" without counting 10,001 of them on every page.

BLOCK is written into the triggers and the counts: changing it needs a migration that drops the
counts, makes the triggers again and seals afresh.
"""

from peewee import fn

from fulfilment.db import database, is_sqlite, write_transaction
from fulfilment.models import (
    IdBlock,
    IdBlockSeal,
    Order,
    Picklist,
    Product,
    PurchaseOrder,
    Receipt,
    Return,
    StockMutation,
    WebshopOrder,
    utcnow,
)

BLOCK = 8192
COUNTED = (Order, Product, Picklist, StockMutation, WebshopOrder, Return, Receipt, PurchaseOrder)
ALL_CLIENTS = 0
RECOUNTED_BLOCKS = 2  # sealed blocks counted again by every seal (late commits on PostgreSQL)
SEALED_MARGIN = 1_000  # rows the sealed counts may lack, or hold too many, until the next seal


def create_triggers(db=database):
    """The triggers that keep the sealed blocks of every counted table exact (made anew when run again)."""
    counts, seals = IdBlock._meta.table_name, IdBlockSeal._meta.table_name
    if is_sqlite():
        for model in COUNTED:
            table = model._meta.table_name
            for event, row, change in (("INSERT", "NEW", "+ 1"), ("DELETE", "OLD", "- 1")):
                trigger = f"{counts}_{table}_{event.lower()}"
                db.execute_sql(f'DROP TRIGGER IF EXISTS "{trigger}"')
                # Only a row below the seal has a count to update: a new row skips the body.
                db.execute_sql(
                    f'CREATE TRIGGER "{trigger}" AFTER {event} ON "{table}" '
                    f'WHEN {row}."id" < (SELECT "below_id" FROM "{seals}" WHERE "counted_table" = \'{table}\') '
                    f'BEGIN UPDATE "{counts}" SET "row_count" = "row_count" {change} '
                    f"WHERE \"counted_table\" = '{table}' AND \"block\" = {row}.\"id\" / {BLOCK} "
                    f'AND "client_id" IN ({ALL_CLIENTS}, {row}."client_id"); END')
        return
    # PostgreSQL: one call per statement, over the rows it wrote (a transition table), counting
    # only those below the seal: a bulk insert of new rows costs one lookup of the seal.
    db.execute_sql(f"""
        CREATE OR REPLACE FUNCTION "{counts}_count"() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            UPDATE "{counts}" AS counts
            SET "row_count" = counts."row_count" + CASE TG_OP WHEN 'INSERT' THEN changed."rows" ELSE -changed."rows" END
            FROM (SELECT "client_id", "id" / {BLOCK} AS "block", COUNT(*) AS "rows" FROM changed_rows
                  WHERE "id" < (SELECT "below_id" FROM "{seals}" WHERE "counted_table" = TG_ARGV[0])
                  GROUP BY GROUPING SETS (("client_id", "id" / {BLOCK}), ("id" / {BLOCK}))) AS changed
            WHERE counts."counted_table" = TG_ARGV[0] AND counts."block" = changed."block"
              AND counts."client_id" = COALESCE(changed."client_id", {ALL_CLIENTS});
            RETURN NULL;
        END $$""")
    for model in COUNTED:
        table = model._meta.table_name
        db.execute_sql(f'DROP TRIGGER IF EXISTS "{counts}_count" ON "{table}"')  # migration 24's, per row
        # The table's name as an argument, of type text: TG_TABLE_NAME's type (name) has a collation
        # that keeps a comparison off the primary key's index.
        for event, rows in (("INSERT", "NEW"), ("DELETE", "OLD")):
            trigger = f"{counts}_count_{event.lower()}"
            db.execute_sql(f'DROP TRIGGER IF EXISTS "{trigger}" ON "{table}"')
            db.execute_sql(f'CREATE TRIGGER "{trigger}" AFTER {event} ON "{table}" '
                           f"REFERENCING {rows} TABLE AS changed_rows FOR EACH STATEMENT "
                           f"EXECUTE FUNCTION \"{counts}_count\"('{table}')")


def seal():
    """Count the blocks of every counted table completed since the last seal; returns the rows counted."""
    counted = 0
    for model in COUNTED:
        with write_transaction():
            counted += _seal(model)
    return counted


def _seal(model):
    table = model._meta.table_name
    newest = model.select(model.id).order_by(model.id.desc()).limit(1).scalar()
    if newest is None:
        return 0
    below = newest // BLOCK * BLOCK  # the block of the newest row is still filling: counted live
    previous = IdBlockSeal.get_or_none(IdBlockSeal.counted_table == table)
    recount_from = max(0, (previous.below_id if previous else 0) - RECOUNTED_BLOCKS * BLOCK)
    recount_from = min(recount_from, below)
    IdBlock.delete().where((IdBlock.counted_table == table) & (IdBlock.block >= recount_from // BLOCK)).execute()
    counts, mark = IdBlock._meta.table_name, database.param
    counted = 0
    for client, grouping in (('"client_id"', f'"client_id", "id" / {BLOCK}'), (str(ALL_CLIENTS), f'"id" / {BLOCK}')):
        cursor = database.execute_sql(
            f'INSERT INTO "{counts}" ("counted_table", "client_id", "block", "row_count") '
            f'SELECT {mark}, {client}, "id" / {BLOCK}, COUNT(*) FROM "{table}" '
            f'WHERE "id" >= {mark} AND "id" < {mark} GROUP BY {grouping}',
            (table, recount_from, below))
        counted += max(cursor.rowcount, 0)
    (IdBlockSeal.insert(counted_table=table, below_id=below, sealed_at=utcnow())
     .on_conflict(conflict_target=[IdBlockSeal.counted_table],
                  update={IdBlockSeal.below_id: below, IdBlockSeal.sealed_at: utcnow()})
     .execute())
    return counted


def seek(query, offset, descending):
    """Where query's rows from offset start: (the offset of the first row matching condition, condition).

    query is a counted table's list ordered by id alone (descending or not), of the whole table
    or of one client. None when the blocks cannot tell (a filtered list, a table not sealed yet,
    or an offset among the rows newer than the seal of a newest-first list).
    """
    model = query.model
    client_id = _whole_list_client(query)
    if model not in COUNTED or client_id is None:
        return None
    seal_row = IdBlockSeal.get_or_none(IdBlockSeal.counted_table == model._meta.table_name)
    if seal_row is None:
        return None
    below = seal_row.below_id
    blocks = list(IdBlock.select(IdBlock.block, IdBlock.row_count)
                  .where((IdBlock.counted_table == model._meta.table_name) & (IdBlock.client_id == client_id))
                  .order_by(IdBlock.block).tuples())
    if not descending:
        before = 0
        for block, rows in blocks:
            if before + rows > offset:
                return before, model.id >= block * BLOCK
            before += rows
        return before, model.id >= below
    # Newest first: the rows with id < X start at the offset of the rows with id >= X.
    newer = query.where(model.id >= below).count()
    if newer > offset:
        return None
    start, start_id = newer, below
    for block, rows in reversed(blocks):
        if start + rows > offset:
            break
        start, start_id = start + rows, block * BLOCK
    return start, model.id < start_id


def holds_more_than(query, rows):
    """Whether query (a counted table's whole list, or one client's rows) has more than ``rows``
    rows, told by its sealed blocks alone (one indexed SUM of a few hundred counts at most, where
    counting would read the rows); False when they cannot tell (a filtered list, a table not
    counted) or hold too few.

    The sealed counts are exact but for the rows of a transaction that took its ids before a seal
    and committed after it, until the next seal counts them again: they must exceed ``rows`` by
    SEALED_MARGIN."""
    model = query.model
    client_id = _whole_list_client(query)
    if model not in COUNTED or client_id is None:
        return False
    sealed = (IdBlock.select(fn.SUM(IdBlock.row_count))
              .where((IdBlock.counted_table == model._meta.table_name) & (IdBlock.client_id == client_id))
              .scalar())
    return (sealed or 0) > rows + SEALED_MARGIN


def _whole_list_client(query):
    """0 when query reads its whole table, the client's id when it reads one client's rows, else None."""
    if query._group_by or query._having or query._from_list != [query.model]:
        return None
    where = query._where
    if where is None:
        return ALL_CLIENTS
    field = getattr(query.model, "client", None)
    if field is not None and getattr(where, "lhs", None) is field and getattr(where, "op", None) == "=":
        client = getattr(where.rhs, "id", where.rhs)
        return client if isinstance(client, int) else None
    return None


def miscounted_tables():
    """The counted tables whose sealed blocks differ from their rows (a check for tests and bench/generate.py)."""
    wrong = []
    for model in COUNTED:
        table = model._meta.table_name
        seal_row = IdBlockSeal.get_or_none(IdBlockSeal.counted_table == table)
        below = seal_row.below_id if seal_row else 0
        rows = (model.select(model.client, (model.id / BLOCK).alias("block"), fn.COUNT(model.id))
                .where(model.id < below).group_by(model.client, model.id / BLOCK).tuples())
        actual = {}
        for client_id, block, count in rows:
            actual[(client_id, block)] = count
            actual[(ALL_CLIENTS, block)] = actual.get((ALL_CLIENTS, block), 0) + count
        stored = {(client_id, block): count for client_id, block, count in
                  IdBlock.select(IdBlock.client_id, IdBlock.block, IdBlock.row_count)
                  .where((IdBlock.counted_table == table) & (IdBlock.row_count != 0)).tuples()}
        if stored != actual:
            wrong.append(table)
    return wrong
