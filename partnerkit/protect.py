"""Every command's group records, shown as the survey's anonymity pattern allows.

The pattern (:mod:`partnerkit.privacy.pattern`) is decided once per survey as read,
per set of measures; commands only look their groups up in it, so no run, and no
combination of runs with other ``--by``, ``--between``, ``--rounds`` or area
choices, shows what another run hides.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

import numpy as np

from .grouping import GroupKey, group_codes
from .instrument import ROLES
from .survey import ROW_COLUMN, SOURCE_COLUMN

if TYPE_CHECKING:
    import pandas as pd

    from .privacy.pattern import Pattern
    from .survey import Survey

#: Secondary suppression on (a switch for tests that show what it prevents).
SECONDARY = True
#: A pattern with extra --by columns nests in the patterns without each (a switch for
#: tests that show what it prevents).
NESTED = True

_CACHE: list[tuple[tuple, object, Pattern]] = []  # (key, frame kept alive, pattern)
_CACHE_SIZE = 8


def unproved(survey: Survey) -> int:
    """Sensitive groups the patterns decided for ``survey`` in this process left unproved
    (:func:`~partnerkit.privacy.pattern._isolate` found no way to protect them): 0 in
    every normal run. Outputs then say so (``meta.privacy.unproved`` and a warning), so
    that the user checks them with ``privacy-check`` before publishing."""
    whole = survey.as_read
    patterns = {id(p): p for _, frame, p in _CACHE if frame is whole}
    return sum(mp.unproved for p in patterns.values() for mp in p.measures.values())


def cube_keys(survey: Survey, keys: Sequence[GroupKey] = ()) -> list[str]:
    """The pattern's keys: the roles of the survey and the run's other ``--by`` columns."""
    whole = survey.as_read
    # a named organisation is a key only where a run publishes it (the relations of
    # organisations): in every pattern it would hide actor types to protect small ones
    roles = [r for r in ROLES if r in whole.columns and r not in ("respondent", "organisation")]
    extra = [k.column for k in keys if k.column not in roles and k.column != "sector"]
    return [*roles, *dict.fromkeys(extra)]


def survey_pattern(
    survey: Survey,
    keys: Sequence[GroupKey],
    min_n: int,
    measures: Callable[[Survey], dict[str, np.ndarray]],
    kind: str,
    protection: float | None = None,
    scale: tuple[int, int] | None = None,
    jobs: int | None = 1,
    threads: bool = False,
) -> Pattern:
    """The pattern of ``survey`` as read for ``measures`` (computed once, then cached).

    ``measures`` gives, for a survey, every row's value of each measure; ``kind``
    names that set (``"scores"``, ``"items"``) in the cache. ``scale`` is the
    measures' (min, max) when it is not the instrument's (a relation's own scale).
    ``jobs``: decide the measures on this many worker processes (the same pattern), or
    with ``threads`` on this many threads (see :func:`_decide`); None: on this process's
    own threads, up to :data:`SPLIT_THREADS`.
    """
    from .privacy.lp import protection_in, resolve_protection

    whole = survey.as_read
    columns = cube_keys(survey, keys)
    lo, hi = scale or (survey.instrument.scale.min, survey.instrument.scale.max)
    points = resolve_protection(survey.instrument, protection)
    if scale is not None:  # a relation's own scale: the same width in its points
        points = protection_in(survey.instrument, points, lo, hi)
    dominance = survey.instrument.dominance
    key = (id(whole), tuple(columns), min_n, kind, points, dominance, SECONDARY, NESTED, lo, hi)
    for cached_key, frame, pattern in _CACHE:
        if cached_key == key and frame is whole:
            return pattern
    source = (
        survey
        if survey.read_data is None
        else replace(survey, data=whole, dont_know=None, round_order=None, read_data=None)
    )
    frame_columns = [*columns, *(["sector"] if "actor" in columns and "sector" in whole else [])]
    # nested in the patterns without each extra column (see decide_pattern's ``within``)
    extra = columns[len(cube_keys(survey)) :] if NESTED else []
    within = [
        survey_pattern(
            survey,
            [k for k in keys if k.column != e],
            min_n,
            measures,
            kind,
            protection,
            scale,
            jobs,
            threads,
        )
        for e in extra
    ]
    pattern = _decide(
        jobs,
        threads,
        whole[frame_columns],
        columns,
        measures(source),
        min_n=min_n,
        scale=(lo, hi),
        protection=points,
        secondary=SECONDARY,
        dominance=dominance,
        row_keys=row_keys(whole),
        within=within,
    )
    _CACHE.append((key, whole, pattern))
    del _CACHE[:-_CACHE_SIZE]
    return pattern


#: Above this many rows ``threads`` decide the measures in one loop: each thread's measure
#: builds its own cube and lattice (8 ms on 50,000 rows, 40 ms on 500,000, machine
#: paused), against about 40 ms of an integer program the threads share out.
THREAD_ROWS = 100_000
#: Threads that share a pattern's measures when no ``jobs`` is given (``score``,
#: ``reliability``), up to THREAD_ROWS rows, one memo each (see decide_pattern's
#: ``threads``): the 3,000-row benchmark survey's ten measures took 0.47 s so, with the
#: lookups built from lists, against 0.58 s in one loop before (in-process, medians of 7,
#: machine paused; 66 LPs of HiGHS, 0.32-0.36 s, which lets go of the interpreter lock,
#: and 0.26 s of Python).
SPLIT_THREADS = 2


def _decide(jobs: int | None, threads: bool, frame, columns, measures: dict, **settings) -> Pattern:
    """:func:`~partnerkit.privacy.pattern.decide_pattern`, its measures shared among
    ``jobs`` worker processes when there are several (``areas --jobs``), or with
    ``threads`` among ``jobs`` threads of this process (the relation grids of ``report``
    and ``relations``: their time is secondary suppression's integer programs, and HiGHS
    lets go of the GIL while it solves; on the example's report 28 measures took 1.9 s
    on one thread, see the commit that added this for the measurement).

    Each measure's pattern is decided from the cube, that measure's values and the
    settings alone: what ``decide_pattern`` carries from one measure to the next (the
    classes of equal counts, secondary suppression of an equal input, proofs' directions)
    is reused only where it gives the same result (tests/test_disclosure.py), and its
    solvers are seeded per call. So a measure decided in a worker on its own is the one
    decided in the loop, and the patterns of ``--jobs 1`` and ``--jobs 2`` are the same
    (tests/test_areas_jobs.py). On 1,000 areas the ten dimensions took 4.4 s on one
    core.
    """
    from .privacy.pattern import decide_pattern

    if jobs is None:  # this process's own threads, as many as cores (see SPLIT_THREADS)
        from .parallel import cores

        split = min(SPLIT_THREADS, cores()) if len(frame) <= THREAD_ROWS else 1
        return decide_pattern(frame, columns, measures, threads=split, **settings)
    if threads and len(frame) > THREAD_ROWS:
        jobs = 1
    if jobs <= 1 or len(measures) < 2:
        return decide_pattern(frame, columns, measures, **settings)
    from .parallel import process_map, thread_map

    names = list(measures)
    tasks = [(frame, columns, {name: measures[name]}, settings) for name in names]
    if threads:
        parts = thread_map(_decide_one, tasks, most=jobs)
    else:
        parts = process_map(_decide_one, tasks, jobs)
    return merge_patterns(parts)


def merge_patterns(parts: Sequence[Pattern]) -> Pattern:
    """Patterns of other measures over the same cube, as one lookup (their measures in
    order; a digest of theirs)."""
    import hashlib

    if len(parts) == 1:
        return parts[0]
    digest = hashlib.blake2b(b"".join(p.digest for p in parts), digest_size=20).digest()
    merged = {name: m for part in parts for name, m in part.measures.items()}
    return replace(parts[0], measures=merged, digest=digest)


def _decide_one(task) -> Pattern:
    """One measure's pattern, in a worker process or thread (see :func:`_decide`)."""
    from .privacy.pattern import decide_pattern

    frame, columns, measures, settings = task
    return decide_pattern(frame, columns, measures, **settings)


def row_keys(data: pd.DataFrame) -> np.ndarray:
    """One int64 per row from its file and row number (a pandas MultiIndex of the two
    took 0.13 s to build on a million respondents; this, 5 ms)."""
    keys = data[ROW_COLUMN].to_numpy().astype(np.int64)  # a copy of its own
    source = data[SOURCE_COLUMN].to_numpy()
    if source.any():  # one file (source 0): the row numbers are the keys (2 passes, not 5)
        keys |= source.astype(np.int64) << 40
    return keys


def group_cells(
    survey: Survey,
    keys: Sequence[GroupKey],
    lang: str,
    pattern: Pattern,
    coded: Sequence[tuple[np.ndarray, list[str]]] | None = None,
) -> dict:
    """The finest cells of every group a command reports (by its labels per key);
    ``coded``: the keys' :func:`~partnerkit.grouping.group_codes`, when already found.

    The groups of :func:`partnerkit.grouping.group_rows` (cells, margins over the first
    key, the overall group), from integer codes: one count over (group, cell) pairs
    of the rows, then margins as unions of their cells' sets (no group-by on labels,
    which took 0.3 s on a million respondents).
    """
    cube_cell = pattern.cube.cell_of_row
    if survey.read_data is not None:
        cube_cell = cube_cell[pattern.positions(row_keys(survey.data))]
    if not keys:
        return {(): np.unique(cube_cell)}
    n_cells = len(pattern.cube.cells)
    names = [k.name for k in keys]
    if coded is None:
        coded = [group_codes(survey, key, lang) for key in keys]
    sizes = (*(len(labels) for _, labels in coded), n_cells)
    total = math.prod(sizes)
    if total <= 4 * len(cube_cell) + 1024:  # count the (group, cell) pairs: no sort
        linear = np.ravel_multi_index([*(c for c, _ in coded), cube_cell], sizes)
        present = np.flatnonzero(np.bincount(linear, minlength=total))
        pairs = np.stack(np.unravel_index(present, sizes), axis=1)
    else:  # many groups (a free-text column): sort the rows' pairs
        pairs = np.unique(np.stack([*(c for c, _ in coded), cube_cell], axis=1), axis=0)
    # pairs are sorted by group, then cell: each group's cells are one run of rows
    combos, start = np.unique(pairs[:, :-1], axis=0, return_index=True)
    bounds = [*start.tolist(), len(pairs)]
    cell = pairs[:, -1]
    finest = [cell[bounds[g] : bounds[g + 1]] for g in range(len(combos))]
    labels = [np.array(names_, dtype=object)[combos[:, j]] for j, (_, names_) in enumerate(coded)]
    out = {tuple(label[g] for label in labels): finest[g] for g in range(len(combos))}
    if len(names) >= 2:  # margins: every key but the first
        margin: dict[tuple, list] = {}
        for g in range(len(combos)):
            margin.setdefault((None, *(label[g] for label in labels[1:])), []).append(finest[g])
        out.update({k: np.unique(np.concatenate(v)) for k, v in margin.items()})
    out[(None,) * len(names)] = np.unique(cell)
    return out


def hide(
    records: pd.DataFrame,
    survey: Survey,
    keys: Sequence[GroupKey],
    lang: str,
    pattern: Pattern,
    stat_columns: Sequence[str],
    measure_column: str = "dimension",
    cells: dict | None = None,
) -> pd.DataFrame:
    """Blank the statistics of every record the pattern hides.

    Returns a copy with ``suppressed`` and ``suppressed_reason`` (``"min_n"``: fewer
    than ``min_n`` respondents; ``"secondary"``: hidden to protect another group),
    the hidden records' statistics missing and their ``n`` missing. ``cells``: the
    groups' :func:`group_cells`, when already found.
    """
    import pandas as pd

    out = records.copy()
    if cells is None:
        cells = group_cells(survey, keys, lang, pattern)
    names = [k.name for k in keys]
    columns = [out[n].astype(object).where(out[n].notna(), None) for n in names]
    labels = list(zip(*columns, strict=True)) if names else [()] * len(out)
    # each measure's groups decided at once (Pattern.decisions), in the records' order
    measures = out[measure_column].tolist()
    rows_of: dict = {}
    for i, measure in enumerate(measures):
        rows_of.setdefault(measure, []).append(i)
    decided: list = [None] * len(out)
    for measure, rows in rows_of.items():
        found = pattern.decisions(measure, [cells[tuple(labels[i])] for i in rows])
        for i, decision in zip(rows, found, strict=True):
            decided[i] = decision
    hidden = np.array([h for h, _ in decided], dtype=bool)
    out["suppressed"] = hidden
    out["suppressed_reason"] = [r if h else None for h, r in decided]
    out.loc[hidden, list(stat_columns)] = np.nan
    n = out["n"].to_numpy(dtype="float64", na_value=0.0)
    out["n"] = pd.array(np.where(hidden, np.nan, n), dtype="Int64")
    return out
