"""``trend --over-time``: the change per year over all rounds.

Reference values: ``scipy.stats.linregress`` for least squares, statsmodels
``MixedLM`` on the raw respondents' scores for the mixed model (both independent of
partnerkit's closed-form fit; that fit itself is checked against R lme4 in
test_mixed.py).
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy.stats import linregress

from partnerkit import read_survey, respondent_scores
from partnerkit.trajectory import round_positions, trajectory
from tests.conftest import EXAMPLES, invoke, tiny_answers, write_table

LONG = EXAMPLES / "partnerskab_lang_2017-2024.csv"
SCHEMA = Path(__file__).parents[1] / "docs" / "schema" / "partnerkit-output.schema.json"


def test_long_series_uses_the_mixed_model_and_agrees_with_statsmodels():
    sm = pytest.importorskip("statsmodels.formula.api")
    survey = read_survey(LONG)
    result = trajectory(survey, lang="da")
    assert result.unit == "year" and result.positions[0] == 2017.0
    trust = result.records.set_index("dimension").loc["trust"]
    assert trust["model"] == "mixed" and trust["rounds"] == 8
    scores = respondent_scores(survey).scores["trust"]
    frame = pd.DataFrame(
        {"y": scores, "year": survey.data["round"].astype(int), "id": survey.data["respondent"]}
    ).dropna()
    fitted = sm.mixedlm("y ~ year", frame, groups=frame["id"]).fit(reml=True)
    assert trust["slope"] == pytest.approx(fitted.fe_params["year"], abs=1e-4)
    assert trust["se"] == pytest.approx(fitted.bse["year"], abs=1e-4)
    assert trust["n_respondents"] == frame["id"].nunique()
    # the story of the generator: trust grows, time and resources stay flat
    assert trust["significant"] and trust["slope_low"] > 0
    assert not result.records.set_index("dimension").loc["resources", "significant"]
    assert any(f.startswith("Tillid og relationer er steget") and "om året siden 2017 (95 % CI"
               in f for f in result.findings)  # fmt: skip


@pytest.fixture
def rounds_survey(tmp_path, tiny):
    """Another instrument, no actor column, rounds named "runde 1..4" (no years), no ids;
    round 2 of area Syd has 3 respondents (hidden)."""
    rng = np.random.default_rng(9)
    for i in range(1, 5):
        for area, n in (("Nord", 30), ("Syd", 3 if i == 2 else 25)):
            frame = tiny_answers(rng, n, shift=0.2 * i).drop(columns="Actor")
            frame.insert(0, "Område", area)
            write_table(tmp_path / f"runde {i} {area}.csv", frame)
    return read_survey(sorted(tmp_path.glob("*.csv")), tiny)


def test_least_squares_on_evenly_spaced_rounds_agrees_with_linregress(rounds_survey):
    result = trajectory(rounds_survey, ["area"], min_n=5)
    assert result.unit == "round" and result.positions == (0.0, 1.0, 2.0, 3.0)
    rec = result.records
    data = rounds_survey.data
    scores = respondent_scores(rounds_survey).scores["alpha"].to_numpy()
    place = {r: i for i, r in enumerate(result.round_order)}
    x = data["round"].map(place).to_numpy(float)
    hidden_round = result.round_order[1]
    for area in ("Nord", "Syd"):
        line = rec[(rec["area"] == area) & (rec["dimension"] == "alpha")].iloc[0]
        # Syd's round 2 is below min_n; the pattern then hides Nord's round 2 too (the
        # "All" mean of that round would give it away): neither enters a line
        left_out = line["rounds_left_out"].split(", ")
        assert hidden_round in left_out and line["rounds"] == 4 - len(left_out)
        rows = (data["area"] == area).to_numpy() & ~np.isnan(scores)
        rows &= ~data["round"].isin(left_out).to_numpy()
        ref = linregress(x[rows], scores[rows])
        assert line["model"] == "ols"
        assert line["slope"] == pytest.approx(ref.slope, abs=1e-10)
        assert line["se"] == pytest.approx(ref.stderr, abs=1e-10)
        assert line["p"] == pytest.approx(ref.pvalue, abs=1e-10)
    everyone = rec[rec["area"].isna() & (rec["dimension"] == "alpha")].iloc[0]
    ref = linregress(x[~np.isnan(scores)], scores[~np.isnan(scores)])
    assert everyone["rounds"] == 4 and everyone["slope"] == pytest.approx(ref.slope, abs=1e-10)


def test_a_hidden_round_changes_no_published_trajectory(rounds_survey):
    """Syd's hidden round altered: neither its line nor any other figure may move."""
    from dataclasses import replace

    data = rounds_survey.data.copy()
    hidden = ((data["area"] == "Syd") & (data["round"] == sorted(set(data["round"]))[1])).to_numpy()
    data.loc[hidden, ["a1", "a2", "b1", "b2"]] = 5.0
    one = trajectory(rounds_survey, ["area"], min_n=5).records
    two = trajectory(replace(rounds_survey, data=data), ["area"], min_n=5).records
    areas_only = one["area"].notna()  # the "All" line includes the round by design
    # p_adj adjusts the areas' p-values together with the "All" line's, which moves
    pd.testing.assert_frame_equal(
        one.loc[areas_only].drop(columns="p_adj"), two.loc[areas_only].drop(columns="p_adj")
    )


def test_round_positions_from_years_dates_and_names():
    assert round_positions(["2017", "2019"]) == ([2017.0, 2019.0], "year")
    years, unit = round_positions(["2023-01", "2024-07-01"])
    assert unit == "year" and years[0] == 2023.0 and 2024.49 < years[1] < 2024.5
    assert round_positions(["forår", "efterår"]) == ([0.0, 1.0], "round")
    assert round_positions(["2020", "2020"])[1] == "round"  # not one year per round


def test_cli_over_time_table_json_and_errors(runner):
    table = invoke(runner, "trend", LONG, "--over-time", "--lang", "en")
    assert table.exit_code == 0, table.output
    assert "trajectory over all rounds (2017-2024)" in table.stdout
    assert "random intercept per respondent" in table.stdout
    assert any(c in table.stdout for c in "▁▂▃▄▅▆▇█")
    out = invoke(runner, "trend", LONG, "--over-time", "--by", "area", "-f", "json")
    assert out.exit_code == 0, out.output
    doc = json.loads(out.stdout)
    assert doc["meta"]["view"] == "over_time" and doc["meta"]["unit"] == "year"
    assert {r["area"] for r in doc["results"]} == {"Nørrevang", "Solhøjparken", None}
    jsonschema = pytest.importorskip("jsonschema")
    jsonschema.validate(doc, json.loads(SCHEMA.read_text(encoding="utf-8")))
    one_round = invoke(runner, "trend", EXAMPLES / "areas" / "Engbakken" / "2024.xlsx",
                       "--over-time")  # fmt: skip
    assert one_round.exit_code == 1 and one_round.stderr.startswith("Error: ")


def test_report_shows_trajectories_and_the_area_model(tmp_path):
    """The long series in a report: small multiples of the trajectories and a caterpillar
    plot in HTML, a sheet of each in the workbook with a chart per dimension."""
    from openpyxl import load_workbook

    from partnerkit.render import write_report
    from partnerkit.report import build_report

    report = build_report(read_survey(LONG), lang="en")
    assert report.trajectory is not None and report.area_model is not None
    page = write_report(report, tmp_path / "r.html").read_text(encoding="utf-8")
    assert '<section id="trajectory">' in page and '<section id="area-model">' in page
    assert "Trajectory per dimension, 2017-2024" in page
    assert "Areas in the multilevel model:" in page  # the caterpillar of the focus dimension
    book = load_workbook(write_report(report, tmp_path / "r.xlsx"))
    assert {"Trajectory per year", "Areas (model)"} <= set(book.sheetnames)
    assert len(book["Trajectory per year"]._charts) == 10
