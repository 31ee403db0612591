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


def handmade_file(rows, *, dimension=None, padding=0, main=MAIN, extra=None):
    """A minimal package as other tools write it: inline strings, no styles, no shared strings.

    ``dimension`` is what the sheet claims its size is; ``padding`` adds that many spaces to the
    sheet XML (they compress to almost nothing: a zip bomb); ``main`` is the workbook's content
    type (MACRO_MAIN for an .xlsm) and ``extra`` maps further part names to their content.
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
        package.writestr("xl/worksheets/sheet1.xml", sheet)
        for name, content in (extra or {}).items():
            package.writestr(name, content)
    return buffer.getvalue()


class ZipReads:
    """What the importer unpacks from an uploaded package: bytes per part, and whether openpyxl ran.

    A hostile file must be refused from the package's directory and a few KB of the sheet,
    before anything large is unpacked or parsed; tests check that instead of timing it.
    """

    def __init__(self, monkeypatch):
        from fulfilment.services import order_import

        self.unpacked = {}
        self.workbook_loaded = False
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

        def no_workbook(*args, **kwargs):
            reads.workbook_loaded = True
            raise AssertionError("the hostile file reached openpyxl")

        monkeypatch.setattr(zipfile.ZipFile, "open", counting_open)
        monkeypatch.setattr(order_import, "load_workbook", no_workbook)

    @property
    def total(self):
        return sum(self.unpacked.values())
