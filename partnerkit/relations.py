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
from .i18n import Message, number, t
from .result import Finding, Result

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
CHANGE_COLUMNS = (
    "relation", "rater", "rater_id", "target", "target_id", "self", "round_from", "round_to",
    "n_from", "n_to", "mean_from", "mean_to", "diff", "diff_ci_low", "diff_ci_high", "test",
    "statistic", "df", "p", "p_adj", "hedges_g", "g_av", "effect", "pairing", "n_pairs",
    "flagged", "suppressed", "note",
)  # fmt: skip
CONCENTRATION_CHANGE_COLUMNS = (
    "relation", "measure", "round_from", "round_to", "value_from", "value_to", "diff",
    "test", "permutations", "p", "p_adj", "flagged", "suppressed",
)  # fmt: skip
#: Random relabellings of the concentration's permutation test (all of them when fewer).
PERMUTATIONS = 1999
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
    changes: pd.DataFrame  # each matrix cell's change between rounds (``--by round``)
    concentration_change: pd.DataFrame  # top share and Gini compared between rounds
    relations: tuple[str, ...]
    adjust: str
    alpha: float
    gap: float
    changed: tuple[str, ...] = ()  # the findings of changes between rounds (in ``findings``)
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
        reciprocity, the cells' and the concentration's changes), in that order."""
        return np.concatenate([tab["p"].to_numpy(dtype=float) for tab in self._family()])

    def _family(self) -> tuple[pd.DataFrame, ...]:
        return (
            self.self_other,
            self.balance,
            self.reciprocity,
            self.changes,
            self.concentration_change,
        )

    def with_family(self, p_adj: np.ndarray, adjust: str, size: int, scope: str) -> RelationsResult:
        """This result with ``p_adj`` adjusted in a larger family (the report's)."""
        from dataclasses import replace

        tables = tuple(tab.copy() for tab in self._family())
        _flag(tables, p_adj, self.alpha, self.gap)
        inst = self.survey.instrument
        return replace(
            self,
            self_other=tables[0],
            balance=tables[1],
            reciprocity=tables[2],
            changes=tables[3],
            concentration_change=tables[4],
            adjust=adjust,
            family=size,
            family_scope=scope,
            **_found(*tables, list(self.keys), inst, self.lang),
        )

    def with_changes(self, over: RelationsResult, last: str) -> RelationsResult:
        """This result (one round, ``last``) with the changes between rounds of ``over``
        (the same relations ``--by round``), as the report shows them. ``over`` decided
        its cells in a pattern over every round; a change into or out of ``last`` whose
        cell (or concentration) this result hides shows no numbers either, so no table
        of one output reveals what another hides."""
        from dataclasses import replace

        shown = self.records.loc[~self.records["suppressed"], ["relation", "rater_id", "target_id"]]
        shown = set(shown.itertuples(index=False, name=None))
        changes = over.changes.copy()
        touches = (changes["round_from"] == last) | (changes["round_to"] == last)
        cells = changes[["relation", "rater_id", "target_id"]].itertuples(index=False, name=None)
        hide = touches.to_numpy() & ~np.array([c in shown for c in cells], dtype=bool)
        texts = ("test", "pairing", "effect", "flagged", "suppressed", "note")
        blank = [c for c in CHANGE_COLUMNS[8:] if c not in texts]
        changes.loc[hide, blank] = np.nan
        changes.loc[hide, ["test", "pairing", "effect"]] = None
        changes.loc[hide, "suppressed"] = True
        changes.loc[hide, "note"] = "suppressed"
        changes.loc[hide, "flagged"] = False
        conc = over.concentration_change.copy()
        visible = self.concentration.loc[self.concentration["top_target"].notna(), "relation"]
        touches = (conc["round_from"] == last) | (conc["round_to"] == last)
        hide = touches & ~conc["relation"].isin(set(visible))
        columns = ["value_from", "value_to", "diff", "p", "p_adj"]
        conc.loc[hide, columns] = np.nan
        conc.loc[hide, "suppressed"] = True
        conc.loc[hide, "flagged"] = False
        return replace(self, changes=changes, concentration_change=conc)

    def tables(self) -> dict[str, pd.DataFrame]:
        return {
            "self_other": self.self_other,
            "balance": self.balance,
            "concentration": self.concentration,
            "reciprocity": self.reciprocity,
            "network": self.network,
            "changes": self.changes,
            "concentration_change": self.concentration_change,
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
    network: bool = True,
    jobs: int = 1,
    changes_only: bool = False,
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
    network
        ``False``: no trust networks (an empty ``network`` table). The report's page and
        workbook show none, and so leave networkx unimported (0.12 s of the report).
    jobs
        Threads deciding the anonymity pattern's measures (one per relation and target;
        the same pattern on any number).
    changes_only
        ``True``: of the tests, only the changes between rounds (``by`` with
        ``round``); the ``self_other``, ``balance`` and ``reciprocity`` tables are empty,
        and the p-values are adjusted over the changes alone. The report takes only the
        changes from its run over the rounds, then adjusts them in its own family (0.2 s
        of the report on the example's 0.8 s spent on that run, issue 23).

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
    from .stats.compare import adjust_p

    inst = survey.instrument
    lang = lang or inst.language  # findings and labels in one language, also in JSON
    min_n, chosen, keys, pattern = _decided(survey, by, relation, min_n, jobs)
    scale = chosen[0].scale
    gap = GAP_1_5 * (scale.max - scale.min) / 4 if gap is None else gap
    frame = _Frame(survey, keys, lang)
    cells = _Cells(survey, keys, lang, pattern)
    by_org = [r for r in chosen if r.organisations]
    if by_org and not _has_organisations(survey):
        raise MappingError(Message("error.relations_no_organisation", relation=by_org[0].id))
    org_frame = _Frame(survey, keys, lang, _OrgUnits(survey, min_n, lang)) if by_org else None

    matrix, self_other, balance, reciprocity, concentration, networks = [], [], [], [], [], []
    changes, concentration_change = [], []
    over_rounds = any(k.column == "round" for k in keys)
    links: dict = {}  # _changes' linked respondents, per frame, pair of rounds and rater
    for rel in chosen:
        if rel.organisations:  # the matrix, its changes and the network of organisations
            moments = {t_: org_frame.moments(survey.data[rel.column(t_)]) for t_ in rel.targets}
            matrix.append(_matrix(org_frame, rel, moments, cells))
            if over_rounds:
                changes.append(_changes(survey, org_frame, rel, matrix[-1], links))
            if rel.kind == "trust" and network:
                networks.append(_network(matrix[-1], keys, rel, inst))
            continue
        moments = {target: frame.moments(survey.data[rel.column(target)]) for target in rel.targets}
        matrix.append(_matrix(frame, rel, moments, cells))
        if not changes_only:
            self_other.append(_self_other(frame, rel, moments, cells))
        if over_rounds:
            changes.append(_changes(survey, frame, rel, matrix[-1], links))
        if rel.kind == "trust":
            if not changes_only:
                reciprocity.append(_reciprocity(frame, rel, moments, cells))
            if network:
                networks.append(_network(matrix[-1], keys, rel, inst))
        if rel.kind == "influence":
            concentration.append(_concentration(frame, rel, moments, cells))
            if over_rounds:
                concentration_change.append(
                    _concentration_changes(survey, frame, rel, concentration[-1])
                )
        if rel.kind == "desired" and rel.compares in {r.id for r in chosen} and not changes_only:
            balance.append(_balance(survey, frame, inst.relation(rel.compares), rel, cells))
    import pandas as pd

    def joined(parts, columns, names=None):
        names = [k.name for k in keys] if names is None else names
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
    network_t = joined(networks, NETWORK_COLUMNS)
    others = [k.name for k in keys if k.column != "round"]
    changes_t = joined(changes, CHANGE_COLUMNS, others)
    concentration_change_t = joined(concentration_change, CONCENTRATION_CHANGE_COLUMNS, others)

    # one family: every test of this output
    tables = (self_other_t, balance_t, reciprocity_t, changes_t, concentration_change_t)
    p_all = np.concatenate([tab["p"].to_numpy(dtype=float) for tab in tables])
    p_adj = adjust_p(p_all, adjust) if p_all.size else p_all
    _flag(tables, p_adj, alpha, gap)
    found = _found(*tables, keys, inst, lang)
    return RelationsResult(
        records=records,
        self_other=self_other_t,
        balance=balance_t,
        concentration=concentration_t,
        reciprocity=reciprocity_t,
        network=network_t,
        changes=changes_t,
        concentration_change=concentration_change_t,
        survey=survey,
        min_n=min_n,
        lang=lang,
        ledger=survey.ledger,
        keys=tuple(keys),
        **found,
        relations=tuple(r.id for r in chosen),
        adjust=adjust,
        alpha=alpha,
        gap=gap,
        family=int(np.count_nonzero(~np.isnan(p_all))),
    )


def _flag(tables, p_adj: np.ndarray, alpha: float, gap: float) -> None:
    """Set ``p_adj`` and ``flagged`` of the self-other, balance, reciprocity, change and
    concentration-change tables. A difference in scale points must also be at least
    ``gap``; a change of concentration (a share, a Gini) only needs ``p_adj < alpha``."""
    start = 0
    diffs = ("gap", "diff", "asymmetry", "diff", None)
    for tab, diff in zip(tables, diffs, strict=True):
        tab["p_adj"] = p_adj[start : start + len(tab)]
        start += len(tab)
        size = np.inf if diff is None else tab[diff].abs().to_numpy(dtype=float)
        with np.errstate(invalid="ignore"):
            tab["flagged"] = (tab["p_adj"].to_numpy(dtype=float) < alpha) & (size >= gap - 1e-9)


def _chosen_relations(survey: Survey, wanted: Sequence[str] | None) -> list[Relation]:
    inst = survey.instrument
    present = [r for r in inst.relations if any(c in survey.data.columns for c in r.columns)]
    if not inst.relations:
        raise MappingError(Message("error.relations_none", instrument=inst.id))
    if not present:
        where = ", ".join(s.path for s in survey.sources[:3])
        stem = inst.relations[0].stem_text(inst.language)
        raise MappingError(
            Message("error.relations_columns", where=where, instrument=inst.id, stem=stem)
        )
    if not wanted:
        return present
    ids = [r.id for r in present]
    unknown = [w for w in wanted if w not in ids]
    if unknown:
        raise OptionError(
            Message("error.relation_unknown", relation=unknown[0], choices=", ".join(ids))
        )
    # the balance of a desired relation needs its actual one
    needed = set(wanted) | {r.compares for r in present if r.id in wanted and r.compares}
    return [r for r in present if r.id in needed]


class _Frame:
    """Group codes of every respondent: the by-group and the rater's unit (its actor type,
    or with ``units`` a named organisation or its actor type's other organisations)."""

    def __init__(
        self, survey: Survey, keys: Sequence[GroupKey], lang: str, units: _OrgUnits | None = None
    ):
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
        inst = survey.instrument
        self.labels = {a.id: a.label(lang) for a in inst.actors}
        self.labels |= {o.id: o.label(lang) for o in inst.organisations}
        if units is None:
            self.actors = [a.id for a in inst.actors]
            index = {a: i for i, a in enumerate(self.actors)}
            rater = data["actor"].astype(object).map(index)
            self.rater = rater.fillna(-1).to_numpy(dtype=np.intp)  # -1: no actor type
        else:
            self.actors, self.rater = units.ids, units.rater
            self.labels |= units.labels
        self.units = units
        self.n_by = len(self.by_labels)
        self.n_actor = len(self.actors)
        self.code = np.where(self.rater >= 0, self.by_code * self.n_actor + self.rater, -1)
        self.lang = lang
        self.inst = inst

    def label(self, unit: str) -> str:
        return self.labels[unit]

    def is_self(self, rater: str, target: str) -> bool:
        """Whether the cell holds self-ratings: the rater is the target, or (a merged row of
        organisations) the target is one of the merged organisations."""
        if rater == target:
            return True
        return self.units is not None and target in self.units.merged.get(rater, ())

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


class _OrgUnits:
    """The rater rows of a matrix of named organisations: each organisation with at least
    ``min_n`` respondents in the survey as read, then per actor type its other
    organisations (and its respondents without one) merged, ``other:<actor id>``."""

    def __init__(self, survey: Survey, min_n: int, lang: str):
        inst = survey.instrument
        whole = survey.as_read["organisation"].astype(object)
        counts = whole.value_counts()
        known = {o.id for o in inst.organisations}
        large = [o for o in inst.organisations if counts.get(o.id, 0) >= min_n]
        self.large = {o.id for o in large}
        types = list(inst.actors)
        self.ids = [o.id for o in large] + [f"other:{a.id}" for a in types]
        self.labels = {o.id: o.label(lang) for o in large}
        self.labels |= {
            f"other:{a.id}": t("relations.other_organisations", lang, actor=a.label(lang))
            for a in types
        }
        #: merged row -> the named organisations in it (their ratings of themselves are there)
        self.merged = {
            f"other:{a.id}": {o.id for o in inst.organisations if o.actor == a.id} - self.large
            for a in types
        }
        data = survey.data
        org = data["organisation"].astype(object)
        actor = data["actor"].astype(object)  # relations() needs an actor column
        # vectorised: each row's organisation (if large) or its actor type's merged row
        own = org.map({o: i for i, o in enumerate(self.ids) if o in self.large})
        rest = actor.map({a.id: len(large) + i for i, a in enumerate(types)})
        self.rater = own.fillna(rest).fillna(-1).to_numpy(dtype=np.intp)
        self.unknown = sorted(str(o) for o in org.dropna().unique() if o not in known)


def relation_pattern(
    survey: Survey,
    by: Sequence[str] = (),
    *,
    relation: Sequence[str] | None = None,
    min_n: int | None = None,
    jobs: int = 1,
):
    """The anonymity pattern :func:`relations` decides with these arguments, decided
    now: it is kept (``protect.survey_pattern``'s cache), so the report decides it on
    threads of its own while its other views run (issue 23: 1.2 s of the example's
    report's 3.2 s, most of it HiGHS, which lets go of the GIL)."""
    return _decided(survey, by, relation, min_n, jobs)[3]


def _decided(survey: Survey, by, relation, min_n, jobs):
    """(min_n, the relations chosen, the by-keys, the pattern) of a relations run."""
    from .privacy.threshold import DEFAULT_MIN_N

    min_n = min_n or survey.instrument.min_n or DEFAULT_MIN_N
    chosen = _chosen_relations(survey, relation)
    if "actor" not in survey.data.columns:
        raise MappingError(Message("error.relations_no_actor"))
    keys = resolve_keys(survey, list(by))
    if any(k.column in ("actor", "sector") for k in keys):
        raise OptionError(Message("error.relations_by_actor"))
    return min_n, chosen, keys, _pattern(survey, keys, min_n, chosen, jobs)


def _pattern(survey: Survey, keys, min_n: int, chosen: Sequence[Relation], jobs: int = 1):
    """The pattern of the chosen relations' cells: one per scale (a relation may have
    its own: its bounds and the protection in its points), merged into one lookup."""
    from .protect import merge_patterns, survey_pattern

    by_scale: dict[tuple[int, int], list[str]] = {}
    for rel in chosen:
        columns = [c for c in rel.columns if c in survey.data.columns]
        by_scale.setdefault((rel.scale.min, rel.scale.max), []).extend(columns)
    # with named organisations every relation output shares one pattern over them too
    orgs = [GroupKey("organisation", "organisation")] if _has_organisations(survey) else []
    patterns = []
    for scale, columns in by_scale.items():

        def measures(source: Survey, columns=columns) -> dict[str, np.ndarray]:
            data = source.data
            return {c: data[c].to_numpy(dtype=float, na_value=np.nan) for c in columns}

        kind = "relations:" + ",".join(columns)
        pattern = survey_pattern(
            survey, [*keys, GroupKey("actor", "actor"), *orgs], min_n, measures, kind,
            scale=scale, jobs=jobs, threads=True,
        )  # fmt: skip
        patterns.append(pattern)
    return merge_patterns(patterns)


def _has_organisations(survey: Survey) -> bool:
    return bool(survey.instrument.organisations) and "organisation" in survey.data.columns


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
            # a rater row with cells hidden to protect another group is hidden whole when
            # fewer than half its cells would show: the pattern is decided per target, and
            # a row with one cell left (the 2024 school raters' value of the business,
            # 2.55, n=11) reads as an error to a board. A row with most cells left keeps
            # them (one self-rating of 4.7 by 10 raters hidden by the subgroup rule hid
            # three whole rows of the netvaerk example). The rule reads only what the
            # output shows (which cells are hidden, and as "secondary"), so it tells a
            # reader nothing the cells do not.
            shown = sum(not hidden for hidden, _ in decided.values())
            secondary = any(reason == "secondary" for _, reason in decided.values())
            whole = secondary and 2 * shown < len(rel.targets)
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
                        "self": frame.is_self(rater, target),
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


def _round_groups(frame: _Frame) -> list[tuple[tuple, list[tuple[str, int]]]]:
    """The by-groups in rounds: (labels of the other keys, [(round, by-group) in order])."""
    at = next(i for i, k in enumerate(frame.keys) if k.column == "round")
    out: dict[tuple, list[tuple[str, int]]] = {}
    for by in frame.by_order:
        labels = frame.by_labels[by]
        out.setdefault(labels[:at] + labels[at + 1 :], []).append((labels[at], by))
    return list(out.items())


def _round_pairs(rounds: list) -> list[tuple]:
    """Consecutive rounds, and the first against the last when they are not consecutive."""
    from itertools import pairwise

    pairs = list(pairwise(rounds))
    return [*pairs, (rounds[0], rounds[-1])] if len(rounds) > 2 else pairs


def _changes(
    survey: Survey, frame: _Frame, rel: Relation, matrix: pd.DataFrame, links: dict
) -> pd.DataFrame:
    """Each matrix cell's change between rounds, tested as ``trend`` tests a dimension.

    The cell's respondents of two rounds go through :func:`partnerkit.trend.compare_rounds`
    (Welch's t-test, the paired or partially overlapping t-test for respondents an id
    links); a cell the pattern hides in either round shows no change (``note``
    "suppressed"). ``links``: the respondents linked between two rounds of a rater
    type, kept for the next relation over the same ``frame`` (the same rows: 0.1 s of
    the report on the example found them four times).
    """
    import pandas as pd

    from .trend import compare_rounds, link_rounds

    at = next(i for i, k in enumerate(frame.keys) if k.column == "round")
    others = [k.name for i, k in enumerate(frame.keys) if i != at]
    data = survey.data
    respondent = data["respondent"].to_numpy(dtype=object) if "respondent" in data.columns else None
    cell = {
        (frame.by_labels.index(labels), rater, target): rec
        for labels, rater, target, rec in zip(
            matrix[[k.name for k in frame.keys]].itertuples(index=False, name=None),
            matrix["rater_id"],
            matrix["target_id"],
            matrix.to_dict("records"),
            strict=True,
        )
    }
    columns = {t_: data[rel.column(t_)].to_numpy(dtype=float) for t_ in rel.targets}
    rows = []
    for labels, rounds in _round_groups(frame):
        by_of = dict(rounds)
        for r_from, r_to in _round_pairs([r for r, _ in rounds]):
            g_from, g_to = by_of[r_from], by_of[r_to]
            for r, rater in enumerate(frame.actors):
                rows_from = (frame.by_code == g_from) & (frame.rater == r)
                rows_to = (frame.by_code == g_to) & (frame.rater == r)
                link = None
                for target in rel.targets:
                    rec_from = cell.get((g_from, rater, target))
                    rec_to = cell.get((g_to, rater, target))
                    if rec_from is None or rec_to is None:
                        continue
                    if link is None:  # once per rater type and pair of rounds
                        key = (id(frame), g_from, g_to, r)
                        if key not in links:
                            links[key] = link_rounds(
                                respondent, rows_from, rows_to, "auto", "welch"
                            )
                        link = links[key]
                    res = compare_rounds(
                        columns[target], rows_from, rows_to, rec_from, rec_to, link, "welch"
                    )
                    rows.append(
                        {
                            **dict(zip(others, labels, strict=True)),
                            "relation": rel.id,
                            "rater": rec_from["rater"],
                            "rater_id": rater,
                            "target": rec_from["target"],
                            "target_id": target,
                            "self": frame.is_self(rater, target),
                            "round_from": r_from,
                            "round_to": r_to,
                            **{c: res.get(c) for c in CHANGE_COLUMNS[8:]},
                            "p_adj": np.nan,
                            "flagged": False,
                        }
                    )
    out = pd.DataFrame(rows, columns=[*others, *CHANGE_COLUMNS])
    for column in ("n_from", "n_to", "n_pairs"):
        out[column] = pd.array(out[column], dtype="Int64")
    for column in CHANGE_COLUMNS[10:19]:
        if column not in ("test",):
            out[column] = pd.to_numeric(out[column]).astype(float)
    return out


def concentration_change(
    x_from: np.ndarray,
    x_to: np.ndarray,
    floor: float,
    *,
    permutations: int = PERMUTATIONS,
    seed: int = 20261207,
) -> dict[str, dict[str, float]]:
    """Permutation test of the change in the concentration of a profile between rounds.

    ``x_from`` and ``x_to`` hold one row per respondent and one column per target
    (NaN where not answered). A round's profile is every target's mean less ``floor``;
    the statistics are the top share and the Gini coefficient of that profile. Under
    the null hypothesis the round labels are exchangeable, so the respondents of both
    rounds are split again into groups of the same sizes: every split when there are
    at most ``permutations`` of them (an exact test), otherwise ``permutations``
    random splits with a fixed seed, and p = (1 + #{|d*| ≥ |d|}) / (permutations + 1).

    Returns
    -------
    dict
        ``{"top_share": {...}, "gini": {...}}``, each with ``value_from``,
        ``value_to``, ``diff`` (to minus from), ``p`` and ``permutations`` (the
        splits counted; ``exact`` 1 when they were all of them).

    >>> a = np.array([[5.0, 1.0], [5.0, 1.0]]); b = np.array([[3.0, 3.0], [3.0, 3.0]])
    >>> res = concentration_change(a, b, 1.0)
    >>> res["gini"]["diff"], round(res["gini"]["p"], 4)
    (-0.5, 0.3333)

    Notes
    -----
    A two-sided permutation test of a difference (Good 2005, *Permutation,
    Parametric, and Bootstrap Tests of Hypotheses*, ch. 3); respondents, not single
    answers, are exchanged, so each keeps its whole row of ratings.
    """
    from itertools import combinations
    from math import comb

    x = np.vstack([x_from, x_to])
    answered = ~np.isnan(x)
    values = np.where(answered, x, 0.0)
    counts = answered.astype(float)
    n, n_a = len(x), len(x_from)
    total_s, total_n = values.sum(axis=0), counts.sum(axis=0)

    def measures(split: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(top share, Gini) of both sides of each split (rows of a 0/1 matrix)."""
        s_a, n_a_ = split @ values, split @ counts
        with np.errstate(invalid="ignore", divide="ignore"):
            prof_a = s_a / n_a_ - floor
            prof_b = (total_s - s_a) / (total_n - n_a_) - floor
        out = []
        for prof in (prof_a, prof_b):
            k = prof.shape[1]
            total = prof.sum(axis=1)
            with np.errstate(invalid="ignore", divide="ignore"):
                share = prof.max(axis=1) / total
                g = np.abs(prof[:, :, None] - prof[:, None, :]).sum(axis=(1, 2)) / (2 * k * total)
            out.append((share, g))
        return out[1][0] - out[0][0], out[1][1] - out[0][1]

    observed = np.zeros((1, n))
    observed[0, :n_a] = 1
    d_share, d_gini = (float(v[0]) for v in measures(observed))
    exact = comb(n, n_a) <= permutations
    if exact:
        splits = np.zeros((comb(n, n_a), n))
        for i, chosen in enumerate(combinations(range(n), n_a)):
            splits[i, list(chosen)] = 1
    else:
        rng = np.random.default_rng(seed)
        order = rng.random((permutations, n)).argsort(axis=1)
        splits = (order < n_a).astype(float)
    share, g = [], []
    block = max(1, 20_000_000 // max(n, 1))  # at most ~160 MB of splits at a time
    for start in range(0, len(splits), block):
        s_, g_ = measures(splits[start : start + block])
        share.append(s_)
        g.append(g_)
    share, g = np.concatenate(share), np.concatenate(g)
    out = {}
    for name, d, null in (("top_share", d_share, share), ("gini", d_gini, g)):
        hits = int(np.count_nonzero(np.abs(null) >= abs(d) - 1e-12))
        p = hits / len(null) if exact else (1 + hits) / (permutations + 1)
        out[name] = {"diff": d, "p": float(p) if d == d else np.nan, "permutations": len(null)}
        out[name]["exact"] = int(exact)
    return out


def _concentration_changes(
    survey: Survey, frame: _Frame, rel: Relation, concentration: pd.DataFrame
) -> pd.DataFrame:
    """Top share and Gini of one influence relation compared between rounds
    (:func:`concentration_change`); a round whose concentration is hidden is not tested."""
    import pandas as pd

    at = next(i for i, k in enumerate(frame.keys) if k.column == "round")
    others = [k.name for i, k in enumerate(frame.keys) if i != at]
    names = [k.name for k in frame.keys]
    shown = {
        tuple(labels): rec
        for labels, rec in zip(
            concentration[names].itertuples(index=False, name=None),
            concentration.to_dict("records"),
            strict=True,
        )
    }
    x = np.column_stack([survey.data[rel.column(t_)].to_numpy(dtype=float) for t_ in rel.targets])
    rows = []
    for labels, rounds in _round_groups(frame):
        by_of = dict(rounds)
        for r_from, r_to in _round_pairs([r for r, _ in rounds]):
            g_from, g_to = by_of[r_from], by_of[r_to]
            rec_from = shown.get(frame.by_labels[g_from])
            rec_to = shown.get(frame.by_labels[g_to])
            if rec_from is None or rec_to is None:
                continue
            hidden = rec_from["top_target"] is None or rec_to["top_target"] is None
            test = {}
            if not hidden:
                sides = [(frame.by_code == g) & (frame.rater >= 0) for g in (g_from, g_to)]
                test = concentration_change(x[sides[0]], x[sides[1]], rel.scale.min)
            for measure in ("top_share", "gini"):
                res = test.get(measure, {})
                rows.append(
                    {
                        **dict(zip(others, labels, strict=True)),
                        "relation": rel.id,
                        "measure": measure,
                        "round_from": r_from,
                        "round_to": r_to,
                        "value_from": np.nan if hidden else float(rec_from[measure]),
                        "value_to": np.nan if hidden else float(rec_to[measure]),
                        "diff": res.get("diff", np.nan),
                        "test": None if hidden else "permutation",
                        "permutations": pd.NA if hidden else res["permutations"],
                        "p": res.get("p", np.nan),
                        "p_adj": np.nan,
                        "flagged": False,
                        "suppressed": hidden,
                    }
                )
    out = pd.DataFrame(rows, columns=[*others, *CONCENTRATION_CHANGE_COLUMNS])
    out["permutations"] = pd.array(out["permutations"], dtype="Int64")
    return out


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
        nodes = set(shown["rater_id"]) & set(shown["target_id"])  # named orgs, not merged rows
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


def _findings(
    self_other, balance, reciprocity, changes, concentration_change, keys, inst, lang
) -> list[Finding]:
    num, rel_name, finding = _words(keys, inst, lang)
    influence = next((r for r in inst.relations if r.kind == "influence"), None)
    out = []
    for row in balance[balance["flagged"]].to_dict("records") if len(balance) else ():
        text = "finding.balance_more" if row["diff"] > 0 else "finding.balance_less"
        values = {"actual": num(row["actual"]), "desired": num(row["desired"])}
        out.append(finding(row, t(text, lang, target=row["target"], **values), influence,
                           row["diff"]))  # fmt: skip
    for row in self_other[self_other["flagged"]].to_dict("records") if len(self_other) else ():
        text = "finding.self_lower" if row["gap"] < 0 else "finding.self_higher"
        values = {
            "gap": num(abs(row["gap"])),
            "own": num(row["self_mean"]),
            "others": num(row["others_mean"]),
        }
        text = t(text, lang, target=row["target"], relation=rel_name(row), **values)
        out.append(finding(row, text, inst.relation(row["relation"]), row["gap"]))
    for row in reciprocity[reciprocity["flagged"]].to_dict("records") if len(reciprocity) else ():
        high, low = (row["a"], row["b"]) if row["asymmetry"] > 0 else (row["b"], row["a"])
        values = {
            "more": num(max(row["a_to_b"], row["b_to_a"])),
            "less": num(min(row["a_to_b"], row["b_to_a"])),
        }
        text = t("finding.reciprocity", lang, a=high, b=low, relation=rel_name(row), **values)
        out.append(finding(row, text, inst.relation(row["relation"]), row["asymmetry"]))
    return out


def _words(keys, inst, lang):
    """A finding's words: ``num`` (a number), ``rel_name`` (a relation's name) and
    ``finding`` (a text after its by-group, as a :class:`Finding` sized for the report's
    order)."""
    names = [k.name for k in keys]

    def where(row) -> str:
        parts = [str(row[n]) for n in names if n in row and row[n] is not None]
        return f"{', '.join(parts)}: " if parts else ""

    def num(x) -> str:
        return number(x, lang)

    def rel_name(row) -> str:
        return inst.relation(row["relation"]).label(lang).lower()

    def finding(row, text: str, relation, points: float) -> Finding:
        """In points of the instrument's scale, so relation findings order among the rest."""
        span = relation.scale.max - relation.scale.min if relation is not None else 1
        size = abs(points) * (inst.scale.max - inst.scale.min) / span
        area = row["area"] if "area" in names else None
        return Finding(where(row) + text, section="relations", area=area, size=size,
                       dimension=relation.id if relation is not None else None)  # fmt: skip

    return num, rel_name, finding


def _found(*tables_keys_inst_lang) -> dict[str, tuple[str, ...]]:
    """``findings`` (every finding) and ``changed`` (those of changes between rounds)."""
    snapshot = _findings(*tables_keys_inst_lang)
    changed = _change_findings(*tables_keys_inst_lang)
    return {"findings": (*snapshot, *changed), "changed": tuple(changed)}


def _change_findings(
    self_other, balance, reciprocity, changes, concentration_change, keys, inst, lang
) -> list[Finding]:
    num, rel_name, finding = _words(keys, inst, lang)

    out = []
    for row in changes[changes["flagged"]].to_dict("records") if len(changes) else ():
        values = {
            "rater": row["rater"],
            "target": row["target"],
            "old": num(row["mean_from"]),
            "new": num(row["mean_to"]),
            "r_from": row["round_from"],
            "r_to": row["round_to"],
        }
        text = "finding.cell_rose" if row["diff"] > 0 else "finding.cell_fell"
        text += "_self" if row["self"] else ""
        relation = inst.relation(row["relation"])
        out.append(finding(row, _capital(t(text, lang, relation=rel_name(row), **values)),
                           relation, row["diff"]))  # fmt: skip
    flagged = concentration_change[concentration_change["flagged"]]
    for row in flagged.to_dict("records") if len(flagged) else ():
        share = row["measure"] == "top_share"
        values = {
            "old": f"{number(100 * row['value_from'], lang, 0)} %"
            if share
            else num(row["value_from"]),
            "new": f"{number(100 * row['value_to'], lang, 0)} %" if share else num(row["value_to"]),
            "r_from": row["round_from"],
            "r_to": row["round_to"],
        }
        text = f"finding.{row['measure']}_{'rose' if row['diff'] > 0 else 'fell'}"
        # a share or a Gini coefficient (no relation scale): sized as that fraction of
        # the instrument's scale
        out.append(finding(row, _capital(t(text, lang, relation=rel_name(row), **values)),
                           None, row["diff"]))  # fmt: skip
    return out


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]
