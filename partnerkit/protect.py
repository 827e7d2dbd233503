"""Every command's group records, shown as the survey's anonymity pattern allows.

The pattern (:mod:`partnerkit.privacy.pattern`) is decided once per survey as read,
per set of measures; commands only look their groups up in it, so no run, and no
combination of runs with other ``--by``, ``--between``, ``--rounds`` or area
choices, shows what another run hides.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

import numpy as np

from .grouping import GroupKey, group_rows
from .instrument import ROLES
from .survey import ROW_COLUMN, SOURCE_COLUMN

if TYPE_CHECKING:
    import pandas as pd

    from .privacy.pattern import Pattern
    from .survey import Survey

#: Secondary suppression on (a switch for tests that show what it prevents).
SECONDARY = True

_CACHE: list[tuple[tuple, object, Pattern]] = []  # (key, frame kept alive, pattern)
_CACHE_SIZE = 8


def cube_keys(survey: Survey, keys: Sequence[GroupKey] = ()) -> list[str]:
    """The pattern's keys: the roles of the survey and the run's other ``--by`` columns."""
    whole = survey.as_read
    roles = [r for r in ROLES if r in whole.columns and r != "respondent"]
    extra = [k.column for k in keys if k.column not in ROLES and k.column != "sector"]
    return [*roles, *dict.fromkeys(extra)]


def survey_pattern(
    survey: Survey,
    keys: Sequence[GroupKey],
    min_n: int,
    measures: Callable[[Survey], dict[str, np.ndarray]],
    kind: str,
    protection: float | None = None,
    scale: tuple[int, int] | None = None,
) -> Pattern:
    """The pattern of ``survey`` as read for ``measures`` (computed once, then cached).

    ``measures`` gives, for a survey, every row's value of each measure; ``kind``
    names that set (``"scores"``, ``"items"``) in the cache. ``scale`` is the
    measures' (min, max) when it is not the instrument's (a relation's own scale).
    """
    import pandas as pd

    from .privacy.lp import scaled_protection
    from .privacy.pattern import decide_pattern

    whole = survey.as_read
    columns = cube_keys(survey, keys)
    lo, hi = scale or (survey.instrument.scale.min, survey.instrument.scale.max)
    points = scaled_protection(lo, hi, protection)
    key = (id(whole), tuple(columns), min_n, kind, points, SECONDARY, lo, hi)
    for cached_key, frame, pattern in _CACHE:
        if cached_key == key and frame is whole:
            return pattern
    source = (
        survey
        if survey.read_data is None
        else replace(survey, data=whole, dont_know=None, round_order=None, read_data=None)
    )
    frame_columns = [*columns, *(["sector"] if "actor" in columns and "sector" in whole else [])]
    pattern = decide_pattern(
        whole[frame_columns],
        columns,
        measures(source),
        min_n=min_n,
        scale=(lo, hi),
        protection=points,
        secondary=SECONDARY,
        row_index=pd.MultiIndex.from_arrays([whole[SOURCE_COLUMN], whole[ROW_COLUMN]]),
    )
    _CACHE.append((key, whole, pattern))
    del _CACHE[:-_CACHE_SIZE]
    return pattern


def group_cells(survey: Survey, keys: Sequence[GroupKey], lang: str, pattern: Pattern) -> dict:
    """The finest cells of every group a command reports (by its labels per key)."""
    import pandas as pd

    if survey.read_data is None:
        positions = np.arange(len(survey.data))
    else:
        run = pd.MultiIndex.from_arrays([survey.data[SOURCE_COLUMN], survey.data[ROW_COLUMN]])
        positions = pattern.row_index.get_indexer(run)
    names = [k.name for k in keys]
    return {
        tuple(g.labels[n] for n in names): pattern.cells_of(positions[g.rows])
        for g in group_rows(survey, keys, lang)
    }


def hide(
    records: pd.DataFrame,
    survey: Survey,
    keys: Sequence[GroupKey],
    lang: str,
    pattern: Pattern,
    stat_columns: Sequence[str],
    measure_column: str = "dimension",
) -> pd.DataFrame:
    """Blank the statistics of every record the pattern hides.

    Returns a copy with ``suppressed`` and ``suppressed_reason`` (``"min_n"``: fewer
    than ``min_n`` respondents; ``"secondary"``: hidden to protect another group),
    the hidden records' statistics missing and their ``n`` missing.
    """
    import pandas as pd

    out = records.copy()
    cells = group_cells(survey, keys, lang, pattern)
    names = [k.name for k in keys]
    columns = [out[n].astype(object).where(out[n].notna(), None) for n in names]
    labels = zip(*columns, strict=True) if names else ((),) * len(out)
    decided = [
        pattern.decide(measure, cells[tuple(group)])
        for measure, group in zip(out[measure_column], labels, strict=True)
    ]
    hidden = np.array([h for h, _ in decided], dtype=bool)
    out["suppressed"] = hidden
    out["suppressed_reason"] = [r if h else None for h, r in decided]
    out.loc[hidden, list(stat_columns)] = np.nan
    n = out["n"].to_numpy(dtype="float64", na_value=0.0)
    out["n"] = pd.array(np.where(hidden, np.nan, n), dtype="Int64")
    return out
