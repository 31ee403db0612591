"""Reading exported .xlsx files back in tests: the cells as openpyxl sees them, and the raw sheet XML."""

import io
import zipfile

from openpyxl import load_workbook


def contents(spreadsheet):
    """The bytes of an export (services.spreadsheets.Spreadsheet), closing its temporary file."""
    try:
        return spreadsheet.file.read()
    finally:
        spreadsheet.close()


def workbook(data):
    return load_workbook(io.BytesIO(data))


def rows(data):
    """Every row of the first sheet as a list of values (the header first)."""
    return [list(row) for row in workbook(data).worksheets[0].iter_rows(values_only=True)]


def cells(data):
    """Every row of the first sheet as openpyxl cells (for types and number formats)."""
    return [list(row) for row in workbook(data).worksheets[0].iter_rows()]


def records(data):
    """The data rows as {header: value} dicts."""
    header, *body = rows(data)
    return [dict(zip(header, row, strict=True)) for row in body]


def sheet_xml(data):
    """The first worksheet's XML, exactly as stored in the file."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return archive.read("xl/worksheets/sheet1.xml").decode("utf-8")
