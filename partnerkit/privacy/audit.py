"""The audit: attack everything one or several runs published (see :mod:`.lp`)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd

    from ..survey import Survey


@dataclass(frozen=True)
class AuditResult:
    """Every hidden group with the interval its mean could lie in."""

    cells: pd.DataFrame  # measure, the group's keys, n, low, high, width, needed, protected
    protection: float
    published: int  # published (n, mean) figures used

    @property
    def exposed(self) -> pd.DataFrame:
        return self.cells[~self.cells["protected"]]

    @property
    def ok(self) -> bool:
        return bool(self.cells["protected"].all())


def audit(
    published: Iterable,
    survey: Survey | None = None,
    *,
    protection: float | None = None,
    min_n: int | None = None,
    lang: str | None = None,
) -> AuditResult:
    """Attack everything published: for each hidden group, the interval of its mean.

    Parameters
    ----------
    published
        JSON documents of partnerkit outputs (parsed dicts, or paths/texts of JSON
        files), or result objects (``score_survey``, ``gaps``, ``trend``,
        ``reliability``, ``areas``): everything one run, or several runs, published.
    survey
        The survey they were made from (the group sizes n the attacker may know);
        default: the survey of the first result object in ``published``.
    protection
        Smallest protected width of a hidden mean, in points of the instrument's
        scale (positive, at most its range); default the instrument's
        ``protection``, else a quarter of the scale's range (1 point on 1-5).
    min_n
        Finest cells below this are attacked too, even where no output names them
        (default: the outputs' ``min_n``).

    Returns
    -------
    AuditResult
        ``cells``: one row per hidden group and measure (a dimension, or an item of
        ``reliability``) with ``measure``, one column per key, ``n``, ``low``,
        ``high`` (interval of the mean), ``width``, ``needed`` (the width a sensitive
        group needs: ``protection``, or for a group whose mean would pin its
        subgroups, ``protection * (min_n - 1) / n``; 0 for the others), ``sensitive``
        and ``protected``.

    Notes
    -----
    Linear programming with HiGHS (:func:`scipy.optimize.linprog`); Hundepool et al.
    (2012) ch. 4-5. The SD, interval and share of a hidden group are hidden with its
    mean; the audit attacks the means (sums), the figures that add up across tables.

    Examples
    --------
    >>> from partnerkit import read_survey, score_survey
    >>> survey = read_survey("data/examples/partnerskab_2022-2024.xlsx")
    >>> runs = [score_survey(survey, ["actor"]), score_survey(survey, ["sector"])]
    >>> audit(runs).ok
    True
    """
    from ..errors import OptionError
    from ..i18n import Message
    from .published import attack

    published = list(published)
    if survey is None:
        survey = next((p.survey for p in published if hasattr(p, "survey")), None)
    if survey is None:
        raise OptionError(Message("error.audit_survey"))
    cells, points, used = attack(published, survey, protection=protection, min_n=min_n, lang=lang)
    return AuditResult(cells=cells, protection=points, published=used)
