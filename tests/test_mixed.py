"""The random-intercept models of partnerkit.stats.mixed against R lme4 and statsmodels.

Reference values come from R lme4 ``lmer()`` (REML) run by
``tests/reference/lme4_mixed.R``; the data and results are stored in
``lme4_mixed.json`` so R is not needed here. Least squares is checked against
``scipy.stats.linregress``; the model's fixed effects and variance components also
against statsmodels ``MixedLM`` on the raw rows.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from partnerkit.stats.mixed import (
    GroupSums,
    area_estimates,
    bounded_minimum,
    fit_random_intercept,
    linear_trend,
    rank_intervals,
)

LME4 = json.loads((Path(__file__).parent / "reference" / "lme4_mixed.json").read_text())


def _sums(groups, y) -> tuple[GroupSums, pd.DataFrame]:
    frame = pd.DataFrame({"g": groups, "y": y})
    stats = frame.groupby("g", sort=True)["y"].agg(["size", "mean", "var"])
    ss = stats["var"].fillna(0) * (stats["size"] - 1)
    return GroupSums.from_moments(stats["size"], stats["mean"], ss), stats


@pytest.mark.parametrize(
    ("name", "group", "value"), [("areas", "area", "score"), ("bfi", "education", "agree")]
)
def test_area_model_agrees_with_lme4(name, group, value):
    data, ref = LME4[f"{name}_data"], LME4[name]
    sums, stats = _sums(data[group], data[value])
    fit = fit_random_intercept(sums)
    assert fit.beta[0] == pytest.approx(ref["fixef"][0], abs=1e-4)
    assert fit.cov[0, 0] == pytest.approx(ref["vcov"][0], abs=1e-4)
    assert fit.tau2 == pytest.approx(ref["tau2"], abs=1e-4)
    assert fit.sigma2 == pytest.approx(ref["sigma2"], abs=1e-4)
    assert fit.reml == pytest.approx(ref["reml_crit"], abs=1e-4)
    est = area_estimates(fit, stats["size"].to_numpy(), stats["mean"].to_numpy())
    assert [str(int(g)) for g in stats.index] == ref["groups"]
    np.testing.assert_allclose(est["blup"], ref["ranef"], atol=1e-4)
    np.testing.assert_allclose(est["cond_var"], ref["cond_var"], atol=1e-4)


def test_trajectory_model_agrees_with_lme4():
    data, ref = LME4["trajectory_data"], LME4["trajectory"]
    slope = linear_trend(data["year"], data["score"], groups=data["respondent"])
    assert slope.method == "mixed"
    assert slope.intercept == pytest.approx(ref["fixef"][0], abs=1e-4)
    assert slope.slope == pytest.approx(ref["fixef"][1], abs=1e-4)
    assert slope.se**2 == pytest.approx(ref["vcov"][3], abs=1e-4)
    assert slope.tau2 == pytest.approx(ref["tau2"], abs=1e-4)
    assert slope.sigma2 == pytest.approx(ref["sigma2"], abs=1e-4)


def test_trajectory_model_agrees_with_statsmodels():
    sm = pytest.importorskip("statsmodels.formula.api")
    data = pd.DataFrame(LME4["trajectory_data"])
    fitted = sm.mixedlm("score ~ year", data, groups=data["respondent"]).fit(reml=True)
    slope = linear_trend(data["year"], data["score"], groups=data["respondent"])
    assert slope.slope == pytest.approx(fitted.fe_params["year"], abs=1e-4)
    assert slope.se == pytest.approx(fitted.bse["year"], abs=1e-4)
    assert slope.tau2 == pytest.approx(float(fitted.cov_re.iloc[0, 0]), abs=1e-4)
    assert slope.sigma2 == pytest.approx(fitted.scale, abs=1e-4)
    assert slope.p == pytest.approx(fitted.pvalues["year"], abs=1e-4)


def test_least_squares_agrees_with_linregress():
    from scipy.stats import linregress

    data = LME4["trajectory_data"]
    ref = linregress(data["year"], data["score"])
    slope = linear_trend(data["year"], data["score"])
    assert slope.method == "ols"
    assert slope.slope == pytest.approx(ref.slope, abs=1e-12)
    assert slope.se == pytest.approx(ref.stderr, abs=1e-12)
    assert slope.p == pytest.approx(ref.pvalue, abs=1e-12)
    assert slope.intercept == pytest.approx(ref.intercept, abs=1e-9)


def test_no_spread_between_groups_gives_zero_tau2():
    # hand computation: equal group means, so the REML estimate of tau2 is on its bound
    sums = GroupSums.from_moments([5, 5, 5], [3.0, 3.0, 3.0], [4.0, 4.0, 4.0])
    fit = fit_random_intercept(sums)
    assert fit.tau2 == pytest.approx(0.0, abs=1e-9)
    assert fit.sigma2 == pytest.approx(12.0 / 14)  # pooled within SS over N - 1
    est = area_estimates(fit, np.array([5, 5, 5]), np.array([3.0, 3.0, 3.0]))
    np.testing.assert_allclose(est["estimate"], 3.0)
    # nothing tells the groups apart: tied ranks, each could be anywhere
    rank, low, high = rank_intervals(fit, np.array([5, 5, 5]), np.array([3.0, 3.0, 3.0]))
    assert rank.tolist() == [1, 1, 1] and low.tolist() == [1, 1, 1] and high.tolist() == [3] * 3


def test_rank_intervals_cover_the_point_rank_and_are_reproducible():
    data = LME4["areas_data"]
    sums, stats = _sums(data["area"], data["score"])
    fit = fit_random_intercept(sums)
    n, mean = stats["size"].to_numpy(), stats["mean"].to_numpy()
    rank, low, high = rank_intervals(fit, n, mean)
    again = rank_intervals(fit, n, mean)
    np.testing.assert_array_equal(low, again[1])
    assert ((low <= rank) & (rank <= high)).all()
    assert sorted(rank) == list(range(1, len(n) + 1))
    # the smallest area (4 respondents) is the least certain of its place
    widths = high - low
    assert widths[np.argmin(n)] >= np.median(widths)


def test_ranks_and_their_quantiles_agree_with_a_stable_sort_and_np_quantile():
    # the reference is the plain computation the fast one replaced: a stable argsort of each
    # draw and numpy's inverted_cdf quantile of the float ranks (issue 23)
    from partnerkit.stats.mixed import _rank_order

    rng = np.random.default_rng(5)
    values = rng.standard_normal((400, 30))
    values[::7, 3] = values[::7, 11]  # ties in some rows: ranked by position, as stably
    values[5, :4] = 1.5
    order = np.argsort(-values, axis=1, kind="stable")
    expected = np.empty_like(order)
    expected[np.arange(400)[:, None], order] = np.arange(1, 31)
    ranks = _rank_order(values)
    np.testing.assert_array_equal(ranks, expected)
    assert np.diff(ranks[5, :4]).tolist() == [1, 1, 1]  # four ties, by position
    for draws in (2000, 7, 1):
        data = LME4["areas_data"]
        sums, stats = _sums(data["area"], data["score"])
        fit = fit_random_intercept(sums)
        n, mean = stats["size"].to_numpy(), stats["mean"].to_numpy()
        _, low, high = rank_intervals(fit, n, mean, draws=draws, seed=3)
        generator = np.random.default_rng(3)  # the same draws, ranked the plain way
        mu, var_mu = float(fit.beta[0]), float(fit.cov[0, 0])
        d = fit.sigma2 / n
        shrink = fit.tau2 / (fit.tau2 + d)
        mus = mu + np.sqrt(var_mu) * generator.standard_normal((draws, 1))
        noise = np.sqrt(shrink * d) * generator.standard_normal((draws, len(n)))
        sims = shrink * mean + (1 - shrink) * mus + noise
        plain = np.argsort(-sims, axis=1, kind="stable")
        plain_ranks = np.empty_like(plain)
        plain_ranks[np.arange(draws)[:, None], plain] = np.arange(1, len(n) + 1)
        plain_ranks = plain_ranks.astype(float)
        q_low = np.quantile(plain_ranks, 0.025, axis=0, method="inverted_cdf")
        q_high = np.quantile(plain_ranks, 0.975, axis=0, method="inverted_cdf")
        np.testing.assert_array_equal(low, q_low)
        np.testing.assert_array_equal(high, q_high)


@pytest.mark.parametrize(
    ("func", "low", "high", "xatol"),
    [
        (lambda x: (x - 0.3) ** 2, 0.0, 1.0, 1e-5),
        (lambda x: np.cos(x) + 0.1 * x, -2.0, 7.0, 1e-10),
        (lambda x: np.abs(x - 1e-9), 0.0, 1e-8, 1e-14),
        (lambda x: x**4 - 3 * x**3 + 2, -1.0, 4.0, 1e-10),
        (lambda x: 5.0, 0.0, 1.0, 1e-5),  # flat: golden steps only
        (lambda t: np.log1p(np.exp(t)) - 0.3 * t, np.log(1e-3), np.log(10.0), 1e-10),
    ],
)
def test_bounded_minimum_is_scipys_bounded_method_bit_for_bit(func, low, high, xatol):
    """bounded_minimum (used instead of scipy.optimize, whose import cost the report
    0.3 s) gives the same x and f(x), to the bit, as the reference
    scipy.optimize.minimize_scalar(method="bounded") on smooth, kinked, flat and tiny
    brackets."""
    from scipy.optimize import minimize_scalar

    expected = minimize_scalar(func, bounds=(low, high), method="bounded",
                               options={"xatol": xatol})  # fmt: skip
    x, fun = bounded_minimum(func, low, high, xatol=xatol)
    assert (float(x), float(fun)) == (float(expected.x), float(expected.fun))


@pytest.mark.parametrize("draws, groups", [(300, 40), (5, 90), (1, 3)])
def test_rank_quantiles_counted_or_partitioned_agree_with_np_quantile(draws, groups):
    # the reference: numpy's inverted_cdf quantile of each group's ranks from a stable
    # argsort; with few groups next to the draws they are counted, else partitioned
    from partnerkit.stats.mixed import _rank_quantiles, _sorted_order

    rng = np.random.default_rng(11)
    values = rng.integers(0, 6, (draws, groups)).astype(float)  # ties everywhere
    order = np.argsort(-values, axis=1, kind="stable")
    ranks = np.empty_like(order)
    ranks[np.arange(draws)[:, None], order] = np.arange(1, groups + 1)
    places = np.arange(draws)
    for q in (0.0, 0.025, 0.5, 0.975, 1.0):
        at = int(np.quantile(places, q, method="inverted_cdf"))
        expected = np.quantile(ranks.astype(float), q, axis=0, method="inverted_cdf")
        found = _rank_quantiles(_sorted_order(values), [at])[0]
        np.testing.assert_array_equal(found, expected)
