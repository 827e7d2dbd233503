"""The scoring core, checked against values computed by hand and by independent code.

Reference values: respondents' scores are worked out by hand in the comments;
group statistics come from Python's ``statistics`` module and
``scipy.stats.t.interval`` (not from partnerkit's own t quantile code).
"""

from __future__ import annotations

import math
import statistics

import numpy as np
import pandas as pd
import pytest
from scipy import stats as sps

from partnerkit import read_survey, respondent_scores, score, score_survey
from tests.conftest import EXAMPLE_CSV, EXAMPLE_XLSX, TINY_TOML, write_table

# Alpha: a1, a2, a3 (reversed: 6 - x); beta: b1..b4. A score needs half the items.
HAND = pd.DataFrame(
    {
        "Actor": ["Municipality"] * 3 + ["Resident"] * 3 + ["Municipality"],
        "a1": [5, 3, 2, "Don't know", 1, 2, 4],
        "a2": [4, None, None, 4, 2, 2, None],
        "a3": [2, 1, None, 4, 5, 3, None],
        "b1": [4, 5, 2, 1, None, 5, 4],
        "b2": [4, None, 3, 2, None, 5, None],
        "b3": [4, None, None, 3, None, 4, None],
        "b4": [4, None, None, 4, None, None, None],
    }
)
# alpha by hand: r1 (5+4+4)/3 = 13/3; r2 (3+5)/2 = 4; r3 one of three -> none;
#                r4 (4+2)/2 = 3; r5 (1+2+1)/3 = 4/3; r6 (2+2+3)/3 = 7/3; r7 none
ALPHA = [13 / 3, 4.0, None, 3.0, 4 / 3, 7 / 3, None]
# beta by hand:  r1 4; r2 one of four -> none; r3 (2+3)/2 = 2.5; r4 (1+2+3+4)/4 = 2.5;
#                r5 none; r6 (5+5+4)/3 = 14/3; r7 one of four -> none
BETA = [4.0, None, 2.5, 2.5, None, 14 / 3, None]


@pytest.fixture
def hand_survey(tmp_path, tiny):
    return read_survey(write_table(tmp_path / "hand.xlsx", HAND), tiny)


def _values(series) -> list:
    return [None if math.isnan(v) else pytest.approx(v) for v in series]


def test_respondent_scores_reverse_key_and_need_half_the_items(hand_survey):
    rs = respondent_scores(hand_survey)
    assert _values(rs.scores["alpha"]) == ALPHA
    assert _values(rs.scores["beta"]) == BETA
    # r7 answered one item of each dimension: not scored
    assert rs.scored.tolist() == [True] * 6 + [False]


def test_reverse_keying_uses_the_declared_scale_not_the_observed_range(tmp_path, tiny):
    frame = pd.DataFrame({"a1": [3, 3], "a3": [2, 3]})  # observed a3 range 2..3
    survey = read_survey(write_table(tmp_path / "r.csv", frame), tiny)
    # 1 + 5 - 2 = 4 and 1 + 5 - 3 = 3; scores (3 + 4)/2 and (3 + 3)/2
    assert respondent_scores(survey).scores["alpha"].tolist() == [3.5, 3.0]


def test_descending_scale_turns_codes_around(tmp_path):
    text = TINY_TOML.replace("missing_codes = [6]", 'missing_codes = [6]\ndirection = "descending"')
    text = text.replace('"1" = ["Strongly disagree", "Helt uenig"]', '"1" = ["Strongly agree"]')
    text = text.replace('"5" = ["Strongly agree", "Helt enig"]', '"5" = ["Strongly disagree"]')
    path = tmp_path / "desc.toml"
    path.write_text(text, encoding="utf-8")
    frame = pd.DataFrame({"a1": [1, "Strongly disagree"], "a2": [2, 2]})
    survey = read_survey(write_table(tmp_path / "d.xlsx", frame), path)
    # code 1 means "strongly agree": 5 on the internal scale; "strongly disagree" is code 5 -> 1
    assert survey.data["a1"].tolist() == [5.0, 1.0]
    assert survey.data["a2"].tolist() == [4.0, 4.0]


def _expected(values: list[float]) -> dict:
    n = len(values)
    mean = statistics.mean(values)
    sd = statistics.stdev(values)
    low, high = sps.t.interval(0.95, n - 1, loc=mean, scale=sd / math.sqrt(n))
    # clipped to the 1-5 scale (issue 16): a mean cannot leave it
    return {"n": n, "mean": mean, "sd": sd, "ci_low": max(low, 1.0), "ci_high": min(high, 5.0)}


def test_group_statistics_match_independent_computation(hand_survey):
    table = score(hand_survey, by=["actor"], lang="en")
    alpha = table[table["dimension"] == "alpha"].set_index("actor", drop=False)
    cases = {
        "Municipality": [13 / 3, 4.0],
        "Resident": [3.0, 4 / 3, 7 / 3],
    }
    for actor, values in cases.items():
        row = alpha.loc[actor]
        for key, value in _expected(values).items():
            assert row[key] == pytest.approx(value), (actor, key)
    overall = alpha[alpha["actor"].isna()].iloc[0]
    for key, value in _expected([13 / 3, 4.0, 3.0, 4 / 3, 7 / 3]).items():
        assert overall[key] == pytest.approx(value), key
    # favourable answers (>= 4 after reverse-keying) among answered items of scored people:
    # municipality r1 5,4,4 and r2 3,5 -> 4 of 5; residents r4 4,2; r5 1,2,1; r6 2,2,3 -> 1 of 8
    assert alpha.loc["Municipality", "pct_favourable"] == pytest.approx(80.0)
    assert alpha.loc["Resident", "pct_favourable"] == pytest.approx(12.5)
    assert alpha.loc["Municipality", "zone"] == "strength"  # 25/6 = 4.17
    assert alpha.loc["Resident", "zone"] == "concern"  # 20/9 = 2.22
    assert overall["zone"] == "attention"  # 15/5 = 3.0 exactly


def test_t_interval_agrees_with_published_t_quantiles():
    from partnerkit.stats import t_interval

    # t(0.975, 9) = 2.262157 and t(0.975, 29) = 2.045230 (standard tables)
    _low, high = t_interval(np.array([3.0, 3.0]), np.array([1.0, 1.0]), np.array([10, 30]))
    assert high[0] - 3.0 == pytest.approx(2.262157 / math.sqrt(10), abs=1e-6)
    assert high[1] - 3.0 == pytest.approx(2.045230 / math.sqrt(30), abs=1e-6)
    low1, _ = t_interval(np.array([3.0]), np.array([np.nan]), np.array([1]))
    assert math.isnan(low1[0])


def test_row_ledger_adds_up(hand_survey):
    result = score_survey(hand_survey, by=["actor"])
    excluded = {e.reason: e.rows for e in result.ledger.excluded}
    assert excluded == {"too_few_items": 1}
    assert result.rows_scored == 6
    assert result.ledger.rows_read == result.rows_scored + result.ledger.rows_excluded


def test_example_ledger_adds_up_and_formats_agree():
    xlsx = score_survey(read_survey(EXAMPLE_XLSX))
    csv = score_survey(read_survey(EXAMPLE_CSV))
    for result in (xlsx, csv):
        assert result.ledger.rows_read == result.rows_scored + result.ledger.rows_excluded
    # label answers (xlsx) and numeric codes (csv) of the same responses give the same scores
    pd.testing.assert_frame_equal(xlsx.records, csv.records)


def test_groups_below_min_n_show_no_statistics(hand_survey):
    table = score(hand_survey, by=["actor"], min_n=3, lang="en")
    municipality = table[(table["actor"] == "Municipality") & (table["dimension"] == "alpha")]
    row = municipality.iloc[0]
    assert row["suppressed"]
    for column in ("n", "mean", "sd", "ci_low", "ci_high", "pct_favourable", "zone"):
        assert pd.isna(row[column]), column


def _recoverable(table: pd.DataFrame, key: str, min_n: int) -> list[str]:
    """Hidden groups whose mean an attacker recovers from the printed overall and groups."""
    leaks = []
    for _, dim in table.groupby("dimension"):
        overall = dim[dim[key].isna()].iloc[0]
        groups = dim[dim[key].notna()]
        visible = groups[~groups["suppressed"]]
        hidden_n = overall["n"] - visible["n"].sum()
        if not overall["suppressed"] and 0 < hidden_n < min_n:
            leaks.append(dim["dimension"].iloc[0])
    return leaks


def test_secondary_suppression_stops_recovery_by_subtraction(tmp_path, tiny):
    # Municipality 8, resident 6, a third group "Police" of 2: police is hidden (2 < 5);
    # without secondary suppression its mean = (N * overall - sum of visible n * mean) / 2.
    rng = np.random.default_rng(1)
    actors = ["Municipality"] * 8 + ["Resident"] * 6 + ["Police"] * 2
    frame = pd.DataFrame({"Actor": actors, "a1": rng.integers(1, 6, 16), "a2": 3, "a3": 3})
    survey = read_survey(write_table(tmp_path / "s.xlsx", frame), tiny)
    table = score(survey, by=["actor"], min_n=5, lang="en")
    alpha = table[table["dimension"] == "alpha"].set_index("actor")
    assert alpha.loc["Police", "suppressed"]
    assert alpha.loc["Resident", "suppressed"]  # the next smallest group is hidden too
    assert not alpha.loc["Municipality", "suppressed"]
    assert _recoverable(table, "actor", 5) == []


def test_secondary_suppression_holds_within_each_round(tmp_path, tiny):
    rows = []
    for round_, sizes in {"2023": (8, 6, 2), "2024": (9, 7, 6)}.items():
        for actor, size in zip(["Municipality", "Resident", "Police"], sizes, strict=True):
            rows += [
                {"Round": round_, "Actor": actor, "a1": 1 + i % 5, "a2": 4} for i in range(size)
            ]
    survey = read_survey(write_table(tmp_path / "s.xlsx", pd.DataFrame(rows)), tiny)
    table = score(survey, by=["actor", "round"], min_n=5, lang="en")
    for _, part in table[table["round"].notna()].groupby("round"):
        assert _recoverable(part, "actor", 5) == []
    hidden_2023 = table[(table["round"] == "2023") & table["suppressed"]]["actor"].unique()
    assert set(hidden_2023) == {"Police", "Resident"}
    # the rounds are linked: Police over both rounds (n=8) is shown, so Police 2024 less
    # Police over both would give Police 2023 away; 2024 hides Police and a partner too
    # (one pattern for the linked tables, privacy.pattern)
    hidden_2024 = table[(table["round"] == "2024") & table["suppressed"]]["actor"].unique()
    assert set(hidden_2024) == {"Police", "Resident"}
    assert (table[table["round"] == "2024"]["suppressed_reason"].dropna() == "secondary").all()


def test_score_records_have_the_contract_columns(hand_survey):
    table = score(hand_survey, by=["actor"])
    assert list(table.columns) == [
        "dimension",
        "dimension_name",
        "actor",
        "n",
        "mean",
        "sd",
        "ci_low",
        "ci_high",
        "pct_favourable",
        "zone",
        "suppressed",
        "suppressed_reason",
    ]
    # one overall record per dimension, with the key missing
    assert table["actor"].isna().sum() == 2


def test_actor_labels_follow_the_language(hand_survey):
    da = score(hand_survey, by=["actor"], lang="da")
    assert set(da["actor"].dropna()) == {"Kommune", "Beboer"}
    assert da["dimension_name"].iloc[0] == "Alfa"


@pytest.mark.parametrize("distinct", [3, 5_000])  # few combinations: counting; many: sorting
def test_group_ids_number_combinations_as_pandas_does(distinct):
    from partnerkit.scoring import _group_ids

    rng = np.random.default_rng(7)
    codes = [rng.integers(0, distinct, 2_000), rng.integers(0, 4, 2_000)]
    group, combos = _group_ids(codes, 2_000)
    frame = pd.DataFrame({"a": codes[0], "b": codes[1]})
    expected = frame.groupby(["a", "b"], sort=True).ngroup().to_numpy()  # the reference
    assert group.tolist() == expected.tolist()
    assert combos.tolist() == frame.drop_duplicates().sort_values(["a", "b"]).to_numpy().tolist()


@pytest.mark.filterwarnings("error")  # and no warning from pandas about a wide frame
def test_a_dimension_of_more_than_127_items_counts_without_overflow(tmp_path):
    """Counts per dimension are kept in a byte while dimensions have at most 127 items;
    a longer dimension must count past 127 (by hand: 130 items, the first 64 answered
    with 5 and the rest with 2, so 64 of 130 answers are favourable: 49.23%)."""
    from partnerkit import load_instrument

    items = "\n".join(
        f'[[dimensions.items]]\nid = "q{k}"\ntext = {{ en = "Item {k}", da = "Udsagn {k}" }}\n'
        for k in range(130)
    )
    toml = TINY_TOML[: TINY_TOML.index("[[dimensions]]")] + (
        '[[dimensions]]\nid = "long"\nname = { en = "Long", da = "Lang" }\n\n' + items
    )
    path = tmp_path / "long.toml"
    path.write_text(toml, encoding="utf-8")
    answers = pd.DataFrame({f"q{k}": [5 if k < 64 else 2] * 6 for k in range(130)})
    answers.insert(0, "Actor", "Resident")
    survey = read_survey(write_table(tmp_path / "long.csv", answers), load_instrument(path))
    overall = score(survey, by=[]).iloc[0]
    assert overall["n"] == 6
    assert overall["mean"] == pytest.approx((64 * 5 + 66 * 2) / 130)
    assert overall["pct_favourable"] == pytest.approx(100 * 64 / 130)
    assert respondent_scores(survey).answered.max() == 130


@pytest.mark.parametrize("blank", [0, 7])
def test_group_moments_with_the_shared_count_agree_with_pandas(blank):
    # reference: pandas' own group-by count, mean and sample variance
    from partnerkit.scoring import _moments

    rng = np.random.default_rng(blank)
    group = rng.integers(0, 5, 400).astype(np.intp)
    x = rng.integers(1, 6, 400).astype(float)
    x[rng.choice(400, blank, replace=False)] = np.nan
    everyone = np.bincount(group, minlength=6).astype(float)  # group 5 is empty
    n, mean, m2 = _moments(group, 6, x, everyone)
    by = pd.Series(x).groupby(group)
    np.testing.assert_array_equal(n[:5], by.count().to_numpy())
    assert n[5] == 0 and np.isnan(mean[5])
    np.testing.assert_allclose(mean[:5], by.mean().to_numpy(), rtol=1e-12)
    np.testing.assert_allclose(m2[:5] / (n[:5] - 1), by.var().to_numpy(), rtol=1e-12)
    for got, alone in zip((n, mean, m2), _moments(group, 6, x), strict=True):
        np.testing.assert_array_equal(got, alone)  # the same bits with or without it


def test_group_moments_of_a_group_with_no_answer():
    # hand computation: group 0 holds 1, 3 and a blank (n 2, mean 2, squared deviations
    # 1 + 1 = 2); group 1 holds only blanks (n 0, no mean, nothing to sum)
    from partnerkit.scoring import _moments

    group = np.array([0, 1, 0, 1, 0], dtype=np.intp)
    x = np.array([1.0, np.nan, 3.0, np.nan, np.nan])
    n, mean, m2 = _moments(group, 2, x)
    assert n.tolist() == [2, 0] and mean[0] == 2 and np.isnan(mean[1])
    assert m2.tolist() == [2, 0]


@pytest.mark.parametrize("by", [["actor"], ["round", "actor"]])
def test_a_large_survey_decides_its_pattern_on_a_thread_with_the_same_records(monkeypatch, by):
    """A large survey decides its pattern, and finds its groups' cells in it, on a thread
    while the moments are summed: the example taken as large gets the records, hidden
    groups and reasons of the plain order (which the tests above check by hand)."""
    from partnerkit import protect, scoring

    plain = score(read_survey(EXAMPLE_XLSX), by=by)
    monkeypatch.setattr(protect, "_CACHE", [])
    monkeypatch.setattr(scoring, "MIN_CELLS", 0)
    threads = []
    original = scoring._pattern_cells
    monkeypatch.setattr(scoring, "_pattern_cells", lambda *a: threads.append(1) or original(*a))
    large = score(read_survey(EXAMPLE_XLSX), by=by)
    assert threads == [1]
    assert plain["suppressed"].sum() > 0
    pd.testing.assert_frame_equal(large, plain)
