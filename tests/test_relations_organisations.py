"""`partnerkit relations` with named organisations (``targets = "organisations"``).

A tiny survey on the ``net`` instrument of tests/test_relations.py with six named
organisations; every expected number is worked out by hand in the comments, and
the network measures also by networkx's own functions.
"""

from __future__ import annotations

import json
from pathlib import Path

import networkx as nx
import numpy as np
import pandas as pd
import pytest

from partnerkit import read_survey
from partnerkit.errors import InstrumentError
from partnerkit.instrument import check_instrument, load_instrument
from partnerkit.relations import in_centralisation, relations

from .conftest import EXAMPLES, invoke
from .test_relations import NET_TOML

ORGS_TOML = """
[[organisations]]
id = "alpha"
name = { en = "Alpha Council", da = "Alfa Kommune" }
actor = "council"
aliases = ["Alpha"]

[[organisations]]
id = "beta"
name = "Beta Council"
actor = "Council"

[[organisations]]
id = "epsilon"
name = "Epsilon Council"
actor = "council"

[[organisations]]
id = "gamma"
name = "Gamma Housing"
actor = "landlord"

[[organisations]]
id = "delta"
name = "Delta Housing"
actor = "landlord"

[[organisations]]
id = "phi"
name = "Phi Housing"
actor = "Housing company"

[[relations]]
id = "org_trust"
kind = "trust"
name = { en = "Trust in organisations", da = "Tillid til organisationer" }
stem = { en = "How much do you trust these organisations?", da = "Hvor stor tillid har du?" }
targets = "organisations"
"""
STEM = "How much do you trust these organisations?"
NAMES = {
    "alpha": "Alpha Council", "beta": "Beta Council", "epsilon": "Epsilon Council",
    "gamma": "Gamma Housing", "delta": "Delta Housing", "phi": "Phi Housing",
}  # fmt: skip
#: raters: four of Alpha (one writes the alias "Alpha"), two of Beta and two of Epsilon
#: (fewer than min_n = 3: they rate on the merged row "Council: others"), three each of
#: Gamma, Delta and Phi. Every rating is 3 but these:
RATERS = ["Alpha"] + ["Alpha Council"] * 3 + ["Beta Council"] * 2 + ["Epsilon Council"] * 2
RATERS += ["Gamma Housing"] * 3 + ["Delta Housing"] * 3 + ["Phi Housing"] * 3
STRONG = {  # (rater, target): the raters' answers, in order
    ("alpha", "gamma"): [4, 5, 4, 5],  # mean 4.5: an edge alpha -> gamma
    ("alpha", "delta"): [4, 4, 4, 4],  # 4.0: an edge (the bound is 4.0 on 1-5)
    ("alpha", "alpha"): [5, 5, 4, 4],  # self: never an edge
    ("gamma", "alpha"): [4, 4, 5],  # 4.333: an edge gamma -> alpha
    ("delta", "phi"): [5, 4, 4],  # 4.333
    ("phi", "alpha"): [4, 4, 4],  # 4.0
    ("beta", "gamma"): [5, 5],  # Beta's and Epsilon's ratings of Gamma pool to (5+5+2+2)/4
    ("epsilon", "gamma"): [2, 2],
}


def org_of(name: str) -> str:
    return "alpha" if name == "Alpha" else next(k for k, v in NAMES.items() if v == name)


def write_survey(path: Path, *, organisation_header="Organisationens navn") -> Path:
    rows = []
    seen: dict[str, int] = {}
    for name in RATERS:
        org = org_of(name)
        i = seen[org] = seen.get(org, -1) + 1
        row = {organisation_header: name, "q1": 3}
        for target, label in NAMES.items():
            answers = STRONG.get((org, target))
            row[f"{STEM} - {label}"] = answers[i] if answers else 3
        rows.append(row)
    pd.DataFrame(rows).to_csv(path, index=False)
    return path


@pytest.fixture
def inst(tmp_path: Path):
    path = tmp_path / "net_orgs.toml"
    path.write_text(NET_TOML + ORGS_TOML, encoding="utf-8")
    return load_instrument(path)


@pytest.fixture
def result(tmp_path: Path, inst):
    survey = read_survey(write_survey(tmp_path / "orgs.csv"), instrument=inst)
    return relations(survey, relation=["org_trust"], lang="en")


def cell(result, rater: str, target: str) -> dict:
    rec = result.records
    rows = rec[(rec["rater_id"] == rater) & (rec["target_id"] == target)]
    assert len(rows) == 1, (rater, target)
    return rows.iloc[0].to_dict()


# ---------------------------------------------------------------- instrument


def test_organisations_are_read_from_the_instrument(inst):
    assert [o.id for o in inst.organisations] == list(NAMES)
    beta = inst.organisations[1]
    assert beta.actor == "council" and beta.label("da") == "Beta Council"  # one name for both
    assert inst.organisations[5].actor == "landlord"  # by the actor type's alias
    rel = inst.relation("org_trust")
    assert rel.organisations and rel.targets == tuple(NAMES)


def test_organisation_problems_are_all_reported(tmp_path: Path):
    bad = (
        NET_TOML
        + """
[[organisations]]
id = "alpha"
name = "Alpha"
actor = "ministry"

[[organisations]]
id = "alpha"
name = "Alpha again"
actor = "council"

[[organisations]]
id = "club"
name = "A club named like the actor type"
actor = "club"
"""
    )
    path = tmp_path / "bad.toml"
    path.write_text(bad, encoding="utf-8")
    problems = [f"{p.key}: {p.message}" for p in check_instrument(path)]
    assert any(p.startswith("organisations[0].actor: must name an actor type") for p in problems)
    assert "organisations[1].id: duplicate organisation id 'alpha'" in problems
    assert any(p.startswith("organisations[2].id: 'club' is an actor type's id") for p in problems)
    with pytest.raises(InstrumentError):
        load_instrument(path)


def test_relation_of_organisations_needs_organisations(tmp_path: Path):
    path = tmp_path / "none.toml"
    relation = "[[relations]]" + ORGS_TOML.split("[[relations]]")[1]
    path.write_text(NET_TOML + relation, encoding="utf-8")
    problems = [f"{p.key}: {p.message}" for p in check_instrument(path)]
    assert any("no organisation to rate; declare [[organisations]]" in p for p in problems)


# ---------------------------------------------------------------- reading


def test_organisation_column_by_name_and_alias_gives_the_actor_type(tmp_path: Path, inst):
    survey = read_survey(write_survey(tmp_path / "orgs.csv"), instrument=inst)
    data = survey.data
    assert list(data["organisation"].astype(str)[:4]) == ["alpha"] * 4  # "Alpha" is an alias
    # no actor-type column: each respondent's type is its organisation's
    assert list(data["actor"].astype(str)) == ["council"] * 8 + ["landlord"] * 9
    assert f"org_trust:{'gamma'}" in data.columns


def test_unknown_organisation_is_said_and_rates_with_its_actor_type(tmp_path: Path, inst):
    path = write_survey(tmp_path / "orgs.csv")
    frame = pd.read_csv(path)
    frame["Aktørtype"] = ["Council"] * 8 + ["Landlord"] * 9
    frame.loc[4, "Organisationens navn"] = "Zeta Council"
    frame.to_csv(path, index=False)
    survey = read_survey(path, instrument=inst)
    assert any("'Zeta Council' are not organisations" in w for w in survey.ledger.warnings)
    res = relations(survey, relation=["org_trust"], lang="en")
    # the Beta rater now of "Zeta Council" still rates on the council's merged row
    assert set(res.records["rater_id"]) == {"alpha", "gamma", "delta", "phi", "other:council"}


# ---------------------------------------------------------------- matrix


def test_matrix_of_organisations_by_hand(result):
    # Alpha's four raters of Gamma: 4, 5, 4, 5: mean 4.5, sd sqrt(1/3)
    rec = cell(result, "alpha", "gamma")
    assert (rec["rater"], rec["target"], rec["n"]) == ("Alpha Council", "Gamma Housing", 4)
    assert rec["mean"] == pytest.approx(4.5)
    assert rec["sd"] == pytest.approx(np.sqrt(1 / 3))
    assert cell(result, "gamma", "alpha")["mean"] == pytest.approx(13 / 3)
    assert cell(result, "alpha", "alpha")["self"]
    assert not cell(result, "alpha", "gamma")["self"]


def test_small_organisations_rate_on_their_actor_types_merged_row(result):
    raters = set(result.records["rater_id"])
    # Beta and Epsilon (2 each, below min_n 3) have no row of their own
    assert raters == {"alpha", "gamma", "delta", "phi", "other:council"}
    merged = cell(result, "other:council", "gamma")
    assert merged["rater"] == "Council: others"
    if not merged["suppressed"]:  # Beta's 5, 5 and Epsilon's 2, 2 pooled: 14/4
        assert merged["n"] == 4 and merged["mean"] == pytest.approx(3.5)
    # their own organisations' ratings are in that row: the cells are marked as self-ratings
    assert cell(result, "other:council", "beta")["self"]
    assert cell(result, "other:council", "epsilon")["self"]
    assert not cell(result, "other:council", "alpha")["self"]


def test_no_row_below_min_n_is_shown(result):
    shown = result.records[~result.records["suppressed"]]
    assert (shown["n"] >= 3).all()
    assert not ({"beta", "epsilon"} & set(shown["rater_id"]))


def test_network_of_named_organisations_by_hand_and_networkx(result):
    """Nodes: the named organisations rating on their own rows (Alpha, Gamma, Delta,
    Phi). Edges, means of 4.0 or more between them (self-ratings excluded): alpha→gamma,
    alpha→delta, gamma→alpha, delta→phi, phi→alpha. By hand: density 5 / (4 · 3) = 5/12;
    reciprocity: alpha↔gamma, 2 of the 5 edges, 0.4; in-degrees alpha 2, gamma 1, delta 1,
    phi 1, so Freeman's centralisation (0 + 1 + 1 + 1) / (4 − 1)² = 1/3."""
    net = result.network.iloc[0].to_dict()
    assert (net["nodes"], net["edges"]) == (4, 5)
    assert net["density"] == pytest.approx(5 / 12)
    assert net["reciprocity"] == pytest.approx(0.4)
    assert net["in_centralisation"] == pytest.approx(1 / 3)
    graph = nx.DiGraph()
    graph.add_nodes_from(["alpha", "gamma", "delta", "phi"])
    graph.add_edges_from([("alpha", "gamma"), ("alpha", "delta"), ("gamma", "alpha"),
                          ("delta", "phi"), ("phi", "alpha")])  # fmt: skip
    assert net["density"] == pytest.approx(nx.density(graph))
    assert net["reciprocity"] == pytest.approx(nx.overall_reciprocity(graph))
    assert in_centralisation(graph) == pytest.approx(1 / 3)


def test_relation_of_organisations_without_an_organisation_column_is_one_error(
    runner, tmp_path: Path, inst
):
    path = write_survey(tmp_path / "orgs.csv", organisation_header="Something else")
    frame = pd.read_csv(path)
    frame["Aktørtype"] = ["Council"] * 8 + ["Landlord"] * 9
    frame.to_csv(path, index=False)
    toml = tmp_path / "net_orgs.toml"
    out = invoke(runner, "relations", path, "--instrument", toml, "--relation", "org_trust")
    assert out.exit_code == 1
    assert out.stderr.startswith("Error: relations: relation 'org_trust' rates named organisations")
    assert "Traceback" not in out.output


def test_privacy_check_reads_matrices_of_organisations(runner, tmp_path: Path, inst):
    path = write_survey(tmp_path / "orgs.csv")
    toml = tmp_path / "net_orgs.toml"
    out = invoke(runner, "relations", path, "-i", toml, "--relation", "org_trust", "-f", "json")
    assert out.exit_code == 0, out.output
    published = tmp_path / "orgs.json"
    published.write_text(out.stdout, encoding="utf-8")
    check = invoke(runner, "privacy-check", path, "-i", toml, "-p", published, "-f", "json")
    assert check.exit_code == 0, check.output
    doc = json.loads(check.stdout)
    attacked = {r.get("organisation") for r in doc["results"]}
    assert {"beta", "epsilon"} <= attacked  # the small organisations are attacked by name
    assert all(r["protected"] for r in doc["results"])


# ---------------------------------------------------------------- example


def test_network_example_runs_with_its_instrument(runner):
    out = invoke(
        runner, "relations", EXAMPLES.parent / "netvaerk" / "netvaerk_2024.xlsx",
        "-i", EXAMPLES.parent / "netvaerk" / "netvaerk.toml", "--lang", "en",
    )  # fmt: skip
    assert out.exit_code == 0, out.output
    assert "Trust: rater (rows) × rated (columns)" in out.stdout
    assert "Police: others" in out.stdout  # two police officers rate inside their type
    assert "Trust network (an arrow A → B" in out.stdout


def test_template_has_the_organisation_grid_and_column(tmp_path: Path, inst):
    from openpyxl import load_workbook

    from partnerkit.template import write_template

    path = write_template(tmp_path / "template.xlsx", inst, lang="en")
    sheet = load_workbook(path)["Responses"]
    headers = [c.value for c in sheet[1]]
    assert f"{STEM} - Gamma Housing" in headers
    assert headers[-1] == "Organisation name"
