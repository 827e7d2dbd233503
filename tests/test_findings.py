"""Findings a board can trust: each case of issue 16, reproduced and held to the new behaviour.

Reference values: R 4 base functions (the calls are in the comments), a hand
computation of Derrick, Russ, Toher & White's (2017) partially overlapping
samples t-test in base R (mean, sd, cor, pt), and an exact enumeration of every
split for the conditional Mann-Whitney p-value.
"""

from __future__ import annotations

import json
from itertools import combinations

import numpy as np
import pandas as pd
import pytest

from partnerkit import read_survey
from partnerkit.gaps import gaps
from partnerkit.i18n import number
from partnerkit.stats import games_howell, mann_whitney, partial_overlap_t_test
from partnerkit.trend import trend
from tests.conftest import SHARED_DATA, invoke, write_table


def _answers(actor, alpha, beta=None, ids=None) -> pd.DataFrame:
    """Respondents of the tiny instrument whose alpha score is exactly ``alpha``
    (a1 = a2 = x, a3 = 6 - x reversed) and beta score ``beta``."""
    alpha = np.asarray(alpha, dtype=float)
    beta = alpha if beta is None else np.asarray(beta, dtype=float)
    frame = pd.DataFrame(
        {
            "Actor": actor if not isinstance(actor, str) else [actor] * len(alpha),
            "a1": alpha, "a2": alpha, "a3": 6 - alpha,
            "b1": beta, "b2": beta, "b3": beta, "b4": beta,
        }
    )  # fmt: skip
    if ids is not None:
        frame.insert(0, "ID", ids)
    return frame


def _rounds(tmp_path, tiny, first: pd.DataFrame, second: pd.DataFrame):
    paths = [
        write_table(tmp_path / "s_2022.csv", first),
        write_table(tmp_path / "s_2023.csv", second),
    ]
    return read_survey(paths, tiny)


# ------------------------------------------------------------ 2. say why there is no test


def test_everyone_answers_3_then_4_is_a_difference_without_a_test(tmp_path, tiny):
    survey = _rounds(tmp_path, tiny, _answers("Municipality", [3] * 16),
                     _answers("Municipality", [4] * 16))  # fmt: skip
    result = trend(survey, lang="en")
    rec = result.records.set_index("dimension").loc["alpha"]
    assert rec["p"] is None or np.isnan(rec["p"])
    assert rec["note"] == "no_spread" and rec["diff"] == 1.0
    assert result.findings == ()
    assert result.untested == (
        "2022→2023: all answered the same in both rounds (or changed by the same amount), no "
        "test possible; the mean moved: Alpha +1.00, Beta +1.00.",
    )
    from partnerkit.render import render

    table = " ".join(render(result, "table").split())
    assert "No change that is unlikely" not in table and result.untested[0] in table


def test_paired_respondents_all_changing_by_one_is_said_in_words(tmp_path, tiny):
    ids = [f"r{i}" for i in range(12)]
    before = np.array([1, 2, 3, 4, 2, 3, 1, 2, 3, 4, 2, 3], dtype=float)
    survey = _rounds(tmp_path, tiny, _answers("Resident", before, ids=ids),
                     _answers("Resident", before + 1, ids=ids))  # fmt: skip
    result = trend(survey, lang="en")
    rec = result.records.set_index("dimension").loc["alpha"]
    assert rec["pairing"] == "full" and rec["n_pairs"] == 12
    assert rec["note"] == "no_spread" and rec["test"] is None and rec["diff"] == 1.0
    document = json.loads(_json(result))
    assert {r["note"] for r in document["results"]} == {"no_spread"}
    assert document["meta"]["family"] == {"size": 0, "scope": "trend"}


def _json(result) -> str:
    from partnerkit.render import render

    return render(result, "json")


def test_a_unanimous_group_is_tested_by_games_howell_pairs(tmp_path, tiny):
    rng = np.random.default_rng(7)
    frame = pd.concat(
        [
            _answers("Municipality", [4] * 12),  # unanimous: Welch's ANOVA weights undefined
            _answers("Resident", np.clip(np.rint(rng.normal(2, 0.7, 15)), 1, 5)),
            _answers("Police", np.clip(np.rint(rng.normal(3, 0.7, 15)), 1, 5)),
        ],
        ignore_index=True,
    )
    survey = read_survey(write_table(tmp_path / "s.csv", frame), tiny)
    rec = gaps(survey, lang="en").records.set_index("dimension").loc["alpha"]
    assert rec["test"] == "games-howell" and rec["note"] is None
    samples = [survey_scores(survey, actor) for actor in ("municipality", "Police", "resident")]
    reference = games_howell(samples, ["Municipality", "Police", "Resident"])
    assert rec["p"] == pytest.approx(reference["p"].min())
    assert rec["p"] < 1e-6 and rec["flagged"]


def survey_scores(survey, actor: str) -> np.ndarray:
    from partnerkit import respondent_scores

    scores = respondent_scores(survey).scores["alpha"].to_numpy()
    return scores[(survey.data["actor"] == actor).to_numpy()]


# ------------------------------------------------------------ 3. pairing that keeps everyone

FROM = [3, 4, 2, 3, 5, 3, 4, 2, 3, 4, 3, 2, 4, 3, 3, 5, 2, 4, 3, 3]  # p0..p19
RETURNED = [4, 4, 3, 4, 5, 3, 5, 3, 3, 5, 4, 3]  # p0..p11 again
NEWCOMERS = [2, 3, 3, 4, 2, 3, 4, 3]


def test_partial_overlap_t_test_matches_a_hand_computation_in_r():
    # R 4.x, Derrick et al. (2017) T_new2 and v2 by hand:
    #   pa <- A[1:12]; pb <- Bret; a <- c(A[13:20], pa); b <- c(Bnew, pb)
    #   se <- sqrt(sd(a)^2/20 + sd(b)^2/20 - 2*cor(pa,pb)*sd(a)*sd(b)*12/(20*20))
    #   gamma <- Welch's df; v2 <- 11 + (gamma - 11)/(8 + 8 + 24)*(16)
    #   t <- (mean(b) - mean(a))/se; 2*pt(-abs(t), v2)
    res = partial_overlap_t_test(FROM[12:], NEWCOMERS, FROM[:12], RETURNED)
    assert res["diff"] == pytest.approx(0.25)
    assert res["statistic"] == pytest.approx(1.2567080262, abs=1e-9)
    assert res["df"] == pytest.approx(21.7909631391, abs=1e-9)
    assert res["p"] == pytest.approx(0.2221642700, abs=1e-9)
    # nobody unpaired: the paired t-test (R: t.test(pb, pa, paired = TRUE) gives t = 2.611165)
    paired = partial_overlap_t_test([], [], [3.0, 2.5, 4.0, 3.0], [3.5, 3.5, 4.0, 4.0])
    assert paired["statistic"] == pytest.approx(2.611165, abs=1e-6) and paired["df"] == 3


def test_twelve_of_twenty_returning_keeps_everyone_in_table_test_and_finding(tmp_path, tiny):
    first = _answers("Municipality", FROM, ids=[f"p{i}" for i in range(20)])
    second = _answers(
        "Municipality", RETURNED + NEWCOMERS,
        ids=[f"p{i}" for i in range(12)] + [f"n{i}" for i in range(8)],
    )  # fmt: skip
    survey = _rounds(tmp_path, tiny, first, second)
    rec = trend(survey, lang="en").records.set_index("dimension").loc["alpha"]
    assert rec["pairing"] == "partial" and rec["n_pairs"] == 12
    assert rec["n_from"] == 20 and rec["n_to"] == 20  # the newcomers are not dropped
    assert rec["test"] == "partial-overlap-t"
    assert rec["diff"] == pytest.approx(rec["mean_to"] - rec["mean_from"])  # the table's
    assert rec["p"] == pytest.approx(0.2221642700, abs=1e-9)
    # g_av (Lakens 2013): (mean(b) - mean(a)) / ((sd(a) + sd(b)) / 2) * (1 - 3 / (4 v2 - 1)),
    # R: 0.2682569851
    assert rec["g_av"] == pytest.approx(0.2682569851, abs=1e-9) and pd.isna(rec["hedges_g"])


def test_a_significant_partial_change_cites_the_tables_difference(tmp_path, tiny):
    ids = [f"p{i}" for i in range(20)]
    low = np.array([1, 2, 2, 1, 2, 2, 1, 2, 2, 2, 1, 2, 2, 2, 1, 2, 2, 2, 3, 2], dtype=float)
    high = low[:12] + 1
    second = np.r_[high, [3, 3, 4, 3, 3, 2, 3, 3]]
    survey = _rounds(
        tmp_path,
        tiny,
        _answers("Resident", low, ids=ids),
        _answers("Resident", second, ids=ids[:12] + [f"n{i}" for i in range(8)]),
    )
    result = trend(survey, lang="en")
    rec = result.records.set_index("dimension").loc["alpha"]
    assert rec["significant"] and rec["pairing"] == "partial"
    shown = number(rec["diff"], "en")
    assert f"Alpha rose {shown} points from 2022 to 2023" in result.findings[0]
    assert f"g_av = {number(rec['g_av'], 'en')}" in result.findings[0]


# ------------------------------------------------------------ 4. flag only what was tested


def test_a_gap_names_only_groups_that_took_part_in_the_test(tmp_path, tiny):
    rng = np.random.default_rng(11)
    frame = pd.concat(
        [
            _answers("A", np.clip(np.rint(rng.normal(4.2, 0.5, 30)), 1, 5)),
            _answers("B", np.clip(np.rint(rng.normal(3.6, 0.5, 30)), 1, 5)),
            _answers("C", [2, 3, 4]),  # shown with --min-n 3, too small to test
        ],
        ignore_index=True,
    )
    survey = read_survey(write_table(tmp_path / "s.csv", frame), tiny)
    result = gaps(survey, min_n=3, lang="en")
    rec = result.records.set_index("dimension").loc["alpha"]
    assert rec["note"] == "untested_group"
    assert {rec["max_group"], rec["min_group"]} == {"A", "B"}
    assert all("C " not in f and "than C" not in f for f in result.findings)
    assert any("C shown but too small to test" in u for u in result.untested)
    tested = {g["group"]: g["tested"] for g in rec["groups"]}
    assert tested == {"A": True, "B": True, "C": False}


def test_the_not_given_group_is_shown_but_untested_unless_asked(tmp_path, tiny, runner):
    rng = np.random.default_rng(12)
    frame = pd.concat(
        [
            _answers("Municipality", np.clip(np.rint(rng.normal(3.5, 0.6, 20)), 1, 5)),
            _answers("Resident", np.clip(np.rint(rng.normal(3.4, 0.6, 20)), 1, 5)),
            _answers([None] * 20, [1.0] * 10 + [2.0] * 10),  # no actor given, very low
        ],
        ignore_index=True,
    )
    survey = read_survey(write_table(tmp_path / "s.csv", frame), tiny)
    result = gaps(survey, lang="en")
    rec = result.records.set_index("dimension").loc["alpha"]
    assert "(not given)" in {g["group"] for g in rec["groups"]}
    assert rec["note"] == "missing_group" and "(not given)" not in (
        rec["max_group"],
        rec["min_group"],
    )
    assert not any("(not given)" in f for f in result.findings)
    kept = gaps(survey, lang="en", include_missing_group=True)
    rec = kept.records.set_index("dimension").loc["alpha"]
    assert rec["min_group"] == "(not given)" and rec["flagged"]
    cli = invoke(runner, "gaps", tmp_path / "s.csv", "-i", tiny_path_of(tiny), "--lang", "en",
                 "--include-missing-group", "-f", "json")  # fmt: skip
    assert cli.exit_code == 0, cli.output
    assert any("(not given)" in f for f in json.loads(cli.stdout)["meta"]["findings"])


def tiny_path_of(tiny) -> str:
    return str(tiny.source)


# ------------------------------------------------------------ 5. direction from the test


def test_rank_test_direction_follows_cliffs_delta_not_the_mean(tmp_path, tiny):
    # most respondents rise from 3 to 3.33 (a1 = 4), a few fall to 1: delta > 0, mean falls
    before = _answers("Municipality", [3.0] * 60)
    after = _answers("Municipality", [3.0] * 48 + [1.0] * 12)
    after.loc[:47, "a1"] = 4.0
    survey = _rounds(tmp_path, tiny, before, after)
    result = trend(survey, test="mann-whitney", lang="en")
    rec = result.records.set_index("dimension").loc["alpha"]
    assert rec["diff"] < 0 and rec["cliffs_delta"] == pytest.approx(48 / 60 - 12 / 60)
    assert rec["direction"] == 1 and rec["significant"]
    line = next(f for f in result.findings if f.startswith("Alpha"))
    assert line.startswith("Alpha: more respondents rate it higher in 2023 than in 2022")
    assert "δ = 0.60" in line and "fell" not in line
    from partnerkit.render import render

    row = next(x for x in render(result, "table").splitlines() if x.lstrip().startswith("Alpha"))
    assert "▲" in row and "▼" not in row


# ------------------------------------------------------------ 6. scale-aware and bounded


def test_mann_whitney_with_ties_in_small_groups_is_permutation_exact(tmp_path):
    # 10 + 10 Likert answers with ties: the p-value is a permutation p conditional on the
    # ties. Reference: every one of the C(20, 10) = 184756 splits (p = 0.1792; R's normal
    # approximation, wilcox.test(b, a, exact = FALSE, correct = TRUE), gives 0.1691).
    a = np.array([1, 2, 2, 3, 3, 3, 3, 4, 4, 5], dtype=float)
    b = np.array([2, 3, 3, 3, 4, 4, 4, 4, 5, 5], dtype=float)
    from scipy.stats import rankdata

    ranks = rankdata(np.r_[a, b])
    splits = np.array(list(combinations(range(20), 10)))
    u_all = ranks[splits].sum(axis=1) - 55
    u_obs = ranks[10:].sum() - 55
    # two-sided as scipy.stats.permutation_test: twice the smaller tail
    exact = min(1.0, 2 * min(np.mean(u_all >= u_obs - 1e-9), np.mean(u_all <= u_obs + 1e-9)))
    assert exact == pytest.approx(0.1792418108, abs=1e-9)
    res = mann_whitney(a, b)
    assert res["method"] == "permutation" and res["statistic"] == u_obs
    tail = exact / 2  # Monte Carlo SE of twice a tail, 30000 resamples; within 3 SE
    assert res["p"] == pytest.approx(exact, abs=3 * 2 * np.sqrt(tail * (1 - tail) / 30000))


def test_gap_threshold_scales_with_the_instrument_range(tmp_path, tiny):
    from dataclasses import replace

    wide = replace(tiny, scale=replace(tiny.scale, min=0, max=10))
    frame = _answers(["Municipality"] * 6 + ["Resident"] * 6, [5.0] * 12)
    survey = read_survey(write_table(tmp_path / "s.csv", frame), wide)
    assert gaps(survey, min_n=2).gap == pytest.approx(1.25)  # 0.5 * (10 - 0) / 4
    assert gaps(read_survey(tmp_path / "s.csv", tiny), min_n=2).gap == 0.5


def test_omega_squared_is_truncated_at_zero(tmp_path, tiny):
    rng = np.random.default_rng(3)
    frame = pd.concat(
        [_answers(a, np.clip(np.rint(rng.normal(3, 1, 12)), 1, 5)) for a in ("A", "B", "C")],
        ignore_index=True,
    )
    survey = read_survey(write_table(tmp_path / "s.csv", frame), tiny)
    records = gaps(survey).records
    values = [r["effect_size"]["value"] for r in records.to_dict("records")]
    assert all(v is None or v >= 0 for v in values)


def test_a_score_interval_is_clipped_to_the_scale_with_a_note(tmp_path, tiny):
    from partnerkit import score_survey

    # two respondents, alpha scores 1 and 5: t(0.975, 1) * sd / sqrt(2) = 12.706 * 2 = 25.4,
    # so the unclipped interval runs from 3 - 25.4 to 3 + 25.4 (R: qt(0.975, 1) = 12.7062)
    frame = _answers(["Municipality", "Municipality"], [1.0, 5.0])
    survey = read_survey(write_table(tmp_path / "s.csv", frame), tiny)
    result = score_survey(survey, [], min_n=2)
    rec = result.records.set_index("dimension").loc["alpha"]
    assert (rec["ci_low"], rec["ci_high"]) == (1.0, 5.0) and rec["mean"] == 3.0
    assert any("clipped" in w and "(1-5)" in w for w in result.warnings)
    steady = read_survey(write_table(tmp_path / "t.csv", _answers("Resident", [3.0] * 6)), tiny)
    assert not any("clipped" in w for w in score_survey(steady, [], min_n=2).warnings)


def _one_item_survey(tmp_path, tiny):
    """The tiny instrument with dimension Beta cut to one item, 12 respondents."""
    from dataclasses import replace

    alpha, beta = tiny.dimensions
    one = replace(tiny, dimensions=(alpha, replace(beta, items=beta.items[:1])))
    rng = np.random.default_rng(5)
    frame = _answers("Municipality", np.clip(np.rint(rng.normal(3, 1, 12)), 1, 5))
    return read_survey(write_table(tmp_path / "s.csv", frame[["Actor", "a1", "a2", "a3", "b1"]]),
                       one)  # fmt: skip


def test_alpha_of_a_one_item_dimension_reads_not_defined(tmp_path, tiny):
    from partnerkit.reliability import reliability
    from partnerkit.render import render

    survey = _one_item_survey(tmp_path, tiny)
    table = render(reliability(survey, [], min_n=2, lang="en"), "table")
    row = next(x for x in table.splitlines() if x.lstrip().startswith("Beta"))
    assert (
        "not defined (one item)" in " ".join(table.split()) and "–" not in row.split("Beta")[1][:12]
    )


def test_areas_json_carries_the_family_and_why_a_benchmark_is_missing(tmp_path, tiny):
    from partnerkit.areas import areas

    rng = np.random.default_rng(8)
    root = tmp_path / "surveys"
    for area, values in {
        "Vest": np.clip(np.rint(rng.normal(3.5, 0.8, 20)), 1, 5),
        "Øst": np.clip(np.rint(rng.normal(3.0, 0.8, 20)), 1, 5),
        "Nord": [4.0] * 20,  # unanimous, both dimensions
    }.items():
        path = root / area / "2024.csv"
        path.parent.mkdir(parents=True)
        write_table(path, _answers("Municipality", values, beta=[3.0] * 20))  # beta: no spread
    result = areas(read_survey(root, tiny), min_n=2, method="welch")
    document = json.loads(_json(result))
    assert document["meta"]["family"] == {"size": 3, "scope": "areas"}  # alpha only
    notes = {(r["area"], r["dimension"]): r["benchmark_note"] for r in document["results"]}
    # the unanimous area still has a benchmark p on alpha: the others have spread
    assert notes[("Vest", "alpha")] is None and notes[("Nord", "alpha")] is None
    assert {notes[(a, "beta")] for a in ("Vest", "Øst", "Nord")} == {"no_spread_or_too_few"}
    assert notes[(None, "alpha")] is None  # the overall row compares nothing


def test_three_matched_of_ten_is_a_partial_pairing_not_a_contradiction(tmp_path, tiny):
    rng = np.random.default_rng(9)
    first = _answers("Municipality", np.clip(np.rint(rng.normal(3, 1, 10)), 1, 5),
                     ids=[f"p{i}" for i in range(10)])  # fmt: skip
    second = _answers("Municipality", np.clip(np.rint(rng.normal(3, 1, 10)), 1, 5),
                      ids=[f"p{i}" for i in range(3)] + [f"n{i}" for i in range(7)])  # fmt: skip
    rec = trend(_rounds(tmp_path, tiny, first, second)).records.set_index("dimension")
    assert (rec["pairing"] == "partial").all() and (rec["n_pairs"] == 3).all()
    assert rec["p"].notna().all() and rec["note"].isna().all()


@pytest.mark.skipif(
    not (SHARED_DATA / "surveyxact").is_dir(), reason="../shared/data/surveyxact is not present"
)
def test_real_surveyxact_export_gaps_say_the_family_and_scale_the_threshold(tmp_path):
    from tests.test_layouts import ELEV

    elev = tmp_path / "elev.toml"
    elev.write_text(ELEV, encoding="utf-8")
    survey = read_survey(SHARED_DATA / "surveyxact" / "ex_survey2.xlsx", elev)
    result = gaps(survey, "s_2", lang="en", focus=False)
    assert result.gap == pytest.approx(0.375)  # 0.5 on 1-5 is 0.375 on the 1-4 scale
    records = result.records
    assert result.family == int(records["p"].notna().sum()) == 2
    assert result.meta()["family"] == {"size": 2, "scope": "gaps"}
    assert all(r["p"] is not None or r["note"] for r in records.to_dict("records"))
    for rec in records.to_dict("records"):
        tested = {g["group"] for g in rec["groups"] if g["tested"]}
        assert {rec["max_group"], rec["min_group"]} <= tested


def test_hidden_groups_appear_in_no_finding_note_or_family_count(tmp_path, tiny):
    # an analyst holding the table, the JSON and the "not tested" lines together must not
    # learn anything about a group hidden for anonymity (3 police, min_n 5)
    rng = np.random.default_rng(13)

    def round_(shift):
        return pd.concat(
            [
                _answers("Municipality", np.clip(np.rint(rng.normal(3 + shift, 0.7, 20)), 1, 5)),
                _answers("Resident", np.clip(np.rint(rng.normal(3, 0.7, 20)), 1, 5)),
                _answers("Police", [1.0, 5.0, 5.0]),
            ],
            ignore_index=True,
        )

    survey = _rounds(tmp_path, tiny, round_(0), round_(1.5))
    result = trend(survey, ["actor"], min_n=5, lang="en")
    document = json.loads(_json(result))
    hidden = {r["actor"] for r in document["results"] if r["suppressed"]}
    # Police (n = 3), and a second group hidden so Police cannot be worked out from "All"
    assert "Police" in hidden and len(hidden) == 2
    assert all(r["note"] == "suppressed" and r["p"] is None
               for r in document["results"] if r["actor"] in hidden)  # fmt: skip
    lines = [*document["meta"]["findings"], *document["meta"]["untested"]]
    assert not any(group in line for group in hidden for line in lines)
    tested = [r for r in document["results"] if r["p"] is not None]
    assert document["meta"]["family"]["size"] == len(tested) > 0
    assert not any(r["actor"] in hidden for r in tested)
    gap = gaps(read_survey(tmp_path / "s_2023.csv", tiny), min_n=5, lang="en")
    assert not any("Police" in line for line in (*gap.findings, *gap.untested))


def test_gaps_by_sector_count_the_focus_comparison_once():
    from tests.conftest import EXAMPLE_XLSX

    result = gaps(read_survey(EXAMPLE_XLSX), "sector", lang="en")
    assert result.family == int(result.records["p"].notna().sum()) == 10
    focus = result.focus.iloc[0]
    same = result.records.set_index("dimension").loc[focus["dimension"]]
    assert focus["p_adj"] == same["p_adj"] and focus["flagged"] == same["flagged"]


def test_alpha_of_a_one_item_dimension_reads_not_defined_in_the_report(tmp_path, tiny):
    import io

    from openpyxl import load_workbook

    from partnerkit.render import render
    from partnerkit.report import build_report

    survey = _one_item_survey(tmp_path, tiny)
    report = build_report(survey, lang="en", min_n=2)
    page = render(report, "html")
    beta_row = page[page.index("<th", page.index("Cronbach")) :]
    assert "not defined (one item)" in beta_row
    workbook = load_workbook(io.BytesIO(render(report, "xlsx")))
    values = [c for row in workbook["Reliability"].iter_rows(values_only=True) for c in row]
    assert "not defined (one item)" in values
