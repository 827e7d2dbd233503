"""The t quantile behind every score interval, against scipy (the reference implementation)."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.special import stdtrit

from partnerkit.stats.intervals import t975, t_interval


def test_t975_agrees_with_scipy_for_every_whole_df_and_beyond():
    df = np.arange(1, 5001)
    assert t975(df) == pytest.approx(stdtrit(df, 0.975), rel=1e-12, abs=1e-12)
    large = np.array([1e4, 1e5, 1e7])
    assert t975(large) == pytest.approx(stdtrit(large, 0.975), rel=1e-13)
    assert np.isnan(t975(np.array([np.nan, 0.0, 2.5]))).all()  # no df, or a non-whole small df


def test_other_levels_use_scipy():
    _low, high = t_interval(np.array([3.0]), np.array([1.0]), np.array([10]), level=0.9)
    assert high[0] - 3.0 == pytest.approx(stdtrit(9, 0.95) / np.sqrt(10), rel=1e-12)
