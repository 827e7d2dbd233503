"""``partnerkit validate``: how an export was understood, and its exit codes."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from tests.conftest import EXAMPLE_XLSX, invoke, max_width, write_table

A1 = "The partners agree on the goals."


@pytest.mark.parametrize(
    ("header", "how"),
    [
        ("a1", "id"),
        (A1, "text"),
        (f"Stem - {A1}", "statement"),
        (f"Stem [{A1}]", "statement"),
    ],
)
def test_validate_names_how_each_header_style_mapped(runner, tmp_path, tiny_path, header, how):
    frame = pd.DataFrame({"Timestamp": ["x", "y"], "ID": [1, 2], header: [4, 5], "Q2": [3, 4]})
    path = write_table(tmp_path / "s.csv", frame)
    result = invoke(runner, "validate", path, "-i", tiny_path, "-f", "json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)["results"][0]
    columns = {c["column"]: (c["kind"], c["target"], c["how"]) for c in report["columns"]}
    assert columns[header] == ("item", "a1", how)
    assert columns["Q2"] == ("item", "a2", "alias")
    assert columns["ID"] == ("role", "respondent", "header")
    assert columns["Timestamp"] == ("other", None, None)
    assert report["layout"] == "google_forms"  # a first column "Timestamp"
    assert report["can_score"] is True


def test_validate_reports_invalid_cells_unmapped_items_and_personal_data(
    runner, tmp_path, tiny_path
):
    frame = pd.DataFrame(
        {
            "Navn": ["Anna", "Bo", "Carl"],
            "a1": [4, "hmm", "hmm"],
            "a2": [4, 4, 9],
            "b1": [None, None, None],
            "b2": [1, 2, 3],
        }
    )
    path = write_table(tmp_path / "s.xlsx", frame)
    result = invoke(runner, "validate", path, "-i", tiny_path, "-f", "json")
    assert result.exit_code == 0, result.output  # it can be scored
    report = json.loads(result.stdout)["results"][0]
    assert report["missing_items"] == ["a3", "b3", "b4"]
    cells = [(c["column"], c["value"], c["count"], c["examples"]) for c in report["invalid_cells"]]
    assert cells == [
        ("a1", "hmm", 2, [f"{path}:3", f"{path}:4"]),
        ("a2", "9", 1, [f"{path}:4"]),
    ]
    assert {
        "column": "Navn",
        "label": None,
        "kind": "personal",
        "target": None,
        "how": None,
    } in report["columns"]
    assert "Anna" not in result.stdout
    # rows 3 and 4 keep one valid alpha item at most and b2 alone: too few items to score
    assert report["excluded"] == [
        {"reason": "too_few_items", "rows": 2, "examples": [f"{path}:3", f"{path}:4"]}
    ]
    assert report["rows_scorable"] == 1

    strict = invoke(runner, "validate", path, "-i", tiny_path, "--strict")
    assert strict.exit_code == 1
    text = " ".join(strict.stdout.split())
    assert "--strict: " in text and "3 item(s) have no column" in text
    assert "3 invalid cell(s)" in text


def test_validate_exit_1_when_the_file_cannot_be_scored(runner, tmp_path):
    path = write_table(tmp_path / "none.csv", pd.DataFrame({"x": [1], "y": [2]}))
    result = invoke(runner, "validate", path)
    assert result.exit_code == 1
    assert "✗ cannot be scored" in result.stdout
    text = " ".join(result.stdout.split())
    assert f"Problem: {path}: no column matches any item of instrument 'partnerskab'." in text


def test_validate_reports_two_columns_for_one_item_as_a_problem(runner, tmp_path, tiny_path):
    path = write_table(tmp_path / "twice.csv", pd.DataFrame({"a1": [4], f"S - {A1}": [5]}))
    result = invoke(runner, "validate", path, "-i", tiny_path, "-f", "json")
    assert result.exit_code == 1
    report = json.loads(result.stdout)["results"][0]
    assert report["problems"] == [
        f"{path}: columns 'a1' and 'S - {A1}' both map to item 'a1'. Remove or rename one of them."
    ]


def test_validate_the_example_in_table_view(runner):
    result = invoke(runner, "validate", EXAMPLE_XLSX)
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "Microsoft Forms, header row 1, 293 data rows  ✓ can be scored" in out
    assert "Mail" in out and "personal data: dropped" in out
    assert "Every item of 'partnerskab' has a column." in out
    assert "Rows: 293 read, 291 can be scored" in out
    assert max_width(out) <= 100


def test_validate_unreadable_file_is_an_error_line(runner, tmp_path):
    result = invoke(runner, "validate", tmp_path / "missing.xlsx")
    assert result.exit_code == 1
    assert result.stderr.startswith(f"Error: {tmp_path / 'missing.xlsx'}: no such file.")
