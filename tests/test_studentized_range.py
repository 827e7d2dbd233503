"""The studentized range's upper tail (Games-Howell's p) against three independent sources.

* k = 2, exactly: the range of two normals is |Z1 - Z2| = sqrt(2) |Z|, so
  ``P(Q > q) = P(|t_df| > q / sqrt(2)) = 2 stdtr(df, -q / sqrt(2))`` (scipy.special);
* scipy.stats.studentized_range.sf (adaptive nquad; it computes 1 - cdf, so its values
  below about 1e-14 are rounding, and above df = 100,000 it uses the df = infinity form);
* R 4's ptukey(q, k, df, lower.tail = FALSE), values printed with options(digits = 15).
"""

from __future__ import annotations

import math
import subprocess
import sys
import warnings

import numpy as np
import pytest
from scipy import special

from partnerkit.stats.studentized_range import studentized_range_sf

Q = np.array([0.0, 0.001, 0.3, 0.5, 1, 1.5, 2, 3, 3.5, 4, 5, 6, 8, 12, 20, 30, 50])


@pytest.mark.parametrize("df", [1, 1.01, 1.3, 2, 2.9, 5, 10, 33.3, 100, 1e3, 1e5, 1e8, np.inf])
def test_two_groups_match_the_t_distribution_exactly(df):
    exact = 2 * special.stdtr(df, -Q / math.sqrt(2))
    ours = studentized_range_sf(Q, 2, df)
    assert np.abs(ours - exact).max() < 1e-10
    tiny = exact > 1e-12  # relative accuracy too, where a p-value can still be told apart
    assert (np.abs(ours - exact)[tiny] / exact[tiny]).max() < 1e-8


@pytest.mark.parametrize("k", [3, 4, 5, 7, 10, 15, 20])
def test_agrees_with_scipy_studentized_range(k):
    stats = pytest.importorskip("scipy.stats")
    for df in [1, 1.3, 2, 2.9, 4, 7.5, 12, 30, 100, 1000, 50_000]:
        ref = stats.studentized_range.sf(Q, k, df)
        assert np.abs(studentized_range_sf(Q, k, df) - ref).max() < 1e-9, (k, df)


# (q, k, df, R's ptukey(q, k, df, lower.tail = FALSE))
R_PTUKEY = [
    (0.5, 3, 4.0, 0.93451285046980570),
    (2.0, 6, 2.0, 0.73474228164622790),
    (3.5, 3, 20.0, 0.05589184908205935),
    (3.5, 10, 17.3, 0.34401946246747106),
    (5.0, 4, 120.0, 0.00320859330315659),
    (8.0, 5, 6.5, 0.00596035220162494),
    (4.2, 12, 3.0, 0.38898397795622841),
]


def test_r_ptukey_is_the_least_accurate_of_the_three_at_small_df():
    # R: ptukey(2.9, 2, 2.5, lower.tail = FALSE) = 0.15068789440564767, but k = 2 is exact:
    # 2 * pt(-2.9 / sqrt(2), 2.5) = 0.150696028330824 (R agrees with it to 1e-15); ptukey's
    # own integration is off by 8.1e-6 here, within its documented accuracy
    exact = 2 * special.stdtr(2.5, -2.9 / math.sqrt(2))
    assert exact == pytest.approx(0.150696028330824, abs=1e-14)
    assert float(studentized_range_sf(2.9, 2, 2.5)) == pytest.approx(exact, abs=1e-10)


@pytest.mark.parametrize(("q", "k", "df", "expected"), R_PTUKEY)
def test_agrees_with_r_ptukey(q, k, df, expected):
    # R's ptukey is documented as accurate to about 1e-6; here it agrees to 4e-8
    assert float(studentized_range_sf(q, k, df)) == pytest.approx(expected, abs=1e-7)


def test_broadcasts_and_returns_nan_for_undefined_points_without_warning():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        p = studentized_range_sf([1.0, np.nan, 2.0, 3.0], 4, [5.0, 5.0, 0.0, np.inf])
    assert math.isnan(p[1]) and math.isnan(p[2])
    # scipy.stats.studentized_range.sf(1.0, 4, 5.0) = 0.8902780309 and, df = infinity (the
    # range of 4 standard normals), scipy.stats.studentized_range.sf(3.0, 4, np.inf) = 0.14627148
    assert p[0] == pytest.approx(0.8902780309231783, abs=1e-9)
    assert p[3] == pytest.approx(0.14627148, abs=1e-8)
    assert studentized_range_sf(2.0, 3, [4.0, 8.0]).shape == (2,)
    assert float(studentized_range_sf(0.0, 6, 3.0)) == 1.0
    assert studentized_range_sf([-1.0, -50.0], 3, [4.0, np.inf]).tolist() == [1.0, 1.0]


def test_needs_no_scipy_stats():
    code = (
        "import sys\n"
        "from partnerkit.stats import games_howell\n"
        "games_howell([[1.0, 2.0, 3.0], [2.0, 4.0, 6.0], [6.0, 7.0, 8.0]], list('abc'))\n"
        "print('scipy.stats' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
