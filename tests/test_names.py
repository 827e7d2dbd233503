"""Names users see (issue 19, point 2): ``--by`` and ``--between`` take a column's header,
its export tag or its question text, case-insensitively, and the Danish keywords."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from partnerkit import read_survey
from partnerkit.errors import OptionError
from partnerkit.grouping import resolve_keys

from .conftest import EXAMPLE_CSV, invoke, tiny_answers


def _qualtrics(path, rng, n: int = 30, second_gender: bool = False):
    """A Qualtrics CSV of the tiny instrument: Q3 is "Gender" (and Q4 too with
    ``second_gender``), items under their ids as export tags."""
    answers = tiny_answers(rng, n)
    gender = rng.choice(["Woman", "Man"], n)
    frame = pd.DataFrame({"ResponseId": [f"R_{i}" for i in range(n)], "Q3": gender})
    texts = ["Response ID", "Gender"]
    if second_gender:
        frame["Q4"] = gender[::-1]
        texts.append("Gender")
    for item in ["a1", "a2", "a3", "b1", "b2"]:
        frame[item] = answers[item].astype(int)
        texts.append(f"Agree? - {item}")
    imports = [json.dumps({"ImportId": f"QID{i}"}) for i in range(len(texts))]
    head = pd.DataFrame([texts, imports], columns=frame.columns)
    pd.concat([head, frame.astype(str)]).to_csv(path, index=False)
    return path, gender


def test_by_question_text_export_tag_and_any_case(runner, tmp_path, tiny_path):
    path, gender = _qualtrics(tmp_path / "q.csv", np.random.default_rng(1))
    counts = pd.Series(gender).value_counts()  # by hand: the respondents of each gender
    for name in ["Gender", "gender", "Q3", "q3"]:
        result = invoke(runner, "score", path, "-i", tiny_path, "--by", name, "-f", "json")
        assert result.exit_code == 0, (name, result.output)
        records = json.loads(result.stdout)["results"]
        n = {r[name]: r["n"] for r in records if r["dimension"] == "beta" and r[name]}
        assert n == counts.to_dict(), name


def test_an_ambiguous_name_lists_the_candidates(runner, tmp_path, tiny_path):
    path, _ = _qualtrics(tmp_path / "q.csv", np.random.default_rng(2), second_gender=True)
    result = invoke(runner, "score", path, "-i", tiny_path, "--by", "gender")
    assert result.exit_code == 2
    assert "Error: --by gender: several columns go by this name" in result.stderr
    assert "'Q3' (Gender)" in result.stderr and "'Q4' (Gender)" in result.stderr
    # the export tag still names one of them
    assert invoke(runner, "score", path, "-i", tiny_path, "--by", "Q4").exit_code == 0


def test_a_users_sector_column_is_grouped_by(runner, tmp_path, tiny_path):
    """Without an actor column, ``Sector`` and ``sector`` are the user's own column."""
    frame = tiny_answers(np.random.default_rng(3), 40).drop(columns="Actor")
    frame["Sector"] = np.where(np.arange(40) < 25, "Health", "Schools")
    path = tmp_path / "s.csv"
    frame.to_csv(path, index=False)
    for name in ["Sector", "sector"]:
        result = invoke(runner, "score", path, "-i", tiny_path, "--by", name, "-f", "json")
        assert result.exit_code == 0, result.output
        records = json.loads(result.stdout)["results"]
        assert {r[name]: r["n"] for r in records if r[name] and r["dimension"] == "beta"} == {
            "Health": 25,
            "Schools": 15,
        }


def test_an_exact_header_wins_over_a_keyword(tmp_path, tiny_path):
    """With an actor column, ``sector`` is the keyword; ``Sector`` the user's column."""
    frame = tiny_answers(np.random.default_rng(4), 20)
    frame["Sector"] = "Mine"
    path = tmp_path / "s.csv"
    frame.to_csv(path, index=False)
    survey = read_survey(path, instrument=tiny_path)
    assert [(k.name, k.column) for k in resolve_keys(survey, ["Sector", "sector"])] == [
        ("Sector", "Sector"),
        ("sector", "sector"),
    ]


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("aktør", "actor"),
        ("Aktørtype", "actor"),
        ("AKTØRTYPE", "actor"),
        ("runde", "round"),
        ("Runde", "round"),
        ("område", "area"),
        ("Boligområde", "area"),
        ("sektor", "sector"),
    ],
)
def test_danish_keywords_and_the_examples_headers(name, key):
    survey = read_survey(EXAMPLE_CSV)
    (found,) = resolve_keys(survey, [name])
    assert (found.name, found.column) == (key, key)


def test_danish_keywords_group_the_same_as_english(runner):
    english = invoke(runner, "score", EXAMPLE_CSV, "--by", "actor", "-f", "csv", "-q")
    danish = invoke(runner, "score", EXAMPLE_CSV, "--by", "aktør", "-f", "csv", "-q")
    assert english.exit_code == danish.exit_code == 0
    assert english.stdout == danish.stdout


def test_between_names_the_option_given(runner, tmp_path, tiny_path):
    frame = tiny_answers(np.random.default_rng(5), 20).drop(columns="Actor")
    path = tmp_path / "plain.csv"
    frame.to_csv(path, index=False)
    result = invoke(runner, "gaps", path, "-i", tiny_path, "--between", "sektor")
    assert result.exit_code == 2
    assert result.stderr.startswith("Error: --between sektor: ")
    assert "has no actor column" in result.stderr
    assert "--by" not in result.stderr


def test_respondent_is_refused_in_danish_too(tmp_path, tiny_path):
    survey = read_survey(EXAMPLE_CSV)
    with pytest.raises(OptionError, match="single persons"):
        resolve_keys(survey, ["respondent"])
