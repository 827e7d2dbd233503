"""One suppression pattern for the whole linked structure of a survey.

The finest cells are the combinations of the grouping keys present in the data
(actor, round, area and any ``--by`` column), taken on the survey as read, before
``--rounds`` or an area's round is chosen. Every table any command prints is a set
of sums of finest cells: a sector is a sum of actor types, "All" the sum of every
group, an area the sum of its rounds. So the pattern is decided once, per measure
(each dimension's score, each item for ``reliability``), on the lattice of every
combination of keys with each key set to a value, to its parent (a sector, for
actor types) or to "All":

1. primary suppression: a group with fewer than ``min_n`` respondents; a group whose
   mean lies so near an end of the scale that it pins every subgroup of ``min_n - 1``
   of its respondents within less than ``protection`` (the subgroup rule, see
   :func:`pins_subgroups`); and, with the dominance rule on, a group whose answers on
   the measure are all the same;
2. secondary suppression, a cheap rule first: within every published partition
   (a group and its children along one key) the hidden members must not be a
   single one, and hidden children must pool at least ``min_n`` respondents;
   the cheapest extra groups that make this hold everywhere are hidden (a group
   costs its respondents, a sector of several actor types half of them), found
   exactly by integer programming on small lattices, greedily on large ones;
3. then the audit attacks the pattern, at every size: each sensitive group is
   proved safe by two points consistent with every visible group. Up to
   ``FULL_LP_CELLS`` hidden cells, points that many groups share (LPs whose
   objective holds them all, :func:`.lp.prove`), then each group's own LPs, so what
   is left is exposed by the exact LP; above, boxes of hidden cells
   (:func:`.lp.box_reach`), an LP near the group (:func:`.lp.certify`) and LPs
   over whole areas (:func:`.lp.certify_blocks`), and an unproved group counts as
   exposed. Any exposed group gets its cheapest visible neighbour hidden, and 2-3
   repeat;
4. prove or hide until proved: a group still unproved when the rounds end (or when
   hiding neighbours stops helping) is isolated (:func:`_isolate`): the visible
   groups that tell it apart from one partner cell are hidden, which proves it. So
   every run ends with every sensitive group proved safe, at every size.

A pattern over extra ``--by`` columns nests in the patterns without each of them
(``within``): the groups those decide keep their decisions (a shown one is hidden
only when nothing else protects), so runs grouped by different columns agree on the
groups they share.

Groups with the same respondents (a sector with one actor type) are one group,
shown or hidden together. A table's group that is not in the lattice (the "All"
of two rounds chosen with ``--rounds``, a merged "Other" group, each area's latest
round) is shown only when visible groups already determine it exactly.
"""

from __future__ import annotations

import collections
import itertools
import math
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    import pandas as pd

_RNG_SEED = 20261215  # hash weights of cells: fixed, so patterns are reproducible
# Above this many hidden cells in a measure, a group no certificate proves safe is
# treated as exposed instead of solving the full LP (on 200 areas x 10 rounds, 14,000
# hidden cells, one LP took 1 s, and about 50 groups per dimension needed one).
FULL_LP_CELLS = 3_000
AUDIT_ROUNDS = 6  # audit rounds per measure before the last resort (:func:`_isolate`)
# The LPs over whole areas (:func:`.lp.certify_blocks`) run only when the cheaper
# certificates leave at most this many groups: in the first rounds on 200 areas x 10
# rounds they left about 200, most of them exposed until a neighbour is hidden, and the
# block LPs took 2.9 s of a dimension's 5.7 s to prove what the next round proves anyway.
BLOCK_TARGETS = 64
# Secondary suppression is an integer program (exact) when a measure's lattice has at
# most this many classes of groups, else the greedy rule. Measured with the machine
# paused (HiGHS through scipy 1.16): the example's 116 classes take 0.01-0.06 s per
# solve; with one extra --by column (350 classes) 0.1-1.0 s, ten measures 6 s a
# pattern; stopped at 0.15 s, the best solution found cost 15-20 % more than the
# optimum. ILP_NODES only bounds a slow solve (its best solution is taken). It counts
# branch-and-bound nodes, not seconds: a limit in seconds made the pattern depend on how
# busy the machine was (a loaded machine stopped the same solve earlier, with another
# solution), and two runs on the same files must decide the same pattern. The example's
# solves all finish at the root node.
ILP_CLASSES = 250
ILP_NODES = 2_000
#: Cost of hiding a margin of a hierarchy (a sector of several actor types) per
#: respondent, against 1 for any other group (see :func:`_costs`).
MARGIN_WEIGHT = 0.5

#: Why a group is hidden: the primary reasons (sensitive groups the audit attacks),
#: then "secondary" (hidden to protect another group).
PRIMARY = ("min_n", "dominance", "subgroup")
REASONS = (*PRIMARY, "secondary")
#: The reason an output gives, where it differs from the pattern's own: a group hidden
#: by the subgroup rule protects the smaller groups inside it, one hidden by the
#: dominance rule its own members. Saying so would give them away: "subgroup" tells a
#: reader that the mean lies near an end of the scale, "dominance" that everyone gave
#: the same answer (on an item, an integer: an interval of 3.2 to 4.2 would then say 4).
PUBLISHED_REASON = {"subgroup": "secondary", "dominance": "secondary"}


@dataclass(frozen=True)
class Cube:
    """The finest cells of the keys over the rows of the survey as read."""

    keys: tuple[str, ...]
    cell_of_row: np.ndarray  # cell id of every row
    cells: np.ndarray  # (cells, keys) value codes
    sizes: tuple[int, ...]  # number of values per key
    parent: dict[int, np.ndarray]  # key position -> parent code of every value code
    n_parents: dict[int, int]
    weights: np.ndarray  # (cells, 2) int64: a cell set's hash is the sum of its weights
    values: tuple = ()  # per key, the value of each code


def build_cube(frame: pd.DataFrame, keys: Sequence[str]) -> Cube:
    """Cells of ``keys`` (columns of ``frame``); actor types nest in their sector."""

    codes, sizes, parent, n_parents, values = [], [], {}, {}, []
    for position, key in enumerate(keys):
        code, uniques = _factorize(frame[key])
        codes.append(code.astype(np.intp, copy=False))
        values.append(list(uniques))
        sizes.append(max(len(uniques), 1))
        if key == "actor" and "sector" in frame.columns:
            # an actor type has one sector: read it at each type's first row (the
            # sector column factorised row by row took 0.06 s on a million respondents)
            first = first_rows(code, len(uniques))
            sector_code, sectors = _factorize(frame["sector"].iloc[first])
            parent[position], n_parents[position] = sector_code.astype(np.intp), len(sectors)
    total = math.prod(sizes)
    if codes and total <= 4 * len(frame) + 1024:
        # few combinations next to the rows: number the ones present by counting (no
        # sort; 0.01 s on a million respondents against 0.1 s for np.unique), in
        # row-major order, so the cells are in the order np.unique would give
        linear = np.ravel_multi_index(codes, sizes)
        present = np.flatnonzero(np.bincount(linear, minlength=total))
        number = np.zeros(total, dtype=np.intp)
        number[present] = np.arange(present.size)
        cell_of_row = number[linear]
        cells = np.stack(np.unravel_index(present, sizes), axis=1).astype(np.intp)
    elif codes:
        # rows as one number each (row-major, so sorted numbers are sorted rows): np.unique
        # of rows (axis=0) sorts them lexicographically, 2.7 s on a million respondents;
        # of one int64 column, 0.1 s, with the same cells in the same order
        if total < 2**62:
            linear = np.ravel_multi_index(codes, sizes)
            present, cell_of_row = np.unique(linear, return_inverse=True)
            cells = np.stack(np.unravel_index(present, sizes), axis=1).astype(np.intp)
        else:  # more combinations than an int64 counts
            cells, cell_of_row = np.unique(np.stack(codes, axis=1), axis=0, return_inverse=True)
    else:
        cells = np.zeros((1, 0), dtype=np.intp)
        cell_of_row = np.zeros(len(frame), dtype=np.intp)
    rng = np.random.default_rng(_RNG_SEED)
    weights = rng.integers(1, 2**46, size=(len(cells), 2), dtype=np.int64)
    return Cube(
        tuple(keys),
        cell_of_row.reshape(-1),
        cells,
        tuple(sizes),
        parent,
        n_parents,
        weights,
        tuple(values),
    )


def _factorize(column: pd.Series) -> tuple[np.ndarray, list]:
    """``pd.factorize(column.astype(object), use_na_sentinel=False)``: codes, and the values
    in order of first appearance (missing as a value of its own).

    A categorical column is factorised from its codes (0.05 s instead of 0.3 s on a
    million respondents: no object array of labels).
    """
    import pandas as pd

    if not isinstance(column.dtype, pd.CategoricalDtype):
        code, uniques = pd.factorize(column.astype(object), use_na_sentinel=False)
        return code, list(uniques)
    codes = column.cat.codes.to_numpy()  # -1 where missing
    categories = column.cat.categories
    first = np.empty(len(categories) + 1, dtype=np.intp)  # missing first, then categories
    first[1:] = first_rows(codes, len(categories))
    missing = codes < 0
    first[0] = np.argmax(missing) if missing.any() else len(codes)
    order = by_first_row(first, len(codes))
    lookup = np.zeros(len(categories) + 1, dtype=np.intp)
    lookup[order] = np.arange(len(order))
    uniques = [np.nan if c == 0 else categories[c - 1] for c in order]
    # the rows' numbers by one gather of the small codes (-1 wraps to the last entry,
    # the missing rows' number): no widened copy of the codes (issue 23)
    return np.take(np.roll(lookup, -1), codes, mode="wrap"), uniques


def first_rows(code: np.ndarray, size: int) -> np.ndarray:
    """The first row of each code ``0 .. size - 1`` in ``code`` (``len(code)`` for a code
    that does not occur; negative codes are passed over).

    The first rows are those of a prefix of the rows that holds every code that occurs:
    the first 4,096 rows, unless some code is missing there and occurs later (one
    comparison per missing code tells, or ``np.isin`` for many). ``np.minimum.at`` over
    every row took 6-7 ms on a million rows (40 ms beside the moments' thread),
    ``np.unique(return_index=True)``, which sorts them all, 85 ms (numpy 2.4; issue 23).
    """
    n = len(code)
    length = min(n, 4096)
    while True:
        found, at = np.unique(code[:length], return_index=True)
        found, at = found[found >= 0], at[found >= 0]
        if len(found) == size or length >= n:
            break
        rest, unseen = code[length:], np.setdiff1d(np.arange(size), found)
        if len(unseen) <= 8:  # a comparison per code
            later = any(np.any(rest == c) for c in unseen)
        else:
            later = bool(np.isin(rest, unseen).any())
        if not later:
            break
        length = min(n, length * 16)
    first = np.full(size, n, dtype=np.intp)
    first[found] = at
    return first


def by_first_row(first: np.ndarray, n: int) -> np.ndarray:
    """The codes that occur in ``n`` rows whose first rows are ``first`` (from
    :func:`first_rows`), in the order of their first row, as ``pd.factorize`` numbers
    them."""
    present = np.flatnonzero(first < n)
    return present[np.argsort(first[present], kind="stable")]


def sums_by(index: np.ndarray, weights: np.ndarray, size: int) -> np.ndarray:
    """``np.bincount(index, weights, minlength=size)`` to the last bit, for ``weights``
    of float64 (or int64: the sums then in int64); ``index`` from :func:`row_index`.

    ``np.add.at`` adds row after row into its group, in the order of the rows, as
    ``bincount`` does, so every sum is the same float; its indexed loop needs no
    pass for the largest index and reads 4-byte indices: 2.5 ms a million rows
    against 4.6 ms (numpy 2.4, machine paused, issue 23).
    """
    out = np.zeros(size, dtype=weights.dtype)
    np.add.at(out, index, weights)
    return out


def row_index(code: np.ndarray, size: int) -> np.ndarray:
    """Codes ``0 .. size - 1`` as the index :func:`sums_by` reads fastest: int32 while
    they fit."""
    return code.astype(np.int32 if size <= np.iinfo(np.int32).max else np.intp)


@dataclass(frozen=True)
class Lattice:
    """Every group of the cube (each key at a value, its parent or "All") and partitions."""

    member: object  # sparse (groups x cells) 0/1
    options: np.ndarray  # (groups, keys) option code: value, V + parent, or ALL = V + P
    part_parent: np.ndarray  # per (partition, child) pair: the partition's parent group
    part_child: np.ndarray  # ... the child group
    part_id: np.ndarray  # ... the partition


def build_lattice(cube: Cube) -> Lattice:
    from scipy import sparse

    k = len(cube.keys)
    dims = [cube.sizes[i] + cube.n_parents.get(i, 0) + 1 for i in range(k)]
    choices = []
    for i in range(k):
        value = cube.cells[:, i]
        options = [value]
        if i in cube.parent:
            options.append(cube.sizes[i] + cube.parent[i][value])
        options.append(np.full(len(value), dims[i] - 1))
        choices.append(options)
    gids = []
    for combo in itertools.product(*[range(len(c)) for c in choices]):
        if k:
            gids.append(np.ravel_multi_index([choices[i][j] for i, j in enumerate(combo)], dims))
        else:
            gids.append(np.zeros(len(cube.cells), dtype=np.intp))
    n_cells = len(cube.cells)
    gid = np.concatenate(gids)
    cell = np.tile(np.arange(n_cells), len(gids))
    present, row = np.unique(gid, return_inverse=True)
    member = sparse.csr_matrix(
        (np.ones(len(gid), dtype=np.int64), (row.reshape(-1), cell)), shape=(len(present), n_cells)
    )
    member.sum_duplicates()
    member.data[:] = 1
    options = (
        np.stack(np.unravel_index(present, dims), axis=1) if k else np.zeros((1, 0), dtype=np.intp)
    )
    parents, children, ids = [], [], []
    for i in range(k):
        child = np.flatnonzero(options[:, i] != dims[i] - 1)
        up = options[child].copy()
        opt = up[:, i]
        if i in cube.parent:
            is_value = opt < cube.sizes[i]
            opt = np.where(
                is_value,
                cube.sizes[i] + cube.parent[i][np.minimum(opt, cube.sizes[i] - 1)],
                dims[i] - 1,
            )
        else:
            opt = np.full(len(opt), dims[i] - 1)
        up[:, i] = opt
        parent_gid = np.ravel_multi_index(up.T, dims)
        parent = np.searchsorted(present, parent_gid)
        parents.append(parent)
        children.append(child)
        ids.append(parent * k + i)
    if parents:
        part_parent, part_child = np.concatenate(parents), np.concatenate(children)
        _, part_id = np.unique(np.concatenate(ids), return_inverse=True)
    else:
        part_parent = part_child = part_id = np.zeros(0, dtype=np.intp)
    return Lattice(member, options, part_parent, part_child, part_id.reshape(-1))


@dataclass
class MeasurePattern:
    """The pattern of one measure: hidden classes of groups, looked up by cell-set hash."""

    n_cell: np.ndarray
    hidden_cell: np.ndarray  # finest cells hidden (bool)
    by_hash: dict  # (h1, h2) -> (hidden, reason)
    visible_rows: object  # sparse (visible classes x cells)
    counts: dict = field(default_factory=dict)  # reason -> hidden classes
    audited: bool = True  # False: a sensitive group is left unproved (see :func:`_isolate`)
    unproved: int = 0  # sensitive groups left unproved
    spread: tuple | None = None  # (min, max) answer per cell: the dominance rule is on
    isolated: int = 0  # sensitive groups proved by :func:`_isolate` (the last resort)


@dataclass
class Pattern:
    """Which groups may show statistics, per measure; see the module docstring."""

    cube: Cube
    min_n: int
    protection: float  # in scale points
    measures: dict[str, MeasurePattern]
    row_keys: np.ndarray | None = None  # one int64 per row as read: where it came from
    _order: np.ndarray | None = field(default=None, repr=False)
    digest: bytes = b""  # of everything it was decided from (see :func:`_digest`)

    def positions(self, run_keys: np.ndarray) -> np.ndarray:
        """Positions in the survey as read of rows given by their :func:`row_keys`."""
        keys = self.row_keys
        if self._order is None:
            ordered = keys.size < 2 or bool((keys[1:] > keys[:-1]).all())
            self._order = np.arange(keys.size) if ordered else np.argsort(keys, kind="stable")
        return self._order[np.searchsorted(keys, run_keys, sorter=self._order)]

    def cells_of(self, source_rows: np.ndarray) -> np.ndarray:
        """Finest cells of rows given as positions of the survey as read."""
        return np.unique(self.cube.cell_of_row[source_rows])

    def decide(self, measure: str, cells: np.ndarray) -> tuple[bool, str | None]:
        """Hidden or not, and the reason an output gives (:data:`PUBLISHED_REASON`), for
        the group made of ``cells`` on ``measure``."""
        hidden, reason = self.decision(measure, cells)
        return hidden, PUBLISHED_REASON.get(reason, reason)

    def decision(self, measure: str, cells: np.ndarray) -> tuple[bool, str | None]:
        """Hidden or not, and the pattern's own reason (one of :data:`REASONS`)."""
        mp = self.measures[measure]
        cells = cells[mp.n_cell[cells] > 0]
        n = mp.n_cell[cells].sum()
        unanimous = (
            n >= self.min_n
            and mp.spread is not None
            and (mp.spread[1][cells].max() - mp.spread[0][cells].min() <= 0)
        )
        key = tuple(self.cube.weights[cells].sum(axis=0).tolist())
        return self._verdict(mp, n, unanimous, key, cells)

    def _verdict(self, mp, n, unanimous, key, cells) -> tuple[bool, str | None]:
        """The rules in their order, for a group of ``n`` respondents in ``cells`` (those
        with answers) whose cell-set hash is ``key``: :meth:`decision` and
        :meth:`decisions` differ only in how they find these."""
        if n < self.min_n:
            return True, "min_n"
        if unanimous:
            return True, "dominance"
        found = mp.by_hash.get(key)
        if found is not None:
            return found
        return (False, None) if _derivable(mp, cells) else (True, "secondary")

    def decisions(
        self, measure: str, groups: Sequence[np.ndarray]
    ) -> list[tuple[bool, str | None]]:
        """:meth:`decide` of each group of ``groups`` (each its finest cells), at once.

        The counts, the spread and the cell-set hash of every group come from one pass
        over all their cells (sums of a segment as differences of running sums: int64
        sums wrap alike in any order, so each hash is :meth:`decision`'s); only the
        lookup stays per group. A call per group took 0.3 s of 6,810 groups (680 areas,
        ten dimensions; issue 23).
        """
        mp = self.measures[measure]
        if not groups:
            return []
        sizes = np.fromiter((len(g) for g in groups), dtype=np.intp, count=len(groups))
        every = np.concatenate(groups).astype(np.intp, copy=False)
        segment = np.repeat(np.arange(len(groups)), sizes)
        with_data = mp.n_cell[every] > 0
        every, segment = every[with_data], segment[with_data]
        n = np.zeros(len(groups))
        np.add.at(n, segment, mp.n_cell[every])  # in order, as each group's own sum
        unanimous = np.zeros(len(groups), dtype=bool)
        if mp.spread is not None:
            low = np.full(len(groups), np.inf)
            high = np.full(len(groups), -np.inf)
            np.minimum.at(low, segment, mp.spread[0][every])
            np.maximum.at(high, segment, mp.spread[1][every])
            unanimous = high - low <= 0
        running = np.cumsum(self.cube.weights[every], axis=0)
        ends = np.cumsum(np.bincount(segment, minlength=len(groups)))
        at_end = np.vstack([np.zeros((1, 2), dtype=np.int64), running])[ends]
        at_start = np.vstack([np.zeros((1, 2), dtype=np.int64), at_end[:-1]])
        hashes = (at_end - at_start).tolist()
        starts = np.concatenate([[0], ends[:-1]])
        out = []
        for g, key in enumerate(hashes):
            cells = every[starts[g] : ends[g]]
            hidden, reason = self._verdict(mp, n[g], unanimous[g], tuple(key), cells)
            out.append((hidden, PUBLISHED_REASON.get(reason, reason)))
        return out

    def counts(self) -> dict[str, int]:
        """Hidden groups of the lattice per reason, over every measure."""
        out: dict[str, int] = {}
        for mp in self.measures.values():
            for reason, count in mp.counts.items():
                out[reason] = out.get(reason, 0) + count
        return out


def _derivable(mp: MeasurePattern, cells: np.ndarray) -> bool:
    """Whether the visible groups determine the sum of ``cells`` exactly (a rank test)."""
    hidden = np.flatnonzero(mp.hidden_cell)
    inside = np.intersect1d(cells, hidden)
    if inside.size == 0:
        return True
    if hidden.size > 3000:  # too large to test here: hide, which is always safe
        return False
    rows = mp.visible_rows[:, hidden].toarray()
    rows = rows[rows.any(axis=1)]
    target = np.isin(hidden, inside).astype(float)
    if rows.size == 0:
        return False
    rank = np.linalg.matrix_rank(rows)
    return np.linalg.matrix_rank(np.vstack([rows, target])) == rank


def decide_pattern(
    frame: pd.DataFrame,
    keys: Sequence[str],
    measures: dict[str, np.ndarray],
    *,
    min_n: int,
    scale: tuple[float, float],
    protection: float,
    secondary: bool = True,
    dominance: bool = False,
    row_keys: np.ndarray | None = None,
    within: Sequence[Pattern] = (),
    threads: int = 1,
) -> Pattern:
    """The suppression pattern of every measure over the lattice of ``keys``.

    Parameters
    ----------
    frame
        The key columns of every row of the survey as read (and ``sector``).
    measures
        Per measure, every row's value (NaN: not answered).
    min_n
        Primary suppression below this many respondents.
    scale
        (min, max) of the measures: a hidden sum lies in ``[n * min, n * max]``.
    protection
        Smallest protected width of a hidden mean, in scale points.
    secondary
        ``False`` switches secondary suppression off (to show what it prevents).
    dominance
        Also hide (reason ``"dominance"``) every group whose answers on a measure are
        all the same: its mean would show each person's answer.
    row_keys
        One distinct integer per row (its file and row), to find a run's rows later.
    within
        Patterns of the same rows over fewer of ``keys`` (the pattern without an
        extra ``--by`` column): every group they decide (the missing keys at "All")
        keeps their decision here, and secondary suppression chooses only among the
        other groups. So runs grouped by different extra columns agree on every group
        they share, and each extra column's cells nest in what the others show.
    threads
        Decide the measures on this many threads, each taking the next measure left
        when it is free (every other thread from the end of the list) with a memo of its
        own (the same pattern: a measure's decisions do not depend on which thread takes
        it or what the memo carries, only its speed, see :func:`_classes`).
        HiGHS lets go of the interpreter lock while it solves, and the audit's LPs are
        about half of a small survey's pattern.
    """
    cube = build_cube(frame, keys)
    settings = (min_n, tuple(scale), protection, secondary, dominance)
    everyone = np.bincount(cube.cell_of_row, minlength=len(cube.cells)).astype(float)
    index = row_index(cube.cell_of_row, len(cube.cells))  # once for every measure's sums
    sums = {name: _cell_sums(cube, index, everyone, v, dominance) for name, v in measures.items()}
    digest = _digest(cube, sums, settings, row_keys, within)
    with _DECIDED_LOCK:  # measures may be decided on threads (protect._decide)
        found = _DECIDED.pop(digest, None)
        if found is not None:
            _DECIDED[digest] = found  # the most recently used last
    if found is not None:
        return found
    lattice = build_lattice(cube)
    nested = [_nesting(cube, lattice, sub) for sub in within]

    names = list(sums)
    waiting = collections.deque(names)  # the measures no thread has taken yet
    taking = threading.Lock()
    decided: dict = {}

    def decide(worker: int) -> None:
        """Take measures until none is left, each thread with a memo of its own (see
        :func:`_classes`): the first thread from the front of the list, the second from
        its end, so that a long measure anywhere in it is not left to run alone at the
        end (on small.csv the last of the ten dimensions takes six audit rounds, about
        three times any other; every other one, as before, left it alone for the last
        quarter of the pattern)."""
        memo: dict = {}  # per distinct n_cell: what its measures share
        while True:
            with taking:
                if not waiting:
                    return
                name = waiting.pop() if worker % 2 else waiting.popleft()
            n_cell, s_cell, spread = sums[name]
            fixed = [(sub, name, to_sub, groups) for sub, to_sub, groups in nested]
            decided[name] = _decide_measure(
                cube, lattice, n_cell, s_cell, min_n, scale, protection, secondary, spread,
                fixed, memo,
            )  # fmt: skip

    workers = min(threads, len(names))
    if workers > 1:
        from ..parallel import thread_map

        thread_map(decide, range(workers), most=workers)
    else:
        decide(0)
    out = {name: decided[name] for name in names}
    pattern = Pattern(cube, min_n, protection, out, row_keys, digest=digest)
    with _DECIDED_LOCK:
        _DECIDED[digest] = pattern
        held = {key: _held(p) for key, p in _DECIDED.items()}
        total = sum(held.values())
        for stale in list(_DECIDED)[:-1]:  # the least recently used first; never the new one
            if total <= _DECIDED_ROWS:
                break
            total -= held[stale]
            del _DECIDED[stale]
    return pattern


# Patterns decided in this process, by the digest of what they were decided from: the
# same survey read again (each command of a test run, a notebook re-reading its files)
# gets its pattern back instead of deciding it again (0.5 s on the example). Bounded by
# what they hold (see _held), not by their number: 8 patterns were too few for a test
# suite's mix of small surveys, and a million-row survey's pattern holds far more than
# the example's (about 16 bytes a row, and a class's entry per measure).
_DECIDED: dict[bytes, Pattern] = {}
_DECIDED_LOCK = threading.Lock()
_DECIDED_ROWS = 2_000_000


def _held(pattern: Pattern) -> int:
    """What a kept pattern holds, in rows: its rows (each row's cell and key), and the
    lattice classes of its measures (an entry of ``by_hash`` each)."""
    return len(pattern.cube.cell_of_row) + sum(len(m.by_hash) for m in pattern.measures.values())


def _cell_sums(
    cube: Cube, index: np.ndarray, everyone: np.ndarray, values, dominance: bool
) -> tuple:
    """What a measure's pattern is decided from: per finest cell, its answered rows, the
    sum of their values and, with ``dominance``, their smallest and largest value
    (``index``: the rows' cells as :func:`row_index` gives them; ``everyone``: the rows
    of each cell)."""
    size = len(cube.cells)
    values = np.array(values, dtype=float)  # a copy: unanswered set to 0 below
    missing = np.flatnonzero(np.isnan(values))
    # counts less the few unanswered, sums over every row (a boolean selection of
    # the answered rows first cost twice as much on a million respondents)
    n_cell = everyone - np.bincount(cube.cell_of_row[missing], minlength=size)
    values[missing] = 0.0
    s_cell = sums_by(index, values, size)
    spread = None
    if dominance:  # the smallest and largest answer of every cell
        values[missing] = np.nan
        low, high = np.full(size, np.inf), np.full(size, -np.inf)
        answered = np.flatnonzero(~np.isnan(values))
        np.minimum.at(low, cube.cell_of_row[answered], values[answered])
        np.maximum.at(high, cube.cell_of_row[answered], values[answered])
        spread = (low, high)
    return n_cell, s_cell, spread


def _digest(cube: Cube, sums, settings, row_keys, within) -> bytes:
    """A digest of every input of :func:`decide_pattern`'s decisions: the cube (its
    cells, each row's cell and the values of each key), each measure's :func:`_cell_sums`,
    the settings, the rows' keys, the patterns it nests in, and this module's and
    :mod:`.lp`'s limits and functions (so a test that changes one decides anew).

    A measure's pattern depends on its values only through their counts and sums per
    finest cell (and their spread), so those are hashed, not every row's value: 96 MB of
    a million rows' ten scores took 0.10 s of the pattern's 0.29 s, most of a one-off
    run's pattern on its critical path; each row's cell and key are still hashed, as
    the pattern keeps them (issue 23). SHA-256, which processors run in hardware, hashes
    a million rows' 16 MB of cells and keys in 13 ms where BLAKE2b took 30 ms (the
    arrays read in place, not copied by ``tobytes``); the digest only names a pattern
    within this process (see ``_DECIDED``)."""
    import hashlib

    from . import lp

    h = hashlib.sha256()
    functions = (
        lp.prove, lp.box_reach, lp.certify, lp.certify_blocks, lp.sum_bounds, _secondary,
        _exposed_classes, _protect, _isolate, pins_subgroups,
    )  # fmt: skip
    limits = (FULL_LP_CELLS, AUDIT_ROUNDS, BLOCK_TARGETS, ILP_CLASSES, ILP_NODES, MARGIN_WEIGHT)
    limits += (lp.WARM,)
    h.update(repr((cube.keys, cube.sizes, cube.values, settings, limits)).encode())
    h.update(repr(tuple(id(f) for f in functions)).encode())
    for array in (cube.cell_of_row, cube.cells, *cube.parent.values()):
        h.update(np.ascontiguousarray(array, dtype=np.int64).data)
    for name, (n_cell, s_cell, spread) in sums.items():
        h.update(repr(name).encode())
        for values in (n_cell, s_cell, *(spread or (b"-",))):
            h.update(values if isinstance(values, bytes) else np.ascontiguousarray(values).data)
    h.update(b"-" if row_keys is None else np.ascontiguousarray(row_keys).data)
    for sub in within:
        h.update(sub.digest)
    return h.digest()


def _nesting(cube: Cube, lat: Lattice, sub: Pattern) -> tuple:
    """``sub``'s cell of each cell of ``cube``, and the lattice groups ``sub`` decides
    (every key ``sub`` lacks at "All")."""
    to_sub = np.zeros(len(cube.cells), dtype=np.intp)
    to_sub[cube.cell_of_row] = sub.cube.cell_of_row
    groups = np.ones(lat.options.shape[0], dtype=bool)
    for i, key in enumerate(cube.keys):
        if key not in sub.cube.keys:
            everything = cube.sizes[i] + cube.n_parents.get(i, 0)
            groups &= lat.options[:, i] == everything
    return sub, to_sub, np.flatnonzero(groups)


_BASES = "bases"  # the key of the pattern's lp.Bases in _classes' memo (the others: bytes)


@dataclass
class _Classes:
    """What a measure's pattern takes from its respondents per cell (``n_cell``) alone:
    the classes of groups, their sizes and cells, the partitions and the costs, and
    what was decided on them (see :func:`_classes`)."""

    hashes: np.ndarray
    first: np.ndarray
    cls: np.ndarray
    n_cls: np.ndarray
    rows: object
    nonempty: np.ndarray
    pid: np.ndarray
    pp: np.ndarray
    pc: np.ndarray
    cost: np.ndarray | None
    blocks: np.ndarray | None
    # secondary suppression per input: (what is hidden, cost) -> the classes it adds
    chosen: dict = field(default_factory=dict)
    # the audit's equations per hidden set, and the points its proofs share (lp.Proofs)
    audits: dict = field(default_factory=dict)
    # the optimal bases of the audit's LPs, shared by every measure of the pattern
    bases: object = None


def _classes(cube, lat, n_cell, secondary, memo: dict) -> _Classes:
    """The :class:`_Classes` of ``n_cell``, computed once per distinct ``n_cell`` in
    ``memo``: the measures of one pattern (ten dimensions, thirty items) usually have
    the same respondents in every cell (nobody skipped), and everything here is a
    function of ``n_cell`` (and the cube and lattice, fixed for a pattern)."""
    key = np.ascontiguousarray(n_cell).tobytes()
    found = memo.get(key)
    if found is not None:
        return found
    member = lat.member
    present = (n_cell > 0).astype(np.int64)
    hashes = np.asarray(member @ (cube.weights * present[:, None]))
    n_group = np.asarray(member @ n_cell).ravel()
    nonempty = n_group > 0
    # classes: groups with the same respondents
    first, cls = unique_pairs(hashes)
    n_cls = n_group[first]
    rows = member[first].multiply(present[None, :]).tocsr()  # each class's cells with data
    # partitions in class space, without trivial ones (parent = child) and empty children
    pp, pc = cls[lat.part_parent], cls[lat.part_child]
    keep = (pp != pc) & nonempty[lat.part_child]
    pid, pp, pc = lat.part_id[keep], pp[keep], pc[keep]
    cost = blocks = None
    if secondary:
        _, pid = np.unique(pid, return_inverse=True)
        pid = pid.reshape(-1)
        blocks = _blocks(cube)
        cost = _costs(cube, lat, cls, n_cls)
    from .lp import Bases

    found = _Classes(hashes, first, cls, n_cls, rows, nonempty, pid, pp, pc, cost, blocks)
    found.bases = memo.setdefault(_BASES, Bases())  # one for all measures
    memo[key] = found
    return found


def unique_pairs(pairs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``np.unique(pairs, axis=0, return_index=True, return_inverse=True)[1:]`` of an
    (n, 2) int64 array: the first row of each distinct pair and each row's number, the
    pairs numbered in sorted order (by the first column, then the second).

    One stable ``np.lexsort`` of the two columns: ``np.unique`` along an axis sorts the
    rows as a structured dtype, 2.4 ms of each measure's 1,605 groups on small.csv
    against 0.5 ms (issue 23).
    """
    order = np.lexsort((pairs[:, 1], pairs[:, 0]))
    ordered = pairs[order]
    new = np.ones(len(pairs), dtype=bool)
    np.any(ordered[1:] != ordered[:-1], axis=1, out=new[1:])
    number = np.empty(len(pairs), dtype=np.intp)
    number[order] = np.cumsum(new) - 1
    return order[new], number


def _decide_measure(
    cube, lat, n_cell, s_cell, min_n, scale, protection, secondary, spread, fixed, memo=None
):
    k = _classes(cube, lat, n_cell, secondary, {} if memo is None else memo)
    cls, n_cls, rows, nonempty = k.cls, k.n_cls, k.rows, k.nonempty
    hidden = (n_cls < min_n) & (n_cls > 0)
    reason = np.where(hidden, "min_n", None).astype(object)
    if spread is not None:  # before the subgroup rule: a unanimous group needs all of
        # its own protection (each answer is its mean), not only its subgroups'
        unanimous = _unanimous(rows, spread) & ~hidden & (n_cls > 0)
        hidden |= unanimous
        reason[unanimous] = "dominance"
    s_cls = np.asarray(rows @ s_cell).ravel()
    pinning = pins_subgroups(s_cls, n_cls, min_n, scale, protection) & ~hidden
    hidden |= pinning
    reason[pinning] = "subgroup"
    locked = None
    if fixed:  # the groups decided by the patterns this one nests in keep their decisions
        locked = np.zeros(len(n_cls), dtype=bool)
        for sub, measure, to_sub, groups in fixed:
            for c in np.unique(cls[groups[nonempty[groups]]]):
                if locked[c]:
                    continue
                cells = np.unique(to_sub[rows.indices[rows.indptr[c] : rows.indptr[c + 1]]])
                hidden[c], reason[c] = sub.decision(measure, cells)
                locked[c] = True
    audited, unproved, isolated = True, 0, 0
    if secondary:
        pid, pp, pc, blocks, cost = k.pid, k.pp, k.pc, k.blocks, k.cost
        if locked is not None:
            # a group the nested-in pattern shows is hidden here only when nothing else
            # protects (its cost above every other choice together): a lock that could
            # not give way left a crossed group of a real export exposed (issue 15 (d))
            cost = np.where(locked & ~hidden, cost + cost.sum() + 1.0, cost)
        # the respondents whose protection each sensitive group needs: its own, or for a
        # group the subgroup rule hides, those of its subgroups (see pins_subgroups)
        need = subgroup_need(n_cls, min_n, reason == "subgroup")
        before = np.inf
        proved = np.zeros(len(n_cls), dtype=bool)  # proofs hold as more groups are hidden
        shown = None if locked is None else locked & ~hidden  # kept shown if at all possible
        for lp_round in range(AUDIT_ROUNDS + 1):
            _secondary_once(k, hidden, reason, cost, min_n)
            exposed = _exposed_classes(
                cube,
                rows,
                n_cls,
                hidden,
                reason,
                s_cell,
                n_cell,
                scale,
                protection,
                blocks,
                proved,
                k.audits,
                need,
                k.bases,
            )
            if exposed.size == 0:
                break
            # hiding neighbours no longer helps groups no certificate proves, on a
            # structure too large for the exact LP
            large = _hidden_cells(rows, hidden).sum() > FULL_LP_CELLS
            stuck = large and exposed.size >= before
            before = exposed.size
            if (
                lp_round == AUDIT_ROUNDS
                or stuck
                or not _protect(exposed, hidden, reason, n_cls, cost, pid, pp, pc, rows)
            ):
                # prove or hide until proved: what is still unproved is isolated
                safe = _isolate(
                    exposed, hidden, reason, n_cls, cost, rows, s_cell, n_cell, scale,
                    protection, shown, need,
                )  # fmt: skip
                _secondary(hidden, reason, n_cls, cost, pid, pp, pc, min_n)
                isolated = int(safe.sum())
                unproved = int(exposed.size - isolated)
                audited = unproved == 0
                break
    # each class's (hash, hash) -> (hidden, reason); an empty class is hidden, "min_n"
    # (built from lists: a loop over the classes took 12 ms a measure of small.csv)
    empty = ~(n_cls > 0)
    first = k.hashes[k.first]
    hides = np.where(empty, True, hidden).tolist()
    why = np.where(empty, "min_n", reason).tolist()
    keys = zip(first[:, 0].tolist(), first[:, 1].tolist(), strict=True)
    by_hash = dict(zip(keys, zip(hides, why, strict=True), strict=True))
    cell_hidden = _hidden_cells(rows, hidden)
    counts = {r: int(((reason == r) & hidden).sum()) for r in REASONS if (reason == r).any()}
    visible = np.flatnonzero(~hidden & (n_cls > 0))
    return MeasurePattern(
        n_cell, cell_hidden, by_hash, rows[visible], counts, audited, unproved, spread, isolated
    )


def _secondary_once(k: _Classes, hidden, reason, cost, min_n) -> None:
    """:func:`_secondary`, decided once per input and reused for every measure with the
    same one. Its result is a function of what is hidden, the costs and the partitions
    (``k``'s, as ``min_n``, fixed for a pattern): it reads no answer, and the integer
    program is deterministic (a node limit, no time limit). It reads ``reason`` only
    for classes it hides, which are shown before and so have none, and gives them
    "secondary"; so adding the remembered classes the same way is the same result."""
    key = hidden.tobytes() + np.ascontiguousarray(cost).tobytes()
    added = k.chosen.get(key)
    if added is None:
        before = hidden.copy()
        _secondary(hidden, reason, k.n_cls, cost, k.pid, k.pp, k.pc, min_n)
        k.chosen[key] = np.flatnonzero(hidden & ~before)
        return
    hidden[added] = True
    reason[added] = "secondary"


def pins_subgroups(s, n, min_n: int, scale, protection: float) -> np.ndarray:
    """Groups (sums ``s`` of ``n`` answers) whose published mean alone pins every
    subgroup of ``min_n - 1`` of their respondents to an interval narrower than
    ``protection`` (the subgroup rule; the pattern hides them, the audit attacks them).

    Any column of the file can single out a subgroup (another run's ``--by``, a
    column a reader knows), so the pattern of one run cannot list the subgroups other
    runs will hide. But the group's own sum bounds all of them alike: with ``n``
    respondents summing to ``S`` on a scale ``lo``..``hi``, ``k`` of them sum to at
    least ``max(k lo, S - (n - k) hi)`` and at most ``min(k hi, S - (n - k) lo)``. The
    interval narrows as ``k`` grows (its upper end ``lo + (S - n lo) / k`` falls, its
    lower end ``hi - (n hi - S) / k`` rises), so a subgroup below ``min_n`` is
    narrowest at ``k = min_n - 1``. A group of 5 on a 1-7 scale with mean 1.8 (the
    student survey's item q7, issue 15 (d)) holds every 4 of them in [1, 2] and every
    3 in [1, 7/3], against a protection of 1.5. Such a group is hidden, as a primary
    reason: the audit proves its sum can move over at least ``protection * k`` (from
    ``S_lo`` to ``S_hi``), and then every subgroup's mean keeps an interval of at
    least ``min(hi - lo, (S_hi - S_lo) / k)`` (its upper end at ``S_hi``, its lower
    end at ``S_lo``, each clamped to the scale): at least ``protection``. With
    ``min_n`` 5 and the default protection (a quarter of the scale) it hides a group
    of 5 whose mean lies within a fifth of the scale of an end (below 1.8 or above 4.2
    on 1-5), of 10 within a tenth, of 20 within a twentieth."""
    lo, hi = scale
    s, n = np.asarray(s, dtype=float), np.asarray(n, dtype=float)
    k = min_n - 1
    if k < 1:
        return np.zeros(n.shape, dtype=bool)
    upper = np.minimum(hi, lo + (s - n * lo) / k)
    lower = np.maximum(lo, hi - (n * hi - s) / k)
    return (n >= min_n) & (upper - lower < protection - 1e-9)


def subgroup_need(n, min_n: int, subgroup) -> np.ndarray:
    """The respondents whose protection each sensitive group needs (its sum must move
    over ``protection`` times this): its own ``n``, or where ``subgroup`` (hidden by the
    subgroup rule alone) those of its largest subgroup below ``min_n``
    (:func:`pins_subgroups`)."""
    n = np.asarray(n)
    return np.where(subgroup, np.minimum(n, min_n - 1), n)


def _unanimous(rows, spread) -> np.ndarray:
    """Classes whose answers (over their cells with data) are all the same."""
    low, high = spread
    out = np.zeros(rows.shape[0], dtype=bool)
    nonempty = np.flatnonzero(np.diff(rows.indptr) > 0)
    if nonempty.size == 0:
        return out
    starts = rows.indptr[nonempty]  # the rows between are empty: segments stay whole
    lo = np.minimum.reduceat(low[rows.indices], starts)
    hi = np.maximum.reduceat(high[rows.indices], starts)
    out[nonempty] = hi - lo <= 0
    return out


def _hidden_cells(rows, hidden: np.ndarray) -> np.ndarray:
    """Finest cells whose own class (one cell) is hidden."""
    single = np.flatnonzero((np.diff(rows.indptr) == 1) & hidden)
    out = np.zeros(rows.shape[1], dtype=bool)
    out[rows.indices[rows.indptr[single]]] = True
    return out


def _costs(cube: Cube, lat: Lattice, cls: np.ndarray, n: np.ndarray) -> np.ndarray:
    """What hiding each class loses: its respondents (the frequency cost of tau-ARGUS and
    sdcTable; Hundepool et al. 2012, 4.2), a margin of a hierarchy (a sector of several
    actor types) at :data:`MARGIN_WEIGHT` of them, since a board reads the actor rows and
    a reader who sees them knows most of their sector's mean."""
    cost = n.astype(float)
    for i in cube.parent:
        option = lat.options[:, i]
        detail = option < cube.sizes[i]
        margin = ~detail & (option < cube.sizes[i] + cube.n_parents[i])
        has_detail = np.bincount(cls, weights=detail, minlength=len(n)) > 0
        is_margin = (np.bincount(cls, weights=margin, minlength=len(n)) > 0) & ~has_detail
        cost[is_margin] *= MARGIN_WEIGHT
    return cost


def _secondary(hidden, reason, n, cost, pid, pp, pc, min_n):
    """Hide the cheapest set of extra classes that satisfies the partition rule: exactly
    (:func:`_cheapest`) when the lattice is small, else greedily (:func:`_fixpoint`)."""
    if pid.size == 0:
        return
    if len(n) > ILP_CLASSES or not _cheapest(hidden, reason, n, cost, pid, pp, pc, min_n):
        _fixpoint(hidden, reason, n, cost, pid, pp, pc, min_n)


def _cheapest(hidden, reason, n, cost, pid, pp, pc, min_n) -> bool:
    """The cheapest extra classes by integer programming (HiGHS as
    :func:`scipy.optimize.milp` calls it, :func:`.lp.integer_program`): one 0/1
    variable per class, the hidden ones fixed at 1, and per partition (a parent and its
    children along one key):

    - no member hidden alone: ``x_m <= sum of the other members' x`` for every member;
    - hidden children pool ``min_n`` respondents while their parent shows:
      ``sum of children's n x >= min_n (x_m - x_parent)`` for every child.

    Of the cheapest choices, the one with the fewest groups. The objective says both in
    integers: costs are multiples of 1/2 (respondents, margins at ``MARGIN_WEIGHT``),
    so ``2 (k + 1) cost + 1`` per class (k classes) orders choices by cost, then by
    count (a count is at most k). An integer objective lets HiGHS round its bound up
    and stop once no better integer is left: with ``mip_rel_gap=0`` the solution is an
    exact optimum of that order. Before, ``cost + 1e-6`` and the default relative gap
    (1e-4) also gave the least cost, but not always the fewest groups among equal
    costs, and took 1.98 s against 1.55 s for the report's 48 programs (medians of the
    captured programs, machine paused).

    Returns False (the greedy rule then decides) when no solution was found in time.
    """
    from scipy import sparse

    from .lp import integer_program

    size = len(n)
    rows, columns, values = _partition_rule(n, pid, pp, pc, min_n)
    a = sparse.csr_matrix((values, (rows, columns)), shape=(int(rows.max()) + 1, size))
    low = hidden.astype(float)
    if (a @ low >= 0).all():  # what is hidden already keeps the rule: nothing to add
        return True
    high = np.where(n > 0, 1.0, 0.0)
    high = np.maximum(high, low)
    halves = np.round(2 * np.asarray(cost, dtype=float))
    x = integer_program(halves * (size + 1) + 1.0, a, low, high, ILP_NODES, 0.0)
    if x is None:
        return False
    chosen = (x > 0.5) & ~hidden
    hidden[chosen] = True
    reason[chosen] = "secondary"
    return True


def _partition_rule(n, pid, pp, pc, min_n) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The rows of :func:`_cheapest`'s constraints ``a x >= 0`` as (row, column, value)
    triples (repeated pairs add up): first one row per member of each partition (its
    children, then its parent), then one per child (the pooling rule). Built from index
    arithmetic (0.4 ms a program of the report, against 1.5 ms by scipy.sparse's row
    selection)."""
    n_parts = int(pid.max()) + 1
    parent_of = np.zeros(n_parts, dtype=np.intp)
    parent_of[pid] = pp
    member_part = np.concatenate([pid, np.arange(n_parts)])
    member = np.concatenate([pc, parent_of])

    def spread(row_part, part_of, items):
        """For row r (of partition row_part[r]), every item whose partition it is."""
        order = np.argsort(part_of, kind="stable")
        count = np.bincount(part_of, minlength=n_parts)
        first = np.concatenate([[0], np.cumsum(count)[:-1]])
        each = count[row_part]
        row = np.repeat(np.arange(len(row_part)), each)
        step = np.arange(each.sum()) - np.repeat(np.cumsum(each) - each, each)
        return row, order[np.repeat(first[row_part], each) + step]

    # no member alone: the partition's members, less twice the member itself
    row, at = spread(member_part, member_part, member)
    alone = (
        np.concatenate([row, np.arange(len(member))]),
        np.concatenate([member[at], member]),
        np.concatenate([np.ones(len(at)), np.full(len(member), -2.0)]),
    )
    # pooling: the children's n, less min_n for the child, plus min_n for the parent
    row, at = spread(pid, pid, pc)
    first = len(member)
    children = np.arange(len(pid)) + first
    pooled = (
        np.concatenate([row + first, children, children]),
        np.concatenate([pc[at], pc, pp]),
        np.concatenate([n[pc[at]].astype(float), np.full(2 * len(pid), float(min_n))]),
    )
    pooled[2][len(at) : len(at) + len(pid)] *= -1
    return tuple(np.concatenate(pair) for pair in zip(alone, pooled, strict=True))


def _fixpoint(hidden, reason, n, cost, pid, pp, pc, min_n) -> bool:
    """Hide the cheapest visible child of every partition that would give a group away;
    True when anything was hidden."""
    n_parts = int(pid.max()) + 1
    parent_of = np.zeros(n_parts, dtype=np.intp)
    parent_of[pid] = pp
    changed = False
    while True:
        hid_child = hidden[pc]
        count = np.bincount(pid, weights=hid_child, minlength=n_parts) + hidden[parent_of]
        pooled = np.bincount(pid, weights=n[pc] * hid_child, minlength=n_parts)
        bad = (count == 1) | (~hidden[parent_of] & (pooled > 0) & (pooled < min_n))
        if not bad.any():
            return changed
        cand = np.flatnonzero(bad[pid] & ~hid_child)
        if cand.size == 0:
            return changed
        order = cand[np.lexsort((cost[pc[cand]], pid[cand]))]
        _, first = np.unique(pid[order], return_index=True)
        chosen = pc[order[first]]
        hidden[chosen] = True
        reason[chosen] = np.where(reason[chosen] == None, "secondary", reason[chosen])  # noqa: E711
        changed = True


def _blocks(cube: Cube) -> np.ndarray | None:
    """Each finest cell's block for :func:`.lp.certify`: its area (areas are disjoint
    respondents, linked only by totals over areas), else its round, else none."""
    for key in ("area", "round"):
        if key in cube.keys:
            return cube.cells[:, cube.keys.index(key)]
    return None


def _exposed_classes(
    cube, rows, n_cls, hidden, reason, s_cell, n_cell, scale, protection, blocks, proved,
    audits=None, need=None, bases=None,
):  # fmt: skip
    """Sensitive classes (a primary reason) whose sum the visible classes pin to an
    interval narrower than ``protection`` times ``need`` (default ``n_cls``: their mean
    to less than ``protection``). A group hidden only to protect another is not
    sensitive: its interval may be narrow (a group of 40 beside one of 1). A group the
    subgroup rule hides needs ``protection`` times ``min_n - 1``: then its subgroups'
    means keep intervals at least ``protection`` wide (:func:`pins_subgroups`).

    ``proved`` marks the classes proved safe in an earlier round, and gets the new
    ones: a proof holds when more groups are hidden (its points keep every published
    sum, and hiding a group only takes a sum away), so they are not attacked again."""
    from .lp import Proofs, prove

    cand = np.flatnonzero(hidden & (n_cls > 0) & np.isin(reason, PRIMARY) & ~proved)
    if cand.size == 0:
        return cand
    # the equations, bounds and variables are functions of the classes (so of n_cell)
    # and of what is hidden: the measures with the same ones share them, and the
    # points of their proofs (audits holds them per hidden set; only the truth differs)
    audit = None if audits is None else audits.get(hidden.tobytes())
    if audit is None:
        variables = np.flatnonzero(_hidden_cells(rows, hidden))
        visible = np.flatnonzero(~hidden & (n_cls > 0))
        eq = rows[visible][:, variables]
        eq = eq[np.diff(eq.indptr) > 0]
        audit = (variables, eq, Proofs())
        if audits is not None:
            audits[hidden.tobytes()] = audit
    variables, eq, proofs = audit
    targets = rows[cand][:, variables]
    lower, upper = n_cell[variables] * scale[0], n_cell[variables] * scale[1]
    need = n_cls if need is None else need
    truth, needed = s_cell[variables], protection * need[cand]
    if variables.size <= FULL_LP_CELLS:
        # every target: feasible points that many share, then its own LPs (warm HiGHS),
        # so what is left is exposed by the exact LP (boxes first cost more than they
        # saved here: the crossed two-column pattern's audit took 3.5 s with them, 1.9 s
        # without; the example's 0.31 s and 0.27 s). The measures with the same hidden
        # set share the points' directions and the warm LPs (lp.Proofs).
        proved_now = prove(
            eq, truth, lower, upper, targets, needed, exact=True, shared=proofs,
            names=variables, bases=bases,
        )  # fmt: skip
        rest = np.flatnonzero(~proved_now)
    else:
        rest = _certified(
            cube, eq, truth, lower, upper, targets, need[cand], protection, variables, blocks
        )
    # above FULL_LP_CELLS an LP per group in every run is too slow: unproved counts as
    # exposed, so a neighbour is hidden (safe), and after the rounds it is isolated
    proved[cand] = True
    proved[cand[rest]] = False
    return cand[rest]


def _certified(cube, eq, truth, lower, upper, targets, n, protection, variables, blocks):
    """Targets no certificate proves safe, on a structure too large for an LP per target:
    boxes of hidden cells (cheap, vectorised), then more boxes and their best
    combination, then an LP near the target, then LPs over the targets' areas and
    the areas with the most hidden cells (:func:`.lp.certify_blocks`: on 200 areas x
    10 rounds it proved the 19-35 targets per dimension the others left, each of
    which the exact LP finds safe)."""
    from .lp import box_reach, certify, certify_blocks, exposure

    truth_t, needed = targets @ truth, protection * n
    coords = cube.cells[variables]
    down, up = box_reach(eq, truth, lower, upper, targets, coords, cube.parent)
    rest = np.flatnonzero(exposure(truth_t - down, truth_t + up, n, protection))
    if rest.size:
        down, up = box_reach(eq, truth, lower, upper, targets[rest], coords, cube.parent, span=True)
        rest = rest[exposure(truth_t[rest] - down, truth_t[rest] + up, n[rest], protection)]
    if rest.size:
        safe = certify(
            eq, truth, lower, upper, targets[rest], needed[rest],
            None if blocks is None else blocks[variables],
        )  # fmt: skip
        rest = rest[~safe]
    if 0 < rest.size <= BLOCK_TARGETS and blocks is not None:
        safe = certify_blocks(
            eq, truth, lower, upper, targets[rest], needed[rest], blocks[variables]
        )
        rest = rest[~safe]
    return rest


def _protect(exposed, hidden, reason, n, cost, pid, pp, pc, rows) -> bool:
    """Hide, for each exposed class, the cheapest visible group it shares a partition
    with (else any visible group sharing a cell with it); the next :func:`_secondary`
    restores the partition rule around it. (A cut, "one of these must be hidden",
    left to the integer program, converged too slowly: 3 of the example's 10
    dimensions were still exposed after AUDIT_ROUNDS.)"""
    changed = False
    for c in exposed:
        parts = np.unique(pid[(pc == c) | (pp == c)])
        in_parts = np.isin(pid, parts)
        members = np.unique(np.concatenate([pc[in_parts], pp[in_parts]]))
        members = members[~hidden[members] & (members != c)]
        if members.size == 0:
            # no partition: any visible group sharing a cell with it
            overlap = np.asarray(rows @ rows[c].T.toarray()).ravel() > 0
            members = np.flatnonzero(overlap & ~hidden & (n > 0))
        if members.size == 0:
            continue
        pick = members[np.argmin(cost[members])]
        hidden[pick], reason[pick] = True, "secondary"
        changed = True
    return changed


def _isolate(
    targets, hidden, reason, n, cost, rows, s_cell, n_cell, scale, protection, shown=None,
    need=None,
) -> np.ndarray:  # fmt: skip
    """The last resort, for sensitive classes the audit's rounds left unproved: hide
    ("secondary") every visible class that would tell a target apart from one other
    cell, so that the target is provably protected. Returns which targets it protects.

    For a target with cells ``T`` (its cells with data) and a partner cell ``p``
    outside it, every visible class is made to hold all of ``T + {p}`` or none of it.
    Then moving the true sums along ``x_t + l (upper_t - x_t)`` for every ``t`` in
    ``T`` and ``x_p - l * sum_t (upper_t - x_t)`` keeps every visible sum (a class
    holding all of them gains and loses the same; one holding none is untouched), and
    stays within the bounds for ``0 <= l <= min(1, (x_p - lower_p) / sum_t (upper_t -
    x_t))``: the target's sum reaches ``min(up_T, down_p)`` above its true value, and
    by the same move reversed ``min(down_T, up_p)`` below it. When these add up to at
    least ``protection * n``, the target's LP interval is wide enough whatever else is
    shown or hidden later (hiding takes equations away, so both points stay
    consistent with everything published). The partner is the cell with enough room
    whose separating classes cost least (:func:`_costs`); cells whose separation would
    hide a class in ``shown`` (a group a pattern this one nests in shows, which the
    other runs publish) are not used. A target is left unproved only when no cell
    outside it has room enough (a few cells, all near the ends of the scale) or every
    cell that has is separated from it by a group in ``shown``. ``need``: as in
    :func:`_exposed_classes` (the sum's width needed is ``protection * need``).
    """
    need = n if need is None else need
    safe = np.zeros(len(targets), dtype=bool)
    n_cells = rows.shape[1]
    up = n_cell * scale[1] - s_cell
    down = s_cell - n_cell * scale[0]
    for i, c in enumerate(targets):
        cells = rows.indices[rows.indptr[c] : rows.indptr[c + 1]]
        if cells.size == 0:
            continue
        visible = np.flatnonzero(~hidden & (n > 0))
        seen = rows[visible].tocsc()
        inside = np.zeros(n_cells)
        inside[cells] = 1.0
        held = seen @ inside  # how many of the target's cells each visible class holds
        full, none = held == cells.size, held == 0
        guard = np.zeros(len(visible)) if shown is None else shown[visible].astype(float)
        width = np.minimum(up[cells].sum(), down) + np.minimum(down[cells].sum(), up)
        ok = (n_cell > 0) & (inside == 0) & (_separated_by(seen, full, none, guard) < 0.5)
        ok &= width >= protection * need[c] * (1 + 1e-6) + 1e-9
        if not ok.any():
            continue
        candidates = np.flatnonzero(ok)
        price = _separated_by(seen, full, none, cost[visible])[candidates]
        partner = candidates[np.argmin(price)]
        inside[partner] = 1.0
        held = seen @ inside
        separating = visible[(held > 0) & (held < cells.size + 1)]
        hidden[separating] = True
        reason[separating] = "secondary"
        safe[i] = True
    return safe


def _separated_by(seen, full, none, weights: np.ndarray) -> np.ndarray:
    """Per cell p: the weight of the visible classes (rows of ``seen``) that hold some but
    not all of a target's cells T and p: those holding part of T (neither ``full`` nor
    ``none``), those holding all of T but not p, and those holding p but none of T."""
    fixed = weights[~full & ~none].sum() + weights[full].sum()
    with_p = seen.T @ np.where(none, weights, 0.0) - seen.T @ np.where(full, weights, 0.0)
    return fixed + np.asarray(with_p).ravel()
