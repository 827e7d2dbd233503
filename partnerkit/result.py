"""The shape every analysis result shares: records, the survey behind them, the settings used.

``score_survey``, ``reliability``, ``trend``, ``gaps`` and ``areas`` each return a
subclass of :class:`Result` (``score`` returns the records of ``score_survey``'s).
Renderers choose a layout by the result's type (``functools.singledispatch``), so a
new command is one new subclass and one function per renderer; nothing here knows
about renderers.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

from .survey import survey_meta

if TYPE_CHECKING:
    import pandas as pd

    from .grouping import GroupKey
    from .survey import Ledger, Survey


class Finding(str):
    """A finding's text (a ``str``, as JSON and every renderer take it), with what a report
    needs to order, group and cap its findings: the analysis it comes from (``gaps``,
    ``trend``, ``areas``, ``relations``), its dimension (or relation) id, its area (None
    for the whole partnership) and its size: the difference the text cites, in points of
    its scale (without sign; :attr:`partnerkit.report.Report.finding_groups` divides by
    the scale's range so relation scales and the instrument's compare)."""

    section: str
    dimension: str | None
    area: str | None
    size: float

    def __new__(
        cls, text: str, *, section: str, dimension=None, area=None, size: float = 0.0
    ) -> Finding:
        self = super().__new__(cls, text)
        self.section, self.dimension, self.area = section, dimension, area
        self.size = float(size) if size == size else 0.0
        return self

    def retold(self, text: str) -> Finding:
        """The same finding in other words (a prefix such as its round)."""
        return Finding(text, section=self.section, dimension=self.dimension, area=self.area,
                       size=self.size)  # fmt: skip


# kw_only: the subclasses add fields without defaults after these defaulted ones, and
# every result is built with keywords anyway.
@dataclass(frozen=True, kw_only=True)
class Result:
    """One command's records and everything needed to report them."""

    #: The command's name in the JSON ``meta`` object.
    command: ClassVar[str]

    records: pd.DataFrame
    survey: Survey
    min_n: int
    lang: str
    ledger: Ledger
    keys: tuple[GroupKey, ...] = ()  # the grouping keys (--by)
    rows_scored: int | None = None  # None where the command scores no respondents
    findings: tuple[str, ...] = ()  # flagged gaps and significant changes, worded
    warnings: tuple[str, ...] = ()

    def settings(self) -> dict:
        """The command's own entries of ``meta``, between ``min_n`` and ``warnings``.

        In the order the JSON has always listed them, so each command names its own.
        """
        return {}

    def tables(self) -> dict[str, pd.DataFrame]:
        """Further tables beside ``records``, by the name the JSON output gives them."""
        return {}

    def meta(self) -> dict:
        """The JSON ``meta`` object: provenance, the row ledger and the settings used."""
        counts = {} if self.rows_scored is None else {"rows_scored": self.rows_scored}
        return survey_meta(
            self.survey,
            self.ledger,
            self.command,
            **counts,
            min_n=self.min_n,
            **self.settings(),
            privacy=self.privacy(),
            warnings=list(self.warnings),
        )

    def privacy(self) -> dict:
        """How many groups this output hides, per reason (``min_n``: fewer than ``min_n``
        respondents; ``secondary``: hidden to protect another group, or, by the subgroup
        and dominance rules, the answers of the group's own members, which an output
        does not tell apart: see ``pattern.PUBLISHED_REASON``), and the rounds its
        totals cover when only some were chosen (for ``privacy-check``)."""
        dominance = self.survey.instrument.dominance
        counts = {"min_n": 0, "secondary": 0}
        frames = [self.records, *self.tables().values()]
        for frame in frames:
            if frame is None:
                continue
            # gaps' records hold their groups nested, with no reason of their own
            for reason in frame.get("suppressed_reason", ()):
                if reason in counts:
                    counts[reason] += 1
            for nested in ("groups", "items"):
                if nested in frame.columns:
                    for entries in frame[nested]:
                        for entry in entries or ():
                            if entry.get("suppressed_reason") in counts:
                                counts[entry["suppressed_reason"]] += 1
        out: dict = {"hidden": counts}
        if dominance:
            out["dominance"] = True
        from .protect import unproved

        left = unproved(self.survey)
        if left:  # see protect.unproved: never in a normal run
            out["unproved"] = left
        data = self.survey.data
        if self.survey.read_data is not None and "round" in data.columns:
            out["rounds"] = sorted(map(str, data["round"].dropna().unique()))
        return out
