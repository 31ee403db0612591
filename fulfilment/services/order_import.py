"""Reading an order's lines from an uploaded Excel file (.xlsx), safely and all-or-nothing.

The file is checked before openpyxl reads it: it must be a real .xlsx package (not .xlsm, not
a renamed file), its unpacked size and its number of rows must stay under limits, so a zip
bomb or a sheet that claims a million rows is refused at once. Formulas are never evaluated:
a formula cell is reported as an error. Every row is validated; the caller creates an order
only when the result has no errors.

Duplicate product codes are summed into one line (a shop export often lists a product twice);
the preview says so.
"""

import io
import re
import zipfile
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from openpyxl import load_workbook

from fulfilment.models import Product
from fulfilment.services.errors import ValidationFailed
from fulfilment.services.quantities import MAX_AMOUNT

CODE_HEADERS = ("product code", "productcode", "sku", "code")
QUANTITY_HEADERS = ("quantity", "amount", "qty")
MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_UNPACKED_BYTES = 50 * 1024 * 1024
MAX_ROWS = 5_000
MAX_COMPRESSION_RATIO = 200
# How far down the header row may be (a title or a logo row above it is common).
HEADER_SEARCH_ROWS = 20

XLSX_MAIN_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
_DIMENSION = re.compile(rb'<dimension ref="[A-Z]+\d+(?::[A-Z]+(\d+))?"')
_ROW_NUMBER = re.compile(rb'<row [^>]*r="(\d+)"')


class ImportRefused(ValidationFailed):
    """The file as a whole cannot be read (not an .xlsx, too large, no header row …).

    A domain error, so callers translate it like any other refusal (its message says what to fix).
    """


@dataclass
class ImportLine:
    row: int
    product: Product
    amount: int


@dataclass
class ImportResult:
    lines: list = field(default_factory=list)  # [ImportLine], one per product (duplicates summed)
    errors: list = field(default_factory=list)  # [(row number, message)]
    notes: list = field(default_factory=list)  # [(row number, message)] that do not block

    @property
    def ok(self):
        return bool(self.lines) and not self.errors


def read_order_lines(client, data):
    """Read and validate an uploaded .xlsx for client; raise ImportRefused when it cannot be read."""
    sheet_rows = _open_first_sheet(data)
    header_row, code_col, quantity_col = _find_header(sheet_rows)
    parsed, result = [], ImportResult()
    for row_number, values in sheet_rows:
        if row_number <= header_row:
            continue
        code = _cell(values, code_col)
        quantity = _cell(values, quantity_col)
        if _blank(code) and _blank(quantity):
            continue
        code_text, code_error = _read_code(code)
        amount, amount_error = _read_quantity(quantity)
        for error in (code_error, amount_error):
            if error:
                result.errors.append((row_number, error))
        if not code_error and not amount_error:
            parsed.append((row_number, code_text, amount))
    if not parsed and not result.errors:
        raise ImportRefused("The file has a header row but no product lines under it.")
    _resolve_products(client, parsed, result)
    return result


def _open_first_sheet(data):
    """Check the package and return [(row number, values)] of the first worksheet, read-only."""
    if len(data) > MAX_FILE_BYTES:
        raise ImportRefused(f"The file is larger than {MAX_FILE_BYTES // (1024 * 1024)} MB.")
    try:
        package = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise ImportRefused("This is not an Excel .xlsx file. Save it as 'Excel Workbook (.xlsx)' and try again.") \
            from None
    with package:
        _check_package(package)
        first_sheet = _first_sheet_path(package)
        _check_row_count(package, first_sheet)
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=False, keep_links=False)
    except Exception:  # openpyxl raises many kinds on a damaged file
        raise ImportRefused("The Excel file could not be read; it may be damaged. Save it again and retry.") from None
    try:
        sheet = workbook.worksheets[0]
        rows = []
        for index, row in enumerate(sheet.iter_rows(), start=1):
            if index > MAX_ROWS + HEADER_SEARCH_ROWS:
                raise ImportRefused(f"The file has more than {MAX_ROWS:,} rows; split it into smaller files.")
            rows.append((row[0].row if row and hasattr(row[0], "row") else index, [c.value for c in row]))
        return rows
    finally:
        workbook.close()


def _check_package(package):
    names = package.namelist()
    if "[Content_Types].xml" not in names:
        raise ImportRefused("This is not an Excel .xlsx file.")
    unpacked = 0
    for info in package.infolist():
        unpacked += info.file_size
        if info.compress_size and info.file_size / info.compress_size > MAX_COMPRESSION_RATIO and info.file_size > 1_000_000:
            raise ImportRefused("The file unpacks to far more than it holds (a zip bomb?); it is refused.")
    if unpacked > MAX_UNPACKED_BYTES:
        raise ImportRefused(f"The file unpacks to more than {MAX_UNPACKED_BYTES // (1024 * 1024)} MB; "
                            "split it into smaller files.")
    content_types = package.read("[Content_Types].xml")
    if b"macroEnabled" in content_types or "xl/vbaProject.bin" in names:
        raise ImportRefused("Files with macros (.xlsm) are not accepted. Save it as 'Excel Workbook (.xlsx)'.")
    if XLSX_MAIN_TYPE.encode() not in content_types:
        raise ImportRefused("This is not an Excel .xlsx workbook.")


def _first_sheet_path(package):
    workbook_xml = package.read("xl/workbook.xml") if "xl/workbook.xml" in package.namelist() else b""
    rels = package.read("xl/_rels/workbook.xml.rels") if "xl/_rels/workbook.xml.rels" in package.namelist() else b""
    sheet = re.search(rb'<(?:\w+:)?sheet [^>]*r:id="([^"]+)"', workbook_xml)
    if sheet:
        target = re.search(rb'Id="' + re.escape(sheet.group(1)) + rb'"[^>]*Target="([^"]+)"', rels) or re.search(
            rb'Target="([^"]+)"[^>]*Id="' + re.escape(sheet.group(1)) + rb'"', rels)
        if target:
            path = target.group(1).decode().lstrip("/")
            return path if path.startswith("xl/") else f"xl/{path}"
    candidates = sorted(name for name in package.namelist() if name.startswith("xl/worksheets/sheet"))
    if not candidates:
        raise ImportRefused("The workbook has no worksheet.")
    return candidates[0]


def _check_row_count(package, sheet_path):
    """Refuse a sheet with too many rows before openpyxl reads it, by its claim and by counting."""
    try:
        info = package.getinfo(sheet_path)
    except KeyError:
        raise ImportRefused("The workbook's first worksheet is missing.") from None
    limit = MAX_ROWS + HEADER_SEARCH_ROWS
    with package.open(info) as stream:
        head = stream.read(4096)
        claim = _DIMENSION.search(head)
        if claim and claim.group(1) and int(claim.group(1)) > limit:
            raise ImportRefused(f"The sheet has {int(claim.group(1)):,} rows; at most {MAX_ROWS:,} are accepted.")
        chunk, tail = head, b""
        while chunk:
            for match in _ROW_NUMBER.finditer(tail + chunk):
                if int(match.group(1)) > limit:
                    raise ImportRefused(f"The sheet has more than {MAX_ROWS:,} rows; split it into smaller files.")
            tail = chunk[-64:]
            chunk = stream.read(1 << 16)


def _normalise(header):
    return " ".join(str(header).strip().lower().replace("_", " ").split()) if header is not None else ""


def _find_header(rows):
    for row_number, values in rows[:HEADER_SEARCH_ROWS]:
        names = [_normalise(v) for v in values]
        code_col = next((i for i, n in enumerate(names) if n in CODE_HEADERS), None)
        quantity_col = next((i for i, n in enumerate(names) if n in QUANTITY_HEADERS), None)
        if code_col is not None and quantity_col is not None:
            return row_number, code_col, quantity_col
    raise ImportRefused(
        "No header row found. The first sheet needs a column 'product code' (or 'sku', 'code') and a column "
        "'quantity' (or 'amount', 'qty'). Download the template to see an example."
    )


def _cell(values, column):
    return values[column] if column < len(values) else None


def _blank(value):
    return value is None or (isinstance(value, str) and not value.strip())


def _is_formula(value):
    return isinstance(value, str) and value.startswith("=")


def _read_code(value):
    if _blank(value):
        return None, "The product code is empty."
    if _is_formula(value):
        return None, "The product code is a formula; type the code itself."
    if isinstance(value, bool):
        return None, "The product code is not a code."
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # a code typed as a number: 1001 is read as "1001", not "1001.0"
    text = str(value).strip()
    if len(text) > 255:
        return None, "The product code is too long."
    return text, None


def _read_quantity(value):
    if _blank(value):
        return None, "The quantity is empty."
    if _is_formula(value):
        return None, "The quantity is a formula; type the number itself."
    if isinstance(value, bool):
        return None, "The quantity must be a whole number."
    try:
        number = Decimal(str(value).strip().replace(",", "."))
    except InvalidOperation:
        return None, f"The quantity {str(value)[:30]!r} is not a number."
    if not number.is_finite() or number != number.to_integral_value():
        return None, f"The quantity {value} must be a whole number."
    if number <= 0:
        return None, "The quantity must be at least 1."
    if number > MAX_AMOUNT:
        return None, f"The quantity is more than {MAX_AMOUNT:,}."
    return int(number), None


def _resolve_products(client, parsed, result):
    codes = {code for _, code, _ in parsed}
    products = {
        p.product_code: p for p in Product.for_client(client).where(Product.product_code.in_(list(codes)))
    } if codes else {}
    by_code = {}
    for row_number, code, amount in parsed:
        product = products.get(code)
        if product is None:
            result.errors.append((row_number, f"Unknown product code {code}."))
            continue
        if not product.active:
            result.errors.append((row_number, f"Product {code} is inactive."))
            continue
        if code in by_code:
            by_code[code].amount += amount
            result.notes.append((row_number, f"{code} appears again; the quantities are added up."))
        else:
            by_code[code] = ImportLine(row_number, product, amount)
    result.lines = sorted(by_code.values(), key=lambda line: line.row)
    result.errors.sort()


def template_workbook():
    """An .xlsx template with the two columns and an example row, as bytes."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Order lines"
    sheet.append(["Product code", "Quantity"])
    sheet.append(["SKU-123", 2])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.column_dimensions["A"].width = 24
    sheet.column_dimensions["B"].width = 12
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
