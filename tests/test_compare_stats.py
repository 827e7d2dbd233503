"""Group comparisons checked against R, hand computations and independent code.

Reference values: R 4.2 (``t.test``, ``wilcox.test``, ``p.adjust``, ``oneway.test``,
``kruskal.test``, ``ptukey``; the calls are quoted next to the numbers), arithmetic
written out in the comments, formulas coded independently in this file, scipy where
partnerkit adds NaN handling or sign conventions around it, and pingouin.
"""

from __future__ import annotations

import math
import subprocess
import sys
import warnings
from itertools import combinations

import numpy as np
import pandas as pd
import pytest
from scipy import stats as sps

from partnerkit.errors import OptionError
from partnerkit.stats.compare import (
    adjust_p,
    brunner_munzel,
    cliffs_delta,
    effect_band,
    g_band,
    games_howell,
    hedges_g,
    kruskal_wallis,
    mann_whitney,
    paired_t_test,
    welch_anova,
    welch_test,
    wilcoxon_signed_rank,
)

NAN = float("nan")

# R's built-in `sleep` data: extra hours of sleep, drug 1 (group 1) and drug 2 (group 2),
# the same ten patients in both groups.
SLEEP_1 = [0.7, -1.6, -0.2, -1.2, -0.1, 3.4, 3.7, 0.8, 0.0, 2.0]
SLEEP_2 = [1.9, 0.8, 1.1, 0.1, -0.1, 4.4, 5.5, 1.6, 4.6, 3.4]

# Dimension scores (means of four 1-5 items) of two actor groups, many ties.
SCORES_A = [3.25, 2.5, 4, 3.75, 2, 3, 3.5, 2.75, 4.25, 3, 2.5, 3.25, 1.75, 3.5, 4, 2.25, 3,
            3.75, 2.5, 3.25]  # fmt: skip
SCORES_B = [3.5, 4.25, 3, 4.5, 3.75, 4, 2.75, 5, 3.25, 4.5, 3.75, 4, 3, 4.75, 3.5, 2.5, 4.25,
            3.75, 4, 3.25, 4.5, 3.5]  # fmt: skip

TINY_GROUPS = [[1.0, 2.0, 3.0], [2.0, 4.0, 6.0], [6.0, 7.0, 8.0]]


def _unequal_groups(seed: int = 11) -> list[np.ndarray]:
    rng = np.random.default_rng(seed)
    return [
        rng.normal(3.0, 0.4, 12),
        rng.normal(3.4, 1.1, 20),
        rng.normal(3.9, 0.7, 9),
    ]


# --------------------------------------------------------------------------- Welch and paired t


def test_welch_agrees_with_r_t_test_on_sleep():
    # R: t.test(extra ~ group, data = sleep)
    #   t = -1.8608, df = 17.776, p-value = 0.07939
    #   95 percent confidence interval: -3.3654832  0.2054832   (group 1 - group 2)
    # Ours is b - a = group 2 - group 1: the sign and the interval turn around.
    res = welch_test(SLEEP_1, SLEEP_2)
    assert list(res) == [
        "test", "n_a", "n_b", "mean_a", "mean_b", "diff",
        "diff_ci_low", "diff_ci_high", "statistic", "df", "p",
    ]  # fmt: skip
    assert res["test"] == "welch"
    assert (res["n_a"], res["n_b"]) == (10, 10)
    assert res["mean_a"] == pytest.approx(0.75)  # R: mean in group 1 0.75
    assert res["mean_b"] == pytest.approx(2.33)  # R: mean in group 2 2.33
    assert res["diff"] == pytest.approx(1.58)
    assert res["statistic"] == pytest.approx(1.8608, abs=5e-5)
    assert res["df"] == pytest.approx(17.776, abs=5e-4)
    assert res["p"] == pytest.approx(0.07939, abs=5e-6)
    assert res["diff_ci_low"] == pytest.approx(-0.2054832, abs=5e-8)
    assert res["diff_ci_high"] == pytest.approx(3.3654832, abs=5e-8)


def test_welch_agrees_with_scipy_and_drops_nan():
    # Reference: scipy.stats.ttest_ind(b, a, equal_var=False) on the NaN-free samples;
    # this checks NaN dropping, the b - a sign and the level of the interval.
    rng = np.random.default_rng(3)
    a, b = rng.normal(3.0, 0.6, 25), rng.normal(3.4, 1.1, 40)
    ref = sps.ttest_ind(b, a, equal_var=False)
    ci = ref.confidence_interval(confidence_level=0.9)
    res = welch_test(np.r_[a, NAN], pd.Series([NAN, *b, NAN]), level=0.9)
    assert (res["n_a"], res["n_b"]) == (25, 40)
    assert res["diff"] == pytest.approx(b.mean() - a.mean(), rel=1e-12)
    assert res["statistic"] == pytest.approx(ref.statistic, rel=1e-12)
    assert res["df"] == pytest.approx(ref.df, rel=1e-12)
    assert res["p"] == pytest.approx(ref.pvalue, rel=1e-12)
    assert res["diff_ci_low"] == pytest.approx(ci.low, rel=1e-12)
    assert res["diff_ci_high"] == pytest.approx(ci.high, rel=1e-12)


def test_paired_t_agrees_with_r_and_drops_incomplete_pairs():
    # R: t.test(extra ~ group, data = sleep, paired = TRUE)  (R < 4.4 syntax)
    #   t = -4.0621, df = 9, p-value = 0.002833
    #   95 percent confidence interval: -2.4598858 -0.7001142   (group 1 - group 2)
    # Two extra respondents answered only one round: their pairs are dropped.
    a = [*SLEEP_1, NAN, 1.0]
    b = [*SLEEP_2, 2.0, NAN]
    res = paired_t_test(a, b)
    assert list(res) == [
        "test", "n_pairs", "mean_a", "mean_b", "diff",
        "diff_ci_low", "diff_ci_high", "statistic", "df", "p",
    ]  # fmt: skip
    assert res["test"] == "paired-t"
    assert res["n_pairs"] == 10
    assert res["diff"] == pytest.approx(1.58)  # R: mean difference -1.58
    assert res["statistic"] == pytest.approx(4.0621, abs=5e-5)
    assert res["df"] == 9
    assert res["p"] == pytest.approx(0.002833, abs=5e-7)
    assert res["diff_ci_low"] == pytest.approx(0.7001142, abs=5e-8)
    assert res["diff_ci_high"] == pytest.approx(2.4598858, abs=5e-8)


def test_paired_tests_need_equal_lengths():
    with pytest.raises(ValueError, match="one value per respondent"):
        paired_t_test([1.0, 2.0], [1.0, 2.0, 3.0])
    with pytest.raises(ValueError, match="one value per respondent"):
        wilcoxon_signed_rank([1.0, 2.0], [1.0])


# --------------------------------------------------------------------------- rank tests


def _wilcox_normal(a, b) -> tuple[float, float]:
    """R's wilcox.test(b, a, exact = FALSE, correct = TRUE), written out independently.

    U of b counts pairs with b higher (ties one half); variance with the tie term
    n_a n_b / 12 * ((N + 1) - sum(t^3 - t) / (N (N - 1))); continuity correction 0.5
    towards the mean; two-sided normal p-value.
    """
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    u = np.sum(b[:, None] > a[None, :]) + 0.5 * np.sum(b[:, None] == a[None, :])
    n_a, n_b = a.size, b.size
    n = n_a + n_b
    _, t = np.unique(np.r_[a, b], return_counts=True)
    var = n_a * n_b / 12 * ((n + 1) - np.sum(t**3 - t) / (n * (n - 1)))
    z = u - n_a * n_b / 2
    z = (z - np.sign(z) * 0.5) / math.sqrt(var)
    return float(u), math.erfc(abs(z) / math.sqrt(2))


def test_mann_whitney_large_samples_agree_with_r_normal_approximation():
    # R: wilcox.test(SCORES_B, SCORES_A, exact = FALSE, correct = TRUE)
    #   W = 334, p-value = 0.00407494586145765
    u_ref, p_ref = _wilcox_normal(SCORES_A, SCORES_B)
    assert u_ref == 334
    assert p_ref == pytest.approx(0.00407494586145765, abs=1e-15)
    # with ties and fewer than 50 a group the p-value is a permutation p (issue 16) ...
    small = mann_whitney([*SCORES_A, NAN], SCORES_B)
    assert list(small) == ["test", "n_a", "n_b", "statistic", "df", "p", "method"]
    assert (small["n_a"], small["n_b"]) == (20, 22) and small["statistic"] == 334
    assert small["method"] == "permutation" and math.isnan(small["df"])
    # ... from 50 a group the normal approximation, tested on the samples repeated 3 times:
    # R: wilcox.test(rep(SCORES_B, 3), rep(SCORES_A, 3), exact = FALSE, correct = TRUE)
    #   W = 3006, p-value = 4.7811346715669883e-07
    res = mann_whitney(SCORES_A * 3, SCORES_B * 3)
    assert res["test"] == "mann-whitney"
    assert (res["n_a"], res["n_b"]) == (60, 66)
    assert res["method"] == "asymptotic"
    assert res["statistic"] == 3006
    assert math.isnan(res["df"])
    assert res["p"] == pytest.approx(4.7811346715669883e-07, rel=1e-10)
    assert res["p"] == pytest.approx(_wilcox_normal(SCORES_A * 3, SCORES_B * 3)[1], rel=1e-10)


def test_mann_whitney_random_ties_agree_with_the_written_out_formula():
    rng = np.random.default_rng(5)
    a = rng.integers(4, 21, 70) / 4  # quarter-point scores 1.00 .. 5.00, 50 or more a group
    b = rng.integers(6, 21, 56) / 4
    u_ref, p_ref = _wilcox_normal(a, b)
    res = mann_whitney(a, b)
    assert res["statistic"] == u_ref
    assert res["p"] == pytest.approx(p_ref, abs=1e-10)


def test_mann_whitney_small_samples_without_ties_are_exact():
    # R: wilcox.test(c(2.5, 4.1, 5.2, 6.3, 3.3), c(1.1, 2.2, 3.0, 1.7, 2.9, 4.4))
    #   (exact by default without ties): W = 25, p-value = 0.0822510822510823
    res = mann_whitney([1.1, 2.2, 3.0, 1.7, 2.9, 4.4], [2.5, 4.1, 5.2, 6.3, 3.3])
    assert res["method"] == "exact"
    assert res["statistic"] == 25
    assert res["p"] == pytest.approx(0.0822510822510823, abs=1e-12)


def test_mann_whitney_small_samples_with_ties_use_a_permutation_test():
    # Reference: every split of the 13 pooled values into 6 + 7 (1716 of them), U of the
    # second part each time; two-sided p = 2 * min(P(U >= u), P(U <= u)), capped at 1.
    a = np.array([2.0, 2.5, 3.0, 3.0, 3.5, 2.5])
    b = np.array([3.0, 3.5, 4.0, 4.5, 3.5, 2.5, 4.0])
    pooled = np.r_[a, b]
    u_obs = np.sum(b[:, None] > a) + 0.5 * np.sum(b[:, None] == a)
    us = []
    for idx in combinations(range(pooled.size), a.size):
        mask = np.zeros(pooled.size, dtype=bool)
        mask[list(idx)] = True
        x, y = pooled[mask], pooled[~mask]
        us.append(np.sum(y[:, None] > x) + 0.5 * np.sum(y[:, None] == x))
    us = np.array(us)
    p_ref = min(1.0, 2 * min(np.mean(us >= u_obs), np.mean(us <= u_obs)))
    res = mann_whitney(a, b)
    assert res["method"] == "permutation"
    assert res["statistic"] == u_obs
    assert res["p"] == pytest.approx(p_ref, abs=1e-12)


def test_mann_whitney_monte_carlo_permutation_is_reproducible():
    # 5 + 30 values with ties: too many splits to enumerate, so 30000 random ones (fixed seed)
    rng = np.random.default_rng(8)
    a, b = rng.integers(2, 6, 5).astype(float), rng.integers(1, 6, 30).astype(float)
    first, second = mann_whitney(a, b), mann_whitney(a, b)
    assert first["method"] == "permutation"
    assert first == second
    assert 0 < first["p"] <= 1


def test_wilcoxon_signed_rank_agrees_with_hand_count_and_r():
    # b - a = 1, 2, 0.5, 4, -1.5; |d| ranks 2, 4, 1, 5, 3; positive sum 12, negative sum 3.
    # Exact null: of the 2^5 = 32 sign patterns, 5 give a rank sum <= 3
    # ({}, {1}, {2}, {3}, {1, 2}), so p = 2 * 5 / 32 = 0.3125.
    # R: wilcox.test(c(2, 4, 3.5, 8, 3.5), c(1, 2, 3, 4, 5), paired = TRUE): V = 12, p = 0.3125
    res = wilcoxon_signed_rank([1, 2, 3, 4, 5, NAN], [2, 4, 3.5, 8, 3.5, 1.0])
    assert list(res) == ["test", "n_pairs", "statistic", "df", "p"]
    assert res["test"] == "wilcoxon"
    assert res["n_pairs"] == 5
    assert res["statistic"] == 3  # scipy's two-sided statistic: the smaller rank sum
    assert math.isnan(res["df"])
    assert res["p"] == pytest.approx(0.3125, abs=1e-12)


def test_wilcoxon_signed_rank_with_zeros_uses_pratt():
    # Reference: scipy.stats.wilcoxon(b, a, zero_method="pratt") on the complete pairs.
    rng = np.random.default_rng(4)
    a = rng.integers(2, 10, 60) / 2
    b = a + rng.integers(-2, 4, 60) / 2  # many zero changes
    ref = sps.wilcoxon(b, a, zero_method="pratt")
    res = wilcoxon_signed_rank(np.r_[a, NAN], np.r_[b, 3.0])
    assert res["n_pairs"] == 60
    assert res["statistic"] == ref.statistic
    assert res["p"] == pytest.approx(ref.pvalue, rel=1e-12)


def test_brunner_munzel_agrees_with_published_example_and_r_formula():
    # scipy's brunnermunzel docstring: x1 = [1,2,1,1,1,1,1,1,1,1,2,4,1,1],
    # x2 = [3,3,4,3,1,2,3,1,1,5,4] -> w = 3.1374674823029505, p = 0.0057862086661515377.
    # df from Brunner & Munzel's formula coded in base R (placements p_i = rank among all -
    # rank within group; s_i = var(p_i) / n_other^2;
    # df = (s1/n1 + s2/n2)^2 / ((s1/n1)^2/(n1-1) + (s2/n2)^2/(n2-1))): 17.6828419794815
    # (the same script gives w = 3.13746748230295 and p = 0.00578620866615146).
    x1 = [1, 2, 1, 1, 1, 1, 1, 1, 1, 1, 2, 4, 1, 1]
    x2 = [3, 3, 4, 3, 1, 2, 3, 1, 1, 5, 4]
    res = brunner_munzel([*x1, NAN], x2)
    assert list(res) == ["test", "n_a", "n_b", "statistic", "df", "p"]
    assert res["test"] == "brunner-munzel"
    assert (res["n_a"], res["n_b"]) == (14, 11)
    # x2 (our b) tends to be higher, so the statistic is positive
    assert res["statistic"] == pytest.approx(3.1374674823029505, abs=1e-12)
    assert res["df"] == pytest.approx(17.6828419794815, abs=1e-10)
    assert res["p"] == pytest.approx(0.0057862086661515377, abs=1e-12)
    swapped = brunner_munzel(x2, x1)
    assert swapped["statistic"] == pytest.approx(-res["statistic"])
    assert swapped["df"] == pytest.approx(res["df"])
    assert swapped["p"] == pytest.approx(res["p"])


def test_brunner_munzel_is_nan_when_groups_do_not_overlap():
    # every b above every a: the placement variances are 0 and the statistic is undefined
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        res = brunner_munzel([1.0, 2.0, 3.0], [4.0, 5.0, 6.0])
    assert math.isnan(res["statistic"]) and math.isnan(res["df"]) and math.isnan(res["p"])


# --------------------------------------------------------------------------- effect sizes


def test_hedges_g_by_hand():
    # a = 1, 2, 3: mean 2, variance (1 + 0 + 1) / 2 = 1
    # b = 2, 4, 6: mean 4, variance (4 + 0 + 4) / 2 = 4
    # pooled variance (2 * 1 + 2 * 4) / (3 + 3 - 2) = 10 / 4 = 2.5; d = 2 / sqrt(2.5) = 1.264911
    # J = 1 - 3 / (4 * 6 - 9) = 1 - 3 / 15 = 0.8; g = 0.8 * 1.264911 = 1.011929
    assert hedges_g([1, 2, 3], [2, 4, 6]) == pytest.approx(0.8 * 2 / math.sqrt(2.5), abs=1e-12)
    assert hedges_g([2, 4, 6, NAN], [1, 2, 3]) == pytest.approx(-1.0119289, abs=1e-7)


def test_hedges_g_agrees_with_pingouin():
    pg = pytest.importorskip("pingouin")
    rng = np.random.default_rng(9)
    a, b = rng.normal(3.1, 0.8, 17), rng.normal(3.6, 0.5, 23)
    ref = pg.compute_effsize(b, a, eftype="hedges")  # pingouin: (mean(x) - mean(y)), x = b
    assert hedges_g(a, b) == pytest.approx(ref, rel=1e-12)


def test_cliffs_delta_by_hand():
    # a = 1, 2, 3; b = 2, 4, 6; the 9 pairs (b, a):
    #   b = 2: above 1, tied with 2, below 3  -> +1, -1
    #   b = 4: above 1, 2, 3                   -> +3
    #   b = 6: above 1, 2, 3                   -> +3
    # P(b > a) = 7/9, P(b < a) = 1/9, delta = 6/9 = 0.6667
    assert cliffs_delta([1, 2, 3], [2, 4, 6]) == pytest.approx(6 / 9, abs=1e-15)
    assert cliffs_delta([2, 4, 6], [1, 2, 3, NAN]) == pytest.approx(-6 / 9, abs=1e-15)
    assert cliffs_delta([1, 2], [3, 4]) == 1.0
    assert cliffs_delta([2, 2, 2], [2, 2]) == 0.0


def test_cliffs_delta_agrees_with_pair_counting_and_rank_biserial():
    rng = np.random.default_rng(12)
    a, b = rng.integers(1, 6, 40).astype(float), rng.integers(2, 6, 33).astype(float)
    # reference 1: every pair by broadcasting
    counted = (np.sum(b[:, None] > a) - np.sum(b[:, None] < a)) / (a.size * b.size)
    # reference 2: rank-biserial 2 U_b / (n_a n_b) - 1 with U from scipy's Mann-Whitney
    u_b = sps.mannwhitneyu(b, a).statistic
    delta = cliffs_delta(a, b)
    assert delta == pytest.approx(counted, abs=1e-15)
    assert delta == pytest.approx(2 * u_b / (a.size * b.size) - 1, abs=1e-12)


@pytest.mark.parametrize(
    ("delta", "band"),
    [(0.0, "negligible"), (-0.1469, "negligible"), (0.147, "small"), (-0.3299, "small"),
     (0.33, "medium"), (0.4739, "medium"), (-0.474, "large"), (1.0, "large"), (NAN, None)],
)  # fmt: skip
def test_effect_band_romano_thresholds(delta, band):
    assert effect_band(delta) == band


@pytest.mark.parametrize(
    ("g", "band"),
    [(0.0, "negligible"), (-0.199, "negligible"), (0.2, "small"), (0.499, "small"),
     (-0.5, "medium"), (0.799, "medium"), (0.8, "large"), (-2.5, "large"), (NAN, None)],
)  # fmt: skip
def test_g_band_cohen_thresholds(g, band):
    assert g_band(g) == band


# --------------------------------------------------------------------------- p-value adjustment


def test_holm_by_hand():
    # p = 0.01, 0.04, 0.03, 0.20 (m = 4); sorted 0.01, 0.03, 0.04, 0.20
    # times m - i + 1 = 4, 3, 2, 1   -> 0.04, 0.09, 0.08, 0.20
    # cumulative maximum             -> 0.04, 0.09, 0.09, 0.20
    # back in input order            -> 0.04, 0.09, 0.09, 0.20
    # R: p.adjust(c(0.01, 0.04, 0.03, 0.20), "holm") gives the same
    np.testing.assert_allclose(adjust_p([0.01, 0.04, 0.03, 0.20]), [0.04, 0.09, 0.09, 0.20])
    # capped at 1: 0.5 * 2 = 1.0, then max(1.0, 0.6) = 1.0
    np.testing.assert_allclose(adjust_p([0.6, 0.5], "holm"), [1.0, 1.0])


def test_bh_by_hand():
    # sorted 0.01, 0.03, 0.04, 0.20 with ranks 1..4; p * m / rank -> 0.04, 0.06, 0.0533, 0.20
    # cumulative minimum from the largest rank down -> 0.04, 0.0533, 0.0533, 0.20
    # back in input order (0.01, 0.04, 0.03, 0.20)  -> 0.04, 0.0533, 0.0533, 0.20
    # R: p.adjust(c(0.01, 0.04, 0.03, 0.20), "BH") gives the same
    np.testing.assert_allclose(
        adjust_p([0.01, 0.04, 0.03, 0.20], "bh"), [0.04, 0.16 / 3, 0.16 / 3, 0.20], atol=1e-15
    )


def test_bh_and_holm_agree_with_scipy_and_r_on_many_p_values():
    # scipy.stats.false_discovery_control is the independent reference for BH; for Holm
    # the R values below: p.adjust(c(0.02, 0.02, 0.5, 0.001, 0.04, 0.04, 0.9), "holm")
    rng = np.random.default_rng(7)
    for size in (1, 2, 7, 50, 500):
        p = rng.uniform(0, 1, size) ** 3
        p[rng.integers(0, size, size // 3)] = p[0]  # ties
        np.testing.assert_allclose(
            adjust_p(p, "bh"), sps.false_discovery_control(p, method="bh"), rtol=1e-14
        )
    p = [0.02, 0.02, 0.5, 0.001, 0.04, 0.04, 0.9]
    r_holm = [0.12, 0.12, 1.0, 0.007, 0.16, 0.16, 1.0]
    np.testing.assert_allclose(adjust_p(p, "holm"), r_holm, rtol=1e-14)


def test_adjust_p_ignores_nan_and_keeps_shape():
    # the NaN is not a test: m stays 4 and the other values are adjusted as above
    p = [0.01, NAN, 0.04, 0.03, 0.20]
    holm = adjust_p(p, "holm")
    bh = adjust_p(np.array(p), "bh")
    np.testing.assert_allclose(holm, [0.04, NAN, 0.09, 0.09, 0.20])
    np.testing.assert_allclose(bh, [0.04, NAN, 0.16 / 3, 0.16 / 3, 0.20], atol=1e-15)
    np.testing.assert_array_equal(adjust_p(p, "none"), p)
    grid = adjust_p(np.array([[0.01, 0.04], [0.03, 0.20]]), "holm")
    np.testing.assert_allclose(grid, [[0.04, 0.09], [0.09, 0.20]])
    assert adjust_p([], "bh").size == 0
    assert np.isnan(adjust_p([NAN, NAN], "bh")).all()


def test_adjust_p_rejects_unknown_method_and_bad_p():
    with pytest.raises(OptionError, match="holm, bh, none"):
        adjust_p([0.1], "bonferroni")
    with pytest.raises(ValueError, match="between 0 and 1"):
        adjust_p([0.1, 1.5])


# --------------------------------------------------------------------------- k groups


def test_welch_anova_by_hand_and_r():
    # n = 3, 3, 3; means 2, 4, 7; variances 1, 4, 1; weights n / s^2 = 3, 0.75, 3 (sum 6.75)
    # weighted mean (6 + 3 + 21) / 6.75 = 40/9
    # numerator sum w (m - 40/9)^2 / (k - 1) = (1452 + 12 + 1587) / 81 / 2 = 113/6
    # lambda term sum (1 - w/W)^2 / (n - 1) = (25/81 + 64/81 + 25/81) / 2 = 19/27
    # F = (113/6) / (1 + 2 (k - 2) / (k^2 - 1) * 19/27) = (113/6) / (127/108) = 2034/127
    # df1 = 2, df2 = (k^2 - 1) / (3 * 19/27) = 72/19
    # R: oneway.test(y ~ g, var.equal = FALSE): F = 16.016, num df = 2, denom df = 3.7895,
    #    p-value = 0.0141766453703534
    res = welch_anova([[1, 2, 3], [2, 4, 6, NAN], [6, 7, 8]])
    assert list(res) == ["test", "statistic", "df1", "df2", "p"]
    assert res["test"] == "welch-anova"
    assert res["statistic"] == pytest.approx(2034 / 127, rel=1e-12)
    assert res["df1"] == 2
    assert res["df2"] == pytest.approx(72 / 19, rel=1e-12)
    assert res["p"] == pytest.approx(0.0141766453703534, abs=1e-12)


def test_welch_anova_agrees_with_pingouin():
    pg = pytest.importorskip("pingouin")
    groups = _unequal_groups()
    frame = pd.DataFrame(
        {"y": np.concatenate(groups), "g": np.repeat(["x", "y", "z"], [g.size for g in groups])}
    )
    ref = pg.welch_anova(data=frame, dv="y", between="g").iloc[0]
    res = welch_anova(groups)
    assert res["statistic"] == pytest.approx(ref["F"], rel=1e-10)
    assert res["df1"] == ref["ddof1"]
    assert res["df2"] == pytest.approx(ref["ddof2"], rel=1e-10)
    p_col = "p_unc" if "p_unc" in ref.index else "p-unc"
    assert res["p"] == pytest.approx(ref[p_col], rel=1e-8)


def test_welch_anova_agrees_with_scipy_and_never_calls_it(monkeypatch):
    # welch_anova has one path, Welch's formula; scipy >= 1.16 has its own Welch ANOVA
    # (f_oneway(equal_var=False)), an independent reference for F and p. df1 = k - 1 and df2
    # are checked against R and pingouin above (scipy does not report df2).
    import inspect

    if "equal_var" not in inspect.signature(sps.f_oneway).parameters:
        pytest.skip("scipy < 1.16 has no f_oneway(equal_var=False)")
    groups = _unequal_groups(21)
    with_scipy = sps.f_oneway(*groups, equal_var=False)
    with_scipy = {"statistic": with_scipy.statistic, "df1": 2.0, "p": with_scipy.pvalue}

    def f_oneway(*samples, **options):
        raise AssertionError("welch_anova must not call f_oneway")

    monkeypatch.setattr(sps, "f_oneway", f_oneway)
    fallback = welch_anova(groups)
    for key in ("statistic", "df1", "p"):
        assert fallback[key] == pytest.approx(with_scipy[key], rel=1e-10), key


def test_kruskal_wallis_agrees_with_r_and_scipy():
    # R: kruskal.test(list(c(1, 2, 3), c(2, 4, 6), c(6, 7, 8)))
    #   Kruskal-Wallis chi-squared = 5.85310734463277, df = 2, p-value = 0.0535813793035444
    res = kruskal_wallis(TINY_GROUPS)
    assert list(res) == ["test", "statistic", "df", "p"]
    assert res["test"] == "kruskal-wallis"
    assert res["statistic"] == pytest.approx(5.85310734463277, abs=1e-12)
    assert res["df"] == 2
    assert res["p"] == pytest.approx(0.0535813793035444, abs=1e-12)
    # Reference: scipy.stats.kruskal on the NaN-free groups
    groups = _unequal_groups()
    ref = sps.kruskal(*groups)
    res = kruskal_wallis([np.r_[g, NAN] for g in groups])
    assert res["statistic"] == pytest.approx(ref.statistic, rel=1e-12)
    assert res["p"] == pytest.approx(ref.pvalue, rel=1e-12)


def _range_sf(q: float, k: int, df: float, nodes: int = 400) -> float:
    """P(Q > q) of the studentized range, integrated directly from Tukey's definition.

    P(range of k standard normals < w) = k * int phi(z) (Phi(z) - Phi(z - w))^(k - 1) dz,
    averaged over w = q * s with s = sqrt(chi2_df / df); Gauss-Legendre quadrature on
    z in [-12, 12] and s in [0, 10] (the tails beyond are far below 1e-14).
    """
    from scipy.special import gammaln, ndtr

    x, w = np.polynomial.legendre.leggauss(nodes)
    z, wz = 12 * x, 12 * w
    s, ws = 5 * (x + 1), 5 * w
    phi = np.exp(-z * z / 2) / math.sqrt(2 * math.pi)
    range_cdf = k * np.sum(wz * phi * (ndtr(z) - ndtr(z - q * s[:, None])) ** (k - 1), axis=1)
    log_c = df / 2 * math.log(df) - gammaln(df / 2) - (df / 2 - 1) * math.log(2)
    s_pdf = np.exp(log_c + (df - 1) * np.log(s) - df * s * s / 2)
    return float(1 - np.sum(ws * s_pdf * range_cdf))


def test_games_howell_by_hand_and_r_ptukey():
    # groups 1, 2, 3 (mean 2, var 1) / 2, 4, 6 (mean 4, var 4) / 6, 7, 8 (mean 7, var 1)
    # pair 1-2: diff 2, se^2 = 1/3 + 4/3 = 5/3, t = 2 / sqrt(5/3) = 1.549193,
    #   df = (5/3)^2 / ((1/3)^2 / 2 + (4/3)^2 / 2) = 50/17
    #   R: ptukey(sqrt(2) * 2 / sqrt(5/3), 3, 50/17, lower.tail = FALSE) = 0.390353114280009
    # pair 1-3: diff 5, se^2 = 1/3 + 1/3 = 2/3, t = 6.123724, df = (2/3)^2 / (2 * (1/3)^2 / 2) = 4
    #   R: ptukey(sqrt(2) * 5 / sqrt(2/3), 3, 4, lower.tail = FALSE) = 0.00791973909685117
    # R's ptukey is accurate to about 1e-6 (0.3903529029357 by direct integration below),
    # so R is checked to 1e-6 and the direct integral to 1e-10.
    table = games_howell(TINY_GROUPS, ["municipality", "housing", "residents"])
    assert list(table.columns) == [
        "group_a", "group_b", "mean_a", "mean_b", "diff", "se", "statistic", "df", "p",
    ]  # fmt: skip
    assert table[["group_a", "group_b"]].values.tolist() == [
        ["municipality", "housing"],
        ["municipality", "residents"],
        ["housing", "residents"],
    ]
    first, second = table.iloc[0], table.iloc[1]
    assert (first["mean_a"], first["mean_b"], first["diff"]) == (2.0, 4.0, 2.0)
    assert first["se"] == pytest.approx(math.sqrt(5 / 3), rel=1e-12)
    assert first["statistic"] == pytest.approx(2 / math.sqrt(5 / 3), rel=1e-12)
    assert first["df"] == pytest.approx(50 / 17, rel=1e-12)
    assert first["p"] == pytest.approx(0.390353114280009, abs=1e-6)
    assert first["p"] == pytest.approx(
        _range_sf(math.sqrt(2) * 2 / math.sqrt(5 / 3), 3, 50 / 17), abs=1e-10
    )
    assert second["diff"] == 5.0
    assert second["df"] == pytest.approx(4.0, rel=1e-12)
    assert second["p"] == pytest.approx(0.00791973909685117, abs=1e-6)
    assert second["p"] == pytest.approx(
        _range_sf(math.sqrt(2) * 5 / math.sqrt(2 / 3), 3, 4.0), abs=1e-10
    )


def test_games_howell_agrees_with_pingouin():
    pg = pytest.importorskip("pingouin")
    groups = _unequal_groups()
    labels = ["residents", "housing", "municipality"]  # not alphabetical on purpose
    frame = pd.DataFrame(
        {"y": np.concatenate(groups), "g": np.repeat(labels, [g.size for g in groups])}
    )
    ref = pg.pairwise_gameshowell(data=frame, dv="y", between="g")
    table = games_howell([np.r_[g, NAN] for g in groups], labels)
    assert len(table) == 3
    for row in table.itertuples():
        match = ref[(ref["A"] == row.group_a) & (ref["B"] == row.group_b)]
        sign = -1.0  # pingouin's diff and T are A - B; ours are b - a
        if match.empty:
            match, sign = ref[(ref["A"] == row.group_b) & (ref["B"] == row.group_a)], 1.0
        other = match.iloc[0]
        assert row.diff == pytest.approx(sign * other["diff"], rel=1e-12)
        assert row.statistic == pytest.approx(sign * other["T"], rel=1e-12)
        assert row.se == pytest.approx(other["se"], rel=1e-12)
        assert row.df == pytest.approx(other["df"], rel=1e-12)
        assert row.p == pytest.approx(other["pval"], rel=1e-8, abs=1e-12)


def test_games_howell_needs_one_label_per_group():
    with pytest.raises(ValueError, match="3 groups but 2 labels"):
        games_howell(TINY_GROUPS, ["a", "b"])


# --------------------------------------------------------------------------- degenerate input

TWO_SAMPLE = [welch_test, paired_t_test, mann_whitney, wilcoxon_signed_rank, brunner_munzel]
DEGENERATE_PAIRS = {
    "empty": ([], []),
    "one value": ([3.0], [4.0]),
    "all NaN": ([NAN, NAN], [NAN, NAN]),
    "all equal": ([3.0, 3.0, 3.0], [3.0, 3.0, 3.0]),
}


@pytest.mark.parametrize("func", TWO_SAMPLE, ids=lambda f: f.__name__)
@pytest.mark.parametrize("case", list(DEGENERATE_PAIRS))
def test_two_sample_tests_return_nan_without_warning(func, case):
    a, b = DEGENERATE_PAIRS[case]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        res = func(a, b)
    assert math.isnan(res["p"])
    assert math.isnan(res["df"])
    if func is mann_whitney and case == "all equal":
        assert res["statistic"] == 4.5  # U = n_a n_b / 2, as R reports W with p = NA
    else:
        assert math.isnan(res["statistic"])


def test_small_or_flat_effect_sizes_return_nan_without_warning():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert math.isnan(hedges_g([], [1.0, 2.0]))
        assert math.isnan(hedges_g([1.0], [1.0, 2.0]))
        assert math.isnan(hedges_g([3.0, 3.0], [3.0, 3.0]))
        assert math.isnan(hedges_g([3.0, 3.0], [4.0, 4.0]))  # no spread: no standard unit
        assert math.isnan(cliffs_delta([], [1.0, 2.0]))
        assert math.isnan(cliffs_delta([1.0], [1.0, 2.0]))
        assert effect_band(cliffs_delta([1.0], [2.0, 3.0])) is None
        assert g_band(hedges_g([1.0], [2.0])) is None
        # means and diff stay defined where they can be
        res = welch_test([3.0], [4.0, 5.0])
        assert (res["mean_a"], res["mean_b"], res["diff"]) == (3.0, 4.5, 1.5)
        assert math.isnan(welch_test([], [4.0])["diff"])
        # every respondent moved by exactly one point: t is undefined
        assert math.isnan(paired_t_test([1.0, 2.0, 3.0], [2.0, 3.0, 4.0])["statistic"])


K_GROUP_CASES = {
    "no groups": [],
    "one group": [[1.0, 2.0, 3.0]],
    "a group of one": [[1.0, 2.0, 3.0], [2.0], [4.0, 5.0]],
    "an empty group": [[1.0, 2.0, 3.0], [NAN], [4.0, 5.0]],
    "all equal": [[2.0, 2.0], [2.0, 2.0, 2.0], [2.0, 2.0]],
}


@pytest.mark.parametrize("case", list(K_GROUP_CASES))
def test_k_group_tests_return_nan_without_warning(case):
    groups = K_GROUP_CASES[case]
    labels = [f"g{i}" for i in range(len(groups))]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        anova = welch_anova(groups)
        kruskal = kruskal_wallis(groups)
        table = games_howell(groups, labels)
    assert all(math.isnan(anova[key]) for key in ("statistic", "df1", "df2", "p"))
    assert all(math.isnan(kruskal[key]) for key in ("statistic", "df", "p"))
    assert len(table) == len(groups) * (len(groups) - 1) // 2
    assert table[["se", "statistic", "df", "p"]].isna().all().all()


def test_welch_anova_is_nan_when_one_group_has_no_spread():
    # the weight n / s^2 of the flat group is infinite (pingouin refuses these data too)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert math.isnan(welch_anova([[1.0, 2.0, 3.0], [4.0, 4.0], [5.0, 7.0]])["p"])


def test_importing_compare_does_not_import_scipy_or_pandas():
    code = (
        "import sys, partnerkit.stats.compare; "
        "print(sorted(m for m in ('scipy', 'pandas') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
