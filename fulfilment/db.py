"""The database: a Peewee proxy bound by the app factory, a pooled connection per request.

The app's connections come from Peewee's pool (playhouse.pool): a request checks one out and
gives it back at teardown, so a page does not pay for opening a connection, setting its pragmas
and (on SQLite in WAL mode) the checkpoint that closing the last connection runs — about 0.6 ms
of a 5 ms page. A connection left in a transaction is rolled back on its way back to the pool.
"""

import hashlib
import importlib.util
import os
import re
import weakref
from contextlib import contextmanager
from urllib.parse import urlparse

import peewee
from peewee import DatabaseProxy, SqliteDatabase
from playhouse.db_url import parse as parse_db_url
from playhouse.pool import PooledDatabase, PooledSqliteDatabase
from playhouse.postgres_ext import PooledPostgresqlExtDatabase, PostgresqlExtDatabase, ServerSideQuery

database = DatabaseProxy()

# A pooled connection is closed when it has been open this long (seconds), so a long-running
# process picks up a changed file or server setting eventually.
POOL_STALE_SECONDS = 300

# libpq's startup options for PostgreSQL connections whose URL sets none (see open_database).
JIT_OFF = "-c jit=off"


class UnsupportedDatabase(ValueError):
    """The database URL names an engine we do not support."""


def open_database(url, busy_timeout_ms=10_000, pooled=False):
    """Return a Peewee database for a sqlite:/// or postgresql:// URL (not yet connected).

    pooled: keep closed connections open for the next connect (the app's own database).
    """
    scheme = urlparse(url).scheme
    pool = {"max_connections": None, "stale_timeout": POOL_STALE_SECONDS} if pooled else {}
    if scheme == "sqlite":
        path = url[len("sqlite:///"):] or ":memory:"
        pooled = pooled and path != ":memory:"  # each connection to :memory: is a database of its own
        return (PooledSqliteDatabase if pooled else SqliteDatabase)(
            path,
            timeout=busy_timeout_ms / 1000,
            pragmas={
                "journal_mode": "wal",
                "foreign_keys": 1,
                "busy_timeout": busy_timeout_ms,
                "synchronous": "normal",
                # A statement that fires triggers (the trigram and id_block ones) writes a statement
                # journal for its own rollback: in a temporary file, that cost a single-row insert
                # 40 µs more than in memory (bench/write_cost.py --per-statement 1).
                "temp_store": "memory",
            },
            # A pooled connection serves one thread at a time, but not always the thread that opened it.
            **({**pool, "check_same_thread": False} if pooled else {}),
        )
    if scheme in ("postgres", "postgresql"):
        if importlib.util.find_spec("psycopg2") is None:
            raise UnsupportedDatabase("PostgreSQL needs its driver: pip install -e '.[postgres]' (psycopg2-binary).")
        params = parse_db_url(url)
        name = params.pop("database")
        # No JIT compilation unless the URL asks for it (?options=-c%20jit%3Don): PostgreSQL
        # compiles any query it estimates above jit_above_cost, and for this app's short queries
        # that took 30-40 ms of a count that runs in 20 (issue 14).
        params.setdefault("options", JIT_OFF)
        # The Ext flavour behaves the same and adds server-side cursors (see streamed()).
        if pooled:
            return PooledPostgresqlExtDatabase(name, **pool, **params)
        return PostgresqlExtDatabase(name, **params)
    raise UnsupportedDatabase(f"Unsupported database URL {url!r}: use sqlite:/// or postgresql://")


def bind_database(url, busy_timeout_ms=10_000, pooled=True, prepare=True):
    """Point the shared proxy at the database behind url and return that database.

    The pool of the database bound before, if any, is closed: its connections are not used again.
    prepare: PostgreSQL plans the queries every request runs once per connection (PreparedSelect).
    """
    previous = database.obj
    db = open_database(url, busy_timeout_ms, pooled=pooled)
    db.prepare_statements = prepare
    database.initialize(db)
    if isinstance(previous, PooledDatabase):
        previous.close_all()
    return db


def close_all_connections():
    """Close every connection to the bound database, pooled ones too (before dropping it, say)."""
    if isinstance(database.obj, PooledDatabase):
        database.obj.close_all()
    elif database.obj is not None and not database.is_closed():
        database.close()


def _forget_inherited_connections():
    """In a forked child, drop the parent's pooled connections without closing them (the parent
    still uses them; a database connection must not be shared by two processes)."""
    if isinstance(database.obj, PooledDatabase):
        database.obj.dispose()


os.register_at_fork(after_in_child=_forget_inherited_connections)


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
    bind_database(app.config["DATABASE_URL"], app.config["SQLITE_BUSY_TIMEOUT_MS"], app.config["DATABASE_POOL"],
                  app.config["DATABASE_PREPARE"])

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


# The statements prepared on each PostgreSQL connection (the driver's connection object: a pooled
# connection keeps its statements from request to request, a new one has none).
_PREPARED_ON = weakref.WeakKeyDictionary()
# PostgreSQL's error code for EXECUTE of a statement that this connection has not prepared.
_NO_SUCH_STATEMENT = "26000"
# A parameter in psycopg2's SQL (%s), and its escaped percent sign (%%).
_DRIVER_PARAMETER = re.compile(r"%[s%]")

# The SQL behind each prepared statement's name, for reading a query log (see prepared_sql).
_SQL_OF_STATEMENT = {}


def prepared_sql(statement):
    """The SQL a logged statement runs: for ``EXECUTE name (…)`` the select prepared under that name."""
    if statement.startswith("EXECUTE fulfilment_"):
        return _SQL_OF_STATEMENT.get(statement.split(" ", 2)[1], statement)
    return statement


# What a Peewee cursor wrapper holds of one run (the rest is the row layout, see PreparedSelect._wrap).
_CURSOR_STATE = frozenset({"cursor", "count", "index", "initialized", "populated", "row_cache", "initialize"})


class PreparedSelect:
    """A select compiled to SQL once per kind of database; each run binds its own values.

    Peewee turns a query into SQL every time it runs. For a query that every request makes, with
    several joined tables and all their columns, that costs far more than the query: the login
    session lookup took 1.4 ms to compile and 0.05 ms to run. ``build(*slots)`` returns the query
    with a slot where each value goes (``Model.field == slot``); run() binds the values in the
    same order, as they are (strings, numbers: no field's conversion applies), and the rows come
    back as the built query would return them (joined rows attached, .dicts(), .tuples() …).

    On PostgreSQL the query is also planned once per connection: it is PREPAREd on a connection's
    first run and EXECUTEd after that. The driver sends SQL as text, and PostgreSQL planned the
    login-session lookup anew on every request: 356 µs a lookup, 158 µs prepared. PREPARE is not
    undone by a rollback; one that fails (in a transaction already failed) is tried again next
    time, and so is one the server forgot (DEALLOCATE), at once when no transaction was open.
    ``bind_database(prepare=False)`` (FULFILMENT_DATABASE_PREPARE) runs the plain SQL, for a
    pooler such as PgBouncer in transaction mode, which hands each transaction another server
    connection.
    """

    def __init__(self, build, slots=1):
        self._build = build
        self._slots = slots
        self._compiled = {}  # kind of database -> (query, sql, params, [(param index, slot index)], statement name)
        self._row_layouts = {}  # kind of database -> what Peewee's cursor wrapper works out from the columns

    def _compile(self):
        kind = type(database.obj)
        compiled = self._compiled.get(kind)
        if compiled is None:
            from peewee import Value

            markers = [object() for _ in range(self._slots)]
            query = self._build(*[Value(marker, converter=False) for marker in markers])
            sql, params = query.sql()
            positions = {id(marker): index for index, marker in enumerate(markers)}
            bound = [(at, positions[id(param)]) for at, param in enumerate(params) if id(param) in positions]
            if len(bound) != self._slots:
                raise ValueError(f"the query uses {len(bound)} of its {self._slots} slots")
            statement = "fulfilment_" + hashlib.sha1(sql.encode()).hexdigest()[:16]  # prepared under it
            _SQL_OF_STATEMENT[statement] = sql
            compiled = self._compiled[kind] = (query, sql, params, bound, statement)
        return compiled

    def run(self, *values):
        """The rows for these values (an iterable cursor wrapper, read once)."""
        query, sql, params, bound, statement = self._compile()
        params = list(params)
        for at, slot in bound:
            params[at] = values[slot]
        if is_sqlite() or not getattr(database.obj, "prepare_statements", False):
            return self._wrap(query, database.execute_sql(sql, params))
        return self._wrap(query, self._execute_prepared(statement, sql, params))

    @staticmethod
    def _execute_prepared(statement, sql, params, retry=True):
        """Run sql on PostgreSQL as a statement prepared on this connection (prepared first if not yet).

        The PREPARE goes to the driver's cursor without parameters, past Peewee's query log, as the
        connection's other set-up does: it is not one of the request's queries, and query counts
        stay the same on a new connection and an old one."""
        prepared = _PREPARED_ON.setdefault(database.connection(), set())
        if statement not in prepared:
            numbers = iter(range(1, len(params) + 1))
            # Sent without parameters the driver leaves the text alone: its %% is a plain %.
            numbered = _DRIVER_PARAMETER.sub(lambda found: "%" if found[0] == "%%" else f"${next(numbers)}", sql)
            with peewee.__exception_wrapper__:  # the driver's errors as Peewee's, as execute_sql raises them
                database.cursor().execute(f"PREPARE {statement} AS {numbered}")
            prepared.add(statement)
        arguments = f" ({', '.join(['%s'] * len(params))})" if params else ""
        try:
            return database.execute_sql(f"EXECUTE {statement}{arguments}", params)
        except peewee.OperationalError as error:
            if getattr(getattr(error, "orig", None), "pgcode", None) != _NO_SUCH_STATEMENT:  # the driver's error
                raise
            # The server forgot it (DEALLOCATE, DISCARD ALL, a pooler that changed the server
            # connection): prepare it again, once and now when no transaction was cut short by
            # the error, else on the next run.
            prepared.discard(statement)
            if not retry or database.in_transaction():
                raise
            return PreparedSelect._execute_prepared(statement, sql, params, retry=False)

    def _wrap(self, query, cursor):
        """Peewee's cursor wrapper for the query's rows, told the row layout it worked out before.

        Before its first row, the wrapper matches the result's columns to the models and fields
        they fill (for the login session's four joined models, half of the 0.3 ms it took to
        read one row). The SQL is the same each run, so the layout is too: it is kept from the
        first run and given to the later wrappers."""
        wrapper = query._get_cursor_wrapper(cursor)
        kind = type(database.obj)
        layout = self._row_layouts.get(kind)
        if layout is not None:
            vars(wrapper).update(layout)
            wrapper.initialized = True
            return wrapper
        work_out_layout = wrapper.initialize

        def initialize():
            work_out_layout()
            self._row_layouts[kind] = {name: value for name, value in vars(wrapper).items()
                                       if name not in _CURSOR_STATE}

        wrapper.initialize = initialize
        return wrapper

    def first(self, *values):
        """The first row for these values, or None."""
        return next(iter(self.run(*values)), None)
