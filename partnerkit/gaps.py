"""Actors side by side: do the partners see the partnership the same way?

Per dimension, the mean of each group (actor type, sector or another key)
from the scoring core (so the anonymity rules are those of ``score``), the
largest and smallest group and the gap between them, and a test of whether
the groups differ: Welch's t-test for two groups, Welch's ANOVA (or
Kruskal-Wallis) with pairwise comparisons for more. A gap is flagged when it
is at least ``gap`` scale points and its adjusted p-value is below ``alpha``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

import numpy as np

from .errors import OptionError
from .grouping import GroupKey, group_codes, resolve_keys
from .i18n import number, t
from .result import Result
from .survey import Survey

if TYPE_CHECKING:
    import pandas as pd

TESTS = ("welch", "kruskal")
MIN_TEST_N = 5  # groups with fewer respondents take no part in a test
RECORD_COLUMNS = (
    "between", "groups", "max_group", "min_group", "gap", "test", "statistic", "df", "p",
    "p_adj", "adjust", "effect_size", "flagged", "pairwise", "note",
)  # fmt: skip


@dataclass(frozen=True, kw_only=True)
class GapsResult(Result):
    """Gaps per dimension (``records``) and the focus dimension by sector (``focus``)."""

    command: ClassVar[str] = "gaps"

    focus: pd.DataFrame | None
    groups: pd.DataFrame  # the score records the gaps are read from
    between: GroupKey
    test: str
    adjust: str
    gap: float
    alpha: float

    def settings(self) -> dict:
        return {
            "between": self.between.name,
            "group_by": [k.name for k in self.keys],
            "test": self.test,
            "adjust": self.adjust,
            "gap": self.gap,
            "alpha": self.alpha,
            "lang": self.lang,
            "findings": list(self.findings),
        }

    def tables(self) -> dict[str, pd.DataFrame]:
        return {} if self.focus is None else {"focus": self.focus}


def gaps(
    survey: Survey,
    between: str = "actor",
    by: Sequence[str] | None = (),
    *,
    test: str = "welch",
    adjust: str = "holm",
    gap: float = 0.5,
    alpha: float = 0.05,
    min_n: int | None = None,
    lang: str | None = None,
    merge_small: bool = False,
    focus: bool = True,
) -> GapsResult:
    """Compare groups on every dimension: means, the largest gap, and a test.

    Parameters
    ----------
    survey
        From :func:`partnerkit.read_survey`.
    between
        The key whose groups are compared: ``actor``, ``sector`` or a column header.
    by
        Keys to compare within (``round``, ``area``): one comparison per value.
    test
        ``"welch"``: Welch's t-test (two groups) or Welch's ANOVA with Games-Howell
        pairs; ``"kruskal"``: Mann-Whitney (two groups) or Kruskal-Wallis with
        Holm-adjusted pairwise Mann-Whitney tests.
    adjust
        ``"holm"``, ``"bh"`` or ``"none"``, across the dimensions of one comparison.
    gap, alpha
        Flag a gap of at least ``gap`` scale points with an adjusted p below ``alpha``.
    merge_small
        Merge groups below ``min_n`` into one "Andre / Other" group first.
    focus
        Also compare the instrument's focus dimension (equality) by sector.

    Returns
    -------
    GapsResult
        ``records``: one per dimension and value of ``by`` with ``dimension``,
        ``dimension_name``, the ``by`` keys, ``between``, ``groups`` (each ``group``,
        ``n``, ``mean``, ``sd``, ``suppressed``), ``max_group``, ``min_group``,
        ``gap``, ``test``, ``statistic``, ``df``, ``p``, ``p_adj``, ``adjust``,
        ``effect_size`` (``name``, ``value``), ``flagged``, ``pairwise`` (each
        ``group_a``, ``group_b``, ``diff``, ``p``) and ``note``.

    Notes
    -----
    Welch (1947, 1951); Games & Howell (1976); Kruskal & Wallis (1952); effect
    sizes: Hedges' g (two groups), omega squared from Welch's F
    (``(k-1)(F-1) / ((k-1)(F-1) + N)``), epsilon squared ``H / (N - 1)``
    (Tomczak & Tomczak 2014); Holm (1979) or Benjamini-Hochberg (1995).
    """
    from .privacy import merge_small as merge
    from .privacy import resolve_min_n

    if test not in TESTS:
        raise OptionError(f"--test {test}: choose one of {', '.join(TESTS)}.")
    if adjust not in ("holm", "bh", "none"):
        raise OptionError(f"--adjust {adjust}: choose one of holm, bh, none.")
    if gap < 0 or not 0 < alpha < 1:
        raise OptionError("--gap must be at least 0 and --alpha between 0 and 1.")
    inst = survey.instrument
    lang = lang or inst.language
    (between_key,) = resolve_keys(survey, [between])
    keys = resolve_keys(survey, list(by or []))
    if between_key.name in {k.name for k in keys}:
        raise OptionError(f"--by {between_key.name}: it is already the key compared (--between).")
    min_n_value, _ = resolve_min_n(min_n, inst.min_n)
    if merge_small:
        survey = merge(survey, [between_key, *keys], min_n_value)
    frame, scored = _compare_groups(
        survey, between_key, keys, test, adjust, gap, alpha, min_n, lang
    )
    focus_frame = None
    focus_dim = inst.focus
    if (
        focus
        and focus_dim
        and "sector" in survey.data.columns
        and focus_dim in set(frame["dimension"])
    ):
        (sector,) = resolve_keys(survey, ["sector"])
        focus_all, _ = _compare_groups(survey, sector, keys, test, adjust, gap, alpha, min_n, lang)
        focus_frame = focus_all[focus_all["dimension"] == focus_dim].reset_index(drop=True)
    findings = tuple(_findings(frame, [k.name for k in keys], lang))
    if focus_frame is not None and between_key.name != "sector":
        findings += tuple(_findings(focus_frame, [k.name for k in keys], lang))
    return GapsResult(
        records=frame,
        focus=focus_frame,
        groups=scored.records,
        survey=survey,
        between=between_key,
        keys=tuple(keys),
        min_n=scored.min_n,
        lang=lang,
        ledger=scored.ledger,
        rows_scored=scored.rows_scored,
        test=test,
        adjust=adjust,
        gap=gap,
        alpha=alpha,
        findings=tuple(dict.fromkeys(findings)),
        warnings=scored.warnings,
    )


def _compare_groups(survey, between, keys, test, adjust, gap, alpha, min_n, lang):
    import pandas as pd

    from .scoring import respondent_scores, score_survey
    from .stats import adjust_p

    key_names = [k.name for k in keys]
    scored = score_survey(survey, [between.name, *key_names], min_n=min_n, lang=lang)
    records = scored.records
    cells = records[records[between.name].notna()]
    rs = respondent_scores(survey).scores
    # every respondent's group as a number: comparing a million labels is slow
    groups = {k.name: _coded(group_codes(survey, k, lang)) for k in [between, *keys]}
    out = []
    contexts = cells[key_names].drop_duplicates().itertuples(index=False) if key_names else [()]
    for context in contexts:
        in_context = np.ones(len(survey.data), dtype=bool)
        part = cells
        for name, value in zip(key_names, context, strict=True):
            in_context &= _members(groups[name], value)
            part = part[part[name] == value]
        for dim, group_records in part.groupby("dimension", sort=False):
            scores = rs[dim].to_numpy() if dim in rs.columns else None
            row = {"dimension": dim, **dict(zip(key_names, context, strict=True))}
            row |= _one_comparison(
                group_records.to_dict("records"), between.name, scores, groups[between.name],
                in_context, test,
            )  # fmt: skip
            out.append(row)
    frame = pd.DataFrame(out)
    if frame.empty:
        raise OptionError(f"--between {between.name}: no groups to compare.")
    frame["p_adj"] = np.nan
    comparisons = (
        frame.groupby(key_names, sort=False).indices.values() if key_names else [frame.index]
    )
    p_adj = frame.columns.get_loc("p_adj")
    for rows in comparisons:  # one comparison: every dimension of one value of `by`
        frame.iloc[rows, p_adj] = adjust_p(frame["p"].to_numpy(dtype=float)[rows], adjust)
    frame["adjust"] = np.where(frame["p"].notna(), adjust, None)
    pair_ok = frame.apply(lambda r: _extremes_differ(r, alpha), axis=1)
    frame["flagged"] = (
        ((frame["gap"] >= gap - 1e-9) & (frame["p_adj"] < alpha) & pair_ok)
        .fillna(False)
        .astype(bool)
    )
    names = {d.id: d.label(lang) for d in survey.instrument.dimensions}
    frame.insert(1, "dimension_name", frame["dimension"].map(names))
    columns = ["dimension", "dimension_name", *key_names, *RECORD_COLUMNS]
    return frame[columns].reset_index(drop=True), scored


def _coded(coded: tuple[np.ndarray, list[str]]) -> tuple[np.ndarray, dict[str, int]]:
    """Group codes of every respondent, and the code of each group label."""
    codes, labels = coded
    return codes, {label: code for code, label in enumerate(labels)}


def _members(coded: tuple[np.ndarray, dict[str, int]], label: str) -> np.ndarray:
    """Which respondents are in the group ``label`` (from :func:`_coded`)."""
    codes, code_of = coded
    return codes == code_of.get(label, -1)


def _one_comparison(records, between, scores, group_of, in_context, test) -> dict:
    from .stats import (
        adjust_p,
        games_howell,
        hedges_g,
        kruskal_wallis,
        mann_whitney,
        welch_anova,
        welch_test,
    )

    groups = [
        {
            "group": r[between],
            "n": None if r["suppressed"] else int(r["n"]),
            "mean": None if r["suppressed"] else r["mean"],
            "sd": None if r["suppressed"] else r["sd"],
            "zone": None if r["suppressed"] else r["zone"],
            "suppressed": bool(r["suppressed"]),
            "suppressed_reason": r["suppressed_reason"],
        }
        for r in records
    ]
    out = dict.fromkeys(RECORD_COLUMNS, None)
    out |= {"between": between, "groups": groups, "pairwise": [], "flagged": False}
    visible = [g for g in groups if not g["suppressed"] and g["mean"] == g["mean"]]
    if len(visible) >= 2:
        top = max(visible, key=lambda g: g["mean"])
        bottom = min(visible, key=lambda g: g["mean"])
        out |= {"max_group": top["group"], "min_group": bottom["group"]}
        out["gap"] = top["mean"] - bottom["mean"]
    tested = [g for g in visible if g["n"] >= MIN_TEST_N]
    if len(tested) < 2 or scores is None:
        out["note"] = "fewer than two groups large enough to test"
        return out
    samples = []
    for g in tested:
        values = scores[in_context & _members(group_of, g["group"])]
        samples.append(values[~np.isnan(values)])
    names = [g["group"] for g in tested]
    total = sum(len(s) for s in samples)
    if len(tested) == 2:
        result = welch_test(*samples) if test == "welch" else mann_whitney(*samples)
        g = hedges_g(*samples)
        out["effect_size"] = {"name": "hedges_g", "value": _float(g)}
        pairs = [{"group_a": names[0], "group_b": names[1], "diff": _float(
            samples[1].mean() - samples[0].mean()), "p": _float(result["p"])}]  # fmt: skip
    else:
        if test == "welch":
            result = welch_anova(samples)
            f, k = result["statistic"], len(samples)
            omega = (k - 1) * (f - 1) / ((k - 1) * (f - 1) + total) if f == f else np.nan
            out["effect_size"] = {"name": "omega_squared", "value": _float(omega)}
            gh = games_howell(samples, names)
            pairs = [
                {"group_a": r.group_a, "group_b": r.group_b, "diff": _float(r.diff),
                 "p": _float(r.p)}
                for r in gh.itertuples()
            ]  # fmt: skip
        else:
            result = kruskal_wallis(samples)
            h = result["statistic"]
            out["effect_size"] = {"name": "epsilon_squared", "value": _float(h / (total - 1))}
            raw = []
            for i in range(len(samples)):
                for j in range(i + 1, len(samples)):
                    mw = mann_whitney(samples[i], samples[j])
                    diff = samples[j].mean() - samples[i].mean()
                    raw.append({"group_a": names[i], "group_b": names[j],
                                "diff": _float(diff), "p": _float(mw["p"])})  # fmt: skip
            adjusted = adjust_p(np.array([r["p"] for r in raw], dtype=float), "holm")
            pairs = [r | {"p": _float(p)} for r, p in zip(raw, adjusted, strict=True)]
    out |= {
        "test": result["test"],
        "statistic": _float(result["statistic"]),
        "df": _float(result.get("df", result.get("df2"))),
        "p": _float(result["p"]),
        "pairwise": pairs,
    }
    if len(tested) < len(visible):
        out["note"] = f"groups under {MIN_TEST_N} respondents take no part in the test"
    return out


def _extremes_differ(record, alpha: float) -> bool:
    """With three or more groups, the largest and smallest must differ pairwise too."""
    pairs = record["pairwise"] or []
    if len(pairs) <= 1:
        return True
    top, bottom = record["max_group"], record["min_group"]
    for pair in pairs:
        if {pair["group_a"], pair["group_b"]} == {top, bottom}:
            return pair["p"] is not None and pair["p"] < alpha
    return False


def _float(value) -> float | None:
    return None if value is None or value != value else float(value)


def _findings(frame: pd.DataFrame, key_names: list[str], lang: str) -> list[str]:
    out = []
    for rec in frame[frame["flagged"]].to_dict("records"):
        context = " · ".join(str(rec[k]) for k in key_names if rec[k] is not None)
        line = t(
            "gaps.lower",
            lang,
            low=rec["min_group"],
            dimension=rec["dimension_name"],
            gap=number(rec["gap"], lang, 1),
            high=rec["max_group"],
        )
        out.append(f"{context}: {line}" if context else line)
    return out
