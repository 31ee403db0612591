"""Reading an order's lines from an uploaded Excel file (.xlsx), safely, quickly and all-or-nothing.

The file is checked before anything is parsed: it must be a real .xlsx package (not .xlsm, not
a renamed file) and its unpacked size must stay under a limit, so a zip bomb is refused at once.
The first worksheet is then streamed row by row (lxml's iterparse, each row dropped once read),
so memory stays flat and the read stops as soon as a limit is passed: the sheet's claimed size
(its ``dimension``) is never trusted, only rows and cells that are really there count. Formulas
are never evaluated: a formula cell is reported as an error. Every row is validated; the caller
creates an order only when the result has no errors.

Duplicate product codes are summed into one line (a shop export often lists a product twice);
the preview says so.

Quantities typed as text are read without guessing (see ``read_quantity``): "1000", "1 000",
"1.000.000" and "1,000.00" are unambiguous; "1,000" and "1.000" are one thousand in one language
and one in another, so they are refused with the row number and the reason.

Headers may be English or Dutch (a Dutch warehouse writes "Artikelnummer" and "Aantal"); every
refusal and row error is written in the reader's language, and the template is offered in it
(``template_workbook``), with headers the import reads again.
"""

import io
import re
import zipfile
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from lxml import etree

from fulfilment.formatting import format_number
from fulfilment.i18n import _
from fulfilment.models import Product
from fulfilment.services import catalog
from fulfilment.services.errors import ValidationFailed
from fulfilment.services.quantities import MAX_AMOUNT

# Header names, compared case-insensitively with spaces and underscores alike ("Product_Code") and
# without dots ("Art.nr."), in English and in Dutch.
CODE_HEADERS = ("product code", "productcode", "sku", "code", "artikelcode", "artikel code", "artikelnummer",
                "artikel nummer", "artikelnr", "artnr", "productnummer")
QUANTITY_HEADERS = ("quantity", "amount", "qty", "aantal", "hoeveelheid", "aantal stuks", "stuks")
# The names a refusal suggests (the first ones of each language).
SUGGESTED_CODE_HEADERS = ("Product code", "SKU", "Code", "Productcode", "Artikelcode", "Artikelnummer")
SUGGESTED_QUANTITY_HEADERS = ("Quantity", "Amount", "Qty", "Aantal", "Hoeveelheid")

MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_UNPACKED_BYTES = 50 * 1024 * 1024
MAX_COMPRESSION_RATIO = 200
# Order lines (filled rows under the header) one file may hold.
MAX_LINES = 20_000
# Rows and cells the sheet may really contain (blank and formatted rows included), and the
# columns that are read: the header must lie within the first MAX_COLUMNS columns.
MAX_SHEET_ROWS = 100_000
MAX_CELLS = 500_000
MAX_COLUMNS = 100
# How far down the header row may be (a title or a logo row above it is common).
HEADER_SEARCH_ROWS = 20

XLSX_MAIN_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
_RELATIONSHIP = re.compile(rb"<(?:\w+:)?Relationship\s[^>]*>")
_ATTRIBUTE = re.compile(rb'(\w+)="([^"]*)"')


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


class Formula(str):
    """A cell holding a formula (never evaluated)."""


class CellError(str):
    """A cell holding an error value such as #N/A."""


def read_order_lines(client, data):
    """Read and validate an uploaded .xlsx for client; raise ImportRefused when it cannot be read."""
    header, parsed, result = None, [], ImportResult()
    for row_number, cells in sheet_rows(data):
        if header is None:
            header = _header_of(cells) if row_number <= HEADER_SEARCH_ROWS else _no_header()
            continue
        code, quantity = cells.get(header[0]), cells.get(header[1])
        if _blank(code) and _blank(quantity):
            continue
        if len(parsed) + len(result.errors) >= MAX_LINES:
            raise ImportRefused(_("The file has more than %(max)s order lines; split it into smaller files.",
                                  max=format_number(MAX_LINES)))
        code_text, code_error = read_code(code)
        amount, amount_error = read_quantity(quantity)
        for error in (code_error, amount_error):
            if error:
                result.errors.append((row_number, error))
        if not code_error and not amount_error:
            parsed.append((row_number, code_text, amount))
    if header is None:
        _no_header()
    if not parsed and not result.errors:
        raise ImportRefused(_("The file has a header row but no product lines under it."))
    _resolve_products(client, parsed, result)
    return result


def _header_of(cells):
    """(code column, quantity column) when this row is the header row, else None."""
    names = {column: _normalise(value) for column, value in cells.items() if isinstance(value, str)}
    code = min((c for c, name in names.items() if name in CODE_HEADERS), default=None)
    quantity = min((c for c, name in names.items() if name in QUANTITY_HEADERS), default=None)
    return (code, quantity) if code is not None and quantity is not None else None


def _no_header():
    raise ImportRefused(_(
        "No header row found. The first sheet needs a column for the product code (%(code_names)s) and a column "
        "for the quantity (%(quantity_names)s) in one of its first %(rows)s rows. Download the template to see "
        "an example.",
        code_names=_quoted(SUGGESTED_CODE_HEADERS), quantity_names=_quoted(SUGGESTED_QUANTITY_HEADERS),
        rows=HEADER_SEARCH_ROWS,
    ))


def _quoted(names):
    return ", ".join(f"'{name}'" for name in names)


# --- the package and the sheet ----------------------------------------------------------------


def sheet_rows(data):
    """Yield (row number, {column index: value}) for every non-empty row of the first worksheet.

    Values are str, Decimal, bool, Formula or CellError; columns count from 1 and only the first
    MAX_COLUMNS are kept. Refuses with ImportRefused beyond MAX_SHEET_ROWS rows or MAX_CELLS cells.
    """
    package = _open_package(data)
    with package:
        sheet_path, strings_path = _first_sheet_parts(package)
        shared = _shared_strings(package, strings_path)
        with package.open(sheet_path) as stream:
            yield from _rows(stream, shared)


def _open_package(data):
    if len(data) > MAX_FILE_BYTES:
        raise ImportRefused(_("The file is larger than %(megabytes)s MB.", megabytes=MAX_FILE_BYTES // (1024 * 1024)))
    try:
        package = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError):
        raise ImportRefused(_("This is not an Excel .xlsx file. Save it as 'Excel Workbook (.xlsx)' and try "
                              "again.")) from None
    try:
        _check_package(package)
    except BaseException:
        package.close()
        raise
    return package


def _check_package(package):
    names = package.namelist()
    if "[Content_Types].xml" not in names:
        raise ImportRefused(_("This is not an Excel .xlsx file."))
    unpacked = 0
    for info in package.infolist():
        unpacked += info.file_size
        ratio = info.file_size / info.compress_size if info.compress_size else 0
        if ratio > MAX_COMPRESSION_RATIO and info.file_size > 1_000_000:
            raise ImportRefused(_("The file unpacks to far more than it holds (a zip bomb?); it is refused."))
    if unpacked > MAX_UNPACKED_BYTES:
        raise ImportRefused(_("The file unpacks to more than %(megabytes)s MB; split it into smaller files.",
                              megabytes=MAX_UNPACKED_BYTES // (1024 * 1024)))
    content_types = package.read("[Content_Types].xml")
    if b"macroEnabled" in content_types or "xl/vbaProject.bin" in names:
        raise ImportRefused(_("Files with macros (.xlsm) are not accepted. Save it as 'Excel Workbook (.xlsx)'."))
    if XLSX_MAIN_TYPE.encode() not in content_types:
        raise ImportRefused(_("This is not an Excel .xlsx workbook."))


def _first_sheet_parts(package):
    """The part names of the first worksheet and of the shared strings (None when there are none)."""
    names = set(package.namelist())
    workbook_xml = package.read("xl/workbook.xml") if "xl/workbook.xml" in names else b""
    rels = package.read("xl/_rels/workbook.xml.rels") if "xl/_rels/workbook.xml.rels" in names else b""
    targets, strings = {}, None
    for relationship in _RELATIONSHIP.findall(rels):
        attributes = dict(_ATTRIBUTE.findall(relationship))
        target = _part_name(attributes.get(b"Target", b"").decode())
        targets[attributes.get(b"Id", b"").decode()] = target
        if attributes.get(b"Type", b"").endswith(b"/sharedStrings"):
            strings = target
    sheet = re.search(rb'<(?:\w+:)?sheet\s[^>]*?\b\w+:id="([^"]+)"', workbook_xml)
    path = targets.get(sheet.group(1).decode()) if sheet else None
    if path is None:
        candidates = sorted(name for name in names if name.startswith("xl/worksheets/sheet"))
        if not candidates:
            raise ImportRefused(_("The workbook has no worksheet."))
        path = candidates[0]
    if path not in names:
        raise ImportRefused(_("The workbook's first worksheet is missing."))
    if strings is None and "xl/sharedStrings.xml" in names:
        strings = "xl/sharedStrings.xml"
    return path, strings if strings in names else None


def _part_name(target):
    return target.lstrip("/") if target.startswith("/") else f"xl/{target}"


def _parse(stream, tag):
    """Stream the elements named tag (any namespace) of an XML part: no DTDs, no entities, no network."""
    return etree.iterparse(stream, events=("end",), tag=f"{{*}}{tag}", resolve_entities=False, load_dtd=False,
                           no_network=True, huge_tree=False, remove_comments=True, remove_pis=True)


def _local(tag):
    return tag.rpartition("}")[2]


def _text_of(element):
    """The text of a shared or inline string: its <t>, or its rich-text runs' <t>s (phonetic runs left out)."""
    parts = []
    for child in element:
        name = _local(child.tag)
        if name == "t":
            parts.append(child.text or "")
        elif name == "r":
            parts.extend(t.text or "" for t in child if _local(t.tag) == "t")
    return "".join(parts)


def _shared_strings(package, path):
    if path is None:
        return []
    strings = []
    with package.open(path) as stream:
        try:
            for _event, item in _parse(stream, "si"):
                strings.append(_text_of(item))
                item.clear()
                if len(strings) > MAX_CELLS:
                    raise ImportRefused(_("The file holds more than %(max)s texts; split it into smaller files.",
                                          max=format_number(MAX_CELLS)))
        except etree.XMLSyntaxError:
            raise _damaged() from None
    return strings


def _damaged():
    return ImportRefused(_("The Excel file could not be read; it may be damaged. Save it again and retry."))


def _rows(stream, shared):
    rows = cells = 0
    row_number = 0
    try:
        for _event, row in _parse(stream, "row"):
            rows += 1
            if rows > MAX_SHEET_ROWS:
                raise ImportRefused(_("The sheet has more than %(max)s rows (empty formatted rows count too); "
                                      "delete the rows you do not need or split the file.",
                                      max=format_number(MAX_SHEET_ROWS)))
            row_number = _row_number(row.get("r"), row_number)
            cells += len(row)
            if cells > MAX_CELLS:
                raise ImportRefused(_("The sheet has more than %(max)s cells; delete the columns you do not need "
                                      "or split the file.", max=format_number(MAX_CELLS)))
            values, column = {}, 0
            for cell in row:
                column = _column_of(cell.get("r"), column)
                if column > MAX_COLUMNS:
                    break  # cells come in column order: the rest of the row is not read
                value = _value_of(cell, shared)
                if value is not None:
                    values[column] = value
            row.clear()
            while row.getprevious() is not None:
                del row.getparent()[0]
            if values:
                yield row_number, values
    except etree.XMLSyntaxError:
        raise _damaged() from None


def _row_number(reference, previous):
    if reference is None:
        return previous + 1
    try:
        number = int(reference)
    except ValueError:
        raise _damaged() from None
    if not 0 < number <= 1_048_576:
        raise _damaged()
    return number


def _column_of(reference, previous):
    if reference is None:
        return previous + 1
    letters = reference.rstrip("0123456789")
    number = _COLUMN_NUMBERS.get(letters)
    if number is None:
        if not letters or len(letters) > 3 or not letters.isascii() or not letters.isupper() or not letters.isalpha():
            raise _damaged()
        number = 0
        for letter in letters:
            number = number * 26 + ord(letter) - 64
    return number


_COLUMN_NUMBERS = {}
for _first in [""] + [chr(c) for c in range(65, 91)]:
    for _second in (chr(c) for c in range(65, 91)):
        _COLUMN_NUMBERS[_first + _second] = len(_COLUMN_NUMBERS) + 1


def _value_of(cell, shared):
    kind = cell.get("t", "n")
    raw, formula = None, False
    for child in cell:
        name = _local(child.tag)
        if name == "v":
            raw = child.text
        elif name == "f":
            formula = True
        elif name == "is":
            raw = _text_of(child)
    if formula:
        return Formula(raw or "")
    if raw is None or raw == "":
        return None
    if kind == "s":
        try:
            return shared[int(raw)]
        except (ValueError, IndexError):
            raise _damaged() from None
    if kind in ("inlineStr", "str", "d"):
        return raw
    if kind == "b":
        return raw.strip() == "1"
    if kind == "e":
        return CellError(raw)
    try:
        return Decimal(raw)
    except InvalidOperation:
        raise _damaged() from None


# --- reading one line -------------------------------------------------------------------------


def _normalise(header):
    if header is None:
        return ""
    return " ".join(str(header).strip().lower().replace("_", " ").replace(".", "").split())


def _blank(value):
    return value is None or (isinstance(value, str) and not isinstance(value, (Formula, CellError))
                             and not value.strip())


def read_code(value):
    """(product code text, None) or (None, what is wrong); a whole number cell 1001 reads as "1001"."""
    if _blank(value):
        return None, _("The product code is empty.")
    if isinstance(value, Formula):
        return None, _("The product code is a formula; type the code itself.")
    if isinstance(value, CellError):
        return None, _("The product code is the error value %(value)s.", value=str(value))
    if isinstance(value, bool):
        return None, _("The product code is not a code.")
    if isinstance(value, Decimal):
        value = int(value) if value == value.to_integral_value() else value.normalize()
    text = str(value).strip()
    if len(text) > 255:
        return None, _("The product code is too long.")
    return text, None


# Spaces that group thousands ("1 000"): ordinary, no-break, narrow no-break and thin spaces.
_GROUP_SPACES = " \u00a0\u202f\u2009"
_DIGITS = re.compile(r"^\d+$")
_SPACE_GROUPED = re.compile(r"^\d{1,3}(?:[ \u00a0\u202f\u2009']\d{3})+$")


def read_quantity(value):
    """(whole number, None) or (None, what is wrong), never guessing.

    A number cell is read as its number (whatever its display format). Text is read when it can
    mean one thing only:

    * digits: ``1000``;
    * digits grouped by spaces or apostrophes: ``1 000``, ``1'000``;
    * the same separator repeated between groups of three: ``1.000.000``, ``1,000,000``;
    * both separators, the last one the decimal mark: ``1,000.00``, ``1.000,00``;
    * one separator followed by one, two or four or more digits is a decimal mark: ``2,0``,
      ``3.00`` (a whole number), ``2,5`` (refused: not whole).

    One ``,`` or ``.`` followed by exactly three digits (``1,000``, ``1.000``, ``12.500``) is one
    thousand in English and one in Dutch (or the other way round): it is refused as ambiguous.
    """
    if _blank(value):
        return None, _("The quantity is empty.")
    if isinstance(value, Formula):
        return None, _("The quantity is a formula; type the number itself.")
    if isinstance(value, (bool, CellError)):
        return None, _("The quantity must be a whole number.")
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        value = Decimal(str(value))
    if isinstance(value, Decimal):
        number = value
    else:
        number, problem = _number_from_text(str(value))
        if problem:
            return None, problem
    if not number.is_finite() or number != number.to_integral_value():
        return None, _("The quantity %(value)s must be a whole number.", value=_shown(value))
    if number <= 0:
        return None, _("The quantity must be at least 1.")
    if number > MAX_AMOUNT:
        return None, _("The quantity is more than %(max)s.", max=format_number(MAX_AMOUNT))
    return int(number), None


def _shown(value):
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    return repr(str(value).strip()[:30])


def _number_from_text(raw):
    text = raw.strip().strip(_GROUP_SPACES)
    sign = ""
    if text[:1] in "+-":
        sign, text = text[0].replace("+", ""), text[1:].strip()
    not_a_number = (None, _("The quantity %(value)s is not a number.", value=repr(raw.strip()[:30])))
    if not text:
        return not_a_number
    if _DIGITS.match(text):
        return Decimal(sign + text), None
    if _SPACE_GROUPED.match(text):
        return Decimal(sign + re.sub(r"[^\d]", "", text)), None
    separators = [c for c in text if c in ",."]
    if not separators or re.search(r"[^\d,.]", text):
        return not_a_number
    kinds = set(separators)
    if len(kinds) == 1:
        mark = separators[0]
        groups = text.split(mark)
        if len(groups) > 2:  # "1.000.000": a decimal mark appears once, so these group thousands
            if re.match(r"^\d{1,3}$", groups[0]) and all(re.match(r"^\d{3}$", g) for g in groups[1:]):
                return Decimal(sign + "".join(groups)), None
            return not_a_number
        whole, fraction = groups
        if not whole or not fraction:
            return not_a_number
        if len(fraction) == 3:
            return None, _("The quantity %(value)s is ambiguous: with '%(mark)s' as a thousands separator it is "
                           "%(thousands)s, as a decimal mark %(whole)s. Type %(thousands)s or %(whole)s without a "
                           "separator, or make the cell a number cell.",
                           value=repr(raw.strip()), mark=mark, thousands=whole + fraction, whole=whole)
        return Decimal(f"{sign}{whole}.{fraction}"), None
    # Both separators: the last one is the decimal mark, the other must group thousands.
    decimal_mark = separators[-1]
    group_mark = "," if decimal_mark == "." else "."
    whole, _mark, fraction = text.rpartition(decimal_mark)
    groups = whole.split(group_mark)
    if decimal_mark in whole or not fraction or not re.match(r"^\d{1,3}$", groups[0]) \
            or not all(re.match(r"^\d{3}$", g) for g in groups[1:]):
        return not_a_number
    return Decimal(f"{sign}{''.join(groups)}.{fraction}"), None


# --- products -------------------------------------------------------------------------------


def _resolve_products(client, parsed, result):
    resolved = catalog.resolve_products(client, codes=[code for _row, code, _amount in parsed])
    by_code = {}
    for row_number, code, amount in parsed:
        product = resolved.get(code)
        if product is None:
            result.errors.append((row_number, _product_problem(code, resolved.problems[code])))
            continue
        if code in by_code:
            line = by_code[code]
            if line.amount + amount > MAX_AMOUNT:
                result.errors.append((row_number, _("%(code)s adds up to more than %(max)s.", code=code,
                                                    max=format_number(MAX_AMOUNT))))
                continue
            line.amount += amount
            result.notes.append((row_number, _("%(code)s appears again; the quantities are added up.", code=code)))
        else:
            by_code[code] = ImportLine(row_number, product, amount)
    result.lines = sorted(by_code.values(), key=lambda line: line.row)
    result.errors.sort()


def _product_problem(code, problem):
    """Why a row's product code cannot be ordered, in the reader's language."""
    kind, message = problem
    if kind == "unknown":
        return _("Unknown product code %(code)s.", code=code)
    if kind == "inactive":
        return _("Product %(code)s is inactive.", code=code)
    return message


def previewed_lines(client, previewed):
    """[(product, amount)] of a confirmed preview's [product id, amount], each product found again among
    client's active products; refuse with ValidationFailed when one is gone or inactive since the preview."""
    resolved = catalog.resolve_products(client, ids=[product_id for product_id, _amount in previewed])
    for product_id, _amount in previewed:
        if product_id in resolved.problems:
            kind, message = resolved.problems[product_id]
            raise ValidationFailed(message if kind == "inactive" else
                                   _("A product of the preview is no longer available, so nothing was created. "
                                     "Upload the file again."))
    return [(resolved.by_id[product_id], amount) for product_id, amount in previewed]


def row_error_text(row, message):
    """One problem of the file as a sentence: "Row 4: Unknown product code X."."""
    return _("Row %(row)s: %(message)s", row=row, message=message)


def template_filename():
    """The name the template downloads as, in the reader's language."""
    return _("order-import-template.xlsx")


def template_workbook():
    """An .xlsx template with the two columns and an example row, as bytes, in the reader's language.

    Its headers are ones the import reads (tests/services/test_order_import.py imports the
    template again in every language).
    """
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("Order lines")
    sheet.append([_("Product code"), _("Quantity")])
    sheet.append(["SKU-123", 2])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.column_dimensions["A"].width = 24
    sheet.column_dimensions["B"].width = 12
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
