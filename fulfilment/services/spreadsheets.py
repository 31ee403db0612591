"""Spreadsheet export: one exporter that streams a query's rows into an .xlsx file.

The rows come from the database through one streaming cursor (``db.streamed``) and go into an
openpyxl write-only workbook, which writes each row to disk as it is appended; the finished
file is a temporary file the caller sends. Memory therefore stays flat however many rows a list
has. Cells are typed: numbers as numbers, money with two decimals, dates as dates. Text is
always a text cell, so nothing a client or webshop typed can become a formula.

Column titles and the list's name may be lazy texts (``_l("Product code")``): they are read when
the file is written, in the language of the request, so a Dutch reader gets "Productcode" in a
sheet "Producten". The cells' number formats use Excel's own separators, which Excel shows the
reader's way (1.234,50 in a Dutch Excel), so numbers, money and dates stay numbers and dates.
"""

import re
import tempfile
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date
from itertools import islice
from typing import Any, BinaryIO

from fulfilment.db import database, streamed
from fulfilment.formatting import format_number
from fulfilment.i18n import _
from fulfilment.services import sheet_writer
from fulfilment.services.errors import ExportTooLarge

XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

FETCH_BATCH_SIZE = 2000


@dataclass(frozen=True)
class Column:
    """One column of an export: its title (a text or a lazy translation), how to read its value from a row,
    and whether it is money."""

    title: Any
    value: Callable[[Any], Any]
    money: bool = False


def path(dotted):
    """A value getter for ``"order.number"``-style paths that answers None past a missing relation."""
    names = dotted.split(".")

    def get(row):
        for name in names:
            if row is None:
                return None
            row = getattr(row, name)
        return row

    return get


@dataclass
class Spreadsheet:
    """A finished export: a temporary .xlsx file (deleted once closed) and the name to download it as."""

    filename: str
    file: BinaryIO
    rows: int
    mimetype: str = XLSX_MIMETYPE

    def close(self):
        self.file.close()


def export_rows(list_name, columns, query, *, max_rows, today=None):
    """Write query's rows into a new .xlsx file; refuse with ExportTooLarge beyond max_rows rows.

    The count and the rows are read in one transaction, so they agree (on PostgreSQL it also lets
    the server-side cursor stream). The query must select every relation the columns read, or
    each row costs a query.
    """
    list_name = str(list_name)
    with database.atomic():
        total = query.count()
        if total > max_rows:
            raise ExportTooLarge(_(
                "%(list)s has %(total)s rows; one export holds at most %(max_rows)s. "
                "Narrow the list down with a search or filter and export again.",
                list=list_name, total=format_number(total), max_rows=format_number(max_rows),
            ))
        # The file outlives this function: the returned Spreadsheet owns it (its close() deletes it).
        target = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115
        try:
            written = write_workbook(target, list_name, columns, streamed(query, FETCH_BATCH_SIZE), max_rows)
        except BaseException:
            target.close()
            raise
    target.seek(0)
    return Spreadsheet(filename=export_filename(list_name, today), file=target, rows=written)


def write_workbook(target, title, columns, rows, max_rows=None):
    """Write rows as one sheet (bold frozen header, typed cells) into target; return the rows written.

    One writer for every export, immediate or in the worker: services/sheet_writer.py (cells typed
    and formatted once per column, at the speed of bare openpyxl).
    """
    columns = [replace(column, title=str(column.title)) for column in columns]
    rows = rows if max_rows is None else islice(rows, max_rows)
    return sheet_writer.write_workbook(target, str(title), columns, rows)


def export_filename(list_name, today=None):
    """``<list name>-YYYY-MM-DD.xlsx``, in plain lowercase ASCII: "stock-history-2024-05-01.xlsx"."""
    ascii_name = unicodedata.normalize("NFKD", str(list_name)).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-") or "export"
    return f"{slug}-{(today or date.today()):%Y-%m-%d}.xlsx"
