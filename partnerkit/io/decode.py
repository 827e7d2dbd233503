"""Decoding answer cells (numbers or label texts) to points on the instrument's scale.

Work is done once per *distinct* cell value (``pandas.factorize``) and then
spread to all rows with numpy indexing, so a million rows cost no Python loop.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from ..instrument import Scale
from ..text import as_label, norm, short

if TYPE_CHECKING:
    import pandas as pd

VALID, DONT_KNOW, INVALID, BLANK = 0, 1, 2, 3
MAX_INVALID_VALUES = 20  # distinct invalid values listed per column; the rest are pooled


@dataclass(frozen=True)
class Decoded:
    """One column decoded: values on the scale (NaN when not a valid answer) and cell kinds."""

    values: np.ndarray  # float64
    dont_know: np.ndarray  # bool
    invalid: list[tuple[str, int, np.ndarray]]  # (value as text, count, first row positions)


def decode_columns(columns: list[pd.Series], scale: Scale) -> list[Decoded]:
    """Decode answer columns.

    Numbers must be whole points of the scale; texts must be answer labels
    (case and white space ignored) or numbers written as text; the scale's
    missing codes and "don't know" labels become NaN and are counted apart;
    anything else is an invalid cell.

    Columns of text only are decoded together, in batches of about a million cells:
    one ``factorize`` per batch, so a small file with thirty label columns costs one
    pass rather than thirty.
    """
    import pandas as pd

    decoded: list[Decoded | None] = [None] * len(columns)
    text: list[int] = []
    for j, column in enumerate(columns):
        if pd.api.types.is_numeric_dtype(column.dtype) and not pd.api.types.is_bool_dtype(column):
            decoded[j] = _decode_numbers(column.to_numpy(dtype="float64", na_value=np.nan), scale)
        elif isinstance(column.dtype, pd.StringDtype):
            text.append(j)
        else:  # mixed cells: alone, since factorize takes True for 1 across columns
            decoded[j] = _decode_texts([column], scale)[0]
    rows = len(columns[0]) if columns else 0
    per_batch = max(1, _BATCH_CELLS // max(rows, 1))
    for start in range(0, len(text), per_batch):
        batch = text[start : start + per_batch]
        for j, result in zip(batch, _decode_texts([columns[j] for j in batch], scale), strict=True):
            decoded[j] = result
    return decoded  # type: ignore[return-value]


_BATCH_CELLS = 1_000_000


def _decode_numbers(raw: np.ndarray, scale: Scale) -> Decoded:
    kind = _classify_numbers(raw, scale)
    # A clean column is used as it is when it is our own array (numbers converted to
    # float); a view of the parsed frame is read-only, so it is copied like the rest.
    counts = np.bincount(kind, minlength=4)  # blanks are NaN already
    clean = counts[DONT_KNOW] == 0 and counts[INVALID] == 0
    values = raw if clean and raw.flags.writeable else np.where(kind == VALID, raw, np.nan)
    return _finish(values, kind, _invalid_numbers(raw, kind), scale)


def _decode_texts(columns: list[pd.Series], scale: Scale) -> list[Decoded]:
    """Texts (or mixed cells) of several columns, each distinct value decoded once."""
    import pandas as pd

    rows = len(columns[0])
    cells = np.concatenate([c.to_numpy(dtype=object) for c in columns])
    codes, uniques = pd.factorize(cells, use_na_sentinel=True)
    u_values = np.full(len(uniques) + 1, np.nan)  # the extra last slot serves code -1
    u_kind = np.full(len(uniques) + 1, BLANK, dtype=np.int8)
    for j, u in enumerate(uniques):
        u_values[j], u_kind[j] = _decode_value(u, scale)
    out = []
    for k in range(len(columns)):
        part = codes[k * rows : (k + 1) * rows]
        kind = u_kind[part]
        out.append(_finish(u_values[part], kind, _invalid_codes(part, uniques, u_kind), scale))
    return out


def _finish(values: np.ndarray, kind: np.ndarray, invalid, scale: Scale) -> Decoded:
    if scale.descending:
        values = scale.min + scale.max - values
    return Decoded(values=values, dont_know=kind == DONT_KNOW, invalid=invalid)


def _classify_numbers(x: np.ndarray, scale: Scale) -> np.ndarray:
    """The kind of every number: a whole point of the scale, a missing code, blank, invalid.

    A point of the scale is a whole number, so it survives a cast to a small integer
    type unchanged; NaN, fractions and numbers out of range do not (their cast is
    garbage, which the equality test rejects). Few cells are left to test against the
    missing codes.
    """
    small = scale.min >= -128 and scale.max <= 127
    with np.errstate(invalid="ignore"):
        whole = x.astype(np.int8 if small else np.int64)
    valid = (whole == x) & (whole >= scale.min) & (whole <= scale.max)
    kind = np.where(valid, np.int8(VALID), np.int8(BLANK))
    other = np.flatnonzero(~valid & ~np.isnan(x))
    if other.size:
        missing = np.isin(x[other], scale.missing_codes)
        kind[other] = np.where(missing, np.int8(DONT_KNOW), np.int8(INVALID))
    return kind


def _decode_value(value: object, scale: Scale) -> tuple[float, int]:
    if isinstance(value, bool):
        return math.nan, INVALID
    if isinstance(value, int | float | np.integer | np.floating):
        number = float(value)
    else:
        text = norm(value)
        if not text:
            return math.nan, BLANK
        code = scale.text_codes.get(text)
        if code is not None:
            return (math.nan, DONT_KNOW) if math.isnan(code) else (code, VALID)
        try:
            number = float(text.replace(",", "."))
        except ValueError:
            return math.nan, INVALID
    kind = int(_classify_numbers(np.array([number]), scale)[0])
    return (number if kind == VALID else math.nan), kind


def _invalid_numbers(raw: np.ndarray, kind: np.ndarray) -> list[tuple[str, int, np.ndarray]]:
    bad = np.flatnonzero(kind == INVALID)
    if bad.size == 0:
        return []
    uniques, codes = np.unique(raw[bad], return_inverse=True)
    return _summarise(codes, lambda c: as_label(float(uniques[c])), uniques.size, bad)


def _invalid_codes(codes: np.ndarray, uniques, u_kind: np.ndarray):
    bad = np.flatnonzero(u_kind[codes] == INVALID)
    if bad.size == 0:
        return []
    bad_uniques = np.flatnonzero(u_kind[:-1] == INVALID)
    remap = np.full(len(uniques), -1)
    remap[bad_uniques] = np.arange(bad_uniques.size)
    label = lambda c: short(as_label(uniques[bad_uniques[c]]))  # noqa: E731
    return _summarise(remap[codes[bad]], label, bad_uniques.size, bad)


def _summarise(codes: np.ndarray, label, n_values: int, rows: np.ndarray):
    """``(value, count, first rows)`` per invalid value, most frequent first.

    ``codes`` number the distinct invalid values of the cells at positions ``rows``.
    Past :data:`MAX_INVALID_VALUES` distinct values the rest are pooled in one
    entry, so the counts stay complete while the report stays short.
    """
    counts = np.bincount(codes, minlength=n_values)
    order = np.argsort(-counts, kind="stable")
    order = order[counts[order] > 0]  # values met only in other columns of a batch
    out = [
        (label(code), int(counts[code]), rows[np.flatnonzero(codes == code)[:3]])
        for code in order[:MAX_INVALID_VALUES]
    ]
    rest = order[MAX_INVALID_VALUES:]
    if rest.size:
        pooled = np.isin(codes, rest)
        out.append((f"({rest.size} other values)", int(counts[rest].sum()), rows[pooled][:3]))
    return out
