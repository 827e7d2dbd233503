"""Stacking the parts read from several files into one survey.

Rows go one under the other with their file and row numbers; a respondent who
answered twice in the same round and area keeps only the last answer, and every
row and cell not kept is counted in the survey's :class:`~partnerkit.survey.Ledger`.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

import numpy as np

from ..i18n import Joined, Message
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
from .part import EXAMPLES, Columns, Part

if TYPE_CHECKING:
    from collections.abc import Iterable

    import pandas as pd

#: a part's (or a run of parts') rows and don't-know cells
Frames = tuple["pd.DataFrame | Columns", "pd.DataFrame | Columns"]


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
    data, dk, parts, repeated, notes = _repeated_files(data, dk, parts, instrument)
    columns = tuple(
        c if c.source == k else replace(c, source=k) for k, p in enumerate(parts) for c in p.columns
    )
    id_column = next(
        (p.plan.roles["respondent"] for p in parts if "respondent" in p.plan.roles), ""
    )
    dup, duplicates, id_warning = _duplicate_respondents(data, [p.source for p in parts], id_column)
    if repeated.any():  # the same respondents in another file: left out as duplicates too
        first = data.loc[repeated, [SOURCE_COLUMN, ROW_COLUMN]].head(EXAMPLES)
        examples = tuple(f"{parts[s].source.path}:{r}" for s, r in first.itertuples(index=False))
        dup = dup | repeated
        duplicates = Exclusion(
            "duplicate_respondent",
            int(dup.sum()),
            (*examples, *duplicates.examples)[:EXAMPLES],
        )
    if dup.any():
        data = data.loc[~dup].reset_index(drop=True)
        dk = dk.loc[~dup].reset_index(drop=True)
    excluded = [e for p in parts for e in p.excluded] + [duplicates]
    warnings = [*notes, *(w for p in parts for w in p.warnings)]
    warnings += [id_warning] if id_warning else []

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


def _repeated_files(data: pd.DataFrame, dk: pd.DataFrame, parts: list[Part], instrument):
    """Files holding the same respondents as another: read once, and said.

    Rows are compared by their answers (and don't-know cells), respondent id, round and
    actor; not the area, which a file's name may give. A file whose every row is in
    another file (a copy in another format: the example's .xlsx and .csv; area files
    beside the combined file) is left out whole, with a note: the larger file, or the
    first of two equal ones, is kept. Rows with an id whose id and answers appear in an
    earlier file are marked (returned as a mask; the caller counts them as duplicate
    respondents). Vectorised: one hash per row, and only hashes found in several files
    are compared.

    Returns the data and don't-know frames and parts without the files left out (rows
    pointing at their new place), the mask of repeated rows, and the notes.
    """
    import pandas as pd

    none = np.zeros(len(data), dtype=bool)
    if len(parts) < 2 or data.empty:
        return data, dk, parts, none, []
    items = [i for i in instrument.item_ids if i in data.columns]
    roles = [c for c in ("respondent", "round", "actor") if c in data.columns]
    keys = pd.concat(
        [data[items + roles], dk.reindex(columns=items, fill_value=False)],
        axis=1, ignore_index=True,
    )  # fmt: skip
    rows = pd.DataFrame(
        {
            "h": pd.util.hash_pandas_object(keys, index=False).to_numpy(),
            "s": data[SOURCE_COLUMN].to_numpy(),
        }
    )
    per_part = rows.drop_duplicates()
    sizes = per_part.groupby("s").size()  # distinct rows per file
    shared = per_part[per_part.duplicated("h", keep=False)]
    if shared.empty:
        return data, dk, parts, none, []
    pairs = shared.merge(shared, on="h")
    pairs = pairs[pairs["s_x"] != pairs["s_y"]]  # row of file x also in file y
    common = pairs.groupby(["s_x", "s_y"]).size().reset_index(name="n")
    common["whole"] = common["n"].to_numpy() == sizes.loc[common["s_x"]].to_numpy()
    x_size, y_size = sizes.loc[common["s_x"]].to_numpy(), sizes.loc[common["s_y"]].to_numpy()
    earlier = common["s_y"].to_numpy() < common["s_x"].to_numpy()
    common["larger"] = (y_size > x_size) | ((y_size == x_size) & earlier)
    inside = common[common["whole"] & common["larger"]]
    sequence = {k: rows["h"].to_numpy()[rows["s"].to_numpy() == k] for k in set(inside["s_x"])}
    sequence |= {k: rows["h"].to_numpy()[rows["s"].to_numpy() == k] for k in set(inside["s_y"])}
    identified = data["respondent"].notna().to_numpy() if "respondent" in data else none
    notes = []
    drop: set[int] = set()
    for x, group in inside.groupby("s_x"):
        with_ids = bool(identified[rows["s"].to_numpy() == x].all())
        containers = [
            int(y) for y in group["s_y"] if _contains(sequence[int(y)], sequence[int(x)], with_ids)
        ]
        if not containers:
            continue
        y = max(containers, key=lambda k: (sizes.loc[k], -k))  # the largest, the first
        drop.add(int(x))
        left, kept = parts[int(x)].source, parts[y].source
        what = "warn.file_twice.same" if sizes.loc[x] == sizes.loc[y] else "warn.file_twice.within"
        notes.append(
            Message(
                "warn.file_twice",
                left=left.where,
                rows=left.rows,
                what=Message(what),
                kept=kept.where,
            )
        )
    if drop:
        keep_rows = ~rows["s"].isin(drop).to_numpy()
        place = np.full(len(parts), -1, dtype=np.int32)
        remaining = [k for k in range(len(parts)) if k not in drop]
        place[remaining] = np.arange(len(remaining), dtype=np.int32)
        data = data.loc[keep_rows].reset_index(drop=True)
        data[SOURCE_COLUMN] = place[data[SOURCE_COLUMN].to_numpy()]
        dk = dk.loc[keep_rows].reset_index(drop=True)
        rows = rows.loc[keep_rows].reset_index(drop=True)
        rows["s"] = place[rows["s"].to_numpy()]
        parts = [parts[k] for k in remaining]
    if "respondent" not in data.columns:
        return data, dk, parts, np.zeros(len(data), dtype=bool), notes
    first = rows.groupby("h")["s"].transform("min").to_numpy()
    repeated = (rows["s"].to_numpy() != first) & data["respondent"].notna().to_numpy()
    if repeated.any():
        files = Joined(dict.fromkeys(parts[s].source.where for s in rows["s"][repeated]))
        notes.append(Message("warn.repeated_rows", count=int(repeated.sum()), files=files))
    return data, dk, parts, repeated, notes


def _contains(outer: np.ndarray, inner: np.ndarray, with_ids: bool) -> bool:
    """Whether rows ``inner`` (hashes, in file order) are all in ``outer``: with ids, each
    row at least as often; without, as one run in the same order (an export and its copy,
    a combined file and an area's block of it). Two people answering alike is common on a
    short instrument; a whole file of them, in order, is not."""
    if with_ids:
        values, counts = np.unique(inner, return_counts=True)
        have, times = np.unique(outer, return_counts=True)
        at = np.searchsorted(have, values)
        found = (at < len(have)) & (have[np.minimum(at, len(have) - 1)] == values)
        return bool(found.all() and (times[at] >= counts).all())
    n = len(inner)
    starts = np.flatnonzero(outer[: len(outer) - n + 1] == inner[0]) if n else []
    return any(np.array_equal(outer[k : k + n], inner) for k in starts[:1000])


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


def stack_frames(frames: list[Frames]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Frames one under the other; items a file lacks have no don't-know cells (False)."""
    data = _stack([d for d, _ in frames])
    dk = _stack([k for _, k in frames])
    return data, dk if len(frames) == 1 else dk.fillna(False).astype(bool)


def _stack(pieces: list[pd.DataFrame | Columns]) -> pd.DataFrame:
    """One frame of the pieces, one under the other, as ``pd.concat(..., ignore_index=True)``.

    Parts with the same columns (the usual batch: one export layout) are stacked column
    by column: numpy arrays of one dtype by ``np.concatenate``, extension arrays of one
    dtype (a round's categorical) by their own concatenation, and a column whose pieces
    differ in type (actor categoricals with each file's own categories) by ``pd.concat``
    of that column alone, so every column is typed as ``pd.concat`` of frames types it.
    """
    import pandas as pd

    columns = [p for p in pieces if isinstance(p, Columns)]
    if len(columns) != len(pieces) or len({p.names for p in columns}) > 1:
        frames = [p.to_frame() if isinstance(p, Columns) else p for p in pieces]
        if len(frames) == 1:
            return frames[0]
        return pd.concat(frames, ignore_index=True)
    rows = pd.RangeIndex(sum(p.length for p in columns))
    if not columns[0].names:
        return pd.DataFrame(index=rows)
    out = {}
    for j, name in enumerate(columns[0].names):
        arrays = [p.arrays[j] for p in columns]
        first = arrays[0]
        if isinstance(first, np.ndarray) and all(
            isinstance(a, np.ndarray) and a.dtype == first.dtype for a in arrays
        ):
            out[name] = np.concatenate(arrays) if len(arrays) > 1 else first
        elif isinstance(first, pd.api.extensions.ExtensionArray) and all(
            isinstance(a, type(first)) and a.dtype == first.dtype for a in arrays
        ):
            out[name] = type(first)._concat_same_type(arrays)
        else:
            out[name] = pd.concat(
                [pd.Series(a, copy=False) for a in arrays], ignore_index=True
            ).array
    return pd.DataFrame(out, index=rows, copy=False)


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
    if _unique(data["respondent"]):  # the usual case, and cheap to see
        return none, Exclusion("duplicate_respondent", 0), None
    dup = has_id & data.duplicated(keys, keep="last").to_numpy()
    if dup.sum() > MAX_DUPLICATE_SHARE * max(has_id.sum(), 1):
        return (
            none,
            Exclusion("duplicate_respondent", 0),
            _id_warning(data, sources, id_column, keys),
        )
    first = data.loc[dup, [SOURCE_COLUMN, ROW_COLUMN]].head(EXAMPLES)
    examples = tuple(f"{sources[s].path}:{r}" for s, r in first.itertuples(index=False))
    return dup, Exclusion("duplicate_respondent", int(dup.sum()), examples), None


def _unique(ids: pd.Series) -> bool:
    """Whether no id repeats: numbered ids in rising order (the usual export) are seen
    in one pass; others by hashing (45 ms for a million ids, issue 23)."""
    import pandas as pd

    values = ids.array
    if isinstance(values, pd.arrays.IntegerArray) and not values.isna().any():
        numbers = values.to_numpy(dtype="int64")
        if len(numbers) < 2 or bool((numbers[1:] > numbers[:-1]).all()):
            return True
    return ids.is_unique


def _id_warning(data: pd.DataFrame, sources: list[Source], id_column: str, keys: list[str]):
    """Why the ids repeat, and what to do: across files, the files number their
    respondents each on their own, or hold the same survey twice (the column is an id:
    the old advice to name another id column pointed the wrong way); within one file,
    the column is no id."""
    repeats = data.loc[data.duplicated(keys, keep=False), ["respondent", SOURCE_COLUMN, *keys[1:]]]
    spread = repeats.groupby(keys, observed=True)[SOURCE_COLUMN].nunique()
    count = int(data.duplicated(keys, keep="last").sum())
    rows = int(data["respondent"].notna().sum())
    scope = "round_area" if len(keys) == 3 else "round" if "round" in keys else "area"
    scope = Message(f"scope.{scope if len(keys) > 1 else 'survey'}")
    if (spread > 1).mean() > 0.5:  # mostly the same id in different files
        files = list(dict.fromkeys(sources[s].where for s in repeats[SOURCE_COLUMN]))
        more = [Message("warn.more", count=len(files) - 2)] if len(files) > 2 else []
        named = Joined([Joined(files[:2]), *more], "")
        return Message(
            "warn.ids_across", column=id_column, scope=scope, count=count, rows=rows, named=named
        )
    return Message("warn.ids_within", column=id_column, scope=scope, count=count, rows=rows)


def _sum_counts(counts: Iterable[dict[str, int]]) -> dict[str, int]:
    total: dict[str, int] = {}
    for c in counts:
        for key, value in c.items():
            total[key] = total.get(key, 0) + value
    return total
