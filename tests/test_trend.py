"""Rounds from anywhere, and ``partnerkit trend``: tests, pairing, adjustment, suppression.

Reference values: scipy.stats (``ttest_ind(equal_var=False)``, ``ttest_rel``,
``mannwhitneyu``) run here on the same respondents' scores, and Holm's
step-down procedure written out by hand in the test.
"""

from __future__ import annotations

import json
import re
from dataclasses import replace

import numpy as np
import pandas as pd
import pytest
from scipy import stats as sps

from partnerkit import read_survey, respondent_scores
from partnerkit.errors import OptionError, SurveyReadError
from partnerkit.grouping import select_rounds
from partnerkit.trend import trend
from tests.conftest import EXAMPLE_XLSX, invoke, max_width, tiny_answers, write_table

RECORD_KEYS = [
    "dimension", "dimension_name", "round_from", "round_to", "n_from", "n_to", "mean_from",
    "mean_to", "diff", "diff_ci_low", "diff_ci_high", "test", "statistic", "df", "p", "p_adj",
    "adjust", "hedges_g", "g_av", "cliffs_delta", "rank_biserial", "effect", "direction",
    "paired", "pairing", "n_pairs", "significant", "suppressed", "note",
]  # fmt: skip


# ------------------------------------------------------------------- rounds


def test_rounds_from_file_names_and_sheet_names(tmp_path, tiny):
    rng = np.random.default_rng(1)
    a = write_table(tmp_path / "Nørrevang_2023.csv", tiny_answers(rng, 12))
    b = write_table(tmp_path / "Nørrevang runde 2024.xlsx", tiny_answers(rng, 12))
    survey = read_survey([a, b], tiny)
    assert sorted(set(survey.data["round"])) == ["2023", "2024"]
    assert [s.round_source for s in survey.sources] == ["file name", "file name"]
    book = tmp_path / "partnerskab.xlsx"
    with pd.ExcelWriter(book) as writer:
        tiny_answers(rng, 8).to_excel(writer, sheet_name="Runde 3", index=False)
    sheet_survey = read_survey(book, tiny)
    assert set(sheet_survey.data["round"]) == {"3"}
    assert sheet_survey.sources[0].round_source == "sheet name"
    assert set(read_survey(book, tiny, round="2025").data["round"]) == {"2025"}


def test_a_round_column_that_disagrees_with_the_file_name_is_an_error(tmp_path, tiny):
    frame = tiny_answers(np.random.default_rng(2), 6)
    frame.insert(0, "Runde", 2023)
    path = write_table(tmp_path / "area_2024.xlsx", frame)
    with pytest.raises(SurveyReadError) as info:
        read_survey(path, tiny)
    assert str(info.value) == (
        f"{path}, sheet 'Sheet1': the round column 'Runde' says 2023 but the file name says 2024. "
        "Correct the column or the file name, and try again."
    )
    agreeing = write_table(tmp_path / "area_2023.xlsx", frame)
    assert read_survey(agreeing, tiny).sources[0].round_source == "column"
    with pytest.raises(OptionError, match="--round applies to a single file"):
        read_survey([path, agreeing], tiny, round="1")


def test_rounds_are_ordered_naturally_and_chosen_with_rounds(tmp_path, tiny):
    rng = np.random.default_rng(3)
    paths = [
        write_table(tmp_path / f"survey runde {r}.csv", tiny_answers(rng, 10)) for r in (10, 2, 1)
    ]
    survey = read_survey(paths, tiny)
    result = trend(survey, min_n=2)
    assert result.round_order == ("1", "2", "10")
    chosen = select_rounds(survey, ["10", "1"])
    assert chosen.round_order == ("10", "1")
    assert {e.reason: e.rows for e in chosen.ledger.excluded} == {"round_not_selected": 10}
    result = trend(chosen, min_n=2)
    pairs = zip(result.records["round_from"], result.records["round_to"], strict=True)
    assert set(pairs) == {("10", "1")}
    with pytest.raises(OptionError, match="--rounds: no round 7"):
        select_rounds(survey, ["7"])


# -------------------------------------------------------------------- tests


def _scores(survey, dim, round_):
    rs = respondent_scores(survey).scores[dim]
    values = rs[survey.data["round"] == round_].to_numpy()
    return values[~np.isnan(values)]


def test_welch_change_agrees_with_scipy_and_effect_sizes_with_hand_values():
    survey = read_survey(EXAMPLE_XLSX)
    records = trend(survey).records.set_index(["dimension", "round_from"])
    rec = records.loc[("equality", "2023")]
    a, b = _scores(survey, "equality", "2023"), _scores(survey, "equality", "2024")
    ref = sps.ttest_ind(b, a, equal_var=False)
    ci = ref.confidence_interval(0.95)
    assert (rec["statistic"], rec["df"], rec["p"]) == pytest.approx(
        (ref.statistic, ref.df, ref.pvalue)
    )
    assert (rec["diff_ci_low"], rec["diff_ci_high"]) == pytest.approx((ci.low, ci.high))
    assert rec["diff"] == pytest.approx(b.mean() - a.mean())
    pooled = np.sqrt(
        ((len(a) - 1) * a.var(ddof=1) + (len(b) - 1) * b.var(ddof=1)) / (len(a) + len(b) - 2)
    )
    j = 1 - 3 / (4 * (len(a) + len(b)) - 9)  # Hedges & Olkin's small-sample correction
    assert rec["hedges_g"] == pytest.approx((b.mean() - a.mean()) / pooled * j)
    greater = (b[:, None] > a[None, :]).sum()
    less = (b[:, None] < a[None, :]).sum()
    assert rec["cliffs_delta"] == pytest.approx((greater - less) / (len(a) * len(b)))
    assert rec["test"] == "welch" and not rec["paired"]


def test_p_values_are_adjusted_across_the_whole_output_bh_by_default():
    """The family is every test of the output (both pairs of rounds), not one comparison."""
    result = trend(read_survey(EXAMPLE_XLSX), adjust="holm")
    records = result.records
    p = records["p"].to_numpy(dtype=float)
    assert len(p) == 20 and not np.isnan(p).any() and result.family == 20
    # Holm by hand: sort, multiply the i-th smallest by (m - i), running maximum, cap at 1
    order = np.argsort(p)
    m = len(p)
    adjusted = np.empty(m)
    running = 0.0
    for rank, i in enumerate(order):
        running = max(running, min(1.0, (m - rank) * p[i]))
        adjusted[i] = running
    assert records["p_adj"].to_numpy() == pytest.approx(adjusted)
    assert (records["adjust"] == "holm").all()
    assert result.meta()["family"] == {"size": 20, "scope": "trend"}
    bh = trend(read_survey(EXAMPLE_XLSX))  # the default: Benjamini-Hochberg
    assert bh.adjust == "bh" and (bh.records["adjust"] == "bh").all()
    assert bh.records["p_adj"].to_numpy() == pytest.approx(
        sps.false_discovery_control(p, method="bh")
    )


def test_mann_whitney_option_reports_its_own_statistic(tmp_path):
    survey = read_survey(EXAMPLE_XLSX)
    rec = trend(survey, test="mann-whitney").records.set_index(["dimension", "round_from"])
    rec = rec.loc[("trust", "2022")]
    a, b = _scores(survey, "trust", "2022"), _scores(survey, "trust", "2023")
    ref = sps.mannwhitneyu(b, a, alternative="two-sided", method="asymptotic")
    assert (rec["statistic"], rec["p"]) == pytest.approx((ref.statistic, ref.pvalue))
    assert rec["test"] == "mann-whitney" and np.isnan(rec["df"])


def test_linked_respondents_are_compared_pairwise(tmp_path, tiny):
    rng = np.random.default_rng(4)
    ids = [f"p{i}" for i in range(30)]
    first = tiny_answers(rng, 30, ids=ids)
    second = first.copy()
    second["a1"] = np.clip(first["a1"] + rng.integers(0, 2, 30), 1, 5)  # most rise a little
    paths = [
        write_table(tmp_path / "p_2023.csv", first),
        write_table(tmp_path / "p_2024.csv", second),
    ]
    survey = read_survey(paths, tiny)
    records = trend(survey, min_n=2).records.set_index("dimension")
    rec = records.loc["alpha"]
    assert rec["paired"] and rec["n_pairs"] == 30 and rec["test"] == "paired-t"
    rs = respondent_scores(survey).scores["alpha"].to_numpy()
    ref = sps.ttest_rel(rs[30:], rs[:30])
    assert (rec["statistic"], rec["p"]) == pytest.approx((ref.statistic, ref.pvalue))
    wilcoxon = trend(survey, test="mann-whitney", min_n=2).records.set_index("dimension")
    assert wilcoxon.loc["alpha", "test"] == "wilcoxon"
    assert wilcoxon.loc["alpha", "p"] == pytest.approx(
        sps.wilcoxon(rs[30:], rs[:30], zero_method="pratt").pvalue
    )
    # 5 of 30 linked: the partially overlapping samples t-test on everyone
    third = tiny_answers(rng, 30, ids=[f"q{i}" for i in range(25)] + ids[:5])
    mixed = read_survey([paths[0], write_table(tmp_path / "p_2025.csv", third)], tiny)
    partial = trend(mixed, min_n=2).records
    assert (partial["pairing"] == "partial").all() and (partial["n_pairs"] == 5).all()
    assert (partial["test"] == "partial-overlap-t").all() and partial["g_av"].notna().all()
    example = read_survey(EXAMPLE_XLSX)
    without_ids = replace(example, data=example.data.drop(columns=["respondent"]))
    with pytest.raises(OptionError, match="no respondent id column"):
        trend(without_ids, paired="yes")


def test_small_groups_are_suppressed_and_tiny_ones_untested(tmp_path, tiny):
    rng = np.random.default_rng(5)
    first = tiny_answers(rng, 20)
    second = tiny_answers(rng, 20)
    first.loc[:2, "Actor"] = "Police"  # 3 police in 2023, none in 2024
    second.loc[:3, "Actor"] = "Police"  # 4 police in 2024
    paths = [
        write_table(tmp_path / "x_2023.csv", first),
        write_table(tmp_path / "x_2024.csv", second),
    ]
    survey = read_survey(paths, tiny)
    records = trend(survey, ["actor"], min_n=5).records
    police = records[records["actor"] == "Police"]
    assert police["suppressed"].all() and police["mean_from"].isna().all()
    assert (police["note"] == "suppressed").all()
    low = trend(survey, ["actor"], min_n=3).records
    police = low[low["actor"] == "Police"]
    assert not police["suppressed"].any() and police["p"].isna().all()
    assert (police["note"] == "too_few").all()
    from partnerkit.render import render

    result = trend(survey, ["actor"], min_n=3, lang="en")
    table = " ".join(render(result, "table").split())
    assert (
        "Police 2023→2024: fewer than 5 respondents in a round, no test possible; the mean "
        "moved: Alpha " in table
    )
    assert result.untested[0] in table


def test_trend_without_rounds_is_an_error(tmp_path, tiny):
    path = write_table(tmp_path / "one.csv", tiny_answers(np.random.default_rng(6), 10))
    with pytest.raises(SurveyReadError, match="no round information"):
        trend(read_survey(path, tiny))


# ---------------------------------------------------------------------- CLI


def test_trend_json_contract(runner):
    result = invoke(
        runner, "trend", EXAMPLE_XLSX, "--by", "actor", "--baseline", "first", "-f", "json",
        "--lang", "en",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    records = document["results"]
    assert all(list(r) == [*RECORD_KEYS[:2], "actor", *RECORD_KEYS[2:]] for r in records)
    assert document["meta"]["rounds"] == ["2022", "2023", "2024"]
    assert document["meta"]["test"] == "welch" and document["meta"]["adjust"] == "bh"
    # the family: every test run, i.e. 10 dimensions x 2 comparisons (2023 and 2024 against
    # 2022) for the 5 groups the anonymity pattern shows in every round (municipality,
    # housing organisations, resident representatives, volunteer associations and all
    # respondents), and the school/day care in the 8 dimensions it shows in every round
    assert document["meta"]["family"] == {"size": 10 * 2 * 5 + 8 * 2, "scope": "trend"}
    assert document["rounds"][0]["round"] == "2022"
    police = [r for r in records if r["actor"] == "Police"]
    assert police and all(r["suppressed"] and r["mean_from"] is None for r in police)
    assert any(
        f.startswith("Resident representative: Equality and shared power rose")
        for f in document["meta"]["findings"]
    )


def test_trend_table_tells_the_example_story(runner):
    # 20 tests in the family (BH): 2023->2024 alone (p = 0.0026) no longer passes; 2022->2024 does
    result = invoke(runner, "trend", EXAMPLE_XLSX, "--lang", "en", "--baseline", "first")
    assert result.exit_code == 0, result.output
    assert max_width(result.stdout) <= 100
    text = " ".join(result.stdout.split())
    assert "p adjusted by Benjamini-Hochberg across all 20 tests of this output" in text
    pattern = (
        r"• Equality and shared power rose 0\.50 points from 2022 to 2024, a \w+ effect "
        r"\(g = 0\.\d\d\); unlikely to be chance\."
    )
    assert re.search(pattern, text)
    assert "Rounds were compared as independent samples" in text
    line = next(x for x in result.stdout.splitlines() if x.lstrip().startswith("Equality"))
    assert "▲" in line
    da = invoke(runner, "trend", EXAMPLE_XLSX, "--baseline", "first")
    assert re.search(
        r"Ligeværdighed og delt beslutningsmagt steg 0,\d\d point fra 2022 til 2024",
        " ".join(da.stdout.split()),
    )


def test_trend_option_errors(runner):
    assert invoke(runner, "trend", EXAMPLE_XLSX, "--test", "anova").exit_code == 2
    result = invoke(runner, "trend", EXAMPLE_XLSX, "--by", "round")
    assert result.exit_code == 2
    assert result.stderr.startswith("Error: --by round: trend compares rounds already")
    result = invoke(runner, "trend", EXAMPLE_XLSX, "--rounds", "2022,2031")
    assert result.exit_code == 2 and "--rounds: no round 2031" in result.stderr
