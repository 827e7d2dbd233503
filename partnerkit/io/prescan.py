"""Bounds found before a workbook or an SPSS file is parsed: the pre-scan.

calamine builds a sheet's whole grid, from its first to its last cell, before
any limit can be checked; pyreadstat allocates the case count an SPSS header
declares. A file of a few kilobytes can so ask for hundreds of gigabytes (one
cell at ``XFD1048576``; a repeated cell in an .ods; a case count patched to
50 million) and abort the process. The pre-scan reads the parts that decide
those sizes as a stream, building nothing, and refuses with the limit's error
before the reader starts:

* xlsx/xlsm: every ``<c r="...">`` of every worksheet (the grid spans them;
  cells without a reference count along their ``<row r="...">``), and the text
  that shared strings expand to (the longest string times the cells that refer
  to one; counted exactly when that bound is passed);
* ods: ``table:number-rows-repeated`` and ``table:number-columns-repeated`` of
  cells that hold something (empty repeats are never expanded);
* sav: the case count of the header against the bytes the file holds.

The xlsx scan reads each worksheet once, a megabyte at a time (decompressed on
a thread beside it): numpy finds every ``<c r="`` and decodes its reference in
columns of bytes, so no Python runs per cell; a chunk with a cell that does not
start with its reference (``<c s="1" r="B2">``, ``<c>``) is read with a pattern.
Measured on the 450 MB sheet of a 200,000-row workbook: 3.4 s (2.0 s of CPU) on a
loaded 2-core machine, of a 21 s ``score`` of it.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

from ..errors import SurveyReadError
from .limits import max_cells, max_text_bytes

_CHUNK = 1 << 20
_OVERLAP = 64  # a cell reference cut by a chunk's end is seen whole in the next one
_SHARED_CELL = re.compile(rb'<(?:\w+:)?c\b[^>]*\bt="s"[^>]*>\s*<(?:\w+:)?v>\s*(\d{1,12})\s*</')
_MAX_COLUMNS = 16_384  # XFD, Excel's last column


def too_many_cells(where: str, rows: int, columns: int) -> SurveyReadError:
    """The limit error for a grid of ``rows`` x ``columns``."""
    return SurveyReadError(
        f"{where}: a sheet spans {rows * columns:,} cells ({rows:,} rows x {columns:,} "
        f"columns), more than the limit of {max_cells():,} cells. If the file is genuine, "
        "raise the limit with PARTNERKIT_MAX_CELLS."
    )


def column_number(letters: bytes | str) -> int:
    """``A`` -> 1, ``Z`` -> 26, ``AA`` -> 27, ``XFD`` -> 16384."""
    number = 0
    for char in letters.decode() if isinstance(letters, bytes) else letters:
        number = number * 26 + ord(char) - 64
    return number


def _patterns(prefix: bytes) -> tuple[re.Pattern[bytes], ...]:
    p = re.escape(prefix)
    cell = re.compile(rb"<" + p + rb'c\b[^>]*?\br="([A-Z]{1,6})(\d{1,12})"')
    cells = re.compile(rb"<" + p + rb"c[\s/>]")
    row = re.compile(rb"<" + p + rb'row\b[^>]*?\br="(\d{1,12})"')
    return cell, cells, row


def _chunks(stream):
    """The stream in megabyte chunks, decompressed on a thread (zlib lets go of the GIL
    while numpy looks through the previous chunk here); a stream of one chunk is read
    here."""
    from queue import Queue
    from threading import Thread

    first = stream.read(_CHUNK)
    if len(first) < _CHUNK:  # the whole stream: a thread per small sheet cost 3 ms (issue 23)
        if first:
            yield first
        return
    yield first
    queue: Queue = Queue(maxsize=4)

    def produce():
        try:
            while chunk := stream.read(_CHUNK):
                queue.put(chunk)
            queue.put(None)
        except BaseException as exc:  # handed over and raised by the consumer
            queue.put(exc)

    Thread(target=produce, daemon=True).start()
    while (item := queue.get()) is not None:
        if isinstance(item, BaseException):
            raise item
        yield item


_WIDE = 13  # characters after r=" that may be looked at: XFD1048576 and its quote fit


def _extent(data: bytes, prefix: bytes, patterns) -> tuple[int, int] | None:
    """The largest row and column of the cells starting in ``data``, vectorised: every
    ``<c r="..."`` found with numpy, its reference decoded in columns of bytes. ``None``
    when a cell does not start with its reference (``<c>``, ``<c s="1" r="B2">``), whose
    place needs the slower :func:`_extent_slowly`."""
    import numpy as np

    n = len(prefix)
    # zeros past the end, so that a reference is read whole wherever its cell starts
    a = np.frombuffer(data + bytes(n + 8 + _WIDE), dtype=np.uint8)
    at = np.flatnonzero(a[: len(data)] == 60)  # "<"
    for i, byte in enumerate(prefix + b"c"):
        at = at[a[at + 1 + i] == byte]
    q = at + 2 + n  # after "<c"
    nxt = a[q]
    cell = (nxt == 32) | (nxt == 62) | (nxt == 47) | (nxt == 9) | (nxt == 10) | (nxt == 13)
    at, q = at[cell], q[cell]
    if not len(at):
        return 0, 0
    ref = (a[q] == 32) & (a[q + 1] == 114) & (a[q + 2] == 61) & (a[q + 3] == 34)  # ' r="'
    if not ref.all():
        return None
    start = q + 4  # the reference's first character

    def letter(offset):
        return (a[start + offset] - np.uint8(65)) < 26  # uint8 wraps below "A"

    def digit(at):
        return (a[at] - np.uint8(48)) < 10

    if not letter(0).all():
        return None
    two = letter(1)
    three = two & letter(2)
    if (three & letter(3)).any():
        return None  # four letters: past XFD, let the exact pattern say how far
    count = 1 + two.astype(np.int64) + three
    first = a[start].astype(np.int64) - 64
    second = a[start + 1].astype(np.int64) - 64
    third = a[start + 2].astype(np.int64) - 64
    pair = first * 26 + second
    column = np.where(three, pair * 26 + third, np.where(two, pair, first))
    at = start + count  # the row's first digit
    row = np.zeros(len(at), dtype=np.int64)
    going = np.ones(len(at), dtype=bool)
    for _ in range(8):
        going &= digit(at)
        row = np.where(going, row * 10 + a[at] - 48, row)
        at = at + going
    if going.any() or not (a[at] == 34).all():
        return None  # more than seven digits, or no closing quote: the exact pattern
    return int(row.max()), int(column.max())


def _extent_slowly(data: bytes, patterns) -> tuple[int, int, int]:
    """The largest row and column of the referenced cells, and the cells without one."""
    cell_ref, any_cell, row_ref = patterns
    rows = columns = 0
    refs = cell_ref.findall(data)
    for letters, number in set(refs):
        rows = max(rows, int(number))
        columns = max(columns, column_number(letters))
    unplaced = max(0, len(any_cell.findall(data)) - len(refs))
    if unplaced:  # placed in the rows they sit in
        rows = max([rows, *(int(r) for r in row_ref.findall(data))])
    return rows, columns, unplaced


def scan_worksheet(
    stream, where: str, count_shared: bool = True, errors: list | None = None
) -> tuple[int, int, int]:
    """``(rows, columns, shared-string cells)`` a worksheet's XML spans; raises the limit
    error as soon as the grid passes the cell limit. Error cells (``t="e"``: ``#N/A``,
    ``#DIV/0!``, which calamine reads as blanks) are appended to ``errors`` as
    ``(row, column, text)``, booleans (``t="b"``) as ``TRUE``/``FALSE``."""
    rows = columns = shared = 0
    tail = b""
    cells_limit = max_cells()
    prefix = patterns = None
    for chunk in _chunks(stream):
        data = tail + chunk
        # a cell cut by the chunk's end is looked at whole with the next chunk
        cut = max(data.rfind(b"<", 0, len(data) - _OVERLAP), 0) if len(chunk) == _CHUNK else 0
        data, tail = (data[:cut], data[cut:]) if cut else (data, b"")
        if prefix is None:
            root = re.search(rb"<(\w+:)?worksheet\b", data)
            prefix = (root.group(1) or b"") if root else b""
            patterns = _patterns(prefix)
        found = _extent(data, prefix, patterns)
        if found is None:
            high, wide, unplaced = _extent_slowly(data, patterns)
            if unplaced:  # cells without a reference follow one another in a row
                wide = min(_MAX_COLUMNS, max(wide, columns, 1) + unplaced)
                high = max(high, rows, 1)
        else:
            high, wide = found
        rows, columns = max(rows, high), max(columns, wide)
        if count_shared:
            shared += data.count(b't="s"')
        if errors is not None and (b't="e"' in data or b't="b"' in data):
            errors += _errors(data, prefix)
        if rows * max(columns, 1) > cells_limit:
            raise too_many_cells(where, rows, max(columns, 1))
    if tail:
        if errors is not None and (b't="e"' in tail or b't="b"' in tail):
            errors += _errors(tail, prefix or b"")
        high, wide, _ = _extent_slowly(tail, patterns or _patterns(b""))
        rows, columns = max(rows, high), max(columns, wide)
        if count_shared:
            shared += tail.count(b't="s"')
        if rows * max(columns, 1) > cells_limit:
            raise too_many_cells(where, rows, max(columns, 1))
    return rows, columns, shared


def _errors(data: bytes, prefix: bytes) -> list[tuple[int, int, str]]:
    """Error and boolean cells (``t="e"``, ``t="b"``) as ``(row, column, text shown)``."""
    p = re.escape(prefix)
    pattern = (
        rb"<"
        + p
        + rb'c\b[^>]*?\br="([A-Z]{1,3})(\d{1,7})"[^>]*?\bt="([eb])"[^>]*>(.*?)</'
        + p
        + rb"c>"
    )
    found = []
    for letters, number, kind, inner in re.findall(pattern, data, re.DOTALL):
        value = re.search(rb"<" + p + rb"v>([^<]*)</", inner)
        text = value.group(1).decode("utf-8", "replace").strip() if value else ""
        if kind == b"b":
            text = "TRUE" if text == "1" else "FALSE"
        found.append((int(number), column_number(letters), text or "#N/A"))
    return found


def _sheet_parts(archive: zipfile.ZipFile) -> dict[str, str]:
    """Worksheet part (``xl/worksheets/sheet1.xml``) to sheet name, from the workbook."""
    from xml.etree.ElementTree import fromstring

    try:
        book = fromstring(archive.read("xl/workbook.xml"))
        rels = fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    except (KeyError, SyntaxError):
        return {}
    targets = {}
    for rel in rels:
        target = rel.get("Target", "")
        target = target.lstrip("/") if target.startswith("/") else "xl/" + target
        targets[rel.get("Id")] = target
    parts = {}
    for element in book.iter():
        if element.tag.endswith("}sheet"):
            rid = next((v for k, v in element.attrib.items() if k.endswith("}id")), None)
            if rid in targets:
                parts[targets[rid]] = element.get("name", "")
    return parts


#: error cells found by the pre-scan, by file version and sheet name
_ERROR_CELLS: dict[tuple, dict[str, list[tuple[int, int, str]]]] = {}


def file_key(path: Path) -> tuple[str, int, int]:
    """A file's version: its path, size and modification time."""
    stat = path.stat()
    return str(path.resolve()), stat.st_size, stat.st_mtime_ns


def error_cells(path: Path, sheet: str) -> list[tuple[int, int, str]]:
    """The error cells (1-based row, column, and text) the pre-scan found in ``sheet``."""
    return _ERROR_CELLS.get(file_key(path), {}).get(sheet, [])


def _shared_lengths(archive: zipfile.ZipFile, name: str) -> list[int]:
    """Characters of each shared string (``<si>``), streamed."""
    from xml.etree.ElementTree import iterparse

    lengths: list[int] = []
    with archive.open(name) as part:
        for _, element in iterparse(part, events=("end",)):
            if element.tag.endswith("}si") or element.tag == "si":
                lengths.append(sum(len(t) for t in element.itertext()))
                element.clear()
    return lengths


def _shared_text(archive: zipfile.ZipFile, sheet: str, lengths: list[int]) -> int:
    """Characters the shared-string cells of ``sheet`` expand to, counted cell by cell."""
    total = 0
    tail = b""
    top = len(lengths)
    with archive.open(sheet) as part:
        while True:
            chunk = part.read(_CHUNK)
            if not chunk:
                break
            data = tail + chunk
            cut = data.rfind(b"<c")  # a cell cut by the chunk's end is counted whole next time
            cut = cut if cut > 0 else len(data)
            data, tail = data[:cut], data[cut:]
            for index in _SHARED_CELL.findall(data):
                i = int(index)
                total += lengths[i] if i < top else 0
        for index in _SHARED_CELL.findall(tail):
            i = int(index)
            total += lengths[i] if i < top else 0
    return total


def _too_much_text(where: str, size: int) -> SurveyReadError:
    return SurveyReadError(
        f"{where}: the sheet's shared texts expand to {size / 2**20:,.0f} MB, more than the "
        f"limit of {max_text_bytes() / 2**20:,.0f} MB. If the file is genuine, raise the "
        "limit with PARTNERKIT_MAX_TEXT_MB."
    )


def scan_xlsx(path: Path, archive: zipfile.ZipFile) -> None:
    """Refuse a workbook whose sheets span more cells, or expand to more shared text, than
    the limits allow."""
    names = archive.namelist()
    sheets = [n for n in names if n.startswith("xl/worksheets/") and n.endswith(".xml")]
    strings = next((n for n in names if n.lower() == "xl/sharedstrings.xml"), None)
    lengths: list[int] | None = None
    errors: dict[str, list] = {}
    for sheet in sheets:
        where = f"{path} ({sheet})"
        found: list = []
        with archive.open(sheet) as part:
            _, _, shared = scan_worksheet(part, where, strings is not None, found)
        if found:
            errors[sheet] = found
        if not shared or strings is None:
            continue
        if shared * archive.getinfo(strings).file_size <= max_text_bytes():
            continue  # even if every cell held the whole string table
        if lengths is None:
            lengths = _shared_lengths(archive, strings)
        if shared * max(lengths, default=0) <= max_text_bytes():
            continue
        total = _shared_text(archive, sheet, lengths)
        if total > max_text_bytes():
            raise _too_much_text(where, total)
    if errors:
        parts = _sheet_parts(archive)
        _ERROR_CELLS[file_key(path)] = {parts.get(k, k): v for k, v in errors.items()}


_ODS_ROW = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}table-row"
_ODS_CELL = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}table-cell"
_ODS_COVERED = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}covered-table-cell"
_ODS_TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}table"
_ODS_ROWS = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}number-rows-repeated"
_ODS_COLUMNS = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}number-columns-repeated"
_ODS_TYPE = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}value-type"


def scan_ods(path: Path, archive: zipfile.ZipFile) -> None:
    """Refuse an .ods whose repeated rows and cells expand past the cell limit.

    Repeats of empty cells and rows (LibreOffice ends every sheet with them) are
    not expanded by the reader and count only when something follows them.
    """
    from xml.etree.ElementTree import ParseError

    if "content.xml" not in archive.namelist():
        return
    cells_limit = max_cells()
    with archive.open("content.xml") as part:
        try:
            _scan_content(path, part, cells_limit)
        except ParseError:  # damaged: the reader says so
            return


def _scan_content(path: Path, part, cells_limit: int) -> None:
    from xml.etree.ElementTree import iterparse

    rows = width = 0  # rows and columns up to the last cell holding something
    row_at = 0  # rows passed in the current table
    for event, element in iterparse(part, events=("start", "end")):
        tag = element.tag
        if event == "start":
            if tag == _ODS_TABLE:
                row_at = 0
            continue
        if tag == _ODS_ROW:
            repeat = _repeat(element.get(_ODS_ROWS))
            used = 0
            at = 0
            for cell in element:
                span = _repeat(cell.get(_ODS_COLUMNS))
                at += span
                if cell.get(_ODS_TYPE) is not None or len(cell):
                    used = at
            if used:
                width = max(width, used)
                rows = max(rows, row_at + repeat)
                if rows * width > cells_limit:
                    raise too_many_cells(f"{path} (content.xml)", rows, width)
            row_at += repeat
            element.clear()
        elif tag == _ODS_TABLE:
            element.clear()


def _repeat(value: str | None) -> int:
    return int(value) if value and value.isdigit() else 1


def scan_sav(path: Path) -> None:
    """Refuse an SPSS file whose header declares more cases than its bytes can hold, or
    more cells than the limit."""
    import struct

    with path.open("rb") as fh:
        head = fh.read(84)
    if len(head) < 84 or head[:4] not in (b"$FL2", b"$FL3"):
        return  # pyreadstat says what is wrong
    for order in ("<", ">"):
        layout = struct.unpack(order + "i", head[64:68])[0]
        if layout in (2, 3):
            break
    else:
        return
    width, compression, _, cases = struct.unpack(order + "iiii", head[68:84])
    if cases <= 0 or width <= 0:
        return  # unknown case count: read until the data ends
    size = path.stat().st_size
    # bytecode compression stores a value in one command byte at best; zlib (.zsav) could
    # pack more, so its bound is the cell limit alone
    per_case = width * 8 if compression == 0 else width / 8 if compression == 1 else 0
    if per_case and cases * per_case > size:
        raise SurveyReadError(
            f"{path}: the header declares {cases:,} cases, more than the file's {size:,} "
            "bytes can hold; the file is damaged or manipulated. Save it again from SPSS."
        )
    if cases * width > max_cells():
        raise too_many_cells(str(path), cases, width)
