"""The database: a Peewee proxy bound by the app factory, one connection per request."""

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
