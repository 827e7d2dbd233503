"""Rounds over time: what changed between survey rounds, and whether it is more than noise.

Per dimension (and group), the mean and n in every round come from the
scoring core (so anonymity rules are the same as for ``score``); each change
between rounds is tested on respondents' dimension scores with the functions
of :mod:`partnerkit.stats.compare`, p-values are adjusted across the
dimensions of one comparison, and a change is marked only when the adjusted
p-value is below ``alpha``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

import numpy as np

from .errors import OptionError, SurveyReadError
from .grouping import group_rows, resolve_keys, round_order
from .i18n import number, t
from .result import Result
from .survey import Survey

if TYPE_CHECKING:
    import pandas as pd

TESTS = ("welch", "mann-whitney", "brunner-munzel")
ADJUSTMENTS = ("holm", "bh", "none")
MIN_TEST_N = 5  # no test with fewer respondents a side, whatever min_n is
PAIRED_SHARE = 0.5  # auto-pairing: matched respondents at least half of each round's

RECORD_COLUMNS = (
    "dimension", "dimension_name", "round_from", "round_to", "n_from", "n_to", "mean_from",
    "mean_to", "diff", "diff_ci_low", "diff_ci_high", "test", "statistic", "df", "p", "p_adj",
    "adjust", "hedges_g", "cliffs_delta", "effect", "paired", "n_pairs", "significant",
    "suppressed", "note",
)  # fmt: skip
_HIDDEN = (
    "n_from", "n_to", "mean_from", "mean_to", "diff", "diff_ci_low", "diff_ci_high", "test",
    "statistic", "df", "p", "p_adj", "hedges_g", "cliffs_delta", "effect", "n_pairs",
)  # fmt: skip


@dataclass(frozen=True, kw_only=True)
class TrendResult(Result):
    """Changes between rounds (``records``) and the means of every round (``rounds``)."""

    command: ClassVar[str] = "trend"

    rounds: pd.DataFrame
    round_order: tuple[str, ...]
    test: str
    adjust: str
    alpha: float
    baseline: str

    def settings(self) -> dict:
        return {
            "group_by": [k.name for k in self.keys],
            "rounds": list(self.round_order),
            "baseline": self.baseline,
            "test": self.test,
            "adjust": self.adjust,
            "alpha": self.alpha,
            "lang": self.lang,
            "findings": list(self.findings),
        }

    def tables(self) -> dict[str, pd.DataFrame]:
        return {"rounds": self.rounds}


def trend(
    survey: Survey,
    by: Sequence[str] | None = (),
    *,
    baseline: str = "previous",
    test: str = "welch",
    paired: str = "auto",
    adjust: str = "holm",
    alpha: float = 0.05,
    min_n: int | None = None,
    lang: str | None = None,
) -> TrendResult:
    """Compare every dimension between rounds, per group, with tests and effect sizes.

    Parameters
    ----------
    survey
        From :func:`partnerkit.read_survey`, with rounds (a round column, or rounds
        read from the file names); :func:`partnerkit.grouping.select_rounds` chooses
        and orders them.
    by
        Grouping keys other than ``round`` (``actor``, ``area``, headers).
    baseline
        ``"previous"``: each round against the one before; ``"first"``: against the first.
    test
        ``"welch"`` (Welch's t-test; paired t-test for linked respondents),
        ``"mann-whitney"`` (Wilcoxon signed-rank with Pratt's zeros when paired) or
        ``"brunner-munzel"`` (independent samples only).
    paired
        ``"auto"``: paired when a respondent id links at least half of both rounds'
        respondents; ``"yes"``; ``"no"``.
    adjust
        ``"holm"``, ``"bh"`` (Benjamini-Hochberg) or ``"none"``, across the dimensions
        of one comparison.
    alpha
        A change is ``significant`` when its adjusted p-value is below this.

    Returns
    -------
    TrendResult
        ``records``: one per dimension, group and pair of rounds with the columns
        ``dimension``, ``dimension_name``, the grouping keys, ``round_from``,
        ``round_to``, ``n_from``, ``n_to``, ``mean_from``, ``mean_to``, ``diff``
        (to minus from), ``diff_ci_low``, ``diff_ci_high``, ``test``,
        ``statistic``, ``df``, ``p``, ``p_adj``, ``adjust``, ``hedges_g``,
        ``cliffs_delta``, ``effect``, ``paired``, ``n_pairs``, ``significant``,
        ``suppressed`` and ``note``; ``rounds``: the score records per round.

    Notes
    -----
    Welch (1947); paired t-test; Mann-Whitney U (permutation p with fewer than 10
    per round); Wilcoxon signed-rank (Pratt 1959); Brunner & Munzel (2000);
    Hedges' g (Hedges & Olkin 1985); Cliff's delta (Cliff 1993); Holm (1979) and
    Benjamini & Hochberg (1995) adjustments.
    """
    import pandas as pd

    from .scoring import respondent_scores, score_survey
    from .stats import adjust_p

    _check_choices(baseline, test, paired, adjust, alpha)
    inst = survey.instrument
    lang = lang or inst.language
    if "round" not in survey.data.columns:
        where = ", ".join(s.where for s in survey.sources)
        raise SurveyReadError(
            f"{where}: no round information. Give one file per round with the year or round in "
            "the name (area_2023.xlsx), a round column, or --round with a single file."
        )
    by = list(by or [])
    if any(k.strip().casefold() == "round" for k in by):
        raise OptionError("--by round: trend compares rounds already; group by actor or area.")
    keys = resolve_keys(survey, by)
    key_names = [k.name for k in keys]
    rounds = round_order(survey)
    if len(rounds) < 2:
        raise SurveyReadError(
            f"only one round ({', '.join(rounds) or 'none'}) in the input: give at least two "
            "rounds to compare."
        )
    scored = score_survey(survey, [*key_names, "round"], min_n=min_n, lang=lang)
    per_round = scored.records[scored.records["round"].notna()].reset_index(drop=True)
    rs = respondent_scores(survey)
    round_of = survey.data["round"].to_numpy(dtype=object)
    respondent = (
        survey.data["respondent"].to_numpy(dtype=object)
        if ("respondent" in survey.data.columns)
        else None
    )
    pairs = [(rounds[i - 1] if baseline == "previous" else rounds[0], rounds[i])
             for i in range(1, len(rounds))]  # fmt: skip
    warnings = list(scored.warnings)
    if test == "brunner-munzel" and paired == "yes":
        warnings.append("Brunner-Munzel compares independent samples; rounds were not paired.")

    records = []
    lookup = _records_by_group(per_round, key_names)
    for group in group_rows(survey, keys, lang):
        labels = tuple(group.labels[k] for k in key_names)
        in_group = np.zeros(len(survey.data), dtype=bool)
        in_group[group.rows] = True
        for r_from, r_to in pairs:
            rows_from = in_group & (round_of == r_from)
            rows_to = in_group & (round_of == r_to)
            link = _link(respondent, rows_from, rows_to, paired, test)
            for dim in rs.scores.columns:
                rec_from = lookup.get((labels, r_from, dim))
                rec_to = lookup.get((labels, r_to, dim))
                if rec_from is None or rec_to is None:
                    continue  # the group has no record in one of the rounds
                base = {
                    "dimension": dim,
                    **dict(zip(key_names, labels, strict=True)),
                    "round_from": r_from,
                    "round_to": r_to,
                }
                scores = rs.scores[dim].to_numpy()
                records.append(
                    base | _compare(scores, rows_from, rows_to, rec_from, rec_to, link, test)
                )
    frame = pd.DataFrame(records)
    if frame.empty:
        frame = pd.DataFrame(columns=[*RECORD_COLUMNS[:2], *key_names, *RECORD_COLUMNS[2:]])
    else:
        frame = _adjust(frame, key_names, adjust, adjust_p)
        frame["significant"] = (frame["p_adj"] < alpha).fillna(False).astype(bool)
        frame["adjust"] = np.where(frame["p"].notna(), adjust, None)
    frame["dimension_name"] = frame["dimension"].map({d.id: d.label(lang) for d in inst.dimensions})
    for name in key_names:  # None, not NaN, on the group of all respondents
        frame[name] = frame[name].astype(object).where(frame[name].notna(), None)
    frame = frame[[*RECORD_COLUMNS[:2], *key_names, *RECORD_COLUMNS[2:]]]
    for count in ("n_from", "n_to"):  # integers in JSON and CSV, also beside hidden rows
        frame[count] = pd.array(frame[count], dtype="Int64")
    findings = tuple(_findings(frame, key_names, test, lang))
    return TrendResult(
        records=frame.reset_index(drop=True),
        rounds=per_round,
        round_order=tuple(rounds),
        survey=survey,
        keys=tuple(keys),
        min_n=scored.min_n,
        lang=lang,
        ledger=scored.ledger,
        rows_scored=scored.rows_scored,
        test=test,
        adjust=adjust,
        alpha=alpha,
        baseline=baseline,
        findings=findings,
        warnings=tuple(dict.fromkeys(warnings)),
    )


def _check_choices(baseline, test, paired, adjust, alpha) -> None:
    for name, value, choices in (
        ("--baseline", baseline, ("previous", "first")),
        ("--test", test, TESTS),
        ("--paired", paired, ("auto", "yes", "no")),
        ("--adjust", adjust, ADJUSTMENTS),
    ):
        if value not in choices:
            raise OptionError(f"{name} {value}: choose one of {', '.join(choices)}.")
    if not 0 < alpha < 1:
        raise OptionError(f"--alpha {alpha}: must lie between 0 and 1.")


def _records_by_group(per_round: pd.DataFrame, key_names: list[str]) -> dict:
    """(group labels, round, dimension) -> score record."""
    out = {}
    for rec in per_round.to_dict("records"):
        labels = tuple(rec[k] for k in key_names)
        out[(labels, rec["round"], rec["dimension"])] = rec
    return out


@dataclass(frozen=True)
class _Link:
    """How two rounds of one group are linked: paired respondents, or independent."""

    paired: bool
    positions_from: np.ndarray | None = None  # matched rows, in the same order in both rounds
    positions_to: np.ndarray | None = None


def _link(respondent, rows_from, rows_to, paired: str, test: str) -> _Link:
    if paired == "no" or test == "brunner-munzel":
        return _Link(False)
    if respondent is None:
        if paired == "yes":
            raise OptionError(
                "--paired yes: the survey has no respondent id column to link rounds."
            )
        return _Link(False)
    import pandas as pd

    ids_from = pd.Series(np.flatnonzero(rows_from), index=respondent[rows_from])
    ids_to = pd.Series(np.flatnonzero(rows_to), index=respondent[rows_to])
    ids_from = ids_from[ids_from.index.notna() & ~ids_from.index.duplicated(keep=False)]
    ids_to = ids_to[ids_to.index.notna() & ~ids_to.index.duplicated(keep=False)]
    common = ids_from.index.intersection(ids_to.index)
    needed = PAIRED_SHARE * max(int(rows_from.sum()), int(rows_to.sum()))
    if paired == "yes" or (len(common) > 0 and len(common) >= needed):
        return _Link(True, ids_from[common].to_numpy(), ids_to[common].to_numpy())
    return _Link(False)


def _compare(scores, rows_from, rows_to, rec_from, rec_to, link: _Link, test: str) -> dict:
    from .stats import (
        brunner_munzel,
        cliffs_delta,
        effect_band,
        g_band,
        hedges_g,
        mann_whitney,
        paired_t_test,
        welch_test,
        wilcoxon_signed_rank,
    )

    out = dict.fromkeys(RECORD_COLUMNS[4:], None)
    out |= {"paired": link.paired, "significant": False, "suppressed": False}
    if rec_from["suppressed"] or rec_to["suppressed"]:
        out |= {"suppressed": True, "note": "fewer than min_n respondents in a round"}
        return out
    a = scores[rows_from]
    b = scores[rows_to]
    a, b = a[~np.isnan(a)], b[~np.isnan(b)]
    out |= {
        "n_from": int(rec_from["n"]),
        "n_to": int(rec_to["n"]),
        "mean_from": rec_from["mean"],
        "mean_to": rec_to["mean"],
        "diff": rec_to["mean"] - rec_from["mean"],
    }
    if min(len(a), len(b)) < MIN_TEST_N:
        out["note"] = f"fewer than {MIN_TEST_N} respondents in a round: no test"
        return out
    if link.paired:
        pa, pb = scores[link.positions_from], scores[link.positions_to]
        run = paired_t_test if test == "welch" else wilcoxon_signed_rank
        result = run(pa, pb)
        out["n_pairs"] = int(result["n_pairs"])
        if result["n_pairs"] < MIN_TEST_N:
            out["note"] = f"fewer than {MIN_TEST_N} matched respondents: no test"
            return out
        if test == "welch":
            out["diff"] = result["diff"]  # the mean change of the matched respondents
    else:
        run = {"welch": welch_test, "mann-whitney": mann_whitney}.get(test, brunner_munzel)
        result = run(a, b)
    out |= {
        "test": result["test"],
        "statistic": result["statistic"],
        "df": result.get("df"),
        "p": result["p"],
        "diff_ci_low": result.get("diff_ci_low"),
        "diff_ci_high": result.get("diff_ci_high"),
        "hedges_g": hedges_g(a, b),
        "cliffs_delta": cliffs_delta(a, b),
    }
    out["effect"] = g_band(out["hedges_g"]) if test == "welch" else effect_band(out["cliffs_delta"])
    return out


def _adjust(frame: pd.DataFrame, key_names: list[str], method: str, adjust_p) -> pd.DataFrame:
    """Adjust p across the dimensions of each comparison (one group, one pair of rounds)."""
    frame = frame.reset_index(drop=True)
    frame["p_adj"] = np.nan
    comparison = [*key_names, "round_from", "round_to"]
    p = frame["p"].to_numpy(dtype=float)
    p_adj = frame.columns.get_loc("p_adj")
    for rows in frame.groupby(comparison, dropna=False, sort=False).indices.values():
        frame.iloc[rows, p_adj] = adjust_p(p[rows], method)
    return frame


def _findings(frame: pd.DataFrame, key_names: list[str], test: str, lang: str) -> list[str]:
    """Plain-language lines for the significant changes."""
    out = []
    for rec in frame[frame["significant"]].to_dict("records"):
        group = " · ".join(str(rec[k]) for k in key_names if rec[k] is not None)
        if test == "welch":
            size = f"g = {number(rec['hedges_g'], lang)}"
        else:
            size = f"Cliff's δ = {number(rec['cliffs_delta'], lang)}"
        effect = t(f"effect.{rec['effect']}", lang, size=size)
        line = t(
            "trend.rose" if rec["diff"] > 0 else "trend.fell",
            lang,
            dimension=rec["dimension_name"],
            diff=number(abs(rec["diff"]), lang, 1),
            r_from=rec["round_from"],
            r_to=rec["round_to"],
            effect=effect,
        )
        out.append(f"{group}: {line}" if group else line)
    return out
