"""Anonymity: no statistic of a group below ``min_n`` respondents, in any output.

Primary suppression hides every group with fewer than ``min_n`` respondents.
Secondary suppression then makes sure a hidden group cannot be worked out by
subtraction: within each partition whose total is also printed, the hidden
groups together must hold at least ``min_n`` respondents, otherwise the
smallest visible groups are hidden too (the rule statistical offices apply).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    import pandas as pd

DEFAULT_MIN_N = 5


def resolve_min_n(option: int | None, instrument_min_n: int | None) -> tuple[int, list[str]]:
    """The threshold to use (option, else the instrument's, else 5) and any warning."""
    min_n = option if option is not None else instrument_min_n or DEFAULT_MIN_N
    warnings = []
    if min_n < DEFAULT_MIN_N:
        warnings.append(
            f"min_n is {min_n}, below the recommended {DEFAULT_MIN_N}: groups this small "
            "can identify single partners. Share these results with care."
        )
    return min_n, warnings


def suppress(
    records: pd.DataFrame,
    min_n: int,
    stat_columns: Sequence[str],
    partitions: Sequence[tuple[Sequence[str], Sequence[str]]],
) -> pd.DataFrame:
    """Blank the statistics of groups below ``min_n`` and of groups that would reveal them.

    Parameters
    ----------
    records
        One row per group with an ``n`` column and the statistic columns.
    min_n
        Smallest group whose statistics may be shown.
    stat_columns
        Columns blanked (set to missing) in a suppressed row, together with ``n``.
    partitions
        ``(member_mask_columns, partition_by)`` pairs: rows where the boolean
        column ``member`` is true form partitions by ``partition_by`` columns, and
        each partition has a printed total. See :func:`partnerkit.scoring.score`.

    Returns
    -------
    pandas.DataFrame
        A copy with ``suppressed`` (bool) and ``suppressed_reason`` (``"min_n"`` for a
        group below ``min_n``, ``"secondary"`` for a group hidden to protect one)
        set, and suppressed statistics missing.
    """
    import pandas as pd

    out = records.copy()
    n = out["n"].to_numpy(dtype="float64", na_value=0.0)
    small = n < min_n
    hidden = small.copy()
    for member_column, partition_by in partitions:
        members = out[member_column].to_numpy(dtype=bool)
        if not members.any():
            continue
        part = out.loc[members, list(partition_by)]
        ids = part.groupby(list(partition_by), dropna=False, sort=False).ngroup().to_numpy()
        rows = np.flatnonzero(members)
        for pid in np.unique(ids):
            idx = rows[ids == pid]
            hidden[idx] = _secondary(n[idx], hidden[idx], min_n)
    out["suppressed"] = hidden
    out["suppressed_reason"] = np.where(small, "min_n", np.where(hidden, "secondary", None))
    out.loc[hidden, list(stat_columns)] = np.nan
    out["n"] = pd.array(np.where(hidden, np.nan, n), dtype="Int64")
    return out


def suppress_levels(
    records: pd.DataFrame,
    min_n: int,
    stat_columns: Sequence[str],
    key_names: Sequence[str],
    within: Sequence[str] = ("dimension",),
) -> pd.DataFrame:
    """:func:`suppress` for records with a ``_level`` column of ``cell``/``margin``/``overall``.

    Cells (all keys set) add up to the margin of their outer keys (or to the
    overall record with one key); margins add up to the overall record. Each
    such partition is checked separately, within every value of ``within``
    (a dimension, or a dimension and an item).
    """
    marked = records.assign(
        _cell=records["_level"].eq("cell"), _margin=records["_level"].eq("margin")
    )
    partitions = [("_cell", [*within, *key_names[1:]])]
    if len(key_names) >= 2:
        partitions.append(("_margin", list(within)))
    return suppress(marked, min_n, stat_columns, partitions).drop(columns=["_cell", "_margin"])


def _secondary(n: np.ndarray, hidden: np.ndarray, min_n: int) -> np.ndarray:
    """Hide the smallest visible groups until the hidden ones pool at least ``min_n``."""
    hidden = hidden.copy()
    pooled = n[hidden].sum()
    order = np.argsort(np.where(hidden, np.inf, n), kind="stable")
    for i in order:
        if not (0 < pooled < min_n) or hidden[i]:
            break
        hidden[i] = True
        pooled += n[i]
    return hidden


MERGED = "__merged__"  # the value of respondents merged into "Andre / Other"


def merge_small(survey, keys, min_n: int):
    """Merge groups below ``min_n`` into one "Andre / Other" group where that reaches ``min_n``.

    Works on the first grouping key within each combination of the others (each
    round, say); a single small group is left alone, since merging it would only
    rename it. Returns a survey whose data carry :data:`MERGED` for merged rows.
    """
    from dataclasses import replace

    if not keys:
        return survey
    data = survey.data
    inner, outer = keys[0].column, [k.column for k in keys[1:]]
    by = [*outer, inner]
    size = data.groupby(by, dropna=False, sort=False)[inner].transform("size").to_numpy()
    small = size < min_n
    if not small.any():
        return survey
    merge = np.zeros(len(data), dtype=bool)
    if outer:
        pools = data[small].groupby(outer, dropna=False, sort=False)
        for _, rows in pools.groups.items():
            groups = data.loc[rows, inner].nunique(dropna=False)
            if len(rows) >= min_n and groups >= 2:
                merge[data.index.get_indexer(rows)] = True
    else:
        groups = data.loc[small, inner].nunique(dropna=False)
        if small.sum() >= min_n and groups >= 2:
            merge = small
    if not merge.any():
        return survey
    column = data[inner].astype(object).copy()
    column[merge] = MERGED
    return replace(survey, data=data.assign(**{inner: column}), read_data=survey.as_read)
