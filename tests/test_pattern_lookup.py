"""``Pattern.decisions``: many groups looked up at once, as ``Pattern.decide`` one by one.

The reference is ``decide`` itself (main's per-group lookup, unchanged): for every
lattice group and for random sets of cells (most not in the lattice, so the rank test
decides them), with and without the dominance rule, the batch gives the same
(hidden, reason) in the same order.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from partnerkit.privacy.pattern import decide_pattern


@pytest.mark.parametrize("dominance", [False, True])
def test_decisions_match_decide_group_by_group(dominance):
    rng = np.random.default_rng(23)
    rows = 900
    frame = pd.DataFrame(
        {
            "actor": rng.choice(["a", "b", "c", "d"], rows, p=[0.5, 0.3, 0.15, 0.05]),
            "round": rng.choice(["2022", "2023"], rows),
            "area": rng.choice([f"A{i}" for i in range(12)], rows),
        }
    )
    values = rng.integers(1, 6, rows).astype(float)
    values[rng.random(rows) < 0.1] = np.nan
    values[(frame["area"] == "A3").to_numpy()] = 4.0  # unanimous groups
    pattern = decide_pattern(
        frame, ["actor", "round", "area"], {"m": values, "v": 6 - values}, min_n=5,
        scale=(1.0, 5.0), protection=1.0, dominance=dominance,
    )  # fmt: skip
    n_cells = len(pattern.cube.cells)
    groups = [np.array([c]) for c in range(n_cells)]
    groups += [np.sort(rng.choice(n_cells, rng.integers(1, 12), replace=False)) for _ in range(300)]
    groups += [np.arange(n_cells), np.array([], dtype=np.intp)]
    for measure in ("m", "v"):
        one_by_one = [pattern.decide(measure, g) for g in groups]
        assert pattern.decisions(measure, groups) == one_by_one
        reasons = {r for _, r in one_by_one}
        assert {"min_n", "secondary", None} <= reasons  # hidden and shown groups
        own = {pattern.decision(measure, g)[1] for g in groups}
        assert ("dominance" in own) == dominance  # published as "secondary"
