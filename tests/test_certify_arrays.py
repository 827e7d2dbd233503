"""The audit's certificates built from arrays (issue 23): the local problems of
:func:`partnerkit.privacy.lp.certify`, the block-diagonal LPs of its bounds and the
corners of :func:`~partnerkit.privacy.lp.box_reach` are the matrices and lookups scipy's
slicing, ``scipy.sparse.kron`` and a binary search gave, entry for entry (the reference:
scipy's own operations on the same inputs), so every LP HiGHS solves is the same."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from scipy import sparse

from partnerkit.privacy import lp


def _random_equations(rng, rows: int, cells: int) -> sparse.csr_matrix:
    dense = (rng.random((rows, cells)) < 0.15).astype(float)
    dense[rng.integers(0, rows, cells), np.arange(cells)] = 1.0  # every cell in a sum
    return sparse.csr_matrix(dense)


def _same(one, other) -> None:
    assert one.shape == other.shape
    np.testing.assert_array_equal(one.indptr, other.indptr)
    np.testing.assert_array_equal(one.indices, other.indices)
    np.testing.assert_array_equal(one.data, other.data)


@pytest.mark.parametrize("seed", range(6))
def test_local_problems_are_scipys_slices(seed):
    rng = np.random.default_rng(seed)
    eq = _random_equations(rng, 40, 60)
    targets = sparse.csr_matrix((rng.random((25, 60)) < 0.1).astype(float))
    eq_csc = eq.tocsc()
    eq_csc.sort_indices()
    for _ in range(5):
        local = np.flatnonzero(rng.random(60) < rng.uniform(0.1, 0.9))
        members = np.sort(rng.choice(25, rng.integers(1, 25), replace=False))
        # the reference: scipy's slicing, as certify sliced before
        _same(lp._local_columns(eq_csc, local), lp.sparse_rows(eq.tocsc()[:, local]))
        _same(lp._local_targets(targets, members, local), targets[members][:, local])


@pytest.mark.parametrize("copies", [1, 2, 7])
def test_block_diagonal_is_the_kron(copies):
    rng = np.random.default_rng(copies)
    a = lp.sparse_rows(_random_equations(rng, 12, 30))
    blocks = lp._BlockDiagonal(a, a.tocsc(), copies)
    kron = sparse.kron(sparse.identity(copies, format="csr"), a, format="csr")
    _same(blocks.csc(), sparse.csc_matrix(kron))  # the arrays HiGHS is given
    _same(blocks.matrix(), kron)
    x = rng.uniform(1, 5, kron.shape[1]) * rng.integers(1, 9, kron.shape[1])
    # the products _feasible checks: the same sums in the same order, to the last bit
    assert (blocks @ x).tobytes() == (kron @ x).tobytes()


def test_box_corners_found_by_table_and_by_search_alike(monkeypatch):
    """box_reach's corners looked up in a table of codes give the same reaches, bit for
    bit, as the binary search of the sorted codes (random three-key tables, as in
    tests/test_disclosure.py)."""
    rng = np.random.default_rng(23)
    checked = 0
    for _ in range(30):
        shape = tuple(int(v) for v in rng.integers(2, 6, 3))
        coords = np.array(list(itertools.product(*[range(v) for v in shape])))
        hidden = np.flatnonzero(rng.random(len(coords)) < 0.6)
        if hidden.size < 4:
            continue
        eq = _random_equations(rng, 8, hidden.size).toarray()
        n = rng.integers(1, 6, hidden.size).astype(float)
        truth = n * rng.uniform(1, 5, hidden.size).round(1)
        targets = np.eye(hidden.size)
        for span in (False, True):
            args = (eq, truth, n, 5 * n, targets, coords[hidden])
            monkeypatch.setattr(lp, "CODE_TABLE", True)
            table = lp.box_reach(*args, span=span)
            monkeypatch.setattr(lp, "CODE_TABLE", False)
            search = lp.box_reach(*args, span=span)
            for one, other in zip(table, search, strict=True):
                assert one.tobytes() == other.tobytes()
            checked += int((table[0] + table[1] > 0).sum())
    assert checked > 0  # some boxes moved: the comparison is not of zeros
