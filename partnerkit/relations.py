"""Relations between actors: who holds influence, who should, who trusts whom.

The instrument's ``[[relations]]`` are grid questions whose statements are actor
types: every respondent (the *rater*, by its actor type) rates every *target*
type. From them, per relation and group (``--by round``, ``--by area``):

* the **matrix**: rater type × target type means with n, sd and a t-interval;
  rater groups the survey's anonymity pattern hides show no statistics;
* **how others see each actor**: per target the mean of the other types' raters
  (self excluded), the target's self-rating and the self-other gap, Welch's t-test;
* **influence balance**: per target, actual minus desired influence as rated by
  the others, tested within respondents (paired t-test), and the **concentration**
  of influence: the share of the most influential actor and the Gini coefficient
  of the actual-influence profile (every target's mean over all raters);
* **reciprocity**: for each pair of actor types, A's trust in B against B's in A,
  the asymmetry and Welch's t-test; and the trust **network** (an edge where a
  type's raters trust another type "much" or more): density, reciprocity and
  in-degree centralisation by networkx.

Every test of one output is adjusted as one family (``adjust``); a finding needs
``p_adj < alpha`` and a difference of at least ``gap`` scale points.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

import numpy as np

from .errors import MappingError, OptionError
from .grouping import GroupKey, group_codes, resolve_keys
from .i18n import number, t
from .result import Result

if TYPE_CHECKING:
    import pandas as pd

    from .instrument import Relation
    from .survey import Survey

#: Differences of at least this many points on a 1-5 scale are findings (rescaled on others).
GAP_1_5 = 0.5
MATRIX_COLUMNS = (
    "relation", "rater", "rater_id", "target", "target_id", "self", "n", "mean", "sd",
    "ci_low", "ci_high", "suppressed", "suppressed_reason",
)  # fmt: skip
SELF_OTHER_COLUMNS = (
    "relation", "target", "target_id", "others_n", "others_mean", "self_n", "self_mean", "gap",
    "statistic", "df", "p", "p_adj", "flagged", "suppressed", "suppressed_reason",
)  # fmt: skip
BALANCE_COLUMNS = (
    "target", "target_id", "n_pairs", "actual", "desired", "diff", "diff_ci_low", "diff_ci_high",
    "statistic", "df", "p", "p_adj", "flagged", "suppressed", "suppressed_reason",
)  # fmt: skip
CONCENTRATION_COLUMNS = ("relation", "targets", "top_target", "top_share", "gini")
NETWORK_COLUMNS = (
    "relation", "nodes", "edges", "threshold", "density", "reciprocity", "in_centralisation",
)  # fmt: skip
RECIPROCITY_COLUMNS = (
    "relation", "a", "b", "a_to_b", "n_a", "b_to_a", "n_b", "asymmetry", "statistic", "df",
    "p", "p_adj", "flagged",
)  # fmt: skip


@dataclass(frozen=True, kw_only=True)
class RelationsResult(Result):
    """The matrices (``records``) and the tables read from them."""

    command: ClassVar[str] = "relations"

    self_other: pd.DataFrame
    balance: pd.DataFrame
    concentration: pd.DataFrame
    reciprocity: pd.DataFrame
    network: pd.DataFrame
    relations: tuple[str, ...]
    adjust: str
    alpha: float
    gap: float
    family: int = 0
    family_scope: str = "relations"  # "relations", or "report" when adjusted with the report's

    def settings(self) -> dict:
        return {
            "group_by": [k.name for k in self.keys],
            "relations": list(self.relations),
            "adjust": self.adjust,
            "family": {"size": self.family, "scope": self.family_scope},
            "gap": self.gap,
            "alpha": self.alpha,
            "lang": self.lang,
            "findings": list(self.findings),
        }

    def family_p(self) -> np.ndarray:
        """The p-values of every test that can become a finding (self-other, balance,
        reciprocity), in that order."""
        tables = (self.self_other, self.balance, self.reciprocity)
        return np.concatenate([tab["p"].to_numpy(dtype=float) for tab in tables])

    def with_family(self, p_adj: np.ndarray, adjust: str, size: int, scope: str) -> RelationsResult:
        """This result with ``p_adj`` adjusted in a larger family (the report's)."""
        from dataclasses import replace

        tables = (self.self_other.copy(), self.balance.copy(), self.reciprocity.copy())
        _flag(tables, p_adj, self.alpha, self.gap)
        inst = self.survey.instrument
        return replace(
            self,
            self_other=tables[0],
            balance=tables[1],
            reciprocity=tables[2],
            adjust=adjust,
            family=size,
            family_scope=scope,
            findings=tuple(_findings(*tables, list(self.keys), inst, self.lang)),
        )

    def tables(self) -> dict[str, pd.DataFrame]:
        return {
            "self_other": self.self_other,
            "balance": self.balance,
            "concentration": self.concentration,
            "reciprocity": self.reciprocity,
            "network": self.network,
        }


def gini(values: np.ndarray) -> float:
    """Gini coefficient of non-negative values: ``Σᵢ Σⱼ |xᵢ − xⱼ| / (2 k² x̄)``.

    0 when every value is equal, ``(k − 1) / k`` when one holds everything.

    >>> gini(np.array([1.0, 1.0, 1.0])), round(gini(np.array([0.0, 0.0, 3.0])), 4)
    (0.0, 0.6667)

    Notes
    -----
    The population (mean absolute difference) form, as ``ineq::Gini(x)`` in R
    without the small-sample correction (Gini 1912).
    """
    x = np.asarray(values, dtype=float)
    x = x[~np.isnan(x)]
    if x.size == 0 or x.sum() <= 0:
        return float("nan")
    return float(np.abs(x[:, None] - x[None, :]).sum() / (2 * x.size**2 * x.mean()))


def relations(
    survey: Survey,
    by: Sequence[str] = (),
    *,
    relation: Sequence[str] | None = None,
    min_n: int | None = None,
    lang: str | None = None,
    adjust: str = "bh",
    alpha: float = 0.05,
    gap: float | None = None,
) -> RelationsResult:
    """Matrices, self-other gaps, influence balance, concentration and reciprocity.

    Parameters
    ----------
    survey
        A survey read with an instrument that declares ``[[relations]]``.
    by
        Grouping keys (``round``, ``area`` or another column); the rater's actor
        type is always the matrix's row key.
    relation
        Relation ids to show (default: every relation with a column in the survey).
    min_n, lang, adjust, alpha, gap
        As for ``gaps``: the anonymity threshold, the language of labels, the p-value
        adjustment over every test of the output, the level and the smallest
        difference (scale points; default 0.5 on a 1-5 scale) of a finding.

    Returns
    -------
    RelationsResult
        ``records``: the by-keys, then ``relation, rater, target, self, n, mean, sd,
        ci_low, ci_high, suppressed, suppressed_reason``; the tables ``self_other``,
        ``balance``, ``concentration`` and ``reciprocity`` (columns in
        ``SELF_OTHER_COLUMNS`` ... ``RECIPROCITY_COLUMNS`` after the by-keys).

    Notes
    -----
    Welch (1947) for self-other gaps and reciprocity, Student's paired t-test for
    actual against desired influence (as R ``t.test(actual, desired, paired = TRUE)``),
    p-values adjusted together (Holm 1979 or Benjamini-Hochberg 1995), Gini (1912).

    Examples
    --------
    >>> from partnerkit import read_survey
    >>> res = relations(read_survey("data/examples/partnerskab_2022-2024.xlsx"))
    >>> sorted(set(res.records["relation"]))
    ['influence', 'influence_desired', 'trust', 'value']
    """
    from .privacy.threshold import DEFAULT_MIN_N
    from .stats.compare import adjust_p

    inst = survey.instrument
    lang = lang or inst.language  # findings and labels in one language, also in JSON
    min_n = min_n or inst.min_n or DEFAULT_MIN_N
    chosen = _chosen_relations(survey, relation)
    if "actor" not in survey.data.columns:
        raise MappingError(
            "relations: the survey has no actor column, so raters cannot be grouped. "
            "Add an actor-type column (for example 'Aktørtype') or map it with --actor-map."
        )
    keys = resolve_keys(survey, list(by))
    if any(k.column in ("actor", "sector") for k in keys):
        raise OptionError("--by actor: the rater's actor type is already the matrix's rows.")
    scale = chosen[0].scale
    gap = GAP_1_5 * (scale.max - scale.min) / 4 if gap is None else gap
    frame = _Frame(survey, keys, lang)
    pattern = _pattern(survey, keys, min_n, chosen)
    cells = _Cells(survey, keys, lang, pattern)

    matrix, self_other, balance, reciprocity, concentration, network = [], [], [], [], [], []
    for rel in chosen:
        moments = {target: frame.moments(survey.data[rel.column(target)]) for target in rel.targets}
        matrix.append(_matrix(frame, rel, moments, cells))
        self_other.append(_self_other(frame, rel, moments, cells))
        if rel.kind == "trust":
            reciprocity.append(_reciprocity(frame, rel, moments, cells))
            network.append(_network(matrix[-1], keys, rel, inst))
        if rel.kind == "influence":
            concentration.append(_concentration(frame, rel, moments, cells))
        if rel.kind == "desired" and rel.compares in {r.id for r in chosen}:
            balance.append(_balance(survey, frame, inst.relation(rel.compares), rel, cells))
    import pandas as pd

    def joined(parts, columns):
        names = [k.name for k in keys]
        return (
            pd.concat(parts, ignore_index=True)
            if parts
            else pd.DataFrame(columns=[*names, *columns])
        )

    records = joined(matrix, MATRIX_COLUMNS)
    self_other_t = joined(self_other, SELF_OTHER_COLUMNS)
    balance_t = joined(balance, BALANCE_COLUMNS)
    reciprocity_t = joined(reciprocity, RECIPROCITY_COLUMNS)
    concentration_t = joined(concentration, CONCENTRATION_COLUMNS)
    network_t = joined(network, NETWORK_COLUMNS)

    # one family: every test of this output
    tables = (self_other_t, balance_t, reciprocity_t)
    p_all = np.concatenate([tab["p"].to_numpy(dtype=float) for tab in tables])
    p_adj = adjust_p(p_all, adjust) if p_all.size else p_all
    _flag(tables, p_adj, alpha, gap)
    findings = _findings(self_other_t, balance_t, reciprocity_t, keys, inst, lang)
    return RelationsResult(
        records=records,
        self_other=self_other_t,
        balance=balance_t,
        concentration=concentration_t,
        reciprocity=reciprocity_t,
        network=network_t,
        survey=survey,
        min_n=min_n,
        lang=lang,
        ledger=survey.ledger,
        keys=tuple(keys),
        findings=tuple(findings),
        relations=tuple(r.id for r in chosen),
        adjust=adjust,
        alpha=alpha,
        gap=gap,
        family=int(np.count_nonzero(~np.isnan(p_all))),
    )


def _flag(tables, p_adj: np.ndarray, alpha: float, gap: float) -> None:
    """Set ``p_adj`` and ``flagged`` of the self-other, balance and reciprocity tables."""
    start = 0
    for tab, diff in zip(tables, ("gap", "diff", "asymmetry"), strict=True):
        tab["p_adj"] = p_adj[start : start + len(tab)]
        start += len(tab)
        size = tab[diff].abs().to_numpy(dtype=float)
        with np.errstate(invalid="ignore"):
            tab["flagged"] = (tab["p_adj"].to_numpy(dtype=float) < alpha) & (size >= gap - 1e-9)


def _chosen_relations(survey: Survey, wanted: Sequence[str] | None) -> list[Relation]:
    inst = survey.instrument
    present = [r for r in inst.relations if any(c in survey.data.columns for c in r.columns)]
    if not inst.relations:
        raise MappingError(
            f"relations: instrument '{inst.id}' declares no [[relations]]; see "
            "docs/instrument.md for the relation questions."
        )
    if not present:
        where = ", ".join(s.path for s in survey.sources[:3])
        raise MappingError(
            f"relations: {where} has no column of the relation questions of instrument "
            f"'{inst.id}' (headers like '{inst.relations[0].stem_text(inst.language)} - "
            "<actor type>'). Run `partnerkit validate` to see how the columns were read."
        )
    if not wanted:
        return present
    ids = [r.id for r in present]
    unknown = [w for w in wanted if w not in ids]
    if unknown:
        raise OptionError(
            f"--relation {unknown[0]}: not a relation of this survey "
            f"(choose from {', '.join(ids)})."
        )
    # the balance of a desired relation needs its actual one
    needed = set(wanted) | {r.compares for r in present if r.id in wanted and r.compares}
    return [r for r in present if r.id in needed]


class _Frame:
    """Group codes of every respondent: the by-group and the rater's actor type."""

    def __init__(self, survey: Survey, keys: Sequence[GroupKey], lang: str):
        import pandas as pd

        data = survey.data
        self.keys = list(keys)
        by_codes = [group_codes(survey, k, lang) for k in keys]
        if by_codes:
            combined = pd.MultiIndex.from_arrays([c for c, _ in by_codes])
            self.by_code, uniques = pd.factorize(combined)
            self.by_labels = [
                tuple(labels[i] for (_, labels), i in zip(by_codes, u, strict=True))
                for u in uniques
            ]
        else:
            self.by_code = np.zeros(len(data), dtype=np.intp)
            self.by_labels = [()]
        # the by-groups in reading order (rounds by number, as group_rows sorts them)
        from .grouping import group_order

        orders = [
            group_order(survey, k, labels, lang)
            for k, (_, labels) in zip(keys, by_codes, strict=True)
        ]
        rank = [{v: i for i, v in enumerate(o)} for o in orders]
        self.by_order = sorted(
            range(len(self.by_labels)),
            key=lambda g: tuple(r.get(v, 0) for r, v in zip(rank, self.by_labels[g], strict=True)),
        )
        self.actors = [a.id for a in survey.instrument.actors]
        index = {a: i for i, a in enumerate(self.actors)}
        rater = data["actor"].astype(object).map(index)
        self.rater = rater.fillna(-1).to_numpy(dtype=np.intp)  # -1: no actor type
        self.n_by = len(self.by_labels)
        self.n_actor = len(self.actors)
        self.code = np.where(self.rater >= 0, self.by_code * self.n_actor + self.rater, -1)
        self.lang = lang
        self.inst = survey.instrument

    def label(self, actor: str) -> str:
        return next(a for a in self.inst.actors if a.id == actor).label(self.lang)

    def moments(self, column) -> dict[str, np.ndarray]:
        """n, sum and sum of squared deviations per (by-group, rater), shape (by, actor)."""
        x = np.asarray(column, dtype=float)
        ok = ~np.isnan(x) & (self.code >= 0)
        size = self.n_by * self.n_actor
        code = self.code[ok]
        n = np.bincount(code, minlength=size).astype(float)
        s = np.bincount(code, weights=x[ok], minlength=size)
        with np.errstate(invalid="ignore", divide="ignore"):
            mean = s / n
        dev = x[ok] - mean[code]
        ss = np.bincount(code, weights=dev * dev, minlength=size)
        shape = (self.n_by, self.n_actor)
        return {"n": n.reshape(shape), "s": s.reshape(shape), "ss": ss.reshape(shape)}


def _pattern(survey: Survey, keys, min_n: int, chosen: Sequence[Relation]):
    from .protect import survey_pattern

    columns = [c for r in chosen for c in r.columns if c in survey.data.columns]

    def measures(source: Survey) -> dict[str, np.ndarray]:
        data = source.data
        return {c: data[c].to_numpy(dtype=float, na_value=np.nan) for c in columns}

    kind = "relations:" + ",".join(columns)
    scale = chosen[0].scale
    return survey_pattern(
        survey, [*keys, GroupKey("actor", "actor")], min_n, measures, kind,
        scale=(scale.min, scale.max),
    )  # fmt: skip


class _Cells:
    """The anonymity pattern's decision for a set of raters of one by-group."""

    def __init__(self, survey: Survey, keys, lang: str, pattern):
        from .protect import row_keys

        self.pattern = pattern
        data = survey.data
        if survey.read_data is None:
            self.positions = np.arange(len(data))
        else:
            self.positions = pattern.positions(row_keys(data))

        self._cells: dict[tuple, np.ndarray] = {}

    def decide(self, frame: _Frame, measure: str, by: int, raters: Sequence[int]):
        """(hidden, reason) for the raters of types ``raters`` in by-group ``by``."""
        if measure not in self.pattern.measures:
            return True, "min_n"
        key = (by, tuple(raters))
        cells = self._cells.get(key)
        if cells is None:  # the finest cells of a rater set, found once per set
            rows = np.flatnonzero((frame.by_code == by) & np.isin(frame.rater, raters))
            cells = self._cells[key] = self.pattern.cells_of(self.positions[rows])
        return self.pattern.decide(measure, cells)


def _by_columns(frame: _Frame, by: int) -> dict:
    return {k.name: label for k, label in zip(frame.keys, frame.by_labels[by], strict=True)}


def _stats(n, s, ss):
    from .stats.intervals import t_interval

    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.where(n > 0, s / n, np.nan)
        sd = np.where(n > 1, np.sqrt(ss / (n - 1)), np.nan)
    low, high = t_interval(mean, sd, n)
    return mean, sd, low, high


def _matrix(frame: _Frame, rel: Relation, moments, cells: _Cells) -> pd.DataFrame:
    import pandas as pd

    rows = []
    for by in frame.by_order:
        for r, rater in enumerate(frame.actors):
            if not any(moments[target]["n"][by, r] for target in rel.targets):
                continue  # no rater of this type in the group
            decided = {t: cells.decide(frame, rel.column(t), by, [r]) for t in rel.targets}
            # a rater row hidden to protect another group is hidden whole: the pattern is
            # decided per target, and a row with one cell left (the 2024 school raters'
            # value of the business, 2.55, n=11) reads as an error to a board
            whole = any(reason == "secondary" for _, reason in decided.values())
            for target in rel.targets:
                m = moments[target]
                n, s, ss = m["n"][by, r], m["s"][by, r], m["ss"][by, r]
                mean, sd, low, high = (float(v) for v in _stats(n, s, ss))
                hidden, reason = decided[target]
                if whole and not hidden:
                    hidden, reason = True, "secondary"
                if n == 0:
                    hidden, reason = True, "min_n"
                rows.append(
                    {
                        **_by_columns(frame, by),
                        "relation": rel.id,
                        "rater": frame.label(rater),
                        "rater_id": rater,
                        "target": frame.label(target),
                        "target_id": target,
                        "self": rater == target,
                        "n": pd.NA if hidden else int(n),
                        "mean": np.nan if hidden else mean,
                        "sd": np.nan if hidden else sd,
                        "ci_low": np.nan if hidden else low,
                        "ci_high": np.nan if hidden else high,
                        "suppressed": hidden,
                        "suppressed_reason": reason if hidden else None,
                    }
                )
    out = pd.DataFrame(rows)
    out["n"] = out["n"].astype("Int64")
    return out


def _others(frame: _Frame, target_index: int):
    return [i for i in range(frame.n_actor) if i != target_index]


def _self_other(frame: _Frame, rel: Relation, moments, cells: _Cells) -> pd.DataFrame:
    import pandas as pd

    from .stats.compare import welch_from_moments

    rows = []
    for by in frame.by_order:
        for target in rel.targets:
            j = frame.actors.index(target)
            m = moments[target]
            others = _others(frame, j)
            n_o, s_o = m["n"][by, others].sum(), m["s"][by, others].sum()
            if n_o == 0 and m["n"][by, j] == 0:
                continue
            # pooled sum of squares of the other types: within-type plus between-type parts
            with np.errstate(invalid="ignore", divide="ignore"):
                mean_o = s_o / n_o
                type_means = m["s"][by, others] / m["n"][by, others]
                between = np.nansum(m["n"][by, others] * (type_means - mean_o) ** 2)
            ss_o = m["ss"][by, others].sum() + between
            n_s, s_s, ss_s = m["n"][by, j], m["s"][by, j], m["ss"][by, j]
            hidden_o, reason_o = cells.decide(frame, rel.column(target), by, others)
            hidden_s, _ = cells.decide(frame, rel.column(target), by, [j])
            hidden_o = hidden_o or n_o == 0
            hidden_s = hidden_s or n_s == 0
            mean_o, *_ = _stats(n_o, s_o, ss_o)
            mean_s, *_ = _stats(n_s, s_s, ss_s)
            test = {"statistic": np.nan, "df": np.nan, "p": np.nan}
            if not hidden_o and not hidden_s:
                res = welch_from_moments(
                    mean_o, ss_o / (n_o - 1), n_o, mean_s, ss_s / max(n_s - 1, 1), n_s
                )
                test = {k: float(res[k]) for k in test}
            rows.append(
                {
                    **_by_columns(frame, by),
                    "relation": rel.id,
                    "target": frame.label(target),
                    "target_id": target,
                    "others_n": pd.NA if hidden_o else int(n_o),
                    "others_mean": np.nan if hidden_o else float(mean_o),
                    "self_n": pd.NA if hidden_s else int(n_s),
                    "self_mean": np.nan if hidden_s else float(mean_s),
                    "gap": np.nan if hidden_o or hidden_s else float(mean_s - mean_o),
                    **test,
                    "p_adj": np.nan,
                    "flagged": False,
                    "suppressed": hidden_o,
                    "suppressed_reason": reason_o if hidden_o else None,
                }
            )
    out = pd.DataFrame(rows)
    for column in ("others_n", "self_n"):
        out[column] = out[column].astype("Int64")
    return out


def _balance(
    survey: Survey, frame: _Frame, actual: Relation, desired: Relation, cells
) -> pd.DataFrame:
    """Actual minus desired influence per target, as the other types' raters see it."""
    import pandas as pd
    from scipy.special import stdtr

    from .stats.intervals import t_interval

    data = survey.data
    rows = []
    for target in actual.targets:
        a_col, d_col = actual.column(target), desired.column(target)
        if a_col not in data.columns or d_col not in data.columns:
            continue
        diff = data[a_col].to_numpy(dtype=float) - data[d_col].to_numpy(dtype=float)
        m = frame.moments(diff)
        j = frame.actors.index(target)
        others = _others(frame, j)
        for by in frame.by_order:
            n, s = m["n"][by, others].sum(), m["s"][by, others].sum()
            if n == 0:
                continue
            with np.errstate(invalid="ignore", divide="ignore"):
                mean = s / n
                type_means = m["s"][by, others] / m["n"][by, others]
                ss = m["ss"][by, others].sum() + np.nansum(
                    m["n"][by, others] * (type_means - mean) ** 2
                )
                sd = np.sqrt(ss / (n - 1)) if n > 1 else np.nan
                stat = mean / (sd / np.sqrt(n)) if sd > 0 else np.nan
            df = n - 1 if stat == stat else np.nan
            p = float(2 * stdtr(df, -abs(stat))) if stat == stat else np.nan
            low, high = t_interval(np.array([mean]), np.array([sd]), np.array([n]))
            # the complete pairs' own means of actual and desired influence
            pair = (frame.by_code == by) & np.isin(frame.rater, others) & ~np.isnan(diff)
            a_mean = float(data[a_col].to_numpy(dtype=float)[pair].mean())
            d_mean = float(data[d_col].to_numpy(dtype=float)[pair].mean())
            hidden_a, reason_a = cells.decide(frame, a_col, by, others)
            hidden_d, reason_d = cells.decide(frame, d_col, by, others)
            hidden = hidden_a or hidden_d or n < cells.pattern.min_n
            reason = (reason_a or reason_d or "min_n") if hidden else None
            rows.append(
                {
                    **_by_columns(frame, by),
                    "target": frame.label(target),
                    "target_id": target,
                    "n_pairs": pd.NA if hidden else int(n),
                    "actual": np.nan if hidden else a_mean,
                    "desired": np.nan if hidden else d_mean,
                    "diff": np.nan if hidden else float(mean),
                    "diff_ci_low": np.nan if hidden else float(low[0]),
                    "diff_ci_high": np.nan if hidden else float(high[0]),
                    "statistic": np.nan if hidden else float(stat),
                    "df": np.nan if hidden else float(df),
                    "p": np.nan if hidden else p,
                    "p_adj": np.nan,
                    "flagged": False,
                    "suppressed": hidden,
                    "suppressed_reason": reason,
                }
            )
    out = pd.DataFrame(rows)
    if len(out):
        out["n_pairs"] = out["n_pairs"].astype("Int64")
        order = {g: i for i, g in enumerate(frame.by_order)}
        names = [k.name for k in frame.keys]
        if names:
            key = (
                out[names]
                .apply(tuple, axis=1)
                .map({frame.by_labels[g]: order[g] for g in range(frame.n_by)})
            )
            out = (
                out.assign(_order=key)
                .sort_values("_order", kind="stable")
                .drop(columns="_order")
                .reset_index(drop=True)
            )
    return out


def _concentration(frame: _Frame, rel: Relation, moments, cells: _Cells) -> pd.DataFrame:
    """Share of the most influential actor and Gini of the actual-influence profile.

    The profile is every target's mean influence as all raters of the group rate it.
    Influence on the scale counts from its lowest point ("none at all" is no
    influence). When the pattern hides any target's mean, the group shows no
    concentration (a share of the visible targets only would mislead).
    """
    import pandas as pd

    names = [k.name for k in frame.keys]
    everyone = list(range(frame.n_actor))
    rows = []
    for by in frame.by_order:
        held, labels, hidden = [], [], False
        for target in rel.targets:
            n, s = moments[target]["n"][by].sum(), moments[target]["s"][by].sum()
            if n == 0:
                continue
            hidden = hidden or cells.decide(frame, rel.column(target), by, everyone)[0]
            held.append(s / n - rel.scale.min)
            labels.append(frame.label(target))
        if not held:
            continue
        x = np.array(held)
        top = int(np.argmax(x))
        show = not hidden and len(x) >= 2 and x.sum() > 0
        rows.append(
            {
                **_by_columns(frame, by),
                "relation": rel.id,
                "targets": len(x),
                "top_target": labels[top] if show else None,
                "top_share": float(x[top] / x.sum()) if show else np.nan,
                "gini": gini(x) if show else np.nan,
            }
        )
    return pd.DataFrame(rows, columns=[*names, *CONCENTRATION_COLUMNS])


def in_centralisation(graph) -> float:
    """Freeman's in-degree centralisation of a directed graph: ``Σ (max_in − in_i)`` over
    its largest possible value ``(n − 1)²`` (a star whose arms all point to the hub).

    >>> import networkx as nx
    >>> in_centralisation(nx.DiGraph([(1, 0), (2, 0), (3, 0)]))
    1.0
    """
    n = graph.number_of_nodes()
    if n < 2:
        return float("nan")
    degrees = [d for _, d in graph.in_degree()]
    return float(sum(max(degrees) - d for d in degrees) / (n - 1) ** 2)


def _network(matrix: pd.DataFrame, keys, rel: Relation, inst) -> pd.DataFrame:
    """Density, reciprocity and in-degree centralisation of the directed network of actor
    types where an edge A → B means A's raters rate B at or above the strength bound
    (``Stor`` / "much" trust on the bundled scale). Only types whose every rating of the
    other such types is shown are nodes, so a hidden cell never counts as a missing edge.
    networkx is imported here only (Hagberg, Schult & Swart 2008).
    """
    import networkx as nx
    import pandas as pd

    names = [k.name for k in keys]
    bound = inst.zones.carried(inst.scale, rel.scale).strength
    rows = []
    groups = matrix.groupby(names, sort=False) if names else [((), matrix)]
    for label, group in groups:
        label = label if isinstance(label, tuple) else (label,)
        shown = group[~group["suppressed"] & ~group["self"]]
        nodes = set(shown["rater_id"])
        while True:  # drop types with a hidden rating of another node
            kept = {
                a
                for a in nodes
                if all(
                    ((shown["rater_id"] == a) & (shown["target_id"] == b)).any()
                    for b in nodes
                    if b != a
                )
            }
            if kept == nodes:
                break
            nodes = kept
        graph = nx.DiGraph()
        graph.add_nodes_from(sorted(nodes))
        strong = shown[
            shown["rater_id"].isin(nodes)
            & shown["target_id"].isin(nodes)
            & (shown["mean"] >= bound - 1e-9)
        ]
        graph.add_edges_from(zip(strong["rater_id"], strong["target_id"], strict=True))
        n, m = graph.number_of_nodes(), graph.number_of_edges()
        rows.append(
            {
                **dict(zip(names, label, strict=True)),
                "relation": rel.id,
                "nodes": n,
                "edges": m,
                "threshold": bound,
                "density": nx.density(graph) if n >= 2 else np.nan,
                "reciprocity": nx.overall_reciprocity(graph) if m else np.nan,
                "in_centralisation": in_centralisation(graph),
            }
        )
    return pd.DataFrame(rows, columns=[*names, *NETWORK_COLUMNS])


def _reciprocity(frame: _Frame, rel: Relation, moments, cells: _Cells) -> pd.DataFrame:
    """A's rating of B against B's rating of A, for every pair of types rating each other."""
    import pandas as pd

    from .stats.compare import welch_from_moments

    rows = []
    targets = [t_ for t_ in rel.targets]
    for by in frame.by_order:
        for x, a in enumerate(targets):
            for b in targets[x + 1 :]:
                i, j = frame.actors.index(a), frame.actors.index(b)
                ab, ba = moments[b], moments[a]  # a's raters rate b; b's raters rate a
                n_a, n_b = ab["n"][by, i], ba["n"][by, j]
                if not n_a or not n_b:
                    continue
                if cells.decide(frame, rel.column(b), by, [i])[0]:
                    continue
                if cells.decide(frame, rel.column(a), by, [j])[0]:
                    continue
                mean_ab, mean_ba = ab["s"][by, i] / n_a, ba["s"][by, j] / n_b
                res = welch_from_moments(
                    mean_ba,
                    ba["ss"][by, j] / (n_b - 1),
                    n_b,
                    mean_ab,
                    ab["ss"][by, i] / (n_a - 1),
                    n_a,
                )
                rows.append(
                    {
                        **_by_columns(frame, by),
                        "relation": rel.id,
                        "a": frame.label(a),
                        "b": frame.label(b),
                        "a_to_b": float(mean_ab),
                        "n_a": int(n_a),
                        "b_to_a": float(mean_ba),
                        "n_b": int(n_b),
                        "asymmetry": float(mean_ab - mean_ba),
                        "statistic": float(res["statistic"]),
                        "df": float(res["df"]),
                        "p": float(res["p"]),
                        "p_adj": np.nan,
                        "flagged": False,
                    }
                )
    return pd.DataFrame(rows, columns=[*(k.name for k in frame.keys), *RECIPROCITY_COLUMNS])


def _findings(self_other, balance, reciprocity, keys, inst, lang) -> list[str]:

    names = [k.name for k in keys]

    def where(row) -> str:
        parts = [str(row[n]) for n in names]
        return f"{', '.join(parts)}: " if parts else ""

    def num(x) -> str:
        return number(x, lang)

    def rel_name(row) -> str:
        return inst.relation(row["relation"]).label(lang).lower()

    out = []
    for row in balance[balance["flagged"]].to_dict("records") if len(balance) else ():
        text = "finding.balance_more" if row["diff"] > 0 else "finding.balance_less"
        values = {"actual": num(row["actual"]), "desired": num(row["desired"])}
        out.append(where(row) + t(text, lang, target=row["target"], **values))
    for row in self_other[self_other["flagged"]].to_dict("records") if len(self_other) else ():
        text = "finding.self_lower" if row["gap"] < 0 else "finding.self_higher"
        values = {
            "gap": num(abs(row["gap"])),
            "own": num(row["self_mean"]),
            "others": num(row["others_mean"]),
        }
        out.append(
            where(row) + t(text, lang, target=row["target"], relation=rel_name(row), **values)
        )
    for row in reciprocity[reciprocity["flagged"]].to_dict("records") if len(reciprocity) else ():
        high, low = (row["a"], row["b"]) if row["asymmetry"] > 0 else (row["b"], row["a"])
        values = {
            "more": num(max(row["a_to_b"], row["b_to_a"])),
            "less": num(min(row["a_to_b"], row["b_to_a"])),
        }
        out.append(
            where(row)
            + t("finding.reciprocity", lang, a=high, b=low, relation=rel_name(row), **values)
        )
    return out
