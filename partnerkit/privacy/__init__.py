"""Anonymity: which statistics may be shown, decided once per survey and audited.

- :mod:`.threshold`: the ``min_n`` threshold and merging small groups.
- :mod:`.pattern`: one suppression pattern for the whole linked structure of a survey
  (every combination of actor/sector, round, area and ``--by`` keys), looked up by
  every command.
- :mod:`.audit`: the attack: linear programming over every published (n, mean) pair.
"""

from __future__ import annotations

from ..scipy_import import defer_numpy_extras
from .audit import AuditResult, audit
from .lp import sum_bounds
from .pattern import Pattern, decide_pattern
from .threshold import (
    DEFAULT_MIN_N,
    MERGED,
    merge_small,
    resolve_min_n,
)

# every pattern imports scipy.sparse (the lattice, the LPs), inside the functions: without
# numpy's test and Fortran tools, 0.14 s less (see scipy_import); numpy is imported here
defer_numpy_extras()

__all__ = [
    "DEFAULT_MIN_N",
    "MERGED",
    "AuditResult",
    "Pattern",
    "audit",
    "decide_pattern",
    "merge_small",
    "resolve_min_n",
    "sum_bounds",
]
