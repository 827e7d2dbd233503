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
        respondents; ``dominance``, with that rule on: everyone in the group gave the
        same answer; ``secondary``: hidden to protect another group), and the rounds
        its totals cover when only some were chosen (for ``privacy-check``)."""
        dominance = self.survey.instrument.dominance
        counts = {"min_n": 0, **({"dominance": 0} if dominance else {}), "secondary": 0}
        frames = [self.records, *self.tables().values()]
        for frame in frames:
            if frame is None or "suppressed_reason" not in frame.columns:
                continue
            for reason in frame["suppressed_reason"]:
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
        data = self.survey.data
        if self.survey.read_data is not None and "round" in data.columns:
            out["rounds"] = sorted(map(str, data["round"].dropna().unique()))
        return out
