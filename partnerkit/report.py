"""Reports a partnership board can read: the results of every view, gathered once.

A :class:`Report` holds the result objects of ``score``, ``trend``, ``gaps``,
``reliability`` and ``areas`` on the same survey, computed by the same library
functions; the workbook and HTML renderers only lay them out
(:func:`partnerkit.render.write_report` writes the files). Nothing is
computed here that those functions do not compute.
"""

from __future__ import annotations

import hashlib
from contextlib import suppress
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .errors import PartnerkitError
from .grouping import round_order
from .result import Finding
from .survey import Survey

if TYPE_CHECKING:
    from .areas import AreasResult
    from .gaps import GapsResult
    from .relations import RelationsResult
    from .reliability import ReliabilityResult
    from .scoring import ScoreResult
    from .trajectory import TrajectoryResult
    from .trend import TrendResult


#: Findings on the report's first page, at most; then "and N more", saying where.
FINDINGS_SHOWN = 12
#: At most this many findings of one area, or of one analysis of the whole partnership
#: (gaps, trend, relations): with 12 areas one area's six findings filled half the page.
FINDINGS_PER_GROUP = 3
#: The analyses findings come from, in the order the report shows them.
FINDING_SECTIONS = ("gaps", "trend", "relations", "areas")


@dataclass(frozen=True)
class Report:
    """Everything a report shows."""

    title: str
    lang: str
    survey: Survey
    round: str | None  # the round the snapshot views show (the latest), None without rounds
    scores: ScoreResult  # by actor type, in ``round``
    gaps: GapsResult  # between actor types, in ``round``
    reliability: ReliabilityResult  # all respondents of ``round``
    trend: TrendResult | None  # all rounds, every dimension (None with one round)
    trend_by_actor: TrendResult | None
    areas: AreasResult | None  # None with one area
    checksums: tuple[tuple[str, str], ...] = ()  # (file, sha256)
    # issue 22, each adjusted in its own family (their flags are not among the findings):
    area_model: AreasResult | None = None  # areas --method model, with several areas
    trajectory: TrajectoryResult | None = None  # trend --over-time, with three rounds or more
    relations: RelationsResult | None = None  # the relation grids in ``round`` (issue 21)

    @property
    def min_n(self) -> int:
        return self.scores.min_n

    @property
    def all_findings(self) -> list[Finding]:
        """Every flagged gap and significant change, each naming its round(s).

        The snapshot's gaps and relations are prefixed with the round they come from;
        each analysis lists its findings grouped and largest effect first.
        """
        found: list[Finding] = []
        prefix = f"{self.round}: " if self.round is not None else ""
        if self.gaps is not None:
            found += [_finding(f, "gaps", prefix) for f in self.gaps.findings]
        for result in (self.trend, self.trend_by_actor):
            if result is not None:
                found += [_finding(f, "trend") for f in result.findings if f not in found]
        if self.areas is not None:
            found += [_finding(f, "areas") for f in self.areas.findings]
        if self.relations is not None:
            changed = self.relations.changed  # these name their rounds
            found += [
                _finding(f, "relations", "" if f in changed else prefix)
                for f in self.relations.findings
            ]
        return found

    @property
    def finding_groups(self) -> tuple[list[tuple[str, list[Finding]]], dict[str, int]]:
        """The findings a board reads first, and how many more each analysis holds.

        At most :data:`FINDINGS_PER_GROUP` of each area (or of each analysis of the whole
        partnership), then the :data:`FINDINGS_SHOWN` largest of those. They come back
        per analysis (``(section, findings)`` in :data:`FINDING_SECTIONS` order); an
        analysis's findings are grouped by area (the area with the largest first) and,
        within an area, by dimension, the largest difference first. The second value
        counts the findings left out, per section.
        """
        found = self.all_findings
        groups: dict[tuple, list[int]] = {}
        for i, f in enumerate(found):
            groups.setdefault((f.section, f.area), []).append(i)
        candidates = []
        for members in groups.values():
            members = sorted(members, key=lambda i: -found[i].size)  # stable: ties keep order
            candidates += members[:FINDINGS_PER_GROUP]
        chosen = set(sorted(candidates, key=lambda i: (-found[i].size, i))[:FINDINGS_SHOWN])
        rest: dict[str, int] = {}
        for i, f in enumerate(found):
            if i not in chosen:
                rest[f.section] = rest.get(f.section, 0) + 1
        out = []
        for section in FINDING_SECTIONS:
            mine = [i for i in sorted(chosen) if found[i].section == section]
            if not mine:
                continue
            top_area: dict = {}
            top_dim: dict = {}
            for i in mine:
                f = found[i]
                top_area[f.area] = max(top_area.get(f.area, 0.0), f.size)
                key = (f.area, f.dimension)
                top_dim[key] = max(top_dim.get(key, 0.0), f.size)
            mine.sort(
                key=lambda i: (
                    found[i].area is not None,  # the whole partnership before its areas
                    -top_area[found[i].area],
                    -top_dim[(found[i].area, found[i].dimension)],
                    -found[i].size,
                    i,
                )
            )
            out.append((section, [found[i] for i in mine]))
        return out, rest

    def more_findings(self, where: dict[str, str]) -> str | None:
        """ "… and 9 more: 5 under «Trend» and 4 under «Areas»." (None when none are left
        out); ``where`` names each section as the output shows it (heading, sheet)."""
        from .i18n import join_words, t

        _groups, rest = self.finding_groups
        if not rest:
            return None
        places = [
            t("findings.more_in", self.lang, n=rest[s], where=where[s])
            for s in FINDING_SECTIONS
            if s in rest
        ]
        n = sum(rest.values())
        return t("findings.more", self.lang, n=n, where=join_words(places, self.lang))

    @property
    def findings(self) -> list[str]:
        """The findings a board reads first (:attr:`finding_groups`) in one list, then how
        many more and in which sections of the workbook."""
        from .i18n import t

        groups, _rest = self.finding_groups
        found: list[str] = [f for _section, members in groups for f in members]
        sheets = {s: t(f"xlsx.{s}", self.lang) for s in FINDING_SECTIONS if s != "relations"}
        more = self.more_findings(sheets | {"relations": t("html.relations", self.lang)})
        return [*found, more] if more else found

    @property
    def family(self) -> str:
        """The footnote: which adjustment, across how many tests."""
        from .i18n import t

        first = next(r for r in (self.gaps, self.trend, self.trend_by_actor, self.areas) if r)
        return t(f"family.{first.adjust}", self.lang, m=first.family)

    @property
    def warnings(self) -> tuple[str, ...]:
        return self.scores.warnings


def build_report(
    survey: Survey,
    *,
    title: str | None = None,
    lang: str | None = None,
    min_n: int | None = None,
    adjust: str = "bh",
    jobs: int = 1,
) -> Report:
    """Run every view on ``survey`` for a report.

    The snapshot views (scores, gaps, reliability) use the latest round when the
    survey has rounds; the trend uses all of them; the areas view appears when
    there are several areas. ``jobs`` threads decide the relation grids' anonymity
    pattern (the same pattern on any number), with more than one while the other views
    run.
    """
    from .areas import areas
    from .gaps import gaps
    from .grouping import select_rounds
    from .reliability import reliability
    from .scoring import score_survey
    from .trend import trend

    inst = survey.instrument
    lang = lang or inst.language
    rounds = round_order(survey)
    latest = survey
    if len(rounds) > 1:
        latest = select_rounds(survey, [rounds[-1]])
    by = ["actor"] if "actor" in survey.data.columns else []
    grids = bool(by) and any(c in survey.data.columns for c in inst.relation_columns)
    early = None
    if grids and jobs > 1:  # the relation grids' pattern, on other threads meanwhile
        from functools import partial

        from .parallel import in_background
        from .relations import relation_pattern

        early = in_background(
            partial(relation_pattern, latest, min_n=min_n, jobs=jobs), yielding=True
        )
    scores = score_survey(latest, by, min_n=min_n, lang=lang)
    gap_result = gaps(latest, "actor", min_n=min_n, lang=lang) if by else None
    trend_all = trend_actor = None
    if len(rounds) > 1:
        trend_all = trend(survey, [], min_n=min_n, lang=lang)
        if by:
            trend_actor = trend(survey, by, min_n=min_n, lang=lang)
    area_result = area_model = None
    if "area" in survey.data.columns and survey.data["area"].nunique() > 1:
        area_result = areas(survey, min_n=min_n, lang=lang, method="welch")
        area_model = areas(survey, min_n=min_n, lang=lang, method="model", adjust=adjust)
    path = None
    if len(rounds) > 2:
        from .trajectory import trajectory

        path = trajectory(survey, [], min_n=min_n, lang=lang, adjust=adjust)
    # The report shows each dimension's alpha and, in its notes, items' r_drop: no
    # item's mean, sd, count or answer distribution, the sums the items' own anonymity
    # pattern protects. So that pattern (30 measures, about a third of the report's
    # time, issue 23) is not decided; r_drop follows alpha's decision, as it does in
    # ``reliability`` wherever the dimension's group is hidden.
    # (Before the relations: their pattern may still be being decided meanwhile.)
    reliability_shown = reliability(latest, [], min_n=min_n, lang=lang, item_means=False)
    relation_result = None
    if grids:
        from .relations import relations

        if early is not None:
            with suppress(PartnerkitError):  # relations() below says what went wrong, in order
                early.result()  # kept: relations() below finds it
        # neither the page nor the workbook shows a trust network (the terminal does)
        shown = {"min_n": min_n, "lang": lang, "adjust": adjust, "network": False, "jobs": jobs}
        relation_result = relations(latest, [], **shown)
        if len(rounds) > 1:  # each cell's change between rounds joins the family
            over = relations(survey, ["round"], **shown, changes_only=True)
            relation_result = relation_result.with_changes(over, rounds[-1])
    gap_result, trend_all, trend_actor, area_result, relation_result = report_family(
        gap_result, trend_all, trend_actor, area_result, adjust, relations=relation_result
    )
    subtitle = inst.label(lang)
    return Report(
        title=title or subtitle,
        lang=lang,
        survey=survey,
        round=rounds[-1] if rounds else None,
        scores=scores,
        gaps=gap_result,
        reliability=reliability_shown,
        trend=trend_all,
        trend_by_actor=trend_actor,
        areas=area_result,
        checksums=tuple((s.path, _sha256(s.path)) for s in survey.sources),
        area_model=area_model,
        trajectory=path,
        relations=relation_result,
    )


_ABSENT = object()  # report_family called without ``relations``


def report_family(
    gaps, trend_all, trend_by_actor, areas, adjust: str = "bh", *, relations=_ABSENT
) -> tuple:
    """Adjust every test that can become one of the report's findings as one family.

    Each result (None where absent) comes back with ``p_adj``, its flags and
    findings from the p-values of all of them adjusted together
    (Benjamini-Hochberg by default, ``"holm"`` for the family-wise error rate),
    and ``meta.family`` saying so. The trend over all respondents repeats the
    "all" rows of the trend by actor (the same tests on the same people), so with
    both it is counted once and takes those rows' adjusted p-values. With
    ``relations`` (a ``RelationsResult`` or None), its tests join the family and it
    comes back as a fifth element.
    """
    import numpy as np

    given = relations is not _ABSENT
    rel = relations if given else None
    members = [gaps, trend_by_actor if trend_by_actor is not None else trend_all, areas, rel]
    present = [r for r in members if r is not None]
    if not present:
        return (gaps, trend_all, trend_by_actor, areas, rel)[: 5 if given else 4]
    raw = [r.family_p() for r in present]
    p_adj = _adjust(np.concatenate(raw), adjust)
    size = int(np.count_nonzero(~np.isnan(np.concatenate(raw))))
    out, start = {}, 0
    for result, p in zip(present, raw, strict=True):
        out[id(result)] = result.with_family(p_adj[start : start + len(p)], adjust, size, "report")
        start += len(p)
    gaps, areas, rel = (None if r is None else out[id(r)] for r in (gaps, areas, rel))
    more = (rel,) if given else ()
    if trend_by_actor is None:
        return gaps, None if trend_all is None else out[id(trend_all)], None, areas, *more
    trend_by_actor = out[id(trend_by_actor)]
    if trend_all is not None:
        overall = trend_by_actor.records
        overall = overall[overall[trend_by_actor.keys[0].name].isna()]
        key = ["dimension", "round_from", "round_to"]
        matched = trend_all.records[key].merge(overall[[*key, "p_adj"]], on=key, how="left")
        trend_all = trend_all.with_family(
            matched["p_adj"].to_numpy(dtype=float), adjust, size, "report"
        )
    return gaps, trend_all, trend_by_actor, areas, *more


def _finding(text: str, section: str, prefix: str = "") -> Finding:
    """``text`` as a :class:`~partnerkit.result.Finding` of ``section``, after ``prefix``."""
    if isinstance(text, Finding):
        return text.retold(prefix + text)
    return Finding(prefix + text, section=section)


def _adjust(p, method: str):
    from .stats import adjust_p

    return adjust_p(p, method)


def _sha256(name: str) -> str:
    from .io.inputs import real_path  # "<stdin>": its temporary copy

    path = real_path(name)
    digest = hashlib.sha256()
    files = sorted(p for p in path.iterdir() if p.is_file()) if path.is_dir() else [path]
    for file in files:
        with file.open("rb") as fh:
            for block in iter(lambda fh=fh: fh.read(1 << 20), b""):
                digest.update(block)
    return digest.hexdigest()
