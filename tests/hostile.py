"""The hostile corpus of issue 18: small files an attacker or a careless user would hand
partnerkit, each written by a function here (``python -m tests.hostile FOLDER`` writes
them all, to try by hand).

Each case is a :class:`Case`: the file (or folder) to read, the command line, and
what must happen: a clean ``Error:`` line with words it must hold (exit 1) or a
correct reading (exit 0 and words on stdout/stderr).
"""

from __future__ import annotations

import shutil
import struct
import sys
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'  # noqa: E501
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'  # noqa: E501
    '{sheets}'
    '{strings}'
    "</Types>"
)  # fmt: skip
_SHEET_TYPE = (
    '<Override PartName="/xl/worksheets/sheet{n}.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
)
_STRINGS_TYPE = (
    '<Override PartName="/xl/sharedStrings.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
)
_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'  # noqa: E501
    "</Relationships>"
)  # fmt: skip
_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def xlsx(
    path: Path,
    sheets: list[tuple[str, str]],
    strings: list[str] | None = None,
    hidden: tuple[str, ...] = (),
) -> Path:
    """A minimal workbook written by hand: ``sheets`` as (name, ``<sheetData>`` inner XML)."""
    from xml.sax.saxutils import escape, quoteattr

    book = "".join(
        f'<sheet name={quoteattr(name)} sheetId="{i}" r:id="rId{i}"'
        + (' state="hidden"' if name in hidden else "")
        + "/>"
        for i, (name, _) in enumerate(sheets, 1)
    )
    rels = "".join(
        f'<Relationship Id="rId{i}" Type="{_REL}/worksheet" Target="worksheets/sheet{i}.xml"/>'
        for i in range(1, len(sheets) + 1)
    )
    if strings is not None:
        rels += (
            f'<Relationship Id="rId{len(sheets) + 1}" Type="{_REL}/sharedStrings" '
            'Target="sharedStrings.xml"/>'
        )
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        types = _CONTENT_TYPES.format(
            sheets="".join(_SHEET_TYPE.format(n=i) for i in range(1, len(sheets) + 1)),
            strings=_STRINGS_TYPE if strings is not None else "",
        )
        z.writestr("[Content_Types].xml", types)
        z.writestr("_rels/.rels", _RELS)
        z.writestr(
            "xl/workbook.xml",
            f'<workbook xmlns="{_MAIN}" xmlns:r="{_REL}"><sheets>{book}</sheets></workbook>',
        )
        z.writestr(
            "xl/_rels/workbook.xml.rels",
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f"{rels}</Relationships>",
        )
        for i, (_, data) in enumerate(sheets, 1):
            z.writestr(
                f"xl/worksheets/sheet{i}.xml",
                f'<worksheet xmlns="{_MAIN}"><sheetData>{data}</sheetData></worksheet>',
            )
        if strings is not None:
            items = "".join(f"<si><t>{escape(s)}</t></si>" for s in strings)
            z.writestr(
                "xl/sharedStrings.xml",
                f'<sst xmlns="{_MAIN}" count="{len(strings)}" uniqueCount="{len(strings)}">'
                f"{items}</sst>",
            )
    return path


def inline(ref: str, text: str) -> str:
    from xml.sax.saxutils import escape

    return f'<c r="{ref}" t="inlineStr"><is><t>{escape(text)}</t></is></c>'


def number(ref: str, value: float) -> str:
    return f'<c r="{ref}"><v>{value}</v></c>'


def _survey_rows(extra: str = "") -> str:
    """The header and three answers of the tiny instrument (a1, a2), plus ``extra`` XML."""
    rows = f'<row r="1">{inline("A1", "a1")}{inline("B1", "a2")}</row>'
    for r, (x, y) in enumerate([(4, 3), (5, 4), (3, 4)], start=2):
        rows += f'<row r="{r}">{number(f"A{r}", x)}{number(f"B{r}", y)}</row>'
    return rows + extra


# ------------------------------------------------------------- xls and xlsb


def xls(path: Path, rows: list[list], errors: dict[tuple[int, int], str] | None = None) -> Path:
    """An .xls (BIFF8) written with xlwt: ``rows`` of values from A1, and error cells
    (0-based row, column) -> ``#DIV/0!``... as ``BOOLERR`` records, as Excel writes them."""
    import xlwt

    book = xlwt.Workbook()
    sheet = book.add_sheet("Ark1")
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if value is not None:
                sheet.write(r, c, value)
    for (r, c), text in (errors or {}).items():  # by code: xlwt's names are wrong for two
        sheet.row(r).set_cell_error(c, _ERROR_CODES[text])
    book.save(str(path))
    return path


def xls_dimensions_bomb(path: Path) -> Path:
    """A 5.6 KB .xls whose ``DIMENSIONS`` record declares 2^32 rows x 65,535 columns:
    calamine reserves them and the process aborts ("memory allocation ... failed")."""
    import olefile

    xls(path, [["a1", "a2"], [4, 3], [5, 4], [3, 4]])
    with olefile.OleFileIO(str(path), write_mode=True) as ole:
        data = bytearray(ole.openstream("Workbook").read())
        at = 0
        while at + 4 <= len(data):
            kind, size = struct.unpack_from("<HH", data, at)
            if kind == 0x0200:  # DIMENSIONS: first row, last row + 1, first col, last col + 1
                struct.pack_into("<IIHH", data, at + 4, 0, 0xFFFFFFFF, 0, 0xFFFF)
            at += 4 + size
        ole.write_stream("Workbook", bytes(data))
    return path


def xls_shared_string_bomb(path: Path, cells: int = 40_000) -> Path:
    """A 1.4 MB .xls: one 32,767-character shared string (xlwt's longest) in 40,000 cells,
    1.3 GB of text (calamine: 3.9 GB and 19 s)."""
    return xls(path, [["a1", "comment"]] + [[3, "x" * 32_767] for _ in range(cells)])


def _xlsb_record(kind: int, body: bytes = b"") -> bytes:
    """A BIFF12 record: type and size as variable-length integers (seven bits a byte)."""
    out = bytearray()
    for value, most in ((kind, 2), (len(body), 4)):
        for _ in range(most):
            byte, value = value & 0x7F, value >> 7
            out.append(byte | (0x80 if value else 0))
            if not value:
                break
    return bytes(out) + body


def _xlsb_text(text: str) -> bytes:
    return struct.pack("<I", len(text)) + text.encode("utf-16-le")


_XLSB_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    f'<Relationship Id="rId1" Type="{_REL}/worksheet" Target="worksheets/sheet1.bin"/>'
    f'<Relationship Id="rId2" Type="{_REL}/sharedStrings" Target="sharedStrings.bin"/>'
    "</Relationships>"
)


def xlsb(path: Path, rows: dict[int, list[tuple[int, str, object]]], strings=()) -> Path:
    """A minimal .xlsb written by hand (no Python library writes one, nor LibreOffice):
    ``rows`` 0-based row -> cells (column, kind, value), kind ``t`` text, ``n`` number,
    ``s`` shared-string index, ``e`` error code (0x07 #DIV/0!, 0x2A #N/A, 0x0F #VALUE!)."""
    last = max(rows)
    sheet = bytearray(_xlsb_record(0x81))  # BrtBeginSheet
    sheet += _xlsb_record(0x94, struct.pack("<IIII", 0, last, 0, 1))  # BrtWsDim (calamine
    sheet += _xlsb_record(0x91)  # needs one; it does not trust it)          BrtBeginSheetData
    for r, cells in sorted(rows.items()):
        sheet += _xlsb_record(0x00, struct.pack("<IIHBBBI", r, 0, 300, 0, 0, 0, 0))  # BrtRowHdr
        for c, kind, value in cells:
            cell = struct.pack("<II", c, 0)  # column, style
            if kind == "t":  # BrtCellSt
                sheet += _xlsb_record(0x06, cell + _xlsb_text(str(value)))
            elif kind == "n":  # BrtCellReal
                sheet += _xlsb_record(0x05, cell + struct.pack("<d", value))
            elif kind == "s":  # BrtCellIsst
                sheet += _xlsb_record(0x07, cell + struct.pack("<I", value))
            else:  # BrtCellError
                sheet += _xlsb_record(0x03, cell + bytes([value]))
    sheet += _xlsb_record(0x92) + _xlsb_record(0x82)  # BrtEndSheetData, BrtEndSheet
    book = (
        _xlsb_record(0x83) + _xlsb_record(0x8F)  # BrtBeginBook, BrtBeginBundleShs
        + _xlsb_record(0x9C, struct.pack("<II", 0, 1) + _xlsb_text("rId1") + _xlsb_text("Ark1"))
        + _xlsb_record(0x90) + _xlsb_record(0x84)
    )  # fmt: skip
    shared = _xlsb_record(0x9F, struct.pack("<II", len(strings), len(strings)))  # BrtBeginSst
    for text in strings:
        shared += _xlsb_record(0x13, b"\x00" + _xlsb_text(text))  # BrtSSTItem
    shared += _xlsb_record(0xA0)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", _CONTENT_TYPES.format(sheets="", strings=""))
        z.writestr("_rels/.rels", _RELS.replace("workbook.xml", "workbook.bin"))
        z.writestr("xl/workbook.bin", book)
        z.writestr("xl/_rels/workbook.bin.rels", _XLSB_RELS)
        z.writestr("xl/worksheets/sheet1.bin", bytes(sheet))
        z.writestr("xl/sharedStrings.bin", shared)
    return path


def _xlsb_survey() -> dict[int, list[tuple[int, str, object]]]:
    """The tiny instrument's three answers (a1, a2), as :func:`_survey_rows`."""
    rows = {0: [(0, "t", "a1"), (1, "t", "a2")]}
    for r, (x, y) in enumerate([(4, 3), (5, 4), (3, 4)], start=1):
        rows[r] = [(0, "n", float(x)), (1, "n", float(y))]
    return rows


def xlsb_far_cell(path: Path) -> Path:
    """A 1.2 KB .xlsb with one cell at row 1,048,576, column 16,384 (XFD1048576): calamine
    builds the grid up to it and the process aborts."""
    return xlsb(path, _xlsb_survey() | {1_048_575: [(16_383, "n", 1.0)]})


def xlsb_shared_string_bomb(path: Path, cells: int = 4000) -> Path:
    """A 12 KB .xlsb: one shared string of a million characters in 4,000 cells (4 GB of
    text; calamine took 3 GB before the process aborted)."""
    rows = {0: [(0, "t", "a1"), (1, "t", "comment")]}
    rows |= {r: [(0, "n", 3.0), (1, "s", 0)] for r in range(1, cells + 1)}
    return xlsb(path, rows, strings=["x" * (1 << 20)])


#: the error cells every format is given: (0-based row, column) -> what a spreadsheet shows
ERRORS = {(2, 0): "#DIV/0!", (3, 1): "#N/A", (4, 1): "#VALUE!"}
_ERROR_CODES = {"#DIV/0!": 0x07, "#N/A": 0x2A, "#VALUE!": 0x0F}  # MS-XLS 2.5.17 BErr
#: the answers around them: a1 = 4, _, 3, 4, 5; a2 = 3, 4, _, _, 2
_ANSWERS = [(4, 3), (None, 4), (3, None), (4, None), (5, 2)]


def errors_xls(path: Path) -> Path:
    return xls(path, [["a1", "a2"], *[list(r) for r in _ANSWERS]], ERRORS)


def errors_xlsb(path: Path) -> Path:
    rows = {0: [(0, "t", "a1"), (1, "t", "a2")]}
    for r, answers in enumerate(_ANSWERS, start=1):
        rows[r] = [(c, "n", float(v)) for c, v in enumerate(answers) if v is not None]
    for (r, c), text in ERRORS.items():
        rows[r] = sorted([*rows[r], (c, "e", _ERROR_CODES[text])])
    return xlsb(path, rows)


def errors_ods(path: Path) -> Path:
    """Error cells as LibreOffice writes them (``calcext:value-type="error"``, an empty
    string value; calamine reads them blank)."""

    def cell(r: int, c: int, value) -> str:
        if (r, c) in ERRORS:
            text = ERRORS[(r, c)]
            return (
                f'<table:table-cell table:formula="of:={text}" office:value-type="string" '
                f'office:string-value="" calcext:value-type="error"><text:p>{text}</text:p>'
                "</table:table-cell>"
            )
        return _ods_cell(value) if value is not None else "<table:table-cell/>"

    rows = f"<table:table-row>{_ods_cell('a1')}{_ods_cell('a2')}</table:table-row>"
    for r, answers in enumerate(_ANSWERS, start=1):
        rows += "<table:table-row>" + "".join(cell(r, c, v) for c, v in enumerate(answers))
        rows += "</table:table-row>"
    return ods(path, rows)


def errors_xlsx(path: Path) -> Path:
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["a1", "a2"])
    for answers in _ANSWERS:
        sheet.append(list(answers))
    for (r, c), text in ERRORS.items():
        sheet.cell(r + 1, c + 1, text).data_type = "e"
    book.save(path)
    return path


# ----------------------------------------------------------------- the bombs


def far_cell(path: Path, ref: str = "XFD1048576") -> Path:
    """A workbook of a few kilobytes with one cell at ``ref`` and no ``<dimension>``: calamine
    would build the grid up to it (549 GB for XFD1048576)."""
    row = "".join(c for c in ref if c.isdigit())
    return xlsx(path, [("Ark1", _survey_rows(f'<row r="{row}">{number(ref, 1)}</row>'))])


def far_cell_late(path: Path) -> Path:
    """The far cell written with its style before its reference, after 30,000 honest rows
    (past the first megabyte of XML): the slower exact path must find it too."""
    rows = _survey_rows()
    rows += "".join(
        f'<row r="{r}">{number(f"A{r}", 3)}{number(f"B{r}", 4)}</row>' for r in range(5, 30_000)
    )
    rows += '<row r="30000"><c s="0" r="ZZ200000"><v>1</v></c></row>'
    return xlsx(path, [("Ark1", rows)])


def shared_string_bomb(path: Path, size: int = 1 << 20, cells: int = 4000) -> Path:
    """One shared string of ``size`` characters used by ``cells`` cells (4 GB of text)."""
    header = f'<row r="1">{inline("A1", "a1")}{inline("B1", "comment")}</row>'
    body = "".join(
        f'<row r="{r}">{number(f"A{r}", 3)}<c r="B{r}" t="s"><v>0</v></c></row>'
        for r in range(2, cells + 2)
    )
    return xlsx(path, [("Ark1", header + body)], strings=["x" * size])


_ODS_MANIFEST = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" '
    'manifest:version="1.2">'
    '<manifest:file-entry manifest:full-path="/" '
    'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
    '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
    "</manifest:manifest>"
)
_ODS_NS = (
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:calcext="urn:org:documentfoundation:names:experimental:calc:xmlns:calcext:1.0" '
    'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2"'
)


def ods(path: Path, rows: str) -> Path:
    """A minimal .ods with one table of ``rows`` (``<table:table-row>`` XML)."""
    content = (
        f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {_ODS_NS}>'
        '<office:body><office:spreadsheet><table:table table:name="Ark1">'
        f"{rows}</table:table></office:spreadsheet></office:body></office:document-content>"
    )
    with zipfile.ZipFile(path, "w") as z:
        z.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet")
        z.writestr("META-INF/manifest.xml", _ODS_MANIFEST)
        z.writestr("content.xml", content, compress_type=zipfile.ZIP_DEFLATED)
    return path


def _ods_cell(value: str | float, repeat: int = 1) -> str:
    times = f' table:number-columns-repeated="{repeat}"' if repeat > 1 else ""
    if isinstance(value, str):
        return (
            f'<table:table-cell office:value-type="string"{times}><text:p>{value}</text:p>'
            "</table:table-cell>"
        )
    return (
        f'<table:table-cell office:value-type="float" office:value="{value}"{times}>'
        f"<text:p>{value}</text:p></table:table-cell>"
    )


def ods_bomb(path: Path) -> Path:
    """849 bytes: a row of one value repeated over 16,384 columns, repeated a million times."""
    header = f"<table:table-row>{_ods_cell('a1')}{_ods_cell('a2')}</table:table-row>"
    bomb = (
        f'<table:table-row table:number-rows-repeated="1000000">{_ods_cell(3, 16384)}'
        "</table:table-row>"
    )
    return ods(path, header + bomb)


def ods_wide_header(path: Path, columns: int = 16_384) -> Path:
    """One header text repeated over ``columns`` columns, three rows of answers: quadratic
    mapping took 25 s."""
    header = _ods_cell("a1") + _ods_cell("a2") + _ods_cell("same", columns - 2)
    rows = "".join(
        f"<table:table-row>{_ods_cell(x)}{_ods_cell(y)}</table:table-row>"
        for x, y in ((4.0, 3.0), (5.0, 4.0), (3.0, 4.0))
    )
    return ods(path, f"<table:table-row>{header}</table:table-row>{rows}")


def ods_honest_padding(path: Path) -> Path:
    """What LibreOffice writes: answers, then empty cells and rows repeated to the sheet's end
    (never expanded: must be read, not refused)."""
    empty_cells = '<table:table-cell table:number-columns-repeated="16382"/>'
    header = f"<table:table-row>{_ods_cell('a1')}{_ods_cell('a2')}{empty_cells}</table:table-row>"
    rows = "".join(
        f"<table:table-row>{_ods_cell(x)}{_ods_cell(y)}{empty_cells}</table:table-row>"
        for x, y in ((4.0, 3.0), (5.0, 4.0), (3.0, 4.0))
    )
    tail = (
        '<table:table-row table:number-rows-repeated="1048572">'
        '<table:table-cell table:number-columns-repeated="16384"/></table:table-row>'
    )
    return ods(path, header + rows + tail)


def sav_patched(path: Path, cases: int = 50_000_000) -> Path:
    """A genuine SPSS file whose header's case count is patched to ``cases``."""
    import pandas as pd
    import pyreadstat

    frame = pd.DataFrame({"a1": [4.0, 5.0, 3.0], "a2": [3.0, 4.0, 4.0]})
    pyreadstat.write_sav(frame, str(path))
    data = bytearray(path.read_bytes())
    order = "<" if struct.unpack("<i", data[64:68])[0] in (2, 3) else ">"
    data[80:84] = struct.pack(order + "i", cases)
    path.write_bytes(bytes(data))
    return path


# --------------------------------------------------------- quadratic time


def dashes_header(path: Path) -> Path:
    """A 5 KB header ``a - a - a ...``: every suffix a statement was 5 GB and a minute."""
    header = inline("A1", "a1") + inline("B1", "a2") + inline("C1", "a - " * 1300)
    rows = "".join(
        f'<row r="{r}">{number(f"A{r}", x)}{number(f"B{r}", y)}</row>'
        for r, (x, y) in enumerate([(4, 3), (5, 4), (3, 4)], start=2)
    )
    return xlsx(path, [("Ark1", f'<row r="1">{header}</row>{rows}')])


def dots_csv(path: Path, size: int = 40_000) -> Path:
    """A header and an actor cell of ``size`` dots: a backtracking pattern took 21 s."""
    dots = "." * size
    lines = [f"a1;a2;Aktørtype;{dots}", f"4;3;{dots};x", "5;4;Kommune;y", "3;4;Kommune;z"]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def wide_csv(path: Path, columns: int = 20_000, rows: int = 50) -> Path:
    """``columns`` x ``rows``, two of them items: a set rebuilt per header took 63 s."""
    names = ["a1", "a2"] + [f"extra {k}" for k in range(columns - 2)]
    row = ";".join(["4", "3"] + ["1"] * (columns - 2))
    path.write_text(";".join(names) + "\n" + (row + "\n") * rows, encoding="utf-8")
    return path


# ----------------------------------------------------------- silent misreads


def typed_cells(path: Path) -> Path:
    """Item cells that are not numbers: a boolean TRUE (it made every 1 of its column
    invalid, or counted as 1), an error value #N/A (calamine reads it blank) and a date."""
    import datetime

    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["a1", "a2"])
    a1 = [1, 1, 1, 2, 2, 2, 3, 3, 3, 4, 4, True]
    a2 = [5] * 9 + ["#N/A", datetime.date(2024, 1, 5), 5]
    for x, y in zip(a1, a2, strict=True):
        sheet.append([x, y])
    sheet["B11"].data_type = "e"
    book.save(path)
    return path


def ods_boolean(path: Path) -> Path:
    """An .ods whose a1 column holds one boolean among numbers (looked at column by column:
    ods has no pre-scan of cell types)."""
    true = (
        '<table:table-cell office:value-type="boolean" office:boolean-value="true">'
        "<text:p>TRUE</text:p></table:table-cell>"
    )
    header = f"<table:table-row>{_ods_cell('a1')}{_ods_cell('a2')}</table:table-row>"
    rows = "".join(
        f"<table:table-row>{_ods_cell(x)}{_ods_cell(y)}</table:table-row>"
        for x, y in ((4.0, 3.0), (5.0, 4.0), (3.0, 4.0), (1.0, 5.0))
    )
    return ods(path, header + rows + f"<table:table-row>{true}{_ods_cell(5.0)}</table:table-row>")


def hidden_first_sheet(path: Path) -> Path:
    """A hidden first sheet of other answers before the visible one."""
    hidden = _survey_rows().replace("<v>5</v>", "<v>1</v>").replace("<v>4</v>", "<v>1</v>")
    return xlsx(path, [("Gammel", hidden), ("Svar", _survey_rows())], hidden=("Gammel",))


def merged_actors(path: Path) -> Path:
    """Actor cells merged over rows 2-3 (only row 2 holds the value)."""
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Aktørtype", "a1", "a2"])
    for actor, x, y in [("Kommune", 4, 3), (None, 5, 4), ("Beboer", 3, 4)]:
        sheet.append([actor, x, y])
    sheet.merge_cells("A2:A3")
    book.save(path)
    return path


# ------------------------------------------------------------------ settings


def _tiny_toml() -> str:
    from tests.conftest import TINY_TOML

    return TINY_TOML


def instrument_with(path: Path, old: str, new: str) -> Path:
    """The tiny instrument with ``old`` replaced by ``new``."""
    text = _tiny_toml()
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


def nested_instrument(path: Path, depth: int = 5000) -> Path:
    path.write_text(_tiny_toml() + f"\nx = {'[' * depth}{']' * depth}\n", encoding="utf-8")
    return path


def project(folder: Path, text: str) -> Path:
    """A folder holding ``partnerkit.toml`` with ``text`` and the example survey as input."""
    folder.mkdir(exist_ok=True)
    (folder / "partnerkit.toml").write_text(text, encoding="utf-8")
    return folder


EXAMPLE = Path(__file__).resolve().parents[1] / "data" / "examples" / "partnerskab_2022-2024.csv"
SAME_MIN_N = "min_n: must be a whole number of at least 1, got 0."


# ------------------------------------------------------------- renderer texts


def hostile_names(path: Path) -> Path:
    """Actor and area names in matplotlib's maths notation and with a control character
    (ParseFatalException in the HTML report; IllegalCharacterError in the xlsx report)."""
    import numpy as np
    import pandas as pd

    rng = np.random.default_rng(18)
    n = 60
    actors = np.array(["$\\frac{1}{$", "Kommune\x07", "Beboer"])[np.arange(n) % 3]
    frame = pd.DataFrame({"Aktørtype": actors, "Runde": [2023, 2024] * (n // 2)})
    frame["Boligområde"] = "$x^$"
    for item in ("a1", "a2", "a3", "b1", "b2", "b3", "b4"):
        frame[item] = rng.integers(1, 6, n)
    frame.to_csv(path, index=False, sep=";")
    return path


def dollar_dimension(folder: Path) -> Path:
    """The names CSV and, beside it, the tiny instrument with a dimension named in maths
    notation (``$\\alpha$``)."""
    instrument_with(folder / "dollar.toml", 'en = "Alpha"', 'en = "$\\\\alpha_{1}$"')
    return hostile_names(folder / "names.csv")


def batch_with_a_bomb(folder: Path) -> Path:
    """An areas batch: nine honest areas (enough for --jobs to start workers) and one
    far-cell workbook, which aborted the whole batch."""
    root = folder / "surveys"
    for area in ("Nord", "Syd", "Vest", "Midt", "Havn", "Skov", "Bakke", "Eng", "Mark"):
        (root / area).mkdir(parents=True)
        tiny_csv(root / area / "survey.csv")
    (root / "Øst").mkdir()
    far_cell(root / "Øst" / "survey.xlsx")
    return root


def latin1_names(folder: Path) -> Path:
    """A folder and files whose names are Latin-1 bytes, not UTF-8 (Nørrevang, Skælby)."""
    import os
    import shutil

    examples = Path(__file__).resolve().parents[1] / "data" / "examples"
    base = os.fsencode(folder / "latin")
    for area, suffix in ((b"N\xf8rrevang", "xlsx"), (b"Sk\xe6lby", "csv")):
        Path(os.fsdecode(base + b"/" + area)).mkdir(parents=True, exist_ok=True)
        target = base + b"/" + area + b"/s\xe6t." + suffix.encode()
        shutil.copy(examples / f"partnerskab_2022-2024.{suffix}", target)
    return Path(os.fsdecode(base))


# ------------------------------------------------------------------- streams


def tiny_csv(path: Path) -> Path:
    """The three answers of the tiny instrument as a UTF-8 CSV."""
    path.write_text("a1;a2\n4;3\n5;4\n3;4\n", encoding="utf-8")
    return path


def gzip_named_csv(path: Path) -> Path:
    import gzip

    path.write_bytes(gzip.compress(b"a1;a2\n4;3\n5;4\n3;4\n"))
    return path


def workbook_named_csv(path: Path) -> Path:
    return far_cell(path.with_suffix(".xlsx"), "B4").rename(path)


def utf32_csv(path: Path) -> Path:
    path.write_bytes("a1;a2\n4;3\n5;4\n3;4\n".encode("utf-32"))
    return path


def symlink_out(folder: Path) -> Path:
    """A scanned folder with a survey, and a symbolic link to a file outside it."""
    scan = folder / "scan"
    scan.mkdir()
    tiny_csv(scan / "survey.csv")
    outside = folder / "private.csv"  # other answers: the same file twice is read once
    outside.write_text("a1;a2\n2;2\n1;3\n5;5\n", encoding="utf-8")
    (scan / "link.csv").symlink_to(outside)
    return scan


# ----------------------------------------------------------------- the corpus


@dataclass
class Case:
    """One hostile input and what partnerkit must do with it."""

    name: str
    write: Callable[[Path], Path]
    args: list[str] = field(default_factory=lambda: ["score"])
    code: int = 1
    expect: tuple[str, ...] = ()  # words the Error: line (code 1) or the output (code 0) holds
    env: dict[str, str] = field(default_factory=dict)
    seconds: float = 20  # a bound generous for a loaded CI machine
    alone: bool = False  # args are the whole command line (else file and --instrument follow)


#: the three answers (a1, a2) = (4, 3), (5, 4), (3, 4) of alpha (a1, a2, a3; two of three
#: answered is at least half): respondent means 3.5, 4.5, 3.5, their mean 3.83 by hand
_ALPHA = "Alpha 3.83"

CASES: list[Case] = [
    Case("xlsx cell at XFD1048576", lambda d: far_cell(d / "far.xlsx"),
         expect=("PARTNERKIT_MAX_CELLS", "17,179,869,184 cells")),
    Case("xlsx cell at ZZ200000", lambda d: far_cell(d / "zz.xlsx", "ZZ200000"),
         expect=("PARTNERKIT_MAX_CELLS", "200,000 rows x 702 columns")),
    Case("xlsx far cell after 30,000 rows, reference not first",
         lambda d: far_cell_late(d / "late.xlsx"),
         expect=("PARTNERKIT_MAX_CELLS", "200,000 rows x 702 columns")),
    Case("xlsx 1 MB shared string in 4,000 cells", lambda d: shared_string_bomb(d / "sst.xlsx"),
         expect=("PARTNERKIT_MAX_TEXT_MB", "4,000 MB")),
    Case("ods repeated rows and columns", lambda d: ods_bomb(d / "bomb.ods"),
         expect=("PARTNERKIT_MAX_CELLS", "16,384 columns")),
    Case("ods LibreOffice's empty padding is read", lambda d: ods_honest_padding(d / "pad.ods"),
         code=0, expect=(_ALPHA,)),
    Case("header a - a - a ... (5 KB)", lambda d: dashes_header(d / "dashes.xlsx"),
         code=0, expect=(_ALPHA,)),
    Case("header and actor cell of 40,000 dots", lambda d: dots_csv(d / "dots.csv"),
         args=["score", "--min-n", "1"], code=0,
         expect=("Alpha 4.00 ● 3.50 ◐ 3.83", "'.....")),
    Case("ods header repeated over 16,384 columns", lambda d: ods_wide_header(d / "wide.ods"),
         code=0, expect=(_ALPHA,)),
    Case("20,000 columns x 50 rows", lambda d: wide_csv(d / "wide.csv"), code=0,
         expect=("Alpha 3.50",)),
    Case("TRUE, #N/A and a date in item columns", lambda d: typed_cells(d / "typed.xlsx"),
         args=["score", "-f", "json"], code=0,
         expect=('"rows_scored": 9', '"column": "a1", "value": "TRUE", "count": 1',
                 '"column": "a2", "value": "#N/A"', '"value": "2024-01-05"')),
    Case("TRUE in an ods item column", lambda d: ods_boolean(d / "b.ods"),
         args=["score", "-f", "json"], code=0,
         expect=('"rows_scored": 4', '"column": "a1", "value": "TRUE", "count": 1')),
    Case("hidden first sheet", lambda d: hidden_first_sheet(d / "hidden.xlsx"), code=0,
         expect=(_ALPHA, "hidden sheet(s) 'Gammel' not read")),
    Case("merged actor cells", lambda d: merged_actors(d / "merged.xlsx"),
         args=["score", "--min-n", "1"], code=0,
         expect=("merged cells (rows 2-3)", "actor column 'Aktørtype'")),
    Case("item id 'round' in instrument check",
         lambda d: instrument_with(d / "i.toml", 'id = "a1"', 'id = "round"'),
         args=["instrument", "check", "{target}"],
         expect=("'round' is reserved for the survey's own columns",)),
    Case("item id '_row' when scoring", lambda d: instrument_with(d / "i.toml", 'id = "a1"',
         'id = "_row"'), args=["score", str(EXAMPLE), "--instrument", "{target}"],
         expect=("'_row' is reserved",)),
    Case("item id naming the actor column",
         lambda d: instrument_with(d / "i.toml", 'id = "a1"', 'id = "Aktørtype"'),
         args=["instrument", "check", "{target}"],
         expect=("'Aktørtype' is a header of the actor column",)),
    Case("scale max 10^9", lambda d: instrument_with(d / "i.toml", "max = 5", "max = 1000000000"),
         args=["template", "--instrument", "{target}", "-o", "{target}.xlsx"],
         expect=("has 1,000,000,000 points; a scale has at most 101",)),
    Case("control character in an item text",
         lambda d: instrument_with(d / "i.toml", "agree on the goals", "agree\\u0007 on the goals"),
         args=["instrument", "check", "{target}"], expect=("control character (U+0007)",)),
    Case("instrument nested 5,000 deep", lambda d: nested_instrument(d / "i.toml"),
         args=["instrument", "check", "{target}"], expect=("nested more than 8 levels",)),
    Case("partnerkit.toml nested 5,000 deep",
         lambda d: project(d / "p", "x = " + "[" * 5000 + "]" * 5000 + "\n"),
         args=["score", str(EXAMPLE), "--project", "{target}"], code=2,
         expect=("nested more than 8 levels",)),
    Case("min_n = 0 in partnerkit.toml", lambda d: project(d / "p", "min_n = 0\n"),
         args=["score", str(EXAMPLE), "--project", "{target}"], code=2, expect=(SAME_MIN_N,)),
    Case("min_n = -3 in partnerkit.toml", lambda d: project(d / "p", "min_n = -3\n"),
         args=["score", str(EXAMPLE), "--project", "{target}"], code=2,
         expect=("min_n: must be a whole number of at least 1, got -3",)),
    Case("--min-n 0", lambda d: d, args=["score", str(EXAMPLE), "--min-n", "0"], alone=True,
         code=2, expect=("--min-n: " + SAME_MIN_N.removeprefix("min_n: "),)),
    Case("min_n = 0 in the instrument",
         lambda d: instrument_with(d / "i.toml", "min_n = 2", "min_n = 0"),
         args=["score", str(EXAMPLE), "--instrument", "{target}"],
         expect=(SAME_MIN_N.removesuffix("."),)),
    Case("--rounds ,,,", lambda d: d, args=["score", str(EXAMPLE), "--rounds", ",,,"],
         alone=True, code=2, expect=("--rounds: name at least one round",)),
    Case("--rounds 2022,2022", lambda d: d,
         args=["trend", str(EXAMPLE), "--rounds", "2022,2022"], alone=True, code=2,
         expect=("round 2022 is named twice",)),
    Case("maths notation in names, HTML report", lambda d: hostile_names(d / "names.csv"),
         args=["report", "{target}", "--instrument", "{instrument}", "-o", "{target}.html"],
         code=0, expect=("Wrote",)),
    Case("control character in an actor name, xlsx report",
         lambda d: hostile_names(d / "names.csv"),
         args=["report", "{target}", "--instrument", "{instrument}", "-o", "{target}.xlsx"],
         code=0, expect=("control characters removed from actor value(s) 'Kommune\\x07'",
                         "Wrote")),
    Case("control character in the instrument, template",
         lambda d: instrument_with(d / "i.toml", "Meetings are useful", "Meetings\\u001b are"),
         args=["template", "--instrument", "{target}", "-o", "{target}.xlsx"],
         expect=("control character (U+001B)",)),
    Case("maths notation in a dimension name, HTML report", lambda d: dollar_dimension(d),
         args=["report", "{target}", "--instrument", "{folder}/dollar.toml", "-o",
               "{target}.html", "--lang", "en"], code=0, expect=("Wrote",)),
    Case("areas batch with a far-cell workbook, --jobs 1",
         lambda d: batch_with_a_bomb(d), args=["areas", "--jobs", "1", "--min-n", "1"],
         expect=("1 file(s) could not be read", "Øst/survey.xlsx", "PARTNERKIT_MAX_CELLS",
                 "Nord", "Vest")),
    Case("areas batch with a far-cell workbook, --jobs 2",
         lambda d: batch_with_a_bomb(d), args=["areas", "--jobs", "2", "--min-n", "1"],
         expect=("1 file(s) could not be read", "PARTNERKIT_MAX_CELLS", "Nord", "Vest")),
    Case("Latin-1 folder and file names, score", lambda d: latin1_names(d),
         args=["score", "{target}", "-f", "json"], alone=True, code=0,
         expect=("latin/N\ufffdrrevang/s\ufffdt.xlsx", "latin/Sk\ufffdlby/s\ufffdt.csv")),
    Case("Latin-1 folder and file names, areas", lambda d: latin1_names(d),
         args=["areas", "{target}", "-f", "json"], code=0,
         expect=("latin/N\ufffdrrevang/s\ufffdt.xlsx", "latin/Sk\ufffdlby/s\ufffdt.csv")),
    Case("Latin-1 folder and file names, report", lambda d: latin1_names(d),
         args=["report", "{target}", "-o", "{target}/r.html"], code=0, expect=("Wrote",)),
    Case("gzip file named .csv", lambda d: gzip_named_csv(d / "g.csv"),
         expect=("is gzip-compressed, not a CSV file", "zcat")),
    Case("gzip file named .csv.gz", lambda d: gzip_named_csv(d / "g.csv.gz"),
         expect=("is gzip-compressed; decompress it first",)),
    Case("xlsx named .csv", lambda d: workbook_named_csv(d / "x.csv"),
         expect=("is a zip archive (an xlsx or ods workbook?)",)),
    Case("UTF-32 CSV", lambda d: utf32_csv(d / "u.csv"), expect=("is UTF-32 encoded",)),
    Case("symbolic link out of a scanned folder", lambda d: symlink_out(d),
         args=["score", "-f", "json"], code=0,
         expect=('"rows_read": 3', "1 symbolic link(s) in the folder point outside it",
                 "--follow-links")),
    Case("symbolic link out, --follow-links", lambda d: symlink_out(d),
         args=["score", "-f", "json", "--follow-links"], code=0,
         expect=('"rows_read": 6', "link.csv")),
    Case("xls DIMENSIONS declaring 2^32 rows", lambda d: xls_dimensions_bomb(d / "dims.xls"),
         expect=("PARTNERKIT_MAX_CELLS", "DIMENSIONS", "4,294,967,295 rows")),
    Case("xls 32,767-character shared string in 40,000 cells",
         lambda d: xls_shared_string_bomb(d / "sst.xls"), expect=("PARTNERKIT_MAX_TEXT_MB",)),
    Case("xlsb cell at XFD1048576", lambda d: xlsb_far_cell(d / "far.xlsb"),
         expect=("PARTNERKIT_MAX_CELLS", "17,179,869,184 cells")),
    Case("xlsb 1 MB shared string in 4,000 cells",
         lambda d: xlsb_shared_string_bomb(d / "sst.xlsb"),
         expect=("PARTNERKIT_MAX_TEXT_MB", "4,000 MB")),
    Case("#DIV/0!, #N/A, #VALUE! in xls item columns", lambda d: errors_xls(d / "e.xls"),
         args=["score", "-f", "json"], code=0,
         expect=('"rows_read": 5', '"value": "#DIV/0!"', '"value": "#N/A"', '"value": "#VALUE!"')),
    Case("#DIV/0!, #N/A, #VALUE! in xlsb item columns", lambda d: errors_xlsb(d / "e.xlsb"),
         args=["score", "-f", "json"], code=0,
         expect=('"rows_read": 5', '"value": "#DIV/0!"', '"value": "#N/A"', '"value": "#VALUE!"')),
    Case("#DIV/0!, #N/A, #VALUE! in ods item columns", lambda d: errors_ods(d / "e.ods"),
         args=["score", "-f", "json"], code=0,
         expect=('"rows_read": 5', '"value": "#DIV/0!"', '"value": "#N/A"', '"value": "#VALUE!"')),
    Case("sav case count patched to 50 million", lambda d: sav_patched(d / "patched.sav"),
         expect=("50,000,000 cases", "damaged or manipulated")),
]  # fmt: skip


def write_all(folder: Path, names: list[str] | None = None) -> list[Path]:
    """Write every case (or those ``names``) into a folder of its own below ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for case in CASES:
        if names and case.name not in names:
            continue
        sub = folder / case.name.replace(" ", "_").replace(",", "").replace("/", "_")
        if sub.exists():
            shutil.rmtree(sub)
        sub.mkdir()
        out.append(case.write(sub))
    return out


if __name__ == "__main__":  # pragma: no cover - a helper to try the corpus by hand
    # python -m tests.hostile FOLDER ["case name" ...]
    folder = Path(sys.argv[1] if len(sys.argv) > 1 else "hostile")
    for written in write_all(folder, sys.argv[2:]):
        print(written)
