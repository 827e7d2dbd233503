"""The ``min_n`` threshold, and merging groups below it into one "Other" group.

Which groups are hidden is decided by :mod:`partnerkit.privacy.pattern`.
"""

from __future__ import annotations

import numpy as np

from ..i18n import Message

DEFAULT_MIN_N = 5


def resolve_min_n(option: int | None, instrument_min_n: int | None) -> tuple[int, list[str]]:
    """The threshold to use (option, else the instrument's, else 5) and any warning."""
    min_n = option if option is not None else instrument_min_n or DEFAULT_MIN_N
    warnings = []
    if min_n < DEFAULT_MIN_N:
        warnings.append(Message("warn.min_n", min_n=min_n, default=DEFAULT_MIN_N))
    return min_n, warnings


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
