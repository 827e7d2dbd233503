"""Reading one sheet of a spreadsheet or one CSV file into a raw frame, defensively.

Spreadsheets (xlsx, xlsm, xls, xlsb, ods) are read with calamine; CSV files
with pandas' C parser after the encoding and the delimiter have been sniffed (a
large file in pieces on threads, :mod:`.csv_pieces`). How many rows form the
header is decided by the caller's :data:`HeaderRule` (a platform's layout knows
its header rows: :func:`.layouts.detect_header`); without one, the first row is
the header.

Hostile files meet limits before they can cost memory: the decompressed size
and the cell count of a workbook, XML entity declarations, NUL bytes and mixed
encodings in text. Every failure becomes an :class:`InputFileError` or a
:class:`SurveyReadError` whose message names the file and the sheet.
"""

from __future__ import annotations

import codecs
import csv
import functools
import io
import itertools
import mmap
import re
import warnings
import zipfile
import zlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import InputFileError, SurveyReadError
from ..i18n import Message
from ..parallel import in_background
from .limits import max_cells, max_unzipped_bytes

if TYPE_CHECKING:
    from concurrent.futures import Future

    import numpy as np
    import pandas as pd

    from .csv_pieces import Scan

SPREADSHEET_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".xlsb", ".ods")
TEXT_SUFFIXES = (".csv", ".tsv", ".txt")
SPSS_SUFFIXES = (".sav", ".zsav")
SUPPORTED = SPREADSHEET_SUFFIXES + TEXT_SUFFIXES + SPSS_SUFFIXES
DELIMITERS = (",", ";", "\t")
_SNIFF_BYTES = 256 * 1024
_SNIFF_LINES = 3  # header rows are told from the first three records
_ZIPPED = (".xlsx", ".xlsm", ".xlsb", ".ods")


@dataclass(frozen=True)
class RawTable:
    """One sheet as read: header texts as columns, cells as read, and where it came from."""

    frame: pd.DataFrame
    path: Path
    sheet: str | None  # None for CSV
    encoding: str | None = None
    delimiter: str | None = None
    header_row: int = 1  # 1-based row of the (last) header row; data starts on the next row
    layout: str = "plain"
    #: other texts naming a column (a question text, a variable label), tried when mapping
    alternates: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    #: header texts that appear more than once, with the 1-based column numbers
    duplicates: Mapping[str, tuple[int, ...]] = field(default_factory=dict)
    #: float columns whose arrays the reader allocated and nothing else holds; decoding
    #: overwrites them in place rather than copying (the frame then shows decoded values)
    owned: Mapping[str, np.ndarray] = field(default_factory=dict)
    #: ``owned`` holds each column's values row for row, as read (a spreadsheet's number
    #: columns); without, an array is used only while the frame still shares its memory
    owned_exact: bool = False
    #: merged cell ranges of a spreadsheet, 0-based ((first row, column), (last row, column))
    merged: tuple[tuple[tuple[int, int], tuple[int, int]], ...] = ()

    @property
    def where(self) -> str:
        """``file`` or ``file, sheet 'name'`` for messages."""
        return (
            Message("where.sheet", path=self.path, sheet=self.sheet)
            if self.sheet
            else str(self.path)
        )


@dataclass(frozen=True)
class HeaderSpec:
    """How many rows form the header, the column names they give, and the layout they reveal."""

    rows: int
    names: list[str]
    alternates: dict[str, tuple[str, ...]]
    duplicates: dict[str, tuple[int, ...]]
    layout: str | None = None


def check_input_path(path: Path) -> None:
    """Raise a clear error when ``path`` cannot be an input file."""
    if not path.exists():
        raise InputFileError(Message("error.no_file", path=path))
    if path.is_dir():
        raise InputFileError(Message("error.is_folder", path=path))
    if path.stat().st_size == 0:
        raise SurveyReadError(Message("error.empty_file", path=path))


def list_sheets(path: Path, visible: bool = False) -> list[str]:
    """Sheet names of a spreadsheet, in workbook order (``visible``: hidden ones left out).

    Read once per file version: reading one file asked three times (its layout, its
    hidden sheets), and each opened the workbook again (0.4 s of 1,000 small files)."""
    from .prescan import file_key

    key = file_key(path)
    names = _SHEETS.get(key)
    if names is None:
        guard_workbook(path)  # once per file version, as the names (it was 2.0 s of 1,000 files)
        try:
            book = _open_workbook(path)
            shown = [m.name for m in book.sheets_metadata if _visible(m)]
            names = (list(book.sheet_names), shown)
        except Exception as exc:  # calamine raises several unrelated types
            raise _unreadable_workbook(path, exc) from exc
        if len(_SHEETS) >= 256:
            _SHEETS.clear()
        _SHEETS[key] = names
    return list(names[1] if visible else names[0])


#: sheet names (every, shown) of the workbooks read in this process, by file version
_SHEETS: dict[tuple[int, int, int, int], tuple[list[str], list[str]]] = {}


def _open_workbook(path: Path):
    """A calamine workbook; a path that is not UTF-8 (a Latin-1 folder name: Python keeps its
    bytes as surrogate escapes, which calamine cannot take) is opened here and handed over."""
    from python_calamine import CalamineWorkbook

    name = str(path)
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        with path.open("rb") as fh:
            return CalamineWorkbook.from_filelike(fh)
    return CalamineWorkbook.from_path(name)


def _visible(metadata) -> bool:
    """Whether a sheet is shown (not hidden, not "very hidden")."""
    return str(metadata.visible).rsplit(".", 1)[-1].lower() == "visible"


def read_sheet(
    path: Path,
    sheet: str | int | None = None,
    header: HeaderRule | None = None,
    prepare: Prepare | None = None,
) -> RawTable:
    """Read one sheet of a spreadsheet, or a CSV file, with its header row(s).

    ``sheet`` is a sheet name or a 1-based sheet number; ``None`` is the first sheet.
    ``header`` tells the header rows from the first rows (default: the first row).
    ``prepare`` (CSV only) decides from the header which columns to read and how.
    """
    check_input_path(path)
    suffix = path.suffix.lower()
    if suffix in SPREADSHEET_SUFFIXES:
        return read_spreadsheet(path, sheet, header)
    if suffix in TEXT_SUFFIXES:
        if sheet is not None:
            raise SurveyReadError(Message("error.sheet_csv", path=path))
        _guard_not_text(path)
        return read_csv(path, header, prepare)
    if suffix == ".gz":
        raise InputFileError(Message("error.gzip", path=path))
    raise InputFileError(
        Message(
            "error.file_type",
            path=path,
            suffix=path.suffix or "(none)",
            supported=", ".join(SUPPORTED),
        )
    )


#: what a text file's first bytes say it really is, and what to do
_NOT_TEXT = (
    (b"\x1f\x8b", "error.not_text.gzip"),
    (b"PK\x03\x04", "error.not_text.zip"),
    (b"\xd0\xcf\x11\xe0", "error.not_text.office"),
    (b"\xff\xfe\x00\x00", "error.not_text.utf32"),
    (b"\x00\x00\xfe\xff", "error.not_text.utf32"),
)


def _guard_not_text(path: Path) -> None:
    """A file named .csv that is something else gets an error naming what it is (a gzip
    file or a workbook was "contains a NUL byte"; UTF-32 "no column matches")."""
    with path.open("rb") as fh:
        magic = fh.read(8)
    for start, what in _NOT_TEXT:
        if magic.startswith(start):
            raise InputFileError(Message(what, path=path))


def resolve_sheet(
    path: Path, sheet: str | int | None, names: list[str], shown: list[str] | None = None
) -> str:
    """The sheet name that ``sheet`` (name, 1-based number or None) refers to; None is the
    first of the ``shown`` (visible) sheets, when the workbook says which are."""
    if not names:
        raise SurveyReadError(Message("error.no_sheets", path=path))
    if sheet is None:
        return (shown or names)[0]
    if isinstance(sheet, str) and sheet in names:
        return sheet
    if isinstance(sheet, str):
        lowered = {n.casefold().strip(): n for n in names}
        if sheet.casefold().strip() in lowered:
            return lowered[sheet.casefold().strip()]
    if str(sheet).isdigit() and 1 <= int(sheet) <= len(names):
        return names[int(sheet) - 1]
    listed = ", ".join(f"'{n}'" for n in names)
    raise SurveyReadError(Message("error.no_sheet", path=path, sheet=sheet, listed=listed))


# ---------------------------------------------------------------- spreadsheets


def guard_workbook(path: Path) -> None:
    """Refuse zip bombs, XML entity declarations and sheets whose grid or shared text would
    pass the limits (:mod:`.prescan`), before a workbook is parsed; once per file version."""
    suffix = path.suffix.lower()
    if suffix in SPSS_SUFFIXES:
        from .prescan import scan_sav

        scan_sav(path)
        return
    if suffix != ".xls" and (suffix not in _ZIPPED or not zipfile.is_zipfile(path)):
        return
    from .prescan import file_key, scan_xls

    key = file_key(path)
    if key in _GUARDED:
        return
    if suffix == ".xls":
        scan_xls(path)
    else:
        _guard_zip(path)
    _GUARDED.add(key)


#: workbooks already pre-scanned in this process, by :func:`.prescan.file_key`
_GUARDED: set[tuple[int, int, int, int]] = set()


def _guard_zip(path: Path) -> None:
    from .prescan import scan_ods, scan_xlsb, scan_xlsx

    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
            total = sum(m.file_size for m in members)
            if total > max_unzipped_bytes():
                raise SurveyReadError(
                    Message(
                        "error.unzipped",
                        path=path,
                        size=total / 2**20,
                        limit=max_unzipped_bytes() / 2**20,
                    )
                )
            for member in members:
                if not member.filename.endswith((".xml", ".rels", ".vml")):
                    continue
                with archive.open(member) as part:
                    head = part.read(4096)
                if b"<!ENTITY" in head or b"<!DOCTYPE" in head:
                    raise SurveyReadError(
                        Message("error.entities", path=path, member=member.filename)
                    )
                if member.filename.startswith(("xl/worksheets/sheet", "content.xml")):
                    _guard_dimension(path, head)
            if path.suffix.lower() == ".ods":
                scan_ods(path, archive)
            elif path.suffix.lower() in (".xlsx", ".xlsm"):
                scan_xlsx(path, archive)
            elif path.suffix.lower() == ".xlsb":
                scan_xlsb(path, archive)
    except (zipfile.BadZipFile, zlib.error, EOFError) as exc:
        raise _unreadable_workbook(path, exc) from exc


def _guard_dimension(path: Path, head: bytes) -> None:
    match = re.search(rb'<dimension ref="([A-Z]+)(\d+)(?::([A-Z]+)(\d+))?"', head)
    if not match or not match.group(3):
        return
    width = _column_number(match.group(3)) - _column_number(match.group(1)) + 1
    height = int(match.group(4)) - int(match.group(2)) + 1
    if width * height > max_cells():
        raise SurveyReadError(
            Message(
                "error.cells_declared",
                path=path,
                cells=width * height,
                rows=height,
                columns=width,
                limit=max_cells(),
            )
        )


def _column_number(letters: bytes) -> int:
    number = 0
    for char in letters.decode():
        number = number * 26 + ord(char) - 64
    return number


def sheet_rows(path: Path, sheet: str | int | None = None) -> tuple[str, list[list]]:
    """The resolved sheet name and its cells as rows of Python values (formulas as values)."""
    (name, rows), _ = sheet_cells(path, sheet)
    return name, rows


def sheet_cells(path: Path, sheet: str | int | None = None):
    """``((name, rows), merged)``: the resolved sheet, its cells as Python values read for
    what they are (:func:`_as_shown`), and its merged cell ranges."""

    guard_workbook(path)
    try:
        book = _open_workbook(path)
        shown = [m.name for m in book.sheets_metadata if _visible(m)]
        name = resolve_sheet(path, sheet, list(book.sheet_names), shown)
        data = book.get_sheet_by_name(name)
        if data.total_height * max(data.total_width, 1) > max_cells():
            raise SurveyReadError(
                Message(
                    "error.cells",
                    where=Message("where.sheet", path=path, sheet=name),
                    rows=data.total_height,
                    columns=data.total_width,
                    limit=max_cells(),
                )
            )
        rows = data.to_python(skip_empty_area=False)
        merged = tuple(data.merged_cell_ranges or ())
    except (SurveyReadError, InputFileError):
        raise
    except Exception as exc:  # calamine raises several unrelated types
        raise _unreadable_workbook(path, exc) from exc
    from .prescan import error_cells

    # the pre-scan found the error cells (every format) and xlsx's booleans; the other
    # formats' booleans and dates are looked at column by column
    _as_shown(rows, error_cells(path, name), path.suffix.lower() not in (".xlsx", ".xlsm"))
    return (name, rows), merged


_SHOWN_TYPES = ("boolean", "datetime", "date", "time", "timedelta", "mixed", "mixed-integer")


def _as_shown(rows: list[list], cells: list[tuple[int, int, str]], look: bool) -> None:
    """Cells that are neither numbers nor text become the text a spreadsheet shows, in
    place: TRUE/FALSE, dates and times in ISO form, error values (``#N/A``, which calamine
    reads as blank). So they reach decoding as what they are, invalid in an item column,
    never as 1 and 0 (a TRUE made every 1 of its column invalid, issue 18).

    ``cells``: those the pre-scan found (1-based row, column, text: errors in every format,
    booleans in xlsx); ``look``: also look at every column for booleans and dates (ods, xls,
    xlsb), which costs ~0.1 s per million cells."""
    import datetime as dt

    from pandas._libs import lib

    for row, column, text in cells:
        if row - 1 < len(rows) and column - 1 < len(rows[row - 1]):
            rows[row - 1][column - 1] = text
    if not rows or not look:
        return
    import numpy as np

    grid = lib.to_object_array(rows)
    for j in range(grid.shape[1]):
        if lib.infer_dtype(grid[:, j], skipna=True) not in _SHOWN_TYPES:
            continue  # numbers and text only: the usual column, looked at in C
        for i, value in enumerate(grid[:, j]):
            if isinstance(value, bool | np.bool_):
                rows[i][j] = "TRUE" if value else "FALSE"
            elif isinstance(value, dt.datetime):
                rows[i][j] = value.isoformat(sep=" ") if value.time() else value.date().isoformat()
            elif isinstance(value, dt.date | dt.time):
                rows[i][j] = value.isoformat()
            elif isinstance(value, dt.timedelta):
                rows[i][j] = str(value)


def read_spreadsheet(
    path: Path, sheet: str | int | None = None, header: HeaderRule | None = None
) -> RawTable:
    """Read one sheet of a workbook; ``header`` tells its header rows (default: the first)."""
    (name, rows), merged = sheet_cells(path, sheet)
    while rows and all(_blank(c) for c in rows[-1]):  # trailing empty rows of the used range
        rows.pop()
    if not rows or not any(not _blank(c) for c in rows[0]):
        where = Message("where.sheet", path=path, sheet=name)
        raise SurveyReadError(Message("error.sheet_empty", where=where))
    spec = (header or one_header_row)([[_text(c) for c in row] for row in rows[:3]], name)
    owned: dict = {}
    frame = frame_from_rows(rows[spec.rows :], spec.names, owned)
    table = RawTable(
        frame=frame,
        path=path,
        sheet=name,
        header_row=spec.rows,
        layout=spec.layout or "plain",
        alternates=spec.alternates,
        duplicates=spec.duplicates,
        owned=owned,
        owned_exact=True,
        merged=merged,
    )
    _check_not_empty(table)
    return table


def frame_from_rows(rows: list[list], names: list[str], owned: dict | None = None) -> pd.DataFrame:
    """A frame of cell rows, typed the way ``pandas.read_excel`` types them.

    The rows are turned into columns once (``to_object_array``, in C) and each column
    is given to the conversion pandas' own parser applies first
    (``maybe_convert_numeric`` with ``""`` as the missing value); the columns that are
    not numbers (texts, mixed cells) then go through pandas' ``TextParser`` as before,
    so every column is typed exactly as ``read_excel`` types it. Parsing every column
    through ``TextParser``, a row at a time in Python, was a quarter of ``areas`` on
    many small files (1,000 files of 30 rows: 4.6 s of 20 s, issue 23).

    ``owned``, when given, receives the number columns as float64 arrays by name, for
    decoding without a Series per column (:attr:`RawTable.owned`).
    """
    import numpy as np
    import pandas as pd
    from pandas._libs import lib
    from pandas.io.parsers import TextParser

    width = len(names)
    if not rows:
        return pd.DataFrame(columns=names)
    rows = [row[:width] + [""] * (width - len(row)) if len(row) != width else row for row in rows]
    grid = lib.to_object_array(rows, min_width=width)
    first = grid[0, 0] if width else None
    numbers: dict[int, object] = {}
    texts: list[int] = []
    if not (isinstance(first, str) and first.startswith("\ufeff")):  # the parser strips a BOM
        for j in range(width):
            try:
                numbers[j] = lib.maybe_convert_numeric(grid[:, j], _MISSING, False)[0]
            except (ValueError, TypeError):  # texts: typed below
                texts.append(j)
        numbers.update(_text_columns(grid, texts))  # typed by the frame
    rest = [j for j in range(width) if j not in numbers]
    if rest:
        parser = TextParser(
            grid[:, rest].tolist() if numbers else rows, header=None,
            names=[names[j] for j in rest], keep_default_na=False, na_values=[""],
            skip_blank_lines=False,
        )  # fmt: skip
        parsed = parser.read()
        if not numbers:
            return _tidy(parsed)
        for j, name in zip(rest, parsed.columns, strict=True):
            numbers[j] = parsed[name]
    frame = _frame_of_arrays(names, [numbers[j] for j in range(width)], len(grid))
    if owned is not None:  # float columns as they are in the frame, whole numbers as floats
        for j, column in numbers.items():
            if isinstance(column, np.ndarray) and column.dtype.kind in "fiu":
                owned[names[j]] = column if column.dtype == np.float64 else column.astype(float)
    return _tidy(frame, [names[j] for j in rest]) if rest else frame  # numbers need none


def _frame_of_arrays(names: list[str], arrays: list, length: int):
    """The frame of ``arrays`` (numpy number arrays, object arrays of texts, or columns the
    parser typed), each column typed as ``pandas.DataFrame(dict)`` types it.

    Number and text arrays are handed to pandas as they are, the texts given pandas' text
    type first: the dict constructor looked at each of a small file's 34 columns again
    (0.50 of 0.70 ms a file, 1,000 files of 30 rows; 0.15 ms this way, issue 23). Any
    other column (a Series the parser typed) takes the dict constructor."""
    import numpy as np
    import pandas as pd

    from_arrays = getattr(pd.DataFrame, "_from_arrays", None)
    text = _text_dtype()
    columns = []
    for array in arrays:
        if not isinstance(array, np.ndarray) or from_arrays is None:
            columns = None
            break
        if array.dtype.kind == "O" and text != np.dtype(object):
            array = pd.array(array, dtype=text)
        elif array.dtype.kind not in "fiuO":
            columns = None
            break
        columns.append(array)
    if columns is None:
        return pd.DataFrame(dict(zip(names, arrays, strict=True)), copy=False)
    return from_arrays(
        columns, columns=pd.Index(names), index=pd.RangeIndex(length), verify_integrity=False
    )


@functools.cache
def _text_dtype():
    """The type pandas gives a column of texts with missing cells (``str`` from pandas 3,
    ``object`` before)."""
    import numpy as np
    import pandas as pd

    return pd.DataFrame({"t": np.array(["x", np.nan], dtype=object)})["t"].dtype


def _text_columns(grid: np.ndarray, columns: list[int]) -> dict[int, np.ndarray]:
    """The ``columns`` of ``grid`` that hold texts only, not all TRUE/FALSE, as the parser
    keeps them: the texts as they are, blank ones missing (as :func:`_tidy` makes them).
    Other columns (mixed cells, booleans, every cell blank) are left out: the parser and
    _tidy type those.

    The cells are hashed once, row by row (``factorize``), and every test looks at the
    distinct values only; each column is then built of one object per distinct text.
    calamine returns each cell as a string object of its own, allocated row by row: a
    pass down a column costs a cache miss a cell (40-60 ms a column of 200,000 rows), and
    the string test, the TRUE/FALSE test, the distinct values, the blank cells and the
    frame's own typing each took one (frame_from_rows 4.5 s of the 200,000-row workbook's
    34 text columns, issue 23). Rebuilt of a few objects, the frame's typing and the
    decoding after it hash texts whose hashes are cached, close together in memory.
    """
    import numpy as np
    import pandas as pd

    if not columns or not len(grid):
        return {}
    # a str never equals a value of another type: a distinct text stands for texts only
    codes, uniques = pd.factorize(grid[:, columns].ravel())  # None and NaN get -1
    codes = codes.reshape(len(grid), len(columns))
    uniques = np.asarray(uniques, dtype=object)
    text = np.fromiter((isinstance(u, str) for u in uniques), dtype=bool, count=len(uniques))
    word = np.fromiter((u in _BOOL_WORDS for u in uniques), dtype=bool, count=len(uniques))
    blank = np.fromiter(
        (not u.strip() if isinstance(u, str) else False for u in uniques),
        dtype=bool,
        count=len(uniques),
    )
    shown = uniques.copy()
    shown[blank] = np.nan
    found = {}
    for k, j in enumerate(columns):
        column = codes[:, k]
        if column.min() < 0:
            continue
        # the distinct values of the column, in time proportional to its cells (a count
        # per distinct value of the whole grid, for each of 20,000 columns, was quadratic)
        if len(uniques) <= len(column):
            present = np.flatnonzero(np.bincount(column, minlength=len(uniques)))
        else:
            present = np.unique(column)
        if text[present].all() and not word[present].all() and not blank[present].all():
            found[j] = shown.take(column)
    return found


_MISSING = {""}  # the parser's missing values with keep_default_na=False, na_values=[""]
#: texts the parser reads as booleans (pandas' default true and false values), and ""
_BOOL_WORDS = frozenset({"", "True", "TRUE", "true", "False", "FALSE", "false"})


# ------------------------------------------------------------------------ CSV


#: ``prepare(names, alternates)`` gives the dtype of some columns from the header alone
Prepare = Callable[[list[str], Mapping[str, tuple[str, ...]]], dict[str, str]]


def read_csv(
    path: Path, header: HeaderRule | None = None, prepare: Prepare | None = None
) -> RawTable:
    """Read a CSV file, sniffing its encoding and its delimiter.

    ``header`` tells the header rows from the first three records (default: the
    first record). ``prepare(names, alternates)`` may give dtypes by column: role
    columns parsed as categories and items as floats save time and memory on large
    files.
    """
    from . import csv_pieces
    from .csv_pieces import NUL

    with path.open("rb") as fh:
        head = fh.read(_SNIFF_BYTES)
    encoding = sniff_encoding(head, path)
    large = csv_pieces.worth_splitting(path, encoding)
    # NUL bytes: a large file's rows are looked through by the scan that cuts it into
    # pieces, below; here, the lines sniffed (all of the file when they run on past the
    # sniffed bytes), or all of a file read in one piece
    checked = len(head)
    if not encoding.startswith("utf-16") and (
        not large or NUL in head or head.count(b"\n") < _SNIFF_LINES
    ):
        _guard_nul(path)
        checked = path.stat().st_size
    lines = _first_lines(head.decode(encoding, errors="ignore"), head, path, encoding)
    delimiter = sniff_delimiter(lines)
    try:
        records = csv.reader(io.StringIO(lines, newline=""), delimiter=delimiter)
        first = list(itertools.islice(records, _SNIFF_LINES))
    except csv.Error as exc:  # a cell over 128 KB
        raise SurveyReadError(Message("error.csv_unreadable", path=path, problem=exc)) from None
    if not first or not any(c.strip() for c in first[0]):
        raise SurveyReadError(Message("error.csv_empty", path=path))
    spec = (header or one_header_row)(first, None)
    dtypes = prepare(spec.names, spec.alternates) if prepare else {}
    width = _record_width(lines, delimiter, spec.rows)
    # A large file is cut into pieces for parsing (and looked through for NUL bytes)
    # on a thread while pandas is imported: that work needs no pandas.
    scanning = csv_pieces.start_scan(path, head, spec.rows, delimiter, checked) if large else None
    if large and scanning is None:  # header rows past the bytes looked through: one piece
        _guard_nul(path)
    import pandas as pd

    pieces = _scanned(path, scanning)
    if pieces is not None:  # parsed on threads in C, which leave the interpreter free
        _import_while_parsing()
    try:
        try:
            frame, owned = _parse_csv(path, delimiter, encoding, spec, dtypes, width, pieces)
        except UnicodeDecodeError as exc:
            if encoding != "utf-8":
                raise
            _guard_mixed_encoding(path, exc)
            encoding = "cp1252"  # Danish Excel's default; UTF-8 failed past the sniffed sample
            frame, owned = _parse_csv(path, delimiter, encoding, spec, dtypes, width, pieces)
    except UnicodeDecodeError:
        raise SurveyReadError(Message("error.decode", path=path, encoding=encoding)) from None
    except pd.errors.EmptyDataError:
        frame, owned = pd.DataFrame(columns=spec.names), {}
    except SurveyReadError:  # already says what is wrong (it is a ValueError too)
        raise
    except (pd.errors.ParserError, ValueError) as exc:
        raise SurveyReadError(
            Message("error.at", where=path, problem=_parser_problem(exc, len(spec.names)))
        ) from exc
    table = RawTable(
        _without_trailing_blank_lines(_tidy(frame)),
        path,
        None,
        encoding=encoding,
        delimiter=delimiter,
        header_row=spec.rows,
        layout=spec.layout or "plain",
        alternates=spec.alternates,
        duplicates=spec.duplicates,
        owned=owned,
    )
    _check_not_empty(table)
    return table


#: Modules imported on a thread while a large CSV is parsed in pieces: every command
#: then decides the survey's anonymity pattern, whose lattice is a scipy.sparse matrix.
#: Imported there, on the pattern's own thread, they took 70-90 ms of a million rows'
#: critical path; during the parse, whose threads run in C without the interpreter
#: lock, the pattern took 0.22-0.24 s instead of 0.32-0.37 s (issue 23).
IMPORT_WHILE_PARSING = ("scipy.sparse",)


def _import_while_parsing() -> None:
    import importlib
    import sys

    from ..scipy_import import defer_numpy_extras

    missing = [name for name in IMPORT_WHILE_PARSING if name not in sys.modules]
    if missing:
        defer_numpy_extras()  # on this thread, before the background import (scipy_import)
    for name in missing:
        in_background(importlib.import_module, name)


def _first_lines(sample: str, head: bytes, path: Path, encoding: str) -> str:
    """The sniffed sample; when the header is longer than the sample, more of the file."""
    if sample.count("\n") >= _SNIFF_LINES or len(head) < _SNIFF_BYTES:
        return sample
    with path.open("rb") as fh:  # a very wide header: read on to the end of the third line
        data = fh.read(64 * _SNIFF_BYTES)
    return data.decode(encoding, errors="ignore")


def _scanned(path: Path, scanning: Future[Scan] | None) -> list | None:
    """The pieces of a scan (:func:`.csv_pieces.start_scan`), once no NUL byte was found
    (else the clear error, naming the line)."""
    if scanning is None:
        return None
    found = scanning.result()
    if found.nul or not found.complete:  # the error names the line; or look at every byte
        _guard_nul(path)
    return found.pieces


def _parse_csv(
    path: Path,
    delimiter: str,
    encoding: str,
    spec: HeaderSpec,
    dtypes=None,
    width: int = 0,
    pieces: list | None = None,
) -> tuple[pd.DataFrame, dict]:
    """Parse the rows; when a column given as ``float64`` holds text (answer labels),
    parse again with only the other dtypes. ``width``: the cells of the first data row.

    A large file is parsed in ``pieces`` on several threads (:mod:`.csv_pieces`); the
    float arrays it allocated come back with the frame, for decoding in place.
    """
    import numpy as np
    import pandas as pd

    from .csv_pieces import parse_in_pieces

    options = dict(
        sep=delimiter, encoding=encoding, header=None, index_col=False,
        keep_default_na=False, na_values=[""], skip_blank_lines=False, on_bad_lines="error",
    )  # fmt: skip

    def parse(names, dtypes):
        parsed = parse_in_pieces(path, pieces, options, names, dtypes)
        if parsed is not None:
            return parsed
        frame = pd.read_csv(path, names=names, dtype=dtypes or None, skiprows=spec.rows, **options)
        return frame, {}

    def parse_floats_first(names, dtypes):
        with warnings.catch_warnings():  # pandas drops cells past the width of `names`
            warnings.simplefilter("error", pd.errors.ParserWarning)
            try:
                return parse(names, dtypes)
            except ValueError as exc:
                if isinstance(exc, pd.errors.ParserError | UnicodeDecodeError):
                    raise
                general = {c: kind for c, kind in dtypes.items() if kind != "float64"}
                if general == dtypes:
                    raise
                return parse(names, general)

    # Rows wider than the header: read with extra columns, which must then be empty (a
    # trailing delimiter); pandas would drop their cells with no more than a warning.
    extra = max(width - len(spec.names), 0)
    for _ in range(MAX_EXTRA_CELLS + 1):
        names = spec.names + [f"\0extra {k}" for k in range(extra)]
        extras = dict.fromkeys(names[len(spec.names) :], "object")
        try:
            frame, owned = parse_floats_first(names, (dtypes or {}) | extras)
            break
        except pd.errors.ParserWarning:  # the first row is wider than the sample showed
            wider = _record_width(_head_text(path, encoding), delimiter, spec.rows)
            if wider - len(spec.names) > MAX_EXTRA_CELLS or wider <= len(names):
                problem = _too_wide(spec.rows + 1, wider, len(spec.names))
                raise SurveyReadError(Message("error.at", where=path, problem=problem)) from None
        except pd.errors.ParserError as exc:  # a later row is wider: by how much?
            wider = _cells_seen(exc)
            if wider is None or wider - len(spec.names) > MAX_EXTRA_CELLS:
                raise
        extra = wider - len(spec.names)
    if not extras:
        return frame, owned
    filled = _filled(frame[list(extras)])  # rows x extra cells
    if filled.any():  # cells past the header hold something: nothing may be dropped
        row = int(np.flatnonzero(filled.any(axis=1))[0])
        cells = len(spec.names) + 1 + int(np.flatnonzero(filled[row])[-1])
        message = _too_wide(spec.rows + 1 + row, cells, len(spec.names))
        raise SurveyReadError(Message("error.at", where=path, problem=message))
    return frame.drop(columns=list(extras)), owned


#: extra cells allowed past the header, when they are empty (trailing delimiters)
MAX_EXTRA_CELLS = 16


def _too_wide(row: int | str, cells: int | str, header: int) -> str:
    return Message("error.too_wide", row=row, cells=cells, header=header)


def _cells_seen(exc: Exception) -> int | None:
    """The cells of the row pandas' "Expected n fields in line l, saw m" complains of."""
    match = re.search(r"Expected \d+ fields in line \d+, saw (\d+)", str(exc))
    return int(match.group(1)) if match else None


def _head_text(path: Path, encoding: str) -> str:
    with path.open("rb") as fh:
        return fh.read(4 * _SNIFF_BYTES).decode(encoding, errors="ignore")


def _record_width(text: str, delimiter: str, skip: int) -> int:
    """The number of cells of the first record of ``text`` after ``skip`` records
    (0 when ``text`` holds no such record or the csv module cannot read it)."""
    records = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        return len(next(itertools.islice(records, skip, None), []))
    except csv.Error:  # a cell longer than the csv module's limit: pandas will tell
        return 0


def _filled(frame: pd.DataFrame) -> np.ndarray:
    """Which cells hold more than white space (rows x columns)."""
    import numpy as np

    return np.column_stack(
        [(c.notna() & (c.astype(str).str.strip() != "")).to_numpy() for _, c in frame.items()]
    )


def _parser_problem(exc: Exception, header: int) -> str:
    """What pandas' parser error means, for a header ``header`` cells wide (pandas counts
    from a first row wider than the header, or from names added past it)."""
    text = _first_line(exc)
    match = re.search(r"Expected \d+ fields in line (\d+), saw (\d+)", text)
    if match:
        return _too_wide(match.group(1), match.group(2), header)
    return Message("error.csv_parse", problem=text)


def sniff_encoding(head: bytes, path: Path | None = None) -> str:
    """Encoding of a text file from its first bytes.

    A byte-order mark decides (UTF-8, UTF-16); NUL bytes without one mean UTF-16;
    otherwise UTF-8 when the sample decodes, else cp1252 (Danish Excel's CSV).
    """
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    if b"\x00" in head[:4096]:
        even, odd = head[0:4096:2].count(0), head[1:4096:2].count(0)
        if max(even, odd) > len(head[:4096]) // 4:
            return "utf-16-be" if even > odd else "utf-16-le"
        line = head[: head.index(b"\x00")].count(b"\n") + 1
        raise SurveyReadError(Message("error.nul", path=path, line=line))
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start < len(head) - 4:  # not just a character cut at the sample's end
            _guard_mixed_encoding(path, exc, head)
            return "cp1252"
    return "utf-8"


def _guard_nul(path: Path) -> None:
    with path.open("rb") as fh, mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ) as data:
        at = data.find(b"\x00")
        if at >= 0:
            line = data[:at].count(b"\n") + 1
            raise SurveyReadError(Message("error.nul", path=path, line=line))


_UTF8_LETTER = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}")


def _guard_mixed_encoding(path: Path | None, exc: UnicodeDecodeError, data: bytes | None = None):
    """A file with valid UTF-8 letters and bytes that are not UTF-8 mixes two encodings."""
    if data is None and path is not None:
        data = path.read_bytes()
    if data is not None and _UTF8_LETTER.search(data):
        bad = _first_invalid_utf8(data)
        line = data[:bad].count(b"\n") + 1
        raise SurveyReadError(Message("error.mixed_encoding", path=path, line=line))


def _first_invalid_utf8(data: bytes) -> int:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        return exc.start
    return 0


def sniff_delimiter(sample: str) -> str:
    """The delimiter among ``,`` ``;`` and tab that splits the sample most consistently."""
    lines = sample.splitlines()[:50]
    if len(sample) >= _SNIFF_BYTES // 2 and len(lines) > 1:
        lines = lines[:-1]  # the last line may be cut off
    text = "\n".join(lines)
    best, best_score = ",", (-1, 0)
    for delim in DELIMITERS:
        rows = csv.reader(io.StringIO(text, newline=""), delimiter=delim)
        try:
            counts = [len(row) for row in rows if row]
        except csv.Error:  # a cell over 128 KB: a wide header split by another delimiter
            continue
        if not counts:
            continue
        header = counts[0]
        consistent = sum(c == header for c in counts)
        score = (consistent if header > 1 else 0, header)
        if score > best_score:
            best, best_score = delim, score
    return best


# -------------------------------------------------------------------- headers


#: ``rule(first, sheet)`` tells the header of a table from its first rows (cells as text)
#: and its sheet name (``None`` for CSV)
HeaderRule = Callable[[list[list[str]], "str | None"], HeaderSpec]


def one_header_row(first: Sequence[Sequence[str]], sheet: str | None = None) -> HeaderSpec:
    """The first row as the header, with no layout of its own (the default rule)."""
    names, duplicates = unique_names(first[0] if first else [])
    return HeaderSpec(1, names, {}, duplicates)


def unique_names(headers: Sequence[object]) -> tuple[list[str], dict[str, tuple[int, ...]]]:
    """Header texts made unique (``"Q (2)"``), blank ones named by position, and the repeats."""
    names, seen, positions = [], {}, {}
    for i, raw in enumerate(headers):
        text = " ".join(_text(raw).split())
        if not text:
            text = f"(column {i + 1})"
        positions.setdefault(text, []).append(i + 1)
        count = seen.get(text, 0) + 1
        seen[text] = count
        names.append(text if count == 1 else f"{text} ({count})")
    duplicates = {t: tuple(p) for t, p in positions.items() if len(p) > 1}
    return names, duplicates


# ---------------------------------------------------------------------- shared


def _text(value: object) -> str:
    if value is None or (isinstance(value, float) and value != value):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _blank(value: object) -> bool:
    return _text(value).strip() == ""


def _tidy(frame: pd.DataFrame, names: list[str] | None = None) -> pd.DataFrame:
    """Cells holding only white space become missing (in the columns ``names``, else all)."""
    import numpy as np
    import pandas as pd

    dtypes = frame.dtypes if names is None else frame.dtypes[names]
    for name in [n for n, d in dtypes.items() if not pd.api.types.is_numeric_dtype(d)]:
        col = frame[name]
        if isinstance(col.dtype, pd.CategoricalDtype):
            blank = [c for c in col.cat.categories if isinstance(c, str) and not c.strip()]
            if blank:
                frame[name] = col.cat.remove_categories(blank)
            continue
        uniques = pd.unique(col.to_numpy())  # on the array: ten times faster on small files
        blank = [u for u in uniques if isinstance(u, str) and not u.strip()]
        if blank:
            frame[name] = col.mask(col.isin(blank), np.nan)
    return frame


def _without_trailing_blank_lines(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame without the blank lines (or lines of empty cells) a CSV file ends with:
    they are no rows (LimeSurvey ends its export with one; it was counted as a row read
    and excluded as empty). Looks at the last rows only, one at a time."""
    end = len(frame)
    while end and frame.iloc[end - 1].isna().all():
        end -= 1
    return frame if end == len(frame) else frame.iloc[:end]


def _check_not_empty(table: RawTable) -> None:
    import numpy as np

    frame = table.frame
    if len(frame) and any(not np.isnan(a).all() for a in table.owned.values()):
        return  # a number column with a value, seen on its array (a Series per column cost
        # 1 ms a file of 1,000 small ones)
    # column by column: stops at the first column with a value
    filled = (frame.iloc[:, j].notna().any() for j in range(frame.shape[1]))
    if frame.shape[0] == 0 or not any(filled):
        raise SurveyReadError(Message("error.no_answers", where=table.where))


def _unreadable_workbook(path: Path, exc: Exception) -> InputFileError:
    with path.open("rb") as fh:
        magic = fh.read(8)
    if magic.startswith(b"\xd0\xcf\x11\xe0") and path.suffix.lower() in (".xlsx", ".xlsm"):
        hint = Message("error.workbook.encrypted")
    elif not magic.startswith((b"PK", b"\xd0\xcf\x11\xe0")):
        hint = Message("error.workbook.not_spreadsheet")
    else:
        hint = Message("error.workbook.damaged", problem=_first_line(exc))
    return InputFileError(Message("error.workbook", path=path, hint=hint))


def _first_line(exc: Exception) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__
