"""``areas --method model``: areas as a random intercept, their intervals, ranks and flags.

Reference values: the fit of R lme4 is checked in test_mixed.py; here the estimates
of ``areas`` are compared with statsmodels ``MixedLM`` fitted on the same respondents'
scores (an independent implementation on the raw rows), and a simulation with known
area means checks the intervals' coverage and the flags' error rate.
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from partnerkit import read_survey, respondent_scores
from partnerkit.areas import areas
from partnerkit.stats.mixed import GroupSums, area_estimates, fit_random_intercept
from tests.conftest import EXAMPLES, invoke, tiny_answers, write_table


def test_intervals_cover_true_area_means_at_the_nominal_rate():
    """200 collections of 30 areas of 10 to 300 respondents; true area means drawn from
    N(3.5, 0.25²), respondents' scores around them with sd 0.9. Each collection's
    respondents are summed per area and fitted as ``areas`` fits them."""
    rng = np.random.default_rng(2022)
    covered, false_flags, flags, total = 0, 0, 0, 0
    for _ in range(200):
        n = rng.integers(10, 301, 30)
        theta = rng.normal(3.5, 0.25, 30)
        area = np.repeat(np.arange(30), n)
        y = theta[area] + rng.normal(0, 0.9, n.sum())
        sums = np.bincount(area, y)
        mean = sums / n
        ss = np.bincount(area, (y - mean[area]) ** 2)
        fit = fit_random_intercept(GroupSums.from_moments(n, mean, ss))
        est = area_estimates(fit, n, mean)
        covered += int(((est["low"] <= theta) & (theta <= est["high"])).sum())
        flagged = est["p"] < 0.05  # the flag without adjustment: the interval excludes mu
        # false: flagged above while the true mean is at or below 3.5, or the reverse
        false_flags += int((flagged & (np.sign(est["blup"]) != np.sign(theta - 3.5))).sum())
        flags += int(flagged.sum())
        total += 30
    coverage = covered / total
    se = np.sqrt(0.95 * 0.05 / total)
    assert abs(coverage - 0.95) <= 2 * se, coverage
    assert false_flags / total <= 0.05
    assert flags > 100 and false_flags / flags <= 0.05  # also among the flags raised


@pytest.fixture
def areas_survey(tmp_path, tiny):
    """Five areas with different means (one of 3 respondents, below min_n, so one more
    is hidden by the suppression pattern), no rounds and no actor column: another
    instrument than the default."""
    rng = np.random.default_rng(5)
    for name, shift, n in (("Nord", 0.6, 40), ("Syd", 0.0, 25), ("Vest", -0.4, 30),
                           ("Øst", 0.2, 35), ("Lille", 1.5, 3)):  # fmt: skip
        frame = tiny_answers(rng, n, shift).drop(columns="Actor")
        write_table(tmp_path / f"{name}.csv", frame)
    return read_survey(sorted(tmp_path.glob("*.csv")), tiny, area_from="filename")


def test_estimates_agree_with_statsmodels_and_hidden_areas_stay_out(areas_survey):
    sm = pytest.importorskip("statsmodels.formula.api")
    result = areas(areas_survey, min_n=5)
    assert result.method == "model"
    rec = result.records[result.records["dimension"] == "alpha"].set_index("area", drop=False)
    hidden = rec.loc["Lille"]
    assert hidden["suppressed"] and hidden["model_note"] == "suppressed"
    for column in ("estimate", "estimate_low", "estimate_high", "model_p", "rank"):
        assert pd.isna(hidden[column])
    shown = rec[rec["area"].notna() & ~rec["suppressed"].astype(bool)]
    assert len(shown) == 3  # Lille, and one more hidden by the pattern
    assert rec.loc[~rec.index.isin(shown.index), "estimate"].isna().all()
    # the independent fit on the respondents of the shown areas only
    scores = respondent_scores(areas_survey).scores["alpha"]
    frame = pd.DataFrame({"y": scores, "area": areas_survey.data["area"].astype(str)})
    frame = frame[frame["area"].isin(shown.index) & frame["y"].notna()]
    fitted = sm.mixedlm("y ~ 1", frame, groups=frame["area"]).fit(reml=True)
    model = result.model.set_index("dimension").loc["alpha"]
    assert model["overall_mean"] == pytest.approx(fitted.fe_params["Intercept"], abs=1e-4)
    assert model["tau2"] == pytest.approx(float(fitted.cov_re.iloc[0, 0]), abs=1e-4)
    assert model["sigma2"] == pytest.approx(fitted.scale, abs=1e-4)
    assert model["areas"] == 3
    for area, effect in fitted.random_effects.items():
        expected = fitted.fe_params["Intercept"] + float(effect.iloc[0])
        assert rec.loc[area, "estimate"] == pytest.approx(expected, abs=1e-4)
    assert (shown["estimate_low"] < shown["estimate"]).all()
    assert ((shown["rank_low"] <= shown["rank"]) & (shown["rank"] <= shown["rank_high"])).all()
    # shrinkage: each estimate lies between its raw mean and the overall mean
    raw, est = shown["mean"].astype(float), shown["estimate"].astype(float)
    mu = model["overall_mean"]
    assert (np.minimum(raw, mu) - 1e-9 <= est).all() and (est <= np.maximum(raw, mu) + 1e-9).all()


def test_a_hidden_area_changes_no_published_model_figure(areas_survey, tiny, tmp_path):
    """The hidden area's answers are altered: nothing the model output shows may move."""
    data = areas_survey.data.copy()
    lille = (data["area"] == "Lille").to_numpy()
    for item in ("a1", "a2", "b1", "b2"):
        data.loc[lille, item] = 1.0
    from dataclasses import replace

    altered = replace(areas_survey, data=data)
    cols = ["area", "dimension", "estimate", "estimate_low", "estimate_high", "rank",
            "rank_low", "rank_high", "overall_mean", "model_p"]  # fmt: skip
    one = areas(areas_survey, min_n=5).records
    two = areas(altered, min_n=5).records
    shown = one["area"].notna()  # the "All" row's raw mean includes Lille by design
    pd.testing.assert_frame_equal(one.loc[shown, cols], two.loc[shown, cols])
    pd.testing.assert_frame_equal(areas(areas_survey, min_n=5).model, areas(altered, min_n=5).model)


def test_welch_stays_available_and_says_so(areas_survey):
    welch = areas(areas_survey, min_n=5, method="welch")
    assert welch.method == "welch" and "benchmark_p" in welch.records.columns
    assert welch.settings()["method"] == "welch"
    assert "independent" in welch.settings()["method_reason"]


def test_areas_cli_on_the_example_says_which_method(runner):
    result = invoke(runner, "areas", EXAMPLES / "areas", "--format", "json", "--lang", "en")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["meta"]["method"] == "model"
    assert "random intercept per area" in data["meta"]["method_reason"]
    assert {r["dimension"] for r in data["model"]} >= {"trust", "equality"}
    table = invoke(runner, "areas", EXAMPLES / "areas", "--lang", "en")
    assert "multilevel model" in table.stdout and "Method: multilevel model" in table.stdout
    welch = invoke(runner, "areas", EXAMPLES / "areas", "--method", "welch", "-f", "json")
    assert json.loads(welch.stdout)["meta"]["method"] == "welch"
    bad = invoke(runner, "areas", EXAMPLES / "areas", "--method", "bayes")
    assert bad.exit_code == 2
