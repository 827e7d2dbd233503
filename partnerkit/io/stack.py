"""Stacking the parts read from several files into one survey.

Rows go one under the other with their file and row numbers; a respondent who
answered twice in the same round and area keeps only the last answer, and every
row and cell not kept is counted in the survey's :class:`~partnerkit.survey.Ledger`.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

import numpy as np

from ..instrument import Instrument
from ..survey import (
    ROW_COLUMN,
    SOURCE_COLUMN,
    Exclusion,
    Ledger,
    Source,
    Survey,
    merge_exclusions,
)
from .part import EXAMPLES, Part

if TYPE_CHECKING:
    from collections.abc import Iterable

    import pandas as pd

#: a part's (or a run of parts') rows and don't-know cells
Frames = tuple["pd.DataFrame", "pd.DataFrame"]


def stack_parts(
    parts: list[Part], instrument: Instrument, frames: list[Frames] | None = None
) -> Survey:
    """Stack files read with :func:`.part.read_part` into one survey, dropping duplicate
    respondents.

    ``frames``: the parts' rows already stacked in runs, in order (from worker
    processes, whose parts come without their own frames).
    """
    if frames is None:
        frames = [(p.data, p.dont_know_cells) for p in parts]
    data, dk = stack_frames(frames)
    kept = sum(p.source.rows - sum(e.rows for e in p.excluded) for p in parts)
    if len(data) != kept:  # the ledger and the rows must agree: nothing lost
        raise ValueError(f"stacked {len(data)} rows, but the files kept {kept}")
    data = _same_id_type(_numbered(data, parts))
    columns = tuple(
        c if c.source == k else replace(c, source=k) for k, p in enumerate(parts) for c in p.columns
    )
    id_column = next(
        (p.plan.roles["respondent"] for p in parts if "respondent" in p.plan.roles), ""
    )
    dup, duplicates, id_warning = _duplicate_respondents(data, [p.source for p in parts], id_column)
    if dup.any():
        data = data.loc[~dup].reset_index(drop=True)
        dk = dk.loc[~dup].reset_index(drop=True)
    excluded = [e for p in parts for e in p.excluded] + [duplicates]
    warnings = [w for p in parts for w in p.warnings] + ([id_warning] if id_warning else [])

    ledger = Ledger(
        rows_read=sum(p.source.rows for p in parts),
        excluded=merge_exclusions(tuple(excluded)),
        invalid_cells=tuple(c for p in parts for c in p.invalid),
        dropped_columns=tuple(dict.fromkeys(c for p in parts for c in p.plan.personal)),
        dont_know=_sum_counts(p.dont_know for p in parts),
        warnings=tuple(dict.fromkeys(warnings)),
    )
    return Survey(
        data=data,
        instrument=instrument,
        sources=tuple(p.source for p in parts),
        columns=columns,
        ledger=ledger,
        dont_know=dk,
    )


def _same_id_type(data: pd.DataFrame) -> pd.DataFrame:
    """Numeric ids as texts when another file's ids are texts, so ``17`` meets ``"17"``.

    Each file's ids are ``Int64`` or ``string`` (:func:`.roles.role_columns`); stacked, a mix of the
    two is an object column.
    """
    if "respondent" not in data or data["respondent"].dtype != object:
        return data
    return data.assign(respondent=data["respondent"].astype("string"))


def _numbered(data: pd.DataFrame, parts: list[Part]) -> pd.DataFrame:
    """Rows pointing at their file by its place among the parts (a file that failed
    leaves a gap in the input numbers the rows were read with)."""
    if all(p.index == k for k, p in enumerate(parts)):  # no file failed
        return data
    place = np.zeros(max(p.index for p in parts) + 1, dtype=np.int32)
    place[[p.index for p in parts]] = np.arange(len(parts), dtype=np.int32)
    return data.assign(**{SOURCE_COLUMN: place[data[SOURCE_COLUMN].to_numpy()]})


def stack_frames(frames: list[Frames]) -> Frames:
    """Frames one under the other; items a file lacks have no don't-know cells (False)."""
    import pandas as pd

    if len(frames) == 1:
        return frames[0]
    data = pd.concat([d for d, _ in frames], ignore_index=True)
    dk = pd.concat([k for _, k in frames], ignore_index=True)
    return data, dk.fillna(False).astype(bool)


MAX_DUPLICATE_SHARE = 0.05  # more repeated ids than this: the column is not a respondent id


def _duplicate_respondents(data: pd.DataFrame, sources: list[Source], id_column: str):
    """Rows repeating a respondent id within the same round and area (all but the last).

    Re-submissions are rare; when more than 5% of the ids repeat, the column is
    not an id (an organisation name, a constant) and no row is dropped.
    """
    none = np.zeros(len(data), dtype=bool)
    if "respondent" not in data.columns:
        return none, Exclusion("duplicate_respondent", 0), None
    keys = ["respondent"] + [k for k in ("round", "area") if k in data.columns]
    has_id = data["respondent"].notna().to_numpy()
    if data["respondent"].is_unique:  # the usual case, and cheap to see
        return none, Exclusion("duplicate_respondent", 0), None
    dup = has_id & data.duplicated(keys, keep="last").to_numpy()
    if dup.sum() > MAX_DUPLICATE_SHARE * max(has_id.sum(), 1):
        warning = (
            f"the respondent id column '{id_column}' repeats values in {int(dup.sum())} of "
            f"{int(has_id.sum())} rows, so it does not look like an id; no row was dropped as a "
            "duplicate. Declare the real id column under [columns] respondent in the instrument."
        )
        return none, Exclusion("duplicate_respondent", 0), warning
    first = data.loc[dup, [SOURCE_COLUMN, ROW_COLUMN]].head(EXAMPLES)
    examples = tuple(f"{sources[s].path}:{r}" for s, r in first.itertuples(index=False))
    return dup, Exclusion("duplicate_respondent", int(dup.sum()), examples), None


def _sum_counts(counts: Iterable[dict[str, int]]) -> dict[str, int]:
    total: dict[str, int] = {}
    for c in counts:
        for key, value in c.items():
            total[key] = total.get(key, 0) + value
    return total
