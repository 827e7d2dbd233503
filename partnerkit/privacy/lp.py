"""The attack's arithmetic: how well can a hidden group's mean be worked out?

The attacker's model (Hundepool et al., *Statistical Disclosure Control*, 2012, ch. 4
and 5; the audit of tau-ARGUS and R sdcTable): the n of every group may be known
(membership of a partnership is public), so each hidden finest cell ``c`` has a sum
``x_c`` in ``[n_c * scale_min, n_c * scale_max]``; every published (n, mean) pair of a
group is the linear equation ``sum of its cells' x = n * mean``. Minimising and
maximising a hidden group's sum under all those equations (linear programming, HiGHS
through :func:`scipy.optimize.linprog`) gives the interval its mean could lie in. The
group is *protected* when that interval is at least ``protection`` wide (default one
point on a 1-5 scale, scaled to the instrument's scale), otherwise *exposed*.

Cheaper exact reasoning first: cells no published equation touches keep their bounds;
a hidden group whose cells are exactly those of one equation is known exactly; the
rest is solved per connected component, the LPs of many targets stacked into one
block-diagonal problem (two solves per batch).

Proofs without the full LP (sound, not complete), for the audit inside every run:
:func:`box_reach` moves the hidden sums along boxes of cells that keep every
published sum; :func:`certify` solves the LP on the cells near a group.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Sequence

import numpy as np

#: Default protection: this many scale points on a 1-5 scale (scaled to other scales).
DEFAULT_PROTECTION = 1.0

# Variables per stacked LP: HiGHS solves one block-diagonal problem of this size in
# about the time of a few single ones (measured: benchmarks/privacy.py).
_BATCH_VARIABLES = 4000


def scaled_protection(scale_min: float, scale_max: float, points: float | None = None) -> float:
    """``points`` (default 1) on a 1-5 scale, in points of the scale ``[min, max]``."""
    points = DEFAULT_PROTECTION if points is None else points
    return points * (scale_max - scale_min) / 4.0


def resolve_protection(instrument, option: float | None = None) -> float:
    """The protection width in points of the instrument's scale: ``option`` when given
    (checked: positive, at most the scale's range), else the instrument's
    ``protection`` (a project file's is set there when the survey is read), else
    :data:`DEFAULT_PROTECTION` on a 1-5 scale, scaled to the instrument's range."""
    from ..errors import OptionError
    from ..i18n import Message
    from ..instrument import protection_problem

    scale = instrument.scale
    if option is not None:
        problem = protection_problem(option, scale)
        if problem:
            raise OptionError(
                Message("error.option_problem", option="--protection", problem=problem)
            )
        return float(option)
    if instrument.protection is not None:
        return float(instrument.protection)
    return scaled_protection(scale.min, scale.max)


def protection_in(instrument, points: float, lo: float, hi: float) -> float:
    """``points`` of the instrument's scale as the same width on a scale ``lo``..``hi``
    (a relation's own scale): the pattern and the audit both measure it so."""
    own = instrument.scale.max - instrument.scale.min
    return points * (hi - lo) / own if own else points


def sum_bounds(equations, rhs, lower, upper, targets, tolerance=None) -> tuple[np.ndarray, ...]:
    """Smallest and largest value of each target sum under the published equations.

    Parameters
    ----------
    equations
        Sparse (or dense) 0/1 matrix, one row per published equation over the hidden
        variables (a hidden cell's sum).
    rhs
        The known value of each equation's sum.
    lower, upper
        Bounds of each variable (``n * scale_min``, ``n * scale_max``).
    targets
        0/1 matrix, one row per hidden group over the variables.
    tolerance
        Slack per equation (published means are rounded); default ``1e-7`` per unit.

    Returns
    -------
    (low, high)
        Arrays with one value per target.

    Notes
    -----
    Exact linear programming (HiGHS via :func:`scipy.optimize.linprog`), per connected
    component of the variables; a target equal to an equation is returned without LP.
    """
    from scipy import sparse

    eq = sparse.csr_matrix(equations, dtype=float)
    tg = sparse.csr_matrix(targets, dtype=float)
    lower = np.asarray(lower, dtype=float)
    upper = np.asarray(upper, dtype=float)
    rhs = np.asarray(rhs, dtype=float)
    low = np.asarray(tg @ lower).ravel()
    high = np.asarray(tg @ upper).ravel()
    n_vars = len(lower)
    if eq.shape[0] == 0 or tg.shape[0] == 0 or n_vars == 0:
        return low, high
    if tolerance is None:
        tolerance = 1e-7 * np.maximum(1.0, np.abs(rhs))
    tolerance = np.broadcast_to(np.asarray(tolerance, dtype=float), rhs.shape)
    # exact: a target that is one equation (the only hidden member of a published sum)
    eq.sort_indices()
    tg.sort_indices()
    eq_key = {_row(eq, i).tobytes(): i for i in range(eq.shape[0])}
    solved = np.zeros(tg.shape[0], dtype=bool)
    for t in range(tg.shape[0]):
        row = _row(tg, t)
        i = eq_key.get(row.tobytes())
        if i is not None and row.size:
            low[t] = high[t] = rhs[i]
            solved[t] = True
    touched = np.zeros(n_vars, dtype=bool)
    touched[eq.indices] = True
    comp = components(eq)
    for c in np.unique(comp[touched]):
        variables = np.flatnonzero(comp == c)
        # one component of every variable (the usual local problem of certify, 300 a
        # dimension on 1,000 areas): the matrices as they are, not sliced to the same
        # rows and columns in the same order (scipy's slicing was most of each call)
        whole = variables.size == n_vars
        sub_eq = eq if whole else eq[:, variables]
        rows = np.flatnonzero(np.asarray(sub_eq.sum(axis=1)).ravel() > 0)
        sub_t = tg if whole else tg[:, variables]
        wanted = np.flatnonzero((np.diff(sub_t.indptr) > 0) & ~solved)
        if wanted.size == 0:
            continue
        a = sub_eq if whole and rows.size == eq.shape[0] else eq[rows][:, variables]
        moved = sub_t if wanted.size == sub_t.shape[0] else sub_t[wanted]  # every row: as is
        lo, hi = _solve_component(
            a, rhs[rows], tolerance[rows], lower[variables], upper[variables], moved
        )
        # a target spread over components: each part moves on its own
        base_lo = np.asarray(moved @ lower[variables]).ravel()
        base_hi = np.asarray(moved @ upper[variables]).ravel()
        low[wanted] += lo - base_lo
        high[wanted] += hi - base_hi
    return low, high


def components(equations) -> np.ndarray:
    """Connected component of each variable: variables are linked when an equation holds
    both. Numbered in order of their first variable, as
    :func:`scipy.sparse.csgraph.connected_components` numbers them on the graph of
    variables and equations (which imports scipy.sparse.linalg and scipy.linalg,
    0.06 s: a quarter of the 3,000-row benchmark survey's pattern without its LPs).

    Each variable takes the smallest label among the equations it is in, each
    equation the smallest among its variables, and labels point along (pointer
    jumping), until nothing changes: labels only fall, each is a variable of the
    same component, and a fixpoint is constant on every component, so it is the
    component's first variable. Vectorised, a few rounds (``eq.T @ eq`` has a
    margin's cells squared: 14,000 hidden cells took gigabytes).
    """
    from scipy import sparse

    eq = sparse.csr_matrix(equations)
    n_eq, n_vars = eq.shape
    label = np.arange(n_vars)
    if n_eq == 0 or eq.nnz == 0:
        return label
    filled = np.flatnonzero(np.diff(eq.indptr) > 0)
    starts = eq.indptr[filled]
    lengths = np.diff(eq.indptr)[filled]
    cells = eq.indices
    while True:
        lowest = np.minimum.reduceat(label[cells], starts)  # per equation
        new = label.copy()
        np.minimum.at(new, cells, np.repeat(lowest, lengths))
        while True:  # point along: a label's own label is as small or smaller
            jumped = new[new]
            if (jumped == new).all():
                break
            new = jumped
        if (new == label).all():
            break
        label = new
    _, number = np.unique(label, return_inverse=True)
    return number.reshape(-1)


def _row(matrix, i: int) -> np.ndarray:
    """Column indices of row ``i`` of a CSR matrix (sorted), without building a matrix."""
    return matrix.indices[matrix.indptr[i] : matrix.indptr[i + 1]]


def _solve_component(a, rhs, tol, lower, upper, targets):
    """Min and max of each target row over ``{x : a x = rhs (within tol), lower <= x <= upper}``.

    The minimum and the maximum of many targets are one block-diagonal LP (a copy of
    the variables per target and direction: blocks do not interact, so minimising the
    sum minimises each), in batches of about ``_BATCH_VARIABLES`` variables; the
    block-diagonal matrix is HiGHS's arrays of ``a``'s repeated (:class:`_BlockDiagonal`).
    """
    from scipy import sparse

    a = sparse.csr_matrix(a)
    a_csc = a.tocsc()
    n_vars = a.shape[1]
    n_t = targets.shape[0]
    low, high = np.empty(n_t), np.empty(n_t)
    per = max(1, _BATCH_VARIABLES // max(2 * n_vars, 1))
    for start in range(0, n_t, per):
        block = targets if per >= n_t else targets[start : start + per]
        k = block.shape[0]
        dense = np.asarray(block.todense())
        c = np.concatenate([dense.ravel(), -dense.ravel()])
        big = _BlockDiagonal(a, a_csc, 2 * k)
        x = _linprog(c, big, np.tile(rhs, 2 * k), np.tile(tol, 2 * k), lower, upper, 2 * k)
        x = x.reshape(2 * k, n_vars)
        low[start : start + k] = (dense * x[:k]).sum(axis=1)
        high[start : start + k] = (dense * x[k:]).sum(axis=1)
    return low, high


class _BlockDiagonal:
    """``copies`` copies of ``a`` on the diagonal (``scipy.sparse.kron(identity, a)``), as
    :class:`_Solver` uses it: its CSC arrays, repeated with offsets, for HiGHS, and its
    product with a point, block by block. The same arrays and the same sums, in the same
    order, as the kron's (tests/test_disclosure.py), without building it: on 1,000 area
    files ``kron`` and the conversions around it took more than HiGHS (issue 23)."""

    def __init__(self, a, a_csc, copies: int):
        self.small, self.small_csc, self.copies = a, a_csc, copies
        self.shape = (copies * a.shape[0], copies * a.shape[1])

    def csc(self) -> _Arrays:
        """The CSC arrays of the whole matrix."""
        a, copies = self.small_csc, self.copies
        offsets = np.arange(copies, dtype=a.indptr.dtype)
        start = (offsets[:, None] * a.nnz + a.indptr[None, :-1]).ravel()
        start = np.append(start, np.asarray(copies * a.nnz, dtype=start.dtype))
        index = (offsets[:, None].astype(a.indices.dtype) * a.shape[0] + a.indices).ravel()
        return _Arrays(self.shape, start, index, np.tile(a.data, copies))

    def matrix(self):
        """The matrix itself (for :func:`scipy.optimize.linprog`)."""
        from scipy import sparse

        return sparse.kron(sparse.identity(self.copies, format="csr"), self.small, format="csr")

    def __matmul__(self, x: np.ndarray) -> np.ndarray:
        points = np.asarray(x).reshape(self.copies, self.small.shape[1])
        return np.asarray(self.small @ points.T).T.ravel()


class _Arrays:
    """A CSC matrix as the arrays HiGHS takes (see :func:`_highs_lp`)."""

    def __init__(self, shape, indptr, indices, data):
        self.shape, self.indptr, self.indices, self.data = shape, indptr, indices, data


def _linprog(c, a, rhs, tol, lower, upper, copies):
    """One HiGHS solve: equalities first; published means are rounded, so if those
    cannot all hold, again with each sum allowed its tolerance."""
    from scipy import sparse
    from scipy.optimize import linprog

    from ..errors import PartnerkitError
    from ..i18n import Message

    x = _direct(c, a, rhs, np.tile(lower, copies), np.tile(upper, copies))
    if x is not None:
        return x
    if isinstance(a, _BlockDiagonal):
        a = a.matrix()
    bounds = np.column_stack([np.tile(lower, copies), np.tile(upper, copies)])
    res = linprog(c, A_eq=a, b_eq=rhs, bounds=bounds, method="highs")
    if res.status == 2:  # infeasible: rounding
        a_ub = sparse.vstack([a, -a], format="csr")
        b_ub = np.concatenate([rhs + tol, -(rhs - tol)])
        res = linprog(c, A_ub=a_ub, b_ub=b_ub, bounds=bounds, method="highs")
    if res.status != 0:
        raise PartnerkitError(Message("error.published_contradict"))
    return res.x


def _direct(c, a, rhs, lower, upper) -> np.ndarray | None:
    """The optimum of ``min c @ x`` subject to ``a x = rhs`` and bounds, by the HiGHS
    bindings of :class:`_Solver` (:func:`~scipy.optimize.linprog` checks and converts
    its inputs first: on 200 areas x 10 rounds its 1,100 calls spent 2.7 s of 11 s
    there); None when the bindings are missing (or ``WARM`` is off) or no checked
    optimum was found, so that linprog decides and reports."""
    solver = _Solver(a, rhs, lower, upper)
    return None if solver.highs is None else solver.minimise(c)


# Rounds of shared points in :func:`prove` (two LPs each) at most; they stop earlier
# when a round proves fewer than _POINT_GAIN targets, whose own LPs cost about as
# much. On the crossed --by Køn --by Alder pattern of the two-column example (152
# hidden cells, 353 of its targets) 11 rounds left 3 targets, one of them exposed:
# 22 LPs of 152 variables instead of 2 x 353.
_POINT_ROUNDS = 16
_POINT_GAIN = 3
# Most cells :func:`prove` puts in one LP (one LP of 14,000 hidden cells took 1 s; the
# pattern's audit calls it up to FULL_LP_CELLS hidden cells, the boxes decide above).
_POINT_CELLS = 3_000


def prove(
    equations, truth, lower, upper, targets, needed, *, exact=False, seed=15, shared=None,
    names=None, bases=None,
):  # fmt: skip
    """Targets proved protected by feasible points that many targets share.

    Every point ``x`` with ``equations @ x = equations @ truth`` and ``lower <= x <=
    upper`` is consistent with everything published, so a target whose sum differs
    by at least ``needed`` between two such points has an LP interval at least that
    wide: it is protected, without solving its own two LPs (the LP's minimum is at
    most the lower value, its maximum at least the higher). The points come from
    LPs whose objective is every unproved target at once, each with a random sign
    (weighted by ``1 / needed``), solved in both directions: each such pair pushes
    every target one way and then the other, and one pair proves many targets.
    Rounds repeat on the targets left while a round proves some. The truth is the
    first point. A point is used only when it satisfies every equation and bound up
    to a relative ``1e-7`` (HiGHS's own tolerance), and a width only when it exceeds
    ``needed`` by a relative ``1e-6`` (a point within the tolerance lies that close
    to an exactly feasible one; with ``exact``, see below).

    With ``exact``, each target left then gets its own LPs, the maximum first and
    the minimum only when the maximum does not prove it (every point found is
    shared with the other targets left): a target still short has its exact LP
    interval, narrower than ``needed``. Its test, a width of at least ``needed``
    less a relative ``1e-9`` (a tie is protected), is then also the test of the
    shared points: the target's own optima lie at least as far apart as any two
    points (checked the same way as the optima), so a target the points take that
    far would pass it after its own LPs too, and needs none. The partition rule makes
    ties common: a hidden cell of 4 respondents whose only hidden sibling has 1 moves
    exactly 4 points (on the 3,000-row benchmark survey, 6-10 targets per measure,
    each of which took its own two LPs: 234 LPs in all before, 69 now).

    ``shared`` (a :class:`Proofs`) carries what calls with the same equations and
    bounds but another truth (the measures of a pattern with the same hidden set)
    share: the directions of the points found (each keeps every published sum), tried
    first, and the warm LPs, whose right-hand side is changed instead of building them
    again.

    ``names`` (an integer per variable: the same cell has the same name in every call)
    and ``bases`` (a :class:`Bases`) carry optimal bases from call to call (the other
    measures of a pattern, with other hidden sets; the audit's next round): some LPs
    start from the basis the same LP of an earlier call ended with (see
    :class:`Bases`), and a target's
    random sign in each round is a function of its cells' names, so that the same LP
    of two calls has nearly the same objective.

    Only targets whose connected components hold at most ``_POINT_CELLS`` cells
    together are tried; each LP holds the components of the targets it moves. Without
    ``exact``, sound, not complete: a target it leaves needs the exact LP
    (:func:`sum_bounds`).

    Returns
    -------
    numpy.ndarray
        Boolean mask of the targets proved protected.
    """
    from scipy import sparse

    eq = sparse.csr_matrix(equations, dtype=float)
    tg = sparse.csr_matrix(targets, dtype=float)
    n_t = tg.shape[0]
    done = np.zeros(n_t, dtype=bool)
    if n_t == 0 or eq.shape[1] == 0:
        return done
    truth = np.asarray(truth, dtype=float)
    lower = np.asarray(lower, dtype=float)
    upper = np.asarray(upper, dtype=float)
    needed = np.asarray(needed, dtype=float)
    rhs = eq @ truth
    n_vars = eq.shape[1]
    comp = components(eq)
    size = np.bincount(comp)
    lengths = np.diff(tg.indptr)
    # the cells of each target's components together
    owner = np.repeat(np.arange(n_t, dtype=np.int64), lengths)
    pairs = np.unique(owner * size.size + comp[tg.indices])
    span = np.bincount(pairs // size.size, weights=size[pairs % size.size], minlength=n_t)
    low, high = tg @ truth, tg @ truth
    left = np.flatnonzero((lengths > 0) & (span <= _POINT_CELLS))

    if shared is not None and not shared.holds(eq, lower, upper):
        shared = None  # other equations or bounds: nothing of theirs applies
    # per set of components: its cells, its equations and its LP
    solvers: dict[bytes, tuple] = {} if shared is None else shared.solvers
    current: set[bytes] = set()  # the LPs whose right-hand side is this truth's
    points: list[np.ndarray] = []
    built: set[bytes] = set()  # the LPs built in this call
    if names is None:
        bases = None
    else:  # a name per cell, per equation (its cells') and per target (its cells')
        names = _mix(names)
        row_names = _row_sums(eq, names)
        target_names = _row_sums(tg, names)

    def reach(objective_rows, weights, number=None) -> bool:
        """Minimise ``weights @ objective_rows @ x`` on their components; share the point.
        ``number`` names the LP for ``bases``."""
        # the objective over every variable, without slicing the sparse targets (each
        # slice took 0.1 ms: 0.07 s of small.csv's pattern)
        per_target, moved = np.zeros(n_t), np.zeros(n_t, dtype=bool)
        per_target[objective_rows], moved[objective_rows] = weights, True
        held = np.unique(comp[tg.indices[moved[owner]]]).tobytes()
        fresh = held not in solvers
        if fresh:
            cells = np.flatnonzero(np.isin(comp, np.frombuffer(held, dtype=comp.dtype)))
            rows = np.flatnonzero(np.diff(eq[:, cells].tocsr().indptr) > 0)
            solver = _Solver(eq[rows][:, cells], rhs[rows], lower[cells], upper[cells])
            solvers[held] = (cells, rows, solver)
            current.add(held)
            built.add(held)
        cells, rows, solver = solvers[held]
        if held not in current:  # kept from another truth: the same LP, this rhs
            solver.set_rhs(rhs[rows])
            current.add(held)
        # a basis carried from an earlier call: for an LP built here, its first LP and
        # the first rounds' (whose targets are nearly those of the earlier call)
        carry = bases is not None and number is not None and held in built
        carry = carry and (fresh or (number[0] == "round" and number[1] < _CARRIED_ROUNDS))
        if carry:
            bases.start(number, solver, names[cells], row_names[rows])
        objective = np.bincount(tg.indices, per_target[owner] * tg.data, minlength=n_vars)
        x = solver.minimise(objective[cells])
        if carry:
            bases.keep(number, solver, names[cells], row_names[rows])
        if x is None:
            return False
        point = truth.copy()
        point[cells] = x
        points.append(point)
        reached = (tg @ point)[left]
        low[left] = np.minimum(low[left], reached)
        high[left] = np.maximum(high[left], reached)
        return True

    # the width that proves a target (see the docstring): with a margin, or exact's test
    enough = needed * (1 - 1e-9) - 1e-9 if exact else needed * (1 + 1e-6) + 1e-9

    def settle() -> None:
        nonlocal left
        proved = high[left] - low[left] >= enough[left]
        done[left[proved]] = True
        left = left[~proved]

    if shared is not None and left.size:
        # the points other truths found, moved to this one (see Proofs.reach)
        ends = shared.reach(eq, rhs, truth, lower, upper)
        if ends.shape[1]:
            reached = tg[left] @ ends
            low[left] = np.minimum(low[left], reached.min(axis=1))
            high[left] = np.maximum(high[left], reached.max(axis=1))
            settle()
    rng = np.random.default_rng(seed)
    for round_ in range(_POINT_ROUNDS):
        before = left.size
        if before <= _POINT_GAIN:
            break
        if names is None:
            sign = rng.choice([-1.0, 1.0], before) / needed[left]
        else:  # a coin per target and round from its cells' names
            coin = _mix(target_names[left] + np.uint64(round_)) >> np.uint64(63)
            sign = np.where(coin == 1, 1.0, -1.0) / needed[left]
        chosen = left.copy()
        for k, direction in enumerate((1.0, -1.0)):
            reach(chosen, direction * sign, ("round", round_, k))
        settle()
        if before - left.size < _POINT_GAIN:
            break
    if not exact:
        return done
    for t in left.copy():
        if done[t]:
            continue
        one = np.array([t])
        name = None if names is None else int(target_names[t])
        if not reach(one, np.array([-1.0]), ("max", name)):  # the maximum
            continue
        settle()
        if done[t] or not reach(one, np.array([1.0]), ("min", name)):  # the minimum
            continue
        settle()  # both optima found: the exact interval decides
        left = left[left != t]
    if shared is not None:
        shared.add(points, truth)
    return done


def _mix(values) -> np.ndarray:
    """splitmix64 of each value (uint64): names that look random, the same in every call."""
    x = np.asarray(values).astype(np.uint64) + np.uint64(0x9E3779B97F4A7C15)
    x = (x ^ (x >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    x = (x ^ (x >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return x ^ (x >> np.uint64(31))


def _row_sums(matrix, names: np.ndarray) -> np.ndarray:
    """Per row of a CSR 0/1 matrix, the sum of its columns' names (uint64, wrapping): a
    name of the row's set of cells."""
    out = np.zeros(matrix.shape[0], dtype=np.uint64)
    filled = np.flatnonzero(np.diff(matrix.indptr) > 0)
    if filled.size:
        out[filled] = np.add.reduceat(names[matrix.indices], matrix.indptr[filled])
    return out


_CARRIED_ROUNDS = 2  # rounds of prove whose LPs start from a carried basis (see Bases)


class Bases:
    """The optimal bases of :func:`prove`'s LPs, by the LP's number in its call, with
    the names of their columns (cells) and rows (published sums), for the same LP of
    the next call (another measure of the pattern, with another hidden set, or the
    audit's next round) to start from.

    A basis of another model is "alien" to HiGHS: its columns and rows are matched by
    name (a new cell at its lower bound, a new sum's slack basic), and HiGHS completes
    it to a basis of the new model before the simplex starts. Only the start changes:
    every point found is checked (:func:`_feasible`) and the proofs are the same
    (:func:`prove` decides each target by its exact interval, whichever points come
    first). On the 3,000-row benchmark survey the first two LPs of a measure took
    about 230 and 360 simplex iterations (7 and 8.5 ms) from nothing, 90 and 150
    (2.9 and 5 ms) from the bases of the measure before: its audit's LPs 0.40 ->
    0.21 s. Carried are only the LPs of the first ``_CARRIED_ROUNDS`` rounds, whose
    targets are nearly the same from call to call (after two rounds about 10 of 416
    targets are left, and they differ), and an LP's first solve: later rounds start
    better from the round before (with every round carried, the crossed pattern of the
    two-column example, 11 rounds a measure, took 0.9 s instead of 0.7 s; as it is,
    within noise of 0.65 s either way; the second round carried too: small.csv's
    pattern 0.30 -> 0.27 s).
    """

    def __init__(self):
        self.saved: dict = {}

    def start(self, number, solver: _Solver, columns: np.ndarray, rows: np.ndarray) -> None:
        """Give ``solver`` the basis LP ``number`` ended with last time, when there was one."""
        found = self.saved.get(number)
        if found is None or solver.highs is None:
            return
        core = _highs_core()
        status = core.HighsBasisStatus
        basis = core.HighsBasis()
        basis.col_status = _matched(found[0], found[1], columns, status.kLower)
        basis.row_status = _matched(found[2], found[3], rows, status.kBasic)
        basis.alien = True
        highs = solver.highs[0]
        highs.setBasis(basis)
        highs.setOptionValue("simplex_strategy", _DUAL)

    def keep(self, number, solver: _Solver, columns: np.ndarray, rows: np.ndarray) -> None:
        """Remember the basis LP ``number`` ended with, by the names of its columns and rows."""
        if solver.highs is None:
            return
        basis = solver.highs[0].getBasis()
        if basis.valid:
            self.saved[number] = (columns, basis.col_status, rows, basis.row_status)


def _matched(names: np.ndarray, status: list, wanted: np.ndarray, default) -> list:
    """The status of each name in ``wanted`` (``default`` for names not in ``names``)."""
    if not len(names):
        return [default] * len(wanted)
    order = np.argsort(names, kind="stable")
    at = order[np.minimum(np.searchsorted(names, wanted, sorter=order), len(names) - 1)]
    at[names[at] != wanted] = -1
    return [default if i < 0 else status[i] for i in at.tolist()]


class Proofs:
    """What :func:`prove` calls on the same equations and bounds share, whatever the
    truth: the directions of their points, and their warm LPs.

    A point ``p`` found for truth ``x_A`` keeps every published sum of ``x_A``, so ``d =
    p - x_A`` (and the difference of two such points) has ``equations @ d = 0``: for
    another truth ``x_B`` every ``x_B + a d`` keeps every published sum of ``x_B``, and
    it is a feasible point of ``x_B`` for every ``a`` in ``[a_lo, a_hi]`` where ``lower
    <= x_B + a d <= upper`` (computed per cell, vectorised). So the two ends of that
    range are points of ``x_B`` that :func:`prove` shares with every target like its own
    points, checked the same way (:func:`_feasible`: every equation and bound up to a
    relative ``1e-7``; the residual ``a * equations @ d`` of a point found within
    HiGHS's tolerance is in that check). Targets those ends prove need no LP; the
    others get :func:`prove`'s own rounds and LPs, whose points join the directions.
    The truth itself is ``a = 0``: both ends lie on either side of it.

    Measured on the 3,000-row benchmark survey with every answer given (10 measures
    with the same respondents, 580 hidden cells, about 410 targets each), the
    directions of the measures before proved 75-93 % of each measure's targets.
    """

    #: Most directions kept (the latest): each costs a column of a dense
    #: (variables x directions) product per call.
    KEEP = 96

    def __init__(self):
        self.solvers: dict[bytes, tuple] = {}
        self.directions: list[np.ndarray] = []
        self._key: tuple | None = None

    def holds(self, eq, lower, upper) -> bool:
        """Whether these are the equations and bounds of the calls before (taken then
        from the first call)."""
        key = (
            eq.shape,
            eq.indptr.tobytes(),
            eq.indices.tobytes(),
            eq.data.tobytes(),
            np.ascontiguousarray(lower).tobytes(),
            np.ascontiguousarray(upper).tobytes(),
        )
        if self._key is None:
            self._key = key
        return key == self._key

    def add(self, points: list[np.ndarray], truth: np.ndarray) -> None:
        """Directions of the points found for ``truth``: each from the truth, and the
        difference of each pair (a round's two points push every target both ways)."""
        moves = [p - truth for p in points]
        moves += [a - b for a, b in zip(points[0::2], points[1::2], strict=False)]
        for d in moves:
            # components at rounding noise would stop a move at a cell on its bound
            d = np.where(np.abs(d) > 1e-9 * max(1.0, float(np.abs(d).max())), d, 0.0)
            if d.any():
                self.directions.append(d)
        del self.directions[: -self.KEEP]

    def reach(self, eq, rhs, truth, lower, upper) -> np.ndarray:
        """``(variables, points)``: the ends ``truth + a d`` of every direction that are
        feasible points of ``truth`` (see the class docstring)."""
        if not self.directions:
            return np.zeros((truth.size, 0))
        return _line_ends(eq, rhs, truth, lower, upper, np.stack(self.directions, axis=1))


def _line_ends(eq, rhs, truth, lower, upper, d) -> np.ndarray:
    """``(variables, points)``: for each column of ``d`` (a direction with ``eq @ d = 0``
    up to rounding), the two ends of ``{truth + a d : lower <= truth + a d <= upper}``,
    the truth being feasible (``a = 0``); only ends that pass :func:`_feasible`'s check
    (every equation and bound up to a relative ``1e-7``), vectorised."""
    up, down = (upper - truth)[:, None], (lower - truth)[:, None]
    with np.errstate(divide="ignore", invalid="ignore"):
        forward = np.where(d > 0, up / d, np.where(d < 0, down / d, np.inf))
        backward = np.where(d > 0, down / d, np.where(d < 0, up / d, -np.inf))
    a_hi = np.maximum(forward.min(axis=0), 0.0)
    a_lo = np.minimum(backward.max(axis=0), 0.0)
    moved = np.isfinite(a_hi) & np.isfinite(a_lo) & (a_hi - a_lo > 0)
    ends = np.concatenate([truth[:, None] + d * a_lo, truth[:, None] + d * a_hi], axis=1)
    ends = ends[:, np.concatenate([moved, moved])]
    scale = np.maximum(1.0, np.abs(rhs))[:, None]
    width = np.maximum(1.0, np.abs(upper))[:, None]
    ok = (
        (np.abs(eq @ ends - rhs[:, None]) <= 1e-7 * scale).all(axis=0)
        & (ends >= lower[:, None] - 1e-7 * width).all(axis=0)
        & (ends <= upper[:, None] + 1e-7 * width).all(axis=0)
    )
    return ends[:, ok]


class _Solver:
    """LPs ``min c @ x`` subject to ``a x = rhs`` and bounds, for many objectives ``c``.

    HiGHS kept warm: the model is passed once and each objective starts from the last
    optimal basis (the constraints do not change, so it stays feasible). On the
    crossed pattern's 152 hidden cells an LP took 2 ms so, 8 ms through
    :func:`scipy.optimize.linprog`, which builds and presolves the model each time.
    The HiGHS bindings are scipy's own (``scipy.optimize._highspy``, scipy 1.15 on,
    the API of the ``highspy`` package); without them, :func:`~scipy.optimize.linprog`.
    A point is returned only when it passes :func:`_feasible`.
    """

    def __init__(self, a, rhs, lower, upper):
        from scipy import sparse

        blocks = isinstance(a, _BlockDiagonal)
        self.a = a if blocks else sparse.csr_matrix(a)
        self.rhs, self.lower, self.upper = rhs, lower, upper
        csc = a.csc() if blocks else sparse.csc_matrix(a)
        self.highs = _warm_highs(csc, rhs, lower, upper) if a.shape[0] else None

    def set_rhs(self, rhs: np.ndarray) -> None:
        """Another right-hand side for the same equations (another measure's truth): the
        warm model keeps its matrix and its last basis, which stays dual feasible, so
        HiGHS's dual simplex starts from it."""
        self.rhs = rhs
        if self.highs is not None:
            highs = self.highs[0]
            for i, value in enumerate(np.asarray(rhs, dtype=float).tolist()):
                highs.changeRowBounds(i, value, value)
            highs.setOptionValue("simplex_strategy", _DUAL)  # the basis is dual feasible

    def minimise(self, objective: np.ndarray) -> np.ndarray | None:
        a, rhs, lower, upper = self.a, self.rhs, self.lower, self.upper
        if a.shape[0] == 0:  # no published sum holds these cells: each at its own bound
            return np.where(objective > 0, lower, upper)
        if self.highs is not None:
            highs, optimal = self.highs
            highs.changeColsCost(len(objective), np.arange(len(objective), dtype=np.int32),
                                 np.asarray(objective, dtype=float))  # fmt: skip
            highs.run()
            # the next objective starts from this optimum, a feasible basis: the primal
            # simplex continues from it (0.7 ms an LP on small.csv's 580 hidden cells,
            # where the dual simplex, HiGHS's default, took 3.9 ms)
            highs.setOptionValue("simplex_strategy", _PRIMAL)
            if highs.getModelStatus() != optimal:
                return None
            x = np.asarray(highs.getSolution().col_value, dtype=float)
        else:
            from scipy.optimize import linprog

            if isinstance(a, _BlockDiagonal):
                a = a.matrix()
            res = linprog(objective, A_eq=a, b_eq=rhs, bounds=np.column_stack([lower, upper]),
                          method="highs")  # fmt: skip
            if res.status != 0:
                return None
            x = res.x
        return x if _feasible(a, rhs, lower, upper, x) else None


_DUAL, _PRIMAL = 1, 4  # HiGHS's simplex_strategy values

#: Use HiGHS directly, kept warm between objectives (a switch for the test that
#: compares it with :func:`scipy.optimize.linprog`).
WARM = True


def _warm_highs(a_csc, rhs, lower, upper):
    """A HiGHS instance holding ``{x : a x = rhs, lower <= x <= upper}`` and the status
    of an optimum, or None when scipy's bindings are missing (or ``WARM`` is off)."""
    if not WARM:
        return None
    try:
        return _pass_model(_highs_core(), a_csc, rhs, lower, upper)
    except (ImportError, AttributeError, TypeError):  # scipy < 1.15, or bindings changed
        return None


_CORE = "scipy.optimize._highspy._core"


def _highs_core():
    """scipy's HiGHS bindings, the extension ``scipy.optimize._highspy._core``, loaded
    from its file when :mod:`scipy.optimize` is not imported yet: importing the
    package first imports all of it (linprog, minimize, scipy.linalg), 0.20 s of the
    3,000-row benchmark survey's 1.3 s, where the extension alone takes 0.015 s
    (machine paused). It is registered under its own name, so that an import of
    :mod:`scipy.optimize` later (``milp``, ``linprog``) uses the same module.

    Loaded once under a lock: the pattern's measures are decided on threads, and a
    second thread read the module from ``sys.modules`` while the first was still
    running it (``no attribute '_Highs'``, 12 of 20 tries with two threads started
    together)."""
    if _LOADED:
        return _LOADED[0]
    with _CORE_LOCK:
        if not _LOADED:
            _LOADED.append(_load_highs_core())
    return _LOADED[0]


_LOADED: list = []  # the bindings, once loaded whole
_CORE_LOCK = threading.Lock()


def _load_highs_core():
    import sys

    found = sys.modules.get(_CORE)
    if found is not None:
        return found
    if "scipy.optimize" not in sys.modules:
        import importlib.machinery
        import importlib.util
        from pathlib import Path

        import scipy

        for folder in scipy.__path__:
            for suffix in importlib.machinery.EXTENSION_SUFFIXES:
                path = Path(folder, "optimize", "_highspy", f"_core{suffix}")
                spec = importlib.util.spec_from_file_location(_CORE, path)
                if spec is None or not path.is_file():
                    continue
                module = importlib.util.module_from_spec(spec)
                sys.modules[_CORE] = module
                try:
                    spec.loader.exec_module(module)
                except BaseException:
                    del sys.modules[_CORE]
                    raise
                return module
    from scipy.optimize._highspy import _core

    return _core


def _highs_lp(_core, a_csc, cost, lower, upper, row_lower, row_upper):
    """HiGHS's model of ``min cost @ x`` with ``row_lower <= a x <= row_upper`` and
    ``lower <= x <= upper`` (``a_csc``: a scipy CSC matrix), as :func:`scipy.optimize.milp`
    and ``linprog`` build it."""
    lp = _core.HighsLp()
    rows, columns = a_csc.shape
    lp.num_col_, lp.num_row_ = columns, rows
    lp.col_cost_ = np.asarray(cost, float)
    lp.col_lower_, lp.col_upper_ = np.asarray(lower, float), np.asarray(upper, float)
    lp.row_lower_, lp.row_upper_ = np.asarray(row_lower, float), np.asarray(row_upper, float)
    matrix = lp.a_matrix_
    matrix.format_ = _core.MatrixFormat.kColwise
    matrix.num_col_, matrix.num_row_ = columns, rows
    matrix.start_, matrix.index_ = a_csc.indptr, a_csc.indices
    matrix.value_ = a_csc.data.astype(np.float64, copy=False)
    return lp


def _pass_model(_core, a_csc, rhs, lower, upper):
    """A HiGHS instance holding :func:`_highs_lp`'s model of ``{x : a x = rhs, lower <= x
    <= upper}`` (zero cost), passed as arrays: filling a ``HighsLp`` converts each array
    element by element (1.8 ms a model of small.csv's 580 hidden cells, 17 models a
    pattern), the array form of ``passModel`` copies them (0.4 ms). Every column is
    marked continuous, which HiGHS solves as the LP it is (the same solutions and
    simplex iterations on every LP of small.csv's pattern; issue 23)."""
    highs = _core._Highs()
    highs.setOptionValue("output_flag", False)
    rows, columns = a_csc.shape
    highs.passModel(
        columns, rows, a_csc.nnz, int(_core.MatrixFormat.kColwise),
        int(_core.ObjSense.kMinimize), 0.0, np.zeros(columns),
        np.asarray(lower, dtype=np.float64), np.asarray(upper, dtype=np.float64),
        np.asarray(rhs, dtype=np.float64), np.asarray(rhs, dtype=np.float64),
        a_csc.indptr.astype(np.int32), a_csc.indices.astype(np.int32),
        a_csc.data.astype(np.float64), np.zeros(columns, dtype=np.int32),
    )  # fmt: skip
    return highs, _core.HighsModelStatus.kOptimal


def integer_program(c, a, lower, upper, node_limit: int, rel_gap: float) -> np.ndarray | None:
    """``min c @ x`` over integer ``x`` with ``a x >= 0`` and ``lower <= x <= upper``:
    the optimum (or the best solution found within ``node_limit`` branch-and-bound
    nodes), or None when none was found.

    The model and options that :func:`scipy.optimize.milp` passes to HiGHS (the same
    arrays, ``log_to_console`` off, ``mip_max_nodes``, ``mip_rel_gap``) and its test of
    the outcome, through scipy's HiGHS bindings loaded alone (:func:`_highs_core`):
    importing :mod:`scipy.optimize` for ``milp`` took 0.3 s of the report on the
    example, and HiGHS, deterministic, returns the same solution for the same model
    (the same 53 solutions as ``milp`` on the report's programs). Without the bindings,
    ``milp`` itself.

    One option more: HiGHS's feasibility-jump heuristic off (HiGHS 1.12). On the 53
    programs of the report on the example it found no solution the others did not, and
    the programs took 12-15 % less CPU without it (3.3-3.5 s against 3.9-4.1 s in four
    runs each, loaded machine), every solution the same (issue 23).
    """
    from scipy import sparse

    a = sparse.csc_matrix(a)
    c, lower, upper = (np.asarray(v, dtype=np.float64) for v in (c, lower, upper))
    try:
        _core = _highs_core()
        highs, options = _core._Highs(), _core.HighsOptions()
        rows, columns = a.shape
        lp = _highs_lp(_core, a, c, lower, upper, np.zeros(rows), np.full(rows, np.inf))
    except (ImportError, AttributeError):  # scipy < 1.15, or bindings changed
        return _milp(c, a, lower, upper, node_limit, rel_gap)
    options.log_to_console = False
    options.mip_max_nodes = node_limit
    options.mip_rel_gap = rel_gap
    lp.integrality_ = [_core.HighsVarType(1)] * columns  # kInteger
    error = _core.HighsStatus.kError
    if highs.passOptions(options) == error or highs.passModel(lp) == error:
        return None
    highs.setOptionValue("mip_heuristic_run_feasibility_jump", False)  # absent before 1.12
    if highs.run() == error:
        return None
    status, found = highs.getModelStatus(), _core.HighsModelStatus
    stopped = (found.kTimeLimit, found.kIterationLimit, found.kSolutionLimit)
    if status != found.kOptimal and not (
        status in stopped and highs.getInfo().objective_function_value != _core.kHighsInf
    ):
        return None
    return np.array(highs.getSolution().col_value)


def _milp(c, a, lower, upper, node_limit, rel_gap) -> np.ndarray | None:
    """:func:`integer_program` by :func:`scipy.optimize.milp`."""
    from scipy.optimize import Bounds, LinearConstraint, milp

    res = milp(
        c,
        constraints=LinearConstraint(a, 0.0, np.inf),
        integrality=np.ones(len(c)),
        bounds=Bounds(lower, upper),
        options={"node_limit": node_limit, "mip_rel_gap": rel_gap},
    )
    return res.x


def _feasible(a, rhs, lower, upper, x) -> bool:
    """Whether ``x`` satisfies ``a x = rhs`` and its bounds up to a relative 1e-7."""
    scale = np.maximum(1.0, np.abs(rhs))
    width = np.maximum(1.0, np.abs(upper))
    return bool(
        (np.abs(a @ x - rhs) <= 1e-7 * scale).all()
        and (x >= lower - 1e-7 * width).all()
        and (x <= upper + 1e-7 * width).all()
    )


def exposure(low: np.ndarray, high: np.ndarray, n: np.ndarray, protection: float) -> np.ndarray:
    """True where the interval of a mean (sums ``low``..``high`` over ``n``) is too narrow."""
    with np.errstate(invalid="ignore", divide="ignore"):
        width = (high - low) / n
    return width < protection - 1e-9


def stack_rows(sets: Sequence[np.ndarray], columns: int):
    """A sparse 0/1 matrix with one row per index array."""
    from scipy import sparse

    indptr = np.zeros(len(sets) + 1, dtype=np.int64)
    indptr[1:] = np.cumsum([len(s) for s in sets])
    indices = np.concatenate(sets) if sets else np.zeros(0, dtype=np.int64)
    data = np.ones(len(indices))
    return sparse.csr_matrix((data, indices, indptr), shape=(len(sets), columns))


# Largest set of hidden cells whose null space is computed densely (an SVD of at most
# this many columns: 300 columns take about 5 ms).
_LOCAL_CELLS = 400


def certify(equations, truth, lower, upper, targets, needed, blocks=None) -> np.ndarray:
    """Targets proved protected without linear programming, by two feasible points.

    For a target, a direction ``d`` that leaves every published sum unchanged
    (``equations @ d = 0``) moves the true sums ``truth`` to ``truth + s * d``, all
    consistent with what was published, for every ``s`` whose point stays within the
    bounds; the target's sum then takes every value of an interval of width
    ``(s_max - s_min) * (target @ d)``. When that is at least ``needed``, the LP's
    interval, which holds it, is wide enough too: the target is protected.
    ``d`` is the target projected on the null space of the equations, restricted to
    a local set of cells (cells outside it stay at their true sums, so the points
    remain feasible for every equation): the target's connected component when it
    is small, else the cells of its block (an area) and of the next block.

    Returns a boolean mask of the targets proved protected; the others need the LP
    (:func:`sum_bounds`). Sound, not complete: a target it leaves may still be safe.
    """
    from scipy import sparse

    eq = sparse.csr_matrix(equations, dtype=float)
    tg = sparse.csr_matrix(targets, dtype=float)
    n_vars = eq.shape[1]
    done = np.zeros(tg.shape[0], dtype=bool)
    if n_vars == 0 or tg.shape[0] == 0:
        return done
    comp = components(eq)
    blocks = np.zeros(n_vars, dtype=np.intp) if blocks is None else np.asarray(blocks)
    # each target's component and block (a target over several of either needs the LP)
    t_rows = [tg.indices[tg.indptr[i] : tg.indptr[i + 1]] for i in range(tg.shape[0])]
    first = np.array([r[0] if r.size else -1 for r in t_rows])
    single = np.array(
        [
            r.size > 0 and (comp[r] == comp[r[0]]).all() and (blocks[r] == blocks[r[0]]).all()
            for r in t_rows
        ]
    )
    eq_csc = eq.tocsc()
    eq_csc.sort_indices()
    by_comp: dict[int, list[int]] = {}
    for t in np.flatnonzero(single):
        by_comp.setdefault(int(comp[first[t]]), []).append(t)
    for c, ts in by_comp.items():
        cells = np.flatnonzero(comp == c)
        if cells.size <= _LOCAL_CELLS:
            groups = {None: (cells, ts)}
        else:
            present = np.unique(blocks[cells])
            nxt = dict(zip(present, np.roll(present, -1), strict=True))
            groups = {}
            for t in ts:
                b = blocks[first[t]]
                groups.setdefault(b, (None, []))[1].append(t)
            groups = {
                b: (cells[np.isin(blocks[cells], [b, nxt[b]])], members)
                for b, (_, members) in groups.items()
            }
        for local, members in groups.values():
            if local.size > _LOCAL_CELLS:
                continue
            eq_local = _local_columns(eq_csc, local)
            low, high = sum_bounds(
                eq_local, eq_local @ truth[local], lower[local], upper[local],
                _local_targets(tg, members, local),
            )  # fmt: skip
            done[members] = high - low >= needed[members] * (1 + 1e-9)
    return done


def _local_columns(eq_csc, local: np.ndarray):
    """``sparse_rows(eq_csc[:, local])`` by index arithmetic on its arrays (``eq_csc``
    with sorted indices, ``local`` ascending): the equations restricted to the local
    cells, without the equations that hold none of them, as CSR with sorted indices.
    :func:`certify` builds one a local problem, 300 a dimension on 1,000 area files,
    where scipy's slicing and conversions took more than the LPs (issue 23)."""
    from scipy import sparse

    at, count = _slots(eq_csc.indptr, local)
    column = np.repeat(np.arange(local.size), count)
    row = eq_csc.indices[at]
    order = np.lexsort((column, row))  # by equation, then cell
    row, column, data = row[order], column[order], eq_csc.data[at[order]]
    kept, row = np.unique(row, return_inverse=True)
    indptr = np.zeros(kept.size + 1, dtype=np.int64)
    np.cumsum(np.bincount(row.reshape(-1), minlength=kept.size), out=indptr[1:])
    return sparse.csr_matrix((data, column, indptr), shape=(kept.size, local.size))


def _slots(indptr: np.ndarray, lines: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The positions in a compressed matrix's ``indices`` and ``data`` of the stored
    entries of ``lines`` (its rows if CSR, columns if CSC), line after line, and how
    many each line holds."""
    start = indptr[lines]
    count = indptr[lines + 1] - start
    at = np.arange(count.sum()) - np.repeat(np.cumsum(count) - count, count)
    at += np.repeat(start, count)
    return at, count


def _local_targets(tg, members: Sequence[int], local: np.ndarray):
    """``tg[members][:, local]`` by index arithmetic (``tg`` CSR, ``local`` ascending)."""
    from scipy import sparse

    members = np.asarray(members, dtype=np.intp)
    at, count = _slots(tg.indptr, members)
    cells = tg.indices[at]
    position = np.minimum(np.searchsorted(local, cells), max(local.size - 1, 0))
    inside = local[position] == cells if local.size else np.zeros(cells.size, dtype=bool)
    row = np.repeat(np.arange(members.size), count)[inside]
    indptr = np.zeros(members.size + 1, dtype=np.int64)
    np.cumsum(np.bincount(row, minlength=members.size), out=indptr[1:])
    return sparse.csr_matrix(
        (tg.data[at][inside], position[inside], indptr), shape=(members.size, local.size)
    )


def certify_blocks(
    equations, truth, lower, upper, targets, needed, blocks, *, exact=False
) -> np.ndarray:
    """Targets proved protected by LPs over a few whole blocks (areas), every other
    cell held at its true sum.

    Areas are disjoint respondents, linked only by the published totals over areas.
    A target's interval on the full structure comes from moves through many areas
    (on 200 areas x 10 rounds the optimal points of one target's LP moved cells of
    every area), so an LP on its own area and the next (:func:`certify`) often misses
    it, while the full LP (12,600 hidden cells) takes 1.3 s each. Here the targets are
    taken in chunks: a chunk's own blocks, filled up to ``_POINT_CELLS`` cells with
    the blocks holding the most hidden cells, are one local problem, on which
    :func:`prove` (shared points, then each target's own LPs) runs. Every point it
    finds keeps every published sum: the equations are restricted to the local cells
    with their right-hand sides taken from the true sums, and every other cell stays
    at its true sum. So a target proved here is protected on the full structure (sound,
    not complete). Measured on one dimension of that benchmark: 35 targets left by
    the boxes and :func:`certify` were all proved, in 0.3-0.8 s; the exact LP found
    widths of 1.5-4 points against 1 needed for every one of them.

    Returns a boolean mask of the targets proved protected.
    """
    from scipy import sparse

    eq = sparse.csc_matrix(equations, dtype=float)
    tg = sparse.csr_matrix(targets, dtype=float)
    n_t = tg.shape[0]
    done = np.zeros(n_t, dtype=bool)
    if n_t == 0 or eq.shape[1] == 0 or blocks is None:
        return done
    blocks = np.asarray(blocks)
    _, block = np.unique(blocks, return_inverse=True)
    block = block.reshape(-1)
    size = np.bincount(block)
    filler = np.argsort(-size, kind="stable")  # the blocks with the most hidden cells
    owner = np.repeat(np.arange(n_t), np.diff(tg.indptr))
    own_of = [np.unique(block[tg.indices[owner == t]]) for t in range(n_t)]
    order = sorted(range(n_t), key=lambda t: (own_of[t][0] if own_of[t].size else -1, t))
    chunk, own = [], np.zeros(0, dtype=np.intp)

    def run(chunk, own) -> None:
        chosen = list(own)
        total = int(size[own].sum())
        for b in filler:
            if total >= _POINT_CELLS:
                break
            if b not in own and total + size[b] <= _POINT_CELLS:
                chosen.append(b)
                total += int(size[b])
        local = np.flatnonzero(np.isin(block, chosen))
        sub = sparse_rows(eq[:, local])
        done[chunk] = prove(
            sub, truth[local], lower[local], upper[local], tg[chunk][:, local], needed[chunk],
            exact=exact,
        )  # fmt: skip

    for t in order:
        joined = np.union1d(own, own_of[t])
        if chunk and size[joined].sum() > _POINT_CELLS // 2:
            run(chunk, own)
            chunk, joined = [], own_of[t]
        if size[joined].sum() > _POINT_CELLS:
            continue  # a target spread over too many blocks: not proved here
        chunk.append(t)
        own = joined
    if chunk:
        run(chunk, own)
    return done


def sparse_rows(matrix):
    """``matrix`` as CSR without its empty rows."""
    from scipy import sparse

    matrix = sparse.csr_matrix(matrix)
    return matrix[np.diff(matrix.indptr) > 0]


def _widths(a, t, up, down) -> np.ndarray:
    """Width of each target's sum along its projection on the null space of ``a``."""
    m = a.shape[1]
    if m == 0:
        return np.zeros(t.shape[0])
    if a.shape[0]:
        # the null space from the eigenvectors of a'a (m x m): an SVD of a with its many
        # rows took 0.4 s for 400 cells, this 20 ms; every direction is checked below
        values, vectors = np.linalg.eigh(a.T @ a)
        null = vectors[:, values <= 1e-9 * max(values[-1], 1.0)]
    else:
        null = np.eye(m)
    if null.shape[1] == 0:
        return np.zeros(t.shape[0])
    d = (t @ null) @ null.T  # each target's direction, one per row
    gain = (t * d).sum(axis=1)  # how much the target's sum moves per step
    d[np.abs(d) < 1e-12] = 0.0
    # a direction must leave every published sum as it is (up to rounding noise)
    keeps = np.abs(d @ a.T).max(axis=1, initial=0.0) <= 1e-9 * np.maximum(1.0, gain)
    with np.errstate(divide="ignore", invalid="ignore"):
        forward = np.where(d > 0, up / d, np.where(d < 0, down / -d, np.inf)).min(axis=1)
        back = np.where(d > 0, down / d, np.where(d < 0, up / -d, np.inf)).min(axis=1)
        width = (np.maximum(forward, 0) + np.maximum(back, 0)) * gain
    return np.where(keeps & (gain > 1e-9) & np.isfinite(width), width, 0.0)


#: :func:`box_reach` finds a corner's variable in a table of every code when there are
#: few (else by a binary search of the sorted codes; a switch for the test that holds
#: the two to the same reaches).
CODE_TABLE = True

# Alternative values tried per key for a box over ``size`` keys (more for small boxes:
# a box over one key has 2 corners, over three 8): 3 + 9 + 8 boxes per anchor and key
# set on a three-key cube.
_ALTERNATES = {1: 3, 2: 3, 3: 2}
# ... and for the few targets the span LP looks at (boxes through values hidden in few
# places crowd the first choices out when a neighbour of an exposed group is hidden)
_ALTERNATES_WIDE = {1: 6, 2: 5, 3: 4}
_ANCHORS = 6  # cells of a target a box may start from


def box_reach(equations, truth, lower, upper, targets, coords, parents=None, span=False):
    """How far each target's sum moves, down and up, along "boxes" of hidden cells.

    A box is the cheapest move that keeps the margins of a table: in a table of
    cells with coordinates (actor, round, area, ...), choose a target cell ``a``, a
    set ``M`` of keys and, for each key in ``M``, another value; the box's corners are
    the ``2^|M|`` cells with each key of ``M`` at ``a``'s value or the other one, and
    the direction ``d`` is +1 on corners with an even number of changed keys, -1 on
    the others (a 2x2 table's +1 -1 -1 +1). Any published sum over a set that holds
    both values of some key of ``M``, or neither, is unchanged by ``d``, and so is
    every such equation; the other equations are checked: only boxes whose every
    corner is a variable (a hidden cell) and with ``equations @ d == 0`` are used.

    Proof that the reach is sound (the LP interval holds it). Let ``x(s) = truth + s d``.
    (1) ``equations @ x(s) = equations @ truth``: every published figure is what it
    was, for every ``s``. (2) Each corner has ``|d_c| = 1``, so ``x(s)`` stays within
    ``[lower, upper]`` for ``-s_b <= s <= s_f`` with ``s_f`` the smallest of ``upper_c -
    truth_c`` over corners with ``d_c = +1`` and ``truth_c - lower_c`` over those with
    ``d_c = -1`` (``s_b`` the other way round); cells off the box keep their true sums.
    So ``x(s_f)`` and ``x(-s_b)`` are both consistent with everything published, and
    the target's sum takes ``t.truth + g s_f`` and ``t.truth - g s_b`` there, with
    ``g = t.d > 0`` (a box with ``g < 0`` is used reversed). The LP's minimum is at
    most the smallest of these values over all boxes and its maximum at least the
    largest: the returned reaches are lower bounds of the LP's ``high - t.truth`` and
    ``t.truth - low``, so ``down + up`` is a lower bound of the interval's width.

    Parameters
    ----------
    equations, truth, lower, upper, targets
        As in :func:`sum_bounds` (``truth``: the true sum of each variable).
    coords
        ``(variables, keys)`` integer codes: each variable's cell in the table.
    parents
        Optional ``{key position: parent code of each value code}`` (an actor type's
        sector): another value in the same parent is tried first, as a box that
        stays within a sector keeps the sector's sums.
    span
        For a few targets: more boxes each, and the linear program over the weights
        of a target's boxes (the best point of their span within the bounds; as
        sound, since every such point keeps every published sum).

    Returns
    -------
    (down, up)
        Per target, how far below and above its true sum it provably may lie.
    """
    import itertools

    from scipy import sparse

    eq = sparse.csr_matrix(equations, dtype=float)
    tg = sparse.csr_matrix(targets, dtype=float)
    tg.sort_indices()
    coords = np.asarray(coords, dtype=np.int64)
    n_vars = eq.shape[1]
    n_t = tg.shape[0]
    down_reach, up_reach = np.zeros(n_t), np.zeros(n_t)
    if n_vars == 0 or n_t == 0 or coords.ndim != 2 or coords.shape[1] == 0:
        return down_reach, up_reach
    truth = np.asarray(truth, dtype=float)
    up = np.maximum(np.asarray(upper, dtype=float) - truth, 0.0)
    down = np.maximum(truth - np.asarray(lower, dtype=float), 0.0)
    k = coords.shape[1]
    # each key's codes compressed to 0..m-1, so that a cell is one int64
    codes = np.empty_like(coords)
    sizes, parent_of = [], []
    for m in range(k):
        values, codes[:, m] = np.unique(coords[:, m], return_inverse=True)
        sizes.append(len(values))
        p = (parents or {}).get(m)
        parent_of.append(np.zeros(len(values), np.int64) if p is None else np.asarray(p)[values])
    if math.prod(sizes) >= 2**62:
        return down_reach, up_reach
    linear = np.ravel_multi_index(codes.T, sizes)
    order = np.argsort(linear, kind="stable")
    sorted_linear = linear[order]

    table = None
    if CODE_TABLE and math.prod(sizes) <= 64 * n_vars + 65_536:  # a table of few codes
        table = np.full(math.prod(sizes), -1, dtype=np.intp)
        table[sorted_linear[::-1]] = order[::-1]  # the first in ``order`` of equal codes

    def variable_at(lin: np.ndarray) -> np.ndarray:
        """Variable index of each cell (by its linear code), -1 where none."""
        if table is not None:
            return table[lin]
        pos = np.minimum(np.searchsorted(sorted_linear, lin), len(order) - 1)
        return np.where(sorted_linear[pos] == lin, order[pos], -1)

    # anchors: up to _ANCHORS cells of each target
    lengths = np.diff(tg.indptr)
    rank = np.arange(tg.nnz) - np.repeat(tg.indptr[:-1], lengths)
    pick = rank < _ANCHORS
    anchor_var = tg.indices[pick]
    anchor_target = np.repeat(np.arange(n_t), lengths)[pick]
    if anchor_var.size == 0:
        return down_reach, up_reach
    slack = np.minimum(up, down)
    alternates_per = _ALTERNATES_WIDE if span else _ALTERNATES
    widest = max(alternates_per.values())
    alternates = []  # per key: (anchors, widest) other value codes, -1 where none
    for m in range(k):
        alternates.append(_alternates(eq, codes, sizes, m, parent_of[m], slack, anchor_var, widest))

    # every box's corners as linear codes: the anchor's, moved along each changed key by
    # (other value - anchor's value) x the key's stride; looked up in one search (a
    # search per corner and key set took 0.9 s of 2.8 s on 1,000 area files, issue 23)
    anchor_codes = codes[anchor_var]
    anchor_linear = linear[anchor_var]
    strides = np.cumprod([1, *sizes[:0:-1]])[::-1]
    shift = [
        (np.maximum(alternates[m], 0) - anchor_codes[:, m, None]) * strides[m] for m in range(k)
    ]
    configs, corner_codes = [], []
    for size in range(1, k + 1):
        width = alternates_per.get(size, 1)
        for keys in itertools.combinations(range(k), size):
            for choice in itertools.product(range(width), repeat=size):
                pairs = list(zip(keys, choice, strict=True))
                valid = np.logical_and.reduce([alternates[m][:, j] >= 0 for m, j in pairs])
                signs = []
                for bits in itertools.product((0, 1), repeat=size):
                    cell = anchor_linear
                    for (m, j), b in zip(pairs, bits, strict=True):
                        if b:
                            cell = cell + shift[m][:, j]
                    corner_codes.append(cell)
                    signs.append(-1.0 if sum(bits) % 2 else 1.0)
                configs.append((valid, signs))
    corner_vars = variable_at(np.concatenate(corner_codes)).reshape(-1, anchor_var.size)
    box_vars, box_ids, box_signs, box_anchor = [], [], [], []
    n_boxes = 0
    at = 0
    for valid, signs in configs:
        corners = corner_vars[at : at + len(signs)]
        at += len(signs)
        rows = np.flatnonzero(valid & (corners >= 0).all(axis=0))
        if rows.size == 0:
            continue
        ids = n_boxes + np.arange(rows.size)
        n_boxes += rows.size
        for var, sign in zip(corners, signs, strict=True):
            box_vars.append(var[rows])
            box_ids.append(ids)
            box_signs.append(np.full(rows.size, sign))
        box_anchor.append(rows)
    if n_boxes == 0:
        return down_reach, up_reach
    var = np.concatenate(box_vars)
    box = np.concatenate(box_ids)
    sign = np.concatenate(box_signs)
    target_of_box = anchor_target[np.concatenate(box_anchor)]
    d = sparse.csc_matrix((sign, (var, box)), shape=(n_vars, n_boxes))
    moved = eq @ d
    moved.eliminate_zeros()
    keeps = np.diff(sparse.csc_matrix(moved).indptr) == 0  # every published sum unchanged
    # g = t.d, the target's cells among the corners
    tg_keys = np.repeat(np.arange(n_t), lengths) * n_vars + tg.indices  # sorted: tg is CSR
    corner_keys = target_of_box[box] * n_vars + var
    found = np.minimum(np.searchsorted(tg_keys, corner_keys), tg_keys.size - 1)
    inside = tg_keys[found] == corner_keys
    gain = np.bincount(box, weights=sign * inside, minlength=n_boxes)
    sign = sign * np.where(gain < 0, -1.0, 1.0)[box]
    gain = np.abs(gain)
    forward = np.where(sign > 0, up[var], down[var])
    backward = np.where(sign > 0, down[var], up[var])
    s_f = np.full(n_boxes, np.inf)
    s_b = np.full(n_boxes, np.inf)
    np.minimum.at(s_f, box, forward)
    np.minimum.at(s_b, box, backward)
    use = keeps & (gain > 0)
    np.maximum.at(up_reach, target_of_box[use], gain[use] * s_f[use])
    np.maximum.at(down_reach, target_of_box[use], gain[use] * s_b[use])
    # all of a target's boxes at once, each weighted by how far it moves on its own
    corner = use[box]
    t_of = target_of_box[box[corner]]
    for reach, step, ahead, behind in ((up_reach, s_f, up, down), (down_reach, s_b, down, up)):
        np.maximum(reach, _joint_reach(t_of, var[corner], sign[corner], step, box[corner],
                                       gain, use, target_of_box, ahead, behind, n_t, n_vars),
                   out=reach)  # fmt: skip
    if span and use.any():
        down_span, up_span = _span_reach(
            t_of,
            var[corner],
            sign[corner],
            box[corner],
            gain,
            use,
            target_of_box,
            up,
            down,
            n_t,
            n_vars,
        )
        np.maximum(up_reach, up_span, out=up_reach)
        np.maximum(down_reach, down_span, out=down_reach)
    return down_reach, up_reach


def _span_reach(t_of, var, sign, box, gain, use, target_of_box, up, down, n_t, n_vars):
    """The lowest and highest sum of each target over ``truth + sum_j w_j d_j`` within the
    bounds (``w`` free): one LP whose blocks are the targets (independent, so the
    optimum of the sum is each block's own). Sound as :func:`box_reach`: each such
    point keeps every published sum."""
    from scipy import sparse
    from scipy.optimize import linprog

    used = np.flatnonzero(use)
    column = np.full(use.size, -1)
    column[used] = np.arange(used.size)
    keys, row = np.unique(t_of.astype(np.int64) * n_vars + var, return_inverse=True)
    a = sparse.csr_matrix((sign, (row.reshape(-1), column[box])), shape=(keys.size, used.size))
    cell = keys % n_vars
    g = gain[used]
    both = sparse.vstack([a, -a], format="csr")  # each cell within [truth - down, truth + up]
    limits = np.concatenate([up[cell], down[cell]])
    reach = []
    for direction in (-1.0, 1.0):
        res = linprog(-direction * g, A_ub=both, b_ub=limits, bounds=(None, None), method="highs")
        if res.status != 0:
            return np.zeros(n_t), np.zeros(n_t)
        moved = np.bincount(target_of_box[used], weights=g * res.x, minlength=n_t)
        reach.append(np.maximum(direction * moved, 0.0))
    return reach[0], reach[1]


def _joint_reach(t_of, var, sign, step, box, gain, use, target_of_box, ahead, behind, n_t, n_vars):
    """How far a target's sum moves along the sum of its boxes, each weighted by its own
    step ``w_j`` (a sound bound, as in :func:`box_reach`).

    Along ``D = sum_j w_j d_j`` with ``d_j = +-1`` on box ``j``'s corners, a cell moves
    ``lambda * sum_j w_j d_jc``, which is at most ``lambda * (sum of w_j over the boxes with
    d_jc = +1)`` upwards and ``lambda * (sum over d_jc = -1)`` downwards; so ``truth + lambda
    D`` stays within the bounds for ``lambda = min(1, ahead_c / plus_c, behind_c /
    minus_c)`` over the cells, keeps every published sum (each ``d_j`` does), and moves
    the target's sum by ``lambda * sum_j w_j g_j``.
    """
    weight = step[box]
    cell = t_of.astype(np.int64) * n_vars + var
    keys, which = np.unique(cell, return_inverse=True)
    plus = np.bincount(which, weights=weight * (sign > 0), minlength=keys.size)
    minus = np.bincount(which, weights=weight * (sign < 0), minlength=keys.size)
    cell_var = keys % n_vars
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.minimum(
            np.where(plus > 0, ahead[cell_var] / plus, np.inf),
            np.where(minus > 0, behind[cell_var] / minus, np.inf),
        )
    scale = np.ones(n_t)
    np.minimum.at(scale, keys // n_vars, ratio)
    moved = np.bincount(target_of_box[use], weights=(step * gain)[use], minlength=n_t)
    return scale * moved


# Other values looked at per anchor and key before the compatible ones are chosen.
_CANDIDATES = 8


def _alternates(eq, codes, sizes, m, parent_of, slack, anchor_var, widest) -> np.ndarray:
    """For each anchor, up to ``widest`` other values of key ``m`` for its boxes.

    The candidates are the anchor's line (the hidden cells equal to it but for key
    ``m``): first those with the same parent (the same sector), then the rest, the
    most slack first. A candidate is dropped when a published sum within the line
    holds the anchor and not the candidate, or the other way round (the line's sector
    total when the candidate is of another sector): every box through both would
    change that sum, whatever its other corners.
    """
    from scipy import sparse

    n_vars, k = codes.shape
    others = [j for j in range(k) if j != m]
    line = (
        np.ravel_multi_index(codes[:, others].T, [sizes[j] for j in others])
        if others
        else np.zeros(n_vars, dtype=np.int64)
    )
    parent = parent_of[codes[:, m]]
    width = int(parent.max()) + 1 if parent.size else 1
    # the members of each line, same parent together, the most slack first
    by = np.lexsort((-slack, parent, line))
    line_s = line[by]
    own_line = line[anchor_var]
    key = line_s * width + parent[by]
    own = own_line * width + parent[anchor_var]
    steps = np.arange(max(_CANDIDATES, widest) + 1)
    pos = np.concatenate(
        [
            np.searchsorted(key, own, side="left")[:, None] + steps,
            np.searchsorted(line_s, own_line, side="left")[:, None] + steps,
        ],
        axis=1,
    )
    ends = np.concatenate(
        [
            np.repeat(np.searchsorted(key, own, side="right")[:, None], steps.size, 1),
            np.repeat(np.searchsorted(line_s, own_line, side="right")[:, None], steps.size, 1),
        ],
        axis=1,
    )
    other = np.where(pos < ends, by[np.minimum(pos, n_vars - 1)], -1)
    other[other == anchor_var[:, None]] = -1
    # published sums within one line: a candidate on the other side of one is useless
    eq = eq.tocsr()
    filled_rows = np.flatnonzero(np.diff(eq.indptr) > 0)
    if filled_rows.size:
        starts = eq.indptr[filled_rows]
        low = np.minimum.reduceat(line[eq.indices], starts)
        high = np.maximum.reduceat(line[eq.indices], starts)
        within = filled_rows[low == high]
    else:
        within = filled_rows
    if within.size:
        pairs = np.flatnonzero(other.ravel() >= 0)
        anchor_of = np.repeat(anchor_var, other.shape[1])[pairs]
        cand_of = other.ravel()[pairs]
        move = sparse.csc_matrix(
            (
                np.concatenate([np.ones(pairs.size), -np.ones(pairs.size)]),
                (np.concatenate([anchor_of, cand_of]), np.tile(np.arange(pairs.size), 2)),
            ),
            shape=(n_vars, pairs.size),
        )
        moved = sparse.csc_matrix(eq[within] @ move)
        moved.eliminate_zeros()
        broken = np.diff(moved.indptr) > 0
        flat = other.ravel()
        flat[pairs[broken]] = -1
        other = flat.reshape(other.shape)
    cand = np.where(other >= 0, codes[np.maximum(other, 0), m], -1)
    # first occurrences only, in order, the first `widest` of them
    chosen = np.full((len(anchor_var), widest), -1, dtype=np.int64)
    filled = np.zeros(len(anchor_var), dtype=np.intp)
    for j in range(cand.shape[1]):
        c = cand[:, j]
        new = (c >= 0) & (filled < widest) & ~(chosen == c[:, None]).any(axis=1)
        rows = np.flatnonzero(new)
        chosen[rows, filled[rows]] = c[rows]
        filled[rows] += 1
    return chosen
