"""partnerkit: score, compare and report partnership surveys.

The public library API. Names load on first use, so ``import partnerkit``
(and the command line's ``--help``) stays fast::

    import partnerkit as pk
    survey = pk.read_survey("survey.xlsx")
    scores = pk.score(survey, by=["actor"])
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING

from ._version import __version__
from .errors import PartnerkitError

if TYPE_CHECKING:
    from .areas import areas
    from .gaps import gaps
    from .grouping import select_rounds
    from .instrument import Instrument, list_instruments, load_instrument
    from .io import read_survey
    from .reliability import reliability
    from .scoring import respondent_scores, score, score_survey
    from .survey import Survey
    from .trend import trend
    from .validate import validate

__all__ = [
    "Instrument",
    "PartnerkitError",
    "Survey",
    "__version__",
    "areas",
    "gaps",
    "list_instruments",
    "load_instrument",
    "read_survey",
    "reliability",
    "respondent_scores",
    "score",
    "score_survey",
    "select_rounds",
    "trend",
    "validate",
]

_LAZY = {
    "Instrument": ".instrument",
    "areas": ".areas",
    "gaps": ".gaps",
    "list_instruments": ".instrument",
    "load_instrument": ".instrument",
    "read_survey": ".io",
    "respondent_scores": ".scoring",
    "score": ".scoring",
    "score_survey": ".scoring",
    "Survey": ".survey",
    "reliability": ".reliability",
    "select_rounds": ".grouping",
    "trend": ".trend",
    "validate": ".validate",
}


def __getattr__(name: str):
    if name in _LAZY:
        value = getattr(import_module(_LAZY[name], __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'partnerkit' has no attribute {name!r}")
