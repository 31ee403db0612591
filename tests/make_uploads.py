"""Excel files made in different ways, good and hostile, for the import tests."""

import io
import zipfile

from openpyxl import Workbook


def openpyxl_file(rows, *, title=None, extra_sheet=False):
    """A workbook as openpyxl writes it; ``title`` puts a title row and a blank row above the header."""
    workbook = Workbook()
    sheet = workbook.active
    if title:
        sheet.append([title])
        sheet.append([])
    for row in rows:
        sheet.append(row)
    if extra_sheet:
        notes = workbook.create_sheet("Notes")
        notes.append(["Product code", "Quantity"])
        notes.append(["NOT-READ", 99])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


MAIN = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
MACRO_MAIN = "application/vnd.ms-excel.sheet.macroEnabled.main+xml"
CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="{main}"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    "</Types>"
)
RELS = ('<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/{kind}" '
        'Target="{target}"/></Relationships>')
WORKBOOK = ('<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
            'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>'
            '<sheet name="Orders" sheetId="1" r:id="rId1"/></sheets></workbook>')


def handmade_file(rows, *, dimension=None, padding=0, main=MAIN, extra=None, sheet_xml=None):
    """A minimal package as other tools write it: inline strings, no styles, no shared strings.

    ``dimension`` is what the sheet claims its size is; ``padding`` adds that many spaces to the
    sheet XML (they compress to almost nothing: a zip bomb); ``main`` is the workbook's content
    type (MACRO_MAIN for an .xlsm) and ``extra`` maps further part names to their content;
    ``sheet_xml`` replaces the sheet's XML.
    """
    cells = []
    for r, row in enumerate(rows, start=1):
        parts = []
        for c, value in enumerate(row):
            ref = f"{'ABCDEFGH'[c]}{r}"
            if isinstance(value, str):
                parts.append(f'<c r="{ref}" t="inlineStr"><is><t>{value}</t></is></c>')
            else:
                parts.append(f'<c r="{ref}"><v>{value}</v></c>')
        cells.append(f'<row r="{r}">{"".join(parts)}</row>')
    claim = f'<dimension ref="{dimension}"/>' if dimension else ""
    sheet = ('<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
             f'{claim}<sheetData>{"".join(cells)}</sheetData>{" " * padding}</worksheet>')
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as package:
        package.writestr("[Content_Types].xml", CONTENT_TYPES.format(main=main))
        package.writestr("_rels/.rels", RELS.format(kind="officeDocument", target="xl/workbook.xml"))
        package.writestr("xl/workbook.xml", WORKBOOK)
        package.writestr("xl/_rels/workbook.xml.rels", RELS.format(kind="worksheet", target="worksheets/sheet1.xml"))
        package.writestr("xl/worksheets/sheet1.xml", sheet_xml or sheet)
        for name, content in (extra or {}).items():
            package.writestr(name, content)
    return buffer.getvalue()


class ZipReads:
    """What the importer unpacks from an uploaded package: bytes per part.

    A hostile file must be refused from the package's directory and a few KB of the sheet,
    before anything large is unpacked or parsed; tests check that instead of timing it.
    """

    def __init__(self, monkeypatch):
        self.unpacked = {}
        reads = self
        original_open = zipfile.ZipFile.open

        def counting_open(package, name, *args, **kwargs):
            stream = original_open(package, name, *args, **kwargs)
            part = name if isinstance(name, str) else name.filename
            original_read = stream.read

            def read(n=-1):
                data = original_read(n)
                reads.unpacked[part] = reads.unpacked.get(part, 0) + len(data)
                return data

            stream.read = read
            return stream

        monkeypatch.setattr(zipfile.ZipFile, "open", counting_open)

    @property
    def total(self):
        return sum(self.unpacked.values())


# --- a workbook as Excel writes it ----------------------------------------------------------------
# Source: the sheet XML of ECMA-376 Part 3 (Primer), "Sheet Data" and "Sheet XML" examples
# (https://c-rex.net/samples/ooxml/e1/Part3/OOXML_P3_Primer_Sheet_topic_ID0EA5EK.html): rows with
# ``spans``, styled empty cells (<c r="H3" s="1"/>), rows that only carry formatting
# (<row r="1" spans="2:3" customFormat="1" ht="9" customHeight="1"/>), shared formulas whose later
# cells have no formula text; plus Excel 2010+'s x14ac:dyDescent row attribute (MS-XLSX 2.6.x,
# https://learn.microsoft.com/en-us/openspecs/office_standards/ms-xlsx/f11dfda4-46de-4035-8418-d76b0d3898f1)
# and shared strings with rich-text runs and phonetic runs (ECMA-376 Part 1 §18.4.4 r, §18.4.6 rPh).

EXCEL_NS = ('xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
            'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" '
            'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" mc:Ignorable="x14ac xr xr2 xr3" '
            'xmlns:x14ac="http://schemas.microsoft.com/office/spreadsheetml/2009/9/ac" '
            'xmlns:xr="http://schemas.microsoft.com/office/spreadsheetml/2014/revision"')
EXCEL_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    f'<Override PartName="/xl/workbook.xml" ContentType="{MAIN}"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/sharedStrings.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
    "</Types>"
)
EXCEL_WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" '
    'Target="sharedStrings.xml"/>'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" '
    'Target="worksheets/sheet1.xml"/></Relationships>'
)
EXCEL_WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n'
    f'<workbook {EXCEL_NS}><bookViews><workbookView xWindow="-120" yWindow="-120" windowWidth="29040" '
    'windowHeight="15840"/></bookViews><sheets><sheet name="Blad1" sheetId="1" r:id="rId1"/></sheets></workbook>'
)


class Rich(tuple):
    """A shared string written as rich-text runs, e.g. Rich(("Product", " code"))."""


def excel_file(rows, *, title_rows=(), formatted_rows_after=0, dimension=None):
    """A workbook laid out as Excel writes it: every text a shared string, numbers as Excel stores
    them (2 for 2.0, 0.1 as 0.1), a title above the header, styled empty rows below the data.

    ``rows`` start at the row after ``title_rows`` (plus one blank row when there is a title).
    A value ("=", text) is a formula cell with the text as cached result; Rich(...) a rich-text string.
    """
    strings, index = [], {}

    def shared(value):
        if value not in index:
            index[value] = len(strings)
            strings.append(value)
        return index[value]

    body, r = [], 0
    all_rows = [[text] for text in title_rows] + ([[]] if title_rows else []) + list(rows)
    width = max(len(row) for row in all_rows)
    for r, row in enumerate(all_rows, start=1):
        cells = []
        for c, value in enumerate(row):
            ref = f"{'ABCDEFGHIJ'[c]}{r}"
            if value is None:
                cells.append(f'<c r="{ref}" s="1"/>')
            elif isinstance(value, tuple) and not isinstance(value, Rich) and value[0] == "=":
                cells.append(f'<c r="{ref}" t="str"><f>{value[1]}</f><v>{value[1]}</v></c>')
            elif isinstance(value, (str, Rich)):
                cells.append(f'<c r="{ref}" t="s"><v>{shared(value)}</v></c>')
            elif isinstance(value, bool):
                cells.append(f'<c r="{ref}" t="b"><v>{int(value)}</v></c>')
            else:
                number = repr(float(value))
                number = number[:-2] if number.endswith(".0") else number
                cells.append(f'<c r="{ref}"><v>{number}</v></c>')
        body.append(f'<row r="{r}" spans="1:{width}" x14ac:dyDescent="0.25">{"".join(cells)}</row>')
    for extra in range(r + 1, r + 1 + formatted_rows_after):
        styled = "".join(f'<c r="{"ABCDEFGHIJ"[c]}{extra}" s="1"/>' for c in range(width))
        body.append(f'<row r="{extra}" spans="1:{width}" s="1" customFormat="1" x14ac:dyDescent="0.25">{styled}</row>')
    claim = dimension or f"A1:{'ABCDEFGHIJ'[width - 1]}{r + formatted_rows_after}"
    sheet = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n'
             f'<worksheet {EXCEL_NS} xr:uid="{{00000000-0001-0000-0000-000000000000}}"><dimension ref="{claim}"/>'
             '<sheetViews><sheetView tabSelected="1" workbookViewId="0"/></sheetViews>'
             '<sheetFormatPr defaultRowHeight="15" x14ac:dyDescent="0.25"/>'
             f'<sheetData>{"".join(body)}</sheetData>'
             '<pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" footer="0.3"/></worksheet>')

    def item(value):
        if isinstance(value, Rich):
            runs = "".join(f'<r><rPr><b/><sz val="11"/></rPr><t xml:space="preserve">{part}</t></r>' for part in value)
            return f"<si>{runs}<rPh sb=\"0\" eb=\"1\"><t>ignored</t></rPh></si>"
        return f"<si><t>{value}</t></si>"

    sst = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n'
           '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
           f'count="{len(strings)}" uniqueCount="{len(strings)}">{"".join(item(s) for s in strings)}</sst>')
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as package:
        package.writestr("[Content_Types].xml", EXCEL_CONTENT_TYPES)
        package.writestr("_rels/.rels", RELS.format(kind="officeDocument", target="xl/workbook.xml"))
        package.writestr("xl/workbook.xml", EXCEL_WORKBOOK)
        package.writestr("xl/_rels/workbook.xml.rels", EXCEL_WORKBOOK_RELS)
        package.writestr("xl/worksheets/sheet1.xml", sheet)
        package.writestr("xl/sharedStrings.xml", sst)
    return buffer.getvalue()


def wide_claim_file():
    """43 KB-style hostile sheet: claims A1:XFD1048576 (16,384 columns), holds a few real rows."""
    return handmade_file([["SKU", "Qty"], ["MUG", 1]], dimension="A1:XFD1048576")


def many_cells_file(cells_per_row, rows):
    """A sheet without a dimension whose rows hold many numbers: the cell limit's case."""
    from openpyxl.utils import get_column_letter

    letters = [get_column_letter(c) for c in range(3, cells_per_row + 1)]
    header = ('<row r="1"><c r="A1" t="inlineStr"><is><t>SKU</t></is></c>'
              '<c r="B1" t="inlineStr"><is><t>Qty</t></is></c></row>')
    body = header + "".join(
        f'<row r="{r}"><c r="A{r}" t="inlineStr"><is><t>MUG</t></is></c><c r="B{r}"><v>1</v></c>'
        + "".join(f'<c r="{letter}{r}"><v>{(r * 7919 + n) % 100003}</v></c>' for n, letter in enumerate(letters))
        + "</row>" for r in range(2, rows + 1))
    sheet = ('<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
             f"<sheetData>{body}</sheetData></worksheet>")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as package:
        package.writestr("[Content_Types].xml", CONTENT_TYPES.format(main=MAIN))
        package.writestr("_rels/.rels", RELS.format(kind="officeDocument", target="xl/workbook.xml"))
        package.writestr("xl/workbook.xml", WORKBOOK)
        package.writestr("xl/_rels/workbook.xml.rels", RELS.format(kind="worksheet", target="worksheets/sheet1.xml"))
        package.writestr("xl/worksheets/sheet1.xml", sheet)
    return buffer.getvalue()


def long_order_file(codes_and_amounts, *, header=("Product code", "Description", "Quantity")):
    """A long order as openpyxl's write-only mode writes it (shared strings, floats), for 10,000 lines."""
    from openpyxl import Workbook as _Workbook

    workbook = _Workbook(write_only=True)
    sheet = workbook.create_sheet()
    sheet.append(["Order for the warehouse"])
    sheet.append([])
    sheet.append(list(header))
    for code, amount in codes_and_amounts:
        sheet.append([code, f"Description of {code}", float(amount)])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
