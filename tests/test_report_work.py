"""What the report computes (issue 23): nothing it does not show. Its reliability gives
alpha and the items' r_drop without the items' own anonymity pattern (which protects item
means, counts and distributions the report never shows); its relations have no trust
network (shown by the terminal only)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from partnerkit import read_survey
from partnerkit.privacy import pattern as pattern_module
from partnerkit.relations import relations
from partnerkit.reliability import reliability
from partnerkit.report import build_report
from tests.conftest import tiny_answers, write_table
from tests.test_relations import NET_TOML, write_plain


@pytest.fixture
def survey(tmp_path, tiny_path):
    """45 respondents: 40 municipality, 5 residents (min_n 6 hides the residents), one
    of whom answered neither a1 nor b2."""
    frame = tiny_answers(np.random.default_rng(23), 45)
    frame["Actor"] = ["Municipality"] * 40 + ["Resident"] * 5
    frame.loc[40, ["a1", "b2"]] = np.nan
    return read_survey(write_table(tmp_path / "s.csv", frame), instrument=tiny_path)


def _blank(value) -> bool:
    return value is None or value is pd.NA or value != value


def _spy(monkeypatch) -> list[set]:
    """The measures of every pattern decided from here on."""
    decided: list[set] = []
    decide = pattern_module.decide_pattern

    def spy(frame, keys, measures, **options):
        decided.append(set(measures))
        return decide(frame, keys, measures, **options)

    monkeypatch.setattr(pattern_module, "decide_pattern", spy)
    return decided


def test_without_item_means_alpha_and_r_drop_are_those_of_the_full_run(survey, monkeypatch):
    decided = _spy(monkeypatch)
    short = reliability(survey, ["actor"], min_n=6, item_means=False)
    assert all(not measures & set(survey.items) for measures in decided)  # no item pattern
    full = reliability(survey, ["actor"], min_n=6)
    assert any(measures == set(survey.items) for measures in decided)
    columns = ["dimension", "actor", "n", "k", "alpha", "alpha_ci_low", "suppressed"]
    pd.testing.assert_frame_equal(short.records[columns], full.records[columns])
    residents = short.records[short.records["actor"] == "Resident"]
    assert residents["suppressed"].all()  # 5 < min_n: alpha and every item hidden
    assert all(_blank(i["r_drop"]) for items in residents["items"] for i in items)
    for mine, theirs in zip(short.records["items"], full.records["items"], strict=True):
        for a, b in zip(mine, theirs, strict=True):
            assert _blank(a["mean"]) and _blank(a["distribution"]) and _blank(a["n"])
            if not b["suppressed"]:  # shown in the full run: the same r_drop here
                assert a["r_drop"] == pytest.approx(b["r_drop"], nan_ok=True)
                assert a["alpha_if_dropped"] == pytest.approx(b["alpha_if_dropped"], nan_ok=True)


def test_r_drop_by_hand_and_an_item_below_min_n_hidden(survey):
    records = reliability(survey, ["actor"], min_n=5, item_means=False).records
    alpha = records[records["dimension"] == "alpha"].set_index("actor")
    # by hand: in the municipality's 40 complete rows, r_drop of a1 is its correlation
    # with a2 + (6 - a3), the other items reverse-keyed on the declared scale
    data = survey.data[survey.data["actor"] == "municipality"]
    rest = data["a2"] + (6 - data["a3"])
    items = {i["item"]: i for i in alpha.loc["Municipality", "items"]}
    assert items["a1"]["r_drop"] == pytest.approx(np.corrcoef(data["a1"], rest)[0, 1])
    # a1 answered by 4 of the 5 residents: the group shows alpha, the item is below min_n
    assert not alpha.loc["Resident", "suppressed"] and alpha.loc["Resident", "n"] == 5
    items = {i["item"]: i for i in alpha.loc["Resident", "items"]}
    assert items["a1"]["suppressed"] and items["a1"]["suppressed_reason"] == "min_n"
    assert _blank(items["a1"]["r_drop"]) and _blank(items["a1"]["alpha_if_dropped"])
    assert not items["a2"]["suppressed"] and not _blank(items["a2"]["r_drop"])


def test_the_report_decides_no_item_pattern(survey, monkeypatch):
    decided = _spy(monkeypatch)
    report = build_report(survey, min_n=6)
    assert decided and all(not measures & set(survey.items) for measures in decided)
    assert all(_blank(i["mean"]) for items in report.reliability.records["items"] for i in items)


def test_relations_without_network_are_the_same_tables_but_the_network(tmp_path):
    (tmp_path / "net.toml").write_text(NET_TOML, encoding="utf-8")
    survey = read_survey(write_plain(tmp_path / "net.xlsx"), instrument=tmp_path / "net.toml")
    full = relations(survey, lang="en")
    short = relations(survey, lang="en", network=False)
    assert len(full.network) == 1 and short.network.empty
    assert list(short.network.columns) == list(full.network.columns)
    pd.testing.assert_frame_equal(short.records, full.records)
    for name, table in full.tables().items():
        if name != "network":
            pd.testing.assert_frame_equal(short.tables()[name], table)
    assert short.findings == full.findings


def test_the_report_computes_no_network(tmp_path):
    (tmp_path / "net.toml").write_text(NET_TOML, encoding="utf-8")
    survey = read_survey(write_plain(tmp_path / "net.xlsx"), instrument=tmp_path / "net.toml")
    report = build_report(survey, lang="en")
    assert report.relations is not None and report.relations.network.empty
