"""Confidence intervals of means.

Functions follow pingouin's shape: arrays or a DataFrame in, numbers or a
tidy DataFrame out, with the method and its reference named in the Notes.
scipy is imported inside the functions, so importing this module is cheap.
"""

from __future__ import annotations

import numpy as np


def t_interval(
    mean: np.ndarray, sd: np.ndarray, n: np.ndarray, level: float = 0.95
) -> tuple[np.ndarray, np.ndarray]:
    """Two-sided t-interval of a mean, vectorised over groups.

    Parameters
    ----------
    mean, sd, n
        Group means, sample standard deviations (ddof=1) and sizes.
    level
        Confidence level.

    Returns
    -------
    (low, high)
        Arrays of interval bounds; NaN where ``n < 2``.

    Notes
    -----
    ``mean ± t(1 - (1 - level) / 2, n - 1) · sd / sqrt(n)``, the interval of
    R's ``t.test`` and ``scipy.stats.t.interval``.

    Examples
    --------
    >>> low, high = t_interval(np.array([3.0]), np.array([1.0]), np.array([10]))
    >>> round(float(low[0]), 4), round(float(high[0]), 4)
    (2.2846, 3.7154)
    """
    from scipy.special import stdtrit

    mean, sd = np.asarray(mean, dtype=float), np.asarray(sd, dtype=float)
    n = np.asarray(n, dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        df = np.where(n >= 2, n - 1, np.nan)
        half = stdtrit(df, 1 - (1 - level) / 2) * sd / np.sqrt(n)
    return mean - half, mean + half
