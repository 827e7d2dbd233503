"""Cronbach's alpha and item statistics, checked against independent sources.

Reference values come from pingouin ``cronbach_alpha`` (alpha and its Feldt
interval), from R psych ``alpha()`` run once via ``tests/reference/psych_alpha.R``
(stored in ``psych_alpha.json``; R is not needed to run the tests) and from
first-principles numpy on sum scores. None of them use partnerkit's code.
"""

from __future__ import annotations

import json
import math
import statistics
import warnings
from pathlib import Path
from unittest import mock

import numpy as np
import pandas as pd
import pytest

from partnerkit.stats.alpha import item_statistics, pairwise_moments, scale_reliability

PSYCH_JSON = Path(__file__).parent / "reference" / "psych_alpha.json"
SCALE_KEYS = ["n", "k", "alpha", "alpha_ci_low", "alpha_ci_high", "alpha_std", "average_r"]
ITEM_COLUMNS = ["item", "n", "mean", "sd", "r_drop", "alpha_if_dropped", "pct_missing"]
UNDEFINED_WITHOUT_TWO = ["alpha", "alpha_ci_low", "alpha_ci_high", "alpha_std", "average_r"]


def _likert(seed: int, n: int = 60, missing: float = 0.0) -> pd.DataFrame:
    """n respondents x 4 items on 1..5 loading on one factor, with scattered missing answers."""
    rng = np.random.default_rng(seed)
    factor = rng.normal(size=(n, 1))
    raw = 3 + factor * [0.9, 0.7, 0.5, 0.8] + rng.normal(scale=0.9, size=(n, 4))
    data = np.clip(np.rint(raw), 1, 5)
    data[rng.random((n, 4)) < missing] = np.nan
    frame = pd.DataFrame(data, columns=["q1", "q2", "q3", "q4"])
    return frame[frame.notna().any(axis=1)].reset_index(drop=True)


class _NumpyWithoutRound:
    """numpy as seen by pingouin, minus the rounding of the interval to 3 decimals."""

    def __getattr__(self, name):
        return getattr(np, name)

    @staticmethod
    def round(values, decimals=0):
        return np.asarray(values, dtype=float)


def _pingouin(data: pd.DataFrame, level: float = 0.95) -> tuple[float, float, float]:
    """pingouin's pairwise alpha and its unrounded Feldt interval."""
    pingouin = pytest.importorskip("pingouin")
    from pingouin import reliability

    alpha, rounded = pingouin.cronbach_alpha(data, nan_policy="pairwise", ci=level)
    with mock.patch.object(reliability, "np", _NumpyWithoutRound()):
        same, (low, high) = pingouin.cronbach_alpha(data, nan_policy="pairwise", ci=level)
    assert same == alpha
    assert np.abs(rounded - [low, high]).max() <= 0.0005 + 1e-12  # only the rounding differs
    return float(alpha), float(low), float(high)


@pytest.fixture
def no_warnings():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        yield


# --- pingouin: alpha and the Feldt interval ---------------------------------------------------


@pytest.mark.parametrize(
    ("data", "level"),
    [
        pytest.param(_likert(seed=1), 0.95, id="complete"),
        pytest.param(_likert(seed=2, missing=0.12), 0.95, id="missing"),
        pytest.param(_likert(seed=3, n=25, missing=0.2), 0.90, id="missing-small-90"),
    ],
)
def test_alpha_and_feldt_interval_agree_with_pingouin(data, level):
    # Reference: pingouin.cronbach_alpha(nan_policy="pairwise"); the interval is taken
    # before pingouin rounds it to 3 decimals. pingouin's n is every row it is given;
    # these data sets have no empty rows, so it is also ours.
    alpha, low, high = _pingouin(data, level)
    res = scale_reliability(data, level=level)
    assert list(res) == SCALE_KEYS
    assert (res["n"], res["k"]) == (len(data), 4)
    assert res["alpha"] == pytest.approx(alpha, abs=1e-6)
    assert res["alpha_ci_low"] == pytest.approx(low, abs=1e-6)
    assert res["alpha_ci_high"] == pytest.approx(high, abs=1e-6)
    assert res["alpha_ci_low"] < res["alpha"] < res["alpha_ci_high"]


def test_rows_without_any_answer_are_not_counted_in_n():
    # pingouin and psych count every row they are given; respondents who skipped the
    # whole dimension carry no information (they never enter the pairwise covariances),
    # so partnerkit leaves them out. Reference: pingouin on the data without those rows.
    answered = _likert(seed=4, missing=0.1)
    empty = pd.DataFrame(np.nan, index=range(15), columns=answered.columns)
    with_empty = pd.concat([answered, empty], ignore_index=True)
    alpha, low, high = _pingouin(answered)
    res = scale_reliability(with_empty)
    assert res["n"] == len(answered)
    assert (res["alpha"], res["alpha_ci_low"], res["alpha_ci_high"]) == pytest.approx(
        (alpha, low, high), abs=1e-6
    )
    # the empty rows still count in pct_missing, which is a share of all rows given
    missing = answered.isna().sum().to_numpy() + 15
    pct = item_statistics(with_empty)["pct_missing"].tolist()
    assert pct == pytest.approx(100 * missing / len(with_empty))


# --- hand computation on complete data -------------------------------------------------------

# 5 respondents x 3 items, no missing answers.
SMALL = pd.DataFrame(
    {"a": [4.0, 5.0, 3.0, 2.0, 4.0], "b": [3.0, 5.0, 3.0, 1.0, 4.0], "c": [4.0, 4.0, 2.0, 3.0, 5.0]}
)


def _sum_score_alpha(x: np.ndarray) -> float:
    """Textbook alpha from sum scores: k/(k-1) · (1 - sum of item variances / total variance)."""
    k = x.shape[1]
    return k / (k - 1) * (1 - x.var(axis=0, ddof=1).sum() / x.sum(axis=1).var(ddof=1))


def test_item_statistics_by_hand_on_complete_data():
    # Reference: first principles with plain numpy on sum scores (np.corrcoef of the item
    # with the sum of the other items; the sum-score alpha of the remaining two items).
    # This is a different computation path from the module's covariance-matrix sums;
    # without missing answers the two coincide.
    x = SMALL.to_numpy()
    stats = item_statistics(SMALL)
    assert list(stats.columns) == ITEM_COLUMNS
    assert stats["item"].tolist() == ["a", "b", "c"]
    for i, item in enumerate(SMALL.columns):
        rest = np.delete(x, i, axis=1)
        row = stats.iloc[i]
        assert row["n"] == 5 and row["pct_missing"] == 0
        assert row["mean"] == pytest.approx(statistics.mean(SMALL[item]))
        assert row["sd"] == pytest.approx(statistics.stdev(SMALL[item]))
        assert row["r_drop"] == pytest.approx(np.corrcoef(x[:, i], rest.sum(axis=1))[0, 1])
        assert row["alpha_if_dropped"] == pytest.approx(_sum_score_alpha(rest))


def test_scale_reliability_by_hand_on_complete_data():
    # Reference: sum-score alpha; standardised alpha and average r from np.corrcoef.
    x = SMALL.to_numpy()
    r = np.corrcoef(x, rowvar=False)
    average_r = (r.sum() - 3) / 6
    res = scale_reliability(SMALL)
    assert res["alpha"] == pytest.approx(_sum_score_alpha(x))
    assert res["average_r"] == pytest.approx(average_r)
    # Spearman-Brown form of standardised alpha: k·r̄ / (1 + (k - 1)·r̄)
    assert res["alpha_std"] == pytest.approx(3 * average_r / (1 + 2 * average_r))


def test_two_items_r_drop_is_their_correlation_and_alpha_if_dropped_is_undefined():
    # Reference: np.corrcoef. Alpha of a single item is undefined (psych reports an
    # inter-item statistic in its place; partnerkit reports NaN).
    pair = SMALL[["a", "b"]]
    stats = item_statistics(pair)
    expected = np.corrcoef(pair["a"], pair["b"])[0, 1]
    assert stats["r_drop"].tolist() == pytest.approx([expected, expected])
    assert stats["alpha_if_dropped"].isna().all()
    assert scale_reliability(pair)["alpha"] == pytest.approx(_sum_score_alpha(pair.to_numpy()))


# --- R psych with missing answers ---------------------------------------------------------------


def test_agrees_with_r_psych_alpha_on_data_with_missing_answers():
    # Reference: R psych 2.2.9 (R 4.2.2) alpha(items, use = "pairwise"), run via
    # tests/reference/psych_alpha.R; data and results stored in psych_alpha.json.
    # psych takes std.alpha and average_r from cov2cor(pairwise covariances); on these
    # data the pairwise correlation matrix would give values about 0.02 lower.
    ref = json.loads(PSYCH_JSON.read_text(encoding="utf-8"))
    assert ref["psych_version"] == "2.2.9"
    items = pd.DataFrame(ref["data"], dtype="float64")
    assert items.isna().sum().sum() == 7 and items.notna().any(axis=1).all()

    res = scale_reliability(items)
    assert res["n"] == ref["n_rows"]  # no empty rows, so psych's n is ours
    assert res["alpha"] == pytest.approx(ref["raw_alpha"], abs=1e-6)
    assert res["alpha_std"] == pytest.approx(ref["std_alpha"], abs=1e-6)
    assert res["average_r"] == pytest.approx(ref["average_r"], abs=1e-6)
    assert res["alpha_ci_low"] == pytest.approx(ref["feldt_lower"], abs=1e-6)
    assert res["alpha_ci_high"] == pytest.approx(ref["feldt_upper"], abs=1e-6)

    stats = item_statistics(items)
    assert stats["item"].tolist() == ref["item"]
    assert stats["n"].tolist() == ref["item_n"]
    assert stats["mean"].tolist() == pytest.approx(ref["item_mean"], abs=1e-6)
    assert stats["sd"].tolist() == pytest.approx(ref["item_sd"], abs=1e-6)
    assert stats["r_drop"].tolist() == pytest.approx(ref["r_drop"], abs=1e-6)
    assert stats["alpha_if_dropped"].tolist() == pytest.approx(
        ref["alpha_drop_raw_alpha"], abs=1e-6
    )
    # pct_missing by hand: i1 misses 3 of 15 answers, i2 1, i3 2, i4 1
    assert stats["pct_missing"].tolist() == pytest.approx([20.0, 100 / 15, 40 / 3, 100 / 15])


# --- edge cases: NaN, never an exception or a warning ------------------------------------------


def test_one_item_gives_nan_statistics(no_warnings):
    res = scale_reliability(SMALL[["a"]])
    assert (res["n"], res["k"]) == (5, 1)
    assert all(math.isnan(res[key]) for key in UNDEFINED_WITHOUT_TWO)
    stats = item_statistics(SMALL[["a"]])
    assert stats[["n", "mean", "pct_missing"]].iloc[0].tolist() == [5, 3.6, 0.0]
    assert stats[["r_drop", "alpha_if_dropped"]].isna().all().all()


def test_item_nobody_answered(no_warnings):
    items = SMALL.assign(d=np.nan)
    res = scale_reliability(items)
    assert (res["n"], res["k"]) == (5, 4)
    assert all(math.isnan(res[key]) for key in UNDEFINED_WITHOUT_TWO)
    stats = item_statistics(items).set_index("item")
    assert stats.loc["d", "n"] == 0 and stats.loc["d", "pct_missing"] == 100
    assert math.isnan(stats.loc["d", "mean"]) and math.isnan(stats.loc["d", "sd"])
    assert stats["r_drop"].isna().all()
    # without the empty item the other three are complete: sum-score alpha by hand
    assert stats.loc["d", "alpha_if_dropped"] == pytest.approx(_sum_score_alpha(SMALL.to_numpy()))
    assert stats.drop(index="d")["alpha_if_dropped"].isna().all()


def test_item_without_variance(no_warnings):
    # Reference for alpha: the sum-score formula, where the constant item adds k but no
    # variance (pingouin gives the same); correlations with a constant are undefined.
    items = SMALL.assign(d=3.0)
    res = scale_reliability(items)
    assert res["alpha"] == pytest.approx(_sum_score_alpha(items.to_numpy()))
    assert not math.isnan(res["alpha_ci_low"]) and not math.isnan(res["alpha_ci_high"])
    assert math.isnan(res["alpha_std"]) and math.isnan(res["average_r"])
    stats = item_statistics(items).set_index("item")
    assert stats.loc["d", "sd"] == 0 and math.isnan(stats.loc["d", "r_drop"])
    assert stats.loc["d", "alpha_if_dropped"] == pytest.approx(_sum_score_alpha(SMALL.to_numpy()))
    assert stats.drop(index="d")["r_drop"].notna().all()


@pytest.mark.parametrize("rows", [0, 1], ids=["no-respondents", "one-respondent"])
def test_fewer_than_two_respondents(rows, no_warnings):
    items = SMALL.iloc[:rows]
    res = scale_reliability(items)
    assert (res["n"], res["k"]) == (rows, 3)
    assert all(math.isnan(res[key]) for key in UNDEFINED_WITHOUT_TWO)
    stats = item_statistics(items)
    assert stats["n"].tolist() == [rows] * 3
    assert stats[["sd", "r_drop", "alpha_if_dropped"]].isna().all().all()


def test_one_answering_respondent_among_empty_rows(no_warnings):
    items = pd.concat([SMALL.iloc[:1], pd.DataFrame(np.nan, index=[1, 2], columns=SMALL.columns)])
    res = scale_reliability(items)
    assert res["n"] == 1 and math.isnan(res["alpha"]) and math.isnan(res["alpha_ci_low"])
    assert item_statistics(items)["pct_missing"].tolist() == pytest.approx([200 / 3] * 3)


def test_no_items(no_warnings):
    empty = SMALL.iloc[:, :0]
    assert scale_reliability(empty)["k"] == 0
    stats = item_statistics(empty)
    assert stats.empty and list(stats.columns) == ITEM_COLUMNS


# --- the one-pass moments against pandas' own pairwise statistics -----------------------------


@pytest.mark.parametrize("seed", [4, 5])
def test_pairwise_moments_agree_with_pandas(seed, no_warnings):
    # Reference: pandas DataFrame.cov (pairwise-complete, computed pair by pair in its
    # own Cython loop), count and mean; a different computation from the matrix products.
    # Seed 5 has an item answered in one row only (its covariances are undefined).
    data = _likert(seed, n=400, missing=0.3) + 0.25 * (seed == 4)
    if seed == 5:
        data["q4"] = np.nan
        data.loc[7, "q4"] = 2.0
    moments = pairwise_moments(data)
    expected = data.cov().to_numpy()
    assert np.array_equal(np.isnan(moments.covariance), np.isnan(expected))
    assert moments.covariance == pytest.approx(expected, nan_ok=True, rel=1e-12, abs=1e-12)
    assert moments.mean == pytest.approx(data.mean().to_numpy(), rel=1e-12)
    both = data.notna().astype(int)
    assert np.array_equal(moments.pairs, both.T @ both)
    assert moments.answered == int(data.notna().any(axis=1).sum())
