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
from .i18n import Message
from .result import Finding, Result
from .survey import Exclusion, Survey
from .text import norm_header

if TYPE_CHECKING:
    import pandas as pd

BENCHMARK_COLUMNS = (
    "rank", "benchmark_mean", "benchmark_diff", "benchmark_p", "benchmark_p_adj", "flagged",
    "benchmark_note",
)  # fmt: skip
CHANGE_COLUMNS = ("round_before", "change", "change_p_adj", "change_significant")
#: ``--method model``: each area's model-based mean against the overall mean.
MODEL_COLUMNS = (
    "rank", "rank_low", "rank_high", "estimate", "estimate_low", "estimate_high", "shrinkage",
    "overall_mean", "model_diff", "model_p", "model_p_adj", "excludes_mean", "flagged",
    "model_note",
)  # fmt: skip
METHODS = ("model", "welch")


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
    method: str = "welch"  # "model" (random intercept per area) or "welch" (pooled others)
    model: pd.DataFrame | None = None  # per dimension: overall mean, variance components

    def family_p(self) -> np.ndarray:
        """The p-values of every test that can become a finding (the benchmark grid)."""
        column = "model_p" if self.method == "model" else "benchmark_p"
        return self.records[column].to_numpy(dtype=float)

    def with_family(self, p_adj: np.ndarray, adjust: str, size: int, scope: str) -> AreasResult:
        """This result with ``p_adj`` adjusted in a larger family (the report's)."""
        records = self.records.copy()
        if self.method == "model":
            records["model_p_adj"] = p_adj
            records["flagged"] = _model_flags(records, self.alpha)
        else:
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
            findings=tuple(_findings(records, self.lang, self.method)),
        )

    def tables(self) -> dict[str, pd.DataFrame]:
        return {} if self.model is None else {"model": self.model}

    def settings(self) -> dict:
        return {
            "method": self.method,
            "method_reason": METHOD_REASON[self.method],
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
    method: str = "model",
    jobs: int = 1,
) -> AreasResult:
    """Compare housing areas dimension by dimension: a multilevel model, or each area
    against the pool of the others.

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
        ``welch``: flag an area whose difference from the others is at least ``gap``
        points with an adjusted p below ``alpha``; ``model``: flag an area whose
        estimate differs from the overall mean with an adjusted p below ``alpha`` (with
        ``adjust="none"``: exactly when its interval excludes the overall mean).
        ``adjust`` across the grid (``bh``, ``holm``, ``none``). ``gap=None`` is 0.5 on
        a 1-5 scale, in proportion on other scales.
    method
        ``"model"``: respondents within areas, a random intercept per area per
        dimension (REML, :mod:`partnerkit.stats.mixed`); each shown area gets its
        model-based mean (empirical Bayes) with an interval and a rank interval.
        Areas hidden for anonymity are left out of the model, so no model figure
        reflects them. ``"welch"``: each area against the pooled respondents of the
        others (Welch's t-test), which treats respondents as independent of their area.
    jobs
        Decide the anonymity pattern's dimensions on this many worker processes (the
        same pattern as on one).

    Returns
    -------
    AreasResult
        ``records``: the score columns with ``area`` and ``round``, plus ``rank``,
        ``benchmark_mean`` (the other areas pooled), ``benchmark_diff`` (area minus
        others), ``benchmark_p``, ``benchmark_p_adj``, ``flagged`` and, with
        ``trend``, ``round_before``, ``change``, ``change_p_adj``,
        ``change_significant``. With ``method="model"`` the benchmark columns are
        replaced by ``rank``, ``rank_low``, ``rank_high`` (95% rank interval, 1 = highest),
        ``estimate``, ``estimate_low``, ``estimate_high``, ``shrinkage`` (the weight of
        the raw mean), ``overall_mean``, ``model_diff`` (estimate minus overall),
        ``model_p``, ``model_p_adj``, ``excludes_mean``, ``flagged``, ``model_note``;
        ``model`` holds per dimension ``overall_mean`` (with ``overall_low``,
        ``overall_high``), ``tau2``, ``sigma2``, ``icc``, ``areas`` and ``n``.

    Notes
    -----
    Welch (1947) for the benchmark; Benjamini & Hochberg (1995) across the grid
    of areas and dimensions, since that is many comparisons. The model: REML
    (agrees with R lme4 ``lmer(score ~ 1 + (1 | area))``), empirical Bayes estimates
    with the Prasad-Rao prediction error variance, rank intervals by posterior
    simulation (Goldstein & Spiegelhalter 1996).
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
        raise SurveyReadError(Message("error.no_areas", where=where))
    if adjust not in ("bh", "holm", "none"):
        raise OptionError(
            Message("error.choose", option="--adjust", value=adjust, choices="bh, holm, none")
        )
    if method not in METHODS:
        raise OptionError(
            Message("error.choose", option="--method", value=method, choices=", ".join(METHODS))
        )
    full = survey
    survey, chosen = _choose_round(survey, round)
    if jobs > 1:  # the pattern first, on the workers; score_survey finds it decided
        _decide_pattern(survey, min_n, jobs)
    scored = score_survey(survey, ["area"], min_n=min_n, lang=lang)
    records = scored.records.copy()
    if method == "model":
        return _model_result(
            records, scored, survey, full, chosen, round, sort, focus, trend, gap, alpha,
            adjust, min_n, lang,
        )  # fmt: skip
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
        areas = ", ".join(natural_order(records["area"].dropna().unique().tolist()))
        raise OptionError(Message("error.focus", focus=focus, areas=areas))
    records = _sorted(records, sort_id)
    first = [c for c in records.columns if c not in (*BENCHMARK_COLUMNS, *CHANGE_COLUMNS)]
    change = list(CHANGE_COLUMNS) if trend else []
    records = records[[*first, "rank", *BENCHMARK_COLUMNS[1:], *change]]
    findings = tuple(_findings(records, lang, "welch"))
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


def _decide_pattern(survey: Survey, min_n: int | None, jobs: int) -> None:
    """Decide the pattern of the dimension scores that :func:`score_survey` looks up,
    its dimensions shared among ``jobs`` worker processes.

    The pattern is one structure over every area (the totals over areas link them), so
    it is not split by area: a block of areas decided alone would miss the links and
    hide other groups than the whole. Its dimensions are independent of each other
    (see :func:`partnerkit.protect._decide`), so they are what the workers share. It
    was 4.4 s of the 11.7 s of 1,000 areas, decided on one core whatever ``--jobs`` said.
    """
    # the workers are forked from this process and start with what it has imported:
    # each imported the LPs' scipy modules again (0.4 s), which this process imports
    # after the pattern anyway
    import scipy.optimize
    import scipy.sparse  # noqa: F401

    from .grouping import resolve_keys
    from .privacy.threshold import resolve_min_n
    from .scoring import score_pattern

    resolved, _ = resolve_min_n(min_n, survey.instrument.min_n)
    score_pattern(survey, resolve_keys(survey, ["area"]), resolved, jobs=jobs)


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
            raise OptionError(Message("error.compare_round_none"))
        return survey, {}
    order = {r: i for i, r in enumerate(natural_order(data["round"].dropna().unique().tolist()))}
    if round_ is not None:
        if round_ not in order:
            raise OptionError(Message("error.compare_round", round=round_, rounds=", ".join(order)))
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
    raise OptionError(Message("error.sort", sort=sort, choices=", ".join(inst.dimension_ids)))


def _sorted(records: pd.DataFrame, sort_id: str | None, by: str = "mean") -> pd.DataFrame:
    """Dimension order kept; areas by the sort dimension's ``by`` (highest first), else by
    name."""
    areas = natural_order(records["area"].dropna().unique().tolist())
    if sort_id:
        rows = records[(records["dimension"] == sort_id) & records["area"].notna()]
        means = rows.set_index("area")[by].astype(float).fillna(-np.inf)  # hidden areas last
        areas = sorted(areas, key=lambda a: -means.get(a, -np.inf))
    position = {a: i for i, a in enumerate(areas)}
    dims = {d: i for i, d in enumerate(dict.fromkeys(records["dimension"]))}
    key = (
        records["area"].map(position).fillna(len(position)) + records["dimension"].map(dims) / 1000
    )
    return records.assign(_key=key).sort_values("_key", kind="stable").drop(columns="_key")


def _findings(records: pd.DataFrame, lang: str, method: str) -> list[str]:
    """The flagged areas in words, grouped by area and largest difference first.

    With two areas each is compared with the other, so "A above B" and "B below A"
    are one finding: it is said once, from the area above, naming the other
    (issue 20)."""
    from .i18n import number, t

    out = []
    column = "model_diff" if method == "model" else "benchmark_diff"
    flagged = records[records["flagged"].astype(bool)]
    named = list(dict.fromkeys(records["area"].dropna()))
    if len(named) == 2:  # the area below mirrors the one above: left out
        place = ["dimension", *(["round"] if "round" in flagged.columns else [])]
        above = flagged[flagged[column] > 0]
        mirrored = flagged[place].merge(above[place], how="left", indicator=True)["_merge"]
        flagged = flagged[(flagged[column] > 0).to_numpy() | (mirrored != "both").to_numpy()]
    order = {a: i for i, a in enumerate(dict.fromkeys(flagged["area"]))}
    flagged = flagged.assign(
        _area=flagged["area"].map(order), _size=-flagged[column].astype(float).abs()
    ).sort_values(["_area", "_size"], kind="stable")  # grouped by area, largest first
    for rec in flagged.to_dict("records"):
        extra = {}
        if method == "model":
            key = "areas.model_above" if rec[column] > 0 else "areas.model_below"
            extra = {
                "estimate": number(rec["estimate"], lang),
                "low": number(rec["estimate_low"], lang),
                "high": number(rec["estimate_high"], lang),
                "overall": number(rec["overall_mean"], lang),
            }
        elif len(named) == 2:
            key = "areas.above_other" if rec[column] > 0 else "areas.below_other"
            extra = {"other": next(a for a in named if a != rec["area"])}
        else:
            key = "areas.above" if rec[column] > 0 else "areas.below"
        line = t(
            key,
            lang,
            area=rec["area"],
            dimension=rec["dimension_name"],
            diff=number(abs(rec[column]), lang),
            **extra,
        )
        text = f"{rec['round']}: {line}" if rec.get("round") else line
        out.append(Finding(text, section="areas", dimension=rec["dimension"], area=rec["area"],
                           size=abs(float(rec[column]))))  # fmt: skip
    return out


METHOD_REASON = {
    "model": "respondents are nested in areas: a random intercept per area (REML) gives each "
    "area a model-based mean that weighs its own respondents against the spread between "
    "areas, so small areas do not top or tail the ranking by chance",
    "welch": "each area against the pooled respondents of the others (Welch's t-test); it "
    "treats respondents as independent of their area, so with real differences between "
    "areas its p-values are too small",
}


def _model_result(
    records, scored, survey, full, chosen, round_, sort, focus, trend, gap, alpha, adjust,
    min_n, lang,
) -> AreasResult:  # fmt: skip
    """``areas --method model``: per dimension a random intercept per area, fitted on the
    areas shown (hidden areas take no part, so no model figure reflects them)."""
    import pandas as pd

    from .grouping import GroupKey, group_labels
    from .scoring import respondent_scores
    from .stats import adjust_p
    from .stats.mixed import GroupSums, area_estimates, fit_random_intercept, rank_intervals

    inst = survey.instrument
    scores = respondent_scores(survey).scores
    area = pd.Series(group_labels(survey, GroupKey("area", "area"), lang))
    has_area = survey.data["area"].notna().to_numpy()
    for column in MODEL_COLUMNS:
        records[column] = None
    model_rows = []
    shown = records["area"].notna() & ~records["suppressed"].astype(bool)
    # each dimension's figures written into whole columns, assigned once at the end: a
    # ``.loc`` write and a ``map`` per column and dimension took 0.3 s on 680 areas
    filled: dict[str, np.ndarray] = {}
    record_areas = records["area"].to_numpy(dtype=object)
    for dim in scores.columns:
        x = scores[dim].to_numpy()
        ok = has_area & ~np.isnan(x)
        if not ok.any():
            continue
        centre = x[ok].mean()  # sums of centred scores: no cancellation in the squares
        frame = pd.DataFrame({"area": area[ok].to_numpy(), "x": x[ok] - centre})
        frame["x2"] = frame["x"] ** 2
        sums = frame.groupby("area", sort=False).agg(
            n=("x", "size"), s=("x", "sum"), q=("x2", "sum")
        )
        visible = set(records.loc[shown & (records["dimension"] == dim), "area"])
        sums = sums[sums.index.isin(visible)]
        rows = (records["dimension"] == dim) & records["area"].isin(sums.index)
        if len(sums) < 2:
            records.loc[rows, "model_note"] = "too_few_areas"
            continue
        n = sums["n"].to_numpy(float)
        mean_c = sums["s"].to_numpy() / n
        ss = np.maximum(sums["q"].to_numpy() - sums["s"].to_numpy() * mean_c, 0.0)
        if n.sum() - len(n) < 1 or ss.sum() <= 0:
            records.loc[rows, "model_note"] = "no_spread"
            continue
        fit = fit_random_intercept(GroupSums.from_moments(n, mean_c, ss))
        est = area_estimates(fit, n, mean_c)
        rank, rank_low, rank_high = rank_intervals(fit, n, mean_c)
        mu = float(fit.beta[0]) + centre
        half = 1.959963984540054 * float(np.sqrt(fit.cov[0, 0]))
        values = pd.DataFrame(
            {
                "rank": rank,
                "rank_low": rank_low,
                "rank_high": rank_high,
                "estimate": est["estimate"] + centre,
                "estimate_low": est["low"] + centre,
                "estimate_high": est["high"] + centre,
                "shrinkage": est["shrinkage"],
                "overall_mean": mu,
                "model_diff": est["blup"],
                "model_p": est["p"],
                "excludes_mean": (est["low"] + centre > mu) | (est["high"] + centre < mu),
            },
            index=sums.index,
        )
        at = np.flatnonzero(rows.to_numpy())
        source = values.index.get_indexer(record_areas[at])  # each row's area in ``values``
        for column in values.columns:
            into = filled.setdefault(column, np.full(len(records), None, dtype=object))
            into[at] = values[column].to_numpy()[source]
        total = fit.tau2 + fit.sigma2
        model_rows.append(
            {
                "dimension": dim,
                "dimension_name": inst.dimension(dim).label(lang),
                "overall_mean": mu,
                "overall_low": mu - half,
                "overall_high": mu + half,
                "tau2": fit.tau2,
                "sigma2": fit.sigma2,
                "icc": fit.tau2 / total if total > 0 else None,
                "areas": fit.n_groups,
                "n": fit.n_obs,
            }
        )
    for column, into in filled.items():
        records[column] = into
    hidden_area = records["area"].notna() & records["suppressed"].astype(bool)
    records.loc[hidden_area, "model_note"] = "suppressed"
    overall = {r["dimension"]: r["overall_mean"] for r in model_rows}
    everyone = records["area"].isna()
    records.loc[everyone, "overall_mean"] = records.loc[everyone, "dimension"].map(overall)
    p = records["model_p"].astype(float).to_numpy()
    records["model_p"] = p
    records["model_p_adj"] = adjust_p(p, adjust)
    records["flagged"] = _model_flags(records, alpha)
    for column in ("rank", "rank_low", "rank_high"):
        records[column] = pd.array(
            [None if v is None or v != v else int(v) for v in records[column]], dtype="Int64"
        )
    records["excludes_mean"] = records["excludes_mean"].astype(object)
    rounds_used = records["area"].map(chosen) if chosen else None
    records.insert(3, "round", rounds_used)
    records["round"] = records["round"].astype(object).where(records["round"].notna(), None)
    if trend:
        records = _with_changes(records, full, chosen, min_n, lang, alpha)
    sort_id = _dimension_id(inst, sort, lang) if sort else None
    if focus is not None and focus not in set(records["area"].dropna()):
        areas = ", ".join(natural_order(records["area"].dropna().unique().tolist()))
        raise OptionError(Message("error.focus", focus=focus, areas=areas))
    records = _sorted(records, sort_id, "estimate")
    first = [c for c in records.columns if c not in (*MODEL_COLUMNS, *CHANGE_COLUMNS)]
    change = list(CHANGE_COLUMNS) if trend else []
    records = records[[*first, *MODEL_COLUMNS, *change]]
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
        rounds=round_ or "latest",
        with_trend=trend,
        family=int(np.count_nonzero(~np.isnan(p))),
        findings=tuple(_findings(records, lang, "model")),
        warnings=scored.warnings,
        method="model",
        model=pd.DataFrame(model_rows),
    )


def _model_flags(records: pd.DataFrame, alpha: float) -> pd.Series:
    """An area is flagged when its estimate differs from the overall mean with an
    adjusted p below ``alpha`` (unadjusted: when its interval excludes the overall mean)."""
    return (records["model_p_adj"].astype(float) < alpha).fillna(False).astype(bool)
