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
    R's ``t.test`` and ``scipy.stats.t.interval``. At the 95% level the quantile
    comes from :func:`t975` (no scipy import); at other levels from scipy.

    Examples
    --------
    >>> low, high = t_interval(np.array([3.0]), np.array([1.0]), np.array([10]))
    >>> round(float(low[0]), 4), round(float(high[0]), 4)
    (2.2846, 3.7154)
    """
    mean, sd = np.asarray(mean, dtype=float), np.asarray(sd, dtype=float)
    n = np.asarray(n, dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        df = np.where(n >= 2, n - 1, np.nan)
        if level == 0.95:
            quantile = t975(df)
        else:
            from scipy.special import stdtrit

            quantile = stdtrit(df, 1 - (1 - level) / 2)
        half = quantile * sd / np.sqrt(n)
    return mean - half, mean + half


def t975(df) -> np.ndarray:
    """Student's t 97.5% quantile for (whole or large) degrees of freedom, without scipy.

    Exact values from a table for 1..300 df (computed by scipy, see
    ``scripts/t_quantiles.py``); above 300 df the Cornish-Fisher expansion of the t
    quantile in powers of 1/df (Abramowitz & Stegun 26.7.5), exact there to 1e-12.

    >>> round(float(t975(9)), 6), round(float(t975(10_000)), 6)
    (2.262157, 1.960201)
    """
    from ._t_quantiles import LAST_DF, T975

    df = np.asarray(df, dtype=float)
    table = np.array((np.nan, *T975))
    whole = np.isfinite(df) & (df >= 1) & (df <= LAST_DF) & (df == np.floor(df))
    index = np.where(whole, df, 0).astype(np.intp)
    z = 1.959963984540054  # the normal 97.5% quantile
    with np.errstate(invalid="ignore", divide="ignore"):
        expansion = (
            z
            + (z**3 + z) / 4 / df
            + (5 * z**5 + 16 * z**3 + 3 * z) / 96 / df**2
            + (3 * z**7 + 19 * z**5 + 17 * z**3 - 15 * z) / 384 / df**3
            + (79 * z**9 + 776 * z**7 + 1482 * z**5 - 1920 * z**3 - 945 * z) / 92160 / df**4
        )
    far = np.isfinite(df) & (df > LAST_DF)
    return np.where(whole, table[index], np.where(far, expansion, np.nan))
