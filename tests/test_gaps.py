"""``partnerkit gaps``: group means, the largest gap, tests, flags, sectors.

Reference values: scipy.stats (``ttest_ind``, ``kruskal``) and pingouin
(``welch_anova``, ``pairwise_gameshowell``) run on the same respondents' scores;
Holm's procedure and the effect-size formulas written out in the tests.
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from scipy import stats as sps

from partnerkit import read_survey, respondent_scores
from partnerkit.errors import OptionError, SurveyReadError
from partnerkit.gaps import gaps
from tests.conftest import EXAMPLE_XLSX, invoke, max_width, write_table


def _frame(rng, sizes: dict[str, int], shifts: dict[str, float]) -> pd.DataFrame:
    rows = []
    for actor, n in sizes.items():
        base = np.clip(np.rint(3 + shifts.get(actor, 0) + rng.normal(0, 0.8, n)), 1, 5)
        rows.append(
            pd.DataFrame(
                {
                    "Actor": actor,
                    "a1": base,
                    "a2": np.clip(base + rng.integers(-1, 2, n), 1, 5),
                    "a3": np.clip(6 - base + rng.integers(-1, 2, n), 1, 5),
                    "b1": np.clip(np.rint(3 + rng.normal(0, 0.8, n)), 1, 5),
                    "b2": np.clip(np.rint(3 + rng.normal(0, 0.8, n)), 1, 5),
                }
            )
        )
    return pd.concat(rows, ignore_index=True)


def _samples(survey, dim: str, actors: list[str]):
    scores = respondent_scores(survey).scores[dim].to_numpy()
    labels = {"municipality": "Municipality", "resident": "Resident"}
    actor = np.array([labels.get(a, a) for a in survey.data["actor"]], dtype=object)
    out = []
    for name in actors:
        values = scores[actor == name]
        out.append(values[~np.isnan(values)])
    return out


def test_two_groups_use_welch_and_hedges_g(tmp_path, tiny):
    frame = _frame(np.random.default_rng(1), {"Municipality": 30, "Resident": 25}, {"Resident": -1})
    survey = read_survey(write_table(tmp_path / "two.csv", frame), tiny)
    result = gaps(survey, lang="en")
    rec = result.records.set_index("dimension").loc["alpha"]
    a, b = _samples(survey, "alpha", ["Municipality", "Resident"])
    ref = sps.ttest_ind(b, a, equal_var=False)  # group_b minus group_a, as partnerkit reports
    assert (rec["statistic"], rec["df"], rec["p"]) == pytest.approx(
        (ref.statistic, ref.df, ref.pvalue)
    )
    pooled = np.sqrt(
        ((len(a) - 1) * a.var(ddof=1) + (len(b) - 1) * b.var(ddof=1)) / (len(a) + len(b) - 2)
    )
    g = (b.mean() - a.mean()) / pooled * (1 - 3 / (4 * (len(a) + len(b)) - 9))
    assert rec["effect_size"] == {"name": "hedges_g", "value": pytest.approx(g)}
    assert rec["max_group"] == "Municipality" and rec["min_group"] == "Resident"
    assert rec["gap"] == pytest.approx(a.mean() - b.mean())
    assert rec["flagged"]
    assert result.findings[0] == (
        f"Resident rates Alpha {rec['gap']:.2f} points lower than Municipality."
    )


def test_three_groups_welch_anova_games_howell_and_kruskal(tmp_path, tiny):
    pg = pytest.importorskip("pingouin")
    sizes = {"Municipality": 25, "Resident": 20, "Police": 15}
    frame = _frame(np.random.default_rng(2), sizes, {"Resident": -0.8, "Police": 0.3})
    survey = read_survey(write_table(tmp_path / "three.csv", frame), tiny)
    rec = gaps(survey, lang="en").records.set_index("dimension").loc["alpha"]
    samples = _samples(survey, "alpha", ["Municipality", "Police", "Resident"])
    long = pd.DataFrame(
        {
            "score": np.concatenate(samples),
            "group": np.repeat(["M", "P", "R"], [len(s) for s in samples]),
        }
    )
    ref = pg.welch_anova(long, dv="score", between="group").iloc[0]
    assert rec["test"] == "welch-anova"
    assert (rec["statistic"], rec["df"], rec["p"]) == pytest.approx(
        (ref["F"], ref["ddof2"], ref["p_unc"])
    )
    k, n, f = 3, sum(len(s) for s in samples), rec["statistic"]
    omega = (k - 1) * (f - 1) / ((k - 1) * (f - 1) + n)  # Welch omega squared, by hand
    assert rec["effect_size"] == {"name": "omega_squared", "value": pytest.approx(omega)}
    gh = pg.pairwise_gameshowell(long, dv="score", between="group")
    pairs = {frozenset((p["group_a"], p["group_b"])): p["p"] for p in rec["pairwise"]}
    names = {"M": "Municipality", "P": "Police", "R": "Resident"}
    for row in gh.itertuples():
        assert pairs[frozenset((names[row.A], names[row.B]))] == pytest.approx(row.pval, abs=1e-6)
    kruskal = gaps(survey, test="kruskal", lang="en").records.set_index("dimension").loc["alpha"]
    h = sps.kruskal(*samples)
    assert (kruskal["statistic"], kruskal["p"]) == pytest.approx((h.statistic, h.pvalue))
    assert kruskal["effect_size"]["value"] == pytest.approx(h.statistic / (n - 1))  # epsilon²


def test_p_is_holm_adjusted_across_dimensions_and_gap_threshold(tmp_path, tiny):
    frame = _frame(np.random.default_rng(3), {"Municipality": 30, "Resident": 25}, {"Resident": -1})
    survey = read_survey(write_table(tmp_path / "h.csv", frame), tiny)
    records = gaps(survey).records
    p = records["p"].to_numpy()
    order = np.argsort(p)
    expected = np.empty(len(p))
    running = 0.0
    for rank, i in enumerate(order):  # Holm's step-down, by hand
        running = max(running, min(1.0, (len(p) - rank) * p[i]))
        expected[i] = running
    assert records["p_adj"].to_numpy() == pytest.approx(expected)
    assert not gaps(survey, gap=5.0).records["flagged"].any()


def test_hidden_groups_take_no_part(tmp_path, tiny):
    sizes = {"Municipality": 20, "Resident": 18, "Police": 3}
    frame = _frame(np.random.default_rng(4), sizes, {"Police": 2})
    survey = read_survey(write_table(tmp_path / "s.csv", frame), tiny)
    rec = gaps(survey, min_n=5, lang="en").records.set_index("dimension").loc["alpha"]
    groups = {g["group"]: g for g in rec["groups"]}
    assert groups["Police"]["suppressed"] and groups["Police"]["mean"] is None
    assert groups["Police"]["suppressed_reason"] == "min_n"
    assert rec["test"] in ("welch", None)  # the two visible groups only
    assert "Police" not in (rec["max_group"], rec["min_group"])


def test_example_flags_the_equality_gap_and_shows_it_by_sector(runner):
    result = invoke(runner, "gaps", EXAMPLE_XLSX, "--lang", "en")
    assert result.exit_code == 0, result.output
    assert max_width(result.stdout) <= 100
    text = " ".join(result.stdout.split())
    resident = "Resident representative rates Equality and shared power"
    assert f"⚑ {resident} 1.27 points lower than Municipality." in text
    assert "Equality and shared power by sector" in text
    # the public sector is hidden to protect the police (a sector costs half its
    # respondents in the pattern); the largest flagged sector gap is to housing
    assert (
        "⚑ Civil society rates Equality and shared power 0.74 points lower than "
        "Non-profit housing." in text
    )
    da = invoke(runner, "gaps", EXAMPLE_XLSX)
    beboer = "Beboerrepræsentant vurderer Ligeværdighed og delt beslutningsmagt"
    assert f"{beboer} 1,27 point lavere end Kommune." in " ".join(da.stdout.split())


def test_gaps_json_contract(runner):
    result = invoke(runner, "gaps", EXAMPLE_XLSX, "--by", "round", "-f", "json", "--lang", "en")
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    record = document["results"][0]
    assert list(record) == [
        "dimension", "dimension_name", "round", "between", "groups", "max_group", "min_group",
        "gap", "test", "statistic", "df", "p", "p_adj", "adjust", "effect_size", "flagged",
        "pairwise", "note",
    ]  # fmt: skip
    assert set(record["groups"][0]) >= {"group", "n", "mean", "sd", "suppressed"}
    assert set(record["pairwise"][0]) == {"group_a", "group_b", "diff", "p"}
    assert document["meta"]["between"] == "actor" and document["meta"]["gap"] == 0.5
    assert document["focus"][0]["between"] == "sector"
    flagged = [r for r in document["results"] if r["flagged"]]
    assert {(r["round"], r["dimension"]) for r in flagged} >= {
        ("2022", "equality"),
        ("2023", "equality"),
    }


def test_between_sector_and_option_errors(runner, tmp_path):
    result = invoke(
        runner, "gaps", EXAMPLE_XLSX, "--between", "sector", "-f", "json", "--lang", "en"
    )
    groups = {g["group"] for g in json.loads(result.stdout)["results"][0]["groups"]}
    assert groups == {"Public", "Non-profit housing", "Civil society", "Private"}
    bad = invoke(runner, "gaps", EXAMPLE_XLSX, "--by", "actor")
    assert bad.exit_code == 2 and "already the key compared" in bad.stderr


def test_actor_map_turns_free_text_into_actor_types(tmp_path, tiny):
    frame = pd.DataFrame(
        {"Actor": ["Varde Kommune", "Kommunen", "Beboerforeningen Vest"], "a1": [4, 5, 2]}
    )
    path = write_table(tmp_path / "s.csv", frame)
    mapping = tmp_path / "actors.csv"
    mapping.write_text(
        "answer;actor\nVarde Kommune;Kommune\nBeboerforeningen Vest;resident\n", encoding="utf-8"
    )
    survey = read_survey(path, tiny, actor_map=mapping)
    assert survey.data["actor"].tolist() == ["municipality", "Kommunen", "resident"]
    sectors = survey.data["sector"].tolist()
    assert sectors[0] == "public" and pd.isna(sectors[1]) and sectors[2] == "civil_society"
    mapping.write_text("Varde Kommune,Rådhuset\n", encoding="utf-8")
    with pytest.raises(
        SurveyReadError, match=r"actors.csv, row 1: 'Rådhuset' is not an actor type"
    ):
        read_survey(path, tiny, actor_map=mapping)


def test_merge_small_groups_into_other(tmp_path, tiny):
    sizes = {"Municipality": 12, "Resident": 10, "Police": 3, "School": 3}
    frame = _frame(np.random.default_rng(6), sizes, {})
    survey = read_survey(write_table(tmp_path / "m.csv", frame), tiny)
    plain = gaps(survey, min_n=5, lang="en").records.iloc[0]
    merged = gaps(survey, min_n=5, lang="en", merge_small=True).records.iloc[0]
    assert {g["group"] for g in plain["groups"] if g["suppressed"]} >= {"Police", "School"}
    merged_groups = {g["group"]: g for g in merged["groups"]}
    assert "Other (merged)" in merged_groups and not merged_groups["Other (merged)"]["suppressed"]
    assert merged_groups["Other (merged)"]["n"] == 6
    with pytest.raises(OptionError):
        gaps(survey, test="anova")


def test_a_custom_instrument_declares_its_own_sectors(tmp_path, tiny_path):
    text = tiny_path.read_text(encoding="utf-8")
    start = text.index("[[actors]]")
    end = text.index("[[dimensions]]")
    custom = (
        text[:start]
        + (
            '[actors]\n"Varde Kommune" = "public"\n"Boligselskabet Vest" = "housing"\n'
            '"Beboerforeningen" = "civil_society"\n\n'
        )
        + text[end:]
    )
    path = tmp_path / "custom.toml"
    path.write_text(custom, encoding="utf-8")
    actors = ["Varde Kommune"] * 6 + ["Boligselskabet Vest"] * 6 + ["beboerforeningen"] * 6
    frame = pd.DataFrame({"Actor": actors, "a1": [4, 5, 4, 3, 5, 4] * 3, "a2": [4] * 18})
    survey = read_survey(write_table(tmp_path / "c.csv", frame), path)
    assert (
        survey.data["sector"].tolist() == ["public"] * 6 + ["housing"] * 6 + ["civil_society"] * 6
    )
    groups = {g["group"] for g in gaps(survey, "sector", lang="en").records.iloc[0]["groups"]}
    assert groups == {"Public", "Non-profit housing", "Civil society"}
