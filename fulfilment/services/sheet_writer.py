"""Writing a long export's rows at openpyxl's own speed: the sheet ``spreadsheets.write_workbook``
writes, with less Python work per cell.

An export job writes hundreds of thousands of rows, and openpyxl's write-only sheet already
spends most of the time (it turns every cell into XML). What this writer adds per cell is kept
to a type lookup: a value openpyxl types right (numbers, plain text, booleans) goes in as it is,
and a value that needs a number format or must stay text (dates, money, text that a spreadsheet
program would read as a formula) reuses one styled cell per column and format instead of
building a new cell each time. The cells, their types and formats are the same as
``spreadsheets.write_workbook`` writes, so a file does not depend on which of the two made it.
"""

from datetime import UTC, date, datetime
from decimal import Decimal
from itertools import chain, islice

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ERROR_CODES, ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from fulfilment.services.spreadsheets import (
    DATE_FORMAT,
    DATETIME_FORMAT,
    FORMULA_TRIGGERS,
    MAX_CELL_TEXT,
    MONEY_FORMAT,
    WIDTH_SAMPLE_ROWS,
    clean_text,
    column_widths,
    sheet_title,
)

# How often (in rows) the progress callback hears how far the writer is.
PROGRESS_EVERY = 5000

_NUMBERS = (int, float, Decimal)
_ERROR_CODES = frozenset(ERROR_CODES)


class _RowCells:
    """Turns one row's values into what a write-only sheet appends, reusing styled cells per column."""

    def __init__(self, sheet, columns):
        self.sheet = sheet
        self.money = [column.money for column in columns]
        # (column index, format or "text") -> the cell that column reuses for it
        self.cells = {}

    def styled(self, index, value, number_format):
        cell = self.cells.get((index, number_format))
        if cell is None:
            cell = self.cells[(index, number_format)] = WriteOnlyCell(self.sheet)
            cell.number_format = number_format
        cell.value = value
        return cell

    def text(self, index, text):
        if ILLEGAL_CHARACTERS_RE.search(text) is not None or len(text) > MAX_CELL_TEXT:
            text = clean_text(text)
        if not text.startswith(FORMULA_TRIGGERS) and text not in _ERROR_CODES:
            return text
        cell = self.cells.get((index, "text"))
        if cell is None:
            cell = self.cells[(index, "text")] = WriteOnlyCell(self.sheet)
            cell.quotePrefix = True
        cell.value = text
        cell.data_type = "s"  # openpyxl made it a formula if it starts with "="
        return cell

    def __call__(self, values):
        row = []
        append = row.append
        for index, value in enumerate(values):
            kind = value.__class__
            if kind is str:
                append(self.text(index, value))
            elif value is None or kind is bool:
                append(value)
            elif kind in (int, float) or kind is Decimal or isinstance(value, _NUMBERS):
                append(self.styled(index, value, MONEY_FORMAT) if self.money[index] else value)
            elif isinstance(value, datetime):
                if value.tzinfo is not None:  # Excel has no time zones; we store and show UTC
                    value = value.astimezone(UTC).replace(tzinfo=None)
                append(self.styled(index, value, DATETIME_FORMAT))
            elif isinstance(value, date):
                append(self.styled(index, value, DATE_FORMAT))
            else:
                append(self.text(index, str(value)))
        return row


def write_workbook(target, title, columns, rows, *, progress=None):
    """Write rows as one sheet (bold frozen header, typed cells) into target; return the rows written.

    ``progress(written)`` is called every PROGRESS_EVERY rows. Column widths come from the titles
    and the first rows, as ``spreadsheets.write_workbook`` measures them.
    """
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(sheet_title(title))
    sheet.freeze_panes = "A2"
    getters = [column.value for column in columns]
    rows = iter(rows)
    sample = [[get(row) for get in getters] for row in islice(rows, WIDTH_SAMPLE_ROWS)]
    for index, width in enumerate(column_widths(columns, sample), start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width

    header = []
    for column in columns:
        cell = WriteOnlyCell(sheet, clean_text(str(column.title)))
        cell.data_type = "s"
        cell.quotePrefix = True
        cell.font = Font(bold=True)
        header.append(cell)
    sheet.append(header)

    cells = _RowCells(sheet, columns)
    append = sheet.append
    written = 0
    for values in chain(sample, ([get(row) for get in getters] for row in rows)):
        append(cells(values))
        written += 1
        if progress is not None and written % PROGRESS_EVERY == 0:
            progress(written)
    workbook.save(target)
    return written
