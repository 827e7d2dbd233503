"""Rounds over time: what changed between survey rounds, and whether it is more than noise.

Per dimension (and group), the mean and n in every round come from the
scoring core (so anonymity rules are the same as for ``score``); each change
between rounds is tested on respondents' dimension scores with the functions
of :mod:`partnerkit.stats.compare`, p-values are adjusted across every test of
the output (the family: all groups, pairs of rounds and dimensions;
Benjamini-Hochberg by default), and a change is marked only when the adjusted
p-value is below ``alpha``. A comparison shown without a p-value carries a
``note`` reason code (:data:`NOTES`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, ClassVar

import numpy as np

from .errors import OptionError
from .grouping import group_rows, keys_over_rounds
from .i18n import Message, half_up, number, signed, t
from .result import Finding, Result
from .survey import Survey

if TYPE_CHECKING:
    import pandas as pd

TESTS = ("welch", "mann-whitney", "brunner-munzel")
ADJUSTMENTS = ("holm", "bh", "none")
MIN_TEST_N = 5  # no test with fewer respondents a side, whatever min_n is
#: Why a comparison shows no p-value (the ``note`` of a record).
NOTES = ("suppressed", "too_few", "no_spread")

RECORD_COLUMNS = (
    "dimension", "dimension_name", "round_from", "round_to", "n_from", "n_to", "mean_from",
    "mean_to", "diff", "diff_ci_low", "diff_ci_high", "test", "statistic", "df", "p", "p_adj",
    "adjust", "hedges_g", "g_av", "cliffs_delta", "rank_biserial", "effect", "direction",
    "paired", "pairing", "n_pairs", "significant", "suppressed", "note",
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
    family: int = 0  # how many tests were adjusted together
    family_scope: str = "trend"  # "trend", or "report" when adjusted with the report's
    untested: tuple[str, ...] = ()  # comparisons shown without a test, said in words

    def settings(self) -> dict:
        return {
            "group_by": [k.name for k in self.keys],
            "rounds": list(self.round_order),
            "baseline": self.baseline,
            "test": self.test,
            "adjust": self.adjust,
            "family": {"size": self.family, "scope": self.family_scope},
            "alpha": self.alpha,
            "lang": self.lang,
            "findings": list(self.findings),
            "untested": list(self.untested),
        }

    def family_p(self) -> np.ndarray:
        """The p-values of every test that can become a finding."""
        return self.records["p"].to_numpy(dtype=float)

    def with_family(self, p_adj: np.ndarray, adjust: str, size: int, scope: str) -> TrendResult:
        """This result with ``p_adj`` adjusted in a larger family (the report's)."""
        frame = _flag(self.records.copy(), p_adj, adjust, self.alpha)
        return replace(
            self,
            records=frame,
            adjust=adjust,
            family=size,
            family_scope=scope,
            findings=tuple(_findings(frame, [k.name for k in self.keys], self.lang)),
        )

    def tables(self) -> dict[str, pd.DataFrame]:
        return {"rounds": self.rounds}


def trend(
    survey: Survey,
    by: Sequence[str] | None = (),
    *,
    baseline: str = "previous",
    test: str = "welch",
    paired: str = "auto",
    adjust: str = "bh",
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
        ``"auto"`` or ``"yes"``: respondents linked by an id are paired (the paired
        test when everyone is linked, the partially overlapping samples t-test when
        some are; rank tests then compare independent samples); ``"yes"`` needs an id
        column; ``"no"``: independent samples.
    adjust
        ``"bh"`` (Benjamini-Hochberg, false discovery rate), ``"holm"`` (family-wise
        error rate) or ``"none"``, across every test of the output.
    alpha
        A change is ``significant`` when its adjusted p-value is below this.

    Returns
    -------
    TrendResult
        ``records``: one per dimension, group and pair of rounds with the columns
        ``dimension``, ``dimension_name``, the grouping keys, ``round_from``,
        ``round_to``, ``n_from``, ``n_to``, ``mean_from``, ``mean_to``, ``diff``
        (to minus from, everyone in the table), ``diff_ci_low``, ``diff_ci_high``,
        ``test``, ``statistic``, ``df``, ``p``, ``p_adj``, ``adjust``, ``hedges_g``
        (independent samples), ``g_av`` (linked rounds), ``cliffs_delta``,
        ``rank_biserial`` (Wilcoxon), ``effect``, ``direction`` (+1/-1/0, the sign
        of the tested effect), ``paired``, ``pairing`` ("none", "full",
        "partial"), ``n_pairs``, ``significant``, ``suppressed`` and ``note`` (a
        code of :data:`NOTES` when there is no p-value); ``rounds``: the score
        records per round.

    Notes
    -----
    Welch (1947); paired t-test; partially overlapping samples t-test (Derrick,
    Russ, Toher & White 2017); Mann-Whitney U (exact or permutation p in small
    samples); Wilcoxon signed-rank (Pratt 1959); Brunner & Munzel (2000); Hedges'
    g (Hedges & Olkin 1985), g_av (Lakens 2013); Cliff's delta (Cliff 1993);
    matched rank-biserial (Kerby 2014); Holm (1979) and Benjamini & Hochberg
    (1995) adjustments.
    """
    import pandas as pd

    from .scoring import add_missing_dimensions, respondent_scores, score_survey
    from .stats import adjust_p

    _check_choices(baseline, test, paired, adjust, alpha)
    inst = survey.instrument
    lang = lang or inst.language
    keys, key_names, rounds = keys_over_rounds(survey, by, Message("purpose.compare"))
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
        warnings.append(Message("warn.brunner_munzel"))

    records = []
    lookup = _records_by_group(per_round, key_names)
    # each dimension's scores as an array once: a frame column lookup per group and pair of
    # rounds took a sixth of the time of `trend --by actor` on 6 actor types x 3 rounds
    columns = {dim: rs.scores[dim].to_numpy() for dim in rs.scores.columns}
    for group in group_rows(survey, keys, lang):
        labels = tuple(group.labels[k] for k in key_names)
        in_group = np.zeros(len(survey.data), dtype=bool)
        in_group[group.rows] = True
        for r_from, r_to in pairs:
            rows_from = in_group & (round_of == r_from)
            rows_to = in_group & (round_of == r_to)
            link = link_rounds(respondent, rows_from, rows_to, paired, test)
            for dim, scores in columns.items():
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
                records.append(
                    base | compare_rounds(scores, rows_from, rows_to, rec_from, rec_to, link, test)
                )
    frame = pd.DataFrame(records)
    if frame.empty:
        frame = pd.DataFrame(columns=[*RECORD_COLUMNS[:2], *key_names, *RECORD_COLUMNS[2:]])
    else:
        frame = _flag(frame, adjust_p(frame["p"].to_numpy(dtype=float), adjust), adjust, alpha)
    frame["dimension_name"] = frame["dimension"].map({d.id: d.label(lang) for d in inst.dimensions})
    for name in key_names:  # None, not NaN, on the group of all respondents
        frame[name] = frame[name].astype(object).where(frame[name].notna(), None)
    frame = frame[[*RECORD_COLUMNS[:2], *key_names, *RECORD_COLUMNS[2:]]]
    for count in ("n_from", "n_to"):  # integers in JSON and CSV, also beside hidden rows
        frame[count] = pd.array(frame[count], dtype="Int64")
    findings = tuple(_findings(frame, key_names, lang))
    frame = add_missing_dimensions(frame, survey, lang)  # a row saying so (issue 19)
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
        family=int(frame["p"].notna().sum()),
        findings=findings,
        untested=tuple(_untested(frame, key_names, lang)),
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
            raise OptionError(
                Message("error.choose", option=name, value=value, choices=", ".join(choices))
            )
    if not 0 < alpha < 1:
        raise OptionError(Message("error.alpha", alpha=alpha))


def _records_by_group(per_round: pd.DataFrame, key_names: list[str]) -> dict:
    """(group labels, round, dimension) -> score record."""
    out = {}
    for rec in per_round.to_dict("records"):
        labels = tuple(rec[k] for k in key_names)
        out[(labels, rec["round"], rec["dimension"])] = rec
    return out


@dataclass(frozen=True)
class _Link:
    """Respondents linked across two rounds of one group (none when ``positions_from`` is None)."""

    positions_from: np.ndarray | None = None  # matched rows, in the same order in both rounds
    positions_to: np.ndarray | None = None


def link_rounds(respondent, rows_from, rows_to, paired: str, test: str) -> _Link:
    """Link every respondent whose id appears once in each round (``paired`` "auto"/"yes")."""
    if paired == "no" or test == "brunner-munzel":
        return _Link()
    if respondent is None:
        if paired == "yes":
            raise OptionError(Message("error.paired_no_id"))
        return _Link()
    import pandas as pd

    ids_from = pd.Series(np.flatnonzero(rows_from), index=respondent[rows_from])
    ids_to = pd.Series(np.flatnonzero(rows_to), index=respondent[rows_to])
    ids_from = ids_from[ids_from.index.notna() & ~ids_from.index.duplicated(keep=False)]
    ids_to = ids_to[ids_to.index.notna() & ~ids_to.index.duplicated(keep=False)]
    common = ids_from.index.intersection(ids_to.index)
    if len(common) == 0:
        return _Link()
    return _Link(ids_from[common].to_numpy(), ids_to[common].to_numpy())


def compare_rounds(scores, rows_from, rows_to, rec_from, rec_to, link: _Link, test: str) -> dict:
    """One dimension, one group, two rounds: the table's numbers, the test and its effect.

    The difference, the test and the effect size describe the same people: everyone
    in the table. Linked respondents are paired; when only some are linked, the
    partially overlapping samples t-test uses every answer (rank tests then compare
    independent samples).
    """
    from .stats import (
        brunner_munzel,
        cliffs_delta,
        effect_band,
        g_av,
        g_band,
        hedges_g,
        mann_whitney,
        paired_rank_biserial,
        paired_t_test,
        partial_overlap_t_test,
        welch_test,
        wilcoxon_signed_rank,
    )

    out = dict.fromkeys(RECORD_COLUMNS[4:], None)
    out |= {"paired": False, "pairing": "none", "significant": False, "suppressed": False}
    if rec_from["suppressed"] or rec_to["suppressed"]:
        return out | {"suppressed": True, "note": "suppressed"}
    a_all, b_all = scores[rows_from], scores[rows_to]
    a, b = a_all[~np.isnan(a_all)], b_all[~np.isnan(b_all)]
    diff = rec_to["mean"] - rec_from["mean"]
    out |= {
        "n_from": int(rec_from["n"]),
        "n_to": int(rec_to["n"]),
        "mean_from": rec_from["mean"],
        "mean_to": rec_to["mean"],
        "diff": diff,
        "direction": int(np.sign(diff)),
    }
    if min(len(a), len(b)) < MIN_TEST_N:
        return out | {"note": "too_few"}
    pairing, n_pairs = "none", 0
    if link.positions_from is not None:
        pa, pb = scores[link.positions_from], scores[link.positions_to]
        both = ~(np.isnan(pa) | np.isnan(pb))
        pa, pb = pa[both], pb[both]
        n_pairs = int(both.sum())
        if n_pairs:
            pairing = "full" if n_pairs == len(a) == len(b) else "partial"
            if pairing == "partial" and (test != "welch" or n_pairs < 2):
                pairing = "none"  # rank tests: independent samples, n_pairs still reported
    if test == "welch":
        if pairing == "full":
            result = paired_t_test(pa, pb)
        elif pairing == "partial":
            in_pair = np.zeros(len(scores), dtype=bool)
            in_pair[link.positions_from[both]] = True
            in_pair[link.positions_to[both]] = True
            only_a, only_b = scores[rows_from & ~in_pair], scores[rows_to & ~in_pair]
            result = partial_overlap_t_test(only_a, only_b, pa, pb)
        else:
            result = welch_test(a, b)
    elif test == "mann-whitney":
        result = wilcoxon_signed_rank(pa, pb) if pairing == "full" else mann_whitney(a, b)
    else:
        result = brunner_munzel(a, b)
    out |= {
        "paired": pairing != "none",
        "pairing": pairing,
        "n_pairs": n_pairs or None,
        "test": result["test"],
        "statistic": result["statistic"],
        "df": result.get("df"),
        "p": result["p"],
        "diff_ci_low": result.get("diff_ci_low"),
        "diff_ci_high": result.get("diff_ci_high"),
        "cliffs_delta": cliffs_delta(a, b),
    }
    if result["p"] != result["p"]:  # n >= MIN_TEST_N a side: no spread to test
        return out | {"test": None, "statistic": None, "df": None, "note": "no_spread"}
    if test == "welch":
        if pairing == "none":
            out["hedges_g"] = hedges_g(a, b)
        else:
            out["g_av"] = g_av(a, b, result["df"])
        size = out["g_av"] if out["hedges_g"] is None else out["hedges_g"]
        out["effect"] = g_band(size)
    else:
        if pairing == "full":
            out["rank_biserial"] = size = paired_rank_biserial(pa, pb)
        else:
            size = out["cliffs_delta"]
        out["effect"] = effect_band(size)
        out["direction"] = int(np.sign(size)) if size == size else 0
    return out


def _flag(frame: pd.DataFrame, p_adj: np.ndarray, adjust: str, alpha: float) -> pd.DataFrame:
    """Set ``p_adj``, ``adjust`` and ``significant`` from p-values adjusted in their family."""
    frame = frame.reset_index(drop=True)
    frame["p_adj"] = p_adj
    frame["significant"] = (frame["p_adj"] < alpha).fillna(False).astype(bool)
    frame["adjust"] = np.where(frame["p"].notna(), adjust, None)
    return frame


def _size(rec) -> tuple[str, float]:
    """The tested effect of a record: its name as printed and its value."""
    for column, name in (
        ("hedges_g", "g"),
        ("g_av", "g_av"),
        ("rank_biserial", "r_rb"),
        ("cliffs_delta", "δ"),
    ):
        value = rec.get(column)
        if value is not None and value == value and (column != "cliffs_delta" or rec["effect"]):
            return name, float(value)
    return "", float("nan")


def _findings(frame: pd.DataFrame, key_names: list[str], lang: str) -> list[str]:
    """Plain-language lines for the significant changes: grouped, largest effect first."""
    out = []
    significant = frame[frame["significant"]]
    if significant.empty:
        return out
    sizes = [abs(_size(r)[1]) for r in significant.to_dict("records")]
    significant = significant.assign(_size=sizes)
    order = [*key_names, "round_from", "round_to"]
    first = {key: i for i, key in enumerate(dict.fromkeys(
        tuple(r) for r in significant[order].astype(object).itertuples(index=False)))}  # fmt: skip
    significant = significant.assign(
        _group=[first[tuple(r)] for r in significant[order].astype(object).itertuples(index=False)]
    ).sort_values(["_group", "_size"], ascending=[True, False], kind="stable")
    for rec in significant.to_dict("records"):
        group = " · ".join(str(rec[k]) for k in key_names if rec[k] is not None)
        name, value = _size(rec)
        effect = t(f"effect.{rec['effect']}", lang, size=f"{name} = {number(value, lang)}")
        up = rec["direction"] > 0
        if rec["test"] in ("welch", "paired-t", "partial-overlap-t"):
            key, diff = ("trend.rose" if up else "trend.fell"), number(abs(rec["diff"]), lang)
        else:
            key, diff = ("trend.higher" if up else "trend.lower"), ""
        line = t(
            key,
            lang,
            dimension=rec["dimension_name"],
            diff=diff,
            r_from=rec["round_from"],
            r_to=rec["round_to"],
            effect=effect,
        )
        area = rec["area"] if "area" in key_names else None
        out.append(
            Finding(f"{group}: {line}" if group else line, section="trend",
                    dimension=rec["dimension"], area=area, size=abs(float(rec["diff"])))
        )  # fmt: skip
    return out


def _untested(frame: pd.DataFrame, key_names: list[str], lang: str) -> list[str]:
    """One line per group, pair of rounds and reason: the changes shown without a test."""
    out = []
    shown = frame[frame["note"].isin(("too_few", "no_spread"))]
    columns = [*key_names, "round_from", "round_to", "note"]
    for _, part in shown.groupby(columns, dropna=False, sort=False):
        rec = part.iloc[0]
        group = " · ".join(str(rec[k]) for k in key_names if rec[k] is not None)
        moves = ", ".join(
            t(
                "trend.moved" if half_up(d) != 0 else "trend.same",
                lang,
                dimension=name,
                diff=signed(d, lang),
            )
            for name, d in zip(part["dimension_name"], part["diff"].astype(float), strict=True)
        )
        line = t(
            f"note.{rec['note']}",
            lang,
            where=f"{group} {rec['round_from']}→{rec['round_to']}".strip(),
            moves=moves,
            n=MIN_TEST_N,
        )
        out.append(line)
    return out
