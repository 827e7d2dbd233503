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
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, ClassVar

import numpy as np

from .errors import OptionError
from .grouping import GroupKey, group_codes, resolve_keys
from .i18n import Message, number, t
from .result import Finding, Result
from .survey import Survey

if TYPE_CHECKING:
    import pandas as pd

TESTS = ("welch", "kruskal")
MIN_TEST_N = 5  # groups with fewer respondents take no part in a test
#: Gap threshold on a 1-5 scale; rescaled by (max - min) / 4 on other scales, as zones are.
GAP_1_5 = 0.5
#: Why a record has no p-value, or why a shown group takes no part in its test (``note``).
NOTES = ("too_few", "no_spread", "untested_group", "missing_group")
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
    family: int = 0  # how many tests were adjusted together
    family_scope: str = "gaps"  # "gaps", or "report" when adjusted with the report's
    untested: tuple[str, ...] = ()  # gaps shown without a test, said in words

    def settings(self) -> dict:
        return {
            "between": self.between.name,
            "group_by": [k.name for k in self.keys],
            "test": self.test,
            "adjust": self.adjust,
            "family": {"size": self.family, "scope": self.family_scope},
            "gap": self.gap,
            "alpha": self.alpha,
            "lang": self.lang,
            "findings": list(self.findings),
            "untested": list(self.untested),
        }

    def family_p(self) -> np.ndarray:
        """The p-values of every test that can become a finding (records, then focus)."""
        parts = [self.records["p"].to_numpy(dtype=float)]
        if self.focus is not None and self.between.name != "sector":
            parts.append(self.focus["p"].to_numpy(dtype=float))
        return np.concatenate(parts)

    def with_family(self, p_adj: np.ndarray, adjust: str, size: int, scope: str) -> GapsResult:
        """This result with ``p_adj`` adjusted in a larger family (the report's)."""
        n = len(self.records)
        records = _flag(self.records.copy(), p_adj[:n], adjust, self.gap, self.alpha)
        focus = self.focus
        if focus is not None and self.between.name == "sector":  # the same tests as records
            focus = _same_as(records, focus)
        elif focus is not None:
            focus = _flag(focus.copy(), p_adj[n:], adjust, self.gap, self.alpha)
        key_names = [k.name for k in self.keys]
        return replace(
            self,
            records=records,
            focus=focus,
            adjust=adjust,
            family=size,
            family_scope=scope,
            findings=_all_findings(records, focus, key_names, self.between, self.lang),
        )

    def tables(self) -> dict[str, pd.DataFrame]:
        return {} if self.focus is None else {"focus": self.focus}


def gaps(
    survey: Survey,
    between: str = "actor",
    by: Sequence[str] | None = (),
    *,
    test: str = "welch",
    adjust: str = "bh",
    gap: float | None = None,
    alpha: float = 0.05,
    min_n: int | None = None,
    lang: str | None = None,
    merge_small: bool = False,
    focus: bool = True,
    include_missing_group: bool = False,
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
        ``"bh"`` (default), ``"holm"`` or ``"none"``, across every test of the output
        (all values of ``by`` and dimensions, and the focus comparison by sector).
    gap, alpha
        Flag a gap of at least ``gap`` scale points with an adjusted p below ``alpha``;
        ``gap=None`` is 0.5 on a 1-5 scale, rescaled by the instrument's range.
    include_missing_group
        Let the "(not given)" group (no value of ``between``) take part in tests and
        findings; by default it is shown but untested.
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
    from .grouping import BLANK_GROUP
    from .privacy.threshold import merge_small as merge
    from .privacy.threshold import resolve_min_n
    from .stats import adjust_p

    if test not in TESTS:
        raise OptionError(
            Message("error.choose", option="--test", value=test, choices=", ".join(TESTS))
        )
    if adjust not in ("holm", "bh", "none"):
        raise OptionError(
            Message("error.choose", option="--adjust", value=adjust, choices="holm, bh, none")
        )
    inst = survey.instrument
    if gap is None:
        gap = GAP_1_5 * (inst.scale.max - inst.scale.min) / 4
    if gap < 0 or not 0 < alpha < 1:
        raise OptionError(Message("error.gap_alpha"))
    lang = lang or inst.language
    (between_key,) = resolve_keys(survey, [between], option="--between")
    keys = resolve_keys(survey, list(by or []))
    if between_key.name in {k.name for k in keys}:
        raise OptionError(Message("error.by_between", key=between_key.name))
    min_n_value, _ = resolve_min_n(min_n, inst.min_n)
    if merge_small:
        survey = merge(survey, [between_key, *keys], min_n_value)
    missing = None if include_missing_group else t(BLANK_GROUP, lang)
    frame, scored = _compare_groups(survey, between_key, keys, test, min_n, lang, missing)
    focus_frame = None
    focus_dim = inst.focus
    if (
        focus
        and focus_dim
        and "sector" in survey.data.columns
        and focus_dim in set(frame["dimension"])
    ):
        (sector,) = resolve_keys(survey, ["sector"])
        focus_all, _ = _compare_groups(survey, sector, keys, test, min_n, lang, missing)
        focus_frame = focus_all[focus_all["dimension"] == focus_dim].reset_index(drop=True)
    key_names = [k.name for k in keys]
    separate = focus_frame is not None and between_key.name != "sector"
    raw = np.concatenate(
        [frame["p"].to_numpy(dtype=float)]
        + ([focus_frame["p"].to_numpy(dtype=float)] if separate else [])
    )
    p_adj = adjust_p(raw, adjust)
    frame = _flag(frame, p_adj[: len(frame)], adjust, gap, alpha)
    if separate:
        focus_frame = _flag(focus_frame, p_adj[len(frame) :], adjust, gap, alpha)
    elif focus_frame is not None:  # by sector already: the same tests, counted once
        focus_frame = _same_as(frame, focus_frame)
    untested = _untested(frame, key_names, lang)
    if focus_frame is not None and between_key.name != "sector":
        untested += _untested(focus_frame, key_names, lang)
    from .scoring import add_missing_dimensions

    frame = add_missing_dimensions(
        frame, survey, lang, between=between_key.name, groups=[], pairwise=[]
    )  # a dimension without item columns: a row saying so (issue 19)
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
        family=int(np.count_nonzero(~np.isnan(raw))),
        findings=_all_findings(frame, focus_frame, key_names, between_key, lang),
        untested=tuple(dict.fromkeys(untested)),
        warnings=scored.warnings,
    )


def _compare_groups(survey, between, keys, test, min_n, lang, missing):
    """One record per dimension and value of ``by``, with the raw (unadjusted) p."""
    import pandas as pd

    from .scoring import respondent_scores, score_survey

    key_names = [k.name for k in keys]
    scored = score_survey(survey, [between.name, *key_names], min_n=min_n, lang=lang)
    records = scored.records
    cells = records[records[between.name].notna()]
    rs = respondent_scores(survey).scores
    # every respondent's group as a number: comparing a million labels is slow
    groups = {k.name: _coded(group_codes(survey, k, lang)) for k in [between, *keys]}
    out = []
    for context, by_dimension in _by_context(cells.to_dict("records"), key_names).items():
        in_context = np.ones(len(survey.data), dtype=bool)
        for name, value in zip(key_names, context, strict=True):
            in_context &= _members(groups[name], value)
        for dim, group_records in by_dimension.items():
            scores = rs[dim].to_numpy() if dim in rs.columns else None
            row = {"dimension": dim, **dict(zip(key_names, context, strict=True))}
            row |= _one_comparison(
                group_records, between.name, scores, groups[between.name], in_context, test,
                missing,
            )  # fmt: skip
            out.append(row)
    frame = pd.DataFrame(out)
    if frame.empty:
        raise OptionError(Message("error.no_groups", key=between.name))
    for column in ("p_adj", "adjust"):
        frame[column] = None
    frame["flagged"] = False
    names = {d.id: d.label(lang) for d in survey.instrument.dimensions}
    frame.insert(1, "dimension_name", frame["dimension"].map(names))
    columns = ["dimension", "dimension_name", *key_names, *RECORD_COLUMNS]
    return frame[columns].reset_index(drop=True), scored


def _by_context(records: list[dict], key_names: list[str]) -> dict[tuple, dict[str, list]]:
    """The records of each context (values of the keys), then of each dimension.

    Contexts and dimensions come in the order they first appear, records in their own
    order. A context with a missing value matches no group, so it is left out.
    """
    import pandas as pd

    out: dict[tuple, dict[str, list]] = {}
    for record in records:
        context = tuple(record[name] for name in key_names)
        if any(pd.isna(value) for value in context):
            continue
        out.setdefault(context, {}).setdefault(record["dimension"], []).append(record)
    return out


def _coded(coded: tuple[np.ndarray, list[str]]) -> tuple[np.ndarray, dict[str, int]]:
    """Group codes of every respondent, and the code of each group label."""
    codes, labels = coded
    return codes, {label: code for code, label in enumerate(labels)}


def _members(coded: tuple[np.ndarray, dict[str, int]], label: str) -> np.ndarray:
    """Which respondents are in the group ``label`` (from :func:`_coded`)."""
    codes, code_of = coded
    return codes == code_of.get(label, -1)


def _one_comparison(records, between, scores, group_of, in_context, test, missing) -> dict:
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
    for g in groups:
        g["tested"] = False
    tested = [g for g in visible if g["n"] >= MIN_TEST_N and g["group"] != missing]
    # the gap and its two groups come from the tested groups, so a finding names only them
    among = tested if len(tested) >= 2 else visible
    if len(among) >= 2:
        top = max(among, key=lambda g: g["mean"])
        bottom = min(among, key=lambda g: g["mean"])
        out |= {"max_group": top["group"], "min_group": bottom["group"]}
        out["gap"] = top["mean"] - bottom["mean"]
    if len(tested) < 2 or scores is None:
        out["note"] = "too_few"
        return out
    for g in tested:
        g["tested"] = True
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
            # truncated at 0 (an F below 1 gives a negative estimate of a share of variance)
            omega = max(0.0, (k - 1) * (f - 1) / ((k - 1) * (f - 1) + total)) if f == f else np.nan
            out["effect_size"] = {"name": "omega_squared", "value": _float(omega)}
            gh = games_howell(samples, names)
            pairs = [
                {"group_a": a, "group_b": b, "diff": _float(d), "p": _float(p)}
                for a, b, d, p in zip(
                    *(gh[c].tolist() for c in ("group_a", "group_b", "diff", "p")), strict=True
                )
            ]
            if result["p"] != result["p"] and gh["p"].notna().any():
                # a unanimous group: Welch's weights n / s^2 are undefined, but Games-Howell
                # needs none, and its studentized range already covers all k groups
                result = {"test": "games-howell", "statistic": float(gh["statistic"].abs().max()),
                          "df": None, "p": float(gh["p"].min())}  # fmt: skip
        else:
            result = kruskal_wallis(samples)
            h = result["statistic"]
            eps = max(0.0, h / (total - 1)) if h == h else np.nan  # H >= 0; kept explicit
            out["effect_size"] = {"name": "epsilon_squared", "value": _float(eps)}
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
    if out["p"] is None:
        out["note"] = "no_spread"
    elif any(g["group"] == missing for g in visible):
        out["note"] = "missing_group"
    elif len(tested) < len(visible):
        out["note"] = "untested_group"
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


def _flag(frame: pd.DataFrame, p_adj, adjust: str, gap: float, alpha: float) -> pd.DataFrame:
    """Set ``p_adj``, ``adjust`` and ``flagged`` from p-values adjusted in their family."""
    frame = frame.reset_index(drop=True)
    frame["p_adj"] = np.asarray(p_adj, dtype=float)
    frame["adjust"] = np.where(frame["p"].notna(), adjust, None)
    if frame.empty:
        frame["flagged"] = np.zeros(0, dtype=bool)
        return frame
    pair_ok = frame.apply(lambda r: _extremes_differ(r, alpha), axis=1).astype(bool)
    gaps = frame["gap"].astype(float)
    frame["flagged"] = (
        ((gaps >= gap - 1e-9) & (frame["p_adj"] < alpha) & pair_ok).fillna(False).astype(bool)
    )
    return frame


def _same_as(records: pd.DataFrame, focus: pd.DataFrame) -> pd.DataFrame:
    """The focus rows of ``records`` (when ``records`` compare sectors already)."""
    dim = focus["dimension"].iloc[0] if len(focus) else None
    return records[records["dimension"] == dim].reset_index(drop=True)


def _all_findings(frame, focus, key_names, between, lang) -> tuple[str, ...]:
    findings = _findings(frame, key_names, lang)
    if focus is not None and between.name != "sector":
        findings += _findings(focus, key_names, lang)
    return tuple(dict.fromkeys(findings))


def _findings(frame: pd.DataFrame, key_names: list[str], lang: str) -> list[str]:
    """The flagged gaps, grouped by context, largest gap first (two decimals, as the table)."""
    out = []
    flagged = frame[frame["flagged"]]
    if key_names:
        order = {k: i for i, k in enumerate(dict.fromkeys(map(tuple, flagged[key_names].values)))}
        flagged = flagged.assign(_ctx=[order[tuple(v)] for v in flagged[key_names].values])
    else:
        flagged = flagged.assign(_ctx=0)
    flagged = flagged.assign(_gap=flagged["gap"].astype(float)).sort_values(
        ["_ctx", "_gap"], ascending=[True, False], kind="stable"
    )
    for rec in flagged.to_dict("records"):
        context = " · ".join(str(rec[k]) for k in key_names if rec[k] is not None)
        line = t(
            "gaps.lower",
            lang,
            low=rec["min_group"],
            dimension=rec["dimension_name"],
            gap=number(rec["gap"], lang),
            high=rec["max_group"],
        )
        area = rec["area"] if "area" in key_names else None
        out.append(
            Finding(f"{context}: {line}" if context else line, section="gaps",
                    dimension=rec["dimension"], area=area, size=abs(float(rec["gap"])))
        )  # fmt: skip
    return out


def _untested(frame: pd.DataFrame, key_names: list[str], lang: str) -> list[str]:
    """In words: gaps shown without a test, and groups shown but left out of the test."""
    out = []
    for rec in frame[frame["note"].notna()].to_dict("records"):
        context = " · ".join(str(rec[k]) for k in key_names if rec[k] is not None)
        where = f"{context}: " if context else ""
        note = rec["note"]
        if note in ("too_few", "no_spread"):
            if rec["gap"] is None or rec["gap"] != rec["gap"]:
                continue  # fewer than two groups shown: nothing to compare
            out.append(
                t(
                    "note.gap_untested",
                    lang,
                    where=where,
                    dimension=rec["dimension_name"],
                    reason=t(f"reason.{note}", lang),
                    gap=number(rec["gap"], lang),
                    high=rec["max_group"],
                    low=rec["min_group"],
                )
            )
        else:
            left = [
                g["group"] for g in rec["groups"]
                if not g["suppressed"] and g["mean"] is not None and not g.get("tested")
            ]  # fmt: skip
            if note == "missing_group" and len(left) == 1:
                out.append(t("note.missing_group", lang, group=left[0]))
            else:
                out.append(
                    t(
                        "note.untested_group",
                        lang,
                        where=where,
                        dimension=rec["dimension_name"],
                        groups=", ".join(map(str, left)),
                        n=MIN_TEST_N,
                    )
                )
    return out
