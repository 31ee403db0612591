"""What the id_block triggers (fulfilment/id_blocks.py) add to writing: ledger lines inserted with
them and without them, in one run.

    python bench/write_cost.py sqlite:////tmp/bench.sqlite3 [--rows 20000] [--repeat 3]

Inserts --rows stock-history lines (--per-statement to a statement: 500, as a bulk stock change
writes them, or 1, as a single change does) into
a database made by bench/generate.py, once with the triggers and once with them dropped, each in
a transaction that is rolled back: the database is left as it was (on PostgreSQL the rolled-back
rows are vacuumed away at the end). The best of --repeat runs
counts (other work on the machine only ever adds). New lines land above the seal, as every new
row does, so this is the cost every write pays; a row written into a sealed block (a late commit)
updates two counts besides.
"""

import argparse
import sys
import time
from datetime import datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from fulfilment import create_app, id_blocks  # noqa: E402
from fulfilment.db import database, is_sqlite  # noqa: E402
from fulfilment.models import StockMutation  # noqa: E402

COLUMNS = ("client_id", "product_id", "warehouse_id", "old_stock", "change", "new_stock", "change_type", "reason",
           "actor", "created_at")


def insert_lines(rows, like, per_statement):
    mark = database.param
    table = StockMutation._meta.table_name
    values = (like[0], like[1], like[2], 0, 1, 1, "correction", "write_cost benchmark", "bench", datetime.utcnow())
    columns = ", ".join(f'"{column}"' for column in COLUMNS)
    one = "(" + ", ".join([mark] * len(COLUMNS)) + ")"
    cursor = database.cursor()
    for start in range(0, rows, per_statement):
        count = min(per_statement, rows - start)
        cursor.execute(f'INSERT INTO "{table}" ({columns}) VALUES ' + ", ".join([one] * count), values * count)


def drop_triggers():
    table = StockMutation._meta.table_name
    if is_sqlite():
        for event in ("insert", "delete"):
            database.execute_sql(f'DROP TRIGGER "id_block_{table}_{event}"')
    else:
        for event in ("insert", "delete"):
            database.execute_sql(f'DROP TRIGGER "id_block_count_{event}" ON "{table}"')


def timed(rows, like, per_statement, with_triggers):
    with database.atomic() as transaction:
        if not with_triggers:
            drop_triggers()
        started = time.perf_counter()
        insert_lines(rows, like, per_statement)
        elapsed = time.perf_counter() - started
        transaction.rollback()
    return elapsed


def measure(url, rows, repeat, per_statement=500, out=print):
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "bench"})
    with app.app_context():
        database.connect(reuse_if_open=True)
        like = (StockMutation.select(StockMutation.client, StockMutation.product, StockMutation.warehouse)
                .order_by(StockMutation.id.desc()).tuples().first())
        if like is None:
            raise SystemExit(f"{url} has no stock history: fill it with bench/generate.py first.")
        best = {True: float("inf"), False: float("inf")}
        for _ in range(repeat):
            for with_triggers in (True, False):
                best[with_triggers] = min(best[with_triggers], timed(rows, like, per_statement, with_triggers))
        if not is_sqlite():
            # A rolled-back insert leaves its rows dead in the table and its indexes until a vacuum;
            # left there, they would slow every later read of this product's history.
            database.execute_sql(f'VACUUM "{StockMutation._meta.table_name}"')
        database.close()
    out(f"{rows} ledger lines, {per_statement} to a statement, best of {repeat}, rolled back; "
        f"block size {id_blocks.BLOCK}")
    for with_triggers, label in ((False, "without the triggers (reference)"), (True, "with the id_block triggers")):
        seconds = best[with_triggers]
        out(f"{label:34s} {seconds * 1000:8.1f} ms {seconds / rows * 1e6:7.1f} µs a line "
            f"{seconds / best[False]:5.2f}x")
    return best


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("database_url")
    parser.add_argument("--rows", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--per-statement", type=int, default=500, help="lines a statement inserts (1: one by one)")
    args = parser.parse_args(argv)
    measure(args.database_url, args.rows, args.repeat, args.per_statement)


if __name__ == "__main__":
    main()
