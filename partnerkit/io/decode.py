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
from ..parallel import MIN_CELLS, thread_map
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
    kind: np.ndarray  # int8: VALID, DONT_KNOW, INVALID or BLANK per cell


def decode_columns(columns: list[pd.Series | np.ndarray], scale: Scale) -> list[Decoded]:
    """Decode answer columns.

    Numbers must be whole points of the scale; texts must be answer labels
    (case and white space ignored) or numbers written as text; the scale's
    missing codes and "don't know" labels become NaN and are counted apart;
    anything else is an invalid cell.

    A column given as a float64 array rather than a Series is the caller's to give
    away: it is decoded in place (its cells that are no answer become NaN), which
    spares a copy of every column on a large file.

    Columns of text only are decoded together, in batches of about a million cells:
    one ``factorize`` per batch, so a small file with thirty label columns costs one
    pass rather than thirty.
    """
    import pandas as pd

    decoded: list[Decoded | None] = [None] * len(columns)
    numbers: list[int] = []
    text: list[int] = []
    for j, column in enumerate(columns):
        if _numbers(column):
            numbers.append(j)
        elif isinstance(column.dtype, pd.StringDtype):
            text.append(j)
        else:  # mixed cells: alone, since factorize takes True for 1 across columns
            decoded[j] = _decode_texts([column], scale)[0]
    rows = len(columns[0]) if columns else 0

    def number(j: int) -> Decoded:
        column = columns[j]
        if isinstance(column, np.ndarray):
            return _decode_numbers(column, scale, in_place=True)
        return _decode_numbers(column.to_numpy(dtype="float64", na_value=np.nan), scale)

    if len(numbers) > 1 and rows * len(numbers) < MIN_CELLS:  # a small file: one block
        for j, result in zip(numbers, _decode_number_block(columns, numbers, scale), strict=True):
            decoded[j] = result
    else:  # numpy lets go of the GIL, so the columns of a large file are decoded on threads
        results = thread_map(number, numbers, rows * len(numbers))
        for j, result in zip(numbers, results, strict=True):
            decoded[j] = result
    per_batch = max(1, _BATCH_CELLS // max(rows, 1))
    for start in range(0, len(text), per_batch):
        batch = text[start : start + per_batch]
        for j, result in zip(batch, _decode_texts([columns[j] for j in batch], scale), strict=True):
            decoded[j] = result
    return decoded  # type: ignore[return-value]


_BATCH_CELLS = 1_000_000


def _numbers(column) -> bool:
    import pandas as pd

    if isinstance(column, np.ndarray):
        return True
    return pd.api.types.is_numeric_dtype(column.dtype) and not pd.api.types.is_bool_dtype(column)


def _decode_numbers(raw: np.ndarray, scale: Scale, in_place: bool = False) -> Decoded:
    """Numbers to points. ``raw`` is overwritten when ``in_place``; a clean column is
    used as it is when it is our own array (numbers converted to float), while a view
    of the parsed frame is read-only, so it is copied like the rest."""
    kind = _classify_numbers(raw, scale)
    dont_know = kind == DONT_KNOW
    bad = np.flatnonzero(kind == INVALID)
    invalid = _invalid_numbers(raw, bad)
    clean = bad.size == 0 and not dont_know.any()  # blanks are NaN already
    if clean and (in_place or raw.flags.writeable):
        values = raw
    elif in_place:
        np.copyto(raw, np.nan, where=dont_know)
        raw[bad] = np.nan
        values = raw
    else:
        values = np.where(kind == VALID, raw, np.nan)
    return _finish(values, kind, invalid, scale, own=in_place, dont_know=dont_know)


def _decode_number_block(columns: list, numbers: list[int], scale: Scale) -> list[Decoded]:
    """The numeric ``columns[j]`` for ``j`` in ``numbers``, decoded together: one array of
    every cell, classified and masked in one step (as :func:`_decode_numbers` does per
    column; the given columns are not changed). On 1,000 files of 30 rows, thirty steps
    per file cost 5.8 s of 20 s (issue 23)."""
    rows = len(columns[numbers[0]])
    raw = np.empty((len(numbers), rows))
    for k, j in enumerate(numbers):
        column = columns[j]
        raw[k] = (
            column
            if isinstance(column, np.ndarray)
            else column.to_numpy(dtype="float64", na_value=np.nan)
        )
    kind = _classify_numbers(raw.ravel(), scale).reshape(raw.shape)
    values = np.where(kind == VALID, raw, np.nan)
    if scale.descending:
        np.subtract(scale.min + scale.max, values, out=values)
    dont_know = kind == DONT_KNOW
    odd = np.flatnonzero((kind == INVALID).any(axis=1))  # columns with an invalid cell
    invalid = {k: _invalid_numbers(raw[k], np.flatnonzero(kind[k] == INVALID)) for k in odd}
    return [
        Decoded(values=values[k], dont_know=dont_know[k], invalid=invalid.get(k, []), kind=kind[k])
        for k in range(len(numbers))
    ]


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


def _finish(values, kind, invalid, scale: Scale, own=False, dont_know=None) -> Decoded:
    """``own``: ``values`` may be overwritten (it was given away for decoding in place)."""
    if scale.descending:
        values = np.subtract(scale.min + scale.max, values, out=values if own else None)
    if dont_know is None:
        dont_know = kind == DONT_KNOW
    return Decoded(values=values, dont_know=dont_know, invalid=invalid, kind=kind)


def _classify_numbers(x: np.ndarray, scale: Scale) -> np.ndarray:
    """The kind of every number: a whole point of the scale, a missing code, blank, invalid.

    A whole number survives a cast to a small integer type unchanged, and its kind is
    then looked up in a table of the 256 small integers; NaN, fractions and numbers
    out of range do not survive the cast (their cast is garbage, which the equality
    test catches). Few cells are left to classify one by one.
    """
    if scale.min < -128 or scale.max > 127:
        return _classify_wide(x, scale)
    with np.errstate(invalid="ignore"):
        whole = x.astype(np.int8)
    # np.take, not indexing: 2.2 ms a million cells against 4.7 ms (numpy 2.4, issue 23)
    kind = np.take(_small_kinds(scale), whole.view(np.uint8))
    odd = np.flatnonzero(whole != x)  # NaN compares unequal
    if odd.size:
        value = x[odd]
        missing = np.isin(value, scale.missing_codes)
        blank = np.isnan(value)
        kind[odd] = np.where(blank, BLANK, np.where(missing, DONT_KNOW, INVALID))
    return kind


def _small_kinds(scale: Scale) -> np.ndarray:
    """The kind of each int8 value, indexed by its bit pattern read as uint8 (a table
    made once per scale; rebuilt for every column it cost 1.4 s of 1,000 small files)."""
    known = _KINDS.get(id(scale))
    if known is not None and known[0] is scale:
        return known[1]
    value = np.arange(256, dtype=np.uint8).view(np.int8)
    valid = (value >= scale.min) & (value <= scale.max)
    missing = np.isin(value, scale.missing_codes)
    table = np.where(valid, VALID, np.where(missing, DONT_KNOW, INVALID)).astype(np.int8)
    table.flags.writeable = False  # shared: indexing it makes a new array
    if len(_KINDS) >= 64:
        _KINDS.clear()
    _KINDS[id(scale)] = (scale, table)
    return table


#: the table of :func:`_small_kinds` by scale (kept beside it, so a reused id never matches)
_KINDS: dict[int, tuple[Scale, np.ndarray]] = {}


def _classify_wide(x: np.ndarray, scale: Scale) -> np.ndarray:
    """:func:`_classify_numbers` for a scale beyond the int8 range."""
    with np.errstate(invalid="ignore"):
        whole = x.astype(np.int64)
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


def _invalid_numbers(raw: np.ndarray, bad: np.ndarray) -> list[tuple[str, int, np.ndarray]]:
    """Summary of the invalid numbers, at row positions ``bad``."""
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
