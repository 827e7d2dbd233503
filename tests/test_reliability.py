"""``partnerkit reliability``: per dimension and group, with flags and anonymity."""

from __future__ import annotations

import json
import re

import numpy as np
import pandas as pd
import pytest

from partnerkit import read_survey
from partnerkit.instrument_tools import starter_text
from partnerkit.reliability import reliability
from tests.conftest import EXAMPLE_XLSX, invoke, max_width, write_table


def test_json_record_contract(runner):
    result = invoke(runner, "reliability", EXAMPLE_XLSX, "-f", "json", "--lang", "en")
    assert result.exit_code == 0, result.output
    records = json.loads(result.stdout)["results"]
    assert len(records) == 10
    first = records[0]
    assert list(first) == [
        "dimension", "dimension_name", "n", "k", "alpha", "alpha_ci_low", "alpha_ci_high",
        "alpha_std", "average_r", "suppressed", "suppressed_reason", "items", "flags",
    ]  # fmt: skip
    assert list(first["items"][0]) == [
        "item", "n", "mean", "sd", "r_drop", "alpha_if_dropped", "pct_missing", "distribution",
        "suppressed", "suppressed_reason",
    ]  # fmt: skip
    assert list(first["items"][0]["distribution"]) == ["1", "2", "3", "4", "5", "dont_know"]


def test_alpha_agrees_with_pingouin_on_the_example():
    pg = pytest.importorskip("pingouin")
    survey = read_survey(EXAMPLE_XLSX)
    table = reliability(survey).records.set_index("dimension")
    for dim in survey.instrument.dimensions:
        items = survey.data[[i.id for i in dim.items]].copy()
        for item in dim.items:  # reverse-keyed by hand: 1 + 5 - x
            if item.reverse:
                items[item.id] = 6 - items[item.id]
        items = items.dropna(how="all")  # pingouin counts every row it is given in n
        alpha, (low, high) = pg.cronbach_alpha(items, nan_policy="pairwise")
        assert table.loc[dim.id, "alpha"] == pytest.approx(alpha, abs=1e-6)
        assert table.loc[dim.id, "alpha_ci_low"] == pytest.approx(low, abs=1e-3)  # pg rounds
        assert table.loc[dim.id, "alpha_ci_high"] == pytest.approx(high, abs=1e-3)


def test_distribution_counts_answers_and_dont_know():
    survey = read_survey(EXAMPLE_XLSX)
    record = reliability(survey).records.set_index("dimension").loc["equality"]
    item = next(i for i in record["items"] if i["item"] == "equality_2")  # reverse-keyed
    raw = pd.read_excel(EXAMPLE_XLSX, engine="calamine")
    column = raw["Nogle få partnere træffer de vigtige beslutninger alene."]
    kept = survey.data["_row"] - 2  # data rows in the file that were kept
    labels = {"Helt uenig": 5, "Delvist uenig": 4, "Hverken enig eller uenig": 3}
    labels |= {"Delvist enig": 2, "Helt enig": 1}  # reversed: Helt enig counts as 1
    counts = column.iloc[kept].map(labels).value_counts()
    assert item["distribution"] == {
        **{str(p): int(counts.get(p, 0)) for p in range(1, 6)},
        "dont_know": int((column.iloc[kept] == "Ved ikke").sum()),
    }


def test_a_mis_keyed_item_is_named(tmp_path):
    # the default instrument with equality_2 ("A few partners make the important decisions on
    # their own.") wrongly declared as not reverse-keyed
    path = tmp_path / "miskeyed.toml"
    toml, count = re.subn(
        r'(id = "equality_2"\n[^\n]*\n)reverse = true\n', r"\1", starter_text("miskeyed")
    )
    assert count == 1
    path.write_text(toml, encoding="utf-8")
    result = reliability(read_survey(EXAMPLE_XLSX, path), lang="en")
    equality = result.records.set_index("dimension").loc["equality"]
    codes = [(f["code"], f["item"]) for f in equality["flags"]]
    assert ("negative_r_drop", "equality_2") in codes
    assert ("low_alpha", None) in codes
    message = next(f["message"] for f in equality["flags"] if f["code"] == "negative_r_drop")
    assert message.startswith("Item equality_2 runs against the rest of the dimension (r = -")


def test_flags_for_few_respondents_few_items_and_weak_items(tmp_path, tiny):
    rng = np.random.default_rng(3)
    base = rng.integers(1, 6, 20)
    frame = pd.DataFrame(
        {
            "a1": base,
            "a2": np.clip(base + rng.integers(-1, 2, 20), 1, 5),
            "b1": base,
            "b2": np.clip(base + rng.integers(-1, 2, 20), 1, 5),
            "b3": rng.integers(1, 6, 20),  # noise: a weak item
            "b4": np.clip(base + rng.integers(-1, 2, 20), 1, 5),
        }
    )
    result = reliability(read_survey(write_table(tmp_path / "f.xlsx", frame), tiny), lang="en")
    by_dim = result.records.set_index("dimension")
    alpha_codes = {f["code"] for f in by_dim.loc["alpha", "flags"]}
    assert {"few_respondents", "few_items"} <= alpha_codes  # 20 respondents, 2 of 3 items
    assert by_dim.loc["alpha", "k"] == 2
    beta = {(f["code"], f["item"]) for f in by_dim.loc["beta", "flags"]}
    assert ("low_r_drop", "b3") in beta or ("negative_r_drop", "b3") in beta


def test_groups_below_min_n_are_hidden_with_their_items(tmp_path, tiny):
    rng = np.random.default_rng(5)
    actors = ["Municipality"] * 12 + ["Resident"] * 9 + ["Police"] * 3
    frame = pd.DataFrame({"Actor": actors, **{c: rng.integers(1, 6, 24) for c in ("a1", "a2")}})
    frame["a3"] = rng.integers(1, 6, 24)
    survey = read_survey(write_table(tmp_path / "g.xlsx", frame), tiny)
    records = reliability(survey, ["actor"], min_n=5, lang="en").records
    alpha = records[records["dimension"] == "alpha"].set_index("actor", drop=False)
    assert alpha.loc["Police", "suppressed"] and alpha.loc["Resident", "suppressed"]
    for actor in ("Police", "Resident"):
        row = alpha.loc[actor]
        assert all(pd.isna(row[c]) for c in ("n", "alpha", "alpha_ci_low", "average_r"))
        assert all(pd.isna(i["mean"]) and pd.isna(i["distribution"]) for i in row["items"])
        assert row["flags"] == []
    assert not alpha.loc["Municipality", "suppressed"]


def test_reliability_table_fits_100_columns(runner):
    result = invoke(runner, "reliability", EXAMPLE_XLSX, "--by", "actor", "--items")
    assert result.exit_code == 0, result.output
    assert max_width(result.stdout) <= 100
    assert "Ligeværdighed og delt" in result.stdout and "equality_2" in result.stdout
