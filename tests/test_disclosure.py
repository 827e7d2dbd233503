"""Anonymity across tables and runs: the audit attacks every published figure (issue 15).

The attacker knows every group's n (membership is public) and reads every (n, mean)
pair any run published; linear programming bounds each hidden group's mean. These
tests (1) check the LP on tables small enough to solve by hand, (2) show the leak of
the issue when secondary suppression is off, by hand and by the audit, and (3) run
every command with every grouping option, audit the union of all JSON outputs and
assert that no group below min_n can be worked out.
"""

from __future__ import annotations

import itertools
import json

import numpy as np
import pandas as pd
import pytest

from partnerkit import gaps, read_survey, score_survey, select_rounds
from partnerkit.privacy import audit, sum_bounds
from tests.conftest import SHARED_DATA, invoke, write_table

EXAMPLE = "data/examples/partnerskab_2022-2024.xlsx"


@pytest.fixture(scope="module")
def example():
    return read_survey(EXAMPLE)


@pytest.fixture
def no_secondary(monkeypatch):
    from partnerkit import protect

    monkeypatch.setattr(protect, "SECONDARY", False)
    monkeypatch.setattr(protect, "_CACHE", [])


# ------------------------------------------------------------- the LP by hand


def test_two_hidden_cells_with_a_published_sum():
    """Cells of n=2 and n=3 on 1-5, their sum published as 20 (by hand: x1 = 20 - x2 with
    x2 in [3, 15] and x1 in [2, 10], so x1 in [5, 10]: a mean of 2.5 to 5)."""
    low, high = sum_bounds([[1, 1]], [20.0], [2.0, 3.0], [10.0, 15.0], [[1, 0], [0, 1]])
    assert low.tolist() == pytest.approx([5.0, 10.0])
    assert high.tolist() == pytest.approx([10.0, 15.0])


def test_a_single_hidden_member_of_a_published_sum_is_known_exactly():
    low, high = sum_bounds([[1, 0], [1, 1]], [7.0, 20.0], [2, 3], [10, 15], [[1, 0], [0, 1]])
    assert (low.tolist(), high.tolist()) == ([7.0, 13.0], [7.0, 13.0])


def test_cells_no_equation_touches_keep_their_bounds_and_parts_add_up():
    """Target = cell 0 (bound only, n=1: 1..5) + cell 1 (pinned to 9 by its own sum)."""
    low, high = sum_bounds([[0, 1, 1]], [12.0], [1, 2, 3], [5, 10, 3], [[1, 1, 0]])
    # cell 2 is fixed at 3 by its bounds, so cell 1 is 9; cell 0 stays within 1..5
    assert (low[0], high[0]) == pytest.approx((10.0, 14.0))


def test_a_two_by_two_table_with_margins():
    """Four hidden cells (n=1 each, 1-5) of a 2x2 table whose row and column sums are
    published (8, 4 | 7, 5): x11 in [max(1, 8-5, 7-5, ...), ...]; by hand x11 = 8 - x12,
    x21 = 7 - x11, x22 = 4 - x21 = x11 - 3, so x11 in [4, 5] with x12, x21, x22 >= 1."""
    eq = [[1, 1, 0, 0], [0, 0, 1, 1], [1, 0, 1, 0], [0, 1, 0, 1]]
    low, high = sum_bounds(eq, [8.0, 4.0, 7.0, 5.0], [1] * 4, [5] * 4, np.eye(4))
    assert low.tolist() == pytest.approx([4, 3, 2, 1])
    assert high.tolist() == pytest.approx([5, 4, 3, 2])


def test_certify_proves_a_two_by_two_table_safe_by_hand():
    """Four hidden cells of n = 2 (sums 2..10), each truly 6, rows and columns
    published: moving +s, -s, -s, +s keeps every margin, for s in [-4, 4] (by hand), so
    each cell's sum spans 8, a mean of 4 points: safe at 1 point (needed 2 per cell)."""
    from partnerkit.privacy.lp import certify

    eq = [[1, 1, 0, 0], [0, 0, 1, 1], [1, 0, 1, 0], [0, 1, 0, 1]]
    truth, lower, upper = np.full(4, 6.0), np.full(4, 2.0), np.full(4, 10.0)
    assert certify(eq, truth, lower, upper, np.eye(4), np.full(4, 2.0)).all()
    assert not certify(eq, truth, lower, upper, np.eye(4), np.full(4, 8.01)).any()
    # a cell alone in a published sum is known exactly: never proved safe
    assert not certify([[1, 0], [1, 1]], np.array([4.0, 6]), lower[:2], upper[:2],
                       np.eye(2), np.full(2, 0.1)).any()  # fmt: skip


def _table_partitions(n_actor: np.ndarray):
    """Groups of a (4 actor types in 2 sectors, or a sector, or all) x (2 rounds, or
    all) table with its partitions: (partition, parent, child) per pair, by hand."""
    rows = [*[("a", i) for i in range(4)], ("s", 0), ("s", 1), ("all", 0)]
    index = {(r, c): k for k, (r, c) in enumerate(itertools.product(rows, (0, 1, "all")))}
    n = np.zeros(len(index))
    for (row, col), k in index.items():
        actors = {"a": [row[1]], "s": [2 * row[1], 2 * row[1] + 1], "all": range(4)}[row[0]]
        rounds = [0, 1] if col == "all" else [col]
        n[k] = n_actor[np.ix_(list(actors), rounds)].sum()
    pairs = []
    for col in (0, 1, "all"):  # along the actor key: a sector and its types, all and sectors
        for s in (0, 1):
            pairs += [(("s", s), col, ("a", 2 * s + j), col) for j in (0, 1)]
        pairs += [(("all", 0), col, ("s", s), col) for s in (0, 1)]
    for row in rows:  # along the round key: all rounds and each round
        pairs += [(row, "all", row, col) for col in (0, 1)]
    parent = np.array([index[(r, c)] for r, c, _, _ in pairs])
    child = np.array([index[(r, c)] for _, _, r, c in pairs])
    _, part = np.unique(parent * 10 + np.array([p[1] == "all" for p in pairs]), return_inverse=True)
    return n, part.reshape(-1), parent, child


@pytest.mark.parametrize("seed", range(6))
def test_cheapest_secondary_suppression_is_the_cheapest_by_brute_force(seed):
    """The integer program's extra groups cost no more than the cheapest of every
    subset of the visible groups that satisfies the partition rule (all 2^k of them,
    counted here without the program), and satisfy it too."""
    from partnerkit.privacy.pattern import _cheapest, _fixpoint

    rng = np.random.default_rng(seed)
    n_actor = rng.integers(1, 12, size=(4, 2))
    n_actor[rng.integers(4), rng.integers(2)] = rng.integers(1, 5)  # one group below 5
    n, pid, pp, pc = _table_partitions(n_actor)
    cost = n * np.where(np.isin(np.arange(len(n)) // 3, [4, 5]), 0.5, 1.0)  # sectors: half
    primary = n < 5
    hidden, reason = primary.copy(), np.where(primary, "min_n", None).astype(object)
    assert _cheapest(hidden, reason, n, cost, pid, pp, pc, 5, None)

    def valid(x):  # x: (subsets, groups) bool; the rule of every partition
        ok = np.ones(len(x), dtype=bool)
        for p in np.unique(pid):
            children, parent = pc[pid == p], pp[pid == p][0]
            count = x[:, children].sum(axis=1) + x[:, parent]
            pooled = x[:, children] @ n[children]
            ok &= (count != 1) & ~(~x[:, parent] & (pooled > 0) & (pooled < 5))
        return ok

    free = np.flatnonzero(~primary)
    best = np.inf
    for start in range(0, 2 ** len(free), 2**15):
        number = np.arange(start, min(start + 2**15, 2 ** len(free)), dtype=np.int32)
        x = np.repeat(primary[None, :], len(number), axis=0)
        x[:, free] = (number[:, None] >> np.arange(len(free), dtype=np.int32)) & 1
        ok = valid(x)
        if ok.any():
            best = min(best, (x[ok] @ cost).min())
    assert valid(hidden[None, :])[0]
    assert hidden @ cost == pytest.approx(best)
    assert (reason[hidden & ~primary] == "secondary").all()
    # the greedy rule of large lattices holds the rule too, at a cost no lower (on
    # these seeds 53.0, 72.0, 55.5, 54.5, 25.0, 46.0 against the exact 32.5, 39.0,
    # 48.5, 37.5, 25.0, 46.0)
    greedy = primary.copy()
    _fixpoint(greedy, np.where(primary, "min_n", None).astype(object), n, cost, pid, pp, pc, 5)
    assert valid(greedy[None, :])[0] and greedy @ cost >= best - 1e-9


def test_certify_never_claims_more_than_the_lp_finds():
    """On random linked tables, a target certify proves safe has an LP interval at least
    as wide as required (the LP, HiGHS, is the reference)."""
    from partnerkit.privacy.lp import certify

    rng = np.random.default_rng(15)
    proved = 0
    for _ in range(60):
        cells = int(rng.integers(3, 12))
        eq = (rng.random((int(rng.integers(1, cells)), cells)) < 0.4).astype(float)
        n = rng.integers(1, 5, cells).astype(float)
        truth = n * rng.choice([1.0, 2.5, 3.0, 4.2, 5.0], cells)
        lower, upper = n, 5 * n
        targets = np.eye(cells)
        needed = n * rng.choice([0.5, 1.0, 2.0])
        blocks = rng.integers(0, 3, cells)
        safe = certify(eq, truth, lower, upper, targets, needed, blocks)
        low, high = sum_bounds(eq, eq @ truth, lower, upper, targets)
        assert (high - low >= needed - 1e-6)[safe].all()
        proved += int(safe.sum())
    assert proved > 50  # it proves a good share, or it would be of no use


# ------------------------------------------------------------- the known leak


def _mean(records, **labels):
    rows = records
    for key, value in labels.items():
        rows = rows[rows[key].isna()] if value is None else rows[rows[key] == value]
    (row,) = rows[rows["dimension"] == "equality"].to_dict("records")
    return row


def test_the_leak_of_the_issue_without_secondary_suppression(example, no_secondary):
    """2024, Ligeværdighed: public sector and municipality and school shown, police (n=4)
    hidden: (41 * public - 22 * municipality - 15 * school) / 4 = 3.75, by hand."""
    latest = select_rounds(example, ["2024"])
    actors = score_survey(latest, ["actor"]).records
    sectors = score_survey(latest, ["sector"]).records
    public = _mean(sectors, sector="Offentlig")
    municipality = _mean(actors, actor="Kommune")
    school = _mean(actors, actor="Skole/dagtilbud")
    assert (public["n"], municipality["n"], school["n"]) == (41, 22, 15)
    police = (41 * public["mean"] - 22 * municipality["mean"] - 15 * school["mean"]) / 4
    assert police == pytest.approx(3.75)
    assert _mean(actors, actor="Politi")["suppressed"]

    found = audit([score_survey(latest, ["actor"]), score_survey(latest, ["sector"])], example)
    exposed = found.exposed
    row = exposed[(exposed["measure"] == "equality") & (exposed["actor"] == "Politi")]
    assert len(row) == 1
    assert row["low"].iloc[0] == pytest.approx(3.75) and row["high"].iloc[0] == pytest.approx(3.75)
    # gaps prints both tables (actors, and sectors for the focus): one run is enough
    assert not audit([gaps(latest, "actor")], example).ok


def test_the_leak_is_gone(example):
    latest = select_rounds(example, ["2024"])
    runs = [
        score_survey(latest, ["actor"]),
        score_survey(latest, ["sector"]),
        gaps(latest, "actor"),
        score_survey(example, ["actor", "round"]),
        score_survey(example, ["sector", "round"]),
    ]
    found = audit(runs, example)
    assert found.ok, found.exposed
    assert len(found.cells) > 0 and found.cells["sensitive"].any()
    police = _mean(runs[0].records, actor="Politi")
    business = _mean(runs[0].records, actor="Virksomhed")
    assert business["suppressed_reason"] == "min_n"
    assert police["suppressed"] or police["n"] >= 5


def test_a_sector_with_one_actor_type_shows_exactly_when_the_actor_does(example):
    """Almen bolig is the housing organisations alone: one group, one decision."""
    actors = score_survey(example, ["actor", "round"]).records
    sectors = score_survey(example, ["sector", "round"]).records
    a = actors[actors["actor"] == "Boligorganisation"].set_index(["dimension", "round"])
    s = sectors[sectors["sector"] == "Almen bolig"].set_index(["dimension", "round"])
    assert (a["suppressed"] == s["suppressed"].reindex(a.index)).all()
    assert (a["mean"].fillna(-1) == s["mean"].reindex(a.index).fillna(-1)).all()


def test_meta_counts_hidden_groups_per_reason(runner):
    out = invoke(runner, "score", EXAMPLE, "--by", "actor", "--by", "round", "-f", "json")
    document = json.loads(out.stdout)
    counts = document["meta"]["privacy"]["hidden"]
    reasons = pd.Series([r["suppressed_reason"] for r in document["results"]])
    assert counts == {
        "min_n": int((reasons == "min_n").sum()),
        "secondary": int((reasons == "secondary").sum()),
    }
    assert counts["min_n"] > 0 and counts["secondary"] > 0


# ------------------------------------------------------------- the attack


EXAMPLE_RUNS = [
    ["score", "--by", "actor"],
    ["score", "--by", "sector"],
    ["score", "--by", "round"],
    ["score", "--by", "area"],
    ["score", "--by", "actor", "--by", "round"],
    ["score", "--by", "sector", "--by", "round"],
    ["score", "--by", "actor", "--by", "area"],
    ["score", "--by", "round", "--by", "area"],
    ["score", "--by", "actor", "--by", "round", "--by", "area"],
    ["score", "--by", "sector", "--by", "area", "--by", "round"],
    ["score", "--by", "actor", "--rounds", "2024"],
    ["score", "--by", "sector", "--rounds", "2024"],
    ["score", "--by", "actor", "--rounds", "2022,2024"],
    ["score", "--by", "actor", "--merge-small"],
    ["gaps", "--between", "actor"],
    ["gaps", "--between", "sector", "--by", "round"],
    ["gaps", "--between", "area", "--by", "actor"],
    ["gaps", "--between", "actor", "--rounds", "2024"],
    ["trend", "--by", "actor"],
    ["trend", "--by", "sector"],
    ["trend", "--by", "area"],
    ["reliability", "--by", "actor"],
    ["reliability", "--by", "sector", "--by", "round"],
    ["areas"],
    ["areas", "--trend"],
]


def _outputs(runner, path, runs, *extra) -> list[dict]:
    documents = []
    for run in runs:
        command, *options = run
        out = invoke(runner, command, path, *extra, *options, "-f", "json", "-q")
        assert out.exit_code == 0, (run, out.stderr)
        documents.append(json.loads(out.stdout))
    return documents


def test_every_command_and_grouping_on_the_example_together(runner, example):
    documents = _outputs(runner, EXAMPLE, EXAMPLE_RUNS)
    found = audit(documents, example)
    assert found.published > 1000
    assert found.ok, found.exposed.head(10).to_string()


def _small_groups_frame(rng) -> pd.DataFrame:
    """Two areas x three rounds; residents 1-4 per area and round, one round of 3 in all."""
    rows = []
    for area in ("North", "South"):
        for round_, residents in (("2022", 1), ("2023", 4), ("2024", 2)):
            size = {"Municipality": 9, "Resident": residents if area == "North" else 3}
            for actor, n in size.items():
                for _ in range(n):
                    rows.append({"Actor": actor, "Round": round_, "Area": area})
    frame = pd.DataFrame(rows)
    for item in ("a1", "a2", "a3", "b1", "b2", "b3", "b4"):
        frame[item] = rng.integers(1, 6, len(frame))
    frame.loc[frame["Actor"] == "Resident", ["a1", "a2", "b1"]] = 5  # distinctive answers
    return frame


SMALL_RUNS = [
    ["score", "--by", "actor"],
    ["score", "--by", "sector"],
    ["score", "--by", "round"],
    ["score", "--by", "area"],
    ["score", "--by", "actor", "--by", "round"],
    ["score", "--by", "actor", "--by", "area"],
    ["score", "--by", "actor", "--by", "round", "--by", "area"],
    ["score", "--by", "actor", "--rounds", "2023,2024"],
    ["gaps", "--between", "actor"],
    ["gaps", "--between", "area", "--by", "round"],
    ["trend", "--by", "actor"],
    ["trend", "--by", "area"],
    ["reliability", "--by", "actor"],
    ["areas"],
]


def test_every_command_on_a_survey_with_groups_of_one_to_four(runner, tmp_path, tiny_path):
    rng = np.random.default_rng(15)
    path = write_table(tmp_path / "small.csv", _small_groups_frame(rng))
    documents = _outputs(runner, path, SMALL_RUNS, "-i", tiny_path, "--min-n", "5")
    survey = read_survey(path, tiny_path)
    found = audit(documents, survey, min_n=5)
    assert found.cells["sensitive"].sum() >= 6  # the small resident groups were attacked
    assert found.ok, found.exposed.head(10).to_string()


def test_a_survey_without_actor_or_round_grouped_by_another_column(runner, tmp_path, tiny_path):
    rng = np.random.default_rng(16)
    teams = ["Board"] * 12 + ["Staff"] * 15 + ["Volunteers"] * 3 + ["Guests"] * 2
    frame = pd.DataFrame({"Team": teams})
    for item in ("a1", "a2", "a3", "b1", "b2", "b3", "b4"):
        frame[item] = rng.integers(1, 6, len(frame))
    path = write_table(tmp_path / "teams.csv", frame)
    runs = [["score", "--by", "Team"], ["reliability", "--by", "Team"]]
    documents = _outputs(runner, path, runs, "-i", tiny_path, "--min-n", "5")
    survey = read_survey(path, tiny_path)
    found = audit(documents, survey, min_n=5)
    assert found.ok, found.exposed.to_string()
    results = documents[0]["results"]
    hidden = {r["Team"] for r in results if r["suppressed"] and r["Team"]}
    assert {"Volunteers", "Guests"} <= hidden


GENDER_RUNS = [
    ["score", "--by", "actor"],
    ["score", "--by", "Køn"],
    ["score", "--by", "Køn", "--by", "actor"],
    ["score", "--by", "sector"],
    ["gaps", "--between", "Køn"],
    ["trend", "--by", "Køn"],
]


def test_an_extra_by_column_and_the_runs_without_it_hold_together(runner, tmp_path):
    """The example with a 'Køn' column ('Andet': 7 respondents, 1-3 per actor type).
    The column enters the pattern of the runs that group by it only; those patterns
    hold the role keys too, so `--by actor` and `--by Køn` together must still pass."""
    from partnerkit.grouping import resolve_keys
    from partnerkit.scoring import score_pattern

    frame = pd.read_excel(EXAMPLE, engine="calamine")
    rng = np.random.default_rng(1)
    frame["Køn"] = rng.choice(["Kvinde", "Mand", "Andet"], len(frame), p=[0.5, 0.47, 0.03])
    path = write_table(tmp_path / "gender.csv", frame)
    documents = _outputs(runner, path, GENDER_RUNS)
    survey = read_survey(path)
    assert "Køn" in score_pattern(survey, resolve_keys(survey, ["Køn"]), 5).cube.keys
    assert "Køn" not in score_pattern(survey, resolve_keys(survey, ["actor"]), 5).cube.keys
    # 'Andet' is 7 of 291 respondents: shown alone, hidden by actor type
    other = [r for r in documents[2]["results"] if r["Køn"] == "Andet" and r["actor"]]
    assert other and all(r["suppressed"] for r in other)
    for runs in ([0, 1], range(len(documents))):
        found = audit([documents[i] for i in runs], survey)
        assert found.cells["sensitive"].any() and found.ok, found.exposed.head().to_string()


def _two_extra_columns(path) -> pd.DataFrame:
    """The example with 'Køn' and 'Alder' (age band), correlated with each other and with
    the actor type: 'Andet' (12 respondents, 1-3 per actor type) mostly under 30,
    residents mostly 60 or over, staff of the municipality mostly 30-59."""
    frame = pd.read_excel(path, engine="calamine")
    rng = np.random.default_rng(7)
    gender = rng.choice(["Kvinde", "Mand", "Andet"], len(frame), p=[0.5, 0.46, 0.04])
    actor = frame["Aktørtype"].astype(str).to_numpy()
    young = np.where(gender == "Andet", 0.7, np.where(actor == "Beboerrepræsentant", 0.05, 0.2))
    old = np.where(actor == "Beboerrepræsentant", 0.7, np.where(actor == "Kommune", 0.05, 0.3))
    draw = rng.random(len(frame))
    frame["Køn"] = gender
    frame["Alder"] = np.where(
        draw < young, "Under 30", np.where(draw < young + old, "60+", "30-59")
    )
    return frame


TWO_COLUMN_RUNS = [
    ["score", "--by", "actor"],
    ["score", "--by", "Køn"],
    ["score", "--by", "Alder"],
    ["score", "--by", "Køn", "--by", "actor"],
    ["score", "--by", "Alder", "--by", "actor"],
    ["score", "--by", "Alder", "--by", "round"],
    ["score", "--by", "Køn", "--by", "Alder"],
    ["gaps", "--between", "Køn"],
]


@pytest.mark.parametrize("nested", [True, False], ids=["nested", "independent"])
def test_runs_by_different_extra_columns_hold_together(runner, tmp_path, monkeypatch, nested):
    """(d) Runs grouped by two different, correlated extra columns, their crossing and
    the role keys, audited together. Each extra column's pattern nests in the pattern
    without it (its groups with the column at "All" keep that pattern's decisions), so
    every run agrees on the groups they share and nothing is exposed. Decided on their
    own (``protect.NESTED`` off, as before), the same runs do expose groups."""
    from partnerkit import protect
    from partnerkit.grouping import resolve_keys
    from partnerkit.scoring import score_pattern

    monkeypatch.setattr(protect, "NESTED", nested)
    monkeypatch.setattr(protect, "_CACHE", [])
    path = write_table(tmp_path / "two.csv", _two_extra_columns(EXAMPLE))
    survey = read_survey(path)
    documents = _outputs(runner, path, TWO_COLUMN_RUNS)
    found = audit(documents, survey)
    assert found.cells["sensitive"].sum() > 50
    assert found.ok == nested, found.exposed.head().to_string()
    if nested:  # the groups the runs share: one decision (the police of 2024, by hand)
        base = score_pattern(survey, [], 5)
        for column in ("Køn", "Alder"):
            own = score_pattern(survey, resolve_keys(survey, [column]), 5)
            police = np.flatnonzero(
                (survey.as_read["actor"] == "police") & (survey.as_read["round"] == "2024")
            )
            for measure in base.measures:
                assert own.decide(measure, own.cells_of(police)) == base.decide(
                    measure, base.cells_of(police)
                )


SURVEYXACT_RUNS = [
    ["score", "--by", "s_2"],
    ["score", "--by", "s_1"],
    ["score", "--by", "s_2", "--by", "s_1"],
    ["score", "--by", "b_1_1"],
    ["score", "--by", "stato_3"],
    ["gaps", "--between", "s_2"],
    ["reliability", "--by", "s_2"],
]


@pytest.mark.skipif(
    not (SHARED_DATA / "surveyxact").is_dir(), reason="../shared/data/surveyxact is not present"
)
def test_a_real_surveyxact_export_every_run_together(runner, tmp_path):
    """The real SurveyXact export (344 pupils, scale 1-4, no actor or round column;
    trend needs rounds it does not have), read in place, grouped by its programme
    (s_2), a two-value column with a group of 1 (s_1), a 14-value one (b_1_1) and a
    status column: the union of every output, through `privacy-check`, exposes nothing."""
    from tests.test_layouts import ELEV

    elev = tmp_path / "elev.toml"
    elev.write_text(ELEV, encoding="utf-8")
    path = SHARED_DATA / "surveyxact" / "ex_survey2.xlsx"
    documents = _outputs(runner, path, SURVEYXACT_RUNS, "-i", elev)
    found = audit(documents, read_survey(path, elev))
    assert found.cells["sensitive"].sum() > 50 and found.ok, found.exposed.head().to_string()
    published = []
    for i, document in enumerate(documents):
        published += ["--published", tmp_path / f"{i}.json"]
        (tmp_path / f"{i}.json").write_text(json.dumps(document), encoding="utf-8")
    out = invoke(runner, "privacy-check", path, "-i", elev, *published, "-f", "json")
    assert out.exit_code == 0, out.stderr
    assert json.loads(out.stdout)["meta"]["exposed"] == 0


def test_privacy_check_command(runner, tmp_path, no_secondary):
    a, s = tmp_path / "a.json", tmp_path / "s.json"
    for by, path in (("actor", a), ("sector", s)):
        out = invoke(runner, "score", EXAMPLE, "--rounds", "2024", "--by", by, "-f", "json")
        path.write_text(out.stdout, encoding="utf-8")
    out = invoke(runner, "privacy-check", EXAMPLE, "-p", a, "-p", s)
    assert out.exit_code == 1
    assert "EXPOSED" in out.stdout
    assert out.stderr.startswith("Error: ") and "hidden group(s) below min_n" in out.stderr


def test_privacy_check_refuses_a_file_that_is_not_an_output(runner, tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text("{", encoding="utf-8")
    out = invoke(runner, "privacy-check", EXAMPLE, "-p", bad)
    assert out.exit_code == 1
    assert out.stderr.startswith(f"Error: {bad}: not a JSON output of partnerkit")


def test_categorical_columns_factorise_as_pandas_does():
    # the pattern's fast path for categorical keys must give pandas' own codes and values
    # (first appearance, missing as a value), or cells and tie-breaks would change
    import numpy as np
    import pandas as pd

    from partnerkit.privacy.pattern import _factorize

    rng = np.random.default_rng(1)
    for _ in range(200):
        values = rng.choice(["a", "b", "c", None, "d"], int(rng.integers(1, 50)))
        column = pd.Series(pd.Categorical(values, categories=["d", "c", "b", "a", "z"]))
        expected_codes, expected_values = pd.factorize(column.astype(object), use_na_sentinel=False)
        codes, found = _factorize(column)
        assert np.array_equal(codes, expected_codes)
        assert [str(v) for v in found] == [str(v) for v in expected_values]


#: Real exports of other platforms, read in place, with two crossed answer columns that
#: have small groups: (file in tests/test_real_exports.FILES, first --by, second --by).
REAL_CROSSED = [
    (
        "surveymonkey/jupyter_2020_all_responses.csv",
        "1. How frequently do you use Jupyter?",
        "2. How long have you been using Jupyter?",
    ),
    (
        "google_forms/2019_English_R_Community_Survey_Responses.xlsx",
        "How would you rate your level of experience using R?",
        "Which statement most closely reflects the primary reason why you learned R?",
    ),
]


@pytest.mark.skipif(not (SHARED_DATA / "real").is_dir(), reason="../shared/data/real is missing")
@pytest.mark.parametrize(("name", "first", "second"), REAL_CROSSED, ids=["surveymonkey", "google"])
@pytest.mark.parametrize("secondary", [True, False], ids=["pattern", "primary only"])
def test_real_exports_every_run_together(
    runner, tmp_path, monkeypatch, name, first, second, secondary
):
    """(c) Real exports of SurveyMonkey and Google Forms (1,135 and 1,838 respondents),
    grouped by two answer columns and by both crossed (cells of 1-4 respondents): the
    union of every output exposes no hidden group; with only primary suppression (each
    table on its own, as before issue 15) the same outputs do expose some, so the runs
    are a real attack."""
    from partnerkit import protect

    monkeypatch.setattr(protect, "SECONDARY", secondary)
    monkeypatch.setattr(protect, "_CACHE", [])
    from tests.test_real_exports import real_file

    path, instrument = real_file(name, tmp_path)
    survey = read_survey(path, instrument)
    runs = [
        ["score", "--by", first],
        ["score", "--by", second],
        ["score", "--by", first, "--by", second],
        ["gaps", "--between", first],
        ["reliability", "--by", second],
    ]
    documents = _outputs(runner, path, runs, "-i", instrument)
    found = audit(documents, survey)
    assert found.cells["sensitive"].sum() > 0  # the crossed table has small groups to hide
    assert found.ok == secondary, found.exposed.head().to_string()
