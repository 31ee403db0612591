"""The one spreadsheet writer of every export (``spreadsheets.write_workbook`` and the export jobs),
at openpyxl's own speed, and the cell rules they share: formats, formula-safe text, widths, titles.

An export job writes hundreds of thousands of rows, and openpyxl's write-only sheet already
spends most of the time (it turns every cell into XML). What this writer adds per cell is kept
to a type lookup: a value openpyxl types right (numbers, plain text, booleans) goes in as it is,
and a value that needs a number format or must stay text (dates, money, text that a spreadsheet
program would read as a formula) reuses one styled cell per column and format instead of
building a new cell each time.
"""

import re
from datetime import UTC, date, datetime
from decimal import Decimal
from itertools import chain, islice

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ERROR_CODES, ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

MONEY_FORMAT = "#,##0.00"
DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"

# Text starting with one of these is what spreadsheet programs read as a formula (or re-read as
# one when the cell is edited); such text gets an explicit text cell with a quote prefix.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
MAX_CELL_TEXT = 32_767  # Excel's limit; longer text makes the file unreadable for Excel

WIDTH_SAMPLE_ROWS = 200
MIN_WIDTH, MAX_WIDTH = 6, 60


# Hand the sheet finished cells without openpyxl's trial conversion (see write_workbook).
HAND_CELLS_DIRECTLY = True

# How often (in rows) the progress callback hears how far the writer is.
PROGRESS_EVERY = 5000

_NUMBERS = (int, float, Decimal)
_ERROR_CODES = frozenset(ERROR_CODES)
# The first characters of text that may need a text cell: a formula trigger or an error value ("#N/A").
_SPECIAL_FIRST = frozenset(FORMULA_TRIGGERS) | {code[:1] for code in ERROR_CODES}


class _RowCells:
    """Turns one row's values into cells for a write-only sheet, reusing one cell per column and kind.

    A row comes back as a list of cells (None where the value is None), each holding its value,
    type and format and already placed in its column, so nothing is left for openpyxl to convert.
    """

    def __init__(self, sheet, columns):
        self.sheet = sheet
        self.money = [column.money for column in columns]
        self.plain = [self._cell(index) for index in range(len(columns))]
        # (column index, number format or "text") -> the styled cell that column reuses for it
        self.styled_cells = {}

    def _cell(self, index):
        return Cell(self.sheet, column=index + 1, row=1)

    def __call__(self, values):
        row = []
        append = row.append
        plain, money = self.plain, self.money
        # The common values take the shortest way; everything else goes through convert().
        for index, value in enumerate(values):
            kind = value.__class__
            if value is None:
                append(None)
            elif kind is str:
                # isprintable() is False for every control character, so it rules out illegal ones at C speed.
                if value.isprintable() and value[:1] not in _SPECIAL_FIRST and len(value) <= MAX_CELL_TEXT:
                    cell = plain[index]
                    cell.value = value
                    append(cell)
                else:
                    append(self.text(index, value))
            elif kind is bool or ((kind is int or kind is float) and not money[index]):
                cell = plain[index]
                cell.value = value
                append(cell)
            elif kind is datetime and value.tzinfo is None:
                append(self.styled(index, value, DATETIME_FORMAT))
            else:
                append(self.convert(index, value))
        return row

    def convert(self, index, value):
        """Any value in a cell: typed, formatted, and kept text where a spreadsheet would read a formula."""
        if isinstance(value, str):
            return self.text(index, value)
        if isinstance(value, _NUMBERS) and not isinstance(value, bool):
            return self.styled(index, value, MONEY_FORMAT) if self.money[index] else self.plain_cell(index, value)
        if isinstance(value, datetime):
            if value.tzinfo is not None:  # Excel has no time zones; we store and show UTC
                value = value.astimezone(UTC).replace(tzinfo=None)
            return self.styled(index, value, DATETIME_FORMAT)
        if isinstance(value, date):
            return self.styled(index, value, DATE_FORMAT)
        if isinstance(value, bool):
            return self.plain_cell(index, value)
        return self.text(index, str(value))

    def plain_cell(self, index, value):
        cell = self.plain[index]
        cell.value = value
        return cell

    def styled(self, index, value, number_format):
        cell = self.styled_cells.get((index, number_format))
        if cell is None:
            cell = self.styled_cells[(index, number_format)] = self._cell(index)
            cell.number_format = number_format
        cell.value = value
        return cell

    def text(self, index, text):
        text = clean_text(text)
        if not text.startswith(FORMULA_TRIGGERS) and text not in _ERROR_CODES:
            return self.plain_cell(index, text)
        cell = self.styled_cells.get((index, "text"))
        if cell is None:
            cell = self.styled_cells[(index, "text")] = self._cell(index)
            cell.quotePrefix = True
        cell.value = text
        cell.data_type = "s"  # openpyxl made it a formula if it starts with "="
        return cell


def _placed(row, row_index):
    """The row's cells on row row_index: what a write-only sheet's own conversion would hand its writer."""
    for cell in row:
        if cell is not None:
            cell.row = row_index
            yield cell


def write_workbook(target, title, columns, rows, *, progress=None):
    """Write rows as one sheet (bold frozen header, typed cells) into target; return the rows written.

    ``progress(written)`` is called every PROGRESS_EVERY rows. Column widths come from the titles
    and the first rows (``column_widths``).
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
    # openpyxl would try each appended cell as a value first and take it as a cell once refused:
    # that costs more than writing the cell. Our rows hold only finished cells, so the sheet is
    # handed them as they are. Should a later openpyxl stop calling this hook, append still takes
    # the same cells the slower way (it accepts cells), and the file stays the same.
    if HAND_CELLS_DIRECTLY:
        sheet._values_to_row = _placed
    append = sheet.append
    everything = chain(sample, ([get(row) for get in getters] for row in rows))
    written = 0
    while True:
        before = written
        for values in islice(everything, PROGRESS_EVERY):
            append(cells(values))
            written += 1
        if written - before < PROGRESS_EVERY:
            break
        if progress is not None:
            progress(written)
    workbook.save(target)
    return written


def clean_text(text):
    """Text an .xlsx file can hold: no control characters XML forbids, at most Excel's cell length."""
    return ILLEGAL_CHARACTERS_RE.sub("", text)[:MAX_CELL_TEXT]


def column_widths(columns, sample_rows):
    """A width per column, from its title and the longest value shown in the sample rows."""
    widths = []
    for index, column in enumerate(columns):
        longest = max([len(column.title) + 2] + [_shown_length(row[index], column.money) for row in sample_rows])
        widths.append(min(MAX_WIDTH, max(MIN_WIDTH, longest + 1)))
    return widths


def _shown_length(value, money):
    if value is None:
        return 0
    if isinstance(value, datetime):
        return 16
    if isinstance(value, date):
        return 10
    if isinstance(value, bool):
        return 5
    if isinstance(value, (int, float, Decimal)):
        return len(f"{value:,.2f}") if money else len(str(value))
    return max(len(line) for line in str(value).splitlines() or [""])


def sheet_title(name):
    """The list name as a worksheet title: without the characters Excel forbids, at most 31 long."""
    title = re.sub(r"\s+", " ", re.sub(r"[\[\]:*?/\\]", " ", str(name))).strip()
    return title[:31] or "Export"
