"""Many housing areas at once: every area scored the same way and held against the others.

Per area and dimension: the score statistics (from the scoring core, so the
anonymity rules are those of ``score``), the area's rank, and the benchmark:
the difference from the pool of all other areas, tested with Welch's t-test
(the statistics code of ``gaps`` and ``trend``) and adjusted across the whole
grid of areas and dimensions (Benjamini-Hochberg by default).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, ClassVar

import numpy as np

from .errors import OptionError, SurveyReadError
from .grouping import natural_order
from .result import Result
from .survey import Exclusion, Survey
from .text import norm_header

if TYPE_CHECKING:
    import pandas as pd

BENCHMARK_COLUMNS = (
    "rank", "benchmark_mean", "benchmark_diff", "benchmark_p", "benchmark_p_adj", "flagged",
    "benchmark_note",
)  # fmt: skip
CHANGE_COLUMNS = ("round_before", "change", "change_p_adj", "change_significant")


@dataclass(frozen=True, kw_only=True)
class AreasResult(Result):
    """Area records (one per area and dimension, and an overall record per dimension)."""

    command: ClassVar[str] = "areas"

    sort: str | None
    focus: str | None
    gap: float
    alpha: float
    adjust: str
    rounds: str  # "latest" or the round chosen
    with_trend: bool = False
    family: int = 0  # how many benchmark tests were adjusted together
    family_scope: str = "areas"  # "areas", or "report" when adjusted with the report's

    def family_p(self) -> np.ndarray:
        """The p-values of every test that can become a finding (the benchmark grid)."""
        return self.records["benchmark_p"].to_numpy(dtype=float)

    def with_family(self, p_adj: np.ndarray, adjust: str, size: int, scope: str) -> AreasResult:
        """This result with ``p_adj`` adjusted in a larger family (the report's)."""
        records = self.records.copy()
        records["benchmark_p_adj"] = p_adj
        diff = records["benchmark_diff"].astype(float)
        records["flagged"] = (
            (diff.abs() >= self.gap - 1e-9) & (records["benchmark_p_adj"] < self.alpha)
        ).fillna(False)
        return replace(
            self,
            records=records,
            adjust=adjust,
            family=size,
            family_scope=scope,
            findings=tuple(_findings(records, self.lang)),
        )

    def settings(self) -> dict:
        return {
            "round": self.rounds,
            "sort": self.sort,
            "focus": self.focus,
            "gap": self.gap,
            "alpha": self.alpha,
            "adjust": self.adjust,
            "family": {"size": self.family, "scope": self.family_scope},
            "lang": self.lang,
            "findings": list(self.findings),
        }


def areas(
    survey: Survey,
    *,
    round: str | None = None,
    sort: str | None = None,
    focus: str | None = None,
    trend: bool = False,
    gap: float | None = None,
    alpha: float = 0.05,
    adjust: str = "bh",
    min_n: int | None = None,
    lang: str | None = None,
) -> AreasResult:
    """Compare housing areas dimension by dimension, each against the pool of the others.

    Parameters
    ----------
    survey
        From :func:`partnerkit.read_survey`, with areas (an area column, or areas
        read from folder or file names).
    round
        The round to compare; ``None`` takes each area's latest round.
    sort
        A dimension (id or name) to sort the areas by, highest mean first; areas
        are ranked on every dimension either way.
    focus
        An area to show against the rest, dimension by dimension (table view).
    trend
        Add each area's change since its previous round (Welch's t-test, adjusted).
    gap, alpha, adjust
        Flag an area whose difference from the others is at least ``gap`` points with
        an adjusted p below ``alpha``; ``adjust`` across the grid (``bh``, ``holm``,
        ``none``). ``gap=None`` is 0.5 on a 1-5 scale, in proportion on other scales.

    Returns
    -------
    AreasResult
        ``records``: the score columns with ``area`` and ``round``, plus ``rank``,
        ``benchmark_mean`` (the other areas pooled), ``benchmark_diff`` (area minus
        others), ``benchmark_p``, ``benchmark_p_adj``, ``flagged`` and, with
        ``trend``, ``round_before``, ``change``, ``change_p_adj``,
        ``change_significant``.

    Notes
    -----
    Welch (1947) for the benchmark; Benjamini & Hochberg (1995) across the grid
    of areas and dimensions, since that is many comparisons.
    """
    import pandas as pd

    from .scoring import respondent_scores, score_survey
    from .stats import adjust_p

    inst = survey.instrument
    lang = lang or inst.language
    if gap is None:
        gap = 0.5 * (inst.scale.max - inst.scale.min) / 4
    if "area" not in survey.data.columns:
        where = ", ".join(s.where for s in survey.sources[:3])
        raise SurveyReadError(
            f"{where}: no area information. Keep one folder per area (surveys/<area>/2024.xlsx), "
            "name files <area>_<round>.csv, or add an area column."
        )
    if adjust not in ("bh", "holm", "none"):
        raise OptionError(f"--adjust {adjust}: choose one of bh, holm, none.")
    full = survey
    survey, chosen = _choose_round(survey, round)
    scored = score_survey(survey, ["area"], min_n=min_n, lang=lang)
    records = scored.records.copy()
    bench = _benchmark(survey, respondent_scores(survey).scores)
    records = records.merge(bench, on=["dimension", "area"], how="left")
    records["rank"] = None
    hidden = records["suppressed"].to_numpy() | records["area"].isna().to_numpy()
    # the pool of the others is "All" less the area: no benchmark where "All" is hidden
    overall_hidden = set(records.loc[records["area"].isna() & records["suppressed"], "dimension"])
    hidden |= records["dimension"].isin(overall_hidden).to_numpy()
    records.loc[hidden, ["benchmark_mean", "benchmark_diff", "benchmark_p"]] = np.nan
    p = records["benchmark_p"].astype(float).to_numpy()
    records["benchmark_p_adj"] = adjust_p(p, adjust)
    # why an area shown has no benchmark p: hidden, or no spread / too few to test
    shown_area = records["area"].notna() & ~records["suppressed"].astype(bool)
    records["benchmark_note"] = np.where(
        records["suppressed"].astype(bool) & records["area"].notna(),
        "suppressed",
        np.where(shown_area & np.isnan(p), "no_spread_or_too_few", None),
    )
    diff = records["benchmark_diff"].astype(float)
    records["flagged"] = ((diff.abs() >= gap - 1e-9) & (records["benchmark_p_adj"] < alpha)).fillna(
        False
    )
    shown = records["area"].notna() & ~records["suppressed"]
    records.loc[shown, "rank"] = (
        records[shown].groupby("dimension")["mean"].rank(ascending=False, method="min")
    )
    records["rank"] = pd.array(records["rank"], dtype="Int64")
    rounds_used = records["area"].map(chosen) if chosen else None
    records.insert(3, "round", rounds_used)
    records["round"] = records["round"].astype(object).where(records["round"].notna(), None)
    if trend:
        records = _with_changes(records, full, chosen, min_n, lang, alpha)
    sort_id = _dimension_id(inst, sort, lang) if sort else None
    if focus is not None and focus not in set(records["area"].dropna()):
        raise OptionError(
            f"--focus {focus}: no area of that name; the areas are "
            f"{', '.join(natural_order(records['area'].dropna().unique().tolist()))}."
        )
    records = _sorted(records, sort_id)
    first = [c for c in records.columns if c not in (*BENCHMARK_COLUMNS, *CHANGE_COLUMNS)]
    change = list(CHANGE_COLUMNS) if trend else []
    records = records[[*first, "rank", *BENCHMARK_COLUMNS[1:], *change]]
    findings = tuple(_findings(records, lang))
    return AreasResult(
        records=records.reset_index(drop=True),
        survey=survey,
        min_n=scored.min_n,
        lang=lang,
        ledger=scored.ledger,
        rows_scored=scored.rows_scored,
        sort=sort_id,
        focus=focus,
        gap=gap,
        alpha=alpha,
        adjust=adjust,
        rounds=round or "latest",
        with_trend=trend,
        family=int(np.count_nonzero(~np.isnan(p))),
        findings=findings,
        warnings=scored.warnings,
    )


def _benchmark(survey: Survey, scores: pd.DataFrame) -> pd.DataFrame:
    """Every area against the pool of all other areas, per dimension, from per-area sums.

    Sums of scores centred on the grand mean give each area's and each "rest"'s
    mean and variance without a loop over areas; the test is
    :func:`partnerkit.stats.welch_from_moments`, the code behind ``welch_test``.
    """
    import pandas as pd

    from .grouping import GroupKey, group_labels
    from .stats import welch_from_moments

    lang = survey.instrument.language
    area = pd.Series(group_labels(survey, GroupKey("area", "area"), lang))
    has_area = survey.data["area"].notna().to_numpy()
    parts = []
    for dim in scores.columns:
        x = scores[dim].to_numpy()
        ok = has_area & ~np.isnan(x)
        centred = x[ok] - x[ok].mean()
        frame = pd.DataFrame({"area": area[ok].to_numpy(), "x": centred, "x2": centred**2})
        sums = frame.groupby("area", sort=False).agg(
            n=("x", "size"), s=("x", "sum"), q=("x2", "sum")
        )
        n_all, s_all, q_all = sums["n"].sum(), sums["s"].sum(), sums["q"].sum()
        n_a, s_a, q_a = sums["n"].to_numpy(float), sums["s"].to_numpy(), sums["q"].to_numpy()
        n_o, s_o, q_o = n_all - n_a, s_all - s_a, q_all - q_a
        with np.errstate(all="ignore"):
            mean_a, mean_o = s_a / n_a, s_o / n_o
            var_a = (q_a - s_a * mean_a) / (n_a - 1)
            var_o = (q_o - s_o * mean_o) / (n_o - 1)
        test = welch_from_moments(mean_o, var_o, n_o, mean_a, var_a, n_a)
        parts.append(
            pd.DataFrame(
                {
                    "dimension": dim,
                    "area": sums.index,
                    "benchmark_mean": mean_o + x[ok].mean(),
                    "benchmark_diff": test["diff"],
                    "benchmark_p": test["p"],
                }
            )
        )
    return pd.concat(parts, ignore_index=True)


def _choose_round(survey: Survey, round_: str | None) -> tuple[Survey, dict]:
    """Keep one round per area: ``round_``, else each area's latest; report the others."""
    data = survey.data
    if "round" not in data.columns:
        if round_ is not None:
            raise OptionError("--compare-round: the input has no round information.")
        return survey, {}
    order = {r: i for i, r in enumerate(natural_order(data["round"].dropna().unique().tolist()))}
    if round_ is not None:
        if round_ not in order:
            raise OptionError(
                f"--compare-round {round_}: no such round; the rounds are {', '.join(order)}."
            )
        chosen = {a: round_ for a in data["area"].dropna().astype(object).unique()}
    else:
        rank = data["round"].astype(object).map(order)
        latest = rank.groupby(data["area"].astype(object)).max()
        names = {i: r for r, i in order.items()}
        chosen = {a: names[int(i)] for a, i in latest.items() if i == i}
    area = data["area"].astype(object)
    keep = (data["round"].astype(object) == area.map(chosen)).to_numpy()
    dropped = data.loc[~keep, ["_source", "_row"]].head(10)
    examples = tuple(survey.row_ref(s, r) for s, r in dropped.itertuples(index=False))
    exclusion = Exclusion("round_not_selected", int((~keep).sum()), examples)
    dk = survey.dont_know
    chosen_survey = replace(
        survey,
        data=data.loc[keep].reset_index(drop=True),
        dont_know=None if dk is None else dk.loc[keep].reset_index(drop=True),
        ledger=survey.ledger.with_exclusions((exclusion,)),
        read_data=survey.as_read,
    )
    return chosen_survey, chosen


def _with_changes(records, full: Survey, chosen: dict, min_n, lang, alpha) -> pd.DataFrame:
    """Each area's change since its previous round, from :func:`partnerkit.trend.trend`."""
    from .trend import trend as run_trend

    for column in CHANGE_COLUMNS:
        records[column] = None
    if "round" not in full.data.columns or full.data["round"].nunique() < 2:
        return records
    changes = run_trend(full, ["area"], min_n=min_n, lang=lang, alpha=alpha).records
    changes = changes[changes["area"].notna()]
    index = {
        (r["area"], r["dimension"]): r
        for r in changes.to_dict("records")
        if chosen.get(r["area"]) == r["round_to"]
    }
    for i, rec in records.iterrows():
        change = index.get((rec["area"], rec["dimension"]))
        if change is None or change["suppressed"] or rec["suppressed"]:
            continue
        records.at[i, "round_before"] = change["round_from"]
        records.at[i, "change"] = change["diff"]
        records.at[i, "change_p_adj"] = change["p_adj"]
        records.at[i, "change_significant"] = bool(change["significant"])
    return records


def _dimension_id(inst, sort: str, lang: str) -> str:
    wanted = norm_header(sort)
    for dim in inst.dimensions:
        names = {dim.id, *dim.name.values(), *dim.short.values()}
        if wanted in {norm_header(n) for n in names}:
            return dim.id
    raise OptionError(
        f"--sort {sort}: no such dimension; use one of {', '.join(inst.dimension_ids)}."
    )


def _sorted(records: pd.DataFrame, sort_id: str | None) -> pd.DataFrame:
    """Dimension order kept; areas by the sort dimension's mean (highest first), else by name."""
    areas = natural_order(records["area"].dropna().unique().tolist())
    if sort_id:
        rows = records[(records["dimension"] == sort_id) & records["area"].notna()]
        means = rows.set_index("area")["mean"].astype(float).fillna(-np.inf)  # hidden areas last
        areas = sorted(areas, key=lambda a: -means.get(a, -np.inf))
    position = {a: i for i, a in enumerate(areas)}
    dims = {d: i for i, d in enumerate(dict.fromkeys(records["dimension"]))}
    key = (
        records["area"].map(position).fillna(len(position)) + records["dimension"].map(dims) / 1000
    )
    return records.assign(_key=key).sort_values("_key", kind="stable").drop(columns="_key")


def _findings(records: pd.DataFrame, lang: str) -> list[str]:
    from .i18n import number, t

    out = []
    flagged = records[records["flagged"].astype(bool)]
    order = {a: i for i, a in enumerate(dict.fromkeys(flagged["area"]))}
    flagged = flagged.assign(
        _area=flagged["area"].map(order), _size=-flagged["benchmark_diff"].astype(float).abs()
    ).sort_values(["_area", "_size"], kind="stable")  # grouped by area, largest first
    for rec in flagged.to_dict("records"):
        key = "areas.above" if rec["benchmark_diff"] > 0 else "areas.below"
        line = t(
            key,
            lang,
            area=rec["area"],
            dimension=rec["dimension_name"],
            diff=number(abs(rec["benchmark_diff"]), lang),
        )
        out.append(f"{rec['round']}: {line}" if rec.get("round") else line)
    return out
