"""Linear mixed models with one random intercept, fitted exactly from group sums.

A model ``y = X·beta + u[group] + e`` with ``u ~ N(0, tau2)`` and ``e ~ N(0, sigma2)``
(R lme4 ``lmer(y ~ x + (1 | group))``, statsmodels ``MixedLM``) needs nothing of the data
but each group's size and the sums of ``x``, ``y``, ``x·x``, ``x·y`` and ``y·y``: the
covariance of a group is ``sigma2·(I + gamma·J)`` (``gamma = tau2 / sigma2``), whose
inverse and determinant have closed forms. The REML criterion profiled over
``sigma2`` is then a function of ``gamma`` alone, evaluated in O(groups) and minimised
by a grid and Brent's method. The result agrees with lme4 to 1e-6
(``tests/reference/lme4_mixed.json``) and runs in milliseconds where MixedLM on the
raw rows takes seconds (measured in ``benchmarks/models.py``).

Used by ``areas`` (respondents within areas: :func:`area_estimates`,
:func:`rank_intervals`) and ``trend --over-time`` (answers within respondents linked
across rounds: :func:`linear_trend`). scipy is imported inside the functions.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

_Z975 = 1.959963984540054


@dataclass(frozen=True)
class GroupSums:
    """Per group: size and the sums a random-intercept model needs (x is optional)."""

    n: np.ndarray
    sy: np.ndarray
    syy: np.ndarray
    sx: np.ndarray | None = None
    sxx: np.ndarray | None = None
    sxy: np.ndarray | None = None

    @classmethod
    def from_moments(cls, n, mean, ss_within) -> GroupSums:
        """From each group's size, mean and within-group sum of squares (no covariate)."""
        n, mean = np.asarray(n, dtype=float), np.asarray(mean, dtype=float)
        return cls(n=n, sy=n * mean, syy=np.asarray(ss_within, dtype=float) + n * mean**2)


@dataclass(frozen=True)
class MixedFit:
    """A REML fit of a random-intercept model.

    ``beta`` the fixed effects (intercept, and the slope of x when given), ``cov`` their
    covariance (``sigma2 · (X'V⁻¹X)⁻¹``, lme4's ``vcov``), ``tau2`` and ``sigma2`` the
    variance components, ``reml`` the REML criterion (-2 log restricted likelihood,
    lme4's ``REMLcrit``), ``n_obs`` and ``n_groups``.
    """

    beta: np.ndarray
    cov: np.ndarray
    tau2: float
    sigma2: float
    reml: float
    n_obs: int
    n_groups: int

    @property
    def gamma(self) -> float:
        return self.tau2 / self.sigma2 if self.sigma2 > 0 else 0.0


def fit_random_intercept(sums: GroupSums) -> MixedFit:
    """Fit ``y ~ [x] + (1 | group)`` by REML from group sums.

    Parameters
    ----------
    sums
        One entry per group (groups of size 0 are ignored).

    Returns
    -------
    MixedFit

    Notes
    -----
    Restricted maximum likelihood (Patterson & Thompson 1971), the default of R lme4
    ``lmer`` (Bates, Mächler, Bolker & Walker 2015) and statsmodels ``MixedLM``; the
    closed form of the one-way random-effects model (Searle, Casella & McCulloch 1992,
    ch. 3 and 6). ``gamma`` is bounded below by 0, as lme4's ``theta``.

    Examples
    --------
    >>> sums = GroupSums.from_moments([3, 3, 3], [1.0, 2.0, 3.0], [2.0, 2.0, 2.0])
    >>> fit = fit_random_intercept(sums)
    >>> round(float(fit.beta[0]), 6), round(float(fit.tau2), 6), round(float(fit.sigma2), 6)
    (2.0, 0.666667, 1.0)
    """
    keep = np.asarray(sums.n, dtype=float) > 0
    n = np.asarray(sums.n, dtype=float)[keep]
    sy, syy = np.asarray(sums.sy, float)[keep], np.asarray(sums.syy, float)[keep]
    has_x = sums.sx is not None
    p = 2 if has_x else 1
    if has_x:
        sx, sxx = np.asarray(sums.sx, float)[keep], np.asarray(sums.sxx, float)[keep]
        sxy = np.asarray(sums.sxy, float)[keep]
        xtx = np.array([[n.sum(), sx.sum()], [sx.sum(), sxx.sum()]])
        xty = np.array([sy.sum(), sxy.sum()])
        col = np.stack([n, sx])  # (p, groups): the sums of X's columns in each group
    else:
        xtx = np.array([[n.sum()]])
        xty = np.array([sy.sum()])
        col = n[None, :]
    yty = syy.sum()
    n_obs = int(n.sum())
    if n_obs <= p:
        raise ValueError("a mixed model needs more observations than fixed effects")
    # V⁻¹ = (I - c·J) / sigma2 in a group of size m, c = gamma / (1 + m·gamma): c depends on
    # the size alone, so the products below are summed once per distinct size and each
    # evaluation of the criterion costs O(sizes), not O(groups) (300,000 respondents, most
    # seen once: 28 ms an evaluation before, microseconds now)
    size, index = np.unique(n, return_inverse=True)
    count = np.bincount(index, minlength=len(size)).astype(float)

    def per_size(v):
        return np.bincount(index, weights=v, minlength=len(size))

    cc = np.array([[per_size(col[i] * col[j]) for j in range(p)] for i in range(p)])
    cy = np.array([per_size(col[i] * sy) for i in range(p)])
    yy = per_size(sy**2)

    def parts(gamma):
        """For an array of gammas: det(X'V⁻¹X)·sigma2^p, beta and the residual sum of
        squares, by the closed forms of 1x1 and 2x2 matrices (numpy's linalg on a 2x2
        costs 140 µs a call; a fit evaluates the criterion about 80 times)."""
        gamma = np.atleast_1d(np.asarray(gamma, dtype=float))
        c = gamma[:, None] / (1 + size[None, :] * gamma[:, None])  # (gammas, sizes)
        q = yty - c @ yy
        if p == 1:
            a11 = xtx[0, 0] - c @ cc[0, 0]
            b1 = xty[0] - c @ cy[0]
            beta = (b1 / a11)[:, None]
            return a11, beta, q - b1 * beta[:, 0]
        a11 = xtx[0, 0] - c @ cc[0, 0]
        a12 = xtx[0, 1] - c @ cc[0, 1]
        a22 = xtx[1, 1] - c @ cc[1, 1]
        b1, b2 = xty[0] - c @ cy[0], xty[1] - c @ cy[1]
        det = a11 * a22 - a12**2
        beta = np.stack([(a22 * b1 - a12 * b2) / det, (a11 * b2 - a12 * b1) / det], axis=1)
        return det, beta, q - b1 * beta[:, 0] - b2 * beta[:, 1]

    def criterion(gamma):
        det, _beta, resid = parts(gamma)
        gamma = np.atleast_1d(np.asarray(gamma, dtype=float))
        dof = n_obs - p
        with np.errstate(divide="ignore", invalid="ignore"):
            value = (
                dof * np.log(resid / dof)
                + np.log1p(gamma[:, None] * size[None, :]) @ count
                + np.log(det)
                + dof * (1 + np.log(2 * np.pi))
            )
        value = np.where((det > 0) & (resid > 0), value, np.inf)
        return value if value.size > 1 else float(value[0])

    gamma = _minimise(criterion)
    c = gamma / (1 + size * gamma)
    a = xtx - cc @ c
    b = xty - cy @ c
    beta = np.linalg.solve(a, b)
    sigma2 = max(yty - c @ yy - b @ beta, 0.0) / (n_obs - p)
    return MixedFit(
        beta=beta,
        cov=sigma2 * np.linalg.inv(a),
        tau2=gamma * sigma2,
        sigma2=sigma2,
        reml=float(criterion(gamma)),
        n_obs=n_obs,
        n_groups=len(n),
    )


def _minimise(criterion) -> float:
    """The ``gamma >= 0`` minimising ``criterion``: a log grid, then Brent's method in
    the bracket around the grid's best point (0 itself is a candidate, as in lme4)."""
    grid = np.concatenate([[0.0], np.logspace(-8, 4, 61)])
    values = np.asarray(criterion(grid), dtype=float)
    best = int(np.nanargmin(values))
    if best == 0:
        low, high = 0.0, grid[1]
        x, fun = bounded_minimum(criterion, low, high, xatol=1e-14)
        return float(x) if fun < values[0] else 0.0
    low, high = np.log(grid[max(best - 1, 1)]), np.log(grid[min(best + 1, len(grid) - 1)])
    x, fun = bounded_minimum(lambda t: criterion(np.exp(t)), low, high, xatol=1e-10)
    return float(np.exp(x)) if fun <= values[best] else float(grid[best])


def bounded_minimum(func, low: float, high: float, xatol: float = 1e-5, maxiter: int = 500):
    """``(x, func(x))`` at the minimum of ``func`` on ``[low, high]`` by Brent's bounded
    method: :func:`scipy.optimize.minimize_scalar` with ``method="bounded"``, step for
    step (scipy 1.17's ``_minimize_scalar_bounded``, BSD licence), so the same floats.

    Importing :mod:`scipy.optimize` for it took 0.3 s of the report on the example, the
    only use of that package left there (issue 23); tests/test_mixed.py holds the two
    to the same bits.
    """
    from math import sqrt

    sqrt_eps = sqrt(2.2e-16)
    golden_mean = 0.5 * (3.0 - sqrt(5.0))
    a, b = low, high
    fulc = a + golden_mean * (b - a)
    nfc, xf = fulc, fulc
    rat = e = 0.0
    x = xf
    fx = func(x)
    num = 1
    ffulc = fnfc = fx
    xm = 0.5 * (a + b)
    tol1 = sqrt_eps * np.abs(xf) + xatol / 3.0
    tol2 = 2.0 * tol1
    while np.abs(xf - xm) > (tol2 - 0.5 * (b - a)):
        golden = 1
        if np.abs(e) > tol1:  # a parabola through the three points
            golden = 0
            r = (xf - nfc) * (fx - ffulc)
            q = (xf - fulc) * (fx - fnfc)
            p = (xf - fulc) * q - (xf - nfc) * r
            q = 2.0 * (q - r)
            if q > 0.0:
                p = -p
            q = np.abs(q)
            r = e
            e = rat
            if (np.abs(p) < np.abs(0.5 * q * r)) and (p > q * (a - xf)) and (p < q * (b - xf)):
                rat = (p + 0.0) / q
                x = xf + rat
                if ((x - a) < tol2) or ((b - x) < tol2):
                    si = np.sign(xm - xf) + ((xm - xf) == 0)
                    rat = tol1 * si
            else:
                golden = 1
        if golden:  # a golden-section step
            e = a - xf if xf >= xm else b - xf
            rat = golden_mean * e
        si = np.sign(rat) + (rat == 0)
        x = xf + si * np.maximum(np.abs(rat), tol1)
        fu = func(x)
        num += 1
        if fu <= fx:
            if x >= xf:
                a = xf
            else:
                b = xf
            fulc, ffulc = nfc, fnfc
            nfc, fnfc = xf, fx
            xf, fx = x, fu
        else:
            if x < xf:
                a = x
            else:
                b = x
            if (fu <= fnfc) or (nfc == xf):
                fulc, ffulc = nfc, fnfc
                nfc, fnfc = x, fu
            elif (fu <= ffulc) or (fulc == xf) or (fulc == nfc):  # noqa: SIM109 (NaN as scipy)
                fulc, ffulc = x, fu
        xm = 0.5 * (a + b)
        tol1 = sqrt_eps * np.abs(xf) + xatol / 3.0
        tol2 = 2.0 * tol1
        if num >= maxiter:
            break
    fun = np.asarray(fx)[()]
    return np.reshape(xf, fun.shape)[()], fun


def area_estimates(fit: MixedFit, n, mean, level: float = 0.95) -> dict[str, np.ndarray]:
    """Each group's model-based mean (empirical Bayes, BLUP) with its interval.

    Parameters
    ----------
    fit
        From :func:`fit_random_intercept` without a covariate.
    n, mean
        The groups' sizes and raw means.
    level
        Confidence level of the intervals (normal quantile).

    Returns
    -------
    dict of arrays
        ``estimate`` (``mu + u``), ``blup`` (``u``, lme4's ``ranef``), ``cond_var``
        (``1 / (1/tau2 + n/sigma2)``, lme4's ``condVar``), ``shrinkage`` (``B``, the
        weight of the raw mean), ``se`` (root of the prediction error variance),
        ``low``, ``high``, ``p`` (two-sided, estimate against ``mu``).

    Notes
    -----
    ``estimate = B·mean + (1 - B)·mu`` with ``B = tau2 / (tau2 + sigma2/n)``. Its
    prediction error variance is ``g1 + g2 + 2·g3`` (Prasad & Rao 1990; Datta & Lahiri
    2000 for REML): ``g1`` the conditional variance of the random effect, ``g2 =
    (1 - B)²·var(mu)`` the uncertainty of the fixed intercept, ``g3`` that of the
    estimated ``tau2`` (its variance from the Fisher information of the variance
    components). ``p`` and the interval use the same standard error, so ``p < 1 - level``
    exactly when the interval excludes ``mu``.
    """
    from scipy.special import ndtr, ndtri

    n, mean = np.asarray(n, dtype=float), np.asarray(mean, dtype=float)
    mu, var_mu = float(fit.beta[0]), float(fit.cov[0, 0])
    tau2, sigma2 = fit.tau2, fit.sigma2
    d = sigma2 / n  # the sampling variance of a raw mean
    shrink = tau2 / (tau2 + d)
    blup = shrink * (mean - mu)
    g1 = shrink * d
    g2 = (1 - shrink) ** 2 * var_mu
    g3 = d**2 / (tau2 + d) ** 3 * _var_tau2(fit, n)
    se = np.sqrt(g1 + g2 + 2 * g3)
    z = _Z975 if level == 0.95 else float(ndtri(1 - (1 - level) / 2))
    estimate = mu + blup
    with np.errstate(divide="ignore", invalid="ignore"):
        p = 2 * ndtr(-np.abs(blup) / se)
    return {
        "estimate": estimate,
        "blup": blup,
        "cond_var": g1,
        "shrinkage": shrink,
        "se": se,
        "low": estimate - z * se,
        "high": estimate + z * se,
        "p": p,
    }


def _var_tau2(fit: MixedFit, n: np.ndarray) -> float:
    """Asymptotic variance of ``tau2`` from the Fisher information of (tau2, sigma2).

    Group j's covariance has the eigenvalue ``sigma2 + n·tau2`` once and ``sigma2``
    ``n - 1`` times, so ``I = ½·tr(V⁻¹ dV V⁻¹ dV)`` has closed forms (Searle et al. 1992).
    """
    lam = fit.sigma2 + n * fit.tau2
    i_tt = 0.5 * np.sum(n**2 / lam**2)
    i_ts = 0.5 * np.sum(n / lam**2)
    i_ss = 0.5 * np.sum(1 / lam**2 + (n - 1) / fit.sigma2**2)
    det = i_tt * i_ss - i_ts**2
    return float(i_ss / det) if det > 0 else 0.0


def rank_intervals(
    fit: MixedFit, n, mean, *, draws: int = 2000, level: float = 0.95, seed: int = 20261207
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Each group's rank (1 = highest estimate) and the interval its rank could lie in.

    Draws the group means from their joint posterior given the variance components
    (``mu`` from its sampling distribution, then each group's mean given ``mu``), ranks
    every draw and takes the quantiles of each group's rank. A fixed ``seed`` makes
    the output reproducible.

    Returns
    -------
    (rank, low, high)
        Rank of the point estimate and the ``level`` interval of the ranks. With no
        spread between groups (``tau2 = 0``) every group ties at rank 1 and could hold
        any place (1 to the number of groups).

    Notes
    -----
    Rank intervals by posterior simulation (Goldstein & Spiegelhalter 1996; Marshall &
    Spiegelhalter 1998).
    """
    n, mean = np.asarray(n, dtype=float), np.asarray(mean, dtype=float)
    mu, var_mu = float(fit.beta[0]), float(fit.cov[0, 0])
    d = fit.sigma2 / n
    shrink = fit.tau2 / (fit.tau2 + d)
    estimate = shrink * mean + (1 - shrink) * mu
    if fit.tau2 <= 0:  # no spread between groups: every estimate is the overall mean
        ones = np.ones(len(n))
        return ones, ones.copy(), np.full(len(n), float(len(n)))
    rank = _ranks(estimate[None, :])[0]
    if len(n) < 2:
        return rank, rank.copy(), rank.copy()
    rng = np.random.default_rng(seed)
    mus = mu + np.sqrt(var_mu) * rng.standard_normal((draws, 1))
    # shrink * mean + (1 - shrink) * mus + sqrt(shrink * d) * z, in that order (the same
    # bits), in two arrays rather than five temporaries of draws x groups
    sims = np.multiply(1 - shrink, mus)
    np.add(shrink * mean, sims, out=sims)
    noise = rng.standard_normal((draws, len(n)))
    np.multiply(np.sqrt(shrink * d), noise, out=noise)
    np.add(sims, noise, out=sims)
    del noise
    # the two quantiles of each group's ranks (:func:`_rank_quantiles`): the places numpy's
    # "inverted_cdf" quantile picks, found on 0..draws-1 (two float np.quantile calls took
    # 0.25 s per dimension on 1,000 areas, issue 23)
    tail = (1 - level) / 2
    places = np.arange(draws)
    at = [int(np.quantile(places, q, method="inverted_cdf")) for q in (tail, 1 - tail)]
    low, high = _rank_quantiles(_sorted_order(sims), at).astype(float)
    return rank, low, high


def _ranks(values: np.ndarray) -> np.ndarray:
    """Rank 1 for the highest value in each row (ties by position)."""
    return _rank_order(values).astype(float)


def _rank_order(values: np.ndarray) -> np.ndarray:
    """:func:`_ranks` as integers (see :func:`_sorted_order`)."""
    order = _sorted_order(values)
    ranks = np.empty_like(order)
    rows, width = order.shape
    places = np.broadcast_to(np.arange(1, width + 1, dtype=order.dtype), order.shape)
    # flat indices: a two-dimensional fancy index cost twice as much
    ranks.reshape(-1)[order + (np.arange(rows) * width)[:, None]] = places
    return ranks


def _sorted_order(values: np.ndarray) -> np.ndarray:
    """Each row's columns from the highest value down, ties by position. Rows are sorted by
    numpy's default (unstable) sort, which took half the time of a stable one on 2,000
    draws x 1,000 areas; rows that hold a tie (or a NaN) are sorted again stably."""
    negated = np.negative(values)
    order = np.argsort(negated, axis=1)
    rows, width = values.shape
    ranked = negated.reshape(-1)[order + (np.arange(rows) * width)[:, None]]
    again = (ranked[:, 1:] == ranked[:, :-1]).any(axis=1) | np.isnan(ranked[:, -1:]).any(axis=1)
    if again.any():
        order[again] = np.argsort(negated[again], axis=1, kind="stable")
    return order


def _rank_quantiles(order: np.ndarray, at: list[int]) -> np.ndarray:
    """Per column of the draws' orders (:func:`_sorted_order`), the ``at``-th smallest of
    its ranks over the draws (0-based), as ``np.partition(ranks, at, axis=0)[at]``.

    With few groups next to the draws, counted: how often each group takes each place
    (one ``bincount``), then the first place where a group's running count passes
    ``at``; else partitioned. Ranking each draw and partitioning down the columns took
    50 of the 116 ms of a dimension's rank intervals on 1,000 areas (issue 23)."""
    draws, groups = order.shape
    places = np.arange(groups, dtype=order.dtype)
    if groups <= 4 * draws:
        taken = np.bincount((order * groups + places).reshape(-1), minlength=groups * groups)
        running = np.cumsum(taken.reshape(groups, groups), axis=1)
        return np.stack([(running > k).argmax(axis=1) + 1 for k in at])
    ranks = np.empty((groups, draws), dtype=order.dtype)  # a group's ranks contiguous
    ranks.reshape(-1)[order * draws + np.arange(draws)[:, None]] = places + 1
    ranks.partition(at, axis=1)
    return ranks[:, at].T


@dataclass(frozen=True)
class Slope:
    """A fitted straight line: the change per unit of x with its interval and test."""

    slope: float
    se: float
    low: float
    high: float
    p: float
    df: float  # inf for the mixed model (a z test, as statsmodels MixedLM reports)
    intercept: float
    n_obs: int
    n_groups: int  # respondents with a random intercept; 0 for ordinary least squares
    method: str  # "ols" or "mixed"
    tau2: float | None = None
    sigma2: float | None = None


def linear_trend(x, y, groups=None, level: float = 0.95) -> Slope | None:
    """The slope of ``y`` on ``x``: ordinary least squares, or a random intercept per group.

    Parameters
    ----------
    x, y
        Observations (NaN in ``y`` is dropped).
    groups
        Group codes (respondent ids linking rounds); ``None`` for least squares. Groups
        seen once still count, with their own intercept shrunk to the mean.
    level
        Confidence level.

    Returns
    -------
    Slope or None
        ``None`` when x has fewer than two distinct values or too few observations.

    Notes
    -----
    Least squares: the slope, its standard error and a t test with ``n - 2`` df, as
    ``scipy.stats.linregress``. Mixed: REML fit of ``lmer(y ~ x + (1 | group))`` by
    :func:`fit_random_intercept` with a normal (Wald) interval and test, as statsmodels
    ``MixedLM`` reports them.
    """
    from scipy.special import ndtr, ndtri, stdtr, stdtrit

    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    ok = ~np.isnan(y) & ~np.isnan(x)
    x, y = x[ok], y[ok]
    if len(x) < 3 or np.ptp(x) == 0:
        return None
    tail = 1 - (1 - level) / 2
    if groups is None:
        n = len(x)
        xm, ym = x.mean(), y.mean()
        sxx = np.sum((x - xm) ** 2)
        slope = np.sum((x - xm) * (y - ym)) / sxx
        resid = y - ym - slope * (x - xm)
        df = n - 2
        s2 = resid @ resid / df
        se = float(np.sqrt(s2 / sxx))
        with np.errstate(divide="ignore", invalid="ignore"):
            p = float(2 * stdtr(df, -abs(slope) / se)) if se > 0 else 0.0
        q = float(stdtrit(df, tail))
        return Slope(slope=float(slope), se=se, low=slope - q * se, high=slope + q * se,
                     p=p, df=float(df), intercept=float(ym - slope * xm), n_obs=n,
                     n_groups=0, method="ols")  # fmt: skip
    import pandas as pd

    groups = np.asarray(groups)
    codes = pd.factorize(groups[ok] if groups.dtype.kind in "iu" else groups.astype(object)[ok])[0]
    size = codes.max() + 1

    def add(v):
        return np.bincount(codes, weights=v, minlength=size)

    shift = x.mean()  # centred x: better conditioned, same slope
    xc = x - shift
    sums = GroupSums(n=add(np.ones_like(y)), sy=add(y), syy=add(y * y), sx=add(xc),
                     sxx=add(xc * xc), sxy=add(xc * y))  # fmt: skip
    fit = fit_random_intercept(sums)
    slope, se = float(fit.beta[1]), float(np.sqrt(fit.cov[1, 1]))
    with np.errstate(divide="ignore", invalid="ignore"):
        p = float(2 * ndtr(-abs(slope) / se)) if se > 0 else 0.0
    q = float(ndtri(tail))
    return Slope(slope=slope, se=se, low=slope - q * se, high=slope + q * se, p=p,
                 df=float("inf"), intercept=float(fit.beta[0] - slope * shift),
                 n_obs=fit.n_obs, n_groups=fit.n_groups, method="mixed", tau2=fit.tau2,
                 sigma2=fit.sigma2)  # fmt: skip
