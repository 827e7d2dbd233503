"""Reliability of one dimension: Cronbach's alpha and item statistics.

Everything is computed from the pairwise-complete covariance matrix of the
items, the way R psych ``alpha()`` does it (``use = "pairwise"``), so a
respondent who skipped one item still counts for the others. scipy is
imported inside the functions, so importing this module is cheap.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    import pandas as pd


def _answered(items: pd.DataFrame) -> int:
    """Number of rows with at least one non-missing item."""
    return int(items.notna().any(axis=1).sum())


def pairwise_covariance(items: pd.DataFrame) -> np.ndarray:
    """Pairwise-complete covariance matrix (ddof=1) as a float array; NaN where undefined.

    A caller needing both :func:`scale_reliability` and :func:`item_statistics` of the
    same items computes it once and gives it to both (``covariance=``): on a million
    respondents it was a fifth of ``reliability``, computed twice (issue 23)."""
    k = items.shape[1]
    if _answered(items) < 2:  # numpy's cov warns about zero degrees of freedom
        return np.full((k, k), np.nan)
    with np.errstate(all="ignore"):
        return items.astype("float64").cov().to_numpy()


def _raw_alpha(c: np.ndarray) -> float:
    """``k/(k-1) · (1 - trace(C)/sum(C))``; NaN for fewer than two items."""
    k = c.shape[0]
    if k < 2:
        return np.nan
    with np.errstate(all="ignore"):
        return float(k / (k - 1) * (1 - np.trace(c) / np.sum(c)))


def scale_reliability(
    items: pd.DataFrame, level: float = 0.95, covariance: np.ndarray | None = None
) -> dict:
    """Cronbach's alpha of one dimension's items, with its Feldt interval.

    Parameters
    ----------
    items
        One column per item of the dimension (already reverse-keyed), one row
        per respondent; NaN marks a missing answer.
    level
        Confidence level of the interval.
    covariance
        :func:`pairwise_covariance` of ``items``, when the caller has it.

    Returns
    -------
    dict
        ``n``
            Respondents (rows) with at least one non-missing item; the n of
            the Feldt interval.
        ``k``
            Number of items (columns).
        ``alpha``
            Raw alpha, ``k/(k-1) · (1 - trace(C)/sum(C))`` with ``C`` the
            pairwise-complete covariance matrix.
        ``alpha_ci_low``, ``alpha_ci_high``
            Feldt interval of ``alpha`` at ``level``.
        ``alpha_std``
            Standardised alpha, ``k/(k-1) · (1 - k/sum(R))``.
        ``average_r``
            Mean of the off-diagonal elements of ``R``.

        ``R`` is ``C`` scaled to correlations (``C_ij / sqrt(C_ii · C_jj)``,
        R's ``cov2cor``), as psych does; without missing answers it is the
        ordinary correlation matrix. Every statistic except ``n`` and ``k``
        is NaN with fewer than two items or fewer than two respondents, and
        wherever ``C`` is undefined (an item nobody answered, a pair of items
        nobody answered together) or ``R`` is (an item without variance).

    Notes
    -----
    Cronbach's alpha from pairwise-complete covariances; agrees with R psych
    ``alpha()`` and pingouin ``cronbach_alpha()``. Interval of Feldt, Woodruff
    & Salih (1987): ``1 - (1 - alpha) · F(q; n - 1, (n - 1)(k - 1))`` with
    ``q = 1 - (1 - level)/2`` for the lower and ``(1 - level)/2`` for the
    upper bound. psych and pingouin take ``n`` as all rows given; here rows
    without any answer are left out (they carry no information and do not
    enter ``C``), so the interval equals theirs on ``items.dropna(how="all")``.

    Examples
    --------
    >>> import pandas as pd
    >>> items = pd.DataFrame(
    ...     {
    ...         "q1": [4, 5, 3, 2, 4, 5, 3, 4],
    ...         "q2": [3, 4, 4, 1, 5, 3, 2, 4],
    ...         "q3": [3, 5, 2, 3, None, 4, 3, 4],
    ...     }
    ... )
    >>> res = scale_reliability(items)
    >>> res["n"], res["k"], round(res["alpha"], 4)
    (8, 3, 0.769)
    >>> round(res["alpha_ci_low"], 4), round(res["alpha_ci_high"], 4)
    (0.2192, 0.9497)
    """
    from scipy.special import fdtri  # F quantiles, as scipy.stats.f.ppf computes them

    n, k = _answered(items), items.shape[1]
    result = {"n": n, "k": k, "alpha": np.nan, "alpha_ci_low": np.nan, "alpha_ci_high": np.nan}
    result |= {"alpha_std": np.nan, "average_r": np.nan}
    if k < 2 or n < 2:
        return result

    c = pairwise_covariance(items) if covariance is None else covariance
    with np.errstate(all="ignore"):
        sd = np.sqrt(np.diag(c))
        r = c / np.outer(sd, sd)
        alpha = _raw_alpha(c)
        tail = (1 - level) / 2
        df1, df2 = n - 1, (n - 1) * (k - 1)
        result |= {
            "alpha": alpha,
            "alpha_ci_low": float(1 - (1 - alpha) * fdtri(df1, df2, 1 - tail)),
            "alpha_ci_high": float(1 - (1 - alpha) * fdtri(df1, df2, tail)),
            "alpha_std": float(k / (k - 1) * (1 - k / np.sum(r))),
            "average_r": float(np.mean(r[~np.eye(k, dtype=bool)])),
        }
    return result


def item_statistics(items: pd.DataFrame, covariance: np.ndarray | None = None) -> pd.DataFrame:
    """Per-item statistics of one dimension: r.drop and alpha if the item is dropped.

    Parameters
    ----------
    items
        One column per item of the dimension (already reverse-keyed), one row
        per respondent; NaN marks a missing answer.
    covariance
        :func:`pairwise_covariance` of ``items``, when the caller has it.

    Returns
    -------
    pandas.DataFrame
        One row per item, in the column order of ``items``:

        ``item``
            Column name.
        ``n``
            Number of non-missing answers.
        ``mean``, ``sd``
            Mean and standard deviation (ddof=1) of the answers.
        ``r_drop``
            Corrected item-total correlation: correlation of the item with
            the sum of the other items, taken from the pairwise-complete
            covariance matrix ``C``:
            ``sum_{j≠i} C_ij / sqrt(C_ii · sum_{j,l≠i} C_jl)``.
        ``alpha_if_dropped``
            Raw alpha of ``C`` without row and column ``i``.
        ``pct_missing``
            Percentage of all rows of ``items`` in which the item is missing.

        ``r_drop`` and ``alpha_if_dropped`` are NaN with fewer than two items
        and wherever an entry of ``C`` they use is undefined (so an item nobody
        answered makes every ``r_drop`` and every other item's
        ``alpha_if_dropped`` NaN); ``alpha_if_dropped`` is also NaN with
        exactly two items (alpha of one item is undefined; psych reports an
        inter-item statistic there instead), and ``r_drop`` for an item
        without variance. psych deletes items without variance; here they stay.

    Notes
    -----
    ``r.drop`` and ``alpha.drop$raw_alpha`` of R psych ``alpha()`` with
    ``use = "pairwise"``, computed the same way from ``C``; agrees with R psych
    alpha() and, for alpha, pingouin cronbach_alpha(). Without missing answers
    ``r_drop`` is the Pearson correlation of the item with the sum score of
    the other items.

    Examples
    --------
    >>> import pandas as pd
    >>> items = pd.DataFrame(
    ...     {
    ...         "q1": [4, 5, 3, 2, 4, 5, 3, 4],
    ...         "q2": [3, 4, 4, 1, 5, 3, 2, 4],
    ...         "q3": [3, 5, 2, 3, None, 4, 3, 4],
    ...     }
    ... )
    >>> item_statistics(items).round(3)
      item  n   mean     sd  r_drop  alpha_if_dropped  pct_missing
    0   q1  8  3.750  1.035   0.853             0.409          0.0
    1   q2  8  3.250  1.282   0.457             0.889          0.0
    2   q3  7  3.429  0.976   0.566             0.733         12.5
    """
    import pandas as pd

    k = items.shape[1]
    c = pairwise_covariance(items) if covariance is None else covariance
    r_drop = np.full(k, np.nan)
    alpha_if_dropped = np.full(k, np.nan)
    if k >= 2:
        with np.errstate(all="ignore"):
            for i in range(k):
                others = np.arange(k) != i
                rest = c[np.ix_(others, others)]
                r_drop[i] = np.sum(c[i, others]) / np.sqrt(c[i, i] * np.sum(rest))
                alpha_if_dropped[i] = _raw_alpha(rest)
    return pd.DataFrame(
        {
            "item": list(items.columns),
            "n": items.notna().sum().to_numpy(dtype="int64"),
            "mean": items.mean().to_numpy(dtype="float64"),
            "sd": items.std(ddof=1).to_numpy(dtype="float64"),
            "r_drop": r_drop,
            "alpha_if_dropped": alpha_if_dropped,
            "pct_missing": 100 * items.isna().mean().to_numpy(dtype="float64"),
        }
    )
