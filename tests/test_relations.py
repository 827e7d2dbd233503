"""`partnerkit relations`: relation grids read from every layout, numbers checked by hand.

The survey ``net`` below is another instrument than the bundled one, with no round
or area column: four actor types rate each other's influence (actual and desired)
and trust. Every expected number is worked out by hand in the comments (or, for the
tests, by scipy's own functions on the raw answers), never taken from the code.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from partnerkit import read_survey
from partnerkit.errors import InstrumentError, MappingError
from partnerkit.instrument import check_instrument, load_instrument
from partnerkit.relations import gini, relations

from .conftest import EXAMPLE_CSV, EXAMPLE_XLSX, SHARED_DATA, invoke, write_table

NET_TOML = """
id = "net"
version = "1"
language = "en"
min_n = 3

[title]
en = "Network"
da = "Netværk"

[scale]
min = 1
max = 5

[[actors]]
id = "council"
name = { en = "Council", da = "Kommune" }
sector = "other"

[[actors]]
id = "landlord"
name = { en = "Landlord", da = "Udlejer" }
sector = "other"
aliases = ["Housing company"]

[[actors]]
id = "club"
name = { en = "Club", da = "Klub" }
sector = "other"

[[actors]]
id = "shop"
name = { en = "Shop", da = "Butik" }
sector = "other"

[[dimensions]]
id = "d"
name = { en = "Working", da = "Arbejde" }

[[dimensions.items]]
id = "q1"
text = { en = "Things work.", da = "Tingene virker." }

[[relations]]
id = "influence"
name = { en = "Influence", da = "Indflydelse" }
stem = { en = "How much influence do these have?", da = "Hvor meget indflydelse har disse?" }

[[relations]]
id = "influence_desired"
kind = "desired"
compares = "influence"
name = { en = "Desired influence", da = "Ønsket indflydelse" }
stem.en = "How much influence should these have?"
stem.da = "Hvor meget indflydelse bør disse have?"

[[relations]]
id = "trust"
name = { en = "Trust", da = "Tillid" }
stem = { en = "How much do you trust these?", da = "Hvor meget stoler du på disse?" }
"""

TARGETS = ("council", "landlord", "club", "shop")
NAMES = {"council": "Council", "landlord": "Landlord", "club": "Club", "shop": "Shop"}
RATERS = ["council"] * 4 + ["landlord"] * 4 + ["club"] * 3 + ["shop"] * 2
#: influence: one row per respondent, targets council, landlord, club, shop
INFLUENCE = [
    [3, 2, 2, 1], [4, 3, 2, 1], [3, 2, 3, 2], [2, 3, 1, 1],  # council raters
    [5, 2, 2, 1], [5, 3, 2, 2], [4, 2, 3, 1], [4, 2, 2, 1],  # landlord raters
    [3, 3, 3, 3], [3, 2, 3, 3], [3, 3, 3, 3],  # club raters (3: hidden to protect the shop)
    [3, 3, 3, 3], [3, 3, 3, 3],  # shop raters (2 < min_n)
]  # fmt: skip
#: desired influence of the council; of the others it equals the actual influence
DESIRED_COUNCIL = [3, 3, 3, 3, 3, 3, 3, 4, 2, 2, 2, 2, 2]
#: trust of the landlord by the council's raters, of the council by the landlord's
TRUST_COUNCIL_IN_LANDLORD = [4, 4, 3, 5]
TRUST_LANDLORD_IN_COUNCIL = [2, 3, 2, 3]


def answers() -> pd.DataFrame:
    """The survey as codes, one column per relation cell (``influence:council``...)."""
    frame = pd.DataFrame({"actor": [NAMES[r] for r in RATERS], "q1": 3})
    influence = np.array(INFLUENCE)
    for j, target in enumerate(TARGETS):
        frame[f"influence:{target}"] = influence[:, j]
        desired = DESIRED_COUNCIL if target == "council" else influence[:, j]
        frame[f"influence_desired:{target}"] = desired
        frame[f"trust:{target}"] = 3
    frame.loc[0:3, "trust:landlord"] = TRUST_COUNCIL_IN_LANDLORD
    frame.loc[4:7, "trust:council"] = TRUST_LANDLORD_IN_COUNCIL
    return frame


STEMS = {
    "influence": "How much influence do these have?",
    "influence_desired": "How much influence should these have?",
    "trust": "How much do you trust these?",
}


def header(cell: str, style: str) -> str:
    relation, target = cell.split(":")
    if style == "brackets":
        return f"{STEMS[relation]} [{NAMES[target]}]"
    return f"{STEMS[relation]} - {NAMES[target]}"


def write_plain(path: Path, style: str = "dash") -> Path:
    frame = answers()
    frame.columns = [
        "Actor type" if c == "actor" else c if c == "q1" else header(c, style)
        for c in frame.columns
    ]
    if path.suffix == ".xlsx":
        frame.to_excel(path, index=False)
    else:
        frame.to_csv(path, index=False)
    return path


def write_qualtrics(path: Path) -> Path:
    """Three header rows: export tags, question texts (``Stem - Statement``), ImportIds."""
    frame = answers()
    cells = [c for c in frame.columns if ":" in c]
    tags = ["ResponseId", "Q1", "Q2", *(f"Q3_{i + 1}" for i in range(len(cells)))]
    texts = ["Response ID", "Actor type", "Things work.", *(header(c, "dash") for c in cells)]
    imports = [json.dumps({"ImportId": f"QID{i}"}) for i in range(len(tags))]
    rows = [
        [f"R_{r}", frame["actor"][r], "3", *(str(frame[c][r]) for c in cells)]
        for r in range(len(frame))
    ]
    pd.DataFrame([texts, imports, *rows], columns=tags).to_csv(path, index=False)
    return path


def write_surveyxact(path: Path) -> Path:
    """Dataset with variable names, Structure with ``Stem - Target`` question texts, Labels."""
    frame = answers()
    cells = [c for c in frame.columns if ":" in c]
    codes = {NAMES[t]: i + 1 for i, t in enumerate(TARGETS)}
    dataset = pd.DataFrame({"s_1": frame["actor"].map(codes), "s_2": 3})
    structure = [["s_1", "s_1", "Closed", "Single", "Actor type", "", ""]]
    structure.append(["s_2", "s_2", "Closed", "Single", "Things work.", "", ""])
    for i, cell in enumerate(cells):
        dataset[f"s_3_{i + 1}"] = frame[cell]
        structure.append(["s_3", f"s_3_{i + 1}", "Closed", "Single", header(cell, "dash"), "", ""])
    labels = [["s_1", code, name] for name, code in codes.items()]
    columns = ["questionName", "variableName", "questionType", "subType", "questionText"]
    with pd.ExcelWriter(path) as writer:
        pd.DataFrame(labels).to_excel(writer, sheet_name="Labels", index=False, header=False)
        dataset.to_excel(writer, sheet_name="Dataset", index=False)
        pd.DataFrame(structure, columns=[*columns, "choiceValue", "choiceText"]).to_excel(
            writer, sheet_name="Structure", index=False
        )
    return path


@pytest.fixture
def net(tmp_path: Path):
    path = tmp_path / "net.toml"
    path.write_text(NET_TOML, encoding="utf-8")
    return load_instrument(path)


@pytest.fixture
def net_result(tmp_path: Path, net):
    survey = read_survey(write_plain(tmp_path / "net.xlsx"), instrument=net)
    return relations(survey, lang="en")


def cell(result, relation: str, rater: str, target: str) -> dict:
    rec = result.records
    rows = rec[(rec["relation"] == relation) & (rec["rater"] == rater) & (rec["target"] == target)]
    assert len(rows) == 1
    return rows.iloc[0].to_dict()


# ---------------------------------------------------------------- instrument


def test_bundled_instrument_has_four_relations_with_desired_paired_to_actual():
    inst = load_instrument()
    assert [r.id for r in inst.relations] == ["influence", "influence_desired", "trust", "value"]
    desired = inst.relation("influence_desired")
    assert (desired.kind, desired.compares) == ("desired", "influence")
    assert "other" not in desired.targets and "municipality" in desired.targets
    assert desired.scale.name(5, "da") == "Meget stor"


def test_relation_block_problems_are_all_reported(tmp_path: Path):
    bad = NET_TOML.replace('compares = "influence"', 'compares = "power"')
    bad += '\n[[relations]]\nid = "trust"\nname = "x"\nstem = "y"\ntargets = ["Mayor"]\n'
    path = tmp_path / "bad.toml"
    path.write_text(bad, encoding="utf-8")
    problems = [str(p) for p in check_instrument(path)]
    assert "relations[1].compares: must name another relation, got 'power'" in problems
    assert "relations[3].id: duplicate relation id 'trust'" in problems
    assert any(p.startswith("relations[3].targets: 'Mayor' is not an actor type") for p in problems)
    with pytest.raises(InstrumentError, match="relations"):
        load_instrument(path)


def test_targets_are_matched_by_name_and_alias(tmp_path: Path):
    text = NET_TOML.replace(
        'stem = { en = "How much do you trust these?"',
        'targets = ["Kommune", "Housing company"]\nstem = { en = "How much do you trust these?"',
    )
    path = tmp_path / "t.toml"
    path.write_text(text, encoding="utf-8")
    assert load_instrument(path).relation("trust").targets == ("council", "landlord")


# ------------------------------------------------------------------- reading


@pytest.mark.parametrize("layout", ["dash_xlsx", "brackets_csv", "qualtrics", "surveyxact"])
def test_relation_grids_are_read_from_every_layout(tmp_path: Path, net, layout):
    writers = {
        "dash_xlsx": lambda: write_plain(tmp_path / "s.xlsx"),
        "brackets_csv": lambda: write_plain(tmp_path / "s.csv", "brackets"),
        "qualtrics": lambda: write_qualtrics(tmp_path / "q.csv"),
        "surveyxact": lambda: write_surveyxact(tmp_path / "sx.xlsx"),
    }
    survey = read_survey(writers[layout](), instrument=net)
    truth = answers()
    for column in truth.columns:
        if ":" in column:
            assert survey.data[column].tolist() == truth[column].astype(float).tolist(), column
    res = relations(survey, lang="en")
    assert cell(res, "influence", "Council", "Council")["mean"] == 3.0


def test_validate_lists_relation_columns(tmp_path: Path, runner, net):
    path = write_plain(tmp_path / "s.xlsx")
    result = invoke(runner, "validate", path, "-i", net.source, "-f", "json")
    assert result.exit_code == 0, result.output
    columns = json.loads(result.stdout)["results"][0]["columns"]
    kinds = {c["column"]: (c["kind"], c["target"]) for c in columns}
    assert kinds["How much do you trust these? - Shop"] == ("relation", "trust:shop")


# ---------------------------------------------------------- numbers by hand


def test_matrix_cell_mean_sd_and_interval_by_hand(net_result):
    # council raters on the council: 3, 4, 3, 2 -> mean 3, sd sqrt(2/3) = 0.816497;
    # 95% interval 3 ± t(0.975, 3) · sd / 2 = 3 ± 3.182446 · 0.408248 = 3 ± 1.299228
    rec = cell(net_result, "influence", "Council", "Council")
    assert (rec["n"], rec["self"]) == (4, True)
    assert rec["mean"] == pytest.approx(3.0)
    assert rec["sd"] == pytest.approx(0.816497, abs=1e-6)
    assert (rec["ci_low"], rec["ci_high"]) == pytest.approx((1.700772, 4.299228), abs=1e-6)
    # landlord raters on the council: 5, 5, 4, 4 -> 4.5
    assert cell(net_result, "influence", "Landlord", "Council")["mean"] == pytest.approx(4.5)


def test_small_rater_groups_are_hidden_and_the_next_smallest_protects_them(net_result):
    shop = cell(net_result, "influence", "Shop", "Council")
    club = cell(net_result, "influence", "Club", "Council")
    assert (shop["suppressed_reason"], club["suppressed_reason"]) == ("min_n", "secondary")
    assert all(pd.isna(x) for x in (shop["mean"], shop["n"], club["mean"], club["n"]))


def test_self_other_gap_by_hand_and_welch_against_scipy(net_result):
    so = net_result.self_other.set_index(["relation", "target"])
    council = so.loc[("influence", "Council")]
    # others: landlord 5,5,4,4, club 3,3,3, shop 3,3 -> 33/9 = 3.6667; self 3 -> gap -0.6667
    assert council["others_mean"] == pytest.approx(33 / 9)
    assert (council["others_n"], council["self_n"]) == (9, 4)
    assert council["gap"] == pytest.approx(3 - 33 / 9)
    ref = stats.ttest_ind([3, 4, 3, 2], [5, 5, 4, 4, 3, 3, 3, 3, 3], equal_var=False)
    assert council["statistic"] == pytest.approx(ref.statistic)
    assert council["p"] == pytest.approx(ref.pvalue)
    # the club's others are the council, the landlord and the hidden shop: not shown
    assert so.loc[("influence", "Club")]["suppressed"]


def test_influence_balance_is_a_paired_test_on_the_others(net_result):
    bal = net_result.balance.set_index("target").loc["Council"]
    actual = [5, 5, 4, 4, 3, 3, 3, 3, 3]  # landlord, club and shop raters
    desired = [3, 3, 3, 4, 2, 2, 2, 2, 2]
    # differences 2,2,1,0,1,1,1,1,1: mean 10/9
    assert bal["diff"] == pytest.approx(10 / 9)
    assert (bal["actual"], bal["desired"]) == pytest.approx((33 / 9, 23 / 9))
    ref = stats.ttest_rel(actual, desired)
    assert bal["statistic"] == pytest.approx(ref.statistic)
    assert bal["p"] == pytest.approx(ref.pvalue)
    assert bal["n_pairs"] == 9


def test_concentration_share_and_gini_by_hand(net_result):
    row = net_result.concentration.iloc[0]
    # every rater's influence rating of each target (13 raters):
    # council 3+4+3+2 + 5+5+4+4 + 3+3+3 + 3+3 = 45, landlord 10+9+8+6 = 33,
    # club 8+9+9+6 = 32, shop 5+5+9+6 = 25; less the lowest point (13 each): 32, 20, 19, 12
    # (/13). Top share 32/83; Gini: sum of |xi - xj| over pairs 61, both orders 122,
    # over 2 · 4² · (83/4) = 664: 122/664 = 61/332
    assert (row["targets"], row["top_target"]) == (4, "Council")
    assert row["top_share"] == pytest.approx(32 / 83)
    assert row["gini"] == pytest.approx(61 / 332)


def test_gini_against_hand_values():
    # R ineq::Gini(c(1, 2, 3, 4)) = 0.25: sum of |xi - xj| over ordered pairs 20, 2 · 16 · 2.5 = 80
    assert gini(np.array([1.0, 2.0, 3.0, 4.0])) == pytest.approx(0.25)
    assert gini(np.array([2.0, 2.0, 2.0])) == 0.0
    assert gini(np.array([0.0, 0.0, 0.0, 5.0])) == pytest.approx(0.75)  # (k - 1) / k


def test_reciprocity_of_trust_by_hand(net_result):
    rec = net_result.reciprocity
    row = rec[(rec["a"] == "Council") & (rec["b"] == "Landlord")].iloc[0]
    # council trusts the landlord 4, 4, 3, 5 (mean 4); the landlord the council 2, 3, 2, 3 (2.5)
    assert (row["a_to_b"], row["b_to_a"], row["asymmetry"]) == pytest.approx((4.0, 2.5, 1.5))
    ref = stats.ttest_ind(TRUST_COUNCIL_IN_LANDLORD, TRUST_LANDLORD_IN_COUNCIL, equal_var=False)
    assert row["p"] == pytest.approx(ref.pvalue)
    # pairs with a hidden side are left out
    assert not ((rec["a"] == "Shop") | (rec["b"] == "Shop")).any()


def test_one_family_of_tests_and_findings(net_result):
    tables = (net_result.self_other, net_result.balance, net_result.reciprocity)
    p = np.concatenate([t["p"].to_numpy(dtype=float) for t in tables])
    assert net_result.family == int(np.count_nonzero(~np.isnan(p)))

    ok = ~np.isnan(p)
    ref = stats.false_discovery_control(p[ok], method="bh")
    got = np.concatenate([t["p_adj"].to_numpy(dtype=float) for t in tables])[ok]
    assert got == pytest.approx(ref)
    assert any("Council has more influence than the other partners think right" in f
               for f in net_result.findings)  # fmt: skip


# ------------------------------------------------------------------ the CLI


def test_example_run_prints_matrices_and_findings(runner):
    result = invoke(runner, "relations", EXAMPLE_XLSX, "--lang", "en")
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "Influence: rater (rows) × rated (columns)" in out
    assert "⚑ Municipality has more influence than the other partners think right" in out
    assert "⚑ Resident representative has less influence" in out
    assert "Municipality rates its own influence" in out


def test_example_csv_gives_the_same_matrices_as_the_xlsx():
    a = relations(read_survey(EXAMPLE_XLSX)).records
    b = relations(read_survey(EXAMPLE_CSV)).records
    pd.testing.assert_frame_equal(a, b)


def test_json_contract(runner):
    result = invoke(runner, "relations", EXAMPLE_XLSX, "--by", "round", "-f", "json")
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert doc["meta"]["command"] == "relations"
    assert doc["meta"]["group_by"] == ["round"]
    first = doc["results"][0]
    assert list(first) == [
        "round", "relation", "rater", "rater_id", "target", "target_id", "self", "n", "mean",
        "sd", "ci_low", "ci_high", "suppressed", "suppressed_reason",
    ]  # fmt: skip
    assert set(doc) >= {"self_other", "balance", "concentration", "reciprocity"}
    assert list(doc["concentration"][0]) == [
        "round", "relation", "targets", "top_target", "top_share", "gini"
    ]  # fmt: skip
    # the story: the municipality's share of influence falls from 2022 to 2024
    shares = {c["round"]: c["top_share"] for c in doc["concentration"]}
    assert shares["2022"] > shares["2024"]
    hidden = [r for r in doc["results"] if r["suppressed"]]
    assert hidden and all(r["mean"] is None and r["n"] is None for r in hidden)


def test_csv_records_match_json(runner):
    as_csv = invoke(runner, "relations", EXAMPLE_XLSX, "-f", "csv")
    assert as_csv.exit_code == 0
    header = as_csv.stdout.splitlines()[0].split(",")
    assert header[:4] == ["relation", "rater", "rater_id", "target"]


def test_danish_output(runner):
    result = invoke(runner, "relations", EXAMPLE_XLSX, "--lang", "da")
    assert result.exit_code == 0
    assert "Indflydelse: bedømmer (rækker) × bedømt (kolonner)" in result.stdout
    assert "Kommune har mere indflydelse end de andre partnere mener er rigtigt" in result.stdout


def test_survey_without_relation_columns_is_one_error_line(runner, tmp_path: Path, net):
    path = tmp_path / "plain.xlsx"
    pd.DataFrame({"Actor type": ["Council"] * 3, "q1": [3, 4, 5]}).to_excel(path, index=False)
    result = invoke(runner, "relations", path, "-i", net.source)
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: relations: ")
    assert "no column of the relation questions" in result.stderr
    assert "Traceback" not in result.stderr


def test_survey_without_actor_column_is_an_error(tmp_path: Path, net):
    frame = answers().drop(columns="actor")
    frame.columns = [c if c == "q1" else header(c, "dash") for c in frame.columns]
    path = tmp_path / "noactor.xlsx"
    frame.to_excel(path, index=False)
    with pytest.raises(MappingError, match="no actor column"):
        relations(read_survey(path, instrument=net))


def test_unknown_relation_is_a_usage_error(runner):
    result = invoke(runner, "relations", EXAMPLE_XLSX, "--relation", "power")
    assert result.exit_code == 2
    assert "--relation power: not a relation of this survey" in result.stderr


@pytest.mark.skipif(not SHARED_DATA.is_dir(), reason="no real exports here")
def test_real_exports_without_relation_grids_say_so(runner):
    files = sorted(p for p in SHARED_DATA.rglob("*.xlsx"))[:3]
    for path in files:
        result = invoke(runner, "relations", path)
        assert result.exit_code == 1, path
        assert result.stderr.startswith("Error: "), path
        assert "Traceback" not in result.stderr


# ------------------------------------------------------------------ privacy


def test_privacy_check_attacks_relation_outputs_together(runner, tmp_path: Path):
    outputs = []
    for by in ([], ["--by", "round"], ["--by", "area"]):
        path = tmp_path / f"rel{len(outputs)}.json"
        result = invoke(runner, "relations", EXAMPLE_XLSX, *by, "-f", "json", "-o", path)
        assert result.exit_code == 0, result.output
        outputs += ["-p", path]
    check = invoke(runner, "privacy-check", EXAMPLE_XLSX, *outputs, "-f", "json")
    assert check.exit_code == 0, check.output
    doc = json.loads(check.stdout)
    measures = {c["measure"] for c in doc["results"]}
    assert any(m.startswith("influence:") for m in measures)  # the relation cells were read
    assert all(c["protected"] for c in doc["results"])


def test_hidden_rater_cannot_be_recovered_from_self_other(net_result):
    """The shop's 2 raters are hidden: no published others' mean may pin them.

    The others of each target, less the visible rater groups, would leave the shop's
    sum: so every others' mean that holds the hidden club or shop is hidden too, or
    holds both (whose pooled 5 raters are not a person).
    """
    so = net_result.self_other
    shown = so[~so["suppressed"]]
    for _, row in shown.iterrows():
        raters = [NAMES[t] for t in TARGETS if NAMES[t] != row["target"]]
        hidden = [r for r in raters if r in ("Club", "Shop")]
        assert hidden == [] or set(hidden) == {"Club", "Shop"}, row["target"]


# ------------------------------------------------------------------- report


@pytest.mark.parametrize("lang", ["da", "en"])
def test_report_shows_relation_views_in_both_languages(lang):
    from partnerkit.render import render
    from partnerkit.report import build_report

    report = build_report(read_survey(EXAMPLE_XLSX), lang=lang)
    html = render(report, "html")
    heading = {"da": "Relationer mellem aktørerne", "en": "Relations between actors"}[lang]
    assert f'<section id="relations">\n<h2>{heading}</h2>' in html
    matrix = {"da": "Tillid: bedømmer (rækker)", "en": "Trust: rater (rows)"}[lang]
    assert matrix in html
    assert 'id="chart-balance"' in html and 'id="chart-trust"' in html
    # the relation tests joined the report's one family, and their findings are listed
    assert report.relations.family == report.gaps.family
    assert report.relations.family_scope == "report"
    snapshot = [f for f in report.relations.findings if f not in report.relations.changed]
    assert all(f in report.all_findings for f in (f"2024: {x}" for x in snapshot))
    # the changes between rounds name their own rounds
    assert report.relations.changed
    assert all(f in report.all_findings for f in report.relations.changed)


def test_report_workbook_has_a_sheet_per_relation_with_colour_scale(tmp_path: Path):
    import io

    from openpyxl import load_workbook

    from partnerkit.render import render
    from partnerkit.report import build_report

    report = build_report(read_survey(EXAMPLE_XLSX), lang="en")
    book = load_workbook(io.BytesIO(render(report, "xlsx")))
    names = ["Influence", "Desired influence", "Trust", "Value of the collaboration"]
    assert all(n in book.sheetnames for n in names)
    sheet = book["Trust"]
    assert sheet.cell(row=3, column=1).value == "Rater"
    assert sheet.conditional_formatting  # the colour scale of the matrix
    hidden = [c.value for row in sheet.iter_rows(min_row=4) for c in row if c.value == "– n<5"]
    assert hidden  # the police's two raters per area stay hidden in the workbook too


# ------------------------------------------------------------------ network


def test_trust_network_by_hand_and_against_networkx(net_result):
    import networkx as nx

    row = net_result.network.iloc[0]
    # shown trust rows: the council's and the landlord's raters (club and shop hidden);
    # council -> landlord 4.0 (an edge: at least "much", 4.0), landlord -> council 2.5 (none)
    # 2 nodes, 1 edge: density 1 / (2 · 1) = 0.5, no mutual pair: reciprocity 0,
    # in-degrees 0 and 1: centralisation ((1 - 0) + (1 - 1)) / (2 - 1)² = 1
    assert (row["nodes"], row["edges"]) == (2, 1)
    assert (row["density"], row["reciprocity"], row["in_centralisation"]) == (0.5, 0.0, 1.0)
    graph = nx.DiGraph([("council", "landlord")])
    assert row["density"] == nx.density(graph)
    assert row["reciprocity"] == nx.overall_reciprocity(graph)


def test_in_centralisation_of_small_graphs_by_hand():
    import networkx as nx

    from partnerkit.relations import in_centralisation

    star = nx.DiGraph([(1, 0), (2, 0), (3, 0)])  # every arm points to the hub: the maximum
    cycle = nx.DiGraph([(0, 1), (1, 2), (2, 3), (3, 0)])  # every in-degree 1: none
    # 0 <- 1, 0 <- 2, 1 <- 2, 3 isolated: in-degrees 2, 1, 0, 0 -> (0 + 1 + 2 + 2) / 3² = 5/9
    mixed = nx.DiGraph([(1, 0), (2, 0), (2, 1)])
    mixed.add_node(3)
    assert in_centralisation(star) == 1.0
    assert in_centralisation(cycle) == 0.0
    assert in_centralisation(mixed) == pytest.approx(5 / 9)
    # networkx's in-degree centrality is in_i / (n - 1); Freeman's sum over (n - 1) the same
    centrality = nx.in_degree_centrality(mixed).values()
    assert in_centralisation(mixed) == pytest.approx(
        sum(max(centrality) - c for c in centrality) / (4 - 1)
    )


def test_example_trust_network_grows_denser_over_the_rounds():
    res = relations(read_survey(EXAMPLE_XLSX), ["round"])
    density = dict(zip(res.network["round"], res.network["density"], strict=True))
    assert density["2022"] < density["2023"] < density["2024"]


def test_relation_cells_are_neither_grouping_columns_nor_unused_item_look_alikes(runner):
    """The example's 28 relation cells are read as relations: --by does not offer them,
    and the warning about a dimension without columns does not list them as columns
    that look like items."""
    from partnerkit.scoring import item_like_columns

    survey = read_survey(EXAMPLE_XLSX)
    cells = survey.instrument.relation_columns
    assert len(cells) == 28 and set(cells) <= set(survey.data.columns)
    assert not set(cells) & set(survey.other_columns)
    assert not set(cells) & set(item_like_columns(survey))
    out = invoke(runner, "score", EXAMPLE_XLSX, "--by", "nothing")
    assert out.exit_code == 2 and "influence:" not in out.output


@pytest.mark.parametrize("by", [[], ["round"], ["area"], ["round", "area"]])
def test_a_rater_row_hidden_to_protect_another_group_is_hidden_whole(by):
    """The pattern decides each target's cell on its own; a rater row with a cell
    hidden as "secondary" and fewer than half its cells left shows none of them (the
    2024 school raters' row once showed only their value of the business, 2.55, n=11).
    A row with half its cells or more left keeps them, and cells hidden as "min_n"
    (fewer than 5 rated that target) stay cell by cell."""
    from partnerkit.grouping import resolve_keys
    from partnerkit.relations import _Cells, _Frame, _pattern

    survey = read_survey(EXAMPLE_XLSX)
    res = relations(survey, by=by)
    rows = res.records.groupby([*by, "relation", "rater_id"], dropna=False)
    whole = 0
    keys = resolve_keys(survey, by)
    chosen = [survey.instrument.relation(r) for r in res.relations]
    frame = _Frame(survey, keys, res.lang)
    cells = _Cells(survey, keys, res.lang, _pattern(survey, keys, res.min_n, chosen))
    for (*group, relation, rater), row in rows:
        if not (row["suppressed_reason"] == "secondary").any():
            continue
        if not row["suppressed"].all():  # half its cells or more shown
            assert 2 * (~row["suppressed"]).sum() >= len(row), (group, relation, rater)
            continue
        assert row["mean"].isna().all() and row["n"].isna().all()
        # cells the pattern alone would have shown: the row rule hid them
        by_index = frame.by_labels.index(tuple(group)) if by else 0
        rel = survey.instrument.relation(relation)
        r = frame.actors.index(rater)
        shown = [t for t in rel.targets if not cells.decide(frame, rel.column(t), by_index, [r])[0]]
        assert 2 * len(shown) < len(rel.targets)  # the pattern alone left fewer than half
        whole += bool(shown)
    if by == ["round", "area"]:
        assert whole > 0  # the rule bites on the example


def test_threads_decide_the_relation_pattern_of_one_thread(monkeypatch):
    """``jobs`` threads (the report's and ``relations``' ``--jobs``) decide each
    relation measure's pattern on its own: every group hidden or shown, and why, is
    the one the measures' own loop decides on one thread (the reference), on the
    example's trust grid by round, where secondary suppression hides groups."""
    from partnerkit import parallel, protect
    from partnerkit.grouping import resolve_keys
    from partnerkit.relations import _chosen_relations, _pattern

    survey = read_survey(EXAMPLE_XLSX)
    chosen = _chosen_relations(survey, ["trust"])
    keys = resolve_keys(survey, ["round"])
    calls = []
    real = parallel.thread_map

    def spy(function, items, cells=None, most=None):
        items = list(items)
        calls.append((len(items), most))
        return real(function, items, cells, most)

    monkeypatch.setattr(parallel, "thread_map", spy)
    monkeypatch.setattr(protect, "_CACHE", [])
    one = _pattern(survey, keys, 5, chosen, jobs=1)
    monkeypatch.setattr(protect, "_CACHE", [])
    two = _pattern(survey, keys, 5, chosen, jobs=2)
    targets = len(chosen[0].targets)
    assert calls == [(targets, 2)]  # one task per target, on two threads
    assert list(one.measures) == list(two.measures)
    secondary = 0
    for name, mp in one.measures.items():
        theirs = two.measures[name]
        assert mp.by_hash == theirs.by_hash, name
        np.testing.assert_array_equal(mp.hidden_cell, theirs.hidden_cell)
        assert (mp.counts, mp.audited) == (theirs.counts, theirs.audited)
        secondary += mp.counts.get("secondary", 0)
    assert secondary > 0  # the comparison is not of patterns with nothing to choose


def test_the_pattern_decided_ahead_is_the_one_relations_uses(monkeypatch):
    """``relation_pattern`` (the report decides it on threads while its other views run)
    decides the pattern ``relations`` then finds kept, not a second one."""
    from partnerkit import protect
    from partnerkit.relations import relation_pattern

    survey = read_survey(EXAMPLE_XLSX)
    calls = []
    real = protect._decide
    monkeypatch.setattr(protect, "_decide", lambda *a, **k: calls.append(1) or real(*a, **k))
    monkeypatch.setattr(protect, "_CACHE", [])
    relation_pattern(survey, relation=["trust"], jobs=2)
    assert len(calls) == 1
    relations(survey, relation=["trust"], jobs=2, network=False)
    assert len(calls) == 1


def test_large_surveys_decide_the_relation_pattern_in_one_loop(monkeypatch):
    """Above ``protect.THREAD_ROWS`` rows each measure's own cube would cost more than
    the threads save: the measures are decided in ``decide_pattern``'s own loop."""
    from partnerkit import parallel, protect
    from partnerkit.relations import relation_pattern

    calls = []
    monkeypatch.setattr(parallel, "thread_map", lambda *a, **k: calls.append(1))
    monkeypatch.setattr(protect, "THREAD_ROWS", 100)
    monkeypatch.setattr(protect, "_CACHE", [])
    pattern = relation_pattern(read_survey(EXAMPLE_XLSX), relation=["trust"], jobs=2)
    assert calls == [] and len(pattern.measures) > 1


def test_a_relation_on_its_own_scale_is_protected_on_that_scale(tmp_path):
    """Trust on 1-10 beside influence on 1-5: the pattern of trust's cells is decided on
    1-10, with the protection in its points (1 on 1-5 is 9/4 = 2.25 on 1-10). The
    council's 4 raters trust the landlord 1, 1, 2, 2: by hand, any 2 of them (min_n 3,
    so subgroups of 2) lie in [1, 2], narrower than 2.25, so the group is hidden (read
    on 1-5 with protection 1 it was shown). The audit of the output, on the same scale,
    finds every hidden group protected."""
    from partnerkit.privacy import audit

    toml = tmp_path / "net.toml"
    toml.write_text(NET_TOML + "\n[relations.scale]\nmin = 1\nmax = 10\n", encoding="utf-8")
    inst = load_instrument(toml)
    assert {(r.id, r.scale.max) for r in inst.relations} >= {("trust", 10), ("influence", 5)}
    frame = answers()
    frame.loc[0:3, "trust:landlord"] = [1, 1, 2, 2]
    frame.loc[4:12, "trust:landlord"] = 9
    frame.loc[4:7, "trust:council"] = [9, 10, 9, 10]
    frame.columns = [
        "Actor type" if c == "actor" else c if c == "q1" else header(c, "dash")
        for c in frame.columns
    ]
    survey = read_survey(write_table(tmp_path / "net.csv", frame), inst)
    assert (survey.data.loc[survey.data["actor"] == "council", "trust:landlord"] <= 2).all()
    result = relations(survey, lang="en")
    rec = result.records.set_index(["relation", "rater_id", "target_id"])
    assert rec.loc[("trust", "council", "landlord"), "suppressed"]
    assert audit([result], survey).ok
