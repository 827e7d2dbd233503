"""The anonymity pattern on structures too large for an exact LP per group (issue 15).

Above ``FULL_LP_CELLS`` hidden cells the in-run audit proves groups by certificates
(boxes, local LPs, LPs over whole areas) and, for what they leave, hides until proved
(:func:`partnerkit.privacy.pattern._isolate`). These tests lower ``FULL_LP_CELLS`` so
that a survey of a few areas takes that path in well under a second, and check the
result against the reference: each sensitive group's exact interval, computed here from
the survey's own rows with :func:`scipy.optimize.linprog` (independent of the pattern's
lattice, classes and certificates).
"""

from __future__ import annotations

import itertools
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from partnerkit.privacy.pattern import PRIMARY

SIZES = {  # respondents per area and round, as benchmarks/privacy.py
    "municipality": (6, "public"),
    "police": (2, "public"),
    "school": (4, "public"),
    "housing": (5, "housing"),
    "volunteer": (3, "civil"),
    "resident": (6, "civil"),
    "business": (1, "private"),
    "other": (1, "other"),
}
KEYS = ["actor", "round", "area"]
PROTECTION = 1.0  # one point on the 1-5 scale


def _survey(areas: int, rounds: int, seed: int, skewed=False) -> tuple[pd.DataFrame, dict]:
    """The benchmark's survey in small; ``skewed``: answers 3, 4, 5, 5, 5, so many cells
    sit at the top of the scale, where the partition rule alone leaves groups exposed."""
    rows = [
        (actor, sector, 2020 + r, f"area {a:02d}")
        for a in range(areas)
        for r in range(rounds)
        for actor, (n, sector) in SIZES.items()
        for _ in range(n)
    ]
    frame = pd.DataFrame(rows, columns=["actor", "sector", "round", "area"])
    rng = np.random.default_rng(seed)
    values = np.clip(rng.normal(3.5, 0.8, len(frame)), 1, 5).round(2)
    if skewed:
        values = rng.choice([3.0, 4.0, 5.0, 5.0, 5.0], len(frame))
    values[rng.random(len(frame)) < 0.05] = np.nan  # some left the dimension unanswered
    return frame, {"d0": values}


def _groups(frame: pd.DataFrame) -> list[np.ndarray]:
    """Every group a table can print: actor type, sector or all; round or all; area or
    all (as row positions of ``frame``)."""
    levels = {
        "actor": ["actor", "sector", None],
        "round": ["round", None],
        "area": ["area", None],
    }
    out = []
    for choice in itertools.product(*levels.values()):
        by = [c for c in choice if c is not None]
        if not by:
            out.append(np.arange(len(frame)))
            continue
        out += [np.asarray(idx) for idx in frame.groupby(by, sort=True).indices.values()]
    return out


def _exact_widths(frame, values, pattern, measure):
    """For each sensitive hidden group (a primary reason: min_n, subgroup, dominance): its
    exact interval width, by linprog over the finest cells (actor x round x area) with
    every visible group's sum as an equation and each cell's sum in [n * 1, n * 5], in
    scale points per respondent it protects: its n, or for a group the subgroup rule
    hides, the 4 (min_n - 1) of a subgroup (pattern.pins_subgroups: then every subgroup
    of 4 keeps an interval at least as wide as the result)."""
    from scipy.optimize import linprog

    answered = ~np.isnan(values)
    cell = frame.groupby(KEYS, sort=True).ngroup().to_numpy()
    n_cells = cell.max() + 1
    n = np.bincount(cell[answered], minlength=n_cells).astype(float)
    total = np.bincount(cell[answered], weights=values[answered], minlength=n_cells)
    equations, rhs, targets = [], [], []
    for rows in _groups(frame):
        cells = np.unique(cell[rows])
        member = np.zeros(n_cells)
        member[cells] = 1.0
        if n[cells].sum() == 0:
            continue
        hidden, reason = pattern.decision(measure, pattern.cells_of(rows))
        if not hidden:
            equations.append(member)
            rhs.append(total[cells].sum())
        elif reason in PRIMARY:
            targets.append((member, 4 if reason == "subgroup" else None))
    a_eq, b_eq = np.array(equations), np.array(rhs)
    bounds = np.column_stack([n * 1.0, n * 5.0])
    widths = []
    for member, subgroup in targets:
        low = linprog(member, A_eq=a_eq, b_eq=b_eq, bounds=bounds, method="highs")
        high = linprog(-member, A_eq=a_eq, b_eq=b_eq, bounds=bounds, method="highs")
        assert low.status == 0 and high.status == 0
        widths.append((-high.fun - low.fun) / min(member @ n, subgroup or np.inf))
    return np.array(widths)


def _decide(frame, measures):
    from partnerkit.privacy.pattern import decide_pattern

    return decide_pattern(frame, KEYS, measures, min_n=5, scale=(1, 5), protection=PROTECTION)


def test_above_full_lp_cells_every_sensitive_group_ends_proved_and_is_safe(monkeypatch):
    """4 areas x 3 rounds x 8 actor types with FULL_LP_CELLS at 0, so every audit round
    uses the certificates: the run ends audited, and linprog's exact interval of every
    sensitive group is at least the protection wide."""
    from partnerkit.privacy import pattern as pattern_module

    monkeypatch.setattr(pattern_module, "FULL_LP_CELLS", 0)
    frame, measures = _survey(areas=4, rounds=3, seed=3)
    pattern = _decide(frame, measures)
    mp = pattern.measures["d0"]
    assert mp.audited and mp.unproved == 0
    widths = _exact_widths(frame, measures["d0"], pattern, "d0")
    assert widths.size > 20  # many sensitive groups were attacked
    assert (widths >= PROTECTION - 1e-6).all(), np.sort(widths)[:5]


@pytest.mark.parametrize("full_lp_cells", [0, 3_000])
def test_the_last_resort_isolates_what_the_rounds_leave_and_it_holds(monkeypatch, full_lp_cells):
    """Neighbour hiding switched off (``_protect`` hides nothing): the groups the first
    audit round finds exposed, by the certificates (FULL_LP_CELLS 0) or by the exact LP
    (3,000), are left to the last resort. It fires, the run ends audited, and linprog's
    exact interval of every sensitive group is at least the protection wide; with the
    last resort off too, some sensitive group is exposed (so it had work to do)."""
    from partnerkit.privacy import pattern as pattern_module

    monkeypatch.setattr(pattern_module, "FULL_LP_CELLS", full_lp_cells)
    monkeypatch.setattr(pattern_module, "_protect", lambda *args: False)
    frame, measures = _survey(areas=3, rounds=2, seed=0, skewed=True)
    pattern = _decide(frame, measures)
    mp = pattern.measures["d0"]
    assert mp.isolated > 0
    assert mp.audited and mp.unproved == 0
    widths = _exact_widths(frame, measures["d0"], pattern, "d0")
    assert (widths >= PROTECTION - 1e-6).all(), np.sort(widths)[:5]

    monkeypatch.setattr(pattern_module, "_isolate", lambda targets, *args, **kw: targets < 0)
    pattern = _decide(frame, measures)
    assert not pattern.measures["d0"].audited
    widths = _exact_widths(frame, measures["d0"], pattern, "d0")
    assert (widths < PROTECTION - 1e-6).any()


def test_isolate_on_a_table_by_hand():
    """One area, one round, three actor types of one sector: a (n=2, sum 4), b (n=6,
    sum 24) and c (n=6, sum 18); a is below min_n. Published are b, c and the sector
    (= all), so a = 46 - 24 - 18 = 4 exactly. Isolating a with the partner of least
    cost (b and c cost 6 each: the first, b) hides b (it holds b but not a) and the
    sector (it holds a and b and c: no, all of them, so it stays). Then a and b move
    together: a + b = 28 is all that is known, a in [2, 10], b in [6, 30], so a's sum
    lies in [2, 10], a mean interval of 4 points (the whole scale)."""
    from scipy import sparse

    from partnerkit.privacy.pattern import _isolate

    # classes: a, b, c, sector (= all); columns: cells a, b, c
    rows = sparse.csr_matrix(np.array([[1, 0, 0], [0, 1, 0], [0, 0, 1], [1, 1, 1]]))
    n = np.array([2.0, 6.0, 6.0, 14.0])
    hidden = np.array([True, False, False, False])
    reason = np.array(["min_n", None, None, None], dtype=object)
    n_cell, s_cell = np.array([2.0, 6.0, 6.0]), np.array([4.0, 24.0, 18.0])
    safe = _isolate(np.array([0]), hidden, reason, n, n.copy(), rows, s_cell, n_cell,
                    (1, 5), 1.0)  # fmt: skip
    assert safe.tolist() == [True]
    assert hidden.tolist() == [True, True, False, False]
    assert reason.tolist() == ["min_n", "secondary", None, None]
    # a group of the pattern this one nests in shows b: c is the partner instead
    hidden = np.array([True, False, False, False])
    shown = np.array([False, True, False, False])
    _isolate(np.array([0]), hidden, reason, n, n.copy(), rows, s_cell, n_cell, (1, 5), 1.0,
             shown)  # fmt: skip
    assert hidden.tolist() == [True, False, True, False]


def test_lps_over_whole_blocks_never_claim_more_than_the_lp(monkeypatch):
    """:func:`certify_blocks` on random tables of 4-6 blocks (areas) of a 2 x 3 table
    each, linked by every cell's total over blocks and each block's row and column
    sums, with room for only two or three blocks per local problem (``_POINT_CELLS``
    12-18): a target it proves has an exact interval (scipy linprog, per target) at
    least as wide as needed, and it proves a good share."""
    from scipy.optimize import linprog

    from partnerkit.privacy import lp

    rng = np.random.default_rng(15)
    proved = claimed_wrongly = 0
    for _ in range(12):
        blocks_n = int(rng.integers(4, 7))
        coords = np.array(list(itertools.product(range(blocks_n), range(2), range(3))))
        monkeypatch.setattr(lp, "_POINT_CELLS", 6 * int(rng.integers(2, 4)))
        rows = []
        for b in range(blocks_n):  # within a block: its rows and columns
            inside = coords[:, 0] == b
            rows += [inside & (coords[:, 1] == r) for r in range(2)]
            rows += [inside & (coords[:, 2] == c) for c in range(3)]
        for r, c in itertools.product(range(2), range(3)):  # a cell over every block
            rows.append((coords[:, 1] == r) & (coords[:, 2] == c))
        eq = np.array(rows, dtype=float)
        eq = eq[rng.random(len(eq)) < 0.7]  # some sums are hidden themselves
        n = rng.integers(1, 5, len(coords)).astype(float)
        truth = n * rng.choice([1.0, 2.5, 3.0, 4.2, 5.0], len(coords))
        targets = np.eye(len(coords))
        needed = n * rng.choice([0.5, 1.0, 2.0])
        safe = lp.certify_blocks(eq, truth, n, 5 * n, targets, needed, coords[:, 0])
        bounds = np.column_stack([n, 5 * n])
        for t in np.flatnonzero(safe):
            low = linprog(targets[t], A_eq=eq, b_eq=eq @ truth, bounds=bounds, method="highs")
            high = linprog(-targets[t], A_eq=eq, b_eq=eq @ truth, bounds=bounds, method="highs")
            claimed_wrongly += int(-high.fun - low.fun < needed[t] - 1e-6)
        proved += int(safe.sum())
    assert claimed_wrongly == 0
    assert proved > 100


def test_a_group_left_unproved_is_reported_in_meta_and_as_a_warning(monkeypatch):
    """Neither neighbour hiding nor the last resort may act (both switched off), so the
    example's first audit round leaves groups unproved: the JSON's meta.privacy counts
    them and the command warns (in the chosen language) to run privacy-check. A normal
    run has no such entry (the bundled example's JSON, checked in test_cli's golden
    files, has none)."""
    import json

    from typer.testing import CliRunner

    from partnerkit.cli import app
    from partnerkit.privacy import pattern as pattern_module

    runner = CliRunner()
    root = Path(__file__).resolve().parent.parent
    example = str(root / "data" / "examples" / "partnerskab_2022-2024.xlsx")
    normal = runner.invoke(app, ["score", example, "--by", "actor", "-f", "json"])
    assert "unproved" not in json.loads(normal.stdout)["meta"]["privacy"]

    monkeypatch.setattr(pattern_module, "_protect", lambda *args: False)
    monkeypatch.setattr(pattern_module, "_isolate", lambda targets, *args, **kw: targets < 0)
    for lang, words in (("en", "could not be proved safe"), ("da", "kunne ikke bevises")):
        run = runner.invoke(app, ["score", example, "--by", "actor", "-f", "json", "--lang", lang])
        assert run.exit_code == 0, run.output
        left = json.loads(run.stdout)["meta"]["privacy"]["unproved"]
        assert left > 0
        assert f"{left} " in run.stderr and words in run.stderr and "privacy-check" in run.stderr
