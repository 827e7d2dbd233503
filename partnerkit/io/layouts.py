"""Survey platform layouts: recognising which platform wrote an export, and reading it.

A file's layout is decided here, once, together with its header rows
(:func:`detect_header`): one row (most exports), two rows (SurveyMonkey: question
text above a matrix, statements below) or three rows (Qualtrics: export tags,
question texts, ImportId JSON). Single-table layouts (plain, Microsoft Forms,
Google Forms, Qualtrics, SurveyMonkey) are then read by :mod:`.files`. Layouts
spread over several tables are read here:

* **SurveyXact**: a workbook with sheets ``Dataset`` (variable names, numeric
  codes; large exports split over ``Dataset(1)``, ``Dataset(2)``...),
  ``Structure`` or ``Variables`` (question texts, ``Stem - item`` statements)
  and ``Labels`` (no header: variable, code, label); or the same three tables
  as ``dataset.csv``, ``structure.csv`` and ``labels.csv`` in one folder.
  Codes are decoded to their labels, so "Ved ikke"/"Vet ikke" become missing
  wherever they sit in the code list, and question texts map the columns.
* **SPSS** ``.sav`` through pyreadstat (the ``spss`` extra): value labels
  decode codes, user-missing codes become missing, variable labels map columns.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache, partial
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import InputFileError, OptionError, SurveyReadError
from ..i18n import Message
from .files import (
    SPREADSHEET_SUFFIXES,
    SPSS_SUFFIXES,
    HeaderSpec,
    Prepare,
    RawTable,
    check_input_path,
    list_sheets,
    read_csv,
    read_sheet,
    sheet_rows,
    unique_names,
)
from .mapping import compact

if TYPE_CHECKING:
    import pandas as pd

#: Layout names as reported in ``validate`` and in JSON ``meta.files[].layout``.
LAYOUTS = {
    "plain": "plain table (one header row)",
    "microsoft_forms": "Microsoft Forms",
    "google_forms": "Google Forms",
    "qualtrics": "Qualtrics",
    "surveymonkey": "SurveyMonkey",
    "surveyxact": "SurveyXact",
    "spss": "SPSS",
}
SURVEYXACT_FILES = ("dataset.csv", "structure.csv", "labels.csv")

_MS_FORMS = ({"starttime", "starttidspunkt"}, {"completiontime", "fuldførelsestidspunkt"})
_GOOGLE = {"timestamp", "tidsstempel"}
_QUALTRICS = {"responseid", "startdate", "enddate", "recordeddate", "distributionchannel"}
_SURVEYMONKEY = {"respondentid", "collectorid"}
_IMPORT_ID = '{"importid"'
_MONKEY_MARKS = {"response", "open-ended response"}


def detect_layout(headers: Sequence[str], sheet: str | None = None) -> str:
    """The most likely layout of a one-table export with these headers (``"plain"`` if unsure)."""
    return _detect_layout(tuple(headers), sheet)


@lru_cache(maxsize=256)
def _detect_layout(headers: tuple[str, ...], sheet: str | None) -> str:
    """:func:`detect_layout`, once per header (0.3 ms a file of many with one header)."""
    keys = {compact(h) for h in headers}
    if all(keys & names for names in _MS_FORMS):
        return "microsoft_forms"
    if headers and compact(headers[0]) in _GOOGLE:
        return "google_forms"
    if len(keys & _QUALTRICS) >= 2:
        return "qualtrics"
    if keys >= _SURVEYMONKEY:
        return "surveymonkey"
    if (sheet or "").casefold().startswith("dataset") or any(k.startswith("stato") for k in keys):
        return "surveyxact"
    return "plain"


def detect_header(
    first: Sequence[Sequence[str]],
    sheet: str | None = None,
    layout: str | None = None,
    where: str | None = None,
) -> HeaderSpec:
    """The header rows and the layout of a table, from its first rows (cells as text).

    Qualtrics, three header rows: the third holds ``{"ImportId": ...}`` cells (the
    2016-17 exporter wrote ``{'ImportId': ...}`` with single quotes); the first row gives
    the names (export tags), the second the question texts. Qualtrics' legacy exporter,
    two header rows: ``V1``, ``V2``... then the export tags above ``ResponseID``... and
    the question texts. SurveyMonkey: the first row has ``Respondent ID`` and ``Collector
    ID``, the second row ``Response`` or the statements of a matrix under its question
    text. Anything else: one header row, and the layout its names show
    (:func:`detect_layout`).

    ``layout`` forces a layout (and its header rows) instead of recognising it; rows it
    would take as headers that look like answers are refused (``where`` names the file
    in that error), so that no respondent is dropped silently.
    """
    rows = [list(r) for r in first]
    top = rows[0] if rows else []
    variant = qualtrics_variant(rows)
    if layout == "qualtrics" and variant is None:
        variant = "three rows" if len(rows) >= 3 else None
        _check_header_rows(rows[1:3], layout, where or "", sheet)
    if layout in (None, "qualtrics") and variant == "legacy":
        return _qualtrics_legacy(rows)
    if layout in (None, "qualtrics") and variant is not None:
        second = rows[1] + [""] * (len(top) - len(rows[1]))
        names, duplicates = unique_names(top)
        alternates = {n: (s.strip(),) for n, s in zip(names, second, strict=False) if s.strip()}
        return HeaderSpec(3, names, alternates, duplicates, "qualtrics")
    folded = {c.strip().casefold() for c in top}
    monkey = {"respondent id", "collector id"} <= folded
    if layout == "surveymonkey":
        _check_header_rows(rows[1:2], layout, where or "", sheet)
    if len(rows) >= 2 and ((layout is None and monkey) or layout == "surveymonkey"):
        second = rows[1] + [""] * (len(top) - len(rows[1]))
        combined, question = [], ""
        for stem, below in zip(top, second, strict=False):
            stem, below = stem.strip(), below.strip()
            question = stem or question  # a matrix's question stands above its first column
            if not below or below.casefold() in _MONKEY_MARKS:
                combined.append(stem or question)
            else:
                combined.append(f"{question} - {below}" if question else below)
        names, duplicates = unique_names(combined)
        return HeaderSpec(2, names, {}, duplicates, "surveymonkey")
    names, duplicates = unique_names(top)
    return HeaderSpec(1, names, {}, duplicates, layout or detect_layout(names, sheet))


_LEGACY_TAG = re.compile(r"V\d+")


def qualtrics_variant(rows: Sequence[Sequence[str]]) -> str | None:
    """Which Qualtrics exporter wrote these first rows: ``"current"`` (third row
    ``{"ImportId": ...}``), ``"2016-17"`` (``{'ImportId': ...}``), ``"legacy"`` (``V1``,
    ``V2``... above ``ResponseID``...), or ``None``."""
    if len(rows) >= 3:
        third = {c.strip().casefold()[:11] for c in rows[2] if c.strip()}
        if _IMPORT_ID in third:
            return "current"
        if _IMPORT_ID.replace('"', "'") in third:
            return "2016-17"
    if len(rows) >= 2 and len(rows[0]) >= 2 and len(rows[1]) >= 1:
        tags = [c.strip() for c in rows[0][:2]]
        if all(_LEGACY_TAG.fullmatch(t) for t in tags) and compact(rows[1][0]) == "responseid":
            return "legacy"
    return None


def _qualtrics_legacy(rows: list[list[str]]) -> HeaderSpec:
    """The legacy exporter's two rows: ``V1..V10`` stand above the response's own fields
    (``ResponseID``, ``StartDate``...), which name those columns; the export tags
    (``Q1``, ``Q2_1``) name the others, their question texts (row 2) are alternates."""
    top = rows[0]
    second = rows[1] + [""] * (len(top) - len(rows[1]))
    chosen = [
        below if _LEGACY_TAG.fullmatch(tag.strip()) and below.strip() else tag
        for tag, below in zip(top, second, strict=False)
    ]
    names, duplicates = unique_names(chosen)
    alternates = {
        n: (s.strip(),)
        for n, s, c in zip(names, second, chosen, strict=False)
        if s.strip() and s.strip() != c.strip()
    }
    return HeaderSpec(2, names, alternates, duplicates, "qualtrics")


_NUMBER = re.compile(r"[-+]?(\d+([.,]\d*)?|[.,]\d+)([eE][-+]?\d+)?")
_DATE = re.compile(r"\d{1,4}[-/.]\d{1,2}[-/.]\d{1,4}\b|\d{1,2}:\d{2}(:\d{2})?\b")


def _check_header_rows(
    rows: Sequence[Sequence[str]], layout: str, where: str, sheet: str | None
) -> None:
    """Refuse a forced layout whose header rows (after the first) look like answers: a
    date or time (every platform stamps a response; no header row holds one), a number
    in the first filled cell (a respondent or row number), or numbers in more than a
    quarter of the filled cells. Reading such a row as a header would drop a respondent
    silently (``--layout qualtrics`` on a Microsoft Forms file read 291 of 293 rows)."""
    place = f"{where}, sheet '{sheet}'" if sheet and where else where or "the file"
    for offset, row in enumerate(rows, start=2):
        filled = [c.strip() for c in row if c.strip()]
        if not filled:
            continue
        dates = [c for c in filled if _DATE.match(c)]
        numbers = [c for c in filled if _NUMBER.fullmatch(c)]
        if dates:
            why = Message("layout.why_dates", value=dates[0])
        elif _NUMBER.fullmatch(filled[0]) and row[0].strip():
            why = Message("layout.why_first_number", value=filled[0])
        elif len(numbers) * 4 > len(filled):
            why = Message("layout.why_numbers", numbers=len(numbers), filled=len(filled))
        else:
            continue
        raise SurveyReadError(
            Message("error.layout_answers", place=place, layout=layout, row=offset, why=why)
        )


def read_export(
    path: Path,
    sheet: str | int | None = None,
    layout: str | None = None,
    prepare: Prepare | None = None,
) -> RawTable:
    """Read one export in its layout (detected, or forced with ``layout``).

    ``prepare`` lets a plain CSV skip columns and type role columns while parsing.
    """
    if layout is not None and layout not in LAYOUTS:
        raise OptionError(
            Message("error.layout_unknown", layout=layout, choices=", ".join(LAYOUTS))
        )
    folder = _surveyxact_folder(path)
    if layout in (None, "surveyxact") and folder is not None:
        return read_surveyxact_csv(folder)
    check_input_path(path)
    if layout == "surveyxact" and path.suffix.lower() not in SPREADSHEET_SUFFIXES:
        raise SurveyReadError(Message("error.not_surveyxact", path=path))
    suffix = path.suffix.lower()
    if suffix in SPSS_SUFFIXES or layout == "spss":
        return read_spss(path)
    if suffix in SPREADSHEET_SUFFIXES and sheet is None and layout in (None, "surveyxact"):
        names = list_sheets(path)
        if _surveyxact_sheets(names) is not None:
            return read_surveyxact_workbook(path, names)
        if layout == "surveyxact":
            sheets = ", ".join(repr(n) for n in names)
            raise SurveyReadError(Message("error.not_surveyxact_sheets", path=path, sheets=sheets))
    return read_sheet(path, sheet, partial(detect_header, layout=layout, where=str(path)), prepare)


# ------------------------------------------------------------------- SurveyXact


def _surveyxact_folder(path: Path) -> Path | None:
    """The folder of a SurveyXact CSV export given as the folder or one of its files."""
    folder = path if path.is_dir() else path.parent
    if not path.is_dir() and path.name.lower() not in SURVEYXACT_FILES:
        return None
    present = {p.name.lower() for p in folder.iterdir()} if folder.is_dir() else set()
    if {"dataset.csv", "labels.csv"} <= present:
        return folder
    return None


def _surveyxact_sheets(names: list[str]) -> tuple[list[str], str | None, str] | None:
    lowered = {n.casefold(): n for n in names}
    datasets = [n for n in names if n.casefold().replace(" ", "").startswith("dataset")]
    labels = lowered.get("labels")
    structure = lowered.get("structure") or lowered.get("variables")
    if datasets and labels:
        return datasets, structure, labels
    return None


def read_surveyxact_workbook(path: Path, names: list[str]) -> RawTable:
    """A SurveyXact Excel export: Dataset sheet(s) decoded with Labels, mapped with Structure."""
    from .files import frame_from_rows

    found = _surveyxact_sheets(names)
    if found is None:
        raise SurveyReadError(Message("error.not_surveyxact_workbook", path=path))
    datasets, structure_sheet, labels_sheet = found
    parts = []
    for name in datasets:
        _, rows = sheet_rows(path, name)
        if not rows:
            continue
        header, duplicates = unique_names(rows[0])
        parts.append((frame_from_rows(rows[1:], header), duplicates))
    if not parts:
        raise SurveyReadError(
            Message(
                "error.dataset_empty", where=Message("where.sheet", path=path, sheet=datasets[0])
            )
        )
    _, label_rows = sheet_rows(path, labels_sheet)
    structure_rows = sheet_rows(path, structure_sheet)[1] if structure_sheet else []
    frame = _join_datasets(path, [p for p, _ in parts])
    labels = _labels_from_rows(label_rows)
    texts = _texts_from_rows(structure_rows)
    duplicates = {k: v for _, d in parts for k, v in d.items()}
    return _surveyxact_table(path, datasets[0], frame, labels, texts, duplicates)


def read_surveyxact_csv(folder: Path) -> RawTable:
    """A SurveyXact CSV export: ``dataset.csv`` decoded with ``labels.csv``, mapped with
    ``structure.csv``; any delimiter and encoding :func:`read_csv` recognises."""
    files = {p.name.lower(): p for p in folder.iterdir()}
    dataset = read_csv(files["dataset.csv"], detect_header)
    labels = _labels_from_rows(_read_headerless_csv(files["labels.csv"]))
    texts: dict[str, str] = {}
    if "structure.csv" in files:
        structure = read_csv(files["structure.csv"], detect_header).frame
        cells = structure.astype(object).where(structure.notna(), "").values.tolist()
        texts = _texts_from_rows([list(structure.columns), *cells])
    return _surveyxact_table(
        files["dataset.csv"], None, dataset.frame, labels, texts, dict(dataset.duplicates),
        encoding=dataset.encoding, delimiter=dataset.delimiter,
    )  # fmt: skip


def _read_headerless_csv(path: Path) -> list[list]:
    import pandas as pd

    from .files import sniff_delimiter, sniff_encoding

    head = path.read_bytes()[: 256 * 1024]
    encoding = sniff_encoding(head, path)
    delimiter = sniff_delimiter(head.decode(encoding, errors="ignore"))
    frame = pd.read_csv(
        path, sep=delimiter, encoding=encoding, header=None, usecols=[0, 1, 2],
        keep_default_na=False, na_values=[""], dtype=str,
    )  # fmt: skip
    return frame.astype(object).where(frame.notna(), "").values.tolist()


def _labels_from_rows(rows: list[list]) -> dict[str, dict[float, str]]:
    """Variable to {code: label} from Labels rows (no header: variable, code, label)."""
    labels: dict[str, dict[float, str]] = {}
    for row in rows:
        if len(row) < 3 or row[0] in ("", None):
            continue
        try:
            code = float(str(row[1]).replace(",", "."))
        except ValueError:
            continue
        labels.setdefault(str(row[0]).strip(), {})[code] = " ".join(str(row[2]).split())
    return labels


def _texts_from_rows(rows: list[list]) -> dict[str, str]:
    """Variable name to question text from Structure rows (with a header row)."""
    if not rows:
        return {}
    header = [compact(str(h)) for h in rows[0]]
    try:
        variable, text = header.index("variablename"), header.index("questiontext")
    except ValueError:
        return {}
    choice = header.index("choicetext") if "choicetext" in header else None
    subtype = header.index("subtype") if "subtype" in header else None
    texts = {}
    for row in rows[1:]:
        if len(row) <= max(variable, text):
            continue
        name = str(row[variable]).strip()
        question = " ".join(str(row[text]).split())
        if subtype is not None and str(row[subtype]).strip().casefold() == "multiple":
            option = " ".join(str(row[choice]).split()) if choice is not None else ""
            question = f"{question} - {option}" if option else question
        if name and question:
            texts[name] = question
    return texts


def _join_datasets(path: Path, frames: list[pd.DataFrame]) -> pd.DataFrame:
    """Dataset sheets split by rows (same columns) are stacked; split by columns, joined."""
    import pandas as pd

    if len(frames) == 1:
        return frames[0]
    if all(list(f.columns) == list(frames[0].columns) for f in frames):
        return pd.concat(frames, ignore_index=True)
    if all(len(f) == len(frames[0]) for f in frames):
        return pd.concat(frames, axis=1)
    raise SurveyReadError(Message("error.datasets_differ", path=path))


def _surveyxact_table(
    path: Path,
    sheet: str | None,
    frame: pd.DataFrame,
    labels: dict[str, dict[float, str]],
    texts: dict[str, str],
    duplicates: dict,
    **extra,
) -> RawTable:
    frame = decode_labels(frame, labels)
    alternates = {c: (texts[c],) for c in frame.columns if c in texts}
    return RawTable(
        frame=frame,
        path=path,
        sheet=sheet,
        header_row=1,
        layout="surveyxact",
        alternates=alternates,
        duplicates=duplicates,
        **extra,
    )


def decode_labels(frame: pd.DataFrame, labels: dict[str, dict[float, str]]) -> pd.DataFrame:
    """Replace codes by their label texts (vectorised per column); unlabelled values stay.

    Numeric columns without labels are made float64, so a workbook and a CSV
    export of the same survey give identical frames.
    """
    import pandas as pd

    out = {}
    for column in frame.columns:
        values = frame[column]
        mapping = labels.get(column)
        if mapping:
            numbers = pd.to_numeric(values, errors="coerce")
            decoded = numbers.map(mapping)
            out[column] = decoded.where(decoded.notna(), values).astype(object)
        elif pd.api.types.is_numeric_dtype(values.dtype):
            out[column] = values.astype("float64")
        else:
            out[column] = values
    return pd.DataFrame(out, index=frame.index)


# ------------------------------------------------------------------------- SPSS


def read_spss(path: Path) -> RawTable:
    """An SPSS file via pyreadstat: value labels decode codes; user-missing codes are missing."""
    try:
        import pyreadstat
    except ImportError:
        raise InputFileError(Message("error.spss_package", path=path)) from None
    from .prescan import scan_sav

    scan_sav(path)  # the case count the header declares, before pyreadstat allocates it
    try:
        frame, meta = pyreadstat.read_sav(str(path), user_missing=True, apply_value_formats=False)
    except Exception as exc:  # pyreadstat raises its own error types
        raise InputFileError(Message("error.spss_unreadable", path=path, problem=exc)) from exc
    frame = _spss_missing(frame, meta)
    labels = {
        column: {float(code): " ".join(str(text).split()) for code, text in mapping.items()}
        for column, mapping in (meta.variable_value_labels or {}).items()
    }
    texts = {
        c: " ".join(str(t).split())
        for c, t in zip(meta.column_names, meta.column_labels or [], strict=False)
        if t
    }
    frame = decode_labels(frame, labels)
    if frame.empty:
        raise SurveyReadError(Message("error.spss_empty", path=path))
    alternates = {c: (texts[c],) for c in frame.columns if c in texts}
    return RawTable(frame=frame, path=path, sheet=None, layout="spss", alternates=alternates)


def _spss_missing(frame: pd.DataFrame, meta) -> pd.DataFrame:
    """Mark the user-missing codes SPSS declares (values and ranges) as "don't know"."""
    import numpy as np

    from ..instrument import DONT_KNOW

    frame = frame.copy()
    for column, values in (getattr(meta, "missing_user_values", None) or {}).items():
        if column in frame:
            col = frame[column].astype(object)
            frame[column] = col.mask(frame[column].isin(values), DONT_KNOW)
    for column, ranges in (getattr(meta, "missing_ranges", None) or {}).items():
        if column not in frame:
            continue
        numbers = frame[column]
        if numbers.dtype == object:  # already marked, or a string variable
            continue
        hit = np.zeros(len(numbers), dtype=bool)
        for r in ranges:
            hit |= ((numbers >= r.get("lo")) & (numbers <= r.get("hi"))).to_numpy()
        frame[column] = numbers.astype(object).mask(hit, DONT_KNOW)
    return frame


def surveyxact_files(folder: Path) -> list[Path]:
    """The files of a SurveyXact CSV export folder (for checksums and messages)."""
    return [p for p in sorted(folder.iterdir()) if p.name.lower() in SURVEYXACT_FILES]


__all__ = [
    "LAYOUTS",
    "detect_header",
    "detect_layout",
    "read_export",
    "read_spss",
    "read_surveyxact_csv",
    "read_surveyxact_workbook",
    "surveyxact_files",
]
