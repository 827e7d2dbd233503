"""Anonymity across tables and runs: the audit attacks every published figure (issue 15).

The attacker knows every group's n (membership is public) and reads every (n, mean)
pair any run published; linear programming bounds each hidden group's mean. These
tests (1) check the LP on tables small enough to solve by hand, (2) show the leak of
the issue when secondary suppression is off, by hand and by the audit, and (3) run
every command with every grouping option, audit the union of all JSON outputs and
assert that no group below min_n can be worked out.
"""

from __future__ import annotations

import itertools
import json

import numpy as np
import pandas as pd
import pytest

from partnerkit import gaps, read_survey, score_survey, select_rounds
from partnerkit.privacy import audit, sum_bounds
from tests.conftest import SHARED_DATA, invoke, write_table

EXAMPLE = "data/examples/partnerskab_2022-2024.xlsx"


@pytest.fixture(scope="module")
def example():
    return read_survey(EXAMPLE)


@pytest.fixture
def no_secondary(monkeypatch):
    from partnerkit import protect

    monkeypatch.setattr(protect, "SECONDARY", False)
    monkeypatch.setattr(protect, "_CACHE", [])


# ------------------------------------------------------------- the LP by hand


def test_two_hidden_cells_with_a_published_sum():
    """Cells of n=2 and n=3 on 1-5, their sum published as 20 (by hand: x1 = 20 - x2 with
    x2 in [3, 15] and x1 in [2, 10], so x1 in [5, 10]: a mean of 2.5 to 5)."""
    low, high = sum_bounds([[1, 1]], [20.0], [2.0, 3.0], [10.0, 15.0], [[1, 0], [0, 1]])
    assert low.tolist() == pytest.approx([5.0, 10.0])
    assert high.tolist() == pytest.approx([10.0, 15.0])


def test_a_single_hidden_member_of_a_published_sum_is_known_exactly():
    low, high = sum_bounds([[1, 0], [1, 1]], [7.0, 20.0], [2, 3], [10, 15], [[1, 0], [0, 1]])
    assert (low.tolist(), high.tolist()) == ([7.0, 13.0], [7.0, 13.0])


def test_cells_no_equation_touches_keep_their_bounds_and_parts_add_up():
    """Target = cell 0 (bound only, n=1: 1..5) + cell 1 (pinned to 9 by its own sum)."""
    low, high = sum_bounds([[0, 1, 1]], [12.0], [1, 2, 3], [5, 10, 3], [[1, 1, 0]])
    # cell 2 is fixed at 3 by its bounds, so cell 1 is 9; cell 0 stays within 1..5
    assert (low[0], high[0]) == pytest.approx((10.0, 14.0))


def test_a_two_by_two_table_with_margins():
    """Four hidden cells (n=1 each, 1-5) of a 2x2 table whose row and column sums are
    published (8, 4 | 7, 5): x11 in [max(1, 8-5, 7-5, ...), ...]; by hand x11 = 8 - x12,
    x21 = 7 - x11, x22 = 4 - x21 = x11 - 3, so x11 in [4, 5] with x12, x21, x22 >= 1."""
    eq = [[1, 1, 0, 0], [0, 0, 1, 1], [1, 0, 1, 0], [0, 1, 0, 1]]
    low, high = sum_bounds(eq, [8.0, 4.0, 7.0, 5.0], [1] * 4, [5] * 4, np.eye(4))
    assert low.tolist() == pytest.approx([4, 3, 2, 1])
    assert high.tolist() == pytest.approx([5, 4, 3, 2])


def test_certify_proves_a_two_by_two_table_safe_by_hand():
    """Four hidden cells of n = 2 (sums 2..10), each truly 6, rows and columns
    published: moving +s, -s, -s, +s keeps every margin, for s in [-4, 4] (by hand), so
    each cell's sum spans 8, a mean of 4 points: safe at 1 point (needed 2 per cell)."""
    from partnerkit.privacy.lp import certify

    eq = [[1, 1, 0, 0], [0, 0, 1, 1], [1, 0, 1, 0], [0, 1, 0, 1]]
    truth, lower, upper = np.full(4, 6.0), np.full(4, 2.0), np.full(4, 10.0)
    assert certify(eq, truth, lower, upper, np.eye(4), np.full(4, 2.0)).all()
    assert not certify(eq, truth, lower, upper, np.eye(4), np.full(4, 8.01)).any()
    # a cell alone in a published sum is known exactly: never proved safe
    assert not certify([[1, 0], [1, 1]], np.array([4.0, 6]), lower[:2], upper[:2],
                       np.eye(2), np.full(2, 0.1)).any()  # fmt: skip


def _table_partitions(n_actor: np.ndarray):
    """Groups of a (4 actor types in 2 sectors, or a sector, or all) x (2 rounds, or
    all) table with its partitions: (partition, parent, child) per pair, by hand."""
    rows = [*[("a", i) for i in range(4)], ("s", 0), ("s", 1), ("all", 0)]
    index = {(r, c): k for k, (r, c) in enumerate(itertools.product(rows, (0, 1, "all")))}
    n = np.zeros(len(index))
    for (row, col), k in index.items():
        actors = {"a": [row[1]], "s": [2 * row[1], 2 * row[1] + 1], "all": range(4)}[row[0]]
        rounds = [0, 1] if col == "all" else [col]
        n[k] = n_actor[np.ix_(list(actors), rounds)].sum()
    pairs = []
    for col in (0, 1, "all"):  # along the actor key: a sector and its types, all and sectors
        for s in (0, 1):
            pairs += [(("s", s), col, ("a", 2 * s + j), col) for j in (0, 1)]
        pairs += [(("all", 0), col, ("s", s), col) for s in (0, 1)]
    for row in rows:  # along the round key: all rounds and each round
        pairs += [(row, "all", row, col) for col in (0, 1)]
    parent = np.array([index[(r, c)] for r, c, _, _ in pairs])
    child = np.array([index[(r, c)] for _, _, r, c in pairs])
    _, part = np.unique(parent * 10 + np.array([p[1] == "all" for p in pairs]), return_inverse=True)
    return n, part.reshape(-1), parent, child


@pytest.mark.parametrize("seed", range(6))
def test_cheapest_secondary_suppression_is_the_cheapest_by_brute_force(seed):
    """The integer program's extra groups cost no more than the cheapest of every
    subset of the visible groups that satisfies the partition rule (all 2^k of them,
    counted here without the program), satisfy it too, and are the fewest groups of
    that cost."""
    from partnerkit.privacy.pattern import _cheapest, _fixpoint

    rng = np.random.default_rng(seed)
    n_actor = rng.integers(1, 12, size=(4, 2))
    n_actor[rng.integers(4), rng.integers(2)] = rng.integers(1, 5)  # one group below 5
    n, pid, pp, pc = _table_partitions(n_actor)
    cost = n * np.where(np.isin(np.arange(len(n)) // 3, [4, 5]), 0.5, 1.0)  # sectors: half
    primary = n < 5
    hidden, reason = primary.copy(), np.where(primary, "min_n", None).astype(object)
    assert _cheapest(hidden, reason, n, cost, pid, pp, pc, 5)

    def valid(x):  # x: (subsets, groups) bool; the rule of every partition
        ok = np.ones(len(x), dtype=bool)
        for p in np.unique(pid):
            children, parent = pc[pid == p], pp[pid == p][0]
            count = x[:, children].sum(axis=1) + x[:, parent]
            pooled = x[:, children] @ n[children]
            ok &= (count != 1) & ~(~x[:, parent] & (pooled > 0) & (pooled < 5))
        return ok

    free = np.flatnonzero(~primary)
    best, fewest = np.inf, np.inf  # the least cost, and the fewest groups at that cost
    for start in range(0, 2 ** len(free), 2**15):
        number = np.arange(start, min(start + 2**15, 2 ** len(free)), dtype=np.int32)
        x = np.repeat(primary[None, :], len(number), axis=0)
        x[:, free] = (number[:, None] >> np.arange(len(free), dtype=np.int32)) & 1
        ok = valid(x)
        if ok.any():
            costs, counts = x[ok] @ cost, x[ok].sum(axis=1)
            low = costs.min()
            if low < best - 1e-9:
                best, fewest = low, np.inf
            if low < best + 1e-9:
                fewest = min(fewest, counts[costs < best + 1e-9].min())
    assert valid(hidden[None, :])[0]
    assert hidden @ cost == pytest.approx(best)
    assert hidden.sum() == fewest
    assert (reason[hidden & ~primary] == "secondary").all()
    # the greedy rule of large lattices holds the rule too, at a cost no lower (on
    # these seeds 53.0, 72.0, 55.5, 54.5, 25.0, 46.0 against the exact 32.5, 39.0,
    # 48.5, 37.5, 25.0, 46.0)
    greedy = primary.copy()
    _fixpoint(greedy, np.where(primary, "min_n", None).astype(object), n, cost, pid, pp, pc, 5)
    assert valid(greedy[None, :])[0] and greedy @ cost >= best - 1e-9


def test_certify_never_claims_more_than_the_lp_finds():
    """On random linked tables, a target certify proves safe has an LP interval at least
    as wide as required (the LP, HiGHS, is the reference)."""
    from partnerkit.privacy.lp import certify

    rng = np.random.default_rng(15)
    proved = 0
    for _ in range(60):
        cells = int(rng.integers(3, 12))
        eq = (rng.random((int(rng.integers(1, cells)), cells)) < 0.4).astype(float)
        n = rng.integers(1, 5, cells).astype(float)
        truth = n * rng.choice([1.0, 2.5, 3.0, 4.2, 5.0], cells)
        lower, upper = n, 5 * n
        targets = np.eye(cells)
        needed = n * rng.choice([0.5, 1.0, 2.0])
        blocks = rng.integers(0, 3, cells)
        safe = certify(eq, truth, lower, upper, targets, needed, blocks)
        low, high = sum_bounds(eq, eq @ truth, lower, upper, targets)
        assert (high - low >= needed - 1e-6)[safe].all()
        proved += int(safe.sum())
    assert proved > 50  # it proves a good share, or it would be of no use


def _cube_margins(shape):
    """Cells of a table of ``shape`` (row-major codes) and every sum over one key with the
    others fixed (a 2x2x2 table: its 12 two-way margins, as 0/1 rows)."""
    import itertools

    coords = np.array(list(itertools.product(*[range(s) for s in shape])))
    rows = []
    for m in range(len(shape)):
        others = [j for j in range(len(shape)) if j != m]
        for fixed in itertools.product(*[range(shape[j]) for j in others]):
            rows.append((coords[:, others] == fixed).all(axis=1).astype(float))
    return coords, np.array(rows)


def test_a_box_moves_a_two_by_two_by_two_table_as_far_as_the_lp_by_hand():
    """Eight hidden cells of n = 1 (sums 1..5), every two-way margin published: the only
    move that keeps them is the cube, +1 on cells with an even number of keys changed
    from (0, 0, 0), -1 on the others (8 cells - rank 7 of the margins = 1). Truth 3
    everywhere but x000 = 4 and x001 = 2 (a "-" corner). By hand: up, s <= min(5 - 4,
    5 - 3 on the other + corners; 2 - 1, 3 - 1 on the - corners) = 1; down, s <= min(4 - 1,
    3 - 1; 5 - 2, 5 - 3) = 2; so x000 lies in [2, 5], and the box finds exactly that."""
    from partnerkit.privacy.lp import box_reach

    coords, eq = _cube_margins((2, 2, 2))
    truth = np.full(8, 3.0)
    truth[0], truth[1] = 4.0, 2.0  # (0,0,0) and (0,0,1)
    lower, upper = np.ones(8), np.full(8, 5.0)
    down, up = box_reach(eq, truth, lower, upper, np.eye(8)[:1], coords)
    assert (down[0], up[0]) == pytest.approx((2.0, 1.0))
    low, high = sum_bounds(eq, eq @ truth, lower, upper, np.eye(8)[:1])
    assert (low[0], high[0]) == pytest.approx((2.0, 5.0))  # the LP agrees


def test_components_solved_apart_give_the_intervals_of_one_lp():
    """Two independent 2x2 tables (cells n = 1, sums 1..5) in one system: the one of
    test_a_two_by_two_table_with_margins (rows 8, 4, columns 7, 5: x00 in [4, 5] by
    hand) and one with rows 6, 6, columns 6, 6 (x00 = 6 - x01 = x11, so x00 in [1, 5]).
    sum_bounds solves each component apart; one scipy linprog over the whole system per
    target and direction gives the same intervals."""
    from scipy.linalg import block_diag
    from scipy.optimize import linprog

    one = np.array([[1, 1, 0, 0], [0, 0, 1, 1], [1, 0, 1, 0], [0, 1, 0, 1]], dtype=float)
    eq = block_diag(one, one)
    rhs = np.array([8.0, 4, 7, 5, 6, 6, 6, 6])
    lower, upper = np.ones(8), np.full(8, 5.0)
    low, high = sum_bounds(eq, rhs, lower, upper, np.eye(8))
    assert low.tolist() == pytest.approx([4, 3, 2, 1, 1, 1, 1, 1])
    assert high.tolist() == pytest.approx([5, 4, 3, 2, 5, 5, 5, 5])
    bounds = list(zip(lower, upper, strict=True))
    for t in range(8):
        c = np.eye(8)[t]
        whole_low = linprog(c, A_eq=eq, b_eq=rhs, bounds=bounds, method="highs").fun
        whole_high = -linprog(-c, A_eq=eq, b_eq=rhs, bounds=bounds, method="highs").fun
        assert (low[t], high[t]) == pytest.approx((whole_low, whole_high))


def test_a_box_is_never_used_when_it_would_change_a_published_sum():
    """A 2x2 table with its rows, columns and x00 + x11 published (a diagonal sum, no
    lattice group): the box +1 -1 -1 +1 changes the diagonal by 2, so no move is left and
    the reach is 0, as the LP's single point (x00 = 2: rows 5, 5, columns 5, 5,
    diagonal 4 with x00 = x11 by the margins, so x00 = 2)."""
    from partnerkit.privacy.lp import box_reach

    coords, eq = _cube_margins((2, 2))
    eq = np.vstack([eq, [1, 0, 0, 1]])
    truth = np.array([2.0, 3.0, 3.0, 2.0])
    down, up = box_reach(eq, truth, np.ones(4), np.full(4, 5.0), np.eye(4), coords)
    assert down.tolist() == [0.0] * 4 and up.tolist() == [0.0] * 4
    low, high = sum_bounds(eq, eq @ truth, np.ones(4), np.full(4, 5.0), np.eye(4))
    assert low.tolist() == pytest.approx(truth) and high.tolist() == pytest.approx(truth)


def test_boxes_never_reach_beyond_the_lp():
    """On random three-key tables (random hidden cells, random published groups of the
    lattice: each key at a value or all), every reach, with and without the span LP, lies
    within the exact LP's interval (HiGHS, the reference), and the boxes prove most of
    the cells the LP finds protected."""
    import itertools

    from partnerkit.privacy.lp import box_reach

    rng = np.random.default_rng(15)
    proved = protected = 0
    for _ in range(40):
        shape = tuple(int(v) for v in rng.integers(2, 5, 3))
        coords = np.array(list(itertools.product(*[range(v) for v in shape])))
        hidden = np.flatnonzero(rng.random(len(coords)) < 0.6)
        if hidden.size < 4:
            continue
        eq = np.array(_published_groups(rng, shape, coords, hidden))
        n = rng.integers(1, 6, hidden.size).astype(float)
        truth = n * rng.uniform(1, 5, hidden.size).round(1)
        lower, upper = n, 5 * n
        targets = np.eye(hidden.size)
        low, high = sum_bounds(eq, eq @ truth, lower, upper, targets)
        for span in (False, True):
            down, up = box_reach(eq, truth, lower, upper, targets, coords[hidden], span=span)
            assert (truth - down >= low - 1e-6).all() and (truth + up <= high + 1e-6).all()
        safe = (high - low) >= n - 1e-9
        protected += int(safe.sum())
        proved += int((safe & (down + up >= n - 1e-9)).sum())
    assert proved > 0.5 * protected  # of use: most protected cells are proved by boxes


def _published_groups(rng, shape, coords, hidden) -> list[np.ndarray]:
    """Each group of a table's lattice (every key at a value or "All") but its cells,
    published with probability 0.7 when it holds a hidden cell: 0/1 rows over the
    hidden cells."""
    import itertools

    groups = []
    for choice in itertools.product(*[[*range(v), None] for v in shape]):
        inside = np.ones(len(coords), dtype=bool)
        for m, value in enumerate(choice):
            if value is not None:
                inside &= coords[:, m] == value
        finest = None not in choice  # a cell: the hidden ones are not published
        if not finest and rng.random() < 0.7 and inside[hidden].any():
            groups.append(inside[hidden].astype(float))
    return groups


def _random_linked_tables(rng, count, hierarchy=False):
    """Random tables of two keys (a crossed two-way table, like --by Køn --by Alder) or
    three, their cells hidden at random, each group of the lattice (every key at a value
    or "All") published with probability 0.7 when it holds a hidden cell: (published
    sums as 0/1 rows over the hidden cells, true sums, lower, upper, targets: each hidden
    cell and each hidden two-cell group, needed). With ``hierarchy``, the first key's
    values pair into parents (0-1, 2-3, like actor types into sectors), and each
    parent's groups (the other keys at a value or "All") are published too, with
    probability 0.7."""
    import itertools

    for _ in range(count):
        shape = tuple(int(v) for v in rng.integers(2, 5, int(rng.integers(2, 4))))
        coords = np.array(list(itertools.product(*[range(v) for v in shape])))
        hidden = np.flatnonzero(rng.random(len(coords)) < 0.6)
        if hidden.size < 3:
            continue
        groups = _published_groups(rng, shape, coords, hidden)
        for parent in range((shape[0] + 1) // 2 if hierarchy else 0):
            for choice in itertools.product(*[[*range(v), None] for v in shape[1:]]):
                inside = coords[:, 0] // 2 == parent
                for m, value in enumerate(choice, start=1):
                    if value is not None:
                        inside &= coords[:, m] == value
                if rng.random() < 0.7 and inside[hidden].any():
                    groups.append(inside[hidden].astype(float))
        if not groups:
            continue
        n = rng.integers(1, 6, hidden.size).astype(float)
        truth = n * rng.uniform(1, 5, hidden.size).round(1)
        pairs = [np.isin(np.arange(hidden.size), rng.choice(hidden.size, 2, replace=False))]
        targets = np.vstack([np.eye(hidden.size), np.array(pairs, dtype=float)])
        needed = (targets @ n) * rng.choice([0.25, 0.5, 1.0, 2.0])
        yield np.array(groups), truth, n, 5 * n, targets, needed


@pytest.mark.parametrize("warm", [True, False], ids=["warm HiGHS", "linprog"])
def test_shared_points_never_claim_more_than_the_lp(monkeypatch, warm):
    """On random linked tables (crossed two-way and three-way), a target the shared
    points prove protected has an exact LP interval (scipy linprog through sum_bounds,
    the reference) at least as wide as needed; with ``exact``, prove decides exactly as
    that interval does (ties within 1e-6 of needed left out). Both with HiGHS kept warm
    and with linprog for every point."""
    from partnerkit.privacy import lp as lp_module
    from partnerkit.privacy.lp import prove

    monkeypatch.setattr(lp_module, "WARM", warm)
    rng = np.random.default_rng(28)
    proved = protected = 0
    # (fewer tables through linprog, 4 times slower per point)
    for eq, truth, lower, upper, targets, needed in _random_linked_tables(rng, 40 if warm else 15):
        low, high = sum_bounds(eq, eq @ truth, lower, upper, targets)
        width = high - low
        shared = prove(eq, truth, lower, upper, targets, needed)
        assert (width >= needed - 1e-6)[shared].all()
        decided = prove(eq, truth, lower, upper, targets, needed, exact=True)
        clear = np.abs(width - needed) > 1e-6
        assert (decided == (width >= needed))[clear].all()
        proved += int(shared.sum())
        protected += int((width >= needed).sum())
    assert proved > 0.5 * protected  # of use: the shared points alone prove most


def test_ties_are_protected_by_the_shared_points_without_their_own_lps(monkeypatch):
    """Five partitions, each a published group of 5 respondents whose two children are
    hidden: a cell of 4 (sum s, truth 12) and a cell of 1. By hand, the cell of 4 lies in
    [s - 5, s - 1]: exactly 4 points wide, its protection (1 point x 4): a tie, which the
    exact LP's test counts as protected. With ``exact``, the first pair of shared points
    (every target pushed one way, then the other) reaches both ends, so the ties need no
    LPs of their own: 2 LPs in all (before, 2 + 2 per tie). A protection a hair wider
    than the width leaves each cell of 4 exposed, as the LP (sum_bounds) says."""
    from partnerkit.privacy import lp as lp_module
    from partnerkit.privacy.lp import prove

    k = 5
    eq = np.kron(np.eye(k), [[1.0, 1.0]])  # x_4 + x_1 = the parent's sum, per partition
    truth = np.tile([12.0, 3.0], k)
    lower, upper = np.tile([4.0, 1.0], k), np.tile([20.0, 5.0], k)
    targets = np.eye(2 * k)
    needed = np.tile([4.0, 1.0], k)
    low, high = sum_bounds(eq, eq @ truth, lower, upper, targets)
    assert (high - low).tolist() == pytest.approx([4.0] * (2 * k))  # by hand: s - 1 - (s - 5)
    calls = []
    minimise = lp_module._Solver.minimise
    monkeypatch.setattr(lp_module._Solver, "minimise", lambda *a: calls.append(1) or minimise(*a))
    assert prove(eq, truth, lower, upper, targets, needed, exact=True).all()
    assert len(calls) == 2
    wider = needed + np.tile([1e-6, 0.0], k)
    decided = prove(eq, truth, lower, upper, targets, wider, exact=True)
    assert decided.tolist() == [False, True] * k
    assert not prove(eq, truth, lower, upper, targets, needed)[0::2].any()  # no exact: a margin


@pytest.mark.parametrize("seed", range(8))
def test_integer_program_returns_milps_solution_without_scipy_optimize(seed):
    """lp.integer_program passes HiGHS the model scipy.optimize.milp passes (with one
    heuristic off), so it returns the optimum scipy's own milp (the reference) finds on
    the same program, the same solution to the bit, on the partition rule's programs of
    random tables with some groups already hidden; and _cheapest, which calls it, does
    not import scipy.optimize (checked in a fresh process)."""
    import subprocess
    import sys

    from scipy import sparse
    from scipy.optimize import Bounds, LinearConstraint, milp

    from partnerkit.privacy.lp import integer_program
    from partnerkit.privacy.pattern import _partition_rule

    rng = np.random.default_rng(seed)
    n, pid, pp, pc = _table_partitions(rng.integers(1, 12, size=(4, 2)))
    rows, columns, values = _partition_rule(n, pid, pp, pc, 5)
    a = sparse.csr_matrix((values, (rows, columns)), shape=(int(rows.max()) + 1, len(n)))
    low = (rng.random(len(n)) < 0.2).astype(float)
    high = np.maximum(np.where(n > 0, 1.0, 0.0), low)
    c = np.round(2 * n * rng.choice([0.5, 1.0], size=len(n))) * (len(n) + 1) + 1.0
    expected = milp(
        c,
        constraints=LinearConstraint(a, 0.0, np.inf),
        integrality=np.ones(len(n)),
        bounds=Bounds(low, high),
        options={"node_limit": 2000, "mip_rel_gap": 0.0},
    ).x
    assert np.array_equal(integer_program(c, a, low, high, 2000, 0.0), expected)
    if seed:
        return
    code = """
import sys
import numpy as np
from partnerkit.privacy.pattern import _cheapest
n = np.array([10.0, 4.0, 6.0])  # a total of two groups, one below 5
pid, pp, pc = np.array([0, 0]), np.array([0, 0]), np.array([1, 2])
hidden = np.array([False, True, False])
reason = np.where(hidden, "min_n", None).astype(object)
print(_cheapest(hidden, reason, n, n.copy(), pid, pp, pc, 5), hidden.tolist(),
      "scipy.optimize" in sys.modules)
"""
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    # by hand: the group of 4 is hidden alone in its partition; hiding its sibling (6)
    # costs less than the total (10) and pools 10 >= 5, so the sibling is hidden
    assert out.stdout.split() == ["True", "[False,", "True,", "True]", "False"]


def test_the_warm_lps_load_highs_without_scipy_optimize():
    """The warm LPs load scipy's HiGHS extension alone (importing scipy.optimize takes
    0.2 s): an LP solved through it gives the optimum worked out by hand (x0 + x1 = 6,
    both in [1, 5], min x0: x0 = 1), with scipy.optimize not imported and no
    scipy.sparse.csgraph for the components; scipy.optimize imported afterwards uses the
    same module, and its linprog and milp work."""
    import subprocess
    import sys

    code = """
import sys
import numpy as np
from partnerkit.privacy import lp
solver = lp._Solver(np.array([[1.0, 1.0]]), np.array([6.0]), np.ones(2), np.full(2, 5.0))
print(solver.minimise(np.array([1.0, 0.0])).tolist(), lp.components(np.eye(2)).tolist())
print(sorted(m for m in ("scipy.optimize", "scipy.sparse.csgraph") if m in sys.modules))
from scipy.optimize import LinearConstraint, linprog, milp
from scipy.optimize._highspy import _core
print(_core is sys.modules[lp._CORE], linprog([1, 0], A_eq=[[1, 1]], b_eq=[6],
      bounds=[(1, 5)] * 2).x.tolist(), milp([1, 1], constraints=LinearConstraint([[1, 1]],
      2.5, 9), integrality=[1, 1], bounds=(0, 5)).fun)
"""
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.splitlines() == ["[1.0, 5.0] [0, 1]", "[]", "True [1.0, 5.0] 3.0"]


@pytest.mark.parametrize("seed", range(4))
def test_the_warm_model_passed_as_arrays_is_the_model_milp_builds(seed):
    """lp._pass_model hands HiGHS its arrays (the array form of passModel) instead of
    filling a HighsLp: HiGHS holds the same model as from lp._highs_lp (the model
    scipy's milp and linprog build, the independent source here), and the same
    objectives reach the same optima bit for bit in the same simplex iterations, one
    after another from the last basis as the audit solves them."""
    from scipy import sparse

    from partnerkit.privacy import lp

    core = lp._highs_core()
    rng = np.random.default_rng(seed)
    a = sparse.random(40, 60, density=0.08, random_state=seed, format="csc")
    a.data[:] = 1.0
    lower, upper = rng.integers(0, 3, 60).astype(float), rng.integers(5, 20, 60).astype(float)
    rhs = a @ rng.uniform(lower, upper)
    arrays, _ = lp._pass_model(core, a, rhs, lower, upper)
    filled = core._Highs()
    filled.setOptionValue("output_flag", False)
    filled.passModel(lp._highs_lp(core, a, np.zeros(60), lower, upper, rhs, rhs))
    one, two = arrays.getLp(), filled.getLp()
    for name in ("col_cost_", "col_lower_", "col_upper_", "row_lower_", "row_upper_"):
        assert np.array_equal(getattr(one, name), getattr(two, name))
    for name in ("start_", "index_", "value_"):
        assert np.array_equal(getattr(one.a_matrix_, name), getattr(two.a_matrix_, name))
    for _ in range(5):
        cost = rng.normal(size=60)
        for highs in (arrays, filled):
            highs.changeColsCost(60, np.arange(60, dtype=np.int32), cost)
            highs.run()
            highs.setOptionValue("simplex_strategy", lp._PRIMAL)
        assert arrays.getModelStatus() == filled.getModelStatus()
        assert arrays.getSolution().col_value == filled.getSolution().col_value
        iterations = arrays.getInfo().simplex_iteration_count
        assert iterations == filled.getInfo().simplex_iteration_count


@pytest.mark.parametrize("seed", range(6))
def test_unique_pairs_numbers_pairs_as_numpy_unique_along_rows(seed):
    """pattern.unique_pairs (one lexsort) gives np.unique(axis=0)'s first rows and
    numbers (the independent source), with repeats, negative values and ties in the
    first column."""
    from partnerkit.privacy.pattern import unique_pairs

    rng = np.random.default_rng(seed)
    distinct = rng.integers(-(2**40), 2**40, size=(50, 2), dtype=np.int64)
    distinct[::5, 0] = distinct[1::5, 0]  # the same first value, another second
    pairs = distinct[rng.integers(0, 50, 400)]
    _, first, number = np.unique(pairs, axis=0, return_index=True, return_inverse=True)
    found_first, found_number = unique_pairs(pairs)
    assert np.array_equal(found_first, first)
    assert np.array_equal(found_number, number.reshape(-1))


def test_bases_carried_between_measures_decide_as_the_lp_and_save_iterations(monkeypatch):
    """Five measures of one 5 x 6 x 8 table whose hidden cells differ by one (another
    answer, another group below min_n), each group of the lattice published with the
    same coin in every measure: prove with names and an lp.Bases carried from measure to
    measure decides every target as its exact LP interval does (scipy linprog through
    sum_bounds, the reference, on 25 targets a measure; ties within 1e-6 left out), as
    it does without them, and the first round's two LPs (the ones that start from a
    carried basis) take fewer simplex iterations with them in the measures after the
    first."""
    import itertools

    from partnerkit.privacy import lp as lp_module
    from partnerkit.privacy.lp import Bases, prove

    iterations = []
    minimise = lp_module._Solver.minimise

    def counted(solver, objective):
        x = minimise(solver, objective)
        iterations.append(solver.highs[0].getInfo().simplex_iteration_count)
        return x

    monkeypatch.setattr(lp_module._Solver, "minimise", counted)
    rng = np.random.default_rng(2316)
    shape = (5, 6, 8)
    coords = np.array(list(itertools.product(*[range(v) for v in shape])))
    usual = rng.random(len(coords)) < 0.6
    n = rng.integers(1, 6, len(coords)).astype(float)
    truth = n * rng.uniform(1, 5, len(coords)).round(1)
    bases = Bases()
    first_round = {True: 0, False: 0}
    for measure in range(5):
        hidden = usual.copy()
        hidden[rng.choice(len(coords))] ^= True
        cells = np.flatnonzero(hidden)
        eq = np.array(_published_groups(np.random.default_rng(7), shape, coords, cells))
        targets, needed = np.eye(cells.size), n[cells]
        checked = rng.choice(cells.size, 25, replace=False)  # the reference's LPs are slow
        low, high = sum_bounds(eq, eq @ truth[cells], n[cells], 5 * n[cells], targets[checked])
        clear = np.abs(high - low - needed[checked]) > 1e-6
        for carried in (True, False):
            iterations.clear()
            decided = prove(
                eq, truth[cells], n[cells], 5 * n[cells], targets, needed, exact=True,
                names=cells, bases=bases if carried else None,
            )  # fmt: skip
            assert (decided[checked] == (high - low >= needed[checked]))[clear].all()
            if measure:
                first_round[carried] += sum(iterations[:2])
    assert first_round[True] < 0.8 * first_round[False], first_round  # 388 against 709


def test_components_number_as_scipy_connected_components():
    """lp.components on random 0/1 equations (some empty rows and columns) gives each
    variable the label scipy.sparse.csgraph.connected_components (the reference) gives it
    on the graph of variables and equations."""
    from scipy import sparse
    from scipy.sparse.csgraph import connected_components

    from partnerkit.privacy.lp import components

    rng = np.random.default_rng(23)
    for _ in range(200):
        n_eq, n_vars = int(rng.integers(0, 30)), int(rng.integers(1, 50))
        eq = sparse.random(n_eq, n_vars, density=rng.uniform(0, 0.2), random_state=rng)
        eq = sparse.csr_matrix((eq != 0).astype(float))
        if n_eq:
            graph = sparse.bmat([[None, eq.T], [eq, None]], format="csr")
            expected = connected_components(graph, directed=False)[1][:n_vars]
        else:
            expected = np.arange(n_vars)
        assert components(eq).tolist() == expected.tolist()


@pytest.mark.parametrize("warm", [True, False], ids=["warm HiGHS", "linprog"])
def test_points_shared_between_measures_never_claim_more_than_the_lp(monkeypatch, warm):
    """Measures with the same hidden cells and bounds (the same respondents per cell) but
    other answers share an lp.Proofs: the directions of the points found for the
    measures before, moved to this measure's sums, give points that keep every published
    sum and bound of this measure (checked here directly), whose target sums never leave
    the exact LP interval (scipy linprog through sum_bounds, the reference), and prove
    with ``exact`` decides as that interval does (ties within 1e-6 left out), its warm
    LPs kept with only their right-hand side changed. On random crossed two-way and
    three-way tables, with and without a hierarchy on a key."""
    from scipy import sparse

    from partnerkit.privacy import lp as lp_module
    from partnerkit.privacy.lp import Proofs, prove

    monkeypatch.setattr(lp_module, "WARM", warm)
    rng = np.random.default_rng(2915)
    tables = [
        *_random_linked_tables(rng, 8 if warm else 3),
        *_random_linked_tables(rng, 8 if warm else 3, hierarchy=True),
    ]
    by_directions = 0
    for eq, truth, lower, upper, targets, needed in tables:
        proofs = Proofs()
        for measure in range(3):
            # another measure: other sums within the same bounds
            x = truth if measure == 0 else (lower * rng.uniform(1, 5, lower.size)).round(1)
            rhs = eq @ x
            low, high = sum_bounds(eq, rhs, lower, upper, targets)
            ends = proofs.reach(sparse.csr_matrix(eq), rhs, x, lower, upper)
            assert np.abs(eq @ ends - rhs[:, None]).max(initial=0) <= 1e-6 * max(1, abs(rhs).max())
            assert (ends >= lower[:, None] - 1e-6).all() and (ends <= upper[:, None] + 1e-6).all()
            sums = targets @ np.column_stack([x, ends])
            assert (sums >= low[:, None] - 1e-6).all() and (sums <= high[:, None] + 1e-6).all()
            if measure:
                by_directions += int((sums.max(axis=1) - sums.min(axis=1) >= needed).sum())
            width = high - low
            decided = prove(eq, x, lower, upper, targets, needed, exact=True, shared=proofs)
            clear = np.abs(width - needed) > 1e-6
            assert (decided == (width >= needed))[clear].all()
    assert by_directions > 0  # of use: the directions alone prove targets


def _generated_frame() -> pd.DataFrame:
    """4 areas x 3 rounds x 8 actor types (groups of 1-6 respondents)."""
    sizes = {"municipality": (6, "public"), "police": (2, "public"), "school": (4, "public"),
             "housing": (5, "housing"), "volunteer": (3, "civil"), "resident": (6, "civil"),
             "business": (1, "private"), "other": (1, "other")}  # fmt: skip
    rows = [
        (actor, sector, 2020 + r, f"area {a}")
        for a in range(4)
        for r in range(3)
        for actor, (n, sector) in sizes.items()
        for _ in range(n)
    ]
    return pd.DataFrame(rows, columns=["actor", "sector", "round", "area"])


def test_measures_with_the_same_respondents_share_decisions_and_decide_as_alone(monkeypatch):
    """Five measures of a generated survey (4 areas x 3 rounds x 8 actor types, groups of
    1-6), four answered by everyone (the same respondents per cell) and one with
    answers missing: decided together, the four share their classes, their secondary
    suppression and their audit's points, and each measure's pattern is the one it gets
    decided alone (nothing shared). (That the shared path decides as scipy linprog's
    exact intervals do: test_the_in_run_audit_decides_the_same_pattern_as_the_exact_lp.)"""
    from partnerkit.privacy import pattern as pattern_module
    from partnerkit.privacy.lp import scaled_protection
    from partnerkit.privacy.pattern import decide_pattern

    frame = _generated_frame()
    rng = np.random.default_rng(29)
    measures = {f"d{i}": np.clip(rng.normal(3.5, 1.0, len(frame)), 1, 5).round(1) for i in range(5)}
    measures["d4"][rng.random(len(frame)) < 0.1] = np.nan
    keys = ["actor", "round", "area"]
    options = {"min_n": 5, "scale": (1, 5), "protection": scaled_protection(1, 5)}
    solved = []
    original = pattern_module._secondary
    monkeypatch.setattr(pattern_module, "_secondary", lambda *a: solved.append(1) or original(*a))
    together = decide_pattern(frame, keys, measures, **options)
    shared = len(solved)
    alone = {
        m: decide_pattern(frame, keys, {m: v}, **options).measures[m] for m, v in measures.items()
    }
    assert shared < len(solved) - shared  # together, fewer secondary suppressions
    for m, mp in together.measures.items():
        assert mp.by_hash == alone[m].by_hash
        assert (mp.hidden_cell == alone[m].hidden_cell).all()
        assert (mp.audited, mp.counts) == (alone[m].audited, alone[m].counts)


def test_measures_decided_on_threads_decide_as_in_one_loop(monkeypatch):
    """``threads=2`` (each thread every other measure, with a memo of its own, HiGHS
    solving on both cores) decides each measure as the one loop does (the code before
    the threads, for equality): the same lookup, hidden cells and audit, on the
    generated survey of the test above with its ten measures, some with answers
    missing."""
    from partnerkit.privacy import pattern as pattern_module
    from partnerkit.privacy.lp import scaled_protection
    from partnerkit.privacy.pattern import decide_pattern

    frame = _generated_frame()
    rng = np.random.default_rng(31)
    measures = {
        f"d{i}": np.clip(rng.normal(3.5, 1.0, len(frame)), 1, 5).round(1) for i in range(10)
    }
    for i in (3, 7):
        measures[f"d{i}"][rng.random(len(frame)) < 0.1] = np.nan
    keys = ["actor", "round", "area"]
    options = {"min_n": 5, "scale": (1, 5), "protection": scaled_protection(1, 5)}
    monkeypatch.setattr(pattern_module, "_DECIDED", {})
    one = decide_pattern(frame, keys, measures, **options)
    monkeypatch.setattr(pattern_module, "_DECIDED", {})  # decided anew, not looked up
    two = decide_pattern(frame, keys, measures, threads=2, **options)
    assert two is not one and list(two.measures) == list(one.measures)
    for m, mp in one.measures.items():
        assert two.measures[m].by_hash == mp.by_hash
        assert (two.measures[m].hidden_cell == mp.hidden_cell).all()
        assert (two.measures[m].audited, two.measures[m].counts) == (mp.audited, mp.counts)


def test_decided_patterns_are_kept_up_to_a_number_of_rows(monkeypatch):
    """The module's cache of decided patterns holds at most _DECIDED_ROWS rows (and
    classes), the least recently used going first, the newest always kept."""
    from partnerkit.privacy import pattern as pattern_module
    from partnerkit.privacy.pattern import _held, decide_pattern

    monkeypatch.setattr(pattern_module, "_DECIDED", {})
    frame = pd.DataFrame({"actor": ["a"] * 6 + ["b"] * 3 + ["c"] * 8})
    measure = {"m": np.arange(len(frame), dtype=float) % 5 + 1}

    def decide(min_n):
        return decide_pattern(frame, ["actor"], measure, min_n=min_n, scale=(1, 5), protection=1)

    first = decide(3)
    monkeypatch.setattr(pattern_module, "_DECIDED_ROWS", 2 * _held(first))
    second = decide(4)
    assert decide(3) is first  # used again: now the most recent
    decide(5)  # over the bound: the least recently used (second) goes
    assert next(iter(pattern_module._DECIDED.values())) is first
    assert decide(4) is not second
    monkeypatch.setattr(pattern_module, "_DECIDED_ROWS", 0)
    decide(6)
    assert len(pattern_module._DECIDED) == 1  # the newest is kept


def test_values_moved_between_rows_of_a_cell_decide_the_kept_pattern(monkeypatch):
    """A pattern depends on a measure's values only through each finest cell's count,
    sum and spread, which is what its digest hashes (issue 23): the values swapped
    between two rows of one cell get the kept pattern back, and that pattern is the one
    decided afresh; a value moved to another cell decides anew."""
    from partnerkit.privacy import pattern as pattern_module
    from partnerkit.privacy.pattern import decide_pattern

    monkeypatch.setattr(pattern_module, "_DECIDED", {})
    frame = pd.DataFrame({"actor": ["a"] * 6 + ["b"] * 3 + ["c"] * 8})
    values = np.array([1, 2, 3, 4, 5, 2, 4, 4, 1, 5, 5, 3, 2, 1, 4, 3, 2], dtype=float)
    options = dict(min_n=4, scale=(1, 5), protection=1, dominance=True)
    first = decide_pattern(frame, ["actor"], {"m": values}, **options)
    swapped = values.copy()
    swapped[[0, 4]] = swapped[[4, 0]]  # both in cell "a": count, sum and spread unchanged
    assert decide_pattern(frame, ["actor"], {"m": swapped}, **options) is first
    pattern_module._DECIDED.clear()
    fresh = decide_pattern(frame, ["actor"], {"m": swapped}, **options)
    assert fresh is not first and fresh.digest == first.digest
    assert fresh.measures["m"].by_hash == first.measures["m"].by_hash
    moved = values.copy()
    moved[[0, 6]] = moved[[6, 0]]  # 1 and 4 between cells "a" and "b": other sums
    assert decide_pattern(frame, ["actor"], {"m": moved}, **options).digest != first.digest


def test_the_in_run_audit_decides_the_same_pattern_as_the_exact_lp(monkeypatch):
    """A generated survey of 4 areas x 3 rounds x 8 actor types (groups of 1-6): the
    pattern decided with shared points and warm LPs is the pattern decided with scipy
    linprog's exact interval for every sensitive group."""
    from partnerkit.privacy import lp as lp_module
    from partnerkit.privacy import pattern as pattern_module
    from partnerkit.privacy.lp import scaled_protection
    from partnerkit.privacy.pattern import decide_pattern

    frame = _generated_frame()
    rng = np.random.default_rng(7)
    measures = {f"d{i}": np.clip(rng.normal(3.5, 1.0, len(frame)), 1, 5).round(1) for i in range(3)}
    keys = ["actor", "round", "area"]

    def decide():
        pattern = decide_pattern(
            frame, keys, measures, min_n=5, scale=(1, 5), protection=scaled_protection(1, 5)
        )
        return {
            m: (p.hidden_cell.tolist(), sorted(p.by_hash.items()))
            for m, p in pattern.measures.items()
        }

    certified = decide()
    # the certificates of structures above FULL_LP_CELLS (boxes, shared points, local
    # LPs; no exact LP after them) decide the same pattern here too
    with monkeypatch.context() as patch:
        patch.setattr(pattern_module, "FULL_LP_CELLS", 0)
        assert decide() == certified

    def exact(eq, truth, lower, upper, targets, needed, **options):
        """The reference: every target's own min and max by scipy linprog (sum_bounds)."""
        low, high = sum_bounds(eq, eq @ truth, lower, upper, targets)
        return high - low >= needed - 1e-9

    monkeypatch.setattr(lp_module, "prove", exact)
    assert decide() == certified


def test_a_survey_read_again_gets_its_pattern_back_and_a_changed_one_a_new_one(
    monkeypatch, tmp_path, tiny_path
):
    """A survey read twice: the second reading's pattern is the one decided for the
    first (no second decision), equal to one decided with nothing kept; one answer
    changed, or another min_n, decides anew."""
    from partnerkit import protect
    from partnerkit.privacy import pattern as pattern_module
    from partnerkit.scoring import score_pattern

    decided = []
    original = pattern_module._decide_measure
    monkeypatch.setattr(
        pattern_module, "_decide_measure", lambda *a: decided.append(1) or original(*a)
    )
    monkeypatch.setattr(protect, "_CACHE", [])
    monkeypatch.setattr(pattern_module, "_DECIDED", {})
    path = write_table(tmp_path / "small.csv", _small_groups_frame(np.random.default_rng(15)))
    first = score_pattern(read_survey(path, tiny_path), [], 5)
    count = len(decided)
    assert count == len(first.measures) == 2  # alpha and beta
    again = score_pattern(read_survey(path, tiny_path), [], 5)
    assert again is first and len(decided) == count
    pattern_module._DECIDED.clear()
    fresh = score_pattern(read_survey(path, tiny_path), [], 5)
    assert fresh is not first and fresh.digest == first.digest
    for measure, mp in first.measures.items():
        assert mp.by_hash == fresh.measures[measure].by_hash
    assert score_pattern(read_survey(path, tiny_path), [], 4).digest != first.digest
    changed = read_survey(path, tiny_path)
    answer = changed.data["a1"].iloc[0]
    changed.data.loc[changed.data.index[0], "a1"] = 1 if answer != 1 else 5
    assert score_pattern(changed, [], 5).digest != first.digest


# ------------------------------------------------------------- the known leak


def _mean(records, **labels):
    rows = records
    for key, value in labels.items():
        rows = rows[rows[key].isna()] if value is None else rows[rows[key] == value]
    (row,) = rows[rows["dimension"] == "equality"].to_dict("records")
    return row


def test_the_leak_of_the_issue_without_secondary_suppression(example, no_secondary):
    """2024, Ligeværdighed: public sector and municipality and school shown, police (n=4)
    hidden: (41 * public - 22 * municipality - 15 * school) / 4 = 3.75, by hand."""
    latest = select_rounds(example, ["2024"])
    actors = score_survey(latest, ["actor"]).records
    sectors = score_survey(latest, ["sector"]).records
    public = _mean(sectors, sector="Offentlig")
    municipality = _mean(actors, actor="Kommune")
    school = _mean(actors, actor="Skole/dagtilbud")
    assert (public["n"], municipality["n"], school["n"]) == (41, 22, 15)
    police = (41 * public["mean"] - 22 * municipality["mean"] - 15 * school["mean"]) / 4
    assert police == pytest.approx(3.75)
    assert _mean(actors, actor="Politi")["suppressed"]

    found = audit([score_survey(latest, ["actor"]), score_survey(latest, ["sector"])], example)
    exposed = found.exposed
    row = exposed[(exposed["measure"] == "equality") & (exposed["actor"] == "Politi")]
    assert len(row) == 1
    assert row["low"].iloc[0] == pytest.approx(3.75) and row["high"].iloc[0] == pytest.approx(3.75)
    # gaps prints both tables (actors, and sectors for the focus): one run is enough
    assert not audit([gaps(latest, "actor")], example).ok


def test_the_leak_is_gone(example):
    latest = select_rounds(example, ["2024"])
    runs = [
        score_survey(latest, ["actor"]),
        score_survey(latest, ["sector"]),
        gaps(latest, "actor"),
        score_survey(example, ["actor", "round"]),
        score_survey(example, ["sector", "round"]),
    ]
    found = audit(runs, example)
    assert found.ok, found.exposed
    assert len(found.cells) > 0 and found.cells["sensitive"].any()
    police = _mean(runs[0].records, actor="Politi")
    business = _mean(runs[0].records, actor="Virksomhed")
    assert business["suppressed_reason"] == "min_n"
    assert police["suppressed"] or police["n"] >= 5


def test_a_sector_with_one_actor_type_shows_exactly_when_the_actor_does(example):
    """Almen bolig is the housing organisations alone: one group, one decision."""
    actors = score_survey(example, ["actor", "round"]).records
    sectors = score_survey(example, ["sector", "round"]).records
    a = actors[actors["actor"] == "Boligorganisation"].set_index(["dimension", "round"])
    s = sectors[sectors["sector"] == "Almen bolig"].set_index(["dimension", "round"])
    assert (a["suppressed"] == s["suppressed"].reindex(a.index)).all()
    assert (a["mean"].fillna(-1) == s["mean"].reindex(a.index).fillna(-1)).all()


def test_meta_counts_hidden_groups_per_reason(runner):
    out = invoke(runner, "score", EXAMPLE, "--by", "actor", "--by", "round", "-f", "json")
    document = json.loads(out.stdout)
    counts = document["meta"]["privacy"]["hidden"]
    reasons = pd.Series([r["suppressed_reason"] for r in document["results"]])
    assert counts == {
        "min_n": int((reasons == "min_n").sum()),
        "secondary": int((reasons == "secondary").sum()),
    }
    assert counts["min_n"] > 0 and counts["secondary"] > 0


def test_meta_counts_the_groups_gaps_hides_inside_its_comparisons(runner):
    """gaps' records hold their groups nested (no reason of their own): meta counted 0."""
    out = invoke(runner, "gaps", EXAMPLE, "--between", "actor", "-f", "json")
    document = json.loads(out.stdout)
    groups = [g for key in ("results", "focus") for r in document[key] for g in r["groups"]]
    reasons = pd.Series([g["suppressed_reason"] for g in groups])
    assert document["meta"]["privacy"]["hidden"] == {
        "min_n": int((reasons == "min_n").sum()),
        "secondary": int((reasons == "secondary").sum()),
    }
    assert (reasons == "min_n").sum() > 0


# ------------------------------------------------------------- the attack


EXAMPLE_RUNS = [
    ["score", "--by", "actor"],
    ["score", "--by", "sector"],
    ["score", "--by", "round"],
    ["score", "--by", "area"],
    ["score", "--by", "actor", "--by", "round"],
    ["score", "--by", "sector", "--by", "round"],
    ["score", "--by", "actor", "--by", "area"],
    ["score", "--by", "round", "--by", "area"],
    ["score", "--by", "actor", "--by", "round", "--by", "area"],
    ["score", "--by", "sector", "--by", "area", "--by", "round"],
    ["score", "--by", "actor", "--rounds", "2024"],
    ["score", "--by", "sector", "--rounds", "2024"],
    ["score", "--by", "actor", "--rounds", "2022,2024"],
    ["score", "--by", "actor", "--merge-small"],
    ["gaps", "--between", "actor"],
    ["gaps", "--between", "sector", "--by", "round"],
    ["gaps", "--between", "area", "--by", "actor"],
    ["gaps", "--between", "actor", "--rounds", "2024"],
    ["trend", "--by", "actor"],
    ["trend", "--by", "sector"],
    ["trend", "--by", "area"],
    ["reliability", "--by", "actor"],
    ["reliability", "--by", "sector", "--by", "round"],
    ["areas"],
    ["areas", "--trend"],
]


def _outputs(runner, path, runs, *extra) -> list[dict]:
    documents = []
    for run in runs:
        command, *options = run
        out = invoke(runner, command, path, *extra, *options, "-f", "json", "-q")
        assert out.exit_code == 0, (run, out.stderr)
        documents.append(json.loads(out.stdout))
    return documents


def test_every_command_and_grouping_on_the_example_together(runner, example):
    documents = _outputs(runner, EXAMPLE, EXAMPLE_RUNS)
    found = audit(documents, example)
    assert found.published > 1000
    assert found.ok, found.exposed.head(10).to_string()


def _small_groups_frame(rng) -> pd.DataFrame:
    """Two areas x three rounds; residents 1-4 per area and round, one round of 3 in all."""
    rows = []
    for area in ("North", "South"):
        for round_, residents in (("2022", 1), ("2023", 4), ("2024", 2)):
            size = {"Municipality": 9, "Resident": residents if area == "North" else 3}
            for actor, n in size.items():
                for _ in range(n):
                    rows.append({"Actor": actor, "Round": round_, "Area": area})
    frame = pd.DataFrame(rows)
    for item in ("a1", "a2", "a3", "b1", "b2", "b3", "b4"):
        frame[item] = rng.integers(1, 6, len(frame))
    frame.loc[frame["Actor"] == "Resident", ["a1", "a2", "b1"]] = 5  # distinctive answers
    return frame


SMALL_RUNS = [
    ["score", "--by", "actor"],
    ["score", "--by", "sector"],
    ["score", "--by", "round"],
    ["score", "--by", "area"],
    ["score", "--by", "actor", "--by", "round"],
    ["score", "--by", "actor", "--by", "area"],
    ["score", "--by", "actor", "--by", "round", "--by", "area"],
    ["score", "--by", "actor", "--rounds", "2023,2024"],
    ["gaps", "--between", "actor"],
    ["gaps", "--between", "area", "--by", "round"],
    ["trend", "--by", "actor"],
    ["trend", "--by", "area"],
    ["reliability", "--by", "actor"],
    ["areas"],
]


def test_every_command_on_a_survey_with_groups_of_one_to_four(runner, tmp_path, tiny_path):
    rng = np.random.default_rng(15)
    path = write_table(tmp_path / "small.csv", _small_groups_frame(rng))
    documents = _outputs(runner, path, SMALL_RUNS, "-i", tiny_path, "--min-n", "5")
    survey = read_survey(path, tiny_path)
    found = audit(documents, survey, min_n=5)
    assert found.cells["sensitive"].sum() >= 6  # the small resident groups were attacked
    assert found.ok, found.exposed.head(10).to_string()


def test_a_survey_without_actor_or_round_grouped_by_another_column(runner, tmp_path, tiny_path):
    rng = np.random.default_rng(16)
    teams = ["Board"] * 12 + ["Staff"] * 15 + ["Volunteers"] * 3 + ["Guests"] * 2
    frame = pd.DataFrame({"Team": teams})
    for item in ("a1", "a2", "a3", "b1", "b2", "b3", "b4"):
        frame[item] = rng.integers(1, 6, len(frame))
    path = write_table(tmp_path / "teams.csv", frame)
    runs = [["score", "--by", "Team"], ["reliability", "--by", "Team"]]
    documents = _outputs(runner, path, runs, "-i", tiny_path, "--min-n", "5")
    survey = read_survey(path, tiny_path)
    found = audit(documents, survey, min_n=5)
    assert found.ok, found.exposed.to_string()
    results = documents[0]["results"]
    hidden = {r["Team"] for r in results if r["suppressed"] and r["Team"]}
    assert {"Volunteers", "Guests"} <= hidden


def _teams_and_ages(seed: int) -> pd.DataFrame:
    """60 respondents of the tiny instrument without actor or round: a team and an age
    band, correlated (volunteers are mostly under 30), and the under-30s answering a1
    and b1 near the floor of the scale (1 or 2)."""
    rng = np.random.default_rng(seed)
    team = rng.choice(["Board", "Staff", "Volunteers"], 60, p=[0.3, 0.5, 0.2])
    young = rng.random(60) < np.where(team == "Volunteers", 0.6, 0.15)
    frame = pd.DataFrame({"Team": team, "Age": np.where(young, "Under 30", "30+")})
    for item in ("a1", "a2", "a3", "b1", "b2", "b3", "b4"):
        frame[item] = rng.integers(1, 6, 60)
    low = rng.choice([1, 1, 1, 2], young.sum())
    frame.loc[young, "a1"] = low
    frame.loc[young, "b1"] = low
    return frame


@pytest.mark.parametrize("seed", [0, 3])
@pytest.mark.parametrize("rule", [True, False], ids=["subgroup rule", "rule off"])
def test_runs_by_one_column_each_on_another_instrument(
    runner, tmp_path, tiny_path, monkeypatch, seed, rule
):
    """(b, d) Another instrument, no actor or round column: runs grouped by the team
    alone and by the age band alone, never crossed, audited together. The audit knows
    both columns, so it attacks every team x age cell: no run's pattern saw those cells,
    and the subgroup rule is what protects them. With the rule off the same runs expose
    some (so the attack is real)."""
    from partnerkit import protect
    from partnerkit.privacy import pattern

    if not rule:
        monkeypatch.setattr(pattern, "pins_subgroups", lambda s, n, *_: np.zeros(len(n), bool))
    monkeypatch.setattr(protect, "_CACHE", [])
    path = write_table(tmp_path / "teams.csv", _teams_and_ages(seed))
    runs = [
        ["score", "--by", "Team"],
        ["score", "--by", "Age"],
        ["reliability", "--by", "Team"],
        ["reliability", "--by", "Age"],
        ["gaps", "--between", "Team"],
    ]
    documents = _outputs(runner, path, runs, "-i", tiny_path, "--min-n", "5")
    found = audit(documents, read_survey(path, tiny_path), min_n=5)
    assert found.cells["sensitive"].sum() >= 9
    assert found.ok == rule, found.exposed.head().to_string()


GENDER_RUNS = [
    ["score", "--by", "actor"],
    ["score", "--by", "Køn"],
    ["score", "--by", "Køn", "--by", "actor"],
    ["score", "--by", "sector"],
    ["gaps", "--between", "Køn"],
    ["trend", "--by", "Køn"],
]


def test_an_extra_by_column_and_the_runs_without_it_hold_together(runner, tmp_path):
    """The example with a 'Køn' column ('Andet': 7 respondents, 1-3 per actor type).
    The column enters the pattern of the runs that group by it only; those patterns
    hold the role keys too, so `--by actor` and `--by Køn` together must still pass."""
    from partnerkit.grouping import resolve_keys
    from partnerkit.scoring import score_pattern

    frame = pd.read_excel(EXAMPLE, engine="calamine")
    rng = np.random.default_rng(1)
    frame["Køn"] = rng.choice(["Kvinde", "Mand", "Andet"], len(frame), p=[0.5, 0.47, 0.03])
    path = write_table(tmp_path / "gender.csv", frame)
    documents = _outputs(runner, path, GENDER_RUNS)
    survey = read_survey(path)
    assert "Køn" in score_pattern(survey, resolve_keys(survey, ["Køn"]), 5).cube.keys
    assert "Køn" not in score_pattern(survey, resolve_keys(survey, ["actor"]), 5).cube.keys
    # 'Andet' is 7 of 291 respondents: shown alone, hidden by actor type
    other = [r for r in documents[2]["results"] if r["Køn"] == "Andet" and r["actor"]]
    assert other and all(r["suppressed"] for r in other)
    for runs in ([0, 1], range(len(documents))):
        found = audit([documents[i] for i in runs], survey)
        assert found.cells["sensitive"].any() and found.ok, found.exposed.head().to_string()


def _two_extra_columns(path) -> pd.DataFrame:
    """The example with 'Køn' and 'Alder' (age band), correlated with each other and with
    the actor type: 'Andet' (12 respondents, 1-3 per actor type) mostly under 30,
    residents mostly 60 or over, staff of the municipality mostly 30-59."""
    frame = pd.read_excel(path, engine="calamine")
    rng = np.random.default_rng(7)
    gender = rng.choice(["Kvinde", "Mand", "Andet"], len(frame), p=[0.5, 0.46, 0.04])
    actor = frame["Aktørtype"].astype(str).to_numpy()
    young = np.where(gender == "Andet", 0.7, np.where(actor == "Beboerrepræsentant", 0.05, 0.2))
    old = np.where(actor == "Beboerrepræsentant", 0.7, np.where(actor == "Kommune", 0.05, 0.3))
    draw = rng.random(len(frame))
    frame["Køn"] = gender
    frame["Alder"] = np.where(
        draw < young, "Under 30", np.where(draw < young + old, "60+", "30-59")
    )
    return frame


TWO_COLUMN_RUNS = [
    ["score", "--by", "actor"],
    ["score", "--by", "Køn"],
    ["score", "--by", "Alder"],
    ["score", "--by", "Køn", "--by", "actor"],
    ["score", "--by", "Alder", "--by", "actor"],
    ["score", "--by", "Alder", "--by", "round"],
    ["score", "--by", "Køn", "--by", "Alder"],
    ["gaps", "--between", "Køn"],
]


@pytest.mark.parametrize("nested", [True, False], ids=["nested", "independent"])
def test_runs_by_different_extra_columns_hold_together(runner, tmp_path, monkeypatch, nested):
    """(d) Runs grouped by two different, correlated extra columns, each crossed with
    the role keys, audited together. Each extra column's pattern nests in the pattern
    without it (its groups with the column at "All" keep that pattern's decisions), so
    every run agrees on the groups they share and nothing is exposed. Decided on their
    own (``protect.NESTED`` off, as before), the same runs do expose groups."""
    from partnerkit import protect
    from partnerkit.grouping import resolve_keys
    from partnerkit.scoring import score_pattern

    monkeypatch.setattr(protect, "NESTED", nested)
    monkeypatch.setattr(protect, "_CACHE", [])
    path = write_table(tmp_path / "two.csv", _two_extra_columns(EXAMPLE))
    survey = read_survey(path)
    documents = _outputs(runner, path, TWO_COLUMN_RUNS)
    found = audit(documents, survey)
    assert found.cells["sensitive"].sum() > 50
    assert found.ok == nested, found.exposed.head().to_string()
    if nested:  # the groups the runs share: one decision (the police of 2024, by hand)
        base = score_pattern(survey, [], 5)
        for column in ("Køn", "Alder"):
            own = score_pattern(survey, resolve_keys(survey, [column]), 5)
            police = np.flatnonzero(
                (survey.as_read["actor"] == "police") & (survey.as_read["round"] == "2024")
            )
            for measure in base.measures:
                assert own.decide(measure, own.cells_of(police)) == base.decide(
                    measure, base.cells_of(police)
                )


SURVEYXACT_RUNS = [
    ["score", "--by", "s_2"],
    ["score", "--by", "s_1"],
    ["score", "--by", "s_2", "--by", "s_1"],
    ["score", "--by", "b_1_1"],
    ["score", "--by", "stato_3"],
    ["gaps", "--between", "s_2"],
    ["reliability", "--by", "s_2"],
]


@pytest.mark.skipif(
    not (SHARED_DATA / "surveyxact").is_dir(), reason="../shared/data/surveyxact is not present"
)
def test_a_real_surveyxact_export_every_run_together(runner, tmp_path):
    """The real SurveyXact export (344 pupils, scale 1-4, no actor or round column;
    trend needs rounds it does not have), read in place, grouped by its programme
    (s_2), a two-value column with a group of 1 (s_1), a 14-value one (b_1_1) and a
    status column: the union of every output, through `privacy-check`, exposes nothing."""
    from tests.test_layouts import ELEV

    elev = tmp_path / "elev.toml"
    elev.write_text(ELEV, encoding="utf-8")
    path = SHARED_DATA / "surveyxact" / "ex_survey2.xlsx"
    documents = _outputs(runner, path, SURVEYXACT_RUNS, "-i", elev)
    found = audit(documents, read_survey(path, elev))
    assert found.cells["sensitive"].sum() > 50 and found.ok, found.exposed.head().to_string()
    published = []
    for i, document in enumerate(documents):
        published += ["--published", tmp_path / f"{i}.json"]
        (tmp_path / f"{i}.json").write_text(json.dumps(document), encoding="utf-8")
    out = invoke(runner, "privacy-check", path, "-i", elev, *published, "-f", "json")
    assert out.exit_code == 0, out.stderr
    assert json.loads(out.stdout)["meta"]["exposed"] == 0


def test_privacy_check_command(runner, tmp_path, no_secondary):
    a, s = tmp_path / "a.json", tmp_path / "s.json"
    for by, path in (("actor", a), ("sector", s)):
        out = invoke(runner, "score", EXAMPLE, "--rounds", "2024", "--by", by, "-f", "json")
        path.write_text(out.stdout, encoding="utf-8")
    out = invoke(runner, "privacy-check", EXAMPLE, "-p", a, "-p", s)
    assert out.exit_code == 1
    assert "EXPOSED" in out.stdout
    assert out.stderr.startswith("Error: ") and "hidden group(s) needing protection" in out.stderr


def test_privacy_check_refuses_a_file_that_is_not_an_output(runner, tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text("{", encoding="utf-8")
    out = invoke(runner, "privacy-check", EXAMPLE, "-p", bad)
    assert out.exit_code == 1
    assert out.stderr.startswith(f"Error: {bad}: not a JSON output of partnerkit")


def test_categorical_columns_factorise_as_pandas_does():
    # the pattern's fast path for categorical keys must give pandas' own codes and values
    # (first appearance, missing as a value), or cells and tie-breaks would change
    import numpy as np
    import pandas as pd

    from partnerkit.privacy.pattern import _factorize

    rng = np.random.default_rng(1)
    for _ in range(200):
        values = rng.choice(["a", "b", "c", None, "d"], int(rng.integers(1, 50)))
        column = pd.Series(pd.Categorical(values, categories=["d", "c", "b", "a", "z"]))
        expected_codes, expected_values = pd.factorize(column.astype(object), use_na_sentinel=False)
        codes, found = _factorize(column)
        assert np.array_equal(codes, expected_codes)
        assert [str(v) for v in found] == [str(v) for v in expected_values]


#: Real exports of other platforms, read in place, with two answer columns that have
#: small groups, crossed: (file in tests/test_real_exports.FILES, first --by, second
#: --by). Qualtrics in three vintages (the student
#: survey's choice-text CSV, the vegetable survey's Insights and Legacy CSVs), the same
#: student survey as SPSS, LimeSurvey with codes and with texts (two checkbox columns of
#: its grid: 3 and 5 ticks of 42).
REAL_CROSSED = [
    (
        "surveymonkey/jupyter_2020_all_responses.csv",
        "1. How frequently do you use Jupyter?",
        "2. How long have you been using Jupyter?",
    ),
    (
        "google_forms/2019_English_R_Community_Survey_Responses.xlsx",
        "How would you rate your level of experience using R?",
        "Which statement most closely reflects the primary reason why you learned R?",
    ),
    ("qualtrics/student-satisfaction_CSV_use-choice-text.csv", "Q15_NPS_GROUP", "Q3"),
    ("spss/student-satisfaction_SPSS.sav", "Q15_NPS_GROUP", "Q3"),
    ("qualtrics/No_Basis_for_Evaluation_Insights.csv", "Q1", "Q2_1"),
    ("qualtrics/No_Basis_for_Evaluation_Legacy.csv", "Q1", "Q2_1"),
    (
        "limesurvey/results-survey945827-202004302207-codes.csv",
        "Page2Grid1[Y1_X1]",
        "Page2Grid1[Y2_X3]",
    ),
    (
        "limesurvey/results-survey945827-202004302207.csv",
        "Page2Grid1[Y1_X1]. 1.\tThis class is too stressful. "
        "[No disagreement at all][No agreement at all]",
        "Page2Grid1[Y2_X3]. 1.\tThis class is too stressful. [Slightly disagree][Moderately agree]",
    ),
]
REAL_IDS = ["surveymonkey", "google", "qualtrics-student", "spss", "qualtrics-insights",
            "qualtrics-legacy", "limesurvey-codes", "limesurvey-texts"]  # fmt: skip


def _crossed_runs(first: str, second: str) -> list[list[str]]:
    """Every run a careless user or an attacker would combine: scores and items by each
    column alone and by both crossed, and the gaps between one column's groups."""
    return [
        ["score", "--by", first],
        ["score", "--by", second],
        ["score", "--by", first, "--by", second],
        ["gaps", "--between", first],
        ["reliability", "--by", first],
        ["reliability", "--by", second],
        ["reliability", "--by", first, "--by", second],
    ]


@pytest.mark.skipif(not (SHARED_DATA / "real").is_dir(), reason="../shared/data/real is missing")
@pytest.mark.parametrize(("name", "first", "second"), REAL_CROSSED, ids=REAL_IDS)
@pytest.mark.parametrize("secondary", [True, False], ids=["pattern", "primary only"])
def test_real_exports_every_run_together(
    runner, tmp_path, monkeypatch, name, first, second, secondary
):
    """(c) Real exports of SurveyMonkey, Google Forms, Qualtrics (three vintages), SPSS
    and LimeSurvey (15 to 1,838 respondents), grouped by two answer columns and by both
    crossed (cells of 1-4 respondents): the union of every output exposes no hidden
    group; with only primary suppression (each table on its own, as before issue 15)
    the same outputs do expose some in every file, so the runs are a real attack."""
    from partnerkit import protect

    monkeypatch.setattr(protect, "SECONDARY", secondary)
    monkeypatch.setattr(protect, "_CACHE", [])
    from tests.test_real_exports import real_file

    path, instrument = real_file(name, tmp_path)
    survey = read_survey(path, instrument)
    runs = _crossed_runs(first, second)
    documents = _outputs(runner, path, runs, "-i", instrument)
    found = audit(documents, survey)
    assert found.cells["sensitive"].sum() > 0  # the crossed table has small groups to hide
    assert found.ok == secondary, found.exposed.head().to_string()


STUDENT = "qualtrics/student-satisfaction_CSV_use-choice-text.csv"


@pytest.mark.skipif(not (SHARED_DATA / "real").is_dir(), reason="../shared/data/real is missing")
@pytest.mark.parametrize("rule", [True, False], ids=["subgroup rule", "rule off"])
def test_a_mean_near_the_end_of_the_scale_pins_no_subgroup_another_run_hides(
    runner, tmp_path, monkeypatch, rule
):
    """(d) Runs grouped by different columns. On the student survey (read with pandas
    here) item q7 has 5 answers from "Extremely useful" students (Q3), summing to 9
    (mean 1.8, 1-7 scale), and 3 of the 5 are NPS detractors, a crossed group that
    `score --by Q15_NPS_GROUP --by Q3` hides. By hand: 3x + 2y = 9 with the two others'
    mean y in [1, 7] puts the detractors' mean x in [1, 7/3], 4/3 wide against the
    protection of 1.5. `reliability --by Q3` has no Q15 key, so its pattern cannot know
    that subgroup; the subgroup rule hides the q7 mean of those 5 because it pins every
    4 of them in [1, 2] (shown as "secondary"). With the rule off, the audit of the two
    runs finds exactly the interval worked out by hand."""
    from partnerkit import protect
    from partnerkit.privacy import pattern
    from tests.test_real_exports import STUDENT_LABELS, real_file

    points = {text: p for p, texts in STUDENT_LABELS.items() for text in texts}
    raw = pd.read_csv(SHARED_DATA / "real" / STUDENT, skiprows=[1, 2])
    useful = raw[raw["Q3"] == "Extremely useful"]
    q7 = useful["Q7"].map(points)  # the instrument's item q7 reads column Q7
    assert (q7.count(), q7.sum(), (useful["Q15_NPS_GROUP"] == "Detractor").sum()) == (5, 9, 3)

    if not rule:
        monkeypatch.setattr(pattern, "pins_subgroups", lambda s, n, *_: np.zeros(len(n), bool))
    monkeypatch.setattr(protect, "_CACHE", [])
    path, instrument = real_file(STUDENT, tmp_path)
    runs = [["score", "--by", "Q15_NPS_GROUP", "--by", "Q3"], ["reliability", "--by", "Q3"]]
    documents = _outputs(runner, path, runs, "-i", instrument)
    shown = [
        item
        for record in documents[1]["results"]
        if record["Q3"] == "Extremely useful"
        for item in record["items"]
        if item["item"] == "q7"
    ]
    found = audit(documents, read_survey(path, instrument))
    if rule:
        assert [(i["suppressed"], i["suppressed_reason"]) for i in shown] == [(True, "secondary")]
        assert found.ok, found.exposed.head().to_string()
        return
    assert shown[0]["mean"] == pytest.approx(9 / 5)
    exposed = found.exposed
    assert exposed[["measure", "Q15_NPS_GROUP", "Q3", "n"]].values.tolist() == [
        ["q7", "Detractor", "Extremely useful", 3]
    ]
    assert (exposed["low"].iloc[0], exposed["high"].iloc[0]) == pytest.approx((1.0, 7 / 3))


@pytest.mark.parametrize("seed", range(3))
def test_the_subgroup_rule_agrees_with_linear_programming(seed):
    """pins_subgroups against scipy's linprog: for groups of 5-12 answers on 1-5 and
    1-7 scales with random sums, the narrowest interval of the mean of 1 to min_n - 1
    of them (minimise and maximise their sum given the group's sum and each answer in
    [lo, hi]) is below the protection exactly where the rule says so."""
    from scipy.optimize import linprog

    from partnerkit.privacy.pattern import pins_subgroups

    rng = np.random.default_rng(seed)
    min_n, cases = 5, []
    for lo, hi, protection in ((1, 5, 1.0), (1, 7, 1.5), (1, 5, 1.5)):
        for n in range(5, 13):
            for s in [*rng.uniform(n * lo, n * hi, 6).tolist(), n * lo + 0.5, n * hi - 0.5]:
                cases.append((lo, hi, protection, n, s))
    expected = []
    for lo, hi, protection, n, s in cases:
        equal = dict(A_eq=np.ones((1, n)), b_eq=[s], bounds=[(lo, hi)] * n, method="highs")
        widths = []
        for k in range(1, min_n):  # every size of a subgroup below min_n
            subset = np.r_[np.ones(k), np.zeros(n - k)]
            low, high = linprog(subset, **equal), linprog(-subset, **equal)
            widths.append((-high.fun - low.fun) / k)
        expected.append(min(widths) < protection - 1e-9)
    found = [
        bool(pins_subgroups([s], [n], min_n, (lo, hi), protection)[0])
        for lo, hi, protection, n, s in cases
    ]
    assert found == expected
    assert 0 < sum(found) < len(found)  # both outcomes occur
