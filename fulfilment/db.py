"""The database: a Peewee proxy bound by the app factory, one connection per request."""

import importlib.util
from contextlib import contextmanager
from urllib.parse import urlparse

from peewee import DatabaseProxy, SqliteDatabase
from playhouse.db_url import parse as parse_db_url
from playhouse.postgres_ext import PostgresqlExtDatabase, ServerSideQuery

database = DatabaseProxy()


class UnsupportedDatabase(ValueError):
    """The database URL names an engine we do not support."""


def open_database(url, busy_timeout_ms=10_000):
    """Return a Peewee database for a sqlite:/// or postgresql:// URL (not yet connected)."""
    scheme = urlparse(url).scheme
    if scheme == "sqlite":
        path = url[len("sqlite:///"):] or ":memory:"
        return SqliteDatabase(
            path,
            timeout=busy_timeout_ms / 1000,
            pragmas={
                "journal_mode": "wal",
                "foreign_keys": 1,
                "busy_timeout": busy_timeout_ms,
                "synchronous": "normal",
            },
        )
    if scheme in ("postgres", "postgresql"):
        if importlib.util.find_spec("psycopg2") is None:
            raise UnsupportedDatabase("PostgreSQL needs its driver: pip install -e '.[postgres]' (psycopg2-binary).")
        params = parse_db_url(url)
        name = params.pop("database")
        # The Ext flavour behaves the same and adds server-side cursors (see streamed()).
        return PostgresqlExtDatabase(name, **params)
    raise UnsupportedDatabase(f"Unsupported database URL {url!r}: use sqlite:/// or postgresql://")


def bind_database(url, busy_timeout_ms=10_000):
    """Point the shared proxy at the database behind url and return that database."""
    db = open_database(url, busy_timeout_ms)
    database.initialize(db)
    return db


def is_sqlite():
    return isinstance(database.obj, SqliteDatabase)


@contextmanager
def write_transaction():
    """Open a transaction for a write (a savepoint when one is already open).

    On SQLite the outermost transaction begins IMMEDIATE, so two writers queue on the
    write lock up front instead of failing later with "database is locked" when a
    read transaction tries to upgrade.
    """
    if is_sqlite() and not database.in_transaction():
        with database.atomic("IMMEDIATE") as txn:
            yield txn
    else:
        with database.atomic() as txn:
            yield txn


def refresh_statistics():
    """Keep the query planner's statistics current (SQLite; PostgreSQL's autovacuum does this itself).

    ANALYZE with an analysis limit samples about a thousand rows per index, so it takes
    milliseconds even over millions of rows; without statistics SQLite may pick an index that
    leads with the client for a query that names one order, and scan a client's whole history.
    """
    if is_sqlite():
        database.execute_sql("PRAGMA analysis_limit = 1000")
        database.execute_sql("ANALYZE")
        return True
    return False


def init_app(app):
    """Bind the database from app.config and open/close a connection around each request."""
    bind_database(app.config["DATABASE_URL"], app.config["SQLITE_BUSY_TIMEOUT_MS"])

    @app.before_request
    def _connect():
        database.connect(reuse_if_open=True)

    @app.teardown_appcontext
    def _close(exc):
        if not database.is_closed():
            database.close()


def streamed(query, batch_size=2000):
    """Iterate over query's rows without holding them all in memory.

    SQLite steps through a result as it is read. PostgreSQL's driver would fetch the whole
    result at once, so there the rows come through a server-side cursor, batch_size at a time.
    Call it inside a transaction: PostgreSQL then streams instead of materialising the result.
    """
    if is_sqlite():
        yield from query.iterator()
        return
    cursor = ServerSideQuery(query, array_size=batch_size)
    try:
        yield from cursor.iterator()
    finally:
        cursor.close()


def locked(query):
    """Add FOR UPDATE where the database supports it.

    PostgreSQL locks the selected rows until the transaction ends. SQLite has no row locks and
    needs none: a write transaction (begun IMMEDIATE) already holds the database's write lock.
    """
    return query if is_sqlite() else query.for_update()


# Rows per bulk INSERT: a batch of up to 12 columns stays under SQLite's smallest limit on
# parameters per statement (32,766), so 10,000 rows take four statements, not 10,000.
BULK_BATCH_ROWS = 2500


def insert_in_batches(model, rows, batch_rows=BULK_BATCH_ROWS):
    """Insert many rows (dicts with the same keys: field names, values as the fields take them) with
    one multi-row INSERT per batch.

    The statement is assembled here rather than by ``insert_many``: Peewee builds a node per value,
    which costs more than the database's work for a 10,000-line order. Values still go through
    each field's ``db_value`` and are always sent as parameters, never as SQL text.
    """
    if not rows:
        return
    fields = [model._meta.fields[name] for name in rows[0]]
    # Fields left out get their defaults, as insert_many would give them (one value per call).
    defaults = {field: field.default() if callable(field.default) else field.default
                for field in model._meta.sorted_fields
                if field.name not in rows[0] and not field.primary_key and field.default is not None}
    fields += list(defaults)
    extra = list(defaults.values())
    converters = [field.db_value for field in fields]
    columns = ", ".join(f'"{field.column_name}"' for field in fields)
    table = model._meta.table_name
    placeholder = "(" + ", ".join([database.param] * len(fields)) + ")"
    for start in range(0, len(rows), batch_rows):
        batch = rows[start:start + batch_rows]
        params = [convert(value) for row in batch
                  for convert, value in zip(converters, [*row.values(), *extra], strict=True)]
        database.execute_sql(f'INSERT INTO "{table}" ({columns}) VALUES {", ".join([placeholder] * len(batch))}',
                             params)


def values_list(values):
    """``(?, ?, …)`` for ``field.in_(values_list(ids))``: the same SQL and parameters as ``in_(ids)``,
    without a Peewee node per value (which costs more than the query for thousands of ids)."""
    from peewee import SQL

    return SQL("(" + ", ".join([database.param] * len(values)) + ")", list(values))
