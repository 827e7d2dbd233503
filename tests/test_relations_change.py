"""`partnerkit relations --by round`: each matrix cell's change and the concentration's
change between rounds, tested with trend's machinery and adjusted in one family.

The survey below uses the ``net`` instrument of tests/test_relations.py over two
rounds. Expected numbers are worked out by hand in the comments, or by scipy's and
statsmodels' own functions on the raw answers, never taken from the code.
"""

from __future__ import annotations

import json
from itertools import combinations
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from partnerkit import read_survey
from partnerkit.instrument import load_instrument
from partnerkit.relations import concentration_change, relations

from .conftest import EXAMPLE_XLSX, invoke
from .test_relations import NAMES, NET_TOML, STEMS

#: Per round: six council, five landlord and five club raters, and two shop raters
#: (2 < min_n = 3: hidden, and a five to protect them).
RATERS = ["council"] * 6 + ["landlord"] * 5 + ["club"] * 5 + ["shop"] * 2
#: the council's trust in the landlord: 2022 mean 7/3 (ss 4/3, var 4/15), 2024 mean 4
#: (ss 2, var 2/5); Welch: se² = (4/15)/6 + (2/5)/6 = 1/9, t = (5/3)/(1/3) = 5,
#: df = (1/9)² / ((4/90)²/5 + (6/90)²/5) = 40500 / (81 · 52) = 500/52.
TRUST_2022 = [2, 3, 2, 3, 2, 2]
TRUST_2024 = [4, 4, 3, 5, 4, 4]


def _round(year: str, trust: list[int], rng) -> pd.DataFrame:
    frame = pd.DataFrame({"Round": year, "Actor type": [NAMES[r] for r in RATERS], "q1": 3})
    for target in NAMES:
        # influence: the council dominates in 2022, all alike in 2024 (with some noise)
        base = (5 if target == "council" else 1) if year == "2022" else 3
        influence = np.clip(base + rng.integers(-1, 2, len(RATERS)), 1, 5)
        frame[f"{STEMS['influence']} - {NAMES[target]}"] = influence
        frame[f"{STEMS['influence_desired']} - {NAMES[target]}"] = 3
        frame[f"{STEMS['trust']} - {NAMES[target]}"] = 3
    frame.loc[0:5, f"{STEMS['trust']} - Landlord"] = trust
    return frame


@pytest.fixture
def two_rounds(tmp_path: Path):
    rng = np.random.default_rng(7)
    frame = pd.concat([_round("2022", TRUST_2022, rng), _round("2024", TRUST_2024, rng)])
    path = tmp_path / "net_rounds.csv"
    frame.to_csv(path, index=False)
    toml = tmp_path / "net.toml"
    toml.write_text(NET_TOML, encoding="utf-8")
    return path, load_instrument(toml)


@pytest.fixture
def result(two_rounds):
    path, inst = two_rounds
    return relations(read_survey(path, instrument=inst), ["round"], lang="en")


def _change(res, relation, rater, target) -> dict:
    ch = res.changes
    rows = ch[(ch["relation"] == relation) & (ch["rater"] == rater) & (ch["target"] == target)]
    assert len(rows) == 1
    return rows.iloc[0].to_dict()


def test_cell_change_by_hand_and_welch_against_scipy(result):
    rec = _change(result, "trust", "Council", "Landlord")
    assert (rec["round_from"], rec["round_to"]) == ("2022", "2024")
    assert (rec["n_from"], rec["n_to"]) == (6, 6)
    assert rec["mean_from"] == pytest.approx(7 / 3)
    assert rec["mean_to"] == pytest.approx(4.0)
    assert rec["diff"] == pytest.approx(5 / 3)
    assert rec["statistic"] == pytest.approx(5.0)  # worked out above
    assert rec["df"] == pytest.approx(500 / 52)
    ref = stats.ttest_ind(TRUST_2024, TRUST_2022, equal_var=False)
    assert rec["p"] == pytest.approx(ref.pvalue)
    assert rec["test"] == "welch" and rec["pairing"] == "none"


def test_cells_without_spread_have_no_p_and_say_why(result):
    rec = _change(result, "trust", "Council", "Club")  # everyone answered 3 in both rounds
    assert rec["diff"] == 0 and rec["note"] == "no_spread"
    assert rec["p"] != rec["p"]


def test_a_hidden_cell_never_shows_a_change(result):
    matrix = result.records
    hidden = matrix[matrix["suppressed"]]
    assert set(hidden["rater"]) >= {"Shop"}  # the two shop raters of each round
    key = ["relation", "rater", "target"]
    hidden_cells = set(map(tuple, hidden[key].to_numpy()))
    changes = result.changes
    in_hidden = changes[[tuple(r) in hidden_cells for r in changes[key].to_numpy()]]
    assert len(in_hidden) > 0
    assert in_hidden["suppressed"].all()
    assert (in_hidden["note"] == "suppressed").all()
    for column in ("n_from", "n_to", "mean_from", "mean_to", "diff", "p", "p_adj"):
        assert in_hidden[column].isna().all(), column
    assert not in_hidden["flagged"].any()
    # and in the JSON a board's analyst would read
    from partnerkit.render import render

    doc = json.loads(render(result, "json"))
    for rec in doc["changes"]:
        if rec["rater"] == "Shop":
            assert rec["mean_from"] is None and rec["diff"] is None and rec["suppressed"]


@pytest.mark.parametrize("method", ["bh", "holm"])
def test_changes_adjusted_in_one_family_with_the_other_relation_tests(two_rounds, method):
    from statsmodels.stats.multitest import multipletests

    path, inst = two_rounds
    res = relations(read_survey(path, instrument=inst), ["round"], lang="en", adjust=method)
    tables = (res.self_other, res.balance, res.reciprocity, res.changes, res.concentration_change)
    assert len(res.changes) and len(res.concentration_change)
    p = np.concatenate([t["p"].to_numpy(dtype=float) for t in tables])
    got = np.concatenate([t["p_adj"].to_numpy(dtype=float) for t in tables])
    ok = ~np.isnan(p)
    ref = multipletests(p[ok], method={"bh": "fdr_bh", "holm": "holm"}[method])[1]
    assert got[ok] == pytest.approx(ref)
    assert np.isnan(got[~ok]).all()
    assert res.family == int(ok.sum())


def test_significant_cell_change_is_a_finding(result):
    rec = _change(result, "trust", "Council", "Landlord")
    assert rec["flagged"]  # p_adj < 0.05 and 5/3 >= 0.5 points
    assert "Trust from Council to Landlord rose from 2.33 to 4.00 (2022→2024)" in result.findings


def test_concentration_change_between_rounds(result):
    conc = result.concentration.set_index("round")
    change = result.concentration_change.set_index("measure")
    for measure in ("top_share", "gini"):
        row = change.loc[measure]
        assert row["value_from"] == pytest.approx(conc.loc["2022", measure])
        assert row["value_to"] == pytest.approx(conc.loc["2024", measure])
        assert row["diff"] == pytest.approx(row["value_to"] - row["value_from"])
        assert row["test"] == "permutation" and row["permutations"] == 1999
        # influence piled on the council in 2022, spread in 2024: p at its floor
        assert row["p"] == pytest.approx(1 / 2000)
    assert change.loc["gini", "diff"] < 0


def _gini(x) -> float:
    x = list(x)
    return sum(abs(a - b) for a in x for b in x) / (2 * len(x) ** 2 * (sum(x) / len(x)))


def test_concentration_permutation_test_on_a_hand_made_case():
    # Round A: both answer (5, 1): profile less the floor 1 is (4, 0): top share 1, Gini
    # |4 - 0| * 2 / (2 * 2² * 2) = 0.5. Round B: both (3, 3): (2, 2), share 0.5, Gini 0.
    # The 6 splits of the 4 respondents into 2 + 2: {A, A} | {B, B} gives -0.5, its mirror
    # +0.5, and the 4 mixed splits both profiles (3, 1): difference 0. So 2 of 6 splits
    # are at least as extreme: the exact p is 1/3, for the top share as for the Gini.
    a = np.array([[5.0, 1.0], [5.0, 1.0]])
    b = np.array([[3.0, 3.0], [3.0, 3.0]])
    res = concentration_change(a, b, 1.0)
    assert res["gini"]["diff"] == pytest.approx(-0.5)
    assert res["top_share"]["diff"] == pytest.approx(-0.5)
    for measure in ("gini", "top_share"):
        assert res[measure]["p"] == pytest.approx(1 / 3)
        assert res[measure]["permutations"] == 6 and res[measure]["exact"] == 1


def test_concentration_permutation_exact_and_random_agree_with_an_enumeration():
    rng = np.random.default_rng(3)
    a = rng.integers(1, 6, (5, 3)).astype(float)
    b = rng.integers(1, 6, (4, 3)).astype(float)
    a[0, 1] = np.nan  # an unanswered target counts in no mean
    x = np.vstack([a, b])
    # every split of the 9 respondents into 5 + 4, written out independently
    observed = _gini(np.nanmean(b, axis=0) - 1) - _gini(np.nanmean(a, axis=0) - 1)
    diffs = []
    for chosen in combinations(range(9), 5):
        rest = [i for i in range(9) if i not in chosen]
        d = _gini(np.nanmean(x[rest], axis=0) - 1) - _gini(np.nanmean(x[list(chosen)], axis=0) - 1)
        diffs.append(d)
    exact = np.mean(np.abs(diffs) >= abs(observed) - 1e-12)
    res = concentration_change(a, b, 1.0)  # 126 splits: all of them
    assert res["gini"]["diff"] == pytest.approx(observed)
    assert res["gini"]["p"] == pytest.approx(exact)
    sampled = concentration_change(a, b, 1.0, permutations=99)  # random splits
    assert sampled["gini"]["exact"] == 0
    assert abs(sampled["gini"]["p"] - exact) < 0.15


def test_terminal_shows_significant_changes_and_json_carries_them(runner, two_rounds):
    path, _ = two_rounds
    toml = path.parent / "net.toml"
    out = invoke(runner, "relations", path, "--instrument", toml, "--by", "round")
    assert out.exit_code == 0, out.output
    assert "Changes between rounds, unlikely to be chance" in out.stdout
    assert "Council → Landlord" in out.stdout and "+1.67" in out.stdout
    out = invoke(runner, "relations", path, "--instrument", toml, "--by", "round", "-f", "json")
    doc = json.loads(out.stdout)
    rec = next(r for r in doc["changes"] if (r["relation"], r["rater"], r["target"]) == (
        "trust", "Council", "Landlord"))  # fmt: skip
    assert set(rec) >= {"diff", "p", "p_adj", "round_from", "round_to", "flagged"}
    assert doc["concentration_change"][0]["test"] == "permutation"


def test_example_changes_between_consecutive_rounds_and_first_to_last():
    res = relations(read_survey(EXAMPLE_XLSX), ["round"], relation=["trust"], lang="en")
    pairs = set(zip(res.changes["round_from"], res.changes["round_to"], strict=True))
    assert pairs == {("2022", "2023"), ("2023", "2024"), ("2022", "2024")}
    assert not res.changes.loc[res.changes["suppressed"], "diff"].notna().any()


def test_report_shows_the_significant_changes_and_joins_them_to_its_family(tmp_path: Path):
    from partnerkit.report import build_report

    rep = build_report(read_survey(EXAMPLE_XLSX), lang="en")
    rel = rep.relations
    assert len(rel.changes) and rel.family_scope == "report"
    flagged = rel.changes[rel.changes["flagged"]]
    assert len(flagged)
    from partnerkit.render import render

    page = render(rep, "html")
    assert "Changes between rounds, unlikely to be chance" in page
    first = flagged.iloc[0]
    assert any(
        f.startswith(f"{first['relation'].capitalize()} from {first['rater']}")
        for f in rep.all_findings
    )


def test_report_change_into_the_latest_round_follows_the_heat_map_it_sits_beside():
    """A cell the report's latest heat map hides shows no change into that round, even
    when the pattern over every round showed it (no output reveals what another hides)."""
    from dataclasses import replace

    survey = read_survey(EXAMPLE_XLSX)
    from partnerkit.grouping import select_rounds

    latest = relations(select_rounds(survey, ["2024"]), [], relation=["trust"], lang="en")
    over = relations(survey, ["round"], relation=["trust"], lang="en")
    ch = over.changes
    shown = ch[~ch["suppressed"] & (ch["round_to"] == "2024")].iloc[0]
    rec = latest.records.copy()
    at = (rec["rater_id"] == shown["rater_id"]) & (rec["target_id"] == shown["target_id"])
    rec.loc[at, "suppressed"] = True  # as if the latest pattern had hidden it
    got = replace(latest, records=rec).with_changes(over, "2024").changes
    same = (got["rater_id"] == shown["rater_id"]) & (got["target_id"] == shown["target_id"])
    into = got[same & ((got["round_to"] == "2024") | (got["round_from"] == "2024"))]
    assert len(into) and into["suppressed"].all()
    assert into[["mean_from", "mean_to", "diff", "p"]].isna().all().all()
    earlier = got[same & (got["round_to"] == "2023") & (got["round_from"] == "2022")]
    assert earlier["mean_to"].tolist() == ch.loc[earlier.index, "mean_to"].tolist()


def test_changes_only_gives_the_full_runs_changes_and_the_same_report_family():
    """``changes_only`` (the report's run over the rounds) leaves the self-other, balance
    and reciprocity tests out. The reference is the full run of the same call: its
    changes and concentration changes agree in every column but the adjusted p-values
    and flags (adjusted over fewer tests here), and once the report's family adjusts
    them, the snapshot with the changes of either run has the same tables and findings."""
    from partnerkit.grouping import select_rounds
    from partnerkit.report import report_family

    survey = read_survey(EXAMPLE_XLSX)
    full = relations(survey, ["round"], lang="en", network=False)
    only = relations(survey, ["round"], lang="en", network=False, changes_only=True)
    assert only.self_other.empty and only.balance.empty and only.reciprocity.empty
    assert len(full.self_other) and len(full.balance) and len(full.reciprocity)
    family = ["p_adj", "flagged"]
    for table in ("changes", "concentration_change"):
        ours, theirs = getattr(only, table), getattr(full, table)
        assert len(ours)
        pd.testing.assert_frame_equal(ours.drop(columns=family), theirs.drop(columns=family))
    latest = relations(select_rounds(survey, ["2024"]), [], lang="en", network=False)
    joined = [
        report_family(None, None, None, None, "bh", relations=latest.with_changes(o, "2024"))[4]
        for o in (full, only)
    ]
    for table in ("self_other", "balance", "reciprocity", "changes", "concentration_change"):
        pd.testing.assert_frame_equal(getattr(joined[1], table), getattr(joined[0], table))
    assert joined[1].findings == joined[0].findings and joined[1].changed == joined[0].changed
