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
* xls: each sheet's ``DIMENSIONS`` record (calamine reserves what it declares), the
  cells' places, and the text ``LABELSST`` cells expand to (lengths from the ``SST``);
* xlsb: the cells' places along their ``BrtRowHdr`` records, and the text
  ``BrtCellIsst`` cells expand to (lengths from ``BrtSSTItem``);
* sav: the case count of the header against the bytes the file holds.

Error cells (``#N/A``, ``#DIV/0!``...), which calamine reads as blank, are noted on the
way in every workbook format (:func:`error_cells`), so they are read as invalid cells.

The xlsx scan reads each worksheet once, a megabyte at a time (decompressed on
a thread beside it): numpy finds every ``<c r="`` and decodes its reference in
columns of bytes, so no Python runs per cell; a chunk with a cell that does not
start with its reference (``<c s="1" r="B2">``, ``<c>``) is read with a pattern.
Measured on the 450 MB sheet of a 200,000-row workbook: 1.66 s (2.2 s of CPU, 0.6 s
of it decompressing) on an otherwise idle 2-core machine, of an 11 s ``score`` of it;
2.06 s before the places were found over every byte at once (issue 23).
"""

from __future__ import annotations

import itertools
import re
import zipfile
from functools import partial
from pathlib import Path

from ..errors import SurveyReadError
from ..i18n import Message
from .limits import max_cells, max_text_bytes

_CHUNK = 1 << 20
_OVERLAP = 64  # a cell reference cut by a chunk's end is seen whole in the next one
_SHARED_CELL = re.compile(rb'<(?:\w+:)?c\b[^>]*\bt="s"[^>]*>\s*<(?:\w+:)?v>\s*(\d{1,12})\s*</')
_MAX_COLUMNS = 16_384  # XFD, Excel's last column


def too_many_cells(where: str, rows: int, columns: int) -> SurveyReadError:
    """The limit error for a grid of ``rows`` x ``columns``."""
    return SurveyReadError(
        Message(
            "error.cells_spanned",
            where=where,
            cells=rows * columns,
            rows=rows,
            columns=columns,
            limit=max_cells(),
        )
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
    # "<" and "c" (after the prefix) looked for over every byte at once: picking out every
    # "<" first and then the ones followed by a "c" gathered ~100,000 places a megabyte
    # of inline-string XML (6.9 ms a megabyte, 3 s of the 450 MB sheet; 3 ms this way).
    # The guarantee is unchanged: a place is kept when the same bytes hold the same values
    # as before (the zeros past the end match no byte of "<", the prefix or "c"), so the
    # same cells are found, and every one of them is still decoded or sent to the pattern
    size = len(data)
    hit = a[:size] == 60  # "<"
    for i, byte in enumerate(prefix + b"c"):
        hit &= a[1 + i : 1 + i + size] == byte
    at = np.flatnonzero(hit)
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
        if not going.any():
            break  # every row number read (three steps for rows below 100)
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
        count, flagged = _types(data)
        if count_shared:
            shared += count
        if errors is not None and flagged:
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


def _types(data: bytes) -> tuple[int, bool]:
    """How often ``t="s"`` occurs in ``data`` (``data.count``), and whether ``t="e"`` or
    ``t="b"`` does, from one look at each ``t="``. Every cell of inline-string XML has a
    ``t="inlineStr"``, which each of the three substring searches stopped at: 4.5 ms a
    megabyte, where finding ``t="`` once takes 0.6 (issue 23)."""
    import numpy as np

    size = len(data)
    a = np.frombuffer(data + bytes(5), dtype=np.uint8)  # zeros past the end: no match
    at = a[:size] == 116  # 't="', then the type's letter and its closing quote
    at &= a[1 : size + 1] == 61
    at &= a[2 : size + 2] == 34
    at = np.flatnonzero(at)
    if not len(at):
        return 0, False
    letter = a[at + 3]
    closed = a[at + 4] == 34
    shared = int(np.count_nonzero((letter == 115) & closed))  # s
    flagged = bool((((letter == 101) | (letter == 98)) & closed).any())  # e, b
    return shared, flagged


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


def _rel_targets(rels) -> dict[str, str]:
    """A workbook's relationship ids to their parts' paths in the zip (``xl/...``)."""
    targets = {}
    for rel in rels:
        target = rel.get("Target", "")
        targets[rel.get("Id")] = target.lstrip("/") if target.startswith("/") else "xl/" + target
    return targets


def _sheet_parts(archive: zipfile.ZipFile) -> dict[str, str]:
    """Worksheet part (``xl/worksheets/sheet1.xml``) to sheet name, from the workbook."""
    from xml.etree.ElementTree import fromstring

    try:
        book = fromstring(archive.read("xl/workbook.xml"))
        rels = fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    except (KeyError, SyntaxError):
        return {}
    targets = _rel_targets(rels)
    parts = {}
    for element in book.iter():
        if element.tag.endswith("}sheet"):
            rid = next((v for k, v in element.attrib.items() if k.endswith("}id")), None)
            if rid in targets:
                parts[targets[rid]] = element.get("name", "")
    return parts


#: error cells found by the pre-scan, by file version and sheet name
_ERROR_CELLS: dict[tuple, dict[str, list[tuple[int, int, str]]]] = {}


def file_key(path: Path) -> tuple[int, int, int, int]:
    """A file's version: the file itself (device and inode, whatever path or link names
    it), its size and modification time. One ``stat``: resolving the path as well took
    a ``lstat`` per folder of it, 0.3 ms a file, five times a file (issue 23)."""
    stat = path.stat()
    return stat.st_dev, stat.st_ino, stat.st_size, stat.st_mtime_ns


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
        Message("error.text_mb", where=where, size=size / 2**20, limit=max_text_bytes() / 2**20)
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
_ODS_CALC_TYPE = "{urn:org:documentfoundation:names:experimental:calc:xmlns:calcext:1.0}value-type"
_ODS_NAME = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}name"
_MAX_NOTED = 100_000  # error cells noted per sheet: a repeated error cell is not expanded


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
    table = ""
    errors: dict[str, list[tuple[int, int, str]]] = {}
    for event, element in iterparse(part, events=("start", "end")):
        tag = element.tag
        if event == "start":
            if tag == _ODS_TABLE:
                row_at = 0
                table = element.get(_ODS_NAME, "")
            continue
        if tag == _ODS_ROW:
            repeat = _repeat(element.get(_ODS_ROWS))
            used = 0
            at = 0
            for cell in element:
                span = _repeat(cell.get(_ODS_COLUMNS))
                if cell.get(_ODS_CALC_TYPE) == "error":  # calamine reads it as blank
                    text = "".join(cell.itertext()).strip() or "#N/A"
                    found = errors.setdefault(table, [])
                    places = itertools.product(range(repeat), range(span))  # lazily: capped
                    found += [
                        (row_at + r + 1, at + c + 1, text)
                        for r, c in itertools.islice(places, max(_MAX_NOTED - len(found), 0))
                    ]
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
    if errors:
        _ERROR_CELLS[file_key(path)] = errors


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
        raise SurveyReadError(Message("error.sav_cases", path=path, cases=cases, size=size))
    if cases * width > max_cells():
        raise too_many_cells(str(path), cases, width)


# ------------------------------------------------------------------------- xls

#: BIFF8 records: sheet list, sheet start, shared strings, extent, cells
_BOUNDSHEET, _BOF, _SST, _CONTINUE, _DIMENSIONS = 0x0085, 0x0809, 0x00FC, 0x003C, 0x0200
_LABELSST, _BOOLERR, _FORMULA, _MULRK, _MULBLANK = 0x00FD, 0x0205, 0x0006, 0x00BD, 0x00BE
_ONE_CELL = {_FORMULA, _LABELSST, 0x0203, 0x0204, _BOOLERR, 0x027E, 0x0201, 0x00D6}
#: BIFF error codes and the text a spreadsheet shows for them
_XLS_ERRORS = {0x00: "#NULL!", 0x07: "#DIV/0!", 0x0F: "#VALUE!", 0x17: "#REF!",
               0x1D: "#NAME?", 0x24: "#NUM!", 0x2A: "#N/A", 0x2B: "#GETTING_DATA"}  # fmt: skip


def scan_xls(path: Path) -> None:
    """Refuse an .xls whose sheets declare or span more cells, or whose shared strings
    expand to more text, than the limits allow; note its error cells.

    calamine reserves the cells a sheet's ``DIMENSIONS`` record declares (a 5.6 KB file
    declaring 2^32 rows aborted the process) and copies a shared string into every cell
    that refers to it (one 32,767-character string in 40,000 cells: a 1.4 MB file took
    3.9 GB and 19 s). The workbook stream is walked record by record (a record header is
    four bytes; the cells' places are then read with numpy), building nothing.
    """
    import olefile

    with path.open("rb") as fh:
        if fh.read(8) != olefile.MAGIC:
            return  # not an OLE2 file: calamine says what is wrong
        fh.seek(0)
        try:
            with olefile.OleFileIO(fh) as ole:
                stream = next((s for s in ("Workbook", "Book") if ole.exists(s)), None)
                if stream is None:
                    return
                if ole.get_size(stream) > path.stat().st_size:
                    return  # damaged: calamine says so
                data = ole.openstream(stream).read()
        except (OSError, ValueError, IndexError, KeyError, TypeError):
            return
    if _needs_walk(path, data):
        _scan_biff(path, data)


#: what an error cell's record holds: BOOLERR (type 0x0205, 8 bytes, an error code, the
#: error flag) and a FORMULA's cached error (its value: 2, 0, the code, three zeros, 0xFFFF)
_BOOLERR_HEAD = re.compile(rb"\x05\x02\x08\x00[\x00-\xff]{6}[\x00\x07\x0f\x17\x1d\x24\x2a\x2b]\x01")
_FORMULA_ERROR = re.compile(rb"\x02\x00[\x00-\xff]\x00\x00\x00\xff\xff")


def _needs_walk(path: Path, data: bytes) -> bool:
    """Whether the whole stream must be walked, decided from its globals and each sheet's
    first records (walking every cell record in Python took twice calamine's time on a
    20,000-row file). Not needed when no byte pattern of an error cell occurs, every
    ``DIMENSIONS`` record is within the limit, a sheet's largest grid (65,536 x 256) is
    within the cell limit, and the shared strings could not pass the text limit even if
    every record of the stream were a cell using the longest of them."""
    import struct

    if max_cells() < 65_536 * 256:
        return True
    if _BOOLERR_HEAD.search(data) or _FORMULA_ERROR.search(data):  # may be: walk to know
        return True
    starts: list[int] = []
    sst: list[bytes] = []
    pos, end = 0, len(data)
    while pos + 4 <= end and (not starts or pos < min(starts)):  # the globals
        kind, size = struct.unpack_from("<HH", data, pos)
        if kind == _BOUNDSHEET and size >= 4:
            starts.append(struct.unpack_from("<I", data, pos + 4)[0])
        elif kind == _SST or (kind == _CONTINUE and sst):
            sst.append(data[pos + 4 : pos + 4 + size])
        elif sst and kind != _CONTINUE:
            break
        pos += 4 + size
    for start in starts:  # DIMENSIONS comes among a sheet's first records
        pos = start
        for _ in range(64):
            if pos + 4 > end:
                break
            kind, size = struct.unpack_from("<HH", data, pos)
            if kind == _DIMENSIONS or kind in _ONE_CELL:
                break
            pos += 4 + size
        else:
            return True
        if kind == _DIMENSIONS and (size < 12 or _declared(data, pos) > max_cells()):
            return True  # the walk raises the limit's error, naming the sheet
    longest = max(_sst_lengths(sst), default=0) if sst else 0
    return (end // 14) * longest > max_text_bytes()  # a LABELSST record is 14 bytes


def _declared(data: bytes, pos: int) -> int:
    import struct

    first_row, last_row, first_col, last_col = struct.unpack_from("<IIHH", data, pos + 4)
    return max(last_row - first_row, 0) * max(last_col - first_col, 0)


def _scan_biff(path: Path, data: bytes) -> None:
    import struct

    import numpy as np

    unpack = struct.unpack_from
    end = len(data)
    sheets: dict[int, str] = {}  # BOF offset -> sheet name
    starts: list[int] = []  # BOF offsets
    cells: list[int] = []
    multi: list[int] = []
    shared: list[int] = []
    errors: list[int] = []
    sst: list[bytes] = []
    in_sst = False
    limit = max_cells()
    pos = 0
    while pos + 4 <= end:
        kind, size = unpack("<HH", data, pos)
        if kind in _ONE_CELL:
            cells.append(pos)
            if kind == _LABELSST:
                shared.append(pos)
            elif kind in (_BOOLERR, _FORMULA):
                errors.append(pos)
        elif kind in (_MULRK, _MULBLANK):
            multi.append(pos)
        elif kind == _DIMENSIONS and size >= 12:
            first_row, last_row, first_col, last_col = unpack("<IIHH", data, pos + 4)
            declared = max(last_row - first_row, 0) * max(last_col - first_col, 0)
            if declared > limit:
                name = sheets.get(starts[-1], "?") if starts else "?"
                raise too_many_cells(
                    Message("where.sheet_dimensions", path=path, sheet=name),
                    last_row - first_row,
                    last_col - first_col,
                )
        elif kind == _BOF:
            starts.append(pos)
        elif kind == _BOUNDSHEET and size >= 8:
            offset, cch, wide = unpack("<IxxBB", data, pos + 4)
            raw = data[pos + 12 : pos + 12 + cch * (2 if wide & 1 else 1)]
            sheets[offset] = raw.decode("utf-16-le" if wide & 1 else "latin-1", "replace")
        if kind == _SST:
            in_sst = True
            sst.append(data[pos + 4 : pos + 4 + size])
        elif kind == _CONTINUE and in_sst:
            sst.append(data[pos + 4 : pos + 4 + size])
        elif in_sst:
            in_sst = False
        pos += 4 + size
    a = np.frombuffer(data, dtype=np.uint8)

    def u16(at: np.ndarray) -> np.ndarray:
        return a[at].astype(np.int64) | (a[at + 1].astype(np.int64) << 8)

    def u32(at: np.ndarray) -> np.ndarray:
        return u16(at) | (u16(at + 2) << 16)

    one = np.asarray(cells, dtype=np.int64)
    one = one[one + 8 <= end]
    many = np.asarray(multi, dtype=np.int64)
    many = many[many + 10 <= end]
    rows = np.concatenate([u16(one + 4), u16(many + 4)])
    last_col = u16(many + 4 + u16(many + 2) - 2) if len(many) else many
    columns = np.concatenate([u16(one + 6), last_col])
    places = np.concatenate([one, many])
    bounds = np.asarray(sorted(sheets), dtype=np.int64)
    which = np.searchsorted(bounds, places, side="right") - 1  # the sheet a cell is in
    for k, start in enumerate(bounds):
        mine = which == k
        if not mine.any():
            continue
        height, width = int(rows[mine].max()) + 1, int(columns[mine].max()) + 1
        if height * width > limit:
            raise too_many_cells(
                Message("where.sheet", path=path, sheet=sheets[int(start)]), height, width
            )
    if shared and sst:
        lengths = np.asarray(_sst_lengths(sst), dtype=np.int64)
        at = np.asarray(shared, dtype=np.int64)
        index = u32(at[at + 14 <= end] + 10)
        known = index < len(lengths)
        total = int(lengths[index[known]].sum()) if len(lengths) else 0
        if total > max_text_bytes():
            raise _too_much_text(str(path), total)
    _note_xls_errors(path, a, np.asarray(errors, dtype=np.int64), bounds, sheets)


def _note_xls_errors(path: Path, a, at, bounds, sheets: dict[int, str]) -> None:
    """Error cells (``BOOLERR`` with its error flag, ``FORMULA`` with an error result),
    which calamine reads as blank: kept for :func:`error_cells` by sheet name."""
    import numpy as np

    at = at[at + 18 <= len(a)]
    if not len(at):
        return
    kind = a[at].astype(np.int64) | (a[at + 1].astype(np.int64) << 8)
    boolerr = (kind == _BOOLERR) & (a[at + 11] == 1)
    formula = (kind == _FORMULA) & (a[at + 10] == 2) & (a[at + 16] == 0xFF) & (a[at + 17] == 0xFF)
    code = np.where(boolerr, a[at + 10], a[at + 12])
    hit = boolerr | formula
    if not hit.any():
        return
    at, code = at[hit], code[hit]
    rows = a[at + 4].astype(np.int64) | (a[at + 5].astype(np.int64) << 8)
    columns = a[at + 6].astype(np.int64) | (a[at + 7].astype(np.int64) << 8)
    which = np.searchsorted(bounds, at, side="right") - 1
    found: dict[str, list[tuple[int, int, str]]] = {}
    for k, row, column, value in zip(which, rows, columns, code, strict=True):
        name = sheets.get(int(bounds[k])) if k >= 0 else None
        if name is not None:
            text = _XLS_ERRORS.get(int(value), "#N/A")
            found.setdefault(name, []).append((int(row) + 1, int(column) + 1, text))
    _ERROR_CELLS[file_key(path)] = found


def _sst_lengths(pieces: list[bytes]) -> list[int]:
    """Characters of each string of a BIFF8 shared-string table (the ``SST`` record and
    its ``CONTINUE`` records). A string's characters may go on in the next record, which
    then starts with its own flags byte; its formatting runs and extra bytes just go on."""
    import struct

    lengths: list[int] = []
    buf, i, pos = pieces[0], 0, 8
    if len(buf) < 8:
        return lengths
    unique = struct.unpack_from("<I", buf, 4)[0]
    total = sum(len(p) for p in pieces)
    for _ in range(min(unique, total // 3)):
        if pos >= len(buf):
            i += 1
            if i >= len(pieces):
                break
            buf, pos = pieces[i], 0
        if pos + 3 > len(buf):
            break
        cch, flags = struct.unpack_from("<HB", buf, pos)
        pos += 3
        runs = extra = 0
        if flags & 0x08 and pos + 2 <= len(buf):
            runs = struct.unpack_from("<H", buf, pos)[0]
            pos += 2
        if flags & 0x04 and pos + 4 <= len(buf):
            extra = struct.unpack_from("<I", buf, pos)[0]
            pos += 4
        lengths.append(cch)
        left, step = cch, 2 if flags & 0x01 else 1
        while left:
            take = min(left, (len(buf) - pos) // step)
            pos += take * step
            left -= take
            if left:
                i += 1
                if i >= len(pieces):
                    return lengths
                buf = pieces[i]
                step, pos = (2 if buf[:1] and buf[0] & 0x01 else 1), 1
        skip = runs * 4 + extra
        while skip:
            take = min(skip, len(buf) - pos)
            pos += take
            skip -= take
            if skip:
                i += 1
                if i >= len(pieces):
                    return lengths
                buf, pos = pieces[i], 0
    return lengths


# ------------------------------------------------------------------------ xlsb

_XLSB_ROW, _XLSB_SHEET, _XLSB_SST_ITEM = 0x00, 0x9C, 0x13
_XLSB_ISST, _XLSB_ERROR, _XLSB_FORMULA_ERROR = 0x07, 0x03, 0x0B
_XLSB_CELLS = range(0x01, 0x0C)  # BrtCellBlank .. BrtFmlaError: a column, then the value
_XLSB_SHORT_CELLS = range(0x0C, 0x13)  # BrtShort*: the next column, no column of their own
_XLSB_SHORT_ISST = 0x12


def _xlsb_records(data: bytes):
    """``(kind, start, size)`` of each record of a BIFF12 stream (variable-length type
    and size, seven bits a byte); stops at a record cut short."""
    end = len(data)
    pos = 0
    while pos < end:
        byte = data[pos]
        kind = byte & 0x7F
        pos += 1
        if byte & 0x80 and pos < end:
            kind |= (data[pos] & 0x7F) << 7
            pos += 1
        size = shift = 0
        for _ in range(4):
            if pos >= end:
                return
            byte = data[pos]
            pos += 1
            size |= (byte & 0x7F) << shift
            shift += 7
            if not byte & 0x80:
                break
        if pos + size > end:
            return
        yield kind, pos, size
        pos += size


def scan_xlsb(path: Path, archive: zipfile.ZipFile) -> None:
    """Refuse an .xlsb whose sheets span more cells, or whose shared strings expand to
    more text, than the limits allow; note its error cells.

    calamine builds the grid from the first to the last cell (one cell at row 1,048,576,
    column 16,384 of a 1.2 KB file aborted the process) and copies a shared string into
    every cell that refers to it (a 1 MB string in 4,000 cells: a 12 KB file took 3 GB
    before it aborted). Each sheet's records are walked once, building nothing: the loop
    only notes where row headers, cells, shared-string cells and error cells start (a
    cell's record is two header bytes in the usual case); numpy then reads their rows,
    columns and indexes (0.3 s for 600,000 cells, where a record-by-record decoder took
    5 s).
    """
    import numpy as np

    names = archive.namelist()
    sheets = [n for n in names if n.startswith("xl/worksheets/") and n.endswith(".bin")]
    strings = next((n for n in names if n.lower() == "xl/sharedstrings.bin"), None)
    titles = _xlsb_sheet_names(archive)
    lengths: np.ndarray | None = None
    errors: dict[str, list[tuple[int, int, str]]] = {}
    for sheet in sheets:
        where = f"{path} ({sheet})"
        data = archive.read(sheet)
        heads, cells, shared, failed, short = _xlsb_places(data)
        u32 = partial(_u32, np.frombuffer(data + bytes(16), dtype=np.uint8))
        rows = int(u32(heads).max()) + 1 if heads else 0
        columns = int(u32(cells).max()) + 1 if cells else 0
        columns = max(columns, short)  # short cells count along their row
        rows = max(rows, 1 if cells or short else 0)
        if rows * max(columns, 1) > max_cells():
            raise too_many_cells(where, rows, max(columns, 1))
        if failed:
            found = [
                (
                    int(u32([head])[0]) + 1,
                    int(u32([at])[0]) + 1,
                    _XLS_ERRORS.get(data[at + 8], "#N/A"),
                )
                for head, at in failed
            ]
            errors[titles.get(sheet, sheet)] = found
        if shared and strings is not None:
            if lengths is None:
                lengths = np.asarray(_xlsb_shared_lengths(archive.read(strings)), dtype=np.int64)
            index = u32(np.asarray(shared, dtype=np.int64) + 8)
            known = index[index < len(lengths)]
            total = int(lengths[known].sum()) if len(lengths) else 0
            if total > max_text_bytes():
                raise _too_much_text(where, total)
    if errors:
        _ERROR_CELLS[file_key(path)] = errors


def _u32(a, at):
    """Little-endian 32-bit integers at the places ``at`` of the bytes ``a`` (numpy)."""
    import numpy as np

    at = np.asarray(at, dtype=np.int64)
    low = a[at].astype(np.int64) | (a[at + 1].astype(np.int64) << 8)
    return low | (a[at + 2].astype(np.int64) << 16) | (a[at + 3].astype(np.int64) << 24)


def _xlsb_places(data: bytes):
    """Where a sheet's records start (their bodies): row headers followed by a cell,
    cells with a column, shared-string cells, error cells (with their row header), and
    the most short cells (no column of their own) in one row."""
    heads: list[int] = []
    cells: list[int] = []
    shared: list[int] = []
    failed: list[tuple[int, int]] = []
    short = run = 0
    row = -1  # the body of the current row header
    noted = True
    end = len(data)
    pos = 0
    while pos < end:
        kind = data[pos]
        if kind < 0x80 and pos + 1 < end and data[pos + 1] < 0x80:  # the usual two bytes
            size = data[pos + 1]
            pos += 2
        else:
            kind, size, pos = _xlsb_header(data, pos)
            if kind < 0:
                break
        if kind < 0x13:
            if kind == 0:  # BrtRowHdr
                row, noted, run = pos, False, 0
            elif size >= 8 and kind < 0x0C:  # a cell with its column
                if not noted:
                    heads.append(row)
                    noted = True
                cells.append(pos)
                if kind == 0x07:
                    shared.append(pos)
                elif (kind == 0x03 or kind == 0x0B) and size >= 9 and row >= 0:
                    failed.append((row, pos))
            elif kind >= 0x0C:  # BrtShort*: the next column
                if not noted:
                    heads.append(row)
                    noted = True
                run += 1
                short = max(short, run)
        pos += size
    return heads, cells, shared, failed, short


def _xlsb_header(data: bytes, pos: int) -> tuple[int, int, int]:
    """A record header with a two-byte type or a longer size: ``(kind, size, body)``;
    ``kind`` -1 when the stream ends inside it."""
    end = len(data)
    kind = data[pos] & 0x7F
    if data[pos] & 0x80:
        if pos + 1 >= end:
            return -1, 0, end
        kind |= (data[pos + 1] & 0x7F) << 7
        pos += 1
    pos += 1
    size = shift = 0
    for _ in range(4):
        if pos >= end:
            return -1, 0, end
        byte = data[pos]
        pos += 1
        size |= (byte & 0x7F) << shift
        shift += 7
        if not byte & 0x80:
            break
    return kind, size, pos


def _xlsb_shared_lengths(data: bytes) -> list[int]:
    """Characters of each shared string (``BrtSSTItem``: a flags byte, then the count)."""
    import struct

    return [
        struct.unpack_from("<I", data, at + 1)[0]
        for kind, at, size in _xlsb_records(data)
        if kind == _XLSB_SST_ITEM and size >= 5
    ]


def _xlsb_sheet_names(archive: zipfile.ZipFile) -> dict[str, str]:
    """Sheet part (``xl/worksheets/sheet1.bin``) to sheet name, from ``BrtBundleSh``."""
    import struct
    from xml.etree.ElementTree import fromstring

    try:
        book = archive.read("xl/workbook.bin")
        rels = fromstring(archive.read("xl/_rels/workbook.bin.rels"))
    except (KeyError, SyntaxError):
        return {}
    targets = _rel_targets(rels)
    parts = {}
    for kind, at, size in _xlsb_records(book):
        if kind != _XLSB_SHEET or size < 12:
            continue
        try:
            cch = struct.unpack_from("<I", book, at + 8)[0]
            rid = book[at + 12 : at + 12 + 2 * cch].decode("utf-16-le")
            start = at + 12 + 2 * cch
            cch = struct.unpack_from("<I", book, start)[0]
            name = book[start + 4 : start + 4 + 2 * cch].decode("utf-16-le")
        except (struct.error, UnicodeDecodeError):
            continue
        if rid in targets:
            parts[targets[rid]] = name
    return parts
