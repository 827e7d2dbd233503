"""Do a dimension's items hold together? Cronbach's alpha, item statistics and flags.

Per dimension (and per group with ``by``), computed by
:mod:`partnerkit.stats.alpha` on the reverse-keyed items, then passed
through the same anonymity rules as scores: a group below ``min_n`` shows
nothing, and neither does a group or an item that would let a hidden one be
worked out by subtraction.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, ClassVar

import numpy as np

from .grouping import group_rows, resolve_keys
from .i18n import number, t
from .parallel import MIN_CELLS, in_background
from .privacy.threshold import resolve_min_n
from .protect import hide, survey_pattern
from .result import Result
from .scoring import score_pattern, scoreable_dimensions
from .survey import Survey

if TYPE_CHECKING:
    import pandas as pd

ALPHA_MIN = 0.70  # below this a dimension is flagged
R_DROP_MIN = 0.30  # an item correlating less with the rest is flagged
N_MIN = 30  # fewer respondents: too few to judge
CI_WIDTH_MAX = 0.30  # a wider interval: too uncertain to judge
K_MIN = 3  # fewer answered items: alpha is unstable

DIMENSION_COLUMNS = ("n", "k", "alpha", "alpha_ci_low", "alpha_ci_high", "alpha_std", "average_r")
ITEM_COLUMNS = ("n", "mean", "sd", "r_drop", "alpha_if_dropped", "pct_missing")


@dataclass(frozen=True, kw_only=True)
class ReliabilityResult(Result):
    """Reliability per dimension and group; ``records`` nests ``items`` and ``flags``."""

    command: ClassVar[str] = "reliability"

    def settings(self) -> dict:
        return {
            "group_by": [k.name for k in self.keys],
            "lang": self.lang,
            "thresholds": {
                "alpha": ALPHA_MIN,
                "r_drop": R_DROP_MIN,
                "n": N_MIN,
                "ci_width": CI_WIDTH_MAX,
                "k": K_MIN,
            },
        }


def reliability(
    survey: Survey,
    by: Sequence[str] | None = (),
    *,
    min_n: int | None = None,
    lang: str | None = None,
    item_means: bool = True,
) -> ReliabilityResult:
    """Cronbach's alpha, its Feldt interval and item statistics per dimension (and group).

    Parameters
    ----------
    survey
        From :func:`partnerkit.read_survey`.
    by
        Grouping keys (``actor``, ``round``, ``area`` or headers); empty for the whole survey.
    min_n, lang
        As for :func:`partnerkit.score`.
    item_means
        ``False`` leaves out what only the items' own anonymity pattern protects (each
        item's ``n``, ``mean``, ``sd``, ``pct_missing`` and ``distribution`` are None)
        and decides no such pattern: each item's ``r_drop`` and ``alpha_if_dropped``
        then show where its dimension's group shows its alpha and the item has at least
        ``min_n`` answers. For the report, which shows nothing else of the items.

    Returns
    -------
    ReliabilityResult
        ``records``: one row per dimension and group with ``dimension``,
        ``dimension_name``, the grouping keys, ``n`` (respondents with at least
        one item answered), ``k`` (items answered), ``alpha``, ``alpha_ci_low``,
        ``alpha_ci_high``, ``alpha_std``, ``average_r``, ``suppressed``,
        ``items`` (per item: ``item``, ``n``, ``mean``, ``sd``, ``r_drop``,
        ``alpha_if_dropped``, ``pct_missing``, ``distribution``) and ``flags``
        (``code``, ``item``, ``message``).

    Notes
    -----
    Alpha from the pairwise-complete covariance matrix, as R psych ``alpha()``
    and pingouin ``cronbach_alpha()``; Feldt, Woodruff & Salih (1987) interval.
    """
    import pandas as pd

    from .stats.alpha import item_statistics, pairwise_moments, scale_reliability

    inst = survey.instrument
    lang = lang or inst.language
    keys = resolve_keys(survey, by or [])
    key_names = [k.name for k in keys]
    min_n, warnings = resolve_min_n(min_n, inst.min_n)
    # one pattern per survey (privacy.pattern): a group's alpha shows where its scores
    # do, and an item's mean where the item's own pattern allows. On a large survey both
    # are decided on threads of their own while the statistics below are computed (each
    # runs mostly on one core: 0.5 s of a million rows in turn, issue 23).
    patterns = [(score_pattern, survey, keys, min_n)]
    if item_means:
        patterns.append((survey_pattern, survey, keys, min_n, _item_values, "items"))
    if len(survey.data) * len(survey.items) >= MIN_CELLS:
        deciding = [in_background(*call) for call in patterns]
        patterns = [future.result for future in deciding]
    else:
        patterns = [partial(*call) for call in patterns]
    groups = group_rows(survey, keys, lang)
    present = set(survey.items)
    scale = inst.scale
    # the dimensions scores exist for (at least half their items as columns): a
    # dimension with fewer has no score, so no anonymity pattern and no reliability
    scoreable = set(scoreable_dimensions(survey))

    dims, items = [], []
    for dim in inst.dimensions:
        dim_items = [i for i in dim.items if i.id in present]
        if not dim_items or dim.id not in scoreable:
            continue
        ids = [i.id for i in dim_items]
        # items x rows, each item's answers contiguous (pairwise_moments works on runs)
        values = np.empty((len(ids), len(survey.data)))
        for j, item in enumerate(dim_items):
            column = survey.data[item.id].to_numpy(dtype="float64")
            if item.reverse:
                np.subtract(scale.min + scale.max, column, out=values[j])
            else:
                values[j] = column
        dont_know = survey.dont_know[ids].to_numpy() if survey.dont_know is not None else None
        for group in groups:
            whole = group.rows.size == values.shape[1]  # the overall group: every row, in order
            x = (values if whole else values[:, group.rows]).T  # rows x items, as in a frame
            # one pass for alpha and every item statistic (stats.alpha.pairwise_moments)
            moments = pairwise_moments(x)
            kept = np.diag(moments.pairs) > 0  # items with an answer in this group
            frame = pd.DataFrame(x, columns=ids, copy=False)
            answered = frame.loc[:, kept]
            summary = scale_reliability(answered, moments=moments.subset(kept))
            summary["k"] = answered.shape[1]
            base = {"dimension": dim.id, **group.labels, "_level": group.level}
            dims.append(base | summary)
            stats = item_statistics(frame, moments=moments).to_dict("records")
            tally = _tally(x, scale)
            unknown = (
                (dont_know if whole else dont_know[group.rows]).sum(axis=0)
                if dont_know is not None
                else np.zeros(len(ids), dtype=int)
            )
            for j, row in enumerate(stats):
                counts = {str(p): int(c) for p, c in zip(scale.points, tally[j], strict=True)}
                counts["dont_know"] = int(unknown[j])
                item_id = row.pop("item")
                items.append(base | {"item": item_id, **row, "distribution": counts})

    scores, *item_pattern = (decided() for decided in patterns)
    dim_records = hide(pd.DataFrame(dims), survey, keys, lang, scores, DIMENSION_COLUMNS[1:])
    if item_means:
        item_records = hide(
            pd.DataFrame(items),
            survey,
            keys,
            lang,
            item_pattern[0],
            (*ITEM_COLUMNS[1:], "distribution"),
            measure_column="item",
        )
    else:
        item_records = _reliability_only(pd.DataFrame(items), min_n)
    # An item stays hidden when its whole dimension's group is hidden.
    hidden_groups = dim_records.loc[dim_records["suppressed"], ["dimension", *key_names]]
    inside_hidden = (
        item_records[["dimension", *key_names]]
        .apply(tuple, axis=1)
        .isin(set(hidden_groups.apply(tuple, axis=1)))
    )
    item_records.loc[inside_hidden, [*ITEM_COLUMNS, "distribution"]] = None
    item_records.loc[inside_hidden, "suppressed"] = True
    # counts are integers (JSON "n": 64, not 64.0): hiding turned the column into floats
    item_records["n"] = pd.array(item_records["n"], dtype="Int64")

    nested = []
    grouped_items = item_records.groupby(["dimension", *key_names], dropna=False, sort=False)
    item_lists = {
        _key(k): g.drop(columns=["dimension", *key_names, "_level"]).to_dict("records")
        for k, g in grouped_items
    }
    for record in dim_records.to_dict("records"):
        key = _key((record["dimension"], *(record[n] for n in key_names)))
        record["items"] = item_lists.get(key, [])
        record["flags"] = [] if record["suppressed"] else flags(record, lang)
        nested.append(record)
    records = pd.DataFrame(nested)
    records["k"] = pd.array(records["k"], dtype="Int64")
    records["n"] = pd.array(records["n"], dtype="Int64")
    for name in key_names:  # None, not NaN, on records aggregated over a key
        records[name] = records[name].astype(object).where(records[name].notna(), None)
    records.insert(
        1,
        "dimension_name",
        records["dimension"].map({d.id: d.label(lang) for d in inst.dimensions}),
    )
    columns = [
        "dimension", "dimension_name", *key_names, *DIMENSION_COLUMNS, "suppressed",
        "suppressed_reason", "items", "flags",
    ]  # fmt: skip
    from .scoring import add_missing_dimensions

    records = add_missing_dimensions(records[columns], survey, lang, items=[], flags=[])
    return ReliabilityResult(
        records=records,
        survey=survey,
        keys=tuple(keys),
        min_n=min_n,
        lang=lang,
        ledger=survey.ledger,
        warnings=tuple(dict.fromkeys((*warnings, *survey.ledger.warnings))),
    )


def _reliability_only(items: pd.DataFrame, min_n: int) -> pd.DataFrame:
    """``items`` with only ``r_drop`` and ``alpha_if_dropped`` (``item_means=False``).

    Both are read like alpha from the dimension's covariances, not sums of answers, so
    they follow alpha's decision (the dimension's group, applied by the caller) plus
    the primary rule on the item's own answers; the sums the item pattern protects
    (means, counts, distributions) are left out.
    """
    out = items.copy()
    few = out["n"].to_numpy(dtype=float) < min_n
    out["suppressed"] = few
    out["suppressed_reason"] = np.where(few, "min_n", None).astype(object)
    out.loc[few, ["r_drop", "alpha_if_dropped"]] = np.nan
    for column in ("n", "mean", "sd", "pct_missing", "distribution"):
        out[column] = None
    return out


def _tally(x: np.ndarray, scale) -> np.ndarray:
    """Answers at each point of the scale, items x points, from ``x`` (rows x items)."""
    runs = x.T  # items x rows: each item's answers contiguous
    return np.stack([np.count_nonzero(runs == p, axis=1) for p in scale.points], axis=1)


def _key(values) -> tuple:
    return tuple(None if v is None or v != v else v for v in values)


def flags(record: dict, lang: str) -> list[dict]:
    """Plain-language warnings about one dimension's reliability."""
    out = []

    def flag(code: str, item: str | None = None, **values) -> None:
        out.append({"code": code, "item": item, "message": t(f"flag.{code}", lang, **values)})

    alpha, low, high = record["alpha"], record["alpha_ci_low"], record["alpha_ci_high"]
    if alpha == alpha and alpha < ALPHA_MIN:
        flag("low_alpha", alpha=number(alpha, lang), limit=number(ALPHA_MIN, lang))
    for item in record["items"]:
        r = item.get("r_drop")
        if r is None or r != r:
            continue
        if r < 0:
            flag("negative_r_drop", item["item"], item_id=item["item"], r=number(r, lang))
        elif r < R_DROP_MIN:
            flag(
                "low_r_drop", item["item"], item_id=item["item"], r=number(r, lang),
                limit=number(R_DROP_MIN, lang),
            )  # fmt: skip
    n = record["n"]
    if n == n and n < N_MIN:
        flag("few_respondents", n=int(n), limit=N_MIN)
    elif low == low and high - low > CI_WIDTH_MAX:
        flag("wide_interval", low=number(low, lang), high=number(high, lang))
    if record["k"] == record["k"] and record["k"] < K_MIN:
        flag("few_items", k=int(record["k"]), limit=K_MIN)
    return out


def _item_values(survey: Survey) -> dict[str, np.ndarray]:
    """Every row's answer to each item, reverse-keyed: an item mean is a sum too."""
    scale = survey.instrument.scale
    out = {}
    for item in (i for dim in survey.instrument.dimensions for i in dim.items):
        if item.id in survey.data.columns:
            x = survey.data[item.id].to_numpy(dtype="float64")
            out[item.id] = scale.min + scale.max - x if item.reverse else x
    return out
