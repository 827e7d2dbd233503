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
"""

from __future__ import annotations

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
    from scipy.sparse.csgraph import connected_components

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
    adjacency = (eq.T @ eq).tocsr()
    _, comp = connected_components(adjacency, directed=False)
    for c in np.unique(comp[touched]):
        variables = np.flatnonzero(comp == c)
        rows = np.flatnonzero(np.asarray(eq[:, variables].sum(axis=1)).ravel() > 0)
        sub_t = tg[:, variables]
        wanted = np.flatnonzero((np.diff(sub_t.indptr) > 0) & ~solved)
        if wanted.size == 0:
            continue
        a = eq[rows][:, variables]
        lo, hi = _solve_component(
            a, rhs[rows], tolerance[rows], lower[variables], upper[variables], sub_t[wanted]
        )
        # a target spread over components: each part moves on its own
        base_lo = np.asarray(sub_t[wanted] @ lower[variables]).ravel()
        base_hi = np.asarray(sub_t[wanted] @ upper[variables]).ravel()
        low[wanted] += lo - base_lo
        high[wanted] += hi - base_hi
    return low, high


def _row(matrix, i: int) -> np.ndarray:
    """Column indices of row ``i`` of a CSR matrix (sorted), without building a matrix."""
    return matrix.indices[matrix.indptr[i] : matrix.indptr[i + 1]]


def _solve_component(a, rhs, tol, lower, upper, targets):
    """Min and max of each target row over ``{x : a x = rhs (within tol), lower <= x <= upper}``.

    The minimum and the maximum of many targets are one block-diagonal LP (a copy of
    the variables per target and direction: blocks do not interact, so minimising the
    sum minimises each), in batches of about ``_BATCH_VARIABLES`` variables.
    """
    from scipy import sparse

    n_vars = a.shape[1]
    n_t = targets.shape[0]
    low, high = np.empty(n_t), np.empty(n_t)
    per = max(1, _BATCH_VARIABLES // max(2 * n_vars, 1))
    for start in range(0, n_t, per):
        block = targets[start : start + per]
        k = block.shape[0]
        dense = np.asarray(block.todense())
        c = np.concatenate([dense.ravel(), -dense.ravel()])
        big = sparse.kron(sparse.identity(2 * k, format="csr"), a, format="csr")
        x = _linprog(c, big, np.tile(rhs, 2 * k), np.tile(tol, 2 * k), lower, upper, 2 * k)
        x = x.reshape(2 * k, n_vars)
        low[start : start + k] = (dense * x[:k]).sum(axis=1)
        high[start : start + k] = (dense * x[k:]).sum(axis=1)
    return low, high


def _linprog(c, a, rhs, tol, lower, upper, copies):
    """One HiGHS solve: equalities first; published means are rounded, so if those
    cannot all hold, again with each sum allowed its tolerance."""
    from scipy import sparse
    from scipy.optimize import linprog

    from ..errors import PartnerkitError

    bounds = np.column_stack([np.tile(lower, copies), np.tile(upper, copies)])
    res = linprog(c, A_eq=a, b_eq=rhs, bounds=bounds, method="highs")
    if res.status == 2:  # infeasible: rounding
        a_ub = sparse.vstack([a, -a], format="csr")
        b_ub = np.concatenate([rhs + tol, -(rhs - tol)])
        res = linprog(c, A_ub=a_ub, b_ub=b_ub, bounds=bounds, method="highs")
    if res.status != 0:
        raise PartnerkitError(
            "the published figures contradict each other (no sums fit them all): "
            "were the outputs made from the same survey files?"
        )
    return res.x


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
    from scipy.sparse.csgraph import connected_components

    eq = sparse.csr_matrix(equations, dtype=float)
    tg = sparse.csr_matrix(targets, dtype=float)
    n_vars = eq.shape[1]
    done = np.zeros(tg.shape[0], dtype=bool)
    if n_vars == 0 or tg.shape[0] == 0:
        return done
    _, comp = connected_components((eq.T @ eq).tocsr(), directed=False)
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
            done[members] = _certify_local(
                eq_csc[:, local], truth[local], lower[local], upper[local],
                tg[members][:, local], needed[members],
            )  # fmt: skip
    return done


def _certify_local(eq, truth, lower, upper, targets, needed) -> np.ndarray:
    """:func:`certify` on one local set of cells (dense): a cell whose true sum is at a
    bound stops every direction through it on one side, so the directions are taken
    both with and without the cells at a bound (those held at their true sums)."""
    a = eq[np.diff(eq.tocsr().indptr) > 0].toarray()
    t = targets.toarray()
    up, down = upper - truth, truth - lower
    tight = np.minimum(up, down) <= 1e-9 * np.maximum(1.0, upper)
    width = _widths(a, t, up, down)
    if tight.any():
        free = ~tight
        width = np.maximum(width, _widths(a[:, free], t[:, free], up[free], down[free]))
    return width >= needed * (1 + 1e-9)


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
