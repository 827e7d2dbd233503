"""Reading one sheet of a spreadsheet or CSV file into a raw frame.

Spreadsheets (xlsx, xlsm, xls, xlsb, ods) are read through pandas' calamine
engine; CSV files through pandas' C parser after the encoding and the
delimiter have been sniffed. Every failure becomes an :class:`InputFileError`
or :class:`SurveyReadError` whose message names the file and the sheet.
"""

from __future__ import annotations

import codecs
import csv
import io
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import InputFileError, SurveyReadError

if TYPE_CHECKING:
    import pandas as pd

SPREADSHEET_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".xlsb", ".ods")
TEXT_SUFFIXES = (".csv", ".tsv", ".txt")
SUPPORTED = SPREADSHEET_SUFFIXES + TEXT_SUFFIXES
DELIMITERS = (",", ";", "\t")
_SNIFF_BYTES = 256 * 1024


@dataclass(frozen=True)
class RawTable:
    """One sheet as read: header texts as columns, cells as read, and where it came from."""

    frame: pd.DataFrame
    path: Path
    sheet: str | None  # None for CSV
    encoding: str | None = None
    delimiter: str | None = None
    header_row: int = 1  # 1-based row of the header; data starts on the next row

    @property
    def where(self) -> str:
        """``file`` or ``file, sheet 'name'`` for messages."""
        return f"{self.path}, sheet '{self.sheet}'" if self.sheet else str(self.path)


def check_input_path(path: Path) -> None:
    """Raise a clear error when ``path`` cannot be an input file."""
    if not path.exists():
        raise InputFileError(f"{path}: no such file. Check the path and the file name.")
    if path.is_dir():
        raise InputFileError(f"{path}: is a folder; give a survey file inside it.")
    if path.stat().st_size == 0:
        raise SurveyReadError(f"{path}: the file is empty (0 bytes). Export the survey again.")


def list_sheets(path: Path) -> list[str]:
    """Sheet names of a spreadsheet, in workbook order."""
    from python_calamine import CalamineWorkbook

    try:
        return list(CalamineWorkbook.from_path(str(path)).sheet_names)
    except Exception as exc:  # calamine raises several unrelated types
        raise _unreadable_workbook(path, exc) from exc


def read_sheet(path: Path, sheet: str | int | None = None) -> RawTable:
    """Read one sheet of a spreadsheet, or a CSV file, with its header row.

    ``sheet`` is a sheet name or a 1-based sheet number; ``None`` is the first sheet.
    """
    check_input_path(path)
    suffix = path.suffix.lower()
    if suffix in SPREADSHEET_SUFFIXES:
        return _read_spreadsheet(path, sheet)
    if suffix in TEXT_SUFFIXES:
        if sheet is not None:
            raise SurveyReadError(f"{path}: --sheet applies to spreadsheets, not to CSV files.")
        return read_csv(path)
    raise InputFileError(
        f"{path}: unsupported file type '{path.suffix or '(none)'}'. partnerkit reads "
        f"{', '.join(SUPPORTED)}; export the survey in one of them."
    )


def resolve_sheet(path: Path, sheet: str | int | None, names: list[str]) -> str:
    """The sheet name that ``sheet`` (name, 1-based number or None) refers to."""
    if not names:
        raise SurveyReadError(f"{path}: the workbook has no sheets.")
    if sheet is None:
        return names[0]
    if isinstance(sheet, str) and sheet in names:
        return sheet
    if isinstance(sheet, str):
        lowered = {n.casefold().strip(): n for n in names}
        if sheet.casefold().strip() in lowered:
            return lowered[sheet.casefold().strip()]
    if str(sheet).isdigit() and 1 <= int(sheet) <= len(names):
        return names[int(sheet) - 1]
    listed = ", ".join(f"'{n}'" for n in names)
    raise SurveyReadError(
        f"{path}: no sheet '{sheet}'. The workbook has {listed}; choose one with --sheet."
    )


def _read_spreadsheet(path: Path, sheet: str | int | None) -> RawTable:
    import pandas as pd

    name = resolve_sheet(path, sheet, list_sheets(path))
    try:
        frame = pd.read_excel(path, sheet_name=name, engine="calamine", header=0)
    except ValueError as exc:
        if "empty" in str(exc).lower() or "no columns" in str(exc).lower():
            frame = pd.DataFrame()
        else:
            raise _unreadable_workbook(path, exc) from exc
    except Exception as exc:
        raise _unreadable_workbook(path, exc) from exc
    table = RawTable(frame=_tidy(frame), path=path, sheet=name)
    _check_not_empty(table)
    return table


def read_csv(path: Path) -> RawTable:
    """Read a CSV file, sniffing its encoding and its delimiter (``,`` ``;`` or tab)."""
    import pandas as pd

    with path.open("rb") as fh:
        head = fh.read(_SNIFF_BYTES)
    encoding = sniff_encoding(head, path)
    sample = _decode_sample(head, encoding)
    delimiter = sniff_delimiter(sample)
    try:
        try:
            frame = _parse_csv(path, delimiter, encoding)
        except UnicodeDecodeError:
            if encoding != "utf-8":
                raise
            encoding = "cp1252"  # Danish Excel's default; UTF-8 failed past the sniffed sample
            frame = _parse_csv(path, delimiter, encoding)
    except UnicodeDecodeError:
        raise SurveyReadError(
            f"{path}: cannot decode the file as {encoding}. Save it as UTF-8 and try again."
        ) from None
    except pd.errors.EmptyDataError:
        frame = pd.DataFrame()
    except (pd.errors.ParserError, ValueError) as exc:
        raise SurveyReadError(f"{path}: cannot parse the CSV ({_first_line(exc)}).") from exc
    table = RawTable(_tidy(frame), path, None, encoding=encoding, delimiter=delimiter)
    _check_not_empty(table)
    return table


def _parse_csv(path: Path, delimiter: str, encoding: str) -> pd.DataFrame:
    import pandas as pd

    return pd.read_csv(
        path,
        sep=delimiter,
        encoding=encoding,
        keep_default_na=False,
        na_values=[""],
        skip_blank_lines=False,
    )


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
        raise SurveyReadError(
            f"{path}: contains NUL bytes and is not UTF-16 text; it is probably not a CSV file."
        )
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start < len(head) - 4:  # not just a character cut at the sample's end
            return "cp1252"
    return "utf-8"


def _decode_sample(head: bytes, encoding: str) -> str:
    return head.decode(encoding, errors="ignore")


def sniff_delimiter(sample: str) -> str:
    """The delimiter among ``,`` ``;`` and tab that splits the sample most consistently."""
    lines = sample.splitlines()[:50]
    if len(sample) >= _SNIFF_BYTES // 2 and len(lines) > 1:
        lines = lines[:-1]  # the last line may be cut off
    text = "\n".join(lines)
    best, best_score = ",", (-1, 0)
    for delim in DELIMITERS:
        counts = [len(row) for row in csv.reader(io.StringIO(text), delimiter=delim) if row]
        if not counts:
            continue
        header = counts[0]
        consistent = sum(c == header for c in counts)
        score = (consistent if header > 1 else 0, header)
        if score > best_score:
            best, best_score = delim, score
    return best


def _tidy(frame: pd.DataFrame) -> pd.DataFrame:
    """Header texts as stripped strings; cells holding only white space become missing."""
    import numpy as np
    import pandas as pd

    frame.columns = [
        "" if (isinstance(c, float) and c != c) else " ".join(str(c).split()) for c in frame.columns
    ]
    frame.columns = [  # pandas names a blank header "Unnamed: <index>"
        f"(column {i + 1})" if not c or (c.startswith("Unnamed: ") and c[9:].isdigit()) else c
        for i, c in enumerate(frame.columns)
    ]
    for name in frame.columns[frame.dtypes.map(lambda d: not pd.api.types.is_numeric_dtype(d))]:
        col = frame[name]
        uniques = col.dropna().unique()
        blank = [u for u in uniques if isinstance(u, str) and not u.strip()]
        if blank:
            frame[name] = col.mask(col.isin(blank), np.nan)
    return frame


def _check_not_empty(table: RawTable) -> None:
    frame = table.frame
    if frame.shape[1] == 0 or (frame.shape[0] == 0 and not any(frame.columns)):
        raise SurveyReadError(f"{table.where}: is empty. Export the survey with its answers.")
    if frame.shape[0] == 0:
        raise SurveyReadError(
            f"{table.where}: has a header row but no answers. Export the survey with responses."
        )


def _unreadable_workbook(path: Path, exc: Exception) -> InputFileError:
    with path.open("rb") as fh:
        magic = fh.read(8)
    if magic.startswith(b"\xd0\xcf\x11\xe0") and path.suffix.lower() in (".xlsx", ".xlsm"):
        hint = "it looks password-protected (encrypted); save an unprotected copy and try again"
    elif not magic.startswith((b"PK", b"\xd0\xcf\x11\xe0")):
        hint = "it is not a spreadsheet; if it is a CSV file, give it the .csv extension"
    else:
        hint = f"it may be damaged ({_first_line(exc)}); open and save it again in Excel"
    return InputFileError(f"{path}: cannot read the workbook: {hint}.")


def _first_line(exc: Exception) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__
