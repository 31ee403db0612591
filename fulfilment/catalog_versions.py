"""Each client's catalogue version: a number that moves with every write to its products or images.

The portal's product list is the page clients open most, and rendering 25 rows with their links
and figures costs milliseconds of Python where the rows cost a fraction of one in SQL. The page is
kept per login session (fulfilment/page_cache.py) under the client's catalogue version: while the
version stands, nothing the page shows has changed, so a reload, the way back from a product or
the next look at page 1 is served as rendered; the first view after any change renders anew.

- Triggers keep the version, so every write counts whoever makes it: a service, the API, the
  stock triggers updating a product's totals (fulfilment/stock_totals.py), or plain SQL. A
  product moved to another client moves both clients' versions.
- On SQLite, one writer at a time: each changed row adds one in the writing transaction, and a
  reader sees the version together with the rows it belongs to.
- On PostgreSQL, writers run side by side. A version taken while the change is made could commit
  in another order than it was numbered, and a per-client row locked at the first change would
  make two transactions that change several products wait on each other. So the triggers are
  deferred to the commit: each transaction raises each client it changed once, as it commits,
  after every lock it takes for its own work (``fulfilment.catalog_raised_<client>`` remembers it
  for the rest of the transaction). Commits that raise the same client's version queue on its
  row for the moment the commit takes. Two transactions that each changed products of the same
  two clients could still reach those rows in opposite order; PostgreSQL then ends one with a
  deadlock error, as it does for any lock cycle (the services change one client's products per
  transaction).
- Readers take the version before the page's rows, so a page is never older than the version it
  is kept under (a newer page under an older version is only ever replaced sooner).
"""

from fulfilment.db import PreparedSelect, database, is_sqlite
from fulfilment.models import CatalogVersion, Product, ProductImage

# The tables whose rows the product list shows, each with its client column.
WATCHED = (Product, ProductImage)

_TRIGGER = "catalog_version"


# Asked on every view of the product list, so compiled once.
_VERSION_OF_CLIENT = PreparedSelect(lambda client_id: (
    CatalogVersion.select(CatalogVersion.version).where(CatalogVersion.client_id == client_id).tuples()))


def current(client_id):
    """The client's catalogue version now (0 until its first product is written)."""
    row = _VERSION_OF_CLIENT.first(client_id)
    return row[0] if row else 0


def create_table_and_triggers(db=database):
    """The version table and the triggers on each watched table (made anew when run again)."""
    db.create_tables([CatalogVersion], safe=True)
    versions = CatalogVersion._meta.table_name
    raise_version = (f'INSERT INTO "{versions}" ("client_id", "version") VALUES ({{client}}, 1) '
                     f'ON CONFLICT ("client_id") DO UPDATE SET "version" = "{versions}"."version" + 1')
    for model in WATCHED:
        table = model._meta.table_name
        if is_sqlite():
            _create_sqlite_triggers(db, table, raise_version)
        else:
            _create_postgresql_trigger(db, table, raise_version)


def _create_sqlite_triggers(db, table, raise_version):
    for event, rows in (("INSERT", ("NEW",)), ("DELETE", ("OLD",)), ("UPDATE", ("NEW", "OLD"))):
        trigger = f"{_TRIGGER}_{table}_{event.lower()}"
        statements = [raise_version.format(client=f'{rows[0]}."client_id"')]
        if len(rows) == 2:  # a row moved to another client changes both clients' lists
            statements.append(
                f'INSERT INTO "{CatalogVersion._meta.table_name}" ("client_id", "version") '
                f'SELECT OLD."client_id", 1 WHERE OLD."client_id" != NEW."client_id" '
                f'ON CONFLICT ("client_id") DO UPDATE SET "version" = "version" + 1')
        db.execute_sql(f'DROP TRIGGER IF EXISTS "{trigger}"')
        db.execute_sql(f'CREATE TRIGGER "{trigger}" AFTER {event} ON "{table}" BEGIN '
                       + "".join(f"{statement}; " for statement in statements) + "END")


def _create_postgresql_trigger(db, table, raise_version):
    function = f"{_TRIGGER}_raise"
    db.execute_sql(f"""
        CREATE OR REPLACE FUNCTION "{function}"() RETURNS trigger LANGUAGE plpgsql AS $$
        DECLARE
            clients bigint[];
            changed bigint;
        BEGIN
            IF TG_OP = 'INSERT' THEN clients := ARRAY[NEW."client_id"];
            ELSIF TG_OP = 'DELETE' THEN clients := ARRAY[OLD."client_id"];
            ELSE clients := ARRAY[NEW."client_id", OLD."client_id"];
            END IF;
            FOREACH changed IN ARRAY clients LOOP
                IF current_setting('fulfilment.catalog_raised_' || changed, true) IS DISTINCT FROM 'yes' THEN
                    {raise_version.format(client="changed")};
                    PERFORM set_config('fulfilment.catalog_raised_' || changed, 'yes', true);
                END IF;
            END LOOP;
            RETURN NULL;
        END $$""")
    trigger = f"{_TRIGGER}_{table}"
    db.execute_sql(f'DROP TRIGGER IF EXISTS "{trigger}" ON "{table}"')
    db.execute_sql(f'CREATE CONSTRAINT TRIGGER "{trigger}" AFTER INSERT OR UPDATE OR DELETE ON "{table}" '
                   f'DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION "{function}"()')
