"""The scoring core: respondents' dimension scores, and group statistics per dimension.

A respondent's dimension score is the mean of the (reverse-keyed) items they
answered, when they answered at least half of the dimension's items. Group
statistics are computed with vectorised pandas group-bys, then passed through
:mod:`partnerkit.privacy` so no small group shows a number.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

import numpy as np

from .errors import SurveyReadError
from .grouping import GroupKey, group_codes, group_order, resolve_keys
from .i18n import Joined, Message, half_up
from .parallel import MIN_CELLS, in_background, thread_map
from .privacy.pattern import row_index, sums_by
from .privacy.threshold import resolve_min_n
from .protect import hide
from .result import Result
from .stats import t_interval
from .survey import Exclusion, Survey

if TYPE_CHECKING:
    import pandas as pd


#: Rows scored at a time (:func:`respondent_scores`): a block's sums and distances, 512 KB
#: each, stay in the cache; smaller blocks cost more in calls than they save (a million
#: rows in blocks of 32,768: 106-124 ms, of 65,536: 83-89 ms, of 131,072: 86-89 ms)
SCORE_BLOCK = 1 << 16

#: Columns of a score record after the grouping keys.
STAT_COLUMNS = ("mean", "sd", "ci_low", "ci_high", "pct_favourable", "zone")


@dataclass(frozen=True)
class RespondentScores:
    """Per respondent (rows of ``Survey.data``): dimension scores and item counts."""

    scores: pd.DataFrame  # one float column per scoreable dimension
    favourable: np.ndarray  # int8 (int16 past 127 items): items at or above `favourable`
    answered: np.ndarray  # answered items, per dimension; both 0 where not scored
    scored: np.ndarray  # bool: rows with at least one dimension score


def scoreable_dimensions(survey: Survey) -> list[str]:
    """Dimensions with at least half their items present as columns."""
    present = set(survey.items)
    return [
        dim.id
        for dim in survey.instrument.dimensions
        if 2 * sum(item.id in present for item in dim.items) >= len(dim.items)
    ]


def missing_dimensions(survey: Survey) -> list[str]:
    """Dimensions none of whose items has a column: they would vanish from every table."""
    present = set(survey.items)
    return [
        dim.id
        for dim in survey.instrument.dimensions
        if not any(item.id in present for item in dim.items)
    ]


def item_like_columns(survey: Survey) -> list[str]:
    """Columns no item took whose answers look like the scale's (its numbers or label
    texts, in at least 80% of the answered cells): items under headers the instrument
    does not know."""
    import pandas as pd

    columns = list(survey.other_columns)
    if not columns:
        return []
    scale = survey.instrument.scale
    # every cell at once (one parse for 20,000 columns, not one per column)
    cells = pd.Series(survey.data[columns].to_numpy(dtype=object).ravel())
    given = cells.notna().to_numpy()
    numbers = pd.to_numeric(cells, errors="coerce")
    fits = numbers.between(scale.min, scale.max).to_numpy().copy()
    texts = cells[given & ~fits].astype(str).str.strip().str.casefold()
    fits[texts.index[texts.isin(set(scale.text_codes))]] = True
    shape = (len(survey.data), len(columns))
    answered = given.reshape(shape).sum(axis=0)
    on_scale = (fits & given).reshape(shape).sum(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        share = on_scale / answered
    return [c for c, a, r in zip(columns, answered, share, strict=True) if a and r >= 0.8]


def coverage_message(survey: Survey, default_instrument: bool = False) -> str | None:
    """The warning a dimension with no item columns gets (``None`` when every dimension
    has at least one): which dimensions and items, the unused columns that look like
    items, and, when the default instrument maps fewer than half its items, the advice
    to choose or write an instrument."""
    missing = missing_dimensions(survey)
    if not missing:
        return None
    inst = survey.instrument
    lang = inst.language
    parts = []
    for dim_id in missing:
        dim = inst.dimension(dim_id)
        items = ", ".join(i.id for i in dim.items)
        parts.append(Message("warn.coverage.dim", label=dim.label(lang), id=dim_id, items=items))
    unused, advice = item_like_columns(survey), ""
    if unused:
        shown = ", ".join(f"'{c}'" for c in unused[:12])
        more = Message("warn.more", count=len(unused) - 12) if len(unused) > 12 else ""
        unused = Message("warn.coverage.unused", shown=shown, more=more)
    if default_instrument and 2 * len(survey.items) < len(inst.items):
        advice = Message(
            "warn.coverage.default",
            instrument=inst.id,
            found=len(survey.items),
            total=len(inst.items),
        )
    return Message(
        "warn.coverage",
        instrument=inst.id,
        missing=len(missing),
        total=len(inst.dimensions),
        dims=Joined(parts, "; "),
        unused=unused or "",
        advice=advice,
    )


def respondent_scores(survey: Survey) -> RespondentScores:
    """Each respondent's score on each dimension (NaN when fewer than half answered).

    Notes
    -----
    Reverse-keyed items are turned as ``min + max - x`` on the declared scale.
    A score needs at least half of the dimension's declared items answered
    (2 of 3, 2 of 4), the rule of R psych ``scoreItems(impute="none")`` with a
    minimum count.
    """
    import pandas as pd

    inst = survey.instrument
    scale = inst.scale
    dims = scoreable_dimensions(survey)
    if not dims:
        where = Joined(s.where for s in survey.sources)
        raise SurveyReadError(Message("error.nothing_scorable", where=where))
    n = len(survey.data)
    lo, hi = scale.min, scale.max
    columns = {
        item.id: survey.data[item.id].to_numpy(dtype="float64")
        for dim_id in dims
        for item in inst.dimension(dim_id).items
        if item.id in survey.data.columns
    }
    # Counts per dimension, column-major so each dimension is one contiguous run; a byte
    # each while no dimension has more than 127 items (1,000,000 x 10: 10 MB, not 20)
    most = max(len(inst.dimension(d).items) for d in dims)
    small = np.int8 if most <= np.iinfo(np.int8).max else np.int16
    favourable = np.zeros((n, len(dims)), dtype=small, order="F")
    answered = np.zeros((n, len(dims)), dtype=small, order="F")

    def dimension(d: int) -> tuple[np.ndarray, np.ndarray]:
        """Score and "enough items" of dimension ``d``; fills its counts in place.

        Each item is taken as its distance from the bottom of the scale (``x - min``, or
        ``max - x`` reverse-keyed: ``min + max - x`` less ``min``), which is at least 0
        for an answer and NaN for none: a comparison with 0 finds the answers and
        ``fmax(., 0)`` turns the rest to 0, where a masked sum took 1.4 ms an item of a
        million rows. The distances are whole numbers, so their sum plus ``min`` times
        the count is the sum of the answers, exactly (issue 23).

        The rows go in blocks of :data:`SCORE_BLOCK`, every item of a block at a time,
        so the sums and distances stay in the processor's cache and each answer is read
        from memory once (one pass per item and step over a million rows read 80 MB an
        item: 150 ms for thirty items on two threads, in blocks 85 ms)."""
        dim = inst.dimension(dims[d])
        items = [(columns[i.id], i.reverse) for i in dim.items if i.id in columns]
        need = (len(dim.items) + 1) // 2  # half, rounded up
        score, enough = np.empty(n), np.empty(n, dtype=bool)
        step, ok = np.empty(min(n, SCORE_BLOCK)), np.empty(min(n, SCORE_BLOCK), dtype=bool)
        with np.errstate(invalid="ignore", divide="ignore"):
            for start in range(0, n, SCORE_BLOCK):
                rows = slice(start, min(start + SCORE_BLOCK, n))
                total, count, fav = score[rows], answered[rows, d], favourable[rows, d]
                full = enough[rows]
                size = len(total)
                at, yes = step[:size], ok[:size]
                total.fill(0.0)
                for x, reverse in items:
                    if reverse:
                        np.subtract(hi, x[rows], out=at)
                    else:
                        np.subtract(x[rows], lo, out=at)
                    count += np.greater_equal(at, 0, out=yes)  # NaN compares False
                    fav += np.greater_equal(at, scale.favourable - lo, out=yes)
                    total += np.fmax(at, 0, out=at)
                total += lo * count
                np.divide(total, count, out=total)  # the sum becomes the mean
                np.greater_equal(count, need, out=full)
                count *= full
                fav *= full
                np.copyto(total, np.nan, where=~full)
        return score, enough

    # numpy lets go of the GIL, so dimensions are scored on threads on a large survey
    results = thread_map(dimension, range(len(dims)), cells=n * len(columns))
    scores = {dim_id: score for dim_id, (score, _) in zip(dims, results, strict=True)}
    scored = results[0][1]  # the first dimension's own array: updated in place
    for _, enough in results[1:]:
        np.logical_or(scored, enough, out=scored)
    frame = pd.DataFrame(scores, index=survey.data.index, copy=False)
    return RespondentScores(frame, favourable, answered, scored)


@dataclass(frozen=True, kw_only=True)
class ScoreResult(Result):
    """Group statistics per dimension and everything needed to report them."""

    command: ClassVar[str] = "score"

    comments: pd.DataFrame | None = None  # only with include_comments

    def settings(self) -> dict:
        return {"group_by": [k.name for k in self.keys], "lang": self.lang}

    def tables(self) -> dict[str, pd.DataFrame]:
        return {} if self.comments is None else {"comments": self.comments}


def score(
    survey: Survey,
    by: Sequence[str] | None = None,
    *,
    min_n: int | None = None,
    lang: str | None = None,
    merge_small: bool = False,
) -> pd.DataFrame:
    """Score every dimension per group, with an overall record per dimension.

    Parameters
    ----------
    survey
        From :func:`partnerkit.read_survey`.
    by
        Grouping keys: ``actor``, ``round``, ``area`` or column headers. ``None``:
        by actor, and by round when the survey has a round column.
    min_n
        Smallest group that shows statistics (default: the instrument's, else 5).
    lang
        Language of dimension names and group labels (default: the instrument's).
    merge_small
        Merge groups below ``min_n`` into one "Andre / Other" group where that
        group reaches ``min_n`` (see :func:`partnerkit.privacy.merge_small`).

    Returns
    -------
    pandas.DataFrame
        One record per dimension and group: ``dimension``, ``dimension_name``, one
        column per grouping key (missing on records aggregated over that key),
        ``n``, ``mean``, ``sd``, ``ci_low``, ``ci_high``, ``pct_favourable``,
        ``zone`` and ``suppressed``.

    Examples
    --------
    >>> from partnerkit import read_survey
    >>> survey = read_survey("data/examples/partnerskab_2022-2024.xlsx")
    >>> table = score(survey, by=["actor"])
    >>> list(table.columns[:4])
    ['dimension', 'dimension_name', 'actor', 'n']
    """
    return score_survey(survey, by, min_n=min_n, lang=lang, merge_small=merge_small).records


def score_survey(
    survey: Survey,
    by: Sequence[str] | None = None,
    *,
    min_n: int | None = None,
    lang: str | None = None,
    merge_small: bool = False,
    include_comments: bool = False,
) -> ScoreResult:
    """Like :func:`score`, returning a :class:`ScoreResult` with the ledger and warnings;
    ``include_comments`` adds the free-text comments of groups of at least ``min_n``."""
    from .privacy.threshold import merge_small as merge

    inst = survey.instrument
    lang = lang or inst.language
    keys = resolve_keys(survey, by)
    min_n, min_n_warnings = resolve_min_n(min_n, inst.min_n)
    if merge_small:
        survey = merge(survey, keys, min_n)
    rs = respondent_scores(survey)
    scored = rs.scored

    unscored = ~scored
    first = np.flatnonzero(unscored)[:10]  # the rows named: no selection of every column
    source = survey.data["_source"].to_numpy()[first]
    rows = survey.data["_row"].to_numpy()[first]
    too_few = Exclusion(
        "too_few_items",
        int(unscored.sum()),
        tuple(survey.row_ref(s, r) for s, r in zip(source, rows, strict=True)),
    )
    records = with_missing_dimensions(group_statistics(survey, rs, keys, min_n, lang), survey, lang)
    warnings = (*min_n_warnings, *survey.ledger.warnings)
    warnings += _clipped_intervals(records, inst.scale)
    if not keys:
        warnings += (Message("warn.no_groups"),)
    comments = None
    if include_comments:
        from .comments import collect_comments

        comments = collect_comments(survey, keys, min_n, lang)
    return ScoreResult(
        records=records,
        survey=survey,
        keys=tuple(keys),
        min_n=min_n,
        lang=lang,
        ledger=survey.ledger.with_exclusions((too_few,)),
        rows_scored=int(scored.sum()),
        warnings=tuple(dict.fromkeys(warnings)),
        comments=comments,
    )


def with_missing_dimensions(records: pd.DataFrame, survey: Survey, lang: str) -> pd.DataFrame:
    """``records`` with one overall record per dimension that has no item columns, in the
    instrument's order: no statistics, ``suppressed_reason`` ``"no_columns"``, so every
    output shows the dimension and says why it has no score (issue 19)."""
    import pandas as pd

    missing = missing_dimensions(survey)
    if not missing:
        return records
    inst = survey.instrument
    rows = pd.DataFrame(
        {
            "dimension": missing,
            "dimension_name": [inst.dimension(d).label(lang) for d in missing],
            "suppressed": True,
            "suppressed_reason": "no_columns",
        }
    )
    out = pd.concat([records, rows], ignore_index=True)
    out["n"] = out["n"].astype("Int64")
    texts = out.select_dtypes(exclude=["number", "bool"]).columns
    for column in texts:  # keys, zone, reason: None where missing, never NaN
        out[column] = out[column].astype(object).where(out[column].notna(), None)
    order = {d.id: i for i, d in enumerate(inst.dimensions)}
    rank = out["dimension"].map(order).to_numpy()
    return out.iloc[np.argsort(rank, kind="stable")].reset_index(drop=True)


def add_missing_dimensions(
    records: pd.DataFrame, survey: Survey, lang: str, **fill
) -> pd.DataFrame:
    """``records`` of any command with one record per dimension that has no item columns,
    in the instrument's order (issue 19): ``suppressed_reason`` ``"no_columns"`` (the
    column is added after ``suppressed``, or at the end, when the records lack it),
    ``suppressed`` true, yes/no columns false, every other column empty unless ``fill``
    gives its value. The records stay as they are when every dimension has a column."""
    import pandas as pd

    missing = missing_dimensions(survey)
    if not missing:
        return records
    inst = survey.instrument
    columns = list(records.columns)
    if "suppressed_reason" not in columns:
        at = columns.index("suppressed") + 1 if "suppressed" in columns else len(columns)
        columns.insert(at, "suppressed_reason")
    given = {
        "dimension": missing,
        "dimension_name": [inst.dimension(d).label(lang) for d in missing],
        "suppressed": True,
        "suppressed_reason": "no_columns",
        **fill,
    }
    old = records.copy()
    if "suppressed_reason" not in old.columns:
        old["suppressed_reason"] = None
    rows = {}
    for column in columns:
        dtype = old[column].dtype
        if column in fill and isinstance(fill[column], list):
            rows[column] = None  # a list (groups, items): one per record, set below
        elif column in given:
            rows[column] = given[column]
        elif pd.api.types.is_bool_dtype(dtype):
            rows[column] = False
        elif pd.api.types.is_integer_dtype(dtype):
            old[column] = pd.array(old[column], dtype="Int64")
            rows[column] = pd.NA
        elif pd.api.types.is_float_dtype(dtype):
            rows[column] = np.nan
        else:
            rows[column] = None
    new = pd.DataFrame(rows, index=range(len(missing)))
    for column in columns:  # lists (groups, items) cannot be broadcast: one per record
        if column in fill and isinstance(fill[column], list):
            new[column] = [list(fill[column]) for _ in missing]
    for column in new.columns:
        if pd.api.types.is_integer_dtype(old[column].dtype):
            new[column] = pd.array(new[column], dtype="Int64")
        elif pd.api.types.is_float_dtype(old[column].dtype):
            new[column] = new[column].astype(float)
    out = pd.concat([old[columns], new[columns]], ignore_index=True) if len(old) else new[columns]
    for column in out.columns:
        if out[column].dtype == object:  # texts: None where missing, never NaN
            out[column] = out[column].where(out[column].notna(), None)
    order = {d.id: i for i, d in enumerate(inst.dimensions)}
    rank = out["dimension"].map(order).to_numpy()
    return out.iloc[np.argsort(rank, kind="stable")].reset_index(drop=True)


def _clipped_intervals(records: pd.DataFrame, scale) -> tuple[str, ...]:
    """A note when a shown record's 95% interval reaches an end of the scale (it was clipped)."""
    shown = records[~records["suppressed"].astype(bool)]
    lo, hi = shown["ci_low"].to_numpy(dtype=float), shown["ci_high"].to_numpy(dtype=float)
    spread = shown["sd"].to_numpy(dtype=float) > 0  # a unanimous group's interval is its mean
    clipped = int(np.count_nonzero(spread & ((lo <= scale.min) | (hi >= scale.max))))
    if not clipped:
        return ()
    return (Message("warn.clipped", count=clipped, lo=scale.min, hi=scale.max),)


def group_statistics(
    survey: Survey,
    rs: RespondentScores,
    keys: Sequence[GroupKey],
    min_n: int,
    lang: str,
) -> pd.DataFrame:
    """Group statistics per dimension with margins, suppressed for anonymity.

    With keys ``k1..km`` the records are the cells (all keys), the margins over
    ``k1`` within each combination of ``k2..km`` (``k1`` missing; only when
    ``m >= 2``) and the overall record (all keys missing).
    """
    import pandas as pd

    inst = survey.instrument
    dims = list(rs.scores.columns)
    key_names = [k.name for k in keys]
    # The anonymity pattern, and the cells of each group in it, are found on a thread of
    # their own while the moments below are summed: it runs mostly on one core, so on a
    # large survey the other core was idle for its 0.2 s (a million rows, issue 23). A
    # small survey decides it at the end.
    large = len(survey.data) * len(dims) >= MIN_CELLS
    coded = [group_codes(survey, k, lang) for k in keys]  # the rows' groups: found once
    deciding = None
    if large:
        deciding = in_background(_pattern_cells, survey, keys, min_n, rs, lang, coded)

    levels = [(list(range(len(keys))), "cell")]
    if len(keys) >= 2:
        levels.append((list(range(1, len(keys))), "margin"))
    if keys:
        levels.append(([], "overall"))
    else:
        levels = [([], "overall")]

    # One pass over the respondents per dimension, for the finest cells; margins and
    # the overall record are combined from the cells' moments (Chan et al.'s pairwise
    # update, exact up to rounding), so their cost does not grow with the rows.
    group, cells = _group_ids([c for c, _ in coded], len(survey.data))
    size = len(cells)
    scores = [rs.scores[dim_id].to_numpy() for dim_id in dims]

    everyone = np.bincount(group, minlength=size).astype(float)  # each dimension's n when
    # every respondent has its score: one count, not one per dimension (1 ms of 7 each)
    index = row_index(group, size)  # the sums' index, once for every dimension

    def dimension(d: int) -> tuple[np.ndarray, ...]:
        return (
            *_moments(group, size, scores[d], everyone, index),
            *_count_sums(index, size, rs.favourable[:, d], rs.answered[:, d]),
        )

    # on this thread alone while the pattern is decided on the other core (three threads
    # at once held 46 MB more at the peak of a million rows)
    work = len(group) * len(dims) if deciding is None else 0
    moments = dict(zip(dims, thread_map(dimension, range(len(dims)), cells=work), strict=True))
    # Columns gathered as arrays, one frame at the end (a frame per dimension and
    # level cost more than the arithmetic on small surveys).
    stats_names = ("n", "mean", "sd", "_fav", "_ans")
    columns: dict[str, list[np.ndarray]] = {
        name: [] for name in (*key_names, "dimension", "_level", *stats_names)
    }
    for positions, level in levels:
        parent, combos = _group_ids([cells[:, p] for p in positions], size)
        count = len(combos)
        labels = {name: np.full(count, None, dtype=object) for name in key_names}
        for j, p in enumerate(positions):
            labels[key_names[p]] = np.array(coded[p][1], dtype=object)[combos[:, j]]
        finest = len(positions) == len(keys)  # the cells themselves
        for dim_id in dims:
            stats = moments[dim_id] if finest else _combine(parent, count, *moments[dim_id])
            n, mean, m2, fav, ans = stats
            with np.errstate(invalid="ignore", divide="ignore"):
                sd = np.where(n >= 2, np.sqrt(m2 / (n - 1)), np.nan)
            for name in key_names:
                columns[name].append(labels[name])
            columns["dimension"].append(np.full(count, dim_id, dtype=object))
            columns["_level"].append(np.full(count, level, dtype=object))
            for name, values in zip(stats_names, (n, mean, sd, fav, ans), strict=True):
                columns[name].append(values)
    records = pd.DataFrame({name: np.concatenate(parts) for name, parts in columns.items()})
    for name in key_names:
        records[name] = records[name].astype(object).where(records[name].notna(), None)

    n = records["n"].to_numpy(dtype=float)
    low, high = t_interval(records["mean"].to_numpy(), records["sd"].to_numpy(), n)
    # a mean cannot leave the scale: with n = 2 the t-interval ran from -22.4 to 28.4 on 1-5
    scale = survey.instrument.scale
    records["ci_low"] = np.clip(low, scale.min, scale.max)
    records["ci_high"] = np.clip(high, scale.min, scale.max)
    with np.errstate(invalid="ignore", divide="ignore"):
        records["pct_favourable"] = (
            100.0 * records["_fav"] / records["_ans"].where(records["_ans"] > 0)
        )
    # the zone of the mean as shown (round first, then classify): 3.996 reads 4.00, a strength
    means = half_up(records["mean"].to_numpy(dtype=float))
    records["zone"] = np.select(
        [means >= inst.zones.strength, means >= inst.zones.attention, means < inst.zones.attention],
        ["strength", "attention", "concern"],
        default=None,
    )
    records["zone"] = records["zone"].where(records["mean"].notna(), None)
    records["dimension_name"] = records["dimension"].map(
        {d.id: d.label(lang) for d in inst.dimensions}
    )
    records = _sort(records, survey, keys, dims, lang)

    if deciding is not None:
        pattern, cells = deciding.result()
    else:
        from .protect import group_cells

        pattern = score_pattern(survey, keys, min_n, rs)
        cells = group_cells(survey, keys, lang, pattern, coded)
    records = hide(records, survey, keys, lang, pattern, STAT_COLUMNS, cells=cells)
    columns = [
        "dimension", "dimension_name", *key_names, "n", *STAT_COLUMNS, "suppressed",
        "suppressed_reason",
    ]  # fmt: skip
    return records[columns].reset_index(drop=True)


def score_pattern(
    survey: Survey, keys: Sequence[GroupKey], min_n: int, rs=None, jobs: int | None = None
):
    """The anonymity pattern of the dimension scores of ``survey`` as read
    (:mod:`partnerkit.privacy.pattern`); ``rs``: the scores when no round was chosen;
    ``jobs``: worker processes that share its measures (None: threads of this process,
    see :func:`.protect.survey_pattern`)."""
    from .protect import survey_pattern

    def measures(whole: Survey) -> dict[str, np.ndarray]:
        scores = rs if (rs is not None and whole is survey) else respondent_scores(whole)
        return {dim: scores.scores[dim].to_numpy() for dim in scores.scores.columns}

    return survey_pattern(survey, keys, min_n, measures, "scores", jobs=jobs)


def _pattern_cells(
    survey: Survey, keys, min_n: int, rs: RespondentScores, lang: str, coded: list
) -> tuple:
    """:func:`score_pattern` and the cells of each group in it (:func:`.protect.group_cells`,
    from the rows' group codes ``coded``): on the pattern's thread, they took 0.03-0.06 s
    off the end of a million rows' scoring."""
    from .protect import group_cells

    pattern = score_pattern(survey, keys, min_n, rs)
    return pattern, group_cells(survey, keys, lang, pattern, coded)


def _moments(
    group: np.ndarray,
    size: int,
    x: np.ndarray,
    everyone: np.ndarray | None = None,
    index: np.ndarray | None = None,
):
    """Count, mean and sum of squared deviations of ``x`` (NaN skipped) per group;
    ``everyone``: the count of every row per group, when known; ``index``: ``group``
    as :func:`.privacy.pattern.row_index` gives it, when known.

    Two passes (mean, then squared deviations from it): exact for the sample SD. The few
    unanswered rows count as 0 in both sums rather than being selected out: adding 0.0
    leaves a sum as it was, so the moments are the same to the last bit, and two
    boolean selections of a million rows cost more than the sums (73 -> 54 ms for ten
    dimensions, issue 23).
    """
    missing = np.flatnonzero(np.isnan(x))
    if everyone is None:
        everyone = np.bincount(group, minlength=size).astype(float)
    if index is None:
        index = row_index(group, size)
    n = everyone - np.bincount(group[missing], minlength=size) if missing.size else everyone
    v = x
    if missing.size:
        v = x.copy()  # the scores are shared with the pattern's thread: not in place
        v[missing] = 0.0
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = sums_by(index, v, size) / n
    # one array, reused in place (scoring a million rows on two threads held 50 MB more
    # with temporaries); np.take lets go of the interpreter lock where mean[group] holds
    # it, so the pattern's thread runs meanwhile
    deviation = np.take(mean, group)
    np.subtract(v, deviation, out=deviation)
    np.multiply(deviation, deviation, out=deviation)
    deviation[missing] = 0.0
    return n, mean, sums_by(index, deviation, size)


def _count_sums(index: np.ndarray, size: int, low: np.ndarray, high: np.ndarray) -> list:
    """Per group, the sums of two small non-negative integer counts (as float64: what
    ``np.bincount`` with them as weights gives, exactly, since every partial sum is a
    whole number far below 2**53).

    Both are packed in one int64 a row (the second in the upper 32 bits) and summed in
    one pass: two ``bincount``s cast each int8 count to float64 first (12 ms of a
    dimension's 30 on a million rows, issue 23). The halves cannot carry into each
    other while a group's sum of the first stays below 2**32 and of the second below
    2**31: with int8 counts (up to 127 items a dimension) any survey below 16.9 million
    rows; past that bound of the counts' type, two ``bincount``s.
    """
    most = max(np.iinfo(low.dtype).max, np.iinfo(high.dtype).max)
    if len(low) * most >= 2**31:
        return [np.bincount(index, weights=c, minlength=size) for c in (low, high)]
    packed = high.astype(np.int64)
    packed <<= 32
    packed += low
    both = sums_by(index, packed, size)
    return [(both & 0xFFFFFFFF).astype(float), (both >> 32).astype(float)]


def _combine(parent: np.ndarray, size: int, n, mean, m2, *sums):
    """Moments of groups made of cells (``parent`` numbers each cell's group):
    the pairwise update of Chan, Golub and LeVeque (1979); ``sums`` simply add up."""
    has = n > 0
    p, n_h, mean_h = parent[has], n[has], mean[has]
    total = np.bincount(p, weights=n_h, minlength=size)
    with np.errstate(invalid="ignore", divide="ignore"):
        pooled = np.bincount(p, weights=n_h * mean_h, minlength=size) / total
    shift = mean_h - pooled[p]
    m2_pooled = np.bincount(p, weights=m2[has] + n_h * shift * shift, minlength=size)
    return total, pooled, m2_pooled, *(np.bincount(parent, s, minlength=size) for s in sums)


def _group_ids(codes: list[np.ndarray], rows: int) -> tuple[np.ndarray, np.ndarray]:
    """One compact group id per row from several code columns, and each group's codes.

    The combinations that occur are numbered in order: by counting over every possible
    combination when those are few next to the rows (no sort), else by sorting.
    """
    if not codes:
        return np.zeros(rows, dtype=np.intp), np.zeros((1, 0), dtype=np.intp)
    sizes = tuple(int(c.max()) + 1 if c.size else 1 for c in codes)
    total = math.prod(sizes)  # exact: a Python integer
    if total > 4 * rows + 1024:  # sparse combinations (free-text keys): sort the rows
        combos, group = np.unique(np.stack(codes, axis=1), axis=0, return_inverse=True)
        return group.reshape(-1).astype(np.intp, copy=False), combos.astype(np.intp)
    combined = np.ravel_multi_index(codes, sizes)
    present = np.flatnonzero(np.bincount(combined, minlength=total))
    number = np.full(total, -1, dtype=np.intp)
    number[present] = np.arange(present.size)
    group = number[combined]
    combos = np.stack(np.unravel_index(present, sizes), axis=1)
    return group.astype(np.intp, copy=False), combos


def _sort(records, survey, keys, dims, lang):
    """Records in reading order: dimension, then outer keys, inner key, margins last."""
    sort_cols = [records["dimension"].map({d: i for i, d in enumerate(dims)})]
    for key in reversed(keys):  # outer keys first
        labels = records[key.name]
        order = group_order(survey, key, labels.dropna().unique().tolist(), lang)
        rank = {v: i for i, v in enumerate(order)}
        sort_cols.append(labels.map(rank).fillna(len(rank)))
    frame = records.assign(**{f"_k{i}": col for i, col in enumerate(sort_cols)})
    by = [f"_k{i}" for i in range(len(sort_cols))]
    return frame.sort_values(by, kind="stable").drop(columns=by)
