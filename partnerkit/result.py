"""The shape every analysis result shares: records, the survey behind them, the settings used.

``score``, ``reliability``, ``trend``, ``gaps`` and ``areas`` each return a subclass
of :class:`Result`. Renderers choose a layout by the result's type
(``functools.singledispatch``), so a new command is one new subclass and one
function per renderer; nothing here knows about renderers.
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
            warnings=list(self.warnings),
        )
